"""Entity names in context: a large lexicon of English entity spellings, candidate
spellings for a name that may be garbled, and the language model as judge.

The pieces, each in its own module:

* :mod:`mtqa.entities.lexicon` — the shipped lexicon (``mtqa/data/entities/``):
  172k English spellings of people's names, places and news names, each with
  how well attested it is and the scheme-independent keys
  (:func:`mtqa.gazetteer.keys.ru_key`) of its Russian spellings;
* :mod:`mtqa.entities.candidates` — which capitalised words are suspects and
  what they may be a garble of (the transliteration channel, Russian case
  endings, plain misspellings, the document's own spellings);
* :mod:`mtqa.entities.verify` — the language model's verdict: every suspect's
  sentence re-scored with each candidate in one batch, the margin in nats.

These are sources and helpers of the names pipeline (:mod:`mtqa.names`), whose decision
is the rule NAM004 (:mod:`mtqa.rules.names_context`).
"""
