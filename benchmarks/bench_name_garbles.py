"""Real MT name garbles (WMT21 ru-en): how many the name rules correct, how many variants they flag.

    python benchmarks/bench_name_garbles.py [--model smollm2-135m] [--select NAM] [--no-fluency]
                                           [--part report|development|all] [--show 10] [--leaks]
                                           [--source none|sentence|document]

Reads ``../shared/data/mt_garbles/wmt21_ru_en_name_garbles.jsonl`` (877 hand-labelled
occurrences of names in WMT21 ru-en system outputs: 509 ``garble``, 368 ``variant``; its README
says how it was built).  Each item's sentence is checked on its own with the selected rules
(``mtqa.Checker``; the default selects every NAM rule, with the language model, so NAM004 runs).

* A **garble is corrected** when a finding overlapping the item's span carries a suggestion
  that contains one of the item's accepted spellings, or is contained in one (a one-word
  suggestion "Hagia" for the span "Ayia" of "Ayia Sofia"), modulo case and diacritics.
* A **variant is warned** when a warning or error overlaps its span (info does not count).

The set is clustered (one footballer is 60 items), so recall is printed per item and per
distinct (form, correction) pair.  It is split by entity (``benchmarks/_parts.py``): a form and
its accepted spellings are one group, so no (form, correction) pair and no correction is in two
parts; groups the project names (rule examples, README, tests, tables) are ``development``.
Only the part asked for is checked (default ``report``).

``--source sentence`` checks each item's sentence with its Russian source line
(``../shared/data/mt_bitext/wmt21_ru_en``, the line the item's ``segment`` indexes) attached, as
``mtqa check --input-format lines --source`` does; ``--source document`` checks each system's
whole news document (its lines joined into one paragraph) with the source document, so
sentence segmentation and alignment are mtqa's own, and reads each item's span there.  ``--leaks`` lists the report-part
forms that the project's tracked files name (they must move to development; the run refuses
to report while there are any).  The sentences are never copied into the repository.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clean_news import DEFAULT_DATA  # noqa: E402
from _parts import GARBLE_PARTS, garble_groups, garble_parts, keep  # noqa: E402

from mtqa import Checker  # noqa: E402
from mtqa.config import Config  # noqa: E402
from mtqa.finding import Severity  # noqa: E402
from mtqa.gazetteer.keys import norm  # noqa: E402


def corrected(suggestion: str | None, accepted: list[str]) -> bool:
    if not suggestion:
        return False
    s = norm(suggestion)
    return any(norm(a) in s or (len(s) >= 4 and s in norm(a)) for a in accepted)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--model", default=None, help="fluency model (default: mtqa's default)")
    ap.add_argument("--select", default="NAM")
    ap.add_argument("--no-fluency", action="store_true", help="without the language model (NAM004 off)")
    ap.add_argument("--show", type=int, default=0, help="print this many misses and variant warnings")
    ap.add_argument("--json", type=Path, help="write per-item results here")
    ap.add_argument("--part", default="report", choices=[*GARBLE_PARTS, "all"])
    ap.add_argument("--leaks", action="store_true", help="list the report-part forms the project names, and stop")
    ap.add_argument("--source", default="none", choices=["none", "sentence", "document"],
                    help="check with the Russian original: each sentence with its source line, or whole documents")
    args = ap.parse_args(argv)
    path = args.data / "mt_garbles" / "wmt21_ru_en_name_garbles.jsonl"
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    parts = garble_parts(items)
    leaked = leaks(items, parts)
    if args.leaks or leaked:
        for form, files in leaked:
            print(f"report-part form named by the project: {form!r} in {', '.join(files[:4])}")
        if leaked:
            print("move their groups to development (benchmarks/_parts.py GARBLE_DEVELOPMENT)", file=sys.stderr)
            return 2
        print("no report-part form is named by the project")
        return 0
    cfg = Config(select=args.select.split(","), fluency=not args.no_fluency, model=args.model)
    checker = Checker(cfg)
    chosen = [(it, p) for it, p in zip(items, parts) if keep(p, args.part)]
    sentences = sorted({it["sentence"] for it, _ in chosen})
    t0 = time.perf_counter()
    findings = {}
    if args.source == "none":
        for rep, s in zip(checker.check_documents(_docs(sentences)), sentences):
            findings[s] = rep.findings
        where = {id(it): it["sentence"] for it, _ in chosen}
    else:
        findings, where = _with_source(args, chosen, checker)
    elapsed = time.perf_counter() - t0
    cands, resolves = _candidates(sentences, sorted({it['text'] for it, _ in chosen}), checker)
    if args.source != "none":  # the candidates the pipeline proposes with the source line
        cands = _source_candidates(args, chosen, checker)
    names = [*GARBLE_PARTS, "all"] if args.part == "all" else [args.part]
    per = {p: collections.Counter() for p in names}
    forms: dict[str, dict[tuple[str, str], bool]] = {p: {} for p in names}
    covered: dict[str, dict[tuple[str, str], bool]] = {p: {} for p in names}
    agree: dict[str, dict[tuple[str, str], bool]] = {p: {} for p in names}
    misses, warned = [], []
    rows = []
    for it, part in chosen:
        a, b = it["span"]
        over = [f for f in findings.get(where[id(it)], ()) if f.start < b and a < f.end]
        if it["label"] == "garble":
            ok = any(corrected(f.suggestion, it["correct"]) for f in over)
            at = it["sentence"] if args.source == "none" else (it["system"], it["segment"])
            key = (it["text"], it["correct"][0])
            words = {norm(w) for (s, x, y), ws in cands.items() if s == at and x <= a and b <= y for w in ws}
            has = ok or any(all(norm(w) in words for w in c.replace("-", " ").split()) or norm(c.split()[-1]) in words
                            for c in it["correct"])
            res = resolves.get(it["text"], "")
            for p in {part, args.part}:
                per[p]["garble"] += 1
                per[p]["corrected"] += ok
                forms[p][key] = forms[p].get(key, False) or ok
                covered[p][key] = covered[p].get(key, False) or has
                if res and corrected(res, it["correct"]):
                    agree[p][key] = agree[p].get(key, False) or ok
            if not ok:
                misses.append((it["text"], it["correct"][0], [(f.code, f.suggestion) for f in over]))
        else:
            bad = any(f.severity in (Severity.WARNING, Severity.ERROR) for f in over)
            for p in {part, args.part}:
                per[p]["variant"] += 1
                per[p]["warned"] += bad
            if bad:
                warned.append((it["text"], [(f.code, f.suggestion) for f in over]))
        rows.append({"segment": it["segment"], "system": it["system"], "label": it["label"], "text": it["text"],
                     "findings": [(f.code, f.suggestion, str(f.severity)) for f in over]})
    n_groups = len(set(k for k, p in zip(garble_groups(items), parts) if keep(p, args.part)))
    print(f"# WMT21 name garbles, part {args.part}: {len(chosen)} items, {n_groups} entity groups, "
          f"{len(sentences)} sentences checked in {elapsed:.1f} s with --select {args.select}"
          f"{'' if args.source == 'none' else ', with the source (' + args.source + 's)'}"
          f" ({'no model' if args.no_fluency else 'model ' + (args.model or 'default')})")
    print("| part | garbles corrected (items) | distinct forms corrected | variants warned |")
    print("|---|---|---|---|")
    for p in names:
        c = per[p]
        nf = sum(forms[p].values())
        print(f"| {p} | {c['corrected']}/{c['garble']} ({c['corrected'] / max(1, c['garble']):.1%}) | "
              f"{nf}/{len(forms[p])} ({nf / max(1, len(forms[p])):.1%}) | "
              f"{c['warned']}/{c['variant']} ({c['warned'] / max(1, c['variant']):.1%}) |")
    print("\n| part | distinct forms with the right spelling among the candidates "
          "| forms `mtqa normalize` resolves first (≥ 0.85) | of those corrected in their sentence |")
    print("|---|---|---|---|")
    for p in names:
        nc, na, nk = sum(covered[p].values()), len(agree[p]), sum(agree[p].values())
        print(f"| {p} | {nc}/{len(covered[p])} ({nc / max(1, len(covered[p])):.1%}) | {na} | {nk}/{na} "
              f"({nk / max(1, na):.1%}) |")
    if args.show:
        print("\nmissed garbles (form → correction: findings on the span):")
        for m in sorted(set((x[0], x[1], str(x[2])) for x in misses))[: args.show]:
            print("  ", m)
        print("variants warned:")
        for w in sorted(set((x[0], str(x[1])) for x in warned))[: args.show]:
            print("  ", w)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=0), encoding="utf-8")
    return 0


def leaks(items, parts) -> list[tuple[str, list[str]]]:
    """(form, files) for each report-part form (a garble or a variant as written) that a file the
    project tracks names as a whole word: code, docs, tests and uncompressed tables."""
    import re
    import subprocess

    root = Path(__file__).resolve().parents[1]
    files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    texts = {}
    for f in files:
        p = root / f
        if p.suffix in (".xz", ".gz", ".safetensors", ".png", ".bin") or not p.is_file():
            continue
        try:
            texts[f] = p.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
    out = []
    for form in sorted({it["text"] for it, p in zip(items, parts) if p == "report"}):
        pat = re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)")
        named = [f for f, t in texts.items() if pat.search(t)]
        if named:
            out.append((form, named))
    return out


def _with_source(args, chosen, checker):
    """Findings keyed by (system, segment), spans relative to the item's line, with the original
    attached: per line (``sentence``) or per whole document (``document``)."""
    from _bitext import documents, load

    systems = sorted({it["system"] for it, _ in chosen})
    bt = load(args.data, systems)
    lines = {it["segment"] for it, _ in chosen}
    docs_of = {bt.docids[i] for i in lines}
    out: dict = {}
    for system in systems:
        if args.source == "sentence":
            pairs = [(k, d) for k, d in documents(bt, system, "lines") if k in lines]
            for (k, _), rep in zip(pairs, checker.check_documents([d for _, d in pairs])):
                out[(system, k)] = rep.findings
        else:
            pairs = [(k, d) for k, d in documents(bt, system, "paragraphs") if k[0] in docs_of]
            for ((_, idx, starts), d), rep in zip(pairs, checker.check_documents([d for _, d in pairs])):
                for f in rep.findings:
                    for i, st in zip(idx, starts):
                        if st <= f.start < st + len(bt.sides[system][i]) + 1:
                            f.start, f.end = f.start - st, f.end - st
                            out.setdefault((system, i), []).append(f)
                            break
    where = {id(it): (it["system"], it["segment"]) for it, _ in chosen}
    return out, where


def _source_candidates(args, chosen, checker):
    """((system, segment), start, end) -> candidate words of the names pipeline for that mention,
    each line checked with its source line."""
    from _bitext import documents, load

    from mtqa.names.pipeline import collect
    from mtqa.segment import segment

    gaz = checker.ctx.get("gazetteer")
    systems = sorted({it["system"] for it, _ in chosen})
    lines = {it["segment"] for it, _ in chosen}
    bt = load(args.data, systems)
    out: dict = {}
    for system in systems:
        pairs = [(k, d) for k, d in documents(bt, system, "lines") if k in lines]
        for _, d in pairs:
            segment(d)
        for g in collect([d for _, d in pairs], gaz, lambda s: False):
            for a, b in g.spans:
                out.setdefault(((system, pairs[g.doc][0]), a, b), set()).update(
                    w for p in g.proposals for w in p.form.replace("-", " ").split())
    return out


def _candidates(sentences, forms, checker):
    """((sentence, start, end) -> candidate words of the names pipeline for that mention; form ->
    the spelling ``mtqa normalize`` resolves it to first at confidence ≥ 0.85)."""
    from mtqa.document import Document
    from mtqa.names.candidates import _align
    from mtqa.names.pipeline import collect
    from mtqa.segment import segment

    gaz = checker.ctx.get("gazetteer")
    docs = []
    for i, t in enumerate(sentences):
        d = Document(source=f"item{i}", text=t)
        segment(d)
        docs.append(d)
    out: dict = {}
    for g in collect(docs, gaz, lambda s: False):
        for a, b in g.spans:
            out.setdefault((sentences[g.doc], a, b), set()).update(
                w for p in g.proposals for w in p.form.replace("-", " ").split())
    resolves = {}
    for form in forms:
        hits = gaz.lookup(form, top=1, min_confidence=0.85)
        if hits:
            resolves[form] = _align(form, hits[0].entry, len(form.split()) > 1)
    return out, resolves


def _docs(texts):
    from mtqa.document import Document

    for i, t in enumerate(texts):
        yield Document(source=f"item{i}", text=t)


if __name__ == "__main__":
    sys.exit(main())
