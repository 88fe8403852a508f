"""How many CPU cores mtqa may use, and torch threads that yield them to other work.

CI runners, publishing servers and Ray nodes run mtqa beside other work.  Two
things make a CPU-bound neighbour expensive for a torch process:

* **Busy-waiting.**  torch's CPU build runs its parallel regions on GNU
  OpenMP, whose idle threads spin (``OMP_WAIT_POLICY`` active, ~300,000 spins)
  before they sleep.  Beside a busy core a spinning thread burns CPU time that
  the thread it waits for needs: measured here, a seed check's CPU time grew
  from 8.3 s to 14.4 s beside one busy process.  mtqa sets
  ``OMP_WAIT_POLICY=PASSIVE`` — idle threads sleep at once — unless the
  environment already says otherwise (``OMP_WAIT_POLICY`` or
  ``GOMP_SPINCOUNT`` set by the user is left alone).  OpenMP reads it when
  torch loads, so it must be in ``os.environ`` before ``import torch``:
  :func:`prepare` puts it there and is called by every entry point that may
  load the model (the CLI, ``--jobs`` workers, Ray actors, ``mtqa serve``,
  and :func:`mtqa.fluency.engine.get_engine` for the Python API).
* **More threads than cores.**  The intra-op threads are the cores this
  process may run on (:func:`available_cores`: the affinity mask, a cgroup
  CPU quota, hyper-threads counted once), divided among ``--jobs`` workers,
  or what Ray (``num_cpus``) or ``mtqa serve --threads`` grants; the
  inter-op pool (unused by mtqa) is one thread.  ``OMP_NUM_THREADS`` or
  ``MKL_NUM_THREADS`` in the environment wins over all of these.

Knobs, in the order they win: ``OMP_NUM_THREADS``/``MKL_NUM_THREADS`` and
``OMP_WAIT_POLICY``/``GOMP_SPINCOUNT`` in the environment; ``--threads``
(``mtqa serve``); ``--jobs N`` (cores // N each); the cores available.
"""

from __future__ import annotations

import os
import sys

USER_THREADS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")
USER_WAIT = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")

_configured: dict[str, int] = {}


def _affinity() -> list[int]:
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return list(range(os.cpu_count() or 1))


def _physical(cpus: list[int]) -> int:
    """Cores among ``cpus``, hyper-threads of one core counted once."""
    cores = set()
    for c in cpus:
        base = f"/sys/devices/system/cpu/cpu{c}/topology/"
        try:
            with open(base + "core_id") as f1, open(base + "physical_package_id") as f2:
                cores.add((f2.read().strip(), f1.read().strip()))
        except OSError:
            cores.add(("cpu", str(c)))
    return max(1, len(cores))


def parse_cpu_max(text: str) -> float | None:
    """Cores allowed by a cgroup v2 ``cpu.max`` line ("QUOTA PERIOD", or "max PERIOD": no limit)."""
    parts = text.split()
    if len(parts) < 2 or parts[0] == "max":
        return None
    try:
        return max(1e-3, int(parts[0]) / int(parts[1]))
    except (ValueError, ZeroDivisionError):
        return None


def cgroup_quota(root: str = "/sys/fs/cgroup") -> float | None:
    """The CPU quota of this process's cgroup in cores (cgroup v2 ``cpu.max``), or None."""
    try:
        with open("/proc/self/cgroup") as fh:
            rel = next((ln.split(":", 2)[2].strip() for ln in fh if ln.startswith("0::")), None)
    except OSError:
        return None
    for d in ([os.path.join(root, rel.lstrip("/"))] if rel else []) + [root]:
        try:
            with open(os.path.join(d, "cpu.max")) as fh:
                return parse_cpu_max(fh.read())
        except OSError:
            continue
    return None


def available_cores() -> int:
    """Physical cores this process may run on: its affinity mask, capped by a cgroup quota."""
    cores = _physical(_affinity())
    quota = cgroup_quota()
    if quota is not None:
        cores = min(cores, max(1, int(quota + 0.5)))
    return cores


def logical_cpus() -> int:
    """Logical CPUs in the affinity mask (what ``--jobs 0`` starts a worker for)."""
    return max(1, len(_affinity()))


def user_threads() -> int | None:
    """The thread count the user set in the environment, if any."""
    for name in USER_THREADS:
        v = os.environ.get(name, "").strip()
        if v.isdigit() and int(v) > 0:
            return int(v)
    return None


def prepare(threads: int | None = None) -> None:
    """Before torch loads: OpenMP threads wait passively (unless the user chose), and
    ``OMP_NUM_THREADS`` is ``threads`` when given (unless the user chose).  Harmless once
    torch is loaded (it then only sets what :func:`configure_torch` will apply)."""
    if not any(os.environ.get(n) for n in USER_WAIT):
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    if threads is not None and user_threads() is None:
        os.environ["OMP_NUM_THREADS"] = str(max(1, int(threads)))


def wanted_threads() -> int:
    """The intra-op threads for this process: the user's, else the cores available."""
    return user_threads() or available_cores()


def configure_torch() -> dict[str, int]:
    """Apply the thread settings to torch (imported here if it is not yet), once per process:
    intra-op threads from :func:`wanted_threads`, one inter-op thread.  Returns what is in force."""
    if "torch" not in sys.modules:
        prepare()
    import torch

    if not _configured:
        n = wanted_threads()
        if torch.get_num_threads() != n:
            torch.set_num_threads(n)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # the pool already ran work (torch allows setting it once, before use)
            pass
        _configured.update(intra=torch.get_num_threads(), interop=torch.get_num_interop_threads())
    return dict(_configured)


def describe() -> dict[str, object]:
    """The settings in force, for ``mtqa check --verbose`` style diagnostics and the benchmarks."""
    out: dict[str, object] = {"cores_available": available_cores(), "logical_cpus": logical_cpus(),
                              "wait_policy": os.environ.get("OMP_WAIT_POLICY"),
                              "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        out.update(torch_threads=torch.get_num_threads(), torch_interop=torch.get_num_interop_threads())
    return out
