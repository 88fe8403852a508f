"""Inputs of a backfill: list them, cut them into shards, read a shard back.

A :class:`Shard` is a small, JSON-serialisable description of a piece of
work.  Shards are planned on the driver, in input order, and are the same on
every run over the same inputs with the same ``shard_size``:

* a JSON Lines file (``.jsonl``/``.ndjson``, or content that looks like it) is
  cut every ``shard_size`` lines: the shard holds the byte range and the
  number of lines before it, so record numbers, lines and columns are those of
  the whole file, as ``mtqa check`` reports them;
* a Parquet file (``.parquet``, given by name) is cut every ``shard_size``
  rows; the text comes from the ``--field`` columns (default: headline/title
  then body/body_text/text, as for JSONL), the original it was translated from
  from the ``--source-field`` column (default ``source``, then ``source_text``),
  the record is the 1-based row;
* other files (text, NITF, NewsML-G2, ninjs, HTML — directories are walked as
  ``mtqa check`` walks them) are grouped ``shard_size`` files per shard;
* an input that does not exist, or a directory with nothing to check, is an
  ``error`` shard: it yields its one-line :class:`~mtqa.readers.ReadError`.

A shard's id is its place in the plan plus a hash of what it covers
(``000003-9f1c2a7b3e``): stable across runs, sorted in input order.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from mtqa.readers import Item, ReadError, ReadOptions, detect, iter_files, read_path, read_stream

PARQUET_EXTENSIONS = (".parquet", ".parq")


@dataclass(frozen=True)
class Shard:
    id: str
    kind: str  # "jsonl" | "parquet" | "files" | "error"
    path: str = ""  # the file of a jsonl / parquet shard, the input of an error shard
    start: int = 0  # jsonl: first byte; parquet: first row (0-based)
    end: int = 0  # exclusive
    line_base: int = 0  # jsonl: lines before ``start``
    files: tuple[str, ...] = ()  # files shard
    message: str = ""  # error shard

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Shard":
        d = json.loads(text)
        d["files"] = tuple(d.get("files", ()))
        return cls(**d)


@dataclass
class _Planner:
    shard_size: int
    shards: list[Shard] = field(default_factory=list)
    pending_files: list[str] = field(default_factory=list)

    def add(self, kind: str, **what) -> None:
        key = json.dumps({"kind": kind, **what}, ensure_ascii=False, sort_keys=True)
        digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        what["files"] = tuple(what.get("files", ()))
        self.shards.append(Shard(id=f"{len(self.shards):06d}-{digest}", kind=kind, **what))

    def add_file(self, path: str) -> None:
        self.pending_files.append(path)
        if len(self.pending_files) >= self.shard_size:
            self.flush_files()

    def flush_files(self) -> None:
        if self.pending_files:
            self.add("files", files=list(self.pending_files))
            self.pending_files.clear()


def plan_shards(paths: list[str], options: ReadOptions, shard_size: int) -> list[Shard]:
    """The shards for ``paths`` (files or directories), in input order."""
    if shard_size < 1:
        raise ValueError("shard size must be at least 1")
    planner = _Planner(shard_size)
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = [str(f) for f in iter_files(p, options)]
            if not files:
                planner.flush_files()
                planner.add("error", path=path, message="directory contains no files to check")
            for f in files:
                _plan_file(planner, f, options)
        elif not p.exists():
            planner.flush_files()
            planner.add("error", path=path, message="no such file or directory")
        else:
            _plan_file(planner, path, options)
    planner.flush_files()
    return planner.shards


AUTO_TARGET_SHARDS = 64  # --shard-size left out: about this many shards, so every actor of a pool has work ...
AUTO_MIN, AUTO_MAX = 10, 1000  # ... each of 10 to 1,000 records (per-shard overhead vs. a fair spread)


def count_records(paths: list[str], options: ReadOptions) -> int:
    """Records the inputs hold as the planner counts them: JSONL lines, Parquet rows, other files."""
    total = 0
    for path in paths:
        p = Path(path)
        files = [str(f) for f in iter_files(p, options)] if p.is_dir() else [path] if p.exists() else []
        for f in files:
            fmt = file_format(f, options)
            if fmt == "jsonl":
                try:
                    with open(f, "rb") as fh:
                        n = last = 0
                        while block := fh.read(1 << 20):
                            n += block.count(b"\n")
                            last = block[-1]
                        total += n + (1 if last not in (0, 10) else 0)
                except OSError:
                    total += 1
            elif fmt == "parquet":
                try:
                    import pyarrow.parquet as pq

                    total += pq.ParquetFile(f).metadata.num_rows
                except Exception:  # the planner reports it
                    total += 1
            else:
                total += 1
    return total


def auto_shard_size(records: int) -> int:
    """Records per shard when ``--shard-size`` is left out: about :data:`AUTO_TARGET_SHARDS`
    shards (200 stories: 20 shards of 10, so two actors both work; 1 M: 1,000 of 1,000)."""
    return max(AUTO_MIN, min(AUTO_MAX, -(-records // AUTO_TARGET_SHARDS)))


def _plan_file(planner: _Planner, path: str, options: ReadOptions) -> None:
    fmt = file_format(path, options)
    if fmt == "parquet":
        planner.flush_files()
        _plan_parquet(planner, path, options)
    elif fmt == "jsonl":
        ranges = jsonl_ranges(path, planner.shard_size)
        if not ranges:  # empty, unreadable or only blank lines: the reader says why, as check does
            planner.add_file(path)
            return
        planner.flush_files()
        for start, end, base in ranges:
            planner.add("jsonl", path=path, start=start, end=end, line_base=base)
    else:
        planner.add_file(path)


def file_format(path: str, options: ReadOptions) -> str:
    if path.lower().endswith(PARQUET_EXTENSIONS):
        return "parquet"
    if options.input_format:
        return options.input_format
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return "text"
    return detect(path, head)


def jsonl_ranges(path: str, lines_per_shard: int) -> list[tuple[int, int, int]]:
    """[(first byte, end byte, lines before)] cutting the file every ``lines_per_shard``
    lines; [] when the file has no non-blank line (or cannot be read)."""
    out: list[tuple[int, int, int]] = []
    try:
        with open(path, "rb") as fh:
            start = pos = lines = start_line = 0
            content = False
            for raw in fh:
                pos += len(raw)
                lines += 1
                content = content or bool(raw.strip())
                if lines - start_line == lines_per_shard:
                    out.append((start, pos, start_line))
                    start, start_line = pos, lines
            if pos > start:
                out.append((start, pos, start_line))
    except OSError:
        return []
    return out if content else []


def _plan_parquet(planner: _Planner, path: str, options: ReadOptions) -> None:
    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path)
        rows = meta.metadata.num_rows
        names = set(meta.schema_arrow.names)
    except ImportError:
        planner.add("error", path=path, message="reading Parquet needs pyarrow: pip install 'mtqa[ray]'")
        return
    except Exception as e:  # pyarrow raises ArrowInvalid, OSError... for files that are not Parquet
        planner.add("error", path=path, message=f"cannot read Parquet: {type(e).__name__}")
        return
    wanted = parquet_columns(options)
    if not names & set(wanted):
        planner.add("error", path=path, message=f"no text column found (looked for: {', '.join(wanted)}; use --field)")
        return
    if rows == 0:
        planner.add("error", path=path, message="empty file: no Parquet rows")
        return
    for start in range(0, rows, planner.shard_size):
        planner.add("parquet", path=path, start=start, end=min(rows, start + planner.shard_size))


def parquet_columns(options: ReadOptions) -> list[str]:
    from mtqa.readers.jsonl import BODY_FIELDS, HEADLINE_FIELDS

    return list(options.fields) or list(HEADLINE_FIELDS + BODY_FIELDS)


# ---------------------------------------------------------------------------
# reading a shard (on a worker)
# ---------------------------------------------------------------------------

def read_shard(shard: Shard, options: ReadOptions) -> Iterator[Item]:
    """The documents and read errors of one shard, in order."""
    if shard.kind == "files":
        for f in shard.files:
            yield from read_path(f, options)
    elif shard.kind == "jsonl":
        yield from _read_jsonl_range(shard, options)
    elif shard.kind == "parquet":
        yield from _read_parquet_rows(shard, options)
    elif shard.kind == "error":
        yield ReadError(shard.path, shard.message)
    else:
        yield ReadError(shard.path or shard.id, f"unknown shard kind '{shard.kind}'")


def _read_jsonl_range(shard: Shard, options: ReadOptions) -> Iterator[Item]:
    try:
        with open(shard.path, "rb") as fh:
            fh.seek(shard.start)
            data = fh.read(shard.end - shard.start)
    except OSError as e:
        yield ReadError(shard.path, f"cannot read: {e.strerror or e}")
        return
    base = shard.line_base
    for item in read_stream(io.BufferedReader(io.BytesIO(data)), shard.path, options, "jsonl"):
        if isinstance(item, ReadError):
            if item.source == shard.path and item.message.startswith("empty file"):
                continue  # a range of blank lines; the plan made sure the file has records
            prefix = shard.path + ":"
            if item.source.startswith(prefix) and item.source[len(prefix):].isdigit():
                item.source = f"{shard.path}:{int(item.source[len(prefix):]) + base}"
            yield item
            continue
        if base:
            if item.record is not None:
                item.record += base
            if item.origin is not None:
                item.origin = _shifted(item.origin, base)
        yield item


def _shifted(origin, lines: int):
    def shifted(offset: int) -> tuple[int, int]:
        line, col = origin(offset)
        return line + lines, col

    return shifted


def _read_parquet_rows(shard: Shard, options: ReadOptions) -> Iterator[Item]:
    from mtqa.readers.jsonl import build_document, original_of

    try:
        table = _parquet_slice(shard.path, shard.start, shard.end, parquet_columns(options) + list(options.source_fields))
    except Exception as e:
        yield ReadError(shard.path, f"cannot read Parquet rows {shard.start + 1}-{shard.end}: {type(e).__name__}")
        return
    for i, obj in enumerate(table.to_pylist()):
        record = shard.start + i + 1
        if len(json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")) > options.max_bytes:
            yield ReadError(f"{shard.path}:{record}", f"record too large: exceeds --max-bytes {options.max_bytes:,}")
            continue
        doc = build_document(obj, "", shard.path, record, options.fields)
        if isinstance(doc, str):
            yield ReadError(f"{shard.path}:{record}", doc)
            continue
        doc.origin = None  # no original file to point into: lines and columns are the text's own
        doc.original = original_of(obj, options)  # a source column: the source-aware checks read it
        yield doc


def _parquet_slice(path: str, start: int, end: int, wanted: list[str]):
    """Rows [start, end) of the wanted columns that exist, reading only the row groups needed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    columns = [c for c in wanted if c in pf.schema_arrow.names]
    groups, first, offset = [], None, 0
    for g in range(pf.metadata.num_row_groups):
        n = pf.metadata.row_group(g).num_rows
        if offset + n > start and offset < end:
            groups.append(g)
            first = offset if first is None else first
        offset += n
    if not groups:
        return pa.table({c: pa.array([], pa.string()) for c in columns})
    table = pf.read_row_groups(groups, columns=columns)
    return table.slice(start - first, end - start)
