"""A 600-word machine-translated article checked with its Russian original, warm: the cost of --source.

    python benchmarks/bench_source_article.py [--words 600] [--repeat 5] [--system Online-B] [--no-fluency]

Builds one article from whole WMT21 ru-en news documents of the report part
(``../shared/data/mt_bitext``, ``_bitext``), in file order, until the English side has
``--words`` words: a system's output as the translation (one paragraph per line, documents
separated by a blank line) and the Russian source laid out the same way.  One Checker (all
rules; the language model unless ``--no-fluency``) checks it once with and once without the
original to warm up (model, lexicon, gazetteer, pymorphy3 loaded), then ``--repeat`` times each,
alternating.  Prints the median and minimum wall time of each and their ratio, and the
findings of each run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bitext import load  # noqa: E402
from _clean_news import DEFAULT_DATA  # noqa: E402
from _parts import bitext_part  # noqa: E402

from mtqa import Checker  # noqa: E402
from mtqa.config import Config  # noqa: E402


def article(data: Path, system: str, words: int) -> tuple[str, str, list[str]]:
    bt = load(data, (system,))
    en, ru, docs, n = [], [], [], 0
    for doc, idx in bt.doc_lines().items():
        if bitext_part(doc) != "report":
            continue
        en.append("\n".join(bt.sides[system][i] for i in idx))
        ru.append("\n".join(bt.src[i] for i in idx))
        docs.append(doc)
        n += sum(len(bt.sides[system][i].split()) for i in idx)
        if n >= words:
            return "\n\n".join(en), "\n\n".join(ru), docs
    raise SystemExit("not enough report-part text")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--system", default="Online-B")
    ap.add_argument("--model", default=None)
    ap.add_argument("--no-fluency", action="store_true")
    a = ap.parse_args(argv)
    en, ru, docs = article(a.data, a.system, a.words)
    checker = Checker(Config(select=["ALL"], fluency=not a.no_fluency, model=a.model))
    runs = {"with the original": lambda: checker.check_text(en, source="article", original=ru, original_lang="ru"),
            "target only": lambda: checker.check_text(en, source="article")}
    found = {k: f() for k, f in runs.items()}  # warm-up
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(a.repeat):
        for k, f in runs.items():
            t0 = time.perf_counter()
            found[k] = f()
            times[k].append(time.perf_counter() - t0)
    print(f"# a {len(en.split())}-word article ({a.system}, {len(docs)} WMT21 report documents) with its "
          f"{len(ru.split())}-word original, warm, {a.repeat} runs each "
          f"({'no model' if a.no_fluency else 'model ' + (a.model or 'default')})")
    print("| run | median s | min s | findings | source-aware |")
    print("|---|---|---|---|---|")
    for k in runs:
        fs = found[k].findings
        src = sum(1 for f in fs if f.code.startswith("SRC") or "p_source" in f.data)
        print(f"| {k} | {statistics.median(times[k]):.2f} | {min(times[k]):.2f} | {len(fs)} | {src} |")
    ratio = statistics.median(times["with the original"]) / statistics.median(times["target only"])
    print(f"with the original / target only: {ratio:.2f}x (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
