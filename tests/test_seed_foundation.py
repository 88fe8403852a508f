"""The seed article: every casing, attribution and quote `must` item is
reported at the annotated offsets with the annotated suggestion.

Span convention (documented in README): casing findings span the whole
phrase whose casing is wrong; attribution findings span the verb through the
punctuation; unclosed-quote findings span the opening mark plus the word
after it.  Those are exactly the annotated spans, so offsets must match
exactly here."""

import json

import pytest

from conftest import SEED

FAMILIES = {"casing", "attribution", "quote"}


@pytest.fixture(scope="module")
def seed_json(request):
    from conftest import run_mtqa

    r = run_mtqa("check", SEED, "--format", "json", "--no-fluency")
    assert r.returncode == 1, r.stderr  # the seed has error-level findings
    return json.loads(r.stdout)


def test_schema_contract(seed_json):
    assert seed_json["schema"] == "mtqa/1"
    (doc,) = seed_json["documents"]
    assert doc["source"].endswith("000_5614c2f1ef2c2b4d.txt")
    for key in ("error", "warning", "info", "words", "sentences"):
        assert key in doc["summary"]
    for f in doc["findings"]:
        for key in ("code", "rule", "family", "severity", "start", "end", "line", "column", "text", "message",
                    "suggestion", "confidence"):
            assert key in f
        assert 0 <= f["confidence"] <= 1


def test_every_foundation_must_item_found(seed_json, seed_expected, seed_text):
    findings = seed_json["documents"][0]["findings"]
    items = [m for m in seed_expected["must"] if m["family"] in FAMILIES]
    assert len(items) == 8
    for item in items:
        assert seed_text[item["start"]:item["end"]] == item["text"]
        hits = [f for f in findings if f["family"] == item["family"] and f["start"] == item["start"]
                and f["end"] == item["end"]]
        assert hits, f"missing {item['family']} finding for {item['text']!r}"
        f = hits[0]
        assert f["text"] == item["text"]
        if item["suggestion"] is not None:
            assert f["suggestion"] == item["suggestion"]


def test_line_and_column_point_at_span(seed_json, seed_text):
    lines = seed_text.split("\n")
    for f in seed_json["documents"][0]["findings"]:
        line = lines[f["line"] - 1]
        assert line[f["column"] - 1:].startswith(f["text"].split("\n")[0])
