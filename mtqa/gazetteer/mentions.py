"""Document-level names: the mentions of one entity, linked across the document.

News names a person in full once ("Sergei Shoigu") and by surname after that
("Shoigu said", "Shoigu's aide", "Minister Shoigu", a headline).  Machine
translation garbles each mention the same way, so when the scan of
:mod:`mtqa.gazetteer.matcher` finds a garbled full mention ("Sergei Shoigou"),
the rest of the document is searched for the surname standing alone:

* **the same garbled surname** ("Shoigou", "Shoigou's", "Minister Shoigou",
  anywhere in the document, the headline included) is a mention of the same
  person: it gets the surname of the correction ("Shoigu") as its own NAM001
  finding, with the full mention's confidence, linked to that mention;
* **another near spelling of the surname** of a person named in full in the
  document (garbled or correct: "Shoigou" beside "Sergei Shoigu") — skeleton
  equal or one edit away, a word English text never uses, not a gender pair
  (Peskova), not an accepted variant — is a mention too, at confidence 0.8
  (a warning, below ``mtqa fix``'s gate: an editor looks);
* **a surname alone with no full mention** is matched only when it is
  unambiguous (its skeleton is the surname of exactly one gazetteer person,
  and the whole name of nothing else), distinctive (the surname is not an
  ordinary English word, the found word is not one English text uses), at
  least five letters, and carries a romanized-Russian signature
  ("Navalniy", "Zaharova") or has one of the entry's context keywords nearby:
  confidence 0.75, 0.85 with context ("Rutto" for another runner than Ruto,
  "Borrick" for another man than Boric stay silent).

A surname *stands alone* when no other capitalised word is next to it, except
a title before it ("Minister", "Mr.", "President") or a sentence's first word
that is an ordinary English word ("Later Shoigou said").  All-capital words
are linked only as the same garbled surname, in an all-capital headline.

Every garbled hit of an entity (full or surname) carries the entity's group
(``NameHit.group``, NAM001's ``data["group"]``): ``mtqa fix`` applies a
group's corrections all or none (:func:`mtqa.fix.plan`), so the fixed copy
never names one person two ways.  ``NameHit.spellings`` lists every spelling
of the entity seen in the document, correct ones included, for the names
report.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from mtqa.gazetteer.keys import POSSESSIVE, norm, skeleton
from mtqa.gazetteer.matcher import _UP, RUN_RE, NameHit, _gender_pair, _match_case, signature
from mtqa.gazetteer.variants import apply_picks, is_variant

if TYPE_CHECKING:  # pragma: no cover
    from mtqa.gazetteer.resource import Gazetteer

LINKED_NEAR_CONF = 0.8
ALONE_CONF = 0.75
ALONE_CONTEXT_CONF = 0.85
MIN_ALONE_LEN = 5

# a capitalised word, its possessive apart; not the tail of O'Brien or of a hyphenated compound
_WORD = re.compile(rf"(?<![\w'’-])([{_UP}][\w]+)((?:['’]s(?!\w))|['’](?!\w))?(?![\w'’-])")
_PREV = re.compile(r"(\S+)[ \t]+\Z")
_TOKEN = re.compile(r"\S+")
_NEXT = re.compile(rf"[ \t]+([{_UP}][\w'’-]*)")
_SENT_END = re.compile(r"(?:\A|[.!?:;\"“”‘’(\[\n]|—|--)\s*\Z")
# titles before a surname ("Minister Shoigu", "Mr. Peskov"), folded, without a final dot
TITLES = frozenset(
    """mr mrs ms miss dr prof president minister premier chancellor secretary senator sen rep representative
    gov governor mayor general gen colonel col lieutenant lt major maj captain capt admiral adm commander
    sergeant sgt marshal ambassador judge justice prosecutor spokesman spokeswoman speaker deputy chairman
    chairwoman chief director leader king queen prince princess sheikh emir patriarch pope cardinal bishop
    father mullah ayatollah""".split()
)


class _Entity:
    __slots__ = ("ei", "entry", "surnames", "garbled", "spellings", "full")

    def __init__(self, ei: int, entry):
        self.ei = ei
        self.entry = entry
        # the entry's accepted surnames (folded)
        self.surnames = {norm(a).split()[-1] for a in entry.accepted if len(norm(a).split()) > 1}
        self.garbled: dict[str, tuple[str, NameHit]] = {}  # found surname (folded) -> (correct surname, full hit)
        self.spellings: set[str] = set()
        self.full: list[tuple[int, str]] = []  # (start, text) of full mentions, garbled or correct


def link(text: str, hits: list[NameHit], gaz: "Gazetteer", is_allowed) -> list[NameHit]:
    """The hits plus the linked surname mentions, every garbled hit with its entity group."""
    idx = gaz.index
    matcher = gaz.matcher
    entities: dict[int, _Entity] = {}
    by_id: dict[str, int] = {}
    covered: list[tuple[int, int]] = []

    def entity(ei: int) -> _Entity:
        e = entities.get(ei)
        if e is None:
            e = entities[ei] = _Entity(ei, idx.entries[ei])
            by_id[e.entry.id] = ei
        return e

    # 1. garbled full mentions (and the matcher's own surname-alone hits) of person entries
    for h in hits:
        covered.append((h.start, h.end))
        if h.kind != "garbled" or not h.entry_id:
            continue
        if h.index < 0:
            continue
        e = entity(h.index)
        e.spellings.add(h.text)
        words = h.text.split()
        if h.entry_type == "person" and len(words) > 1 and h.suggestion and len(h.suggestion.split()) > 1:
            h.mention = "full"
            e.full.append((h.start, h.text))
            found, right = _bare(words[-1]), _bare(h.suggestion.split()[-1])
            if norm(found) != norm(right) and len(norm(found)) >= 3:
                e.garbled.setdefault(norm(found), (right, h))
        elif h.entry_type == "person":
            h.mention = "surname"
    # 2. correct full mentions of people ("Sergei Shoigu")
    surnames = idx.surnames
    for m in RUN_RE.finditer(text):
        run = m.group(0)
        if " " not in run and "\t" not in run:
            continue
        toks = [(t.start(), t.end(), t.group(0)) for t in _TOKEN.finditer(run)]
        # a full name ends in a surname of the gazetteer: look only at windows ending there
        ends = [k for k, t in enumerate(toks) if k and norm(_bare(t[2])) in surnames]
        if not ends:
            continue
        i = 0
        while i < len(toks) - 1:
            for j in range(min(len(toks), i + 4), i + 1, -1):
                if j - 1 not in ends:
                    continue
                s, e_ = m.start() + toks[i][0], m.start() + toks[j - 1][1]
                span = _bare(text[s:e_])
                eis = [x for x in idx.accepted.get(norm(span), ()) if idx.entries[x].type == "person"]
                if len(eis) == 1 and not _inside(s, e_, covered):
                    ent = entity(eis[0])
                    ent.spellings.add(span)
                    ent.full.append((s, span))
                    covered.append((s, s + len(span)))
                    i = j - 1
                    break
            i += 1
    # 3. surnames standing alone
    garbled_owner: dict[str, list[_Entity]] = {}
    for e in entities.values():
        for k in e.garbled:
            garbled_owner.setdefault(k, []).append(e)
    named = [e for e in entities.values() if e.full]
    # the correct surnames of people with a garbled mention: spellings seen, for the names report
    by_surname: dict[str, list[_Entity]] = {}
    for e in named:
        if e.garbled or any(h.index == e.ei for h in hits if h.kind == "garbled"):
            for sn in e.surnames:
                by_surname.setdefault(sn, []).append(e)
    boring = matcher._boring  # words the matcher found of no interest: never a garbled surname
    quick = not garbled_owner and not by_surname
    covered.sort()
    starts = [a for a, _ in covered]
    new: list[NameHit] = []
    common = matcher.common
    for m in _WORD.finditer(text):
        word = m.group(1)
        if quick and word in boring:
            continue
        key = norm(word)
        owners = garbled_owner.get(key)
        known = by_surname.get(key)
        if not owners and not known and (len(key) < MIN_ALONE_LEN or word.casefold() in common):
            continue  # the common case, decided before anything costs
        s, end = m.start(1), m.end(1)
        k = bisect_right(starts, end) - 1
        if k >= 0 and any(a < end and s < b for a, b in covered[max(0, k - 3):k + 1]):
            continue
        caps = word.isupper()
        # (a) the garbled surname of a full mention
        poss = bool(m.group(2))
        if owners and len(owners) == 1 and _standalone(text, s, end, poss, matcher, caps):
            e = owners[0]
            right, full = e.garbled[key]
            if is_allowed(word):
                continue
            h = NameHit("garbled", s, end, word, _match_case(word, right), full.confidence, full.entry_id,
                        full.entry_type, f"the same person as '{full.text}' ({full.evidence})",
                        list(full.context_seen), mention="surname", linked_to=(full.text, full.start))
            new.append(h)
            e.spellings.add(word)
            continue
        if caps or owners:
            continue
        # a correct surname of a named person: a spelling seen, nothing to report
        if known:
            if len(known) == 1 and _standalone(text, s, end, poss, matcher, False):
                known[0].spellings.add(word)
            continue
        if len(key) < MIN_ALONE_LEN or matcher._is_common(word) or matcher._is_attested(word) \
                or key in idx.accepted_tokens or is_allowed(word):
            continue
        if word in boring:
            continue
        # (b) a near spelling of the surname of a person named in full
        near = [e for e in named if _near(word, e)]
        if near:
            if len(near) == 1 and _standalone(text, s, end, poss, matcher, False):
                e = near[0]
                right = _surname(e.entry)
                first = min(e.full)
                h = NameHit("garbled", s, end, word, apply_picks(_match_case(word, right), gaz.name_picks),
                            LINKED_NEAR_CONF, e.entry.id, e.entry.type,
                            f"the surname of '{first[1]}', named in this document, spelled differently",
                            mention="surname", linked_to=(first[1], first[0]))
                new.append(h)
                e.spellings.add(word)
            continue
        # (c) a surname alone that only the gazetteer knows: unambiguous and distinctive
        if not (matcher._token_status(word) & 1):
            continue
        ei = _unique_surname(idx, word)
        if ei is None or not _standalone(text, s, end, poss, matcher, False):
            continue
        entry = idx.entries[ei]
        right = _surname(entry)
        if matcher._is_common(right) or _gender_pair(word, right) or is_variant(word, entry) \
                or key in (norm(right) + "s", norm(right) + "es"):
            continue
        seen = matcher._context(text, s, end, entry.context)
        if not seen and signature(word) < 1:
            continue  # "Rutto", "Borrick": a name of its own, one letter from a gazetteer surname
        conf = ALONE_CONTEXT_CONF if seen else ALONE_CONF
        ev = f"skeleton match of the surname '{right}' of the only gazetteer person with it"
        if seen:
            ev += "; context: " + ", ".join(f"'{k}'" for k in seen)
        h = NameHit("garbled", s, end, word, apply_picks(_match_case(word, right), gaz.name_picks), conf,
                    entry.id, entry.type, ev, seen, mention="surname")
        new.append(h)
        entity(ei).spellings.add(word)
    # 4. groups
    out = hits + new
    for h in out:
        if h.kind != "garbled" or not h.entry_id:
            continue
        h.group = h.entry_id
        ei = by_id.get(h.entry_id)
        if ei is not None:
            if h.mention == "surname" and h.linked_to is None:
                g = entities[ei].garbled.get(norm(h.text))
                if g is not None:
                    h.linked_to = (g[1].text, g[1].start)
            h.spellings = tuple(sorted(entities[ei].spellings, key=lambda x: (x.casefold(), x)))
    return out


def _bare(w: str) -> str:
    return POSSESSIVE.sub("", w)


def _surname(entry) -> str:
    return entry.name.replace("-", " ").split()[-1]


def _inside(s: int, e: int, spans) -> bool:
    return any(a < e and s < b for a, b in spans)


def _near(word: str, e: _Entity) -> bool:
    """A spelling of the entity's surname: skeleton equal, or one edit from it (six letters up)."""
    w = norm(word)
    for sn in e.surnames:
        if _gender_pair(w, sn) or is_variant(word, e.entry) or w in (sn + "s", sn + "es"):
            return False  # Peskova, Zelenskiy, "the Romneys"
        if skeleton(w) == skeleton(sn) or (len(w) >= 6 and Levenshtein.distance(w, sn) <= 1):
            return True
    return False


def _unique_surname(idx, word: str) -> "int | None":
    """The one person whose surname (English or romanized) has the word's skeleton."""
    found: set[int] = set()
    for fi in idx.by_skel.get(skeleton(word), ()):
        f = idx.forms[fi]
        if f.kind not in ("surname", "tsurname") or idx.entries[f.entry].type != "person":
            return None  # also the whole name of something: a place, an organisation
        found.add(f.entry)
    if len(found) != 1:
        return None
    return next(iter(found))


def _standalone(text: str, s: int, e: int, poss: bool, matcher, caps: bool) -> bool:
    """No capitalised word beside the surname but a title or an ordinary sentence-first word
    before it ("Minister Shoigu", "Later Shoigu said"), and after it only after a possessive
    ("Shoigu's Defence Ministry")."""
    if not poss:
        nxt = _NEXT.match(text, e)
        if nxt and not (caps and nxt.group(1).isupper()):
            return False
    prev = _PREV.search(text, max(0, s - 40), s)
    if not prev:
        return True
    p = prev.group(1)
    if not p[:1].isupper() or not p[-1:].isalnum() and p[-1:] != ".":
        return True  # a lower-case word, or one that ends with punctuation ("Moscow,")
    if caps and p.isupper():
        return True  # an all-capital headline
    bare = p.rstrip(".").casefold()
    if bare in TITLES:
        return True
    if len(bare) == 1:
        return False  # an initial: "Christopher P. Borrick"
    if p.endswith("."):
        return True  # the end of a sentence
    at = prev.start(1)
    return bool(_SENT_END.search(text, max(0, at - 3), at)) and matcher._is_common(p) \
        and norm(p) not in matcher.index.accepted_tokens


def house_picks(text: str, hits: list[NameHit], gaz: "Gazetteer", is_allowed) -> list[NameHit]:
    """House-style hits (NAM003) for the forms of a picked variant group other than the pick
    ("Zelensky" under ``zelensky = "Zelenskyy"``), outside the garbled hits."""
    table = gaz.name_picks
    others = sorted({f for f, p in table.items() if f != p.casefold()})
    if not others:
        return []
    pattern = re.compile(r"(?<![\w'’-])(?:" + "|".join(re.escape(f) for f in others) + r")(?![\w-])", re.I)
    spans = [(h.start, h.end) for h in hits]
    out: list[NameHit] = []
    for m in pattern.finditer(text):
        w = m.group(0)
        if not w[:1].isupper() or _inside(m.start(), m.end(), spans) or is_allowed(w):
            continue
        picked = table[w.casefold()]
        out.append(NameHit("house", m.start(), m.end(), w, _match_case(w, picked), 0.95, entry_type="variant",
                           evidence=f"house style for this name: '{picked}' (accepted variants: "
                                    f"{', '.join(f for f in table if table[f] == picked)})"))
    return out
