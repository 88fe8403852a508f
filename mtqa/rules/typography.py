"""Spacing and typography artifacts (family ``typography``, TYP)."""

from __future__ import annotations

import re
from typing import Iterable

from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register

MONTHS = ("January February March April May June July August September October November December").split()


@register
class SpaceBeforePunctuation(Rule):
    """Whitespace before , . : ; ! or ?.

    A typical artifact of MT and of French/Russian typing habits.  A domain
    or file suffix (" .travel", " .com"), an
    ellipsis (" ...", the spaced " . . . " of AP style), a leading decimal (" .5"), a Reuters instrument code (" .SPX") and a colon after a social-media handle
    ("@handle :", the way wire copy cites posts) are not flagged.  The fix
    removes the space.
    """

    code = "TYP001"
    name = "space-before-punctuation"
    family = "typography"
    severity = Severity.WARNING
    summary = "Space before , . : ; ! or ? (\"said , that\")."
    flag_examples = ("The minister said , that the talks were over.", "Is it over ?")
    pass_examples = ("The minister said that the talks were over.", "He paused ... then spoke.", "It rose .5 percent.",
                     "“And that is not hyperbole . . . That bill was written by cops,” he said.",
                     "The .travel domain was approved in 2005.")
    fixable = True
    _re = re.compile(r"(?<=\S)[ \t\u00a0]+([,.;:!?])(?![.\d]|(?<=\.)[A-Za-z])")
    _handle = re.compile(r"[@#]\w+$")
    _spaced_ellipsis = re.compile(r"\.(?:[ \u00a0]\.){2,}")

    def check(self, doc, ctx) -> Iterable[Finding]:
        text = doc.text
        ellipses = [m.span() for m in self._spaced_ellipsis.finditer(text)] if ". ." in text else []
        for m in self._re.finditer(text):
            if self._handle.search(text, max(0, m.start() - 40), m.start()):
                continue  # "@realDonaldTrump :" — a social-media citation, not an artifact
            if ellipses and any(s <= m.start(1) < e for s, e in ellipses):
                continue  # ". . ." — the spaced ellipsis of AP and Chicago style
            yield self.finding(doc, m.start(), m.end(), f"space before '{m.group(1)}'",
                               suggestion=m.group(1), confidence=0.9)


@register
class DoubledSpace(Rule):
    """Two or more spaces between words inside a sentence.

    Often left where MT dropped a word.  Two spaces after sentence-final
    punctuation (a typewriter habit) and indentation are not flagged.
    """

    code = "TYP002"
    name = "doubled-space"
    family = "typography"
    severity = Severity.INFO
    summary = "Two or more spaces between words inside a sentence."
    flag_examples = ("The talks  will resume on Monday.",)
    pass_examples = ("The talks will resume.  On Monday they meet.",)
    fixable = True
    _re = re.compile(r"(?<=[^\s.!?:;”\"])[ \t]{2,}(?=\S)")

    def check(self, doc, ctx) -> Iterable[Finding]:
        for m in self._re.finditer(doc.text):
            yield self.finding(doc, m.start(), m.end(), "several spaces between words",
                               suggestion=" ", confidence=0.8)


@register
class NumericDate(Rule):
    """A date written day.month.year ("20.01.2016"), as in Russian or German.

    English news copy spells out the month.  Only valid day/month values are
    matched; the suggestion writes "January 20, 2016" (change it to your
    house style in the editor).
    """

    code = "TYP003"
    name = "numeric-date"
    family = "typography"
    severity = Severity.WARNING
    summary = "Day.month.year date (\"20.01.2016\") in English copy."
    flag_examples = ("The decree was signed on 20.01.2016 in Moscow.",)
    pass_examples = ("The decree was signed on January 20, 2016.", "Version 1.2.3 was released.")
    fixable = True
    _re = re.compile(r"(?<![\w.])(0?[1-9]|[12]\d|3[01])\.(0?[1-9]|1[0-2])\.((?:19|20)\d\d)(?![\w.]|\.\d)")

    def check(self, doc, ctx) -> Iterable[Finding]:
        for m in self._re.finditer(doc.text):
            d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
            yield self.finding(doc, m.start(), m.end(), "day.month.year date; spell the month out",
                               suggestion=f"{MONTHS[mo - 1]} {d}, {y}", confidence=0.85)


@register
class DecimalComma(Rule):
    """A decimal comma before a unit ("1,5 million", "2,7 percent").

    English uses a decimal point.  A comma followed by exactly three digits is
    a thousands separator and is not flagged; the rule needs a unit or
    magnitude word after the number to be sure it is a decimal.
    """

    code = "TYP004"
    name = "decimal-comma"
    family = "typography"
    severity = Severity.WARNING
    summary = "Decimal comma before a unit (\"1,5 million\" → \"1.5 million\")."
    flag_examples = ("Exports fell by 2,5 percent last year.", "The deal is worth 1,5 billion dollars.")
    pass_examples = ("The deal is worth 1,500 dollars.", "Exports fell by 2.5 percent.")
    fixable = True
    _re = re.compile(
        r"(?<![\w.,])(\d{1,3}),(\d{1,2})(?![\d,])(?=\s?(?:million|billion|trillion|thousand|percent|per cent|%|"
        r"times|mln|bln|km|kilometers|kilometres|meters|metres|tons|tonnes|degrees|points|rubles|roubles|"
        r"dollars|euros|hryvnias|hours|years|kilograms|kg|liters|litres|barrels)\b|\s?%)"
    )

    def check(self, doc, ctx) -> Iterable[Finding]:
        for m in self._re.finditer(doc.text):
            yield self.finding(doc, m.start(), m.end(), "decimal comma; English uses a decimal point",
                               suggestion=f"{m.group(1)}.{m.group(2)}", confidence=0.85)
