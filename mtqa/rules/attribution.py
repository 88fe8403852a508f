"""Attribution with the source dropped (family ``attribution``, ATT)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register
from mtqa.tables import read_tsv
from mtqa.trie_regex import trie_pattern


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    rows = read_tsv("attribution.tsv")
    kinds = {" ".join(r["phrase"].split()).casefold(): r["kind"] for r in rows}
    # the phrase, ending where whitespace + punctuation begins (searched only in
    # a window before each rare "space before punctuation" candidate)
    return re.compile(rf"(?<![\w-])({trie_pattern(r['phrase'] for r in rows)})[ \t]*$", re.IGNORECASE), kinds


# whitespace, then punctuation that is not an ellipsis or a decimal
_SPACE_PUNCT = re.compile(r"(?<![ \t])[ \t]+[,.;:](?![.\d])")


def _nothing_before(text: str, pos: int) -> bool:
    """True if the phrase follows a comma, a closing quote or starts a sentence:
    then nothing before it can be the verb's subject (inverted attribution)."""
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in ",”’\"\n.!?;:—–"


@register
class DroppedSource(Rule):
    """A reporting verb or phrase whose source was dropped in translation.

    Russian news credits its source at the end ("..., сообщает РИА
    Новости."); when machine translation drops the agency's name, the
    English is left with the verb directly before punctuation: "That meeting
    will take place, reported the press secretary Dmitry Peskov, reports ."
    or "according to , the ministry".  The rule needs the phrase
    (``mtqa/data/attribution.tsv``), whitespace, then , . ; or : (an
    ellipsis or a decimal number does not count).  Verbs that carry their
    source after them (", reports Interfax.") are flagged only when nothing
    before them can be their subject: after a comma, a closing quote or at
    the start of a sentence; "Ted Mitchell said ." is a spacing slip (TYP001),
    not a lost source.  There is no automatic
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
        "The president of the council Ted Mitchell said . House Speaker Paul Ryan agreed.",
        "According to Reuters, the talks failed.",
        "He said ... nothing.",
    )
    supersedes = ("TYP001", "FLU")  # the dropped source explains what the fluency rules would flag there

    def check(self, doc, ctx) -> Iterable[Finding]:
        pattern, kinds = _pattern()
        text = doc.text
        for c in _SPACE_PUNCT.finditer(text):
            window_start = max(0, c.start() - 40)
            m = pattern.search(text, window_start, c.start())
            if m is None:
                continue
            kind = kinds.get(" ".join(m.group(1).split()).casefold(), "inverted")
            if kind == "inverted" and not _nothing_before(text, m.start()):
                continue
            verb = m.group(1)
            yield self.finding(
                doc, m.start(), c.end(),
                f"'{verb}' is followed by '{text[c.end() - 1]}': the source of the attribution is missing",
                confidence=0.95,
            )
