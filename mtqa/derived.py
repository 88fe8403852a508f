"""Tables derived from packaged data, kept in the user cache directory between runs.

Some rules start from tables computed out of packaged files on every run (the casing
counts decompressed and split into rows, the gazetteer's names, the first two words
of every known name).  :func:`cached_sections` computes them once and keeps them as
plain UTF-8 text, one string per line (no pickle, nothing executable), in the cache
directory of the gazetteer index (:func:`mtqa.gazetteer.resource.cache_dir`), under a
key that hashes the input files *and the source of the code that derives them*, so a
changed file or a changed rule module never reads a stale table.  A later run reads
the lines back (a few milliseconds) instead of deriving them again.

``MTQA_NO_CACHE=1`` disables the cache; an unreadable or unwritable cache directory
or a damaged file means the tables are derived again, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Iterable

FORMAT = 1
_MAGIC = "MTQA-DERIVED"
KEEP = 8  # files per name kept in the cache directory (most recently used)


def source_of(*modules: str) -> list[tuple[str, bytes]]:
    """(module name, source bytes) of mtqa modules, for a cache key (a module without a
    readable source file counts as empty)."""
    from importlib.util import find_spec

    out = []
    for name in modules:
        spec = find_spec(name)
        try:
            data = Path(spec.origin).read_bytes() if spec and spec.origin else b""
        except OSError:
            data = b""
        out.append((name, data))
    return out


def _key(name: str, inputs: Iterable[tuple[str, bytes]]) -> str:
    h = hashlib.sha256(f"{_MAGIC} {FORMAT} {name}\0".encode())
    for label, data in inputs:
        h.update(label.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()[:24]


def _encode(sections: dict[str, list[str]]) -> "str | None":
    lines: list[str] = []
    counts: dict[str, int] = {}
    for sec, values in sections.items():
        for v in values:
            if "\n" in v:
                return None  # not representable one per line: derive every time
        counts[sec] = len(values)
        lines.extend(values)
    header = json.dumps({"format": FORMAT, "sections": counts})
    return f"{_MAGIC}\n{header}\n" + "\n".join(lines)


def _decode(text: str) -> dict[str, list[str]]:
    parts = text.split("\n", 2)
    if len(parts) != 3 or parts[0] != _MAGIC:
        raise ValueError("not a derived-table file")
    _, header, body = parts
    head = json.loads(header)
    if head.get("format") != FORMAT:
        raise ValueError("old format")
    counts = head["sections"]
    total = sum(counts.values())
    lines = body.split("\n") if total else []
    if len(lines) != total:
        raise ValueError("truncated")
    out: dict[str, list[str]] = {}
    pos = 0
    for sec, n in counts.items():
        out[sec] = lines[pos:pos + n]
        pos += n
    return out


def cached_sections(name: str, inputs: Iterable[tuple[str, bytes]],
                    build: Callable[[], dict[str, list[str]]]) -> dict[str, list[str]]:
    """``build()`` (named sections, each a list of strings), read from the cache when a
    run with the same ``inputs`` ((label, bytes) pairs: the files and the code the
    tables come from) wrote it, else built and written there."""
    if os.environ.get("MTQA_NO_CACHE"):
        return build()
    from mtqa.gazetteer.resource import cache_dir, mark_used

    folder = cache_dir()
    path = folder / f"{name}-{_key(name, inputs)}.txt"
    try:
        data = _decode(path.read_bytes().decode("utf-8"))
        mark_used(path)
        return data
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        pass
    sections = build()
    text = _encode(sections)
    if text is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(text.encode("utf-8"))
            os.replace(tmp, path)
            _prune(folder, name)
        except OSError:
            pass
    return sections


def _prune(folder: Path, name: str) -> None:
    files = sorted(folder.glob(f"{name}-*.txt"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        try:
            old.unlink()
        except OSError:
            pass
