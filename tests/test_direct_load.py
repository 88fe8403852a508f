"""The cold start's direct path (mtqa.fluency.direct): a model folder is loaded through transformers
once, compared with the direct load, and from then on loaded without transformers — with the same
scores bit for bit; any change to its files, or a record that says no, sends it back through
transformers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, SEED
from mtqa.fluency import direct
from mtqa.fluency.sources import home

NEWSLM = home("newslm-5m")
SENTS = ["The minister said on Tuesday that talks would resume.",
         "Putin will meet with Kerry “deep in the second half of the day on Thursday",
         "Ünïcödé names: Zürich, Łódź and the 東京 office said."]


def run_py(code: str, cache, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MTQA_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1", **(extra_env or {})}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


PROBE = """
import json, sys
from mtqa.fluency.engine import get_engine
e = get_engine({folder!r}, 'cpu')
ids, _ = e.encode({sents!r})
lp = [list(map(float, x)) for x in e.logprobs(ids)]
print(json.dumps({{"loaded": e.loaded, "transformers": "transformers" in sys.modules, "lp": lp,
                  "describe": e.describe()}}))
"""


def probe(folder, cache, **env) -> dict:
    return json.loads(run_py(PROBE.format(folder=str(folder), sents=SENTS), cache, env).stdout.splitlines()[-1])


def test_verified_once_then_loaded_without_transformers_with_identical_scores(tmp_path):
    cache = tmp_path / "cache"
    first = probe(NEWSLM, cache)  # no record yet: verified through transformers
    assert first["loaded"] == "direct" and first["transformers"]
    (record,) = (cache / "verified").glob("*.json")
    rec = json.loads(record.read_text(encoding="utf-8"))
    assert rec["direct"] and rec["tokenizer"] and rec["identical"]["fp32"] and rec["agree"]["fp32"]
    second = probe(NEWSLM, cache)
    assert second["loaded"] == "direct" and not second["transformers"]  # the cold start's saving
    reference = probe(NEWSLM, cache, MTQA_DIRECT_LOAD="0")  # the HF model, as before
    assert reference["loaded"] == "transformers"
    assert second["lp"] == reference["lp"] == first["lp"]  # bit for bit
    assert second["describe"]["sha256"] == reference["describe"]["sha256"]


def test_a_changed_file_or_a_negative_record_goes_through_transformers(tmp_path):
    cache = tmp_path / "cache"
    folder = tmp_path / "newslm"
    shutil.copytree(NEWSLM, folder)
    probe(folder, cache)
    assert len(list((cache / "verified").glob("*.json"))) == 1
    # a tokenizer setting changed: a new key, verified again (and here the tokenizers still agree)
    cfg = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    cfg["model_max_length"] = 64
    (folder / "tokenizer_config.json").write_text(json.dumps(cfg), encoding="utf-8")
    again = probe(folder, cache)
    assert again["transformers"] and len(list((cache / "verified").glob("*.json"))) == 2
    # a record that says the paths disagree is obeyed: transformers, every time
    key = None
    for rec_path in (cache / "verified").glob("*.json"):
        rec = json.loads(rec_path.read_text(encoding="utf-8"))
        rec["direct"] = False
        rec_path.write_text(json.dumps(rec), encoding="utf-8")
        key = rec["key"]
    assert key is not None
    no = probe(folder, cache)
    assert no["loaded"] == "transformers" and no["transformers"]
    assert no["lp"] == again["lp"]


def test_tokenizers_that_disagree_are_caught(tmp_path):
    """A tokenizer.json whose special tokens differ from what transformers reads is refused."""
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(NEWSLM))
    folder = tmp_path / "m"
    shutil.copytree(NEWSLM, folder)
    assert direct.tokenizers_agree(direct.DirectTokenizer(folder), hf)
    cfg = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    cfg["bos_token"] = "<unk-not-there>"
    (folder / "tokenizer_config.json").write_text(json.dumps(cfg), encoding="utf-8")
    (folder / "special_tokens_map.json").unlink()
    assert not direct.tokenizers_agree(direct.DirectTokenizer(folder), hf)


def test_cli_check_of_the_seed_imports_no_transformers_once_verified(tmp_path):
    cache = tmp_path / "cache"
    code = ("import sys\nfrom mtqa.cli import main\n"
            f"sys.argv = ['mtqa', 'check', {str(SEED)!r}, '--model', 'newslm-5m', '-o', {str(tmp_path / 'o.txt')!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('TRANSFORMERS' if 'transformers' in sys.modules else 'NONE')\n")
    assert run_py(code, cache).stdout.split()[-1] == "TRANSFORMERS"  # the first run verifies
    first = (tmp_path / "o.txt").read_text(encoding="utf-8")
    assert run_py(code, cache).stdout.split()[-1] == "NONE"
    assert (tmp_path / "o.txt").read_text(encoding="utf-8") == first


@pytest.mark.parametrize("kind", ["gpt2", "llama"])
def test_config_defaults_are_transformers_own(kind):
    """The defaults the direct path fills in are those transformers' config classes have."""
    from transformers import GPT2Config, LlamaConfig

    hf = (GPT2Config if kind == "gpt2" else LlamaConfig)()
    for key, value in direct.DEFAULTS[kind].items():
        if key == "rope_theta" and not hasattr(hf, "rope_theta"):
            assert (getattr(hf, "rope_parameters", None) or {}).get("rope_theta", value) == value
            continue
        assert getattr(hf, key, None) == value, key
