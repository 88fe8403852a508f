"""Config loading for newslm (YAML or JSON; YAML needs PyYAML, which transformers pulls in)."""
from __future__ import annotations

import copy
import json
import os
from pathlib import Path

DEFAULTS = {
    "name": "newslm",
    "data": {
        "root": "../shared/data",                      # relative to repo root or absolute
        "train_files": ["corpus/train/allsides_political_news.txt.xz"],
        "val_frac": 0.01,          # fraction of ARTICLES held out for validation
        "test_frac": 0.01,         # fraction of ARTICLES held out for test
        "split_seed": 1234,
        "min_sentence_chars": 2,
        "max_sentence_chars": 1000,
    },
    "workdir": "/work/lmwork/newslm",                 # checkpoints, token caches, logs
    "tokenizer": {"vocab_size": 8192, "train_sample_mb": 60, "min_frequency": 2},
    "model": {"n_layer": 4, "n_embd": 256, "n_head": 4, "n_positions": 128,
              "dropout": 0.0},
    "train": {
        "seed": 1234, "threads": 2, "seq_len": 128, "batch_size": 32,
        "lr": 2.0e-3, "min_lr": 1.0e-4, "warmup_steps": 200, "max_steps": 4000,
        "weight_decay": 0.1, "beta1": 0.9, "beta2": 0.95, "grad_clip": 1.0,
        "eval_every": 250, "eval_batches": 20, "log_every": 10,
        "ckpt_every_s": 300, "keep_ckpts": 3, "adaptive_threads": True, "retune_every": 100,
        "precision": "fp32",          # or "bf16": autocast matmuls, fp32 weights/optimiser/loss
    },
    "export": {"out_dir": "models/newslm-5m"},
}

REPO_ROOT = Path(__file__).resolve().parents[2]


def _merge(a, b):
    out = copy.deepcopy(a)
    for k, v in (b or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def load_config(path) -> dict:
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        import yaml
        raw = yaml.safe_load(text)
    else:
        raw = json.loads(text)
    cfg = _merge(DEFAULTS, raw)
    cfg["_config_path"] = str(path.resolve())
    _validate(cfg, path)
    return cfg


def _validate(cfg: dict, path: Path) -> None:
    """Refuse settings every step would trip over, when the config is read (not an hour
    into training): prepare, train and export all load configs through here."""
    precision = cfg["train"].get("precision", "fp32")
    if precision not in ("fp32", "bf16"):
        raise SystemExit(f"{path}: train.precision must be fp32 or bf16, not {precision!r}")


def resolve(p, base: Path = REPO_ROOT) -> Path:
    p = Path(os.path.expanduser(str(p)))
    return p if p.is_absolute() else (base / p).resolve()


def workdir(cfg) -> Path:
    w = resolve(cfg["workdir"])
    w.mkdir(parents=True, exist_ok=True)
    return w
