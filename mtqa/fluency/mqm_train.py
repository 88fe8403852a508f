"""Train the MQM sentence score (:mod:`mtqa.fluency.mqm_score`) from expert annotations.

    python -m mtqa.fluency.mqm_train [--data ../shared/data] [--cache lmwork/mqm] [--out models/smollm2-135m/mqm_score.json]

1. **Data**: the WMT23 zh-en MQM annotations (``../shared/data/mqm``), the *development*
   documents only (``benchmarks/_parts.py``, by document; the report documents are never
   read here).  Each system output's expert score as ``benchmarks/_mqm.py`` computes it.
2. **Features**: each output split into sentences by mtqa's segmenter and scored exactly as
   ``mtqa check`` scores a sentence (:class:`~mtqa.fluency.scorer.FluencyScorer`, default model
   and its learned detector), keeping every sentence's named features
   (:func:`~mtqa.fluency.mqm_score.sentence_features`); cached per MQM document under ``--cache``
   (``.npz``, no pickle), so an interrupted run resumes.  An output of several sentences is the
   word-weighted mean of its sentences' features.
3. **Target**: the expert penalty per word (minus the MQM score over the output's words), so the
   model learns how dense the errors are, not how long the output is.  Rows are centred within
   their segment (every system's output of one source sentence) before fitting: the score is
   judged by how it orders translations of the same source, and what the segments share (their
   difficulty, their names) is no signal for that.
4. **Model**: ridge regression on standardised features; the penalty and the feature set are
   chosen by grouped Kendall tau in a leave-documents-out cross-validation on the development
   documents (folds by document; deterministic, no sampling).  Writes JSON.
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
VECTOR_SIZES = {"dethid_mean": 0, "dethid_max": 0, "state_mean": 0, "state_last": 0}


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


def model_key(scorer) -> str:
    from mtqa.fluency.engine import file_sha256
    from mtqa.fluency.mqm_score import FEATURE_SPEC

    det = file_sha256(scorer.detector.path) if scorer.detector.path else ""
    raw = json.dumps([scorer.engine.sha256, str(scorer.engine.dtype), det, FEATURE_SPEC])
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
    t0, done_tok, todo = time.time(), 0, 0
    for n, (doc, sents) in enumerate(sorted(by_doc.items())):
        uniq = sorted(set(sents))
        p = root / (hashlib.sha256(doc.encode()).hexdigest()[:16] + ".npz")
        loaded = _load(p, uniq)
        if loaded is None:
            todo += 1
            scores = scorer.score_texts(uniq)
            feats = [None if s is None else s.__dict__.get("_mqm_features") for s in scores]
            _save(p, uniq, feats, scores)
            done_tok += sum(s.tokens for s in scores if s is not None)
            el = time.time() - t0
            log(f"  {which} document {n + 1}/{len(by_doc)}: {len(uniq)} sentences; {done_tok:,} tokens in {el:.0f} s "
                f"({done_tok / max(el, 1e-9):.0f} tokens/s)")
            loaded = _load(p, uniq)
        out.update(loaded)
    return out


def _save(p: Path, texts: list[str], feats: list, scores) -> None:
    ok = [f is not None for f in feats]
    names = sorted(next(f for f in feats if f is not None)["scalars"]) if any(ok) else []
    arrays: dict[str, np.ndarray] = {
        "texts": np.array(texts, dtype=str), "ok": np.array(ok),
        "scalar_names": np.array(names, dtype=str),
        "scalars": np.array([[f["scalars"][k] for k in names] if f else [0.0] * len(names) for f in feats],
                            np.float64).reshape(len(texts), len(names)),
    }
    for v in VECTOR_SIZES:
        d = next((len(f["vectors"][v]) for f in feats if f is not None and v in f["vectors"]), 0)
        arrays["vec_" + v] = np.array([f["vectors"][v] if f is not None and v in f["vectors"] else np.zeros(d)
                                       for f in feats], np.float32).reshape(len(texts), d)
    tmp = p.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(p)


def _load(p: Path, texts: list[str]) -> dict[str, dict[str, Any]] | None:
    if not p.is_file():
        return None
    try:
        with np.load(p, allow_pickle=False) as z:
            if list(z["texts"]) != texts:
                return None
            names = [str(x) for x in z["scalar_names"]]
            sc, ok = z["scalars"], z["ok"]
            vecs = {v: z["vec_" + v] for v in VECTOR_SIZES}
    except (OSError, ValueError, KeyError):
        return None
    out = {}
    for i, t in enumerate(texts):
        if ok[i]:
            out[t] = {"scalars": dict(zip(names, sc[i].tolist())), "vectors": {v: a[i] for v, a in vecs.items()}}
    return out


def output_features(outputs, feats: dict[str, dict[str, Any]]) -> list[dict[str, Any] | None]:
    """Per output, its sentences' features word-weighted (``scalars`` and ``vectors`` averaged;
    ``n_words`` etc. recomputed for the whole output; ``sentences``: each sentence's features and
    words) — None for an output with no scored sentence."""
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
        sc.update(n_words=nw, log_words=float(np.log(max(1, nw))), inv_words=1.0 / max(1, nw),
                  n_tokens=sum(p["scalars"]["n_tokens"] for p in parts),
                  word_logit_max=max(p["scalars"]["word_logit_max"] for p in parts))
        vec = {v: sum(wi * p["vectors"][v] for wi, p in zip(w, parts)) for v in parts[0]["vectors"]}
        res.append({"scalars": sc, "vectors": vec, "sentences": parts, "weights": w})
    return res


# ---------------------------------------------------------------------------------------------------------
# fitting

#: the scalar features of the shipped model's candidates (see :func:`candidate_sets`)
STATS = ["surprisal_mean", "surprisal_max", "surprisal_std", "surprisal_top3", "entropy_mean", "entropy_max",
         "gap_mean", "gap_max", "gap_top3", "sbe_mean", "sbe_max", "sbe_top3", "lp_below4", "lp_below8",
         "slor", "wordscore_min", "wordscore_std"]
DETECTOR = ["tok_logit_max", "tok_logit_mean", "tok_logit_top3", "tok_logit_std", "tok_logit_lse",
            "tok_logit_sigmoid_mean", "word_logit_max", "word_logit_mean", "word_logit_top3",
            "tok_logit_above-4", "tok_logit_above-2", "tok_logit_above0", "tok_logit_above2",
            "word_logit_above-2", "word_logit_above0"]
LENGTH = ["log_words", "inv_words", "tokens_per_word"]


def candidate_sets() -> dict[str, list[str]]:
    return {
        "stats+detector+length": STATS + DETECTOR + LENGTH,
        "+detector hidden (mean)": STATS + DETECTOR + LENGTH + ["dethid_mean[*]"],
        "+LM state (mean)": STATS + DETECTOR + LENGTH + ["state_mean[*]"],
        "+both": STATS + DETECTOR + LENGTH + ["dethid_mean[*]", "state_mean[*]"],
    }


def design(rows: list[dict[str, Any]], names: Sequence[str]) -> np.ndarray:
    from mtqa.fluency.mqm_score import vectorize

    return np.stack([vectorize(r, names) for r in rows])


def centred(X: np.ndarray, groups: Sequence) -> np.ndarray:
    """X minus its segment's mean (row-wise)."""
    out = X.astype(np.float64).copy()
    idx: dict[Any, list[int]] = {}
    for i, g in enumerate(groups):
        idx.setdefault(g, []).append(i)
    for ii in idx.values():
        out[ii] -= out[ii].mean(0)
    return out


def fit_ridge(X: np.ndarray, y: np.ndarray, groups: Sequence, alpha: float, centre: bool = True):
    """(mean, scale, weight, bias): ridge on standardised X, on segment-centred rows when ``centre``;
    the bias makes the prediction's mean the target's mean."""
    mean = X.mean(0)
    scale = X.std(0)
    scale[scale < 1e-8] = 1.0
    Z = (X - mean) / scale
    Zc, yc = (centred(Z, groups), centred(y[:, None], groups)[:, 0]) if centre else (Z - Z.mean(0), y - y.mean())
    A = Zc.T @ Zc + alpha * len(y) * np.eye(Z.shape[1])
    w = np.linalg.solve(A, Zc.T @ yc)
    b = float(y.mean() - (Z @ w).mean())
    return mean, scale, w, b


def tau_of(outs, pred: np.ndarray, _mqm) -> float:
    """Grouped tau of a predicted *penalty* (higher worse) against the experts."""
    return _mqm.grouped_tau(outs, {o.key: -float(p) for o, p in zip(outs, pred)})["tau"]


def cross_validate(outs, rows, y, names, alpha, _mqm, folds: int = 4, centre: bool = True,
                   per_word: bool = True) -> float:
    """Grouped tau of out-of-fold predictions, folds by document (sorted ids, round robin)."""
    docs = sorted({o.doc for o in outs})
    fold_of = {d: i % folds for i, d in enumerate(docs)}
    X = design(rows, names)
    groups = [o.group for o in outs]
    pred = np.zeros(len(y))
    nw = np.array([r["scalars"]["n_words"] for r in rows])
    for f in range(folds):
        tr = np.array([fold_of[o.doc] != f for o in outs])
        m, s, w, b = fit_ridge(X[tr], y[tr], [g for g, t in zip(groups, tr) if t], alpha, centre)
        pred[~tr] = ((X[~tr] - m) / s) @ w + b
    return tau_of(outs, pred if per_word else pred * nw, _mqm)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mtqa.fluency.mqm_train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (default ../shared/data)")
    ap.add_argument("--cache", type=Path, default=Path("lmwork/mqm"), help="feature cache (per document, resumable)")
    ap.add_argument("--model", default=None, help="model name or folder (default: smollm2-135m)")
    ap.add_argument("--out", type=Path, default=None, help="write here instead of the model's home")
    ap.add_argument("--extract-only", action="store_true")
    a = ap.parse_args(argv)
    _mqm, _ = bench_modules()
    log = lambda m: print(m, flush=True)  # noqa: E731
    outs = _mqm.outputs(a.data, "wmt23", "development")
    scorer = scorer_for_features(a.model)
    log(f"WMT23 zh-en MQM, part development: {len(outs)} outputs, {len({o.group for o in outs})} segments, "
        f"{len({o.doc for o in outs})} documents; {scorer.model_name} ({scorer.engine.describe()['dtype']})")
    feats = extract(scorer, outs, a.cache, "wmt23", log)
    if a.extract_only:
        return 0
    raise SystemExit("training: not written yet")


if __name__ == "__main__":
    sys.exit(main())
