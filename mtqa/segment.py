"""Segmenter: paragraphs, sentences and word tokens as code point spans.

Paragraphs: every non-blank line is a paragraph (wire copy and most MT output
put one paragraph per line).  A document whose lines are hard-wrapped (most
lines followed by a non-blank line end without closing punctuation) uses
blocks separated by blank lines instead.

Sentences: a boundary is sentence-final punctuation (. ! ? …), optionally
followed by closing quotes or brackets, then whitespace, then something that
can start a sentence (an upper-case letter, a digit, an opening quote or
bracket).  A period does not end a sentence after a title or month
abbreviation (Mr., Gen., Jan., St.), a single initial (J. K. Rowling) or a
dotted abbreviation (U.S., a.m.) unless the next word is a typical sentence
opener ("The", "He"...).  Datelines ("MOSCOW, July 13 (Reuters) -") and
headlines without final punctuation need no special case: a paragraph always
ends a sentence.

Why not pysbd or NLTK's punkt: pysbd segments the seed and the shared news
correctly in our comparison but runs at well under 1 MB/s, far from the
2 MB/s rules budget; punkt's English model is a download from NLTK's data
server, which mtqa cannot rely on (no network at run time).  See
``benchmarks/bench_segmenter.py`` for the comparison.
"""

from __future__ import annotations

import re

from mtqa.document import Document, Span, SpanArray

TOKEN_RE = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]", re.UNICODE)
WORD_RE = re.compile(r"\w+(?:[-'’.]\w+)*", re.UNICODE)


def tokenize(text: str) -> SpanArray:
    """Word and punctuation tokens of ``text`` (compact: a long document has one per word)."""
    return SpanArray.of(m.span() for m in TOKEN_RE.finditer(text))

# candidate boundary: terminal punctuation, optional closers, whitespace, then a starter
# (the lookbehinds make each run of punctuation/closers/space start only once, so
# a long run like "......" cannot make the search quadratic)
_BOUNDARY_RE = re.compile(r"(?<![.!?…])([.!?…]+)([\"'”’»)\]]*)(?<!\s)(\s+)(?=[\"'“‘«(\[]?[\w])")

# abbreviations after which a period normally does not end a sentence
NON_FINAL_ABBREVIATIONS = frozenset(
    """mr mrs ms messrs dr prof gen col lt maj capt cmdr adm sgt cpl pvt sen rep gov
    lt.gen gen.lt pres supt det insp rev fr sr jr st mt ft no nos vol vols fig figs
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    approx est dept univ assn bros gov't ave blvd rd hon rt vs v cf e.g i.e al""".split()
)
# abbreviations that may also end a sentence
MAYBE_FINAL_ABBREVIATIONS = frozenset(
    "u.s u.k u.n u.s.a e.u inc corp co ltd llc plc a.m p.m etc d.c n.y l.a".split()
)
SENTENCE_OPENERS = frozenset(
    """the a an he she it they we i you his her its their our this that these those there
    but and or so yet however meanwhile in on at for as if when while after before since
    mr mrs ms dr some many most no not one two three what who why how where""".split()
)
_OPENING = "\"'“‘«([ "


def _is_boundary(text: str, punct_start: int, punct: str, next_start: int) -> bool:
    if punct != ".":
        return True
    # word before the period
    i = punct_start
    j = i
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in _OPENING:
        j -= 1
    word = text[j:i]
    if not word:
        return True
    low = word.lower().rstrip(".")
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # initial: "J. K. Rowling"
    nxt = text[next_start:]
    m = re.match(r"[\"'“‘«(\[]?(\w+)", nxt)
    next_word = m.group(1) if m else ""
    if low in NON_FINAL_ABBREVIATIONS:
        return False
    if low in MAYBE_FINAL_ABBREVIATIONS or ("." in low and len(low) <= 6 and low.replace(".", "").isalpha()):
        return next_word.lower() in SENTENCE_OPENERS
    if next_word[:1].islower():
        return False
    return True


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside ``text[start:end]`` (one paragraph)."""
    spans: list[Span] = []
    sent_start = start
    for m in _BOUNDARY_RE.finditer(text, start, end):
        punct_start = m.start(1)
        next_start = m.end(3)
        if not _is_boundary(text, punct_start, m.group(1)[-1], next_start):
            continue
        sent_end = m.start(3)
        if sent_end > sent_start:
            spans.append(Span(sent_start, sent_end))
        sent_start = next_start
    if sent_start < end:
        spans.append(Span(sent_start, end))
    return [_trim(text, s) for s in spans if text[s.start:s.end].strip()]


def _trim(text: str, span: Span) -> Span:
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Span(s, e)


_LINE_RE = re.compile(r"[^\n]+")


def split_paragraphs(text: str) -> list[Span]:
    lines = [_trim(text, Span(m.start(), m.end())) for m in _LINE_RE.finditer(text)]
    lines = [ln for ln in lines if ln.end > ln.start]
    if len(lines) < 4 or not _hard_wrapped(text, lines):
        return lines
    paras: list[Span] = []
    cur: Span | None = None
    for ln in lines:
        if cur is not None and text[cur.end:ln.start].count("\n") == 1:
            cur = Span(cur.start, ln.end)
        else:
            if cur is not None:
                paras.append(cur)
            cur = ln
    if cur is not None:
        paras.append(cur)
    return paras


def _hard_wrapped(text: str, lines: list[Span]) -> bool:
    joined = 0
    unfinished = 0
    for a, b in zip(lines, lines[1:]):
        gap = text[a.end:b.start]
        if gap.count("\n") == 1:
            joined += 1
            if text[a.end - 1] not in ".!?:\"”’»)":
                unfinished += 1
    return joined >= 3 and unfinished >= 0.6 * joined


def segment(doc: Document) -> Document:
    """Fill paragraph, sentence and token spans of ``doc`` (in place)."""
    text = doc.text
    doc.paragraphs = split_paragraphs(text)
    doc.sentences = [s for p in doc.paragraphs for s in split_sentences(text, p.start, p.end)]
    doc.segmented = True
    return doc
