"""The ceiling of NAM004's design on the WMT21 ru-en name garbles: suspect, and the LM's margin.

    python benchmarks/bench_name_oracle.py [--model smollm2-135m] [--part report|development|all]

For each distinct garble form (form -> correction) of
``../shared/data/mt_garbles/wmt21_ru_en_name_garbles.jsonl``, its first
sentence is scored by the model as the MT wrote it and with the labelled
correction put in its place (an oracle candidate generator: the right
spelling always proposed).  Printed: how many forms NAM004 would look at at
all (a *suspect*: a capitalised word no lexicon knows; known words and names
are never re-judged) and how many of those the model prefers corrected by
more than 0, 2, 4 and 8 nats (NAM004's thresholds are 0-12 by channel).  No
candidate generator can lift NAM004 above the suspect-and-margin count.
Reads the ``--part`` of the set (default ``report``; split by entity, ``benchmarks/_parts.py``).
The data stays in ../shared; nothing of it is written here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "mt_garbles" / "wmt21_ru_en_name_garbles.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--part", default="report", choices=["development", "report", "all"])
    args = ap.parse_args()
    if not args.data.is_file():
        sys.exit(f"{args.data}: not found (the WMT21 garble set lives in ../shared/data/mt_garbles)")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from _parts import garble_parts, keep
    from mtqa.entities.candidates import is_suspect
    from mtqa.entities.lexicon import default_lexicon
    from mtqa.fluency import resolve_model
    from mtqa.fluency.engine import get_engine

    lex = default_lexicon()
    forms: dict[tuple[str, str], dict] = {}
    items = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    for r, part in zip(items, garble_parts(items)):
        if r["label"] == "garble" and keep(part, args.part):
            forms.setdefault((r["text"], r["correct"][0]), r)
    engine = get_engine(resolve_model(args.model), "cpu")
    texts = []
    for (_, correct), r in forms.items():
        s, e = r["span"]
        texts += [r["sentence"], r["sentence"][:s] + correct + r["sentence"][e:]]
    ids, _ = engine.encode(texts)
    lps = engine.logprobs(ids)
    rows = []
    for k, (form, _) in enumerate(forms):
        margin = float(lps[2 * k + 1].sum(dtype="float64") - lps[2 * k].sum(dtype="float64"))
        suspect = any(is_suspect(w, lex) for w in form.replace("-", " ").split())
        rows.append((suspect, margin))
    n = len(rows)
    print(f"WMT21 name garbles, part {args.part}; model {engine.name}: {n} distinct garble forms, {sum(s for s, _ in rows)} suspects "
          f"(the rest are known words or names, never re-judged)")
    print(f"median margin of the right spelling: {statistics.median(m for _, m in rows):+.2f} nats")
    for th in (0, 2, 4, 8):
        both = sum(s and m > th for s, m in rows)
        print(f"  margin > {th}: {sum(m > th for _, m in rows):3d} forms; suspect and margin > {th}: "
              f"{both:3d} ({both / n:.0%}): the most NAM004 can correct at this threshold")


if __name__ == "__main__":
    main()
