"""Name recovery, lookup speed and clean-news finding rates of the gazetteer normalizer.

    python benchmarks/bench_names.py [--data ../shared/data] [--split test|dev] [--limit N]
                                     [--baseline-n 1000] [--schemes a,b,...] [--skip-news]

(a) Name recovery.  ``names/wd_russian_80`` holds English↔Russian person-name
    pairs (``english<TAB>space-separated Cyrillic<TAB>count``, lower-cased,
    noisy).  Pairs are split by md5(english) mod 10: bucket 0 is the **test**
    part (never used for tuning), bucket 1 the development part (``--split
    dev``), buckets 2-9 trained the learned transliteration table shipped in
    ``mtqa/data/gazetteer/translit_en_ru.tsv.xz``.  The gazetteer is *every*
    English name of the file (131,713 entries: the held-out names and 118k
    distractors), built with the real :class:`mtqa.gazetteer.index.GazetteerIndex`:
    keys of the spellings the learned model predicts for each name; the
    tie-break prior is the name's wordfreq frequency in English (what any
    user's machine has; the file's pair counts are not used).  Each held-out
    Russian name is romanized with every scheme (iuliia schemas, cyrtranslit's
    simple scheme) and looked up.  Reported per scheme: top-1 (the gold
    English name ranked first), top-1 any-reading (ranked first is an English
    name the file pairs with the *same* Cyrillic — "ян" is both "jahn" and
    "yan", no system can tell them apart), top-5, and the ceiling: the best
    top-1 a system can expect that sees only the query and not which names
    the test bucket holds (each query counts 1/k when k names of the file
    share its romanization); beside a plain rapidfuzz nearest-neighbour
    baseline (``process.extract`` with ``fuzz.ratio`` over the same 131k
    names) on the first ``--baseline-n`` queries of a fixed shuffle, with ours
    on the same subset.
(b) Lookups per second against that gazetteer, wall clock and per CPU second
    (the machine is shared with a background job).
(c) Name and phrase findings per 1,000 words on the clean English news
    (the ``report`` part of benchmarks/_clean_news.py, which calibration never saw).

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from mtqa.gazetteer.index import GazetteerIndex  # noqa: E402
from mtqa.gazetteer.learned import bucket, default_model  # noqa: E402
from mtqa.gazetteer.model import Entry  # noqa: E402
from mtqa.gazetteer.translit import RU_SCHEMES, romanize  # noqa: E402

SCHEMES = [*RU_SCHEMES, "simple"]


def load_pairs(path: Path) -> list[tuple[str, str, int]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[0] and parts[1]:
                rows.append((parts[0], parts[1].replace(" ", ""), int(parts[2] or 1)))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--split", choices=["test", "dev"], default="test")
    ap.add_argument("--limit", type=int, default=0, help="evaluate at most N held-out pairs (0: all)")
    ap.add_argument("--baseline-n", type=int, default=1000)
    ap.add_argument("--schemes", default=",".join(SCHEMES))
    ap.add_argument("--skip-news", action="store_true")
    a = ap.parse_args()
    schemes = [s for s in a.schemes.split(",") if s]

    rows = load_pairs(a.data / "names" / "wd_russian_80")
    want = 0 if a.split == "test" else 1
    held = [r for r in rows if bucket(r[0]) == want]
    random.Random(20240503).shuffle(held)
    if a.limit:
        held = held[: a.limit]
    readings: dict[str, set[str]] = collections.defaultdict(set)
    for e, r, _ in rows:
        readings[r].add(e)
    print(f"(a) name recovery: {len(rows):,} English names in the gazetteer; {len(held):,} held-out "
          f"{a.split} pairs (bucket {want} of md5 mod 10; 'test' is this data's report part)")
    shared = sum(1 for _, r, _ in held if len(readings[r]) > 1)
    ceiling = sum(1 / len(readings[r]) for _, r, _ in held) / max(len(held), 1)
    print(f"    ambiguity: {shared:,} of {len(held):,} queries ({shared / max(len(held), 1):.1%}) have a Russian "
          f"form that the file pairs with several English names (ян: jahn, yan, jan...).  Which of them is the "
          f"gold answer depends only on which one fell into the {a.split} bucket, so a system that sees the "
          f"query alone can expect at most {ceiling:.1%} strict top-1 even when it knows every exact Russian "
          f"spelling (each query counts 1/k, k = names sharing its Cyrillic); the schemes merge more forms "
          f"(ceiling column).  An answer outside that bound needs to know the split: guessing the held-out "
          f"name among equals is no skill.")

    counts = {e: c for e, _, c in rows}
    oracle = sum(1 for e, r, _ in held if max(readings[r], key=lambda x: (counts[x], x)) == e) / max(len(held), 1)
    print(f"    oracle: knowing every name's exact Russian spelling and answering the English name the file "
          f"pairs with it most often gives top-1 {oracle:.1%} on these queries")

    import wordfreq

    t0, c0 = time.perf_counter(), time.process_time()
    entries = [Entry(id=str(i), name=e, type="person") for i, (e, _, _) in enumerate(rows)]
    prior = [wordfreq.zipf_frequency(e, "en") for e, _, _ in rows]
    index = GazetteerIndex.build(entries, learned=default_model(), prior=prior)
    nkeys = len(index._rk[0]) if index._rk is not None else 0
    print(f"    index: {len(index.forms):,} skeleton keys, {len(index._hashes):,} block postings, {nkeys:,} learned "
          f"keys; built in {time.perf_counter() - t0:.1f} s ({time.process_time() - c0:.1f} s CPU); prior: "
          f"wordfreq zipf frequency of the English name (ties only)")

    from rapidfuzz import fuzz, process

    names = [e for e, _, _ in rows]
    nb = min(a.baseline_n, len(held))
    total_n = 0
    total_wall = total_cpu = 0.0
    sums = collections.Counter()
    header = (f"    {'scheme':<14}{'top-1':>8}{'any-rd':>8}{'top-5':>8}{'ceiling':>9}  | subset n={nb}: "
              f"{'ours':>6}{'rapidfuzz':>10}{'rf top-5':>9}")
    print(header)
    for scheme in schemes:
        queries = [romanize(r, scheme).lower() for _, r, _ in held]
        by_query: dict[str, set[str]] = collections.defaultdict(set)
        for e, r, _ in rows:
            by_query[romanize(r, scheme).lower()].add(e)
        ceil = sum(1 / max(1, len(by_query[q])) for q in queries) / max(len(queries), 1)
        ok1 = any1 = ok5 = 0
        sub_ok = 0
        w0, p0 = time.perf_counter(), time.process_time()
        # as a streaming client (mtqa normalize -) would: keep the answers, not the candidate objects
        results = [[c.name for c in index.lookup(q, top=5, min_confidence=0.0)] for q in queries]
        total_wall += time.perf_counter() - w0
        total_cpu += time.process_time() - p0
        total_n += len(queries)
        for i, ((e, r, _), got) in enumerate(zip(held, results)):
            hit1 = bool(got) and got[0] == e
            ok1 += hit1
            any1 += bool(got) and got[0] in readings[r]
            ok5 += e in got
            if i < nb:
                sub_ok += hit1
        b1 = b5 = 0
        for (e, _, _), q in zip(held[:nb], queries[:nb]):
            top = process.extract(q, names, scorer=fuzz.ratio, limit=5)
            b1 += bool(top) and top[0][0] == e
            b5 += any(t[0] == e for t in top)
        n = len(held)
        sums["top1"] += ok1 / n
        sums["any"] += any1 / n
        sums["top5"] += ok5 / n
        sums["ceil"] += ceil
        sums["sub"] += sub_ok / max(nb, 1)
        sums["base1"] += b1 / max(nb, 1)
        sums["base5"] += b5 / max(nb, 1)
        print(f"    {scheme:<14}{ok1 / n:>8.1%}{any1 / n:>8.1%}{ok5 / n:>8.1%}{ceil:>9.1%}  |              "
              f"{sub_ok / max(nb, 1):>6.1%}{b1 / max(nb, 1):>10.1%}{b5 / max(nb, 1):>9.1%}")
        sys.stdout.flush()
    k = len(schemes)
    print(f"    {'mean':<14}{sums['top1'] / k:>8.1%}{sums['any'] / k:>8.1%}{sums['top5'] / k:>8.1%}"
          f"{sums['ceil'] / k:>9.1%}  |              "
          f"{sums['sub'] / k:>6.1%}{sums['base1'] / k:>10.1%}{sums['base5'] / k:>9.1%}")
    print(f"    (goal: mean top-1 >= 90 %, above the {sums['ceil'] / k:.1%} mean ceiling of this data: the strict "
          f"figure cannot reach it; any-rd counts a first answer that the file pairs with the same Cyrillic)")
    print(f"\n(b) lookups: {total_n:,} in {total_wall:.2f} s wall = {total_n / total_wall:,.0f}/s; "
          f"{total_n / max(total_cpu, 1e-9):,.0f} per CPU second (target >= 5,000/s)")

    if not a.skip_news:
        news_rates(a.data)


def news_rates(data: Path) -> None:
    from _clean_news import iter_articles

    from mtqa import Checker, Config, Document

    checker = Checker(Config(select=["NAM", "PHR"], fluency=False))
    counts: collections.Counter = collections.Counter()
    errors: collections.Counter = collections.Counter()
    words = docs = 0
    t0 = time.perf_counter()
    for rep in checker.check_documents(Document(source=n, text=t) for n, t in iter_articles(data, "report")):
        docs += 1
        words += rep.document.word_count()
        for f in rep.findings:
            counts[f.code] += 1
            errors[f.code] += str(f.severity) == "error"
    print(f"\n(c) clean news (report part): {docs:,} documents, {words:,} words, {time.perf_counter() - t0:.1f} s")
    for code in sorted(counts):
        print(f"    {code}: {counts[code]} findings, {1000 * counts[code] / words:.3f} per 1,000 words, {errors[code]} errors")
    tot = sum(counts.values())
    house = counts.get("NAM003", 0)
    print(f"    all NAM+PHR: {tot} = {1000 * tot / words:.3f} per 1,000 words (1 per {words / max(tot, 1):,.0f} words); "
          f"without the house-style rule NAM003: {1000 * (tot - house) / words:.3f} per 1,000 words "
          f"(1 per {words / max(tot - house, 1):,.0f}); errors: {sum(errors.values())}")
    names = sum(v for c, v in counts.items() if c.startswith("NAM"))
    print(f"    names findings: {1000 * names / words:.3f} per 1,000 words")


if __name__ == "__main__":
    main()
