"""Train the MQM sentence score (:mod:`mtqa.fluency.mqm_score`) from expert annotations.

    python -m mtqa.fluency.mqm_train [--data ../shared/data] [--cache lmwork/mqm] [--design NAME] [--out PATH]

1. **Data**: the WMT23 zh-en MQM annotations (``../shared/data/mqm``), the *development*
   documents only (``benchmarks/_parts.py``, by document; the report documents are never
   read here).  Each system output's expert score as ``benchmarks/_mqm.py`` computes it.
2. **Features**: each output split into sentences by mtqa's segmenter and scored exactly as
   ``mtqa check`` scores a sentence (:class:`~mtqa.fluency.scorer.FluencyScorer`, default model
   and its learned detector), keeping every sentence's named features
   (:func:`~mtqa.fluency.mqm_score.sentence_features`); cached per MQM document under ``--cache``
   (``.npz``, no pickle), so an interrupted run resumes.  An output of several sentences is the
   word-weighted mean of its sentences' features.
3. **Target**: an expert penalty per word (minus an MQM score over the output's words), so the
   model learns how dense the errors are, not how long the output is: the whole penalty, or
   that of the error categories visible in the English alone (:func:`designs`).  Rows are
   centred within their segment (every system's output of one source sentence) before fitting:
   the score is judged by how it orders translations of the same source, and what the segments
   share (their difficulty, their names) is no signal for that.
4. **Model**: each design of :func:`designs` (ridge or a pairwise linear ranker, over a few
   feature sets) at each L2 strength of :data:`ALPHAS` is judged twice by grouped Kendall tau:
   in a cross-validation over the WMT23 development documents (:data:`FOLDS` folds by
   document), and, fitted on all of them, on the *development* documents of the other MQM set
   (WMT21 TED zh-en: spoken domain, other systems and raters).  The mean of the two chooses;
   among the pairs within :data:`TIE` of the best, the one with the fewest inputs wins (the
   WMT23 cross-validation alone chose designs that did not carry over: models/smollm2-135m/
   README.md).  It is refitted on all WMT23 development documents and written as JSON.
   Deterministic: closed-form and Newton fits, no sampling, no random initialisation.

Measured figures and the commands: ``models/smollm2-135m/README.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data"
#: the pooled vectors cached (mtqa.fluency.mqm_score.pooled_vectors)
VECTORS = ("dethid_mean", "dethid_max", "state_mean", "state_last")


def bench_modules():
    """``benchmarks/_mqm.py`` and ``_parts.py`` of the source checkout (the one definition of the parts)."""
    bench = REPO / "benchmarks"
    if not (bench / "_mqm.py").is_file():
        raise SystemExit("mtqa.fluency.mqm_train reads the shared MQM data through a source checkout (benchmarks/)")
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    import _mqm  # type: ignore[import-not-found]
    import _parts  # type: ignore[import-not-found]

    return _mqm, _parts


def split_sentences(text: str) -> list[str]:
    """The sentences of one output as ``mtqa check`` segments it."""
    from mtqa.document import Document
    from mtqa.segment import segment

    d = segment(Document(source="mqm", text=text))
    return [text[s.start:s.end] for s in d.sentences]


def scorer_for_features(model: str | None = None):
    """The check path's scorer (default model, its detector), keeping each sentence's MQM features."""
    from mtqa.config import Config
    from mtqa.fluency.scorer import FluencyScorer

    sc = FluencyScorer.from_config(Config(model=model, device="cpu"))
    if sc.detector is None:
        raise SystemExit(f"{sc.model_name} has no learned detector: the MQM features read its outputs")
    sc.keep_mqm_features = True
    return sc


#: the cache's layout: raw per-token and per-word arrays (features are computed from them when read,
#: so a change of the features needs no new forward pass)
CACHE_FORMAT = "mtqa-mqm-cache/1"
TOKEN_ARRAYS = ("lp", "entropy", "best", "logits")
WORD_ARRAYS = ("lm", "uni", "det")


def model_key(scorer) -> str:
    from mtqa.fluency.engine import file_sha256

    det = file_sha256(scorer.detector.path) if scorer.detector.path else ""
    raw = json.dumps([scorer.engine.sha256, str(scorer.engine.dtype), det, CACHE_FORMAT])
    return f"{scorer.model_name}-{hashlib.sha256(raw.encode()).hexdigest()[:12]}"


def extract(scorer, outputs, cache: Path, which: str, log=print) -> dict[str, dict[str, Any]]:
    """Sentence text -> its features (``scalars``: dict, ``vectors``: dict of arrays), every sentence
    of every output, computed once per MQM document and cached in ``cache/<model key>/<set>/``."""
    from collections import defaultdict

    root = Path(cache) / model_key(scorer) / which
    root.mkdir(parents=True, exist_ok=True)
    by_doc: dict[str, list[str]] = defaultdict(list)
    for o in outputs:
        by_doc[o.doc].extend(split_sentences(o.text))
    out: dict[str, dict[str, Any]] = {}
    t0, done_tok = time.time(), 0
    for n, (doc, sents) in enumerate(sorted(by_doc.items())):
        uniq = sorted(set(sents))
        p = root / (hashlib.sha256(doc.encode()).hexdigest()[:16] + ".npz")
        loaded = load_cached(p, uniq)
        if loaded is None:
            scores = scorer.score_texts(uniq)
            _save(p, uniq, scores)
            done_tok += sum(s.tokens for s in scores if s is not None)
            el = time.time() - t0
            log(f"  {which} document {n + 1}/{len(by_doc)}: {len(uniq)} sentences; {done_tok:,} tokens in {el:.0f} s "
                f"({done_tok / max(el, 1e-9):.0f} tokens/s)")
            loaded = load_cached(p, uniq)
            assert loaded is not None
        out.update(loaded)
    return out


def _save(p: Path, texts: list[str], scores) -> None:
    """One document's sentences: per-token and per-word arrays concatenated, pooled vectors stacked."""
    ok = [s is not None and s.__dict__.get("_mqm_raw") is not None for s in scores]
    live = [s for s, k in zip(scores, ok) if k]
    arrays: dict[str, np.ndarray] = {"format": np.array(CACHE_FORMAT), "texts": np.array(texts, dtype=str),
                                     "ok": np.array(ok, bool)}
    arrays["n_tokens"] = np.array([len(s.__dict__["_mqm_raw"]["lp"]) for s in live], np.int64)
    arrays["n_words"] = np.array([s.n_words for s in live], np.int64)
    for k in TOKEN_ARRAYS:
        arrays["tok_" + k] = np.concatenate([np.asarray(s.__dict__["_mqm_raw"][k], np.float32) for s in live]
                                            or [np.zeros(0, np.float32)])
    arrays["word_lm"] = np.concatenate([np.asarray(s.lm, np.float64) for s in live] or [np.zeros(0)])
    arrays["word_uni"] = np.concatenate([np.asarray(s.uni, np.float64) for s in live] or [np.zeros(0)])
    arrays["word_det"] = np.concatenate([np.asarray(s.det, np.float64) for s in live] or [np.zeros(0)])
    for v in VECTORS:
        vs = [s.__dict__["_mqm_features"]["vectors"].get(v) for s in live]
        d = next((len(x) for x in vs if x is not None), 0)
        arrays["vec_" + v] = np.array([x if x is not None else np.zeros(d) for x in vs],
                                      np.float32).reshape(len(live), d)
    tmp = p.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(p)


def load_cached(p: Path, texts: list[str] | None = None) -> dict[str, dict[str, Any]] | None:
    """A cached document's sentences and their features (recomputed from the raw arrays by
    :mod:`mtqa.fluency.mqm_score`, exactly as the scorer computes them); None when the file is
    missing, of another format, or holds other sentences than ``texts``."""
    from mtqa.fluency.mqm_score import sentence_features, token_part

    if not p.is_file():
        return None
    try:
        with np.load(p, allow_pickle=False) as z:
            if str(z["format"]) != CACHE_FORMAT:
                return None
            stored = [str(t) for t in z["texts"]]
            if texts is not None and stored != texts:
                return None
            a = {k: z[k] for k in z.files}
    except (OSError, ValueError, KeyError):
        return None
    out = {}
    to = wo = j = 0
    for i, t in enumerate(stored):
        if not a["ok"][i]:
            continue
        nt, nw = int(a["n_tokens"][j]), int(a["n_words"][j])
        tok = [a["tok_" + k][to:to + nt] for k in TOKEN_ARRAYS]
        vec = {v: a["vec_" + v][j] for v in VECTORS if a["vec_" + v].shape[1]}
        part = token_part(*tok, vec)
        out[t] = sentence_features(part, a["word_lm"][wo:wo + nw], a["word_uni"][wo:wo + nw], a["word_det"][wo:wo + nw])
        to, wo, j = to + nt, wo + nw, j + 1
    return out


def output_features(outputs, feats: dict[str, dict[str, Any]]) -> list[dict[str, Any] | None]:
    """Per output, its sentences' features word-weighted (``scalars`` and ``vectors``: the fitting
    rows, so a linear model's prediction is the word-weighted mean of its sentences', as the
    benchmark aggregates them); ``words``: the output's words; ``sentences`` and ``weights``: each
    sentence's features and its share of the words — None for an output with no scored sentence."""
    res: list[dict[str, Any] | None] = []
    for o in outputs:
        parts = [feats[s] for s in split_sentences(o.text) if s in feats]
        if not parts:
            res.append(None)
            continue
        w = np.array([p["scalars"]["n_words"] for p in parts], np.float64)
        w = w / w.sum()
        names = parts[0]["scalars"].keys()
        sc = {k: float(sum(wi * p["scalars"][k] for wi, p in zip(w, parts))) for k in names}
        nw = sum(p["scalars"]["n_words"] for p in parts)
        vec = {v: sum(wi * p["vectors"][v] for wi, p in zip(w, parts)) for v in parts[0]["vectors"]}
        res.append({"scalars": sc, "vectors": vec, "words": nw, "sentences": parts, "weights": w})
    return res


# ---------------------------------------------------------------------------------------------------------
# designs

#: LM statistics pooled over the sentence's tokens and words (no detector)
STATS = ["surprisal_mean", "surprisal_max", "surprisal_std", "surprisal_top3", "entropy_mean", "entropy_max",
         "gap_mean", "gap_max", "gap_top3", "sbe_mean", "sbe_max", "sbe_top3", "lp_below4", "lp_below8",
         "slor", "wordscore_min", "wordscore_std"]
#: the learned detector's logits pooled (max, mean, top-3, log-sum-exp, shares above cut-offs)
DETECTOR = ["tok_logit_max", "tok_logit_mean", "tok_logit_top3", "tok_logit_std", "tok_logit_lse",
            "tok_logit_sigmoid_mean", "tok_logit_soft0", "tok_logit_soft2", "tok_logit_soft4",
            "tok_logit_above-2", "tok_logit_above0", "tok_logit_above1", "tok_logit_above2", "tok_logit_above3",
            "tok_logit_above4", "word_logit_max", "word_logit_mean", "word_logit_top3", "word_logit_soft0",
            "word_logit_soft2", "word_logit_soft4", "word_logit_above0", "word_logit_above1", "word_logit_above2",
            "word_logit_above3", "word_logit_above4"]
#: the length, as the model may use it (the target is already per word)
LENGTH = ["log_words", "inv_words", "tokens_per_word"]
SCALARS = STATS + DETECTOR + LENGTH
#: a handful: SLOR and its spread, the detector's logits pooled five ways
COMPACT = ["slor", "wordscore_min", "wordscore_std", "tok_logit_soft0", "tok_logit_mean", "tok_logit_sigmoid_mean",
           "word_logit_top3", "word_logit_max"]
ALPHAS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
FOLDS = 4
#: (design, alpha) pairs whose selection figure is within this of the best count as equal: the one
#: with the fewest inputs is shipped
TIE = 0.005


def designs() -> dict[str, dict[str, Any]]:
    """The candidate designs.

    Targets: ``all`` is the expert penalty (minus the MQM score) per word of the output; ``visible``
    the same over the error categories a reader of the English alone can see or see traces of
    (``_mqm.VISIBLE``: fluency, style, mistranslation, terminology, locale conventions; not
    omissions and additions, which need the source and go with length); ``total`` the whole
    penalty, not divided by the length (which is then a feature: the length-aware alternative).

    * ``ridge``: ridge regression on standardised features, fitted on segment-centred rows (the
      differences between translations of one source, which is what the grouped tau judges);
    * ``pairwise``: a linear scorer fitted on within-segment pairs (L2 logistic loss on which of two
      outputs the experts prefer: the size of the penalty gap does not count), then scaled onto the
      target by least squares.
    Inputs: ``SCALARS`` (LM statistics, the detector's logits pooled, the length), ``STATS +
    DETECTOR`` (the same without length features), ``COMPACT`` (8 of them), ``+ dethid`` (the
    detector's 256 hidden units averaged over the sentence's tokens).
    """
    nolen = STATS + DETECTOR
    dethid = nolen + ["dethid_mean[*]"]
    return {
        "ridge-all": {"kind": "ridge", "inputs": SCALARS, "target": "all"},
        "ridge-total": {"kind": "ridge", "inputs": SCALARS + ["n_words"], "target": "total"},
        "pairwise-all": {"kind": "pairwise", "inputs": nolen, "target": "all"},
        "ridge-visible": {"kind": "ridge", "inputs": nolen, "target": "visible"},
        "ridge-visible+length": {"kind": "ridge", "inputs": SCALARS, "target": "visible"},
        "pairwise-visible": {"kind": "pairwise", "inputs": nolen, "target": "visible"},
        "ridge-visible+dethid": {"kind": "ridge", "inputs": dethid, "target": "visible"},
        "pairwise-visible+dethid": {"kind": "pairwise", "inputs": dethid, "target": "visible"},
        "ridge-visible-compact": {"kind": "ridge", "inputs": COMPACT, "target": "visible"},
        "pairwise-visible-compact": {"kind": "pairwise", "inputs": COMPACT, "target": "visible"},
    }


def design_matrix(rows: list[dict[str, Any]], names: Sequence[str]) -> np.ndarray:
    from mtqa.fluency.mqm_score import vectorize

    return np.stack([vectorize(r, names) for r in rows])


def _group_index(groups: Sequence) -> list[np.ndarray]:
    idx: dict[Any, list[int]] = {}
    for i, g in enumerate(groups):
        idx.setdefault(g, []).append(i)
    return [np.array(v) for v in idx.values()]


def centred(X: np.ndarray, groups: Sequence) -> np.ndarray:
    """X minus its segment's mean (row by row)."""
    out = np.array(X, np.float64, copy=True)
    for ii in _group_index(groups):
        out[ii] -= out[ii].mean(0)
    return out


def _standardise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = X.mean(0)
    scale = X.std(0)
    scale[scale < 1e-8] = 1.0
    return mean, scale


def fit(design: dict[str, Any], X: np.ndarray, y: np.ndarray, groups: Sequence, alpha: float) -> dict[str, Any]:
    """One design fitted: ``{"mean", "scale", "layers": [(W, b), ...]}`` predicting ``y``."""
    mean, scale = _standardise(X)
    Z = (X - mean) / scale
    Zc, yc = centred(Z, groups), centred(y[:, None], groups)[:, 0]
    kind = design["kind"]
    if kind == "ridge":
        w = np.linalg.solve(Zc.T @ Zc + alpha * len(y) * np.eye(Z.shape[1]), Zc.T @ yc)
        layers = [(w[None, :], np.array([y.mean() - (Z @ w).mean()]))]
    elif kind == "pairwise":
        w = _pairwise(Z, y, groups, alpha)
        s = Z @ w  # scale and offset onto the target: least squares within segments, then the mean
        sc = centred(s[:, None], groups)[:, 0]
        a = float(sc @ yc / max(sc @ sc, 1e-12))
        layers = [((a * w)[None, :], np.array([y.mean() - a * s.mean()]))]
    else:
        raise ValueError(kind)
    return {"mean": mean, "scale": scale, "layers": layers}


def predict_outputs(model: dict[str, Any], rows, names: Sequence[str], total: bool = False) -> np.ndarray:
    """Each output's prediction as mtqa computes it: per sentence, then word-weighted (a per-word
    target) or summed (``total``)."""
    out = np.zeros(len(rows))
    for k, r in enumerate(rows):
        p = predict(model, design_matrix(r["sentences"], names))
        out[k] = float(p.sum() if total else np.dot(r["weights"], p))
    return out


def predict(model: dict[str, Any], X: np.ndarray) -> np.ndarray:
    z = ((X - model["mean"]) / model["scale"]).T
    for i, (w, b) in enumerate(model["layers"]):
        z = w @ z + b[:, None]
        if i < len(model["layers"]) - 1:
            z = np.maximum(z, 0.0)
    return z[0]


def _pairwise(Z: np.ndarray, y: np.ndarray, groups: Sequence, alpha: float) -> np.ndarray:
    """L2-regularised logistic regression on within-segment pair differences (Newton's method):
    P(i worse than j) = sigmoid(w . (z_i - z_j)) for every pair the experts do not tie."""
    D, t = [], []
    for ii in _group_index(groups):
        for a in range(len(ii)):
            for b in range(a + 1, len(ii)):
                i, j = ii[a], ii[b]
                if y[i] != y[j]:
                    D.append(Z[i] - Z[j])
                    t.append(1.0 if y[i] > y[j] else 0.0)
    Dm, tv = np.array(D), np.array(t)
    w = np.zeros(Z.shape[1])
    lam = alpha * len(tv)
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(Dm @ w)))
        g = Dm.T @ (p - tv) + lam * w
        H = (Dm * (p * (1 - p))[:, None]).T @ Dm + lam * np.eye(len(w))
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def targets(outs, rows, design) -> np.ndarray:
    pen = np.array([-(o.visible if design["target"] == "visible" else o.score) for o in outs], np.float64)
    if design["target"] == "total":
        return pen
    nw = np.array([r["words"] for r in rows], np.float64)
    return pen / np.maximum(nw, 1.0)


def _usable(outs, feats):
    """(rows, outputs) of the outputs with a scored sentence."""
    rows_all = output_features(outs, feats)
    keep = [i for i, r in enumerate(rows_all) if r is not None]
    return [rows_all[i] for i in keep], [outs[i] for i in keep]


def tau(_mqm, outs, penalty: np.ndarray) -> float:
    """Grouped tau of a predicted penalty (higher worse) against the experts."""
    return _mqm.grouped_tau(outs, {o.key: -float(p) for o, p in zip(outs, penalty)})["tau"]


def cross_validate(_mqm, outs, rows, design: dict[str, Any], alpha: float, folds: int = FOLDS) -> float:
    """Grouped tau of out-of-fold predictions; folds by document (sorted ids, round robin)."""
    docs = sorted({o.doc for o in outs})
    fold_of = {d: i % folds for i, d in enumerate(docs)}
    names = expand(design["inputs"], rows)
    X = design_matrix(rows, names)
    y = targets(outs, rows, design)
    groups = [o.group for o in outs]
    pred = np.zeros(len(y))
    for f in range(folds):
        tr = np.array([fold_of[o.doc] != f for o in outs])
        m = fit(design, X[tr], y[tr], [g for g, t in zip(groups, tr) if t], alpha)
        te = np.flatnonzero(~tr)
        pred[te] = predict_outputs(m, [rows[i] for i in te], names, design["target"] == "total")
    return tau(_mqm, outs, pred)


def expand(names: Sequence[str], rows) -> list[str]:
    from mtqa.fluency.mqm_score import expand_names

    sizes = {k: len(v) for k, v in rows[0]["vectors"].items()}
    return expand_names(names, sizes)


def to_json(design_name: str, design: dict[str, Any], names: list[str], model: dict[str, Any],
            meta: dict[str, Any]) -> dict[str, Any]:
    from mtqa.fluency.mqm_score import FEATURE_SPEC, PER_WORDS

    r = lambda a: [round(float(x), 8) for x in np.ravel(a)]  # noqa: E731
    return {"features_spec": FEATURE_SPEC, "inputs": names,
            "input_mean": r(model["mean"]), "input_scale": r(model["scale"]),
            "layers": [{"weight": [r(row) for row in np.atleast_2d(w)], "bias": r(b)} for w, b in model["layers"]],
            "output": ("the expert MQM penalty of the sentence" if design["target"] == "total" else
                       "the expert MQM penalty per word") + f"; mtqa reports minus it per {PER_WORDS} words",
            "meta": {"design": design_name, **meta}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mtqa.fluency.mqm_train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (default ../shared/data)")
    ap.add_argument("--cache", type=Path, default=Path("lmwork/mqm"), help="feature cache (per document, resumable)")
    ap.add_argument("--model", default=None, help="model name or folder (default: smollm2-135m)")
    ap.add_argument("--design", default=None, choices=sorted(designs()),
                    help="cross-validate and fit this design only (default: all, and ship the best)")
    ap.add_argument("--out", type=Path, default=None, help="write here instead of the model's home")
    ap.add_argument("--extract-only", action="store_true")
    a = ap.parse_args(argv)
    _mqm, _ = bench_modules()
    log = lambda m: print(m, flush=True)  # noqa: E731
    t0 = time.time()
    outs = _mqm.outputs(a.data, "wmt23", "development")
    scorer = scorer_for_features(a.model)
    log(f"WMT23 zh-en MQM, part development: {len(outs)} outputs, {len({o.group for o in outs})} segments, "
        f"{len({o.doc for o in outs})} documents; {scorer.model_name} ({scorer.engine.describe()['dtype']})")
    feats = extract(scorer, outs, a.cache, "wmt23", log)
    touts = _mqm.outputs(a.data, "ted", "development")
    tfeats = extract(scorer, touts, a.cache, "ted", log)
    if a.extract_only:
        return 0
    rows, outs = _usable(outs, feats)
    trows, touts = _usable(touts, tfeats)
    log(f"  {len(outs)} outputs with a scored sentence; TED development part: {len(touts)} outputs, "
        f"{len({o.group for o in touts})} segments")
    log(f"  grouped tau: WMT23 cross-validated ({FOLDS} folds by document) / TED (fitted on WMT23) / their mean")
    cv: dict[str, dict[float, tuple[float, float]]] = {}
    for name, d in designs().items():
        if a.design and name != a.design:
            continue
        cv[name] = {}
        names = expand(d["inputs"], rows)
        X, y = design_matrix(rows, names), targets(outs, rows, d)
        for al in ALPHAS:
            m = fit(d, X, y, [o.group for o in outs], al)
            ted = tau(_mqm, touts, predict_outputs(m, trows, names, d["target"] == "total"))
            cv[name][al] = (cross_validate(_mqm, outs, rows, d, al), ted)
        log(f"    {name:<26} " + "  ".join(f"{al:g}: {w:.3f}/{t:.3f}/{(w + t) / 2:.3f}"
                                             for al, (w, t) in cv[name].items()))
    cands = [(n, al, (w + t) / 2) for n, by in cv.items() for al, (w, t) in by.items()
             if designs()[n]["target"] != "total" or a.design]
    top = max(c[2] for c in cands)
    name, alpha, _ = min((c for c in cands if c[2] >= top - TIE),
                         key=lambda c: (len(expand(designs()[c[0]]["inputs"], rows)), -c[2], c[0], c[1]))
    d = designs()[name]
    names = expand(d["inputs"], rows)
    X = design_matrix(rows, names)
    y = targets(outs, rows, d)
    model = fit(d, X, y, [o.group for o in outs], alpha)
    fit_tau = tau(_mqm, outs, predict_outputs(model, rows, names, d["target"] == "total"))
    from mtqa.fluency.engine import file_sha256

    meta = {"model": scorer.model_name, "model_sha256": scorer.engine.sha256,
            "detector_sha256": file_sha256(scorer.detector.path),
            "computed_with": {k: scorer.engine.describe()[k] for k in ("device", "dtype", "forward")},
            "data": "WMT23 zh-en MQM (../shared/data/mqm, Apache-2.0), development documents only "
                    "(benchmarks/_parts.py); no sentence stored here",
            "outputs": len(outs), "segments": len({o.group for o in outs}), "documents": len({o.doc for o in outs}),
            "alpha": alpha, "target": d["target"], "kind": d["kind"],
            "selection": {n: {f"{al:g}": [round(w, 4), round(t, 4)] for al, (w, t) in by.items()}
                          for n, by in cv.items()},
            "selection_columns": "per design and alpha: grouped tau cross-validated on the WMT23 development "
                                 "documents, and on the TED development documents fitted on WMT23",
            "development_tau_fitted": round(fit_tau, 4)}
    spec = to_json(name, d, names, model, meta)
    out = a.out or ((scorer.engine.home or Path(".")) / "mqm_score.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(spec, indent=None, separators=(",", ":")) + "\n", encoding="utf-8")
    w, t = cv[name][alpha]
    log(f"wrote {out}: {name}, alpha {alpha:g}, {len(names)} inputs; WMT23 cross-validated tau {w:.4f}, TED {t:.4f}; "
        f"fitted on all WMT23 development documents {fit_tau:.4f} ({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
