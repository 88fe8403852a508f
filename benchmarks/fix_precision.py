"""What `mtqa fix` would change in clean native news: the measurement behind
``mtqa/data/fix_gate.tsv``.

    python benchmarks/fix_precision.py [--part report|development|calibration|all] [--layout paragraphs|lines] [--show N]

Every edit `mtqa fix` would make to clean copy is a suspect: either the copy had the
slip (a real "White house") or the rule is wrong there.  Prints, per fixable rule,
the edits with the gate (what `mtqa fix` applies) and without it (`--unsafe-fixes`,
down to confidence 0), per 1,000 words; ``--show N`` prints N edits per rule with
their context for review.  Reads ``../shared/data`` (never committed); ``--part``
defaults to ``report`` (``benchmarks/README.md``): a gate is chosen on ``development``
and only confirmed on ``report``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clean_news import PARTS, iter_articles  # noqa: E402
from clean_news_rates import render  # noqa: E402

from mtqa import Checker  # noqa: E402
from mtqa.config import Config  # noqa: E402
from mtqa.document import Document  # noqa: E402
from mtqa.fix import fix_gate, fixable_codes, plan  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=None)
    ap.add_argument("--part", default="report", choices=PARTS)
    ap.add_argument("--layout", default="paragraphs", choices=["paragraphs", "lines"])
    ap.add_argument("--show", type=int, default=0)
    a = ap.parse_args()
    checker = Checker(Config(fluency=False))
    codes = fixable_codes(checker)
    gate = fix_gate()
    gated: Counter = Counter()
    ungated: Counter = Counter()
    shown: dict[str, list[str]] = defaultdict(list)
    words = 0
    t0 = time.perf_counter()
    for name, text in iter_articles(Path(a.data) if a.data else None, part=a.part):
        text = render(text, a.layout)
        rep = checker.check_document(Document(source=name, text=text))
        words += rep.document.word_count()
        for e in plan(rep.findings, codes, 0.0):
            ungated[e.code] += 1
        for e in plan(rep.findings, codes, 0.8, gate):
            gated[e.code] += 1
            if len(shown[e.code]) < a.show:
                ctx = " ".join(text[max(0, e.start - 60):e.end + 40].split())
                shown[e.code].append(f"    {name}: {e.old!r} -> {e.new!r} | …{ctx}…")
    print(f"clean news, part {a.part} ({a.layout}): {words:,} words, {time.perf_counter() - t0:.1f} s")
    print(f"{'rule':8} {'gate':>5} {'fix':>6} {'per 1k':>7} {'unsafe':>7} {'per 1k':>7}")
    for code in sorted(codes):
        g = gate.get(code)
        print(f"{code:8} {('-' if g is None else f'{g:.2f}'):>5} {gated[code]:6d} {gated[code] * 1000 / max(words, 1):7.3f}"
              f" {ungated[code]:7d} {ungated[code] * 1000 / max(words, 1):7.3f}")
    for code, lines in sorted((c, v) for c, v in shown.items() if v):
        print(f"\n{code}:")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
