"""Step 2: every spelling a mention may be a garble of, from every source.

Sources (a candidate may come from several; each is a channel of the evidence):

``lookup``
    the gazetteer lookup ``mtqa normalize`` runs (curated and imported entries:
    exact and fuzzy phonetic skeletons, the romanizations of each entry's Cyrillic
    forms in eight schemes, the learned transliteration's keys).  A mention that is an
    entry's own name, alias or surname gets nothing from it: a curated or imported
    spelling is never "corrected".  A one-word mention of a person is aligned to the
    word of the entry it stands for ("Sakashvili" → "Saakashvili"); a two-word run to
    the whole name ("Antoni Blinkin" → "Antony Blinken");
``translit`` / ``ending`` / ``spelling`` / ``document``
    the lexicon channels of :mod:`mtqa.entities.candidates` for a word no lexicon
    knows: the romanization of a name's Russian spelling, a Russian case ending left
    on, one letter off a long well-attested spelling, another spelling in the document;
``translit2``
    a spelling whose Russian key is two edits from the mention's (or from its stem
    less a Russian case ending): the wider net, judged on its evidence like the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from mtqa.entities.candidates import ENDINGS, DocumentNames, candidates as lexicon_candidates, is_suspect
from mtqa.gazetteer.keys import norm, ru_key, skeleton

#: gazetteer lookup: candidates kept per mention, and the lowest confidence kept
LOOKUP_TOP = 3
LOOKUP_MIN = 0.45
#: wider net: spellings two Russian-key edits (or two letters) away, kept per mention
#: (cheapest, then best attested, first)
WIDE_TOP = 20
WIDE_MIN_LETTERS = 6
#: candidates per mention from all sources together (the decision's no-model vector then
#: keeps the likeliest :data:`mtqa.names.pipeline.KEEP` for the language model)
LIMIT = 24
CHANNELS = ("lookup", "translit", "ending", "spelling", "document", "translit2")
_ARTICLE = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az|ul)-", re.I)
#: a lexicon candidate this common in English (wordfreq Zipf) is a word, not a name ("Nighty" is
#: no garble of "Night")
MAX_CANDIDATE_ZIPF = 5.0
_COST = {"document": 0.0, "translit": 0.5, "ending": 1.0, "spelling": 2.0, "translit2": 3.0}


@dataclass
class Proposal:
    """One candidate spelling for a mention, with what proposed it."""

    form: str
    channels: dict = field(default_factory=dict)  # channel -> cost (nats, lower is likelier)
    lookup: float = 0.0  # the gazetteer lookup's confidence (0: not proposed by it)
    entry: object = None  # the gazetteer entry behind a lookup candidate
    key_edits: int = 0  # Russian-key edits of the best lexicon channel
    prior: float = 0.0  # how attested the spelling is (lexicon: log1p(Wikidata people) + population class)

    @property
    def cost(self) -> float:
        return min(self.channels.values()) if self.channels else 9.0

    def channel(self) -> str:
        """The channel to name in a message: the lookup when it proposed it, else the cheapest."""
        if "lookup" in self.channels:
            return "lookup"
        return min(self.channels, key=lambda c: (self.channels[c], c))


def _align(mention: str, entry, pair: bool, after_the: bool = False) -> str:
    """The spelling of ``entry`` that stands in for ``mention``: the whole name for a two-word
    run or a non-person, else the entry word nearest the mention's skeleton."""
    names = (entry.name, *entry.aliases)
    if pair:
        two = [n for n in names if len(n.split()) == 2]
        if not two:
            return entry.name
        sk = skeleton(mention)
        return min(two, key=lambda n: (Levenshtein.distance(skeleton(n), sk), n != entry.name))
    if entry.type != "person" and len(entry.name.split()) > 1:
        words = entry.name.split()
        if words[0] == "The" and after_the:
            return " ".join(words[1:])
        return entry.name
    sk = skeleton(mention)
    # the entry's name words, an Arabic article taken off ("al-Zarqawi" stands for "Zarqawi")
    words = sorted({_ARTICLE.sub("", w) for n in names for w in n.split() if len(w) > 1})
    words = [w for w in words if w[:1].isupper()]
    if not words:
        return entry.name
    return min(words, key=lambda w: (Levenshtein.distance(skeleton(w), sk), w != entry.name.split()[-1], w))


def _common_word(form: str) -> bool:
    from mtqa.names.evidence import zipf

    return zipf(form) >= MAX_CANDIDATE_ZIPF


def _variant(mention: str, form: str) -> bool:
    """Every word that differs is another romanization of the same Russian word
    (Zelenskii/Zelensky: one Russian key) or an accepted variant (``name_variants.tsv``):
    English writes both, nothing to correct."""
    from mtqa.gazetteer.variants import same_group

    a, b = mention.split(), form.split()
    if len(a) != len(b):
        return False
    diff = [(x, y) for x, y in zip(a, b) if norm(x) != norm(y)]
    return bool(diff) and all(ru_key(x) == ru_key(y) or same_group(x, y) for x, y in diff)


class Proposer:
    """Proposes candidates for mentions; holds the per-process caches of the lookups."""

    def __init__(self, gazetteer, lexicon):
        self.gaz = gazetteer
        self.lexicon = lexicon
        self._lookups: dict[str, list] = {}
        self._suspect: dict[str, bool] = {}

    def lookup(self, text: str) -> list:
        got = self._lookups.get(text)
        if got is None:
            got = self._lookups[text] = self.gaz.lookup(text, top=LOOKUP_TOP, min_confidence=LOOKUP_MIN)
        return got

    def suspect(self, form: str) -> bool:
        got = self._suspect.get(form)
        if got is None:
            got = self._suspect[form] = is_suspect(form, self.lexicon)
        return got

    def propose(self, mention, names: DocumentNames, after_the: bool = False) -> list[Proposal]:
        """Candidates for one mention, cheapest first, at most :data:`LIMIT`; [] for a known
        spelling (the mention is an entry's name or alias, or a variant of a native one)."""
        text = mention.text
        found: dict[str, Proposal] = {}

        def get(form: str) -> Proposal | None:
            k = norm(form)
            if not k or k == norm(text):
                return None
            p = found.get(k)
            if p is None:
                p = found[k] = Proposal(form)
            return p

        hits = self.lookup(text)
        if hits and hits[0].key in ("name", "alias", "short") and hits[0].confidence >= 0.99:
            return []  # the mention is an accepted spelling
        for c in hits:
            p = get(_align(text, c.entry, mention.pair, after_the))
            if p is not None and c.confidence > p.lookup:
                p.lookup, p.entry = c.confidence, c.entry
                p.channels["lookup"] = round(3.0 * (1.0 - c.confidence), 3)
        if not mention.pair and self.suspect(text):
            cs, variant = lexicon_candidates(text, self.lexicon, names, limit=12)
            if variant:
                return []
            for c in cs:
                if _common_word(c.form):
                    continue
                p = get(c.form)
                if p is None:
                    continue
                cost = c.cost
                if cost < p.channels.get(c.channel, 99):
                    p.channels[c.channel] = cost
                    p.key_edits = c.edits
                p.prior = max(p.prior, c.prior)
            self._wide(text, get)
        for k in [k for k, p in found.items() if _variant(text, p.form)]:
            del found[k]
        for p in found.values():
            if not p.prior:
                sp = self.lexicon.lookup(p.form)
                p.prior = max((s.prior for s in sp), default=0.0)
        ranked = sorted(found.values(), key=lambda p: (-p.lookup, p.cost, -p.prior, p.form))
        return ranked[:LIMIT]

    def _wide(self, text: str, get) -> None:
        """The wider net: spellings whose Russian key is within two edits of the mention's or of
        its stem less a Russian case ending (Tomasa → Томас → Thomas: channel ``ending``;
        otherwise ``translit2``), or within two letters of it (``spelling``)."""
        low = text.lower()
        found: list = []
        stems = [(text[: len(text) - len(e)], e) for e in ENDINGS if low.endswith(e) and len(low) - len(e) >= 3]
        for stem, _ in stems:
            for sp, d in self.lexicon.by_russian_key(ru_key(stem), 1):
                found.append((sp, "ending", _COST["ending"] + 2.0 * d, d))
        if len(low) >= 4:
            for sp, d in self.lexicon.by_russian_key(ru_key(text), 2):
                if d:
                    found.append((sp, "translit" if d == 1 else "translit2", _COST["translit"] + 2.0 * d, d))
            for sp, d in self.lexicon.by_spelling(text, 2):
                found.append((sp, "spelling", _COST["spelling"] + 2.0 * (d - 1), d))
        found.sort(key=lambda x: (x[2], -x[0].prior, x[0].form))
        for sp, channel, cost, d in found[:WIDE_TOP]:
            if _common_word(sp.form):
                continue
            form = sp.form if not text[:1].isupper() or sp.form[:1].isupper() else sp.form[:1].upper() + sp.form[1:]
            p = get(form)
            if p is not None and cost < p.channels.get(channel, 99):
                p.channels[channel] = cost
                if len(p.channels) == 1:
                    p.key_edits = d
                p.prior = max(p.prior, sp.prior)
