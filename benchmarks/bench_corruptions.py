"""How well the fluency scorer tells clean news sentences from the same sentences
with one machine-translation-like error put in (paired, synthetic).

    python benchmarks/bench_corruptions.py [--model PATH] [--n 1500] [--seed 1]
    python benchmarks/bench_corruptions.py --set ru [--per-kind 200]   # Russian->English slips

Sentences: held-out clean news (the ``report`` part of ../shared/data/corpus/clean,
never the calibration part), 10-40 words.  Each is corrupted once per kind, when the
kind applies, in the ways MT from Russian goes wrong:

* ``drop_verb``   — the first auxiliary/reporting verb deleted ("July 6, a telephone
                    conversation between presidents ..."; Russian has no copula)
* ``preposition`` — the first preposition replaced by another ("attacks ... to terrorists")
* ``drop_article``— one article deleted (Russian has none)
* ``swap``        — two adjacent words swapped
* ``move_chunk``  — a 3-word chunk moved 4+ words away (garbled word order)

Printed per kind: the share of pairs in which the corrupted sentence scores lower
(less fluent) than its original, by what FLU001 tests (the lower of its percentile
ranks among clean sentences by mean fluency and by least fluent 5-word stretch), by
the mean word tail level alone, by SLOR and by mean log-prob per token; and how often
the real FLU001 / FLU002 rules flag the corrupted sentence and the clean one (a clean
sentence's flag rate is FLU001's false-positive rate, ~1 % by construction).  A
corruption can leave a sentence grammatical (dropping "said" from "X said Y" rarely
does; a swapped pair may still read), so 100 % is not the ceiling: compare models
and measures with each other on the same pairs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clean_news import iter_articles  # noqa: E402

from mtqa import Checker, Config, Document  # noqa: E402

AUX = {"is", "are", "was", "were", "has", "have", "had", "will", "would", "said", "says", "can", "could"}
PREPS = ["in", "on", "at", "to", "for", "with", "from", "by", "over", "about"]
ARTICLES = {"the", "a", "an"}
KINDS = ("drop_verb", "preposition", "drop_article", "swap", "move_chunk")


def _plain(w: str) -> bool:
    return w.isalpha() and w.islower()


def corrupt(words: list[str], kind: str, rng: random.Random) -> list[str] | None:
    """One corrupted copy of ``words`` (whitespace tokens), or None where ``kind`` does not apply."""
    n = len(words)
    if kind == "drop_verb":
        i = next((i for i, w in enumerate(words) if w in AUX), None)
        return None if i is None else words[:i] + words[i + 1:]
    if kind == "preposition":
        i = next((i for i, w in enumerate(words) if w in PREPS and i > 0), None)
        if i is None:
            return None
        return words[:i] + [rng.choice([p for p in PREPS if p != words[i]])] + words[i + 1:]
    if kind == "drop_article":
        cand = [i for i, w in enumerate(words) if w in ARTICLES]
        if not cand:
            return None
        i = rng.choice(cand)
        return words[:i] + words[i + 1:]
    if kind == "swap":
        cand = [i for i in range(1, n - 2) if _plain(words[i]) and _plain(words[i + 1]) and words[i] != words[i + 1]]
        if not cand:
            return None
        i = rng.choice(cand)
        return words[:i] + [words[i + 1], words[i]] + words[i + 2:]
    if kind == "move_chunk":
        cand = [i for i in range(1, n - 4) if all(_plain(w) for w in words[i:i + 3])]
        if not cand:
            return None
        i = rng.choice(cand)
        chunk, rest = words[i:i + 3], words[:i] + words[i + 3:]
        targets = [j for j in range(1, len(rest)) if abs(j - i) >= 4]
        if not targets:
            return None
        j = rng.choice(targets)
        return rest[:j] + chunk + rest[j:]
    raise ValueError(kind)


def sample_sentences(data, n: int, seed: int) -> list[str]:
    from mtqa.segment import segment

    pool = []
    for name, text in iter_articles(data, "report"):
        d = Document(name, text)
        segment(d)
        for s in d.sentences:
            t = " ".join(text[s.start:s.end].split())
            if 10 <= len(t.split()) <= 40 and t[0].isupper() and t[-1] in ".!?\"'”’":
                pool.append(t)
    random.Random(seed).shuffle(pool)
    return pool[:n]


def ru_pairs(data, seed: int, per_kind: int, rng: random.Random):
    """(clean, pairs) for ``--set ru``: for each slip kind, up to ``per_kind`` report-part sentences
    that offer its trigger, each with its slip; ``clean`` holds those sentences (their own
    originals are the clean baseline)."""
    from _ru_slips import KINDS as RU_KINDS, corrupt as ru_corrupt

    pool = sample_sentences(data, 10 ** 9, seed)
    clean: list[str] = []
    index: dict[str, int] = {}
    pairs: dict[str, list[tuple[int, str]]] = {k: [] for k in RU_KINDS}
    for s in pool:
        words = s.split()
        for kind in RU_KINDS:
            if len(pairs[kind]) >= per_kind:
                continue
            c = ru_corrupt(words, kind, rng)
            if c is None or c == words:
                continue
            i = index.get(s)
            if i is None:
                i = index[s] = len(clean)
                clean.append(s)
            pairs[kind].append((i, " ".join(c)))
        if all(len(v) >= per_kind for v in pairs.values()):
            break
    return clean, pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--model", default=None)
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--n", type=int, default=1500, help="clean sentences")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fp", type=float, default=1.0, help="false-positive rate (%%) for the fixed-FP table")
    ap.add_argument("--dump", type=Path, default=None, help="write every text's word scores here (JSON lines)")
    ap.add_argument("--set", default="synthetic", choices=["synthetic", "ru"],
                    help="synthetic: the kinds above; ru: Russian->English MT slips (benchmarks/_ru_slips.py)")
    ap.add_argument("--per-kind", type=int, default=200, help="--set ru: sentences per kind at most")
    a = ap.parse_args()

    from mtqa.fluency import resolve_model

    model = resolve_model(a.model)
    t0 = time.perf_counter()
    rng = random.Random(a.seed)
    if a.set == "ru":
        clean, pairs = ru_pairs(a.data, a.seed, a.per_kind, rng)
    else:
        clean = sample_sentences(a.data, a.n, a.seed)
        pairs = {k: [] for k in KINDS}
        for i, s in enumerate(clean):
            words = s.split()
            for kind in KINDS:
                c = corrupt(words, kind, rng)
                if c is not None:
                    pairs[kind].append((i, " ".join(c)))
    texts = clean + [c for k in pairs for _, c in pairs[k]]
    checker = Checker(Config(select=["FLU"], fluency=True, model=model, precision=a.precision))
    cal = checker.ctx.get("fluency").calibration
    if cal is None:
        sys.exit(f"{model}: no calibration.json (run `mtqa model calibrate --model {model}`)")
    from mtqa.rules.fluency import flu001_rank

    stats = []  # per text: (FLU001's lower rank, mean tail level, SLOR, log-prob per token, findings, detector)
    dump = open(a.dump, "w", encoding="utf-8") if a.dump else None
    # the measures from the scorer itself (each text one sentence); the findings from the real rules
    # (the check keeps no per-word scores once its FLU rules have judged a window)
    scores = checker.ctx.get("fluency").score_texts(texts)
    reports = checker.check_documents(Document(f"s{i}", t) for i, t in enumerate(texts))
    for s, rep in zip(scores, reports):
        if s is None or not s.n_words:
            stats.append((100.0, 0.0, 0.0, 0.0, rep.findings, float("-inf")))
            continue
        tails = list(s.tails(cal))
        slor = list(s.scores)
        if dump is not None:
            import json

            def ls(v):  # the scorer keeps per-word values in compact arrays
                return None if v is None else list(v)

            dump.write(json.dumps({"i": len(stats), "det": ls(s.det), "scores": slor, "tails": tails,
                                   "lm": ls(s.lm), "ntok": ls(s.ntok)}) + "\n")
        stats.append((flu001_rank(s, cal), sum(tails) / len(tails), sum(slor) / len(slor),
                      sum(s.lm) / max(1, s.tokens), rep.findings,
                      s.detector if s.detector is not None else float("-inf")))
    dt = time.perf_counter() - t0
    n_words = sum(len(t.split()) for t in texts)
    print(f"clean news, part report, set {a.set}; model {model}: {len(clean):,} clean sentences + "
          f"{len(texts) - len(clean):,} corrupted, {n_words:,} words, {dt:.1f} s")
    print(f"{'kind':<13}{'pairs':>6}  {'corrupted lower by:':<34}  {'flagged, corrupted vs clean:':<28}")
    print(f"{'':<13}{'':>6}  {'FLU001':>8}{'mean':>8}{'SLOR':>8}{'logprob':>9}  {'FLU001':>12}{'FLU002':>14}"
          f"{'either':>14}")

    def flags(fs, code=None):
        return any(f.code == code for f in fs) if code else any(f.code.startswith("FLU") for f in fs)

    off = len(clean)
    tot = {"n": 0, "f": 0, "fc": 0}
    for kind in pairs:
        ps = pairs[kind]
        if not ps:
            continue
        lower = [0, 0, 0, 0]
        flag = {c: [0, 0] for c in ("FLU001", "FLU002", None)}
        for k, (i, _) in enumerate(ps):
            c, o = stats[off + k], stats[i]
            for m in range(4):
                lower[m] += c[m] < o[m]
            for code in flag:
                flag[code][0] += flags(c[4], code)
                flag[code][1] += flags(o[4], code)
        off += len(ps)
        n = len(ps)
        tot["n"] += n
        tot["f"] += flag[None][0]
        tot["fc"] += flag[None][1]
        pct = [f"{100 * x / n:7.1f}%" for x in lower]
        fl = [f"{100 * flag[c][0] / n:5.1f}% /{100 * flag[c][1] / n:4.1f}%" for c in flag]
        print(f"{kind:<13}{n:>6}  {pct[0]:>8}{pct[1]:>8}{pct[2]:>8}{pct[3]:>9}  {fl[0]:>12}{fl[1]:>14}{fl[2]:>14}")
    print(f"any FLU finding on {100 * tot['f'] / max(1, tot['n']):.1f} % of corrupted sentences, "
          f"{100 * tot['fc'] / max(1, tot['n']):.1f} % of their clean originals")
    at_fixed_fp(stats, clean, pairs, a.fp)


def at_fixed_fp(stats, clean, pairs, fp: float) -> None:
    """Each measure's threshold at ``fp`` % of these clean sentences (its worst ``fp`` %): the
    share of corrupted sentences beyond it, overall and per kind (the issue's fixed-FP figure)."""
    import numpy as np

    # badness: higher = less fluent
    measures = {"FLU001 rank": lambda t: -t[0], "SLOR": lambda t: -t[2], "logprob": lambda t: -t[3],
                "detector": lambda t: t[5]}
    if all(not np.isfinite(t[5]) for t in stats):
        del measures["detector"]
    n_clean = len(clean)
    print(f"\nflagged at {fp:g} % false positives on these {n_clean:,} clean sentences "
          "(threshold: the clean sentences' own percentile):")
    print(f"{'kind':<13}{'pairs':>6}" + "".join(f"{m:>13}" for m in measures))
    cuts = {m: float(np.percentile([f(t) for t in stats[:n_clean]], 100 - fp)) for m, f in measures.items()}
    off = n_clean
    allv = {m: [] for m in measures}
    for kind in pairs:
        ps = pairs[kind]
        if not ps:
            continue
        rows = stats[off:off + len(ps)]
        off += len(ps)
        line = f"{kind:<13}{len(ps):>6}"
        for m, f in measures.items():
            hit = [f(t) > cuts[m] for t in rows]
            allv[m].extend(hit)
            line += f"{100 * sum(hit) / len(hit):12.1f}%"
        print(line)
    n = len(next(iter(allv.values())))
    print(f"{'all':<13}{n:>6}" + "".join(f"{100 * sum(v) / max(1, len(v)):12.1f}%" for v in allv.values()))


if __name__ == "__main__":
    main()
