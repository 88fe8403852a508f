"""Train the names decision (:mod:`mtqa.names.decision`) on synthetic garbles.

    python -m mtqa.names.train [--data ../shared/data] [--seed 13] [--garbled 3000] [--clean 3000]
                               [--model smollm2-135m] [--work DIR] [--out mtqa/data/entities/names_decision.json]

1. Paragraphs of the clean news's *calibration* part (never the report part the
   benchmarks read): ``--garbled`` of them with one real name garbled by the MT-like
   channel of :mod:`mtqa.names.synth`, ``--clean`` untouched (every name in them, and every
   other name of the garbled ones, is a negative: rare real names near famous ones are
   there as they occur in news).
2. The pipeline's own first three steps (:func:`mtqa.names.pipeline.collect`) give every
   (mention, candidate) its evidence; a candidate is positive when it is the name that
   was garbled at that mention.
3. ``rules``: an L2-regularised logistic regression (Newton's method, numpy) without the
   language model's margin.  ``full``: the same with the margin, the model re-reading
   the candidates the ``rules`` vector lets through (the cascade the check runs).
4. Each vector's threshold: the lowest at which the clean paragraphs' false alarms
   stay under a quarter of the budget (1 per 20,000 words), so other news has room.
5. A reliability table (predicted probability against the observed share of right
   candidates) on the groups held out from fitting (one in five, by hash).

Seeded: the same data and seed give the same weights.  Features are cached under
``--work`` (a checkpoint per stage), so a run that stops resumes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
import time
from pathlib import Path

BUDGET_PER_WORD = 1 / 20000
#: share of the budget the training passages may use (the rest is room for text unlike them: at 0.5
#: the development part measured above the budget)
SAFETY = 0.25
L2 = 1.0
HOLDOUT = 5


def _docs(texts):
    from mtqa.document import Document
    from mtqa.segment import segment

    out = []
    for i, t in enumerate(texts):
        d = Document(source=f"synthetic:{i}", text=t)
        segment(d)
        out.append(d)
    return out


def build_corpus(data: Path, part: str, seed: int, n_garbled: int, n_clean: int, min_people: int = 30):
    """(garbled items, clean paragraphs) for ``part``: names from the curated gazetteer and
    Wikidata name words at least ``min_people`` people carry."""
    from mtqa.fluency.cleandata import clean_articles
    from mtqa.gazetteer.resource import get_gazetteer
    from mtqa.names.synth import clean_paragraphs, garbled_paragraphs, name_pairs

    pairs = name_pairs(get_gazetteer().entries, data / "names" / "wd_russian_80", min_people)
    arts = list(clean_articles(data, part))
    garbled = list(garbled_paragraphs(arts, pairs, seed, n_garbled))
    clean = list(clean_paragraphs(arts[::-1], seed, n_clean))
    return garbled, clean


def label_groups(groups, garbled_spans: dict):
    """(vector rows, labels, group ids, target flags) for every proposal of every group."""
    from mtqa.gazetteer.keys import norm

    rows = []
    for gi, g in enumerate(groups):
        target = garbled_spans.get(g.doc)
        hit = target is not None and any(a <= target[0] and target[1] <= b for a, b in g.spans)
        for p, v, m in zip(g.proposals, g.vectors, g.margins):
            ok = hit and any(norm(w) == norm(target[2]) for w in p.form.split())
            rows.append((v, int(ok), gi, int(hit), int(m is not None)))
    return rows


def fit(X, y, l2: float = L2, iters: int = 30):
    import numpy as np

    w = np.zeros(X.shape[1])
    for _ in range(iters):
        z = np.clip(X @ w, -40, 40)
        p = 1 / (1 + np.exp(-z))
        g = X.T @ (p - y) + l2 * w
        H = (X * (p * (1 - p))[:, None]).T @ X + l2 * np.eye(X.shape[1])
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def choose_threshold(rows, w, words: int, with_lm: bool):
    """The lowest threshold whose false alarms stay under the budget's safe share, with the
    share of target groups it corrects there."""
    import numpy as np

    best: dict[int, tuple[float, int, int]] = {}  # group -> (max prob, label of that proposal, target)
    for v, y, gi, t, scored in rows:
        # with the model, a candidate the cascade did not let through is never reported
        p = float(1 / (1 + np.exp(-np.clip(np.dot(w, v), -40, 40)))) if scored or not with_lm else 0.0
        if gi not in best or p > best[gi][0]:
            best[gi] = (p, y, t)
    allowed = BUDGET_PER_WORD * SAFETY * words
    targets = sum(1 for b in best.values() if b[2])
    for thr in [x / 100 for x in range(30, 100)]:
        fp = sum(1 for p, y, t in best.values() if p >= thr and not t)
        if fp <= allowed:
            tp = sum(1 for p, y, t in best.values() if p >= thr and t and y)
            return thr, fp, tp, targets
    return 0.99, None, 0, targets


def reliability(rows, w, holdout_groups, with_lm: bool) -> list[str]:
    import numpy as np

    bins = [[0, 0.0, 0] for _ in range(10)]
    for v, y, gi, _, scored in rows:
        if gi not in holdout_groups or (with_lm and not scored):
            continue
        p = float(1 / (1 + np.exp(-np.clip(np.dot(w, v), -40, 40))))
        b = bins[min(9, int(p * 10))]
        b[0] += 1
        b[1] += p
        b[2] += y
    out = ["| predicted | candidates | mean predicted | observed right |", "|---|---|---|---|"]
    for i, (n, s, k) in enumerate(bins):
        if n:
            out.append(f"| {i / 10:.1f}-{(i + 1) / 10:.1f} | {n} | {s / n:.3f} | {k / n:.3f} |")
    return out


def _collect(docs, engine, decision):
    from mtqa.gazetteer.resource import get_gazetteer
    from mtqa.names.pipeline import collect

    gaz = get_gazetteer()
    groups = []
    for a in range(0, len(docs), 64):
        part = collect(docs[a:a + 64], gaz, lambda s: False, engine=engine, decision=decision)
        for g in part:
            g.doc += a
        groups += part
        print(f"  {min(a + 64, len(docs))}/{len(docs)} documents", file=sys.stderr, flush=True)
    return groups


def main(argv=None) -> int:
    import numpy as np

    from mtqa.names.decision import Decision
    from mtqa.names.evidence import FEATURES, LM_FEATURES

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--garbled", type=int, default=3000)
    ap.add_argument("--clean", type=int, default=3000)
    ap.add_argument("--min-people", type=int, default=3,
                    help="Wikidata name words carried by at least this many people join the garbled names: local "
                         "names too, as in real MT, not only the famous ones the benchmark garbles (30+)")
    ap.add_argument("--lm-garbled", type=int, default=1200, help="of those, re-read by the language model (full vector)")
    ap.add_argument("--lm-clean", type=int, default=1200)
    ap.add_argument("--model", default=None, help="language model for the margins (default: mtqa's default)")
    ap.add_argument("--work", type=Path, default=Path(".names-train"))
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "entities" /
                    "names_decision.json")
    ap.add_argument("--rules-only", action="store_true", help="fit the no-model vector only (keep the full one)")
    a = ap.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    garbled, clean = build_corpus(a.data, "calibration", a.seed, a.garbled, a.clean, a.min_people)
    texts = [g[0] for g in garbled] + clean
    spans = {i: (g[1][0], g[1][1], g[2]) for i, g in enumerate(garbled)}
    docs = _docs(texts)
    words = sum(len(t.split()) for t in texts)
    print(f"# names decision: {len(garbled)} garbled + {len(clean)} clean paragraphs, {words} words "
          f"(calibration part, seed {a.seed})", flush=True)
    lm_idx = [FEATURES.index(f) for f in LM_FEATURES]

    def stage(name, engine, decision):
        path = a.work / f"{name}.json.gz"
        use = list(range(len(docs)))
        if name == "full":  # the language model is slow on a CPU: a share of the paragraphs
            use = list(range(min(a.lm_garbled, len(garbled)))) + \
                [len(garbled) + i for i in range(min(a.lm_clean, len(clean)))]
        n_words = sum(len(texts[i].split()) for i in use)
        if path.exists():
            rows = json.loads(gzip.decompress(path.read_bytes()))
        else:
            groups = _collect([docs[i] for i in use], engine, decision)
            for g in groups:
                g.doc = use[g.doc]
            rows = label_groups(groups, spans)
            path.write_bytes(gzip.compress(json.dumps(rows).encode()))
        X = np.array([r[0] for r in rows], dtype=float)
        y = np.array([r[1] for r in rows], dtype=float)
        gid = np.array([r[2] for r in rows])
        hold = {g for g in set(gid.tolist()) if (g * 2654435761) % 2**32 % HOLDOUT == 0}
        fitmask = np.array([bool(g not in hold and (name == "rules" or r[4])) for g, r in zip(gid.tolist(), rows)], dtype=bool)
        if name == "rules":
            X[:, lm_idx] = 0.0
        w = fit(X[fitmask], y[fitmask])
        if name == "rules":
            w[lm_idx] = 0.0
        rows = [(list(x), *r[1:]) for x, r in zip(X, rows)]
        thr, fp, tp, targets = choose_threshold(rows, w, n_words, name == "full")
        print(f"\n## {name}: {len(rows)} candidates, {int(y.sum())} right ones, {len(set(gid.tolist()))} groups; "
              f"threshold {thr:.2f}: {fp} false alarms on {n_words} words, {tp}/{targets} garbled mentions corrected "
              f"({time.time() - t0:.0f} s)")
        print("\n".join(reliability(rows, w, hold, name == "full")))
        print("weights: " + ", ".join(f"{f} {x:+.2f}" for f, x in zip(FEATURES, w)))
        return [round(float(x), 5) for x in w], thr

    spec = {"features": list(FEATURES), "models": {}, "trained": {
        "command": "python -m mtqa.names.train " + " ".join(argv if argv is not None else sys.argv[1:]),
        "seed": a.seed, "min_people": a.min_people, "garbled": len(garbled), "clean": len(clean), "part": "calibration",
        "budget_per_word": BUDGET_PER_WORD, "safety": SAFETY}}
    if a.rules_only and a.out.exists():
        spec["models"] = json.loads(a.out.read_text())["models"]
    w, thr = stage("rules", None, None)
    spec["models"]["rules"] = {"weights": w, "threshold": thr}
    # the full vector starts from the rules one (the cascade's gate needs a full entry)
    spec["models"].setdefault("full", {"weights": w, "threshold": thr})
    if not a.rules_only:
        from mtqa.fluency import resolve_model
        from mtqa.fluency.engine import get_engine

        engine = get_engine(resolve_model(a.model), "cpu")
        w2, thr2 = stage("full", engine, Decision(spec))
        spec["models"]["full"] = {"weights": w2, "threshold": thr2}
    a.out.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {a.out} ({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
