"""Scores against a reference translation: sacrebleu's BLEU, chrF and TER, and
the reference of each checked document.  One place for both ``mtqa score``
and ``mtqa check --ref``.

* :func:`read_segments`, :func:`score_corpus`: ``mtqa score``'s numbers, equal
  to the ``sacrebleu`` command line's (segments read as it reads them,
  sacrebleu's metric classes with default settings, its signatures).
* :func:`document_chrf`: THE document chrF (the whole text as one segment;
  see its docstring), :func:`attach_chrf` puts it in a report.
* :class:`ReferenceResolver`: finds the reference text of each checked document.

Light at import: sacrebleu is imported inside the functions that use it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

METRICS = ("bleu", "chrf", "ter")


class ScoreError(Exception):
    """A user-facing problem with the inputs (exit 2)."""


# ---------------------------------------------------------------------------
# reading segments as sacrebleu does
# ---------------------------------------------------------------------------

def read_segments(path: str) -> list[str]:
    """Lines of ``path`` as ``sacrebleu`` reads them: UTF-8, ``\\n`` ends, ``rstrip()``."""
    if path == "-":
        data = sys.stdin.buffer.read()
        where = "<stdin>"
    else:
        p = Path(path)
        if p.is_dir():
            raise ScoreError(f"{path}: is a directory, expected a file with one segment per line")
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise ScoreError(f"{path}: no such file or directory") from None
        except OSError as e:
            raise ScoreError(f"{path}: cannot read: {e.strerror or e}") from None
        where = path
    if b"\x00" in data[:8192]:
        raise ScoreError(f"{where}: binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ScoreError(f"{where}: not valid UTF-8: byte 0x{data[e.start]:02x} at offset {e.start} (line {line})") from None
    if not text:
        raise ScoreError(f"{where}: empty file: no segments to score")
    # sacrebleu: open(..., newline="\n"), iterate lines, line.rstrip()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]


def as_one_segment(lines: list[str]) -> str:
    """A document's lines as one segment (``mtqa score --document``): whitespace runs become one space."""
    return " ".join(" ".join(lines).split())


def make_metrics(names: list[str], *, sentence: bool = False) -> dict[str, Any]:
    from sacrebleu.metrics import BLEU, CHRF, TER

    out: dict[str, Any] = {}
    for name in names:
        if name == "bleu":
            out[name] = BLEU(effective_order=True) if sentence else BLEU()
        elif name == "chrf":
            out[name] = CHRF()
        elif name == "ter":
            out[name] = TER()
    return out


def score_corpus(hyps: list[str], refs: list[list[str]], metrics: list[str], *, segments: bool = False,
                 width: int = 1) -> dict[str, Any]:
    """Corpus scores (and optionally per-segment scores) as a JSON-ready dict."""
    for r in refs:
        if len(r) != len(hyps):
            raise ScoreError("line counts differ")
    result: dict[str, Any] = {"segments": len(hyps), "references": len(refs), "scores": []}
    for name, metric in make_metrics(metrics).items():
        score = metric.corpus_score(hyps, refs)
        sig = metric.get_signature().format()
        result["scores"].append({
            "name": score.name,
            "score": round_score(score.score, width),
            "exact": score.score,
            "signature": sig,
            "line": score.format(width, False, sig),
        })
    if segments:
        seg_metrics = make_metrics(metrics, sentence=True)
        rows = []
        for i, hyp in enumerate(hyps):
            row: dict[str, Any] = {"segment": i}
            these = [r[i] for r in refs]
            for name, metric in seg_metrics.items():
                row[name] = round_score(metric.sentence_score(hyp, these).score, width)
            rows.append(row)
        result["segment_scores"] = rows
        result["segment_signatures"] = {n: m.get_signature().format() for n, m in seg_metrics.items()}
    return result


# ---------------------------------------------------------------------------
# the one definition of document chrF
# ---------------------------------------------------------------------------

CHRF_DECIMALS = 4


def round_score(value: float, width: int) -> float:
    """A score rounded to ``width`` decimals as sacrebleu prints it (``f"{value:.{width}f}"``)."""
    return float(f"{value:.{width}f}")


def document_chrf(hypothesis: str, reference: str) -> float:
    """The document chrF: chrF2 (sacrebleu defaults: character 6-grams, beta 2) of the
    whole hypothesis against the whole reference, each taken as ONE segment.

    chrF drops whitespace before counting character n-grams, so line breaks and
    paragraph layout do not matter, and the two texts need not have the same
    number of lines.  This is what ``mtqa check --ref`` reports
    (``summary.chrf``, rounded to :data:`CHRF_DECIMALS` decimals) and what
    ``mtqa score --document`` prints.  Plain ``mtqa score`` is sacrebleu's
    *corpus* chrF over aligned lines (n-grams never cross a line end), so for a
    multi-line text it differs slightly; both are exactly sacrebleu's numbers.
    """
    from sacrebleu.metrics import CHRF

    return CHRF().sentence_score(hypothesis, [reference]).score


def attach_chrf(report, ref_text: str) -> float:
    """Add ``report.extra["chrf"]`` (:func:`document_chrf`, 0..100, 4 decimals) and return it."""
    value = round_score(document_chrf(report.document.text, ref_text), CHRF_DECIMALS)
    report.extra["chrf"] = value
    return value


def mirrored_file(tree: Path, inputs: list[Path], source: str) -> Path | None:
    """The file of ``tree`` that stands beside input file ``source``: ``tree`` itself when it is
    a file; in a directory, the input's path below the root it was given as (or found under),
    else its name.  None when there is none (``--ref DIR``, ``--source DIR``)."""
    if tree.is_file():
        return tree
    if not tree.is_dir():
        return None
    src = Path(source)
    for root in inputs:
        try:
            rel = src.relative_to(root) if root.is_dir() else Path(src.name) if src == root else None
        except ValueError:
            rel = None
        if rel is not None and str(rel) != ".":
            cand = tree / rel
            if cand.is_file():
                return cand
    cand = tree / src.name
    return cand if cand.is_file() else None


class ReferenceResolver:
    """Finds the reference text for each checked document (``mtqa check --ref``).

    * ``--ref FILE``: the reference of every document; for multi-document
      inputs (JSONL records, ``--input-format lines`` segments) the reference
      file is read with the same reader and matched by record number.
    * ``--ref DIR``: for an input file ``ROOT/a/b.txt`` given as (or found
      under) ``ROOT``, the reference is ``DIR/a/b.txt``, matched the same way.

    Returns ``None`` when there is no reference (the report gets no chrF).
    """

    def __init__(self, inputs: list[str], ref: str, options=None):
        from mtqa.readers import ReadOptions

        self.inputs = [Path(p) for p in inputs if p != "-"]
        self.ref = Path(ref)
        self.options = options or ReadOptions()
        self._cache_path: Path | None = None
        self._cache: dict = {}

    def _ref_file(self, source: str) -> Path | None:
        return mirrored_file(self.ref, self.inputs, source)

    def _load(self, path: Path) -> dict:
        from mtqa.document import Document
        from mtqa.readers import read_path

        if path != self._cache_path:
            self._cache = {}
            for item in read_path(str(path), self.options):
                if isinstance(item, Document):
                    self._cache[item.record] = item.text
            self._cache_path = path
        return self._cache

    def text_for(self, report) -> Optional[str]:
        doc = report.document
        path = self._ref_file(doc.source)
        if path is None:
            return None
        return self._load(path).get(doc.record)
