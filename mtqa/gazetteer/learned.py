"""A learned English → Russian transliteration model, for keys of names that
have no Cyrillic form in the gazetteer.

MT output that garbles a name is a romanization of the name's *Russian*
spelling ("Chemilton" ← Хэмилтон ← Hamilton).  When an entry has a Russian
form the gazetteer romanizes it directly; when it has none (a bare name list,
a sanctions list), this model predicts how Russian media would spell the
English name and the prediction is romanized instead.

The model is estimated from English↔Russian name pairs (one word each):

1. **Alignment** — EM over monotone alignments in which every English letter
   emits zero to three Cyrillic letters (``ck`` → к + "", ``x`` → кс,
   ``j`` → дж); the Viterbi alignment of each pair gives each English letter
   its Cyrillic chunk.
2. **Context tables** — for each English letter, the distribution of its
   chunk given windows of up to two letters either side, with back-off from
   the widest window seen at least twice to the letter alone.  Contexts whose
   best chunk is the same as their back-off's are pruned.
3. **Decoding** — a beam over positions gives the k best spellings.

The shipped table (``translit_model.py``) was trained with
``python -m mtqa.gazetteer.learned train ../shared/data/names/wd_russian_80``
on the CC0 Wikidata name pairs of Merhav & Ash (COLING 2018), file
``wd_russian_80`` of github steveash/NETransliteration-COLING2018 (commit
5d5f59e5), using only the pairs whose English name hashes to buckets 2–9 of
10 (md5 of the name, mod 10); buckets 0 (test) and 1 (development) are held
out for ``benchmarks/bench_names.py``.  No pair of the data is shipped.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import math
import sys
from functools import lru_cache
from typing import Iterable

from mtqa.gazetteer.keys import _fold

MAX_CHUNK = 3
TEMPLATES = ((2, 2), (2, 1), (1, 2), (1, 1), (0, 2), (2, 0), (1, 0), (0, 1), (0, 0))


def fold_english(word: str) -> str:
    return "".join(c for c in _fold(word) if "a" <= c <= "z")


def bucket(english: str) -> int:
    """Deterministic 10-way split of the name pairs (0 test, 1 development, 2-9 training)."""
    return int(hashlib.md5(english.encode("utf-8")).hexdigest(), 16) % 10


def _ctx(padded: str, i: int, left: int, right: int) -> str:
    return f"{left}{right}{padded[i - left:i]}_{padded[i]}_{padded[i + 1:i + 1 + right]}"


# -- training ----------------------------------------------------------------------


def em_align(pairs: list[tuple[str, str]], iterations: int = 5, log=None) -> dict[tuple[str, str], float]:
    """t(chunk | letter) by EM over monotone 1-to-(0..3) alignments."""
    t: dict[tuple[str, str], float] = collections.defaultdict(lambda: 1.0)
    for it in range(iterations):
        counts: dict[tuple[str, str], float] = collections.defaultdict(float)
        for e, r in pairs:
            n, m = len(e), len(r)
            a = [[0.0] * (m + 1) for _ in range(n + 1)]
            a[0][0] = 1.0
            for i in range(1, n + 1):
                ch = e[i - 1]
                ai, ap = a[i], a[i - 1]
                for j in range(m + 1):
                    s = 0.0
                    for k in range(min(MAX_CHUNK, j) + 1):
                        v = ap[j - k]
                        if v:
                            s += v * t.get((ch, r[j - k:j]), 0.0) if it else v
                    ai[j] = s
            z = a[n][m]
            if z <= 0:
                continue
            b = [[0.0] * (m + 1) for _ in range(n + 1)]
            b[n][m] = 1.0
            for i in range(n, 0, -1):
                ch = e[i - 1]
                bi, bp, ap = b[i], b[i - 1], a[i - 1]
                for j in range(m, -1, -1):
                    if not bi[j]:
                        continue
                    for k in range(min(MAX_CHUNK, j) + 1):
                        w = t.get((ch, r[j - k:j]), 0.0) if it else 1.0
                        if not w:
                            continue
                        bp[j - k] += w * bi[j]
                        if ap[j - k]:
                            counts[(ch, r[j - k:j])] += ap[j - k] * w * bi[j] / z
        totals: dict[str, float] = collections.defaultdict(float)
        for (ch, _), v in counts.items():
            totals[ch] += v
        t = {k: v / totals[k[0]] for k, v in counts.items() if v / totals[k[0]] > 1e-4}
        if log:
            log(f"EM iteration {it + 1}: {len(t)} chunk probabilities")
    return dict(t)


def viterbi_align(e: str, r: str, t: dict[tuple[str, str], float]) -> list[str] | None:
    n, m = len(e), len(r)
    neg = -1e18
    a = [[neg] * (m + 1) for _ in range(n + 1)]
    a[0][0] = 0.0
    back: dict[tuple[int, int], int] = {}
    for i in range(1, n + 1):
        ch = e[i - 1]
        for j in range(m + 1):
            best, arg = neg, -1
            for k in range(min(MAX_CHUNK, j) + 1):
                p = t.get((ch, r[j - k:j]))
                if p and a[i - 1][j - k] > neg:
                    v = a[i - 1][j - k] + math.log(p)
                    if v > best:
                        best, arg = v, k
            a[i][j] = best
            back[(i, j)] = arg
    if a[n][m] <= neg:
        return None
    out, j = [], m
    for i in range(n, 0, -1):
        k = back[(i, j)]
        out.append(r[j - k:j])
        j -= k
    return out[::-1]


def context_tables(aligned: Iterable[tuple[str, list[str]]], min_count: int = 2, top: int = 3) -> dict[str, list]:
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for e, chunks in aligned:
        padded = "^^" + e + "$$"
        for i, c in enumerate(chunks):
            for left, right in TEMPLATES:
                counts[_ctx(padded, i + 2, left, right)][c] += 1
    table: dict[str, list] = {}
    for key, cn in counts.items():
        tot = sum(cn.values())
        if tot < min_count and not key.startswith("00"):
            continue
        table[key] = [(c, n / tot) for c, n in cn.most_common(top)]
    return _prune(table)


def _prune(table: dict[str, list]) -> dict[str, list]:
    """Drop a context whose best chunk equals what its back-off would give."""
    keep: dict[str, list] = {}
    for key, dist in table.items():
        left, right = int(key[0]), int(key[1])
        if (left, right) == (0, 0):
            keep[key] = dist
            continue
        _, mid, _ = key[2:].split("_")
        pre = key[2:2 + left]
        post = key[2 + left + 1 + len(mid) + 1:]
        padded = pre + mid + post
        i = len(pre)
        backoff = None
        for lt, rt in TEMPLATES[TEMPLATES.index((left, right)) + 1:]:
            if lt > left or rt > right:
                continue
            backoff = table.get(_ctx(padded, i, lt, rt))
            if backoff:
                break
        if backoff is None or backoff[0][0] != dist[0][0] or abs(backoff[0][1] - dist[0][1]) > 0.25:
            keep[key] = [(c, round(p, 3)) for c, p in dist]
    return keep


def train(path: str, log=print) -> dict[str, list]:
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or bucket(parts[0]) < 2:
                continue
            e, r = fold_english(parts[0]), parts[1].replace(" ", "")
            if e and r and len(r) <= MAX_CHUNK * len(e):
                pairs.append((e, r))
    log(f"{len(pairs)} training pairs")
    t = em_align(pairs, log=log)
    aligned = [(e, a) for e, r in pairs if (a := viterbi_align(e, r, t))]
    log(f"{len(aligned)} aligned")
    return context_tables(aligned)


def dump(table: dict[str, list]) -> str:
    lines = [f"{k}\t" + "|".join(f"{c}:{p:g}" for c, p in v) for k, v in sorted(table.items())]
    body = "\n".join(lines)
    return (
        '"""Learned English → Russian transliteration table (generated; see mtqa/gazetteer/learned.py).\n\n'
        "Trained on CC0 Wikidata name pairs (Merhav & Ash, COLING 2018; github\n"
        "steveash/NETransliteration-COLING2018, data/wd_russian_80, commit 5d5f59e5),\n"
        "buckets 2-9 of the md5 split.  One line per context: key TAB chunk:prob|...\n"
        '"""\n\n'
        f"TABLE = '''\n{body}\n'''\n"
    )


# -- prediction ----------------------------------------------------------------------


class Transliterator:
    def __init__(self, table: dict[str, list]):
        self.table = table

    @classmethod
    def from_text(cls, text: str) -> "Transliterator":
        table: dict[str, list] = {}
        for line in text.strip("\n").split("\n"):
            if not line:
                continue
            key, _, rest = line.partition("\t")
            dist = []
            for item in rest.split("|"):
                c, _, p = item.rpartition(":")
                dist.append((c, float(p)))
            table[key] = dist
        return cls(table)

    def _dist(self, padded: str, i: int) -> list:
        for left, right in TEMPLATES:
            d = self.table.get(_ctx(padded, i, left, right))
            if d:
                return d
        return [("", 1.0)]

    @lru_cache(maxsize=50_000)
    def predict(self, word: str, k: int = 3) -> tuple[str, ...]:
        """The k most likely Cyrillic spellings of one English word."""
        e = fold_english(word)
        if not e:
            return ()
        padded = "^^" + e + "$$"
        beams = [(0.0, "")]
        for i in range(2, len(e) + 2):
            d = self._dist(padded, i)
            nxt = [(s + math.log(p), out + c) for s, out in beams for c, p in d if p >= 0.02]
            nxt.sort(key=lambda x: (-x[0], x[1]))
            beams = nxt[: k * 2] or beams
        seen: dict[str, None] = {}
        for _, out in beams:
            seen.setdefault(out, None)
        return tuple(list(seen)[:k])

    def predict_name(self, name: str, k: int = 3) -> list[str]:
        """Up to k Cyrillic spellings of a (multi-word) name, word by word."""
        words = [w for w in name.replace("-", " ").split() if fold_english(w)]
        if not words:
            return []
        per_word = [self.predict(w, k) or (w,) for w in words]
        out = [" ".join(p[0] for p in per_word)]
        for wi, p in enumerate(per_word):
            for alt in p[1:]:
                if len(out) >= k:
                    break
                out.append(" ".join(alt if j == wi else q[0] for j, q in enumerate(per_word)))
        return out[:k]


@lru_cache(maxsize=1)
def default_model() -> Transliterator | None:
    try:
        from mtqa.gazetteer.translit_model import TABLE
    except ImportError:  # pragma: no cover
        return None
    return Transliterator.from_text(TABLE)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m mtqa.gazetteer.learned")
    sub = ap.add_subparsers(dest="cmd", required=True)
    tr = sub.add_parser("train", help="train on english<TAB>space-separated Cyrillic<TAB>count pairs")
    tr.add_argument("pairs")
    tr.add_argument("-o", "--output", default=None, help="write the table module here (default: stdout)")
    a = ap.parse_args(argv)
    table = train(a.pairs, log=lambda m: print(m, file=sys.stderr))
    text = dump(table)
    if a.output:
        with open(a.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
