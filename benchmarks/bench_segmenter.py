"""Sentence segmenters compared on the seed and on clean news.

    python benchmarks/bench_segmenter.py

Speed: MB/s of mtqa's segmenter vs pysbd (and NLTK punkt if its English
model happens to be installed).  Agreement: on the AllSides held-out file
(one gold sentence per line, 5-60 words) each segmenter must return exactly
the gold sentence when given the paragraph of 20 consecutive lines joined by
spaces; the share of gold sentences recovered exactly is printed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _clean_news import iter_articles  # noqa: E402

from mtqa.segment import split_sentences  # noqa: E402


def ours(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text, 0, len(text))]


def main() -> None:
    # the AllSides held-out sentences of the report part (one per line: the gold segmentation)
    gold = [s for _, t in iter_articles(part="report", sources=("allsides",)) for s in t.splitlines() if s.strip()][:20000]
    print(f"# gold: clean news, part report, {len(gold):,} AllSides sentences")
    paras = [" ".join(gold[i:i + 20]) for i in range(0, len(gold), 20)]
    segs = {"mtqa": ours}
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False)
        segs["pysbd"] = lambda t: [s.strip() for s in seg.segment(t)]
    except ImportError:
        print("pysbd not installed (pip install pysbd)")
    try:
        import nltk

        nltk.data.find("tokenizers/punkt_tab/english")
        segs["nltk-punkt"] = nltk.sent_tokenize
    except Exception:  # noqa: BLE001
        print("nltk punkt: English model not installed (it is a download from NLTK's data server) — skipped")
    gold_set = [set(gold[i:i + 20]) for i in range(0, len(gold), 20)]
    nbytes = sum(len(p.encode()) for p in paras)
    seed = (ROOT / "seeds" / "000_5614c2f1ef2c2b4d.txt").read_text(encoding="utf-8")
    for name, fn in segs.items():
        sample = paras if name != "pysbd" else paras[:200]
        t = time.perf_counter()
        out = [fn(p) for p in sample]
        dt = time.perf_counter() - t
        mb = sum(len(p.encode()) for p in sample) / 1e6
        hit = sum(len(set(o) & g) for o, g in zip(out, gold_set))
        total = sum(len(g) for g in gold_set[: len(sample)])
        seed_sents = sum(len(fn(p)) for p in seed.split("\n") if p.strip())
        print(f"{name:<11} {mb / dt:8.2f} MB/s  exact sentences {100 * hit / total:5.1f} % of {total:,}  "
              f"seed: {seed_sents} sentences")
    print(f"(corpus: {len(paras):,} paragraphs, {nbytes / 1e6:.1f} MB; pysbd timed on the first 200)")


if __name__ == "__main__":
    main()
