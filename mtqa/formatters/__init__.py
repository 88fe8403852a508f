"""Output formats: one module each, streaming where the format allows.

A formatter gets ``begin()``, then ``document(report)`` or ``error(read_error)``
for each input in order, then ``end(summary)``; formats that need the whole
run (JSON, SARIF, JUnit) keep only findings, never documents' text.
"""

from __future__ import annotations

from typing import IO, Any, ClassVar

from mtqa.readers import ReadError
from mtqa.report import DocumentReport


class RunSummary:
    """Counts over a whole run, kept while streaming."""

    def __init__(self) -> None:
        self.documents = 0
        self.errors = 0
        self.by_severity = {"error": 0, "warning": 0, "info": 0}
        self.by_rule: dict[str, int] = {}
        self.words = 0
        self.failed_documents = 0
        self.exit_code = 0
        self.fail_on = "error"
        self.seconds: float | None = None

    def add(self, report: DocumentReport, failed: bool) -> None:
        self.documents += 1
        self.words += report.document.word_count()
        self.failed_documents += int(failed)
        for f in report.findings:
            self.by_severity[str(f.severity)] += 1
            self.by_rule[f.code] = self.by_rule.get(f.code, 0) + 1

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "unreadable": self.errors,
            "words": self.words,
            "findings": self.findings,
            **self.by_severity,
            "by_rule": dict(sorted(self.by_rule.items())),
            "fail_on": self.fail_on,
            "failed_documents": self.failed_documents,
            "exit_code": self.exit_code,
        }


class Formatter:
    name: ClassVar[str] = ""

    def __init__(self, out: IO[str], *, color: bool = False, fail_on: str = "error", **options: Any):
        self.out = out
        self.color = color
        self.fail_on = fail_on
        self.options = options

    def begin(self) -> None:
        pass

    def document(self, report: DocumentReport) -> None:
        raise NotImplementedError

    def error(self, err: ReadError) -> None:
        pass

    def end(self, summary: RunSummary) -> None:
        pass


FORMATTERS: dict[str, type[Formatter]] = {}


def register(cls: type[Formatter]) -> type[Formatter]:
    FORMATTERS[cls.name] = cls
    return cls


def get_formatter(name: str) -> type[Formatter]:
    from mtqa.formatters import github, json_format, junit, sarif, text  # noqa: F401

    try:
        from mtqa.formatters import html  # noqa: F401
    except ImportError:
        pass
    if name not in FORMATTERS:
        raise KeyError(name)
    return FORMATTERS[name]


def names() -> list[str]:
    get_formatter("text")
    return sorted(FORMATTERS)
