"""Shared settings and bookkeeping for the hypothesis fuzz suites (tests/test_fuzz*.py).

* ``budget(n)``: derandomized settings with ``n × MTQA_FUZZ_SCALE`` examples,
  no deadline (CI machines are slow and shared), every health check off.
* ``spliced_news()``: real news sentences (the rules' documented examples, the
  seed story, the wire fixture story) with real machine-translation artifacts
  spliced in, and arbitrary Unicode (``NOISE``) around and inside them.
* ``tick(target)``: counts one generated input for ``target``; the totals are
  printed at the end of the pytest run (``conftest.pytest_terminal_summary``)
  and, when ``MTQA_FUZZ_RECORD=FILE`` is set, written to FILE as JSON.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from mtqa.rules import all_rules

SCALE = float(os.environ.get("MTQA_FUZZ_SCALE", "1"))
COUNTS: Counter = Counter()


def budget(n: int, **kw):
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), **kw)


def tick(target: str) -> None:
    COUNTS[target] += 1


ROOT = Path(__file__).resolve().parents[1]


def _sentences() -> list[str]:
    out: list[str] = []
    for cls in all_rules():
        for ex in (*cls.flag_examples, *cls.pass_examples):
            out.append(ex.split(" ||| ")[-1])  # a source-aware example: its translation
    for path in (ROOT / "seeds" / "000_5614c2f1ef2c2b4d.txt", ROOT / "tests" / "fixtures" / "wire" / "story.txt"):
        for para in path.read_text(encoding="utf-8").split("\n\n"):
            out.extend(s for s in re.split(r"(?<=[.!?”])\s+", para.strip()) if s)
    return sorted(set(out))


SENTENCES = _sentences()

# real artifacts, most of them fixable at the default threshold
ARTIFACTS = [
    "dzhebhat an-Nusra", "Dzhebhat EN-Nusra", "“dzhebhat an-Nusra", "terrorist group Dzhebhat EN-Nusra",
    "the press secretary of the White House Josh Ernest", "Josh Ernest", "Josh Ernest said",
    "Mateusz Moravetsky", "Moravetsky", "Ferstappen", "Max Ferstappen", "Hayat Tahrir ash-Sham",
    "Vladimir Zelensky", "Dzhamshed Khudoyberdiyev",
    "us Secretary of state", "us Secretary of state Kerry", "White house", "the White house", "state Department",
    "Islamic state", "foreign Minister", "foreign Minister Lavrov", "press Secretary", "us diplomacy",
    "us officials", "eu sanctions", "Secretary of state",
    "(business in Russia)", "(activity banned in Russia)", "(banned in the Russian Federation)",
    "(recognized as a foreign agent)", "(recognized as extremist and banned in the RF)", "(banned in Russia)",
    "in the second half of the day", "deep in the second half of the day", "in the nearest future",
    "on the fact of", "In the first half of the day",
    "Kiev", "Kharkov", "Odessa", "Gostomel", "chicken Kiev", "Odessa, Texas",
    "the the", "The the", "the the the the the the the the the", "that that", "said , that", " ,", " .",
    "Is it over ?", "  ", "talks  will", "20.01.2016", "1,5 million", "2,7 percent", "1,500 dollars",
    "Mоscow", "Кремль", "Mосква", "Рutin", "reports .", "according to ,",
]

# characters that break naive offset arithmetic or matching
NOISE = [
    "\u0301", "\u0308", "e\u0301", "A\u030a", "\u200f", "\u202e", "\u202b", "\u2067", "\u200b", "\u200d", "\ufeff",
    "\u00a0", "\u2028", "\x00", "\r\n", "\n", "\n\n", "\t", "“", "”", "«", "»", "„", '"', "'", "’", "(", ")",
    "[", "]", "-", ".", ",", " ", "  ", "İ", "ß", "ﬁ", "Σ", "ǅ", "ŉ", "Џ", "Ж", "جبهة", "النصرة", "中国",
    "🇷🇺", "👍🏽", "\ud800", "\udfff", "\U0001d400", "Ⅻ", "²", "١٢٣",
]
noise = st.lists(st.one_of(st.sampled_from(NOISE), st.characters()), max_size=3).map("".join)


@st.composite
def artifact(draw, artifacts) -> str:
    """A real artifact; sometimes two or three in a row, sometimes mutated (a character's case
    flipped, or noise inserted inside it)."""
    pick = artifacts if isinstance(artifacts, st.SearchStrategy) else st.sampled_from(artifacts)
    art = draw(pick)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        art += draw(st.sampled_from([" ", "", "\n", ", "])) + draw(pick)
    mutation = draw(st.sampled_from(["none", "none", "none", "case", "insert"]))
    if mutation != "none" and art:
        i = draw(st.integers(0, len(art) - 1))
        if mutation == "case":
            art = art[:i] + art[i].swapcase() + art[i + 1:]
        else:
            art = art[:i] + draw(noise) + art[i:]
    return art


@st.composite
def spliced_news(draw, artifacts=None) -> str:
    """1-4 real sentences, each with 0-3 artifacts spliced in (mostly at word boundaries), joined by
    the separators real copy uses, with arbitrary Unicode around the artifacts."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        s = draw(st.sampled_from(SENTENCES))
        for _ in range(draw(st.integers(0, 3))):
            art = draw(artifact(ARTIFACTS if artifacts is None else artifacts))
            bounds = [0] + [m.end() for m in re.finditer(r" ", s)]
            if draw(st.integers(0, 4)):
                pos = draw(st.sampled_from(bounds))
                left, right = draw(st.one_of(st.just(""), noise)), draw(st.one_of(st.just(" "), noise))
            else:
                pos = draw(st.integers(0, len(s)))
                left, right = draw(noise), draw(noise)
            s = s[:pos] + left + art + right + s[pos:]
        parts.append(s)
    seps = st.sampled_from([" ", "\n\n", "\r\n\r\n", "\n", "  ", " \u00a0", "\n\n\n"])
    out = parts[0]
    for p in parts[1:]:
        out += draw(seps) + p
    return draw(st.one_of(st.just(""), noise)) + out + draw(st.one_of(st.just(""), st.just("\n"), noise))
