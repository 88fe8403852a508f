"""Romanizations of Cyrillic names, in the schemes machine translation and
news desks actually produce.

Russian forms go through the maintained ``iuliia`` schemas (BGN/PCGN, ICAO
Doc 9303 as in passports, GOST 7.79 / ISO 9 system B, GOST 7034, Wikipedia,
Moscow Metro, the scientific transliteration) and ``cyrtranslit``'s simple
scheme — х → h, ж → zh, ц → ts, the style that yields "Dzhebhat".  Ukrainian
forms get the official KMU 2010 national system (Kyiv, Kharkiv, Zaporizhzhia)
and cyrtranslit's Ukrainian scheme.  Every romanization is later reduced to
the skeleton key (:mod:`mtqa.gazetteer.keys`), so scheme-specific letters (ŝ,
x for х) do not need to be undone here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import cyrtranslit
import iuliia

RU_SCHEMES: dict[str, object] = {
    "bgn_pcgn": iuliia.BGN_PCGN,
    "icao_doc_9303": iuliia.ICAO_DOC_9303,
    "gost_779": iuliia.GOST_779_ALT,
    "gost_7034": iuliia.GOST_7034,
    "wikipedia": iuliia.WIKIPEDIA,
    "mosmetro": iuliia.MOSMETRO,
    "scientific": iuliia.SCIENTIFIC,
}


def _simple_ru(s: str) -> str:
    out = cyrtranslit.to_latin(s, "ru")
    for a, b in (("SHH", "Shch"), ("shh", "shch"), ("CZ", "Ts"), ("cz", "ts"), ("Y'", "Y"), ("y'", "y"),
                 ("E'", "E"), ("e'", "e"), ("'", ""), ("J", "Y"), ("j", "y")):
        out = out.replace(a, b)
    return out


# KMU 2010 (Resolution 55 of the Cabinet of Ministers of Ukraine), the
# official romanization used by AP/Reuters for Ukrainian place names.
_KMU = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
    # Russian letters that turn up in Ukrainian-labelled forms
    "ы": "y", "э": "e", "ё": "io", "ъ": "",
}
_KMU_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def kmu_2010(s: str) -> str:
    out = []
    prev_letter = False
    for i, ch in enumerate(s):
        low = ch.lower()
        if low in _KMU:
            rep = _KMU_INITIAL.get(low) if not prev_letter else None
            if rep is None:
                rep = _KMU[low]
                if low == "г" and i > 0 and s[i - 1].lower() == "з":
                    rep = "gh"  # зг → zgh (Zghurivka)
            if ch != low and rep:
                rep = rep[0].upper() + rep[1:]
            out.append(rep)
            prev_letter = True
        else:
            out.append(ch)
            prev_letter = ch.isalpha()
    return "".join(out)


def _simple_uk(s: str) -> str:
    out = cyrtranslit.to_latin(s, "ua")
    return out.replace("X", "Kh").replace("x", "kh").replace("J", "Y").replace("j", "y").replace("'", "")


UK_SCHEMES: dict[str, Callable[[str], str]] = {"kmu_2010": kmu_2010, "simple_uk": _simple_uk}


def scheme_names(lang: str) -> list[str]:
    if lang in ("ru", "be", "bg"):
        return [*RU_SCHEMES, "simple"]
    if lang == "uk":
        return [*UK_SCHEMES]
    return []


@lru_cache(maxsize=100_000)
def romanize(form: str, scheme: str) -> str:
    """One romanization of a Cyrillic form in a named scheme."""
    if scheme == "simple":
        return _simple_ru(form)
    if scheme in UK_SCHEMES:
        return UK_SCHEMES[scheme](form)
    out = RU_SCHEMES[scheme].translate(form)  # type: ignore[attr-defined]
    if scheme in _X_FOR_KH:  # х written x: spell it kh so the skeleton keeps "h"
        out = out.replace("x", "kh").replace("X", "Kh")
    return out


_X_FOR_KH = frozenset({"gost_779", "gost_7034", "scientific"})


def romanizations(form: str, lang: str = "ru") -> dict[str, str]:
    """{scheme: romanized} for every scheme that applies to the language."""
    return {sch: romanize(form, sch) for sch in scheme_names(lang)}
