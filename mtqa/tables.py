"""Loading the data tables shipped in ``mtqa/data`` (TSV with a header, # comments)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


def data_text(name: str) -> str:
    return resources.files("mtqa").joinpath("data", *name.split("/")).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def read_tsv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a TSV table as dicts keyed by the header line."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for line in data_text(name).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        cells += [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells)))
    return tuple(rows)


@lru_cache(maxsize=None)
def read_list(name: str) -> frozenset[str]:
    return frozenset(
        ln.strip().casefold() for ln in data_text(name).splitlines() if ln.strip() and not ln.startswith("#")
    )
