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

from mtqa.cli import MODEL_HELP, _die, app

model_app = typer.Typer(help="The news language model: info, calibrate fluency thresholds, train, export.",
                        no_args_is_help=True, add_completion=False)
app.add_typer(model_app, name="model")

REPO = Path(__file__).resolve().parents[2]


def _clean_articles(data: Optional[Path], part: str) -> Iterator[tuple[str, str]]:
    from mtqa.fluency import FluencyError
    from mtqa.fluency.cleandata import clean_articles

    try:
        yield from clean_articles(data, part)
    except FluencyError as e:
        raise _die(str(e))


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
    model: Optional[str] = typer.Option(None, "--model", help=MODEL_HELP),
    data: Optional[Path] = typer.Option(None, "--data", help="The shared data folder (default ../shared/data)."),
    texts: Optional[List[str]] = typer.Option(None, "--texts", help="Calibrate on these files/folders of clean news instead (any mtqa input format)."),
    part: str = typer.Option("auto", "--part", help="Part of the shared clean news: calibration | development | report | all | "
                             "calibration:thresholds (auto: that, for a model with a learned detector, which trained "
                             "on calibration:detector; else calibration)."),
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

    from mtqa.fluency.cleandata import SUBPARTS
    from mtqa.fluency.scorer import load_detector

    if part not in ("auto", "calibration", "development", "report", "all", *SUBPARTS):
        raise _die(f"--part must be auto, calibration, development, report, all or {', '.join(SUBPARTS)}")
    try:
        engine = get_engine(resolve_model(model), device, precision=precision)
    except FluencyError as e:
        raise _die(str(e))
    det, det_problem = load_detector(engine)
    if det_problem:
        typer.echo(f"mtqa: warning: {det_problem}", err=True)
    if part == "auto":
        part = "calibration:thresholds" if det is not None else "calibration"
    scorer = FluencyScorer(engine, detector=det)
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
        if c.has_detector:
            p1, p2 = c.cutoff("FLU001", "detector_percentile"), c.cutoff("FLU002", "detector_percentile")
            typer.echo(f"  with the learned detector (what the FLU rules use for this model): FLU001 flags a sentence "
                       f"whose highest word score is above {c.detector_value(p1):.3f} (percentile {p1:g} of "
                       f"{cal['sentence_detector']['n']:,} clean sentences; median {c.detector_value(50.0):.3f}); "
                       f"FLU002 a word above {c.detector_value(p2, 'word'):.3f} (percentile {p2:g} of "
                       f"{cal['word_detector']['n']:,} clean words)")


@model_app.command()
def info(
    model: Optional[str] = typer.Option(None, "--model", help="Model name (smollm2-135m, newslm-5m), folder or "
                                        "hub id (default: smollm2-135m)."),
    format: str = typer.Option("text", "--format", "-f", help="text | json"),
) -> None:
    """Which model the fluency rules use, where its weights come from, and whether its calibration
    and detector match it (loads no model)."""
    from mtqa.fluency import DEFAULT_MODEL, MODELS_DIR, SHIPPED_MODEL, FluencyError, resolve_model
    from mtqa.fluency import sources
    from mtqa.fluency.calibration import SCHEMA
    from mtqa.fluency.detector import DETECTOR_FILE
    from mtqa.fluency.engine import file_sha256

    try:
        ref = resolve_model(model)
    except FluencyError as e:
        raise _die(str(e))
    p = Path(ref)
    man = sources.read_manifest(p) if p.is_dir() else None
    name = (man or {}).get("name") or (p.name if p.is_dir() else ref)
    home = sources.home(name) if man else (p if p.is_dir() else None)
    out: dict = {"model": name, "default": DEFAULT_MODEL, "fast_tier": SHIPPED_MODEL, "weights": ref,
                 "local": p.is_dir(), "models_dir": str(MODELS_DIR)}
    if man:
        out["source"] = {k: man["source"].get(k) for k in ("file", "path", "sha256")}
        out["sha256"] = man["files"]["model.safetensors"]["sha256"]
    elif p.is_dir():
        w = p / "model.safetensors"
        out["sha256"] = file_sha256(w) if w.is_file() else None
    if home is not None:
        cal = home / "calibration.json"
        out["calibration"] = str(cal) if cal.is_file() else None
        if cal.is_file():
            c = json.loads(cal.read_text(encoding="utf-8"))
            out["calibration_schema_ok"] = c.get("schema") == SCHEMA
            out["calibration_matches"] = (c.get("model") or {}).get("sha256") == out.get("sha256")
            out["calibration_created"] = c.get("created")
            out["calibration_words"] = (c.get("data") or {}).get("words")
        det = home / DETECTOR_FILE
        out["detector"] = str(det) if det.is_file() else None
        if det.is_file():
            from mtqa.fluency.detector import Detector

            meta = Detector.load(det).meta
            out["detector_matches"] = meta.get("model_sha256") == out.get("sha256")
            out["detector_trained_on"] = {k: meta.get(k) for k in ("sentences", "seed", "data")}
    if format == "json":
        typer.echo(json.dumps(out, indent=2))
        return
    for k, v in out.items():
        typer.echo(f"{k}: {v}")


@model_app.command(name="train-detector", context_settings={"allow_extra_args": True,
                                                            "ignore_unknown_options": True})
def train_detector(ctx: typer.Context) -> None:
    """Train the model's learned disfluency detector on MT-like corruptions of the calibration part
    (options: see --help of python -m mtqa.fluency.detector_train)."""
    from mtqa.fluency import FluencyError
    from mtqa.fluency.detector_train import main as det_main

    try:
        code = det_main(list(ctx.args))
    except FluencyError as e:
        raise _die(str(e))
    raise typer.Exit(code)


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
