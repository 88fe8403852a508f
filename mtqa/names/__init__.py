"""Names: one pipeline from mentions to findings, with one learned decision.

Read the modules in order; each step only feeds the next:

1. :mod:`mtqa.names.mentions` — the name mentions of a document: capitalised words
   and two-word runs ("Olaf Sholz"), with what stands around them (a title or role
   before, the first name before a surname);
2. :mod:`mtqa.names.candidates` — every spelling a mention may be a garble of, from
   every source: the gazetteer lookup that ``mtqa normalize`` runs (curated and
   imported entries), the 172k-spelling lexicon's channels (the romanization of a
   name's Russian spelling, a Russian case ending left on, one or two letters off,
   the document's own spellings);
3. :mod:`mtqa.names.evidence` — one evidence vector per (mention, candidate): the
   channels and their costs, edit distances (raw, phonetic skeleton, Russian key),
   the candidate's prior and how attested the mention itself is, context keywords,
   first-name agreement, a title before it, the document's other spellings and the
   language model's margin in its sentence;
4. :mod:`mtqa.names.decision` — one logistic model over that vector, trained on
   synthetic garbles (:mod:`mtqa.names.synth`, :mod:`mtqa.names.train`), shipped as
   JSON with its threshold; its output is a calibrated probability.

:mod:`mtqa.names.pipeline` runs the steps for a batch of documents; the rule NAM004
(:mod:`mtqa.rules.names_context`) turns its verdicts into findings.  Without the
language model the decision uses its second weight vector (no LM margin), fitted
and thresholded on its own.
"""
