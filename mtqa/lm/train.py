"""Train newslm (GPT-2 architecture) on the cached uint16 token arrays with torch on CPU.

    python -m mtqa.lm.train CONFIG [--no-resume] [--max-minutes M]

* fixed seeds; each step's batch is drawn from ``np.random.default_rng([seed, step])``
  so a resumed run sees exactly the batches an uninterrupted run would;
* every training window starts at a ``<|endoftext|>`` (BOS) token, so sentence starts
  after BOS are always in the data (matches how the scorer scores single sentences);
* AdamW (no decay on biases/LayerNorm), cosine LR with linear warmup, grad clipping;
* ``precision: bf16`` runs the forward/backward matrix products under CPU bf16 autocast
  (1.7-1.8x faster on a CPU with AVX512-BF16); weights, optimiser state and the loss
  (log-softmax over the vocabulary) stay fp32;
* JSONL log ``<workdir>/train_log.jsonl`` (train loss every ``log_every`` steps, val
  loss every ``eval_every`` steps);
* checkpoints ``<workdir>/ckpt/step_XXXXXX.pt`` every ``ckpt_every_s`` seconds (and at
  the end); they are torch (pickle) files kept in the work dir only, loaded with
  ``weights_only=True``; the shipped model is exported to safetensors by
  :mod:`mtqa.lm.export`. ``train`` resumes from the latest checkpoint automatically.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

from .config import load_config, workdir


def _log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def build_model(cfg, vocab_size: int):
    from transformers import GPT2Config, GPT2LMHeadModel
    m = cfg["model"]
    gcfg = GPT2Config(
        vocab_size=vocab_size, n_positions=m["n_positions"], n_embd=m["n_embd"],
        n_layer=m["n_layer"], n_head=m["n_head"], resid_pdrop=m["dropout"],
        embd_pdrop=m["dropout"], attn_pdrop=m["dropout"], tie_word_embeddings=True,
        bos_token_id=0, eos_token_id=0, pad_token_id=0)
    return GPT2LMHeadModel(gcfg)


def lr_at(step: int, t: dict) -> float:
    if step < t["warmup_steps"]:
        return t["lr"] * (step + 1) / t["warmup_steps"]
    prog = min(1.0, (step - t["warmup_steps"]) / max(1, t["max_steps"] - t["warmup_steps"]))
    return t["min_lr"] + 0.5 * (t["lr"] - t["min_lr"]) * (1 + math.cos(math.pi * prog))


class Batches:
    """Windows of seq_len+1 tokens starting at a BOS (<|endoftext|>) position."""

    def __init__(self, arr: np.ndarray, seq_len: int, eot: int = 0):
        self.arr = arr
        self.T = seq_len
        starts = np.flatnonzero(arr == eot)
        self.starts = starts[starts + seq_len + 1 <= arr.size]

    def get(self, rng: np.random.Generator, B: int):
        import torch
        idx = self.starts[rng.integers(0, self.starts.size, size=B)]
        x = np.stack([self.arr[i:i + self.T + 1] for i in idx]).astype(np.int64)
        x = torch.from_numpy(x)
        return x[:, :-1], x[:, 1:]


def latest_ckpt(ckdir: Path):
    cks = sorted(ckdir.glob("step_*.pt"))
    return cks[-1] if cks else None


def save_ckpt(ckdir: Path, model, opt, step, extra, keep=3):
    import torch
    ckdir.mkdir(parents=True, exist_ok=True)
    path = ckdir / f"step_{step:06d}.pt"
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                "extra": extra}, tmp)
    os.replace(tmp, path)
    for old in sorted(ckdir.glob("step_*.pt"))[:-keep]:
        old.unlink()
    return path


def evaluate(model, val: Batches, t: dict, seed: int):
    import torch
    model.eval()
    rng = np.random.default_rng([seed, 999_999])
    tot = 0.0
    with torch.inference_mode():
        for _ in range(t["eval_batches"]):
            x, y = val.get(rng, t["batch_size"])
            tot += _loss(model, x, y).item()      # validation always in fp32
    model.train()
    return tot / t["eval_batches"]


def _loss(model, x, y, bf16: bool = False):
    import torch
    import torch.nn.functional as F
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        logits = model(input_ids=x).logits
    logits = logits.float()
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))


def _init_from(model, ref: str, extra: dict) -> dict:
    """Start a new run (fresh optimiser and LR schedule) from trained weights:
    an exported model folder (``model.safetensors``) or a training checkpoint."""
    import torch
    from .config import resolve
    p = resolve(ref)
    if p.is_dir():
        from safetensors.torch import load_file
        state = load_file(str(p / "model.safetensors"))
        info = p / "export_info.json"
        seen = json.loads(info.read_text(encoding="utf-8")).get("tokens_seen", 0) if info.is_file() else 0
    else:
        st = torch.load(p, map_location="cpu", weights_only=True)
        state, seen = st["model"], st.get("extra", {}).get("tokens_seen", 0)
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError as e:  # shape mismatches
        raise SystemExit(f"init_from {p}: weights do not fit the configured model ({str(e).splitlines()[-1].strip()})")
    real_missing = [k for k in missing if not k.endswith(("attn.bias", "attn.masked_bias", "lm_head.weight"))]
    if real_missing or unexpected:
        raise SystemExit(f"init_from {p}: weights do not fit the configured model "
                         f"(missing {real_missing[:3]}, unexpected {list(unexpected)[:3]})")
    if "lm_head.weight" in missing:
        model.tie_weights()
    _log(f"initialised from {p} ({int(seen):,} tokens seen before this run)")
    out = dict(extra)
    out["init_from"] = str(ref)
    out["tokens_seen_before"] = int(seen)
    out["tokens_seen"] = int(seen)  # cumulative: the card reports all tokens the weights have seen
    return out


def train(config_path, resume: bool = True, max_minutes: float | None = None) -> dict:
    import torch
    cfg = load_config(config_path)
    t = cfg["train"]
    threads = int(t["threads"])
    torch.set_num_threads(threads)
    bf16 = t.get("precision") == "bf16"
    adaptive = bool(t.get("adaptive_threads", True)) and threads > 1
    retune_every = int(t.get("retune_every", 100))
    seed = int(t["seed"])
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

    wd = workdir(cfg)
    data = wd / "data"
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(data / "tokenizer.json"))
    vocab = tok.get_vocab_size()
    train_arr = np.load(data / "train.npy", mmap_mode="r")
    val_arr = np.load(data / "val.npy", mmap_mode="r")
    trb = Batches(np.asarray(train_arr), t["seq_len"])
    vab = Batches(np.asarray(val_arr), t["seq_len"])

    model = build_model(cfg, vocab)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": t["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=t["lr"], betas=(t["beta1"], t["beta2"]), eps=1e-8)
    ckdir = wd / "ckpt"
    step, extra = 0, {"tokens_seen": 0, "train_seconds": 0.0}
    ck = latest_ckpt(ckdir) if resume else None
    if ck is not None:
        st = torch.load(ck, map_location="cpu", weights_only=True)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step, extra = int(st["step"]), dict(st["extra"])
        _log(f"resumed from {ck} at step {step}")
    elif t.get("init_from"):
        extra = _init_from(model, t["init_from"], extra)
    logf = open(wd / "train_log.jsonl", "a", encoding="utf-8")
    n_params = sum(p.numel() for p in model.parameters())
    _log(f"params {n_params/1e6:.2f}M vocab {vocab} train tokens {train_arr.size} "
         f"max_steps {t['max_steps']}")
    logf.write(json.dumps({"event": "start", "step": step, "time": time.time(),
                           "params": n_params, "config": cfg["_config_path"],
                           "precision": t.get("precision", "fp32")}) + "\n")
    model.train()
    tokens_per_step = t["batch_size"] * t["seq_len"]
    t_start = time.time()
    last_ck = time.time()
    seg_t0, seg_loss, seg_n = time.time(), 0.0, 0
    recent: list = []            # step times at the current thread count
    probe = None                 # [alt_threads, times] while probing the other count
    while step < t["max_steps"]:
        # Thread auto-tuning: on a shared 2-core machine, 2 OpenMP threads are ~10x
        # slower than 1 when another process holds a core. Every `retune_every` steps,
        # run 6 steps with the other thread count and keep whichever is faster.
        if adaptive and probe is None and step % retune_every == 0 and len(recent) >= 6:
            alt = 1 if threads > 1 else int(t["threads"])
            probe = [alt, []]
            torch.set_num_threads(alt)
        lr = lr_at(step, t)
        for g in opt.param_groups:
            g["lr"] = lr
        rng = np.random.default_rng([seed, step])
        x, y = trb.get(rng, t["batch_size"])
        ts = time.time()
        loss = _loss(model, x, y, bf16)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), t["grad_clip"])
        opt.step()
        step += 1
        extra["tokens_seen"] += tokens_per_step
        dts = time.time() - ts
        extra["train_seconds"] += dts
        if probe is not None:
            probe[1].append(dts)
            if len(probe[1]) == 6:
                base = float(np.median(recent[-10:]))
                alt_t = float(np.median(probe[1][1:]))
                if alt_t < 0.9 * base:
                    threads, recent = probe[0], []
                torch.set_num_threads(threads)
                rec = {"event": "threads", "step": step, "threads": threads,
                       "base_step_s": round(base, 3), "probe_threads": probe[0],
                       "probe_step_s": round(alt_t, 3), "time": time.time()}
                logf.write(json.dumps(rec) + "\n")
                _log(json.dumps(rec))
                probe = None
        else:
            recent.append(dts)
            recent = recent[-20:]
        seg_loss += loss.item()
        seg_n += 1
        if step % t["log_every"] == 0 or step == t["max_steps"]:
            dt = time.time() - seg_t0
            rec = {"step": step, "loss": round(seg_loss / seg_n, 4), "lr": lr,
                   "threads": threads if probe is None else probe[0],
                   "grad_norm": round(float(gn), 3),
                   "tok_per_s": round(seg_n * tokens_per_step / dt, 1),
                   "tokens_seen": extra["tokens_seen"],
                   "train_seconds": round(extra["train_seconds"], 1), "time": time.time()}
            logf.write(json.dumps(rec) + "\n")
            logf.flush()
            _log(json.dumps(rec))
            seg_t0, seg_loss, seg_n = time.time(), 0.0, 0
        if step % t["eval_every"] == 0 or step == t["max_steps"]:
            vl = evaluate(model, vab, t, seed)
            rec = {"step": step, "val_loss": round(vl, 4), "val_ppl_token": round(math.exp(vl), 2),
                   "tokens_seen": extra["tokens_seen"], "time": time.time()}
            logf.write(json.dumps(rec) + "\n")
            logf.flush()
            _log(json.dumps(rec))
            seg_t0 = time.time()
        if time.time() - last_ck >= t["ckpt_every_s"] or step == t["max_steps"]:
            p = save_ckpt(ckdir, model, opt, step, extra, t.get("keep_ckpts", 3))
            _log(f"checkpoint {p}")
            last_ck = time.time()
        if max_minutes is not None and time.time() - t_start > 60 * max_minutes:
            save_ckpt(ckdir, model, opt, step, extra, t.get("keep_ckpts", 3))
            _log("max_minutes reached; stopping (resume with the same command)")
            break
    logf.write(json.dumps({"event": "stop", "step": step, "time": time.time()}) + "\n")
    logf.close()
    return {"step": step, **extra}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config")
    ap.add_argument("--no-resume", action="store_true")
    ap.add_argument("--max-minutes", type=float, default=None)
    a = ap.parse_args(argv)
    print(json.dumps(train(a.config, resume=not a.no_resume, max_minutes=a.max_minutes)))


if __name__ == "__main__":
    main()
