"""A learned English → Russian transliteration model, for keys of names that
have no Cyrillic form in the gazetteer.

MT output that garbles a name is a romanization of the name's *Russian*
spelling ("Chemilton" ← Хэмилтон ← Hamilton).  When an entry has a Russian
form the gazetteer romanizes it directly; when it has none (a bare name list,
a sanctions list), this model predicts how Russian media would spell the
English name, with a probability for each spelling, and the predictions are
indexed instead (:mod:`mtqa.gazetteer.index`).

The model is estimated from English↔Russian name pairs (one word each):

1. **Alphabet** — the English side is case-folded; letters with diacritics
   frequent enough in the training names keep them (ö → ё, š → ш, ō → о are
   better predictors than o, s); rarer ones are folded (ǆ → dz).
2. **Alignment** — EM over monotone alignments in which every English letter
   emits zero to three Cyrillic letters (``ck`` → к + "", ``x`` → кс,
   ``j`` → дж); the Viterbi alignment of each pair gives each English letter
   its Cyrillic chunk.
3. **Context model** — P(chunk | English letter, up to two letters before and
   three after, the last Cyrillic letter written so far), interpolated
   Witten–Bell style along a fixed chain of ever smaller contexts (with and
   without the previous Cyrillic letter) down to the letter alone; contexts
   seen fewer than three times are dropped.
4. **Decoding** — a beam over the English letters gives the k most probable
   spellings; a multi-word name gets the k best combinations of its words'.

Measured on held-out development pairs (bucket 1): the true spelling's
scheme-independent key (:func:`mtqa.gazetteer.keys.ru_key`) is the first
prediction for 63 % of names and among the first ten for 89 %.

The shipped table (``mtqa/data/gazetteer/translit_en_ru.tsv.xz``) was trained
with ``python -m mtqa.gazetteer.learned train ../shared/data/names/wd_russian_80
-o mtqa/data/gazetteer/translit_en_ru.tsv.xz`` on the CC0 Wikidata name pairs
of Merhav & Ash (COLING 2018), file ``wd_russian_80`` of github
steveash/NETransliteration-COLING2018 (commit 5d5f59e5), using only the pairs
whose English name hashes to buckets 2–9 of 10 (md5 of the name, mod 10);
buckets 0 (test) and 1 (development) are held out for
``benchmarks/bench_names.py``.  No pair of the data is shipped: the file holds
context statistics only.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import heapq
import lzma
import math
import sys
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Iterable

from mtqa.gazetteer.keys import _fold

MAX_CHUNK = 3
PAD = 3
BETA = 6.0  # Witten-Bell: lambda = n / (n + BETA * distinct chunks)
MIN_COUNT = 3
TOP_CHUNKS = 8
# (letters before, letters after, condition on the previous Cyrillic letter), most specific first
CHAIN = ((2, 3, True), (2, 2, True), (1, 2, True), (1, 1, True),
         (2, 3, False), (2, 2, False), (1, 2, False), (2, 1, False), (1, 1, False), (0, 1, False), (1, 0, False),
         (0, 0, False))
MODEL_FILE = "translit_en_ru.tsv.xz"
MAX_NBEST = 12
KEEP_MIN = 25  # a letter with a diacritic keeps it when the training names use it this often


def fold_english(word: str, keep: str = "") -> str:
    """Lower-case letters of an English-script name: a-z plus the ``keep`` letters;
    other letters lose their diacritics (š → sh unless š is kept)."""
    out = []
    for ch in unicodedata.normalize("NFC", word.casefold()):
        if "a" <= ch <= "z" or ch in keep:
            out.append(ch)
        elif ch.isalpha():
            out.extend(c for c in _fold(ch) if "a" <= c <= "z")
    return "".join(out)


def bucket(english: str) -> int:
    """Deterministic 10-way split of the name pairs (0 test, 1 development, 2-9 training)."""
    return int(hashlib.md5(english.encode("utf-8")).hexdigest(), 16) % 10


def _key(padded: str, i: int, left: int, right: int, prev: str | None) -> str:
    k = f"{left}{right}{padded[i - left:i]}_{padded[i]}_{padded[i + 1:i + 1 + right]}"
    return k if prev is None else f"{k}|{prev}"


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


def context_tables(aligned: Iterable[tuple[str, list[str]]], min_count: int = MIN_COUNT,
                   top: int = TOP_CHUNKS) -> dict[str, tuple[float, list[tuple[str, float]]]]:
    """{context key: (interpolation weight, [(chunk, probability), ...])} from aligned pairs."""
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for e, chunks in aligned:
        padded = "^" * PAD + e + "$" * PAD
        prev = "^"
        for i, c in enumerate(chunks):
            for left, right, use_prev in CHAIN:
                counts[_key(padded, i + PAD, left, right, prev if use_prev else None)][c] += 1
            if c:
                prev = c[-1]
    table: dict[str, tuple[float, list[tuple[str, float]]]] = {}
    for key, cn in counts.items():
        n = sum(cn.values())
        if n < min_count and not key.startswith("00"):
            continue
        lam = n / (n + BETA * len(cn))
        dist = [(c, x / n) for c, x in cn.most_common(top) if x / n >= 1e-3]
        table[key] = (float(f"{lam:.3g}"), [(c, float(f"{p:.3g}")) for c, p in dist])
    return table


def keep_letters(names: Iterable[str]) -> str:
    """Letters with diacritics used at least KEEP_MIN times in the names."""
    cnt = collections.Counter(ch for n in names for ch in unicodedata.normalize("NFC", n.casefold())
                              if not "a" <= ch <= "z" and ch.isalpha())
    return "".join(sorted(ch for ch, n in cnt.items() if n >= KEEP_MIN))


def train(path: str, log=print) -> "Transliterator":
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0] and bucket(parts[0]) >= 2:
                rows.append((parts[0], parts[1].replace(" ", "")))
    keep = keep_letters(e for e, _ in rows)
    pairs = [(e, r) for e, r in ((fold_english(a, keep), b) for a, b in rows)
             if e and r and len(r) <= MAX_CHUNK * len(e)]
    log(f"{len(pairs)} training pairs; letters kept with their diacritics: {keep}")
    t = em_align(pairs, log=log)
    aligned = [(e, a) for e, r in pairs if (a := viterbi_align(e, r, t))]
    log(f"{len(aligned)} aligned")
    return Transliterator(context_tables(aligned), keep)


def dump(model: "Transliterator") -> str:
    head = [
        "# Learned English -> Russian transliteration table (generated; see mtqa/gazetteer/learned.py).",
        "# Trained on CC0 Wikidata name pairs (Merhav & Ash, COLING 2018; github",
        "# steveash/NETransliteration-COLING2018, data/wd_russian_80, commit 5d5f59e5), buckets 2-9 of the",
        "# md5 split.  One line per context: key TAB weight TAB chunk:probability|...",
        f"#keep\t{model.keep}",
    ]
    lines = [f"{k}\t{lam:g}\t" + "|".join(f"{c}:{p:g}" for c, p in dist)
             for k, (lam, dist) in sorted(model.table.items())]
    return "\n".join(head + lines) + "\n"


# -- prediction ----------------------------------------------------------------------


class Transliterator:
    """n-best Russian spellings of English names, with probabilities."""

    def __init__(self, table: dict, keep: str = ""):
        # values are (weight, [(chunk, p)...]) or, when read from the shipped file, the raw
        # "weight<TAB>chunk:p|..." text, parsed on first use
        self.table = table
        self.keep = keep
        self._dists: dict[tuple[str, str], list[tuple[str, float]]] = {}
        self._tails: dict[str, tuple[dict[str, float], float]] = {}

    @classmethod
    def from_text(cls, text: str) -> "Transliterator":
        table: dict = {}
        keep = ""
        for line in text.split("\n"):
            if not line:
                continue
            if line[0] == "#":
                if line.startswith("#keep\t"):
                    keep = line[6:]
                continue
            key, _, rest = line.partition("\t")
            table[key] = rest
        return cls(table, keep)

    def _level(self, key: str):
        v = self.table.get(key)
        if v is None or isinstance(v, tuple):
            return v
        lam, _, rest = v.partition("\t")
        dist = []
        for item in rest.split("|") if rest else ():
            c, _, p = item.rpartition(":")
            dist.append((c, float(p)))
        v = self.table[key] = (float(lam), dist)
        return v

    def _tail(self, padded: str, i: int) -> tuple[dict[str, float], float]:
        """The part of the interpolation that does not depend on the previous Cyrillic
        letter: (mixture of the contexts without it, the probability mass they hold)."""
        ck = padded[i - 2:i + 4]
        t = self._tails.get(ck)
        if t is None:
            acc, rest = self._mix(padded, i, None)
            t = self._tails[ck] = (acc, 1.0 - rest)
        return t

    def _mix(self, padded: str, i: int, prev: str | None) -> tuple[dict[str, float], float]:
        """Interpolate the CHAIN levels that use the previous Cyrillic letter (``prev``
        given) or those that do not (``prev`` None): chunk -> weighted probability, and
        the probability mass the levels left over."""
        rest = 1.0
        acc: dict[str, float] = {}
        want = prev is not None
        for left, right, use_prev in CHAIN:
            if use_prev != want:
                continue
            lv = self._level(_key(padded, i, left, right, prev))
            if lv is None:
                continue
            lam, items = lv
            w = rest * lam
            for c, q in items:
                acc[c] = acc.get(c, 0.0) + w * q
            rest -= w
        return acc, rest

    def _dist(self, padded: str, i: int, prev: str) -> list[tuple[str, float]]:
        """The most probable chunks for the letter at ``padded[i]``, with negative
        log-probabilities, best first."""
        ck = (padded[i - 2:i + 4], prev)
        d = self._dists.get(ck)
        if d is not None:
            return d
        acc, rest = self._mix(padded, i, prev)
        tail, _ = self._tail(padded, i)
        for c, q in tail.items():
            acc[c] = acc.get(c, 0.0) + rest * q
        tot = sum(acc.values())
        if tot > 0:
            d = sorted((-math.log(q / tot), c) for c, q in acc.items() if q / tot >= 1e-4)[:TOP_CHUNKS]
            d = [(c, nl) for nl, c in d]
        else:
            d = []
        d = d or [("", 0.0)]
        if len(self._dists) > 300_000:
            self._dists.clear()
            self._tails.clear()
        self._dists[ck] = d
        return d

    def predict_scored(self, word: str, k: int = 8) -> tuple[tuple[str, float], ...]:
        """The k (at most MAX_NBEST) most probable Cyrillic spellings of one English word,
        with probabilities."""
        return self._decode(word)[:k]

    @lru_cache(maxsize=50_000)
    def _decode(self, word: str, beam: int = 40) -> tuple[tuple[str, float], ...]:
        e = fold_english(word, self.keep)
        if not e:
            return ()
        padded = "^" * PAD + e + "$" * PAD
        beams: list[tuple[float, str, str]] = [(0.0, "", "^")]  # (-log p, spelling, last letter)
        for i in range(PAD, PAD + len(e)):
            by_prev: dict[str, list] = {}
            nxt = []
            for s, out, prev in beams:
                d = by_prev.get(prev)
                if d is None:
                    d = by_prev[prev] = self._dist(padded, i, prev)
                for c, nl in d:
                    nxt.append((s + nl, out + c, c[-1] if c else prev))
            nxt.sort()
            beams = nxt[:beam]
        probs: dict[str, float] = {}
        for s, r, _ in beams:
            probs[r] = probs.get(r, 0.0) + math.exp(-s)
        return tuple(sorted(probs.items(), key=lambda x: (-x[1], x[0]))[:MAX_NBEST])

    def predict(self, word: str, k: int = 3) -> tuple[str, ...]:
        """The k most likely Cyrillic spellings of one English word."""
        return tuple(r for r, _ in self.predict_scored(word, k))

    def predict_name_scored(self, name: str, k: int = 8) -> list[tuple[str, float]]:
        """The k most probable spellings of a (multi-word) name: the best combinations of
        its words' spellings (a word the model cannot spell is kept as written)."""
        words = [w for w in name.replace("-", " ").split() if fold_english(w, self.keep)]
        if not words:
            return []
        per_word = [list(self.predict_scored(w, k)) or [(w, 1.0)] for w in words]
        if len(per_word) == 1:
            return per_word[0][:k]
        # lazy k-best enumeration of the product
        def score(idx):
            return math.prod(per_word[j][x][1] for j, x in enumerate(idx))
        start = (0,) * len(per_word)
        heap = [(-score(start), start)]
        seen = {start}
        out: list[tuple[str, float]] = []
        while heap and len(out) < k:
            s, idx = heapq.heappop(heap)
            out.append((" ".join(per_word[j][x][0] for j, x in enumerate(idx)), -s))
            for j in range(len(idx)):
                if idx[j] + 1 < len(per_word[j]):
                    n = idx[:j] + (idx[j] + 1,) + idx[j + 1:]
                    if n not in seen:
                        seen.add(n)
                        heapq.heappush(heap, (-score(n), n))
        return out

    def predict_name(self, name: str, k: int = 3) -> list[str]:
        """Up to k Cyrillic spellings of a (multi-word) name, most probable first."""
        return [r for r, _ in self.predict_name_scored(name, k)]


def model_path():
    return resources.files("mtqa").joinpath("data", "gazetteer", MODEL_FILE)


def model_fingerprint() -> str:
    """A hash of the shipped table (part of the gazetteer cache key)."""
    p = model_path()
    return hashlib.sha256(p.read_bytes()).hexdigest()[:16] if p.is_file() else ""


@lru_cache(maxsize=1)
def default_model() -> Transliterator | None:
    p = model_path()
    if not p.is_file():  # pragma: no cover
        return None
    return Transliterator.from_text(lzma.decompress(p.read_bytes()).decode("utf-8"))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m mtqa.gazetteer.learned")
    sub = ap.add_subparsers(dest="cmd", required=True)
    tr = sub.add_parser("train", help="train on english<TAB>space-separated Cyrillic<TAB>count pairs")
    tr.add_argument("pairs")
    tr.add_argument("-o", "--output", default=None, help="write the table here (.xz: compressed; default: stdout)")
    a = ap.parse_args(argv)
    model = train(a.pairs, log=lambda m: print(m, file=sys.stderr))
    text = dump(model)
    if a.output:
        data = text.encode("utf-8")
        if a.output.endswith(".xz"):
            data = lzma.compress(data, preset=9 | lzma.PRESET_EXTREME)
        with open(a.output, "wb") as fh:
            fh.write(data)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
