"""Shared loader for the clean English news in ../shared/data/corpus/clean.

Articles are split deterministically into two parts: ``calibration`` (even
article index) and ``report`` (odd index).  Thresholds are fitted on the
calibration part and false-positive rates are reported on the other, never
on the part calibrated on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

DEFAULT_DATA = Path(os.environ.get("MTQA_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))


def clean_dir(data: Path | None = None) -> Path:
    return (data or DEFAULT_DATA) / "corpus" / "clean"


def iter_articles(data: Path | None = None, part: str = "all", sources=("isot", "bbc", "allsides")) -> Iterator[tuple[str, str]]:
    """(name, text) for every clean article; ``part`` is all | calibration | report."""
    d = clean_dir(data)
    idx = 0

    def keep() -> bool:
        return part == "all" or (part == "calibration") == (idx % 2 == 0)

    if "isot" in sources:
        for i, line in enumerate((d / "isot_reuters_2017_partial.txt").read_text(encoding="utf-8").splitlines()):
            if line.strip():
                if keep():
                    yield f"isot:{i}", line.strip()
                idx += 1
    if "bbc" in sources:
        blocks = (d / "bbc_news_2004_2005.txt").read_text(encoding="utf-8").split("\n\n")
        for i, b in enumerate(blocks):
            if b.strip():
                if keep():
                    yield f"bbc:{i}", b.strip()
                idx += 1
    if "allsides" in sources:
        sents = [s for s in (d / "allsides_heldout_sentences.txt").read_text(encoding="utf-8").splitlines() if s.strip()]
        for i in range(0, len(sents), 20):  # 20 held-out sentences per pseudo-article, one per line
            if keep():
                yield f"allsides:{i // 20}", "\n".join(sents[i:i + 20])
            idx += 1
