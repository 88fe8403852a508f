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

HEAD_ROW_MULTIPLE = 16  # the head's GEMMs run on a multiple of this many rows (see _head_into)
HEAD_ROWS = 128  # scored positions per head GEMM: its logits stay in cache for the log-softmax (measured)
# the packed matrix is padded to a multiple of this many positions (one extra row of padding,
# dropped at the end).  oneDNN keeps a primitive, with its buffers, per GEMM shape it has seen:
# unpadded, every batch brings a new row count and a long document's memory grows with its
# length (~50 MB per 512 sentences in bf16, measured); padded, a batch of up to T tokens has at
# most T / PAD_POSITIONS shapes.  Rows stay independent, so the scores do not change.
PAD_POSITIONS = 64


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


def from_model(model: Any, dtype: Any) -> "PackedGPT2 | PackedLlama | None":
    """A packed forward for ``model`` computing matrix products in ``dtype``,
    or ``None`` when the architecture is neither a plain GPT-2 nor a plain Llama."""
    cfg = getattr(model, "config", None)
    kind = getattr(cfg, "model_type", None)
    if kind == "llama":
        return _llama(model, dtype)
    if cfg is None or kind != "gpt2":
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


def _llama(model: Any, dtype: Any) -> "PackedLlama | None":
    """A plain Llama: SiLU-gated MLP, no biases, RMSNorm, default RoPE (no scaling)."""
    cfg = model.config
    rope = getattr(cfg, "rope_parameters", None) or getattr(cfg, "rope_scaling", None) or {}
    if (rope.get("rope_type", "default") != "default" or getattr(cfg, "attention_bias", False)
            or getattr(cfg, "mlp_bias", False) or getattr(cfg, "hidden_act", "silu") != "silu"
            or getattr(cfg, "pretraining_tp", 1) != 1):
        return None
    try:
        return PackedLlama(model, dtype)
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - a Llama look-alike
        return None


class _PackedHead:
    """What both architectures share: groups of equal-length rows, and the LM head
    applied at scored positions only (fp32 log-softmax over reused buffers)."""

    torch: Any
    dtype: Any
    head: Any
    head_t: Any
    head_f32: Any
    head_bias: Any

    @staticmethod
    def groups(lens: Sequence[int]) -> list[tuple[int, int, int]]:
        """(first packed position, rows, length) of each run of adjacent equal-length rows:
        attention runs once per group (the engine sorts rows by length)."""
        out = []
        i = k = 0
        while i < len(lens):
            j = i
            while j < len(lens) and lens[j] == lens[i]:
                j += 1
            out.append((k, j - i, lens[i]))
            k += (j - i) * lens[i]
            i = j
        return out

    def layout(self, rows: Sequence[Sequence[int]], flat: np.ndarray | None = None):
        """The rows' tokens end to end (``flat`` if the caller has them), padded with one
        extra row to a multiple of :data:`PAD_POSITIONS`, their groups (the padding's
        last) and the number of real positions."""
        lens = [len(r) for r in rows]
        n = sum(lens)
        if flat is None:
            flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=n)
        groups = self.groups(lens)
        pad = -n % PAD_POSITIONS
        if pad:
            flat = np.concatenate([flat, np.zeros(pad, dtype=np.int64)])
            groups.append((n, 1, pad))
        return flat, groups, n

    def _positions(self, n: int, L: int):
        p = self._pos.get(L)
        if p is None:
            p = self._pos[L] = self.torch.arange(L)
        return p.repeat(n) if n > 1 else p

    # -- the head -----------------------------------------------------------------
    def logprobs(self, h, targets, _stats=None):
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
        ebuf = torch.empty(lg.shape, dtype=torch.float32) if _stats is not None else None  # p * log p
        hb = h if exact else h.to(self.dtype)
        for a in range(0, n, HEAD_ROWS):
            b = min(n, a + HEAD_ROWS)
            m, t = b - a, targets[a:b].unsqueeze(1)
            logits = self._head_into(hb[a:b], lg)
            full = torch.log_softmax(logits, -1, dtype=torch.float32, out=out[:m])
            lsm = full.gather(1, t).squeeze(1)
            if _stats is not None:
                _stats[1][a:b] = full.amax(-1)
                e = torch.exp(full, out=ebuf[:m])
                _stats[0][a:b] = e.mul_(full).sum(-1).neg_()
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
                self._head_into(hb[a:b], lg)

    def _logits_buffer(self, n: int):
        """One chunk's logits (matrix-product dtype), reused across the chunks of ``n`` rows
        (room for a chunk padded to :data:`HEAD_ROW_MULTIPLE` rows)."""
        rows = -(-min(n, HEAD_ROWS) // HEAD_ROW_MULTIPLE) * HEAD_ROW_MULTIPLE
        return self.torch.empty((rows, self.head.shape[0]), dtype=self.dtype)

    def _head_into(self, hb, out):
        """``hb @ head`` into ``out[:len(hb)]``.  The GEMM runs on a multiple of
        :data:`HEAD_ROW_MULTIPLE` rows (zero rows added, their logits dropped): MKL multiplies
        a matrix of a few rows with another kernel (AVX2: 1-3, 5-7, 9-11 rows), whose rounding
        differs, so without the padding a position's log p would depend on how many positions
        shared its chunk — and the scores on the batch."""
        m = hb.shape[0]
        padded = -(-m // HEAD_ROW_MULTIPLE) * HEAD_ROW_MULTIPLE
        if padded != m:
            hb = self.torch.cat([hb, hb.new_zeros((padded - m, hb.shape[1]))])
        self.torch.mm(hb, self.head_t, out=out[:padded])
        out = out[:m]
        if self.head_bias is not None:
            out += self.head_bias.to(out.dtype)
        return out

    def features(self, h, targets):
        """Per scored position: ``(log p(target), entropy, log p of the best guess)``, all
        fp32 and in nats, from the same head GEMMs and log-softmax as :meth:`logprobs`
        (so ``log p`` is exactly what :meth:`logprobs` returns)."""
        torch = self.torch
        n = h.shape[0]
        ent = torch.empty(n, dtype=torch.float32)
        best = torch.empty(n, dtype=torch.float32)
        # in bf16 the target's log p is exact (fp32 logit) while entropy and best come from the bf16
        # logits: where the target is the best guess, best can be a few hundredths below log p
        lp = self.logprobs(h, targets, _stats=(ent, best))
        return lp, ent, best


class PackedGPT2(_PackedHead):
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
        flat, groups, real = self.layout(rows, flat)
        ids = torch.from_numpy(flat)
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
        return F.layer_norm(x[:real], (d,), self.ln_f[0], self.ln_f[1], self.eps)


class PackedLlama(_PackedHead):
    """The weights of a Llama LM (SmolLM2 and kin), laid out for packed rows.

    The same scheme as :class:`PackedGPT2`: residual stream and RMSNorm in
    fp32, matrix-product inputs in ``dtype``, attention (rotary positions,
    grouped-query heads) per group of equal-length rows with no padding, so a
    row's scores do not depend on its batch-mates.  RMSNorm follows the HF
    module (normalise in fp32, then scale), RoPE the default HF layout
    (``rotate_half`` of the two halves of each head).
    """

    def __init__(self, model: Any, dtype: Any):
        import torch

        self.torch = torch
        self.dtype = dtype
        cfg = model.config
        self.d = int(cfg.hidden_size)
        self.heads = int(cfg.num_attention_heads)
        self.kv_heads = int(getattr(cfg, "num_key_value_heads", None) or self.heads)
        self.dh = int(getattr(cfg, "head_dim", None) or self.d // self.heads)
        if self.heads % self.kv_heads:
            raise ValueError("attention heads are not a multiple of key/value heads")
        self.eps = float(cfg.rms_norm_eps)
        rope = getattr(cfg, "rope_parameters", None) or {}
        theta = float(rope.get("rope_theta", getattr(cfg, "rope_theta", 10000.0)))
        self.inv_freq = 1.0 / (theta ** (torch.arange(0, self.dh, 2, dtype=torch.int64).float() / self.dh))

        def f32(t):
            return t.detach().float().contiguous()

        def mat(lin):
            return lin.weight.detach().to(dtype).contiguous()

        base = model.model
        self.embed = f32(base.embed_tokens.weight)
        self.layers = []
        for b in base.layers:
            at, mlp = b.self_attn, b.mlp
            qkv = torch.cat([at.q_proj.weight, at.k_proj.weight, at.v_proj.weight]).detach().to(dtype).contiguous()
            gate_up = torch.cat([mlp.gate_proj.weight, mlp.up_proj.weight]).detach().to(dtype).contiguous()
            self.layers.append((f32(b.input_layernorm.weight), qkv, mat(at.o_proj),
                                f32(b.post_attention_layernorm.weight), gate_up, mat(mlp.down_proj)))
        self.norm = f32(base.norm.weight)
        head = model.get_output_embeddings()
        self.head_f32 = f32(head.weight)
        self.head = self.head_f32 if dtype == torch.float32 else head.weight.detach().to(dtype).contiguous()
        self.head_t = self.head.t()
        self.head_bias = None if getattr(head, "bias", None) is None else f32(head.bias)
        self._pos: dict[int, Any] = {}
        self._rope: dict[int, Any] = {}

    def _rms(self, x, w):
        return w * (x * self.torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))

    def _cos_sin(self, L: int):
        cs = self._rope.get(L)
        if cs is None:
            torch = self.torch
            freqs = torch.arange(L, dtype=torch.float32)[:, None] * self.inv_freq[None, :]
            emb = torch.cat((freqs, freqs), dim=-1)
            cs = self._rope[L] = (emb.cos(), emb.sin())
        return cs

    def hidden(self, rows: Sequence[Sequence[int]], flat: np.ndarray | None = None):
        """Final hidden states (fp32, ``(sum of lengths, d)``) of the rows, packed in order."""
        torch = self.torch
        F = torch.nn.functional
        flat, groups, real = self.layout(rows, flat)
        x = self.embed[torch.from_numpy(flat)]
        dt, d, H, KV, dh = self.dtype, self.d, self.heads, self.kv_heads, self.dh
        nq, nk = H * dh, KV * dh
        rope = {L: self._cos_sin(L) for _, _, L in groups}
        half = dh // 2
        for ln1, qkv_w, o_w, ln2, gu_w, down_w in self.layers:
            a = self._rms(x, ln1).to(dt)
            qkv = F.linear(a, qkv_w)
            att = torch.empty((x.shape[0], nq), dtype=dt)
            for s, n, L in groups:
                blk = qkv[s:s + n * L].view(n, L, nq + 2 * nk)
                q = blk[..., :nq].view(n, L, H, dh).transpose(1, 2).float()
                k = blk[..., nq:nq + nk].view(n, L, KV, dh).transpose(1, 2).float()
                v = blk[..., nq + nk:].view(n, L, KV, dh).transpose(1, 2)
                cos, sin = rope[L]
                q = q * cos + torch.cat((-q[..., half:], q[..., :half]), -1) * sin
                k = k * cos + torch.cat((-k[..., half:], k[..., :half]), -1) * sin
                o = F.scaled_dot_product_attention(q, k, v.float(), is_causal=True, enable_gqa=KV != H).to(dt)
                att[s:s + n * L] = o.transpose(1, 2).reshape(n * L, nq)
            x = x + F.linear(att, o_w).float()
            a = self._rms(x, ln2).to(dt)
            g, u = F.linear(a, gu_w).chunk(2, dim=-1)
            x = x + F.linear(F.silu(g) * u, down_w).float()
        return self._rms(x[:real], self.norm)
