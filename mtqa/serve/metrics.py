"""Prometheus text-format metrics (exposition format 0.0.4), without a client library.

``GET /metrics`` serves: requests by path and status, request latency,
documents checked, the queue depth, and the size and time of each checker
batch.  Label values are route paths and status codes only — never anything
a caller sent — so the number of series stays bounded.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from typing import Callable, Iterable

from mtqa import __version__

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def _labels(names: tuple[str, ...], values: tuple[str, ...], extra: str = "") -> str:
    parts = [f'{n}="{_escape(v)}"' for n, v in zip(names, values)]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


def _escape(v: str) -> str:
    return str(v).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _num(v: float) -> str:
    v = float(v)
    if v == float("inf"):
        return "+Inf"
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


class Counter:
    def __init__(self, name: str, help: str, labels: tuple[str, ...] = ()):
        self.name, self.help, self.label_names = name, help, labels
        self._values: dict[tuple[str, ...], float] = {} if labels else {(): 0.0}
        self._lock = threading.Lock()

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        with self._lock:
            self._values[labels] = self._values.get(labels, 0.0) + amount

    def render(self) -> list[str]:
        out = [f"# HELP {self.name}_total {self.help}", f"# TYPE {self.name}_total counter"]
        with self._lock:
            for labels, v in sorted(self._values.items()):
                out.append(f"{self.name}_total{_labels(self.label_names, labels)} {_num(v)}")
        return out


class Histogram:
    def __init__(self, name: str, help: str, buckets: Iterable[float], labels: tuple[str, ...] = ()):
        self.name, self.help, self.label_names = name, help, labels
        self.buckets = tuple(sorted(buckets))
        self._series: dict[tuple[str, ...], list] = {}  # labels -> [bucket counts..., count, sum]
        if not labels:
            self._series[()] = [0] * len(self.buckets) + [0, 0.0]
        self._lock = threading.Lock()

    def observe(self, value: float, *labels: str) -> None:
        i = bisect_left(self.buckets, value)
        with self._lock:
            s = self._series.get(labels)
            if s is None:
                s = self._series[labels] = [0] * len(self.buckets) + [0, 0.0]
            if i < len(self.buckets):
                s[i] += 1
            s[-2] += 1
            s[-1] += value

    def render(self) -> list[str]:
        out = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        with self._lock:
            for labels, s in sorted(self._series.items()):
                cum = 0
                for b, c in zip(self.buckets, s):
                    cum += c
                    le = 'le="%s"' % _num(b)
                    out.append(f"{self.name}_bucket{_labels(self.label_names, labels, le)} {cum}")
                inf = 'le="+Inf"'
                out.append(f"{self.name}_bucket{_labels(self.label_names, labels, inf)} {s[-2]}")
                out.append(f"{self.name}_count{_labels(self.label_names, labels)} {s[-2]}")
                out.append(f"{self.name}_sum{_labels(self.label_names, labels)} {_num(s[-1])}")
        return out


class Gauge:
    def __init__(self, name: str, help: str, read: Callable[[], float]):
        self.name, self.help, self.read = name, help, read

    def render(self) -> list[str]:
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} gauge", f"{self.name} {_num(self.read())}"]


class Metrics:
    """The service's metrics; ``render()`` is the ``/metrics`` body."""

    CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

    def __init__(self, queue_depth: Callable[[], float] = lambda: 0):
        self.requests = Counter("mtqa_http_requests", "HTTP requests by route and status.", ("path", "status"))
        self.latency = Histogram("mtqa_http_request_duration_seconds", "Time from request to response, by route.",
                                 LATENCY_BUCKETS, ("path",))
        self.documents = Counter("mtqa_documents_checked", "Documents checked.")
        self.batch_documents = Histogram("mtqa_batch_documents", "Documents per checker batch.", BATCH_BUCKETS)
        self.batch_requests = Histogram("mtqa_batch_requests", "Requests per checker batch.", BATCH_BUCKETS)
        self.batch_seconds = Histogram("mtqa_batch_duration_seconds", "Time the checker took per batch.",
                                       LATENCY_BUCKETS)
        self.queue_depth = Gauge("mtqa_queue_depth", "Requests waiting for the checker.", queue_depth)
        self.info = f'# HELP mtqa_build_info The mtqa version.\n# TYPE mtqa_build_info gauge\nmtqa_build_info{{version="{_escape(__version__)}"}} 1'

    def request(self, path: str, status: int, seconds: float) -> None:
        self.requests.inc(path, str(status))
        self.latency.observe(seconds, path)

    def batch(self, documents: int, requests: int, seconds: float) -> None:
        self.documents.inc(amount=documents)
        self.batch_documents.observe(documents)
        self.batch_requests.observe(requests)
        self.batch_seconds.observe(seconds)

    def render(self) -> str:
        lines: list[str] = []
        for m in (self.requests, self.latency, self.documents, self.batch_documents, self.batch_requests,
                  self.batch_seconds, self.queue_depth):
            lines.extend(m.render())
        lines.append(self.info)
        return "\n".join(lines) + "\n"
