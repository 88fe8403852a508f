"""``mtqa check --jobs N``: read and check documents in worker processes.

:func:`check_paths_parallel` yields exactly what ``Checker.check_paths``
yields — ``DocumentReport`` or ``ReadError`` items, in input order — from a
``concurrent.futures.ProcessPoolExecutor``:

* workers are fresh interpreters (``spawn``: no fork of a process that may hold
  threads or a loaded model); the initializer builds one ``Checker`` per
  worker, the language model included when fluency is on, with torch limited
  to ``cores // N`` threads so the workers do not fight over the cores;
* work goes out in chunks: several small files per chunk, and JSON Lines /
  ``--input-format lines`` files above ``chunk_bytes`` cut at line ends into
  ranges (records, lines and columns stay those of the whole file);
* at most ``window`` chunks are in flight and results are yielded in input
  order, so memory stays flat however many files there are, and output streams;
* reports come back without the document's caches and origin map (the
  findings already carry their lines and columns);
* ``-`` (stdin) is read and checked in this process, in its place.
"""

from __future__ import annotations

import atexit
import io
import os
import resource
import sys
from collections import deque
from pathlib import Path
from typing import Any, Iterator, NamedTuple, Union

from mtqa.config import Config
from mtqa.document import Document
from mtqa.readers import ReadError, ReadOptions
from mtqa.report import DocumentReport

Item = Union[DocumentReport, ReadError]
SPLITTABLE = ("jsonl", "lines")  # one record per line: safe to cut at line boundaries
# parent side: pid -> (CPU seconds, peak RSS in KiB) last reported by each worker process
WORKERS: dict[int, tuple[float, int]] = {}
CHUNK_BYTES = 64 * 1024  # a chunk of work: small files together, big JSONL / lines files cut at line ends


class Unit(NamedTuple):
    """A whole file (``fmt`` None) or the byte range [start, end) of a one-record-per-line file."""

    path: str
    size: int
    fmt: str | None = None
    start: int = 0
    end: int = 0
    line_base: int = 0  # lines before the range
    last: bool = True  # the file's last range


def default_jobs() -> int:
    from mtqa.cpu import logical_cpus

    return logical_cpus()


# ---------------------------------------------------------------------------
# planning: paths -> chunks of units, in input order
# ---------------------------------------------------------------------------

def line_ranges(fh, chunk_bytes: int, block_size: int = 1 << 20) -> list[tuple[int, int, int]]:
    """Cut a file at line ends into ranges of at least ``chunk_bytes``: [(start, end, lines before start)]."""
    out: list[tuple[int, int, int]] = []
    start = start_line = pos = lines = 0
    while block := fh.read(block_size):
        i = 0
        while (want := max(start + chunk_bytes - 1 - pos, i)) < len(block):
            k = block.find(b"\n", want)
            if k == -1:
                break
            out.append((start, pos + k + 1, start_line))
            start, start_line, i = pos + k + 1, lines + block.count(b"\n", 0, k + 1), k + 1
        lines += block.count(b"\n")
        pos += len(block)
    if pos > start:
        out.append((start, pos, start_line))
    return out


def file_units(path: str, options: ReadOptions, chunk_bytes: int) -> list[Unit]:
    """One unit for a file; JSON Lines and ``lines`` files above ``chunk_bytes`` in line-aligned ranges."""
    from mtqa.readers import detect

    try:
        size = os.path.getsize(path)
        if size <= chunk_bytes:
            return [Unit(path, size)]
        with open(path, "rb") as fh:
            fmt = options.input_format or detect(path, fh.read(4096))
            if fmt not in SPLITTABLE:
                return [Unit(path, size)]
            fh.seek(0)
            ranges = line_ranges(fh, chunk_bytes)
    except OSError:
        return [Unit(path, 0)]  # the worker's reader reports it
    if len(ranges) < 2:
        return [Unit(path, size)]
    return [Unit(path, e - s, fmt, s, e, base, k == len(ranges) - 1) for k, (s, e, base) in enumerate(ranges)]


def plan(paths: list[str], options: ReadOptions, chunk_bytes: int, max_files: int = 16) -> Iterator[Any]:
    """Yield, in input order: lists of Units (one chunk of work), ReadErrors, or ``"-"`` (stdin)."""
    from mtqa.readers import iter_files

    group: list[Unit] = []
    for path in paths:
        if path == "-" or not os.path.exists(path):
            if group:
                yield group
                group = []
            yield path if path == "-" else ReadError(path, "no such file or directory")
            continue
        files = [str(f) for f in iter_files(Path(path), options)] if os.path.isdir(path) else [path]
        for f in files:
            for u in file_units(f, options, chunk_bytes):
                group.append(u)
                if u.fmt or sum(g.size for g in group) >= chunk_bytes or len(group) >= max_files:
                    yield group
                    group = []
        if not files:
            if group:
                yield group
                group = []
            yield ReadError(path, "directory contains no files to check")
    if group:
        yield group


# ---------------------------------------------------------------------------
# the worker side
# ---------------------------------------------------------------------------

_W: dict[str, Any] = {}


def _init_worker(config: Config, options: ReadOptions, threads: int, batch_size: int) -> None:
    from mtqa import cpu

    cpu.prepare(threads)  # before torch loads (if it does): idle threads sleep, cores // jobs each
    from mtqa.checker import Checker

    _W.update(checker=Checker(config, batch_size=batch_size), options=options)
    atexit.register(_exit_now)  # at exit all results have been sent


def _exit_now() -> None:
    """End a worker without tearing down its heap (the gazetteer, language profiles, caches):
    a quarter of a second per worker that the parent would wait for at shutdown."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _read_unit(unit: Unit, options: ReadOptions) -> Iterator[Any]:
    items = _read_unit_items(unit, options)
    if options.source:
        from mtqa.source.pairing import with_sources

        # the file's last range has read every line before it (records are whole-file numbers),
        # so it reports a source with lines left over, as a one-process run does
        items = with_sources(items, options, whole_files=unit.fmt is None or unit.last)
    yield from items


def _read_unit_items(unit: Unit, options: ReadOptions) -> Iterator[Any]:
    from mtqa.readers import read_path, read_stream

    if unit.fmt is None:
        yield from read_path(unit.path, options)
        return
    try:
        with open(unit.path, "rb") as fh:
            fh.seek(unit.start)
            data = fh.read(unit.end - unit.start)
            before, after = _context_lines(fh, unit) if unit.fmt == "lines" else (b"", b"")
    except OSError as e:
        yield ReadError(unit.path, f"cannot read: {e.strerror or e}")
        return
    # a segment read one per line carries the segments around it (Document.neighbours):
    # the lines just outside the range are read too, and dropped after reading, so that a
    # range's first and last segments see what they see in a one-process run
    skip_first, skip_last = before.count(b"\n"), after.count(b"\n")
    base = unit.line_base - skip_first
    items = read_stream(io.BufferedReader(io.BytesIO(before + data + after)), unit.path, options, unit.fmt)
    if skip_first or skip_last:
        items = list(items)
        items = items[skip_first:len(items) - skip_last]
    for item in items:
        if isinstance(item, Document):  # records, lines and error names as those of the whole file
            if item.record is not None:
                item.record += base
            if item.origin is not None and base:
                item.origin = (lambda o: lambda off: (o(off)[0] + base, o(off)[1]))(item.origin)
        elif item.source == unit.path and item.message.startswith("empty file"):
            continue  # decided over the whole file by the parent
        elif item.source.startswith(unit.path + ":") and item.source[len(unit.path) + 1:].isdigit():
            item.source = f"{unit.path}:{int(item.source[len(unit.path) + 1:]) + base}"
        yield item


def _context_lines(fh, unit: Unit, window: int = 1 << 16) -> tuple[bytes, bytes]:
    """Up to CONTEXT_LINES whole lines before and after the unit's range (bytes, each line
    ended by a newline)."""
    from mtqa.readers.lines import CONTEXT_LINES

    lo = max(0, unit.start - window)
    fh.seek(lo)
    head = fh.read(unit.start - lo)
    lines = head.split(b"\n")[:-1]  # whole lines before the range (the last piece is empty)
    if lo > 0:
        lines = lines[1:]  # the first piece may be cut
    before = b"".join(ln + b"\n" for ln in lines[-CONTEXT_LINES:])
    fh.seek(unit.end)
    tail = fh.read(window)
    pieces = tail.split(b"\n")
    whole = pieces[:-1]  # lines ended by a newline; the last piece is empty or cut ...
    if len(tail) < window and pieces[-1]:
        whole.append(pieces[-1])  # ... or the file's last line, without a newline
    after = b"".join(ln + b"\n" for ln in whole[:CONTEXT_LINES])
    return before, after


def _slim(item: Any) -> Any:
    """A report, cheap to send back: the document without its caches and origin map (its
    findings already carry lines and columns), the findings without closures."""
    if isinstance(item, DocumentReport):
        doc = item.document
        words = doc.word_count()  # the parent's summary needs it
        for key in [k for k in doc.__dict__ if k.startswith("_")]:
            del doc.__dict__[key]
        doc._tokens = doc._nfc = doc._line_starts = doc.origin = doc.neighbours = None
        doc.__dict__["_words"] = words
        for f in item.findings:
            if getattr(f, "recheck", None) is not None:
                f.recheck = None  # FLU findings' re-judging closure: used by the checker, done by now
    return item


def _work(units: list[Unit]) -> tuple[list[list[Any]], tuple[int, float, int]]:
    checker, options = _W["checker"], _W["options"]
    out = [[_slim(item) for item in checker.check_documents(_read_unit(u, options))] for u in units]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return out, (os.getpid(), usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


# ---------------------------------------------------------------------------
# the parent side
# ---------------------------------------------------------------------------

def check_paths_parallel(config: Config, paths: list[str], read_options: ReadOptions | None = None,
                         jobs: int = 0, *, chunk_bytes: int = CHUNK_BYTES, window: int | None = None,
                         batch_size: int = 64) -> Iterator[Item]:
    """Check ``paths`` with ``jobs`` worker processes (0: one per CPU); stream results in input order."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from mtqa.checker import Checker

    options = read_options or ReadOptions(fields=config.fields, max_bytes=config.max_bytes)
    jobs = default_jobs() if jobs <= 0 else jobs
    if jobs == 1:
        yield from Checker(config, batch_size=batch_size).check_paths(paths, options)
        return
    from mtqa.cpu import available_cores

    threads = max(1, available_cores() // jobs)
    pool = ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn"), initializer=_init_worker,
                               initargs=(config, options, threads, batch_size))
    pending: deque[tuple[Any, Any]] = deque()  # (plan entry, Future or None)
    work = plan(paths, options, chunk_bytes)
    limit = window or 3 * jobs
    empty: dict[str, bool] = {}  # split files: no document in any range so far
    try:
        while True:
            while sum(f is not None for _, f in pending) < limit:
                entry = next(work, None)
                if entry is None:
                    break
                pending.append((entry, pool.submit(_work, entry) if isinstance(entry, list) else None))
            if not pending:
                return
            entry, fut = pending.popleft()
            if isinstance(entry, ReadError):
                yield entry
            elif entry == "-":
                yield from _check_stdin(config, options, batch_size)
            else:
                results, (pid, cpu, rss) = fut.result()
                WORKERS[pid] = (cpu, rss)
                for unit, items in zip(entry, results):
                    yield from items
                    if unit.fmt:
                        empty[unit.path] = empty.get(unit.path, True) and not items
                        if unit.last and empty.pop(unit.path):
                            what = "no JSON records" if unit.fmt == "jsonl" else "no text to check"
                            yield ReadError(unit.path, f"empty file: {what}")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _check_stdin(config: Config, options: ReadOptions, batch_size: int) -> Iterator[Item]:
    from mtqa.checker import Checker
    from mtqa.readers import read_stream

    docs = read_stream(sys.stdin.buffer, "<stdin>", options, options.input_format or "text")
    yield from Checker(config, batch_size=batch_size).check_documents(docs)


def cpu_seconds() -> float:
    """User + system CPU seconds of this process plus those its ``--jobs`` workers reported.

    (Workers report their own usage with every chunk, so the figure is right
    while they still run, before they are reaped.)
    """
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime + sum(cpu for cpu, _ in WORKERS.values())


def worker_peak_rss_kib() -> int:
    """Largest peak resident set size a worker reported (KiB; 0 without workers)."""
    return max((rss for _, rss in WORKERS.values()), default=0)
