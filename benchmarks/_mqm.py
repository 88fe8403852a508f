"""The MQM expert annotations (``../shared/data/mqm``): each system output's expert score, and the
grouped Kendall tau a sentence score is judged by.  Read through :func:`_parts.mqm_rows` (the
development / report split by document).

Expert score of an output (``../shared/data/mqm/README.md``): per rater, minus the weighted count of
the errors they marked — Major 5, Minor 1, Minor ``Fluency/Punctuation`` 0.1, ``Non-translation`` 25
(any severity), Neutral and anything else 0 — averaged over the output's raters.  ``HOTW-test`` rows
(the raters' attention checks, whose target may carry an injected error) are left out, text and all.
The output's text is its row's ``target`` with the ``<v>…</v>`` span markers removed and whitespace
runs collapsed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from _parts import mqm_rows

SETS = {"wmt23": "mqm_generalMT2023_zhen.tsv", "ted": "mqm_ted_zhen.tsv"}


@dataclass
class Output:
    doc: str
    seg: str           # the segment (source sentence) id within the set
    system: str
    text: str
    score: float       # the experts' MQM score (<= 0; higher is better)
    raters: int

    @property
    def key(self) -> tuple[str, str, str]:
        return self.doc, self.seg, self.system

    @property
    def group(self) -> tuple[str, str]:
        return self.doc, self.seg


def weight(category: str, severity: str) -> float:
    if category.startswith("Non-translation"):
        return 25.0
    if severity == "Major":
        return 5.0
    if severity == "Minor":
        return 0.1 if category == "Fluency/Punctuation" else 1.0
    return 0.0


def outputs(data: Path, which: str = "wmt23", part: str = "report") -> list[Output]:
    """Every system output of ``part`` with its expert score, sorted by (doc, segment, system)."""
    path = Path(data) / "mqm" / SETS[which]
    pen: dict[tuple, dict[str, float]] = defaultdict(dict)
    text: dict[tuple, str] = {}
    for r in mqm_rows(path, part):
        if r["severity"] == "HOTW-test":
            continue
        doc = r.get("doc") or r["doc_id"]
        seg = r.get("docSegId") or r["seg_id"]
        k = (doc, seg, r["system"])
        text.setdefault(k, " ".join(r["target"].replace("<v>", "").replace("</v>", "").split()))
        by = pen[k]
        by[r["rater"]] = by.get(r["rater"], 0.0) + weight(r["category"], r["severity"])
    return [Output(k[0], k[1], k[2], text[k], -sum(v.values()) / len(v), len(v)) for k, v in sorted(pen.items())]


def grouped_tau(outs: Sequence[Output], cand: Mapping[tuple, float]) -> dict[str, float]:
    """Grouped Kendall tau between a candidate score (higher = better) and the experts'.

    Groups are segments: every pair of two systems' outputs of the same source segment is compared,
    and pairs are pooled over all segments (no per-segment averaging).  ``tau`` (reported) is
    ``(C - D) / (C + D)``: C concordant, D discordant pairs; a pair tied in the expert score or in the
    candidate counts for neither (the "tau-like" variant of the WMT metrics tasks).  Also returned:
    ``tau_b`` (the same pooled counts, ties kept in the denominator: (C - D) / sqrt((N - Tx)(N - Ty))),
    ``pairs`` N and ``expert_ties`` (the share of pairs the experts tie).  A candidate missing for an
    output (None or NaN) drops that output's pairs.
    """
    by: dict[tuple, list[Output]] = defaultdict(list)
    for o in outs:
        by[o.group].append(o)
    C = D = N = Tx = Ty = 0
    for g in by.values():
        vals = [(o.score, cand.get(o.key)) for o in g]
        vals = [(y, x) for y, x in vals if x is not None and math.isfinite(x)]
        for i in range(len(vals)):
            yi, xi = vals[i]
            for j in range(i + 1, len(vals)):
                yj, xj = vals[j]
                N += 1
                dy, dx = yi - yj, xi - xj
                if dy == 0:
                    Ty += 1
                if dx == 0:
                    Tx += 1
                if dy * dx > 0:
                    C += 1
                elif dy * dx < 0:
                    D += 1
    tau = (C - D) / (C + D) if C + D else float("nan")
    den = math.sqrt(max(0, N - Tx) * max(0, N - Ty))
    return {"tau": tau, "tau_b": (C - D) / den if den else float("nan"), "pairs": N,
            "expert_ties": Ty / N if N else float("nan")}
