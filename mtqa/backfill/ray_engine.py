"""Check shards in a Ray actor pool (Ray Data ``map_batches``).

Each actor builds one :class:`~mtqa.checker.Checker` — so the language model
loads once per actor — and checks one shard per call with
:func:`mtqa.backfill.work.check_shard`.  The dataset holds one row per shard
(its JSON description) in its own block, so shards spread over the actors;
each result row carries the shard id and its rows as JSON, and the driver
writes it as soon as it arrives (:meth:`run` yields them), so a run that
dies keeps every shard it finished.

Actors are not restarted by Ray (``max_restarts=0``: Ray's default of -1 for
actor pools logs an error-level line on every healthy run, because Ray Data
keeps the constructor arguments in the object store); when an actor dies the
pass stops and :mod:`mtqa.backfill.job` re-runs, a bounded number of times,
every shard that did not come back (finished shards are already on disk).
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from typing import Any, Iterator

from mtqa.backfill.sources import Shard
from mtqa.backfill.work import check_shard
from mtqa.config import Config
from mtqa.readers import ReadOptions

MAX_BLOCKS = 20_000  # beyond this, blocks hold several shards (an actor checks them one after another)


class ShardWorker:
    """The actor: one Checker, built once; checks the shards of each batch it is given."""

    def __init__(self, config: Config, options: ReadOptions, batch_size: int):
        from mtqa import cpu
        from mtqa.checker import Checker

        cpu.prepare(_assigned_cpus())  # before the model loads torch: Ray's num_cpus, idle threads asleep

        self.checker = Checker(config, batch_size=batch_size)
        self.options = options

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        ids, results = [], []
        for spec in batch["spec"]:
            shard = Shard.from_json(str(spec))
            ids.append(shard.id)
            results.append(json.dumps(check_shard(self.checker, shard, self.options), ensure_ascii=False))
        return {"shard": np.array(ids, dtype=object), "result": np.array(results, dtype=object)}


def _assigned_cpus() -> int | None:
    """The CPUs Ray granted this actor (``num_cpus``), or None outside Ray."""
    try:
        import ray

        cpus = ray.get_runtime_context().get_assigned_resources().get("CPU")
    except Exception:  # pragma: no cover - not in a Ray worker
        return None
    return max(1, int(cpus)) if cpus else None


class RayEngine:
    """A connection to a local or remote Ray, and the actor pool that checks shards."""

    def __init__(self, num_cpus: int | None = None, address: str | None = None):
        self.num_cpus = num_cpus
        self.address = address
        self.started = False  # whether this engine started Ray (and so shuts it down)
        self.startup_seconds = 0.0

    def __enter__(self) -> "RayEngine":
        return self

    def connect(self) -> None:
        """Start (or join) Ray on first use, so a run with nothing left to do starts none."""
        import ray

        if ray.is_initialized():
            return
        t = time.perf_counter()
        quiet = {"logging_level": logging.ERROR, "log_to_driver": False}
        if self.address:
            ray.init(address=self.address, **quiet)
        else:
            ray.init(num_cpus=self.num_cpus, include_dashboard=False, **quiet)
        self.started = True
        self.startup_seconds = time.perf_counter() - t

    def __exit__(self, *exc) -> None:
        if self.started:
            import ray

            ray.shutdown()
            self.started = False

    def resources(self) -> dict[str, float]:
        import ray

        self.connect()
        return dict(ray.cluster_resources())

    def gpus_per_actor(self, config: Config) -> int:
        """1 when the fluency model runs and the cluster has GPUs (and --device is not cpu), else 0."""
        if not config.fluency or config.device == "cpu":
            return 0
        return 1 if self.resources().get("GPU", 0) >= 1 else 0

    def default_actors(self, config: Config) -> int:
        res = self.resources()
        per = "GPU" if self.gpus_per_actor(config) else "CPU"
        return max(1, int(res.get(per, 1)))

    def run(self, shards: list[Shard], config: Config, options: ReadOptions, *, actors: int,
            batch_size: int) -> Iterator[tuple[str, dict[str, Any]]]:
        """(shard id, {"rows", "documents"}) for each shard, as they finish (any order)."""
        import ray

        if not shards:
            return
        self.connect()
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        gpus = self.gpus_per_actor(config)
        ds = ray.data.from_items([{"spec": s.to_json()} for s in shards],
                                 override_num_blocks=min(len(shards), MAX_BLOCKS))
        with warnings.catch_warnings():
            # Ray 2.60 deprecates extra remote args (max_restarts) yet names no other way to pass them
            # (its own actor-pool code says "map_batches(..., max_restarts=0) to disable")
            warnings.filterwarnings("ignore", message=".*ray_remote_args.*deprecated")
            ds = ds.map_batches(ShardWorker, batch_size=1, batch_format="numpy",
                                compute=ray.data.ActorPoolStrategy(size=max(1, min(actors, len(shards)))),
                                fn_constructor_kwargs={"config": config, "options": options, "batch_size": batch_size},
                                num_cpus=1, num_gpus=gpus or None,
                                # no restarts by Ray: it keeps the UDF's constructor arguments in the object
                                # store and logs an error-level line for every actor that could restart; a
                                # shard whose actor died is re-run by the job (Backfill.run), which also
                                # covers a failed task
                                max_restarts=0, max_task_retries=0)
        for row in ds.iter_rows():
            yield str(row["shard"]), json.loads(row["result"])
