"""Repeated words and truncated endings (family ``repetition``, REP)."""

from __future__ import annotations

import re
from typing import Iterable

from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register
from mtqa.tables import read_list

FINAL_PUNCT = ".!?…\"”’»)]:;"
DANGLING = frozenset("the a an of to and or but in on at with by for from that which who as than its their his her".split())


@register
class RepeatedWord(Rule):
    """The same word twice in a row ("the the").

    Case-insensitive, across a single space or line break, never across
    punctuation or a paragraph break.  Words that may legitimately repeat
    ("had had", "that that") are listed in
    ``mtqa/data/repetition_allowed.txt``; repeated capitalised words that are
    not function words ("Walla Walla", "Sirhan Sirhan") are names, and a word
    repeated with a capital ("law lord Lord Bingham", "the first First Lady")
    starts a name or title: neither is flagged.  A run of the same function
    word ("the the the the") is one finding over the whole run; three or more
    of another word ("blah blah blah", "way way way too high") are repeated on
    purpose.  The fix deletes the repetition.
    """

    code = "REP001"
    name = "repeated-word"
    family = "repetition"
    severity = Severity.WARNING
    supersedes = ("FLU",)  # the repetition explains what the fluency rules would flag there
    summary = "The same word twice in a row (\"the the\")."
    flag_examples = ("The the talks ended on Monday.", "He said that the the deal was off.",
                     "Nobody would be talking about about their goal.", "He said the the the deal was off.")
    pass_examples = ("He had had enough.", "The town of Walla Walla voted.", "They said that that was wrong.",
                     "On Thursday, senior law lord Lord Bingham said the rules were unlawful.",
                     "The estimate is almost certainly way way way too high.")
    fixable = True
    # a run of one word (a combining mark after the last one makes it another word: "the thé")
    _re = re.compile(r"(?<![\w'’-])(\w+)(?:\s+\1)+(?![\w'’\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f-])",
                     re.IGNORECASE)
    _word = re.compile(r"\w+")

    def check(self, doc, ctx) -> Iterable[Finding]:
        allowed = read_list("repetition_allowed.txt")
        text = doc.text
        for m in self._re.finditer(text):
            w1 = m.group(1)
            if w1.isdigit() or w1.casefold() in allowed:
                continue
            words = [(w.start(), w.end()) for w in self._word.finditer(text, m.start(), m.end())]
            # sub-runs in which every neighbouring pair is a repetition to flag
            run = [words[0]]
            for prev, cur in zip(words, words[1:]):
                if self._pair_flagged(text, prev, cur):
                    run.append(cur)
                    continue
                yield from self._run_finding(doc, text, run)
                run = [cur]
            yield from self._run_finding(doc, text, run)

    @staticmethod
    def _pair_flagged(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
        if text.count("\n", a[1], b[0]) >= 2:
            return False  # a paragraph break between them
        w1, w2 = text[a[0]:a[1]], text[b[0]:b[1]]
        if w1.lower() in DANGLING:
            return True
        # "Walla Walla" (a name); "law lord Lord Bingham", "the first First Lady" (a title starts)
        return not w2[0].isupper()

    def _run_finding(self, doc, text: str, run: list[tuple[int, int]]) -> Iterable[Finding]:
        if len(run) < 2:
            return
        first, second = text[run[0][0]:run[0][1]], text[run[1][0]:run[1][1]]
        if len(run) > 2 and first.lower() not in DANGLING:
            return  # "blah blah blah", "way way way too high": repeated on purpose
        times = f" ({len(run)} times)" if len(run) > 2 else ""
        yield self.finding(doc, run[0][0], run[-1][1], f"repeated word '{second}'{times}", suggestion=first,
                           confidence=0.9)


@register
class TruncatedEnding(Rule):
    """The article ends mid-sentence.

    The last paragraph of a document with at least two paragraphs ends
    without final punctuation (. ! ? … or a closing quote/bracket); a
    document of one paragraph is flagged only if its last word is one that
    cannot end a sentence ("the", "of", "and"...).  Spans the last word.
    """

    code = "REP002"
    name = "truncated-ending"
    family = "repetition"
    severity = Severity.WARNING
    summary = "The article ends mid-sentence (no final punctuation)."
    flag_examples = ("Headline\n\nThe minister said that the talks would continue on the",)
    pass_examples = ("Headline\n\nThe minister said that the talks would continue.", "Putin meets Kerry")

    def check(self, doc, ctx) -> Iterable[Finding]:
        if not doc.paragraphs:
            return
        text = doc.text
        last = doc.paragraphs[-1]
        if text[last.end - 1] in FINAL_PUNCT:
            return
        tok = doc.tokens[-1]  # only reached for the rare text without final punctuation
        word = text[tok.start:tok.end]
        dangling = word.lower() in DANGLING
        if len(doc.paragraphs) < 2 and not dangling:
            return
        if len(text[last.start:last.end].split()) < 4:
            return  # a sign-off or a caption, not a truncated sentence
        yield self.finding(doc, tok.start, tok.end,
                           "the text ends mid-sentence" + (f" on '{word}'" if dangling else " (no final punctuation)"),
                           confidence=0.9 if dangling else 0.6)
