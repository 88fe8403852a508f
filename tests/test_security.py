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


class _Canary:
    """Unpickling this touches a file: the proof that a loader ran the pickle."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_pickle_only_model_folder_is_refused(tmp_path):
    """mtqa's model loader (mtqa.fluency.engine.Engine) refuses a folder whose weights are only a
    pickle, and never unpickles it; the same folder with its safetensors loads."""
    import shutil

    import torch

    from mtqa.fluency import FluencyError
    from mtqa.fluency.engine import Engine

    from safetensors.torch import load_file

    src = ROOT / "models" / "newslm-5m"
    good, weights, canary = tmp_path / "good", tmp_path / "weights", tmp_path / "canary"
    for d in (good, weights, canary):
        d.mkdir()
        for name in ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                     "special_tokens_map.json"):
            shutil.copy(src / name, d / name)
    shutil.copy(src / "model.safetensors", good / "model.safetensors")
    # the real weights as a pickle (loadable even with torch.load(weights_only=True)) ...
    torch.save(load_file(src / "model.safetensors"), weights / "pytorch_model.bin")
    # ... and a pickle that runs code when unpickled
    marker = tmp_path / "unpickled"
    torch.save({"weights": torch.zeros(2), "canary": _Canary(marker)}, canary / "pytorch_model.bin")
    assert Engine(str(good), device="cpu").model is not None  # the folder is otherwise loadable
    for bad in (weights, canary):
        assert not (bad / "model.safetensors").exists()
        with pytest.raises(FluencyError, match="cannot load the language model"):
            Engine(str(bad), device="cpu")
    assert not marker.exists()  # the pickle was never run
    torch.load(canary / "pytorch_model.bin", weights_only=False)  # the canary works: unpickling trips it
    assert marker.exists()
