"""Matching keys for names: a normalised form, a phonetic skeleton and a
consonant key.

Every key function is a many-to-one map applied to *both* sides of a
comparison (the gazetteer's forms and the text's candidate spans), so two
spellings that differ only in the ways transliteration schemes differ get the
same key:

``norm(s)``
    case-folded, diacritics removed (š → sh, č → ch, ž → zh first, so the
    scientific schemes keep their digraphs), apostrophes and prime marks
    dropped, hyphens and dots become spaces, the Arabic article in all its
    assimilated forms (an-, ash-, ad-, as-, at-, ar-, az-, el-, en-, ul-…) and
    the Russian "аль-" (al'-) becomes ``al``.  Equality of ``norm`` means "the
    same name, modulo case and typography".

``skeleton(s)``
    ``norm`` plus the phonetic merges that transliteration makes ambiguous:
    shch/shh/sch/sh → ш, tch/ch → ч, dzh/dj/zh → j, kh/x(х) → h, ts/tz/cz → ц,
    ph → f, w → v, th → t, ck/c/k/q → k (soft c before e/i/y → s), y → i,
    word-initial i+vowel (Ye-, Ya-, Yu-) → the vowel, doubled letters
    collapsed.  "Dzhebhat an-Nusra", "Dzhebkhat EN-Nusra" and "Jabhat
    al-Nusra" differ only in vowels after this step.

``consonant_key(s)``
    the skeleton without vowels after each word's first letter ("jbht al
    nsr"), the blocking key of the fuzzy index.

``ru_key(s)``
    a key of a romanized Russian name on which the romanization schemes agree
    (BGN/PCGN, ICAO, GOST 7.79 and 7034, ISO 9/scientific, Wikipedia, Moscow
    Metro, "simple") while it keeps what the skeleton merges and Russian
    spelling does not (doubled letters, ж/з, ш/щ/ч): each Russian letter's
    renderings become one symbol (shch/shh/sch/šč → Q, zh/ž → Z, kh/h/х → H,
    ts/cz/c → C, ch/č → X, sh/š → W), a run of i/y/j before a vowel is a glide
    "y" (я = ya, ia, ja), dropped before e (е = ye, e), and i elsewhere (ий,
    ый, й).  Also accepts Cyrillic, so a predicted Russian spelling and a
    romanization of it meet: ``ru_key("Моравецкий") == ru_key("Moravetskiy")
    == ru_key("Moraveckij")``.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from functools import lru_cache

# letters whose diacritic carries a digraph in Latin transliterations
_PRE = {
    "š": "sh", "ŝ": "sh", "ş": "sh", "ș": "sh", "ś": "sh",
    "č": "ch", "ĉ": "ch", "ç": "ch", "ć": "ch",
    "ž": "zh", "ż": "zh", "ź": "zh", "ẑ": "zh",
    "ř": "rzh", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t",
    "ё": "yo",  # iuliia leaves a few Cyrillic letters in some schemes
}
_DROP = "'’‘ʹʺʼ`´\"“”«»ʻʾʿ·"
_SPACE = "-‐‑–—_./,()"

_ARTICLE = re.compile(r"(?<![a-z0-9])(?:al|el|ul|an|ash|as|ad|adh|at|ath|ar|az|en|es|ed|et|er|ez|az)-(?=[a-z])")
_PRE_RE = re.compile("[" + "".join(_PRE) + "]")


def _fold(s: str) -> str:
    s = s.casefold()
    if not s.isascii():
        s = unicodedata.normalize("NFC", s)
        s = _PRE_RE.sub(lambda m: _PRE[m.group(0)], s)
        s = unicodedata.normalize("NFKD", s)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s


_TRANS_DROP = str.maketrans({c: None for c in _DROP})
_TRANS_SPACE = str.maketrans({c: " " for c in _SPACE})


@lru_cache(maxsize=200_000)
def norm(s: str) -> str:
    """Case- and typography-insensitive form: "Dzhebhat EN-Nusra" → "dzhebhat al nusra"."""
    s = _fold(s).translate(_TRANS_DROP)
    s = _ARTICLE.sub("al-", s)
    s = s.translate(_TRANS_SPACE)
    return " ".join(s.split())


@lru_cache(maxsize=50_000)
def norm_literal(s: str) -> str:
    """``norm`` without the Arabic-article merge: tells "an-Nusra" from "al-Nusra"."""
    s = _fold(s).translate(_TRANS_DROP).translate(_TRANS_SPACE)
    return " ".join(s.split())


ARTICLES = frozenset("al el ul an ash as ad adh at ath ar az en es ed et er ez".split())
# the article assimilated to a following sun letter (an-Nusra, ash-Sham, ad-Din): MT and
# Russian spellings; English writes al- (or el-)
ASSIMILATED = ARTICLES - {"al", "el", "ul"}


# ordered multi-letter rules, longest first inside one alternation
_MULTI = [
    ("shch", "ш"), ("sch", "ш"), ("shh", "ш"), ("sh", "ш"),
    ("tsch", "ч"), ("tch", "ч"), ("ch", "ч"),
    ("dzh", "j"), ("dzs", "j"), ("dj", "j"), ("zh", "j"),
    ("kh", "h"),
    ("ts", "ц"), ("tz", "ц"), ("cz", "ц"),
    ("ph", "f"), ("th", "t"), ("gh", "g"), ("ck", "k"), ("qu", "kv"),
    ("ce", "se"), ("ci", "si"), ("cy", "si"),
    ("x", "ks"),
]
_MULTI_RE = re.compile("|".join(re.escape(a) for a, _ in sorted(_MULTI, key=lambda p: -len(p[0]))))
_MULTI_MAP = dict(_MULTI)
_SINGLE = str.maketrans({"w": "v", "c": "k", "q": "k", "y": "i"})
_DOUBLE = re.compile(r"(.)\1+")
_INITIAL_I = re.compile(r"(?<![a-zшчцj])i(?=[aeou])")
_VOWELS = re.compile(r"(?<=\S)[aeiou]+")


@lru_cache(maxsize=200_000)
def skeleton(s: str) -> str:
    """Phonetic skeleton: "Dzhebkhat an-Nusra" → "jebhat al nusra"."""
    s = norm(s)
    s = _MULTI_RE.sub(lambda m: _MULTI_MAP[m.group(0)], s)
    s = s.translate(_SINGLE)
    s = _INITIAL_I.sub("", s)
    return _DOUBLE.sub(r"\1", s)


def skeleton_of_norm(n: str) -> str:
    s = _MULTI_RE.sub(lambda m: _MULTI_MAP[m.group(0)], n)
    s = s.translate(_SINGLE)
    s = _INITIAL_I.sub("", s)
    return _DOUBLE.sub(r"\1", s)


def consonant_key(skel: str) -> str:
    """Vowels dropped after each word's first letter: "jebhat al nusra" → "jbht al nsr"."""
    return _DOUBLE.sub(r"\1", _VOWELS.sub("", skel))


def deletions(key: str) -> set[str]:
    """The key and every string one character shorter (a SymSpell neighbourhood)."""
    out = {key}
    for i in range(len(key)):
        if key[i] != " ":
            out.add(key[:i] + key[i + 1:])
    return out


def stable_hash(s: str) -> int:
    """A 63-bit hash that is the same in every process (Python's hash() is salted)."""
    b = s.encode("utf-8", "surrogatepass")  # lone surrogates (undecodable input) hash too
    return ((zlib.crc32(b) << 31) ^ zlib.adler32(b)) & 0x7FFF_FFFF_FFFF_FFFF


HAS_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: a possessive ending on a name ("Shoigu's", "Shoigu’s", "Saakashvili'")
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


_RK_DIGRAPH = re.compile(r"shch|shh|sch|sh|zh|kh|ch|cz|ts|x|c|h|j")
_RK_MAP = {"shch": "Q", "shh": "Q", "sch": "Q", "sh": "W", "zh": "Z", "kh": "H", "ch": "X", "cz": "C", "ts": "C",
           "x": "ks", "c": "C", "h": "H", "j": "y"}
_RK_RUN = re.compile(r"[iy]+(?=([aeou]?))")
_CYR_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g"})


def _rk_run(m: "re.Match[str]") -> str:
    run, nxt = m.group(0), m.group(1)
    if not nxt:
        return "i"
    if nxt == "e":
        return "i" if "i" in run else ""
    return ("i" if "i" in run[:-1] else "") + "y"


@lru_cache(maxsize=200_000)
def ru_key(s: str) -> str:
    """Scheme-independent key of a romanized (or Cyrillic) Russian name: see the module doc."""
    if HAS_CYRILLIC.search(s):
        s = s.lower().translate(_CYR_LATIN)
    s = _RK_DIGRAPH.sub(lambda m: _RK_MAP[m.group(0)], norm(s))
    return _RK_RUN.sub(_rk_run, s)
