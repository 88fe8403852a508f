"""Unbalanced quotation marks and brackets within a paragraph (family ``quote``, QUO)."""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register

# opening mark -> closing mark
QUOTE_PAIRS = {"“": "”", "«": "»", "„": "“"}
BRACKET_PAIRS = {"(": ")", "[": "]"}


class Mark(NamedTuple):
    char: str
    pos: int


def _is_opening_straight(text: str, i: int, start: int) -> bool:
    prev = text[i - 1] if i > start else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if prev.isspace() or prev in "([{—–-/“«":
        return True
    if nxt.isspace() or nxt in ".,;:!?)]}—–":
        return False
    return not prev.isalnum()


_MARKS = re.compile(r'["“”«»„()\[\]]')
_CLOSERS = {v: k for k, v in QUOTE_PAIRS.items() if k != "„"}
Scan = tuple[list[Mark], list[Mark], list[Mark], list[Mark]]


def scan(doc, index: int) -> Scan:
    """scan_paragraph for paragraph ``index`` of ``doc``, computed once per document."""
    cache = doc.__dict__.setdefault("_quote_scan", {})
    if index not in cache:
        p = doc.paragraphs[index]
        cache[index] = scan_paragraph(doc.text, p.start, p.end)
    return cache[index]


def scan_paragraph(text: str, start: int, end: int) -> Scan:
    """Unclosed quotes, unopened quotes, unclosed brackets, unopened brackets."""
    quote_stack: list[Mark] = []
    stray_quotes: list[Mark] = []
    bracket_stack: list[Mark] = []
    stray_brackets: list[Mark] = []
    closers = _CLOSERS
    for m in _MARKS.finditer(text, start, end):
        i = m.start()
        c = m.group()
        if c == '"':
            if quote_stack and quote_stack[-1].char == '"' and not (
                _is_opening_straight(text, i, start) and text[i + 1 : i + 2].isalnum()
            ):
                quote_stack.pop()
            elif _is_opening_straight(text, i, start):
                if quote_stack and quote_stack[-1].char == c and _merged_continuation(text, quote_stack[-1].pos, i, start):
                    quote_stack.pop()
                quote_stack.append(Mark(c, i))
            elif quote_stack and quote_stack[-1].char == '"':
                quote_stack.pop()
            else:
                stray_quotes.append(Mark(c, i))
        elif c == "“" and quote_stack and quote_stack[-1].char == "„":
            quote_stack.pop()  # German-style „…“
        elif c == "“" and quote_stack and quote_stack[-1].char == "“" and _typed_as_closing(text, i, end):
            quote_stack.pop()  # closing quote typed as “ ('important “ and'): a typo, not an imbalance
        elif c in QUOTE_PAIRS:
            if quote_stack and quote_stack[-1].char == c and _merged_continuation(text, quote_stack[-1].pos, i, start):
                quote_stack.pop()
            quote_stack.append(Mark(c, i))
        elif c in closers:
            opener = closers[c]
            for k in range(len(quote_stack) - 1, -1, -1):
                if quote_stack[k].char == opener:
                    del quote_stack[k:]
                    break
            else:
                stray_quotes.append(Mark(c, i))
        elif c in BRACKET_PAIRS:
            bracket_stack.append(Mark(c, i))
        elif c in ")]":
            opener = "(" if c == ")" else "["
            if bracket_stack and bracket_stack[-1].char == opener:
                bracket_stack.pop()
            elif _is_list_marker(text, i, start):
                pass
            else:
                stray_brackets.append(Mark(c, i))
    return quote_stack, stray_quotes, bracket_stack, stray_brackets


_SENTENCE_END = re.compile(r"[.!?…][\"”’»)]*\s")
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z.&-]+$")


def _typed_as_closing(text: str, i: int, end: int) -> bool:
    """“ after a word and before a space or the paragraph end closes a quote."""
    return i > 0 and not text[i - 1].isspace() or (i + 1 >= end or text[i + 1].isspace())


def _merged_continuation(text: str, open_pos: int, new_pos: int, start: int) -> bool:
    """A quote running over sentences, re-opened by the same mark where a new
    sentence or a speaker's line starts: the news convention for quotes running
    over paragraphs, seen when paragraphs were joined on one line.  A mark
    re-opened mid-sentence ('terrorists “Islamic State”') is a new quote, and
    the first one is reported."""
    if not _SENTENCE_END.search(text, open_pos, new_pos):
        return False
    i = new_pos - 1
    while i >= start and text[i] in " \t":
        i -= 1
    return i < start or text[i] in ".!?…:" or bool(_CAPS_WORD.search(text, max(start, i - 40), i + 1)) or (
        text[i] in "”’\")" and i > start and text[i - 1] in ".!?…")


def _is_list_marker(text: str, i: int, start: int) -> bool:
    """'1)' or 'a)' at the start of a paragraph, ':)' emoticons."""
    before = text[start:i].strip()
    return (len(before) <= 2 and before.rstrip(".").isalnum()) or text[i - 1 : i] in ":;"


def _span_with_word(text: str, pos: int, end: int) -> int:
    """End of the mark plus the word that follows it (for an opening mark),
    at most 60 code points: a run of marks must not make this quadratic."""
    j = pos + 1
    stop = min(end, pos + 61)
    while j < stop and not text[j].isspace() and text[j] not in "”»\"),;.:!?“«„([]":
        j += 1
    return j


def _continues(doc, para_index: int, mark: Mark) -> bool:
    """News convention: a quote running over paragraphs is left open at the end of
    a paragraph and re-opened at the start of the next one."""
    paras = doc.paragraphs
    if para_index + 1 >= len(paras):
        return False
    nxt = paras[para_index + 1]
    return doc.text[nxt.start] == mark.char


@register
class UnclosedQuote(Rule):
    """An opening quotation mark that is never closed in its paragraph.

    Checks “…”, «…», „…“ and straight "…" quotes paragraph by paragraph and
    reports each opening mark left open, spanning the mark and the word after
    it ("“deep").  A quote left open at the end of a paragraph is accepted
    when the next paragraph starts with the same opening mark (the usual way
    to continue a quotation across paragraphs), and likewise inside a
    paragraph when a quote running over a sentence end is re-opened by the
    same mark where a new sentence or a speaker's line (an all-caps label)
    starts: that is the same convention with the paragraphs joined on one
    line.  A closing quote typed as “ after a word ("important “ and") closes.  Apostrophes and single
    quotes are not checked (too ambiguous).
    """

    code = "QUO001"
    name = "unclosed-quote"
    family = "quote"
    severity = Severity.WARNING
    summary = "Opening quotation mark never closed within its paragraph."
    flag_examples = (
        "Putin will meet with Kerry “deep in the second half of the day on Thursday",
        "The group “Jabhat al-Nusra (banned in Russia) attacked “Islamic State” positions.",
        'He called it "a disaster and left.',
    )
    pass_examples = (
        "“We will go,” he said.",
        "He called it «a disaster».",
        'He said "no" twice.',
        "“The first paragraph of a long quote.\n“And its second paragraph,” she said.",
        "He said: “The first paragraph of a long quote. “And its second paragraph,” he added.",
    )

    def check(self, doc, ctx) -> Iterable[Finding]:
        text = doc.text
        for pi, p in enumerate(doc.paragraphs):
            unclosed, _, _, _ = scan(doc, pi)
            for mark in unclosed:
                if _continues(doc, pi, mark):
                    continue
                end = _span_with_word(text, mark.pos, p.end)
                yield self.finding(
                    doc, mark.pos, end,
                    f"opening quotation mark {mark.char} is never closed in this paragraph",
                    confidence=0.9,
                )


@register
class UnopenedQuote(Rule):
    """A closing quotation mark with no opening mark before it in the paragraph.

    Reports ” or » that closes nothing.  Straight quotes are counted as
    closing only when their position says so (after a word, before space or
    punctuation).
    """

    code = "QUO002"
    name = "unopened-quote"
    family = "quote"
    severity = Severity.WARNING
    summary = "Closing quotation mark with no opening mark in its paragraph."
    flag_examples = ("The minister said the talks were useful” and left.",)
    pass_examples = ("The minister said the talks were “useful” and left.",)

    def check(self, doc, ctx) -> Iterable[Finding]:
        text = doc.text
        for pi, p in enumerate(doc.paragraphs):
            _, stray, _, _ = scan(doc, pi)
            for mark in stray:
                if pi > 0 and mark.char in "”»" and _continued_from_previous(doc, pi, mark):
                    continue
                yield self.finding(
                    doc, mark.pos, mark.pos + 1,
                    f"closing quotation mark {mark.char} has no opening mark in this paragraph",
                    confidence=0.75,
                )


def _continued_from_previous(doc, pi: int, mark: Mark) -> bool:
    unclosed, _, _, _ = scan(doc, pi - 1)
    opener = "“" if mark.char == "”" else "«"
    return any(m.char == opener for m in unclosed)


@register
class UnbalancedBracket(Rule):
    """A bracket ( or [ that is not closed in its paragraph, or a closing one
    with no opener.

    MT drops or moves brackets around parenthetical disclaimers ("(banned in
    Russia"), leaving them unbalanced.  Paragraph-initial list markers ("1)",
    "a)") and emoticons are not counted.
    """

    code = "QUO003"
    name = "unbalanced-bracket"
    family = "quote"
    severity = Severity.WARNING
    summary = "Bracket ( [ not closed, or ) ] not opened, within its paragraph."
    flag_examples = ("The group (banned in Russia attacked the town.", "The group banned in Russia) attacked.")
    pass_examples = ("The group (banned in Russia) attacked.", "1) First point of the plan.")

    def check(self, doc, ctx) -> Iterable[Finding]:
        text = doc.text
        for pi, p in enumerate(doc.paragraphs):
            _, _, unclosed, stray = scan(doc, pi)
            for mark in unclosed:
                yield self.finding(
                    doc, mark.pos, _span_with_word(text, mark.pos, p.end),
                    f"bracket {mark.char} is never closed in this paragraph", confidence=0.85,
                )
            for mark in stray:
                yield self.finding(
                    doc, mark.pos, mark.pos + 1,
                    f"closing bracket {mark.char} has no opening bracket in this paragraph", confidence=0.8,
                )
