"""Fuzzing the gazetteer: index lookup (``mtqa normalize``) and the document matcher (NAM rules).

Queries and documents are arbitrary strings and real gazetteer names garbled
the way machine translation garbles them — romanizations of the entries'
Cyrillic forms in every scheme the index knows, with letters dropped,
doubled, swapped or re-cased — wrapped in RTL controls, combining marks,
Cyrillic/Arabic, emoji and long tokens.

Invariants:

* lookup: no exception; at most ``top`` candidates, each a gazetteer entry
  with a confidence in [0, 1] and at or above ``min_confidence``, and
  evidence; asking again gives the same candidates in the same order;
* ``mtqa normalize`` (in process): exit 0, one JSON object (or TSV lines) per
  query line, the query echoed, the candidates those of the lookup;
* the document matcher: every hit's offsets lie in the text and slice to the
  hit's text, confidences in [0, 1], hits sorted; the same text scanned
  again, and by a fresh matcher with cold caches, gives the same hits;
  NAM/PHR findings from the checker slice to their text.

Bugs it found (lone surrogates crashed the lookup; candidates out of
confidence order; quadratic time on huge names) have regression tests at the end.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtqa import Checker, Config
from mtqa.document import Document
from mtqa.gazetteer import get_gazetteer
from mtqa.gazetteer.matcher import DocumentMatcher
from mtqa.gazetteer.translit import romanizations
from mtqa.segment import segment

from fuzzsupport import NOISE, budget, spliced_news, tick

GAZ = get_gazetteer()  # the default gazetteer and house style, as the checker's
ENTRIES = list(GAZ.entries)
BY_ID = {e.id: e for e in ENTRIES}
NAMES_CHECKER = Checker(Config(fluency=False, select=["NAM", "PHR"]))
KINDS = {"garbled", "house", "unverified", "article"}


@st.composite
def garbled_name(draw) -> str:
    """A gazetteer name as MT writes it: an English form, or a romanization of a foreign form,
    sometimes with one letter dropped, doubled, swapped or re-cased, or lower-cased as a whole."""
    e = draw(st.sampled_from(ENTRIES))
    forms = list(e.accepted)
    for lang, form in e.foreign:
        if lang in ("ru", "uk"):
            forms.extend(sorted(set(romanizations(form, lang).values())))
        else:
            forms.append(form)  # Arabic, Hebrew... as written
    s = draw(st.sampled_from(forms))
    op = draw(st.sampled_from(["none", "none", "drop", "double", "swap", "case", "lower"]))
    if s and op != "none":
        i = draw(st.integers(0, len(s) - 1))
        if op == "drop":
            s = s[:i] + s[i + 1:]
        elif op == "double":
            s = s[:i] + s[i] + s[i:]
        elif op == "swap" and i + 1 < len(s):
            s = s[:i] + s[i + 1] + s[i] + s[i + 2:]
        elif op == "case":
            s = s[:i] + s[i].swapcase() + s[i + 1:]
        elif op == "lower":
            s = s.lower()
    return s


noise = st.lists(st.one_of(st.sampled_from([n for n in NOISE if not ("\ud800" <= n[0] <= "\udfff")]),
                           st.characters(exclude_categories=["Cs"])), max_size=3).map("".join)
long_token = st.tuples(st.sampled_from(["Dzh", "Ferstappen", "Moravetsky", "al-", "Д", "ج", "e\u0301", "A", "-"]),
                       st.integers(1, 300)).map(lambda t: t[0] * t[1])
queries = st.one_of(
    garbled_name(), garbled_name(), garbled_name(),
    st.tuples(noise, garbled_name(), noise).map("".join),
    st.tuples(garbled_name(), st.sampled_from([" ", "-", "\u200f", "\u0301 "]), garbled_name()).map("".join),
    st.text(max_size=40),  # arbitrary Unicode, RTL and combining marks (lone surrogates: a regression test below)
    long_token,
)


def _cands(cands):
    return [(c.entry.id, c.confidence, c.evidence, c.key, c.form) for c in cands]


@budget(1200)
@given(queries, st.integers(1, 6), st.sampled_from([0.0, 0.3, 0.3, 0.6, 0.9]))
def test_lookup_candidates(query, top, min_confidence):
    tick("gazetteer: lookup")
    cands = GAZ.lookup(query, top=top, min_confidence=min_confidence)
    assert len(cands) <= top
    for c in cands:
        assert BY_ID[c.entry.id] == c.entry
        assert 0.0 <= c.confidence <= 1.0 and c.confidence >= min_confidence
        assert isinstance(c.evidence, str) and c.evidence
    assert len({c.entry.id for c in cands}) == len(cands)  # one candidate per entry
    assert _cands(GAZ.lookup(query, top=top, min_confidence=min_confidence)) == _cands(cands)


def _normalize(args, stdin=None):
    from typer.testing import CliRunner

    import mtqa.commands.normalize  # noqa: F401  (registers the command)
    from mtqa.cli import app

    return CliRunner().invoke(app, ["normalize", *args], input=stdin, catch_exceptions=False)


@budget(80)
@given(st.lists(queries.filter(lambda q: "\r" not in q and "\n" not in q), min_size=1, max_size=6),
       st.integers(1, 4), st.sampled_from(["json", "tsv"]))
def test_normalize_command_streams_one_answer_per_query(qs, top, fmt):
    tick("gazetteer: mtqa normalize")
    r = _normalize(["-", "--format", fmt, "--top", str(top)], stdin="\n".join(qs) + "\n")
    assert r.exit_code == 0, r.output
    lines = r.stdout.split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    if fmt == "json":
        assert len(lines) == len(qs)
        for q, line in zip(qs, lines):
            obj = json.loads(line)
            assert obj["query"] == q
            want = GAZ.lookup(" ".join(q.split()), top=top, min_confidence=0.3) if q.split() else []
            assert [c["name"] for c in obj["candidates"]] == [c.entry.name for c in want]
            assert all(0.0 <= c["confidence"] <= 1.0 for c in obj["candidates"])
    else:
        i = 0
        for q in qs:
            want = GAZ.lookup(" ".join(q.split()), top=top, min_confidence=0.3) if q.split() else []
            for k in range(max(1, len(want))):
                cols = lines[i].split("\t")
                i += 1
                assert len(cols) == 5 and cols[0] == q.replace("\t", " ")
                assert cols[1] == (want[k].entry.name if want else "")
        assert i == len(lines)


# -- the document matcher ------------------------------------------------------------------------------

NAME_ARTIFACTS = st.one_of(garbled_name(), garbled_name(), long_token,
                           st.sampled_from(["Kiev", "Kharkov", "chicken Kiev", "Odessa, Texas", "Josh Ernest",
                                            "dzhebhat an-Nusra", "Hayat Tahrir ash-Sham", "White House",
                                            "press secretary", "Dzhamshed Khudoyberdiyev", "(business in Russia)"]))
documents = st.one_of(spliced_news(NAME_ARTIFACTS), spliced_news(NAME_ARTIFACTS),
                      st.lists(st.one_of(garbled_name(), noise, st.text(max_size=8)), max_size=12).map(" ".join))


def _hits(hits):
    return [(h.kind, h.start, h.end, h.text, h.suggestion, h.confidence, h.entry_id, h.evidence) for h in hits]


@budget(500)
@given(documents)
def test_matcher_hits_slice_to_their_text_and_are_deterministic(text):
    tick("gazetteer: matcher")
    doc = segment(Document("fuzz", text))
    hits = GAZ.analyze(doc)
    prev = None
    for h in hits:
        assert 0 <= h.start < h.end <= len(text)
        assert h.text == text[h.start:h.end]
        assert 0.0 <= h.confidence <= 1.0
        assert h.kind in KINDS
        if h.kind in ("garbled", "house"):
            assert h.suggestion
        key = (h.start, h.end, h.kind)
        assert prev is None or prev <= key
        prev = key
    # the same text again (warm run caches), and by a matcher with cold caches
    again = GAZ.analyze(segment(Document("fuzz", text)))
    assert _hits(again) == _hits(hits)
    nfc, _ = doc.normalized()
    allowed = lambda s: s.casefold() in GAZ.allowed  # noqa: E731
    cold = DocumentMatcher(GAZ).scan(nfc, allowed)
    warm = GAZ.matcher.scan(nfc, allowed)
    assert _hits(cold) == _hits(warm)
    # through the checker: name and phrase findings slice to their text
    for f in NAMES_CHECKER.check_text(text).findings:
        assert 0 <= f.start <= f.end <= len(text) and f.text == text[f.start:f.end]
        assert 0.0 <= f.confidence <= 1.0


def test_matcher_is_independent_of_what_it_saw_before():
    """Run caches are per process: a document's hits do not depend on the documents scanned before it."""
    rng = random.Random(7)
    texts = ["Militants of dzhebhat an-Nusra attacked.", "As the White House press secretary Josh Ernest said.",
             "Talks in Kiev resumed; chicken Kiev was served.", "Mateusz Moravetsky met Max Ferstappen.",
             "Hayat Tahrir ash-Sham and Dzhebhat EN-Nusra fought.", "Ernest Hemingway wrote in Key West."]
    fresh = {t: _hits(DocumentMatcher(GAZ).scan(t, lambda s: False)) for t in texts}
    m = DocumentMatcher(GAZ)
    for _ in range(3):
        rng.shuffle(texts)
        for t in texts:
            assert _hits(m.scan(t, lambda s: False)) == fresh[t], t


# -- regressions: bugs the fuzzing found in mtqa/gazetteer ---------------------------------------------------------------

@pytest.mark.parametrize("query", ["Ferst\udcffappen", "Moravetsky\ud800"])
def test_lookup_survives_lone_surrogates(query):
    assert isinstance(GAZ.lookup(query), list)


@pytest.mark.parametrize("query", ["ﬁ", "e\u0301" * 40])
def test_lookup_is_sorted_by_confidence(query):
    confs = [c.confidence for c in GAZ.lookup(query, top=5, min_confidence=0.0)]
    assert confs == sorted(confs, reverse=True)


def test_normalize_command_survives_undecodable_input():
    """An undecodable query (argv or a stdin line) gets an answer with no candidates and
    an "error", one line on stderr, exit 2; the other queries are still answered, in order."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = {**os.environ, "NO_COLOR": "1"}
    for args, stdin, n_bad in (([b"Ferst\xffappen"], b"", 1), ([b"-"], b"Moravetsky\n\xff\xfe bad\nFerstapen\n", 1)):
        r = subprocess.run([sys.executable, "-m", "mtqa", "normalize", "--format", "json", *args], input=stdin,
                           capture_output=True, cwd=ROOT, env=env, timeout=300)
        assert b"Traceback" not in r.stderr and r.returncode == 2, r.stderr
        assert len(r.stderr.decode().splitlines()) == n_bad and b"not valid UTF-8" in r.stderr
        recs = [json.loads(line) for line in r.stdout.decode("utf-8").splitlines()]
        assert [bool(rec.get("error")) for rec in recs].count(True) == n_bad
        if stdin:
            assert [rec["query"] for rec in recs][::2] == ["Moravetsky", "Ferstapen"]
            assert recs[0]["candidates"][0]["name"] == "Mateusz Morawiecki"
            assert recs[2]["candidates"][0]["name"] == "Max Verstappen"


def test_matcher_on_huge_adversarial_names():
    """1 MB of one capitalised token, and a long paragraph of name hits: both finish
    (they were quadratic: one-edit variants of a whole token; the context of every hit
    read its whole paragraph).  No timing assertion: a regression shows as a hang."""
    checker = Checker(Config(fluency=False, select=["NAM"]))
    text = "Moravetsky" * 100_000
    for f in checker.check_text(text).findings:
        assert text[f.start:f.end] == f.text
    para = " ".join(["the press secretary of the White House Josh Ernest and dzhebhat an-Nusra."] * 2000)
    found = checker.check_text(para).findings
    assert len(found) >= 2000 and all(para[f.start:f.end] == f.text for f in found)
    assert {f.suggestion for f in found} >= {"Josh Earnest", "Jabhat al-Nusra"}
