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
    punctuation.  Words that may legitimately repeat ("had had", "that
    that") are listed in ``mtqa/data/repetition_allowed.txt``; repeated
    capitalised words that are not function words ("Walla Walla", "Sirhan
    Sirhan") are names and are not flagged.  The fix deletes the repetition.
    """

    code = "REP001"
    name = "repeated-word"
    family = "repetition"
    severity = Severity.WARNING
    summary = "The same word twice in a row (\"the the\")."
    flag_examples = ("The the talks ended on Monday.", "He said that the the deal was off.")
    pass_examples = ("He had had enough.", "The town of Walla Walla voted.", "They said that that was wrong.")
    fixable = True
    _re = re.compile(r"(?<![\w'’-])(\w+)(\s+)(\1)(?![\w'’-])", re.IGNORECASE)

    def check(self, doc, ctx) -> Iterable[Finding]:
        allowed = read_list("repetition_allowed.txt")
        text = doc.text
        for m in self._re.finditer(text):
            w1, w2 = m.group(1), m.group(3)
            if w1.isdigit() or w1.casefold() in allowed or "\n\n" in m.group(2):
                continue
            if w1[0].isupper() and w2[0].isupper() and w1.lower() not in DANGLING:
                continue
            yield self.finding(doc, m.start(), m.end(), f"repeated word '{w2}'", suggestion=w1, confidence=0.9)


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
