"""Shipped news LM (models/newslm-*): offline loading, safetensors format, and a basic
fluency sanity check. CPU only, a few seconds. Uses no external data."""
import json
import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402  (mtqa depends on torch and transformers: missing, this module fails)
import transformers  # noqa: E402,F401

REPO = Path(__file__).resolve().parents[1]
MODEL_DIRS = sorted(p.parent for p in (REPO / "models").glob("newslm-*/config.json"))

# Sentences written for this test (not taken from any corpus).
FLUENT = [
    "The president said on Tuesday that the new trade agreement would create thousands of jobs.",
    "Lawmakers in both parties have called for an investigation into the company's finances.",
    "The city council voted to approve the budget after a long debate.",
]
SHUFFLED = [  # same words, fixed permutation
    "jobs. agreement the that thousands said trade Tuesday of on would The create new president",
    "investigation company's an into Lawmakers the for finances. have both in called parties",
    "debate. budget the a long council to after voted city approve The",
]


@pytest.fixture(scope="module")
def model_dir():
    if not MODEL_DIRS:
        pytest.fail("no models/newslm-*/config.json in the repository")
    return MODEL_DIRS[0]


def test_format_is_safetensors(model_dir):
    assert (model_dir / "model.safetensors").is_file()
    assert not list(model_dir.glob("*.bin")) and not list(model_dir.glob("*.pt"))
    assert (model_dir / "model.safetensors").stat().st_size <= 60 * 2**20
    cfg = json.loads((model_dir / "config.json").read_text())
    assert cfg["model_type"] == "gpt2" and cfg["tie_word_embeddings"] is True
    assert "auto_map" not in cfg                      # no remote code
    for f in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "README.md"):
        assert (model_dir / f).is_file(), f
    from safetensors import safe_open
    with safe_open(str(model_dir / "model.safetensors"), framework="pt") as f:
        keys = list(f.keys())
    assert any(k.endswith("wte.weight") for k in keys)


def test_tokenizer_no_unknowns(model_dir):
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    assert tok.bos_token == tok.eos_token == tok.pad_token == "<|endoftext|>"
    s = "Zelensky met Erdoğan in Kyiv — 12,5 % «ой» 😀"
    ids = tok(s, add_special_tokens=False)["input_ids"]
    assert tok.decode(ids) == s                       # byte-level: lossless, no <unk>


def test_fluent_beats_shuffled(model_dir):
    from mtqa.lm.scoring import NewsLM
    lm = NewsLM(model_dir, threads=1)
    fl = lm.score(FLUENT)
    sh = lm.score(SHUFFLED)
    for a, b in zip(fl, sh):
        assert sorted(a.text.split()) == sorted(b.text.split())
        assert all(x >= 0 for x in a.surprisal)
        assert a.mean_per_word() < b.mean_per_word(), (a.text, a.mean_per_word(), b.mean_per_word())
