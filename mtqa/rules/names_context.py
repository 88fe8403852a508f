"""Names the language model judges in their sentence (family ``name``, NAM004).

See :mod:`mtqa.entities` for the lexicon, the candidate channels and the
verdict; this module turns verdicts into findings, one entity at a time.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import mtqa.fluency  # noqa: F401  (light: registers the "fluency" resource, imports no torch)
from mtqa.finding import Finding, Severity
from mtqa.gazetteer import resource as _resource  # noqa: F401  (registers the "gazetteer" resource)
from mtqa.rules.base import Rule, register

#: a candidate is reported when its margin minus its channel cost (nats) reaches this,
#: per channel; fitted on the tuning half of the WMT21 garble set and clean news
#: (benchmarks/bench_name_garbles.py, benchmarks/clean_news_rates.py)
THRESHOLDS = {"document": 0.0, "translit": 4.0, "ending": 8.0, "spelling": 12.0}
#: mentions of one suspect spelling the model re-reads (the verdict covers them all)
MAX_MENTIONS_SCORED = 2
#: a one-edit transliteration match needs this much more (a near key is weaker evidence)
FUZZY_EXTRA = 8.0


_CHANNELS = {"translit": "the romanization of its Russian spelling", "ending": "a Russian case ending left on",
             "spelling": "one letter off", "document": "the document's own spelling"}


def _confidence(score: float, threshold: float) -> float:
    return round(0.6 + 0.35 * (1.0 - math.exp(-(score - threshold) / 3.0)), 3)


class _Covered:
    """Spans the gazetteer rules already judged, merged and sorted: whether a mention
    overlaps one is a bisection, not a scan (a long document has thousands of each)."""

    def __init__(self, spans):
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def overlaps(self, a: int, b: int) -> bool:
        from bisect import bisect_left

        i = bisect_left(self.starts, b) - 1  # the last merged span starting before b
        return i >= 0 and self.ends[i] > a


@register
class NameInContext(Rule):
    """An unknown name that the language model reads as a garble of a known one.

    A capitalised word that no lexicon knows (mtqa's 172k English entity
    spellings, wordfreq, the news casing lexicon) is a *suspect*.  Its
    candidates come from the ways MT garbles names (:mod:`mtqa.entities.candidates`):
    the romanization of a name's Russian spelling ("Krykhovyak" for
    *Krychowiak*, "Kronshtadt" for *Kronstadt*), a Russian case ending left on
    ("Ust-Katava" for *Ust-Katav*), one letter off a known spelling of eight
    letters or more ("Dsseldorf"), or the same name spelled otherwise elsewhere
    in the document ("Furgala" after "Sergei Furgal").  The fluency model
    re-reads the document around the mention with each candidate (one batch per
    set of documents) and the finding is made when the candidate reads better
    by a margin (nats, minus the channel's cost) above the channel's threshold.
    Two romanizations of one Russian name (Zelenskii/Zelensky) are variants
    and never flagged; known names in their ordinary spelling are never
    re-judged.  All mentions of one garbled spelling in a document get the same
    suggestion (``data["group"]``): ``mtqa fix --unsafe-fixes`` corrects all of
    them or none (NAM004 is not in the fix gate: its precision on clean news
    with the model is not yet measured by ``benchmarks/fix_precision.py``).
    Needs the language model: off with ``--no-fluency``.
    """

    code = "NAM004"
    name = "name-in-context"
    family = "name"
    severity = Severity.WARNING
    summary = "Unknown name the language model reads as a garble of a known one (\"Krykhovyak\" → \"Krychowiak\")."
    flag_examples = (
        "Polish midfielder Grzegorz Krykhovyak scored the winning goal for Lokomotiv.",
    )
    pass_examples = (
        "Polish midfielder Grzegorz Krychowiak scored the winning goal for Lokomotiv.",
        "Ukrainian President Volodymyr Zelenskii met European leaders in Brussels.",
    )
    needs = frozenset({"fluency", "gazetteer"})
    document_caches = (_resource.HITS_CACHE,)  # the document's name hits, shared by the NAM rules
    supersedes = ("CAS", "FLU")
    fixable = True

    def check(self, doc, ctx) -> Iterable[Finding]:
        return self.check_batch([doc], ctx)[0]

    def check_batch(self, docs, ctx) -> list[list[Finding]]:
        from mtqa.entities.candidates import NAME_TOKEN, DocumentNames, candidates, is_suspect
        from mtqa.entities.lexicon import default_lexicon
        from mtqa.entities.verify import Query, margins

        lexicon = default_lexicon()
        gaz = ctx.get("gazetteer")
        # per document: (suspect form -> its mentions [(start, end)], form -> candidates)
        plans = []
        queries: list[Query] = []
        owners: list[tuple[int, str]] = []  # (doc index, form) of each query
        for di, doc in enumerate(docs):
            covered = _Covered((h.start, h.end) for h in gaz.analyze(doc, ctx.is_allowed))
            names = DocumentNames(m.group(1) for m in NAME_TOKEN.finditer(doc.text))
            occ: dict[str, list[tuple[int, int]]] = {}  # the suspects' mentions
            suspect: dict[str, bool] = {}
            for s in doc.sentences:
                for m in NAME_TOKEN.finditer(doc.text, s.start, s.end):
                    form = m.group(1)
                    ok = suspect.get(form)
                    if ok is None:
                        ok = suspect[form] = not ctx.is_allowed(form) and is_suspect(form, lexicon)
                    a, b = m.span(1)
                    if not ok or b > s.end or covered.overlaps(a, b):
                        continue
                    occ.setdefault(form, []).append((a, b))
            cands = {}
            for form, places in occ.items():
                cs, variant = candidates(form, lexicon, names)
                if variant or not cs:
                    continue
                cands[form] = cs
                for a, b in places[:MAX_MENTIONS_SCORED]:
                    # the document around the mention, not only its sentence: an earlier or
                    # later mention of the name is what the model needs to see
                    queries.append(Query(doc.text, a, b, tuple(c.form for c in cs)))
                    owners.append((di, form))
            plans.append((occ, cands))
        if not queries:
            return [[] for _ in docs]
        engine = ctx.get("fluency").engine
        results = margins(engine, queries)
        best: dict[tuple[int, str], tuple[float, float, Any, float]] = {}  # (score, threshold, candidate, margin)
        for (di, form), mg in zip(owners, results):
            cs = plans[di][1][form]
            for c, m in zip(cs, mg):
                score = m - c.cost
                thr = THRESHOLDS[c.channel] + (FUZZY_EXTRA if c.channel == "translit" and c.edits else 0.0)
                if score < thr:
                    continue
                cur = best.get((di, form))
                if cur is None or score - thr > cur[0] - cur[1]:
                    best[(di, form)] = (score, thr, c, m)
        out: list[list[Finding]] = [[] for _ in docs]
        for (di, form), (score, thr, c, m) in sorted(best.items(), key=lambda x: (x[0][0], x[0][1])):
            doc = docs[di]
            conf = _confidence(score, thr)
            sev = Severity.WARNING if conf >= 0.7 else Severity.INFO
            for a, b in plans[di][0][form]:
                out[di].append(self.finding(
                    doc, a, b,
                    f"'{form}' reads like a garbled name: the language model prefers '{c.form}' here",
                    suggestion=c.form, confidence=conf, severity=sev,
                    data={"evidence": f"{_CHANNELS[c.channel]}; the language model prefers it by {m:+.2f} nats",
                          "channel": c.channel, "lm_margin": round(m, 2), "score": round(score, 2),
                          "prior": round(c.prior, 2), "group": f"NAM004:{form}",
                          "mentions": len(plans[di][0][form])},
                ))
        return out
