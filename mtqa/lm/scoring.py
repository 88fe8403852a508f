"""Minimal sentence scoring with a shipped newslm folder (reference implementation for
benchmarks/tests; the fluency scorer may build on it).

Each sentence is normalised with :func:`mtqa.lm.normalize.normalize_text`, encoded
without a prefix space and scored as ``<|endoftext|> sentence [<|endoftext|>]``; the
surprisal (nats -> reported in bits) of every token given its prefix is returned, with
the character offsets of each token so callers can aggregate per word or per span.
Sentences longer than the context (126 tokens + BOS/EOS) are truncated (``truncated``).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from .normalize import normalize_text

LN2 = math.log(2.0)


@dataclass
class Scored:
    text: str                     # the normalised text that was scored
    tokens: list                  # token strings
    offsets: list                 # (start, end) char offsets into ``text``
    surprisal: list               # bits, one per token (token given BOS + prefix)
    eos_surprisal: float | None   # bits of <|endoftext|> after the sentence
    truncated: bool = False       # longer than the context: only a prefix was scored

    @property
    def n_words(self) -> int:
        t = self.text[: self.offsets[-1][1]] if (self.truncated and self.offsets) else self.text
        return max(1, len(t.split()))

    def total_bits(self, include_eos: bool = False) -> float:
        return sum(self.surprisal) + ((self.eos_surprisal or 0.0) if include_eos else 0.0)

    def mean_per_token(self) -> float:
        return self.total_bits() / max(1, len(self.surprisal))

    def mean_per_word(self) -> float:
        return self.total_bits() / self.n_words


class NewsLM:
    def __init__(self, model_dir, threads: int | None = None, dtype=None):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        if threads:
            torch.set_num_threads(threads)
        model_dir = str(Path(model_dir))
        self.tok = AutoTokenizer.from_pretrained(model_dir)
        kw = {}
        if dtype is not None:   # transformers 5 calls it `dtype`, 4.x `torch_dtype`
            import transformers
            kw["dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype"] = dtype
        self.model = AutoModelForCausalLM.from_pretrained(model_dir, use_safetensors=True, **kw)
        self.model.eval()
        self.bos = self.tok.bos_token_id
        self.max_len = int(self.model.config.n_positions)

    def score(self, sentences, batch_size: int = 32, normalize: bool = True,
              add_eos: bool = True) -> list[Scored]:
        import torch
        texts = [normalize_text(s) if normalize else s for s in sentences]
        enc = self.tok(texts, add_special_tokens=False, return_offsets_mapping=True)
        out: list = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(enc["input_ids"][i]))
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            seqs = []
            for i in idx:
                ids = [self.bos] + list(enc["input_ids"][i])[: self.max_len - 2]
                if add_eos and len(enc["input_ids"][i]) <= self.max_len - 2:
                    ids = ids + [self.bos]
                seqs.append(ids)
            L = max(len(s) for s in seqs)
            x = torch.full((len(seqs), L), self.bos, dtype=torch.long)
            att = torch.zeros((len(seqs), L), dtype=torch.long)
            for r, s in enumerate(seqs):
                x[r, :len(s)] = torch.tensor(s)
                att[r, :len(s)] = 1
            with torch.inference_mode():
                logits = self.model(input_ids=x, attention_mask=att).logits.float()
                lp = torch.log_softmax(logits[:, :-1], -1)
                tgt = lp.gather(-1, x[:, 1:].unsqueeze(-1)).squeeze(-1)
            for r, i in enumerate(idx):
                n = len(seqs[r]) - 1
                bits = (-tgt[r, :n] / LN2).tolist()
                trunc = len(enc["input_ids"][i]) > self.max_len - 2
                eos = bits.pop() if (add_eos and not trunc) else None
                ntok = len(bits)
                ids = enc["input_ids"][i][:ntok]
                out[i] = Scored(texts[i], self.tok.convert_ids_to_tokens(ids),
                                [tuple(o) for o in enc["offset_mapping"][i][:ntok]], bits, eos, trunc)
        return out


def default_model_dir() -> Path:
    env = os.environ.get("MTQA_NEWSLM")
    if env:
        return Path(env)
    root = Path(__file__).resolve().parents[2] / "models"
    cands = sorted(root.glob("newslm-*/model.safetensors"))
    if not cands:
        raise FileNotFoundError("no models/newslm-*/model.safetensors")
    return cands[0].parent
