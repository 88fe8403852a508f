"""Findings per 1,000 words, by rule, on clean native English news.

    python benchmarks/clean_news_rates.py [--part all|calibration|report] [--fluency] [--select CODES]

Prints one row per rule: findings of every severity per 1,000 words, and how
many are errors.  The bars: the foundation's rules under 0.2 findings per
1,000 words and no error; the fluency rules (only with ``--fluency``: they
need the model) at most 1 FLU warning per 1,000 words, measured on text the
model was not calibrated on.  So ``--part`` defaults to ``report`` (the
held-out half, see ``_clean_news.py``) with ``--fluency`` and to ``all``
without it (no rule but the FLU ones is calibrated on this data).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clean_news import iter_articles  # noqa: E402

from mtqa import Checker, Config, Document  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--part", default=None, choices=["all", "calibration", "report"],
                    help="default: report with --fluency (held out from calibration), else all")
    ap.add_argument("--fluency", action="store_true", help="run the fluency model (FLU rules)")
    ap.add_argument("--select", default="ALL")
    ap.add_argument("--show", type=int, default=3, help="examples to print per rule")
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    if a.part is None:
        a.part = "report" if a.fluency else "all"
    checker = Checker(Config(select=a.select.split(","), fluency=a.fluency))
    counts: Counter = Counter()
    sev: Counter = Counter()
    examples: dict[str, list[str]] = {}
    words = 0
    n = 0
    t0 = time.perf_counter()
    docs = (Document(source=name, text=text) for name, text in iter_articles(a.data, a.part))
    for rep in checker.check_documents(docs):
        n += 1
        words += rep.document.word_count()
        for f in rep.findings:
            counts[f.code] += 1
            sev[(f.code, str(f.severity))] += 1
            ex = examples.setdefault(f.code, [])
            if len(ex) < a.show:
                t = rep.document.text
                ex.append(f"{rep.source}: …{t[max(0, f.start - 40):f.start]}[{f.text}]{t[f.end:f.end + 40]}… → {f.suggestion}")
        if a.limit and n >= a.limit:
            break
    dt = time.perf_counter() - t0
    print(f"clean news ({a.part}): {n} documents, {words:,} words, {dt:.1f} s")
    print(f"{'rule':<8}{'findings':>9}{'per 1k words':>14}{'errors':>8}")
    for code in sorted(counts):
        print(f"{code:<8}{counts[code]:>9}{1000 * counts[code] / max(words, 1):>14.3f}{sev[(code, 'error')]:>8}")
    print(f"{'total':<8}{sum(counts.values()):>9}{1000 * sum(counts.values()) / max(words, 1):>14.3f}")
    for code, ex in sorted(examples.items()):
        print(f"\n{code}:")
        for e in ex:
            print("   ", " ".join(e.split()))


if __name__ == "__main__":
    main()
