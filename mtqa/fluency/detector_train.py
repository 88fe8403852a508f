"""Train the learned disfluency detector of a model (reproducible, seeded, resumable).

    mtqa model train-detector [--model smollm2-135m] [--sentences 12000] [--work lmwork/detector]
    python -m mtqa.fluency.detector_train ...            # the same

1. **Sentences**: clean held-out news, the *calibration* part only
   (``benchmarks/_clean_news.py``; the FLU thresholds are computed on other
   articles of that part, the benchmarks report on the report part), segmented
   by mtqa's own segmenter, 6-60 words, shuffled with the seed.
2. **Pairs**: each clean sentence and one corrupted copy
   (:func:`mtqa.fluency.corrupt.corrupt`, seeded); token labels: 1 on the tokens
   of the words the corruption made wrong, 0 elsewhere (all 0 in clean sentences).
3. **Features**: the LM's per-token view (:meth:`Engine.features`), exactly as
   ``mtqa check`` computes it (same normalisation, tokenizer, precision), in
   shards of :data:`SHARD` sentences under ``--work`` (``.npz`` without
   pickle); an interrupted run resumes from the shards on disk.
4. **Training**: an MLP (:mod:`mtqa.fluency.detector`) with AdamW, class-weighted
   binary cross-entropy on tokens, a validation split of the pairs for picking the
   epoch by the share of corrupted sentences whose sentence score beats the clean
   sentences' 99th percentile (the benchmark's 1 % false-positive point).
5. Writes ``detector.safetensors`` into the model's home.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path
from typing import Iterator

import numpy as np

SHARD = 500
MIN_WORDS, MAX_WORDS = 6, 60


def calibration_sentences(data: Path | None, part: str = "calibration:detector") -> Iterator[str]:
    """Sentences (6-60 words, starting with a capital) of the clean articles of ``part``."""
    from mtqa.document import Document
    from mtqa.fluency.cleandata import clean_articles
    from mtqa.segment import segment

    for name, text in clean_articles(data, part):
        d = Document(source=name, text=text)
        segment(d)
        for s in d.sentences:
            t = " ".join(text[s.start:s.end].split())
            n = len(t.split())
            if MIN_WORDS <= n <= MAX_WORDS and t[:1].isupper():
                yield t


def make_pairs(sentences: list[str], seed: int, mix: int = 1) -> list[tuple[str, list[tuple[int, int]], str]]:
    """(text, wrong character spans, kind) for each clean sentence and its corrupted copy."""
    from mtqa.fluency.corrupt import corrupt

    rng = random.Random(seed if mix == 1 else f"{seed}:mix{mix}")
    out = []
    for t in sentences:
        words = t.split()
        c = corrupt(words, rng, mix=mix)
        if c is None:
            continue
        cw, bad, kind = c
        spans, pos = [], 0
        for i, w in enumerate(cw):
            if i in bad:
                spans.append((pos, pos + len(w)))
            pos += len(w) + 1
        out.append((t, [], "clean"))
        out.append((" ".join(cw), spans, kind))
    return out


def sentence_features(engine, texts: list[str], spans: list[list[tuple[int, int]]] | None = None):
    """Per text: dict(lp, entropy, best, states (n+1, d), word_start, label) — the same preparation
    as the scorer (normalise with map, encode, :func:`~mtqa.fluency.detector.sentence_parts`)."""
    from mtqa.fluency.detector import sentence_parts
    from mtqa.fluency.text import normalize_with_map, word_units

    mapped = [normalize_with_map(t) for t in texts]
    ids, offs = engine.encode([m.text for m in mapped])
    feats = engine.features(ids)
    out = []
    for k, (m, f, of) in enumerate(zip(mapped, feats, offs)):
        states, word_start, _ = sentence_parts(f, of, word_units(m.text)[1])
        lab = np.zeros(len(of), np.float32)
        if spans is not None and spans[k]:
            for j, (a, b) in enumerate(of):
                oa, ob = m.span(a, b)
                if any(oa < e and s < ob for s, e in spans[k]):
                    lab[j] = 1.0
        out.append({"lp": f["lp"], "entropy": f["entropy"], "best": f["best"], "states": states,
                    "word_start": word_start, "label": lab})
    return out


def extract(engine, pairs, work: Path, log=print) -> list[Path]:
    """Features of every pair text, in shards (skipping shards already on disk)."""
    work.mkdir(parents=True, exist_ok=True)
    shards = []
    t0 = time.time()
    done_tok = 0
    for a in range(0, len(pairs), SHARD):
        p = work / f"shard-{a // SHARD:05d}.npz"
        shards.append(p)
        part = pairs[a:a + SHARD]
        if p.is_file():
            try:
                with np.load(p, allow_pickle=False) as z:
                    if len(z["lens"]) == len(part):
                        continue
            except (OSError, ValueError, KeyError):
                pass
        feats = sentence_features(engine, [t for t, _, _ in part], [s for _, s, _ in part])
        lens = np.array([len(f["lp"]) for f in feats], np.int64)
        tmp = p.with_suffix(".tmp.npz")
        np.savez(tmp, lens=lens, lp=np.concatenate([f["lp"] for f in feats]),
                 entropy=np.concatenate([f["entropy"] for f in feats]),
                 best=np.concatenate([f["best"] for f in feats]),
                 states=np.concatenate([f["states"] for f in feats]).astype(np.float16),
                 word_start=np.concatenate([f["word_start"] for f in feats]),
                 label=np.concatenate([f["label"] for f in feats]),
                 corrupted=np.array([k != "clean" for _, _, k in part]),
                 kind=np.array([k for _, _, k in part]))
        tmp.replace(p)
        done_tok += int(lens.sum())
        el = time.time() - t0
        log(f"  shard {a // SHARD + 1}/{(len(pairs) + SHARD - 1) // SHARD}: {done_tok:,} tokens in {el:.0f} s "
            f"({done_tok / max(el, 1e-9):.0f} tokens/s)")
    return shards


def load_shards(shards: list[Path]):
    """All tokens' inputs as one float16 matrix (memory: 2 bytes per input), their labels, and per
    sentence (first row, rows, corrupted flag, kind)."""
    from mtqa.fluency.detector import n_inputs, token_inputs

    total = 0
    d = None
    for p in shards:
        with np.load(p, allow_pickle=False) as z:
            total += int(z["lens"].sum())
            d = z["states"].shape[1]
    X = np.zeros((total, n_inputs(d)), dtype=np.float16)
    Y = np.zeros(total, dtype=np.float32)
    sents = []
    r = 0
    for p in shards:
        with np.load(p, allow_pickle=False) as z:
            lens, states = z["lens"], z["states"]
            lp, ent, best, ws, lab = z["lp"], z["entropy"], z["best"], z["word_start"], z["label"]
            corrupted, kind = z["corrupted"], z["kind"]
            o = so = 0
            for i, n in enumerate(lens.tolist()):
                X[r:r + n] = token_inputs(lp[o:o + n], ent[o:o + n], best[o:o + n],
                                          states[so:so + n + 1].astype(np.float32), ws[o:o + n])
                Y[r:r + n] = lab[o:o + n]
                sents.append((r, n, bool(corrupted[i]), str(kind[i])))
                r += n
                o += n
                so += n + 1
    return X, Y, sents


def train(X: np.ndarray, Y: np.ndarray, sents, seed: int, hidden: int = 256, epochs: int = 6, lr: float = 1e-3,
          log=print):
    """Fit the MLP; returns (tensors, report) with the epoch chosen on the validation split."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    # split by pair (a clean sentence and its corrupted copy stay together)
    n_pairs = len(sents) // 2
    order = rng.permutation(n_pairs)
    n_val = max(1, n_pairs // 10)
    val = np.zeros(len(sents), bool)
    for i in order[:n_val].tolist():
        val[2 * i] = val[2 * i + 1] = True
    rows_tr = np.concatenate([np.arange(r, r + n) for (r, n, _, _), v in zip(sents, val) if not v])
    va = [s for s, v in zip(sents, val) if v]
    # input statistics over the training rows, in float64 chunks
    F = X.shape[1]
    acc, acc2 = np.zeros(F), np.zeros(F)
    for a in range(0, len(rows_tr), 65536):
        x = X[rows_tr[a:a + 65536]].astype(np.float64)
        acc += x.sum(0)
        acc2 += (x * x).sum(0)
    mean = acc / len(rows_tr)
    std = np.sqrt(np.maximum(acc2 / len(rows_tr) - mean ** 2, 0)) + 1e-4
    mean_t, istd_t = torch.from_numpy(mean.astype(np.float32)), torch.from_numpy((1 / std).astype(np.float32))
    Xt = torch.from_numpy(X)
    Yt = torch.from_numpy(Y)
    pos = float(Y[rows_tr].mean())
    pw = torch.tensor((1 - pos) / max(pos, 1e-6))
    net = torch.nn.Sequential(torch.nn.Linear(F, hidden), torch.nn.GELU(), torch.nn.Dropout(0.2),
                              torch.nn.Linear(hidden, 1))
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=0.01)
    bs = 512
    steps = max(1, epochs * ((len(rows_tr) + bs - 1) // bs))
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: min((i + 1) / warm, max(0.02, 1 - i / steps)))
    best = (-1.0, None, -1)
    log(f"  training on {len(sents) - len(va):,} sentences ({len(rows_tr):,} tokens, {pos:.1%} wrong), "
        f"validating on {len(va):,}")
    g = torch.Generator().manual_seed(seed)
    rows_t = torch.from_numpy(rows_tr)

    def batch(idx):
        return (Xt[idx].float() - mean_t) * istd_t

    for ep in range(epochs):
        net.train()
        perm = rows_t[torch.randperm(len(rows_t), generator=g)]
        tot = 0.0
        for a in range(0, len(perm), bs):
            idx = perm[a:a + bs]
            out = net(batch(idx)).squeeze(1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(out, Yt[idx], pos_weight=pw)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss.detach()) * len(idx)
        net.eval()
        with torch.no_grad():
            sent = [float(net(batch(torch.arange(r, r + n))).max()) if n else -1e9 for r, n, _, _ in va]
        clean = np.array([x for x, (_, _, c, _) in zip(sent, va) if not c])
        bad = np.array([x for x, (_, _, c, _) in zip(sent, va) if c])
        cut = float(np.percentile(clean, 99))
        rate = float((bad > cut).mean())
        log(f"  epoch {ep + 1}: loss {tot / len(rows_tr):.4f}; validation: {rate:.1%} of corrupted sentences above "
            f"the clean 99th percentile")
        if rate > best[0]:
            best = (rate, {k: v.detach().clone() for k, v in net.state_dict().items()}, ep + 1)
    state = best[1]
    tensors = {"input.mean": mean.astype(np.float32), "input.std": std.astype(np.float32),
               "l1.weight": state["0.weight"].numpy(), "l1.bias": state["0.bias"].numpy(),
               "l2.weight": state["3.weight"].numpy(), "l2.bias": state["3.bias"].numpy()}
    return tensors, {"validation_flagged_at_1pct": round(best[0], 4), "epoch": best[2], "epochs": epochs,
                     "train_sentences": len(sents) - len(va), "train_tokens": int(len(rows_tr)),
                     "positive_share": round(pos, 4), "validation_sentences": len(va), "hidden": hidden, "lr": lr}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="mtqa model train-detector", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None, help="model name or folder (default: smollm2-135m)")
    ap.add_argument("--data", type=Path, default=None, help="the shared data folder (default ../shared/data)")
    ap.add_argument("--sentences", type=int, default=16000, help="clean sentences (each gets a corrupted copy)")
    ap.add_argument("--extra-sentences", type=int, default=0,
                    help="further clean sentences (the next ones) corrupted with the second mix of kinds")
    ap.add_argument("--work", type=Path, default=Path("lmwork/detector"), help="feature shards (resumable)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--extract-only", action="store_true")
    ap.add_argument("--out", type=Path, default=None, help="write here instead of the model's home")
    a = ap.parse_args(argv)

    from mtqa.fluency import resolve_model
    from mtqa.fluency.detector import DETECTOR_FILE, FEATURE_SPEC, save
    from mtqa.fluency.engine import get_engine

    engine = get_engine(resolve_model(a.model), "cpu")
    log = lambda m: (print(m, flush=True))  # noqa: E731
    sents = list(dict.fromkeys(calibration_sentences(a.data, "calibration:detector")))
    random.Random(a.seed).shuffle(sents)
    extra = sents[a.sentences:a.sentences + a.extra_sentences]
    sents = sents[:a.sentences]
    pairs = make_pairs(sents, a.seed)
    key = hashlib.sha256(json.dumps([engine.sha256, str(engine.dtype), a.seed, pairs[:3]],
                                    default=str).encode()).hexdigest()[:12]
    work = a.work / f"{engine.name}-{key}"
    log(f"{engine.name} ({engine.describe()['dtype']}, {engine.describe()['forward']}): {len(sents):,} clean "
        f"sentences of the calibration part -> {len(pairs):,} texts; features in {work}")
    shards = extract(engine, pairs, work, log)
    if extra:
        pairs2 = make_pairs(extra, a.seed, mix=2)
        log(f"  + {len(extra):,} further sentences, second mix of kinds -> {len(pairs2):,} texts; in {work / 'mix2'}")
        shards += extract(engine, pairs2, work / "mix2", log)
        pairs = pairs + pairs2
        sents = sents + extra
    if a.extract_only:
        return 0
    t0 = time.time()
    X, Y, sents_ = load_shards(shards)
    log(f"  inputs: {X.shape[0]:,} tokens x {X.shape[1]:,} ({X.nbytes / 2**30:.1f} GiB, float16)")
    tensors, report = train(X, Y, sents_, a.seed, a.hidden, a.epochs, log=log)
    kinds: dict[str, int] = {}
    for _, _, k in pairs:
        if k != "clean":
            kinds[k.split("+")[0]] = kinds.get(k.split("+")[0], 0) + 1
    meta = {"features": FEATURE_SPEC, "model": engine.name, "model_sha256": engine.sha256,
            "computed_with": {k: engine.describe()[k] for k in ("device", "dtype", "forward")},
            "seed": a.seed, "sentences": len(sents), "data": "calibration part of the shared clean news "
            "(benchmarks/_clean_news.py), 3 of every 4 articles", "corruption_kinds": dict(sorted(kinds.items())),
            "train_seconds": round(time.time() - t0, 1), **report}
    out = a.out or ((engine.home or Path(".")) / DETECTOR_FILE)
    save(out, tensors, meta)
    log(f"wrote {out}: {json.dumps(report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
