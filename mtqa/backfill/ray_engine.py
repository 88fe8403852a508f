"""Check shards in a pool of Ray actors.

Each actor builds one :class:`~mtqa.checker.Checker` — so the language model
loads once per actor — and checks one shard per call with
:func:`mtqa.backfill.work.check_shard`.  The driver hands each actor its next
shard (JSON description) as soon as one finishes and writes every result as it
arrives (:meth:`RayEngine.run` yields them), so a run that dies keeps every
shard it finished.

Actors are not restarted by Ray (``max_restarts=0``); when an actor dies the
pass stops and :mod:`mtqa.backfill.job` re-runs, a bounded number of times,
every shard that did not come back (finished shards are already on disk).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from typing import Any, Iterator

from mtqa.backfill.sources import Shard
from mtqa.backfill.work import check_shard
from mtqa.config import Config
from mtqa.readers import ReadOptions

#: shards each actor holds at once: the one it checks and the next, so it never waits on the driver
IN_FLIGHT = 2


class ShardWorker:
    """The actor: one Checker, built once; checks the shards of each batch it is given."""

    def __init__(self, config: Config, options: ReadOptions, batch_size: int):
        from mtqa import cpu
        from mtqa.checker import Checker

        cpu.prepare(_assigned_cpus())  # before the model loads torch: Ray's num_cpus, idle threads asleep

        self.checker = Checker(config, batch_size=batch_size)
        self.options = options

    def check(self, spec: str) -> dict[str, Any]:
        """The rows and counts of one shard (its JSON description)."""
        return check_shard(self.checker, Shard.from_json(spec), self.options)


def _assigned_cpus() -> int | None:
    """The CPUs Ray granted this actor (``num_cpus``), or None outside Ray."""
    try:
        import ray

        cpus = ray.get_runtime_context().get_assigned_resources().get("CPU")
    except Exception:  # pragma: no cover - not in a Ray worker
        return None
    return max(1, int(cpus)) if cpus else None


@contextlib.contextmanager
def _worker_niceness() -> Iterator[None]:
    """Start a local Ray whose workers run at this process's own priority.

    Ray's raylet starts its worker processes 15 nice levels below itself unless
    ``RAY_worker_niceness`` (an increment) says otherwise, so beside one busy process at
    niceness 0 the two actors of a 2-core machine share what that process leaves them: one
    core, not the fair 1.3.  The actors do the check's work, so they keep the driver's
    niceness (increment 0; ``nice mtqa backfill`` still lowers them all); a
    ``RAY_worker_niceness`` the user set wins.  Only the raylet started here reads it: the
    variable is set for ``ray.init`` and restored after."""
    key = "RAY_worker_niceness"
    if key in os.environ:
        yield
        return
    os.environ[key] = "0"
    try:
        yield
    finally:
        os.environ.pop(key, None)


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
            with _worker_niceness():
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
        """(shard id, {"rows", "documents"}) for each shard, as they finish (any order).

        A plain pool of Ray actors fed by the driver: each actor holds :data:`IN_FLIGHT`
        shards (one running, the next already queued, so it never waits on the driver), and
        the driver blocks in ``ray.wait`` until one finishes.  Nothing polls: on a machine
        whose cores other work holds, the driver and Ray's own processes take no time slices
        from the actors (Ray Data's streaming executor scheduled its operators in a loop on
        the driver, and its pipeline stalled beside busy cores).  An actor that dies ends the
        pass with its error; :mod:`mtqa.backfill.job` re-runs the shards not delivered."""
        import ray

        if not shards:
            return
        self.connect()
        gpus = self.gpus_per_actor(config)
        worker = ray.remote(num_cpus=1, num_gpus=gpus or 0, max_restarts=0, max_task_retries=0)(ShardWorker)
        pool = [worker.remote(config, options, batch_size) for _ in range(max(1, min(actors, len(shards))))]
        queue = list(reversed(shards))  # popped from the end: input order
        inflight: dict[Any, tuple[int, Shard]] = {}

        def submit(i: int) -> None:
            if queue:
                shard = queue.pop()
                inflight[pool[i].check.remote(shard.to_json())] = (i, shard)

        try:
            for _ in range(IN_FLIGHT):
                for i in range(len(pool)):
                    submit(i)
            while inflight:
                done, _ = ray.wait(list(inflight), num_returns=1)
                i, shard = inflight.pop(done[0])
                result = ray.get(done[0])  # an actor that died raises here: the pass ends
                submit(i)
                yield shard.id, result
        finally:
            for a in pool:
                ray.kill(a, no_restart=True)
