"""Omissions: source sentences the translation leaves out, or renders far too short.

Read from the sentence alignment (:func:`mtqa.source.align.align`):

* **dropped**: a 1-0 bead, a source sentence with no target counterpart, that carries content
  (:func:`has_content`: words enough, not a byline, a photo credit, a "read also" line, a lone
  dash).  A 1-0 bead next to a 0-1 bead, or with only a few 1-1 beads between them, is a
  stretch of translation too free for the length model, not a drop: the stretch is paired 1-1
  again and each pair judged by its length ratio instead (:func:`_unshift`).
* **short**: a bead whose target is far shorter than its source: the length ratio
  ``lt / (C * ls)`` (1.0 for a translation of the expected length) below :data:`SHORT_RATIO`
  *and* the Gale–Church deviation :func:`mtqa.source.align.length_z` below :data:`SHORT_Z` (the
  ratio alone is too strict for long sentences, the deviation alone too loose for short ones),
  judged only when the source has at least :data:`MIN_SOURCE_CHARS` code points (below that one
  word more or less swings the ratio).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtqa.document import Span
from mtqa.source.align import C, Bead, Pair, align, length_z

#: below this ratio ``lt / (C * ls)`` and this deviation a bead's target is "short".  Measured on
#: the WMT21 ru-en human references A and B (``benchmarks/bench_source_align.py``), development
#: documents: one line = one pair, sources of at least MIN_SOURCE_CHARS code points (752 pairs),
#: the lowest ratios are 0.577, 0.669, 0.694, 0.709 (0.1% quantile 0.58, 0.5% quantile 0.71);
#: over the aligner's beads (both layouts, sources of 40 code points or more) the lowest
#: deviations are -2.92, -2.88, -2.78 (the 0.577 bead is at -2.78).  Both limits sit below every
#: human pair, so a human translation is flagged about never, while a sentence that lost half
#: its text (ratio ~0.5, deviation ~-4 at 100 code points) is.
SHORT_RATIO = 0.6
SHORT_Z = -3.0
#: a bead's ratio is judged only when its source has this many code points
MIN_SOURCE_CHARS = 60
#: a 1-0 and a 0-1 bead with at most this many 1-1 beads between them are a shift (:func:`_unshift`)
SHIFT = 3
#: a dropped sentence carries content when it has this many words of two letters or more ...
MIN_CONTENT_WORDS = 3
#: ... and this many letters
MIN_CONTENT_LETTERS = 18


@dataclass(frozen=True)
class Omission:
    kind: str  # "dropped" (a source sentence with no target counterpart) or "short" (target far shorter than its source)
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    ratio: "float | None"
    message: str


_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_LETTER_RE = re.compile(r"[^\W\d_]")
# bylines, credits and links: "Фото: ...", "Источник: ...", "Читайте также", "© РИА Новости"
_BOILERPLATE_RE = re.compile(
    r"^\W*(?:фото|фотография|видео|источник|автор|иллюстрация|кадр|скриншот|коллаж|инфографика|"
    r"читайте\s+(?:также|еще|ещё)|подробнее|подписывайтесь|смотрите\s+также|джерело|читайте\s+також)\b"
    r"|©|^\W*(?:фото|photo)\s*:",
    re.IGNORECASE,
)
_CAP_WORD_RE = re.compile(r"^[A-ZА-ЯЁЇІЄҐ]")


def has_content(sentence: str) -> bool:
    """Whether a source sentence carries content worth reporting when it is dropped: enough
    words and letters, not a byline ("Иван Петров"), a credit ("Фото: ТАСС") or a link line."""
    words = _WORD_RE.findall(sentence)
    if len(words) < MIN_CONTENT_WORDS or len(_LETTER_RE.findall(sentence)) < MIN_CONTENT_LETTERS:
        return False
    if _BOILERPLATE_RE.search(sentence):
        return False
    # a name alone (a byline or a signature): every word capitalised, no final punctuation
    if (len(words) <= 4 and all(_CAP_WORD_RE.match(w) for w in words)
            and not sentence.rstrip().endswith((".", "!", "?"))):
        return False
    return True


def _ratio(pair: Pair, src: tuple[int, ...], tgt: tuple[int, ...]) -> "tuple[float, int]":
    ls = sum(pair.ls[i] for i in src)
    lt = sum(pair.lt[j] for j in tgt)
    return (lt / (C * ls) if ls else float("inf")), ls


def _short(pair: Pair, src: tuple[int, ...], tgt: tuple[int, ...]) -> "Omission | None":
    ratio, ls = _ratio(pair, src, tgt)
    if ls < MIN_SOURCE_CHARS or ratio >= SHORT_RATIO:
        return None
    z = length_z(ls, sum(pair.lt[j] for j in tgt))
    if z >= SHORT_Z:
        return None
    what = f"source sentence {src[0] + 1}" if len(src) == 1 else f"source sentences {src[0] + 1}-{src[-1] + 1}"
    return Omission("short", src, tgt, round(ratio, 3),
                    f"the translation of {what} is {ratio:.0%} of the expected length: part of it may be missing")


def _unshift(beads: "list[Bead]") -> "list[Bead]":
    """The beads with each *shift* undone: a 1-0 bead and a 0-1 bead with only 1-1 beads
    (at most :data:`SHIFT` of them) between them are the length model sliding a stretch of
    freely translated sentences one place along, not a sentence dropped and another added; the
    stretch is paired 1-1 again, in order (each pair is then judged by its length ratio)."""
    out = list(beads)
    k = 0
    while k < len(out):
        if len(out[k].src) == 1 and not out[k].tgt:
            span = _shift_span(out, k, 1) or _shift_span(out, k, -1)
            if span:
                lo, hi = span
                run = out[lo:hi + 1]
                srcs = [x.src for x in run if x.src]
                tgts = [x.tgt for x in run if x.tgt]
                out[lo:hi + 1] = [Bead(s_, t_, float("nan")) for s_, t_ in zip(srcs, tgts)]
                k = lo + len(srcs) - 1
        k += 1
    return out


def _shift_span(beads: "list[Bead]", k: int, step: int) -> "tuple[int, int] | None":
    """(first, last) bead of a shift from the 1-0 bead ``k`` to a 0-1 bead after it (step 1) or
    before it (step -1), only 1-1 beads between; None when there is none."""
    for w in range(1, SHIFT + 2):
        x = k + step * w
        if not 0 <= x < len(beads):
            return None
        c = beads[x]
        if not c.src and len(c.tgt) == 1:
            return (k, x) if step == 1 else (x, k)
        if not (len(c.src) == 1 and len(c.tgt) == 1):
            return None
    return None


def omissions(src_text: str, src_spans: list[Span], tgt_text: str, tgt_spans: list[Span],
              beads: "list[Bead] | None" = None, lang: str = "ru", pair: "Pair | None" = None) -> list[Omission]:
    """The omissions of the translation ``tgt_text`` (sentences ``tgt_spans``) of ``src_text``
    (``pair``: the alignment's own reading of the two sides, when the caller has it)."""
    pair = pair or Pair(src_text, src_spans, tgt_text, tgt_spans, lang)
    if beads is None:
        beads = align(src_text, src_spans, tgt_text, tgt_spans, lang=lang, pair=pair)
    out: list[Omission] = []
    pending: list[int] = []  # consecutive dropped source sentences

    def flush() -> None:
        if pending:
            src = tuple(pending)
            what = f"source sentence {src[0] + 1}" if len(src) == 1 else f"source sentences {src[0] + 1}-{src[-1] + 1}"
            first = pair.src[src[0]]
            quote = first if len(first) <= 80 else first[:77] + "..."
            out.append(Omission("dropped", src, (), None, f"{what} has no translation: {quote}"))
            pending.clear()

    for b in _unshift(beads):
        if b.src and not b.tgt:
            for i in b.src:
                if has_content(pair.src[i]):
                    pending.append(i)
                else:
                    flush()
        else:
            flush()
            if b.src and b.tgt:
                o = _short(pair, b.src, b.tgt)
                if o:
                    out.append(o)
    flush()
    return out
