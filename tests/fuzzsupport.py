"""Shared settings and bookkeeping for the hypothesis fuzz suites (tests/test_fuzz*.py).

* ``budget(n)``: derandomized settings with ``n × MTQA_FUZZ_SCALE`` examples,
  no deadline (CI machines are slow and shared), every health check off.
* ``tick(target)``: counts one generated input for ``target``; the totals are
  printed at the end of the pytest run (``conftest.pytest_terminal_summary``)
  and, when ``MTQA_FUZZ_RECORD=FILE`` is set, written to FILE as JSON.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

SCALE = float(os.environ.get("MTQA_FUZZ_SCALE", "1"))
COUNTS: Counter = Counter()


def budget(n: int, **kw):
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), **kw)


def tick(target: str) -> None:
    COUNTS[target] += 1
