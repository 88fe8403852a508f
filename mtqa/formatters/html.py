"""HTML review report: one self-contained file for editors.

``mtqa check copy/ --format html -o report.html`` (or ``mtqa report``).  The
file needs nothing else — CSS and JavaScript are inline, no fonts, no network
— and shows:

* a summary header: the gate result, documents, words, findings by severity,
  findings per 1,000 words, sentences flagged for fluency and mean chrF when present, findings by rule;
* the corrected-names table: every name/phrase finding (``found →
  suggestion``) with its count, confidence and documents;
* each document's text with its findings highlighted — background by
  severity, underline colour by family; overlapping findings are split into
  flat segments that list every finding covering them, so nothing nests;
  hovering or focusing a highlight shows message, suggestion and confidence,
  clicking pins it and selects it in the findings list beside the text
  (clicking an entry of the list scrolls to its highlight);
* sentence fluency (``report.extra["fluency"]["sentences"]``, when the
  fluency scorer ran) as a thin heat strip above the text.

Everything that comes from the input — text, file names, messages,
suggestions — is escaped with ``html.escape(..., quote=True)``; the data the
script reads is JSON inside ``<script type="application/json">`` with ``<``,
``>`` and ``&`` written as ``\\u003c``... so no input can close the element.
The script builds its pop-ups with ``textContent`` only.

Document sections are spooled to a temporary file as they arrive (memory
stays flat over large runs) and assembled after the header in ``end()``.
"""

from __future__ import annotations

import html
import json
import math
import tempfile
from collections import Counter
from typing import Any

from mtqa import __version__
from mtqa.formatters import Formatter, RunSummary, register
from mtqa.gate import fails
from mtqa.readers import ReadError
from mtqa.report import DocumentReport

SEVERITIES = ("error", "warning", "info")
FAMILIES = ("casing", "quote", "attribution", "typography", "language", "repetition", "name", "phrase", "fluency")
NAME_FAMILIES = ("name", "phrase")


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def script_json(obj: Any) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' survive (so no '</script>' or '<!--')."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _fmt_conf(c: float) -> str:
    return f"{c:.2f}"


def _slug(s: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in s.lower())


def segments(text: str, spans: list[tuple[int, int, int]], cuts: list[int] = ()) -> list[tuple[int, int, list[int]]]:
    """Split ``text`` at every span boundary (and at ``cuts``); each piece lists the span ids covering it."""
    n = len(text)
    bounds = {0, n}
    for s, e, _ in spans:
        bounds.add(max(0, min(s, n)))
        bounds.add(max(0, min(e, n)))
    for c in cuts:
        if 0 <= c <= n:
            bounds.add(c)
    pts = sorted(bounds)
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for s, e, i in spans:
        if e > s:
            starts.setdefault(s, []).append(i)
            ends.setdefault(e, []).append(i)
    active: list[int] = []
    out = []
    for a, b in zip(pts, pts[1:]):
        for i in ends.get(a, ()):
            if i in active:
                active.remove(i)
        active.extend(starts.get(a, ()))
        out.append((a, b, sorted(active)))
    return out


def _fluency_sentences(report: DocumentReport) -> list[dict[str, Any]]:
    flu = report.extra.get("fluency")
    if not isinstance(flu, dict):
        return []
    out = []
    for s in flu.get("sentences") or []:
        try:
            start, end, slor = int(s["start"]), int(s["end"]), float(s["slor"])
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= start < end <= len(report.document.text) and math.isfinite(slor):
            out.append({"start": start, "end": end, "slor": slor})
    return out


def _heat_scale(slors: list[float]) -> tuple[float, float]:
    """(median, spread) of a document's sentence SLORs: the strip shows how far
    each sentence falls below the document's typical sentence, in robust units
    (inter-quartile range, at least 0.5 nats), so one outlier does not wash out
    the rest and a uniformly fluent document stays pale."""
    xs = sorted(slors)
    n = len(xs)

    def q(p: float) -> float:
        k = (n - 1) * p
        lo = int(k)
        hi = min(lo + 1, n - 1)
        return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)

    return q(0.5), max(0.5, q(0.75) - q(0.25))


HEAT_WORDS = ("reads like the rest of the story", "reads a little worse than the story's typical sentence",
              "reads worse than the story's typical sentence", "reads much worse than the story's typical sentence",
              "reads far worse than the story's typical sentence")


def _fluency_flagged(report) -> int:
    """Sentences of the document that a fluency rule (FLU) flagged."""
    import bisect

    sents = report.document.sentences
    starts = [s.start for s in sents]
    hit = set()
    for f in report.findings:
        if f.family == "fluency":
            k = max(0, bisect.bisect_right(starts, f.start) - 1)
            while k < len(sents) and sents[k].start < f.end:
                if f.start < sents[k].end:
                    hit.add(k)
                k += 1
    return len(hit)


def _heat_level(slor: float, median: float, spread: float) -> int:
    """0 (at or above the document's median) .. 4 (far below it)."""
    return max(0, min(4, int((median - slor) / spread + 0.5)))


@register
class HtmlFormatter(Formatter):
    name = "html"

    def begin(self) -> None:
        # newline="": the text goes out exactly as it came in (no \r\n → \n on reading it back)
        self.body = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+", encoding="utf-8", newline="")
        self.toc: list[tuple[str, str, dict[str, int], bool]] = []
        self.errors: list[ReadError] = []
        self.names: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.families: Counter = Counter()
        self.n = 0
        self.flu_sentences = 0  # sentences of the documents the fluency model read ...
        self.flu_flagged = 0  # ... and those a fluency rule flagged
        self.chrf: list[float] = []

    # -- per document ------------------------------------------------------
    def document(self, report: DocumentReport) -> None:
        self.n += 1
        doc = report.document
        anchor = f"doc-{self.n}"
        counts = report.counts()
        failed = fails(report, self.fail_on)
        self.toc.append((anchor, report.source, counts, failed))
        findings = report.findings
        for f in findings:
            self.families[f.family] += 1
            if f.family in NAME_FAMILIES and f.suggestion:
                key = (f.family, f.text, f.suggestion)
                e = self.names.setdefault(key, {"count": 0, "conf": [], "docs": [], "codes": set()})
                e["count"] += 1
                e["conf"].append(float(f.confidence))
                e["codes"].add(f.code)
                if not e["docs"] or e["docs"][-1][0] != anchor:
                    e["docs"].append((anchor, report.source))
        flu = report.extra.get("fluency") if isinstance(report.extra.get("fluency"), dict) else None
        flagged = _fluency_flagged(report)
        if flu is not None:
            self.flu_sentences += len(report.document.sentences)
            self.flu_flagged += flagged
        chrf = report.extra.get("chrf")
        if isinstance(chrf, (int, float)):
            self.chrf.append(float(chrf))

        w = self.body.write
        cls = "doc" + (" failed" if failed else "") + ("" if findings else " clean")
        w(f'<section class="{cls}" id="{anchor}" data-doc="{self.n}">\n')
        w('<details' + (" open" if findings or self.n <= 3 else "") + '><summary class="doc-head">')
        w(f'<span class="doc-name">{esc(report.source)}</span>')
        w('<span class="doc-counts">')
        for sev in SEVERITIES:
            if counts[sev]:
                w(f'<span class="pill sev-{sev}">{counts[sev]} {sev}</span>')
        if not findings:
            w('<span class="pill ok">no findings</span>')
        w("</span></summary>\n")
        meta = [f"{doc.word_count():,} words", f"{len(doc.sentences)} sentences"]
        if doc.lang:
            meta.append(f"language {doc.lang}")
        if flu is not None:
            meta.append(f"{flagged} of {len(doc.sentences)} sentences flagged for fluency")
        if isinstance(chrf, (int, float)):
            meta.append(f"chrF {float(chrf):.1f}")
        if doc.fields and len(doc.fields) > 1:
            meta.append("fields: " + ", ".join(f.name for f in doc.fields))
        w(f'<div class="doc-meta">{esc(" · ".join(meta))}</div>\n')

        sentences = _fluency_sentences(report)
        if sentences:
            median, spread = _heat_scale([s["slor"] for s in sentences])
            total = max(1, sum(s["end"] - s["start"] for s in sentences))
            w('<div class="heat" role="img" aria-label="sentence fluency: the redder, the further below '
              'the document\'s typical sentence">')
            for k, s in enumerate(sentences):
                lvl = _heat_level(s["slor"], median, spread)
                width = 100.0 * (s["end"] - s["start"]) / total
                w(f'<span class="cell h{lvl}" style="width:{width:.3f}%" data-s="{k}" '
                  f'title="sentence {k + 1}: {HEAT_WORDS[lvl]}"></span>')
            w("</div>\n")

        # the text, split into flat segments, and the findings list beside it
        spans = [(f.start, f.end, i) for i, f in enumerate(findings)]
        cuts = [c for s in sentences for c in (s["start"], s["end"])]
        sent_at = _sentence_lookup(sentences)
        w('<div class="doc-body"><div class="text">')
        text = doc.text
        for a, b, ids in segments(text, spans, cuts):
            piece = esc(text[a:b])
            k = sent_at(a)
            sattr = f' data-s="{k}"' if k is not None else ""
            if not ids:
                w(f'<span class="s"{sattr}>{piece}</span>' if sattr else piece)
                continue
            worst = max(ids, key=lambda i: (int(findings[i].severity), findings[i].end - findings[i].start))
            f0 = findings[worst]
            classes = f"hl sev-{f0.severity} fam-{_slug(f0.family)}" + (" multi" if len(ids) > 1 else "")
            w(f'<mark class="{classes}" tabindex="0" data-f="{" ".join(map(str, ids))}"{sattr}>{piece}</mark>')
        w("</div>\n")
        original = _original_sentences(doc)
        if findings:
            w('<ol class="flist" aria-label="findings">\n')
            for i, f in enumerate(findings):
                where = f"{f.line}:{f.column}" + (f" {f.field}" if f.field else "")
                w(f'<li data-f="{i}" class="sev-{f.severity} fam-{_slug(f.family)}">'
                  f'<div class="fl-hd"><span class="code sev-{f.severity}">{esc(f.code)}</span>'
                  f'<span class="rule">{esc(f.rule)}</span><span class="where">{esc(where)}</span></div>'
                  f'<div class="fl-fix"><span class="found">{esc(_short(f.text, 60))}</span>')
                if f.suggestion is not None:
                    w(f' <span class="arrow">→</span> <span class="sugg">{esc(_short(f.suggestion, 60) or "(delete)")}</span>')
                w(f'</div><div class="fl-msg">{esc(f.message)}'
                  f' <span class="conf" title="confidence">{_fmt_conf(f.confidence)}</span></div>')
                src = original(f.start) if original else None
                if src:  # with the original (--source): the source sentence(s) this sentence translates
                    w(f'<div class="fl-src"><span class="src-lbl">original</span> '
                      f'<span lang="{esc(src[1])}">{esc(_short(src[0], 400))}</span></div>')
                w('</li>\n')
            w("</ol>")
        w("</div>\n")
        data = [{"code": f.code, "rule": f.rule, "family": f.family, "severity": str(f.severity),
                 "message": f.message, "suggestion": f.suggestion, "confidence": round(float(f.confidence), 4),
                 "text": f.text, "line": f.line, "column": f.column, "field": f.field} for f in findings]
        w(f'<script type="application/json" class="mtqa-data">{script_json(data)}</script>\n')
        w("</details></section>\n")

    def error(self, err: ReadError) -> None:
        self.errors.append(err)

    # -- assembly ------------------------------------------------------------
    def end(self, summary: RunSummary) -> None:
        from mtqa.rules import get_rule

        w = self.out.write
        w("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
          f"<meta name=\"generator\" content=\"mtqa {esc(__version__)}\">\n"
          "<title>mtqa review report</title>\n<style>" + CSS + "</style>\n</head>\n<body>\n")
        # header ---------------------------------------------------------------
        code = summary.exit_code
        # the gate's verdict on the documents, whatever the process exits with (--exit-zero, mtqa report)
        if code not in (0, 1) and summary.errors:
            verdict = 2
        else:
            verdict = 1 if summary.failed_documents else 0
        if verdict == 0:
            gate_cls, gate = "pass", "PASS"
            gate_note = ("no finding at or above " + summary.fail_on) if summary.fail_on != "never" else "gate off"
        elif verdict == 1:
            gate_cls, gate = "fail", "FAIL"
            gate_note = f"{summary.failed_documents} document{'s' if summary.failed_documents != 1 else ''} " \
                        f"with findings at or above {summary.fail_on}"
        else:
            gate_cls, gate = "error", "ERROR"
            gate_note = f"{summary.errors} input{'s' if summary.errors != 1 else ''} could not be read"
        per_k = 1000.0 * summary.findings / summary.words if summary.words else 0.0
        w('<header class="top"><div class="wrap">')
        w('<div class="title-row"><h1>mtqa review report</h1>'
          f'<div class="gate {gate_cls}" title="exit code {code}"><b>{gate}</b><span>{esc(gate_note)}</span></div></div>')
        w('<div class="cards">')
        cards = [("documents", f"{summary.documents:,}"), ("words", f"{summary.words:,}"),
                 ("findings", f"{summary.findings:,}"), ("per 1,000 words", f"{per_k:.1f}")]
        for sev in SEVERITIES:
            cards.append((sev, f"{summary.by_severity.get(sev, 0):,}"))
        if self.flu_sentences:
            cards.append(("sentences flagged for fluency", f"{self.flu_flagged:,} of {self.flu_sentences:,}"))
        if self.chrf:
            cards.append(("mean chrF", f"{sum(self.chrf) / len(self.chrf):.1f}"))
        if summary.errors:
            cards.append(("unreadable", f"{summary.errors:,}"))
        for label, value in cards:
            cls = f" sev-{label}" if label in SEVERITIES else (" bad" if label == "unreadable" else "")
            w(f'<div class="card{cls}"><div class="v">{esc(value)}</div><div class="l">{esc(label)}</div></div>')
        w("</div>")
        if summary.seconds is not None:
            w(f'<div class="run-meta">mtqa {esc(__version__)} · fail-on {esc(summary.fail_on)} · '
              f'{summary.seconds:.2f} s</div>')
        w("</div></header>\n<main class=\"wrap\">\n")

        # controls + legend
        w('<section class="panel controls"><div class="filters"><span class="lab">show</span>')
        for sev in SEVERITIES:
            w(f'<label class="chk sev-{sev}"><input type="checkbox" data-toggle="sev-{sev}" checked> {sev}</label>')
        w('<span class="sep"></span>')
        for fam in FAMILIES:
            if self.families.get(fam):
                w(f'<label class="chk fam fam-{fam}"><input type="checkbox" data-toggle="fam-{fam}" checked>'
                  f'<i></i>{fam} <small>{self.families[fam]}</small></label>')
        w("</div></section>\n")

        # by rule
        if summary.by_rule:
            top = max(summary.by_rule.values())
            w('<section class="panel"><h2>Findings by rule</h2><table class="rules"><tbody>\n')
            for rcode, n in sorted(summary.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
                rule = get_rule(rcode)
                name = rule.name if rule else ""
                fam = rule.family if rule else ""
                w(f'<tr><td class="code">{esc(rcode)}</td><td>{esc(name)}</td>'
                  f'<td><span class="famchip fam-{_slug(fam)}"><i></i>{esc(fam)}</span></td>'
                  f'<td class="bar"><span style="width:{100.0 * n / top:.1f}%"></span></td>'
                  f'<td class="num">{n:,}</td></tr>\n')
            w("</tbody></table></section>\n")

        # corrected names
        if self.names:
            w('<section class="panel"><h2>Corrected names and phrases</h2><table class="names"><thead><tr>'
              '<th>found</th><th></th><th>suggestion</th><th class="num">count</th><th class="num">confidence</th>'
              '<th>rule</th><th>documents</th></tr></thead><tbody>\n')
            rows = sorted(self.names.items(), key=lambda kv: (-kv[1]["count"], kv[0][1].casefold()))
            for (fam, found, sugg), e in rows:
                conf = e["conf"]
                docs = e["docs"]
                links = ", ".join(f'<a href="#{a}">{esc(_short(src, 40))}</a>' for a, src in docs[:5])
                if len(docs) > 5:
                    links += f" +{len(docs) - 5}"
                cr = f"{min(conf):.2f}–{max(conf):.2f}" if min(conf) != max(conf) else f"{conf[0]:.2f}"
                w(f'<tr><td class="found">{esc(found)}</td><td class="arrow">→</td><td class="sugg">{esc(sugg)}</td>'
                  f'<td class="num">{e["count"]}</td><td class="num">{cr}</td>'
                  f'<td>{esc(", ".join(sorted(e["codes"])))}</td><td>{links}</td></tr>\n')
            w("</tbody></table></section>\n")

        # unreadable inputs
        if self.errors:
            w('<section class="panel errors"><h2>Inputs that could not be read</h2><ul>\n')
            for e in self.errors:
                w(f'<li><code>{esc(e.source)}</code>: {esc(e.message)}</li>\n')
            w("</ul></section>\n")

        # table of contents
        if len(self.toc) > 1:
            w('<section class="panel"><h2>Documents</h2><ol class="toc">\n')
            for anchor, src, counts, failed in self.toc:
                badges = "".join(f'<span class="pill sev-{s}">{counts[s]}</span>' for s in SEVERITIES if counts[s])
                w(f'<li class="{"failed" if failed else ""}"><a href="#{anchor}">{esc(src)}</a> {badges}</li>\n')
            w("</ol></section>\n")

        w('<div class="docs">\n')
        self.body.seek(0)
        while True:
            block = self.body.read(1 << 16)
            if not block:
                break
            w(block)
        self.body.close()
        w("</div>\n")
        if not self.toc and not self.errors:
            w('<p class="empty">No documents were checked.</p>\n')
        w('</main>\n<footer class="foot wrap">Generated by mtqa ' + esc(__version__) +
          '. Highlights: background = severity, underline = rule family. Click a highlight to pin it.</footer>\n')
        w('<div id="tip" role="tooltip" hidden></div>\n')
        w("<script>" + JS + "</script>\n</body>\n</html>\n")


def _short(s: str, n: int = 80) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _original_sentences(doc):
    """offset -> (the original's sentences aligned to the sentence at offset, their language),
    or None when the document has no original the source-aware checks read."""
    if getattr(doc, "original", None) is None:
        return None
    from mtqa.source.view import view

    v = view(doc)
    if v is None:
        return None

    def at(offset: int):
        idx = v.source_for(doc.sentence_index(offset))
        return (v.source_text(idx), v.original.language) if idx else None

    return at


def _sentence_lookup(sentences: list[dict[str, Any]]):
    import bisect

    starts = [s["start"] for s in sentences]

    def at(offset: int) -> int | None:
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and sentences[i]["start"] <= offset < sentences[i]["end"]:
            return i
        return None

    return at


CSS = r"""
:root{--bg:#f6f7f9;--panel:#fff;--ink:#1f2328;--muted:#656d76;--line:#d8dee4;
--error:#cf222e;--warning:#9a6700;--info:#0969da;--ok:#1a7f37;
--bg-error:rgba(207,34,46,.16);--bg-warning:rgba(212,167,44,.24);--bg-info:rgba(9,105,218,.12);
--casing:#8250df;--quote:#1a7f37;--attribution:#bc4c00;--typography:#6e7781;--language:#0550ae;
--repetition:#a40e26;--name:#953800;--phrase:#1b7c83;--fluency:#6639ba}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif}
.wrap{max-width:1100px;margin:0 auto;padding:0 20px}
header.top{background:#24292f;color:#fff;padding:18px 0 16px;margin-bottom:18px}
.title-row{display:flex;align-items:center;justify-content:space-between;gap:16px;flex-wrap:wrap}
header.top h1{font-size:20px;margin:0;font-weight:600;letter-spacing:.2px}
.gate{display:flex;align-items:center;gap:10px;border-radius:6px;padding:6px 12px;font-size:13px}
.gate b{font-size:15px;letter-spacing:.5px}
.gate.pass{background:#1a7f37}.gate.fail{background:#cf222e}.gate.error{background:#9a6700}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:14px}
.card{background:rgba(255,255,255,.08);border:1px solid rgba(255,255,255,.14);border-radius:6px;padding:8px 14px;
min-width:110px}
.card .v{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}
.card .l{font-size:12px;color:#c9d1d9}
.card.sev-error .v{color:#ff8182}.card.sev-warning .v{color:#eac54f}.card.sev-info .v{color:#79c0ff}
.card.bad .v{color:#ffb77c}
.run-meta{margin-top:10px;font-size:12px;color:#8c959f}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin-bottom:14px}
.panel h2{font-size:15px;margin:0 0 8px}
.controls{position:sticky;top:0;z-index:5;padding:8px 16px}
.filters{display:flex;flex-wrap:wrap;align-items:center;gap:6px 14px;font-size:13px}
.filters .lab{color:var(--muted)}
.filters .sep{width:1px;height:18px;background:var(--line)}
.chk{display:inline-flex;align-items:center;gap:5px;cursor:pointer;user-select:none}
.chk small{color:var(--muted)}
.chk.fam i,.famchip i{display:inline-block;width:14px;height:3px;border-radius:2px;background:var(--c)}
.fam-casing{--c:var(--casing)}.fam-quote{--c:var(--quote)}.fam-attribution{--c:var(--attribution)}
.fam-typography{--c:var(--typography)}.fam-language{--c:var(--language)}.fam-repetition{--c:var(--repetition)}
.fam-name{--c:var(--name)}.fam-phrase{--c:var(--phrase)}.fam-fluency{--c:var(--fluency)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.rules td.code,.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
table.rules td.bar{width:35%}
table.rules td.bar span{display:block;height:8px;border-radius:4px;background:#8c959f;min-width:2px}
.famchip{display:inline-flex;align-items:center;gap:6px;color:var(--muted)}
table.names td.found{color:var(--error);text-decoration:line-through;text-decoration-color:rgba(207,34,46,.5)}
table.names td.sugg{color:var(--ok);font-weight:600}
table.names td.arrow{color:var(--muted);width:1%}
.errors li{margin:3px 0}
ol.toc{margin:0;padding-left:22px;columns:2;column-gap:30px}
ol.toc li{break-inside:avoid;margin:2px 0}
ol.toc li.failed a{color:var(--error)}
.pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;margin-left:4px;color:#fff;
font-variant-numeric:tabular-nums}
.pill.sev-error{background:var(--error)}.pill.sev-warning{background:#bf8700}.pill.sev-info{background:var(--info)}
.pill.ok{background:var(--ok)}
section.doc{background:var(--panel);border:1px solid var(--line);border-radius:8px;margin-bottom:14px;overflow:hidden}
section.doc.failed{border-left:4px solid var(--error)}
.doc-head{display:flex;justify-content:space-between;align-items:center;gap:10px;padding:10px 16px;cursor:pointer;
background:#f6f8fa;border-bottom:1px solid var(--line);list-style:none}
.doc-head::-webkit-details-marker{display:none}
.doc-head::before{content:"▸";color:var(--muted);margin-right:6px}
details[open]>.doc-head::before{content:"▾"}
.doc-name{font-weight:600;word-break:break-all;flex:1}
.doc-meta{padding:8px 16px 0;color:var(--muted);font-size:12.5px}
.heat{display:flex;height:6px;margin:8px 16px 0;border-radius:3px;overflow:hidden;background:#eaeef2}
.heat .cell{display:block;height:100%;border-right:1px solid #fff;cursor:pointer}
.heat .h0{background:#dafbe1}.heat .h1{background:#fff1c2}.heat .h2{background:#ffd8a8}
.heat .h3{background:#ffb1a8}.heat .h4{background:#ff8182}
.doc-body{display:grid;grid-template-columns:minmax(0,1fr) 330px;align-items:start}
.text{white-space:pre-wrap;overflow-wrap:anywhere;padding:12px 20px 16px 16px;font:16px/1.7 Georgia,"Times New Roman",serif;
max-width:80ch}
.flist{list-style:none;margin:0;padding:8px 0;border-left:1px solid var(--line);background:#fbfcfd;font-size:13px;
position:sticky;top:48px;max-height:calc(100vh - 60px);overflow:auto;align-self:stretch}
.flist li{padding:6px 12px 7px;border-left:3px solid transparent;cursor:pointer}
.flist li+li{border-top:1px solid #eef1f4}
.flist li:hover{background:#f3f5f7}
.flist li.sel{background:#fff8c5;border-left-color:var(--c)}
.fl-hd{display:flex;gap:8px;align-items:baseline}
.fl-hd .code{font-weight:700}
.fl-hd .where{margin-left:auto;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11.5px;
color:var(--muted);white-space:nowrap}
.fl-fix{font-family:Georgia,serif;margin:1px 0}
.fl-fix .found{background:rgba(207,34,46,.08);border-radius:2px;padding:0 2px}
.fl-fix .arrow{color:var(--muted)}
.fl-fix .sugg{color:var(--ok);font-weight:600}
.fl-msg{color:var(--muted);font-size:12.5px}
.fl-src{font-size:12.5px;margin-top:3px;border-left:3px solid #d0d7de;padding-left:6px}
.fl-src .src-lbl{font-size:11px;text-transform:uppercase;color:var(--muted);margin-right:4px}
.fl-msg .conf{font-variant-numeric:tabular-nums;background:#eaeef2;border-radius:8px;padding:0 6px;font-size:11px;
color:#424a53}
@media (max-width:900px){.doc-body{grid-template-columns:1fr}.flist{position:static;max-height:none;
border-left:0;border-top:1px solid var(--line)}}
.text .s.lit,.text mark.lit{background-color:rgba(102,57,186,.10)}
mark.hl{color:inherit;border-radius:2px;padding:0 1px;text-decoration:underline 2px var(--c);
text-underline-offset:3px;cursor:pointer;outline:none}
mark.sev-error{background:var(--bg-error)}mark.sev-warning{background:var(--bg-warning)}
mark.sev-info{background:var(--bg-info)}
mark.multi{text-decoration-style:double;text-decoration-thickness:3px}
mark.hl:hover,mark.hl:focus-visible,mark.hl.on{box-shadow:0 0 0 2px var(--c)}
mark.hl.flash{animation:flash 1.2s ease-out}
@keyframes flash{0%{box-shadow:0 0 0 5px var(--c)}100%{box-shadow:0 0 0 0 transparent}}
body.hide-sev-error mark.sev-error,body.hide-sev-warning mark.sev-warning,body.hide-sev-info mark.sev-info,
body.hide-fam-casing mark.fam-casing,body.hide-fam-quote mark.fam-quote,
body.hide-fam-attribution mark.fam-attribution,body.hide-fam-typography mark.fam-typography,
body.hide-fam-language mark.fam-language,body.hide-fam-repetition mark.fam-repetition,
body.hide-fam-name mark.fam-name,body.hide-fam-phrase mark.fam-phrase,body.hide-fam-fluency mark.fam-fluency
{background:none;text-decoration:none;box-shadow:none;cursor:text}
body.hide-sev-error .flist li.sev-error,body.hide-sev-warning .flist li.sev-warning,
body.hide-sev-info .flist li.sev-info{display:none}
.code.sev-error{color:var(--error)}.code.sev-warning{color:var(--warning)}.code.sev-info{color:var(--info)}
.rule{color:var(--muted);font-size:12px}
td.found{font-family:Georgia,serif}
td.sugg{color:var(--ok)}
#tip{position:absolute;z-index:20;max-width:380px;background:#fff;border:1px solid var(--line);border-radius:8px;
box-shadow:0 8px 24px rgba(140,149,159,.3);padding:8px 10px;font-size:13px}
#tip .item+.item{border-top:1px solid #eaeef2;margin-top:6px;padding-top:6px}
#tip .hd{display:flex;gap:8px;align-items:center;margin-bottom:2px}
#tip .sev{font-size:11px;text-transform:uppercase;letter-spacing:.4px;font-weight:700}
#tip .sev.error{color:var(--error)}#tip .sev.warning{color:var(--warning)}#tip .sev.info{color:var(--info)}
#tip .fix{margin-top:3px}#tip .fix b{color:var(--ok)}
#tip .conf{color:var(--muted);font-size:12px}
#tip .meter{display:inline-block;width:60px;height:5px;background:#eaeef2;border-radius:3px;vertical-align:middle;
margin-left:6px;overflow:hidden}
#tip .meter span{display:block;height:100%;background:#57606a}
.empty{color:var(--muted)}
.foot{color:var(--muted);font-size:12px;padding:10px 20px 30px}
@media print{.controls,#tip{display:none}header.top{background:#fff;color:#000}details{display:block}}
"""

JS = r"""
(function () {
  "use strict";
  var tip = document.getElementById("tip");
  var pinned = null;
  var data = {};
  document.querySelectorAll("section.doc").forEach(function (sec) {
    var node = sec.querySelector("script.mtqa-data");
    try { data[sec.dataset.doc] = node ? JSON.parse(node.textContent) : []; }
    catch (e) { data[sec.dataset.doc] = []; }
  });
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function findingsOf(mark) {
    var sec = mark.closest("section.doc");
    var list = data[sec.dataset.doc] || [];
    return (mark.dataset.f || "").split(" ").filter(Boolean).map(function (i) { return list[+i]; })
      .filter(Boolean);
  }
  function show(mark) {
    var items = findingsOf(mark);
    if (!items.length) return;
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    items.forEach(function (f) {
      var box = el("div", "item");
      var hd = el("div", "hd");
      hd.appendChild(el("span", "sev " + f.severity, f.severity));
      hd.appendChild(el("b", null, f.code));
      hd.appendChild(el("span", "conf", f.rule + " \u00b7 " + f.family));
      box.appendChild(hd);
      box.appendChild(el("div", "msg", f.message));
      if (f.suggestion !== null && f.suggestion !== undefined) {
        var fix = el("div", "fix", "suggestion: ");
        fix.appendChild(el("b", null, f.suggestion === "" ? "(delete)" : f.suggestion));
        box.appendChild(fix);
      }
      var conf = el("div", "conf", "confidence " + Number(f.confidence).toFixed(2));
      var meter = el("span", "meter"); var bar = el("span");
      bar.style.width = Math.round(100 * Math.max(0, Math.min(1, f.confidence))) + "%";
      meter.appendChild(bar); conf.appendChild(meter);
      conf.appendChild(document.createTextNode("  \u00b7 line " + f.line + ", col " + f.column +
        (f.field ? " (" + f.field + ")" : "")));
      box.appendChild(conf);
      tip.appendChild(box);
    });
    tip.hidden = false;
    var r = mark.getBoundingClientRect();
    var top = window.scrollY + r.bottom + 6;
    var left = window.scrollX + r.left;
    tip.style.left = "0px"; tip.style.top = top + "px";
    var w = tip.offsetWidth;
    var maxLeft = window.scrollX + document.documentElement.clientWidth - w - 8;
    tip.style.left = Math.max(window.scrollX + 8, Math.min(left, maxLeft)) + "px";
  }
  function hide() { if (!pinned) tip.hidden = true; }
  function select(mark) {
    document.querySelectorAll(".flist li.sel").forEach(function (li) { li.classList.remove("sel"); });
    document.querySelectorAll("mark.on").forEach(function (m) { m.classList.remove("on"); });
    if (!mark) return;
    mark.classList.add("on");
    var sec = mark.closest("section.doc");
    (mark.dataset.f || "").split(" ").forEach(function (i) {
      var li = sec.querySelector('.flist li[data-f="' + i + '"]');
      if (li) { li.classList.add("sel"); if (li.scrollIntoViewIfNeeded) li.scrollIntoViewIfNeeded(); }
    });
  }
  document.addEventListener("mouseover", function (ev) {
    var m = ev.target.closest && ev.target.closest("mark.hl");
    if (m && !pinned) show(m);
  });
  document.addEventListener("mouseout", function (ev) {
    var m = ev.target.closest && ev.target.closest("mark.hl");
    if (m && !pinned) hide();
  });
  document.addEventListener("focusin", function (ev) {
    var m = ev.target.closest && ev.target.closest("mark.hl");
    if (m) show(m);
  });
  document.addEventListener("click", function (ev) {
    var m = ev.target.closest && ev.target.closest("mark.hl");
    if (m) { pinned = m; show(m); select(m); ev.stopPropagation(); return; }
    var tr = ev.target.closest && ev.target.closest(".flist li[data-f]");
    if (tr) {
      var sec = tr.closest("section.doc");
      var marks = Array.prototype.filter.call(sec.querySelectorAll("mark.hl"), function (mk) {
        return (" " + mk.dataset.f + " ").indexOf(" " + tr.dataset.f + " ") >= 0;
      });
      if (marks.length) {
        marks[0].scrollIntoView({block: "center", behavior: "smooth"});
        marks.forEach(function (mk) {
          mk.classList.remove("flash"); void mk.offsetWidth; mk.classList.add("flash");
        });
        pinned = marks[0]; show(marks[0]); select(marks[0]);
      }
      return;
    }
    var cell = ev.target.closest && ev.target.closest(".heat .cell");
    if (cell) {
      var s = cell.closest("section.doc").querySelectorAll('.text [data-s="' + cell.dataset.s + '"]');
      document.querySelectorAll(".text .lit").forEach(function (x) { x.classList.remove("lit"); });
      s.forEach(function (x) { x.classList.add("lit"); });
      if (s.length) s[0].scrollIntoView({block: "center", behavior: "smooth"});
      return;
    }
    if (!(ev.target.closest && ev.target.closest("#tip"))) { pinned = null; tip.hidden = true; select(null); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { pinned = null; tip.hidden = true; select(null); }
    if (ev.key === "Enter" && document.activeElement && document.activeElement.matches("mark.hl")) {
      pinned = document.activeElement; show(pinned); select(pinned);
    }
  });
  document.querySelectorAll("input[data-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.dataset.toggle, !box.checked);
    });
  });
  // deep link: report.html#f-DOC-FINDING pins that finding (1-based document, 0-based finding)
  var m = /^#f-(\d+)-(\d+)$/.exec(window.location.hash);
  if (m) {
    var sec = document.querySelector('section.doc[data-doc="' + m[1] + '"]');
    var mk = sec && Array.prototype.filter.call(sec.querySelectorAll("mark.hl"), function (x) {
      return (" " + x.dataset.f + " ").indexOf(" " + m[2] + " ") >= 0;
    })[0];
    if (mk) {
      var det = sec.querySelector("details"); if (det) det.open = true;
      mk.scrollIntoView({block: "center"}); pinned = mk; show(mk); select(mk);
    }
  }
  document.documentElement.setAttribute("data-ready", "1");
})();
"""
