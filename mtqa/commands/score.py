"""``mtqa score``: reference-based scores with sacrebleu (BLEU, chrF, TER).

    mtqa score hyp.txt --ref ref.txt [--ref ref2.txt] [--metrics bleu,chrf,ter]
               [--segments] [--format text|json] [--width N]

One segment per line, read exactly as the ``sacrebleu`` command line reads
them (UTF-8, ``\\n`` line ends, trailing whitespace stripped), and scored
with sacrebleu's own metric classes and default settings, so corpus numbers
equal ``sacrebleu REF [REF2] -i HYP -m bleu chrf ter -w N`` and carry
sacrebleu's signature.  ``--segments`` adds per-segment scores
(sentence-level BLEU uses effective order, as ``sacrebleu --sentence-level``
does).  A hypothesis and a reference with different numbers of lines, or an
unreadable file, is an error (exit 2).

:func:`attach_chrf` adds a per-document chrF to a report
(``report.extra["chrf"]``) for ``mtqa check --ref``;
:class:`ReferenceResolver` finds the reference text of each checked
document.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, List, Optional

import typer

from mtqa.cli import _die, _split, app

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
            "score": float(f"{score.score:.{width}f}"),
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
                row[name] = float(f"{metric.sentence_score(hyp, these).score:.{width}f}")
            rows.append(row)
        result["segment_scores"] = rows
        result["segment_signatures"] = {n: m.get_signature().format() for n, m in seg_metrics.items()}
    return result


# ---------------------------------------------------------------------------
# per-document chrF for `mtqa check --ref`
# ---------------------------------------------------------------------------

def chrf_text(hypothesis: str, reference: str) -> float:
    """chrF (sacrebleu defaults: chrF2, character 6-grams) of one document against its reference.

    chrF ignores whitespace, so line breaks and paragraph layout do not matter.
    """
    from sacrebleu.metrics import CHRF

    return CHRF().sentence_score(hypothesis, [reference]).score


def attach_chrf(report, ref_text: str) -> float:
    """Add ``report.extra["chrf"]`` (0..100, 4 decimals) and return it."""
    value = round(chrf_text(report.document.text, ref_text), 4)
    report.extra["chrf"] = value
    return value


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
        if self.ref.is_file():
            return self.ref
        if not self.ref.is_dir():
            return None
        src = Path(source)
        for root in self.inputs:
            try:
                rel = src.relative_to(root) if root.is_dir() else Path(src.name) if src == root else None
            except ValueError:
                rel = None
            if rel is not None and str(rel) != ".":
                cand = self.ref / rel
                if cand.is_file():
                    return cand
        cand = self.ref / src.name
        return cand if cand.is_file() else None

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


# ---------------------------------------------------------------------------
# the command
# ---------------------------------------------------------------------------

@app.command()
def score(
    hypothesis: str = typer.Argument(..., help="Hypothesis file, one segment per line (- for stdin)."),
    ref: List[str] = typer.Option(..., "--ref", "-r", help="Reference file, one segment per line (repeatable)."),
    metrics: Optional[List[str]] = typer.Option(None, "--metrics", "-m",
                                                help="Comma-separated: bleu, chrf, ter (default: all three)."),
    segments: bool = typer.Option(False, "--segments", help="Also print per-segment scores."),
    format: str = typer.Option("text", "--format", "-f", help="text | json"),
    width: int = typer.Option(1, "--width", "-w", help="Decimals, as sacrebleu's --width (default 1)."),
) -> None:
    """Score a translation against references with sacrebleu (corpus BLEU, chrF, TER with signatures)."""
    names = [m.lower() for m in _split(metrics)] or list(METRICS)
    unknown = [m for m in names if m not in METRICS]
    if unknown:
        raise _die(f"unknown metric '{unknown[0]}' (choose from {', '.join(METRICS)})")
    names = sorted(dict.fromkeys(names))  # sacrebleu prints metrics sorted by name
    if format not in ("text", "json"):
        raise _die("--format must be text or json")
    if not 0 <= width <= 10:
        raise _die("--width must be between 0 and 10")
    try:
        hyps = read_segments(hypothesis)
        refs = [read_segments(r) for r in ref]
    except ScoreError as e:
        raise _die(str(e))
    for path, lines in zip(ref, refs):
        if len(lines) != len(hyps):
            raise _die(f"{path}: has {len(lines):,} line{'s' if len(lines) != 1 else ''} but the hypothesis "
                       f"{hypothesis} has {len(hyps):,}; scoring needs one reference line per hypothesis line")
    result = score_corpus(hyps, refs, names, segments=segments, width=width)
    if format == "json":
        out = {"hypothesis": hypothesis, "references": list(ref), **{k: v for k, v in result.items()
                                                                     if k != "references"}}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for s in result["scores"]:
        typer.echo(s["line"])
    if segments:
        cols = names
        typer.echo("")
        typer.echo("segment  " + "  ".join(f"{c.upper():>8}" for c in cols))
        for row in result["segment_scores"]:
            typer.echo(f"{row['segment']:>7}  " + "  ".join(f"{row[c]:>8.{width}f}" for c in cols))
        typer.echo("")
        for n, sig in result["segment_signatures"].items():
            typer.echo(f"segment {n.upper()} signature: {sig}")
