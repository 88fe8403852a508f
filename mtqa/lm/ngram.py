"""Baseline n-gram language models for benchmarks/bench_lm.py (pure Python).

* :class:`KNTrigram` -- interpolated Kneser-Ney trigram (single absolute discount per
  order, D=0.75) over any symbol sequences, backed off to a base distribution ``p0``
  (uniform over the BPE vocabulary for token models; a character-level spelling model
  for word models, which makes the word model open-vocabulary: an unseen word gets
  probability mass for its actual spelling, not a shared <unk>).
* :class:`Unigram` -- Witten-Bell-style unigram ``(c(w) + T p0(w)) / (N + T)``.
* :class:`CharSpelling` -- character unigram spelling model with an end-of-word symbol.
Every sentence is padded with <s> <s> on the left and predicts </s> at the end.
"""
from __future__ import annotations

import math
from collections import Counter

BOS, EOS = "<s>", "</s>"


class CharSpelling:
    def __init__(self, words):
        c = Counter()
        for w in words:
            c.update(w)
            c["\0"] += 1
        self.n = sum(c.values())
        self.c = c
        self.V = len(c) + 1      # +1 bucket for unseen characters (spread over 2^16)

    def logp(self, w) -> float:
        lp = 0.0
        for ch in list(w) + ["\0"]:
            k = self.c.get(ch, 0)
            if k:
                lp += math.log(k / (self.n + self.V))
            else:
                lp += math.log(1.0 / (self.n + self.V) / 65536)
        return lp


class Unigram:
    def __init__(self, sentences, logp0):
        self.c = Counter()
        for s in sentences:
            self.c.update(s)
            self.c[EOS] += 1
        self.N = sum(self.c.values())
        self.T = len(self.c)
        self.logp0 = logp0

    def logp_sentence(self, s) -> float:
        tot = 0.0
        for w in list(s) + [EOS]:
            p = (self.c.get(w, 0) + self.T * (math.exp(self.logp0(w)) if w != EOS else 0.0)) / (self.N + self.T)
            tot += math.log(max(p, 1e-300))
        return tot


class KNTrigram:
    def __init__(self, sentences, logp0, D: float = 0.75):
        self.D = D
        self.logp0 = logp0
        c3 = Counter()
        for s in sentences:
            seq = [BOS, BOS] + list(s) + [EOS]
            for i in range(2, len(seq)):
                c3[(seq[i - 2], seq[i - 1], seq[i])] += 1
        # trigram level
        self.c3 = c3
        self.c3_ctx = Counter()          # c(u v .)
        self.n3_ctx = Counter()          # N1+(u v .)
        cont2 = Counter()                # N1+(. v w)
        for (u, v, w), k in c3.items():
            self.c3_ctx[(u, v)] += k
            self.n3_ctx[(u, v)] += 1
            cont2[(v, w)] += 1
        self.cont2 = cont2
        self.c2_ctx = Counter()          # sum_w N1+(. v w)
        self.n2_ctx = Counter()          # N1+(v .) over continuation bigrams
        cont1 = Counter()                # N1+(. w)
        for (v, w), k in cont2.items():
            self.c2_ctx[v] += k
            self.n2_ctx[v] += 1
            cont1[w] += 1
        self.cont1 = cont1
        self.c1_tot = sum(cont1.values())
        self.n1_types = len(cont1)

    def p1(self, w) -> float:
        p0 = 0.0 if w == EOS else math.exp(self.logp0(w))
        return (max(self.cont1.get(w, 0) - self.D, 0.0) + self.D * self.n1_types * p0) / self.c1_tot

    def p2(self, v, w) -> float:
        cv = self.c2_ctx.get(v, 0)
        if not cv:
            return self.p1(w)
        return (max(self.cont2.get((v, w), 0) - self.D, 0.0) + self.D * self.n2_ctx[v] * self.p1(w)) / cv

    def p3(self, u, v, w) -> float:
        cuv = self.c3_ctx.get((u, v), 0)
        if not cuv:
            return self.p2(v, w)
        return (max(self.c3.get((u, v, w), 0) - self.D, 0.0) + self.D * self.n3_ctx[(u, v)] * self.p2(v, w)) / cuv

    def logp_sentence(self, s) -> float:
        seq = [BOS, BOS] + list(s) + [EOS]
        return sum(math.log(max(self.p3(seq[i - 2], seq[i - 1], seq[i]), 1e-300))
                   for i in range(2, len(seq)))
