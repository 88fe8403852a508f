"""Sentence, word and document scores from the engine's token log-probabilities.

See :mod:`mtqa.fluency` for the conventions (BOS, nats, SLOR, word units).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from mtqa.document import SpanArray
from mtqa.fluency.text import normalize_with_map, word_units
from mtqa.fluency.unigram import unigram_logprob

if TYPE_CHECKING:  # pragma: no cover
    from mtqa.config import Config
    from mtqa.document import Document
    from mtqa.fluency.calibration import Calibration
    from mtqa.fluency.detector import Detector
    from mtqa.fluency.engine import Engine
    from mtqa.fluency.mqm_score import MqmScorer

DETECT_CHUNK = 256  # sentences per features + detector pass (bounds memory on huge documents)
# sentences normalised, tokenised and scored together: what is held per token (ids, offsets,
# log-probs, character-to-word maps, the tokenizer's encodings) is bounded by this window, not
# by the document (a 5 MB single-line document is ~40,000 sentences).  The CPU forward is
# batch-invariant, so the scores do not depend on the window.
SCORE_WINDOW = 512
WINDOW_WORDS = 3  # FLU002 looks at runs of this many consecutive words
STRETCH_WORDS = 5  # FLU001 judges a sentence by its least fluent stretch of this many words


def window_means(values: Sequence[float], width: int) -> list[float]:
    """Mean of every run of ``width`` consecutive values (none when there are fewer)."""
    if len(values) < width:
        return []
    run = sum(values[:width])
    out = [run / width]
    for k in range(width, len(values)):
        run += values[k] - values[k - width]
        out.append(run / width)
    return out


def least_fluent_stretch(tails: Sequence[float], width: int = STRETCH_WORDS) -> tuple[float, int, int]:
    """``(mean, first, last)``: the run of ``width`` consecutive values (word tail
    levels) with the lowest mean, and its first and last index; all the values
    when there are fewer.  Ties go to the earliest run."""
    n = len(tails)
    if n == 0:
        return float("nan"), 0, -1
    if n <= width:
        return sum(tails) / n, 0, n - 1
    means = window_means(tails, width)
    best = min(means)
    at = next(k for k, m in enumerate(means) if m <= best + 1e-12)  # the earliest despite running-sum drift
    return means[at], at, at + width - 1


# a sentence's word spans in its document: the document's compact span sequence
WordSpans = SpanArray


class WordTexts(Sequence):
    """The (normalised) words of a sentence as slices of its normalised text, made when read."""

    __slots__ = ("_text", "_units")

    def __init__(self, text: str, units: "array[int]"):
        self._text, self._units = text, units  # units: flat (start, end) into text

    def __len__(self) -> int:
        return len(self._units) // 2

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        a, b = WordSpans(self._units)[i]
        return self._text[a:b]

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return repr(list(self))


@dataclass
class SentenceScore:
    """One scored sentence; offsets are into the text the sentence came from.

    The per-word fields are sequences: lists, or (from :class:`FluencyScorer`) compact
    arrays of the same values (``array('d')`` of Python floats, :class:`WordSpans`,
    :class:`WordTexts`), so a long document's scores take tens of bytes a word."""

    start: int
    end: int
    words: Sequence[tuple[int, int]]  # word spans (original offsets)
    lm: Sequence[float]               # log p_LM of each word given BOS and the words before (nats)
    uni: Sequence[float]              # log p_unigram of each word (nats)
    ntok: Sequence[int]               # model tokens per word
    texts: Sequence[str] = field(default_factory=list)  # the (normalised) words
    det: Sequence[float] | None = None  # learned detector: each word's score (logit; higher = likelier wrong)
    mqm: float | None = None  # expected expert MQM score per 10 words (mtqa.fluency.mqm_score; higher = better)

    @property
    def n_words(self) -> int:
        return len(self.words)

    @property
    def shouting(self) -> bool:
        """Mostly ALL-CAPS words (a caps headline, a name-and-title line): the LM
        has seen little of it and wordfreq case-folds, so its scores mean little."""
        v = self.__dict__.get("_shouting")
        if v is None:
            upper = cased = 0
            for w in self.texts:
                if len(w) >= 2 and (w.isalpha() or sum(c.isalpha() for c in w) >= 2):
                    cased += 1
                    upper += w.isupper()
            v = self.__dict__["_shouting"] = cased >= 2 and upper * 2 >= cased
        return v

    @property
    def tokens(self) -> int:
        return sum(self.ntok)

    @property
    def scores(self) -> Sequence[float]:
        """Per-word score: log p_LM − log p_unigram (low = surprising for such a common word)."""
        sc = self.__dict__.get("_scores")
        if sc is None:
            sc = self.__dict__["_scores"] = array("d", [a - b for a, b in zip(self.lm, self.uni)])
        return sc

    @property
    def detector(self) -> float | None:
        """The learned detector's sentence score: its least fluent word's (None without a detector)."""
        if not self.det:
            return None
        return max(self.det)

    @property
    def slor(self) -> float:
        return sum(self.scores) / len(self.words) if self.words else float("nan")

    @property
    def logprob(self) -> float:
        """Raw mean log-prob per model token."""
        t = self.tokens
        return sum(self.lm) / t if t else float("nan")

    def to_dict(self, calibration: "Calibration | None" = None) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "slor": _r(self.slor)}
        if calibration is not None:
            d["fluency"] = _r(self.tail(calibration))
            d["stretch"] = _r(self.stretch(calibration))
        if self.det:
            d["detector"] = _r(self.detector)
        if self.mqm is not None:
            d["mqm"] = _r(self.mqm)
        d.update(logprob=_r(self.logprob), words=self.n_words, tokens=self.tokens)
        return d

    def tails(self, calibration: "Calibration") -> list[float]:
        """Per word: log10 percentile rank of its score among clean words of its frequency (cached)."""
        cache = self.__dict__.setdefault("_tails", {})
        key = id(calibration)
        if key not in cache:
            cache.clear()
            cache[key] = calibration.tail_levels(self.scores, self.uni)
        return cache[key]

    def tail(self, calibration: "Calibration") -> float:
        """The sentence's fluency: mean word tail level (0 typical; lower is less fluent)."""
        t = self.tails(calibration)
        return sum(t) / len(t) if t else float("nan")

    def stretch(self, calibration: "Calibration") -> float:
        """Mean word tail level of the sentence's least fluent :data:`STRETCH_WORDS`-word
        stretch (what FLU001 tests; all its words when it has fewer)."""
        return least_fluent_stretch(self.tails(calibration))[0]


def _r(x: float) -> float | None:
    return round(float(x), 4) if math.isfinite(x) else None


class Summary:
    """The document/segment score built one sentence at a time (what :func:`summarize`
    returns), so a long document's scores need not be held to summarise them."""

    def __init__(self, model: str | None = None, calibration: "Calibration | None" = None):
        self.model, self.calibration = model, calibration
        self.words = self.tokens = 0
        self.score_sum = self.lm_sum = self.tail_sum = 0.0
        self.sentences: list[dict[str, Any]] = []

    def add(self, s: SentenceScore) -> None:
        self.words += s.n_words
        self.tokens += s.tokens
        self.score_sum += sum(s.scores)
        self.lm_sum += sum(s.lm)
        if self.calibration is not None:
            self.tail_sum += sum(s.tails(self.calibration))
        self.sentences.append(s.to_dict(self.calibration))

    def result(self) -> dict[str, Any] | None:
        if not self.words:
            return None
        lp = self.lm_sum / self.tokens if self.tokens else float("nan")
        out: dict[str, Any] = {"slor": _r(self.score_sum / self.words), "logprob": _r(lp),
                               "tokens": self.tokens, "words": self.words}
        if self.calibration is not None:
            out["fluency"] = _r(self.tail_sum / self.words)
        if self.model:
            out["model"] = self.model
        out["sentences"] = list(self.sentences)
        return out


def summarize(sentences: Sequence[SentenceScore], model: str | None = None,
              calibration: "Calibration | None" = None) -> dict[str, Any] | None:
    """The document/segment score: word-weighted SLOR (and calibrated fluency),
    per-token mean log-prob, counts, and the same per sentence."""
    acc = Summary(model, calibration)
    for s in sentences:
        acc.add(s)
    return acc.result()


def load_detector(engine: "Engine") -> "tuple[Detector | None, str | None]":
    """The model's learned detector (``detector.safetensors`` in its home), or (None, why not)."""
    from mtqa.fluency.detector import Detector, detector_path

    path = detector_path(engine.home)
    if path is None:
        return None, None
    try:
        det = Detector.load(path)
    except (OSError, ValueError) as e:
        return None, f"unusable detector {path}: {e}: the FLU rules judge without it"
    d = engine.hidden_size
    from mtqa.fluency.detector import n_inputs

    if det.n_inputs != n_inputs(d):
        return None, f"{path} was trained for another model (inputs {det.n_inputs}, this model {n_inputs(d)})"
    sha = det.meta.get("model_sha256")
    if sha and engine.sha256 and sha != engine.sha256:
        return None, f"{path} was trained on other weights of {engine.name}: the FLU rules judge without it"
    return det, None


class _Progress:
    """Moves :attr:`FluencyScorer.progress` (mtqa check's bar) in characters scored of all the
    texts: the tokens of the windows to come are not known yet, so within a window the tokens
    the engine reports scored are turned into the window's characters pro rata."""

    def __init__(self, report: Callable[[str, int, int, int], None], chars: int):
        self.report, self.chars = report, chars
        self.base = self.size = self.tokens = self.seen = 0

    def window(self, texts: Sequence[str], tokens: int) -> None:
        self.base += self.size
        self.size, self.tokens, self.seen = sum(len(t) for t in texts), tokens, 0

    def __call__(self, n: int) -> None:
        self.seen += n
        done = self.base + self.size * min(self.seen, self.tokens) // max(1, self.tokens)
        self.report("fluency", done, self.chars, self.chars)


class FluencyScorer:
    """Scores sentences with an :class:`~mtqa.fluency.engine.Engine` and holds the calibration."""

    def __init__(self, engine: "Engine", calibration: "Calibration | None" = None,
                 calibration_problem: str | None = None, detector: "Detector | None" = None,
                 mqm: "MqmScorer | None" = None):
        self.engine = engine
        self.calibration = calibration
        self.calibration_problem = calibration_problem
        self.detector = detector
        self.mqm = mqm  # the MQM sentence score's model (reads the detector's outputs)
        # keep each sentence's MQM features on its score (``_mqm_features``: training, benchmarks)
        self.keep_mqm_features = False
        self.warned = False
        from mtqa.memory import Trimmer

        self._trimmer = Trimmer()
        # progress(stage, done, total, chars): characters scored of all, for mtqa check's bar (CheckContext.progress)
        self.progress: "Callable[[str, int, int, int], None] | None" = None

    @classmethod
    def from_config(cls, config: "Config") -> "FluencyScorer":
        from mtqa.fluency import resolve_model
        from mtqa.fluency.calibration import load_for_engine
        from mtqa.fluency.engine import get_engine

        engine = get_engine(resolve_model(config.model), config.device, precision=config.precision)
        cal, problem = load_for_engine(engine)
        det, det_problem = load_detector(engine)
        from mtqa.fluency.mqm_score import load_for_engine as load_mqm

        mqm, mqm_problem = load_mqm(engine, det)
        return cls(engine, cal, problem or det_problem or mqm_problem, det, mqm)

    @property
    def model_name(self) -> str:
        return self.engine.name

    # -- scoring --------------------------------------------------------------
    def score_texts(self, texts: Sequence[str], offsets: Sequence[int] | None = None, batched: bool = True,
                    progress: Callable[[int], None] | None = None) -> list[SentenceScore | None]:
        """Score each text as one sentence; ``None`` for a text with no word.

        ``offsets[i]`` is added to every span of text ``i`` (a sentence's start
        in its document).  Texts are scored :data:`SCORE_WINDOW` at a time.
        """
        out: list[SentenceScore | None] = []
        for _, window in self._windows(texts, offsets, batched, progress):
            out += window
        return out

    def _windows(self, texts: Sequence[str], offsets: Sequence[int] | None, batched: bool,
                 progress: Callable[[int], None] | None) -> Iterator[tuple[int, list[SentenceScore | None]]]:
        """``(first index, scores)`` of each :data:`SCORE_WINDOW` texts in turn."""
        if progress is None and self.progress is not None:
            progress = _Progress(self.progress, sum(len(t) for t in texts))
        for a in range(0, len(texts), SCORE_WINDOW):
            b = a + SCORE_WINDOW
            yield a, self._score_window(texts[a:b], None if offsets is None else offsets[a:b], batched, progress)
            if b < len(texts):  # freed buffers of this window go back to the system (glibc; at most once a second)
                self._trimmer.maybe()

    def _score_window(self, texts: Sequence[str], offsets: Sequence[int] | None, batched: bool,
                      progress: Callable[[int], None] | None) -> list[SentenceScore | None]:
        mapped = [normalize_with_map(t) for t in texts]
        unit_info = [word_units(m.text) for m in mapped]
        live = [i for i, (u, _) in enumerate(unit_info) if u]
        ids, offs = self.engine.encode([mapped[i].text for i in live])
        if isinstance(progress, _Progress):
            progress.window(texts, sum(len(x) for x in ids))
        dets: list[list[float] | None] = [None] * len(live)
        parts: list[dict | None] = [None] * len(live)
        if self.detector is not None and batched:
            lps = self._detect(ids, offs, [unit_info[i][1] for i in live], [len(unit_info[i][0]) for i in live],
                               dets, progress, parts if (self.mqm is not None or self.keep_mqm_features) else None)
        else:
            lps = self.engine.logprobs(ids, batched=batched, progress=progress)
        out: list[SentenceScore | None] = [None] * len(texts)
        for k, i in enumerate(live):
            m = mapped[i]
            units, owner = unit_info[i]
            base = offsets[i] if offsets is not None else 0
            nu = len(units)
            lm = [0.0] * nu
            ntok = [0] * nu
            last = len(owner) - 1
            for (s, _e), lp in zip(offs[k], lps[k].tolist()):
                u = owner[min(s, last)]
                lm[u] += lp
                ntok[u] += 1
            words = array("q")
            uni = array("d")
            for a, b in units:
                s0, e0 = m.span(a, b)
                words.append(base + s0)
                words.append(base + e0)
                uni.append(unigram_logprob(m.text[a:b]))
            start, end = base, base + len(texts[i])
            det = dets[k]
            sc = out[i] = SentenceScore(start, end, WordSpans(words), array("d", lm), uni, array("q", ntok),
                                        WordTexts(m.text, array("q", chain.from_iterable(units))),
                                        None if det is None else array("d", det))
            if parts[k] is not None:
                from mtqa.fluency.mqm_score import sentence_features

                feats = sentence_features(parts[k], lm, uni, det)
                if self.mqm is not None:
                    sc.mqm = self.mqm.score(feats)
                if self.keep_mqm_features:
                    sc.__dict__["_mqm_features"] = feats
                    sc.__dict__["_mqm_raw"] = parts[k].get("raw")
        self._fill_tails([s for s in out if s is not None])
        return out

    def _detect(self, ids, offs, owners, n_units, dets, progress, parts: list | None = None) -> list:
        """Log-probs of every sequence and, into ``dets``, the detector's word scores: features
        and detector run :data:`DETECT_CHUNK` sentences at a time (memory stays bounded).  With
        ``parts``, also each sentence's token-level part of the MQM sentence features
        (:func:`mtqa.fluency.mqm_score.token_part`: the same logits, pooled, and the pooled
        detector hidden layer and LM states)."""
        from mtqa.fluency.detector import sentence_parts, token_inputs, word_scores

        # the pooled detector hidden layer and LM states: only for a model that reads them, or the cache
        vectors = self.keep_mqm_features or (self.mqm is not None and self.mqm.needs_vectors)
        lps: list = [None] * len(ids)
        for a in range(0, len(ids), DETECT_CHUNK):
            for k, f in enumerate(self.engine.features(ids[a:a + DETECT_CHUNK]), start=a):
                lps[k] = f["lp"]
                states, word_start, own = sentence_parts(f, offs[k], owners[k])
                X = token_inputs(f["lp"], f["entropy"], f["best"], states, word_start)
                if parts is None:
                    dets[k] = word_scores(self.detector.logits(X), own, n_units[k])  # per sentence: batch-invariant
                else:
                    from mtqa.fluency.mqm_score import pooled_vectors, token_part

                    if vectors:
                        lg, hid = self.detector.logits_hidden(X)  # the same logits as .logits(X)
                        vec = pooled_vectors(hid, f["cur"])
                    else:
                        lg, vec = self.detector.logits(X), {}
                    dets[k] = word_scores(lg, own, n_units[k])
                    parts[k] = token_part(f["lp"], f["entropy"], f["best"], lg, vec)
                    if self.keep_mqm_features:  # what the feature cache stores (mtqa.fluency.mqm_train)
                        parts[k]["raw"] = {"lp": f["lp"], "entropy": f["entropy"], "best": f["best"], "logits": lg}
            if progress is not None:
                progress(sum(len(x) for x in ids[a:a + DETECT_CHUNK]))
        return lps

    def _fill_tails(self, scored: list[SentenceScore]) -> None:
        """Every sentence's word tail levels in one vectorised pass (what
        :meth:`SentenceScore.tails` would compute one sentence at a time)."""
        cal = self.calibration
        if cal is None or not scored:
            return
        import numpy as np

        from mtqa.fluency.calibration import tail_levels_array

        sc = np.fromiter(chain.from_iterable(s.scores for s in scored), dtype=np.float64)
        un = np.fromiter(chain.from_iterable(s.uni for s in scored), dtype=np.float64)
        tails = array("d", tail_levels_array(cal.word_tables(), sc, un).tobytes())
        k = 0
        for s in scored:
            n = len(s.words)
            s.__dict__["_tails"] = {id(cal): tails[k:k + n]}
            k += n

    def score_documents(self, docs: Sequence["Document"], batched: bool = True,
                        progress: Callable[[int], None] | None = None) -> list[list[SentenceScore]]:
        """Scores of every sentence (with at least one word) of every document, in one batch."""
        out: list[list[SentenceScore]] = [[] for _ in docs]
        for d, sc in self.iter_document_scores(docs, batched=batched, progress=progress):
            out[d].append(sc)
        return out

    def iter_document_scores(self, docs: Sequence["Document"], batched: bool = True,
                             progress: Callable[[int], None] | None = None
                             ) -> Iterator[tuple[int, SentenceScore]]:
        """``(document index, score)`` of every sentence with a word, in document order, scored
        :data:`SCORE_WINDOW` sentences at a time: a caller that judges and drops each one holds
        one window's scores, not a long document's."""
        texts: list[str] = []
        offsets: list[int] = []
        owners: list[int] = []
        for d, doc in enumerate(docs):
            for s in doc.sentences:
                texts.append(doc.text[s.start:s.end])
                offsets.append(s.start)
                owners.append(d)
        for a, window in self._windows(texts, offsets, batched, progress):
            for d, sc in zip(owners[a:a + len(window)], window):
                if sc is not None:
                    yield d, sc

    def iter_scores(self, texts: Iterable[str], chunk: int = 2048) -> Iterable[SentenceScore | None]:
        """Stream :meth:`score_texts` over an iterable, ``chunk`` texts at a time."""
        buf: list[str] = []
        for t in texts:
            buf.append(t)
            if len(buf) >= chunk:
                yield from self.score_texts(buf)
                buf = []
        if buf:
            yield from self.score_texts(buf)
