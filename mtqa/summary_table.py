"""The end-of-run summary of ``mtqa check`` (``--statistics``, or stderr on a terminal): files, words,
findings by rule, wall and CPU time (CPU includes the ``--jobs`` workers)."""

from __future__ import annotations

import os
import sys
import time
from typing import IO

from mtqa.parallel import cpu_seconds


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
