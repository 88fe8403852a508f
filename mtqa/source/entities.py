"""The names of a Russian (or Ukrainian) source sentence and how English spells them.

A *source name* is a capitalised Cyrillic word that is a name: inside a sentence any
capitalised word, at its start only one pymorphy3 tags as a name, surname, patronymic,
place or organisation.  Its **lemma** (the nominative: "Фургала" → фургал, "Шольцем" →
шольц) is what English spells; the case form it has in the sentence is not.

Its English renderings (:class:`SourceName.spellings`), best first:

``gazetteer``
    the curated/imported entry whose Russian form it is (Москва → Moscow; a word of
    "Владимир Жириновский" → Zhirinovsky);
``lexicon``
    the shipped lexicon's spellings filed under the lemma's Russian key (Шольц → Scholz,
    Крыховяк → Krychowiak, Зеленский → Zelensky, Zelenskiy), by prior;
``romanized``
    the standard romanizations of the lemma (BGN/PCGN, ICAO, Wikipedia, GOST... :
    Фургал → Furgal): accepted spellings, proposed only when nothing above spells it.

A target mention *links* to the source name of its aligned sentence whose Russian key is
nearest its own (:func:`link`).  A mention that is one of the renderings is vouched for by
the source (a variant such as Zelenskii proves itself); one that is not is a candidate
garble, and the renderings are its candidates.  The names decision
(:mod:`mtqa.names.pipeline`) weighs this with the rest of its evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from mtqa.gazetteer.keys import norm, ru_key

_WORD = re.compile(r"[А-ЯЁЇІЄҐ][а-яёїієґʼ'’]+(?:-[А-ЯЁЇІЄҐа-яёїієґ][а-яёїієґʼ'’]+)*")
_NAME_TAGS = ("Name", "Surn", "Patr", "Geox", "Orgn", "Trad")
#: English adjectives and demonyms derived from a place name (Russia -> Russian, Ukraine -> Ukrainian)
_DERIVED = ("n", "an", "ian", "ns", "ans", "ians", "ese", "ish", "i", "is")
#: a link needs the Russian keys this close (edits / the longer key), and the mention this long
MAX_LINK_DISTANCE = 0.34
#: schemes whose romanization is offered as a suggestion (when no established spelling exists)
SUGGEST_SCHEMES = ("bgn_pcgn", "wikipedia")


@dataclass
class SourceName:
    start: int
    end: int
    surface: str
    lemma: str  # nominative, capitalised like the surface
    keys: tuple = ()  # ru_key of the lemma, then of the surface when it differs
    spellings: dict = field(default_factory=dict)  # English spelling -> (channel, prior), best first
    romanized: frozenset = frozenset()  # norm() of the lemma's standard romanizations
    lemmas: tuple = ()  # the possible nominatives (lower case), likeliest first
    #: Russian keys of the nominatives a dictionary word may have (Гагарина: a woman's surname,
    #: or the genitive of Гагарин): a mention that romanizes one of them is a reading, not a garble
    readings: frozenset = frozenset()

    def accepts(self, form: str) -> bool:
        """Whether English ``form`` is one of this name's renderings, a word of one ("Petersburg"
        of "St. Petersburg"), or a word English derives from one ("Russian" from "Russia")."""
        n = norm(form)
        if n in self.romanized or (self.readings and ru_key(form) in self.readings):
            return True
        if self.romanized and ru_key(form) == ru_key(self.lemma):
            return True  # a romanization of the nominative (Gaidys for Гайдис), and English has no way of its own
        for s in self.spellings:
            ns = norm(s)
            if ns == n or n in ns.split():
                return True
            if len(ns) >= 4 and any(n == stem + suf for stem in (ns, ns[:-1]) for suf in _DERIVED):
                return True
        return False

    @property
    def best(self) -> str:
        return next(iter(self.spellings), "")


@lru_cache(maxsize=1)
def _morph(lang: str = "ru"):
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


def analyzer(lang: str):
    """pymorphy3 for ``lang`` (ru, uk), or None when its dictionaries are not installed."""
    try:
        return _morph(lang if lang in ("ru", "uk") else "ru")
    except Exception:  # pymorphy3-dicts-uk missing: no lemmas, surface forms only
        return None


#: Russian case endings a name may carry, longest first (a stem is tried without each)
_ENDINGS = ("ого", "его", "ому", "ему", "ами", "ями", "ой", "ей", "ом", "ем", "ым", "им", "ую", "ах", "ях",
            "а", "я", "у", "ю", "е", "ы", "и")


def _feminine(parses) -> list[str]:
    """A woman's surname's own nominative ("Гагариной" -> гагарина, not the masculine гагарин
    pymorphy3 gives as its normal form): English writes Gagarina, Nabiullina."""
    out = []
    for p in parses:
        if "Surn" in p.tag and "femn" in p.tag and "sing" in p.tag:
            f = p.inflect({"nomn", "sing", "femn"})
            if f is not None:
                out.append(f.word)
    return out


@lru_cache(maxsize=50_000)
def _lemmas(word: str, lang: str, initial: bool) -> "tuple[tuple[str, ...], bool, tuple[str, ...]]":
    """(possible nominatives, likeliest first; is_name; the nominatives a dictionary name may
    have) of one capitalised word.

    A word pymorphy3's dictionary knows gets its name parse's lemma ("Дегтярева" → дегтярёв,
    "Гааге" → гаага).  An unknown one ("Фургала", "Шольца") gets the lemmas pymorphy3 guesses,
    itself, and its stems without a case ending: :class:`Renderer` picks the one an English
    spelling is known for."""
    m = analyzer(lang)
    low = word.lower()
    stems = tuple(low[: -len(e)] for e in _ENDINGS if low.endswith(e) and len(low) - len(e) >= 3)
    if m is None:
        return (low, *stems), not initial, ()
    parses = m.parse(word)
    named = [p for p in parses if any(t in p.tag for t in _NAME_TAGS)]
    known = m.word_is_known(low)
    if known:
        if named:
            nom = [p.normal_form for p in named if "nomn" in p.tag and p.normal_form == low]
            noms = tuple(dict.fromkeys([*nom, *_feminine(named), *(p.normal_form for p in named)]))
            return tuple(dict.fromkeys([*noms, low])), True, noms
        # a dictionary word with no name reading ("День Победы", "Волгоградской области":
        # a common noun or an adjective capitalised in a title) is no name to render
        return (parses[0].normal_form if parses else low, low), False, ()
    top = parses[0].score if parses else 0.0
    guessed = [p.normal_form for p in parses if p.score >= 0.5 * top]
    return tuple(dict.fromkeys([*guessed, low, *stems])), not initial or bool(named), ()


def _case_like(lemma: str, surface: str) -> str:
    if surface.isupper() and len(surface) > 1:
        return lemma.upper()
    return "-".join(p[:1].upper() + p[1:] for p in lemma.split("-"))


def source_names(text: str, lang: str = "ru", sentence_starts: "frozenset[int] | None" = None) -> list[SourceName]:
    """The names of ``text`` (a source sentence or a few), in order, without their spellings
    (:class:`Renderer` adds them).  ``sentence_starts``: offsets where a sentence begins
    (a capitalised word there must be tagged a name); default: the text's start."""
    starts = sentence_starts if sentence_starts is not None else frozenset({0})
    out = []
    for mt in _WORD.finditer(text):
        w = mt.group()
        before = text[max(0, mt.start() - 3):mt.start()].strip()
        initial = mt.start() in starts or before[-1:] in (".", "!", "?", "«", '"', "—", "-", ":") or not before
        lemmas, named, noms = _lemmas(w, lang, initial)
        if not named:
            continue
        lem = _case_like(lemmas[0], w)
        keys = tuple(dict.fromkeys(ru_key(_case_like(x, w)) for x in (*lemmas, w.lower())))
        readings = frozenset(ru_key(x) for x in noms) if len(noms) > 1 else frozenset()
        out.append(SourceName(mt.start(), mt.end(), w, lem, keys, lemmas=lemmas, readings=readings))
    return out


class Renderer:
    """English renderings of source names, from the gazetteer, the lexicon and romanization."""

    def __init__(self, gazetteer, lexicon):
        self.gaz = gazetteer
        self.lexicon = lexicon
        self._foreign: "dict[str, list[tuple[str, float]]] | None" = None
        self._cache: dict[tuple[str, str], tuple[dict, frozenset]] = {}

    def _foreign_index(self) -> dict:
        """Russian/Ukrainian word (lower case) -> [(English word, weight)] from every gazetteer
        entry's foreign forms: a whole one-word form, or the word at the same position of a
        multi-word form with as many English words."""
        if self._foreign is None:
            idx: dict[str, list[tuple[str, float]]] = {}
            for e in self.gaz.entries:
                forms = [f for lang, f in e.foreign if lang in ("ru", "uk")]
                if not forms:
                    continue
                en = [e.name, *e.aliases]
                for f in forms:
                    fw = f.split()
                    if len(fw) == 1:
                        idx.setdefault(f.lower(), []).append((e.name, 2.0))
                        continue
                    idx.setdefault(f.lower(), []).append((e.name, 2.0))
                    for name in en:
                        nw = name.split()
                        if len(nw) == len(fw):
                            for a, b in zip(fw, nw):
                                if a[:1].isupper() and b[:1].isupper():
                                    idx.setdefault(a.lower(), []).append((b, 1.0))
            self._foreign = idx
        return self._foreign

    def render(self, name: SourceName, lang: str = "ru") -> SourceName:
        """Fill ``name``'s spellings from its likeliest lemma that English spells some known way
        (a gazetteer or lexicon spelling), else from its likeliest lemma."""
        chosen = None
        for lemma in name.lemmas or (name.lemma.lower(),):
            lem = _case_like(lemma, name.surface)
            got = self._cache.get((lem, lang))
            if got is None:
                got = self._cache[(lem, lang)] = self._renderings(lem, lang)
            if chosen is None:
                chosen = (lem, got)
            if any(ch != "romanized" for ch, _ in got[0].values()):
                chosen = (lem, got)
                break
        name.lemma, (name.spellings, name.romanized) = chosen
        return name

    def _renderings(self, lemma: str, lang: str) -> tuple[dict, frozenset]:
        from mtqa.gazetteer.translit import romanizations

        found: dict[str, tuple[str, float]] = {}

        def add(form: str, channel: str, prior: float) -> None:
            if channel != "gazetteer":  # GeoNames' and the schemes' soft sign: Sal’sk → Salsk
                form = _SOFT.sub("", form)
            k = norm(form)
            if not k:
                return
            for f, (ch, p) in found.items():
                if norm(f) == k:
                    return
            found[form] = (channel, prior)

        for form, w in sorted(self._foreign_index().get(lemma.lower(), ()), key=lambda x: (-x[1], x[0])):
            add(form, "gazetteer", 10.0 + w)
        rows = self.lexicon.by_russian_key(ru_key(lemma), 0)
        # a spelling of the name's own (not a romanization: Scholz, Krychowiak) before the
        # romanizations English also writes (Zelensky), each by how attested it is
        for sp, _ in sorted(rows, key=lambda x: (x[0].native, -x[0].prior, x[0].form)):
            if sp.form[:1].isupper():
                add(sp.form, "lexicon", sp.prior)
        lg = lang if lang in ("ru", "uk") else "ru"
        roman = romanizations(lemma, lg)
        plain = romanizations(lemma.replace("ё", "е").replace("Ё", "Е"), lg)  # English writes ё as e
        key = ru_key(lemma)
        # a romanization is an accepted spelling unless English spells the name its own way
        # (Moscow, The Hague, Scholz, Krychowiak: none of its spellings is a romanization)
        own_way = bool(found) and not any(ru_key(f) == key for f in found)
        if not own_way:
            for sch in SUGGEST_SCHEMES:
                if sch in plain:  # a soft sign's ’ is no letter English news writes (Sal’sk → Salsk)
                    add(_title(plain[sch]), "romanized", 0.0)
        romanized = frozenset() if own_way else frozenset(norm(r) for r in (*roman.values(), *plain.values()))
        return found, romanized


_SOFT = re.compile("[’ʼ'ʹ″ʺ\"]")


def _title(s: str) -> str:
    return "-".join(p[:1].upper() + p[1:] for p in s.split("-"))


def link(form: str, names: list[SourceName]) -> "tuple[SourceName, float] | None":
    """The source name a target word stands for, with the normalised Russian-key distance
    (0 = the same key), or None when none is close enough."""
    k = ru_key(form)
    if len(k) < 3:
        return None
    best = None
    n = norm(form)
    for sn in names:
        if any(norm(s) == n for s in sn.spellings) or n in sn.romanized:
            return sn, 0.0
        for key in sn.keys:
            d = Levenshtein.distance(k, key) / max(len(k), len(key))
            if best is None or d < best[1]:
                best = (sn, d)
        for s in sn.spellings:
            d = Levenshtein.distance(n, norm(s)) / max(len(n), len(norm(s)), 1)
            if best is None or d < best[1]:
                best = (sn, d)
    if best is not None and best[1] <= MAX_LINK_DISTANCE:
        return best
    return None
