"""The shared clean news (``../shared/data/corpus/clean``) for calibration and detector training.

Read through ``benchmarks/_clean_news.py`` of a source checkout (the one
definition of the calibration / report split); never copied into the package.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator, Optional

from mtqa.fluency import FluencyError

REPO = Path(__file__).resolve().parents[2]


#: sub-parts of the calibration part: the learned detector trains on 3 of every 4 of its
#: articles, the FLU thresholds are computed on the 4th (never on text the detector saw)
SUBPARTS = ("calibration:detector", "calibration:thresholds")


def clean_articles(data: Optional[Path], part: str) -> Iterator[tuple[str, str]]:
    """(name, text) of the clean articles of ``part`` (calibration | report | all, or a
    :data:`SUBPARTS` name), the sources (Reuters, BBC, AllSides) interleaved so that a prefix
    covers all three."""
    if part in SUBPARTS:
        want = part.split(":")[1]
        for k, art in enumerate(clean_articles(data, "calibration")):
            if ("thresholds" if k % 4 == 3 else "detector") == want:
                yield art
        return
    bench = REPO / "benchmarks"
    if not (bench / "_clean_news.py").is_file():
        raise FluencyError("the shared clean news is read through a source checkout (benchmarks/_clean_news.py); "
                           "use --texts PATH with your own clean news instead")
    sys.path.insert(0, str(bench))
    try:
        from _clean_news import iter_articles  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(bench))
    try:
        arts = list(iter_articles(data, part))
    except OSError as e:
        raise FluencyError(f"cannot read the clean news under {data or '../shared/data'}: {e}") from None
    by_src: dict[str, list[tuple[str, str]]] = {}
    for name, text in arts:
        by_src.setdefault(name.split(":")[0], []).append((name, text))
    queues = list(by_src.values())
    i = 0
    while any(queues):
        for q in queues:
            if i < len(q):
                yield q[i]
        i += 1
        queues = [q for q in queues if i < len(q)]
