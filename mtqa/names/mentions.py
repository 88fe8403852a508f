"""Step 1: the name mentions of a document.

A *mention* is a capitalised word or hyphenated run (:data:`NAME_TOKEN`: "Sakashvili",
"Ust-Katava") inside a sentence, or a two-word run of them ("Olaf Sholz", "Antoni
Blinkin") whose whole span a correction may replace.  Words in capitals (acronyms), very
common English words ("However", "Soviet"), allowed words and spans the gazetteer's own
rules (NAM001-NAM003) already judged are left out.  Each mention records the word before
it: a capitalised first name (for first-name agreement) and a title or role ("Chancellor",
"striker").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from mtqa.entities.candidates import NAME_TOKEN
from mtqa.gazetteer.keys import POSSESSIVE

#: a word this common in English (wordfreq Zipf of its lower case) is not a mention
#: unless the gazetteer holds it
MAX_COMMON_ZIPF = 5.0
MIN_LETTERS = 3
TITLES = frozenset("""
president premier chancellor minister secretary senator governor mayor spokesman spokeswoman spokesperson
ambassador general admiral colonel commander chief head director chairman leader king queen prince princess
pope patriarch sheikh emir judge prosecutor lawyer deputy mr mrs ms dr professor coach striker midfielder
defender goalkeeper forward player driver champion actor actress singer director writer journalist correspondent
editor founder ceo tycoon billionaire oligarch activist opposition rapper star captain manager
""".split())
_WORD_BEFORE = re.compile(r"([A-Za-z][\w'’.-]*)[ \t]+\Z")
_CAP_AFTER = re.compile(r"[ \t]+[A-Z][a-z]")
_LOOKBACK = 40


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    sentence: int  # index of its sentence in the document
    first: str = ""  # the capitalised word right before it (a first name, for a surname)
    title: bool = False  # a title or role word right before it (or before its first name)
    pair: bool = False  # a two-word run: ``first`` is part of the span
    next_cap: bool = False  # a capitalised word follows: the mention is itself a first name


class Covered:
    """Spans already judged (merged, sorted): whether a mention overlaps one is a bisection."""

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
        i = bisect_left(self.starts, b) - 1  # the last merged span starting before b
        return i >= 0 and self.ends[i] > a


def _word_before(text: str, start: int) -> tuple[str, int]:
    """The word right before ``start`` (spaces between) and where it starts."""
    m = _WORD_BEFORE.search(text, max(0, start - _LOOKBACK), start)
    return (m.group(1), m.start(1)) if m else ("", start)


def find_mentions(doc, covered: Covered, is_allowed, is_common) -> list[Mention]:
    """The document's mentions, in text order (a two-word run right after its second word's
    own mention).  ``is_common(word)``: a common English word that is no name mention."""
    text = doc.text
    out: list[Mention] = []
    for si, s in enumerate(doc.sentences):
        for m in NAME_TOKEN.finditer(text, s.start, s.end):
            a, b = m.span(1)
            form = m.group(1)
            poss = POSSESSIVE.search(form)
            if poss:  # "Furgala's": the name is the mention, the possessive stays as written
                form = form[: poss.start()]
                b = a + len(form)
            if b > s.end or sum(ch.isalpha() for ch in form) < MIN_LETTERS or covered.overlaps(a, b):
                continue
            if is_allowed(form) or is_common(form):
                continue
            prev, pa = _word_before(text, a)
            if pa < s.start:
                prev, pa = "", a
            first = prev if prev[:1].isupper() and prev.isalpha() and len(prev) > 1 else ""
            title = prev.lower().rstrip(".") in TITLES
            if first and not title:
                before, ba = _word_before(text, pa)
                title = ba >= s.start and before.lower().rstrip(".") in TITLES
            nxt = bool(_CAP_AFTER.match(text, b)) and b < s.end
            out.append(Mention(a, b, form, si, first, title, next_cap=nxt))
            if first and not first.isupper() and not covered.overlaps(pa, a) and not is_allowed(f"{first} {form}"):
                out.append(Mention(pa, b, text[pa:b], si, first, title, pair=True, next_cap=nxt))
    return out
