"""``mtqa check --jobs N``: read and check documents in worker processes.

:func:`check_paths_parallel` yields exactly what ``Checker.check_paths``
yields — ``DocumentReport`` or ``ReadError`` items, in input order — but
reads files and runs the rules in ``N`` worker processes:

* work is cut into chunks: several small files per chunk, and large JSON
  Lines / ``--input-format lines`` files split at line boundaries into
  ranges of about ``chunk_bytes`` (record numbers, lines and columns stay
  those of the whole file);
* at most ``window`` chunks are in flight (default ``3 × N``) and results are
  yielded in input order as they complete, so memory stays flat however
  many files there are, and output streams;
* workers are started with ``spawn``: fresh interpreters, no fork of a
  process that may hold threads or a loaded model;
* rules that need the language model (``"fluency" in rule.needs``) do not run
  in the workers: the parent runs them over the returned documents in
  batches, so one model scores everything, batched, in one process.  Their
  findings get lines and columns from the document's origin map, which the
  workers send back in a picklable form.

:func:`print_summary_table` renders the end-of-run table (files, words,
findings by rule, time, CPU time) with rich, to stderr by default.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from array import array
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Union

from mtqa.config import Config
from mtqa.document import Document
from mtqa.readers import ReadError, ReadOptions
from mtqa.report import DocumentReport

Item = Union[DocumentReport, ReadError]
SPLITTABLE = ("jsonl", "lines")  # one record per line: safe to cut at line boundaries


# ---------------------------------------------------------------------------
# picklable origin maps
# ---------------------------------------------------------------------------

class RunOrigin:
    """(line, column) per text offset, stored as runs where the column advances by one."""

    __slots__ = ("t", "line", "col")

    def __init__(self, t: array, line: array, col: array):
        self.t, self.line, self.col = t, line, col

    @classmethod
    def from_origin(cls, origin, length: int) -> "RunOrigin":
        t, ln, co = array("q"), array("q"), array("q")
        pl = pc = None
        for off in range(length + 1):
            l, c = origin(off)
            if pl == l and pc is not None and c == pc + 1:
                pc = c
                continue
            t.append(off)
            ln.append(l)
            co.append(c)
            pl, pc = l, c
        return cls(t, ln, co)

    def __call__(self, offset: int) -> tuple[int, int]:
        import bisect

        i = max(0, bisect.bisect_right(self.t, offset) - 1)
        return self.line[i], self.col[i] + (offset - self.t[i])

    def __getstate__(self):
        return (self.t, self.line, self.col)

    def __setstate__(self, state):
        self.t, self.line, self.col = state


class ShiftedOrigin:
    """An origin whose lines are shifted (a range cut out of a larger file)."""

    __slots__ = ("inner", "shift")

    def __init__(self, inner, shift: int):
        self.inner, self.shift = inner, shift

    def __call__(self, offset: int) -> tuple[int, int]:
        line, col = self.inner(offset)
        return line + self.shift, col

    def __getstate__(self):
        return (self.inner, self.shift)

    def __setstate__(self, state):
        self.inner, self.shift = state


def _portable_origin(obj: Any) -> bool:
    """Origin maps that can travel between processes as they are (plain data objects);
    closures and lambdas (the JSONL and lines readers') cannot."""
    from mtqa.readers._xml import OffsetOrigin

    if obj is None or isinstance(obj, (OffsetOrigin, RunOrigin)):
        return True
    if isinstance(obj, ShiftedOrigin):
        return _portable_origin(obj.inner)
    return False


_DOC_FIELDS = frozenset({"_tokens", "_line_starts", "_nfc", "_words"})


def portable(report: DocumentReport, keep_origin: bool) -> DocumentReport:
    """Make a report cheap and safe to send between processes."""
    doc = report.document
    doc.word_count()  # cached in the document: the parent's summary needs it
    doc._tokens = None
    doc._nfc = None
    doc._line_starts = None
    for key in [k for k in doc.__dict__ if k.startswith("_") and k not in _DOC_FIELDS]:
        del doc.__dict__[key]  # rules' private caches (quote scans...)
    if doc.origin is not None and not _portable_origin(doc.origin):
        doc.origin = RunOrigin.from_origin(doc.origin, len(doc.text)) if keep_origin else None
    return report


# ---------------------------------------------------------------------------
# work units
# ---------------------------------------------------------------------------

@dataclass
class Unit:
    kind: str  # "file" | "range"
    path: str
    fmt: str | None = None
    start: int = 0
    end: int = 0
    line_base: int = 0  # lines before the range
    first: bool = True
    last: bool = True
    size: int = 0


def _detect(path: str, options: ReadOptions) -> str:
    from mtqa.readers import detect

    if options.input_format:
        return options.input_format
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return "text"
    return detect(path, head)


def line_ranges(fh, chunk_bytes: int, block_size: int = 1 << 20) -> list[tuple[int, int, int]]:
    """Cut a file at line ends into ranges of at least ``chunk_bytes``:
    [(start, end, lines before start)]."""
    out: list[tuple[int, int, int]] = []
    start = start_line = pos = lines = 0
    while True:
        block = fh.read(block_size)
        if not block:
            break
        i = 0
        while True:
            want = max(start + chunk_bytes - 1 - pos, i)
            if want >= len(block):
                break
            k = block.find(b"\n", want)
            if k == -1:
                break
            end = pos + k + 1
            out.append((start, end, start_line))
            start, start_line = end, lines + block.count(b"\n", 0, k + 1)
            i = k + 1
        lines += block.count(b"\n")
        pos += len(block)
    if pos > start:
        out.append((start, pos, start_line))
    return out


def file_units(path: str, options: ReadOptions, chunk_bytes: int) -> list[Unit]:
    """One unit for a file; JSON Lines and ``lines`` files above ``chunk_bytes`` in line-aligned ranges."""
    try:
        size = os.path.getsize(path)
    except OSError:
        return [Unit("file", path)]
    if size <= chunk_bytes or _detect(path, options) not in SPLITTABLE:
        return [Unit("file", path, size=size)]
    fmt = _detect(path, options)
    try:
        with open(path, "rb") as fh:
            ranges = line_ranges(fh, chunk_bytes)
    except OSError:
        return [Unit("file", path, size=size)]
    if len(ranges) < 2:
        return [Unit("file", path, size=size)]
    return [Unit("range", path, fmt, s, e, base, first=k == 0, last=k == len(ranges) - 1, size=e - s)
            for k, (s, e, base) in enumerate(ranges)]


def plan(paths: list[str], options: ReadOptions, chunk_bytes: int, max_files: int = 64) -> Iterator[Any]:
    """Yield, in input order: lists of Units (one chunk of work) or ReadErrors / ("stdin",)."""
    from mtqa.readers import iter_files

    group: list[Unit] = []
    group_bytes = 0

    def flush():
        nonlocal group, group_bytes
        if group:
            out = group
            group, group_bytes = [], 0
            return out
        return None

    for path in paths:
        if path == "-":
            g = flush()
            if g:
                yield g
            yield ("stdin",)
            continue
        p = Path(path)
        if p.is_dir():
            files = (str(f) for f in iter_files(p, options))
            any_file = False
        elif not p.exists():
            g = flush()
            if g:
                yield g
            yield ReadError(path, "no such file or directory")
            continue
        else:
            files = iter([path])
            any_file = True
        for f in files:
            any_file = True
            for u in file_units(f, options, chunk_bytes):
                if u.kind == "range":
                    g = flush()
                    if g:
                        yield g
                    yield [u]
                    continue
                group.append(u)
                group_bytes += u.size
                if group_bytes >= chunk_bytes or len(group) >= max_files:
                    yield flush()
        if not any_file:
            g = flush()
            if g:
                yield g
            yield ReadError(path, "directory contains no files to check")
    g = flush()
    if g:
        yield g


# ---------------------------------------------------------------------------
# the worker side
# ---------------------------------------------------------------------------

_W: dict[str, Any] = {}
# parent side: pid -> (CPU seconds, peak RSS in KiB) last reported by each worker process
WORKERS: dict[int, tuple[float, int]] = {}


def _init_worker(config: Config, options: ReadOptions, keep_origin: bool) -> None:
    from mtqa.checker import Checker

    # no model in the workers: the rules that need it run in the parent
    checker = Checker(config.replace(fluency=False))
    checker.rules = [r for r in checker.rules if "fluency" not in r.needs]
    _W.update(checker=checker, options=options, keep_origin=keep_origin)


def _renumber(item: Any, unit: Unit) -> Any:
    """Records, lines and error names of a range as those of the whole file."""
    if isinstance(item, Document):
        if item.record is not None:
            item.record += unit.line_base
        if item.origin is not None and unit.line_base:
            item.origin = ShiftedOrigin(item.origin, unit.line_base)
        return item
    if isinstance(item, ReadError):
        prefix = unit.path + ":"
        if item.source.startswith(prefix) and item.source[len(prefix):].isdigit():
            item.source = f"{unit.path}:{int(item.source[len(prefix):]) + unit.line_base}"
    return item


def _read_unit(unit: Unit, options: ReadOptions) -> Iterator[Any]:
    import io

    from mtqa.readers import read_path, read_stream

    if unit.kind == "file":
        yield from read_path(unit.path, options)
        return
    try:
        with open(unit.path, "rb") as fh:
            fh.seek(unit.start)
            data = fh.read(unit.end - unit.start)
    except OSError as e:
        yield ReadError(unit.path, f"cannot read: {e.strerror or e}")
        return
    for item in read_stream(io.BufferedReader(io.BytesIO(data)), unit.path, options, unit.fmt):
        if isinstance(item, ReadError) and item.source == unit.path and item.message.startswith("empty file"):
            continue  # decided over the whole file by the parent
        yield _renumber(item, unit)


def _work(units: list[Unit]) -> tuple[list[tuple[list[Any], bool]], tuple[int, float, int]]:
    checker = _W["checker"]
    options = _W["options"]
    keep = _W["keep_origin"]
    out = []
    for unit in units:
        items = []
        for item in checker.check_documents(_read_unit(unit, options)):
            items.append(portable(item, keep) if isinstance(item, DocumentReport) else item)
        out.append((items, bool(items)))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return out, (os.getpid(), usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


# ---------------------------------------------------------------------------
# the parent side
# ---------------------------------------------------------------------------

def _context():
    """``spawn``: workers are fresh interpreters (no fork of a process that may
    hold threads or a loaded model) and direct children of this process, so
    their CPU time shows in ``RUSAGE_CHILDREN`` and in ``/usr/bin/time``."""
    import multiprocessing as mp

    return mp.get_context("spawn")


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def check_paths_parallel(config: Config, paths: list[str], read_options: ReadOptions | None = None,
                         jobs: int = 0, *, chunk_bytes: int = 512 * 1024, window: int | None = None,
                         batch_size: int = 64) -> Iterator[Item]:
    """Check ``paths`` with ``jobs`` worker processes (0: one per CPU); stream results in input order."""
    from mtqa.checker import Checker

    options = read_options or ReadOptions(fields=config.fields, max_bytes=config.max_bytes)
    jobs = default_jobs() if jobs <= 0 else jobs
    parent = Checker(config, batch_size=batch_size)
    if jobs == 1:
        yield from parent.check_paths(paths, options)
        return
    fluency_rules = [r for r in parent.rules if "fluency" in r.needs]
    results = _ordered(paths, options, config, jobs, chunk_bytes, window or 3 * jobs, keep_origin=bool(fluency_rules),
                       parent=parent)
    if not fluency_rules:
        yield from results
        return
    yield from _with_parent_rules(parent, fluency_rules, results, batch_size)


def _ordered(paths, options, config, jobs, chunk_bytes, window, *, keep_origin: bool, parent) -> Iterator[Item]:
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_init_worker,
                               initargs=(config, options, keep_origin))
    pending: deque = deque()
    work = plan(paths, options, chunk_bytes)
    file_seen: dict[str, bool] = {}
    try:
        exhausted = False
        while True:
            while not exhausted and sum(1 for p in pending if p[0] == "future") < window:
                try:
                    entry = next(work)
                except StopIteration:
                    exhausted = True
                    break
                if isinstance(entry, ReadError):
                    pending.append(("ready", [entry]))
                elif isinstance(entry, tuple):  # stdin: read and check here, in order
                    pending.append(("stdin", None))
                else:
                    pending.append(("future", pool.submit(_work, entry), entry))
            if not pending:
                break
            head = pending.popleft()
            if head[0] == "ready":
                yield from head[1]
            elif head[0] == "stdin":
                for item in _check_stdin(parent, options):
                    yield item
            else:
                _, fut, units = head
                results, (pid, cpu, maxrss) = fut.result()
                WORKERS[pid] = (cpu, maxrss)
                for unit, (items, nonempty) in zip(units, results):
                    if unit.kind == "range":
                        file_seen[unit.path] = file_seen.get(unit.path, False) or nonempty
                    yield from items
                    if unit.kind == "range" and unit.last:
                        if not file_seen.pop(unit.path, False):
                            what = "no JSON records" if unit.fmt == "jsonl" else "no text to check"
                            yield ReadError(unit.path, f"empty file: {what}")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _check_stdin(parent, options: ReadOptions) -> Iterator[Item]:
    import sys as _sys

    from mtqa.readers import read_stream

    rules = parent.rules
    parent.rules = [r for r in rules if "fluency" not in r.needs]
    try:
        yield from parent.check_documents(read_stream(_sys.stdin.buffer, "<stdin>", options,
                                                      options.input_format or "text"))
    finally:
        parent.rules = rules


def _with_parent_rules(checker, rules, results: Iterable[Item], batch_size: int) -> Iterator[Item]:
    """Run the model-backed rules over worker results, batched, keeping order."""
    pending: list[Item] = []
    n = 0
    for item in results:
        pending.append(item)
        if isinstance(item, DocumentReport):
            n += 1
        if n >= batch_size:
            yield from _finish_batch(checker, rules, pending)
            pending, n = [], 0
    yield from _finish_batch(checker, rules, pending)


def _finish_batch(checker, rules, items: list[Item]) -> Iterator[Item]:
    reports = [i for i in items if isinstance(i, DocumentReport)]
    if reports:
        docs = [r.document for r in reports]
        checker.ctx.put("reports", reports)
        found: list[list] = [[] for _ in reports]
        for rule in rules:
            for i, fs in enumerate(rule.check_batch(docs, checker.ctx)):
                found[i].extend(fs)
        for rep, fs in zip(reports, found):
            if fs:
                rep.findings = checker._finish(rep.document, rep.findings + fs)
    yield from items


# ---------------------------------------------------------------------------
# the summary table
# ---------------------------------------------------------------------------

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


def print_summary_table(summary, *, files: int | None = None, seconds: float | None = None,
                        cpu: float | None = None, stream: IO[str] | None = None, color: bool | None = None,
                        top: int = 20) -> None:
    """Render the end-of-run summary (a ``RunSummary``) as a rich table, to stderr by default."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from mtqa.rules import get_rule

    stream = stream if stream is not None else sys.stderr
    console = Console(file=stream, highlight=False, soft_wrap=False,
                      no_color=(color is False) or "NO_COLOR" in os.environ,
                      force_terminal=color if color else None, width=100 if not stream.isatty() else None)
    secs = seconds if seconds is not None else summary.seconds
    pairs = [("files", files), ("documents", summary.documents), ("unreadable", summary.errors),
             ("words", summary.words), ("findings", summary.findings)]
    for sev in ("error", "warning", "info"):
        pairs.append((sev, summary.by_severity.get(sev, 0)))
    if secs is not None:
        pairs.append(("time", f"{secs:.2f} s"))
    if cpu is not None:
        pairs.append(("CPU", f"{cpu:.2f} s"))
    if secs:
        pairs.append(("words/s", f"{summary.words / secs:,.0f}"))
    pairs = [(k, v) for k, v in pairs if v is not None]
    grid = Table.grid(padding=(0, 1))
    per_row = 4
    for _ in range(per_row):
        grid.add_column(style="dim", justify="left")
        grid.add_column(justify="right", min_width=7)
    for i in range(0, len(pairs), per_row):
        row: list[str] = []
        for k, v in pairs[i:i + per_row]:
            row += [k, f"{v:,}" if isinstance(v, int) else str(v)]
        grid.add_row(*row)
    console.print(grid)
    if summary.by_rule:
        t = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        t.add_column("rule")
        t.add_column("name")
        t.add_column("family")
        t.add_column("findings", justify="right")
        t.add_column("per 1k words", justify="right")
        items = sorted(summary.by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
        for code, n in items[:top]:
            rule = get_rule(code)
            per_k = 1000.0 * n / summary.words if summary.words else 0.0
            t.add_row(code, rule.name if rule else "", rule.family if rule else "", f"{n:,}", f"{per_k:.2f}")
        if len(items) > top:
            rest = sum(n for _, n in items[top:])
            t.add_row("…", f"{len(items) - top} more rules", "", f"{rest:,}", "")
        console.print(t)


class Timer:
    """Wall and CPU seconds of a run (CPU includes finished worker processes)."""

    def __init__(self) -> None:
        self.wall0 = time.perf_counter()
        self.cpu0 = cpu_seconds()

    @property
    def wall(self) -> float:
        return time.perf_counter() - self.wall0

    @property
    def cpu(self) -> float:
        return cpu_seconds() - self.cpu0
