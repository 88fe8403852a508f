"""How well mtqa's sentence scores rank real MT outputs the way expert MQM annotators do.

    python benchmarks/bench_mqm.py [--data ../shared/data] [--part report|development|all]
                                   [--set wmt23|ted] [--cache lmwork/mqm] [--model NAME]

Data: the expert MQM annotations of ``../shared/data/mqm`` (WMT23 zh-en news by default, or the WMT21
TED zh-en test suite), read through ``_parts.mqm_rows`` (split by document; default the **report**
part, which nothing was trained on).  Each system output's expert score: per rater, minus the
weighted errors (Major 5, Minor 1, Minor Fluency/Punctuation 0.1, Non-translation 25), averaged over
raters; ``HOTW-test`` rows (attention checks) left out (``_mqm.py``).

Scores compared (each output split into sentences by mtqa's segmenter and scored exactly as
``mtqa check`` scores them, default model and its learned detector; an output's value from its
sentences' as stated):

* ``detector``: minus the learned detector's sentence score, its highest token logit (the highest
  over the output's sentences);
* ``SLOR``: the LM's SLOR (word-weighted over the sentences);
* ``-length``: minus the output's length in words (whitespace);
* ``mqm``: the learned MQM sentence score (:mod:`mtqa.fluency.mqm_score`; the expected expert
  score per 10 words), word-weighted over the sentences — what the jsonl ``fluency`` record
  carries per sentence;
* ``mqm x words``: the same times the output's words / 10 (the predicted total: shows what
  turning the density back into a count does).

Within a segment the experts prefer the *longer* output (a short one has left something out):
minus the length ranks at about -0.12 (words), so a score could gain just by rewarding length.
The last columns therefore repeat tau on the pairs whose lengths differ by at most 10 % of the
longer output (``_mqm.similar_length``), where length tells nothing.

**Grouped Kendall tau** (``_mqm.grouped_tau``): the groups are segments; every pair of two
systems' outputs of one source segment is compared and the pairs are pooled over all segments;
``tau = (C - D) / (C + D)`` with C concordant and D discordant pairs, a pair tied in the experts'
score (or in the candidate) counted as neither (WMT's "tau-like" variant).  ``tau_b`` (ties kept
in the denominator) is printed beside it.

Features cost one forward pass per sentence (~250 tokens/s on 2 shared cores: ~10 min for the
WMT23 report part); they are cached per MQM document under ``--cache`` (checkpointed: an
interrupted run resumes) and reused by later runs and by ``python -m mtqa.fluency.mqm_train``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _mqm  # noqa: E402

from mtqa.fluency.mqm_score import PER_WORDS  # noqa: E402
from mtqa.fluency.mqm_train import extract, scorer_for_features, split_sentences  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--part", default="report", choices=("report", "development", "all"))
    ap.add_argument("--set", dest="which", default="wmt23", choices=sorted(_mqm.SETS))
    ap.add_argument("--cache", type=Path, default=Path("lmwork/mqm"), help="per-document feature cache")
    ap.add_argument("--model", default=None, help="model name or folder (default: smollm2-135m)")
    ap.add_argument("--mqm-file", type=Path, default=None,
                    help="judge this mqm_score.json instead of the model's own (another design)")
    a = ap.parse_args(argv)
    t0 = time.time()
    outs = _mqm.outputs(a.data, a.which, a.part)
    print(f"# MQM {a.which} zh-en, part {a.part}: {len(outs):,} outputs of {len({o.system for o in outs})} systems, "
          f"{len({o.group for o in outs}):,} segments, {len({o.doc for o in outs})} documents", flush=True)
    scorer = scorer_for_features(a.model)
    feats = extract(scorer, outs, a.cache, a.which, log=lambda m: print(m, file=sys.stderr, flush=True))
    t_feat = time.time() - t0
    mqm = scorer.mqm
    if a.mqm_file is not None:
        from mtqa.fluency.mqm_score import MqmScorer

        mqm = MqmScorer.load(a.mqm_file)
    cands: dict[str, dict] = {"detector": {}, "SLOR": {}, "-length": {}}
    if mqm is not None:
        cands["mqm"] = {}
        cands["mqm x words"] = {}
    for o in outs:
        cands["-length"][o.key] = -float(len(o.text.split()))
        parts = [feats[s] for s in split_sentences(o.text) if s in feats]
        if not parts:
            continue
        nw = [p["scalars"]["n_words"] for p in parts]
        tw = sum(nw)
        cands["detector"][o.key] = -max(p["scalars"]["word_logit_max"] for p in parts)
        cands["SLOR"][o.key] = sum(w * p["scalars"]["slor"] for w, p in zip(nw, parts)) / tw
        if mqm is not None:
            v = sum(w * mqm.score(p) for w, p in zip(nw, parts)) / tw
            cands["mqm"][o.key] = v
            cands["mqm x words"][o.key] = v * tw / PER_WORDS
    print(f"{'score':<14} {'tau':>7} {'tau_b':>7} {'pairs':>7}   {'tau, similar length':>19} {'pairs':>6}")
    for name, c in cands.items():
        r = _mqm.grouped_tau(outs, c)
        q = _mqm.grouped_tau(outs, c, _mqm.similar_length)
        print(f"{name:<14} {r['tau']:7.4f} {r['tau_b']:7.4f} {r['pairs']:7,}   {q['tau']:19.4f} {q['pairs']:6,}")
    ties = _mqm.grouped_tau(outs, cands["-length"])["expert_ties"]
    where = f"{mqm.path} ({mqm.meta.get('design', '?')})" if mqm is not None else "no mqm_score.json"
    print(f"# experts tie {ties:.1%} of pairs; {where}; features {t_feat:.0f} s, total {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
