"""JUnit XML: one testcase per document, failing when it fails the gate."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mtqa.formatters import Formatter, RunSummary, register
from mtqa.gate import fails
from mtqa.readers import ReadError
from mtqa.report import DocumentReport


def _clean(s: str) -> str:
    """Drop characters XML 1.0 cannot carry."""
    return "".join(c for c in s if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd")
                   or ("\U00010000" <= c <= "\U0010ffff"))


@register
class JunitFormatter(Formatter):
    name = "junit"

    def begin(self) -> None:
        self.suite = ET.Element("testsuite", name="mtqa")
        self.tests = self.failures = self.errors = 0

    def document(self, report: DocumentReport) -> None:
        self.tests += 1
        case = ET.SubElement(self.suite, "testcase", classname="mtqa", name=_clean(report.source))
        if fails(report, self.fail_on):
            self.failures += 1
            worst = [f for f in report.findings if str(f.severity) == str(report.worst())]
            fail = ET.SubElement(case, "failure", type=worst[0].code,
                                 message=_clean(f"{len(report.findings)} finding(s); first: {worst[0].message}"))
            fail.text = _clean("\n".join(
                f"{report.source}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}"
                + (f" → {f.suggestion}" if f.suggestion is not None else "") for f in report.findings))
        elif report.findings:
            out = ET.SubElement(case, "system-out")
            out.text = _clean("\n".join(f"{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}" for f in report.findings))

    def error(self, err: ReadError) -> None:
        self.tests += 1
        self.errors += 1
        case = ET.SubElement(self.suite, "testcase", classname="mtqa", name=_clean(err.source))
        ET.SubElement(case, "error", type="ReadError", message=_clean(err.message))

    def end(self, summary: RunSummary) -> None:
        self.suite.set("tests", str(self.tests))
        self.suite.set("failures", str(self.failures))
        self.suite.set("errors", str(self.errors))
        root = ET.Element("testsuites", name="mtqa", tests=str(self.tests), failures=str(self.failures),
                          errors=str(self.errors))
        root.append(self.suite)
        ET.indent(root)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")
