"""Property-based tests (hypothesis) over readers, the segmenter, every rule
and every formatter.  Invariants: no exception escapes; spans lie inside the
text and slice to the reported text; outputs are valid JSON / XML / SARIF.

Bounded for CI: about 10,000 generated inputs in all (derandomized, so a
run is reproducible).  A longer campaign: MTQA_FUZZ_SCALE=20 pytest tests/test_fuzz*.py
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from mtqa import Checker, Config
from mtqa.document import Document
from mtqa.formatters import RunSummary, get_formatter
from mtqa.readers import ReadError, ReadOptions, read_stream
from mtqa.segment import segment

from fuzzsupport import budget, tick


# text that looks like MT news: real fragments, quotes, brackets, scripts, odd spaces
FRAGMENTS = ["us", "Secretary of state", "White house", "state Department", "reports", " .", " ,", "“", "”", "«",
             "»", '"', "(", ")", "[", "]", "the the", "Mr.", "U.S.", "20.01.2016", "1,5 million", "Путин",
             "جبهة", "中国", "Mоscow", "dzhebhat an-Nusra", "Josh Ernest", "(business in Russia)", "\n", "\n\n",
             "\r\n", "  ", "\t", "\u00a0", "\u200b", "e\u0301", "🇷🇺", "\u202e", "\x00", "...", "—", "said.",
             "according to", "Kiev", "al-Qaeda", "ISIS", "'", "’"]
news_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map(" ".join)
any_text = st.one_of(st.text(max_size=300), news_text)

CHECKER = Checker(Config(fluency=False))


def check_invariants(text: str):
    rep = CHECKER.check_text(text, source="fuzz")
    prev = None
    for f in rep.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.text == text[f.start:f.end]
        assert 0.0 <= f.confidence <= 1.0
        assert f.line >= 1 and f.column >= 1
        key = f.sort_key()
        assert prev is None or prev <= key
        prev = key
    return rep


@budget(2000)
@given(any_text)
def test_segmenter_spans(text):
    tick("test_segmenter_spans")
    doc = segment(Document("fuzz", text))
    for spans in (doc.paragraphs, doc.sentences, doc.tokens):
        last = -1
        for s in spans:
            assert 0 <= s.start < s.end <= len(text)
            assert s.start >= last
            last = s.end
            piece = text[s.start:s.end]
            assert piece == piece.strip(), (s, piece)  # never starts or ends with whitespace


@budget(2500)
@given(any_text)
def test_rules_never_crash_and_spans_are_exact(text):
    tick("test_rules_never_crash_and_spans_are_exact")
    check_invariants(text)


@budget(1500)
@given(st.binary(max_size=400))
def test_text_reader_on_arbitrary_bytes(data):
    tick("test_text_reader_on_arbitrary_bytes")
    items = list(read_stream(io.BufferedReader(io.BytesIO(data)), "fuzz.txt", ReadOptions(max_bytes=300), "text"))
    assert len(items) == 1
    item = items[0]
    if isinstance(item, ReadError):
        assert item.message and "\n" not in item.message
    else:
        check_invariants(item.text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(["body", "headline", "title", "text", "x"]), children, max_size=4),
    max_leaves=12,
)


@budget(1500)
@given(st.lists(st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=80),
                          st.just(b'{"body": "\\ud800 said , x"}'), st.just(b"[" * 5000)), max_size=6))
def test_jsonl_reader_on_arbitrary_lines(lines):
    tick("test_jsonl_reader_on_arbitrary_lines")
    data = b"\n".join(lines)
    for item in read_stream(io.BufferedReader(io.BytesIO(data)), "fuzz.jsonl", ReadOptions(), "jsonl"):
        if isinstance(item, ReadError):
            assert item.message and "\n" not in item.message
        else:
            rep = check_invariants(item.text)
            item.text.encode("utf-8")  # always writable
            for f in rep.findings:
                line, col = item.line_col(f.start)
                assert line >= 1 and col >= 1


@budget(1500)
@given(any_text)
def test_every_formatter_emits_valid_output(text):
    tick("test_every_formatter_emits_valid_output")
    if not text.strip():
        return
    rep = CHECKER.check_text(text.replace("\x00", ""), source="fuzz.txt")
    for name in ("text", "json", "jsonl", "sarif", "github", "junit"):
        out = io.StringIO()
        fmt = get_formatter(name)(out, fail_on="warning")
        fmt.begin()
        fmt.document(rep)
        fmt.error(ReadError("bad.txt", "boom"))
        summary = RunSummary()
        summary.add(rep, True)
        fmt.end(summary)
        s = out.getvalue()
        s.encode("utf-8")
        if name in ("json", "sarif"):
            json.loads(s)
        elif name == "jsonl":
            for line in s.splitlines():
                json.loads(line)
        elif name == "junit":
            ET.fromstring(s.split("\n", 1)[1])
        elif name == "github":
            assert all(line.startswith("::") for line in s.splitlines())


@budget(1000)
@given(st.binary(max_size=300))
def test_lines_reader_on_arbitrary_bytes(data):
    tick("test_lines_reader_on_arbitrary_bytes")
    n = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    items = list(read_stream(io.BufferedReader(io.BytesIO(data)), "fuzz.txt", ReadOptions(), "lines"))
    assert len(items) == n


def test_huge_inputs_without_spaces():
    for text in ("a" * 1_000_000, "а" * 1_000_000, "“" * 200_000 + "x", ("the " * 250_000), "a-" * 500_000,
                 "." * 1_000_000, "Mr. " * 200_000):
        check_invariants(text)


def test_deeply_nested_json_is_a_read_error():
    data = b'{"body": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    (item,) = list(read_stream(io.BufferedReader(io.BytesIO(data)), "deep.jsonl", ReadOptions(), "jsonl"))
    assert isinstance(item, ReadError)
