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
