"""Import a package's listed submodules (rule families, CLI command groups).

A listed module that is absent from the installation is skipped; any other
import error (a missing dependency inside a present module) propagates.
"""

from __future__ import annotations

import importlib
from typing import Iterable


def import_listed(package: str, names: Iterable[str]) -> None:
    for name in names:
        full = f"{package}.{name}"
        try:
            importlib.import_module(full)
        except ModuleNotFoundError as e:
            if e.name != full:
                raise
