"""Text normalisation and sentence splitting shared by training and scoring.

Choice (documented in the model card): typographic quotes are normalised to ASCII
(' and ") because the corpus mixes both conventions and MT output does too; keeping
both would split probability mass between two spellings of the same thing. The
fluency scorer must call :func:`normalize_text` on its input before scoring so it
sees the same distribution as training. Em/en dashes are kept (they carry meaning),
the ellipsis character becomes "...", NBSP/thin spaces become spaces, zero-width
characters are dropped and runs of whitespace are collapsed to one space.
"""
from __future__ import annotations

import re
import unicodedata

_TRANS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u00b4": "'", "\u0060": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2026": "...",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200a": " ",
    "\u202f": " ", "\u2007": " ", "\u3000": " ", "\t": " ",
    "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None, "\u00ad": None,
})
_WS = re.compile(r"\s+")


def normalize_text(s: str) -> str:
    """NFC, ASCII quotes, '...' for ellipsis, collapse whitespace, strip."""
    s = unicodedata.normalize("NFC", s)
    s = s.translate(_TRANS)
    return _WS.sub(" ", s).strip()


# --- sentence splitting -----------------------------------------------------
_ABBR = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt",
    "capt", "cmdr", "adm", "maj", "pres", "sr", "jr", "st", "rev", "hon", "atty",
    "supt", "insp", "fr", "messrs", "mt", "ft", "no", "nos", "vs", "v", "etc", "al",
    "inc", "corp", "co", "ltd", "bros", "dept", "univ", "assn", "est", "approx",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind",
    "kan", "kans", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont",
    "neb", "nev", "okla", "ore", "pa", "penn", "tenn", "tex", "va", "vt", "wash",
    "wis", "wyo", "e.g", "i.e", "cf", "fig", "op", "ed", "p", "pp",
}
# candidate boundary: sentence-final punctuation, optional closing quote/bracket,
# whitespace, then an opening quote/bracket or an upper-case letter / digit.
_BOUND = re.compile(r"([.!?]+)([\"')\]]*)(\s+)(?=[\"'(\[]?[A-Z0-9])")


def split_sentences(par: str) -> list[str]:
    """Rule-based splitter for news English (abbreviation- and initial-aware)."""
    out, start = [], 0
    for m in _BOUND.finditer(par):
        end = m.end(2)
        if m.group(1) == ".":
            # word before the period
            j = m.start(1)
            k = j
            while k > start and not par[k - 1].isspace():
                k -= 1
            word = par[k:j].lstrip("\"'([")
            wl = word.lower()
            if wl in _ABBR:
                continue
            if len(word) == 1 and word.isalpha():       # initial: "John F. Kennedy"
                continue
            if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):   # U.S / D.C / U.N
                # "U.S." ends a sentence only if next token looks sentence-initial
                nxt = par[m.end():m.end() + 12].split(" ")[0]
                if nxt.lower() not in {"the", "he", "she", "it", "they", "we", "but",
                                        "in", "a", "this", "that", "i", "there", "and"}:
                    continue
        sent = par[start:end].strip()
        if sent:
            out.append(sent)
        start = m.end()
    tail = par[start:].strip()
    if tail:
        out.append(tail)
    return out
