"""``mtqa model``: the news language model behind the fluency rules.

    mtqa model info [--model M]                  # which model, its calibration
    mtqa model calibrate [--model M] [--data ../shared/data] [--max-words N]
    mtqa model calibrate --model gpt2 --texts my-clean-news/   # your own clean copy
    mtqa model train CONFIG [--no-resume] [--max-minutes M]    # mtqa.lm.train
    mtqa model export CONFIG [--out DIR] [--checkpoint PATH]   # mtqa.lm.export

``calibrate`` scores held-out clean English news and writes
``calibration.json`` next to the model (see :mod:`mtqa.fluency.calibration`):
the FLU rules flag below percentile cut-offs of those distributions.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from mtqa.cli import _die, app

model_app = typer.Typer(help="The news language model: info, calibrate fluency thresholds, train, export.",
                        no_args_is_help=True, add_completion=False)
app.add_typer(model_app, name="model")

REPO = Path(__file__).resolve().parents[2]


def _clean_articles(data: Optional[Path], part: str) -> Iterator[tuple[str, str]]:
    bench = REPO / "benchmarks"
    if not (bench / "_clean_news.py").is_file():
        raise _die("calibrating on the shared clean news needs a source checkout (benchmarks/_clean_news.py); "
                   "use --texts PATH with your own clean news instead")
    sys.path.insert(0, str(bench))
    try:
        from _clean_news import iter_articles  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(bench))
    try:
        arts = list(iter_articles(data, part))
    except OSError as e:
        raise _die(f"cannot read the clean news under {data or '../shared/data'}: {e}")
    # interleave the sources (Reuters, BBC, AllSides) so a --max-words sample covers all three
    by_src: dict[str, list[tuple[str, str]]] = {}
    for name, text in arts:
        by_src.setdefault(name.split(":")[0], []).append((name, text))
    queues = list(by_src.values())
    i = 0
    while any(queues):
        for q in queues:
            if i < len(q):
                yield q[i]
        i += 1
        queues = [q for q in queues if i < len(q)]


def _progress(total_words: int, enabled: bool):
    """A rich progress bar on stderr (TTY only); returns (update(docs, words), close())."""
    if not enabled or not sys.stderr.isatty():
        return (lambda docs, words: None), (lambda: None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    prog = Progress(TextColumn("calibrating"), BarColumn(), MofNCompleteColumn(), TextColumn("words"),
                    TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = prog.add_task("calibrate", total=total_words)
    prog.start()
    return (lambda docs, words: prog.update(task, completed=min(words, total_words))), prog.stop


@model_app.command()
def calibrate(
    model: Optional[str] = typer.Option(None, "--model", help="Causal LM path or hub name (default: the shipped model)."),
    data: Optional[Path] = typer.Option(None, "--data", help="The shared data folder (default ../shared/data)."),
    texts: Optional[List[str]] = typer.Option(None, "--texts", help="Calibrate on these files/folders of clean news instead (any mtqa input format)."),
    part: str = typer.Option("calibration", "--part", help="Part of the shared clean news: calibration | report | all."),
    max_words: int = typer.Option(600_000, "--max-words", help="Stop after about this many words (0: all)."),
    device: str = typer.Option("auto", "--device", help="auto | cpu | cuda"),
    precision: str = typer.Option("auto", "--precision", help="CPU matrix products: auto | fp32 | bf16 (as mtqa check)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write here instead of next to the model."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary."),
) -> None:
    """Score held-out clean news and write calibration.json (the FLU thresholds) next to the model."""
    from mtqa.document import Document
    from mtqa.fluency import FluencyError, resolve_model
    from mtqa.fluency.calibration import calibration_path, compute, write
    from mtqa.fluency.engine import get_engine
    from mtqa.fluency.scorer import FluencyScorer

    if part not in ("calibration", "report", "all"):
        raise _die("--part must be calibration, report or all")
    try:
        engine = get_engine(resolve_model(model), device, precision=precision)
    except FluencyError as e:
        raise _die(str(e))
    scorer = FluencyScorer(engine)
    if texts:
        from mtqa.readers import ReadOptions, read_paths

        docs = (d for d in read_paths(list(texts), ReadOptions()) if isinstance(d, Document))
        source = "files: " + ", ".join(texts)
    else:
        docs = (Document(source=name, text=text) for name, text in _clean_articles(data, part))
        source = f"shared clean news ({data or '../shared/data'}), part={part} (benchmarks/_clean_news.py)"
    update, close = _progress(max_words or 1_400_000, not quiet)
    try:
        cal = compute(scorer, docs, source=source, max_words=max_words or None, progress=update)
    finally:
        close()
    if not cal["data"]["words"]:
        raise _die("no text to calibrate on")
    out = Path(output) if output else calibration_path(engine)
    write(out, cal)
    if not quiet:
        d = cal["data"]
        cut1 = cal["cutoffs"]["FLU001"]["percentile"]
        cut2 = cal["cutoffs"]["FLU002"]["percentile"]
        typer.echo(f"wrote {out}")
        typer.echo(f"  model {engine.name} ({engine.params:,} parameters, sha256 {str(engine.sha256)[:12]}…) on {engine.device}")
        typer.echo(f"  {d['documents']:,} documents, {d['sentences']:,} sentences, {d['words']:,} words, "
                   f"{d['tokens']:,} tokens in {d['seconds']:.0f} s ({d['tokens_per_second']:,.0f} tokens/s)")
        from mtqa.fluency.calibration import BUCKETS, Calibration

        c = Calibration(cal)
        st = cal["sentence_stretch"]
        if c.has_stretch:
            r = c.min_rank_value(cut1)  # each measure is cut at this percentile rank
            typer.echo(f"  FLU001 cut-off: a sentence's lower percentile rank (mean fluency among clean sentences of "
                       f"its length, least fluent {st['width']}-word stretch among clean sentences') below {r:.3f} "
                       f"(percentile {cut1:g} of {st['n']:,} sentences), i.e. a least fluent stretch below "
                       f"{c.stretch_value(r):.3f} or a mean fluency below, by sentence length [SLOR at the same "
                       "percentile rank]:")
        else:
            r = cut1
            typer.echo(f"  FLU001 cut-offs (mean fluency, percentile {cut1:g}; too few sentences for the stretch "
                       "tables) by sentence length [SLOR at the same percentile]:")
        for (lo, _), (label, b) in zip(BUCKETS, cal["sentence_tail"]["buckets"].items()):
            if b["percentiles"]:
                typer.echo(f"    {label:>6} words: n={b['n']:>6,}  cut {c.sentence_value(lo, r):7.3f}  "
                           f"median {c.sentence_value(lo, 50.0):7.3f}   [SLOR cut {c.sentence_value(lo, r, 'slor'):7.3f}"
                           f"  median {c.sentence_value(lo, 50.0, 'slor'):7.3f}]")
        wp = cal["window_tail"]["percentiles"]
        typer.echo(f"  FLU002 cut-off (3-word run fluency, percentile {cut2:g}): {wp.get(f'{cut2:g}', float('nan')):.3f}"
                   f" (median {wp.get('50', float('nan')):.3f})")


@model_app.command()
def info(
    model: Optional[str] = typer.Option(None, "--model", help="Causal LM path or hub name (default: the shipped model)."),
    format: str = typer.Option("text", "--format", "-f", help="text | json"),
) -> None:
    """Which model the fluency rules use and whether its calibration matches it (loads no model)."""
    from mtqa.fluency import MODELS_DIR, SHIPPED_MODEL, FluencyError, default_model_path, resolve_model
    from mtqa.fluency.calibration import SCHEMA
    from mtqa.fluency.engine import file_sha256

    try:
        ref = resolve_model(model)
    except FluencyError as e:
        raise _die(str(e))
    p = Path(ref)
    out: dict = {"model": ref, "local": p.is_dir(), "shipped_default": str(default_model_path() or ""),
                 "models_dir": str(MODELS_DIR), "shipped_name": SHIPPED_MODEL}
    if p.is_dir():
        w = p / "model.safetensors"
        out["sha256"] = file_sha256(w) if w.is_file() else None
        cal = p / "calibration.json"
        out["calibration"] = str(cal) if cal.is_file() else None
        if cal.is_file():
            c = json.loads(cal.read_text(encoding="utf-8"))
            out["calibration_schema_ok"] = c.get("schema") == SCHEMA
            out["calibration_matches"] = (c.get("model") or {}).get("sha256") == out["sha256"]
            out["calibration_created"] = c.get("created")
            out["calibration_words"] = (c.get("data") or {}).get("words")
    if format == "json":
        typer.echo(json.dumps(out, indent=2))
        return
    for k, v in out.items():
        typer.echo(f"{k}: {v}")


@model_app.command()
def train(
    config: str = typer.Argument(..., help="Training config (e.g. configs/lm/newslm-5m.yaml)."),
    no_resume: bool = typer.Option(False, "--no-resume", help="Start from scratch instead of the latest checkpoint."),
    max_minutes: Optional[float] = typer.Option(None, "--max-minutes", help="Stop (with a checkpoint) after this long."),
) -> None:
    """Train the news LM (resumes from the latest checkpoint; see models/README-training.md)."""
    from mtqa.lm.train import train as lm_train

    if not Path(config).is_file():
        raise _die(f"config not found: {config}")
    typer.echo(json.dumps(lm_train(config, resume=not no_resume, max_minutes=max_minutes)))


@model_app.command()
def export(
    config: str = typer.Argument(..., help="Training config (e.g. configs/lm/newslm-5m.yaml)."),
    out: Optional[str] = typer.Option(None, "--out", help="Model folder to write (default: the config's export.out_dir)."),
    checkpoint: Optional[str] = typer.Option(None, "--checkpoint", help="Checkpoint to export (default: the latest)."),
) -> None:
    """Export a training checkpoint to a safetensors model folder (then re-run 'mtqa model calibrate')."""
    from mtqa.lm.export import export as lm_export

    if not Path(config).is_file():
        raise _die(f"config not found: {config}")
    try:
        path = lm_export(config, out, checkpoint)
    except FileNotFoundError as e:
        raise _die(str(e))
    typer.echo(str(path))
    typer.echo(f"re-calibrate the fluency thresholds: mtqa model calibrate --model {path}")
