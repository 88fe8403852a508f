"""The parts of the shared evaluation data and who may read each: the one definition.

``benchmarks/README.md`` says what each part is for and the rule for moving a boundary.
Every assignment is deterministic: a fixed rule, a salted SHA-256 of a stable key (never
Python's ``hash``), and the explicit lists below of items moved out of a report part.

* **Clean news** (``corpus/clean``), by article: ``calibration`` (even article index, as
  ever: the FLU thresholds and the learned detector were fitted there), ``development``
  and ``report`` (the odd articles, halved by a hash of the article's name).
* **WMT21 name garbles** (``mt_garbles``), by entity: items are grouped by distinct form
  *and* by correction (a form and every accepted spelling of it join one group; groups
  sharing a form or a spelling merge), so no (form, correction) pair and no correction is
  in two parts.  A group goes to ``development`` when the project names any of its forms
  or spellings (rule examples, README, tests, tables: :data:`GARBLE_DEVELOPMENT`), else by
  a hash of its key.
* **MQM** (``mqm``), by document: ``development`` or ``report`` by a hash of the doc id.
* **WMT21 ru-en bitext** (``mt_bitext/wmt21_ru_en``: source, references, system outputs), by
  document: ``development`` or ``report`` by a hash of the doc id.  The source-aware checks
  are tuned on ``development`` documents; their report figures are read on ``report``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Iterable, Sequence

SALT = "mtqa-parts/1"

CLEAN_PARTS = ("calibration", "development", "report")
GARBLE_PARTS = ("development", "report")
MQM_PARTS = ("development", "report")
BITEXT_PARTS = ("development", "report")

#: clean-news articles moved from ``report`` to ``development`` (benchmarks/README.md, "Moving a
#: boundary"): name -> the fix made after a finding there, with its commit.
CLEAN_MOVED: dict[str, str] = {
}

#: keys (folded spellings) of the garble groups that are ``development`` because the project
#: names them: a rule example, the README, a test or a table (found when the split was made by
#: ``python benchmarks/bench_name_garbles.py --leaks``, which also guards it); and groups moved
#: there later when a report-part finding was fixed.
GARBLE_DEVELOPMENT: frozenset[str] = frozenset({
    "aleksandr", "aleksei", "aleksey", "alexei", "alexey", "andrei", "andrey", "ayia",
    "ayia sofia", "baltic", "centre", "corb", "dmitri", "donbas", "donetsk", "dsseldorf",
    "emelyanenko", "evmenov", "furgala", "gagarin", "georgi", "georgiy", "igor", "kaliazin",
    "kronshtadt", "krykhovyak", "laxalta", "leon", "locomotive", "marez", "mike", "mohammad",
    "nauseda", "nikolai", "nikolay", "petr", "rossiya", "sergei", "sergey", "sofia", "soviet",
    "steven", "tatiana", "tinkoff", "ust-katava", "valetta", "vassily", "velikiy", "vladimir",
    "yemelyanenko", "yevgeny", "zelenskyy",
})

#: MQM documents moved from ``report`` to ``development``
MQM_MOVED: dict[str, str] = {
}


def bucket(key: str) -> int:
    """0 or 1, from a salted SHA-256 of ``key`` (stable across Python runs and machines)."""
    return hashlib.sha256(f"{SALT}:{key}".encode("utf-8")).digest()[0] & 1


def fold(s: str) -> str:
    """Case and diacritics folded: 'Nääs' -> 'naas'."""
    d = unicodedata.normalize("NFKD", s)
    return "".join(c for c in d if not unicodedata.combining(c)).casefold().strip()


# ---------------------------------------------------------------- clean news

def clean_part(name: str, index: int) -> str:
    """The part of the clean article ``name`` (e.g. ``bbc:12``), ``index``-th in reading order."""
    if index % 2 == 0:
        return "calibration"
    if name in CLEAN_MOVED:
        return "development"
    return "report" if bucket(name) else "development"


# ---------------------------------------------------------------- WMT21 name garbles

def garble_groups(items: Sequence[dict]) -> list[str]:
    """Per item, the key of its group: the smallest folded spelling among the forms and the
    accepted spellings that are linked to it (through shared forms or shared spellings)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the root is the smallest key: deterministic

    for it in items:
        form = fold(it["text"])
        find(form)
        for c in it["correct"]:
            union(form, fold(c))
    return [find(fold(it["text"])) for it in items]


def garble_spellings(items: Sequence[dict]) -> dict[str, set[str]]:
    """group key -> every folded form and accepted spelling of the group."""
    out: dict[str, set[str]] = {}
    for it, key in zip(items, garble_groups(items)):
        out.setdefault(key, set()).update(fold(s) for s in (it["text"], *it["correct"]))
    return out


def garble_parts(items: Sequence[dict]) -> list[str]:
    """Per item, ``development`` or ``report``: by group, never by segment."""
    spellings = garble_spellings(items)
    part = {key: "development" if (spellings[key] & GARBLE_DEVELOPMENT or not bucket(key)) else "report"
            for key in spellings}
    return [part[k] for k in garble_groups(items)]


# ---------------------------------------------------------------- MQM

def mqm_part(doc: str) -> str:
    """``development`` or ``report`` for an MQM document id (all its segments, systems, raters)."""
    if doc in MQM_MOVED:
        return "development"
    return "report" if bucket(doc) else "development"


# ---------------------------------------------------------------- WMT21 ru-en bitext

#: WMT21 ru-en documents moved from ``report`` to ``development`` (see "Moving a boundary")
BITEXT_MOVED: dict[str, str] = {
    "izvestiya.520987": "SRC001: an English date before a comma and a number ('July 26, 106 Russians') was "
                        "not read as a date (mtqa/source/numbers.py, the source-aware issue's first commit)",
    "sport-express.ru.327620": "SRC002: a cheap dropped bead and a cheap added bead three sentences apart slid "
                               "free translations one place (the 3-bead misalignment rule in omissions.py)",
    "voa-golos-ameriki-ru.1954": "SRC002: razdel read 'нем.' as an abbreviation and merged two lines; the "
                                 "word-count term of the aligner is now capped at 2.5 sigma",
}


def bitext_part(doc: str) -> str:
    """``development`` or ``report`` for a WMT21 ru-en document id (all its lines, in every file)."""
    if doc in BITEXT_MOVED:
        return "development"
    return "report" if bucket(f"bitext:{doc}") else "development"


def keep(part: str, wanted: str | Iterable[str]) -> bool:
    """Whether an item of ``part`` is read when ``wanted`` (a part, ``all``, or several) is asked for."""
    if isinstance(wanted, str):
        return wanted == "all" or part == wanted
    return part in set(wanted)


def mqm_rows(path, part: str = "report"):
    """The rows (dicts) of an MQM TSV (``../shared/data/mqm``) whose document is in ``part``
    (``development``, ``report`` or ``all``); the WMT23 files name the document ``doc``, TED ``doc_id``."""
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if keep(mqm_part(row.get("doc") or row["doc_id"]), part):
                yield row
