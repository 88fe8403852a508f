#!/usr/bin/env python
"""Benchmark the shipped news LM (models/newslm-*) against n-gram baselines.

Prints:
  * test-split perplexity (per BPE token and per whitespace word) of the model, a token
    unigram, a token KN trigram, a word unigram and a word KN trigram (baselines trained
    on every k-th article of the TRAINING split; all models predict every word/token of
    the sentence plus end-of-sentence, so per-word figures are directly comparable;
    the word models are open-vocabulary via a character spelling model);
  * CPU inference throughput (tokens/s) at batch 1/8/32, seq 64, fp32 / bf16 /
    dynamic int8, measured in two rounds (the CPU is shared);
  * model load time;
  * discrimination: (a) mean per-word surprisal of the seed article's annotated
    `should` spans vs the rest of the seed; (b) clean held-out sentences vs the same
    sentences with their words shuffled (fixed seed): % where shuffled is worse.

The test split is rebuilt from the raw corpus exactly as ``mtqa.lm.prepare`` made it
(same article hash, normalisation and sentence splitter; config from the model
folder's training_config.yaml).

    python benchmarks/bench_lm.py [--data ../shared/data] [--model models/newslm-5m]
                                  [--quick] [--write]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from mtqa.lm.normalize import normalize_text, split_sentences  # noqa: E402

LN2 = math.log(2)


def resolve_path(p: str) -> Path:
    q = Path(p)
    if q.is_absolute() or q.exists():
        return q.resolve()
    return (REPO / p).resolve()


def load_splits(cfg: dict, data_root: Path, train_every: int):
    from mtqa.lm.prepare import read_articles, split_of
    d = cfg["data"]
    test, train_sample = [], []
    n_train = 0
    for rel in d["train_files"]:
        p = data_root / rel
        for i, art in enumerate(read_articles(p)):
            s = split_of(f"{p.name}:{i}", d["split_seed"], d["val_frac"], d["test_frac"])
            if s == "val":
                continue
            if s == "train":
                n_train += 1
                if n_train % train_every:
                    continue
            sents = []
            for par in art:
                par = normalize_text(par)
                if par:
                    sents.extend(x for x in split_sentences(par)
                                 if d.get("min_sentence_chars", 2) <= len(x) <= d.get("max_sentence_chars", 1000))
            (test if s == "test" else train_sample).extend(sents)
    return test, train_sample


# --------------------------------------------------------------------------- LM
def lm_nll(lm, sentences, batch_size=64):
    """Return (total nats incl. EOS, n_tokens incl. EOS, per-sentence Scored)."""
    sc = lm.score(sentences, batch_size=batch_size, normalize=False, add_eos=True)
    bits = sum(s.total_bits(include_eos=True) for s in sc)
    ntok = sum(len(s.surprisal) + 1 for s in sc)
    return bits * LN2, ntok, sc


def perplexities(lm, test, train_sample, tok, args):
    from mtqa.lm.ngram import CharSpelling, KNTrigram, Unigram
    n_words = sum(len(s.split()) + 1 for s in test)            # +1: end of sentence
    res = {}
    t0 = time.time()
    nll, ntok, _ = lm_nll(lm, test)
    res["newslm"] = {"nll_nats": nll, "n_tokens": ntok}
    print(f"  LM scored {len(test)} test sentences in {time.time() - t0:.0f}s", file=sys.stderr)
    # token baselines (same BPE tokens as the model; uniform base over the vocab)
    V = len(tok)
    tr_tok = [tok(s, add_special_tokens=False)["input_ids"] for s in train_sample]
    te_tok = [tok(s, add_special_tokens=False)["input_ids"] for s in test]
    ntok_ng = sum(len(x) + 1 for x in te_tok)
    lp0 = -math.log(V - 1)
    t0 = time.time()
    uni = Unigram(tr_tok, lambda w: lp0)
    res["token_unigram"] = {"nll_nats": -sum(uni.logp_sentence(s) for s in te_tok), "n_tokens": ntok_ng}
    kn = KNTrigram(tr_tok, lambda w: lp0)
    res["token_kn_trigram"] = {"nll_nats": -sum(kn.logp_sentence(s) for s in te_tok), "n_tokens": ntok_ng}
    del kn
    print(f"  token n-grams in {time.time() - t0:.0f}s", file=sys.stderr)
    # word baselines (whitespace words, open vocabulary via character spelling model)
    t0 = time.time()
    tr_w = [s.split() for s in train_sample]
    te_w = [s.split() for s in test]
    sp = CharSpelling({w for s in tr_w for w in s})
    uni = Unigram(tr_w, sp.logp)
    res["word_unigram"] = {"nll_nats": -sum(uni.logp_sentence(s) for s in te_w)}
    kn = KNTrigram(tr_w, sp.logp)
    res["word_kn_trigram"] = {"nll_nats": -sum(kn.logp_sentence(s) for s in te_w)}
    del kn
    print(f"  word n-grams in {time.time() - t0:.0f}s", file=sys.stderr)
    for k, v in res.items():
        v["ppl_word"] = math.exp(v["nll_nats"] / n_words)
        if "n_tokens" in v:
            v["ppl_token"] = math.exp(v["nll_nats"] / v["n_tokens"])
        v["bits_per_word"] = v["nll_nats"] / n_words / LN2
    return res, {"test_sentences": len(test), "test_words_plus_eos": n_words,
                 "baseline_train_sentences": len(train_sample),
                 "baseline_train_words": sum(len(s) for s in tr_w)}


# ------------------------------------------------------------------ throughput
def _conv1d_to_linear(model):
    import torch
    from transformers.pytorch_utils import Conv1D
    for name, mod in list(model.named_modules()):
        for cn, child in list(mod.named_children()):
            if isinstance(child, Conv1D):
                lin = torch.nn.Linear(child.weight.shape[0], child.weight.shape[1])
                lin.weight.data = child.weight.data.t().contiguous()
                lin.bias.data = child.bias.data.clone()
                setattr(mod, cn, lin)
    return model


def variants(model_dir):
    import copy
    import torch
    from transformers import AutoModelForCausalLM
    m = AutoModelForCausalLM.from_pretrained(model_dir, use_safetensors=True).eval()
    yield "fp32", m
    yield "bf16", copy.deepcopy(m).to(torch.bfloat16)
    try:
        q = _conv1d_to_linear(copy.deepcopy(m))
        q = torch.ao.quantization.quantize_dynamic(q, {torch.nn.Linear}, dtype=torch.qint8)
        yield "int8_dynamic", q
    except Exception as e:  # pragma: no cover - depends on torch build
        print(f"  int8 dynamic quantisation unavailable: {e}", file=sys.stderr)


def tokens_per_s(model, batch, seq=64, min_s=2.0):
    import torch
    g = torch.Generator().manual_seed(0)
    x = torch.randint(1, model.config.vocab_size, (batch, seq), generator=g)
    with torch.inference_mode():
        model(input_ids=x)
        times = []
        t_end = time.perf_counter() + min_s
        while time.perf_counter() < t_end or len(times) < 3:
            t0 = time.perf_counter()
            model(input_ids=x)
            times.append(time.perf_counter() - t0)
    times.sort()
    return batch * seq / times[len(times) // 2]


def throughput(model_dir, test_subset, lm_fp32):
    res = {}
    for name, m in variants(model_dir):
        r = {}
        for rnd in (1, 2):
            for b in (1, 8, 32):
                r.setdefault(f"b{b}", []).append(round(tokens_per_s(m, b)))
        # quality check of the variant on a few test sentences
        from mtqa.lm.scoring import NewsLM
        lm = NewsLM.__new__(NewsLM)
        lm.tok, lm.model, lm.bos, lm.max_len = lm_fp32.tok, m, lm_fp32.bos, lm_fp32.max_len
        nll, ntok, _ = lm_nll(lm, test_subset)
        r["ppl_token_subset"] = round(math.exp(nll / ntok), 2)
        res[name] = r
        print(f"  {name}: {r}", file=sys.stderr)
    return res


# ------------------------------------------------------------- discrimination
def shuffle_test(lm, path: Path, n: int, seed: int = 13):
    lines = [l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    rng = random.Random(seed)
    sample = rng.sample(lines, min(n, len(lines)))
    orig, shuf = [], []
    for s in sample:
        w = normalize_text(s).split()
        if len(w) < 3:
            continue
        p = w[:]
        for _ in range(10):
            rng.shuffle(p)
            if p != w:
                break
        orig.append(" ".join(w))
        shuf.append(" ".join(p))
    so = lm.score(orig, normalize=False)
    ss = lm.score(shuf, normalize=False)
    win = sum(b.mean_per_word() > a.mean_per_word() for a, b in zip(so, ss))
    win_eos = sum(b.total_bits(True) > a.total_bits(True) for a, b in zip(so, ss))
    win_tok = sum(b.mean_per_token() > a.mean_per_token() for a, b in zip(so, ss))
    n = len(orig)
    return {"n": n, "pct_shuffled_higher_per_word": round(100 * win / n, 2),
            "pct_shuffled_higher_incl_eos": round(100 * win_eos / n, 2),
            "pct_shuffled_higher_per_token": round(100 * win_tok / n, 2),
            "mean_bits_per_word_orig": round(sum(a.mean_per_word() for a in so) / n, 3),
            "mean_bits_per_word_shuffled": round(sum(b.mean_per_word() for b in ss) / n, 3)}


def seed_words(lm, text: str):
    """Score every sentence of the seed; return [(start, end, bits)] per word with
    offsets into the ORIGINAL text (normalisation is done word by word)."""
    sents = []
    for m in re.finditer(r"[^\n]+", text):
        par, base = m.group(0), m.start()
        cur = 0
        for s in split_sentences(par):
            first = s.split()[0]
            j = par.find(first, cur)
            words = []
            for wm in re.finditer(r"\S+", par[j:]):
                words.append((base + j + wm.start(), base + j + wm.end(), wm.group(0)))
                if len(" ".join(x[2] for x in words)) >= len(s):
                    break
            cur = words[-1][1] - base
            sents.append(words)
    norm = []
    for words in sents:
        nw = [normalize_text(w[2]) or "_" for w in words]
        starts, pos = [], 0
        for w in nw:
            starts.append(pos)
            pos += len(w) + 1
        norm.append((" ".join(nw), starts))
    scored = lm.score([n[0] for n in norm], normalize=False)
    out = []
    for words, (ntext, starts), sc in zip(sents, norm, scored):
        bits = [0.0] * len(words)
        for (a, b), s in zip(sc.offsets, sc.surprisal):
            c = max(a, b - 1)
            k = max(i for i, st in enumerate(starts) if st <= c)
            bits[k] += s
        out.extend((w[0], w[1], bt) for w, bt in zip(words, bits))
    return out


def seed_test(lm, seeds_dir: Path):
    res = {}
    for exp in sorted(seeds_dir.glob("*.expected.json")):
        ann = json.loads(exp.read_text(encoding="utf-8"))
        text = (seeds_dir / ann["file"]).read_text(encoding="utf-8")
        words = seed_words(lm, text)
        spans = [(x["start"], x["end"]) for x in ann.get("should", [])]
        inside = [w for w in words if any(w[0] < e and w[1] > s for s, e in spans)]
        rest = [w for w in words if not any(w[0] < e and w[1] > s for s, e in spans)]
        per_span = []
        for x in ann.get("should", []):
            ws = [w[2] for w in words if w[0] < x["end"] and w[1] > x["start"]]
            per_span.append({"text": x["text"], "bits_per_word": round(sum(ws) / max(1, len(ws)), 3)})
        mi = sum(w[2] for w in inside) / max(1, len(inside))
        mr = sum(w[2] for w in rest) / max(1, len(rest))
        res[ann["file"]] = {"should_bits_per_word": round(mi, 3), "rest_bits_per_word": round(mr, 3),
                            "should_words": len(inside), "rest_words": len(rest),
                            "should_higher": mi > mr, "spans": per_span}
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--model", default=None, help="default: models/newslm-* in the repo")
    ap.add_argument("--seeds", default=None, help="default: seeds/ in the repo, else ../shared/seeds")
    ap.add_argument("--train-every", type=int, default=10, help="baselines train on every k-th train article")
    ap.add_argument("--shuffle-n", type=int, default=2000)
    ap.add_argument("--quick", action="store_true", help="1,500 test sentences, train-every 50, shuffle-n 500")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip", default="", help="comma list of: ppl,speed,seed,shuffle")
    ap.add_argument("--write", action="store_true", help="write bench_results.json into the model folder")
    a = ap.parse_args(argv)
    import torch
    torch.set_num_threads(a.threads)
    skip = set(filter(None, a.skip.split(",")))
    from mtqa.lm.scoring import NewsLM, default_model_dir
    model_dir = resolve_path(a.model) if a.model else default_model_dir()
    data_root = resolve_path(a.data)
    out = {"model": str(model_dir.relative_to(REPO) if model_dir.is_relative_to(REPO) else model_dir),
           "measured_at": time.strftime("%Y-%m-%d %H:%M %Z"), "threads": a.threads,
           "loadavg_at_start": os.getloadavg()}
    info = model_dir / "export_info.json"
    if info.exists():
        out["step"] = json.loads(info.read_text()).get("step")
    # load time (imports done above/at first call are excluded; two rounds)
    lts = []
    for _ in range(2):
        t0 = time.perf_counter()
        lm = NewsLM(model_dir)
        lts.append(round(time.perf_counter() - t0, 3))
    out["load_time_s"] = lts
    print(f"model {model_dir}  params {sum(p.numel() for p in lm.model.parameters()):,}  load {lts} s")

    if a.quick:
        a.train_every, a.shuffle_n = 50, 500
    test = None
    if not skip >= {"ppl", "speed"}:
        cfg_p = model_dir / "training_config.yaml"
        from mtqa.lm.config import load_config
        cfg = load_config(cfg_p if cfg_p.exists() else REPO / "configs/lm/newslm-5m.yaml")
        t0 = time.time()
        test, train_sample = load_splits(cfg, data_root, a.train_every)
        print(f"  data: the LM's own split (configs/lm; not a clean-news part): {len(test)} test sentences, {len(train_sample)} baseline-train sentences "
              f"({time.time() - t0:.0f}s)", file=sys.stderr)
        # sentences longer than the model context are excluded for ALL models (the LM
        # would otherwise score only a prefix)
        maxlen = lm.max_len - 2
        n0 = len(test)
        test = [s for s in test if len(lm.tok(s, add_special_tokens=False)["input_ids"]) <= maxlen]
        out["test_sentences_excluded_too_long"] = n0 - len(test)
        if a.quick:
            test = random.Random(0).sample(test, min(1500, len(test)))
    if "ppl" not in skip:
        ppl, meta = perplexities(lm, test, train_sample, lm.tok, a)
        out["perplexity"] = {k: {kk: round(vv, 3) for kk, vv in v.items() if kk.startswith(("ppl", "bits"))}
                             for k, v in ppl.items()}
        out["perplexity_meta"] = meta
        print("\nTest-split perplexity (per BPE token / per whitespace word incl. end-of-sentence):")
        for k, v in ppl.items():
            print(f"  {k:18s} ppl/token {v.get('ppl_token', float('nan')):10.2f}   ppl/word {v['ppl_word']:10.2f}"
                  f"   bits/word {v['bits_per_word']:.3f}")
        print(f"  {meta}")
    if "speed" not in skip:
        sub = random.Random(1).sample(test, min(300, len(test)))
        out["throughput"] = throughput(model_dir, sub, lm)
        print("\nCPU inference tokens/s (seq 64, torch.inference_mode, two rounds):")
        for k, v in out["throughput"].items():
            print(f"  {k:13s} " + "  ".join(f"{b}: {v[b]}" for b in ("b1", "b8", "b32"))
                  + f"   ppl/token on 300 test sents {v['ppl_token_subset']}")
        b32 = max(out["throughput"]["fp32"]["b32"])
        print(f"  fp32 batch 32 best round: {b32} tokens/s  ->  {'PASS' if b32 >= 5000 else 'FAIL'} (>= 5,000)")
    if "seed" not in skip:
        sd = resolve_path(a.seeds) if a.seeds else (REPO / "seeds")
        if not any(sd.glob("*.expected.json")):
            sd = resolve_path("../shared/seeds")
        out["seed_should_spans"] = seed_test(lm, sd)
        print("\nSeed `should` spans vs rest (mean surprisal, bits per word):")
        for f, r in out["seed_should_spans"].items():
            print(f"  {f}: should {r['should_bits_per_word']} vs rest {r['rest_bits_per_word']}"
                  f"  -> {'PASS' if r['should_higher'] else 'FAIL'}")
            for s in r["spans"]:
                print(f"      {s['bits_per_word']:6.2f}  {s['text']}")
    if "shuffle" not in skip:
        path = data_root / "corpus/clean/allsides_heldout_sentences.txt"
        out["shuffle_test"] = shuffle_test(lm, path, a.shuffle_n)
        r = out["shuffle_test"]
        print(f"\nShuffled vs original ({r['n']} held-out sentences): shuffled higher mean surprisal/word in "
              f"{r['pct_shuffled_higher_per_word']} %  -> {'PASS' if r['pct_shuffled_higher_per_word'] >= 95 else 'FAIL'} (>= 95 %)")
        print(f"  {r}")
    if a.write:
        (model_dir / "bench_results.json").write_text(json.dumps(out, indent=1) + "\n")
        print(f"\nwrote {model_dir / 'bench_results.json'}")


if __name__ == "__main__":
    main()
