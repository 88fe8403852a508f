"""Load benchmark for `mtqa serve`: throughput, latency and memory growth.

    python benchmarks/bench_serve.py                       # rules only, 10,000 requests
    python benchmarks/bench_serve.py --requests 2000       # a quick run
    python benchmarks/bench_serve.py --model newslm-5m     # with the fast fluency model

Starts `python -m mtqa serve --port 0` (rules only unless --model is given),
sends 600-word stories (built, seeded, from the seed article's paragraphs, so
they carry real findings) to POST /v1/check, and prints:

* requests/s and p50/p95 latency at 1, 4 and 16 concurrent clients
  (``--levels``; ``--per-level`` requests each, after a warm-up);
* the server's RSS after the first 100 requests and after ``--requests`` in
  all, and the growth between the two in percent (it should stay flat: the
  service keeps nothing per request);
* the mean number of requests per checker batch (from /metrics).

Clients are threads with one keep-alive connection each (stdlib http.client),
on the same machine as the server: on a small machine they compete with it
for the CPU, so the figures are a floor.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_5614c2f1ef2c2b4d.txt"
WORDS = 600


def stories(n: int, words: int = WORDS, seed: int = 0) -> list[bytes]:
    """``n`` request bodies, each a story of ``words`` words from shuffled seed paragraphs."""
    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        picked: list[str] = []
        count = 0
        while count < words:
            p = rng.choice(paragraphs)
            w = p.split()
            if len(w) > words - count:  # the last paragraph: as many words as are missing, then a full stop
                w = w[: words - count]
                p = " ".join(w).rstrip(" ,;:“\"") + "."
            picked.append(p)
            count += len(w)
        out.append(json.dumps({"text": "\n\n".join(picked)}).encode("utf-8"))
    return out


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        return int(re.search(r"VmRSS:\s+(\d+) kB", fh.read()).group(1))


class Client:
    def __init__(self, host: str, port: int):
        self.conn = http.client.HTTPConnection(host, port, timeout=600)

    def post(self, body: bytes) -> tuple[int, float]:
        t = time.perf_counter()
        self.conn.request("POST", "/v1/check", body=body, headers={"Content-Type": "application/json"})
        r = self.conn.getresponse()
        r.read()
        return r.status, time.perf_counter() - t

    def get(self, path: str) -> str:
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        return r.read().decode("utf-8")


def run_level(host: str, port: int, bodies: list[bytes], clients: int, total: int) -> dict:
    """``total`` requests from ``clients`` threads; latency per request, wall for all."""
    latencies: list[float] = []
    errors: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(total))
    start = threading.Barrier(clients + 1)

    def worker(k: int) -> None:
        c = Client(host, port)
        start.wait()
        for i in counter:  # shared iterator: threads take the next request number
            status, dt = c.post(bodies[(i + k) % len(bodies)])
            with lock:
                latencies.append(dt)
                if status != 200:
                    errors[status] = errors.get(status, 0) + 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    q = statistics.quantiles(latencies, n=100)
    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / wall, "p50_ms": q[49] * 1000,
            "p95_ms": q[94] * 1000, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=10_000, help="requests in all (RSS is read after 100 and after these)")
    ap.add_argument("--levels", default="1,4,16", help="concurrent clients per measured level")
    ap.add_argument("--per-level", type=int, default=300, help="requests measured at each level")
    ap.add_argument("--model", default=None, help="run the fluency model (e.g. newslm-5m); default: rules only")
    ap.add_argument("--workers-batch", type=int, default=32)
    ap.add_argument("--batch-wait-ms", type=float, default=5.0)
    args = ap.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    if args.requests < 100 + args.per_level * len(levels):
        ap.error(f"--requests must be at least 100 + --per-level × levels = {100 + args.per_level * len(levels)}")

    log = tempfile.NamedTemporaryFile(prefix="mtqa-serve-", suffix=".log", delete=False)
    cmd = [sys.executable, "-m", "mtqa", "serve", "--port", "0", "--no-access-log", "--queue", "1024", "--timeout", "600",
           "--workers-batch", str(args.workers_batch), "--batch-wait-ms", str(args.batch_wait_ms)]
    cmd += ["--model", args.model] if args.model else ["--no-fluency"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, env=env)
    try:
        deadline = time.monotonic() + 600
        while not (m := re.search(r"ready on http://([\d.]+):(\d+)", Path(log.name).read_text())):
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"server did not start:\n{Path(log.name).read_text()[-2000:]}")
            time.sleep(0.1)
        host, port = m.group(1), int(m.group(2))
        time.sleep(0.5)
        bodies = stories(64)
        print(f"mtqa serve ({'model ' + args.model if args.model else 'rules only'}), {WORDS}-word stories from the seed article (no shared data), "
              f"{args.requests:,} requests; {os.cpu_count()} CPUs shared by server and clients")

        warm = run_level(host, port, bodies, 1, 100)
        rss_100 = rss_kib(proc.pid)
        done = warm["requests"]
        print(f"{'clients':>8} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}  errors")
        for c in levels:
            r = run_level(host, port, bodies, c, args.per_level)
            done += r["requests"]
            print(f"{r['clients']:>8} {r['requests']:>9} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f}  "
                  f"{r['errors'] or '-'}")
        rest = args.requests - done
        if rest > 0:
            r = run_level(host, port, bodies, max(levels), rest)
            done += r["requests"]
            print(f"(the remaining {rest:,} requests at {max(levels)} clients: {r['rps']:.1f} req/s, "
                  f"p95 {r['p95_ms']:.1f} ms, errors {r['errors'] or '-'})")
        rss_end = rss_kib(proc.pid)
        metrics = Client(host, port).get("/metrics")
        count = float(re.search(r"^mtqa_batch_requests_count (\S+)$", metrics, re.M).group(1))
        total = float(re.search(r"^mtqa_batch_requests_sum (\S+)$", metrics, re.M).group(1))
        growth = (rss_end - rss_100) / rss_100 * 100
        print(f"server RSS after 100 requests: {rss_100 / 1024:.1f} MiB; after {done:,}: {rss_end / 1024:.1f} MiB "
              f"(growth {growth:+.1f}%)")
        print(f"requests per checker batch: {total / count:.2f} on average ({int(count):,} batches)")
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.unlink(log.name)


if __name__ == "__main__":
    main()
