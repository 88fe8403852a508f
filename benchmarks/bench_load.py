"""Load test: `mtqa check` over up to 100,000 JSONL articles, flat memory.

    python benchmarks/bench_load.py [--sizes 1000,10000,100000] [--fluency-sizes 200,2000]

Articles are generated from the clean news in ../shared/data by
recombination: each article takes a headline-length sentence and 8-14 body
sentences drawn (seeded) from the AllSides held-out sentences, the ISOT
Reuters stories and the BBC paragraphs, so no article repeats another.  The
files go to a temporary directory, never into the repository.  Each size is
run under `/usr/bin/time -v`; the script prints documents/s, MB/s, and peak
RSS, which must stay flat as the input grows (mtqa streams: readers yield
documents, the checker works in batches, `--format jsonl` writes as it goes).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clean_news import iter_articles  # noqa: E402


def sentence_pool(data: Path | None) -> list[str]:
    """Sentences of the clean news' report part: AllSides as stored, Reuters and BBC split."""
    pool = [s for _, t in iter_articles(data, "report", sources=("allsides",)) for s in t.splitlines() if s.strip()]
    for _, text in iter_articles(data, "report", sources=("isot", "bbc")):
        for line in text.splitlines():
            pool.extend(s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", line) if 30 < len(s) < 400)
    return pool


def generate(path: Path, n: int, pool: list[str], seed: int = 0) -> int:
    rng = random.Random(seed)
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            body = " ".join(rng.choice(pool) for _ in range(rng.randint(8, 14)))
            line = json.dumps({"id": i, "headline": rng.choice(pool)[:90], "body": body}, ensure_ascii=False)
            fh.write(line + "\n")
            size += len(line.encode("utf-8")) + 1
    return size


def run(path: Path, fluency: bool) -> dict:
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "mtqa", "check", str(path), "-f", "jsonl", "-o", "/dev/null",
           "--exit-zero"] + ([] if fluency else ["--no-fluency"])
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", r.stderr).group(1))
    sys_t = float(re.search(r"System time \(seconds\): ([\d.]+)", r.stderr).group(1))
    return {"wall": wall, "rss_mb": rss / 1024, "cpu": user + sys_t, "rc": r.returncode}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--fluency-sizes", default="", help="also run with the fluency scorer at these sizes")
    a = ap.parse_args()
    pool = sentence_pool(a.data)
    print(f"sentence pool: {len(pool):,} (clean news, part report)")
    with tempfile.TemporaryDirectory() as tmp:
        for fluency, sizes in ((False, a.sizes), (True, a.fluency_sizes)):
            for n in [int(x) for x in sizes.split(",") if x]:
                p = Path(tmp) / f"load_{n}.jsonl"
                size = generate(p, n, pool)
                r = run(p, fluency)
                print(f"{'fluency' if fluency else 'rules  '} {n:>7,} articles {size / 1e6:7.1f} MB: "
                      f"{n / r['wall']:8.0f} docs/s  {size / 1e6 / r['wall']:5.2f} MB/s wall  "
                      f"{size / 1e6 / r['cpu']:5.2f} MB/s per CPU s  peak RSS {r['rss_mb']:6.0f} MB  (exit {r['rc']})",
                      flush=True)
                p.unlink()


if __name__ == "__main__":
    main()
