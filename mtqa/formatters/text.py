r"""``path:line:col: SEVERITY CODE message [→ suggestion]``, coloured on a terminal.

SEVERITY is the word ``error``, ``warning`` or ``info`` (colour only repeats
it), so every line parses with
``^(.+):(\d+):(\d+): (error|warning|info) ([A-Z]{3}\d{3}) (.*)$``
(see :data:`LINE_PATTERN`).
"""

from __future__ import annotations

from mtqa.formatters import Formatter, RunSummary, register
from mtqa.readers import ReadError
from mtqa.report import DocumentReport

COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
BOLD, DIM, RESET = "\033[1m", "\033[2m", "\033[0m"
LINE_PATTERN = r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning|info) (?P<code>[A-Z]{3}\d{3}) (?P<message>.*)$"


def one_line(s: str) -> str:
    return " ".join(s.split())


@register
class TextFormatter(Formatter):
    name = "text"

    def _c(self, code: str, s: str) -> str:
        return f"{code}{s}{RESET}" if self.color else s

    def document(self, report: DocumentReport) -> None:
        w = self.out.write
        for f in report.findings:
            sev = str(f.severity)
            loc = self._c(BOLD, f"{report.document.source}:{f.line}:{f.column}:")
            code = self._c(COLORS[sev], f"{sev} {f.code}")
            line = f"{loc} {code} {one_line(f.message)}"
            if f.suggestion is not None:
                line += " " + self._c(DIM, "→") + f" {one_line(f.suggestion) or repr(f.suggestion)}"
            w(line + "\n")

    def end(self, summary: RunSummary) -> None:
        if self.options.get("statistics"):
            from mtqa.rules import get_rule

            for code, n in sorted(summary.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
                rule = get_rule(code)
                self.out.write(f"{n:6d}  {code:<7} {rule.name if rule else ''}\n")
        if self.options.get("quiet"):
            return
        s = summary.by_severity
        msg = (f"Found {summary.findings} finding{'s' if summary.findings != 1 else ''} "
               f"({s['error']} error, {s['warning']} warning, {s['info']} info) in {summary.documents} "
               f"document{'s' if summary.documents != 1 else ''}")
        if summary.errors:
            msg += f"; {summary.errors} input{'s' if summary.errors != 1 else ''} could not be read"
        self.out.write(msg + ".\n")
