"""Offsets are code points into the decoded text; lines/columns are 1-based."""

from mtqa import Checker, Config
from mtqa.document import Document, map_span, nfc_with_map
from mtqa.segment import segment


def test_multibyte_offsets_are_code_points():
    text = "Путин 🇷🇺 said “hello”.\nThe the end."
    r = Checker(Config(select=["REP001"])).check_text(text, "x")
    (f,) = r.findings
    assert text[f.start:f.end] == "The the"
    assert f.line == 2 and f.column == 1
    # UTF-8 byte offsets would differ: the prefix has many multi-byte characters
    assert len(text[:f.start].encode("utf-8")) != f.start


def test_column_counts_code_points_after_emoji():
    text = "😀😀 us officials met."
    r = Checker(Config(select=["CAS002"])).check_text(text, "x")
    (f,) = r.findings
    assert (f.line, f.column) == (1, 4)
    assert f.text == "us officials"


def test_crlf_keeps_offsets_into_original_text():
    text = "Headline\r\n\r\nThe minister said , hello.\r\n"
    r = Checker(Config(select=["TYP001"])).check_text(text, "x")
    (f,) = r.findings
    assert text[f.start:f.end] == " ,"
    assert (f.line, f.column) == (3, 18)


def test_spans_are_trimmed():
    doc = segment(Document("x", "  Hello there.   Second one.  \n\n  Third  "))
    for span in doc.paragraphs + doc.sentences + doc.tokens:
        s = doc.text[span.start:span.end]
        assert s == s.strip() and s


def test_nfc_map_back_to_original():
    decomposed = "Cafe\u0301 Kre\u0301mlin"  # e + combining acute
    nfc, table = nfc_with_map(decomposed)
    assert nfc == "Café Krémlin"
    start = nfc.index("Krémlin")
    s, e = map_span(table, start, start + len("Krémlin"), len(decomposed))
    assert decomposed[s:e] == "Kre\u0301mlin"


def test_nfc_identity_has_no_table():
    assert nfc_with_map("plain text")[1] is None


def test_tokens_are_compact_and_read_as_spans():
    from mtqa.document import Span, SpanArray

    text = "Josh Ernest told reporters on Monday: “We will not comment.” (Reuters)"
    doc = segment(Document("x", text))
    toks = doc.tokens
    assert isinstance(toks, SpanArray)
    words = [text[a:b] for a, b in toks]
    assert words[:5] == ["Josh", "Ernest", "told", "reporters", "on"] and words[-1] == ")"
    assert toks[0] == Span(0, 4) and toks[-1].end == len(text) and toks[1:3] == [(5, 11), (12, 16)]
    assert toks == list(toks) and list(toks) + [] == [] + toks
    # 16 bytes a token, where a list of Span tuples takes ~120
    import sys

    assert sys.getsizeof(toks._flat) < 24 * len(toks) + 100
