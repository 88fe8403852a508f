"""A packed, batch-invariant forward pass for GPT-2-family models on the CPU.

Why not ``model(input_ids, attention_mask)``?  Two reasons, both measured in
``benchmarks/bench_fluency.py``:

* **No padding, no per-call overhead.**  The rows of a batch are packed end to
  end into one ``(tokens, d_model)`` matrix: every linear layer runs on real
  tokens only, and attention runs per group of equal-length rows (causal, no
  mask tensor).  In fp32 this is ~10 % faster than the padded HF forward and
  gives the same log-probabilities (checked against the model's own logits
  when the engine loads; tests compare to 1e-4).
* **bf16 that does not depend on the batch.**  bf16 matrix products are ~2x
  faster than fp32 on CPUs with native bf16 (AVX512-BF16, AMX), but running
  the HF model in bf16 makes a sentence's score depend on its batch-mates (up
  to 0.06 nats per token): the padded shapes change, and bf16 rounding
  magnifies the 1e-7 differences that follow.  Here every step is *row-local
  with fixed shapes per row*: the residual stream and layer norms stay fp32;
  only the inputs of the matrix products are rounded to bf16 (each output row
  of a oneDNN GEMM depends on its own input row only); attention of a row
  runs with rows of exactly its length, never padded.  So a sentence gets
  bit-identical scores alone or in any batch (tested), and scores stay
  within ~0.007 nats per token of fp32 on average
  (``benchmarks/bench_fluency.py`` prints the comparison).

The log-probability of the next token is ``logit(target) - logsumexp(logits)``
with the target's logit recomputed in fp32 (one dot product per token) and
the log-sum-exp taken over the bf16 head's logits in fp32; the head (tied
embeddings, 8192 x 256 for the shipped model) is applied only at scored
positions.

Only plain GPT-2 blocks are supported (``model_type == "gpt2"``, pre-LN,
learned positions, tanh or exact GELU, no cross-attention, no layer-index
scaling, no upcast re-ordering); :func:`from_model` returns ``None`` for
anything else and the engine uses the model's own forward.
"""

from __future__ import annotations

from typing import Any, Sequence

from itertools import chain

import numpy as np

HEAD_ROWS = 128  # scored positions per head GEMM: its logits stay in cache for the log-softmax (measured)


def native_bf16() -> bool:
    """Does this CPU multiply bf16 natively (AVX512-BF16 or AMX)?  Without it
    oneDNN emulates bf16 and fp32 is faster."""
    import torch

    for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):
        fn = getattr(torch.cpu, probe, None)
        try:
            if fn is not None and fn():
                return True
        except Exception:  # pragma: no cover - private API moved
            continue
    return False


def from_model(model: Any, dtype: Any) -> "PackedGPT2 | None":
    """A packed forward for ``model`` computing matrix products in ``dtype``,
    or ``None`` when the architecture is not a plain GPT-2."""
    cfg = getattr(model, "config", None)
    if cfg is None or getattr(cfg, "model_type", None) != "gpt2":
        return None
    if (getattr(cfg, "add_cross_attention", False) or getattr(cfg, "scale_attn_by_inverse_layer_idx", False)
            or getattr(cfg, "reorder_and_upcast_attn", False) or not getattr(cfg, "scale_attn_weights", True)):
        return None
    act = getattr(cfg, "activation_function", "")
    if act not in ("gelu_new", "gelu_pytorch_tanh", "gelu"):
        return None
    try:
        return PackedGPT2(model, dtype, approximate="none" if act == "gelu" else "tanh")
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - a GPT-2 look-alike
        return None


class PackedGPT2:
    """The weights of a GPT-2 LM, laid out for packed rows (see the module doc)."""

    def __init__(self, model: Any, dtype: Any, approximate: str = "tanh"):
        import torch

        self.torch = torch
        self.dtype = dtype
        self.approximate = approximate
        tr = model.transformer
        cfg = model.config
        self.d = int(cfg.n_embd)
        self.heads = int(cfg.n_head)
        if self.d % self.heads:
            raise ValueError("n_embd is not a multiple of n_head")
        self.eps = float(cfg.layer_norm_epsilon)

        def f32(t):
            return t.detach().float().contiguous()

        # HF Conv1D stores (in, out); linear wants (out, in).  A transposed copy: addmm on the
        # model's own (in, out) tensors would save the memory but runs ~10-15 % slower here
        def mat(conv):
            return conv.weight.detach().t().to(dtype).contiguous(), conv.bias.detach().to(dtype).contiguous()

        self.wte = f32(tr.wte.weight)
        self.wpe = f32(tr.wpe.weight)
        self.layers = [(
            (f32(b.ln_1.weight), f32(b.ln_1.bias)), mat(b.attn.c_attn), mat(b.attn.c_proj),
            (f32(b.ln_2.weight), f32(b.ln_2.bias)), mat(b.mlp.c_fc), mat(b.mlp.c_proj),
        ) for b in tr.h]
        self.ln_f = (f32(tr.ln_f.weight), f32(tr.ln_f.bias))
        head = model.get_output_embeddings()
        self.head_f32 = f32(head.weight)
        self.head = self.head_f32 if dtype == torch.float32 else head.weight.detach().to(dtype).contiguous()
        self.head_t = self.head.t()  # (d, vocab) view for mm(..., out=)
        self.head_bias = None if getattr(head, "bias", None) is None else f32(head.bias)
        self._pos: dict[int, Any] = {}

    # -- the body -----------------------------------------------------------------
    def hidden(self, rows: Sequence[Sequence[int]], flat: np.ndarray | None = None):
        """Final hidden states (fp32, ``(sum of lengths, d)``) of the rows, packed in order
        (``flat``: the rows' tokens end to end, if the caller has them).

        Attention runs once per run of adjacent equal-length rows (the engine
        sorts rows by length, so that is once per length).
        """
        torch = self.torch
        F = torch.nn.functional
        lens = [len(r) for r in rows]
        if flat is None:
            flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=sum(lens))
        ids = torch.from_numpy(flat)
        groups = []  # (first packed position, rows, length): attention runs per group
        i = k = 0
        while i < len(lens):
            j = i
            while j < len(lens) and lens[j] == lens[i]:
                j += 1
            groups.append((k, j - i, lens[i]))
            k += (j - i) * lens[i]
            i = j
        pos = torch.cat([self._positions(n, L) for _, n, L in groups])
        x = self.wte[ids] + self.wpe[pos]
        dt, d, H = self.dtype, self.d, self.heads
        dh = d // H
        for ln1, qkv_w, proj_w, ln2, fc_w, fc2_w in self.layers:
            a = F.layer_norm(x, (d,), ln1[0], ln1[1], self.eps).to(dt)
            qkv = F.linear(a, *qkv_w)
            att = torch.empty((x.shape[0], d), dtype=dt)
            for s, n, L in groups:
                q, k_, v = qkv[s:s + n * L].view(n, L, 3, H, dh).permute(2, 0, 3, 1, 4)
                o = F.scaled_dot_product_attention(q, k_, v, is_causal=True)
                att[s:s + n * L] = o.permute(0, 2, 1, 3).reshape(n * L, d)
            x = x + F.linear(att, *proj_w).float()
            a = F.layer_norm(x, (d,), ln2[0], ln2[1], self.eps).to(dt)
            x = x + F.linear(F.gelu(F.linear(a, *fc_w), approximate=self.approximate), *fc2_w).float()
        return F.layer_norm(x, (d,), self.ln_f[0], self.ln_f[1], self.eps)

    def _positions(self, n: int, L: int):
        p = self._pos.get(L)
        if p is None:
            p = self._pos[L] = self.torch.arange(L)
        return p.repeat(n) if n > 1 else p

    # -- the head -----------------------------------------------------------------
    def logprobs(self, h, targets):
        """``log p(target)`` (fp32) of hidden states ``h`` (fp32), the head applied
        :data:`HEAD_ROWS` rows at a time into buffers reused across chunks (fresh
        multi-MB tensors per chunk cost page faults that rival the log-softmax)."""
        torch = self.torch
        n = h.shape[0]
        res = torch.empty(n, dtype=torch.float32)
        if n == 0:
            return res
        exact = self.dtype == torch.float32
        lg = self._logits_buffer(n)
        out = torch.empty(lg.shape, dtype=torch.float32)  # the log-softmax's
        hb = h if exact else h.to(self.dtype)
        for a in range(0, n, HEAD_ROWS):
            b = min(n, a + HEAD_ROWS)
            m, t = b - a, targets[a:b].unsqueeze(1)
            logits = self._head_into(hb[a:b], lg[:m])
            lsm = torch.log_softmax(logits, -1, dtype=torch.float32, out=out[:m]).gather(1, t).squeeze(1)
            if exact:
                res[a:b] = lsm
                continue
            # log p = logit_t - lse: lse from the bf16 logits (in fp32), the target's logit exact in fp32
            tl = (h[a:b] * self.head_f32[targets[a:b]]).sum(-1)
            if self.head_bias is not None:
                tl += self.head_bias[targets[a:b]]
            res[a:b] = tl - (logits.gather(1, t).squeeze(1).float() - lsm)
        if not exact:
            # lse comes from bf16-rounded logits, the target logit is exact: for a near-certain
            # token (p -> 1) the difference can come out a hair above 0; a log-prob never does
            res.clamp_(max=0.0)
        return res

    def logits(self, h):
        """The head's logits at every position, the same GEMMs into the same buffers
        (the benchmark's raw forward)."""
        n = h.shape[0]
        if n:
            lg = self._logits_buffer(n)
            hb = h.to(self.dtype)
            for a in range(0, n, HEAD_ROWS):
                b = min(n, a + HEAD_ROWS)
                self._head_into(hb[a:b], lg[:b - a])

    def _logits_buffer(self, n: int):
        """One chunk's logits (matrix-product dtype), reused across the chunks of ``n`` rows."""
        return self.torch.empty((min(n, HEAD_ROWS), self.head.shape[0]), dtype=self.dtype)

    def _head_into(self, hb, out):
        self.torch.mm(hb, self.head_t, out=out)
        if self.head_bias is not None:
            out += self.head_bias.to(out.dtype)
        return out
