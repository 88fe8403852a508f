"""Measure candidate model sizes: CPU inference tokens/s (batch 32, seq 64, fp32,
inference_mode) and training tokens/s (batch x seq_len 128, AdamW step).

python -m mtqa.lm.measure --sizes 4/256/4,4/192/4,6/256/8 --vocab 8192,16384 --threads 2
"""
from __future__ import annotations

import argparse
import json
import time


def build(n_layer, n_embd, n_head, vocab, n_pos=128):
    from transformers import GPT2Config, GPT2LMHeadModel
    cfg = GPT2Config(vocab_size=vocab, n_positions=n_pos, n_embd=n_embd, n_layer=n_layer,
                     n_head=n_head, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                     tie_word_embeddings=True, bos_token_id=0, eos_token_id=0)
    return GPT2LMHeadModel(cfg)


def infer_tps(model, vocab, batch=32, seq=64, reps=5):
    import torch
    model.eval()
    x = torch.randint(1, vocab, (batch, seq))
    with torch.inference_mode():
        model(input_ids=x)
        best = 1e9
        for _ in range(reps):
            t0 = time.perf_counter()
            model(input_ids=x)
            best = min(best, time.perf_counter() - t0)
    return batch * seq / best


def train_tps(model, vocab, batch=32, seq=128, steps=4):
    import torch
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x = torch.randint(1, vocab, (batch, seq))
    ts = []
    for i in range(steps + 1):
        t0 = time.perf_counter()
        loss = model(input_ids=x, labels=x).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if i:
            ts.append(time.perf_counter() - t0)
    return batch * seq / (sum(ts) / len(ts))


def main(argv=None):
    import torch
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="4/256/4,4/192/4,6/256/8")
    ap.add_argument("--vocab", default="8192,16384")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-train", action="store_true")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    for v in [int(x) for x in a.vocab.split(",")]:
        for s in a.sizes.split(","):
            L, E, H = map(int, s.split("/"))
            m = build(L, E, H, v)
            n = sum(p.numel() for p in m.parameters())
            r = {"size": s, "vocab": v, "params_M": round(n / 1e6, 2),
                 "infer_tps_b32_s64": round(infer_tps(m, v))}
            if not a.no_train:
                r["train_tps_b32_s128"] = round(train_tps(m, v))
            print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
