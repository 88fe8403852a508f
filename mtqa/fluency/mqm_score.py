"""A sentence score that ranks translations the way expert MQM annotators do.

The learned detector (:mod:`mtqa.fluency.detector`) scores each token; its sentence score (the highest
token logit) was trained on synthetic corruptions and ranks real MT outputs of one source sentence
almost at random against the experts' MQM scores.  This module maps what the same forward pass
already computed — the LM's per-token statistics, the detector's logits and hidden layer, the LM's
final hidden states, SLOR, the length — to a prediction of the experts' MQM score of the sentence,
learned from real expert annotations (WMT23 zh-en MQM, development documents only:
:mod:`mtqa.fluency.mqm_train`).

Scale: an MQM score is minus the weighted error count (Major 5, Minor 1, Minor punctuation 0.1),
averaged over raters.  The model predicts it **per word** (the errors' density: a long sentence is not
worse for being long) and the reported value, ``SentenceScore.mqm`` and the jsonl ``fluency``
record's ``"mqm"`` per sentence, is that density times 10: *the expert MQM score expected for 10 words
like these* (0 = no error expected; about -5 = one Major error per 10 words; higher is better).

The weights ship as JSON next to the model (``models/<model>/mqm_score.json``: feature names,
standardisation, the linear or MLP layers, and metadata); never pickle.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Sequence

import numpy as np

MQM_FILE = "mqm_score.json"
FEATURE_SPEC = "mtqa-mqm-features/2"
#: what the reported value is: the predicted MQM score per this many words
PER_WORDS = 10

# ---------------------------------------------------------------------------------------------------------
# features


def _pool(v: np.ndarray, prefix: str, out: dict[str, float], top: int = 3) -> None:
    """max, mean, min, std and top-``top`` mean of ``v``."""
    if len(v) == 0:
        for k in ("max", "mean", "min", "std", f"top{top}"):
            out[f"{prefix}_{k}"] = 0.0
        return
    s = np.sort(v.astype(np.float64))
    out[f"{prefix}_max"] = float(s[-1])
    out[f"{prefix}_mean"] = float(s.mean())
    out[f"{prefix}_min"] = float(s[0])
    out[f"{prefix}_std"] = float(s.std())
    out[f"{prefix}_top{top}"] = float(s[-top:].mean())


#: detector logit thresholds whose exceedance rates (per token, per word) are features
LOGIT_CUTS = (-4.0, -2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 6.0)
#: detector logit offsets of the soft exceedance features: mean softplus(logit - c)
SOFT_CUTS = (0.0, 2.0, 4.0)
#: log-prob cut-offs (nats) whose exceedance rates are features
LP_CUTS = (-4.0, -8.0)


def pooled_vectors(hidden: np.ndarray | None, cur: np.ndarray | None) -> dict[str, np.ndarray]:
    """The detector hidden layer's activations ``(n, H)`` and the LM's final states ``(n, d)``
    pooled over the sentence's tokens (mean, max; mean, last)."""
    vec: dict[str, np.ndarray] = {}
    if hidden is not None and len(hidden):
        h = np.asarray(hidden, np.float32)
        vec["dethid_mean"] = h.mean(0)
        vec["dethid_max"] = h.max(0)
    if cur is not None and len(cur):
        c_ = np.asarray(cur, np.float32)
        vec["state_mean"] = c_.mean(0)
        vec["state_last"] = c_[-1]
    return vec


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def token_part(lp: np.ndarray, entropy: np.ndarray, best: np.ndarray, logits: np.ndarray,
               vectors: dict[str, np.ndarray] | None = None) -> dict[str, Any]:
    """What the sentence features need of the token level, computed where the forward pass and the
    detector ran (:meth:`~mtqa.fluency.scorer.FluencyScorer._detect`): per-token statistics pooled,
    the detector's logits pooled, and :func:`pooled_vectors`."""
    lp = np.asarray(lp, np.float64)
    n = len(lp)
    f: dict[str, float] = {"n_tokens": float(n)}
    if n:
        ent = np.asarray(entropy, np.float64)
        gap = lp - np.asarray(best, np.float64)
        sbe = -lp - ent  # surprisal beyond entropy
        _pool(-lp, "surprisal", f)
        _pool(ent, "entropy", f)
        _pool(-gap, "gap", f)
        _pool(sbe, "sbe", f)
        for c in LP_CUTS:
            f[f"lp_below{int(-c)}"] = float((lp < c).mean())
        lg = np.asarray(logits, np.float64)
        _pool(lg, "tok_logit", f)
        m = lg.max()
        f["tok_logit_lse"] = float(m + math.log(np.exp(lg - m).sum()))
        f["tok_logit_sigmoid_sum"] = float((1.0 / (1.0 + np.exp(-lg))).sum())
        f["tok_logit_sigmoid_mean"] = f["tok_logit_sigmoid_sum"] / n
        for c in LOGIT_CUTS:
            f[f"tok_logit_above{c:g}"] = float((lg > c).mean())
        for c in SOFT_CUTS:
            f[f"tok_logit_soft{c:g}"] = float(_softplus(lg - c).mean())
    else:
        for p in ("surprisal", "entropy", "gap", "sbe", "tok_logit"):
            _pool(np.zeros(0), p, f)
        for c in LP_CUTS:
            f[f"lp_below{int(-c)}"] = 0.0
        f.update(tok_logit_lse=0.0, tok_logit_sigmoid_sum=0.0, tok_logit_sigmoid_mean=0.0)
        for c in LOGIT_CUTS:
            f[f"tok_logit_above{c:g}"] = 0.0
        for c in SOFT_CUTS:
            f[f"tok_logit_soft{c:g}"] = 0.0
    return {"scalars": f, "vectors": dict(vectors or {})}


def sentence_features(part: dict[str, Any], word_lm: Sequence[float], word_uni: Sequence[float],
                      word_det: Sequence[float] | None) -> dict[str, Any]:
    """The named features of one sentence: :func:`token_part`'s plus the word level (SLOR terms,
    the detector's word scores, the length)."""
    f = dict(part["scalars"])
    nw = len(word_lm)
    f["n_words"] = float(nw)
    f["log_words"] = math.log(max(1, nw))
    f["inv_words"] = 1.0 / max(1, nw)
    f["tokens_per_word"] = f["n_tokens"] / max(1, nw)
    sc = np.asarray(word_lm, np.float64) - np.asarray(word_uni, np.float64)
    _pool(sc, "wordscore", f)
    f["slor"] = f["wordscore_mean"]
    wd = np.asarray(word_det if word_det is not None else np.zeros(nw), np.float64)
    _pool(wd, "word_logit", f)
    for c in LOGIT_CUTS:
        f[f"word_logit_above{c:g}"] = float((wd > c).mean()) if nw else 0.0
        f[f"word_logit_count{c:g}"] = float((wd > c).sum())
    for c in SOFT_CUTS:
        f[f"word_logit_soft{c:g}"] = float(_softplus(wd - c).mean()) if nw else 0.0
    return {"scalars": f, "vectors": dict(part["vectors"])}


def vectorize(feats: dict[str, Any], names: Sequence[str]) -> np.ndarray:
    """The model's input vector: scalar features by name; ``name[i]`` picks element ``i`` of a
    pooled vector; ``name[*]`` (expanded by :func:`expand_names`) never reaches here."""
    sc, vec = feats["scalars"], feats["vectors"]
    out = np.zeros(len(names), np.float64)
    for j, n in enumerate(names):
        if n.endswith("]"):
            base, _, idx = n[:-1].partition("[")
            v = vec.get(base)
            out[j] = 0.0 if v is None else float(v[int(idx)])
        else:
            out[j] = sc[n]
    return out


def expand_names(names: Sequence[str], sizes: dict[str, int]) -> list[str]:
    """``state_mean[*]`` -> ``state_mean[0]`` ... (``sizes`` of the pooled vectors)."""
    out: list[str] = []
    for n in names:
        if n.endswith("[*]"):
            base = n[:-3]
            out += [f"{base}[{i}]" for i in range(sizes[base])]
        else:
            out.append(n)
    return out


# ---------------------------------------------------------------------------------------------------------
# the model


class MqmScorer:
    """The shipped sentence model: standardised inputs -> linear (or one hidden ReLU layer) ->
    predicted MQM penalty per word; :meth:`score` reports minus it per :data:`PER_WORDS` words."""

    def __init__(self, spec: dict[str, Any], path: Path | None = None):
        if spec.get("features_spec") != FEATURE_SPEC:
            raise ValueError(f"features {spec.get('features_spec')!r}, this mtqa computes {FEATURE_SPEC!r}")
        self.spec = spec
        self.path = path
        self.names: list[str] = list(spec["inputs"])
        self.mean = np.asarray(spec["input_mean"], np.float64)
        self.scale = np.asarray(spec["input_scale"], np.float64)
        self.layers = [(np.asarray(L["weight"], np.float64), np.asarray(L["bias"], np.float64))
                       for L in spec["layers"]]
        self.needs_vectors = any(n.endswith("]") for n in self.names)
        if not (len(self.mean) == len(self.scale) == len(self.names) == self.layers[0][0].shape[1]):
            raise ValueError("inconsistent input sizes")

    @classmethod
    def load(cls, path: Path) -> "MqmScorer":
        return cls(json.loads(Path(path).read_text(encoding="utf-8")), Path(path))

    @property
    def meta(self) -> dict[str, Any]:
        return self.spec.get("meta", {})

    def penalty(self, x: np.ndarray) -> float:
        """The predicted MQM penalty per word (higher: worse) of one input vector."""
        z = (np.asarray(x, np.float64) - self.mean) / self.scale
        for i, (w, b) in enumerate(self.layers):
            z = w @ z + b
            if i < len(self.layers) - 1:
                z = np.maximum(z, 0.0)
        return float(z[0])

    def score(self, feats: dict[str, Any]) -> float:
        """The reported score: the expected expert MQM score for :data:`PER_WORDS` such words
        (minus the predicted penalty; higher is better).  A model of the whole sentence's penalty
        (``meta.target == "total"``, not shipped) is divided by the sentence's words."""
        p = self.penalty(vectorize(feats, self.names))
        if self.meta.get("target") == "total":
            p /= max(1.0, feats["scalars"]["n_words"])
        return -PER_WORDS * p


def mqm_path(home: Path | None) -> Path | None:
    if home is None:
        return None
    p = Path(home) / MQM_FILE
    return p if p.is_file() else None


def load_for_engine(engine, detector) -> "tuple[MqmScorer | None, str | None]":
    """The model's MQM sentence scorer (``mqm_score.json`` in its home), or (None, why not).  It reads
    the learned detector's outputs, so it is used only with the detector it was trained beside."""
    path = mqm_path(engine.home)
    if path is None or detector is None:
        return None, None
    try:
        m = MqmScorer.load(path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        return None, f"unusable MQM sentence scorer {path}: {e}"
    sha = m.meta.get("model_sha256")
    if sha and engine.sha256 and sha != engine.sha256:
        return None, f"{path} was trained on other weights of {engine.name}: no MQM sentence score"
    dsha = m.meta.get("detector_sha256")
    if dsha and detector.path is not None and dsha != _file_sha(detector.path):
        return None, f"{path} was trained over another detector: no MQM sentence score"
    return m, None


def _file_sha(p: Path) -> str:
    from mtqa.fluency.engine import file_sha256

    return file_sha256(Path(p))
