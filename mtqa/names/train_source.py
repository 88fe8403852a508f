"""Train the names decision's ``source`` vector on real MT with its original.

    python -m mtqa.names.train_source [--data ../shared/data] [--out mtqa/data/entities/names_decision.json]

The ``source`` vector judges a mention that links to a name of its aligned source sentence
(:mod:`mtqa.names.pipeline`, ``--source``).  Synthetic garbles have no original, so it learns
from real ones:

1. Every line of the ten WMT21 ru-en system outputs, checked with its Russian source line
   (``../shared/data/mt_bitext``), and the two human references of the *development*
   documents (``benchmarks/_parts.py``: the report documents are never read here).
2. A linked mention's candidate is **positive** when the mention is a hand-labelled garble of
   the WMT21 garble set (``../shared/data/mt_garbles``), or one of the references' own typos
   (:data:`REFERENCE_TYPOS`), and the candidate is one of its accepted spellings; every other candidate of it, every candidate of a labelled variant,
   of an unlabelled mention of a system output and of a reference mention is negative.
   Garbles of the set's *report* part (by entity: a form and its spellings, never seen here)
   and any mention spelled like one of them are left out, so the benchmark's report figures
   stay unseen.
3. An L2-regularised logistic regression (the same Newton fit as :mod:`mtqa.names.train`)
   over the no-model features and the source features.
4. Its threshold: the lowest at which the development references' source-linked findings
   stay under :data:`REF_BUDGET` per word (the source-aware checks' whole budget is 1 per
   10,000 words).

Deterministic: no sampling.  Reads the shared data through ``benchmarks/`` of a source
checkout (the one definition of the parts), like :mod:`mtqa.names.train`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: misspelt names in the development references' own text, judged by hand against the Russian
#: source (a human translation has typos too): positives, never false alarms
REFERENCE_TYPOS = {
    "kransodar": "Krasnodar",  # Краснодар
    "chelebinsk": "Chelyabinsk",  # Челябинск
    "nikoloai": "Nikolai",  # Николай
    "roskosmos": "Roscosmos",  # Роскосмос: the agency's own English name
    "roston-on-don": "Rostov-on-Don",  # Ростов-на-Дону
}
#: findings linked to the source allowed on the development references, per word
REF_BUDGET = 0.6 / 10000
L2 = 1.0


def _bench():
    bench = REPO / "benchmarks"
    if not (bench / "_bitext.py").is_file():
        raise SystemExit("mtqa.names.train_source reads the shared data through a source checkout (benchmarks/)")
    sys.path.insert(0, str(bench))
    import _bitext  # type: ignore[import-not-found]
    import _parts  # type: ignore[import-not-found]

    return _bitext, _parts


def corrected(form: str, accepted) -> bool:
    from mtqa.gazetteer.keys import norm

    s = norm(form)
    return any(norm(a) in s or (len(s) >= 4 and s in norm(a)) for a in accepted)


def rows_for(data: Path, log=print):
    """(rows, meta): rows are (vector, label, group id, kind, mention, candidate) of every candidate of every linked
    mention; kind is "garble", "variant", "hyp" (unlabelled system output) or "ref"."""
    from mtqa.gazetteer.keys import norm
    from mtqa.gazetteer.resource import get_gazetteer
    from mtqa.names.decision import default_decision
    from mtqa.names.pipeline import collect
    from mtqa.segment import segment

    _bitext, _parts = _bench()
    bt = _bitext.load(data)
    items = [json.loads(x) for x in (data / "mt_garbles" / "wmt21_ru_en_name_garbles.jsonl").read_text(
        encoding="utf-8").splitlines() if x.strip()]
    parts = _parts.garble_parts(items)
    report_forms = {_parts.fold(s) for it, p in zip(items, parts) if p == "report"
                    for s in (it["text"], *it["correct"])}
    by_line: dict[tuple[str, int], list[tuple[dict, str]]] = {}
    for it, p in zip(items, parts):
        by_line.setdefault((it["system"], it["segment"]), []).append((it, p))
    decision = default_decision()
    decision.collect_source = True  # link mentions even before a source vector exists
    gaz = get_gazetteer()
    rows, meta = [], {"words_ref": 0, "groups": 0, "report_skipped": 0}
    gid = 0
    sides = [(s, "all") for s in _bitext.SYSTEMS] + [(r, "development") for r in _bitext.SIDES_REF]
    t0 = time.time()
    for side, part in sides:
        docs = _bitext.documents(bt, side, "lines", part)
        for a in range(0, len(docs), 64):
            chunk = docs[a:a + 64]
            for _, d in chunk:
                segment(d)
            groups = collect([d for _, d in chunk], gaz, lambda s: False, None, decision)
            for g in groups:
                if g.src is None:
                    continue
                line = chunk[g.doc][0]
                if side in _bitext.SIDES_REF:
                    typo = REFERENCE_TYPOS.get(_parts.fold(g.mention.text))
                    kind, item = ("garble", {"correct": [typo]}) if typo else ("ref", None)
                else:
                    hits = [(it, p) for it, p in by_line.get((side, line), ())
                            if any(s < it["span"][1] and it["span"][0] < e for s, e in g.spans)]
                    if any(p == "report" for _, p in hits) or _parts.fold(g.mention.text) in report_forms:
                        meta["report_skipped"] += 1
                        continue
                    item = hits[0][0] if hits else None
                    kind = item["label"] if item else "hyp"
                gid += 1
                for p, v in zip(g.proposals, g.vectors):
                    y = int(kind == "garble" and corrected(p.form, item["correct"]))
                    if y and any(_parts.fold(w) in report_forms for w in p.form.split()):
                        continue
                    rows.append((v, y, gid, kind, g.mention.text, p.form))
        if side in _bitext.SIDES_REF:
            meta["words_ref"] += sum(len(d.text.split()) for _, d in docs)
        log(f"  {side}: {len(docs)} lines, {len(rows)} candidates so far ({time.time() - t0:.0f} s)", file=sys.stderr)
    meta["groups"] = gid
    return rows, meta


def choose_threshold(rows, w, words_ref: int):
    import numpy as np

    best: dict[int, tuple[float, int, str]] = {}
    for v, y, g, kind, *_ in rows:
        p = float(1 / (1 + np.exp(-np.clip(np.dot(w, v), -40, 40))))
        if g not in best or p > best[g][0]:
            best[g] = (p, y, kind)
    allowed = REF_BUDGET * words_ref
    for thr in [x / 100 for x in range(5, 100)]:
        fp = sum(1 for p, y, k in best.values() if p >= thr and k == "ref")
        if fp <= allowed:
            tp = sum(1 for p, y, k in best.values() if p >= thr and y)
            garbles = sum(1 for p, y, k in best.values() if k == "garble")
            var = sum(1 for p, y, k in best.values() if p >= thr and k == "variant")
            hyp = sum(1 for p, y, k in best.values() if p >= thr and k == "hyp")
            return thr, {"ref_flagged": fp, "garbles_corrected": tp, "garbles_linked": garbles,
                         "variants_flagged": var, "unlabelled_flagged": hyp}
    return 0.99, {}


def main(argv=None) -> int:
    import numpy as np

    from mtqa.names.evidence import FEATURES, LM_FEATURES
    from mtqa.names.train import fit

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "mtqa" / "data" / "entities" / "names_decision.json")
    ap.add_argument("--cache", type=Path, default=None, help="keep the candidates' evidence here (JSON), and reuse it")
    a = ap.parse_args(argv)
    t0 = time.time()
    if a.cache and a.cache.exists():
        rows, meta = json.loads(a.cache.read_text())
    else:
        rows, meta = rows_for(a.data)
        if a.cache:
            a.cache.write_text(json.dumps([rows, meta]))
    X = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=float)
    lm = [FEATURES.index(f) for f in LM_FEATURES]
    X[:, lm] = 0.0
    w = fit(X, y, L2)
    w[lm] = 0.0
    thr, stats = choose_threshold([(list(x), *r[1:]) for x, r in zip(X, rows)], w, meta["words_ref"])
    kinds = {k: sum(1 for r in rows if r[3] == k) for k in ("garble", "variant", "hyp", "ref")}
    print(f"# names decision, source vector: {len(rows)} candidates of {meta['groups']} linked mentions "
          f"({kinds}); {int(y.sum())} right; {meta['report_skipped']} report-part mentions left out")
    print(f"threshold {thr:.2f}: {stats} on {meta['words_ref']} development reference words "
          f"({time.time() - t0:.0f} s)")
    print("weights: " + ", ".join(f"{f} {x:+.2f}" for f, x in zip(FEATURES, w) if x))
    spec = json.loads(a.out.read_text(encoding="utf-8"))
    if spec["features"] != list(FEATURES):
        raise SystemExit(f"{a.out}: trained on other features; retrain with python -m mtqa.names.train first")
    spec["models"]["source"] = {"weights": [round(float(x), 5) for x in w], "threshold": thr}
    spec.setdefault("trained", {})["source"] = {
        "command": "python -m mtqa.names.train_source " + " ".join(argv if argv is not None else sys.argv[1:]),
        "data": "WMT21 ru-en: 10 system outputs (garble set's development entities) + references A/B of the "
                "development documents", "ref_budget_per_word": REF_BUDGET, **stats}
    a.out.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
