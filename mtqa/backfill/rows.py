"""A checked shard as flat rows — the backfill's output schema.

One row per finding and one per unreadable record, in input order (findings
of a document sorted as ``mtqa check`` sorts them):

======== ======================================================================
column   meaning
======== ======================================================================
source   the input file (for JSONL and Parquet the file, the record apart)
record   JSONL line / Parquet row (1-based), NewsML item...; null for one-document files
code     rule code (null on an error row)
severity error | warning | info
start    code point offsets into the document text, end exclusive (``end``)
line     1-based line and column (``column``) of ``start``, as ``mtqa check`` gives them
text     the flagged span, ``text[start:end]``
message  the finding's message
suggestion  the replacement, or null
confidence  0..1
field    headline / body... for documents with several fields, else null
error    null on a finding row; on an unreadable record, why it could not be read
======== ======================================================================
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from mtqa.readers import ReadError
from mtqa.report import DocumentReport

COLUMNS = ("source", "record", "code", "severity", "start", "end", "line", "column", "text", "message",
           "suggestion", "confidence", "field", "error")
_INT = ("record", "start", "end", "line", "column")


def arrow_schema():
    import pyarrow as pa

    types = {c: pa.int64() for c in _INT}
    types["confidence"] = pa.float64()
    return pa.schema([pa.field(c, types.get(c, pa.string())) for c in COLUMNS])


def finding_rows(report: DocumentReport) -> list[dict[str, Any]]:
    doc = report.document
    return [{"source": doc.source, "record": doc.record, "code": f.code, "severity": str(f.severity),
             "start": f.start, "end": f.end, "line": f.line, "column": f.column, "text": f.text,
             "message": f.message, "suggestion": f.suggestion, "confidence": round(float(f.confidence), 4),
             "field": f.field, "error": None} for f in report.findings]


def error_row(err: ReadError, path: str | None = None) -> dict[str, Any]:
    """An unreadable input; ``path:LINE`` sources of a record inside ``path`` keep the record apart."""
    source, record = err.source, None
    if path and source.startswith(path + ":") and source[len(path) + 1:].isdigit():
        source, record = path, int(source[len(path) + 1:])
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(source=source, record=record, error=err.message)
    return row


def error_source(row: dict[str, Any]) -> str:
    """The name ``mtqa check`` gives an unreadable input (``file.jsonl:3`` for a record)."""
    return row["source"] if row["record"] is None else f"{row['source']}:{row['record']}"


def tally(rows: Iterable[dict[str, Any]], documents: int) -> dict[str, Any]:
    """The counts a manifest entry and the summary keep for a shard."""
    by_code: Counter = Counter()
    by_severity: Counter = Counter()
    unreadable = 0
    n = 0
    for r in rows:
        n += 1
        if r["error"] is not None:
            unreadable += 1
        else:
            by_code[r["code"]] += 1
            by_severity[r["severity"]] += 1
    return {"rows": n, "documents": documents, "unreadable": unreadable, "findings": n - unreadable,
            "by_code": dict(sorted(by_code.items())), "by_severity": dict(sorted(by_severity.items()))}
