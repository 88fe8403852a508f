"""Formulaic phrases garbled in translation and Russian calques (family ``phrase``, PHR).

Both rules are driven by tables in ``mtqa/data/phrases/``:
``disclaimers.tsv`` (house-style canonical forms and garbled patterns of the
bracketed disclaimers Russian media attach to organisations) and
``calques.tsv`` (literal renderings of Russian idioms with their English).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register
from mtqa.tables import read_tsv
from mtqa.trie_regex import trie_pattern

_RU = r"(?:russia|the russian federation|russian federation|the rf|rf)"
_PAREN = re.compile(r"\(([^()\n]{3,160})\)")
# cheap pre-filter: a bracket that mentions none of these is no disclaimer
_HINT = re.compile(r"russia|\brf\b|agent|extremis|terroris|undesirable|banned|prohibited|forbidden|inoagent", re.I)


def _normalise(content: str) -> str:
    s = content.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = " ".join(s.split()).casefold().rstrip(".").strip()
    s = re.sub(r"(?<=[a-z])is(ation|ations|ed|e|es|ing)\b", r"iz\1", s)
    return s


@lru_cache(maxsize=1)
def _disclaimers() -> tuple[frozenset[str], list[tuple[re.Pattern[str], str, str]]]:
    canonical: set[str] = set()
    garbled: list[tuple[re.Pattern[str], str, str]] = []
    for row in read_tsv("phrases/disclaimers.tsv"):
        kind, pattern = row["kind"].strip(), row["pattern"].strip()
        if kind == "canonical":
            canonical.add(_normalise(pattern))
        elif kind == "garbled":
            garbled.append((re.compile(pattern.replace("{RU}", _RU)), row["suggestion"].strip(), row["note"].strip()))
    return frozenset(canonical), garbled


def _keep_case(found: str, suggestion: str) -> str:
    if found[:1].isupper() and suggestion[:1].islower():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


@register
class GarbledDisclaimer(Rule):
    """A Russian media disclaimer garbled in translation.

    Russian outlets attach formulas to the organisations they name:
    "ИГ (запрещена в России)", "(признан иностранным агентом)".  Machine
    translation breaks them: "деятельность … запрещена в России" loses the
    verb and comes out as "(business in Russia)"; others become "(activity
    banned in Russia)", "(banned in the Russian Federation)", "(recognized as
    extremist and banned in the RF)", "(performing the functions of a foreign
    agent)".  The rule checks the text inside round brackets against
    ``mtqa/data/phrases/disclaimers.tsv``: house-style forms ("banned in
    Russia", "designated a foreign agent", "designated extremist and banned
    in Russia"…) pass; a garbled pattern is reported on the bracketed text
    (without the brackets) with the house-style form as the suggestion.
    Only a whole bracket is judged, so a disclaimer inside a longer aside is
    left alone.
    """

    code = "PHR001"
    name = "garbled-disclaimer"
    family = "phrase"
    severity = Severity.WARNING
    summary = "Garbled Russian media disclaimer (\"(business in Russia)\" → \"(banned in Russia)\")."
    flag_examples = (
        "The terrorists of the Islamic State (business in Russia) attacked.",
        "Members of Jabhat al-Nusra (activity banned in Russia) fled.",
        "The Taliban (banned in the Russian Federation) sent a delegation.",
        "The Meduza website (recognized as a foreign agent) reported it.",
        "Supporters of the FBK (recognized as extremist and banned in the RF) protested.",
    )
    pass_examples = (
        "The Islamic State group (banned in Russia) claimed the attack.",
        "Meduza (designated a foreign agent) reported it.",
        "Exxon (which has a large business in Russia) declined to comment.",
        "He spent years (mostly in Russia) writing the book.",
    )
    needs = frozenset({"gazetteer"})
    supersedes = ("CAS", "FLU")
    fixable = True

    def check(self, doc, ctx) -> Iterable[Finding]:
        canonical, garbled = _disclaimers()
        text = doc.text
        if "(" not in text:
            return
        for m in _PAREN.finditer(text):
            content = m.group(1)
            if not _HINT.search(content):
                continue
            norm = _normalise(content)
            if norm in canonical:
                continue
            for pattern, suggestion, note in garbled:
                if pattern.fullmatch(norm):
                    s, e = m.start(1), m.end(1)
                    while s < e and text[s].isspace():
                        s += 1
                    while e > s and text[e - 1] in " \t.":
                        e -= 1
                    found = text[s:e]
                    if ctx.is_allowed(found) or found == suggestion:
                        break
                    fixed = _keep_case(found, suggestion)
                    # the message quotes what the finding covers and what it suggests, the same
                    # strings (the brackets stay outside both)
                    yield self.finding(
                        doc, s, e,
                        f"garbled disclaimer '{found}' in brackets; house style: '{fixed}'",
                        suggestion=fixed, confidence=0.9,
                        data={"note": note} if note else None,
                    )
                    break


@lru_cache(maxsize=1)
def _calques() -> tuple[re.Pattern[str], dict[str, tuple[str, float, str]], tuple[str, ...]]:
    table: dict[str, tuple[str, float, str]] = {}
    anchors: set[str] = set()
    for row in read_tsv("phrases/calques.tsv"):
        anchors.add(row.get("anchor") or row["phrase"])
        phrase = " ".join(row["phrase"].split())
        if not phrase:
            continue
        try:
            conf = float(row.get("confidence") or 0.7)
        except ValueError:
            conf = 0.7
        table.setdefault(phrase.casefold(), (row["suggestion"].strip(), conf, row.get("note", "").strip()))
    # case-sensitive (much faster than IGNORECASE): each phrase as written, lower-cased,
    # and with a capital first letter
    variants: set[str] = set()
    for phrase in list(table):
        original = [r["phrase"] for r in read_tsv("phrases/calques.tsv") if r["phrase"].casefold() == phrase]
        for v in (*original, phrase, phrase[:1].upper() + phrase[1:]):
            v = " ".join(v.split())
            variants.update({v, v[:1].upper() + v[1:], v[:1].lower() + v[1:]})
    pattern = re.compile(r"(?<![\w-])(?:" + trie_pattern(variants, fold=False) + r")(?![\w-])")
    return pattern, table, tuple(sorted(anchors))


@register
class Calque(Rule):
    """A Russian idiom translated word for word.

    "во второй половине дня" is "in the afternoon", not "in the second half of
    the day"; "глубоко во второй половине дня" is "late in the afternoon";
    "в ближайшем будущем" is "in the near future", not "in the nearest
    future"; "по факту" (a criminal case "on the fact of" a death) is "into".
    The phrases and their English come from ``mtqa/data/phrases/calques.tsv``;
    each was checked not to occur in clean native news.  Matching is
    case-insensitive on word boundaries, longest phrase first; the
    suggestion keeps an initial capital.  Confidence is per phrase (0.6–0.75):
    the suggestion is right in most, not all, sentences, so ``mtqa fix``
    applies it only with ``--min-confidence`` at or below it.
    """

    code = "PHR002"
    name = "calque"
    family = "phrase"
    severity = Severity.WARNING
    summary = "Russian idiom translated word for word (\"in the second half of the day\" → \"in the afternoon\")."
    flag_examples = (
        "Putin will meet with Kerry deep in the second half of the day on Thursday.",
        "The talks will resume in the first half of the day.",
        "The ministry promised an answer in the nearest future.",
        "A criminal case was opened on the fact of his death.",
    )
    pass_examples = (
        "Putin will meet Kerry late on Thursday afternoon.",
        "The second half of the season was a disappointment.",
        "Talks will resume in the near future.",
    )
    needs = frozenset({"gazetteer"})
    supersedes = ("CAS", "FLU")
    fixable = True

    def check(self, doc, ctx) -> Iterable[Finding]:
        pattern, table, anchors = _calques()
        text = doc.text
        if not any(a in text for a in anchors):
            return
        for m in pattern.finditer(text):
            found = m.group(0)
            key = " ".join(found.split()).casefold()
            row = table.get(key)
            if row is None or ctx.is_allowed(found):
                continue
            suggestion, conf, note = row
            yield self.finding(
                doc, m.start(), m.end(),
                f"word-for-word translation '{found}'; in English: '{_keep_case(found, suggestion)}'",
                suggestion=_keep_case(found, suggestion), confidence=conf,
                data={"note": note} if note else None,
            )
