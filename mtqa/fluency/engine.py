"""The batched LM engine: token ids in, per-token log-probabilities out.

Conventions
-----------
* **BOS**: every sequence is scored as ``<bos> t1 t2 … tn`` where ``<bos>`` is
  the tokenizer's BOS token (``<|endoftext|>`` for the shipped model and for
  GPT-2; the EOS token when a tokenizer has no BOS).  So *every* token,
  the first word's included, gets ``log p(t_i | <bos>, t_<i)``; no token is
  left unscored and none is scored without context.  This is exactly how the
  shipped model was trained: its corpus is ``<|endoftext|> sentence
  <|endoftext|> sentence …`` and every training window starts at a BOS.  No
  EOS is appended (a sentence's score does not depend on whether it ended).
* **Windows**: a sequence longer than the model's context (``n_positions`` -
  1 tokens after BOS, at most :data:`MAX_WINDOW`) is cut into overlapping
  windows: the first scores tokens ``[0, W)``; each next one scores the next
  ``W - C`` tokens given BOS plus the ``C = W // 2`` tokens before them.
  Windows are a function of the sequence alone, never of the batch.
* **Batching**: rows (windows) are sorted by length and packed into batches
  of at most ``token_budget`` padded tokens (dynamic padding: each batch is
  padded to its own longest row).  Padding is on the right with an attention
  mask and explicit ``position_ids`` ``0..T-1``, so real tokens never attend
  to padding and their positions never depend on the batch: on the CPU,
  batched and one-at-a-time scores agree to float rounding (tested to 1e-4;
  typically 1e-6 in fp32; bit-identical on the packed path).  On a GPU the
  padded bf16 forward does not give that guarantee (see below).
* **Head only where needed**: the LM head (the biggest matrix of a small
  model) is applied to the hidden states of real, non-final positions only,
  and ``log p`` is taken from a fp32 log-softmax over chunks of
  those rows, so padding costs no head work and no (batch × length × vocab)
  tensor is ever materialised.  This split path is verified against the model's own
  logits when the model loads (models with logit soft-capping or other
  post-processing fall back to the full forward).
* **Devices and precision**: ``auto`` picks CUDA when available, else CPU.
  CUDA runs bf16 (fp16 where bf16 is unsupported), log-probabilities in fp32.
  On the CPU, GPT-2-family models run :mod:`mtqa.fluency.packed` (rows packed
  without padding, attention per group of equal-length rows) and
  ``precision="auto"`` multiplies in bf16 where the CPU does so natively
  (AVX512-BF16 or AMX; ~2x faster matrix products) and in fp32 elsewhere.
  The packed bf16 path keeps the residual stream, layer norms and
  log-softmax in fp32 and is *batch-invariant*: a sentence's scores are
  bit-identical alone or in any batch (tested).  bf16 scores are within
  ~0.007 nats/token of fp32 on average, 0.08 at most, sentence SLOR within
  0.02 on clean news (``benchmarks/bench_fluency.py`` prints it).  ``precision="fp32"`` gives the fp32 scores on any CPU (to
  1e-6 of the HF forward).  Other architectures run the model's own padded
  forward in fp32: the HF model in bf16 is *not* batch-invariant (padding
  changes its GEMM shapes and bf16 rounding magnifies the differences: up to
  0.06 nats/token batched vs alone), so bf16 is refused there.  CPU threads:
  one per core this process may use, idle threads sleeping rather than
  spinning (:mod:`mtqa.cpu`), unless ``OMP_NUM_THREADS`` or
  ``MKL_NUM_THREADS`` is set.  ``quantize="int8"`` (dynamic int8 linear layers, CPU only) exists but
  is off and not exposed: dynamic quantisation scales activations per batch
  tensor, so a sentence's scores depend on its batch-mates (up to 0.7 nats
  per token) and sentence SLOR moves from fp32's by 0.03 (median), up to
  0.23 — not equal quality, though 2.5x the fp32 scoring speed here
  (``benchmarks/bench_fluency.py --int8``, shipped model, 1,231 sentences).  Per-token int8 with exact int32
  GEMMs (``torch._int_mm``) was tried too: only ~1.2x faster here and still
  batch-dependent.

Models load with ``AutoModelForCausalLM.from_pretrained(path,
use_safetensors=True)`` and never with ``trust_remote_code``; one engine per
(model, device, quantisation, precision) is cached per process (:func:`get_engine`).
"""

from __future__ import annotations

import hashlib
import os
import threading
from itertools import chain
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from mtqa.config import PRECISIONS
from mtqa.fluency import FluencyError

MAX_WINDOW = 512           # cap on the window of models with long contexts
CPU_TOKEN_BUDGET = 1024    # padded tokens per batch on CPU (cache-sized: measured faster than 4096)
GPU_TOKEN_BUDGET = 65536   # ... and on a GPU
MIN_ROWS = 8              # a batch of at least this many rows ...
MAX_PADDING = 0.25        # ... is closed before a row that would be padded by more than this
HEAD_CHUNK_ELEMENTS = 1 << 23  # rows × vocab per head chunk (32 MB of fp32 logits; bigger GEMMs are faster)

_ENGINES: dict[tuple, "Engine"] = {}
_LOCK = threading.Lock()


def configure_threads() -> int:
    """torch's CPU threads for this process (see :mod:`mtqa.cpu`: the cores it may use, idle
    OpenMP threads that sleep instead of spinning, the user's ``OMP_NUM_THREADS`` first)."""
    from mtqa import cpu

    return cpu.configure_torch()["intra"]


def pick_device(device: str | None) -> str:
    import torch

    d = (device or "auto").strip().lower()
    if d == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if d == "cpu":
        return "cpu"
    if d == "cuda" or d.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise FluencyError(f"--device {d}: no CUDA device is available to torch {torch.__version__} "
                               f"(CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', 'unset')!s}); "
                               "use --device cpu or auto")
        return d
    raise FluencyError(f"unknown device {device!r} (use auto, cpu or cuda)")


def get_engine(model: str, device: str | None = "auto", quantize: str | None = None,
               precision: str | None = "auto") -> "Engine":
    """The process-wide engine for ``model`` on ``device`` (loaded on first use)."""
    dev = pick_device(device)
    local = Path(str(model)).expanduser()
    ref = str(local.resolve()) if local.is_dir() else str(model)
    key = (ref, dev, quantize or "", (precision or "auto").lower())
    with _LOCK:
        eng = _ENGINES.get(key)
        if eng is None:
            eng = Engine(ref, device=dev, quantize=quantize, precision=precision)
            _ENGINES[key] = eng
    return eng


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Engine:
    """A causal LM, its fast tokenizer, and the batched scoring loop."""

    def __init__(self, model: str, device: str = "cpu", quantize: str | None = None,
                 token_budget: int | None = None, precision: str | None = "auto"):
        import torch

        self.torch = torch
        self.model_ref = str(model)
        local = Path(model).expanduser()
        self.path: Path | None = local.resolve() if local.is_dir() else None
        self.device = device
        self.quantize = quantize
        if quantize not in (None, "", "int8"):
            raise FluencyError(f"unknown quantisation {quantize!r} (only 'int8')")
        if quantize and device != "cpu":
            raise FluencyError("int8 quantisation is for the CPU only")
        precision = (precision or "auto").lower()
        if precision not in PRECISIONS:
            raise FluencyError(f"unknown precision {precision!r} (use {', '.join(PRECISIONS)})")
        if precision != "auto" and device != "cpu":
            raise FluencyError("--precision is for the CPU (a GPU runs bf16, or fp16 where bf16 is unsupported)")
        if device == "cpu":
            self.threads = configure_threads()
            dtype = torch.float32
        else:
            self.threads = None
            dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        self.dtype = dtype
        self.manifest = None
        if self.path is not None:
            from mtqa.fluency.sources import read_manifest

            self.manifest = read_manifest(self.path)
        self._model = None  # the HF model: loaded when a path needs it (see the ``model`` property)
        self.verified = None  # the direct path's verification record (mtqa.fluency.direct), when it ran
        route = self._direct_route(device, quantize)
        self.loaded = "direct" if route is not None else "transformers"
        if route is not None:
            self.tokenizer, self.net = route
        else:
            if self._model is None:  # (a verification that said no has loaded it already)
                self.tokenizer, self._model = _load(str(self.path or model), dtype)
            self.net = self._model
        tok = self.tokenizer
        if not getattr(tok, "is_fast", False):
            raise FluencyError(f"{model}: the fluency scorer needs a fast tokenizer (character offsets)")
        self._backend = getattr(tok, "backend_tokenizer", None)
        if self._backend is not None:
            if self._backend.truncation is not None:
                self._backend.no_truncation()
            if self._backend.padding is not None:
                self._backend.no_padding()
        bos = self._bos_for(tok, self.net.config)
        if bos is None:
            raise FluencyError(f"{model}: the tokenizer has neither a BOS nor an EOS token to start sentences with")
        self.bos_id = bos
        self.pad_id = int(tok.pad_token_id if tok.pad_token_id is not None else self.bos_id)
        cfg = self.config = self.net.config
        n_pos = getattr(cfg, "n_positions", None) or getattr(cfg, "max_position_embeddings", None) or 1024
        self.window = int(min(n_pos, MAX_WINDOW))  # rows are at most this long, BOS included
        self.hidden_size = int(getattr(cfg, "hidden_size", 0) or getattr(cfg, "n_embd", 0))
        self.packed = None
        if route is not None:  # the verified direct path: the packed forward, as the record says
            self.packed, self.dtype = self._pack_verified(precision)
        else:
            _fuse_activations(self._model)
            if device == "cpu" and not quantize:
                self.packed, self.dtype = self._pack(precision)
            if quantize == "int8":
                self._model = self.net = _quantize_int8(self._model)
            if device != "cpu":
                self._model.to(device)
            self._model.eval()
        self.token_budget = token_budget or (CPU_TOKEN_BUDGET if device == "cpu" else GPU_TOKEN_BUDGET)
        self.token_budget = max(self.token_budget, self.window)
        head = self.net.get_output_embeddings()
        self.vocab = int(getattr(head, "out_features", 0) or getattr(cfg, "vocab_size", 0) or 50_000)
        # the model's own forward only (the packed path applies its head at scored positions itself)
        self.split_head = self.packed is None and self._check_split_head()
        self.name = (self.manifest or {}).get("name") or (self.path.name if self.path else self.model_ref)
        self._sha: str | None = None
        self.params = sum(p.numel() for p in self.net.parameters())

    # -- loading ------------------------------------------------------------
    @property
    def model(self):
        """The HF model (its own forward; what the packed path was verified against).  On the
        verified direct path it is loaded only when something asks for it."""
        if self._model is None:
            with _LOCK:
                if self._model is None:
                    _, m = _load(str(self.path or self.model_ref), self.torch.float32)
                    _fuse_activations(m)
                    self._model = m.eval()
        return self._model

    def _direct_route(self, device: str, quantize: str | None):
        """(tokenizer, weights) loaded without transformers when this folder's verification record
        says the direct path gives what the HF path gives (verifying it first if there is no
        record: :mod:`mtqa.fluency.direct`); None when the model must go through transformers."""
        from mtqa.fluency import direct

        if device != "cpu" or quantize or self.path is None or direct.supported(self.path) is None \
                or os.environ.get("MTQA_DIRECT_LOAD", "1").strip() in ("0", "false", "no"):
            return None
        key = direct.record_key(self.path)
        rec = direct.read_record(key)
        if rec is None:
            rec = self._verify_direct(key)
        self.verified = rec
        if not rec.get("direct"):
            return None
        try:
            return direct.load(self.path)
        except (OSError, ValueError, KeyError, AttributeError):
            return None

    def _verify_direct(self, key: str) -> dict:
        """Load the folder both ways and compare (tokenizer, packed forward bit for bit, log-probs
        against the HF model's own); write and return the record."""
        torch = self.torch
        from mtqa.fluency import direct, packed

        rec: dict[str, Any] = {"direct": False, "agree": {}}
        hf_tok, hf_model = _load(str(self.path), torch.float32)
        _fuse_activations(hf_model)
        hf_model.eval()
        try:
            d_tok, d_model = direct.load(self.path)
        except (OSError, ValueError, KeyError, AttributeError) as e:
            rec["why"] = f"direct load failed: {type(e).__name__}"
            direct.write_record(key, rec)
            self._model, self.tokenizer = hf_model, hf_tok
            return rec
        self._model = hf_model  # keep it: this process has paid for it
        ok_tok = direct.tokenizers_agree(d_tok, hf_tok)
        bos = self._bos_for(hf_tok, hf_model.config)
        if bos is None:  # no direct path; __init__ refuses the model through transformers too
            rec["why"] = "no BOS token"
            direct.write_record(key, rec)
            return rec
        self.tokenizer, self._backend, self.bos_id = hf_tok, getattr(hf_tok, "backend_tokenizer", None), bos
        probe = self._probe_with(hf_model)
        # bf16 is what precision=auto picks only where the CPU multiplies it natively (and the key
        # says which CPU kind verified); elsewhere its emulated check would only cost seconds
        kinds = (("fp32", torch.float32),) + ((("bf16", torch.bfloat16),) if packed.native_bf16() else ())
        for name, dt in kinds:
            a = packed.from_model(hf_model, dt)
            b = packed.from_model(d_model, dt)
            if a is None or b is None:
                rec["agree"][name] = False
                continue
            with torch.inference_mode():
                same = torch.equal(a.hidden([probe[0]]), b.hidden([probe[0]]))
            rec["agree"][name] = bool(same and (_agrees(a, probe, 1e-4) if name == "fp32"
                                                else _agrees(a, probe, 1.5, mean_tol=0.15)))
            rec.setdefault("identical", {})[name] = bool(same)
        rec["tokenizer"] = ok_tok
        rec["direct"] = bool(ok_tok and rec["agree"].get("fp32") and rec.get("identical", {}).get("fp32"))
        direct.write_record(key, rec)
        return rec

    def _bos_for(self, tok, cfg) -> int | None:
        """The token every row starts with: the tokenizer's BOS (else EOS), the manifest's
        ``bos_token`` (what the model separated documents with in pretraining) first, else the
        config's; None when there is none."""
        bos = tok.bos_token_id if tok.bos_token_id is not None else tok.eos_token_id
        forced = (self.manifest or {}).get("bos_token")
        if forced is not None:
            bos = tok.convert_tokens_to_ids(forced)
        if bos is None:
            bos = getattr(cfg, "bos_token_id", None)
        return None if bos is None else int(bos)

    @staticmethod
    def _wants_bf16(precision: str) -> bool:
        """bf16 matrix products: asked for, or ``auto`` on a CPU that multiplies bf16 natively."""
        from mtqa.fluency import packed

        return precision == "bf16" or (precision == "auto" and packed.native_bf16())

    def _pack_verified(self, precision: str):
        """The packed forward on the direct path, choosing the precision as :meth:`_pack` does,
        from the verification record instead of a probe forward."""
        torch = self.torch
        from mtqa.fluency import packed

        agree = (self.verified or {}).get("agree") or {}
        if not self._wants_bf16(precision) or (precision == "auto" and not agree.get("bf16")):
            return packed.from_model(self.net, torch.float32), torch.float32
        return packed.from_model(self.net, torch.bfloat16), torch.bfloat16

    # -- identity ----------------------------------------------------------
    @property
    def sha256(self) -> str | None:
        """SHA-256 of the weights file (local models; hub models: the cached file if any)."""
        if self._sha is None and self.manifest is not None:  # verified against the file when resolved
            self._sha = ((self.manifest.get("files") or {}).get("model.safetensors") or {}).get("sha256") or None
        if self._sha is None:
            f = self.weights_file()
            self._sha = file_sha256(f) if f else ""
        return self._sha or None

    @property
    def home(self) -> Path | None:
        """The folder of mtqa's files for this model (calibration, detector): the named
        model's ``models/<name>`` for a converted model, else the model folder itself."""
        if self.manifest is not None and self.manifest.get("name"):
            from mtqa.fluency.sources import home

            return home(str(self.manifest["name"]))
        return self.path

    def weights_file(self) -> Path | None:
        if self.path is not None:
            for name in ("model.safetensors",):
                if (self.path / name).is_file():
                    return self.path / name
            shards = sorted(self.path.glob("model-*.safetensors"))
            return shards[0] if shards else None
        try:
            from huggingface_hub import try_to_load_from_cache

            p = try_to_load_from_cache(self.model_ref, "model.safetensors")
            return Path(p) if isinstance(p, str) else None
        except Exception:  # pragma: no cover - hub layout differences
            return None

    def _pack(self, precision: str):
        """The packed CPU forward (see :mod:`mtqa.fluency.packed`) and its matrix-product
        dtype, after checking its fp32 log-probs against the model's own logits."""
        torch = self.torch
        from mtqa.fluency import packed

        exact = packed.from_model(self.model, torch.float32)
        probe = self._probe() if exact is not None else None
        if exact is None or not _agrees(exact, probe, 1e-4):
            if precision == "bf16":
                raise FluencyError(f"{self.model_ref}: --precision bf16 needs a model the packed CPU forward implements "
                                   "(GPT-2 or Llama); others run fp32: in bf16 their scores depend on the batch")
            return None, torch.float32
        if not self._wants_bf16(precision):
            return exact, torch.float32
        half = packed.from_model(self.model, torch.bfloat16)
        if precision == "auto" and not _agrees(half, probe, 1.5, mean_tol=0.15):  # a model bf16 does not suit
            return exact, torch.float32
        return half, torch.bfloat16

    def _probe(self):
        """A probe row (BOS + a sentence) and the model's own fp32 log-probs of its tokens."""
        return self._probe_with(self.model)

    def _probe_with(self, model):
        torch = self.torch
        ids = [self.bos_id, *self.encode(["The minister said on Tuesday that talks would resume."])[0][0]]
        with torch.inference_mode():
            x = torch.tensor([ids])
            full = model(input_ids=x, attention_mask=torch.ones_like(x), use_cache=False).logits[0, :-1].float()
            return ids, torch.log_softmax(full, -1).gather(1, x[0, 1:].unsqueeze(1)).squeeze(1)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "path": str(self.path) if self.path else self.model_ref,
                "sha256": self.sha256, "params": self.params, "device": self.device,
                "dtype": str(self.dtype).replace("torch.", ""), "quantize": self.quantize or None,
                "forward": "packed" if self.packed is not None else "model", "loaded": self.loaded}

    # -- tokenisation -------------------------------------------------------
    def encode(self, texts: Sequence[str]) -> tuple[list[list[int]], list[list[tuple[int, int]]]]:
        """Token ids and character offsets (into each text) of every text, no special tokens."""
        if not texts:
            return [], []
        if self._backend is not None:  # the Rust tokenizer itself: same ids/offsets, no Python conversion
            encs = self._backend.encode_batch(list(texts), add_special_tokens=False)
            return [e.ids for e in encs], [e.offsets for e in encs]
        enc = self.tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True,
                             return_attention_mask=False, verbose=False)
        return enc["input_ids"], enc["offset_mapping"]

    # -- scoring --------------------------------------------------------------
    def rows_for(self, seq: Sequence[int]) -> list[tuple[list[int], int, int]]:
        """Windows of one sequence: (row incl. BOS, first scored token, end) triples.

        A row ``[BOS] + seq[a - c : b]`` scores ``seq[a:b]`` (its last ``b - a``
        predictions), ``c`` tokens of context before ``a``.
        """
        n = len(seq)
        body = self.window - 1
        if n <= body:
            return [([self.bos_id, *seq], 0, n)]
        ctx = body // 2
        stride = body - ctx
        out = [([self.bos_id, *seq[:body]], 0, body)]
        a = body
        while a < n:
            b = min(n, a + stride)
            out.append(([self.bos_id, *seq[a - ctx:b]], a, b))
            a = b
        return out

    def plan(self, seqs: Sequence[Sequence[int]], batched: bool = True, token_budget: int | None = None
             ) -> tuple[list[list[int]], list[tuple[int, int, int]], list[list[int]]]:
        """Rows (windows with BOS), where each row's scores go, and the batches (row indexes).

        Rows are sorted by length (longest first) and packed while the padded
        size stays within ``token_budget``; a batch of :data:`MIN_ROWS` or more
        rows is also closed before a row that it would pad by more than
        :data:`MAX_PADDING`.  ``batched=False``: one row per batch.
        """
        rows: list[list[int]] = []
        where: list[tuple[int, int, int]] = []  # (sequence, scored start, scored end)
        for i, s in enumerate(seqs):
            for row, a, b in self.rows_for(s):
                rows.append(row)
                where.append((i, a, b))
        budget = token_budget or self.token_budget
        order = sorted(range(len(rows)), key=lambda r: len(rows[r]), reverse=True)
        if not batched:
            return rows, where, [[r] for r in order]
        batches: list[list[int]] = []
        cur: list[int] = []
        for r in order:  # descending length: the first row of a batch is its longest
            longest = len(rows[cur[0]]) if cur else 0
            if cur and ((len(cur) + 1) * longest > budget
                        or (len(cur) >= MIN_ROWS and len(rows[r]) < (1.0 - MAX_PADDING) * longest)):
                batches.append(cur)
                cur = []
            cur.append(r)
        if cur:
            batches.append(cur)
        return rows, where, batches

    def logprobs(self, seqs: Sequence[Sequence[int]], batched: bool = True,
                 token_budget: int | None = None, progress=None) -> list[np.ndarray]:
        """``log p(t_i | BOS, t_<i)`` (natural log, float32) for every token of every sequence.

        ``batched=False`` runs one forward per row (the reference the batched
        path is tested against).
        """
        out = [np.zeros(len(s), dtype=np.float32) for s in seqs]
        rows, where, batches = self.plan(seqs, batched, token_budget)
        for batch in batches:
            res = self.forward_rows([rows[r] for r in batch])
            for r, lp in zip(batch, res):
                i, a, b = where[r]
                out[i][a:b] = lp[len(lp) - (b - a):]
            if progress is not None:
                progress(sum(len(rows[r]) - 1 for r in batch))
        return out

    def features(self, seqs: Sequence[Sequence[int]], token_budget: int | None = None
                 ) -> list[dict[str, np.ndarray]]:
        """What a learned detector reads at every token of every sequence, in one batched pass.

        Per sequence of ``n`` tokens: ``lp`` (``log p`` of the token, exactly
        :meth:`logprobs`' value), ``entropy`` of the model's distribution there and
        ``best`` (log p of its most likely token), all ``(n,)`` float32 nats; ``prev``
        (the final hidden state that predicted the token) and ``cur`` (the state
        after reading it), ``(n, d)`` float32.  Windows as in :meth:`logprobs`.
        """
        torch = self.torch
        n_s = [len(s) for s in seqs]
        out = [{"lp": np.zeros(n, np.float32), "entropy": np.zeros(n, np.float32), "best": np.zeros(n, np.float32),
                "prev": None, "cur": None} for n in n_s]
        rows, where, batches = self.plan(seqs, True, token_budget)
        for batch in batches:
            brows = [rows[r] for r in batch]
            lens = np.fromiter((len(r) for r in brows), dtype=np.int64, count=len(brows))
            ends = np.cumsum(lens)
            flat_ids = np.fromiter(chain.from_iterable(brows), dtype=np.int64, count=int(ends[-1]))
            with torch.inference_mode():
                h = self._packed_hidden(brows, lens, flat_ids)
                keep = np.ones(len(flat_ids), dtype=bool)
                keep[ends - 1] = False
                targets = torch.from_numpy(np.roll(flat_ids, -1)[keep])
                lp, ent, best = self._head_features(h[torch.from_numpy(keep)], targets)
                lp, ent, best, hn = lp.numpy(), ent.numpy(), best.numpy(), h.float().numpy()
            starts = ends - lens
            sc = starts - np.arange(len(lens))  # into the scored positions
            for r, a0, s0, n in zip(batch, starts.tolist(), sc.tolist(), lens.tolist()):
                i, a, b = where[r]
                m = b - a  # the row scores its last m predictions
                o = out[i]
                if o["prev"] is None:
                    d = hn.shape[1]
                    o["prev"] = np.zeros((n_s[i], d), np.float32)
                    o["cur"] = np.zeros((n_s[i], d), np.float32)
                k0 = s0 + (n - 1) - m
                o["lp"][a:b] = lp[k0:k0 + m]
                o["entropy"][a:b] = ent[k0:k0 + m]
                o["best"][a:b] = best[k0:k0 + m]
                p0 = a0 + (n - 1) - m  # row position of the state predicting the first scored token
                o["prev"][a:b] = hn[p0:p0 + m]
                o["cur"][a:b] = hn[p0 + 1:p0 + 1 + m]
        for o, n in zip(out, n_s):
            if o["prev"] is None:
                d = self.hidden_size
                o["prev"] = np.zeros((n, d), np.float32)
                o["cur"] = np.zeros((n, d), np.float32)
        return out

    def _packed_hidden(self, rows, lens: np.ndarray, flat_ids: np.ndarray):
        """Final hidden states of the rows packed end to end (the packed forward, or the
        model's own padded forward with the padding dropped)."""
        torch = self.torch
        if self.packed is not None:
            return self.packed.hidden(rows, flat_ids)
        B, T = len(rows), int(lens.max())
        ids = torch.full((B, T), self.pad_id, dtype=torch.long)
        mask = torch.zeros((B, T), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = torch.tensor(r)
            mask[i, :len(r)] = 1
        pos = torch.arange(T, dtype=torch.long).unsqueeze(0).expand(B, T)
        if self.device != "cpu":
            ids, mask, pos = ids.to(self.device), mask.to(self.device), pos.to(self.device)
        h = self._hidden(ids, mask, pos)
        return h[mask.bool()].float().cpu()

    def _head_features(self, h, targets):
        torch = self.torch
        if self.packed is not None:
            return self.packed.features(h, targets)
        head = self.model.get_output_embeddings()
        dev = next(head.parameters()).device
        n = h.shape[0]
        lp = torch.empty(n)
        ent = torch.empty(n)
        best = torch.empty(n)
        chunk = max(64, HEAD_CHUNK_ELEMENTS // max(1, self.vocab))
        for a in range(0, n, chunk):
            lg = head(h[a:a + chunk].to(dev, head.weight.dtype)).float()
            full = torch.log_softmax(lg, -1)
            lp[a:a + chunk] = full.gather(1, targets[a:a + chunk].to(dev).unsqueeze(1)).squeeze(1).cpu()
            ent[a:a + chunk] = (-(full.exp() * full).sum(-1)).cpu()
            best[a:a + chunk] = full.max(-1).values.cpu()
        return lp, ent, best

    def forward_rows(self, rows: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """One forward pass over a batch; for each row, log p of tokens 1..len-1."""
        torch = self.torch
        B = len(rows)
        lens = np.fromiter((len(r) for r in rows), dtype=np.int64, count=B)
        if self.packed is not None:
            return self._forward_packed(rows, lens)
        T = int(lens.max())
        ids_np = np.full((B, T), self.pad_id, dtype=np.int64)
        mask_np = np.zeros((B, T), dtype=np.int64)
        for i, r in enumerate(rows):
            ids_np[i, :len(r)] = r
            mask_np[i, :len(r)] = 1
        ids = torch.from_numpy(ids_np)
        mask = torch.from_numpy(mask_np)
        pos = torch.arange(T, dtype=torch.long).unsqueeze(0).expand(B, T)
        if self.device != "cpu":
            ids, mask, pos = ids.to(self.device), mask.to(self.device), pos.to(self.device)
        with torch.inference_mode():
            sel = mask[:, 1:].bool()
            targets = ids[:, 1:][sel]
            if self.split_head:
                hidden = self._hidden(ids, mask, pos)
                h = hidden[:, :-1][sel]
                lp = self._head_logprobs(h, targets)
            else:
                logits = self.model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=False).logits
                lg = logits[:, :-1][sel].float()
                lp = lg.gather(1, targets.unsqueeze(1)).squeeze(1) - torch.logsumexp(lg, dim=-1)
            flat = lp.float().cpu().numpy()
        out = []
        k = 0
        for n in lens:
            out.append(flat[k:k + int(n) - 1])
            k += int(n) - 1
        return out

    def _forward_packed(self, rows: Sequence[Sequence[int]], lens: np.ndarray) -> list[np.ndarray]:
        torch = self.torch
        ends = np.cumsum(lens)
        with torch.inference_mode():
            flat_ids = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=int(ends[-1]))
            h = self.packed.hidden(rows, flat_ids)
            keep = np.ones(len(flat_ids), dtype=bool)
            keep[ends - 1] = False                      # a row's last position predicts nothing
            targets = torch.from_numpy(np.roll(flat_ids, -1)[keep])
            flat = self.packed.logprobs(h[torch.from_numpy(keep)], targets).numpy()
        starts = ends - lens - np.arange(len(lens))     # each row scores len - 1 positions
        return [flat[a:a + n - 1] for a, n in zip(starts.tolist(), lens.tolist())]

    def raw_forward(self, rows: Sequence[Sequence[int]]) -> None:
        """The model forward of one batch, logits at every position, in the engine's
        own layout and precision — no log-softmax, no mapping (the benchmark's limit)."""
        torch = self.torch
        if self.packed is not None:
            with torch.inference_mode():
                self.packed.logits(self.packed.hidden(rows))
            return
        self.hf_forward(rows)

    def hf_forward(self, rows: Sequence[Sequence[int]]) -> None:
        """The plain padded ``model(...).logits`` forward of one batch."""
        torch = self.torch
        B = len(rows)
        T = max(len(r) for r in rows)
        ids = torch.full((B, T), self.pad_id, dtype=torch.long)
        mask = torch.zeros((B, T), dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = torch.tensor(r)
            mask[i, :len(r)] = 1
        if self.device != "cpu":
            ids, mask = ids.to(self.device), mask.to(self.device)
        with torch.inference_mode():
            self.model(input_ids=ids, attention_mask=mask, use_cache=False).logits
        if self.device != "cpu":
            torch.cuda.synchronize()

    # -- internals ------------------------------------------------------------
    def _hidden(self, ids, mask, pos):
        out = self.model.base_model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=False)
        return out[0]

    def _head_logprobs(self, h, targets):
        torch = self.torch
        head = self.model.get_output_embeddings()
        n = h.shape[0]
        chunk = max(64, HEAD_CHUNK_ELEMENTS // max(1, self.vocab))
        parts = []
        for a in range(0, n, chunk):
            lg = head(h[a:a + chunk]).float()
            t = targets[a:a + chunk]
            # log_softmax + gather: on the CPU its vectorised kernel is ~3x faster than logsumexp
            parts.append(torch.log_softmax(lg, dim=-1).gather(1, t.unsqueeze(1)).squeeze(1))
        return torch.cat(parts) if parts else h.new_zeros(0, dtype=torch.float32)

    def _check_split_head(self) -> bool:
        """Does head(base_model(x)) reproduce the model's logits?  (Else use full forwards.)"""
        torch = self.torch
        try:
            head = self.model.get_output_embeddings()
            if head is None or self.model.base_model is self.model:
                return False
            ids = torch.tensor([[self.bos_id, *self.encode(["The minister said on Tuesday."])[0][0]]])
            ids = ids.to(self.device) if self.device != "cpu" else ids
            mask = torch.ones_like(ids)
            with torch.inference_mode():
                full = self.model(input_ids=ids, attention_mask=mask, use_cache=False).logits.float()
                split = head(self.model.base_model(input_ids=ids, attention_mask=mask, use_cache=False)[0]).float()
            tol = 1e-4 if self.dtype == torch.float32 and not self.quantize else 5e-2
            return bool(full.shape == split.shape and torch.allclose(
                torch.log_softmax(full, -1), torch.log_softmax(split, -1), atol=tol, rtol=0))
        except Exception:  # pragma: no cover - exotic architectures
            return False


def _agrees(pk, probe, tol: float, mean_tol: float | None = None) -> bool:
    """Do the packed forward's log-probs of the probe row match the model's own within ``tol``
    (every token) and ``mean_tol`` (on average)?"""
    import torch

    ids, ref = probe
    with torch.inference_mode():
        got = pk.logprobs(pk.hidden([ids])[:-1], torch.tensor(ids[1:]))
    if got.shape != ref.shape or not torch.allclose(got, ref, atol=tol, rtol=0):
        return False
    return mean_tol is None or float((got - ref).abs().mean()) <= mean_tol


def _load(ref: str, dtype) -> tuple[Any, Any]:
    """Tokenizer and model, safetensors only, no remote code, quietly."""
    if ref.startswith(("/", "./", "../", "~")) or os.sep + os.sep in ref or Path(ref).suffix in (".safetensors", ".bin"):
        if not Path(ref).expanduser().is_dir():
            raise FluencyError(f"no model folder {ref!r} (a Hugging Face model folder or hub name is expected)")
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    bar = hf_logging.is_progress_bar_enabled()
    verbosity = hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    # never the network unless the user opted in (HF_HUB_OFFLINE=0 or MTQA_ALLOW_DOWNLOAD=1): a
    # mistyped --model fails at once instead of retrying a hub
    offline = not (os.environ.get("HF_HUB_OFFLINE", "").strip() in ("0", "false", "False")
                   or os.environ.get("MTQA_ALLOW_DOWNLOAD", "").strip() in ("1", "true", "yes"))
    try:
        tok = AutoTokenizer.from_pretrained(ref, trust_remote_code=False, local_files_only=offline)
        import transformers

        kw: dict[str, Any] = {"dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype": dtype}
        model = AutoModelForCausalLM.from_pretrained(ref, use_safetensors=True, trust_remote_code=False,
                                                     local_files_only=offline, **kw)
    except FluencyError:
        raise
    except (OSError, ValueError, EnvironmentError) as e:
        why = str(e).splitlines()[0] if str(e) else str(e)
        if offline and not Path(ref).expanduser().is_dir():
            why = ("not a model folder, a built-in name (smollm2-135m, newslm-5m) or a model in the local "
                   "Hugging Face cache (mtqa does not download; HF_HUB_OFFLINE=0 allows it)")
        raise FluencyError(f"cannot load the language model {ref!r}: {why}") from None
    finally:
        hf_logging.set_verbosity(verbosity)
        if bar:
            hf_logging.enable_progress_bar()
    return tok, model


def _fuse_activations(model) -> None:
    """Swap transformers' Python tanh-GELU (GPT-2's ``gelu_new``) for torch's fused
    ``GELU(approximate="tanh")``: the same function, one kernel instead of six."""
    import torch

    try:
        from transformers.activations import NewGELUActivation
    except ImportError:  # pragma: no cover
        return
    for mod in list(model.modules()):
        for name, child in list(mod.named_children()):
            if type(child) is NewGELUActivation:
                setattr(mod, name, torch.nn.GELU(approximate="tanh"))


def _quantize_int8(model):
    """Dynamic int8 linear layers (GPT-2's Conv1D converted to Linear first)."""
    import torch

    try:
        from transformers.pytorch_utils import Conv1D
    except ImportError:  # pragma: no cover
        Conv1D = ()  # type: ignore[assignment]
    for mod in list(model.modules()):
        for name, child in list(mod.named_children()):
            if Conv1D and isinstance(child, Conv1D):
                lin = torch.nn.Linear(child.weight.shape[0], child.weight.shape[1])
                lin.weight.data = child.weight.data.t().contiguous()
                lin.bias.data = child.bias.data.clone()
                setattr(mod, name, lin)
    return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
