"""Findings per 1,000 words, by rule, on clean native English news.

    python benchmarks/clean_news_rates.py [--part report|development|calibration|all] [--fluency] [--select CODES]
                                          [--layout paragraphs|lines] [--max-words N] [--model M]

``--layout lines`` renders every article one sentence per line (mtqa's segmenter, no
blank lines: how MT test sets and many feeds arrive); ``paragraphs`` (default) checks
the articles as stored.  Warnings and errors are counted apart from info findings.

Prints one row per rule: findings of every severity per 1,000 words, and how
many are errors.  The bars: the foundation's rules under 0.2 findings per
1,000 words and no error; the fluency rules (only with ``--fluency``: they
need the model) at most 1 FLU warning per 1,000 words, measured on text the
model was not calibrated on.  ``--part`` defaults to ``report``, the part nothing is
tuned on (``benchmarks/README.md``); a false positive to fix is looked for on
``development``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clean_news import PARTS, iter_articles  # noqa: E402

from mtqa import Checker, Config, Document  # noqa: E402


def render(text: str, layout: str) -> str:
    """The article as stored, or one sentence per line."""
    if layout == "paragraphs":
        return text
    from mtqa.segment import segment

    d = segment(Document(source="", text=text))
    return "\n".join(" ".join(text[s.start:s.end].split()) for s in d.sentences)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--part", default="report", choices=PARTS,
                    help="part of the clean news (benchmarks/README.md); default report")
    ap.add_argument("--fluency", action="store_true", help="run the fluency model (FLU rules)")
    ap.add_argument("--select", default="ALL")
    ap.add_argument("--show", type=int, default=3, help="examples to print per rule")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--layout", default="paragraphs", choices=["paragraphs", "lines"])
    ap.add_argument("--max-words", type=int, default=0, help="stop after about this many words (0: all)")
    ap.add_argument("--model", default=None)
    a = ap.parse_args()
    checker = Checker(Config(select=a.select.split(","), fluency=a.fluency, model=a.model))
    counts: Counter = Counter()
    sev: Counter = Counter()
    examples: dict[str, list[str]] = {}
    words = 0
    n = 0
    t0 = time.perf_counter()
    if a.max_words:  # a sample: the three sources interleaved (Reuters, BBC, AllSides), not Reuters first
        from mtqa.fluency.cleandata import clean_articles

        arts = clean_articles(a.data, a.part)
    else:
        arts = iter_articles(a.data, a.part)
    docs = (Document(source=name, text=render(text, a.layout)) for name, text in arts)
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
        if (a.limit and n >= a.limit) or (a.max_words and words >= a.max_words):
            break
    dt = time.perf_counter() - t0
    print(f"clean news, part {a.part} ({a.layout}): {n} documents, {words:,} words, {dt:.1f} s")
    print(f"{'rule':<8}{'findings':>9}{'per 1k words':>14}{'errors':>8}")
    for code in sorted(counts):
        print(f"{code:<8}{counts[code]:>9}{1000 * counts[code] / max(words, 1):>14.3f}{sev[(code, 'error')]:>8}")
    print(f"{'total':<8}{sum(counts.values()):>9}{1000 * sum(counts.values()) / max(words, 1):>14.3f}")
    warn = sum(v for (c, sv), v in sev.items() if sv in ("warning", "error"))
    flu_warn = sum(v for (c, sv), v in sev.items() if sv in ("warning", "error") and c.startswith("FLU"))
    print(f"warnings + errors: {warn} ({1000 * warn / max(words, 1):.3f} per 1k words); FLU warnings + errors: "
          f"{flu_warn} ({1000 * flu_warn / max(words, 1):.3f} per 1k words); errors: "
          f"{sum(v for (c, sv), v in sev.items() if sv == 'error')}")
    for code, ex in sorted(examples.items()):
        print(f"\n{code}:")
        for e in ex:
            print("   ", " ".join(e.split()))


if __name__ == "__main__":
    main()
