"""Sentences of the source text, as code-point spans (the offset convention of
:mod:`mtqa.document`: ``text[start:end]`` is the sentence, trimmed of whitespace).

A sentence never crosses a newline: a text written one sentence per line keeps its lines, and
a line holding a paragraph is split into its sentences.  Russian, Ukrainian and any other
Cyrillic text goes through ``razdel.sentenize`` (rule-based, no model: Russian abbreviations,
initials, «ёлочки» and dialogue dashes; a semicolon, where razdel may cut, does not end a
sentence); other languages through the English segmenter's
:func:`mtqa.segment.split_paragraphs` / :func:`mtqa.segment.split_sentences`, cut at newlines
(``split_paragraphs`` joins hard-wrapped lines into one paragraph).
"""

from __future__ import annotations

import re

from mtqa.document import Span

#: languages written in Cyrillic (ISO 639-1) that razdel segments well enough
CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn", "tt", "ba"})

_LINE_RE = re.compile(r"[^\n]+")
_CYR_RE = re.compile(r"[\u0400-\u04ff]")
_LETTER_RE = re.compile(r"[^\W\d_]")


def _is_cyrillic(text: str) -> bool:
    sample = text[:5000]
    letters = len(_LETTER_RE.findall(sample))
    return bool(letters) and len(_CYR_RE.findall(sample)) / letters > 0.5


def _trim(text: str, start: int, end: int) -> "Span | None":
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def sentences(text: str, lang: str) -> list[Span]:
    """The sentences of ``text`` (in language ``lang``), in order, trimmed, none crossing a newline."""
    lang = (lang or "").lower().split("-")[0].split("_")[0]
    if lang in CYRILLIC_LANGS or (lang not in ("en",) and _is_cyrillic(text)):
        return _razdel(text)
    return _fallback(text)


def _razdel(text: str) -> list[Span]:
    from razdel import sentenize

    out: list[Span] = []
    for m in _LINE_RE.finditer(text):
        line = _trim(text, m.start(), m.end())
        if line is None:
            continue
        base = line.start
        first = len(out)
        for s in sentenize(text[line.start:line.end]):
            sp = _trim(text, base + s.start, base + s.stop)
            if sp is None:
                continue
            if len(out) > first and text[out[-1].end - 1] == ";":
                # razdel ends a sentence at a semicolon before a digit or a capital (a list of
                # dates, of addresses): one sentence in Russian, and in its translation
                out[-1] = Span(out[-1].start, sp.end)
            else:
                out.append(sp)
    return out


def _fallback(text: str) -> list[Span]:
    from mtqa.segment import split_paragraphs, split_sentences

    out: list[Span] = []
    for p in split_paragraphs(text):
        for s in split_sentences(text, p.start, p.end):
            # a hard-wrapped paragraph's sentence may run over a line end: cut it there
            start = s.start
            while True:
                nl = text.find("\n", start, s.end)
                stop = s.end if nl == -1 else nl
                sp = _trim(text, start, stop)
                if sp is not None:
                    out.append(sp)
                if nl == -1:
                    break
                start = nl + 1
    return out
