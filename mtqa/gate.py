"""The gate: turn findings into an exit code.

0: no finding at or above ``--fail-on``; 1: at least one; 2: usage error or
an input that could not be read (the other inputs are still checked).
"""

from __future__ import annotations

from typing import Iterable

from mtqa.finding import Severity
from mtqa.report import DocumentReport

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def threshold(fail_on: str) -> Severity | None:
    return None if fail_on == "never" else Severity.parse(fail_on)


def fails(report: DocumentReport, fail_on: str) -> bool:
    t = threshold(fail_on)
    return t is not None and any(f.severity >= t for f in report.findings)


def exit_code(reports: Iterable[DocumentReport], fail_on: str, read_errors: int = 0) -> int:
    if read_errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if any(fails(r, fail_on) for r in reports) else EXIT_OK
