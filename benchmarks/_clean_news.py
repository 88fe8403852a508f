"""Shared loader for the clean English news in ../shared/data/corpus/clean.

Articles are split deterministically into three parts (``benchmarks/_parts.py``, what
may read each: ``benchmarks/README.md``): ``calibration`` (even article index: the FLU
thresholds and the learned detector), ``development`` (rule and table fixes may read it)
and ``report`` (nothing is tuned on it; every benchmark reports there by default).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _parts import CLEAN_PARTS, clean_part, keep as _keep  # noqa: E402

DEFAULT_DATA = Path(os.environ.get("MTQA_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))


def clean_dir(data: Path | None = None) -> Path:
    return (data or DEFAULT_DATA) / "corpus" / "clean"


PARTS = (*CLEAN_PARTS, "all")


def iter_articles(data: Path | None = None, part: "str | Iterable[str]" = "report",
                  sources=("isot", "bbc", "allsides")) -> Iterator[tuple[str, str]]:
    """(name, text) for every clean article of ``part``: calibration | development | report | all
    (or several parts).  The index that decides the calibration part counts every source, read or not."""
    if isinstance(part, str) and part not in PARTS:
        raise ValueError(f"unknown part {part!r}: one of {', '.join(PARTS)}")
    d = clean_dir(data)
    idx = 0
    sources = tuple(sources)

    def keep() -> bool:
        return _keep(clean_part(name, idx), part)

    for i, line in enumerate((d / "isot_reuters_2017_partial.txt").read_text(encoding="utf-8").splitlines()):
        if line.strip():
            name = f"isot:{i}"
            if "isot" in sources and keep():
                yield name, line.strip()
            idx += 1
    if "bbc" in sources or "allsides" in sources:
        blocks = (d / "bbc_news_2004_2005.txt").read_text(encoding="utf-8").split("\n\n")
        for i, b in enumerate(blocks):
            if b.strip():
                name = f"bbc:{i}"
                if "bbc" in sources and keep():
                    yield name, b.strip()
                idx += 1
    if "allsides" in sources:
        sents = [s for s in (d / "allsides_heldout_sentences.txt").read_text(encoding="utf-8").splitlines() if s.strip()]
        for i in range(0, len(sents), 20):  # 20 held-out sentences per pseudo-article, one per line
            name = f"allsides:{i // 20}"
            if keep():
                yield name, "\n".join(sents[i:i + 20])
            idx += 1
