"""The output folder of a backfill: shard files, the ``_done`` manifest, the settings.

::

    OUTPUT/
      findings/000000-3f9a1c2b7e.parquet   one file per shard (or .jsonl), rows of mtqa.backfill.rows
      _done                                the manifest: one JSON line per finished shard
      _backfill.json                       the settings the shards were checked with
      summary.json                         written at the end of every run

A shard file is written atomically (a hidden temp file in the same folder,
fsync, ``os.replace``), then its manifest line is appended and fsynced.  A
shard counts as done only when both are there and the file has the size the
manifest recorded, so a run killed at any point redoes exactly the shards
it had not finished.  ``findings/`` holds only complete shard files (temp
files start with a dot, which Parquet and Arrow dataset readers skip), so
``pyarrow.parquet.read_table("OUTPUT/findings")`` reads them all.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from mtqa.backfill.rows import COLUMNS, arrow_schema

FORMATS = ("parquet", "jsonl")
MANIFEST = "_done"
SETTINGS = "_backfill.json"
SUMMARY = "summary.json"
FINDINGS = "findings"


class OutputError(Exception):
    """The output folder cannot be used (one line, exit 2)."""


def write_bytes_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def encode_rows(rows: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt == "jsonl":
        return "".join(json.dumps({c: r[c] for c in COLUMNS}, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=arrow_schema())
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of one shard file (JSONL or Parquet)."""
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


class Output:
    """One backfill's output folder."""

    def __init__(self, root: str | os.PathLike, fmt: str):
        if fmt not in FORMATS:
            raise OutputError(f"unknown --format '{fmt}' (choose from {', '.join(FORMATS)})")
        self.root = Path(root)
        self.fmt = fmt
        self.findings = self.root / FINDINGS
        self.manifest_path = self.root / MANIFEST
        self._entries: dict[str, dict[str, Any]] | None = None

    # -- settings ------------------------------------------------------
    def previous_settings(self) -> dict[str, Any] | None:
        """The settings a run into this folder was made with, if one was (and is readable)."""
        try:
            old = json.loads((self.root / SETTINGS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return old if isinstance(old, dict) else None

    def open(self, settings: dict[str, Any]) -> None:
        """Create the folder, or check that what it holds was checked with the same settings."""
        try:
            self.findings.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"{self.root}: cannot create the output folder: {e.strerror or e}")
        path = self.root / SETTINGS
        if path.exists():
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = None
            if old != settings:
                differ = sorted(k for k in set(settings) | set(old or {}) if (old or {}).get(k) != settings.get(k))
                raise OutputError(f"{self.root}: holds a backfill made with other settings (different: "
                                  f"{', '.join(differ) or 'unreadable ' + SETTINGS}); use another --output folder")
        else:
            write_bytes_atomic(path, (json.dumps(settings, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())

    # -- shards --------------------------------------------------------
    def shard_path(self, shard_id: str) -> Path:
        return self.findings / f"{shard_id}.{self.fmt}"

    def entries(self) -> dict[str, dict[str, Any]]:
        """Manifest entries by shard id (a torn last line, from a killed run, is ignored)."""
        if self._entries is None:
            self._entries = {}
            try:
                text = self.manifest_path.read_text(encoding="utf-8")
            except FileNotFoundError:
                text = ""
            for line in text.splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and "shard" in entry:
                    self._entries[entry["shard"]] = entry
        return self._entries

    def is_done(self, shard_id: str) -> bool:
        entry = self.entries().get(shard_id)
        if entry is None:
            return False
        try:
            return self.shard_path(shard_id).stat().st_size == entry["bytes"]
        except OSError:
            return False

    def write_shard(self, shard_id: str, rows: list[dict[str, Any]], counts: dict[str, Any]) -> dict[str, Any]:
        """Write a shard's rows atomically, then record it in the manifest."""
        path = self.shard_path(shard_id)
        data = encode_rows(rows, self.fmt)
        write_bytes_atomic(path, data)
        entry = {"shard": shard_id, "file": f"{FINDINGS}/{path.name}", "bytes": len(data), **counts}
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        with open(self.manifest_path, "ab") as fh:
            if fh.tell() and not _ends_with_newline(self.manifest_path):
                fh.write(b"\n")  # a torn line from a killed run stays on its own line
            fh.write(line.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        self.entries()[shard_id] = entry
        return entry

    def write_summary(self, summary: dict[str, Any]) -> Path:
        path = self.root / SUMMARY
        write_bytes_atomic(path, (json.dumps(summary, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        return path


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"
