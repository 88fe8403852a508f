"""GitHub Actions workflow commands: ``::error file=…,line=…,col=…::message``."""

from __future__ import annotations

from mtqa.formatters import Formatter, register
from mtqa.readers import ReadError
from mtqa.report import DocumentReport

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


@register
class GithubFormatter(Formatter):
    name = "github"

    def document(self, report: DocumentReport) -> None:
        path = report.document.source
        for f in report.findings:
            msg = f.message + (f" → {f.suggestion}" if f.suggestion is not None else "")
            self.out.write(
                f"::{LEVEL[str(f.severity)]} file={_prop(path)},line={f.line},col={f.column},"
                f"endLine={f.end_line},endColumn={f.end_column},title={_prop(f.code + ' ' + f.rule)}::{_data(msg)}\n"
            )

    def error(self, err: ReadError) -> None:
        self.out.write(f"::error file={_prop(err.source)},title=mtqa::{_data(err.message)}\n")
