"""Synthetic name garbles of well-known entities in held-out news: how many the check corrects.

    python benchmarks/bench_names_synthetic.py [--n 2000] [--seed 7] [--part report] [--no-fluency]
                                               [--model M] [--show 10]

Builds ``--n`` passages (whole sentences, up to 600 characters) of the clean news's ``report``
part (nothing is trained or tuned there), each with one name garbled by the MT-like channel
of :mod:`mtqa.names.synth` (seeded): the curated gazetteer's people, places and organisations
and Wikidata's best-attested name words (30+ people), romanized from their Russian spelling,
with a Russian case ending left on, a gender swap, a one-letter slip or a truncation.  The
training script builds its passages the same way from the ``calibration`` part.

Printed, per operation and overall:

* **corrected** — a finding overlapping the garble whose suggestion contains the original word
  (modulo case and diacritics), from any NAM rule (the default selects all of them);
* **candidate** — the right spelling is among the names pipeline's candidates for the mention
  (or a NAM001/NAM003 finding corrected it: those spans are not re-judged);
* **lookup agrees** — of the garbles that ``mtqa normalize`` resolves first at confidence
  ≥ 0.85 to the right entity, the share corrected in their passage.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clean_news import DEFAULT_DATA, iter_articles  # noqa: E402

from mtqa import Checker  # noqa: E402
from mtqa.config import Config  # noqa: E402
from mtqa.document import Document  # noqa: E402
from mtqa.gazetteer.keys import norm  # noqa: E402


def fixes(suggestion, original: str) -> bool:
    return bool(suggestion) and any(norm(w) == norm(original) for w in suggestion.replace("-", " ").split())


def lookup_resolves(gaz, garble: str, original: str) -> bool:
    from mtqa.names.candidates import _align

    hits = gaz.lookup(garble, top=1, min_confidence=0.85)
    return bool(hits) and norm(_align(garble, hits[0].entry, False)) == norm(original)


def main(argv=None) -> int:
    from mtqa.gazetteer.resource import get_gazetteer
    from mtqa.names.pipeline import collect
    from mtqa.names.synth import garbled_paragraphs, name_pairs
    from mtqa.segment import segment

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--part", default="report")
    ap.add_argument("--model", default=None)
    ap.add_argument("--no-fluency", action="store_true")
    ap.add_argument("--select", default="NAM")
    ap.add_argument("--show", type=int, default=0)
    a = ap.parse_args(argv)
    gaz = get_gazetteer()
    pairs = name_pairs(gaz.entries, a.data / "names" / "wd_russian_80")
    items = list(garbled_paragraphs(iter_articles(a.data, a.part), pairs, a.seed, a.n))
    checker = Checker(Config(select=a.select.split(","), fluency=not a.no_fluency, model=a.model))
    docs = [Document(source=f"synthetic{i}", text=t) for i, (t, *_rest) in enumerate(items)]
    t0 = time.perf_counter()
    reports = list(checker.check_documents(docs))
    elapsed = time.perf_counter() - t0
    for d in docs:
        if not d.segmented:
            segment(d)
    groups = collect(docs, gaz, lambda s: False)
    cands = collections.defaultdict(set)
    for g in groups:
        for a_, b_ in g.spans:
            cands[(g.doc, a_, b_)].update(norm(w) for p in g.proposals for w in p.form.replace("-", " ").split())
    stats: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    misses = []
    for i, ((text, (s, e), orig, garble, op), rep) in enumerate(zip(items, reports)):
        over = [f for f in rep.findings if f.start < e and s < f.end]
        ok = any(fixes(f.suggestion, orig) for f in over)
        has = ok or any(norm(orig) in ws for (di, a_, b_), ws in cands.items() if di == i and a_ <= s and e <= b_)
        agree = lookup_resolves(gaz, garble, orig)
        for k in (op, "all"):
            st = stats[k]
            st["n"] += 1
            st["corrected"] += ok
            st["candidate"] += has
            st["lookup"] += agree
            st["lookup_corrected"] += agree and ok
            st["wrong"] += bool(over) and not ok and any(f.suggestion for f in over)
        if not ok:
            misses.append((orig, garble, op, [(f.code, f.suggestion) for f in over]))
    model = "no model" if a.no_fluency else f"model {a.model or 'default'}"
    print(f"# synthetic name garbles, part {a.part}, seed {a.seed}: {len(items)} passages, "
          f"{sum(len(t.split()) for t, *_ in items)} words, checked in {elapsed:.1f} s ({model}, --select {a.select})")
    print("| operation | passages | corrected | right spelling among the candidates | wrong suggestion "
          "| lookup resolves (≥ 0.85) | of those corrected |")
    print("|---|---|---|---|---|---|---|")
    for k in sorted(stats, key=lambda k: (k == "all", k)):
        st = stats[k]
        n = st["n"]
        print(f"| {k} | {n} | {st['corrected']} ({st['corrected'] / n:.1%}) | {st['candidate']} ({st['candidate'] / n:.1%}) "
              f"| {st['wrong']} | {st['lookup']} | {st['lookup_corrected']} "
              f"({st['lookup_corrected'] / max(1, st['lookup']):.1%}) |")
    for m in misses[: a.show]:
        print("  missed:", m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
