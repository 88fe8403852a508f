"""Attribution with the source dropped (family ``attribution``, ATT)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register
from mtqa.tables import read_tsv


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    phrases = sorted((r["phrase"] for r in read_tsv("attribution.tsv")), key=len, reverse=True)
    body = "|".join(r"[ \t]+".join(re.escape(w) for w in p.split()) for p in phrases)
    # phrase, whitespace, then punctuation that is not an ellipsis or a decimal
    return re.compile(rf"(?<![\w-])(?:{body})[ \t]+[,.;:](?![.\d])", re.IGNORECASE)


@register
class DroppedSource(Rule):
    """A reporting verb or phrase whose source was dropped in translation.

    Russian news credits its source at the end ("..., сообщает РИА
    Новости."); when machine translation drops the agency's name, the
    English is left with the verb directly before punctuation: "That meeting
    will take place, reported the press secretary Dmitry Peskov, reports ."
    or "according to , the ministry".  The rule needs the phrase
    (``mtqa/data/attribution.tsv``), whitespace, then , . ; or : (an
    ellipsis or a decimal number does not count).  There is no automatic
    fix: only the editor knows the source.
    """

    code = "ATT001"
    name = "dropped-source"
    family = "attribution"
    severity = Severity.ERROR
    summary = "Reporting verb followed by punctuation: the source name was dropped (\"reports .\")."
    flag_examples = (
        "That meeting will take place, reported the press secretary Dmitry Peskov, reports .",
        "According to , the talks failed.",
        "The minister told .",
    )
    pass_examples = (
        "The meeting will take place, Interfax reports.",
        "According to Reuters, the talks failed.",
        "He said ... nothing.",
    )
    supersedes = ("TYP001",)

    def check(self, doc, ctx) -> Iterable[Finding]:
        for m in _pattern().finditer(doc.text):
            verb = doc.text[m.start():m.end() - 1].rstrip()
            yield self.finding(
                doc, m.start(), m.end(),
                f"'{verb}' is followed by '{m.group(0)[-1]}': the source of the attribution is missing",
                confidence=0.95,
            )
