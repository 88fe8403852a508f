"""mtqa — quality checks for machine-translated English news.

>>> from mtqa import Checker
>>> report = Checker().check_text("Talks with us Secretary of state Kerry.", source="x")
"""

from __future__ import annotations

__version__ = "0.1.0"

from mtqa.checker import Checker
from mtqa.config import Config
from mtqa.document import Document
from mtqa.finding import Finding, Severity
from mtqa.report import DocumentReport

__all__ = ["Checker", "Config", "Document", "DocumentReport", "Finding", "Severity", "__version__"]
