"""Per-document results: the findings plus a summary, as formatters see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mtqa.document import Document
from mtqa.finding import Finding, Severity


@dataclass
class DocumentReport:
    document: Document
    findings: list[Finding]
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. fluency scores, chrF

    @property
    def source(self) -> str:
        return self.document.name

    def counts(self) -> dict[str, int]:
        c = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            c[str(f.severity)] += 1
        return c

    def summary(self) -> dict[str, Any]:
        return {
            **self.counts(),
            "findings": len(self.findings),
            "words": self.document.word_count(),
            "sentences": len(self.document.sentences),
            "paragraphs": len(self.document.paragraphs),
            **({k: v for k, v in self.extra.items() if k in ("fluency", "chrf")}),
        }

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)
