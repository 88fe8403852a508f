"""One document seen beside its original: the sentence alignment every source-aware check reads.

:func:`view` aligns the original's sentences with the document's once and keeps the result
on the document (``Document.__dict__[VIEW_CACHE]``), so the names decision and the SRC rules
share it.  Document-level checks (a disclaimer, untranslated source text) read the original
whole and do not depend on the alignment.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from mtqa.document import Document, Span
from mtqa.source import SUPPORTED, Original

VIEW_CACHE = "_source_view"
_NOTICED: set[str] = set()


@dataclass
class SourceView:
    original: Original
    src: list  # source sentence spans (in original.text)
    tgt: list  # target sentence spans (in doc.text)
    beads: list  # mtqa.source.align.Bead, in order
    by_tgt: dict = field(default_factory=dict)  # target sentence index -> bead index
    pair: object = None  # mtqa.source.align.Pair: both sides as the aligner read them

    def bead_of(self, tgt_index: int):
        k = self.by_tgt.get(tgt_index)
        return None if k is None else self.beads[k]

    def source_for(self, tgt_index: int, widen: int = 0) -> list[int]:
        """The source sentences aligned to target sentence ``tgt_index`` (and ``widen`` beads
        on each side, for evidence that may sit in a neighbour after a split or merge)."""
        k = self.by_tgt.get(tgt_index)
        if k is None:
            return []
        out: list[int] = []
        for b in self.beads[max(0, k - widen):k + widen + 1]:
            out.extend(b.src)
        return out

    def source_text(self, indices) -> str:
        return " ".join(self.original.text[a:b] for i in indices for a, b in [self.src[i]])


def notice_unsupported(orig: Original) -> None:
    """One notice line per language per process: the source is in a language these checks
    do not read; the target-only checks still run."""
    lang = orig.language
    if lang not in _NOTICED:
        _NOTICED.add(lang)
        sys.stderr.write(f"mtqa: note: the source-aware checks read {', '.join(SUPPORTED)} originals; "
                         f"this one is '{lang}': the target-only checks run\n")


def view(doc: Document) -> "SourceView | None":
    """The document beside its original (cached), or None without a supported original."""
    orig = doc.original
    if orig is None:
        return None
    got = doc.__dict__.get(VIEW_CACHE)
    if got is not None:
        return got or None
    if not isinstance(orig, Original) or not orig.supported:
        if isinstance(orig, Original):
            notice_unsupported(orig)
        doc.__dict__[VIEW_CACHE] = False
        return None
    from mtqa.segment import segment
    from mtqa.source.align import Pair, align

    if not doc.segmented:
        segment(doc)
    src = list(orig.sentences)
    tgt = [Span(a, b) for a, b in doc.sentences]
    pair = Pair(orig.text, src, doc.text, tgt, orig.language)
    beads = align(orig.text, src, doc.text, tgt, lang=orig.language, pair=pair)
    by_tgt = {t: k for k, b in enumerate(beads) for t in b.tgt}
    v = SourceView(orig, src, tgt, beads, by_tgt, pair)
    doc.__dict__[VIEW_CACHE] = v
    return v
