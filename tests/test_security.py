"""Each claim of SECURITY.md, tested."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "mtqa").rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_nothing_is_unpickled():
    """No pickle.load(s), marshal/shelve/dill/joblib loads, and torch.load only with weights_only=True.
    (Pickling objects mtqa itself created to send them to its own worker processes is IPC, not input.)"""
    for p in SOURCES:
        assert not ({"dill", "joblib", "marshal", "shelve", "cPickle"} & _imports(p)), p
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = ast.unparse(node.func.value)
                if owner == "pickle" and node.func.attr in ("load", "loads", "Unpickler"):
                    raise AssertionError(f"{p}:{node.lineno} unpickles data")
                if owner == "torch" and node.func.attr == "load":
                    kws = {kw.arg: ast.unparse(kw.value) for kw in node.keywords}
                    assert kws.get("weights_only") == "True", f"{p}:{node.lineno} torch.load without weights_only=True"


def test_no_trust_remote_code_and_safetensors_only():
    for p in SOURCES:
        src = p.read_text(encoding="utf-8")
        tree = ast.parse(src)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "trust_remote_code":
                        assert isinstance(kw.value, ast.Constant) and kw.value.value is False, f"{p}:{node.lineno}"
                fn = node.func
                name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                if name == "from_pretrained" and "Tokenizer" not in ast.unparse(fn):
                    kws = {kw.arg: kw.value for kw in node.keywords}
                    # safetensors, or GGUF (the default model's file, converted to safetensors once)
                    assert ("use_safetensors" in kws and ast.unparse(kws["use_safetensors"]) == "True") \
                        or "gguf_file" in kws, f"{p}:{node.lineno} loads a model without use_safetensors=True"


def test_no_xml_parsing_outside_defusedxml():
    for p in SOURCES:
        imports = _imports(p)
        src = p.read_text(encoding="utf-8")
        if "xml" in imports or "lxml" in imports:
            # writing XML (the JUnit formatter) with ElementTree is fine; parsing must go through defusedxml
            for bad in ("ET.parse(", "ET.fromstring(", "ElementTree.parse(", "etree.fromstring(", "etree.parse(",
                        "minidom.parse", "XMLParser("):
                assert bad not in src, f"{p} parses XML without defusedxml ({bad})"


def test_pickle_only_model_folder_is_refused(tmp_path):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    cfg = transformers.GPT2Config(n_layer=1, n_embd=8, n_head=2, vocab_size=50, n_positions=16)
    model = transformers.GPT2LMHeadModel(cfg)
    cfg.save_pretrained(tmp_path)
    torch.save(model.state_dict(), tmp_path / "pytorch_model.bin")  # pickle weights only
    assert not (tmp_path / "model.safetensors").exists()
    with pytest.raises(Exception):
        transformers.AutoModelForCausalLM.from_pretrained(tmp_path, use_safetensors=True)
