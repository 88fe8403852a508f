"""Source sentence alignment and omission detection on WMT21 ru-en (source + human references).

    python benchmarks/bench_source_align.py [--data ../shared/data] [--part report|development|all]
                                            [--layout paragraphs|lines|both] [--seed 13] [--n 300]
                                            [--show]

Reads ``../shared/data/mt_bitext/wmt21_ru_en/`` (its README): the Russian source
(``newstest2021.ru-en.src.ru``, 1,000 lines, 107 documents, ``.docids``), and the two professional
translations ``ref.A.en`` and ``ref.B.en``, line-aligned with it.  Documents are split by
``benchmarks/_parts.py`` (``bitext_part``): tune on ``development``, report on ``report``.  The
sentences are never copied into the repository.

Each document is built by joining its lines, the same way on both sides: layout ``lines`` joins
them with "\\n" (one sentence per line), layout ``paragraphs`` with a space (one paragraph, so
razdel and mtqa's segmenter decide the sentences, and they often disagree with the lines and with
each other).  The source is segmented with :func:`mtqa.source.segment.sentences`, the English with
:func:`mtqa.segment.segment`.

* **Alignment accuracy** (per reference, per layout).  For source line *i*, let S(i) be the source
  sentences that overlap it and T(i) the target sentences of every bead holding one of S(i).  Line
  *i* is **covered** when T(i)'s spans hold at least 90% of the non-space characters of its gold
  target line *i*, and **tight** when, besides, at most 10% of T(i)'s non-space characters lie
  outside the gold target lines of the source lines S(i) overlap (the lines a segmentation merge
  forces together).  Accuracy = covered lines / lines; tightness likewise.
* **Omission precision**: :func:`mtqa.source.omissions.omissions` on the unmodified references,
  hits per 10,000 English words (``Document.word_count``); ``--show`` prints each hit.
* **Omission recall, dropped sentence**: ``--n`` cases drawn (``--seed``) from the (reference,
  line) pairs of the part whose English line has at least 6 words: that line is deleted from the
  reference document, which is checked against its full source.  A case is found when an
  omission (``dropped``, or ``short`` for a bead the aligner merged the orphan into) names a
  source sentence that overlaps the deleted line's source line.
* **Omission recall, half sentence**: the same for an English line of at least 16 words whose
  second half (by words) is deleted, a final period kept.

  Each recall is also printed *within one sentence* (an omission names the line's source
  sentence or one next to it: the deletion was seen but placed one sentence off), and split by
  whether the line is its own sentence(s) on both sides before the deletion: in the paragraphs
  layout a headline without final punctuation runs into the next sentence on both sides, so its
  deletion can only show as a shorter bead, and a line whose source sentence razdel and the
  English segmenter cut differently likewise.

The timing line gives the median and best of 7 runs of :func:`mtqa.source.align.align` (warm:
the word keys are cached after the first call) on the part's largest document and on a 100-line
document made of the part's first 100 lines, paragraphs layout (sentences segmented beforehand).

The first line names the part read.  Figures on ``report`` are only read, never tuned on
(``benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from itertools import groupby
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clean_news import DEFAULT_DATA  # noqa: E402
from _parts import BITEXT_PARTS, bitext_part, keep  # noqa: E402

from mtqa.document import Document  # noqa: E402
from mtqa.segment import WORD_RE, segment  # noqa: E402
from mtqa.source.align import align  # noqa: E402
from mtqa.source.omissions import omissions  # noqa: E402
from mtqa.source.segment import sentences  # noqa: E402

PREFIX = "newstest2021.ru-en."
REFS = ("A", "B")
SEP = {"lines": "\n", "paragraphs": " "}


def load(data: Path, part: str):
    d = data / "mt_bitext" / "wmt21_ru_en"

    def lines(name: str) -> list[str]:
        return (d / (PREFIX + name)).read_text(encoding="utf-8").split("\n")[:1000]

    src, ids = lines("src.ru"), lines("docids")
    refs = {r: lines(f"ref.{r}.en") for r in REFS}
    docs = []
    i = 0
    for docid, grp in groupby(ids):
        k = len(list(grp))
        if keep(bitext_part(docid), part):
            docs.append((docid, src[i:i + k], {r: refs[r][i:i + k] for r in REFS}))
        i += k
    return docs


def join(lines: list[str], sep: str) -> tuple[str, list[tuple[int, int]]]:
    """The document text and each line's (start, end) in it."""
    spans, pos = [], 0
    for ln in lines:
        spans.append((pos, pos + len(ln)))
        pos += len(ln) + len(sep)
    return sep.join(lines), spans


def tgt_sentences(text: str):
    return segment(Document(source="x", text=text)).sentences


def overlapping(spans, a: int, b: int) -> list[int]:
    return [k for k, (s, e) in enumerate(spans) if s < b and a < e]


def nonspace(text: str, a: int, b: int) -> int:
    return sum(1 for c in text[a:b] if not c.isspace())


def accuracy(src_lines, tgt_lines, sep):
    stext, slines = join(src_lines, sep)
    ttext, tlines = join(tgt_lines, sep)
    ss, ts = sentences(stext, "ru"), tgt_sentences(ttext)
    beads = align(stext, ss, ttext, ts)
    bead_of = {}
    for b in beads:
        for i in b.src:
            bead_of[i] = b
    covered = tight = 0
    for li, (a, b) in enumerate(slines):
        sidx = overlapping(ss, a, b)
        tidx = sorted({j for i in sidx for j in bead_of[i].tgt})
        ga, gb = tlines[li]
        gold = nonspace(ttext, ga, gb)
        inside = sum(nonspace(ttext, max(ts[j][0], ga), min(ts[j][1], gb))
                     for j in tidx if ts[j][0] < gb and ga < ts[j][1])
        ok = gold == 0 or inside >= 0.9 * gold
        covered += ok
        # the gold lines S(i) reaches: the lines its sentences overlap
        reach = sorted({l2 for i in sidx for l2 in overlapping(slines, *ss[i])})
        allowed = [tlines[l2] for l2 in reach]
        total = sum(nonspace(ttext, *ts[j]) for j in tidx)
        ok_in = sum(nonspace(ttext, max(ts[j][0], x), min(ts[j][1], y)) for j in tidx for x, y in allowed
                    if ts[j][0] < y and x < ts[j][1])
        tight += ok and (total == 0 or total - ok_in <= 0.1 * total)
    return covered, tight, len(slines)


def run_layout(docs, layout: str, args) -> dict:
    sep = SEP[layout]
    res = {}
    # alignment accuracy
    cov = tig = tot = 0
    for _, src, refs in docs:
        for r in REFS:
            c, t, n = accuracy(src, refs[r], sep)
            cov, tig, tot = cov + c, tig + t, tot + n
    res["acc"] = (cov, tig, tot)
    # precision on the unmodified references
    hits, words = [], 0
    for docid, src, refs in docs:
        stext, _ = join(src, sep)
        ss = sentences(stext, "ru")
        for r in REFS:
            ttext, _ = join(refs[r], sep)
            words += Document(source="x", text=ttext).word_count()
            ts = tgt_sentences(ttext)
            for o in omissions(stext, ss, ttext, ts):
                hits.append((docid, r, o, [stext[ss[i][0]:ss[i][1]] for i in o.src],
                             [ttext[ts[j][0]:ts[j][1]] for j in o.tgt]))
    res["prec"] = (hits, words)
    # recall: a dropped line, a halved line
    rng = random.Random(args.seed)
    drop_cases, half_cases = [], []
    for d, (_, src, refs) in enumerate(docs):
        for r in REFS:
            for li, ln in enumerate(refs[r]):
                w = len(WORD_RE.findall(ln))
                if w >= 6 and len(refs[r]) > 1:
                    drop_cases.append((d, r, li))
                if w >= 16:
                    half_cases.append((d, r, li))
    res["recall"] = {}
    for name, cases in (("dropped", drop_cases), ("half", half_cases)):
        pick = rng.sample(cases, min(args.n, len(cases)))
        stats = {"found": 0, "near": 0, "n": len(pick), "extra": 0, "own": [0, 0], "merged": [0, 0]}
        misses = []
        for d, r, li in pick:
            _, src, refs = docs[d]
            stext, slines = join(src, sep)
            ss = sentences(stext, "ru")
            tl = list(refs[r])
            own = own_sentences(ss, slines[li]) and own_sentences(tgt_sentences(join(tl, sep)[0]), join(tl, sep)[1][li])
            if name == "dropped":
                del tl[li]
            else:
                words = tl[li].split()
                tl[li] = " ".join(words[: len(words) // 2]).rstrip(",;:") + "."
            ttext, _ = join(tl, sep)
            ts = tgt_sentences(ttext)
            oms = omissions(stext, ss, ttext, ts)
            line_sents = set(overlapping(ss, *slines[li]))
            hit = any(line_sents & set(o.src) for o in oms)
            near = hit or any(abs(i - h) <= 1 for o in oms for i in o.src for h in line_sents)
            stats["found"] += hit
            stats["near"] += near
            stats["own" if own else "merged"][0] += hit
            stats["own" if own else "merged"][1] += 1
            stats["extra"] += sum(1 for o in oms if not (set(o.src) & line_sents))
            if not hit:
                misses.append((docs[d][0], r, li, src[li]))
        res["recall"][name] = (stats, misses)
    return res


def own_sentences(spans, line) -> bool:
    """Whether the line is whole sentences of the segmentation (no sentence runs over its ends)."""
    a, b = line
    return all(a <= s and e <= b for s, e in spans if s < b and a < e)


def timing(docs) -> str:
    def t(src_lines, tgt_lines):
        stext, _ = join(src_lines, " ")
        ttext, _ = join(tgt_lines, " ")
        ss, ts = sentences(stext, "ru"), tgt_sentences(ttext)
        pair_n = (len(ss), len(ts))
        runs = []
        for _ in range(7):
            t0 = time.perf_counter()
            align(stext, ss, ttext, ts)
            runs.append(time.perf_counter() - t0)
        return pair_n, statistics.median(runs) * 1000, min(runs) * 1000

    big = max(docs, key=lambda x: len(x[1]))
    (n1, ms1, min1) = t(big[1], big[2]["A"])
    src100 = [ln for _, s, _ in docs for ln in s][:100]
    tgt100 = [ln for _, _, r in docs for ln in r["A"]][:100]
    (n2, ms2, min2) = t(src100, tgt100)
    return (f"align timing (paragraphs, ref A, median / best of 7): largest document {big[0]} {n1[0]}x{n1[1]} "
            f"sentences {ms1:.1f} / {min1:.1f} ms; 100 lines {n2[0]}x{n2[1]} sentences {ms2:.1f} / {min2:.1f} ms")


def main(argv: "list[str] | None" = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--part", default="report", choices=[*BITEXT_PARTS, "all"])
    ap.add_argument("--layout", default="both", choices=["paragraphs", "lines", "both"])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--n", type=int, default=300, help="recall cases per experiment")
    ap.add_argument("--show", action="store_true", help="print every precision hit and recall miss")
    args = ap.parse_args(argv)

    docs = load(args.data, args.part)
    nlines = sum(len(s) for _, s, _ in docs)
    print(f"part: {args.part} ({len(docs)} documents, {nlines} lines, references {'+'.join(REFS)}); "
          f"seed {args.seed}, n {args.n}")
    layouts = ["paragraphs", "lines"] if args.layout == "both" else [args.layout]
    for layout in layouts:
        t0 = time.perf_counter()
        res = run_layout(docs, layout, args)
        cov, tig, tot = res["acc"]
        hits, words = res["prec"]
        print(f"[{layout}] alignment: covered {cov}/{tot} = {cov / tot:.3f}, tight {tig}/{tot} = {tig / tot:.3f}")
        print(f"[{layout}] precision: {len(hits)} omissions on the references, {words} words = "
              f"{len(hits) / words * 10000:.2f} per 10,000 words "
              f"(dropped {sum(h[2].kind == 'dropped' for h in hits)}, short {sum(h[2].kind == 'short' for h in hits)})")
        for name, label in (("dropped", "dropped line (>= 6 words)"), ("half", "half line cut (>= 16 words)")):
            st, _ = res["recall"][name]
            n = max(st["n"], 1)
            (o_ok, o_n), (m_ok, m_n) = st["own"], st["merged"]
            print(f"[{layout}] recall, {label}: {st['found']}/{st['n']} = {st['found'] / n:.3f}; "
                  f"within one sentence {st['near'] / n:.3f}; line is its own sentences on both sides "
                  f"{o_ok}/{o_n} = {o_ok / max(o_n, 1):.3f}, line shares a sentence with a neighbour "
                  f"{m_ok}/{m_n} = {m_ok / max(m_n, 1):.3f}; other omissions in those documents: {st['extra']}")
        print(f"[{layout}] ({time.perf_counter() - t0:.1f} s)")
        if args.show:
            for docid, r, o, s, t in hits:
                print(f"  HIT {docid} ref {r} {o.kind} ratio={o.ratio} src={o.src} tgt={o.tgt}")
                for x in s:
                    print(f"      ru: {x}")
                for x in t:
                    print(f"      en: {x}")
            for name in ("dropped", "half"):
                for docid, r, li, s in res["recall"][name][1]:
                    print(f"  MISS {name} {docid} ref {r} line {li}: {s}")
    print(timing(docs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
