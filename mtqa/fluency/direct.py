"""Load a GPT-2 or Llama model straight from its files, without transformers — once verified.

A cold ``mtqa check`` spent ~2.5 s importing transformers (which pulls in
``torch.distributed``, ``torch._dynamo`` and sympy), ~1 s building the HF
model and ~0.5 s re-running the packed forward's self-check against the HF
forward, on every start.  The packed CPU forward (:mod:`mtqa.fluency.packed`)
needs none of that: it reads the weights' tensors and a few config values, and
the tokenizer is a plain ``tokenizers.Tokenizer``.

So the first time a model folder is loaded, the engine loads it both ways:
through transformers (the reference) and directly (:func:`load`), and checks
that they agree — the tokenizers give the same ids and offsets on probe texts
and the same special-token ids; the packed forwards built from the two give
*bit-identical* hidden states; and it records which packed precisions agree
with the HF model's own log-probs (the check the engine always made).  The
verdict is written to ``<cache>/verified/<key>.json`` (:func:`record_path`).
The key is a digest of everything the verdict depends on: the folder's files
(SHA-256 of the small ones and of weights up to 64 MB; for larger weights
their size, mtime, ctime and inode — a write changes the ctime, which cannot
be set back), torch's and transformers' versions, whether the CPU has native
bf16, and :data:`FORMAT`.  Any change
gives a new key, so the next load verifies again; a record that says the
paths disagree sends the model through transformers for good.  Models with
other architectures, sharded or pickled weights never take this path.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

FORMAT = 1  # what the direct path builds; bump when it changes, so older records are not trusted
SMALL_WEIGHTS = 64 << 20  # weights up to this size are hashed for the key on every load (~30 ms)
FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
WEIGHTS = "model.safetensors"
PROBE_TEXTS = (
    "The minister said on Tuesday that talks would resume.",
    "  Leading spaces, “curly quotes”, ‘single’ ones — and an em dash…",
    "Sergei Shoigu met Josh Earnest in Kyiv; 1,234.5 million roubles (€12m) were paid.",
    "Ünïcödé: naïve café, Zürich, Łódź, Straße, ĳ, 東京, Москва, جبهة, 😀 emoji.",
    "tabs\tand\nnewlines\r\nmixed   spaces",
    "",
)

# HF's defaults for the config values the packed forward reads (transformers' GPT2Config, LlamaConfig)
DEFAULTS = {
    "gpt2": {"n_positions": 1024, "n_embd": 768, "n_head": 12, "layer_norm_epsilon": 1e-5,
             "activation_function": "gelu_new", "scale_attn_weights": True, "add_cross_attention": False,
             "scale_attn_by_inverse_layer_idx": False, "reorder_and_upcast_attn": False,
             "tie_word_embeddings": True},
    "llama": {"max_position_embeddings": 2048, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
              "attention_bias": False, "mlp_bias": False, "hidden_act": "silu", "pretraining_tp": 1,
              "tie_word_embeddings": False},
}


class Config(SimpleNamespace):
    """config.json as attributes, HF's defaults filled in; an absent key reads as None."""

    def __getattr__(self, name: str) -> Any:  # only called for missing attributes
        if name.startswith("__"):
            raise AttributeError(name)
        return None


class Module(SimpleNamespace):
    """A node of the weight tree: ``model.layers[3].self_attn.q_proj.weight``."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return None


class DirectModel:
    """What :func:`mtqa.fluency.packed.from_model` and the engine read of an HF model: ``config``,
    the weight tree (``transformer`` / ``model``), ``get_output_embeddings()``, ``parameters()``."""

    def __init__(self, config: Config, tensors: dict[str, Any]):
        self.config = config
        self._tensors = tensors
        root = Module()
        for key, t in tensors.items():
            node = root
            parts = key.split(".")
            for p in parts[:-1]:
                if p.isdigit():
                    node.__dict__.setdefault("_items", {})
                    node = node._items.setdefault(int(p), Module())
                else:
                    child = node.__dict__.get(p)
                    if child is None:
                        child = Module()
                        setattr(node, p, child)
                    node = child
            setattr(node, parts[-1], t)
        _listify(root)
        self.tree = root
        for name, value in root.__dict__.items():
            setattr(self, name, value)
        if config.model_type == "gpt2" and getattr(root, "transformer", None) is None:  # keys without the prefix
            self.transformer = root
        head = getattr(root, "lm_head", None)
        if head is None or head.weight is None:
            if not config.tie_word_embeddings:
                raise ValueError("no lm_head and the embeddings are not tied")
            emb = self.transformer.wte if config.model_type == "gpt2" else self.model.embed_tokens
            head = Module(weight=emb.weight)
        head.out_features = int(head.weight.shape[0])
        self._head = head

    def get_output_embeddings(self) -> Module:
        return self._head

    def parameters(self):
        seen = set()
        for t in self._tensors.values():
            if id(t) not in seen:
                seen.add(id(t))
                yield t

    def eval(self) -> "DirectModel":
        return self


def _listify(node: Module) -> None:
    """Numbered children (``layers.0``, ``h.1``) become lists, in order."""
    for name, child in list(node.__dict__.items()):
        if isinstance(child, Module):
            items = child.__dict__.pop("_items", None)
            if items is not None and set(items) == set(range(len(items))):
                for v in items.values():
                    _listify(v)
                setattr(node, name, [items[i] for i in range(len(items))])
            else:
                if items is not None:
                    child.__dict__["_items"] = items
                _listify(child)


class DirectTokenizer:
    """The few things the engine asks of an HF fast tokenizer, from ``tokenizers`` itself."""

    is_fast = True

    def __init__(self, folder: Path):
        from tokenizers import Tokenizer

        self.backend_tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        special: dict[str, Any] = {}
        for name in ("special_tokens_map.json", "tokenizer_config.json"):  # the config wins, as in HF
            try:
                data = json.loads((folder / name).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            for key in ("bos_token", "eos_token", "pad_token", "unk_token"):
                v = data.get(key)
                if isinstance(v, dict):
                    v = v.get("content")
                if isinstance(v, str):
                    special[key] = v
        self.special = special
        self.bos_token_id = self._id(special.get("bos_token"))
        self.eos_token_id = self._id(special.get("eos_token"))
        self.pad_token_id = self._id(special.get("pad_token"))

    def _id(self, token: str | None) -> int | None:
        return None if token is None else self.backend_tokenizer.token_to_id(token)

    def convert_tokens_to_ids(self, token: str) -> int | None:
        return self.backend_tokenizer.token_to_id(token)


def supported(folder: Path) -> str | None:
    """The model type when ``folder`` can take the direct path (a single safetensors file, a
    tokenizer.json, a plain GPT-2 or Llama config), else None."""
    try:
        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = cfg.get("model_type") if isinstance(cfg, dict) else None
    if kind not in DEFAULTS or not (folder / WEIGHTS).is_file() or not (folder / "tokenizer.json").is_file():
        return None
    return kind


def read_config(folder: Path) -> Config:
    data = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    kind = data.get("model_type")
    merged = {**DEFAULTS.get(kind, {}), **{k: v for k, v in data.items() if v is not None or k not in DEFAULTS.get(kind, {})}}
    if kind == "llama" and merged.get("num_key_value_heads") is None:
        merged["num_key_value_heads"] = merged.get("num_attention_heads")
    return Config(**merged)


def load(folder: Path) -> tuple[DirectTokenizer, DirectModel]:
    """Tokenizer and weight tree of ``folder``: safetensors only (memory-mapped), no transformers."""
    from safetensors.torch import load_file

    config = read_config(folder)
    # memory-mapped: the packed forward copies what it lays out anew (q/k/v, gate/up, transposes);
    # the rest is read from the page cache (shared by --jobs workers).  That the products come out
    # bit-identical to the HF model's own tensors is what the verification record checked
    tensors = load_file(str(folder / WEIGHTS), device="cpu")
    return DirectTokenizer(folder), DirectModel(config, tensors)


# ---------------------------------------------------------------------------
# the verification record
# ---------------------------------------------------------------------------

def _file_id(path: Path) -> dict[str, Any] | None:
    """A file's identity for the key: SHA-256 of small files; size, mtime, ctime and inode of large
    weights (any write changes the ctime, which no one can set back)."""
    try:
        st = path.stat()
    except OSError:
        return None
    if st.st_size > SMALL_WEIGHTS:
        from mtqa.fluency.sources import file_stamp

        return file_stamp(path)
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return {"size": st.st_size, "sha256": h.hexdigest()}


def record_key(folder: Path) -> str:
    """The digest a verification record is filed under (see the module doc)."""
    from importlib.metadata import PackageNotFoundError, version

    import torch

    from mtqa.fluency.packed import native_bf16

    try:
        tf = version("transformers")
    except PackageNotFoundError:  # pragma: no cover - a declared dependency
        tf = None
    what = {"format": FORMAT, "torch": torch.__version__, "transformers": tf, "native_bf16": native_bf16(),
            "folder": str(folder), "files": {name: _file_id(folder / name) for name in (*FILES, WEIGHTS)}}
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def record_path(key: str) -> Path:
    from mtqa.fluency.sources import cache_root

    return cache_root().parent / "verified" / f"{key}.json"


def read_record(key: str) -> dict | None:
    try:
        data = json.loads(record_path(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT and data.get("key") == key else None


def write_record(key: str, record: dict) -> None:
    """Atomically; a cache folder that cannot be written only means verifying again next time."""
    path = record_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({**record, "format": FORMAT, "key": key}, indent=1, sort_keys=True) + "\n",
                       encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def tokenizers_agree(direct: DirectTokenizer, hf_tok: Any) -> bool:
    """Same ids and offsets on the probe texts, same special-token ids."""
    backend = getattr(hf_tok, "backend_tokenizer", None)
    if backend is None:
        return False
    a = direct.backend_tokenizer.encode_batch(list(PROBE_TEXTS), add_special_tokens=False)
    b = backend.encode_batch(list(PROBE_TEXTS), add_special_tokens=False)
    if any(x.ids != y.ids or x.offsets != y.offsets for x, y in zip(a, b)):
        return False
    return (direct.bos_token_id, direct.eos_token_id, direct.pad_token_id) == \
        (hf_tok.bos_token_id, hf_tok.eos_token_id, hf_tok.pad_token_id)
