"""Throughput of `mtqa backfill` on a local Ray against `mtqa check --jobs 1` and `--jobs 2`.

    python benchmarks/bench_backfill.py [--stories 1000] [--actors 2] [--num-cpus 2]
                                        [--shard-size 100] [--fluency] [--data ../shared/data]

Writes --stories JSONL stories into a temporary directory (never into the
repository): clean-news articles from ../shared/data cycled
(benchmarks/_clean_news.py), or copies of the seed article when that data is
absent.  Then, each timed on its own:

* `mtqa check STORIES --format json --jobs 1` and `--jobs 2` (subprocesses, the CLI as users run it);
* a local Ray: `ray.init(num_cpus=N)` timed apart (start-up), then the backfill
  (`Backfill.run`, shards of --shard-size stories in --actors actors; the
  actors' own start-up is inside this figure — the pool of actors starts per run),
  then a second backfill into a fresh folder on the same Ray (actors started again,
  Ray already up).

Prints stories/s for each and checks that the backfill's findings equal
check's (source, record, code, start, end, message, suggestion).  --no-fluency
unless --fluency.  Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def make_stories(n: int, data: Path | None, path: Path) -> str:
    texts: list[str] = []
    origin = "seed copies"
    try:
        from _clean_news import iter_articles

        texts = [t for _, t in iter_articles(data, "report")]
        origin = "clean news, part report"
    except (ImportError, OSError):
        pass
    if not texts:
        texts = [(ROOT / "seeds" / "000_5614c2f1ef2c2b4d.txt").read_text(encoding="utf-8")]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"headline": f"Story {i}", "body": texts[i % len(texts)]}, ensure_ascii=False) + "\n")
    return origin


def findings_of_check(report: dict) -> Counter:
    return Counter((d["source"], d.get("record"), f["code"], f["start"], f["end"], f["message"], f["suggestion"])
                   for d in report["documents"] for f in d["findings"])


def findings_of_backfill(out: Path) -> Counter:
    from mtqa.backfill.shards import FINDINGS, read_rows

    return Counter((r["source"], r["record"], r["code"], r["start"], r["end"], r["message"], r["suggestion"])
                   for f in sorted((out / FINDINGS).iterdir()) if not f.name.startswith(".")
                   for r in read_rows(f) if r["error"] is None)


def run_check(stories: Path, jobs: int, fluency: bool, tmp: Path) -> tuple[float, dict]:
    out = tmp / f"check-{jobs}.json"
    cmd = [sys.executable, "-m", "mtqa", "check", str(stories), "--format", "json", "-o", str(out), "--quiet",
           "--jobs", str(jobs), "--fluency" if fluency else "--no-fluency"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    if r.returncode not in (0, 1):
        sys.exit(f"check --jobs {jobs} failed ({r.returncode}): {r.stderr[-1000:]}")
    return wall, json.loads(out.read_text(encoding="utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stories", type=int, default=1000)
    ap.add_argument("--actors", type=int, default=2)
    ap.add_argument("--num-cpus", type=int, default=2)
    ap.add_argument("--shard-size", type=int, default=100)
    ap.add_argument("--fluency", action="store_true", help="run the language model too (default: --no-fluency)")
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="mtqa-bench-backfill-") as d:
        tmp = Path(d)
        stories = tmp / "stories.jsonl"
        origin = make_stories(args.stories, args.data, stories)
        print(f"{args.stories} stories ({origin}), fluency {'on' if args.fluency else 'off'}, "
              f"{os.cpu_count()} CPUs visible")
        rows = []
        expected = None
        for jobs in (1, 2):
            wall, report = run_check(stories, jobs, args.fluency, tmp)
            expected = expected or findings_of_check(report)
            rows.append((f"mtqa check --jobs {jobs}", None, wall))

        import ray

        from mtqa.backfill.job import Backfill
        from mtqa.backfill.ray_engine import RayEngine
        from mtqa.config import load

        cfg = load(None).replace(fluency=args.fluency)
        with RayEngine(num_cpus=args.num_cpus) as engine:
            engine.connect()
            startup = engine.startup_seconds
            for k in (1, 2):
                job = Backfill([str(stories)], str(tmp / f"ray-{k}"), cfg, fmt="parquet",
                               shard_size=args.shard_size, actors=args.actors, log=lambda line: None)
                t = time.perf_counter()
                job.run(engine)
                wall = time.perf_counter() - t
                same = findings_of_backfill(tmp / f"ray-{k}") == expected
                rows.append((f"ray, {args.actors} actors, run {k}", same, wall))
        assert not ray.is_initialized()

        print(f"\nRay start-up (ray.init, num_cpus={args.num_cpus}): {startup:.1f} s (not in the figures below)\n")
        print(f"{'engine':<28} {'wall s':>8} {'stories/s':>10}  findings equal check's")
        for name, same, wall in rows:
            eq = "-" if same is None else ("yes" if same else "NO")
            print(f"{name:<28} {wall:>8.1f} {args.stories / wall:>10.1f}  {eq}")
        print(f"\n{sum(expected.values())} findings in all; check figures include interpreter start-up "
              "(~1-2 s); Ray runs include starting the actor pool and loading the Checker in each actor.")


if __name__ == "__main__":
    main()
