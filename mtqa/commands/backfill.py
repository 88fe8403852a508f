"""``mtqa backfill``: check an archive on Ray, one shard at a time, resumably.

    mtqa backfill stories.jsonl wires/ --output findings/ [--format parquet|jsonl]
                  [--num-cpus N] [--actors N] [--address auto|ray://HOST:10001]
                  [--batch-size N] [--shard-size N] [--field NAME] [--no-fluency] [--model M]
                  [--select/--ignore/--severity as for check]

Exit codes: 0 every shard done and every record readable; 2 a usage error,
Ray missing, or unreadable records (each reported in one line, and as an
error row in the output); 1 shards still not done after the retries (a
re-run resumes them).  The work lives in :mod:`mtqa.backfill`.
"""

from __future__ import annotations

from typing import List, Optional

import typer

from mtqa.cli import MODEL_HELP, _die, app, build_config, say_wrote


@app.command()
def backfill(
    paths: List[str] = typer.Argument(..., help="JSONL or Parquet files, or directories of wire/text files."),
    output: str = typer.Option(..., "--output", "-o", help="Output folder: findings/ shard files, _done manifest, summary.json."),
    format: str = typer.Option("parquet", "--format", "-f", help="Shard files: parquet | jsonl (one row per finding)."),
    num_cpus: Optional[int] = typer.Option(None, "--num-cpus", help="CPUs of the local Ray started here (default: all)."),
    actors: Optional[int] = typer.Option(None, "--actors", help="Checker actors (default: one per CPU, or per GPU when the model runs on GPUs)."),
    address: Optional[str] = typer.Option(None, "--address", help="Join a Ray cluster: auto, or ray://HOST:10001 (default: start a local Ray)."),
    batch_size: int = typer.Option(64, "--batch-size", help="Documents per model batch in each actor."),
    shard_size: Optional[int] = typer.Option(None, "--shard-size", help="Records (JSONL lines, Parquet rows, files) per shard (default: a 64th of the records, 10 to 1,000; a re-run into the same --output keeps the size it was made with)."),
    field: Optional[List[str]] = typer.Option(None, "--field", help="JSON fields / Parquet columns with the text, in order (default: headline/title then body/body_text/text)."),
    source_field: Optional[List[str]] = typer.Option(None, "--source-field", help="JSON fields / Parquet columns with the original the text was translated from (default: source, then source_text): adds the source-aware checks."),
    source_lang: Optional[str] = typer.Option(None, "--source-lang", help="The original's language (default: detected)."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Rule codes or prefixes to enable."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Rule codes or prefixes to disable."),
    severity: Optional[List[str]] = typer.Option(None, "--severity", help="Override a rule's severity: CODE=error|warning|info."),
    config: Optional[str] = typer.Option(None, "--config", help="Config file (as for check)."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", help="Largest document accepted, in bytes (default 10 MB)."),
    fluency: Optional[bool] = typer.Option(None, "--fluency/--no-fluency", help="Run the language-model fluency scorer."),
    model: Optional[str] = typer.Option(None, "--model", help=MODEL_HELP),
    device: Optional[str] = typer.Option(None, "--device", help="auto | cpu | cuda"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No closing line on stderr."),
) -> None:
    """Check an archive on Ray: findings per shard (Parquet or JSONL) and summary.json; a re-run skips finished shards."""
    import os

    os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")  # no per-dataset lines on stderr; set it to see them
    try:
        import ray  # noqa: F401
    except ImportError:
        from mtqa.backfill import RAY_HINT

        raise _die(f"mtqa backfill needs Ray: {RAY_HINT}")
    from mtqa.backfill.job import Backfill
    from mtqa.backfill.ray_engine import RayEngine
    from mtqa.backfill.shards import FORMATS, OutputError

    if format not in FORMATS:
        raise _die(f"unknown --format '{format}' (choose from {', '.join(FORMATS)})")
    for name, value in (("--shard-size", shard_size), ("--batch-size", batch_size), ("--actors", actors),
                        ("--num-cpus", num_cpus)):
        if value is not None and value < 1:
            raise _die(f"{name} must be 1 or more")
    if address and num_cpus is not None:
        raise _die("--num-cpus applies to a local Ray; a cluster at --address has its own")
    cfg = build_config(config, select, ignore, severity, None, None, None, fluency, model, device, max_bytes, field)
    from mtqa.cli import _split

    if source_lang is not None and (not source_lang.isalpha() or len(source_lang) not in (2, 3)):
        raise _die(f"--source-lang {source_lang!r}: expected a language code such as ru or uk")
    job = Backfill(list(paths), output, cfg, fmt=format, shard_size=shard_size, actors=actors, batch_size=batch_size,
                   source_fields=_split(source_field) or None, source_lang=source_lang.lower() if source_lang else None)
    try:
        with RayEngine(num_cpus=num_cpus, address=address) as engine:
            summary = job.run(engine)
    except OutputError as e:
        raise _die(str(e))
    except ConnectionError as e:
        raise _die(f"--address {address}: cannot connect to Ray ({str(e).splitlines()[0] if str(e) else e})")
    if not quiet:
        s = summary["shards"]
        say_wrote(f"the findings of {summary['documents']:,} documents ({summary['findings']:,} findings, "
                  f"{summary['unreadable']:,} unreadable; shards: {s['done']} done, {s['skipped']} skipped, "
                  f"{s['failed']} failed)", output)
    if summary["shards"]["failed"]:
        raise typer.Exit(1)
    raise typer.Exit(2 if summary["unreadable"] else 0)
