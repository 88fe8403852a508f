"""A backfill run: plan the shards, skip the finished ones, check the rest, write the summary.

>>> from mtqa.backfill.job import Backfill            # doctest: +SKIP
>>> summary = Backfill(["stories.jsonl"], "findings/", config).run(engine)

The engine is anything with ``run(shards, config, options, actors=,
batch_size=)`` yielding ``(shard id, {"rows", "documents"})`` as shards finish
(:class:`mtqa.backfill.ray_engine.RayEngine`).  Each result is written at
once (:class:`mtqa.backfill.shards.Output`), so a killed run keeps its
finished shards and the next run skips them.  Shards that did not come back
— the engine raised, say an actor kept dying — are run again, up to
``retries`` more times; what is still missing then is reported, not lost.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from mtqa import __version__
from mtqa.backfill.rows import error_source, tally
from mtqa.backfill.shards import Output
from mtqa.backfill.sources import auto_shard_size, count_records, plan_shards
from mtqa.config import Config
from mtqa.readers import ReadOptions


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


@dataclass
class Backfill:
    paths: list[str]
    output: str
    config: Config
    fmt: str = "parquet"
    shard_size: int | None = None  # None: the size this output folder was made with, else auto_shard_size
    actors: int | None = None  # None: one per CPU (per GPU when the model runs on GPUs)
    batch_size: int = 64  # documents per Checker batch
    retries: int = 2
    log: Callable[[str], None] = _stderr  # one line per message; never document text
    read_options: ReadOptions = field(init=False)

    source_fields: "list[str] | None" = None  # the JSON fields / Parquet columns with the original
    source_lang: "str | None" = None

    def __post_init__(self) -> None:
        self.read_options = ReadOptions(fields=self.config.fields, max_bytes=self.config.max_bytes)
        if self.source_fields:
            self.read_options.source_fields = list(self.source_fields)
        self.read_options.source_lang = self.source_lang

    def settings(self) -> dict[str, Any]:
        """What the shard files depend on: a re-run with other settings must not resume them."""
        c = self.config
        return {"mtqa": __version__, "format": self.fmt, "shard_size": self.shard_size, "inputs": list(self.paths),
                "fields": list(c.fields), "select": list(c.select), "ignore": list(c.ignore),
                "severity": {k: str(v) for k, v in sorted(c.severity.items())},
                "per_file_ignores": {k: list(v) for k, v in sorted(c.per_file_ignores.items())},
                "allow": list(c.allow), "gazetteers": list(c.gazetteers), "house_style": dict(c.house_style),
                "fluency": c.fluency, "model": c.model, "max_bytes": c.max_bytes,
                "source_fields": list(self.read_options.source_fields), "source_lang": self.source_lang}

    def resolve_shard_size(self) -> int:
        """``shard_size`` as given; else the one the output folder was made with (so a re-run
        resumes); else :func:`auto_shard_size` of the inputs' record count."""
        if self.shard_size is None:
            made = Output(self.output, self.fmt).previous_settings() or {}
            size = made.get("shard_size")
            self.shard_size = size if isinstance(size, int) and size >= 1 else \
                auto_shard_size(count_records(self.paths, self.read_options))
        return self.shard_size

    def run(self, engine) -> dict[str, Any]:
        started = time.perf_counter()
        out = Output(self.output, self.fmt)
        self.resolve_shard_size()
        out.open(self.settings())
        shards = plan_shards(self.paths, self.read_options, self.shard_size)
        skipped = [s for s in shards if out.is_done(s.id)]
        pending = [s for s in shards if not out.is_done(s.id)]
        actors = self.actors or (engine.default_actors(self.config) if pending else 0)
        done_now: list[str] = []
        workers: Counter = Counter()  # shards checked by each actor process this run
        passes = 0
        failure = None
        while pending and passes <= self.retries:
            passes += 1
            try:
                for shard_id, result in engine.run(pending, self.config, self.read_options, actors=actors,
                                                   batch_size=self.batch_size):
                    if shard_id in done_now:  # a retried task that had already delivered
                        continue
                    counts = tally(result["rows"], result["documents"])
                    out.write_shard(shard_id, result["rows"], counts)
                    done_now.append(shard_id)
                    workers[result.get("worker", "?")] += 1
                    for row in result["rows"]:
                        if row["error"] is not None:
                            self.log(f"mtqa: error: {error_source(row)}: {row['error']}")
            except Exception as e:  # an engine failure: the shards it did not deliver are run again
                failure = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}".rstrip(": ")
                self.log(f"mtqa: warning: pass {passes} stopped ({failure[:300]}); "
                         f"re-running the shards not done")
            pending = [s for s in pending if not out.is_done(s.id)]
        for s in pending:
            self.log(f"mtqa: error: shard {s.id} not done after {passes} passes ({failure or 'no result'})")
        summary = self._summary(out, shards, skipped, done_now, pending, actors, passes,
                                time.perf_counter() - started, getattr(engine, "startup_seconds", 0.0))
        summary["shard_size"] = self.shard_size
        summary["shards_per_worker"] = sorted(workers.values(), reverse=True)
        out.write_summary(summary)
        return summary

    def _summary(self, out: Output, shards, skipped, done_now, pending, actors, passes, wall, startup) -> dict[str, Any]:
        by_code: Counter = Counter()
        by_severity: Counter = Counter()
        documents = unreadable = findings = 0
        entries = out.entries()
        for s in shards:
            e = entries.get(s.id)
            if e is None or s in pending:
                continue
            documents += e["documents"]
            unreadable += e["unreadable"]
            findings += e["findings"]
            by_code.update(e["by_code"])
            by_severity.update(e["by_severity"])
        return {"documents": documents, "unreadable": unreadable, "findings": findings,
                "by_code": dict(sorted(by_code.items())),
                "by_severity": {k: by_severity.get(k, 0) for k in ("error", "warning", "info")},
                "shards": {"total": len(shards), "done": len(done_now), "skipped": len(skipped),
                           "failed": len(pending)},
                "shards_done": sorted(done_now), "shards_skipped": sorted(s.id for s in skipped),
                "shards_failed": sorted(s.id for s in pending),
                "format": self.fmt, "actors": actors, "passes": passes,
                "wall_seconds": round(wall, 3), "startup_seconds": round(startup, 3)}
