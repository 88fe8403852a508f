"""Quotes and brackets pair across the lines of a sentence-per-line text, the
way MT test sets and many feeds arrive, and across segments read with
``--input-format lines``; paragraphs set off by blank lines keep the
multi-paragraph convention.  The seed article, rendered one sentence per line,
gets the same quote findings as the article as written."""

import json

from conftest import SEED, run_mtqa

from mtqa import Checker
from mtqa.config import Config
from mtqa.document import Document
from mtqa.segment import segment

QUOTE_RULES = ["QUO"]


def one_sentence_per_line(text: str) -> str:
    d = segment(Document(source="", text=text))
    return "\n".join(" ".join(text[s.start:s.end].split()) for s in d.sentences)


def quote_findings(text: str) -> list[tuple[str, str]]:
    rep = Checker(Config(select=QUOTE_RULES, fluency=False)).check_text(text)
    return [(f.code, f.text) for f in rep.findings]


def test_seed_one_sentence_per_line_keeps_the_seed_quote_findings(seed_text, seed_expected):
    as_written = quote_findings(seed_text)
    lines = quote_findings(one_sentence_per_line(seed_text))
    assert lines == as_written
    must = [m["text"] for m in seed_expected["must"] if m["family"] == "quote"]
    assert [t for _, t in lines if _ == "QUO001"][:2] == must


def test_quote_over_sentence_lines_is_paired():
    text = ("Trump added: “We lose much more than that to automobile accidents.\n"
            "We don't call up the automobile companies and say stop making cars,” he said.\n"
            "The White House did not comment.")
    assert quote_findings(text) == []


def test_quote_left_open_on_a_line_is_still_reported():
    text = ("The minister said the plan was “a disaster.\n"
            "The talks ended on Friday.\n"
            "Both sides left Geneva.")
    assert quote_findings(text) == [("QUO001", "“a")]


def test_blank_line_paragraphs_do_not_pair_across_lines():
    # a real paragraph break: the quote must be re-opened (news convention), not closed
    # two lines later
    text = "He said “we will go.\n\nThe talks ended on Friday.\nThey left,” the agency said."
    assert quote_findings(text) == [("QUO001", "“we"), ("QUO002", "”")]


def test_quote_running_over_many_sentence_lines_with_reopenings():
    text = ("His manager said: \"We've had interest from different TV producers.\n"
            "Some are for comedy shows, some are new-type projects.\n"
            "\"There are a number of things Joe wants to do.\n"
            "He is very ambitious.\n"
            "\"He wants to play the West End and do different things.\"\n")
    assert quote_findings(text) == []


def _lines_findings(tmp_path, text, *extra):
    p = tmp_path / "segments.txt"
    p.write_text(text, encoding="utf-8")
    r = run_mtqa("check", str(p), "--input-format", "lines", "--no-fluency", "--select", "QUO",
                 "--format", "json", *extra)
    assert r.returncode in (0, 1), r.stderr
    return [(d["record"], f["code"], f["line"], f["column"], f["text"])
            for d in json.loads(r.stdout)["documents"] for f in d["findings"]]


def test_input_format_lines_pairs_across_segments(tmp_path, seed_text):
    text = one_sentence_per_line(seed_text) + "\n"
    found = _lines_findings(tmp_path, text)
    # the same spans as the whole text read as one document, each on its own segment
    as_document = Checker(Config(select=QUOTE_RULES, fluency=False)).check_text(text.rstrip("\n"))
    assert [(c, ln, col, t) for _, c, ln, col, t in found] == [
        (f.code, f.line, f.column, f.text) for f in as_document.findings]
    assert len(found) >= 2
    # a multi-sentence quotation split over two segments is not reported
    pair = ("Trump added: “We lose much more than that to automobile accidents.\n"
            "We don't call up the automobile companies,” he said.\n")
    assert _lines_findings(tmp_path, pair) == []
    # an empty line is a paragraph break, as in a document
    broken = "He said “we will go.\n\nThe talks ended on Friday.\nThey left,” the agency said.\n"
    assert [(r, c, t) for r, c, _, _, t in _lines_findings(tmp_path, broken)] == [
        (0, "QUO001", "“we"), (3, "QUO002", "”")]


def test_input_format_lines_pairs_across_the_ranges_of_jobs(tmp_path, seed_text):
    """--jobs cuts a big lines file into ranges; a segment at a range's edge still sees
    the segments around it: the same findings as one process."""
    text = (one_sentence_per_line(seed_text) + "\n") * 60  # over 64 KB ranges: 3 of them
    p = tmp_path / "segments.txt"
    p.write_text(text, encoding="utf-8")
    out = {}
    for jobs in ("1", "2"):
        r = run_mtqa("check", str(p), "--input-format", "lines", "--no-fluency", "--select", "QUO",
                     "--format", "json", "--jobs", jobs)
        assert r.returncode in (0, 1), r.stderr
        out[jobs] = [(d["record"], f["code"], f["start"]) for d in json.loads(r.stdout)["documents"]
                     for f in d["findings"]]
    assert out["1"] == out["2"] and len(out["1"]) >= 120
