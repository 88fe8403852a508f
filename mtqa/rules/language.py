"""Untranslated text (family ``language``, LNG)."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Iterable

from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register

# Scripts that have no business inside English news copy.
SCRIPTS = {
    "Cyrillic": "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f",
    "Arabic": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff",
    "Hebrew": "\u0590-\u05ff",
    "CJK": "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",
    "Hangul": "\u1100-\u11ff\uac00-\ud7af",
    "Devanagari": "\u0900-\u097f",
    "Thai": "\u0e00-\u0e7f",
    "Georgian": "\u10a0-\u10ff",
    "Armenian": "\u0530-\u058f",
    "Persian/Urdu": "",
}
SCRIPTS = {k: v for k, v in SCRIPTS.items() if v}
_ALL = "".join(SCRIPTS.values())
_RUN = rf"[{_ALL}][{_ALL}\w'’.-]*(?:[ ][{_ALL}][{_ALL}\w'’.-]*)*"
# a run starts at a letter of one of the scripts: most copy has none, and the run pattern
# (four classes of wide ranges) takes ~10 ms to compile, so it is compiled on first need
_ANY_SCRIPT = re.compile(f"[{_ALL}]")


@lru_cache(maxsize=1)
def _run_re() -> "re.Pattern[str]":
    return re.compile(_RUN)


@lru_cache(maxsize=1)
def _script_res() -> "list[tuple[str, re.Pattern[str]]]":
    return [(name, re.compile(f"[{rng}]")) for name, rng in SCRIPTS.items()]


# Cyrillic and Greek letters that look like Latin ones
CONFUSABLES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "ԁ": "d", "ӏ": "l", "һ": "h", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O",
    "Р": "P", "С": "C", "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ү": "Y",
    "ο": "o", "α": "a", "ε": "e", "ι": "i", "ν": "v", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H",
    "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
})
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_NONLATIN_LETTER = re.compile(r"[\u0370-\u03ff\u0400-\u052f]")
_DOT_PART = re.compile(r"[^.]+")


def _script_of(run: str) -> str:
    for name, rx in _script_res():
        if rx.search(run):
            return name
    return "non-Latin"


@register
class ForeignScript(Rule):
    """Letters of another script (Cyrillic, Arabic, CJK...) inside English copy.

    Untranslated names and words often survive MT in the source script:
    "the spokesman Песков said".  Each run of such letters (words of the same
    script separated by single spaces form one run) is reported with its
    script.  Words mixing Latin and look-alike letters are LNG003's job.
    """

    code = "LNG002"
    name = "foreign-script"
    family = "language"
    severity = Severity.WARNING
    summary = "Untranslated text in another script (Cyrillic, Arabic, CJK...)."
    flag_examples = ("The spokesman Дмитрий Песков declined to comment.", "The group جبهة النصرة was blamed.")
    pass_examples = ("The spokesman Dmitry Peskov declined to comment.", "Temperatures reached 30 °C.")

    def check(self, doc, ctx) -> Iterable[Finding]:
        if not _ANY_SCRIPT.search(doc.text):
            return
        run_re = _run_re()
        for m in run_re.finditer(doc.text):
            run = m.group(0).rstrip(" .'’-")
            if _LATIN.search(run) and not run_re.fullmatch(run):
                continue
            word = _WORD_RE.fullmatch(run)
            if word and _LATIN.search(run):
                continue  # mixed-script word: LNG003
            yield self.finding(doc, m.start(), m.start() + len(run),
                               f"untranslated {_script_of(run)} text", confidence=0.95,
                               data={"script": _script_of(run)})


@register
class MixedScriptWord(Rule):
    """A word mixing Latin letters with Cyrillic or Greek look-alikes ("Mоscow").

    Look-alike (homoglyph) letters break search, spell-checking and name
    matching, and are invisible to the eye.  The suggestion replaces each
    look-alike with its Latin twin when all the foreign letters have one.
    """

    code = "LNG003"
    name = "mixed-script-word"
    family = "language"
    severity = Severity.ERROR
    summary = "Word mixing Latin and Cyrillic/Greek look-alike letters (\"Mоscow\")."
    flag_examples = ("Talks in Mоscow ended on Monday.",)  # Cyrillic о
    pass_examples = ("Talks in Moscow ended on Monday.", "Talks in Москве ended.")
    fixable = True

    def check(self, doc, ctx) -> Iterable[Finding]:
        text = doc.text
        if not _NONLATIN_LETTER.search(text):
            return  # fast path: no Cyrillic or Greek letter anywhere
        for t in doc.tokens:
            w = text[t.start:t.end]
            if not (_NONLATIN_LETTER.search(w) and _LATIN.search(w)):
                continue
            # a period inside a token joins two words ("Кремль.Jabhat": a space missing), each judged alone
            for m in _DOT_PART.finditer(w):
                part = m.group()
                if not (_NONLATIN_LETTER.search(part) and _LATIN.search(part)):
                    continue
                fixed = part.translate(CONFUSABLES)
                clean = not _NONLATIN_LETTER.search(fixed)
                yield self.finding(doc, t.start + m.start(), t.start + m.end(),
                                   "word mixes Latin and Cyrillic/Greek letters" + (" (look-alike letters)" if clean else ""),
                                   suggestion=fixed if clean else None, confidence=0.95 if clean else 0.8)


ENGLISH_FUNCTION_WORDS = frozenset(
    """the of and to a in is was that for on it with as by at from he she they his her their be has have
    had are were this an not but or which will would said after its who been also more than about into
    over new when up out there one can we i you our what all could should no if so some other them
    these those while where how did do does because during against under between before since""".split()
)

def _mostly_english_vocabulary(words: list[str]) -> bool:
    """Lists of names and headline fragments have few function words but are
    English vocabulary: at least 60 % of words with an English Zipf frequency
    of 2.5 or more (wordfreq) is taken as English."""
    from wordfreq import zipf_frequency

    known = sum(1 for w in words if zipf_frequency(w, "en") >= 2.5)
    return known >= 0.6 * len(words)


_detect_lock = threading.Lock()
_factory_loaded = False


def detect_language(sentence: str) -> list[tuple[str, float]]:
    """Seeded langdetect: the same input always gives the same answer."""
    global _factory_loaded
    from langdetect import DetectorFactory, detector_factory
    from langdetect.lang_detect_exception import LangDetectException

    with _detect_lock:
        if not _factory_loaded:
            DetectorFactory.seed = 0
            detector_factory.init_factory()
            _factory_loaded = True
        try:
            det = detector_factory._factory.create()
            det.append(sentence)
            return [(p.lang, p.prob) for p in det.get_probabilities()]
        except LangDetectException:
            return []


@register
class UntranslatedSentence(Rule):
    """A sentence that is not in English (langdetect, seeded).

    Sentences shorter than ``min-words-langdetect`` words (default 6) are
    skipped: detection is unreliable on them.  A sentence in which English
    function words make up at least 15 % of the words is taken as English
    without calling langdetect (the fast path that keeps mtqa above 2 MB/s),
    and so is one where 60 % of the words are English vocabulary by wordfreq
    (lists of names, headline fragments); the rest go to langdetect, seeded (``DetectorFactory.seed = 0``) so the
    answer never changes between runs, and are flagged when the best language
    is not English with probability ≥ 0.90.
    """

    code = "LNG001"
    name = "untranslated-sentence"
    family = "language"
    severity = Severity.WARNING
    summary = "Sentence not in English (langdetect, seeded; short sentences skipped)."
    flag_examples = (
        "The talks ended on Monday. Переговоры продолжатся в четверг в Москве, сообщил представитель министерства.",
        "The talks ended on Monday. Die Gespräche werden am Donnerstag in Berlin fortgesetzt, sagte ein Sprecher.",
    )
    pass_examples = ("The talks will continue on Thursday in Moscow, a ministry spokesman said.",)

    def check(self, doc, ctx) -> Iterable[Finding]:
        min_words = ctx.config.min_words_langdetect
        text = doc.text
        for s in doc.sentences:
            sent = text[s.start:s.end]
            rough = sent.lower().split()  # fast path: whitespace words, punctuation attached
            if len(rough) < min_words:
                continue
            if sum(1 for w in rough if w in ENGLISH_FUNCTION_WORDS) >= 0.15 * len(rough):
                continue
            letters = [w for w in _WORD_RE.findall(sent) if not w.isdigit()]
            if len(letters) < min_words:
                continue
            if _mostly_english_vocabulary(letters):
                continue
            probs = detect_language(sent)
            if not probs:
                continue
            lang, p = probs[0]
            if lang != "en" and p >= 0.90:
                yield self.finding(doc, s.start, s.end, f"sentence appears to be in '{lang}' (p={p:.2f}), not English",
                                   confidence=round(p, 2), data={"language": lang, "probability": round(p, 4)})
