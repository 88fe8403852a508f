"""Rule-only throughput and CLI start-up time.

    python benchmarks/bench_rules.py [--mb 20] [--data ../shared/data]

Reads real news (the AllSides training file, one paragraph per line, blank
line between articles) up to --mb megabytes, checks every article with all
rules except fluency through the Python API, and prints MB/s and words/s
(the reports are consumed as they stream, as the CLI does; counting each
document's words for the words/s figure is timed apart and subtracted).
Then times `mtqa check --no-fluency` on a small file (start-up), best of 5,
next to `python -c pass` as the interpreter baseline measured in the same run:
with bytecode compiled (as after `pip install`; kept in a private
PYTHONPYCACHEPREFIX folder) and the gazetteer cache warm, and, for reference,
in the environment as it is (where PYTHONDONTWRITEBYTECODE is set and no
.pyc exists, mtqa's modules are compiled from source on every run).
Goals: >= 2 MB/s, start-up < 0.5 s.
"""

from __future__ import annotations

import argparse
import lzma
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mtqa import Checker, Config, Document

ROOT = Path(__file__).resolve().parents[1]


def load_articles(data: Path, mb: float) -> list[str]:
    limit = int(mb * 1_000_000)
    out: list[str] = []
    size = 0
    with lzma.open(data / "corpus" / "train" / "allsides_political_news.txt.xz", "rt", encoding="utf-8") as fh:
        cur: list[str] = []
        for line in fh:
            if line.strip():
                cur.append(line.rstrip("\n"))
                continue
            if cur:
                art = "\n".join(cur)
                out.append(art)
                size += len(art.encode("utf-8"))
                cur = []
                if size >= limit:
                    break
    return out


def best_of(n: int, cmd: list[str], env: "dict | None" = None) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False, env=env)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--mb", type=float, default=20.0)
    a = ap.parse_args()
    arts = load_articles(a.data, a.mb)
    nbytes = sum(len(x.encode("utf-8")) for x in arts)
    checker = Checker(Config(fluency=False))
    list(checker.check_documents(Document(f"w{i}", x) for i, x in enumerate(arts[:20])))  # warm-up: lazy tables
    t = time.perf_counter()
    c = time.process_time()
    words = findings = 0
    count_wall = count_cpu = 0.0
    for rep in checker.check_documents(Document(f"a{i}", x) for i, x in enumerate(arts)):
        # the bench's own bookkeeping (counting words is one more regex pass): timed apart
        w0, c0 = time.perf_counter(), time.process_time()
        words += rep.document.word_count()
        count_wall += time.perf_counter() - w0
        count_cpu += time.process_time() - c0
        findings += len(rep.findings)
    dt = time.perf_counter() - t - count_wall
    cpu = time.process_time() - c - count_cpu
    print(f"rules only, on corpus/train AllSides (no part: a speed figure, the LM's training text): {len(arts):,} articles, {nbytes / 1e6:.1f} MB, {words:,} words in {dt:.2f} s wall, {cpu:.2f} s CPU")
    print(f"  throughput: {nbytes / 1e6 / dt:.2f} MB/s, {words / dt:,.0f} words/s wall-clock  (goal >= 2 MB/s)")
    print(f"  per CPU second (one core, fair when the machine is loaded): {nbytes / 1e6 / cpu:.2f} MB/s, {words / cpu:,.0f} words/s")
    print(f"  load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; counting the words "
          f"(subtracted above) took {count_cpu:.2f} s CPU")
    print(f"  findings: {findings:,} ({1000 * findings / max(words, 1):.2f} per 1,000 words)")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write(arts[0][:3000])
        small = fh.name
    try:
        mtqa = [sys.executable, "-m", "mtqa", "check", small, "--no-fluency", "--exit-zero"]
        base = best_of(5, [sys.executable, "-c", "pass"])
        with tempfile.TemporaryDirectory() as pyc:
            # as installed: bytecode compiled once (pip does it at install time); written to a
            # private folder, so the check-out is left alone whatever PYTHONDONTWRITEBYTECODE says
            warm = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            warm["PYTHONPYCACHEPREFIX"] = pyc
            subprocess.run(mtqa, capture_output=True, check=False, env=warm)  # writes bytecode and the gazetteer cache
            start = best_of(5, mtqa, env=warm)
        # the environment as it is (here PYTHONDONTWRITEBYTECODE may leave mtqa's own modules
        # to be compiled from source on every run)
        start_env = best_of(3, mtqa)
        print(f"start-up: `mtqa check --no-fluency` on a 3 kB file: {start:.3f} s (best of 5, bytecode compiled as "
              f"after pip install, gazetteer cache warm; goal < 0.5 s); bare interpreter {base:.3f} s; mtqa's own "
              f"share {start - base:.3f} s")
        print(f"  in this shell's environment as it is (PYTHONDONTWRITEBYTECODE="
              f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}): {start_env:.3f} s")
        out = subprocess.run([sys.executable, "-X", "importtime", "-m", "mtqa", "check", small, "--no-fluency",
                              "--exit-zero"], capture_output=True, text=True)
        heavy = [m for m in ("torch", "transformers") if f" {m}\n" in out.stderr or f"| {m}\n" in out.stderr]
        print(f"  heavy modules imported on a rules-only run: {heavy or 'none'}")
    finally:
        os.unlink(small)


if __name__ == "__main__":
    main()
