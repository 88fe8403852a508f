"""Batch throughput of `mtqa check` over JSON Lines articles, and peak memory.

    python benchmarks/bench_batch.py [--articles 1000] [--scale 10] [--jobs 1,2]
                                     [--fluency-articles 1000] [--data ../shared/data] [--keep]

Builds --articles JSONL articles (and --scale times as many) by recombining
sentences of real news — the ISOT Reuters 2017 sample and BBC News 2004-2005
— into a temporary directory (never into the repository), then runs

    mtqa check ARTICLES.jsonl --format jsonl -o /dev/null --no-fluency --jobs N

for every N in --jobs, on both sizes, and with the fluency model (when the
fluency rules and a model in models/ exist) on --fluency-articles articles
(and on a --scale times smaller set, for memory), each under `/usr/bin/time -v`.  It prints wall time, CPU seconds (user+sys of
mtqa and its worker processes: the machine may be shared, so CPU time is the
steadier figure), articles/s, words/s and peak resident memory — which should
stay flat when the input grows --scale times, because results stream.

If this mtqa's `check` has no --jobs option yet, the runs go through a small
driver that calls mtqa.parallel.check_paths_parallel and the JSONL formatter,
exactly what `check --jobs` does; the table says which was used.  Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")

DRIVER = r'''
import json, os, sys
from mtqa.config import load
from mtqa.formatters import RunSummary, get_formatter
from mtqa.gate import fails
from mtqa.parallel import check_paths_parallel, worker_peak_rss_kib
from mtqa.summary_table import Timer
from mtqa.readers import ReadError, ReadOptions

if __name__ == "__main__":
    path, jobs, fluency = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    cfg = load(None).replace(fluency=fluency)
    timer = Timer()
    summary = RunSummary()
    with open(os.devnull, "w") as out:
        fmt = get_formatter("jsonl")(out)
        fmt.begin()
        for item in check_paths_parallel(cfg, [path], ReadOptions(fields=cfg.fields, max_bytes=cfg.max_bytes), jobs):
            if isinstance(item, ReadError):
                summary.errors += 1
                fmt.error(item)
            else:
                summary.add(item, fails(item, cfg.fail_on))
                fmt.document(item)
        fmt.end(summary)
    print(json.dumps({"documents": summary.documents, "words": summary.words, "findings": summary.findings,
                      "wall": timer.wall, "cpu": timer.cpu, "worker_rss_kib": worker_peak_rss_kib()}),
          file=sys.stderr)
'''


def sentences_from(data: Path) -> tuple[list[str], list[str]]:
    """(headline candidates, body sentences) from the Reuters and BBC articles of the clean news'
    report part."""
    from _clean_news import iter_articles

    heads: list[str] = []
    sents: list[str] = []
    for _, line in iter_articles(data, "report", sources=("isot",)):
        line = re.sub(r"^[A-Z][A-Za-z .,/-]*\((?:Reuters)\) - ", "", line.strip())
        parts = [s.strip() for s in SENT.split(line) if s.strip()]
        if parts:
            heads.append(parts[0])
            sents.extend(parts)
    for _, art in iter_articles(data, "report", sources=("bbc",)):
        lines = [ln.strip() for ln in art.splitlines() if ln.strip()]
        if not lines:
            continue
        heads.append(lines[0])
        for ln in lines:
            sents.extend(s.strip() for s in SENT.split(ln) if s.strip())
    heads = [h for h in heads if 20 <= len(h) <= 160]
    return heads, sents


def build(path: Path, n: int, heads: list[str], sents: list[str], seed: int = 7) -> tuple[int, int]:
    """Write n articles (headline + 4-9 paragraphs of 2-4 sentences); return (bytes, words)."""
    rng = random.Random(seed)
    words = 0
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            paras = []
            for _ in range(rng.randint(4, 9)):
                k = rng.randrange(len(sents))
                paras.append(" ".join(sents[k:k + rng.randint(2, 4)]))
            rec = {"id": f"bench-{i:06d}", "headline": rng.choice(heads), "body": "\n\n".join(paras)}
            words += len(rec["headline"].split()) + len(rec["body"].split())
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path.stat().st_size, words


def has_jobs_option() -> bool:
    r = subprocess.run([sys.executable, "-m", "mtqa", "check", "--help"], capture_output=True, text=True,
                       env={**os.environ, "COLUMNS": "200"})
    return "--jobs" in r.stdout


def fluency_available() -> bool:
    r = subprocess.run([sys.executable, "-m", "mtqa", "rules"], capture_output=True, text=True)
    has_rule = any(line.startswith("FLU") for line in r.stdout.splitlines())
    models = ROOT / "models"
    has_model = models.is_dir() and any(p.is_dir() for p in models.iterdir())
    return has_rule and has_model


def parse_time(stderr: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in stderr.splitlines():
        line = line.strip()
        if line.startswith("Maximum resident set size"):
            out["rss_kib"] = float(line.split(":")[-1])
        elif line.startswith("User time (seconds)"):
            out["user"] = float(line.split(":")[-1])
        elif line.startswith("System time (seconds)"):
            out["sys"] = float(line.split(":")[-1])
        elif line.startswith("Elapsed (wall clock) time"):
            val = line.split("):")[-1].strip() if "):" in line else line.rsplit(" ", 1)[-1]
            secs = 0.0
            for part in val.split(":"):
                secs = secs * 60 + float(part)
            out["wall"] = secs
    return out


def run(path: Path, jobs: int, fluency: bool, use_cli: bool, driver: Path) -> dict:
    if use_cli:
        cmd = [sys.executable, "-m", "mtqa", "check", str(path), "--format", "jsonl", "-o", os.devnull,
               "--jobs", str(jobs), "--fluency" if fluency else "--no-fluency", "--fail-on", "never"]
    else:
        cmd = [sys.executable, str(driver), str(path), str(jobs), "1" if fluency else "0"]
    r = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "HF_HUB_OFFLINE": "1", "NO_COLOR": "1"})
    if r.returncode not in (0, 1):
        raise SystemExit(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-2000:]}")
    stats = parse_time(r.stderr)
    for line in r.stderr.splitlines():
        if line.startswith("{") and '"wall"' in line:
            stats["driver"] = json.loads(line)
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--scale", type=int, default=10, help="the larger input is this many times larger")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--fluency-articles", type=int, default=1000)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    if not (args.data / "corpus" / "clean" / "bbc_news_2004_2005.txt").is_file():
        raise SystemExit(f"no corpus under {args.data} (see README: benchmarks read ../shared/data)")
    if not Path("/usr/bin/time").exists():
        raise SystemExit("/usr/bin/time is missing (Debian: apt-get install time)")
    jobs = [int(j) for j in args.jobs.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="mtqa-bench-batch-"))
    try:
        heads, sents = sentences_from(args.data)
        driver = tmp / "driver.py"
        driver.write_text(DRIVER, encoding="utf-8")
        use_cli = has_jobs_option()
        flu = fluency_available()
        sizes = {args.articles: None, args.articles * args.scale: None}
        small_flu = max(1, args.fluency_articles // args.scale)
        if flu:
            sizes.setdefault(args.fluency_articles, None)
            sizes.setdefault(small_flu, None)
        for n in sizes:
            p = tmp / f"articles-{n}.jsonl"
            sizes[n] = (p, *build(p, n, heads, sents))
        print(f"corpus: clean news, part report: {len(sents):,} sentences recombined; runner: "
              f"{'mtqa check --jobs' if use_cli else 'driver over mtqa.parallel.check_paths_parallel (check has no --jobs yet)'}; "
              f"CPUs available: {len(os.sched_getaffinity(0))}")
        print(f"{'articles':>8} {'MB':>6} {'fluency':>7} {'jobs':>4} {'wall s':>7} {'CPU s':>7} "
              f"{'art/s':>7} {'words/s':>9} {'MB/s':>6} {'peak RSS MiB':>12}")
        plan = [(n, False, j) for n in (args.articles, args.articles * args.scale) for j in jobs]
        if flu:
            plan += [(small_flu, True, jobs[0])] + [(args.fluency_articles, True, j) for j in jobs]
        results = []
        for n, fluency, j in plan:
            path, size, words = sizes[n]
            st = run(path, j, fluency, use_cli, driver)
            wall = st.get("wall", float("nan"))
            cpu = st.get("user", 0.0) + st.get("sys", 0.0)
            rss = st.get("rss_kib", 0.0) / 1024
            d = st.get("driver")
            if d and d.get("worker_rss_kib"):
                rss = max(rss, d["worker_rss_kib"] / 1024)
            results.append((n, fluency, j, wall, cpu, rss))
            print(f"{n:>8,} {size / 1e6:>6.1f} {'yes' if fluency else 'no':>7} {j:>4} {wall:>7.2f} {cpu:>7.2f} "
                  f"{n / wall:>7.1f} {words / wall:>9,.0f} {size / 1e6 / wall:>6.2f} {rss:>12.1f}", flush=True)
        if not flu:
            print("fluency: skipped (no FLU rules registered or no model under models/)")
        checks = [(j, False, args.articles, args.articles * args.scale) for j in jobs]
        if flu:
            checks.append((jobs[0], True, small_flu, args.fluency_articles))
        for j, fluency, lo, hi in checks:
            small = [r for r in results if r[0] == lo and r[1] == fluency and r[2] == j]
            big = [r for r in results if r[0] == hi and r[1] == fluency and r[2] == j]
            if small and big:
                print(f"jobs {j}{' fluency' if fluency else ''}: peak RSS {small[0][5]:.1f} MiB at {lo:,} articles, "
                      f"{big[0][5]:.1f} MiB at {hi:,} ({big[0][5] / small[0][5]:.2f}x for {hi // lo}x input)")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
