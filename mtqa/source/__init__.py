"""Source-aware checks: the original (Russian, Ukrainian) text a translation was made from.

A :class:`~mtqa.document.Document` may carry its ``original`` (:class:`Original`): the
source text, its language and its sentences.  The modules here read both sides:

* :mod:`mtqa.source.segment` — source sentences (razdel for Russian and Ukrainian);
* :mod:`mtqa.source.align` — a monotonic sentence alignment of source and target;
* :mod:`mtqa.source.numbers` — numbers, amounts, percentages, dates and times on both sides;
* :mod:`mtqa.source.entities` — the names of the source (pymorphy3 lemmas) and their English
  spellings, evidence for the names decision (:mod:`mtqa.names`);
* :mod:`mtqa.source.pairing` — pairing a target input with its source input.

Nothing here is imported by a check without a source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mtqa.document import Span

#: languages whose source the source-aware checks read; any other gets one notice and the
#: target-only checks
SUPPORTED = ("ru", "uk")


@dataclass
class Original:
    """The text a document was translated from."""

    text: str
    lang: "str | None" = None  # ISO 639-1; None: detect (detect_lang)
    name: str = ""  # where it was read from (a path, a field), for messages
    _sentences: "list[Span] | None" = field(default=None, repr=False)

    @property
    def sentences(self) -> list[Span]:
        if self._sentences is None:
            from mtqa.source.segment import sentences

            self._sentences = sentences(self.text, self.language)
        return self._sentences

    @property
    def language(self) -> str:
        if self.lang is None:
            self.lang = detect_lang(self.text)
        return self.lang

    @property
    def supported(self) -> bool:
        return self.language in SUPPORTED


_UK_ONLY = frozenset("іїєґІЇЄҐ")
_RU_ONLY = frozenset("ыэъёЫЭЪЁ")


def detect_lang(text: str) -> str:
    """The source's language: Cyrillic text is Russian or Ukrainian by the letters only one of
    them writes (deterministic, no model); anything else by langdetect (seeded)."""
    sample = text[:20000]
    cyr = sum(1 for c in sample if "\u0400" <= c <= "\u04ff")
    letters = sum(1 for c in sample if c.isalpha())
    if letters and cyr / letters > 0.5:
        uk = sum(1 for c in sample if c in _UK_ONLY)
        ru = sum(1 for c in sample if c in _RU_ONLY)
        return "uk" if uk > ru else "ru"
    if not letters:
        return "und"
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    try:
        return detect(sample)
    except Exception:  # langdetect raises on text with no features
        return "und"
