"""A 600-word article's full check, warm: with and without name verification (NAM004).

    python benchmarks/bench_article.py [--words 600] [--repeat 5] [--model smollm2-135m]

Takes the first clean-news article of the report part with at least ``--words`` words
(``../shared/data/corpus/clean``), cut to that many words at a sentence end, and puts three
real kinds of MT name garble into it (a romanized Russian spelling of a foreign name, a
case ending, a document-level variant) so that NAM004 has suspects to verify.  One Checker
(all rules, the language model) checks it once to warm up (model, lexicon and gazetteer
loaded), then ``--repeat`` times; the same with ``--ignore NAM004`` in the same run.
Prints the median and minimum wall time of each and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clean_news import iter_articles  # noqa: E402

from mtqa import Checker  # noqa: E402
from mtqa.config import Config  # noqa: E402

GARBLES = ("Polish midfielder Grzegorz Krykhovyak scored for Lokomotiv in the second half.",
           "The governor of Khabarovsk, Sergei Furgal, was arrested; supporters of Furgala marched on Saturday.",
           "Sailors from the naval base at Kronshtadt took part in the parade.")


def article(words: int) -> str:
    for _, text in iter_articles(part="report", sources=("isot",)):
        if len(text.split()) >= words:
            cut = text.split()[:words]
            t = " ".join(cut)
            end = max(t.rfind(". "), t.rfind("."))
            return t[: end + 1] + " " + " ".join(GARBLES)
    raise SystemExit("no article long enough")


def timed(checker: Checker, text: str, repeat: int) -> tuple[list[float], int]:
    checker.check_text(text, source="warm-up")
    times = []
    n = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        rep = checker.check_text(text, source="article")
        times.append(time.perf_counter() - t0)
        n = len(rep.findings)
    return times, n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--model", default=None)
    args = ap.parse_args(argv)
    text = article(args.words)
    print(f"# article: clean news, part report (the first Reuters article long enough): {len(text.split())} words, "
          f"{len(text)} characters")
    with_v, n_with = timed(Checker(Config(model=args.model)), text, args.repeat)
    without, n_without = timed(Checker(Config(model=args.model, ignore=["NAM004"])), text, args.repeat)
    rows = (("all rules + model, NAM004 on", with_v, n_with), ("all rules + model, --ignore NAM004", without, n_without))
    print("| check | median | min | findings |")
    print("|---|---|---|---|")
    for name, ts, n in rows:
        print(f"| {name} | {statistics.median(ts):.2f} s | {min(ts):.2f} s | {n} |")
    print(f"verification costs x{statistics.median(with_v) / statistics.median(without):.2f} of the check without it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
