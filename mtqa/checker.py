"""Checker: the one-way pipeline reader → Document → segmenter → rules → findings.

>>> from mtqa import Checker
>>> report = Checker().check_text("The the minister said .", source="x")
>>> [f.code for f in report.findings]  # doctest: +SKIP
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Iterable, Iterator

from mtqa.config import Config
from mtqa.context import CheckContext
from mtqa.document import Document
from mtqa.finding import Finding
from mtqa.readers import ReadError, ReadOptions, read_paths
from mtqa.report import DocumentReport
from mtqa.rules import Rule, all_rules, matches_code
from mtqa.segment import segment


def _enabled(code: str, select: list[str], ignore: list[str]) -> bool:
    s = matches_code(code, select)
    return s > 0 and s > matches_code(code, ignore)


class Checker:
    """Check documents with the rules the config selects.

    ``Checker(config).check_text(text, source=...)`` returns a
    :class:`~mtqa.report.DocumentReport`; ``check_documents`` streams reports
    for many documents, checking them in batches so batched rules (the
    fluency scorer) can run the model over many documents at once.
    """

    def __init__(self, config: Config | None = None, batch_size: int = 64):
        self.config = config or Config()
        self.ctx = CheckContext(self.config)
        self.batch_size = batch_size
        self.rules: list[Rule] = []
        for cls in all_rules():
            if not _enabled(cls.code, self.config.select, self.config.ignore):
                continue
            if "fluency" in cls.needs and not self.config.fluency:
                continue
            sev = None
            best = 0.0
            for sel, s in self.config.severity.items():
                m = matches_code(cls.code, [sel])
                if m > best:
                    best, sev = m, s
            self.rules.append(cls(severity=sev))

    # -- single documents ----------------------------------------------
    def check_text(self, text: str, source: str = "<text>", original: "str | None" = None,
                   original_lang: "str | None" = None) -> DocumentReport:
        """Check ``text`` (``source`` names it in the report); ``original``: the text it was
        translated from, which adds the source-aware checks (``original_lang``: its language,
        detected when None)."""
        doc = Document(source=source, text=text)
        if original is not None:
            from mtqa.source import Original

            doc.original = Original(original, lang=original_lang, name=source)
        return self.check_document(doc)

    def check_document(self, doc: Document) -> DocumentReport:
        return self.check_batch([doc])[0]

    # -- many documents --------------------------------------------------
    def check_batch(self, docs: list[Document]) -> list[DocumentReport]:
        for d in docs:
            if not d.segmented:
                segment(d)
        per_doc: list[list[Finding]] = [[] for _ in docs]
        reports = [DocumentReport(d, []) for d in docs]
        self.ctx.put("reports", reports)  # batched rules may attach extras (scores)
        self.ctx.put("rules", self.rules)  # the rules of this check (a family may judge in one pass)
        progress = self.ctx.progress
        chars = sum(len(d.text) for d in docs) if progress else 0
        last_reader = {key: k for k, rule in enumerate(self.rules) for key in rule.document_caches}
        for k, rule in enumerate(self.rules):
            for i, found in enumerate(rule.check_batch(docs, self.ctx)):
                per_doc[i].extend(found)
            for key in rule.document_caches:
                if last_reader[key] == k:  # no later rule reads it: free it before the rest run
                    for d in docs:
                        d.__dict__.pop(key, None)
            if progress:
                progress("rules", k + 1, len(self.rules), chars)
        for rep, found in zip(reports, per_doc):
            rep.findings = self._finish(rep.document, found)
        return reports

    def check_documents(self, items: Iterable["Document | ReadError"]) -> Iterator["DocumentReport | ReadError"]:
        """Stream reports in input order; read errors pass through in place."""
        pending: list["Document | ReadError"] = []
        n_docs = 0
        for item in items:
            pending.append(item)
            if isinstance(item, Document):
                n_docs += 1
            if n_docs >= self.batch_size:
                yield from self._flush(pending)
                pending, n_docs = [], 0
        yield from self._flush(pending)

    def _flush(self, pending: list["Document | ReadError"]) -> Iterator["DocumentReport | ReadError"]:
        docs = [p for p in pending if isinstance(p, Document)]
        reports = iter(self.check_batch(docs)) if docs else iter(())
        for p in pending:
            yield next(reports) if isinstance(p, Document) else p

    def check_paths(self, paths: list[str], options: ReadOptions | None = None) -> Iterator["DocumentReport | ReadError"]:
        opts = options or ReadOptions(fields=self.config.fields, max_bytes=self.config.max_bytes)
        items = read_paths(paths, opts)
        if opts.source:
            from mtqa.source.pairing import with_sources

            items = with_sources(items, opts, paths)
        return self.check_documents(items)

    # -- post-processing -------------------------------------------------
    def _finish(self, doc: Document, findings: list[Finding]) -> list[Finding]:
        ignored = self.config.ignores_for(doc.source)
        if ignored:
            findings = [f for f in findings if not matches_code(f.code, ignored)]
        findings = _drop_superseded(findings, self.rules)
        seen: set[tuple] = set()
        out: list[Finding] = []
        for f in sorted(findings, key=Finding.sort_key):
            key = (f.code, f.start, f.end)
            if key in seen:
                continue
            seen.add(key)
            f.text = doc.text[f.start:f.end]
            f.line, f.column = doc.line_col(f.start)
            f.end_line, f.end_column = doc.line_col(max(f.start, f.end - 1))
            f.end_column += 1
            f.field = doc.field_at(f.start) if len(doc.fields) > 1 else None
            out.append(f)
        return out


def _drop_superseded(findings: list[Finding], rules: list[Rule]) -> list[Finding]:
    by_code = {r.code: r.supersedes for r in rules if r.supersedes}
    if not by_code:
        return findings
    covers = sorted((f.start, f.end, f.code, by_code[f.code]) for f in findings if f.code in by_code)
    if not covers:
        return findings
    # covers sorted by start; a cover can only overlap f when its start lies in
    # [f.start - longest, f.end): one bisect per finding, not a scan of all covers
    starts = [c[0] for c in covers]
    longest = max(e - s for s, e, _, _ in covers)
    applies: dict[tuple[str, str], bool] = {}
    out = []
    for f in findings:
        dropped = False
        partial: list[tuple[int, int]] = []
        lo = bisect_left(starts, f.start - longest)
        hi = bisect_left(starts, max(f.end, f.start + 1))
        for s, e, code, sup in covers[lo:hi]:
            if code == f.code:
                continue
            key = (f.code, code)
            hit = applies.get(key)
            if hit is None:
                hit = applies[key] = matches_code(f.code, sup)
            if not hit:
                continue
            if s <= f.start and f.end <= e:
                dropped = True
                break
            if s < f.end and f.start < e:
                partial.append((s, e))
        if dropped:
            continue
        # a finding that only partly overlaps a superseding one may be re-judged by its
        # rule without the explained part (fluency findings: FluencyFinding.without)
        if partial and callable(getattr(f, "without", None)):
            out.extend(f.without(partial))
        else:
            out.append(f)
    return out
