"""Export a training checkpoint to a self-contained HF model folder (safetensors).

    python -m mtqa.lm.export CONFIG [--checkpoint PATH] [--out models/newslm-5m]

Safe to run while training continues (it only reads the latest complete checkpoint).
Writes: config.json, generation_config.json, model.safetensors, tokenizer.json,
tokenizer_config.json, special_tokens_map.json, train_log.jsonl, loss_curve.csv,
training_config.yaml, export_info.json and the model card README.md (which includes
bench_results.json figures when ``benchmarks/bench_lm.py --write`` has produced them).
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import time
from pathlib import Path

from .config import load_config, resolve, workdir
from .tokenizer import EOT, to_hf


def _previous_stages(out: Path, extra: dict, config_name: str) -> list:
    """Summaries of the runs a continued run (``train.init_from``) started from.

    Read from the ``export_info.json`` already in ``out`` before it is overwritten: when
    it is this run's own earlier export, its list is kept; otherwise that export is the
    previous stage."""
    if not extra.get("init_from"):
        return []
    prior = _read_json(out / "export_info.json") or {}
    if not prior:
        return []
    if prior.get("config") == config_name:
        return list(prior.get("previous_stages") or [])
    keys = ("config", "checkpoint", "step", "max_steps", "tokens_seen", "train_seconds", "wall_seconds", "last_val")
    summary = {k: prior.get(k) for k in keys}
    summary["config"] = summary["config"] or "configs/lm/newslm-5m.yaml"  # first exports did not record it
    return list(prior.get("previous_stages") or []) + [summary]


def export(config_path, out_dir=None, checkpoint=None) -> Path:
    import torch
    from .train import build_model, latest_ckpt
    cfg = load_config(config_path)
    wd = workdir(cfg)
    out = resolve(out_dir or cfg["export"]["out_dir"])
    ck = Path(checkpoint) if checkpoint else latest_ckpt(wd / "ckpt")
    if ck is None:
        raise FileNotFoundError(f"no checkpoint in {wd / 'ckpt'}")
    st = torch.load(ck, map_location="cpu", weights_only=True)   # work-dir file, tensors only
    try:
        config_name = str(Path(cfg["_config_path"]).resolve().relative_to(resolve(".")))
    except ValueError:
        config_name = str(cfg["_config_path"])
    stages = _previous_stages(out, st["extra"], config_name)
    hf_tok = to_hf(wd / "data" / "tokenizer.json", cfg["model"]["n_positions"])
    model = build_model(cfg, len(hf_tok))
    model.load_state_dict(st["model"])
    model.eval()
    gc = model.generation_config
    gc.bos_token_id = gc.eos_token_id = gc.pad_token_id = 0
    gc.max_length = cfg["model"]["n_positions"]
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("pytorch_model.bin", "model.safetensors"):
        if (out / stale).exists():
            (out / stale).unlink()
    model.save_pretrained(out, safe_serialization=True)
    (out / "model.safetensors").chmod(0o644)
    hf_tok.save_pretrained(out)
    # "PreTrainedTokenizerFast" loads in transformers 4.x and 5.x (alias of TokenizersBackend)
    tcp = out / "tokenizer_config.json"
    tc = json.loads(tcp.read_text())
    tc["tokenizer_class"] = "PreTrainedTokenizerFast"
    tcp.write_text(json.dumps(tc, indent=2) + "\n")
    stm = out / "special_tokens_map.json"
    if not stm.exists():
        stm.write_text(json.dumps({"bos_token": EOT, "eos_token": EOT, "pad_token": EOT,
                                   "unk_token": EOT}, indent=2) + "\n")
    # logs next to the model
    log = wd / "train_log.jsonl"
    kept = out / f"train_log.stage{len(stages)}.jsonl"  # keep the log of the run this one continued
    if stages and not kept.exists() and (out / "train_log.jsonl").exists():
        shutil.copyfile(out / "train_log.jsonl", kept)
    if log.exists():
        shutil.copyfile(log, out / "train_log.jsonl")
        _loss_csv(log, out / "loss_curve.csv")
    shutil.copyfile(cfg["_config_path"], out / "training_config.yaml")
    n_params = sum(p.numel() for p in model.parameters())
    prep = _read_json(wd / "data" / "prep_stats.json")
    info = {
        "config": config_name,
        "checkpoint": ck.name, "step": int(st["step"]),
        "max_steps": cfg["train"]["max_steps"],
        "final": int(st["step"]) >= cfg["train"]["max_steps"],
        "tokens_seen": int(st["extra"].get("tokens_seen", 0)),
        "train_seconds": round(float(st["extra"].get("train_seconds", 0.0)), 1),
        "params": n_params, "vocab_size": len(hf_tok),
        "exported_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "last_val": _last_val(log, int(st["step"])) if log.exists() else None,
        "wall_seconds": _wall(log, int(st["step"])) if log.exists() else None,
        "train_tokens": (_read_json(wd / "data" / "token_counts.json") or {}).get("train"),
        "data": prep,
        "tokenizer_compare": _read_json(wd / "data" / "tokenizer_compare.json"),
    }
    if stages:
        info["init_from"] = st["extra"].get("init_from")
        info["tokens_seen_before"] = int(st["extra"].get("tokens_seen_before", 0))
        info["previous_stages"] = stages
    (out / "export_info.json").write_text(json.dumps(info, indent=1) + "\n")
    from .card import write_card
    write_card(out, cfg, info)
    return out


def _read_json(p: Path):
    try:
        return json.loads(Path(p).read_text())
    except (OSError, ValueError):
        return None


def _last_val(log: Path, step: int):
    last = None
    for line in log.read_text().splitlines():
        r = json.loads(line)
        if "val_loss" in r and r["step"] <= step:
            last = r
    return last


def _wall(log: Path, step: int):
    """Wall-clock seconds of training up to ``step`` (sums the segments of resumed runs)."""
    total, seg_start, last = 0.0, None, None
    for line in log.read_text().splitlines():
        r = json.loads(line)
        if r.get("event") == "start":
            if seg_start is not None and last is not None:
                total += last - seg_start
            seg_start, last = r["time"], r["time"]
        elif "time" in r and r.get("step", 0) <= step:
            last = r["time"]
    if seg_start is not None and last is not None:
        total += last - seg_start
    return round(total, 1)


def _loss_csv(log: Path, out: Path):
    rows = {}
    for line in log.read_text().splitlines():
        r = json.loads(line)
        if "step" not in r or "event" in r:
            continue
        row = rows.setdefault(r["step"], {"step": r["step"]})
        for k in ("loss", "val_loss", "lr", "tokens_seen", "train_seconds", "tok_per_s"):
            if k in r:
                row[k] = r[k]
    cols = ["step", "tokens_seen", "train_seconds", "lr", "loss", "val_loss", "tok_per_s"]
    with open(out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        for s in sorted(rows):
            w.writerow({c: rows[s].get(c, "") for c in cols})


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config")
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    print(export(a.config, a.out, a.checkpoint))


if __name__ == "__main__":
    main()
