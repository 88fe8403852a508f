"""Offset-keeping text preparation for the fluency scorer (pure Python, no torch).

The shipped news LM was trained on text normalised by
:func:`mtqa.lm.normalize.normalize_text` (NFC, typographic quotes to ASCII, "…"
to "...", NBSP and other spaces to " ", zero-width characters dropped,
whitespace runs collapsed, stripped).  The scorer must see the same
distribution, but findings need offsets into the *original* text, so
:func:`normalize_with_map` performs exactly the same steps while recording,
for every character of the normalised text, the original span it came from.
The equality with ``normalize_text`` is tested.

Word units are word tokens (``U.S``, ``don't``, ``7.5bn``; hyphenated
compounds are split: ``cease-`` ``fire``, the hyphen going with the word
before it, see :data:`TOKEN_RE` and :func:`word_units`) of the
normalised text; punctuation tokens are not words of their own but part of
the word they touch (see :func:`word_units`).
"""

from __future__ import annotations

from typing import NamedTuple

import re
import unicodedata

from mtqa.document import nfc_with_map
from mtqa.lm.normalize import _TRANS  # the training-time character table (single source of truth)

# The segmenter's TOKEN_RE without hyphenated compounds: "cease-fire" is two
# words and a hyphen.  wordfreq gives a compound the (high) frequency of its
# rarer part, while the LM has to predict every part, so whole compounds
# would look surprising; part by part, LM and unigram model see the same units.
TOKEN_RE = re.compile(r"\w+(?:['’.]\w+)*|[^\w\s]", re.UNICODE)


class Mapped(NamedTuple):
    """Normalised text plus, per character, the original [start, end) it came from."""

    text: str
    starts: list[int]
    ends: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of the normalised span [start, end) (end > start)."""
        return self.starts[start], self.ends[end - 1]


# text that normalisation leaves unchanged: printable ASCII with single inner spaces
_PLAIN = re.compile(r"[ -~]*")
_NOT_PLAIN = re.compile(r"[`]|  |^ | $")
# characters that normalisation drops or expands (a per-character map is needed)
_NOT_ONE_TO_ONE = re.compile("[" + "".join(chr(c) for c, r in _TRANS.items() if r is None or len(r) != 1) + "]")
# after the 1:1 translation: whitespace that would still be collapsed or stripped
_SPACING = re.compile(r"\s\s|^\s|\s$|[^\S ]")


def normalize_with_map(text: str) -> Mapped:
    """``normalize_text(text)`` with a map back to ``text`` offsets."""
    n = len(text)
    if _PLAIN.fullmatch(text) and not _NOT_PLAIN.search(text):  # the common case, no per-character loop
        return Mapped(text, range(n), range(1, n + 1))
    if not _NOT_ONE_TO_ONE.search(text) and unicodedata.is_normalized("NFC", text):
        out = text.translate(_TRANS)  # typographic quotes, odd spaces: one character for one
        if not _SPACING.search(out):
            return Mapped(out, range(n), range(1, n + 1))
    nfc, table = nfc_with_map(text)
    # per NFC character: original [start, end)
    o_start = table  # None when the text is already NFC (the common case)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    ws_start = -1  # original start of a pending whitespace run
    ws_end = -1
    trans = _TRANS
    m = len(nfc)
    for i, c in enumerate(nfc):
        if o_start is None:
            s, e = i, i + 1
        else:
            s = o_start[i]
            e = o_start[i + 1] if i + 1 < m else n
            if e <= s:  # several NFC chars from one original cluster
                e = s + 1
        r = trans.get(ord(c), c)
        if r is None:
            continue
        if isinstance(r, int):  # pragma: no cover - maketrans maps to str/None
            r = chr(r)
        for ch in r:
            if ch.isspace():
                if ws_start < 0:
                    ws_start = s
                ws_end = e
                continue
            if ws_start >= 0:
                if chars:  # collapsed run inside the text (leading runs are stripped)
                    chars.append(" ")
                    starts.append(ws_start)
                    ends.append(ws_end)
                ws_start = -1
            chars.append(ch)
            starts.append(s)
            ends.append(e)
    return Mapped("".join(chars), starts, ends)


Unit = tuple  # a word of a normalised sentence: (start, end) in the normalised text


def word_units(norm: str) -> tuple[list[Unit], list[int]]:
    """Word units of normalised text and, per character, the unit it belongs to.

    Every character belongs to exactly one unit.  Word tokens are units.  A
    punctuation token belongs to the word it touches: to the previous word
    when nothing separates them ("Syria," "U.S."), else to the next word when
    it is glued to it (an opening quote or bracket: "“Deep", "(Syrian"), else
    (free-standing: "reports ." "Syria — and") to the previous word, or to the
    next one at the start of a sentence.  Its cost is a property of how that
    word is followed or introduced.  Spaces belong to the unit of the next
    non-space character (byte-level BPE tokens carry their leading space).
    A sentence with no word at all has no units.
    """
    toks = [(m.start(), m.end()) for m in TOKEN_RE.finditer(norm)]
    is_word = [e - s > 1 or norm[s].isalnum() or norm[s] == "_" for s, e in toks]
    units: list[Unit] = [t for t, w in zip(toks, is_word) if w]
    if not units:
        return [], [-1] * len(norm)
    owner: list[int] = []
    n = len(toks)
    nu = len(units)
    k = -1  # the word unit at or before the current token (-1 at sentence start)
    prev_end = 0
    for i, (s, e) in enumerate(toks):
        if is_word[i]:
            k += 1
            u = k
        else:
            after = k + 1 if k + 1 < nu else -1  # -1 at sentence end
            glued_prev = i > 0 and toks[i - 1][1] == s
            glued_next = i + 1 < n and toks[i + 1][0] == e
            if glued_prev and k >= 0:
                u = k
            elif glued_next and after >= 0 and not glued_prev:
                u = after
            else:
                u = k if k >= 0 else after
        # the token's characters and the spaces before it (a space belongs to the next owned character)
        owner += [u] * (e - prev_end)
        prev_end = e
    owner += [owner[-1]] * (len(norm) - prev_end)  # trailing spaces: the last owner
    return units, owner
