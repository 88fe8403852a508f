"""Names judged by one learned decision (family ``name``, NAM004).

The pipeline is :mod:`mtqa.names` (mentions → candidates from every source →
evidence → one calibrated decision); this module turns its verdicts into findings,
one entity at a time.
"""

from __future__ import annotations

from typing import Iterable

import mtqa.fluency  # noqa: F401  (light: registers the "fluency" resource, imports no torch)
from mtqa.finding import Finding, Severity
from mtqa.gazetteer import resource as _resource  # noqa: F401  (registers the "gazetteer" resource)
from mtqa.rules.base import Rule, register

#: a finding at or above this probability is a warning, below it information
WARNING_PROBABILITY = 0.8


@register
class NameInContext(Rule):
    """A name garbled in translation, judged by one learned decision over every candidate.

    Every capitalised word and two-word run that the gazetteer's own rules (NAM001,
    NAM003) did not already judge is a *mention*.  Its candidates come from every
    source (:mod:`mtqa.names.candidates`): the gazetteer lookup that ``mtqa
    normalize`` runs ("Sakashvili" → Saakashvili, "Olaf Sholz" → Olaf Scholz), the
    romanization of a name's Russian spelling ("Krykhovyak" for *Krychowiak*), a
    Russian case ending left on ("Ust-Katava" → Ust-Katav), a letter or two off,
    the document's own spellings ("Furgala" after "Sergei Furgal").  Each
    (mention, candidate) gets one evidence vector — the channels, edit distances,
    how attested the mention and the candidate are, context keywords, first-name
    agreement, a title before it, the document's other spellings and the language
    model's margin in its sentence — and one logistic model, trained on synthetic
    garbles of real names in held-out news (``python -m mtqa.names.train``), turns
    it into a probability.  The likeliest candidate is reported when it reaches the
    shipped threshold, set so clean news stays under one false alarm per 20,000
    words.  A curated or imported gazetteer spelling ("Jannik Sinner") is never
    corrected; two romanizations of one Russian name (Zelenskii/Zelensky) are
    variants.  Without the language model (``--no-fluency``) the decision uses its
    no-model weights and threshold: it corrects fewer names (the margin is the
    strongest single evidence), with the same false-alarm budget.  All mentions
    of one spelling get the same suggestion (``data["group"]``), and a two-word
    run is replaced whole.  A warning at probability 0.8 or more, information below.
    """

    code = "NAM004"
    name = "name-in-context"
    family = "name"
    severity = Severity.WARNING
    summary = "Name the learned names decision reads as a garble of a known one (\"Sakashvili\" → \"Saakashvili\")."
    flag_examples = (
        "Chancellor Olaf Sholz agreed to send more air defence systems.",
        "British Prime Minister Liz Tras resigned after 45 days.",
    )
    pass_examples = (
        "Polish midfielder Grzegorz Krychowiak scored the winning goal for Lokomotiv.",
        "Ukrainian President Volodymyr Zelenskii met European leaders in Brussels.",
        "Jannik Sinner beat Daniil Medvedev in the final.",
        "Ernest Hemingway wrote much of the novel in Key West.",
    )
    needs = frozenset({"gazetteer"})  # and the language model when the check has one
    document_caches = (_resource.HITS_CACHE,)  # the document's name hits, shared by the NAM rules
    supersedes = ("CAS", "FLU")
    fixable = True

    def check(self, doc, ctx) -> Iterable[Finding]:
        return self.check_batch([doc], ctx)[0]

    def check_batch(self, docs, ctx) -> list[list[Finding]]:
        from mtqa.names.evidence import explain
        from mtqa.names.pipeline import collect, decide

        gaz = ctx.get("gazetteer")
        engine = ctx.get("fluency").engine if ctx.config.fluency else None
        groups = collect(docs, gaz, ctx.is_allowed, engine)
        out: list[list[Finding]] = [[] for _ in docs]
        for vd in decide(groups, with_lm=engine is not None):
            g, p = vd.group, vd.proposal
            doc = docs[g.doc]
            sev = Severity.WARNING if vd.probability >= WARNING_PROBABILITY else Severity.INFO
            evidence = explain(vd.vector, vd.margin)
            data = {"evidence": evidence, "probability": round(vd.probability, 3), "channel": p.channel(),
                    "channels": sorted(p.channels), "group": f"NAM004:{vd.follows or g.mention.text}", "mentions": len(g.spans),
                    "prior": round(p.prior, 2), "model": engine is not None}
            if vd.margin is not None:
                data["lm_margin"] = round(vd.margin, 2)
            data["p_rules"] = round(vd.p_rules, 4)  # each vector's probability (thresholds: decision.py)
            if vd.p_full is not None:
                data["p_full"] = round(vd.p_full, 4)
            src = g.src
            if src is not None:  # with the original: the source word the mention renders
                data["source"] = doc.original.text[src.name.start:src.name.end]
                data["source_lemma"] = src.name.lemma
            if vd.p_source is not None:
                data["p_source"] = round(vd.p_source, 4)
            if p.entry is not None:
                data["entity"] = p.entry.id
                data["entry"] = p.entry.id
                data["type"] = p.entry.type
            for a, b in vd.spans:
                out[g.doc].append(self.finding(
                    doc, a, b,
                    f"'{doc.text[a:b]}' reads like a garbled name: write '{p.form}' ({evidence})",
                    suggestion=p.form, confidence=round(vd.probability, 3), severity=sev, data=data,
                ))
        for f in out:
            f.sort(key=lambda x: (x.start, x.end))
        return out
