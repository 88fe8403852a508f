"""The engine's generic path, the one ``--model`` takes for any causal LM that is not a
plain GPT-2 (and the one a GPU runs): the model's own padded forward with an attention
mask and explicit positions, the LM head applied at real positions only, long sentences
in overlapping windows.  The shipped model never takes it on the CPU (it runs the packed
forward), so these tests build tiny randomly initialised models of other kinds here,
save them as a user would get them from the hub (safetensors + the shipped tokenizer)
and check the engine's log-probabilities against the model's own full forward.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from mtqa.fluency import default_model_path

from conftest import required

MODEL = default_model_path()
needs_model = required(MODEL is None, "no shipped model (its tokenizer is used here)")

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
SENTENCES = [
    "The minister said on Tuesday that talks would resume.",
    "Officials in Geneva declined to comment on the report, which was published late on Friday.",
    "Rain.",
    # longer than the tiny models' 48-position context: scored in several overlapping windows
    " ".join(["The committee, which met in Brussels on Monday, said that the proposal would be "
              "discussed again by ministers before the end of the year."] * 3),
]


def _save(model, path):
    import torch

    with torch.no_grad():  # a random model far from uniform, so that a wrong score shows
        for p in model.parameters():
            if p.dim() >= 2:
                p.normal_(0.0, 0.3)
    model.eval()
    model.save_pretrained(path, safe_serialization=True)
    for name in TOKENIZER_FILES:
        if (MODEL / name).is_file():
            shutil.copyfile(MODEL / name, path / name)
    return path


@pytest.fixture(scope="module")
def llama_dir(tmp_path_factory):
    if MODEL is None:
        pytest.fail("no shipped model (its tokenizer is used here)")
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=8192, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=48,
                      bos_token_id=0, eos_token_id=0, pad_token_id=0, tie_word_embeddings=False)
    return _save(LlamaForCausalLM(cfg), tmp_path_factory.mktemp("llama"))


@pytest.fixture(scope="module")
def gpt2_variant_dir(tmp_path_factory):
    """A GPT-2 with layer-index attention scaling: a config the packed forward does not
    implement, so the engine must notice and use the model's own forward."""
    if MODEL is None:
        pytest.fail("no shipped model (its tokenizer is used here)")
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(1)
    cfg = GPT2Config(vocab_size=8192, n_embd=64, n_layer=2, n_head=4, n_positions=48,
                     scale_attn_by_inverse_layer_idx=True, bos_token_id=0, eos_token_id=0)
    return _save(GPT2LMHeadModel(cfg), tmp_path_factory.mktemp("gpt2var"))


def _direct(engine, row):
    """log p of row[1:] from the model's own full forward over ``row`` (one sequence, no batch)."""
    import torch

    with torch.inference_mode():
        x = torch.tensor([row])
        logits = engine.model(input_ids=x, attention_mask=torch.ones_like(x), use_cache=False).logits[0, :-1]
        return torch.log_softmax(logits.float(), -1).gather(1, x[0, 1:].unsqueeze(1)).squeeze(1).numpy()


def _check_against_model(engine):
    import numpy as np

    ids, _ = engine.encode(SENTENCES)
    assert len(ids[-1]) > engine.window  # the long one really needs windows
    batched = engine.logprobs(ids)
    alone = engine.logprobs(ids, batched=False)
    for b, a in zip(batched, alone):
        assert np.abs(b - a).max() < 1e-4  # padding never leaks into a score
    spread = np.concatenate(batched)
    assert spread.std() > 0.5  # far from uniform: the comparisons below can fail
    for seq, got in zip(ids, batched):
        want = np.zeros(len(seq), dtype=np.float32)
        for row, a, b in engine.rows_for(seq):  # each window scored from its own context
            lp = _direct(engine, row)
            want[a:b] = lp[len(lp) - (b - a):]
        assert np.abs(got - want).max() < 1e-4
    # the first window of the long sentence is the sentence's own start, BOS first
    first_row = engine.rows_for(ids[-1])[0][0]
    assert first_row[0] == engine.bos_id and len(first_row) == engine.window


@needs_model
def test_a_llama_runs_packed_and_matches_its_own_forward(llama_dir):
    from mtqa.fluency.engine import get_engine

    engine = get_engine(str(llama_dir), "cpu", precision="fp32")
    assert engine.packed is not None and engine.describe()["forward"] == "packed"  # PackedLlama
    assert str(engine.dtype) == "torch.float32" and engine.window == 48
    _check_against_model(engine)


@needs_model
def test_a_gpt2_config_the_packed_forward_does_not_implement_falls_back(gpt2_variant_dir):
    from mtqa.fluency.engine import get_engine

    engine = get_engine(str(gpt2_variant_dir), "cpu")
    assert engine.packed is None and engine.describe()["forward"] == "model"
    _check_against_model(engine)


@needs_model
def test_bf16_is_refused_where_it_would_make_scores_batch_dependent(gpt2_variant_dir):
    from mtqa.fluency import FluencyError
    from mtqa.fluency.engine import get_engine

    with pytest.raises(FluencyError, match="GPT-2 or Llama"):
        get_engine(str(gpt2_variant_dir), "cpu", precision="bf16")
    assert str(get_engine(str(gpt2_variant_dir), "cpu", precision="auto").dtype) == "torch.float32"  # auto: fp32


@needs_model
def test_check_with_an_uncalibrated_model_reports_scores_and_makes_no_fluency_finding(llama_dir, tmp_path):
    f = tmp_path / "story.txt"
    f.write_text("The minister said on Tuesday that talks would resume.\n\n"
                 "Jobs agreement the that thousands said trade Tuesday of on would create new president the.\n")
    r = subprocess.run([sys.executable, "-m", "mtqa", "check", str(f), "--model", str(llama_dir),
                        "--device", "cpu", "--select", "FLU", "--format", "json"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)["documents"][0]
    assert doc["findings"] == []
    flu = doc["summary"]["fluency"]
    assert flu["model"] == llama_dir.name and flu["tokens"] > 20 and len(flu["sentences"]) == 2
    assert "fluency" not in flu  # calibrated figures need a calibration
    assert "calibrat" in r.stderr and r.stderr.count("mtqa: warning") == 1
