"""The gazetteer index: exact keys plus a blocked fuzzy index.

Every entry contributes *forms*, each with the kind of evidence it stands for:

========== ==================================================================
kind       form
========== ==================================================================
name       the canonical English name
alias      an accepted English alias
short      a person's name as news writes it when the list gives a patronymic
           ("Vitali Zaharchenko", "V. Zaharchenko", "V. Yu. Zaharchenko" for
           "Vitali Yur'yevich Zaharchenko"): see :func:`short_forms`
surname    the last word of a person's canonical name or alias ("Peskov")
translit   a romanization of a Cyrillic foreign form, in one or more schemes
           (``bgn_pcgn``, ``icao_doc_9303``, ``simple``…): what MT writes
tsurname   the last word of such a romanization ("Moravetskiy")
learned    a romanization of the Cyrillic spelling the learned English→Russian
           transliteration model predicts for an entry with no Cyrillic form
========== ==================================================================

Entries with no Cyrillic form also get **learned keys**: the
:func:`~mtqa.gazetteer.keys.ru_key` of each of the eight Russian spellings the
learned model (:mod:`mtqa.gazetteer.learned`) finds most probable, with its
probability.  The three likeliest are also ``learned`` forms above.

A person listed with an East Slavic patronymic (sanctions lists write "SURNAME,
Given Patronymic") is indexed as news writes it: given name + surname and
surname with initials (``short`` forms: matched modulo case, typography and
the skeleton's transliteration merges; given name + surname is also accepted
like an alias).
A bare surname is matched only where the document names the person in full or
the surname is the gazetteer's only one of its key and distinctive:
:meth:`GazetteerIndex.surname_entries` and
:func:`mtqa.gazetteer.matcher.resolve_surname`.

Lookup never scans all forms.  ``norm`` of the query is looked up in the
accepted-forms dict (exact canonical/alias: confidence 1), the skeleton in
the skeleton dict, the query's ``ru_key`` among the learned keys (ranked by
the spelling's probability, above skeleton matches of English forms), and
candidates for fuzzy scoring come from a blocked index: every form is filed
under each one-deletion variant of its skeleton (a SymSpell neighbourhood,
so one edit on either side meets) and under its consonant key; each of the
query's keys is found by its 32-bit hash in a sorted array (a bucket table
on the hash's top bits narrows the bisection to a few postings).  Only the
forms in those blocks are scored, with rapidfuzz's Levenshtein distance on
the skeletons; when enough exact matches already outrank any fuzzy one, the
fuzzy index is not consulted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Iterable

from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate
from operator import itemgetter
from zlib import adler32, crc32
from rapidfuzz.distance import Levenshtein
from rapidfuzz import process

from mtqa.gazetteer.keys import HAS_CYRILLIC, consonant_key, deletions, norm, ru_key, skeleton
from mtqa.gazetteer.model import Candidate, Entry

KIND_ORDER = ("name", "alias", "short", "surname", "translit", "tsurname", "learned")
KIND_RANK = {k: i for i, k in enumerate(KIND_ORDER)}
# confidence of an exact skeleton match, by the kind of form matched
EXACT_SKELETON_CONF = {"name": 0.97, "alias": 0.96, "short": 0.96, "surname": 0.9, "translit": 0.95,
                       "tsurname": 0.88, "learned": 0.85}
CYRILLIC_LANGS = ("ru", "uk", "be", "bg")
# a match of a learned key: confidence 0.8-0.95 by the predicted spelling's probability; ranked
# (score) above skeleton matches of English forms, below exact names
LEARNED_KEY_CONF = 0.8
LEARNED_KEY_SCORE = 0.975
FUZZY_CEILING = max(EXACT_SKELETON_CONF.values())  # no fuzzy match scores this high
LEARNED_NBEST = 8  # predicted spellings per name whose keys are indexed
LEARNED_FORMS = 3  # ... and whose romanizations are skeleton forms (fuzzy matching)
MAX_BLOCK = 1000  # a posting list longer than this is too generic to use


@dataclass
class Form:
    entry: int
    kind: str
    text: str
    skel: str
    schemes: str = ""  # comma-separated scheme names for translit forms
    source: str = ""  # the foreign form a translit form came from ("ru:Джош Эрнест")
    close: bool = True  # a transliteration of the English name, not a translation/exonym ("Viden" for Vienna)


# East Slavic patronymics in the Latin spellings lists and news use (Russian, Ukrainian,
# Belarusian: Yur'yevich, Anatolijevich, Ryhorovich, Yuriyovych, Ilyich, Ivanovna, Petrivna,
# Illichna, Uladzimirauna), not the Germanic -rich of Ulrich or Friedrich
PATRONYMIC_RE = re.compile(r"(?:ovich|evich|ovych|evych|ovitch|evitch|[^r]ich|ych|ovna|evna|ivna|ichna|"
                           r"auna|euna)$")
_INITIAL_RE = re.compile(r"shch|zh|kh|ch|sh|ts|y[aeiou]|[a-z]")


def is_patronymic(word: str) -> bool:
    """True for a word spelled like an East Slavic patronymic (case- and diacritic-blind;
    of a hyphenated word, its last part: "Seit-Umarovich").  Not a South Slavic surname in
    -ić ("Pejčinović"), which folding would spell -ich."""
    if word.casefold().endswith("ć"):
        return False
    parts = norm(word).split()
    return bool(parts) and len(parts[-1]) >= 6 and bool(PATRONYMIC_RE.search(parts[-1]))


def _initial(word: str) -> str:
    m = _INITIAL_RE.match(norm(word))
    return (m.group(0).capitalize() + ".") if m else ""


def short_forms(name: str, initials: bool = True) -> list[str]:
    """How news writes a person listed with a patronymic: given name(s) + surname, the
    first given name + surname, and the surname with initials (given; given and
    patronymic, Russian style).  "Vitali Yur'yevich ZAHARCHENKO" → ["Vitali Zaharchenko",
    "V. Zaharchenko", "V. Yu. Zaharchenko"].  A patronymic is a word between the first and
    the last that :func:`is_patronymic`; the words after the last one are the surname
    (several for "Ivan Ivanovich de Souza").  Words in capitals are re-cased, as the
    importers do.  Empty for a name with no patronymic; ``initials=False`` leaves out the
    forms with initials."""
    from mtqa.gazetteer.importers import recase

    words = name.split()
    if len(words) < 3:
        return []
    pat = [i for i in range(1, len(words) - 1) if is_patronymic(words[i])]
    if not pat:
        return []
    given = words[:pat[0]]  # "Mkrtich Okroevich Okroyan": a given name may look like one
    surname = words[pat[-1] + 1:]
    if not given or not surname:
        return []
    out = [" ".join(given + surname), " ".join(given[:1] + surname)]
    g = _initial(given[0]) if initials else ""
    if g and len(given[0]) > 1:
        out.append(" ".join([g, *surname]))
        p = _initial(words[pat[0]])
        if p:
            out.append(" ".join([g, p, *surname]))
    return list(dict.fromkeys(recase(f) for f in out))


def entry_short_forms(entry: Entry, initials: bool = True) -> list[str]:
    """:func:`short_forms` of a person entry's canonical name and aliases, without its
    accepted forms (empty for other types).  The index accepts them (exact, never
    flagged) without the forms with initials, whose one-letter words would otherwise
    count as words of accepted names; those are matched by their skeleton."""
    if entry.type != "person":
        return []
    acc = {norm(a) for a in entry.accepted}
    out: dict[str, None] = {}
    for a in entry.accepted:
        for f in short_forms(a, initials):
            if norm(f) not in acc:
                out[f] = None
    return list(out)


def has_cyrillic_form(entry: Entry) -> bool:
    return any(lang in CYRILLIC_LANGS and HAS_CYRILLIC.search(form) for lang, form in entry.foreign)


def entry_forms(entry: Entry, learned=None, predictions=None) -> list[tuple[str, str, str, str]]:
    """(kind, text, scheme, source) for every form of an entry; ``predictions`` are the
    learned model's (spelling, probability) for an entry with no Cyrillic form (computed
    here from ``learned`` when not given)."""
    from mtqa.gazetteer.translit import romanizations

    out: list[tuple[str, str, str, str]] = [("name", entry.name, "", "")]
    out += [("alias", a, "", "") for a in entry.aliases]
    out += [("short", a, "", "") for a in entry_short_forms(entry)]
    if entry.type == "person":
        for a in entry.accepted:
            words = norm(a).split()
            if len(words) > 1 and len(words[-1]) > 2:
                last = a.replace("-", " ").split()[-1]
                out.append(("surname", last, "", ""))
    has_cyr = False
    for lang, form in entry.foreign:
        if lang not in CYRILLIC_LANGS or not HAS_CYRILLIC.search(form):
            continue
        has_cyr = True
        for scheme, rom in romanizations(form, lang).items():
            out.append(("translit", rom, scheme, f"{lang}:{form}"))
            if entry.type == "person":
                words = rom.replace("-", " ").split()
                if len(words) > 1 and len(words[-1]) > 2:
                    out.append(("tsurname", words[-1], scheme, f"{lang}:{form}"))
    if predictions is None and learned is not None and not has_cyr:
        predictions = learned.predict_name_scored(entry.name, LEARNED_NBEST)
    if predictions and not has_cyr:
        from mtqa.gazetteer.translit import romanize

        for cyr, _ in predictions[:LEARNED_FORMS]:
            for scheme in ("simple", "bgn_pcgn"):
                out.append(("learned", romanize(cyr, scheme), scheme, f"predicted ru:{cyr}"))
    return out


class LazyEntries(Sequence):
    """Entries kept as their JSON rows (what the on-disk cache stores) and decoded
    on first access: a run that never reports a name never decodes them."""

    def __init__(self, rows: list[str]):
        self._rows = rows
        self._made: list[Entry | None] = [None] * len(rows)

    @staticmethod
    def row(e: Entry) -> str:
        return json.dumps([e.id, e.name, e.type, list(e.aliases), [list(x) for x in e.foreign], list(e.context),
                           e.note, e.source], ensure_ascii=False)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._rows)))]
        e = self._made[i]
        if e is None:
            r = json.loads(self._rows[i])
            e = self._made[i] = Entry(r[0], r[1], r[2], tuple(r[3]), tuple((a, b) for a, b in r[4]), tuple(r[5]),
                                      r[6], r[7])
        return e


class SortedWords:
    """A set of words kept as the sorted list the on-disk cache stores: membership by
    bisection at first, and a frozenset, built once, after :data:`BUILD_AFTER` lookups (a
    short document never pays for hashing 60,000 words; a long one asks often enough to)."""

    __slots__ = ("_words", "_set", "_left")
    BUILD_AFTER = 4096

    def __init__(self, words: list[str]):
        self._words = words  # sorted
        self._set: "frozenset[str] | None" = None
        self._left = self.BUILD_AFTER

    def __contains__(self, word) -> bool:
        s = self._set
        if s is not None:
            return word in s
        self._left -= 1
        if self._left <= 0:
            self._set = frozenset(self._words)
            return word in self._set
        if type(word) is not str:
            return False
        ws = self._words
        i = bisect_left(ws, word)
        return i < len(ws) and ws[i] == word

    def __iter__(self):
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


class FormTable:
    """The forms as columns (what the on-disk cache stores); a :class:`Form` object
    is made only for a form a lookup returns."""

    __slots__ = ("entry", "kind", "text", "skel", "schemes", "source", "close", "_made")

    def __init__(self, entry, kind, text, skel, schemes, source, close):
        self.entry, self.kind, self.text, self.skel = entry, kind, text, skel
        self.schemes, self.source, self.close = schemes, source, close
        self._made: dict[int, Form] = {}

    @classmethod
    def of(cls, forms: "Sequence[Form]") -> "FormTable":
        return cls(array("i", [f.entry for f in forms]), [f.kind for f in forms], [f.text for f in forms],
                   [f.skel for f in forms], [f.schemes for f in forms], [f.source for f in forms],
                   bytes(bool(f.close) for f in forms))

    def __len__(self) -> int:
        return len(self.skel)

    def __getitem__(self, i: int) -> Form:
        f = self._made.get(i)
        if f is None:
            if i < 0:
                i += len(self.skel)
            f = self._made[i] = Form(self.entry[i], self.kind[i], self.text[i], self.skel[i], self.schemes[i],
                                     self.source[i], bool(self.close[i]))
        return f

    def __iter__(self):
        return (self[i] for i in range(len(self.skel)))


class GazetteerIndex:
    """Entries plus the exact and blocked indexes over their forms."""

    def __init__(self, entries: Sequence[Entry], forms: "list[Form] | FormTable", prior: Sequence[float] | None = None,
                 house_style: Sequence[tuple[str, str]] = (), common_words: Iterable[str] = (),
                 blocks: "tuple[array, array, array] | None" = None, attested_words: Iterable[str] | None = (),
                 token_tables: "tuple[Iterable[str], Iterable[str]] | None" = None,
                 cons: "list[str] | None" = None, accepted: "dict[str, list[int]] | None" = None,
                 surnames: "dict[str, list[int]] | None" = None,
                 learned_keys: "tuple[array, array, array, array] | None" = None):
        self.entries = entries if isinstance(entries, LazyEntries) else list(entries)
        self.forms = forms if isinstance(forms, FormTable) else FormTable.of(forms)
        table = self.forms
        self.prior = list(prior) if prior is not None else None
        self.house_style = list(house_style)
        self._skels = table.skel
        # tuples, not lists: tuples of ints drop out of the cyclic garbage collector's
        # work, which on a 100k-entry gazetteer otherwise rescans half a million lists
        by: dict[str, tuple[int, ...]] = {}
        get = by.get
        for fi, sk in enumerate(self._skels):
            t = get(sk)
            by[sk] = (fi,) if t is None else t + (fi,)
        self.by_skel = by
        if accepted is None:
            accepted = {}
            for ei, e in enumerate(self.entries):
                for a in (*e.accepted, *entry_short_forms(e, initials=False)):
                    lst = accepted.setdefault(norm(a), [])
                    if ei not in lst:
                        lst.append(ei)
        self.accepted: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in accepted.items()}
        if surnames is None:
            surnames = {}
            for fi, kind in enumerate(table.kind):
                if kind == "surname":
                    lst = surnames.setdefault(norm(table.text[fi]), [])
                    if table.entry[fi] not in lst:
                        lst.append(table.entry[fi])
        self.surnames: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in surnames.items()}
        self.common_words = common_words if isinstance(common_words, SortedWords) else frozenset(common_words)
        # rarer words still seen in English text (None: loaded on first use by the owner)
        self._attested = frozenset(attested_words) if attested_words is not None else None
        self.attested_loader = None  # returns the words sorted
        self.token_tables = (frozenset(token_tables[0]), token_tables[1] if isinstance(token_tables[1], SortedWords)
                             else frozenset(token_tables[1])) if token_tables else None
        self.lookalike_raw: "frozenset[str] | None" = None  # set by the loader or the matcher
        self._cons = cons if cons is not None else [consonant_key(sk) for sk in self._skels]
        if blocks is not None:
            self._hashes, self._ids, self._offsets = blocks
        else:
            self._build_blocks()
        self._shift = 32 - (len(self._offsets) - 1).bit_length() + 1
        self._tokens: "frozenset[str] | None" = None
        self._ctokens: "frozenset[str] | None" = None
        # learned keys: (64-bit key hashes, entries, probabilities, bucket offsets), sorted by hash
        self._rk = learned_keys if learned_keys is not None and len(learned_keys[0]) else None
        self.accepted_tokens = frozenset(w for k in self.accepted for w in k.split())
        self._surname_index: "dict[str, tuple[int, ...]] | None" = None

    # -- construction ------------------------------------------------------
    @classmethod
    def build(cls, entries: Sequence[Entry], learned=None, prior=None, house_style=(), common_words=(),
              attested_words=()) -> "GazetteerIndex":
        forms: list[Form] = []
        rk_rows: dict[tuple[int, int], float] = {}
        for ei, e in enumerate(entries):
            preds = None
            if learned is not None and not has_cyrillic_form(e):
                preds = learned.predict_name_scored(e.name, LEARNED_NBEST)
                _learned_key_rows(rk_rows, ei, preds)
            seen: dict[str, Form] = {}
            for kind, text, scheme, source in entry_forms(e, predictions=preds):
                sk = skeleton(text)
                if not sk:
                    continue
                f = seen.get(sk)
                if f is None:
                    seen[sk] = Form(ei, kind, text, sk, scheme, source)
                elif KIND_RANK[kind] < KIND_RANK[f.kind]:
                    seen[sk] = Form(ei, kind, text, sk, scheme, source)
                elif kind == f.kind and scheme and scheme not in f.schemes.split(","):
                    f.schemes = f"{f.schemes},{scheme}" if f.schemes else scheme
            accepted = [skeleton(a) for a in e.accepted]
            for f in seen.values():
                if f.kind in ("translit", "tsurname", "learned"):
                    f.close = is_close(f.skel, accepted)
            forms.extend(seen.values())
        index = cls(entries, forms, prior=prior, house_style=house_style, common_words=common_words,
                    attested_words=attested_words, learned_keys=_learned_key_table(rk_rows) if learned else None)
        index.token_sets()  # part of building (a cached index makes them on its first fuzzy lookup)
        return index

    def _build_blocks(self) -> None:
        """Postings sorted by the 32-bit hash of their blocking key, plus a table of
        where each value of the hash's top bits starts, so that a key is found by a
        bisection over a few postings."""
        pairs: list[tuple[int, int]] = []
        for fi, sk in enumerate(self._skels):
            for k in block_keys(sk):
                pairs.append((key_hash(k), fi))
        pairs.sort()
        self._hashes = array("I", [h for h, _ in pairs])
        self._ids = array("i", [i for _, i in pairs])
        self._offsets = block_offsets(self._hashes)

    @property
    def tokens(self) -> frozenset[str]:
        """Skeletons of every word of every form (a quick 'could this word be part of a name' test)."""
        if self._tokens is None:
            self._tokens = frozenset(w for sk in self._skels for w in sk.split())
        return self._tokens

    # -- queries -------------------------------------------------------------
    @property
    def surname_index(self) -> "dict[str, tuple[int, ...]]":
        """Surname key → person entries (in index order).  The surnames are the last word
        of each person's name, aliases and short forms and of the romanizations of its
        Cyrillic forms; each is filed under its skeleton and its :func:`ru_key`, so any
        casing ("ZAHARCHENKO") and any transliteration ("Zakharchenko", "Khramcov" for
        "Khramtsov") finds the same entries (:meth:`surname_entries`).  Built on first use."""
        if self._surname_index is None:
            out: dict[str, list[int]] = {}
            table = self.forms
            for fi, kind in enumerate(table.kind):
                if kind == "surname" or kind == "tsurname":
                    ei = table.entry[fi]
                    for key in ("s:" + table.skel[fi], "r:" + ru_key(table.text[fi])):
                        lst = out.setdefault(key, [])
                        if ei not in lst:
                            lst.append(ei)
            self._surname_index = {k: tuple(sorted(v)) for k, v in out.items()}
        return self._surname_index

    def surname_entries(self, surname: str) -> tuple[int, ...]:
        """Indexes of the person entries with this surname, in any casing or
        transliteration (see :attr:`surname_index`)."""
        if not surname.strip():
            return ()
        idx = self.surname_index
        found = set(idx.get("s:" + skeleton(surname), ())) | set(idx.get("r:" + ru_key(surname), ()))
        return tuple(sorted(found))

    @property
    def attested_words(self) -> "frozenset[str] | SortedWords":
        if self._attested is None:
            self._attested = SortedWords(self.attested_loader()) if self.attested_loader else frozenset()
        return self._attested

    def is_accepted(self, text: str) -> bool:
        """True if the text is, modulo case and typography, a canonical name or alias."""
        return norm(text) in self.accepted

    def block(self, skel: str, ck: str | None = None) -> list[int]:
        """Form ids filed under the query skeleton's blocking keys (unique; blocks longer than MAX_BLOCK skipped).

        Two exact shortcuts skip keys that cannot be filed: a one-deletion neighbour
        (on both sides) changes at most two words, so a query of n words needs at
        least n - 2 of them among the forms' words; a consonant key needs every word's
        consonant key among the forms'.  Most multi-word windows of running text fail
        both and cost two set lookups instead of a dozen probes."""
        words = skel.split()
        n = len(words)
        tokens, ctokens = self.token_sets()
        if ck is None:
            ck = consonant_key(skel)
        use_dels = n < 3 or sum(w in tokens for w in words) >= n - 2
        if not use_dels and not all(w in ctokens for w in ck.split()):
            return []
        if use_dels:
            keys = block_keys(skel, ck)
        else:
            keys = ["C" + ck]
        hashes, ids, offsets, shift = self._hashes, self._ids, self._offsets, self._shift
        out: set[int] = set()
        for k in keys:
            h = key_hash(k)
            b = h >> shift
            lo, hi = offsets[b], offsets[b + 1]
            if lo == hi:
                continue
            a = bisect_left(hashes, h, lo, hi)
            if a == hi or hashes[a] != h:
                continue
            e = bisect_right(hashes, h, a, hi)
            if e - a <= MAX_BLOCK:
                out.update(ids[a:e])
        return list(out)

    def token_sets(self) -> tuple[frozenset, frozenset]:
        """(every word of every form's skeleton, every word of every consonant key)."""
        if self._ctokens is None:
            self._ctokens = frozenset(w for ck in self._cons for w in ck.split())
        return self.tokens, self._ctokens

    def lookup(self, query: str, top: int = 5, min_confidence: float = 0.3, types: Iterable[str] | None = None,
               fuzzy: bool = True) -> list[Candidate]:
        """Best entries for a query string, highest confidence first.

        Ranked by a score that is the confidence except for matches of a learned
        key (the query's :func:`ru_key` is a key of a spelling the learned model
        predicts for an entry with no Cyrillic form): those rank by the model's
        probability of that spelling, above skeleton matches of English forms and
        below exact names, while their confidence stays that of a prediction
        (0.8-0.95)."""
        typeset = set(types) if types else None
        n = norm(query)
        entries = self.entries
        table = self.forms
        f_entry, f_kind = table.entry, table.kind
        # entry -> (score, confidence, distance, form id (-1 an exact name/alias, -2 a learned key), how)
        best: dict[int, tuple] = {}

        def offer(ei: int, conf: float, dist: float, fi: int, how: str, score: float | None = None) -> None:
            if typeset and entries[ei].type not in typeset:
                return
            sc = conf if score is None else score
            old = best.get(ei)
            if old is None or sc > old[0]:
                best[ei] = (sc, conf, dist, fi, how)

        for ei in self.accepted.get(n, ()):
            e = entries[ei]
            offer(ei, 1.0, 0.0, -1, "name" if norm(e.name) == n else
                  "alias" if any(norm(a) == n for a in e.aliases) else "short")
        sk = skeleton(query)
        if not sk:
            return []
        for fi in self.by_skel.get(sk, ()):
            offer(f_entry[fi], EXACT_SKELETON_CONF[f_kind[fi]], 0.0, fi, "skeleton")
        if self._rk is not None:
            for ei, w in self.learned_keys(ru_key(query)):
                w = min(w, 1.0)
                offer(ei, LEARNED_KEY_CONF + 0.15 * w, 0.0, -2, "learned", score=LEARNED_KEY_SCORE + 0.02 * w)
        # a fuzzy match scores below every exact one (< 0.97): when top + 1 candidates already
        # score at least that, the fuzzy index cannot change the answer
        if fuzzy and sum(1 for v in best.values() if v[0] >= FUZZY_CEILING) <= top:
            qc = consonant_key(sk)
            ids = self.block(sk, qc)
            if ids:
                skels = self._skels
                found = process.extract(sk, itemgetter(*ids)(skels) if len(ids) > 1 else [skels[ids[0]]],
                                        scorer=Levenshtein.distance,
                                        limit=max(top * 5, 25), score_cutoff=max(2, len(sk) // 3))
                cons = self._cons
                prior = self.prior
                lev = Levenshtein.distance
                scored = []
                for _, dist, pos in found:
                    if dist == 0:
                        continue  # offered above as an exact skeleton match
                    fi = ids[pos]
                    # vowel edits count half: "henmen" is nearer "henman" than "heimen"
                    eff = 0.5 * dist + 0.5 * lev(qc, cons[fi])
                    scored.append((eff, -prior[f_entry[fi]] if prior is not None else 0.0, fi))
                scored.sort()
                for eff, _, fi in scored[: top * 2]:
                    kind = f_kind[fi]
                    conf = fuzzy_confidence(sk, skels[fi], eff, kind)
                    if conf >= min_confidence:
                        offer(f_entry[fi], conf, eff, fi, "fuzzy")
        ranked = self._ranked(best)
        out: list[Candidate] = []
        for ei, (_, conf, dist, fi, how) in ranked[: top + 1]:
            if fi == -1:
                e = entries[ei]
                what = {"name": "canonical name", "alias": "alias",
                        "short": "short form (given name + surname or initials; patronymic dropped)"}[how]
                out.append(Candidate(e, conf, how, e.name if how == "name" else query, 0.0, "",
                                     f"exact {what}", form_kind=how, index=ei))
            elif fi == -2:
                out.append(self._learned_candidate(ei, query, conf))
            else:
                out.append(self._candidate(table[fi], dist, conf, how))
        _ambiguity(out)
        # rank order is confidence order: a candidate ranked below a likelier one (a learned
        # key outranks a skeleton match of an English form) is capped at that one's confidence
        for prev, c in zip(out, out[1:]):
            if c.confidence > prev.confidence:
                c.confidence = prev.confidence
                c.evidence += f"; ranked below '{prev.entry.name}'"
        return [c for c in out if c.confidence >= min_confidence][:top]

    def _ranked(self, best: dict) -> list:
        """Candidates by score, then smaller distance, then the more frequent entry
        (``prior``), then name and id (looked up only to order exact ties)."""
        prior = self.prior
        keyed = [((-round(v[0], 6), v[2], -prior[ei] if prior is not None else 0.0), ei, v) for ei, v in best.items()]
        keyed.sort(key=itemgetter(0))
        n = len(keyed)
        i = 0
        while i < n - 1:
            j = i + 1
            while j < n and keyed[j][0] == keyed[i][0]:
                j += 1
            if j - i > 1:
                entries = self.entries
                keyed[i:j] = sorted(keyed[i:j], key=lambda t: (entries[t[1]].name, entries[t[1]].id))
            i = j
        return [(ei, v) for _, ei, v in keyed]

    def learned_keys(self, key: str) -> list[tuple[int, float]]:
        """(entry, probability) of the learned spellings whose :func:`ru_key` is ``key``."""
        hashes, ents, weights, offsets = self._rk
        h = key_hash64(key)
        b = h >> (64 - (len(offsets) - 1).bit_length() + 1)
        lo, hi = offsets[b], offsets[b + 1]
        if lo == hi:
            return []
        a = bisect_left(hashes, h, lo, hi)
        out = []
        while a < hi and hashes[a] == h:
            out.append((ents[a], weights[a]))
            a += 1
        return out

    def _learned_candidate(self, ei: int, query: str, conf: float) -> Candidate:
        e = self.entries[ei]
        p = (conf - LEARNED_KEY_CONF) / 0.15
        c = Candidate(e, conf, "learned", query, 0.0, "",
                      f"learned-key match: a Russian spelling the learned model predicts for '{e.name}' "
                      f"(p={p:.2f}) romanizes as '{query}'")
        c.close = True  # a predicted spelling of the English name: a transliteration by construction
        c.form_kind = "learned"
        c.index = ei
        c.source = "predicted ru"
        return c

    def _rank(self, c: Candidate):
        """Highest confidence first; then the smaller edit distance, the more frequent
        entry (``prior``, when the index has one), the name."""
        p = self.prior[c.index] if self.prior is not None else 0.0
        return (-round(c.confidence, 6), c.distance, -p, c.entry.name, c.entry.id)

    def _candidate(self, f: Form, dist: int, conf: float, how: str) -> Candidate:
        e = self.entries[f.entry]
        if f.kind in ("translit", "tsurname"):
            ev = f"{how} match of {f.source} romanized '{f.text}' ({f.schemes})"
        elif f.kind == "learned":
            ev = f"{how} match of {f.source} romanized '{f.text}' (learned transliteration)"
        else:
            ev = f"{how} match of {f.kind} '{f.text}'"
        if dist:
            ev += f"; skeleton distance {dist:g}"
        c = Candidate(e, conf, f.kind if how == "skeleton" or dist == 0 else "fuzzy", f.text, float(dist),
                      f.schemes, ev)
        c.close = f.close
        c.form_kind = f.kind
        c.index = f.entry
        c.source = f.source
        return c


def _learned_key_rows(rows: dict, ei: int, predictions) -> None:
    """Add the keys of an entry's predicted Russian spellings (a spelling with ё also
    under е: ICAO and Moscow Metro write e) with their probabilities."""
    for cyr, p in predictions:
        keys = {ru_key(cyr)}
        if "ё" in cyr:
            keys.add(ru_key(cyr.replace("ё", "е")))
        for k in keys:
            h = key_hash64(k)
            rows[(h, ei)] = rows.get((h, ei), 0.0) + p


def _learned_key_table(rows: dict) -> "tuple[array, array, array, array]":
    order = sorted(rows)
    hashes = array("Q", [h for h, _ in order])
    return (hashes, array("i", [ei for _, ei in order]), array("f", [rows[k] for k in order]),
            block_offsets(hashes, 64))


CLOSE_RATIO = 60


def is_close(skel: str, accepted_skels: Sequence[str]) -> bool:
    """True if a romanized foreign form is a transliteration of one of the entry's
    English forms (or of its last word), not a translation ("Tsentrobank" for
    Bank of Russia) or an exonym ("Viden" for Vienna)."""
    from rapidfuzz import fuzz

    for a in accepted_skels:
        if fuzz.token_sort_ratio(skel, a) >= CLOSE_RATIO:
            return True
        words = a.split()
        if len(skel.split()) == 1 and words and fuzz.ratio(skel, words[-1]) >= CLOSE_RATIO:
            return True
    return False


def block_keys(skel: str, ck: str | None = None) -> list[str]:
    """The skeleton's one-deletion neighbourhood ("S" keys; the skeleton itself when
    shorter than three letters) and its consonant key ``ck`` ("C"), each once."""
    keys = ["S" + d for d in deletions(skel)] if len(skel) >= 3 else ["S" + skel]
    keys.append("C" + (consonant_key(skel) if ck is None else ck))
    return keys


def key_hash(key: str) -> int:
    """The 32-bit hash a blocking key is filed under (the same in every process; a
    rare collision only adds candidates that the distance then rejects)."""
    return crc32(key.encode("utf-8", "surrogatepass"))


def key_hash64(key: str) -> int:
    """A 64-bit hash of a learned key (collisions among a million keys are negligible)."""
    b = key.encode("utf-8", "surrogatepass")  # a lone surrogate (undecodable input) hashes too
    return (crc32(b) << 32) | adler32(b)


def block_offsets(hashes: "array", width: int = 32) -> "array":
    """offsets[b] = index of the first posting whose hash's top bits are >= b, for
    2**bits buckets with bits chosen so that a bucket holds about four postings."""
    bits = max(4, min(24, (max(len(hashes), 1) // 4).bit_length()))
    shift = width - bits
    counts = [0] * ((1 << bits) + 1)
    for h in hashes:
        counts[(h >> shift) + 1] += 1
    return array("i", accumulate(counts))


def fuzzy_confidence(query_skel: str, form_skel: str, dist: int, kind: str) -> float:
    """Confidence of a fuzzy match: the exact-match confidence of the form's kind,
    scaled down by the normalised edit distance (one edit in ten letters ≈ ×0.8)."""
    length = max(len(query_skel), len(form_skel))
    rel = dist / max(length, 1)
    scale = max(0.0, 1.0 - 2.0 * rel)
    if length <= 4:
        scale *= 0.7  # one edit in a short word says little
    return EXACT_SKELETON_CONF[kind] * scale


def _ambiguity(cands: list[Candidate]) -> None:
    """Lower the confidence of a fuzzy best candidate when a different entry is
    just as close: the evidence does not single one out."""
    if len(cands) < 2 or cands[0].confidence >= 1.0:
        return
    a, b = cands[0], cands[1]
    if b.entry.name != a.entry.name and a.confidence - b.confidence < 0.05 and a.key == "fuzzy":
        a.confidence *= 0.85
        a.evidence += f"; as close to '{b.entry.name}'"
        for c in cands[1:]:  # the runners-up are no better evidenced: keep the list in confidence order
            c.confidence = min(c.confidence, a.confidence)
