"""Finding: one flagged span with its rule, severity, message and fix."""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from enum import IntEnum
from typing import Any


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: "str | Severity") -> "Severity":
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (use error, warning or info)") from None

    def __str__(self) -> str:  # "error", "warning", "info"
        return self.name.lower()


@dataclass
class Finding:
    code: str
    rule: str
    family: str
    severity: Severity
    start: int
    end: int
    text: str
    message: str
    suggestion: str | None = None
    confidence: float = 1.0
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    field: str | None = None
    data: dict[str, Any] = dc_field(default_factory=dict)

    def sort_key(self) -> tuple:
        return (self.start, self.end, self.code, self.message)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "code": self.code,
            "rule": self.rule,
            "family": self.family,
            "severity": str(self.severity),
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
            "confidence": round(float(self.confidence), 4),
        }
        if self.field is not None:
            d["field"] = self.field
        if self.data:
            d["data"] = self.data
        return d
