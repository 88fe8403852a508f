"""Calibrated thresholds: score distributions of clean news, stored next to the model.

``mtqa model calibrate`` scores held-out clean English news (by default the
``calibration`` part of ``../shared/data/corpus/clean``: even-numbered
articles, see ``benchmarks/_clean_news.py``; false-positive rates are
measured on the other part) with the segmenter and scorer ``mtqa check``
uses, and writes ``calibration.json`` into the model folder (for a hub
model: ``$XDG_CACHE_HOME/mtqa/calibration/<name>.json``).  It holds:

* ``sentence_tail`` and ``sentence_slor``: percentiles of the sentence's mean
  word tail level (below) and of its SLOR, per sentence-length bucket (word
  counts; the mean of fewer words varies more, so one cut-off for all
  lengths would flag short sentences and miss long ones);
* ``sentence_stretch``: percentiles, over clean sentences of 3 or more
  words, of the mean word tail level of a sentence's least fluent stretch of
  5 consecutive words (all its words if it has fewer).  One table for all
  lengths, like FLU002's: a garbled clause is as garbled in a 40-word
  sentence as in a 10-word one, and the sentence mean averages it away.  A
  longer sentence has more stretches, so it is flagged more often per
  sentence but about as often per word — the rate the false-positive budget
  is stated in (per 1,000 words);
* ``sentence_min_rank`` (what FLU001 tests): percentiles of a clean
  sentence's *lower* percentile rank of the two — its mean among clean
  sentences of its length, its least fluent stretch among clean sentences'
  — so a sentence is judged by whichever is more extreme: uniform word salad
  (the mean) or one garbled clause (the stretch), with the false-positive
  rate of the two together fixed by the cut-off's percentile;
* ``word_score``: percentiles of word scores, overall and per word
  frequency class (wordfreq Zipf value: <2 incl. unknown, 2-3, ..., >=6).  A
  word's *tail level* is log10 of its score's percentile rank within its
  class: how unexpected the word is *for a word that frequent* (a rare name
  the small LM cannot spell is normal among rare words; a common function
  word in the wrong place is not).  Averaged over a sentence this separates
  garbled from clean sentences far better than SLOR, whose clean-news tail
  is made of name lists and rare words: at the same 1 % false-positive rate
  on clean sentences it flags 99 % of word-shuffled held-out sentences where
  SLOR flags 51 % (shipped newslm-5m, 300 sentences of the report part);
* ``window_tail``: percentiles of the mean tail level of every run of 3
  consecutive words in a sentence (what FLU002 tests);
* ``document_slor``: percentiles for reference and reports;
* ``cutoffs``: the percentile each rule flags below (FLU001: the lower rank
  below percentile 1 of clean sentences'; FLU002: a 3-word run whose mean
  tail level is below percentile 0.1 of clean runs), so the expected rate on
  clean news is known by construction: ≈ 1 % of sentences and ≈ 1 per 1,000
  words;
* ``model``: name, path, SHA-256 of the weights and parameter count; a
  calibration whose hash does not match the loaded weights is used with a
  warning (re-run ``mtqa model calibrate``).
"""

from __future__ import annotations

import json
import math
import os
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

from mtqa.fluency import CALIBRATION_FILE
from mtqa.fluency.scorer import STRETCH_WORDS, WINDOW_WORDS, least_fluent_stretch, window_means

if TYPE_CHECKING:  # pragma: no cover
    from mtqa.fluency.engine import Engine
    from mtqa.fluency.scorer import FluencyScorer

SCHEMA = "mtqa-fluency-calibration/1"
PERCENTILES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 75.0, 80.0, 90.0, 95.0,
               99.0)
WORD_PERCENTILES = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0,
                    80.0, 90.0, 95.0, 99.0)
# the lower of two percentile ranks concentrates near 0: a finer grid at the bottom
MIN_RANK_PERCENTILES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 25.0, 50.0,
                        75.0, 90.0, 99.0)
# the detector's tables: the low tail finely (FLU cut-offs sit at fractions of a percent)
DETECTOR_PERCENTILES = (0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1.0, 1.5, 2.0,
                        3.0, 5.0, 10.0, 20.0, 50.0, 80.0, 95.0, 99.0)
# word frequency classes by wordfreq Zipf value (log10 frequency per billion words); unknown words are "<2"
ZIPF_CLASSES = ((None, 2.0), (2.0, 3.0), (3.0, 4.0), (4.0, 5.0), (5.0, 6.0), (6.0, None))
LN10 = math.log(10.0)
_ZIPF_EDGES = [hi for _, hi in ZIPF_CLASSES[:-1]]  # class i holds Zipf values in [edge i-1, edge i)
# sentence-length buckets (words, inclusive); the last is open-ended
BUCKETS = ((1, 3), (4, 6), (7, 10), (11, 15), (16, 20), (21, 30), (31, 45), (46, None))
DEFAULT_CUTOFFS = {
    # percentile: the SLOR-based measures; detector_percentile: the learned detector's (models with one)
    # salad_percentile: with a detector, also a sentence whose mean fluency ranks below this among clean
    # sentences of its length (word salad: wrong throughout, no one word stands out)
    "FLU001": {"percentile": 1.0, "min_words": 3, "detector_percentile": 0.2, "salad_percentile": 0.05},
    "FLU002": {"percentile": 0.1, "detector_percentile": 0.03},
}
MIN_BUCKET_SAMPLES = 200  # a bucket with fewer sentences borrows its neighbours' distribution


def bucket_of(n_words: int) -> int:
    for i, (lo, hi) in enumerate(BUCKETS):
        if n_words >= lo and (hi is None or n_words <= hi):
            return i
    return len(BUCKETS) - 1


def zipf_class(uni_logprob: float) -> int:
    z = uni_logprob / LN10 + 9.0
    for i, (lo, hi) in enumerate(ZIPF_CLASSES):
        if (lo is None or z >= lo) and (hi is None or z < hi):
            return i
    return len(ZIPF_CLASSES) - 1  # pragma: no cover


def zipf_label(i: int) -> str:
    lo, hi = ZIPF_CLASSES[i]
    return f"<{hi:g}" if lo is None else (f">={lo:g}" if hi is None else f"{lo:g}-{hi:g}")


def tail_levels_from(tables: "list[tuple[list[float], list[float]]]", scores: list[float],
                     unis: list[float]) -> list[float]:
    """log10 of each word's percentile rank (as a fraction) among clean-news words of its
    frequency class: 0 is typical, -2 is "as unexpected as 1 % of such words", floor -5.
    ``tables[class]`` is (percentiles, values) with non-decreasing values."""
    return tail_levels_array(tables, np.asarray(scores, dtype=np.float64),
                             np.asarray(unis, dtype=np.float64)).tolist()


def tail_levels_array(tables: "list[tuple[list[float], list[float]]]", scores: "np.ndarray",
                      unis: "np.ndarray") -> "np.ndarray":
    """:func:`tail_levels_from` over arrays (any number of words, e.g. a whole batch).

    A word's percentile rank interpolates linearly in its class's table
    (``bisect_right`` position); a tie in the table gives the lower
    percentile; above the table, its top percentile; at its lowest value,
    the lowest percentile, and half of it below."""
    z = unis / LN10 + 9.0
    cls = np.searchsorted(_ZIPF_EDGES, z, side="right")  # ZIPF_CLASSES: [lo, hi) by Zipf value
    rank = np.empty_like(scores)
    for c in np.unique(cls).tolist():
        sel = cls == c
        ps, vs = (np.asarray(x, dtype=np.float64) for x in tables[c])
        v = scores[sel]
        i = np.clip(np.searchsorted(vs, v, side="right"), 1, len(vs) - 1)
        p0, v0, p1, v1 = ps[i - 1], vs[i - 1], ps[i], vs[i]
        with np.errstate(divide="ignore", invalid="ignore"):
            mid = np.where(v1 == v0, p0, p0 + (p1 - p0) * (v - v0) / np.where(v1 == v0, 1.0, v1 - v0))
        r = np.where(v >= vs[-1], ps[-1], mid)
        r = np.where(v <= vs[0], ps[0] * np.where(v < vs[0], 0.5, 1.0), r)
        rank[sel] = r
    return np.log10(np.maximum(rank, 0.001) / 100.0)


def bucket_label(i: int) -> str:
    lo, hi = BUCKETS[i]
    return f"{lo}+" if hi is None else f"{lo}-{hi}"


def _interp(grid: list[tuple[float, float]], x: float, key: int, val: int) -> float:
    """Piecewise-linear interpolation over sorted (percentile, value) pairs."""
    xs = [g[key] for g in grid]
    i = bisect_left(xs, x)
    if i <= 0:
        return grid[0][val]
    if i >= len(grid):
        return grid[-1][val]
    (x0, y0), (x1, y1) = (grid[i - 1][key], grid[i - 1][val]), (grid[i][key], grid[i][val])
    return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)


@dataclass
class Calibration:
    data: dict[str, Any]
    path: Path | None = None

    # -- cut-offs ---------------------------------------------------------------
    def cutoff(self, code: str, key: str = "percentile", default: Any = None) -> Any:
        c = (self.data.get("cutoffs") or {}).get(code) or DEFAULT_CUTOFFS.get(code) or {}
        return c.get(key, (DEFAULT_CUTOFFS.get(code) or {}).get(key, default))

    def _pairs(self, table: dict[str, float]) -> list[tuple[float, float]]:
        cache = self.__dict__.setdefault("_pairs_cache", {})
        got = cache.get(id(table))
        if got is None or got[0] is not table:
            got = cache[id(table)] = (table, sorted((float(p), float(v)) for p, v in table.items()))
        return got[1]

    def sentence_table(self, n_words: int, kind: str = "tail") -> dict[str, float]:
        b = self.data[f"sentence_{kind}"]["buckets"]
        return b[bucket_label(bucket_of(n_words))]["percentiles"]

    def sentence_value(self, n_words: int, percentile: float, kind: str = "tail") -> float:
        """The sentence score (``tail`` or ``slor``) at ``percentile`` for sentences of ``n_words`` words."""
        return _interp(self._pairs(self.sentence_table(n_words, kind)), percentile, 0, 1)

    def sentence_rank(self, n_words: int, value: float, kind: str = "tail") -> float:
        """Percentile rank (0-100) of a sentence score among clean sentences of its length."""
        return _rank(self._pairs(self.sentence_table(n_words, kind)), value)

    @property
    def has_stretch(self) -> bool:
        """Whether this calibration has the stretch and lower-rank tables FLU001 tests
        (calibrations written before them judge by the per-length sentence mean)."""
        return (all((self.data.get(k) or {}).get("percentiles") for k in ("sentence_stretch", "sentence_min_rank"))
                and self.data["sentence_stretch"].get("width") == STRETCH_WORDS)

    def stretch_value(self, percentile: float) -> float:
        """Mean tail level of a sentence's least fluent stretch at ``percentile`` of clean sentences."""
        return _interp(self._pairs(self.data["sentence_stretch"]["percentiles"]), percentile, 0, 1)

    def stretch_rank(self, score: float) -> float:
        """Percentile rank (0-100) of a least-fluent-stretch score among clean sentences'."""
        return _rank(self._pairs(self.data["sentence_stretch"]["percentiles"]), score)

    def min_rank(self, n_words: int, mean_tail: float, stretch: float) -> tuple[float, float, float]:
        """``(lower, mean rank, stretch rank)``: a sentence's percentile ranks (0-100) among
        clean sentences by its mean tail level (same length) and by its least fluent
        stretch, and the lower of the two (what FLU001 tests)."""
        a, b = self.sentence_rank(n_words, mean_tail), self.stretch_rank(stretch)
        return min(a, b), a, b

    def min_rank_value(self, percentile: float) -> float:
        """The lower rank at ``percentile`` of clean sentences (FLU001's cut-off)."""
        return _interp(self._pairs(self.data["sentence_min_rank"]["percentiles"]), percentile, 0, 1)

    def min_rank_rank(self, lower: float) -> float:
        """Percentile rank (0-100) of a lower rank among clean sentences'."""
        return _rank(self._pairs(self.data["sentence_min_rank"]["percentiles"]), lower)

    @property
    def window_width(self) -> int:
        """Words per FLU002 run: the width the run table was computed for (a ``width``
        in the cut-offs that differs from it is ignored: it would be compared with the
        wrong distribution)."""
        return int((self.data.get("window_tail") or {}).get("width", WINDOW_WORDS))

    def window_value(self, percentile: float) -> float:
        """The FLU002 run score (mean word tail level of 3 words) at ``percentile`` of clean news."""
        return _interp(self._pairs(self.data["window_tail"]["percentiles"]), percentile, 0, 1)

    def window_rank(self, score: float) -> float:
        return _rank(self._pairs(self.data["window_tail"]["percentiles"]), score)

    def word_tables(self) -> "list[tuple[list[float], list[float]]]":
        if "_tables" not in self.__dict__:
            cls = self.data["word_score"]["classes"]
            tables = []
            for i in range(len(ZIPF_CLASSES)):
                pairs = self._pairs(cls[zipf_label(i)]["percentiles"])
                tables.append(([p for p, _ in pairs], [v for _, v in pairs]))
            self.__dict__["_tables"] = tables
        return self.__dict__["_tables"]

    def tail_levels(self, scores: list[float], unis: list[float]) -> list[float]:
        """Per word: log10 percentile rank of its score among clean words of its frequency class."""
        return tail_levels_from(self.word_tables(), scores, unis)

    # -- the learned detector ---------------------------------------------------------
    @property
    def has_detector(self) -> bool:
        return bool((self.data.get("sentence_detector") or {}).get("percentiles")
                    and (self.data.get("word_detector") or {}).get("percentiles"))

    def detector_value(self, percentile: float, table: str = "sentence") -> float:
        """The detector's score (a logit, higher = worse) at the clean ``percentile`` of its
        low tail: the sentence (or word) cut-off for that share of clean sentences (words)."""
        return -_interp(self._pairs(self.data[f"{table}_detector"]["percentiles"]), percentile, 0, 1)

    def detector_rank(self, score: float, table: str = "sentence") -> float:
        """Percentile rank (0-100) of a detector score among clean sentences' (words'): the share
        of clean ones that score as badly or worse."""
        return _rank(self._pairs(self.data[f"{table}_detector"]["percentiles"]), -score)

    # -- identity -----------------------------------------------------------------
    @property
    def model_sha256(self) -> str | None:
        return (self.data.get("model") or {}).get("sha256")


def _rank(pairs: list[tuple[float, float]], value: float) -> float:
    """Inverse of the percentile table (values are non-decreasing in percentile)."""
    if value <= pairs[0][1]:
        return pairs[0][0] * (0.5 if value < pairs[0][1] else 1.0)
    if value >= pairs[-1][1]:
        return pairs[-1][0]
    for (p0, v0), (p1, v1) in zip(pairs, pairs[1:]):
        if v0 <= value <= v1:
            return p0 if v1 == v0 else p0 + (p1 - p0) * (value - v0) / (v1 - v0)
    return 50.0  # pragma: no cover


# ---------------------------------------------------------------------------------
# where calibrations live
# ---------------------------------------------------------------------------------

def calibration_path(engine: "Engine") -> Path:
    """``<model dir>/calibration.json``, or a per-user cache file for hub models."""
    if engine.home is not None:
        return engine.home / CALIBRATION_FILE
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mtqa" / "calibration"
    safe = "".join(c if c.isalnum() or c in "-_." else "--" for c in engine.model_ref)
    return base / f"{safe}.json"


def load(path: Path) -> Calibration:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a {SCHEMA} file")
    return Calibration(data, Path(path))


def load_for_engine(engine: "Engine") -> tuple[Calibration | None, str | None]:
    """(calibration, problem): problem explains a missing or stale calibration."""
    path = calibration_path(engine)
    hint = f"run 'mtqa model calibrate --model {engine.name if engine.manifest else engine.path or engine.model_ref}'"
    if not path.is_file():
        return None, f"no fluency calibration for model {engine.name} ({path} missing): FLU rules are off; {hint}"
    try:
        cal = load(path)
    except (OSError, ValueError) as e:
        return None, f"unreadable fluency calibration {path}: {e}; {hint}"
    sha = engine.sha256
    if sha and cal.model_sha256 and sha != cal.model_sha256:
        return cal, (f"{path} was computed for other weights of {engine.name} (sha256 {cal.model_sha256[:12]}…, "
                     f"loaded {sha[:12]}…): thresholds may be off; {hint}")
    return cal, None


# ---------------------------------------------------------------------------------
# computing one
# ---------------------------------------------------------------------------------

def percentiles(values: list[float], grid: tuple[float, ...] = PERCENTILES) -> dict[str, float]:
    import numpy as np

    if not values:
        return {}
    arr = np.asarray(values, dtype=np.float64)
    qs = np.percentile(arr, grid)
    return {f"{p:g}": round(float(q), 5) for p, q in zip(grid, qs)}


@dataclass
class Collected:
    """What calibration needs from every scored sentence: word scores and unigram log-probs."""

    sentences: list[tuple[list[float], list[float], bool]]  # (scores, unigram, shouting)
    doc_sizes: list[int]                                    # sentences per document
    det: list[list[float] | None] = field(default_factory=list)  # the detector's word scores per sentence
    tokens: int = 0
    seconds: float = 0.0

    @property
    def words(self) -> int:
        return sum(len(sc) for sc, _, _ in self.sentences)


def collect(scorer: "FluencyScorer", documents: Iterable[Any], *, batch_docs: int = 64,
            max_words: int | None = None, progress=None) -> Collected:
    """Score ``documents`` (mtqa Documents, segmented here) until ``max_words`` words."""
    from mtqa.segment import segment

    out = Collected([], [])
    n_words = 0
    t0 = time.perf_counter()
    batch: list[Any] = []

    def flush() -> None:
        nonlocal n_words
        for d in batch:
            if not d.segmented:
                segment(d)
        for sents in scorer.score_documents(batch):
            out.doc_sizes.append(len(sents))
            for s in sents:
                out.sentences.append((s.scores, s.uni, s.shouting))
                out.det.append(s.det)
                out.tokens += s.tokens
                n_words += s.n_words
        if progress is not None:
            progress(len(out.doc_sizes), n_words)
        batch.clear()

    for doc in documents:
        batch.append(doc)
        if len(batch) >= batch_docs:
            flush()
            if max_words and n_words >= max_words:
                break
    if batch:
        flush()
    out.seconds = time.perf_counter() - t0
    return out


def build(col: Collected, engine: "Engine | None" = None, source: str = "",
          cutoffs: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The calibration mapping (``calibration.json``) from collected scores."""
    per_bucket: list[list[float]] = [[] for _ in BUCKETS]
    words: list[float] = []
    per_class: list[list[float]] = [[] for _ in ZIPF_CLASSES]
    for sc, un, shouting in col.sentences:
        words.extend(sc)
        for v, u in zip(sc, un):
            per_class[zipf_class(u)].append(v)
        if not shouting and sc:
            per_bucket[bucket_of(len(sc))].append(sum(sc) / len(sc))
    doc_slor: list[float] = []
    k = 0
    for n in col.doc_sizes:
        part = col.sentences[k:k + n]
        k += n
        nw = sum(len(sc) for sc, _, _ in part)
        if nw:
            doc_slor.append(sum(sum(sc) for sc, _, _ in part) / nw)
    classes = {}
    tables = []
    for i, vals in enumerate(per_class):
        use = list(vals)
        for j in (i - 1, i + 1, i - 2, i + 2):
            if len(use) < MIN_BUCKET_SAMPLES and 0 <= j < len(per_class):
                use += per_class[j]
        pc = percentiles(use, WORD_PERCENTILES)
        classes[zipf_label(i)] = {"n": len(vals), "percentiles": pc}
        pairs = sorted((float(p), float(v)) for p, v in pc.items())
        tables.append(([p for p, _ in pairs], [v for _, v in pairs]))
    windows: list[float] = []
    stretches: list[tuple[int, float, float]] = []  # (words, mean tail level, least fluent stretch)
    tail_bucket: list[list[float]] = [[] for _ in BUCKETS]
    min_words = int((cutoffs or DEFAULT_CUTOFFS).get("FLU001", {}).get("min_words", 3))
    for sc, un, shouting in col.sentences:
        if not shouting and sc:
            t = tail_levels_from(tables, sc, un)
            windows.extend(window_means(t, WINDOW_WORDS))
            mean = sum(t) / len(t)
            tail_bucket[bucket_of(len(t))].append(mean)
            if len(t) >= min_words:
                stretches.append((len(t), mean, least_fluent_stretch(t, STRETCH_WORDS)[0]))
    tables_only = Calibration({"sentence_tail": {"buckets": _buckets(tail_bucket)},
                               "sentence_stretch": {"percentiles": percentiles([x for *_, x in stretches])}})
    lower = ([tables_only.min_rank(n, mean, st)[0] for n, mean, st in stretches]
             if tables_only.data["sentence_stretch"]["percentiles"] else [])
    out = {
        "schema": SCHEMA,
        # the weights by name and hash (no machine path); how the scores were computed beside them
        "model": ({k: v for k, v in engine.describe().items() if k not in ("path", "device", "dtype", "forward")}
                  if engine is not None else None),
        "computed_with": ({k: engine.describe()[k] for k in ("device", "dtype", "forward")}
                          if engine is not None else None),
        "created": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "data": {"source": source, "documents": len(col.doc_sizes), "sentences": len(col.sentences),
                 "words": len(words), "tokens": col.tokens, "seconds": round(col.seconds, 1),
                 "tokens_per_second": round(col.tokens / col.seconds, 1) if col.seconds else None},
        "units": "natural log; word score = log p_LM(word | BOS, previous words) - log p_unigram(word) "
                 "(wordfreq, unknown words 1e-8); sentence SLOR = mean word score; tail level = log10 of a "
                 "word score's percentile rank (fraction) among clean words of its frequency class",
        "cutoffs": cutoffs or DEFAULT_CUTOFFS,
        "sentence_tail": tables_only.data["sentence_tail"],
        "sentence_stretch": {"width": STRETCH_WORDS, "min_words": min_words, "n": len(stretches),
                             "percentiles": tables_only.data["sentence_stretch"]["percentiles"]},
        "sentence_min_rank": {"n": len(lower), "percentiles": percentiles(lower, MIN_RANK_PERCENTILES)},
        "sentence_slor": {"buckets": _buckets(per_bucket)},
        "window_tail": {"width": WINDOW_WORDS, "n": len(windows), "percentiles": percentiles(windows)},
        "word_score": {"n": len(words), "percentiles": percentiles(words), "classes": classes,
                       "classes_by": "wordfreq Zipf value of the word (unknown words: <2)"},
        "document_slor": {"n": len(doc_slor), "percentiles": percentiles(doc_slor)},
    }
    if any(d for d in col.det):
        sent_det: list[float] = []
        word_det: list[float] = []
        for (sc, _un, shouting), det in zip(col.sentences, col.det):
            if det and not shouting:
                word_det.extend(-v for v in det)
                if len(det) >= min_words:
                    sent_det.append(-max(det))
        out["sentence_detector"] = {"n": len(sent_det), "percentiles": percentiles(sent_det, DETECTOR_PERCENTILES)}
        out["word_detector"] = {"n": len(word_det), "percentiles": percentiles(word_det, DETECTOR_PERCENTILES)}
        out["units"] += ("; detector: minus the learned detector's logit (a word: its highest token's; a "
                         "sentence: its highest word's), so low is bad as for the other tables")
    return out


def _buckets(per_bucket: list[list[float]]) -> dict[str, Any]:
    buckets: dict[str, Any] = {}
    for i, vals in enumerate(per_bucket):
        use = list(vals)
        for j in (i - 1, i + 1, i - 2, i + 2):  # a thin bucket borrows its neighbours' sentences
            if len(use) < MIN_BUCKET_SAMPLES and 0 <= j < len(BUCKETS):
                use += per_bucket[j]
        buckets[bucket_label(i)] = {"n": len(vals), "mean": round(sum(vals) / len(vals), 5) if vals else None,
                                    "percentiles": percentiles(use)}
    return buckets


def compute(scorer: "FluencyScorer", documents: Iterable[Any], *, batch_docs: int = 64, source: str = "",
            max_words: int | None = None, progress=None) -> dict[str, Any]:
    """Score ``documents`` (mtqa Documents) and return the calibration mapping."""
    col = collect(scorer, documents, batch_docs=batch_docs, max_words=max_words, progress=progress)
    return build(col, scorer.engine, source)


def write(path: Path, data: dict[str, Any]) -> Path:
    from mtqa.atomic import atomic_writer

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(str(path), newline=None) as fh:
        fh.write(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return path


def finite(x: float) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)
