"""The seed check: every `name` and `phrase` item of the annotation is reported at
exactly the annotated span with exactly the annotated suggestion, by the
shipped default gazetteer and phrase tables."""

import pytest

from mtqa import Checker, Config


@pytest.fixture(scope="module")
def seed_findings(seed_text):
    return Checker(Config(select=["NAM", "PHR"], fluency=False)).check_text(seed_text, source="seed").findings


@pytest.mark.parametrize("family", ["name", "phrase"])
def test_seed_items_reported_exactly(family, seed_text, seed_expected, seed_findings):
    items = [m for m in seed_expected["must"] if m["family"] == family]
    assert items
    for item in items:
        assert seed_text[item["start"]:item["end"]] == item["text"]
        hits = [f for f in seed_findings if f.family == family and f.start == item["start"] and f.end == item["end"]]
        assert hits, f"{family} item {item['text']!r} at {item['start']}-{item['end']} not reported"
        assert hits[0].suggestion == item["suggestion"], (item, hits[0])


def test_seed_name_codes_and_confidence(seed_findings):
    by_text = {f.text: f for f in seed_findings if f.family == "name"}
    assert set(by_text) == {"dzhebhat an-Nusra", "Dzhebhat EN-Nusra", "Josh Ernest"}
    for f in by_text.values():
        assert f.code == "NAM001"
        assert f.confidence >= 0.9
        assert f.data["evidence"]
    # the Josh Ernest finding rests on the context keywords of the entry
    assert {"White House", "press secretary"} <= set(by_text["Josh Ernest"].data["context"])


def test_seed_casing_items_survive_next_to_names(seed_text, seed_expected):
    """Name/phrase rules supersede casing only inside their own spans."""
    findings = Checker(Config(fluency=False)).check_text(seed_text, source="seed").findings
    for item in seed_expected["must"]:
        if item["family"] == "casing":
            assert any(f.start == item["start"] and f.end == item["end"] and f.suggestion == item["suggestion"]
                       for f in findings), item
