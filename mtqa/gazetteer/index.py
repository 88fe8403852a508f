"""The gazetteer index: exact keys plus a blocked fuzzy index.

Every entry contributes *forms*, each with the kind of evidence it stands for:

========== ==================================================================
kind       form
========== ==================================================================
name       the canonical English name
alias      an accepted English alias
surname    the last word of a person's canonical name or alias ("Peskov")
translit   a romanization of a Cyrillic foreign form, in one or more schemes
           (``bgn_pcgn``, ``icao_doc_9303``, ``simple``…): what MT writes
tsurname   the last word of such a romanization ("Moravetskiy")
learned    a romanization of the Cyrillic spelling the learned English→Russian
           transliteration model predicts for an entry with no Cyrillic form
========== ==================================================================

Lookup never scans all forms.  ``norm`` of the query is looked up in the
accepted-forms dict (exact canonical/alias: confidence 1), the skeleton in
the skeleton dict, and candidates for fuzzy scoring come from a blocked
index: every form is filed under each one-deletion variant of its skeleton
(a SymSpell neighbourhood, so one edit on either side meets) and under its
consonant key; the query's variants are looked up with one ``searchsorted``
over a sorted array of 63-bit key hashes.  Only the forms in those blocks
are scored, with rapidfuzz's Levenshtein distance on the skeletons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from array import array
from bisect import bisect_left, bisect_right
from rapidfuzz.distance import Levenshtein
from rapidfuzz import process

from mtqa.gazetteer.keys import HAS_CYRILLIC, consonant_key, deletions, norm, skeleton, stable_hash
from mtqa.gazetteer.model import Candidate, Entry

KIND_ORDER = ("name", "alias", "surname", "translit", "tsurname", "learned")
KIND_RANK = {k: i for i, k in enumerate(KIND_ORDER)}
# confidence of an exact skeleton match, by the kind of form matched
EXACT_SKELETON_CONF = {"name": 0.97, "alias": 0.96, "surname": 0.9, "translit": 0.95, "tsurname": 0.88,
                       "learned": 0.85}
CYRILLIC_LANGS = ("ru", "uk", "be", "bg")
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


def entry_forms(entry: Entry, learned=None) -> list[tuple[str, str, str, str]]:
    """(kind, text, scheme, source) for every form of an entry."""
    from mtqa.gazetteer.translit import romanizations

    out: list[tuple[str, str, str, str]] = [("name", entry.name, "", "")]
    out += [("alias", a, "", "") for a in entry.aliases]
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
    if learned is not None and not has_cyr:
        for cyr in learned.predict_name(entry.name):
            for scheme in ("simple", "bgn_pcgn"):
                from mtqa.gazetteer.translit import romanize

                out.append(("learned", romanize(cyr, scheme), scheme, f"predicted ru:{cyr}"))
    return out


class GazetteerIndex:
    """Entries plus the exact and blocked indexes over their forms."""

    def __init__(self, entries: Sequence[Entry], forms: list[Form], prior: Sequence[float] | None = None,
                 house_style: Sequence[tuple[str, str]] = (), common_words: Iterable[str] = (),
                 blocks: "tuple[array, array] | None" = None, attested_words: Iterable[str] | None = (),
                 token_tables: "tuple[Iterable[str], Iterable[str]] | None" = None,
                 cons: "list[str] | None" = None, accepted: "dict[str, list[int]] | None" = None):
        self.entries = list(entries)
        self.forms = forms
        self.prior = list(prior) if prior is not None else None
        self.house_style = list(house_style)
        self.by_skel: dict[str, list[int]] = {}
        for fi, f in enumerate(forms):
            self.by_skel.setdefault(f.skel, []).append(fi)
        if accepted is None:
            accepted = {}
            for ei, e in enumerate(self.entries):
                for a in e.accepted:
                    lst = accepted.setdefault(norm(a), [])
                    if ei not in lst:
                        lst.append(ei)
        self.accepted: dict[str, list[int]] = accepted
        self.surnames: dict[str, list[int]] = {}
        for f in forms:
            if f.kind == "surname":
                lst = self.surnames.setdefault(norm(f.text), [])
                if f.entry not in lst:
                    lst.append(f.entry)
        self.common_words = frozenset(common_words)
        # rarer words still seen in English text (None: loaded on first use by the owner)
        self._attested = frozenset(attested_words) if attested_words is not None else None
        self.attested_loader = None
        self.token_tables = (frozenset(token_tables[0]), frozenset(token_tables[1])) if token_tables else None
        self.lookalike_raw: "frozenset[str] | None" = None  # set by the loader or the matcher
        self._skels = [f.skel for f in forms]
        self._cons = cons if cons is not None else [consonant_key(f.skel) for f in forms]
        if blocks is not None:
            self._hashes, self._ids = blocks
        else:
            self._build_blocks()
        self.tokens = self._token_keys()
        self.accepted_tokens = frozenset(w for k in self.accepted for w in k.split())

    # -- construction ------------------------------------------------------
    @classmethod
    def build(cls, entries: Sequence[Entry], learned=None, prior=None, house_style=(), common_words=(),
              attested_words=()) -> "GazetteerIndex":
        forms: list[Form] = []
        for ei, e in enumerate(entries):
            seen: dict[str, Form] = {}
            for kind, text, scheme, source in entry_forms(e, learned):
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
        return cls(entries, forms, prior=prior, house_style=house_style, common_words=common_words,
                   attested_words=attested_words)

    def _build_blocks(self) -> None:
        hashes: list[int] = []
        ids: list[int] = []
        for fi, f in enumerate(self.forms):
            for k in block_keys(f.skel):
                hashes.append(stable_hash(k))
                ids.append(fi)
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        self._hashes = array("q", [hashes[i] for i in order])
        self._ids = array("i", [ids[i] for i in order])

    def _token_keys(self) -> frozenset[str]:
        """Skeletons of every word of every form (a quick 'could this word be part of a name' test)."""
        out: set[str] = set()
        for f in self.forms:
            out.update(f.skel.split())
        return frozenset(out)

    # -- queries -------------------------------------------------------------
    @property
    def attested_words(self) -> frozenset:
        if self._attested is None:
            self._attested = frozenset(self.attested_loader() if self.attested_loader else ())
        return self._attested

    def is_accepted(self, text: str) -> bool:
        """True if the text is, modulo case and typography, a canonical name or alias."""
        return norm(text) in self.accepted

    def block(self, skel: str) -> list[int]:
        """Form ids filed under the query skeleton's blocking keys (unique; blocks longer than MAX_BLOCK skipped)."""
        hashes, ids = self._hashes, self._ids
        out: set[int] = set()
        for k in block_keys(skel):
            h = stable_hash(k)
            a = bisect_left(hashes, h)
            if a == len(hashes) or hashes[a] != h:
                continue
            b = bisect_right(hashes, h, a)
            if b - a <= MAX_BLOCK:
                out.update(ids[a:b])
        return list(out)

    def lookup(self, query: str, top: int = 5, min_confidence: float = 0.3, types: Iterable[str] | None = None,
               fuzzy: bool = True) -> list[Candidate]:
        """Best entries for a query string, highest confidence first."""
        typeset = set(types) if types else None
        n = norm(query)
        entries = self.entries
        forms = self.forms
        # entry -> (confidence, distance, form id or -1 for an exact name/alias, how)
        best: dict[int, tuple] = {}

        def offer(ei: int, conf: float, dist: float, fi: int, how: str) -> None:
            if typeset and entries[ei].type not in typeset:
                return
            old = best.get(ei)
            if old is None or conf > old[0]:
                best[ei] = (conf, dist, fi, how)

        for ei in self.accepted.get(n, ()):
            offer(ei, 1.0, 0.0, -1, "name" if norm(entries[ei].name) == n else "alias")
        sk = skeleton(query)
        if not sk:
            return []
        for fi in self.by_skel.get(sk, ()):
            f = forms[fi]
            offer(f.entry, EXACT_SKELETON_CONF[f.kind], 0.0, fi, "skeleton")
        if fuzzy:
            ids = self.block(sk)
            if ids:
                skels = self._skels
                found = process.extract(sk, [skels[i] for i in ids] if len(ids) > 1 else [skels[ids[0]]],
                                        scorer=Levenshtein.distance,
                                        limit=max(top * 5, 25), score_cutoff=max(2, len(sk) // 3))
                qc = consonant_key(sk)
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
                    scored.append((eff, -prior[forms[fi].entry] if prior is not None else 0.0, fi))
                scored.sort()
                for eff, _, fi in scored[: top * 2]:
                    f = forms[fi]
                    conf = fuzzy_confidence(sk, f.skel, eff, f.kind)
                    if conf >= min_confidence:
                        offer(f.entry, conf, eff, fi, "fuzzy")
        prior = self.prior
        ranked = sorted(best.items(), key=lambda kv: (-round(kv[1][0], 6), kv[1][1],
                                                     -(prior[kv[0]] if prior is not None else 0.0),
                                                     entries[kv[0]].name, entries[kv[0]].id))
        out: list[Candidate] = []
        for ei, (conf, dist, fi, how) in ranked[: top + 1]:
            if fi < 0:
                e = entries[ei]
                out.append(Candidate(e, conf, how, e.name if how == "name" else query, 0.0, "",
                                     f"exact {'canonical name' if how == 'name' else 'alias'}", form_kind=how,
                                     index=ei))
            else:
                out.append(self._candidate(forms[fi], dist, conf, how))
        _ambiguity(out)
        return [c for c in out if c.confidence >= min_confidence][:top]

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


def block_keys(skel: str) -> list[str]:
    keys = {"S" + d for d in deletions(skel)} if len(skel) >= 3 else {"S" + skel}
    keys.add("C" + consonant_key(skel))
    return sorted(keys)


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
