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
from typing import Callable, Mapping, Sequence

from _parts import mqm_rows

SETS = {"wmt23": "mqm_generalMT2023_zhen.tsv", "ted": "mqm_ted_zhen.tsv"}
#: the error categories a reader of the English alone can see (or see traces of): fluency, style,
#: mistranslation (often nonsense in English), terminology, locale conventions — not omissions,
#: additions, source issues, which need the source (``Output.visible``)
VISIBLE = ("Fluency", "Style", "Accuracy/Mistranslation", "Terminology", "Locale convention")


@dataclass
class Output:
    doc: str
    seg: str           # the segment (source sentence) id within the set
    system: str
    text: str
    score: float       # the experts' MQM score (<= 0; higher is better)
    raters: int
    visible: float = 0.0  # the same over the :data:`VISIBLE` categories only

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
    vis: dict[tuple, dict[str, float]] = defaultdict(dict)
    text: dict[tuple, str] = {}
    for r in mqm_rows(path, part):
        if r["severity"] == "HOTW-test":
            continue
        doc = r.get("doc") or r["doc_id"]
        seg = r.get("docSegId") or r["seg_id"]
        k = (doc, seg, r["system"])
        text.setdefault(k, " ".join(r["target"].replace("<v>", "").replace("</v>", "").split()))
        w = weight(r["category"], r["severity"])
        by, vb = pen[k], vis[k]
        by[r["rater"]] = by.get(r["rater"], 0.0) + w
        vb[r["rater"]] = vb.get(r["rater"], 0.0) + (w if r["category"].startswith(VISIBLE) else 0.0)
    return [Output(k[0], k[1], k[2], text[k], -sum(v.values()) / len(v), len(v), -sum(vis[k].values()) / len(v))
            for k, v in sorted(pen.items())]


def similar_length(a: Output, b: Output, within: float = 0.1) -> bool:
    """Whether two outputs' lengths in words differ by at most ``within`` of the longer one."""
    la, lb = len(a.text.split()), len(b.text.split())
    return abs(la - lb) <= within * max(la, lb)


def grouped_tau(outs: Sequence[Output], cand: Mapping[tuple, float],
                pair_ok: Callable[[Output, Output], bool] | None = None) -> dict[str, float]:
    """Grouped Kendall tau between a candidate score (higher = better) and the experts'.

    Groups are segments: every pair of two systems' outputs of the same source segment is compared,
    and pairs are pooled over all segments (no per-segment averaging).  ``tau`` (reported) is
    ``(C - D) / (C + D)``: C concordant, D discordant pairs; a pair tied in the expert score or in the
    candidate counts for neither (the "tau-like" variant of the WMT metrics tasks).  Also returned:
    ``tau_b`` (the same pooled counts, ties kept in the denominator: (C - D) / sqrt((N - Tx)(N - Ty))),
    ``pairs`` N and ``expert_ties`` (the share of pairs the experts tie).  A candidate missing for an
    output (None or NaN) drops that output's pairs; ``pair_ok`` keeps only the pairs it accepts
    (e.g. :func:`similar_length`: a score that merely prefers longer outputs gains nothing there).
    """
    by: dict[tuple, list[Output]] = defaultdict(list)
    for o in outs:
        by[o.group].append(o)
    C = D = N = Tx = Ty = 0
    for g in by.values():
        vals = [(o.score, cand.get(o.key), o) for o in g]
        vals = [(y, x, o) for y, x, o in vals if x is not None and math.isfinite(x)]
        for i in range(len(vals)):
            yi, xi, oi = vals[i]
            for j in range(i + 1, len(vals)):
                yj, xj, oj = vals[j]
                if pair_ok is not None and not pair_ok(oi, oj):
                    continue
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
