"""Sanctions short forms: "Given Surname" as news writes it, against an OFAC SDN list.

    python benchmarks/bench_sanctions_short.py [--ofac PATH] [--via-import] [--no-default-gazetteer]
                                               [--cli-sample N] [--no-baseline] [--limit N]

The OFAC SDN CSV (default ``../shared/data/gazetteers/ofac_sdn_2024-05-03.csv``,
read in place, never copied) lists individuals as "SURNAME, Given Patronymic".
Every individual whose *primary* name has a Russian/Ukrainian/Belarusian-style
patronymic among its given names (-ovich, -evich, -yevich, -ich, -ovych,
-ovna, -evna, -ivna, -ichna, -auna … in any of OFAC's spellings; the selection
is this script's own, not the index's) gives the query "Given Surname" (the
first given name and the surname, title-cased as news writes them).

OFAC's names are already Latin, so "romanized in five schemes" means the
spellings news outlets write for the same Cyrillic name: the short form is
back-transliterated to Cyrillic (a greedy digraph table, below; Belarusian and
Ukrainian names come out in Russian letters, which is what an outlet working
from Russian-language sources sees) and romanized with iuliia's

* ``wikipedia``      (Vitaly Zakharchenko),
* ``bgn_pcgn``       (Vitaliy Zakharchenko; apostrophes for ь kept),
* ``ala_lc``         (Library of Congress, folded to ASCII: Vitalii Zakharchenko),
* ``icao_doc_9303``  (passports: Vitalii Zakharchenko),
* ``yandex_maps``    (Russian sites' own transliteration: Aleksey Schukin).

Queries are deduplicated (per scheme, and overall across schemes).  A query is
answered correctly when the first candidate is the OFAC entry it was made from
(when several OFAC individuals give the same query, any of them).

Answers come from :meth:`mtqa.gazetteer.Gazetteer.lookup` on
``get_gazetteer([ofac_csv])`` -- exactly what ``mtqa normalize --gazetteer
OFAC.csv`` calls (``--top 3 --min-confidence 0.3``, the command's defaults);
``--cli-sample N`` also runs N queries through the real command and checks the
answers agree.  ``--via-import`` first converts the list with ``mtqa gazetteer
import --from ofac-sdn`` and passes the TSV (for code that cannot read the raw
list).  Beside it, in the same run, plain rapidfuzz baselines: the query
against every accepted form (name and a.k.a.) of every OFAC entry, the best
score of ``fuzz.ratio`` (the "plain rapidfuzz" of bench_names.py),
``fuzz.token_set_ratio`` or ``fuzz.WRatio`` (``process.cdist``, rapidfuzz's
default processor; the first best form on ties).

Also printed: index build/load time and lookup throughput (queries per
wall-clock and per CPU second; the machine is shared, so these vary).  Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

import iuliia

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OFAC = ROOT.parent / "shared" / "data" / "gazetteers" / "ofac_sdn_2024-05-03.csv"

SCHEMES = {
    "wikipedia": iuliia.WIKIPEDIA,
    "bgn_pcgn": iuliia.BGN_PCGN,
    "ala_lc": iuliia.ALA_LC,
    "icao_doc_9303": iuliia.ICAO_DOC_9303,
    "yandex_maps": iuliia.YANDEX_MAPS,
}

# East Slavic patronymics as OFAC spells them (Russian BGN/PCGN, Ukrainian, Belarusian)
PATRONYMIC = re.compile(
    r"(?:ovich|evich|ovitch|evitch|ovych|evych|ych|[^r]ich|ichi|ovna|evna|ivna|yivna|ichna|ynichna|auna|ayna)$",
    re.I)


# -- selecting the individuals ------------------------------------------------------


def individuals_with_patronymic(path: Path) -> list[tuple[str, str, str]]:
    """(entry id, given name, surname) of every individual whose primary name has a patronymic."""
    text = path.read_bytes().decode("latin-1") if not _utf8(path) else path.read_text(encoding="utf-8")
    out = []
    for row in csv.reader(io.StringIO(text)):
        if len(row) < 3 or not row[0].strip().isdigit() or row[2].strip().lower() != "individual":
            continue
        name = " ".join(row[1].split())
        if "," not in name:
            continue
        surname, _, given = name.partition(",")
        gw = given.split()
        if len(gw) < 2 or not any(PATRONYMIC.search(w) and len(w) >= 6 for w in gw[1:]):
            continue
        out.append((f"ofac:{row[0].strip()}", gw[0], surname.strip()))
    return out


def _utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def news_case(word: str) -> str:
    """ZAHARCHENKO -> Zaharchenko, AL-HAJJ -> Al-Hajj: how news writes a name."""
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))


# -- back-transliteration: an OFAC (BGN-like) Latin spelling -> Russian Cyrillic -------

_BACK = [
    ("shch", "щ"), ("sch", "щ"), ("dzh", "дж"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"),
    ("ts", "ц"),
    ("yy", "ый"), ("yu", "ю"), ("ya", "я"), ("yo", "ё"), ("ye", "е"), ("y", "й"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("w", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"),
    ("i", "и"), ("k", "к"), ("c", "к"), ("q", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"),
    ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("x", "кс"),
    ("j", "й"), ("'", "ь"), ("’", "ь"),
]
_BACK_RE = re.compile("|".join(re.escape(a) for a, _ in sorted(_BACK, key=lambda p: -len(p[0]))))
_BACK_MAP = dict(_BACK)
_VOW = "аеёиоуыэюяь"
_CONS = "бвгдзклмнпрстфхчшщжц"


def to_cyrillic(word: str) -> str:
    """One Latin name word back to Russian Cyrillic (a plausible source spelling):
    Vitali -> Виталий, Sergei -> Сергей, Yuriy -> Юрий, Grigoryev -> Григорьев."""
    w = unicodedata.normalize("NFKD", word.lower())
    w = "".join(c for c in w if not unicodedata.combining(c))
    w = re.sub(r"(?<=[aeou])i$", "y", w)                      # Sergei, Nikolai: ей, ай
    if len(w) > 3:
        w = re.sub(r"(?<=[^aeiouyk])(?:iy|ii|i|y)$", "iy", w)  # Dmitry, Dmitrii, Vitali: -ий
    out: list[str] = []
    i = 0
    while i < len(w):
        m = _BACK_RE.match(w, i)
        if not m:
            out.append(w[i])
            i += 1
            continue
        lat, cyr = m.group(0), _BACK_MAP[m.group(0)]
        prev = out[-1][-1] if out else ""
        if lat == "ye" and prev and prev not in _VOW and prev not in "жшчщц":
            cyr = "ье"                                          # Grigoryev, Vasilyevich
        out.append(cyr)
        i = m.end()
    s = "".join(out)
    s = re.sub(rf"(?<=[{_CONS}])й(?=[{_CONS}]|$)", "ы", s)     # Ryhor, Krylov: ы
    return s[:1].upper() + s[1:]


def romanized(name: str) -> dict[str, str]:
    cyr = " ".join("-".join(to_cyrillic(p) for p in w.split("-")) for w in name.split())
    out = {}
    for sch, schema in SCHEMES.items():
        # iuliia leaves ё in BGN/PCGN and ALA-LC, whose ë prints as e
        # and BGN/PCGN's separator dot (Y·a for йа), which news does not print
        r = schema.translate(cyr).replace("ё", "e").replace("Ё", "E").replace("·", "")
        if sch == "ala_lc":  # the library scheme folded to ASCII, as a newspaper prints it
            r = unicodedata.normalize("NFKD", r.replace("ʹ", "").replace("ʺ", ""))
            r = "".join(c for c in r if not unicodedata.combining(c))
        out[sch] = " ".join(r.split())
    return out


# -- running ----------------------------------------------------------------------


def build_queries(people) -> tuple[dict[str, set[str]], dict[str, list[str]], int]:
    """({query: ids that give it}, {scheme: its deduplicated queries}, number of people)."""
    gold: dict[str, set[str]] = defaultdict(set)
    per_scheme: dict[str, list[str]] = {s: [] for s in SCHEMES}
    seen = {s: set() for s in SCHEMES}
    for eid, given, surname in people:
        short = f"{news_case(given)} {' '.join(news_case(w) for w in surname.split())}"
        for sch, q in romanized(short).items():
            gold[q].add(eid)
            if q not in seen[sch]:
                seen[sch].add(q)
                per_scheme[sch].append(q)
    return gold, per_scheme, len(people)


BASELINE_SCORERS = ("ratio", "token_set_ratio", "WRatio")


def rapidfuzz_baseline(ofac: Path, queries: list[str]) -> dict[str, dict[str, str]]:
    """{scorer: {query: the entry id of the best-scoring accepted form}}: plain nearest
    neighbour over every name and a.k.a. of the list (first best on ties)."""
    import numpy as np
    from rapidfuzz import fuzz, process, utils

    from mtqa.gazetteer.importers import read_ofac_sdn

    choices, ids = [], []
    for e in read_ofac_sdn(ofac.read_bytes()):
        for a in e.accepted:
            choices.append(utils.default_process(a))
            ids.append(e.id)
    qp = [utils.default_process(q) for q in queries]
    out: dict[str, dict[str, str]] = {}
    for name in BASELINE_SCORERS:
        scorer = getattr(fuzz, name)
        ans = {}
        for k in range(0, len(qp), 400):
            m = process.cdist(qp[k:k + 400], choices, scorer=scorer, dtype=np.uint8, workers=1)
            for q, j in zip(queries[k:k + 400], m.argmax(axis=1)):
                ans[q] = ids[int(j)]
        out[name] = ans
    return out


def report(title: str, answers: dict[str, str], gold, per_scheme) -> None:
    allq = sorted(gold)
    ok = sum(answers.get(q, "") in gold[q] for q in allq)
    print(f"  {title:<30} overall {ok / len(allq):.4f} ({ok}/{len(allq)})")
    for sch, qs in per_scheme.items():
        k = sum(answers.get(q, "") in gold[q] for q in qs)
        print(f"    {sch:<16} {k / len(qs):.4f} ({k}/{len(qs)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ofac", type=Path, default=DEFAULT_OFAC)
    ap.add_argument("--via-import", action="store_true", help="pass a TSV made by `mtqa gazetteer import`")
    ap.add_argument("--no-default-gazetteer", action="store_true")
    ap.add_argument("--cli-sample", type=int, default=40, help="queries also run through `mtqa normalize`")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--limit", type=int, default=0, help="only the first N people (quick runs)")
    ap.add_argument("--show-misses", type=int, default=0)
    args = ap.parse_args()

    args.ofac = args.ofac.resolve()
    people = individuals_with_patronymic(args.ofac)
    if args.limit:
        people = people[: args.limit]
    gold, per_scheme, n_people = build_queries(people)
    allq = sorted(gold)
    shared = sum(len(v) > 1 for v in gold.values())
    print(f"OFAC list (a gazetteer, no parts: nothing is tuned on it): {args.ofac.name}; individuals with a patronymic: {n_people}; "
          f"distinct queries: {len(allq)} ({shared} shared by several individuals)")
    for sch, qs in per_scheme.items():
        print(f"  {sch:<16} {len(qs)} queries, e.g. {qs[0]!r}")

    tmpdir = tempfile.TemporaryDirectory()
    gpath = str(args.ofac)
    if args.via_import:
        # a fixed path, so that a second run finds the index in the on-disk cache (keyed by path and content)
        gpath = str(Path(tempfile.gettempdir()) / f"mtqa-bench-{args.ofac.stem}.tsv")
        subprocess.run([sys.executable, "-m", "mtqa", "gazetteer", "import", "--from", "ofac-sdn", str(args.ofac),
                        "-o", gpath], check=True, stderr=subprocess.DEVNULL, cwd=tmpdir.name)

    import mtqa
    from mtqa.gazetteer import get_gazetteer

    print(f"mtqa from {Path(mtqa.__file__).parent}")
    t0, c0 = time.perf_counter(), time.process_time()
    gaz = get_gazetteer([gpath], defaults=not args.no_default_gazetteer)
    print(f"gazetteer ready in {time.perf_counter() - t0:.1f} s wall, {time.process_time() - c0:.1f} s CPU "
          f"({len(gaz.entries)} entries; a second run loads the on-disk cache)")
    answers: dict[str, str] = {}
    first: dict[str, object] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    for q in allq:
        cands = gaz.lookup(q, top=3, min_confidence=0.3)
        answers[q] = cands[0].entry.id if cands else ""
        first[q] = cands[0] if cands else None
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"lookups: {len(allq) / wall:,.0f}/s wall, {len(allq) / max(cpu, 1e-9):,.0f}/s CPU "
          f"({1000 * wall / len(allq):.2f} ms each)")
    if not args.no_default_gazetteer:
        # the same queries against the shipped gazetteer alone: the index code's own speed, apart
        # from how many queries now find their person (a found candidate costs more than none)
        plain = get_gazetteer([])
        for q in allq[:50]:
            plain.lookup(q, top=3, min_confidence=0.3)
        t0, c0 = time.perf_counter(), time.process_time()
        for q in allq:
            plain.lookup(q, top=3, min_confidence=0.3)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"the same lookups against the default gazetteer alone: {len(allq) / wall:,.0f}/s wall, "
              f"{len(allq) / max(cpu, 1e-9):,.0f}/s CPU")
    print("top-1 (the right OFAC entry first):")
    report("mtqa normalize --gazetteer", answers, gold, per_scheme)
    wrong_default = sum(1 for q in allq if answers[q] and not answers[q].startswith("ofac:"))
    print(f"    (top-1 a default-gazetteer entry: {wrong_default}; no candidate: "
          f"{sum(1 for q in allq if not answers[q])})")

    if not args.no_baseline:
        t0 = time.perf_counter()
        for name, base in rapidfuzz_baseline(args.ofac, allq).items():
            report(f"rapidfuzz {name}", base, gold, per_scheme)
        print(f"    (baselines: {time.perf_counter() - t0:.0f} s)")

    if args.show_misses:
        print("misses (query -> top-1; the gold entry):")
        for q in [q for q in allq if answers[q] not in gold[q]][: args.show_misses]:
            c = first[q]
            g = [gaz.entries[i].name for i in range(len(gaz.entries)) if gaz.entries[i].id in gold[q]][:1] \
                if len(gaz.entries) < 50000 else []
            print(f"  {q!r} -> {c.entry.name if c else None!r} [{c.evidence if c else ''}]; gold {g}")

    if args.cli_sample:
        step = max(1, len(allq) // args.cli_sample)
        sample = allq[::step][: args.cli_sample]
        cmd = [sys.executable, "-m", "mtqa", "normalize", "--gazetteer", gpath, "--format", "json", "-"]
        if args.no_default_gazetteer:
            cmd.insert(-1, "--no-default-gazetteer")
        # run outside the repository: `python -m` puts the working directory first on sys.path,
        # which would shadow the mtqa that PYTHONPATH names
        res = subprocess.run(cmd, input="\n".join(sample) + "\n", capture_output=True, text=True, check=True,
                             cwd=tmpdir.name)
        names = {}
        for line in res.stdout.splitlines():
            rec = json.loads(line)
            names[rec["query"]] = rec["candidates"][0]["name"] if rec["candidates"] else ""
        agree = sum(names.get(q, "") == (first[q].entry.name if first[q] else "") for q in sample)
        right = sum(1 for q in sample if first[q] is not None and answers[q] in gold[q]
                    and names.get(q) == first[q].entry.name)
        print(f"CLI check (`mtqa normalize --gazetteer {Path(gpath).name} --format json -`): {len(sample)} queries, "
              f"top-1 the same as the API's for {agree}; right for {right}")
    tmpdir.cleanup()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
