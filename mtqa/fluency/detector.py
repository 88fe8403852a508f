"""The learned disfluency detector: which tokens of a sentence an MT system got wrong.

A small network over the language model's own view of each token, trained on
MT-like corruptions of clean news (:mod:`mtqa.fluency.corrupt`,
:mod:`mtqa.fluency.detector_train`).  Raw LM statistics flag few corrupted
sentences at a low false-positive rate although almost every corrupted sentence
scores below its own clean original: the spread between ordinary sentences hides
the signal.  The model's hidden states know *why* a token is surprising (a name
it has not seen vs. a preposition in the wrong place); the detector reads them.

Inputs per token ``t`` of a sentence of ``n`` tokens (:func:`token_inputs`):

* the final hidden states before ``t`` (the one that predicted it), after ``t``
  and after ``t + 1`` (right context: a dropped word shows at the word after the
  gap), ``3 × d``;
* five statistics at ``t - 2 … t + 2`` (zero beyond the sentence): ``log p``,
  entropy of the model's distribution, ``log p`` of its best guess,
  ``log p − best`` and surprisal beyond entropy ``−log p − entropy``;
* whether the token starts a word, is the first token, its relative position,
  the sentence's mean ``log p`` and its length / 50.

Network: standardised inputs → ``Linear(F, H)`` → GELU → ``Linear(H, 1)``; the
output is a logit per token (higher: more likely wrong).  A word's score is the
highest logit of its tokens, a sentence's the highest of its words.  The file
(``detector.safetensors`` in the model's home, safetensors only) holds the
weights, the input mean/std, and metadata: the feature spec, the LM's SHA-256 and
the precision its features were computed in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

DETECTOR_FILE = "detector.safetensors"
FEATURE_SPEC = "mtqa-detector-features/1: states(t-1,t,t+1) + stats[-2..2](lp,ent,best,lp-best,-lp-ent) + " \
               "(word_start, first, rel_pos, sent_mean_lp, n/50)"
N_STATS = 5
CONTEXT = 2
N_EXTRA = 5


def n_inputs(d: int) -> int:
    return 3 * d + N_STATS * (2 * CONTEXT + 1) + N_EXTRA


def token_inputs(lp: np.ndarray, entropy: np.ndarray, best: np.ndarray, states: np.ndarray,
                 word_start: np.ndarray) -> np.ndarray:
    """The ``(n, F)`` float32 input matrix of one sentence (see the module doc).

    ``states``: ``(n + 1, d)`` final hidden states at the BOS and every token
    (``states[t]`` predicted token ``t``)."""
    n = len(lp)
    d = states.shape[1]
    out = np.zeros((n, n_inputs(d)), dtype=np.float32)
    if n == 0:
        return out
    st = np.asarray(states, dtype=np.float32)
    out[:, :d] = st[:n]
    out[:, d:2 * d] = st[1:n + 1]
    if n > 1:
        out[:n - 1, 2 * d:3 * d] = st[2:n + 1]
    lp = np.asarray(lp, np.float32)
    entropy = np.asarray(entropy, np.float32)
    best = np.asarray(best, np.float32)
    stats = np.stack([lp, entropy, best, lp - best, -lp - entropy], 1)
    padded = np.zeros((n + 2 * CONTEXT, N_STATS), np.float32)
    padded[CONTEXT:CONTEXT + n] = stats
    c = 3 * d
    for k in range(2 * CONTEXT + 1):
        out[:, c + k * N_STATS:c + (k + 1) * N_STATS] = padded[k:k + n]
    c += N_STATS * (2 * CONTEXT + 1)
    out[:, c] = word_start
    out[0, c + 1] = 1.0
    out[:, c + 2] = np.arange(n, dtype=np.float32) / max(1, n - 1)
    out[:, c + 3] = float(lp.mean())
    out[:, c + 4] = n / 50.0
    return out


def sentence_parts(feat: dict[str, np.ndarray], offsets, owner: Sequence[int]
                   ) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """What :func:`token_inputs` needs besides the statistics, for one sentence: the hidden
    states ``(n + 1, d)`` from :meth:`Engine.features`' record, the word-start flags, and each
    token's word (``owner``: the word unit of every character; ``offsets``: the tokens').
    Shared by ``mtqa check`` (:class:`~mtqa.fluency.scorer.FluencyScorer`) and training."""
    last = len(owner) - 1
    own = [owner[min(s, last)] if owner else 0 for s, _ in offsets]
    word_start = np.zeros(len(own), np.float32)
    seen: set[int] = set()
    for j, u in enumerate(own):
        if u not in seen:
            word_start[j] = 1.0
            seen.add(u)
    prev = feat["prev"]
    states = np.concatenate([prev, feat["cur"][-1:]]) if len(own) else np.zeros((1, prev.shape[1]), np.float32)
    return states, word_start, own


class Detector:
    """A trained detector: ``logits(X)`` per token row."""

    def __init__(self, tensors: dict[str, Any], meta: dict[str, Any], path: Path | None = None):
        self.meta = meta
        self.path = path
        self.mean = np.asarray(tensors["input.mean"], np.float32)
        self.inv_std = (1.0 / np.asarray(tensors["input.std"], np.float32)).astype(np.float32)
        self.w1 = np.ascontiguousarray(np.asarray(tensors["l1.weight"], np.float32).T)
        self.b1 = np.asarray(tensors["l1.bias"], np.float32)
        self.w2 = np.asarray(tensors["l2.weight"], np.float32).reshape(-1)
        self.b2 = float(np.asarray(tensors["l2.bias"], np.float32).reshape(-1)[0])

    @classmethod
    def load(cls, path: Path) -> "Detector":
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as f:
            meta = json.loads((f.metadata() or {}).get("mtqa", "{}"))
            tensors = {k: f.get_tensor(k) for k in f.keys()}
        if meta.get("features") != FEATURE_SPEC:
            raise ValueError(f"{path}: features {meta.get('features')!r}, this mtqa computes {FEATURE_SPEC!r}")
        return cls(tensors, meta, path)

    @property
    def n_inputs(self) -> int:
        return int(self.mean.shape[0])

    def logits(self, X: np.ndarray) -> np.ndarray:
        """Per-row logit (float32) of one sentence's rows.  Call it per sentence: a sentence's
        scores then never depend on what else is checked (the GEMM shapes are its own)."""
        if len(X) == 0:
            return np.zeros(0, np.float32)
        import torch

        with torch.inference_mode():
            z = (torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)) - self._t("mean")) * self._t("inv_std")
            h = torch.nn.functional.gelu(z @ self._t("w1") + self._t("b1"))
            return (h @ self._t("w2") + self.b2).numpy().astype(np.float32)

    def logits_hidden(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`logits` (the same operations, so the same values) and the hidden layer's
        activations ``(n, H)`` that produced them (what :mod:`mtqa.fluency.mqm_score` pools)."""
        if len(X) == 0:
            return np.zeros(0, np.float32), np.zeros((0, len(self.b1)), np.float32)
        import torch

        with torch.inference_mode():
            z = (torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)) - self._t("mean")) * self._t("inv_std")
            h = torch.nn.functional.gelu(z @ self._t("w1") + self._t("b1"))
            return (h @ self._t("w2") + self.b2).numpy().astype(np.float32), h.numpy()

    def _t(self, name: str):
        cache = self.__dict__.setdefault("_tensors", {})
        t = cache.get(name)
        if t is None:
            import torch

            t = cache[name] = torch.from_numpy(np.ascontiguousarray(getattr(self, name)))
        return t


def detector_path(home: Path | None) -> Path | None:
    if home is None:
        return None
    p = Path(home) / DETECTOR_FILE
    return p if p.is_file() else None


def save(path: Path, tensors: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Write the detector (safetensors, metadata as JSON), atomically."""
    import os
    import tempfile

    from safetensors.numpy import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    os.close(fd)
    try:
        save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()}, tmp,
                  metadata={"mtqa": json.dumps(meta, sort_keys=True)})
        os.chmod(tmp, 0o644)  # mkstemp made it private; it is a shipped data file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def word_scores(token_logits: np.ndarray, owners: Sequence[int], n_words: int) -> list[float]:
    """Each word's score: the highest logit of its tokens (-inf for a word with none)."""
    out = [float("-inf")] * n_words
    for u, v in zip(owners, token_logits.tolist()):
        if v > out[u]:
            out[u] = v
    return out
