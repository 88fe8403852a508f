"""`mtqa check --jobs N`: speed-up on one machine, and one long document's time and memory.

    python benchmarks/bench_jobs.py [--stories 200] [--jobs 1,2,0] [--fluency] [--model newslm-5m]
    python benchmarks/bench_jobs.py --long [--sizes 1,2.5,5] [--fluency] [--model newslm-5m]

Default: builds 200 stories of 20-50 KB by concatenating clean-news articles
(../shared/data, see _clean_news.py; copies of the seed article when the data
is absent) so that checking, not start-up, dominates; prints the cores seen,
the start-up (`mtqa check --no-fluency` on the seed), then the wall time of
`mtqa check DIR --format json --no-fluency --jobs N` for each N, the ratio to
--jobs 1, and whether the JSON reports are identical between job counts.
--fluency adds the same runs with the model (on --fluency-stories stories).

--long: single-line documents of the given sizes in MB (clean text joined with
spaces), each checked by `/usr/bin/time -f "%e s %M KB" mtqa check FILE
--format json`, rules only and (with --fluency) with the model: wall seconds
and peak resident memory.

Every figure is wall time of a fresh process, measured in this run: compare
ratios, not seconds from another machine or another load.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_5614c2f1ef2c2b4d.txt"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def articles() -> list[str]:
    try:
        from _clean_news import iter_articles

        arts = [t for _, t in iter_articles(part="report", sources=("bbc", "isot"))]
        if arts:
            return arts
    except OSError:
        pass
    return [SEED.read_text(encoding="utf-8")]


def build_stories(folder: Path, n: int, seed: int = 0) -> int:
    arts, rng, k, total = articles(), random.Random(seed), 0, 0
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        target, parts, size = rng.randint(20_000, 50_000), [], 0
        while size < target:
            a = arts[k % len(arts)]
            k += 1
            parts.append(a)
            size += len(a.encode("utf-8")) + 2
        data = ("\n\n".join(parts) + "\n").encode("utf-8")
        (folder / f"story_{i:04d}.txt").write_bytes(data)
        total += len(data)
    return total


def mtqa(*args: str, timed: bool = False) -> tuple[float, str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "mtqa", *args]
    if timed:
        cmd = ["/usr/bin/time", "-f", "TIME %e s %M KB", *cmd]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t
    if p.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr[-2000:]}")
    return wall, p.stdout, p.stderr


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def bench_jobs(args, work: Path) -> None:
    stories = work / "stories"
    size = build_stories(stories, args.stories)
    print(f"cores seen: {cores()}  (load average {os.getloadavg()[0]:.1f})")
    print(f"corpus: {args.stories} stories, {size / 1e6:.1f} MB ({'clean news, part report' if len(articles()) > 1 else 'seed copies'})")
    ups = [mtqa("check", str(SEED), "--no-fluency", "-o", os.devnull)[0] for _ in range(3)]
    print(f"start-up (mtqa check --no-fluency on the seed, best of 3): {min(ups):.2f} s")
    jobs = [int(j) for j in args.jobs.split(",")]
    plans = [("rules only", ["--no-fluency"], stories)]
    if args.fluency:
        flu = work / "fluency"
        build_stories(flu, args.fluency_stories, seed=1)
        model = ["--model", args.model] if args.model else []
        plans.append((f"fluency{' ' + args.model if args.model else ''}, {args.fluency_stories} stories",
                      ["--fluency", *model], flu))
    for name, extra, folder in plans:
        print(f"\n{name}: mtqa check DIR --format json {' '.join(extra)} --jobs N (best of {args.repeat})")
        base, reports = None, {}
        for j in jobs:
            times = []
            for _ in range(args.repeat):
                wall, out, _ = mtqa("check", str(folder), "--format", "json", "--fail-on", "never",
                                    "--jobs", str(j), *extra)
                times.append(wall)
            reports[j] = out
            best = min(times)
            base = base or best
            label = f"{j} (per CPU: {cores()})" if j == 0 else str(j)
            print(f"  --jobs {label:<14} {best:7.2f} s   x{base / best:.2f} vs --jobs {jobs[0]}")
        same = len(set(reports.values())) == 1
        print(f"  JSON reports identical across --jobs {args.jobs}: {'yes' if same else 'NO'}")


def bench_long(args, work: Path) -> None:
    text = " ".join(" ".join(a.split()) for a in articles())
    print(f"cores seen: {cores()}  (load average {os.getloadavg()[0]:.1f})")
    modes = [("rules only", ["--no-fluency"])]
    if args.fluency:
        modes.append((f"fluency{' ' + args.model if args.model else ''}",
                      ["--fluency", *(["--model", args.model] if args.model else [])]))
    sizes = [float(x) for x in args.sizes.split(",")]
    peaks: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in modes}
    for mb in [0.0, *sizes]:  # 0: the seed article, what the process costs before any length
        if mb:
            n = int(mb * 1_000_000)
            body = (text + " ") * (n // (len(text) + 1) + 1)
            body = body[:body.rfind(" ", 0, n)]
            path = work / f"long_{mb:g}MB.txt"
            path.write_text(body + "\n", encoding="utf-8")
        else:
            path = SEED
        for name, extra in modes:
            _, _, err = mtqa("check", str(path), "--format", "json", "-o", os.devnull, "--fail-on", "never",
                             *extra, timed=True)
            line = [ln for ln in err.splitlines() if ln.startswith("TIME ")][-1]
            peaks[name].append((mb, int(line.split()[3]) / 1024))
            label = f"{mb:g} MB single line" if mb else "seed article (4 KB)"
            print(f"  {label:<20} {name:<20} {line[5:]}")
    # growth of peak memory per MB of text between consecutive sizes: flat memory keeps it
    # small (what a document must hold: its text and per-word scores), not the model's or
    # the batch's buffers again for every window
    for name, pts in peaks.items():
        steps = [f"{a:g}->{b:g} MB: {(pb - pa) / (b - a):,.0f} MB per MB"
                 for (a, pa), (b, pb) in zip(pts[1:], pts[2:])]
        print(f"  {name}: peak {pts[0][1]:,.0f} MB on the seed; growth {'; '.join(steps)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stories", type=int, default=200)
    ap.add_argument("--jobs", default="1,2,0")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--fluency", action="store_true")
    ap.add_argument("--fluency-stories", type=int, default=20)
    ap.add_argument("--model", default=None, help="e.g. newslm-5m (default: the config's model)")
    ap.add_argument("--long", action="store_true", help="one long single-line document instead")
    ap.add_argument("--sizes", default="1,2.5,5")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mtqa-bench-jobs-") as tmp:
        (bench_long if args.long else bench_jobs)(args, Path(tmp))


if __name__ == "__main__":
    main()
