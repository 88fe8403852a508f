"""Reports → response bodies: the ``--format json`` schema (``mtqa/1``) plus
UTF-16 offsets and the gate's verdict.

Each finding carries ``start_utf16``/``end_utf16`` beside ``start``/``end``
(code points), for callers whose strings count UTF-16 code units
(JavaScript, Java, .NET).  Each document carries ``gate``: ``verdict``
(``pass``/``fail`` at the request's ``fail_on``) and the ``exit_code``
``mtqa check`` would give for that document alone; the response's ``gate``
is the verdict over all its documents.
"""

from __future__ import annotations

from typing import Any

from mtqa import __version__
from mtqa.fix import Edit, apply
from mtqa.formatters import RunSummary
from mtqa.formatters.json_format import SCHEMA, document_dict, dumps
from mtqa.gate import EXIT_FINDINGS, EXIT_OK, fails
from mtqa.report import DocumentReport
from mtqa.serve.offsets import Utf16Offsets


def gate(failed: bool, fail_on: str) -> dict[str, Any]:
    return {"verdict": "fail" if failed else "pass", "exit_code": EXIT_FINDINGS if failed else EXIT_OK,
            "fail_on": fail_on}


def document_json(report: DocumentReport, fail_on: str) -> dict[str, Any]:
    d = document_dict(report)
    u16 = Utf16Offsets(report.document.text)
    for fd in d["findings"]:
        _with_utf16(fd, u16)
    d["gate"] = gate(fails(report, fail_on), fail_on)
    return d


def _with_utf16(fd: dict[str, Any], u16: Utf16Offsets) -> None:
    """Insert start_utf16/end_utf16 right after start/end (key order is part of deterministic output)."""
    items = list(fd.items())
    fd.clear()
    for k, v in items:
        fd[k] = v
        if k == "end":
            fd["start_utf16"] = u16.utf16(fd["start"])
            fd["end_utf16"] = u16.utf16(fd["end"])


def check_json(reports: list[DocumentReport], fail_on: str) -> dict[str, Any]:
    """The ``mtqa check --format json`` object for these reports, with UTF-16 offsets and the gate."""
    summary = RunSummary()
    summary.fail_on = fail_on
    docs = []
    for rep in reports:
        summary.add(rep, fails(rep, fail_on))
        docs.append(document_json(rep, fail_on))
    summary.exit_code = EXIT_FINDINGS if summary.failed_documents else EXIT_OK
    return {"schema": SCHEMA, "mtqa": __version__, "documents": docs, "errors": [], "summary": summary.to_dict(),
            "gate": gate(bool(summary.failed_documents), fail_on)}


def fix_json(original: str, fixed: str, edits: list[Edit], source: str) -> dict[str, Any]:
    """``/v1/fix``: the fixed text and every edit applied.  An edit's offsets index into the text
    of the pass that made it (``pass`` 0 is the text sent; a later pass re-checks the result)."""
    out_edits = []
    current = original
    by_pass: dict[int, list[Edit]] = {}
    for e in edits:
        by_pass.setdefault(e.pass_no, []).append(e)
    for n in sorted(by_pass):
        u16 = Utf16Offsets(current)
        for e in by_pass[n]:
            out_edits.append({"start": e.start, "end": e.end, "start_utf16": u16.utf16(e.start),
                              "end_utf16": u16.utf16(e.end), "old": e.old, "new": e.new, "code": e.code,
                              "confidence": round(float(e.confidence), 4), "message": e.message, "pass": n})
        current = apply(current, by_pass[n])
    return {"schema": "mtqa-fix/1", "mtqa": __version__, "source": source, "text": fixed,
            "changed": fixed != original, "edits": out_edits}


def body(obj: Any) -> bytes:
    return (dumps(obj) + "\n").encode("utf-8")
