"""Rule base class and the registry of rules with stable codes.

A rule is a class with a stable ``code`` (``CAS001``), a kebab-case ``name``,
a ``family``, a default ``severity``, a one-line ``summary``, a long doc (the
class docstring), and examples: texts it must flag and texts it must pass.
The test-suite runs every rule's examples, so the docs cannot rot.

Rules are registered with :func:`register`; one module per family lives in
``mtqa/rules/``.  A rule that needs a shared resource (the gazetteer, the
language model) declares it in ``needs`` and gets it from the
:class:`~mtqa.context.CheckContext`.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

from mtqa.finding import Finding, Severity

if TYPE_CHECKING:  # pragma: no cover
    from mtqa.context import CheckContext
    from mtqa.document import Document

REGISTRY: dict[str, type["Rule"]] = {}


def register(cls: type["Rule"]) -> type["Rule"]:
    code = cls.code
    if code in REGISTRY and REGISTRY[code] is not cls:
        raise ValueError(f"rule code {code} registered twice")
    for attr in ("name", "family", "summary"):
        if not getattr(cls, attr, None):
            raise ValueError(f"rule {code} lacks {attr}")
    if not cls.__doc__:
        raise ValueError(f"rule {code} lacks a docstring")
    REGISTRY[code] = cls
    return cls


class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    family: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.WARNING
    summary: ClassVar[str] = ""
    flag_examples: ClassVar[tuple[str, ...]] = ()
    pass_examples: ClassVar[tuple[str, ...]] = ()
    needs: ClassVar[frozenset[str]] = frozenset()
    # per-document results this rule shares with others of its family, cached in the
    # Document's ``__dict__`` under these keys: the Checker drops them once the last rule
    # that reads them has run (a long document's per-word fluency scores are its largest)
    document_caches: ClassVar[tuple[str, ...]] = ()
    # findings of these codes (or code prefixes) that lie inside a finding of
    # this rule are dropped: this rule explains them better.
    supersedes: ClassVar[tuple[str, ...]] = ()
    # rules that can fix: suggestions of this rule are applied by `mtqa fix`.
    fixable: ClassVar[bool] = False

    def __init__(self, severity: Severity | None = None, options: dict[str, Any] | None = None):
        self.effective_severity = severity or self.severity
        self.options = options or {}

    # -- to implement ----------------------------------------------------
    def check(self, doc: "Document", ctx: "CheckContext") -> Iterable[Finding]:
        raise NotImplementedError

    def check_batch(self, docs: "list[Document]", ctx: "CheckContext") -> list[list[Finding]]:
        """Check several documents at once (the fluency rules batch the model)."""
        return [list(self.check(doc, ctx)) for doc in docs]

    # -- helpers ---------------------------------------------------------
    def finding(
        self,
        doc: "Document",
        start: int,
        end: int,
        message: str,
        suggestion: str | None = None,
        confidence: float = 1.0,
        severity: Severity | None = None,
        data: dict[str, Any] | None = None,
    ) -> Finding:
        return Finding(
            code=self.code,
            rule=self.name,
            family=self.family,
            severity=severity or self.effective_severity,
            start=start,
            end=end,
            text=doc.text[start:end],
            message=message,
            suggestion=suggestion,
            confidence=max(0.0, min(1.0, float(confidence))),
            data=data or {},
        )

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")


def matches_code(code: str, selectors: Iterable[str]) -> int:
    """Length of the longest selector that is a prefix of ``code`` (0 if none).

    ``ALL`` matches everything with length 0.5 so that any explicit prefix wins.
    """
    best = 0.0
    for sel in selectors:
        sel = sel.strip().upper()
        if not sel:
            continue
        if sel == "ALL":
            best = max(best, 0.5)
        elif code.startswith(sel):
            best = max(best, len(sel))
    return best  # type: ignore[return-value]
