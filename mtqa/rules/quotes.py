"""Unbalanced quotation marks and brackets within a paragraph (family ``quote``, QUO)."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterable, NamedTuple

from mtqa.document import Document, Span
from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register
from mtqa.segment import segment

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


# A quotation may run over at most this many lines of a sentence-per-line text
# before its opening mark is reported (news quotes rarely run past five sentences).
MAX_BLOCK_LINES = 12
# and a block, quotation re-opened line after line, at most this many lines
MAX_RUN_LINES = 60
# a line that ends without them is a headline, a dateline or a label: a block of its own
_ENDS_SENTENCE = frozenset(".!?…:;,\"'”’»)]")


def blocks(doc) -> list[Span]:
    """The spans inside which quotes and brackets are paired, computed once per document.

    A paragraph set off by a blank line is a block of its own (a quote left open at
    its end may only continue by the news convention: the next paragraph re-opens
    it).  Lines that follow each other with no blank line between them may be
    sentences of one paragraph (MT test sets and many feeds put one sentence per
    line): a line that leaves a quote or bracket open is joined with the lines
    after it until the marks balance, at most ``MAX_BLOCK_LINES`` lines; when they
    never balance, the line stands alone and its marks are reported there.  A line
    that does not end like a sentence (a headline) is never joined with the next.
    """
    cache = doc.__dict__.get("_quote_blocks")
    if cache is not None:
        return cache
    text, paras = doc.text, doc.paragraphs
    out: list[Span] = []
    scans: dict[tuple[int, int], Scan] = {}

    def scanned(start: int, end: int) -> Scan:
        key = (start, end)
        if key not in scans:
            scans[key] = scan_paragraph(text, start, end)
        return scans[key]

    starts = [p.start for p in paras]
    i = 0
    while i < len(paras):
        start = paras[i].start
        chosen = i
        j = i
        while True:
            q, _, b, _ = scanned(start, paras[j].end)
            if not q and not b:
                chosen = j
                break
            nxt = j + 1
            # the window counts from the line where the newest open mark was (re-)opened:
            # a quote re-opened at the start of a line is the news convention for a
            # quotation running over paragraphs, whose boundaries the layout lost
            newest = bisect_right(starts, max(m.pos for m in (*q, *b))) - 1
            if (nxt >= len(paras) or nxt - newest >= MAX_BLOCK_LINES or nxt - i >= MAX_RUN_LINES
                    or text.count("\n", paras[j].end, paras[nxt].start) != 1
                    or text[paras[j].end - 1] not in _ENDS_SENTENCE):
                break
            j = nxt
        out.append(Span(start, paras[chosen].end))
        i = chosen + 1
    doc.__dict__["_quote_blocks"] = out
    doc.__dict__["_quote_scan"] = [scanned(b.start, b.end) for b in out]
    return out


def _view(doc) -> "tuple[object, int]":
    """The text in which ``doc``'s marks are paired, and where ``doc`` starts in it.

    A segment read one per line (``Document.neighbours``) is paired inside the
    segments around it, joined one per line: a quotation running over sentences
    opens on one line and closes on another.  Any other document is its own view.
    """
    nb = doc.neighbours
    if not nb or not (nb[0] or nb[1]) or not _MARKS.search(doc.text):
        return doc, 0
    cached = doc.__dict__.get("_quote_view")
    if cached is None:
        before, after = nb
        prefix = "".join(b + "\n" for b in before)
        text = prefix + doc.text + "".join("\n" + a for a in after)
        cached = doc.__dict__["_quote_view"] = (segment(Document(source=doc.source, text=text)), len(prefix))
    return cached


def _own(doc, shift: int, mark: Mark) -> bool:
    return shift <= mark.pos < shift + len(doc.text)


def scan(doc, index: int) -> Scan:
    """scan_paragraph for block ``index`` of ``blocks(doc)``."""
    blocks(doc)
    return doc.__dict__["_quote_scan"][index]


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
            elif quote_stack and quote_stack[-1].char in '"“':
                quote_stack.pop()  # closes "…" or, typed in the other style, “…"
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
                if quote_stack[k].char == opener or (c == "”" and quote_stack[k].char == '"'):
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
    while i >= start and text[i] in " \t\r\n":
        i -= 1
    return i < start or text[i] in ".!?…:" or bool(_CAPS_WORD.search(text, max(start, i - 40), i + 1)) or (
        text[i] in "”’\")" and i > start and text[i - 1] in ".!?…")


_INLINE_ITEM = re.compile(r"(?:^|[\s:;,])(?:\d{1,2}|[a-z]|[ivx]{1,4})$")


def _is_list_marker(text: str, i: int, start: int) -> bool:
    """'1)' or 'a)' at the start of a paragraph or inside a run-in list ('if: 1) the
    carrier … and 2) the country'), ':)' emoticons."""
    before = text[start:i].strip()
    return ((len(before) <= 2 and before.rstrip(".").isalnum()) or text[i - 1 : i] in ":;"
            or bool(_INLINE_ITEM.search(text, max(start, i - 6), i)))


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
    paras = blocks(doc)
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
    line.  A closing quote typed as “ after a word ("important “ and") closes, and so
    does a closing mark typed in the other style ("a disaster” or “a disaster").
    Lines with no blank line between them may be sentences of one paragraph (MT test
    sets put one sentence per line): a quote left open at the end of such a line is
    paired with a closing mark on the lines after it (see ``blocks``).  Apostrophes
    and single quotes are not checked (too ambiguous).
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
        "He said “we will go.\nThe talks ended on Friday.",
    )
    pass_examples = (
        "“We will go,” he said.",
        "He called it «a disaster».",
        'He said "no" twice.',
        "“The first paragraph of a long quote.\n“And its second paragraph,” she said.",
        "He said: “The first paragraph of a long quote. “And its second paragraph,” he added.",
        "Trump added: “We lose much more than that to accidents.\nWe don't call up the companies,” he said.",
        "His manager said: \"We've had offers.\nSome are for comedy shows.\n\"He wants to play the West End.\"",
        'He called it "a disaster” and left.',
    )

    def check(self, doc, ctx) -> Iterable[Finding]:
        view, shift = _view(doc)
        for pi, p in enumerate(blocks(view)):
            unclosed, _, _, _ = scan(view, pi)
            for mark in unclosed:
                if not _own(doc, shift, mark) or _continues(view, pi, mark):
                    continue
                end = _span_with_word(view.text, mark.pos, min(p.end, shift + len(doc.text)))
                yield self.finding(
                    doc, mark.pos - shift, end - shift,
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
    flag_examples = ("The minister said the talks were useful” and left.",
                     "The talks ended on Friday.\n\nThe minister said the talks were useful” and left.")
    pass_examples = ("The minister said the talks were “useful” and left.",
                     "Tillerson said: “We get progress.\nWe get dialogue, we get cooperation,” he added.")

    def check(self, doc, ctx) -> Iterable[Finding]:
        view, shift = _view(doc)
        for pi, p in enumerate(blocks(view)):
            _, stray, _, _ = scan(view, pi)
            for mark in stray:
                if not _own(doc, shift, mark):
                    continue
                if pi > 0 and mark.char in "”»" and _continued_from_previous(view, pi, mark):
                    continue
                yield self.finding(
                    doc, mark.pos - shift, mark.pos - shift + 1,
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
    pass_examples = ("The group (banned in Russia) attacked.", "1) First point of the plan.",
                     "The tax applies if: 1) the carrier is foreign and 2) it has few flights.",
                     "Russia abstained.\n(It is among the 14 countries on the council.\nIt said so on Friday.)")

    def check(self, doc, ctx) -> Iterable[Finding]:
        view, shift = _view(doc)
        for pi, p in enumerate(blocks(view)):
            _, _, unclosed, stray = scan(view, pi)
            for mark in unclosed:
                if not _own(doc, shift, mark):
                    continue
                end = _span_with_word(view.text, mark.pos, min(p.end, shift + len(doc.text)))
                yield self.finding(
                    doc, mark.pos - shift, end - shift,
                    f"bracket {mark.char} is never closed in this paragraph", confidence=0.85,
                )
            for mark in stray:
                if not _own(doc, shift, mark):
                    continue
                yield self.finding(
                    doc, mark.pos - shift, mark.pos - shift + 1,
                    f"closing bracket {mark.char} has no opening bracket in this paragraph", confidence=0.8,
                )
