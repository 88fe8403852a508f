"""Step 3: one evidence vector per (mention, candidate).

:data:`FEATURES` names the vector's entries; :func:`vector` computes them.  Every
feature is a number in a small range (the decision is a logistic model over them).
The language model's margin (``lm``, ``lm_pos``) is 0 when the check runs without a
model: the decision then uses its no-model weights, which never saw it.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from mtqa.gazetteer.keys import norm, ru_key, skeleton

FEATURES = (
    "bias", "lookup", "lookup_hi", "entry", "ch_translit", "ch_ending", "ch_spelling", "ch_document", "ch_translit2",
    "cost", "key_edits", "lev", "skel_eq", "rk_dist", "short", "m_zipf", "m_known", "m_caps", "m_suspect",
    "c_prior", "c_zipf", "sig", "context", "first_agree", "title", "pair", "next_cap", "doc_cand", "lm", "lm_pos", "lm_dtok", "lm_lexicon", "lm_entry",
    "src_link", "src_ok", "src_cand", "src_best", "src_est", "src_dist", "src_case", "src_roman", "src_gaz",
)
LM_FEATURES = ("lm", "lm_pos", "lm_dtok", "lm_lexicon", "lm_entry")
#: the original's evidence (a check with ``--source``): 0 without one
SOURCE_FEATURES = ("src_link", "src_ok", "src_cand", "src_best", "src_est", "src_dist", "src_case", "src_roman", "src_gaz")
#: context keywords of a gazetteer entry count within this many characters of the mention
CONTEXT_RADIUS = 400


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


@lru_cache(maxsize=65536)
def news_capitalised(word: str) -> int:
    from mtqa.casing_lexicon import lexicon as news_casing

    c = news_casing()[0].get(word.casefold())
    return c.capitalised if c is not None else 0


def _context_hits(text: str, start: int, end: int, keywords) -> int:
    a, b = max(0, start - CONTEXT_RADIUS), min(len(text), end + CONTEXT_RADIUS)
    hay = text[a:start] + " " + text[end:b]
    n = 0
    for k in keywords:
        flags = 0 if k[:1].isupper() else re.I
        if re.search(rf"(?<!\w){re.escape(k)}(?!\w)", hay, flags):
            n += 1
    return n


def _first_agree(mention, proposal, lexicon) -> float:
    """+1 when the first name before a surname is the entry's, -1 when it is another known
    first name, 0 when there is none or nothing to compare with."""
    if mention.pair or not mention.first:
        return 0.0
    e = proposal.entry
    if e is None or getattr(e, "type", "") != "person":
        return 0.0
    firsts = {norm(n.split()[0]) for n in (e.name, *e.aliases) if len(n.split()) > 1}
    if not firsts:
        return 0.0
    f = norm(mention.first)
    if f in firsts or any(skeleton(mention.first) == skeleton(x) for x in firsts):
        return 1.0
    return -1.0 if lexicon.knows(mention.first) or zipf(mention.first) >= 3.0 else -0.5


def vector(mention, proposal, text: str, lexicon, suspect: bool, doc_words: frozenset, margin: float | None,
           source=None) -> list[float]:
    """The evidence for replacing ``mention`` with ``proposal`` (a list in :data:`FEATURES` order).
    ``source``: the mention's link to a name of its aligned source sentence
    (:class:`mtqa.names.pipeline.SourceLink`), when the check has the original."""
    from mtqa.gazetteer.matcher import signature

    m, c = mention.text, proposal.form
    nm, nc = norm(m), norm(c)
    ch = proposal.channels
    e = proposal.entry
    ctx = _context_hits(text, mention.start, mention.end, e.context) if e is not None and e.context else 0
    last = m.split()[-1]
    lm = 0.0 if margin is None else max(-30.0, min(30.0, margin)) / 10.0
    v = {
        "bias": 1.0,
        "lookup": proposal.lookup,
        "lookup_hi": float(proposal.lookup >= 0.85),
        "entry": float(e is not None),
        "ch_translit": float("translit" in ch),
        "ch_ending": float("ending" in ch),
        "ch_spelling": float("spelling" in ch),
        "ch_document": float("document" in ch),
        "ch_translit2": float("translit2" in ch),
        "cost": min(proposal.cost, 5.0) / 5.0,
        "key_edits": min(proposal.key_edits, 3) / 3.0,
        "lev": Levenshtein.distance(nm, nc) / max(len(nm), len(nc), 1),
        "skel_eq": float(skeleton(m) == skeleton(c)),
        "rk_dist": min(Levenshtein.distance(ru_key(m), ru_key(c)), 4) / 4.0,
        "short": float(len(nm) <= 5),
        "m_zipf": zipf(last) / 8.0,
        "m_known": float(lexicon.knows(m)),
        "m_caps": math.log1p(news_capitalised(last)) / 10.0,
        "m_suspect": float(suspect),
        "c_prior": min(proposal.prior, 15.0) / 10.0,
        "c_zipf": zipf(c.split()[-1]) / 8.0,
        "sig": signature(last) / 2.0,
        "context": min(ctx, 2) / 2.0,
        "first_agree": _first_agree(mention, proposal, lexicon),
        "title": float(mention.title),
        "pair": float(mention.pair),
        "next_cap": float(mention.next_cap),
        "doc_cand": float(nc in doc_words),
        "lm": lm,
        "lm_pos": max(0.0, lm),
        "lm_dtok": 0.0,  # set with the margin: the candidate's tokens less the mention's (/5)
        # the margin where only a lexicon channel proposed the candidate, and where a gazetteer
        # entry did: the model's word counts for more on a rare name no entry backs
        "lm_lexicon": 0.0,
        "lm_entry": 0.0,
    }
    v.update(_source_features(source, c))
    return [v[f] for f in FEATURES]


def _source_features(link, form: str) -> dict:
    """``src_link``: the mention stands for a name of its source sentence; ``src_ok``: the mention
    is itself one of that name's renderings; ``src_cand`` / ``src_best``: the candidate is one /
    the best of them; ``src_est``: and an established one (gazetteer or lexicon, not only a
    romanization); ``src_dist``: how far the mention's Russian key is from the name's (0-1);
    ``src_case``: the mention spells the source word's case form, not its nominative
    ("Furgala" for Фургала, whose nominative is Фургал); ``src_roman``: the mention is a
    romanization of the nominative (Krykhovyak for Крыховяк: right unless English spells the
    name its own way, Krychowiak); ``src_gaz``: the candidate is the curated gazetteer's English
    name for the source word (Шольц → Scholz), the most trusted rendering."""
    if link is None:
        return {f: 0.0 for f in SOURCE_FEATURES}
    sn = link.name
    word = form.split()[-1] if link.word_last else form
    n = norm(word)
    chan = next((ch for s, (ch, _) in sn.spellings.items() if norm(s) == n), None)
    return {
        "src_link": 1.0,
        "src_ok": float(link.ok),
        "src_cand": float(sn.accepts(word)),
        "src_best": float(bool(sn.best) and norm(sn.best) == n),
        "src_est": float(chan in ("gazetteer", "lexicon")),
        "src_dist": min(link.distance, 0.5) / 0.5,
        "src_case": float(link.case_form),
        "src_roman": float(link.roman),
        "src_gaz": float(chan == "gazetteer"),
    }


def explain(vec: list[float], margin: float | None) -> str:
    """A short account of the evidence for a finding (the names report shows it)."""
    v = dict(zip(FEATURES, vec))
    parts = []
    if v["lookup"]:
        parts.append(f"gazetteer lookup {v['lookup']:.2f}")
    chans = [c[3:] for c in ("ch_translit", "ch_ending", "ch_spelling", "ch_document", "ch_translit2") if v[c]]
    if chans:
        parts.append("lexicon channel " + "/".join(chans))
    if v["context"]:
        parts.append("context keywords nearby")
    if v["first_agree"] > 0:
        parts.append("first name agrees")
    if v["title"]:
        parts.append("title before it")
    if v["doc_cand"]:
        parts.append("the document spells it so elsewhere")
    if v["m_zipf"] == 0 and not v["m_known"]:
        parts.append("the spelling as written is unattested")
    if margin is not None:
        parts.append(f"the language model prefers it by {margin:+.2f} nats")
    if v["src_cand"]:
        parts.append("the source spells it so")
    return "; ".join(parts)
