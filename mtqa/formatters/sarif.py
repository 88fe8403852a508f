"""SARIF 2.1.0 for GitHub code scanning and other static-analysis consumers.

Columns are counted in Unicode code points (``columnKind:
unicodeCodePoints``), as everywhere in mtqa.  Every rule is described in
``tool.driver.rules`` with its help text; suggestions become SARIF ``fixes``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtqa import __version__
from mtqa.formatters import Formatter, RunSummary, register
from mtqa.formatters.json_format import dumps
from mtqa.readers import ReadError
from mtqa.report import DocumentReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
INFO_URI = "https://github.com/mtqa/mtqa"


def _uri(source: str) -> str:
    if source.startswith("<"):
        return source.strip("<>")
    p = Path(source)
    return p.as_posix() if not p.is_absolute() else p.as_uri()


def rule_descriptor(cls) -> dict[str, Any]:
    doc = cls.doc()
    return {
        "id": cls.code,
        "name": cls.name,
        "shortDescription": {"text": cls.summary},
        "fullDescription": {"text": doc.split("\n\n")[0].replace("\n", " ")},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVEL[str(cls.severity)]},
        "properties": {"tags": ["mtqa", cls.family]},
    }


@register
class SarifFormatter(Formatter):
    name = "sarif"

    def begin(self) -> None:
        self.results: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self.codes: set[str] = set()

    def document(self, report: DocumentReport) -> None:
        uri = _uri(report.document.source)
        for f in report.findings:
            self.codes.add(f.code)
            region = {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line,
                      "endColumn": f.end_column, "snippet": {"text": f.text}}
            loc = {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
            res: dict[str, Any] = {
                "ruleId": f.code,
                "level": LEVEL[str(f.severity)],
                "message": {"text": f.message + (f" → {f.suggestion}" if f.suggestion is not None else "")},
                "locations": [loc],
                "partialFingerprints": {"mtqa/v1": f"{f.code}:{f.text}:{report.document.record or 0}"},
                "properties": {"confidence": round(f.confidence, 4), "family": f.family},
            }
            if f.suggestion is not None:
                res["fixes"] = [{
                    "description": {"text": f"Replace with '{f.suggestion}'"},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": uri},
                        "replacements": [{
                            "deletedRegion": {k: region[k] for k in ("startLine", "startColumn", "endLine", "endColumn")},
                            "insertedContent": {"text": f.suggestion},
                        }],
                    }],
                }]
            self.results.append(res)

    def error(self, err: ReadError) -> None:
        self.notifications.append({
            "level": "error",
            "message": {"text": f"{err.source}: {err.message}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(err.source)}}}],
        })

    def end(self, summary: RunSummary) -> None:
        from mtqa.rules import REGISTRY, all_rules

        all_rules()
        codes = sorted(self.codes | set(self.options.get("rule_codes", ())))
        rules = [rule_descriptor(REGISTRY[c]) for c in codes if c in REGISTRY]
        index = {r["id"]: i for i, r in enumerate(rules)}
        for r in self.results:
            if r["ruleId"] in index:
                r["ruleIndex"] = index[r["ruleId"]]
        sarif = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "mtqa", "version": __version__, "semanticVersion": __version__,
                                    "informationUri": INFO_URI, "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "results": self.results,
                "invocations": [{"executionSuccessful": summary.errors == 0,
                                 "toolExecutionNotifications": self.notifications}],
            }],
        }
        self.out.write(dumps(sarif, indent=2) + "\n")
