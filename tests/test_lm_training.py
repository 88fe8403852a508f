"""The LM training pipeline end to end on a tiny model: train, export, continue
from the exported weights (``train.init_from``), export again.

Real code paths (torch training steps, checkpoints, safetensors export, model
card); the token cache is made here from the shipped tokenizer, so no
``../shared/data`` is needed.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import yaml

from mtqa.fluency import default_model_path

from conftest import required

MODEL = default_model_path()
pytestmark = required(MODEL is None, "no shipped model (its tokenizer builds the token cache)")

SENTENCES = [
    "The minister said on Tuesday that the talks would continue.",
    "Officials in Washington declined to comment on the report.",
    "The central bank left interest rates unchanged in March.",
    "Protesters gathered outside the parliament building on Sunday.",
]


def _workdir(tmp_path, name):
    from tokenizers import Tokenizer

    wd = tmp_path / name
    data = wd / "data"
    data.mkdir(parents=True)
    shutil.copyfile(MODEL / "tokenizer.json", data / "tokenizer.json")
    tok = Tokenizer.from_file(str(data / "tokenizer.json"))
    ids: list[int] = []
    for i in range(300):
        ids += [0, *tok.encode(SENTENCES[i % len(SENTENCES)]).ids]
    arr = np.array(ids, dtype=np.uint16)
    np.save(data / "train.npy", arr)
    np.save(data / "val.npy", arr[: 2000])
    return wd


def _config(tmp_path, name, out, **train):
    cfg = {"name": "tiny", "workdir": str(_workdir(tmp_path, name)),
           "model": {"n_layer": 1, "n_embd": 32, "n_head": 2, "n_positions": 32},
           "train": {"seed": 1, "threads": 1, "seq_len": 16, "batch_size": 4, "lr": 3e-3, "min_lr": 1e-4,
                     "warmup_steps": 2, "max_steps": 6, "eval_every": 3, "eval_batches": 2, "log_every": 3,
                     "ckpt_every_s": 3600, "adaptive_threads": False, **train},
           "export": {"out_dir": str(out)}}
    p = tmp_path / f"{name}.yaml"
    p.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return p


@pytest.fixture
def keep_threads():
    import torch

    n = torch.get_num_threads()
    yield
    torch.set_num_threads(n)  # train() sets the process-wide torch thread count


def test_train_export_continue_export(tmp_path, keep_threads):
    from safetensors.torch import load_file

    from mtqa.lm.export import export
    from mtqa.lm.train import train
    from mtqa.lm.config import load_config

    out = tmp_path / "tiny-model"
    first = _config(tmp_path, "stage1", out)
    train(first)
    export(first)
    w1 = load_file(str(out / "model.safetensors"))
    info1 = json.loads((out / "export_info.json").read_text())
    assert info1["step"] == 6 and info1["final"] and info1["tokens_seen"] == 6 * 4 * 16
    assert "previous_stages" not in info1

    second = _config(tmp_path, "stage2", out, init_from=str(out), seed=2, max_steps=4)
    res = train(second)
    assert res is not None
    log = [json.loads(x) for x in (tmp_path / "stage2" / "train_log.jsonl").read_text().splitlines()]
    start = next(r for r in log if r.get("event") == "start")
    assert start["step"] == 0  # a new run, not a resumed one
    export(second)
    info2 = json.loads((out / "export_info.json").read_text())
    assert info2["tokens_seen_before"] == info1["tokens_seen"]
    assert info2["tokens_seen"] == info1["tokens_seen"] + 4 * 4 * 16
    (prev,) = info2["previous_stages"]
    assert prev["step"] == 6 and prev["tokens_seen"] == info1["tokens_seen"]
    assert (out / "train_log.stage1.jsonl").is_file()
    card = (out / "README.md").read_text()
    assert "Stage 1:" in card and "Stage 2 (this run" in card
    w2 = load_file(str(out / "model.safetensors"))
    assert set(w1) == set(w2) and any(not np.allclose(w1[k].numpy(), w2[k].numpy()) for k in w1)

    # exporting the same run again keeps one previous stage (not its own earlier export)
    export(second)
    assert len(json.loads((out / "export_info.json").read_text())["previous_stages"]) == 1

    # a third stage from stage 2's export, matrix products in bf16 autocast
    third = _config(tmp_path, "stage3", out, init_from=str(out), seed=3, max_steps=3, precision="bf16")
    train(third)
    log3 = [json.loads(x) for x in (tmp_path / "stage3" / "train_log.jsonl").read_text().splitlines()]
    assert next(r for r in log3 if r.get("event") == "start")["precision"] == "bf16"
    losses = [r["loss"] for r in log3 if "loss" in r]
    assert losses and all(np.isfinite(losses))
    # the same stage in fp32 (same weights, seed and batches): bf16 products really ran, and stay close
    same32 = _config(tmp_path, "stage3-fp32", tmp_path / "fp32-out", init_from=str(out), seed=3, max_steps=3)
    train(same32)
    log32 = [json.loads(x) for x in (tmp_path / "stage3-fp32" / "train_log.jsonl").read_text().splitlines()]
    losses32 = [r["loss"] for r in log32 if "loss" in r]
    assert len(losses32) == len(losses) and max(abs(a - b) for a, b in zip(losses, losses32)) < 0.1
    import torch

    from mtqa.lm.train import latest_ckpt

    wb, wf = (torch.load(latest_ckpt(tmp_path / d / "ckpt"), weights_only=True)["model"]
              for d in ("stage3", "stage3-fp32"))
    diff = max(float((wb[k] - wf[k]).abs().max()) for k in wb)
    assert 0 < diff < 0.05, diff  # different rounding, the same training
    export(third)
    info3 = json.loads((out / "export_info.json").read_text())
    assert [p["tokens_seen"] for p in info3["previous_stages"]] == [info1["tokens_seen"], info2["tokens_seen"]]
    assert info3["tokens_seen"] == info2["tokens_seen"] + 3 * 4 * 16
    assert (out / "train_log.stage2.jsonl").is_file()
    card = (out / "README.md").read_text()
    assert "Stage 2:" in card and "Stage 3 (this run" in card and "bf16 autocast" in card

    bad_precision = _config(tmp_path, "badprec", tmp_path / "bp-out", precision="fp16")
    with pytest.raises(SystemExit, match="precision must be fp32 or bf16"):
        train(bad_precision)
    with pytest.raises(SystemExit, match="precision must be fp32 or bf16"):  # refused when read, by every step
        load_config(bad_precision)

    # weights that do not fit the configured model are refused, not half-loaded
    bad = _config(tmp_path, "bad", tmp_path / "bad-out", init_from=str(out))
    cfg = yaml.safe_load(bad.read_text())
    cfg["model"]["n_embd"] = 64
    bad.write_text(yaml.safe_dump(cfg))
    with pytest.raises(SystemExit, match="do not fit"):
        train(bad)
