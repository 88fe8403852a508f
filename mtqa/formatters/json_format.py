"""JSON (schema ``mtqa/1``) and JSON Lines output.  See docs/json-schema.md."""

from __future__ import annotations

import json
from typing import Any

from mtqa import __version__
from mtqa.formatters import Formatter, RunSummary, register
from mtqa.readers import ReadError
from mtqa.report import DocumentReport

SCHEMA = "mtqa/1"


def document_dict(report: DocumentReport) -> dict[str, Any]:
    d: dict[str, Any] = {"source": report.document.source}
    if report.document.record is not None:
        d["record"] = report.document.record
    d["summary"] = report.summary()
    d["findings"] = [f.to_dict() for f in report.findings]
    for k, v in report.extra.items():
        if k not in d["summary"]:
            d[k] = v
    return d


# Characters that some line-splitters treat as line breaks: escaped so that a
# JSONL record is always exactly one line whoever reads it.
_LINE_BREAKERS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def dumps(obj: Any, indent: int | None = None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent, sort_keys=False).translate(_LINE_BREAKERS)


@register
class JsonFormatter(Formatter):
    name = "json"

    def begin(self) -> None:
        self.docs: list[dict[str, Any]] = []
        self.errors: list[dict[str, str]] = []

    def document(self, report: DocumentReport) -> None:
        self.docs.append(document_dict(report))

    def error(self, err: ReadError) -> None:
        self.errors.append({"source": err.source, "message": err.message})

    def end(self, summary: RunSummary) -> None:
        out = {"schema": SCHEMA, "mtqa": __version__, "documents": self.docs, "errors": self.errors,
               "summary": summary.to_dict()}
        self.out.write(dumps(out, indent=2) + "\n")


@register
class JsonlFormatter(Formatter):
    """One JSON object per document (per segment with ``--input-format lines``), streamed."""

    name = "jsonl"

    def document(self, report: DocumentReport) -> None:
        doc = report.document
        if doc.fields and doc.fields[0].name == "segment":
            rec: dict[str, Any] = {"segment": doc.record, "text": doc.text}
            rec["fluency"] = report.extra.get("fluency")
            rec["findings"] = [f.to_dict() for f in report.findings]
        else:
            rec = {"schema": SCHEMA, **document_dict(report)}
        self.out.write(dumps(rec) + "\n")
        self.out.flush() if self.options.get("flush") else None

    def error(self, err: ReadError) -> None:
        self.out.write(dumps({"schema": SCHEMA, "source": err.source, "error": err.message}) + "\n")
