"""Accepted spelling variants of names, and the house style's pick among them.

Two spellings of a name are *variants* (an editor lets either stand, NAM001
never corrects one into the other) when

* they are in one group of the table ``mtqa/data/name_variants.tsv``
  (Zelensky | Zelenskiy | Zelenskyy | Zelenskii, Alexei | Aleksei | Alexey |
  Aleksey, Dmitry | Dmitri | Dmitriy, Donbas | Donbass …), or
* the name is of Russian or Ukrainian origin — the gazetteer's English word
  is itself a romanization of the entry's Cyrillic word in one of the schemes
  of :mod:`mtqa.gazetteer.translit` — and the found word is that Cyrillic
  word's romanization in a standard news scheme: BGN/PCGN or the Wikipedia
  convention for a Russian form, the KMU 2010 national system for a Ukrainian
  one (apostrophes for the soft sign dropped), where the two differ only in
  what news romanizations alternate on — y or i after a vowel, the ending
  -y/-iy/-yy/-i, an initial Ye/E, ya/ia after a consonant: "Sergey Shoygu",
  "Navalnyy", "Zelenskiy", "Evmenov", "Emelyanenko" (also in the ICAO passport
  scheme and the plain scheme news desks use; not "Tsarnayev"
  for Tsarnaev: English news has one established spelling).  A Russian form never licenses a variant of a
  word that comes from the Ukrainian form ("Vladimir" for Volodymyr Zelensky
  stays a Russian-derived spelling), and a name whose English form is not a
  romanization (Morawiecki: Моравецкий) gets no variants from this rule.

A house style picks one form of a table group: ``house-style = { zelensky =
"Zelenskyy" }`` in the config, or ``--house-style zelensky=Zelenskyy`` (the
key is any form of the group, case-insensitive; the value must be a form of
it).  The other forms of that group are then reported by NAM003, and NAM001's
suggestions write the picked form.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from mtqa.gazetteer.keys import POSSESSIVE as _POSSESSIVE
from mtqa.gazetteer.keys import norm

TABLE = "name_variants.tsv"
# the standard news romanizations of a Cyrillic form, by its language
# (BGN/PCGN and Wikipedia; the passport scheme, ICAO Doc 9303, in which Russians' own documents
# spell their names; the plain scheme news desks use, Yevmenov/Evmenov, Yemelyanenko/Emelyanenko)
STANDARD_SCHEMES = {"ru": ("bgn_pcgn", "wikipedia", "icao_doc_9303", "simple"), "uk": ("kmu_2010",)}


@lru_cache(maxsize=1)
def groups() -> dict[str, tuple[str, ...]]:
    """Folded form → its group's forms as written (first: the usual form)."""
    from mtqa.tables import read_tsv

    out: dict[str, tuple[str, ...]] = {}
    for r in read_tsv(TABLE):
        forms = tuple(dict.fromkeys(f.strip() for f in r["forms"].split("|") if f.strip()))
        for f in forms:
            out.setdefault(f.casefold(), forms)
    return out


def same_group(a: str, b: str) -> bool:
    g = groups().get(a.casefold())
    return g is not None and b.casefold() in {f.casefold() for f in g}


def _word(w: str) -> str:
    return norm(_POSSESSIVE.sub("", w))


@lru_cache(maxsize=4096)
def _standard_words(entry) -> tuple[frozenset, ...]:
    """Per word of the entry's canonical name: the standard romanizations of the Cyrillic word
    it comes from (empty where the English word is not a romanization of a Cyrillic word)."""
    from mtqa.gazetteer.translit import romanize, romanizations

    canon = norm(entry.name).split()
    out: list[set[str]] = [set() for _ in canon]
    for lang, form in entry.foreign:
        if lang not in STANDARD_SCHEMES:
            continue
        roms = {s: norm(r.replace("’", "").replace("'", "")).split() for s, r in romanizations(form, lang).items()}
        if any(len(r) != len(canon) for r in roms.values()):
            continue
        for i, cw in enumerate(canon):
            if any(r[i] == cw for r in roms.values()):  # the English word romanizes this Cyrillic word
                for scheme in STANDARD_SCHEMES[lang]:
                    r = roms.get(scheme) or norm(romanize(form, scheme).replace("’", "").replace("'", "")).split()
                    if _alternation(r[i]) == _alternation(cw):
                        out[i].add(r[i])
    return tuple(frozenset(s) for s in out)


_VOWEL_Y = re.compile(r"(?<=[aeiou])y")
_ENDING = re.compile(r"(?:iy|yy|ii|y|i)$")
_INITIAL_YE = re.compile(r"^ye")
_CONSONANT_Y = re.compile(r"(?<=[b-df-hj-np-tv-z])y(?=[au])")


def _alternation(w: str) -> str:
    """The word with the spellings news romanizations alternate on merged: y or i after a
    vowel (Shoygu/Shoigu, Sergey/Sergei), the ending -y/-iy/-yy/-i (Zelensky/Zelenskiy,
    Navalny/Navalnyy), an initial Ye/E (Yevmenov/Evmenov) and ya/ia, yu/iu after a consonant
    (Emelyanenko/Emelianenko).  Other differences (Tsarnayev for Tsarnaev) are not variants."""
    w = _CONSONANT_Y.sub("i", _INITIAL_YE.sub("e", w))
    return _ENDING.sub("", _VOWEL_Y.sub("i", w))


def word_is_variant(found: str, accepted_word: str, standard: Iterable[str] = ()) -> bool:
    """The found word is the accepted word, a form of its group, or a standard romanization."""
    f, a = _word(found), _word(accepted_word)
    return f == a or same_group(f, a) or f in standard


def is_variant(window: str, entry) -> bool:
    """Every word of the window is the word of an accepted form of the entry at its place
    (the surname for a single word), or an accepted variant of it."""
    words = [_word(w) for w in window.split()]
    if not words:
        return False
    standard = _standard_words(entry)
    for k, form in enumerate(entry.accepted):
        fw = norm(form).split()
        if len(words) == 1 and len(fw) > 1 and entry.type == "person":
            fw_aligned, std = fw[-1:], standard[-1:] if k == 0 else ((),)
        elif len(fw) == len(words):
            fw_aligned, std = fw, standard if k == 0 else tuple(() for _ in fw)
        else:
            continue
        if all(word_is_variant(w, a, s) for w, a, s in zip(words, fw_aligned, std)):
            return True
    return False


# -- house style: one form of a group ----------------------------------------------


def resolve_pick(key: str, value: str) -> tuple[str, str]:
    """(group key, picked form as written) for ``house-style = { KEY = "VALUE" }``; ValueError
    when KEY names no group of the table or VALUE is not one of its forms."""
    g = groups().get(key.strip().casefold())
    if g is None:
        raise ValueError(f"house style '{key}': no such name in {TABLE} (known: ukraine, or a form of a "
                         f"variant group such as zelensky)")
    for f in g:
        if f.casefold() == value.strip().casefold():
            return g[0].casefold(), f
    raise ValueError(f"house style {key}={value}: choose one of {', '.join(g)}")


def picks_of(house_style: dict) -> tuple[tuple[str, str], ...]:
    """The name picks of a config's house-style table (every key but ``ukraine``), sorted."""
    out = []
    for k, v in house_style.items():
        if k.casefold() == "ukraine":
            continue
        try:
            out.append(resolve_pick(k, v))
        except ValueError:
            continue  # validated where the config is read
    return tuple(sorted(out))


def pick_table(picks: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Folded form → the picked form, for every form of a picked group."""
    table: dict[str, str] = {}
    for key, picked in picks:
        for f in groups().get(key, ()):
            table[f.casefold()] = picked
    return table


def apply_picks(name: str, table: dict[str, str]) -> str:
    """A suggestion with each word of a picked group in the house style's form."""
    if not table:
        return name
    out = []
    for w in name.split(" "):
        p = table.get(w.casefold())
        out.append(p.upper() if p and w.isupper() and len(w) > 1 else (p or w))
    return " ".join(out)
