"""Fluency rules: sentences and word runs the news LM finds far less fluent than clean news.

Both rules share one batched scoring pass per batch of documents (the
``fluency`` resource, :mod:`mtqa.fluency`); the scores are attached to each
report as ``report.extra["fluency"]``.

Messages speak to an editor in plain English (what reads wrong, where to look);
the statistics behind them stay in the finding's ``data``.  "fluency" in
``data`` is the mean *tail level* of the words: for each word,
log10 of the percentile rank (as a fraction) of its score — LM log-prob in
context minus unigram log-prob — among clean-news words of its frequency
class.  0 is a typical word, -1 a word as unexpected as the 10 % least
expected words of its frequency, -2 the 1 %; clean sentences average about
-0.4; a *stretch* score is that mean over 5 consecutive words.  FLU001's
``data["score"]``/``threshold`` are percentile ranks (0-100) among clean
sentences (``data["measure"] == "lower_rank"``; a calibration without the
stretch tables gives ``"mean_tail"``: the mean tail level and its cut-off);
FLU002's are tail levels.  Thresholds come from the model's
``calibration.json`` (``mtqa model calibrate``): percentile cut-offs of the
same scores on held-out clean news.  Without a calibration the scores are
still reported but no FLU finding is made (a warning says so, once).

Findings of these rules inside a name or phrase finding (NAM/PHR rules
declare ``supersedes = ("CAS", "FLU")``) are dropped by the checker; a FLU
finding that only partly overlaps one can be re-judged without the explained
words through :meth:`FluencyFinding.without` (see that method).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple

import mtqa.fluency  # noqa: F401  (light: registers the "fluency" resource, imports no torch)
from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register

# plain-English messages (the numbers behind them are in each finding's data)
THROUGHOUT = "this sentence reads unlike English throughout: check its word order and any missing or stray words"
SPAN_GARBLED = "these words read like a translation error: check for a missing, extra or misplaced word, or a wrong form"


def _left_out(k: int) -> str:
    return f" ({k} word{'s' if k != 1 else ''} explained by other findings left out)"


if TYPE_CHECKING:  # pragma: no cover
    from mtqa.context import CheckContext
    from mtqa.document import Document
    from mtqa.fluency.calibration import Calibration
    from mtqa.fluency.scorer import SentenceScore

_WARNED: set[str] = set()


def _warn_once(msg: str) -> None:
    if msg not in _WARNED:
        _WARNED.add(msg)
        sys.stderr.write(f"mtqa: warning: {msg}\n")
        sys.stderr.flush()


@dataclass
class FluencyFinding(Finding):
    """A Finding that can be re-judged without the words another finding explains."""

    recheck: Any = field(default=None, repr=False, compare=False)

    def without(self, spans: list[tuple[int, int]]) -> list[Finding]:
        """This finding re-judged with the words overlapping ``spans`` left out.

        The checker calls it for a FLU finding that partly overlaps a finding
        that supersedes FLU (a garbled name or phrase): the explained words'
        scores no longer count, and what remains is flagged only if it is
        still below the cut-off (FLU001: the sentence's mean fluency and least
        fluent stretch over the remaining words; FLU002: the 3-word runs of the
        remaining words; neither's runs bridge a left-out word).
        Returns the surviving findings (none, this one updated, or narrower ones).
        """
        if self.recheck is None:
            return [self]
        return self.recheck(self, spans)


def _judged(rule: "_FluencyRule", docs: "list[Document]", ctx: "CheckContext") -> "list[list[Finding]]":
    """``rule``'s findings on every document.  The first FLU rule to run scores the batch
    once, window by window (:meth:`~mtqa.fluency.scorer.FluencyScorer.iter_document_scores`),
    and every FLU rule the checker runs judges each window's sentences before the next
    window is scored: what stays is their findings and each document's summary
    (``report.extra["fluency"]``), not a long document's per-word scores.  Findings are
    cached on the documents per rule code; the Checker drops the cache after the last
    FLU rule."""
    from mtqa.fluency.scorer import Summary

    key = rule.code
    todo = [d for d in docs if key not in d.__dict__.get("_fluency", {})]
    if todo:
        scorer = ctx.get("fluency")
        cal = _calibration(ctx)
        try:
            peers = [r for r in ctx.get("rules") if isinstance(r, _FluencyRule)]
        except KeyError:
            peers = []
        judges = [r for r in peers if r.code != key and all(r.code not in d.__dict__.get("_fluency", {})
                                                                for d in todo)]
        judges.insert(0, rule)
        found = [{r.code: [] for r in judges} for _ in todo]
        summaries = [Summary(scorer.model_name, scorer.calibration) for _ in todo]
        for i, s in scorer.iter_document_scores(todo):
            summaries[i].add(s)
            if cal is None or s.shouting:
                continue
            for r in judges:
                found[i][r.code].extend(r.judge(todo[i], s, cal, None))
        for d, f, summ in zip(todo, found, summaries):
            cache = d.__dict__.setdefault("_fluency", {})
            cache.update(f)
            cache.setdefault("summary", summ.result())
    try:
        reports = ctx.get("reports")
    except KeyError:
        reports = []
    by_id = {id(d) for d in docs}
    for rep in reports or ():
        doc = rep.document
        if id(doc) in by_id and "fluency" not in rep.extra and "_fluency" in doc.__dict__:
            rep.extra["fluency"] = doc.__dict__["_fluency"]["summary"]
    return [d.__dict__["_fluency"][key] for d in docs]


def _calibration(ctx: "CheckContext") -> "Calibration | None":
    scorer = ctx.get("fluency")
    if scorer.calibration_problem:
        _warn_once(scorer.calibration_problem)
    return scorer.calibration


def _kept_runs(n_words: int, keep: list[bool] | None) -> list[list[int]]:
    """Word indices in unbroken runs of kept words (one run of all words when ``keep`` is
    None): the FLU rules' runs and stretches never bridge a word left out (explained by
    another finding)."""
    runs: list[list[int]] = []
    cur: list[int] = []
    for i in range(n_words):
        if keep is None or keep[i]:
            cur.append(i)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def _stretch_of_runs(tails: list[float], runs: list[list[int]]) -> tuple[float, int, int, int]:
    """FLU001's least fluent stretch over ``runs`` (word indices; ``tails`` of all words):
    only runs long enough for a whole stretch count; when none is, the stretch is the
    mean of all the kept words, as for a sentence shorter than a stretch (never a
    window across a left-out word).  Returns (score, first word, last word, words in it)."""
    from mtqa.fluency.scorer import STRETCH_WORDS, least_fluent_stretch

    best = None
    for run in runs:
        if len(run) >= STRETCH_WORDS:
            v, a, b = least_fluent_stretch([tails[i] for i in run], STRETCH_WORDS)
            if best is None or v < best[0]:
                best = (v, run[a], run[b], STRETCH_WORDS)
    if best is None:
        kept = [i for run in runs for i in run]
        v = sum(tails[i] for i in kept) / len(kept)
        best = (v, kept[0], kept[-1], len(kept))
    return best


class _Flu001Measure(NamedTuple):
    """What FLU001 measures of a sentence over its kept words."""

    idx: list[int]                                  # the kept words
    mean: float                                     # their mean tail level
    stretch: tuple[float, int, int, int] | None     # _stretch_of_runs; None without the stretch tables
    lower: float                                    # what FLU001 tests: the lower percentile rank
    r_mean: float                                   # the mean's rank among clean sentences of its length
    r_stretch: float | None                         # the stretch's rank among clean sentences'


def _flu001_measure(s: "SentenceScore", cal: "Calibration", keep: list[bool] | None) -> _Flu001Measure | None:
    """FLU001's measure of a sentence (None with no word kept): the lower of its percentile
    ranks by mean fluency and by least fluent stretch — the mean's rank alone with a
    calibration that lacks the stretch tables."""
    runs = _kept_runs(s.n_words, keep)
    idx = [i for run in runs for i in run]
    if not idx:
        return None
    tails = s.tails(cal)
    mean = sum(tails[i] for i in idx) / len(idx)
    if not cal.has_stretch:
        r = cal.sentence_rank(len(idx), mean)
        return _Flu001Measure(idx, mean, None, r, r, None)
    stretch = _stretch_of_runs(tails, runs)
    lower, r_mean, r_stretch = cal.min_rank(len(idx), mean, stretch[0])
    return _Flu001Measure(idx, mean, stretch, lower, r_mean, r_stretch)


def flu001_rank(s: "SentenceScore", cal: "Calibration", keep: list[bool] | None = None) -> float:
    """What FLU001 tests of a sentence (over its kept words; 100 with no word kept), for
    benchmarks that rank sentences the way the rule judges them: with the learned detector,
    the percentile rank of its sentence score among clean sentences'; else the lower of the
    mean-fluency and stretch ranks)."""
    if s.det and cal.has_detector:
        kept = [v for i, v in enumerate(s.det) if keep is None or keep[i]]
        if not kept:
            return 100.0
        r = cal.detector_rank(max(kept))
        m = _flu001_measure(s, cal, keep)
        if m is not None:  # the word-salad test, on the detector's scale: flagged iff below its cut-off
            ratio = float(cal.cutoff("FLU001", "detector_percentile")) / float(cal.cutoff("FLU001", "salad_percentile"))
            r = min(r, m.r_mean * ratio)
        return r
    m = _flu001_measure(s, cal, keep)
    return 100.0 if m is None else m.lower


def _covered(words: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[bool]:
    return [any(s < we and ws < e for s, e in spans) for ws, we in words]


class _FluencyRule(Rule):
    family = "fluency"
    needs = frozenset({"fluency"})
    document_caches = ("_fluency",)

    def check(self, doc: "Document", ctx: "CheckContext") -> Iterable[Finding]:
        return self.check_batch([doc], ctx)[0]

    def check_batch(self, docs: "list[Document]", ctx: "CheckContext") -> list[list[Finding]]:
        return _judged(self, docs, ctx)

    def judge(self, doc: "Document", s: "SentenceScore", cal: "Calibration",
              keep: list[bool] | None) -> list[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _make(self, doc: "Document", start: int, end: int, message: str, confidence: float,
              data: dict[str, Any], s: "SentenceScore", cal: "Calibration") -> "FluencyFinding":
        def recheck(finding: FluencyFinding, spans: list[tuple[int, int]]) -> list[Finding]:
            covered = _covered(s.words, spans)
            keep = [not c for c in covered]
            if not any(covered):
                return [finding]
            sev = finding.severity
            # re-judged findings stay within the original one (its neighbours are judged on their own)
            out = [f for f in self.judge(doc, s, cal, keep) if f.start < finding.end and finding.start < f.end]
            for f in out:
                f.severity = sev
            return out

        return FluencyFinding(code=self.code, rule=self.name, family=self.family, severity=self.effective_severity,
                              start=start, end=end, text=doc.text[start:end], message=message, suggestion=None,
                              confidence=max(0.0, min(1.0, confidence)), data=data, recheck=recheck)


@register
class DisfluentSentence(_FluencyRule):
    """A sentence that reads like a translation error, or far less fluently than clean news.

    With a model that has a learned detector (SmolLM2, the default;
    :mod:`mtqa.fluency.detector`): a small network over the language model's
    view of every token scores how likely each word is an MT error (a missing
    or stray article, preposition or verb, words in the wrong order); the
    sentence is flagged when its highest word score is above all but
    ``detector_percentile`` % of clean held-out news sentences' (default 0.2),
    and the message quotes the words around it.  Text wrong throughout (word
    salad) leaves no one word worse than its neighbours, so a sentence whose
    mean fluency (below) ranks under ``salad_percentile`` % (0.05) of clean
    sentences of its length is flagged too.

    Without a detector (newslm-5m, other models): every word gets a score, its LM log-probability in context minus its
    unigram log-probability (wordfreq) — the terms of SLOR, so rare but
    correct words are not punished — and the score is ranked among clean-news
    words of the same frequency class (calibration): the word's *tail level*
    is log10 of that percentile rank.  A sentence is judged two ways: by the
    mean tail level of all its words, ranked among clean held-out news
    sentences of its length, and by its least fluent stretch — the 5
    consecutive words with the lowest mean tail level — ranked among clean
    sentences' least fluent stretches.  It is flagged when the lower of the
    two ranks is below the calibrated cut-off: by default percentile 1 of the
    same lower rank over clean sentences (``calibration.json`` next to the
    model; ``mtqa model calibrate``), so about 1 % of clean sentences.  The
    mean catches uniform word salad; the stretch keeps one garbled clause
    from being averaged away by the fluent words around it ("Washington hopes
    that Russia will exert pressure on the Syrian government to military
    aircraft has limited its military activity").  Normalising per frequency
    class keeps name lists and rare words from drowning out what matters:
    scrambled word order, stray or missing function words, broken syntax.
    The message says in plain English what reads wrong (quoting the stretch
    when it decided); the measure, scores, ranks, cut-off and SLOR are in the
    finding's data; confidence grows as the rank falls further below the cut-off.  Sentences
    of fewer than 3 words and mostly ALL-CAPS sentences are not judged.  (A
    calibration written before the stretch measure judges the mean alone,
    with a warning to recalibrate.)
    """

    code = "FLU001"
    name = "disfluent-sentence"
    severity = Severity.WARNING
    summary = ("sentence that reads like a translation error (learned detector over the LM), or far less fluent "
               "than calibrated clean news, as a whole or in a 5-word stretch")
    flag_examples = (
        "Jobs agreement the that thousands said trade Tuesday of on would create new president the.",
        "Officials said on Monday that the delegation would arrive in Geneva on the of by for and to talks.",
    )
    pass_examples = (
        "The president said on Tuesday that the new trade agreement would create thousands of jobs.",
        "Officials said on Monday that the delegation would arrive in Geneva on Wednesday for the talks.",
    )

    def judge(self, doc, s, cal, keep):
        if s.det and cal.has_detector:
            return self._judge_detector(doc, s, cal, keep)
        m = _flu001_measure(s, cal, keep)
        if m is None or len(m.idx) < int(cal.cutoff(self.code, "min_words", 3)):
            return []
        idx, n, tail = m.idx, len(m.idx), m.mean
        sc = s.scores
        pct = float(cal.cutoff(self.code))
        slor = sum(sc[i] for i in idx) / n
        lp = sum(s.lm[i] for i in idx) / max(1, sum(s.ntok[i] for i in idx))
        extra = "" if keep is None else _left_out(s.n_words - n)
        data = {"percentile": pct, "fluency": round(tail, 4), "slor": round(slor, 4), "logprob": round(lp, 4),
                "words": n}
        if m.stretch is not None:
            stretch, first, last, width = m.stretch
            lower, r_mean, r_stretch = m.lower, m.r_mean, m.r_stretch
            cut = cal.min_rank_value(pct)
            if not lower < cut:
                return []
            rank = cal.min_rank_rank(lower)
            w0, w1 = s.words[first][0], s.words[last][1]
            if r_stretch <= r_mean and last - first + 1 > width:
                # no unbroken run of kept words is long enough: the stretch is all the kept words,
                # which explained words interrupt (so no one quote shows it)
                msg = f"this sentence reads as garbled: check its word order, articles, prepositions and verbs{extra}"
            elif r_stretch <= r_mean:
                quoted = " ".join(doc.text[w0:w1].split())
                if len(quoted) > 80:
                    quoted = quoted[:77] + "..."
                msg = (f"this sentence reads as garbled: check the words \"{quoted}\" (word order, a missing or "
                       f"stray word){extra}")
            else:
                msg = THROUGHOUT + extra
            data.update(measure="lower_rank", score=round(lower, 4), threshold=round(cut, 4), rank=round(rank, 4),
                        stretch_score=round(stretch, 4), stretch_rank=round(r_stretch, 4),
                        fluency_rank=round(r_mean, 4), stretch={"start": w0, "end": w1})
        else:
            _warn_once(f"{cal.path or 'the calibration'} has no tables for FLU001's least fluent stretch (written "
                       "by an older mtqa, or from too little text): only the sentence mean is judged; run "
                       "`mtqa model calibrate` to update it")
            cut = cal.sentence_value(n, pct)
            if not tail < cut:
                return []
            rank = m.r_mean
            msg = THROUGHOUT + extra
            data.update(measure="mean_tail", score=round(tail, 4), threshold=round(cut, 4), rank=round(rank, 4))
        conf = 0.5 + 0.5 * (1.0 - min(1.0, rank / pct)) if pct > 0 else 1.0
        return [self._make(doc, s.start, s.end, msg, conf, data, s, cal)]


    def _judge_detector(self, doc, s, cal, keep):
        """With a learned detector: the sentence's highest word score against the clean sentences'
        (what the detector knows: local MT errors), or — for text wrong throughout, word salad,
        which leaves no single word much worse than its neighbours — the sentence's mean
        fluency far below clean sentences of its length (``salad_percentile``)."""
        idx = [i for i in range(s.n_words) if keep is None or keep[i]]
        if len(idx) < int(cal.cutoff(self.code, "min_words", 3)):
            return []
        worst = max(idx, key=lambda i: (s.det[i], -i))
        score = s.det[worst]
        pct = float(cal.cutoff(self.code, "detector_percentile"))
        cut = cal.detector_value(pct)
        rank = cal.detector_rank(score)
        n = len(idx)
        slor = sum(s.scores[i] for i in idx) / n
        lp = sum(s.lm[i] for i in idx) / max(1, sum(s.ntok[i] for i in idx))
        extra = "" if keep is None else _left_out(s.n_words - n)
        data = {"measure": "detector", "score": round(score, 4), "threshold": round(cut, 4), "percentile": pct,
                "rank": round(rank, 4), "slor": round(slor, 4), "logprob": round(lp, 4), "words": n}
        if score > cut:
            w0, w1 = s.words[worst]
            near = [i for i in idx if abs(i - worst) <= 2]
            quoted = " ".join(doc.text[s.words[near[0]][0]:s.words[near[-1]][1]].split())
            if len(quoted) > 80:
                quoted = quoted[:77] + "..."
            msg = (f"this sentence reads like a translation error around \"{quoted}\": check the word order, "
                   f"articles, prepositions and verbs there{extra}")
            data["word"] = {"start": w0, "end": w1}
            conf = 0.5 + 0.5 * (1.0 - min(1.0, rank / pct)) if pct > 0 else 1.0
            return [self._make(doc, s.start, s.end, msg, conf, data, s, cal)]
        salad = float(cal.cutoff(self.code, "salad_percentile"))
        m = _flu001_measure(s, cal, keep)
        if m is None or not m.r_mean < salad:
            return []
        msg = THROUGHOUT + extra
        data.update(measure="mean_rank", score=round(m.r_mean, 4), threshold=salad, percentile=salad,
                    rank=round(m.r_mean, 4), fluency=round(m.mean, 4))
        conf = 0.5 + 0.5 * (1.0 - min(1.0, m.r_mean / salad)) if salad > 0 else 1.0
        return [self._make(doc, s.start, s.end, msg, conf, data, s, cal)]


@register
class DisfluentSpan(_FluencyRule):
    """Where a sentence goes wrong: the words a model's learned error detector points at, or a run
    of words far more surprising to the LM than words of their frequency usually are.

    With a model that has a learned detector (SmolLM2, the default): each
    word's detector score (its highest token's) against clean-news words'; a
    word above the calibrated cut-off (percentile 0.03 of clean words, about
    one word in 3,000) is flagged, adjacent ones merged.  Without one
    (newslm-5m, other models): every word gets a score: its LM log-probability in context minus its
    unigram log-probability (wordfreq).  The score is then ranked among the
    scores of clean-news words of the same frequency class (calibration), so
    a rare name the small model cannot spell is ordinary among rare words,
    while a common word in a place it never goes is not.  A run of 3
    consecutive words whose mean log10 percentile rank is below the
    calibrated cut-off (by default percentile 0.1 of all 3-word runs of
    clean held-out news, about one run per 1,000 words there) is flagged;
    overlapping flagged runs are merged, and edge words that are not unusual
    themselves (above their class median) are trimmed, so the span points at
    the garbled words ("of the by for to and").  Info by default: FLU001 says
    which sentences to rewrite, FLU002 where to look.
    """

    code = "FLU002"
    name = "disfluent-span"
    severity = Severity.INFO
    summary = ("the words a translation error sits in (learned detector), or a run of words far more surprising to "
               "the LM than words of their frequency usually are")
    flag_examples = (
        "The talks in Moscow were useful, said the minister to the of by reporters.",
    )
    pass_examples = (
        "The minister said that the talks in Moscow were useful and would continue next week.",
    )

    def judge(self, doc, s, cal, keep):
        from mtqa.fluency.scorer import window_means

        if s.det and cal.has_detector:
            return self._judge_detector(doc, s, cal, keep)
        width = cal.window_width  # the width the calibration's run table was computed for
        pct = float(cal.cutoff(self.code))
        cut = cal.window_value(pct)
        tails = s.tails(cal)
        out: list[Finding] = []
        median = math.log10(0.5)
        for seg in _kept_runs(s.n_words, keep):  # runs never bridge a word left out
            if len(seg) < width:
                continue
            means = window_means([tails[i] for i in seg], width)
            k = 0
            while k < len(means):
                if not means[k] < cut:
                    k += 1
                    continue
                a = k
                worst = means[k]
                while k + 1 < len(means) and means[k + 1] < cut:
                    k += 1
                    worst = min(worst, means[k])
                lo, hi = a, k + width - 1  # word positions within seg
                while lo < hi and tails[seg[lo]] >= median:
                    lo += 1
                while hi > lo and tails[seg[hi]] >= median:
                    hi -= 1
                first, last = seg[lo], seg[hi]
                start, end = s.words[first][0], s.words[last][1]
                rank = cal.window_rank(worst)
                conf = 0.5 + 0.5 * (1.0 - min(1.0, rank / pct)) if pct > 0 else 1.0
                msg = SPAN_GARBLED
                data = {"score": round(worst, 4), "threshold": round(cut, 4), "percentile": pct,
                        "rank": round(rank, 4), "words": last - first + 1,
                        "word_scores": [round(s.scores[i], 3) for i in range(first, last + 1)]}
                out.append(self._make(doc, start, end, msg, conf, data, s, cal))
                k += 1
        return out

    def _judge_detector(self, doc, s, cal, keep):
        """Words the error detector scores above the clean-word cut-off, adjacent ones merged."""
        pct = float(cal.cutoff(self.code, "detector_percentile"))
        cut = cal.detector_value(pct, "word")
        out: list[Finding] = []
        for seg in _kept_runs(s.n_words, keep):
            k = 0
            while k < len(seg):
                if not s.det[seg[k]] > cut:
                    k += 1
                    continue
                a = k
                while k + 1 < len(seg) and s.det[seg[k + 1]] > cut:
                    k += 1
                first, last = seg[a], seg[k]
                worst = max(s.det[i] for i in seg[a:k + 1])
                rank = cal.detector_rank(worst, "word")
                start, end = s.words[first][0], s.words[last][1]
                conf = 0.5 + 0.5 * (1.0 - min(1.0, rank / pct)) if pct > 0 else 1.0
                msg = SPAN_GARBLED
                data = {"measure": "detector", "score": round(worst, 4), "threshold": round(cut, 4),
                        "percentile": pct, "rank": round(rank, 4), "words": last - first + 1,
                        "word_scores": [round(s.det[i], 3) for i in range(first, last + 1)]}
                out.append(self._make(doc, start, end, msg, conf, data, s, cal))
                k += 1
        return out
