"""Source-aware checks (family ``source``): the translation read beside its original.

These rules run only on a document that carries its original (``mtqa check --source``, a
JSONL ``source`` field, ``/v1/check``'s ``source``); without one they find nothing.  They read
the sentence alignment of :mod:`mtqa.source.view` (computed once per document) except the
untranslated-text check, which reads the original whole.  A rule's examples are written
``"original ||| translation"``.  Names read from the original are evidence of the names
decision (NAM004), not a rule of their own.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register

#: an example of a source-aware rule: the original, this separator, the translation
EXAMPLE_SEPARATOR = " ||| "
_CYRILLIC_RUN = re.compile(r"[А-Яа-яЁёЇїІіЄєҐґ][А-Яа-яЁёЇїІіЄєҐґʼ'’\-]*(?:[ \u00a0]+[А-Яа-яЁёЇїІіЄєҐґ][А-Яа-яЁёЇїІіЄєҐґʼ'’\-]*)*")


def example_document(text: str):
    """A rule example as a Document: ``"original ||| translation"`` gets its original attached."""
    from mtqa.document import Document

    if EXAMPLE_SEPARATOR not in text:
        return Document(source="example", text=text)
    src, tgt = text.split(EXAMPLE_SEPARATOR, 1)
    from mtqa.source import Original

    doc = Document(source="example", text=tgt)
    doc.original = Original(src, name="example")
    return doc


def _view(doc):
    if getattr(doc, "original", None) is None:
        return None
    from mtqa.source.view import view

    return view(doc)


def _span_of(v, tgt: tuple) -> "tuple[int, int] | None":
    if not tgt:
        return None
    return v.tgt[tgt[0]].start, v.tgt[tgt[-1]].end


def _src_span(v, src: tuple) -> "tuple[int, int] | None":
    if not src:
        return None
    return v.src[src[0]].start, v.src[src[-1]].end


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@register
class SourceNumber(Rule):
    """A number of the original that the translation changed or left out.

    Each aligned pair of sentences is read on both sides (:mod:`mtqa.source.numbers`): digits
    with Russian and English separators ("1,5 млн" is 1.5 million, never 1,500), numbers in
    words and their case forms, magnitudes (тыс./млн/млрд ↔ thousand/million/billion, "bn"),
    percentages, dates ("14-15 июля" ↔ "July 14-15", a day and month swapped is a change),
    times and ordinals.  A source quantity with no counterpart is reported at the translation's
    quantity it most likely became (``changed``), else at the sentence (``missing``; only for
    numbers a translation must carry: digits, dates, times, percentages, words from two up).
    Vague plurals ("тысячи людей" ↔ "thousands of people"), "один из" ↔ "one of" and a number
    the translation repeats elsewhere are never flagged.
    """

    code = "SRC001"
    name = "source-number"
    family = "source"
    severity = Severity.WARNING
    summary = "A number, amount, date or time of the original is changed or missing in the translation."
    flag_examples = (
        "Встреча состоится 14 июля в Москве. ||| The meeting will take place on July 15 in Moscow.",
        "Ущерб оценивается в 1,5 млрд рублей. ||| The damage is estimated at 1.5 million rubles.",
        "В акции приняли участие 250 человек. ||| People took part in the protest.",
    )
    pass_examples = (
        "Встреча состоится 14 июля в Москве. ||| The meeting will take place on July 14 in Moscow.",
        "Ущерб оценивается в 1,5 млрд рублей. ||| The damage is estimated at 1.5 billion rubles.",
        "На митинг пришли тысячи людей. ||| Thousands of people came to the rally.",
        "The meeting will take place on July 15 in Moscow.",
    )

    def check(self, doc, ctx) -> Iterable[Finding]:
        v = _view(doc)
        if v is None:
            return
        from mtqa.source.numbers import compare

        src_text = v.original.text
        for bead in v.beads:
            ss, ts = _src_span(v, bead.src), _span_of(v, bead.tgt)
            if ss is None or ts is None:
                continue
            for issue in compare(src_text[ss[0]:ss[1]], doc.text[ts[0]:ts[1]]):
                q = issue.source
                data = {"kind": issue.kind, "source": q.text, "source_kind": q.kind,
                        "source_span": [ss[0] + q.start, ss[0] + q.end]}
                if issue.target is not None:
                    t = issue.target
                    yield self.finding(doc, ts[0] + t.start, ts[0] + t.end, issue.message, data=data,
                                       confidence=0.9)
                else:
                    yield self.finding(doc, ts[0], ts[1], issue.message, data=data, confidence=0.8)


@register
class SourceOmission(Rule):
    """A sentence of the original with no translation, or translated far too short.

    The sentence alignment (:mod:`mtqa.source.align`: a monotonic dynamic programme on length,
    numbers and names, robust to splits and merges) leaves a source sentence with no target
    counterpart when the translation dropped it; it is reported at the translated sentence
    before the gap (after it, at the document's start) when it carries content (not a byline,
    a photo credit, a "read also" line).  A pair whose translation is far shorter than its
    source (a length ratio below what human translators ever produce, calibrated on the WMT21
    references) is reported at the translation.
    """

    code = "SRC002"
    name = "source-omission"
    family = "source"
    severity = Severity.WARNING
    summary = "A sentence of the original is missing from the translation, or translated far too short."
    flag_examples = (
        "Пожар начался утром на складе в Подольске. Огонь охватил площадь в две тысячи квадратных метров, "
        "пострадавших нет, сообщили в МЧС. Причины возгорания устанавливаются. ||| "
        "The fire broke out in the morning at a warehouse in Podolsk. The causes of the fire are being established.",
    )
    pass_examples = (
        "Пожар начался утром на складе в Подольске. Огонь охватил площадь в две тысячи квадратных метров, "
        "пострадавших нет, сообщили в МЧС. Причины возгорания устанавливаются. ||| "
        "The fire broke out in the morning at a warehouse in Podolsk. The blaze covered an area of two thousand "
        "square metres, and there were no casualties, the Emergencies Ministry said. The causes of the fire are "
        "being established.",
        "The fire broke out in the morning at a warehouse in Podolsk.",
    )

    def check(self, doc, ctx) -> Iterable[Finding]:
        v = _view(doc)
        if v is None or not v.tgt:
            return
        from mtqa.source.omissions import omissions

        for om in omissions(v.original.text, v.src, doc.text, v.tgt, v.beads, lang=v.original.language, pair=v.pair):
            ss = _src_span(v, om.src)
            data = {"kind": om.kind, "source_span": list(ss) if ss else None}
            if om.ratio is not None:
                data["ratio"] = round(om.ratio, 3)
            if om.kind == "dropped":
                before = [t for b in v.beads if b.src and b.src[0] < om.src[0] for t in b.tgt]
                after = [t for b in v.beads if b.src and b.src[0] > om.src[-1] for t in b.tgt]
                at = (before[-1],) if before else ((after[0],) if after else ())
                span = _span_of(v, at)
                if span is None:
                    continue
                src = v.original.text[ss[0]:ss[1]] if ss else ""
                msg = f"a sentence of the original has no translation here: «{_quote(src)}»"
                data["where"] = "after" if before else "before"
                yield self.finding(doc, span[0], span[1], msg, data=data, confidence=0.8)
            else:
                span = _span_of(v, om.tgt)
                if span is None:
                    continue
                yield self.finding(doc, span[0], span[1], om.message, data=data, confidence=0.7)


@register
class SourceUntranslated(Rule):
    """Words of the original left untranslated in the translation.

    A run of Cyrillic words in the English text that also occurs in the original (case and ё/е
    aside) was copied through rather than translated.  Cyrillic text of its own (a quoted
    Russian title the original does not contain) is LNG001's to judge.
    """

    code = "SRC003"
    name = "source-untranslated"
    family = "source"
    severity = Severity.WARNING
    summary = "Words of the original are left untranslated in the translation."
    flag_examples = (
        "Глава региона посетил завод «Уралмаш» в Екатеринбурге. ||| "
        "The head of the region visited the завод Uralmash plant in Yekaterinburg.",
    )
    pass_examples = (
        "Глава региона посетил завод «Уралмаш» в Екатеринбурге. ||| "
        "The head of the region visited the Uralmash plant in Yekaterinburg.",
    )
    supersedes = ("LNG", "FLU", "CAS")

    def check(self, doc, ctx) -> Iterable[Finding]:
        orig = getattr(doc, "original", None)
        if orig is None or "\u0400" > max(doc.text, default="\u0000"):
            return
        from mtqa.source import Original

        if not isinstance(orig, Original) or not orig.supported:
            _view(doc)  # one notice for an unsupported language
            return
        folded = _fold(orig.text)
        text = doc.text
        for m in _CYRILLIC_RUN.finditer(text):
            run = m.group().rstrip("-'’ʼ ")
            if len(run) < 2 or _fold(run) not in folded:
                continue
            if _ADDRESS.match(text, max(0, m.start() - 1)) or text[max(0, m.start() - 1):m.start()] in ("/", "@", ".") \
                    or text[m.start() + len(run):m.start() + len(run) + 1] in (".", "@", "/") and \
                    _ADDRESS.match(text, m.start()):
                continue  # a Cyrillic web or mail address (стопкоронавирус.рф) is written as it is
            yield self.finding(doc, m.start(), m.start() + len(run),
                               f"'{run}' is left untranslated from the original", confidence=0.9,
                               data={"source": run})


_ADDRESS = re.compile(r"[.@/]?[\w-]+(?:\.[\w-]+)*\.(?:рф|рус|ру|укр|бел|сайт|онлайн|москва|дети|com|org|net|ru|ua)\b", re.I)


def _fold(s: str) -> str:
    return " ".join(s.casefold().replace("ё", "е").split())


@lru_cache(maxsize=1)
def disclaimer_formulas() -> tuple:
    """(name, russian regex, english regex, suggestion) from ``data/source/disclaimers_ru.tsv``."""
    from mtqa.tables import read_tsv

    out = []
    for row in read_tsv("source/disclaimers_ru.tsv"):
        out.append((row["name"], re.compile(row["russian"], re.I), re.compile(row["english"], re.I), row["suggestion"]))
    return tuple(out)


_BRACKETED = re.compile(r"\(([^()]{1,120})\)")


@register
class SourceDisclaimer(Rule):
    """A disclaimer formula of the original missing or garbled in the translation.

    Russian outlets attach formulas to the organisations and people they name: "(запрещена в
    России)", "признан иностранным агентом", "нежелательная организация".  When an original's
    sentence carries one (``mtqa/data/source/disclaimers_ru.tsv``), its aligned translation (the
    pair, or the pair beside it after a split) must say it: "banned", "outlawed" or "prohibited"
    for the ban, "foreign agent", "undesirable", "extremist".  When it does not, the finding
    spans the translation's bracket (where "(business in Russia)" stands for "(banned in
    Russia)": the suggestion replaces it) or else the sentence.
    """

    code = "SRC004"
    name = "source-disclaimer"
    family = "source"
    severity = Severity.WARNING
    summary = "A disclaimer of the original (banned in Russia, foreign agent...) is missing or garbled."
    flag_examples = (
        "Боевики группировки «Джебхат ан-Нусра» (запрещена в России) обстреляли город. ||| "
        "Militants of the Jabhat al-Nusra group (business in Russia) shelled the city.",
        "Издание, признанное иностранным агентом, опубликовало расследование. ||| "
        "The publication published an investigation.",
    )
    pass_examples = (
        "Боевики группировки «Джебхат ан-Нусра» (запрещена в России) обстреляли город. ||| "
        "Militants of the Jabhat al-Nusra group (banned in Russia) shelled the city.",
        "Издание, признанное иностранным агентом, опубликовало расследование. ||| "
        "The publication, designated a foreign agent, published an investigation.",
        "Militants of the Jabhat al-Nusra group (business in Russia) shelled the city.",
    )
    supersedes = ("PHR001", "FLU")
    fixable = False

    def check(self, doc, ctx) -> Iterable[Finding]:
        v = _view(doc)
        if v is None:
            return
        formulas = disclaimer_formulas()
        src_text = v.original.text.replace("ё", "е").replace("Ё", "Е")
        for k, bead in enumerate(v.beads):
            ss = _src_span(v, bead.src)
            if ss is None:
                continue
            sent = src_text[ss[0]:ss[1]]
            for name, ru, en, suggestion in formulas:
                if not ru.search(sent):
                    continue
                # the pair and its neighbours (a disclaimer may move across a split)
                near = [t for b in v.beads[max(0, k - 1):k + 2] for t in b.tgt]
                span = _span_of(v, tuple(sorted(near)))
                if span is None or en.search(doc.text[span[0]:span[1]]):
                    continue
                own = _span_of(v, bead.tgt) or span
                at, sugg = own, None
                for m in _BRACKETED.finditer(doc.text, own[0], own[1]):
                    if re.search(r"\b(?:Russia|RF|Russian Federation)\b", m.group(1), re.I):
                        at, sugg = (m.start(1), m.end(1)), suggestion
                        break
                msg = f"the original says '{ru.search(sent).group()}' ({suggestion}); the translation does not"
                yield self.finding(doc, at[0], at[1], msg, suggestion=sugg, confidence=0.85,
                                   data={"formula": name, "source_span": list(ss)})
