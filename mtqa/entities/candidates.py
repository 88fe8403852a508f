"""Suspect names and what they may be a garble of.

A *suspect* is a capitalised word (or hyphenated run: "Ust-Katava") that no
lexicon knows: not an entity spelling (:mod:`mtqa.entities.lexicon`), not a
common English word (wordfreq), not a name news capitalises
(:mod:`mtqa.casing_lexicon`).  Known names in their ordinary spelling are
never re-judged.

Its *candidates* come from four channels, each a way MT garbles a name:

``translit``
    the suspect romanizes the Russian spelling of a name English writes
    otherwise: its :func:`~mtqa.gazetteer.keys.ru_key` equals (or is one edit
    from) the key of a lexicon spelling's Russian form ("Krykhovyak" ←
    Крыховяк → Krychowiak; "Kronshtadt" → Kronstadt).  A suspect whose key
    equals a *native* spelling's (one that is itself a romanization:
    Zelenskii/Zelensky) is a variant, not a garble: it gets no candidate.
``ending``
    a Russian case ending left on a name ("Furgala" → Furgal, "Laxalta" →
    Laxalt, "Ust-Katava" → Ust-Katav) or a feminine -a cut ("Gagarin" →
    Gagarina, only with a lexicon spelling);
``spelling``
    one letter away from a well-attested English spelling ("Valetta" →
    Valletta, "Marez" → Mahrez);
``document``
    another spelling of the same name in the same document, related by the
    channels above (the nominative form elsewhere in the story).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtqa.entities.lexicon import Lexicon
from mtqa.gazetteer.keys import POSSESSIVE, norm, ru_key

#: a capitalised word or hyphenated run of them (apostrophe-joined parts too: "O'Neill")
NAME_TOKEN = re.compile(r"(?<![\w'’-])([A-ZÀ-ÞĀ-Ž][a-zß-ÿā-ž]+(?:[-'’][A-Za-zÀ-ÿĀ-ž][a-zß-ÿā-ž]+)*)(?![\w-])")
#: Russian case endings MT leaves on a name (genitive, dative, instrumental, prepositional)
ENDINGS = ("ogo", "ovoy", "oy", "om", "ym", "oi", "ei", "u", "a", "e", "y", "ya", "yu")
MIN_LETTERS = 4
#: a Russian feminine surname: its -a is not a case ending
FEMININE = re.compile(r"(?:ov|ev|yov|in|yn|sk|tsk|ck)a$")
#: one edit away is a candidate only for names this long: in a short name one letter is
#: another name ("Corb" is not a garble of "Cobb")
MIN_FUZZY_LETTERS = 8
#: a suspect: rarer than this in English (wordfreq Zipf) and no lexicon spelling
MAX_ZIPF = 2.5


@dataclass(frozen=True)
class Candidate:
    form: str
    channel: str  # translit | ending | spelling | document
    edits: int  # edits between the keys (0 = same key)
    prior: float

    @property
    def cost(self) -> float:
        """Channel cost in nats: how unlikely MT is to produce the suspect from this name."""
        base = {"document": 0.0, "translit": 0.5, "ending": 1.0, "spelling": 2.0}[self.channel]
        return base + 2.0 * self.edits


def is_suspect(token: str, lexicon: Lexicon) -> bool:
    """An unknown capitalised word: no lexicon spelling, rare in English, not a news name."""
    letters = sum(ch.isalpha() for ch in token)
    if letters < MIN_LETTERS or token.isupper():
        return False
    if lexicon.knows(token):
        return False
    base = POSSESSIVE.sub("", token)
    if base != token and lexicon.knows(base):
        return False
    from wordfreq import zipf_frequency

    from mtqa.casing_lexicon import lexicon as news_casing

    if zipf_frequency(token.lower(), "en") >= MAX_ZIPF:
        return False
    c = news_casing()[0].get(token.casefold())
    if c is not None and c.capitalised >= 3:
        return False
    return True


def _cased(form: str, like: str) -> str:
    if like[:1].isupper() and not form[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


class DocumentNames:
    """The capitalised words of one document, indexed for the *document* channel: another
    spelling of a suspect there is one with the same Russian key, or the suspect less a
    Russian case ending.  Built once per document: a lookup per suspect, where a scan of
    every name per suspect made a long document's check quadratic."""

    def __init__(self, names=()):
        self.by_key: dict[str, list[str]] = {}
        self.by_lower: dict[str, list[str]] = {}
        for name in sorted(set(names)):
            self.by_key.setdefault(ru_key(name), []).append(name)
            self.by_lower.setdefault(name.lower(), []).append(name)

    def matching(self, token: str, key: str | None = None) -> list[str]:
        """The document's other spellings of ``token`` (sorted)."""
        key = ru_key(token) if key is None else key
        low = token.lower()
        out = set(self.by_key.get(key, ()))
        for e in ENDINGS:
            # not -a after a surname's -ov/-in/-sky: "Saipova" is Saipov's wife or daughter
            if low.endswith(e) and len(low) > len(e) and not (e == "a" and FEMININE.search(low)):
                out.update(self.by_lower.get(low[: -len(e)], ()))
        return sorted(o for o in out if norm(o) != norm(token))


def candidates(token: str, lexicon: Lexicon, document_names: "DocumentNames | frozenset[str]" = frozenset(),
               limit: int = 4) -> tuple[list[Candidate], bool]:
    """Candidate spellings for a suspect, cheapest channel first, and whether it is a
    variant (its Russian key is a native spelling's: leave it alone)."""
    key = ru_key(token)
    found: dict[str, Candidate] = {}

    def add(c: Candidate) -> None:
        k = norm(c.form)
        if k == norm(token):
            return
        old = found.get(k)
        if old is None or (c.cost, -c.prior) < (old.cost, -old.prior):
            found[k] = c

    variant = False
    edits = 1 if len(key) >= MIN_FUZZY_LETTERS else 0
    for sp, d in lexicon.by_russian_key(key, edits)[:12]:
        if d == 0 and ru_key(sp.form) == key:
            variant = True  # Zelenskii/Zelensky, Kaliazin/Kalyazin: two romanizations of one name
        if sp.prior <= 0:
            continue  # a news word with no Russian attestation (its keys are only predicted)
        add(Candidate(_cased(sp.form, token), "translit", d, sp.prior))
    if variant:
        return [], True
    low = token.lower()
    for e in ENDINGS:
        if low.endswith(e) and len(low) - len(e) >= MIN_LETTERS - 1:
            stem = token[: len(token) - len(e)]
            for sp in lexicon.lookup(stem):
                add(Candidate(_cased(sp.form, token), "ending", 0, sp.prior))
    for sp in lexicon.lookup(token + "a"):
        add(Candidate(_cased(sp.form, token), "ending", 0, sp.prior))
    for sp, d in (lexicon.by_spelling(token, 1)[:8] if len(norm(token)) >= MIN_FUZZY_LETTERS else ()):
        add(Candidate(_cased(sp.form, token), "spelling", d, sp.prior))
    if not isinstance(document_names, DocumentNames):
        document_names = DocumentNames(document_names)
    for other in document_names.matching(token, key):
        add(Candidate(other, "document", 0, 10.0))
    ranked = sorted(found.values(), key=lambda c: (c.cost, -c.prior, c.form))
    return ranked[:limit], False
