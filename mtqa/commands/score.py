"""``mtqa score``: reference-based scores with sacrebleu (BLEU, chrF, TER).

    mtqa score hyp.txt --ref ref.txt [--ref ref2.txt] [--metrics bleu,chrf,ter]
               [--segments] [--document] [--format text|json] [--width N]

One segment per line, read exactly as the ``sacrebleu`` command line reads
them (UTF-8, ``\\n`` line ends, trailing whitespace stripped), and scored
with sacrebleu's own metric classes and default settings, so corpus numbers
equal ``sacrebleu REF [REF2] -i HYP -m bleu chrf ter -w N`` and carry
sacrebleu's signature.  ``--segments`` adds per-segment scores
(sentence-level BLEU uses effective order, as ``sacrebleu --sentence-level``
does).  A hypothesis and a reference with different numbers of lines, or an
unreadable file, is an error (exit 2).

``--document`` scores each file as ONE segment (its lines joined): the
document chrF of :func:`mtqa.reference.document_chrf`, the number ``mtqa
check --ref`` reports; line counts need not match.  The metrics themselves
live in :mod:`mtqa.reference`, shared with ``mtqa check --ref``.
"""

from __future__ import annotations

import json
from typing import List, Optional

import typer

from mtqa.cli import _die, _split, app
from mtqa.reference import METRICS, ScoreError, as_one_segment, read_segments, score_corpus

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
    document: bool = typer.Option(False, "--document", help="Score each file as one segment (lines joined; line "
                                  "counts may differ): the document chrF that 'mtqa check --ref' reports."),
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
    if document and segments:
        raise _die("--document scores each file as one segment: --segments does not apply")
    try:
        hyps = read_segments(hypothesis)
        refs = [read_segments(r) for r in ref]
    except ScoreError as e:
        raise _die(str(e))
    if document:
        hyps, refs = [as_one_segment(hyps)], [[as_one_segment(r)] for r in refs]
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
