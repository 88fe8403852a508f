"""Casing recall on injected slips: proper nouns in lower case, words of names in capitals.

    python benchmarks/bench_casing_recall.py [--per-kind 1000] [--seed 13] [--show 5]

Takes held-out clean news sentences (``../shared/data/corpus/clean/allsides_heldout_sentences.txt``:
held out of the corpus the casing lexicon was counted on), and for each of four kinds picks
sentences that contain a target, writes the slip an MT system makes, checks the sentence with
the casing rules and counts a hit when a casing finding on the slip carries a suggestion that
gives back the original sentence:

* ``organisation``: a multiword organisation of mtqa's gazetteer (name or alias) in lower case
  ("shanghai cooperation organization");
* ``demonym``: a nationality or demonym of ``countryinfo`` (and its plural) in lower case ("russians");
* ``outlet``: a news agency or outlet of the gazetteer's media table in lower case ("tass");
* ``caps``: one word (three letters or more, not "The", "And"...) of a run of capitalised words
  (a name or a title) in capitals ("TATYANA Arabadzhi").

Targets are found independently of the casing lexicon the rules read.  Sentence-initial
targets are skipped (a capital there says nothing).  Prints recall per kind and a few misses.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clean_news import clean_dir  # noqa: E402

from mtqa import Checker  # noqa: E402
from mtqa.config import Config  # noqa: E402
from mtqa.rules.casing_names import demonyms  # noqa: E402
from mtqa.tables import read_tsv  # noqa: E402

# not a word of a name or a title, even capitalised ("The Guardian")
FUNCTION_WORDS = frozenset("the and for but with from that this into over upon".split())
ORG_TABLES = ("international", "government", "militant", "parties", "companies", "media")


def _names(table: str) -> list[str]:
    out = []
    for r in read_tsv(f"gazetteer/organisations_{table}.tsv"):
        for n in [r["name"], *r["aliases"].split("|")]:
            n = n.strip()
            if n and n[0].isupper() and not n.isupper():
                out.append(n)
    return out


def targets(kind: str) -> list[str]:
    if kind == "organisation":
        names = [n for t in ORG_TABLES for n in _names(t)]
        return sorted({n for n in names if len(n.split()) >= 2 and all(w[0].isupper() or w in ("of", "the", "and", "for", "on", "de") for w in n.split())})
    if kind == "outlet":
        return sorted({r["name"] for r in read_tsv("gazetteer/organisations_media.tsv")} |
                      {a for r in read_tsv("gazetteer/organisations_media.tsv") for a in r["aliases"].split("|") if a})
    if kind == "demonym":
        return sorted(set(demonyms().values()))
    raise ValueError(kind)


_RUN = re.compile(r"(?<![\w.])(?:[A-Z][a-z][\w'’-]*)(?: (?:[A-Z][a-z][\w'’-]*))+")


def corrupt(kind: str, sentence: str, pattern: "re.Pattern[str] | None", rng: random.Random):
    """(corrupted sentence, start, end) of one slip, or None when the sentence has no target."""
    if kind == "caps":
        runs = [m for m in _RUN.finditer(sentence) if m.start() > 0]
        if not runs:
            return None
        run = rng.choice(runs)
        words = [w for w in re.finditer(r"[A-Z][a-z][\w'’-]*", run.group())
                 if len(w.group()) >= 3 and w.group().casefold() not in FUNCTION_WORDS]
        if not words:
            return None
        w = rng.choice(words)
        s, e = run.start() + w.start(), run.start() + w.end()
        return sentence[:s] + sentence[s:e].upper() + sentence[e:], s, e
    hits = [m for m in pattern.finditer(sentence) if m.start() > 0]
    if not hits:
        return None
    m = rng.choice(hits)
    s, e = m.span()
    return sentence[:s] + sentence[s:e].lower() + sentence[e:], s, e


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=None)
    ap.add_argument("--per-kind", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--show", type=int, default=5)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    sents = [s for s in (clean_dir(Path(a.data) if a.data else None) / "allsides_heldout_sentences.txt")
             .read_text(encoding="utf-8").splitlines() if s.strip()]
    rng.shuffle(sents)
    checker = Checker(Config(select=["CAS"], fluency=False))
    t0 = time.perf_counter()
    print(f"{'kind':13} {'slips':>6} {'found':>6} {'recall':>7}")
    misses: dict[str, list[str]] = {}
    for kind in ("organisation", "demonym", "outlet", "caps"):
        pattern = None
        if kind != "caps":
            alts = sorted(targets(kind), key=len, reverse=True)
            pattern = re.compile(r"(?<![\w.@#/-])(?:" + "|".join(re.escape(t) for t in alts) + r")(?![\w-])")
        n = hit = 0
        for s in sents:
            if n >= a.per_kind:
                break
            c = corrupt(kind, s, pattern, rng)
            if c is None or c[0] == s:
                continue
            bad, start, end = c
            n += 1
            rep = checker.check_text(bad)
            ok = False
            for f in rep.findings:
                if f.suggestion is not None and f.start <= start and end <= f.end:
                    if bad[:f.start] + f.suggestion + bad[f.end:] == s:
                        ok = True
                        break
            hit += ok
            if not ok and len(misses.setdefault(kind, [])) < a.show:
                misses[kind].append(f"    {bad[max(0, start - 50):end + 30]!r}")
        print(f"{kind:13} {n:6d} {hit:6d} {hit / max(n, 1):7.3f}")
    print(f"({time.perf_counter() - t0:.1f} s; sentences from {len(sents):,} held-out; seed {a.seed})")
    for kind, lines in misses.items():
        print(f"\nmissed {kind}:")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
