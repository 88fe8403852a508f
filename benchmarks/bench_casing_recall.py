"""Casing recall on injected slips: proper nouns in lower case, words of names in capitals.

    python benchmarks/bench_casing_recall.py [--part report] [--per-kind 1000] [--seed 13] [--show 5]

Takes held-out clean news sentences (the AllSides articles of ``--part``, default ``report``:
``../shared/data/corpus/clean/allsides_heldout_sentences.txt``, held out of the corpus the casing
lexicon was counted on), and for each of four kinds picks
sentences that contain a target, writes the slip an MT system makes, checks the sentence with
the casing rules and counts a hit when a casing finding on the slip carries a suggestion that
gives back the original sentence:

* ``organisation``: a multiword organisation of mtqa's gazetteer (name or alias) in lower case
  ("shanghai cooperation organization");
* ``demonym``: a nationality or demonym of ``countryinfo`` (and its plural) in lower case ("russians");
* ``outlet``: a news agency or outlet of the gazetteer's media table in lower case ("tass");
* ``caps``: one word (three letters or more, not "The", "And"...) of a run of capitalised words
  (a name or a title) in capitals ("TATYANA Arabadzhi").

**Names the rule does not read.**  CAS003 reads the gazetteer's names and ``countryinfo``'s
demonyms (besides the casing counts of 33 M words of news, which are its evidence, not a list
of targets).  So the organisations, outlets and demonyms are split in two by entity (a salted
hash of the gazetteer row's id, or of the demonym without its plural ``s``,
``benchmarks/_parts.py``): one half is **held out of CAS003's tables for the whole run** (removed
from its name index, its single-word list and its name starts, which are rebuilt without
them) and is the recall reported (``unseen``); the other half stays in the tables and is printed
beside it (``read``) to show what knowing a name is worth.  ``caps`` (CAS005) targets any run
of capitalised words and needs no list.  Sentence-initial targets are skipped (a capital there
says nothing).  Prints recall per kind and a few misses.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clean_news import PARTS, iter_articles  # noqa: E402
from _parts import bucket, fold  # noqa: E402

from mtqa import Checker  # noqa: E402
from mtqa.config import Config  # noqa: E402
from mtqa.rules import casing_names  # noqa: E402
from mtqa.tables import read_tsv  # noqa: E402

# not a word of a name or a title, even capitalised ("The Guardian")
FUNCTION_WORDS = frozenset("the and for but with from that this into over upon".split())
ORG_TABLES = ("international", "government", "militant", "parties", "companies", "media")


def _rows(table: str) -> list[tuple[str, list[str]]]:
    """(row id, its name and aliases) of a gazetteer table."""
    return [(r["id"], [n.strip() for n in [r["name"], *r["aliases"].split("|")] if n.strip()])
            for r in read_tsv(f"gazetteer/organisations_{table}.tsv")]


def _demonym_key(demonym: str, all_: set[str]) -> str:
    """One key for a demonym and its plural: 'Russians' -> 'russian'."""
    f = demonym.casefold()
    return f[:-1] if f.endswith("s") and f[:-1] in all_ else f


def entities(kind: str) -> list[tuple[str, list[str]]]:
    """(entity key, its target names) of a kind: the unit that is held out or kept whole."""
    if kind == "organisation":
        out = []
        for t in ORG_TABLES:
            for rid, names in _rows(t):
                ok = [n for n in names if n[0].isupper() and not n.isupper() and len(n.split()) >= 2
                      and all(w[0].isupper() or w in ("of", "the", "and", "for", "on", "de") for w in n.split())]
                if ok:
                    out.append((rid, ok))
        return out
    if kind == "outlet":
        return [(rid, names) for rid, names in _rows("media")]
    if kind == "demonym":
        table = casing_names.demonyms()
        folded = {d.casefold() for d in table.values()}
        by: dict[str, list[str]] = {}
        for d in sorted(set(table.values())):
            by.setdefault(_demonym_key(d, folded), []).append(d)
        return sorted(by.items())
    raise ValueError(kind)


def split(kind: str) -> tuple[list[str], list[str]]:
    """(unseen, read): the target names held out of CAS003's tables and those it keeps."""
    unseen, read = set(), set()
    for key, names in entities(kind):
        (unseen if bucket(f"casing:{key}") else read).update(names)
    return sorted(unseen - read), sorted(read)


def hold_out(names: set[str]) -> None:
    """Remove ``names`` (folded) from what CAS003 reads, for the rest of the process: the gazetteer
    name index and its single-word tables, the demonyms, and the name starts (rebuilt from the casing
    counts' phrases and the names kept).  The casing counts themselves are left as they are."""
    t = dict(casing_names._tables())
    keep = [i for i, k in enumerate(t["name_keys"]) if k not in names]
    t["name_keys"] = [t["name_keys"][i] for i in keep]
    t["name_forms"] = [t["name_forms"][i] for i in keep]
    keep = [i for i, k in enumerate(t["table_keys"]) if k not in names]
    t["table_keys"] = [t["table_keys"][i] for i in keep]
    t["table_files"] = [t["table_files"][i] for i in keep]
    t["name_starts"] = sorted(casing_names._derive_name_starts([*t["phrase_keys"], *t["name_keys"]]))
    table = {k: v for k, v in casing_names.demonyms().items() if k not in names}
    casing_names._tables = lambda: t
    casing_names.demonyms = lambda: table
    for f in (casing_names.lexicon, casing_names._gazetteer_index, casing_names.gazetteer_words,
              casing_names._single_words, casing_names._name_starts, casing_names._fragments):
        f.cache_clear()


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
    ap.add_argument("--part", default="report", choices=PARTS, help="clean-news part the sentences come from")
    ap.add_argument("--per-kind", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--show", type=int, default=5)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    sents = [s for _, text in iter_articles(Path(a.data) if a.data else None, a.part, sources=("allsides",))
             for s in text.splitlines() if s.strip()]
    rng.shuffle(sents)
    kinds = ("organisation", "demonym", "outlet")
    split_of = {k: split(k) for k in kinds}
    held = {fold(n) for k in kinds for n in split_of[k][0]} - {fold(n) for k in kinds for n in split_of[k][1]}
    hold_out(held)
    assert not held & set(casing_names.gazetteer_names()) and not held & set(casing_names.demonyms())
    checker = Checker(Config(select=["CAS"], fluency=False))
    t0 = time.perf_counter()
    print(f"# casing recall, part {a.part}: {len(sents):,} AllSides sentences; {len(held):,} names held out of "
          f"CAS003's tables (unseen), the others read")
    print(f"{'kind':22} {'slips':>6} {'found':>6} {'recall':>7}")
    misses: dict[str, list[str]] = {}
    runs = [(f"{k} {w}", k, split_of[k][0 if w == "unseen" else 1]) for k in kinds for w in ("unseen", "read")]
    for label, kind, names in [*runs, ("caps", "caps", None)]:
        pattern = None
        if kind != "caps":
            alts = sorted(names, key=len, reverse=True)
            pattern = re.compile(r"(?<![\w.@#/-])(?:" + "|".join(re.escape(t) for t in alts) + r")(?![\w-])")
        rng = random.Random(f"{a.seed}:{label}")
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
            if not ok and len(misses.setdefault(label, [])) < a.show:
                misses[label].append(f"    {bad[max(0, start - 50):end + 30]!r}")
        print(f"{label:22} {n:6d} {hit:6d} {hit / max(n, 1):7.3f}")
    print(f"({time.perf_counter() - t0:.1f} s; seed {a.seed})")
    for kind, lines in misses.items():
        print(f"\nmissed {kind}:")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
