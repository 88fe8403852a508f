"""Check one shard with a :class:`~mtqa.checker.Checker`: the unit of work any engine runs.

:func:`check_shard` reads the shard, streams its documents through
``Checker.check_documents`` (read errors pass through in place) and returns
its rows (:mod:`mtqa.backfill.rows`) and how many documents it checked.  It
never logs document text.

Fault injection, for the tests of retries: when the environment variable
``MTQA_BACKFILL_CRASH_ONCE`` names a file that exists and holds a document
name (``stories.jsonl:17``, ``copy/a.txt``), the process that reaches that
document deletes the file and exits at once (``os._exit``) — a worker killed
mid-shard, once.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from mtqa.backfill.rows import error_row, finding_rows
from mtqa.backfill.sources import Shard, read_shard
from mtqa.readers import ReadError, ReadOptions

CRASH_ENV = "MTQA_BACKFILL_CRASH_ONCE"


def check_shard(checker, shard: Shard, options: ReadOptions) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    documents = 0
    crash_at = _crash_marker()
    container = shard.path if shard.kind in ("jsonl", "parquet") else None
    for item in checker.check_documents(_watch(read_shard(shard, options), crash_at)):
        if isinstance(item, ReadError):
            rows.append(error_row(item, container))
        else:
            documents += 1
            rows.extend(finding_rows(item))
    return {"rows": rows, "documents": documents, "worker": f"{socket.gethostname()}:{os.getpid()}"}


def _crash_marker() -> "tuple[str, str] | None":
    path = os.environ.get(CRASH_ENV)
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            return path, fh.read().strip()
    except OSError:
        return None


def _watch(items, crash_at):
    for item in items:
        if crash_at is not None and getattr(item, "name", None) == crash_at[1]:
            try:
                os.unlink(crash_at[0])
            except OSError:
                pass  # another worker got there first: only one dies
            else:
                os._exit(70)
        yield item
