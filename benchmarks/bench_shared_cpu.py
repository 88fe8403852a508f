"""mtqa on a shared machine: the same check alone and beside one and two CPU-bound processes.

    python benchmarks/bench_shared_cpu.py [--model smollm2-135m] [--cases seed,jobs,ray,serve]
                                          [--busy 0,1,2] [--stories 40] [--active]
    python benchmarks/bench_shared_cpu.py --cases versus --versus-stories 200

For each case and each number of busy processes (``python -c "while True: pass"``,
started before the run and killed after it) it prints the wall time and the CPU time
mtqa used, and compares them with the run alone (the baseline, measured in the same
invocation):

* **CPU ratio** = CPU beside busy cores ÷ CPU alone.  A process that waits by spinning
  burns CPU while the thread it waits for is off its core; target ≤ 1.1.  Two counts:
  ``CPU s``, machine-wide (below), and ``proc s``, the user-space processes that ran during
  the case (the busy ones and this script left out), sampled from ``/proc/PID/stat`` every
  0.2 s: it leaves out kernel threads and interrupt time, which grow with the context
  switches of a crowded machine and are not mtqa's.
* **fair share** = wall alone × max(1, (p + k) / C), where p = CPU alone ÷ wall alone
  (how many cores the run keeps busy on average), k the busy processes and C the cores:
  what a fair scheduler gives p runnable threads beside k others.  Target: wall ≤ 1.2 ×
  fair share; and for the seed check beside one busy core, wall ≤ 1.3 × alone.

mtqa's CPU time is read from the whole machine (``/proc/stat``: every non-idle jiffy)
minus the busy processes' own (``/proc/PID/stat``), so it counts every process mtqa
starts — ``--jobs`` workers, Ray's actors and daemons, the server — and nothing else
should run while this measures.  Cases:

* ``seed``: ``mtqa check`` of the seed article (a cold start: the process loads the model);
* ``jobs``: ``mtqa check DIR --jobs 2`` on ``--stories`` copies of the seed (edited apart);
* ``ray``: ``mtqa backfill`` of the same stories as JSONL, a local Ray with 2 CPUs, 2 actors;
* ``serve``: a running ``mtqa serve`` (start-up not counted) answering 4 concurrent
  clients, each sending ``--stories``/4 seed-length stories to ``/v1/check`` in turn.
* ``versus``: ``mtqa check stories.jsonl`` and ``mtqa backfill stories.jsonl`` on
  ``--versus-stories`` stories, alone, each "without start-up": its time on N stories minus
  its time on one story (target: check ≤ 1.2 × backfill).

``--active`` repeats the seed case with ``OMP_WAIT_POLICY=ACTIVE`` (OpenMP's spinning
waits, what mtqa ran with before it set PASSIVE) as a baseline in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_5614c2f1ef2c2b4d.txt"
CLK = os.sysconf("SC_CLK_TCK")
BUSY = "while True: pass"


def machine_jiffies() -> int:
    with open("/proc/stat") as fh:
        f = [int(x) for x in fh.readline().split()[1:]]
    idle = f[3] + (f[4] if len(f) > 4 else 0)  # idle + iowait
    return sum(f[:8]) - idle


def proc_jiffies(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            f = fh.read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])  # utime + stime
    except OSError:
        return 0


class Busy:
    """k CPU-bound processes for the duration of a ``with`` block; their CPU time is known."""

    def __init__(self, k: int):
        self.k = k
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> "Busy":
        self.procs = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(self.k)]
        time.sleep(0.5 if self.k else 0)
        return self

    def jiffies(self) -> int:
        return sum(proc_jiffies(p.pid) for p in self.procs)

    def __exit__(self, *exc) -> None:
        for p in self.procs:
            p.kill()
        for p in self.procs:
            p.wait()


def _processes() -> dict[tuple[int, int], int]:
    """{(pid, start time): utime + stime} of every user-space process (kernel threads, children
    of kthreadd, left out)."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                f = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(d) == 2 or f[1] == "2":  # f[1]: the parent's pid
            continue
        out[(int(d), int(f[19]))] = int(f[11]) + int(f[12])
    return out


class ProcessCPU:
    """CPU time of the user-space processes that run during a ``with`` block, the busy ones and
    this benchmark left out: mtqa, its workers, and what it started (Ray's daemons, the server).
    Sampled every 0.2 s (a process that lives less than that may be missed), so unlike the
    machine-wide count it leaves out kernel threads and interrupts."""

    def __init__(self, skip: "set[int]"):
        self.skip = skip | {os.getpid()}
        self.first: dict[tuple[int, int], int] = {}
        self.last: dict[tuple[int, int], int] = {}
        self._stop = threading.Event()

    def _sample(self) -> None:
        for key, j in _processes().items():
            if key[0] not in self.skip:
                self.first.setdefault(key, j)
                self.last[key] = j

    def __enter__(self) -> "ProcessCPU":
        self._sample()
        self.before = set(self.first)
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._sample()

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()
        self._sample()

    @property
    def seconds(self) -> float:
        # a process already running at the start counts from there; one started during, from 0
        return sum(j - (self.first[k] if k in self.before else 0) for k, j in self.last.items()) / CLK


def measure(fn, k: int) -> tuple[float, float, float]:
    """(wall s, mtqa's CPU s machine-wide, mtqa's CPU s by process) of ``fn()`` beside k busy
    processes."""
    with Busy(k) as busy:
        with ProcessCPU({p.pid for p in busy.procs}) as procs:
            m0, b0, t0 = machine_jiffies(), busy.jiffies(), time.perf_counter()
            fn()
            wall = time.perf_counter() - t0
            m1, b1 = machine_jiffies(), busy.jiffies()
    return wall, max(0, (m1 - m0) - (b1 - b0)) / CLK, procs.seconds


def mtqa(*args: str, env: dict | None = None, ok=(0, 1, 2)) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, "-m", "mtqa", *map(str, args)], capture_output=True, text=True,
                       cwd=ROOT, env={**os.environ, "NO_COLOR": "1", **(env or {})})
    if r.returncode not in ok:
        raise SystemExit(f"mtqa {' '.join(map(str, args))}: exit {r.returncode}\n{r.stderr[-2000:]}")
    return r


def stories(n: int) -> list[str]:
    seed = SEED.read_text(encoding="utf-8")
    return [seed.replace("Kerry", f"Kerry {i}").replace("Thursday", ["Monday", "Tuesday", "Friday"][i % 3])
            for i in range(n)]


def write_dir(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, s in enumerate(stories(n)):
        (folder / f"story{i:04d}.txt").write_text(s, encoding="utf-8")
    return folder


def write_jsonl(path: Path, n: int) -> Path:
    path.write_text("".join(json.dumps({"headline": f"Story {i}", "body": s}) + "\n"
                            for i, s in enumerate(stories(n))), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, model_args: list[str]):
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "mtqa", "serve", "--port", str(self.port), *model_args],
                                     cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env={**os.environ, "NO_COLOR": "1"})
        import httpx

        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.5)
        raise SystemExit("mtqa serve did not come up")

    def clients(self, texts: list[str], n_clients: int = 4) -> None:
        import httpx

        def one(part: list[str]) -> None:
            with httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=600) as c:
                for t in part:
                    r = c.post("/v1/check", json={"text": t})
                    r.raise_for_status()

        parts = [texts[i::n_clients] for i in range(n_clients)]
        threads = [threading.Thread(target=one, args=(p,)) for p in parts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def row(name: str, k: int, m: tuple[float, float, float], base: "tuple[float, float, float] | None",
        cores: int) -> str:
    wall, cpu, pcpu = m
    if base is None or k == 0:
        return f"{name:<22} {k:>4} {wall:8.2f} {cpu:8.2f} {pcpu:8.2f} {'':>9} {'':>9} {'':>9} {'':>9} {'':>9}"
    w0, c0, p0 = base
    p = c0 / w0 if w0 else 1.0
    fair = w0 * max(1.0, (p + k) / cores)
    return (f"{name:<22} {k:>4} {wall:8.2f} {cpu:8.2f} {pcpu:8.2f} {wall / w0:9.2f} {cpu / c0:9.2f} "
            f"{pcpu / max(1e-9, p0):9.2f} {fair:9.2f} {wall / fair:9.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="model for the checks (default: mtqa's default, SmolLM2-135M)")
    ap.add_argument("--cases", default="seed,jobs,ray,serve")
    ap.add_argument("--busy", default="0,1,2", help="numbers of busy processes (0 is the baseline)")
    ap.add_argument("--stories", type=int, default=40, help="stories for the jobs, ray and serve cases")
    ap.add_argument("--versus-stories", type=int, default=200)
    ap.add_argument("--active", action="store_true", help="also the seed case with OMP_WAIT_POLICY=ACTIVE")
    a = ap.parse_args()
    from mtqa.cpu import available_cores, logical_cpus

    cores = available_cores()
    model = ["--model", a.model] if a.model else []
    busy = [int(x) for x in a.busy.split(",")]
    if 0 not in busy:
        busy = [0] + busy
    cases = a.cases.split(",")
    tmp = Path(tempfile.mkdtemp(prefix="mtqa-shared-cpu-"))
    print(f"# bench_shared_cpu: {cores} cores ({logical_cpus()} logical CPUs), model {a.model or 'default'}, "
          f"load average before {os.getloadavg()[0]:.2f}")
    mtqa("check", SEED, *model)  # warm the page cache and the model's conversion
    print(f"{'case':<22} {'busy':>4} {'wall s':>8} {'CPU s':>8} {'proc s':>8} {'wall/alone':>9} {'CPU/alone':>9} "
          f"{'proc/alone':>9} {'fair s':>9} {'wall/fair':>9}")
    try:
        runs = []
        if "seed" in cases:
            runs.append(("check seed", lambda: mtqa("check", SEED, *model)))
            if a.active:
                runs.append(("check seed (ACTIVE)", lambda: mtqa("check", SEED, *model,
                                                                 env={"OMP_WAIT_POLICY": "ACTIVE"})))
        if "jobs" in cases:
            d = write_dir(tmp / "dir", a.stories)
            runs.append((f"check --jobs 2 ({a.stories})", lambda: mtqa("check", d, "--jobs", "2", "--format", "json",
                                                                       *model)))
        if "ray" in cases:
            js = write_jsonl(tmp / "ray.jsonl", a.stories)

            def ray_run() -> None:
                out = tmp / f"ray-out-{time.monotonic_ns()}"
                mtqa("backfill", js, "--output", out, "--num-cpus", "2", "--actors", "2", "--format", "jsonl",
                     *model, ok=(0,))
                shutil.rmtree(out, ignore_errors=True)
            runs.append((f"backfill 2 actors ({a.stories})", ray_run))
        for name, fn in runs:
            base = None
            for k in busy:
                m = measure(fn, k)
                if k == 0:
                    base = m
                print(row(name, k, m, base, cores), flush=True)
        if "serve" in cases:
            srv = Server(model)
            try:
                texts = stories(a.stories)
                srv.clients(texts[:4])  # warm
                base = None
                for k in busy:
                    m = measure(lambda: srv.clients(texts), k)
                    if k == 0:
                        base = m
                    print(row(f"serve 4 clients ({a.stories})", k, m, base, cores), flush=True)
            finally:
                srv.stop()
        if "versus" in cases:
            n = a.versus_stories
            big, one = write_jsonl(tmp / "big.jsonl", n), write_jsonl(tmp / "one.jsonl", 1)

            def check(p: Path) -> float:
                t = time.perf_counter()
                mtqa("check", p, "--format", "json", *model)
                return time.perf_counter() - t

            def backfill(p: Path) -> float:
                out = tmp / f"bf-{time.monotonic_ns()}"
                t = time.perf_counter()
                mtqa("backfill", p, "--output", out, "--format", "jsonl", *model, ok=(0,))
                wall = time.perf_counter() - t
                shutil.rmtree(out, ignore_errors=True)
                return wall

            c1, cn = check(one), check(big)
            b1, bn = backfill(one), backfill(big)
            print(f"\nversus, {n} stories, idle machine (s): check {cn:.1f} (1 story {c1:.1f}), "
                  f"backfill {bn:.1f} (1 story {b1:.1f})")
            print(f"without start-up: check {cn - c1:.1f} s, backfill {bn - b1:.1f} s, "
                  f"ratio check/backfill {(cn - c1) / max(1e-9, bn - b1):.2f} (target <= 1.2)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
