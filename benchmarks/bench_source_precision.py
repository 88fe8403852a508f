"""Source-aware findings on human translations: the precision set of every check that reads the original.

    python benchmarks/bench_source_precision.py [--part report|development|all] [--layout lines|paragraphs|both]
                                                [--no-fluency] [--show] [--select ALL]

The WMT21 ru-en references A and B (``../shared/data/mt_bitext/wmt21_ru_en``: two professional
translations of the same Russian news) are checked against their source with every rule
(``mtqa.Checker``, the default model unless ``--no-fluency``), in two layouts (``_bitext``):
one document per line with its source line, and one document per news document (lines joined
into a paragraph, both sides) so segmentation and alignment are mtqa's own.

A finding is **source-aware** when its rule reads the original: every SRC finding, and a
NAM004 finding the names decision's ``source`` vector made (``data["p_source"]``).  Printed:
their count, per 10,000 English words, per rule, how many are errors, and (``--show``) each one
with the source words it quotes, to judge by hand (a human reference has typos of its own).
The issue's budget: at most 1 per 10,000 words, zero errors.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bitext import SIDES_REF, documents, load  # noqa: E402
from _clean_news import DEFAULT_DATA  # noqa: E402

from mtqa import Checker  # noqa: E402
from mtqa.config import Config  # noqa: E402
from mtqa.finding import Severity  # noqa: E402


def source_aware(f) -> bool:
    return f.code.startswith("SRC") or (f.code == "NAM004" and "p_source" in f.data)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--part", default="report", choices=["report", "development", "all"])
    ap.add_argument("--layout", default="both", choices=["lines", "paragraphs", "both"])
    ap.add_argument("--select", default="ALL")
    ap.add_argument("--no-fluency", action="store_true")
    ap.add_argument("--model", default=None)
    ap.add_argument("--show", action="store_true", help="print every source-aware finding")
    a = ap.parse_args(argv)
    bt = load(a.data, SIDES_REF)
    checker = Checker(Config(select=a.select.split(","), fluency=not a.no_fluency, model=a.model))
    layouts = ["lines", "paragraphs"] if a.layout == "both" else [a.layout]
    print(f"# source-aware findings on the WMT21 ru-en human references, part {a.part}, --select {a.select} "
          f"({'no model' if a.no_fluency else 'model ' + (a.model or 'default')})")
    print("| layout | words | source-aware findings | per 10,000 words | errors | by rule | all findings per 10,000 |")
    print("|---|---|---|---|---|---|---|")
    shown = []
    for layout in layouts:
        words = n_all = 0
        found = []
        t0 = time.perf_counter()
        for side in SIDES_REF:
            pairs = documents(bt, side, layout, a.part)
            for (key, doc), rep in zip(pairs, checker.check_documents([d for _, d in pairs])):
                words += doc.word_count()
                n_all += len(rep.findings)
                for f in rep.findings:
                    if source_aware(f):
                        found.append((side, key if layout == "lines" else key[0], f))
        by = collections.Counter(f.code for _, _, f in found)
        errors = sum(1 for _, _, f in found if f.severity == Severity.ERROR)
        print(f"| {layout} | {words:,} | {len(found)} | {len(found) / max(1, words) * 1e4:.2f} | {errors} | "
              f"{', '.join(f'{c} {n}' for c, n in sorted(by.items())) or '-'} | {n_all / max(1, words) * 1e4:.1f} |"
              f"  <!-- {time.perf_counter() - t0:.0f} s -->")
        shown += [(layout, *x) for x in found]
    if a.show:
        print()
        for layout, side, key, f in shown:
            extra = f.data.get("source") or f.data.get("formula") or ""
            print(f"- {layout} ref {side} {key}: {f.code} {f.severity} '{f.text[:60]}' → {f.suggestion!r}: "
                  f"{f.message[:160]} {('[' + str(extra) + ']') if extra else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
