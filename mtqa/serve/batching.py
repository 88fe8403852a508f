"""Micro-batching: one worker thread checks the requests of all callers together.

Requests wait in a bounded queue (full: :class:`QueueFull`, a 503).  The
worker takes the oldest request, then keeps collecting for up to
``wait_ms`` or until it holds ``max_documents`` documents, and checks all
requests that share a rule set (a ``checker_key``) in one
:meth:`Checker.check_batch` — one model batch for many callers.  Other work
that needs the checker (``mtqa fix``'s re-check passes) runs on the same
thread as a job of its own, so the Checker, which is not thread-safe, is
only ever used by the worker.

Checkers are built per rule set (at most :data:`MAX_CHECKERS`, least
recently used dropped) and share the server checker's resources (the
language model, the gazetteer): a request's options change which rules run,
never what is loaded.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any, Callable

from mtqa.checker import Checker
from mtqa.config import Config
from mtqa.document import Document
from mtqa.memory import Trimmer

MAX_CHECKERS = 32


class QueueFull(Exception):
    """The queue holds as many requests as it may: try again later."""


class Abandoned(Exception):
    """The server is stopping: a job still waiting will not be checked."""


@dataclass(eq=False)
class Job:
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future
    key: tuple | None = None  # checker key of a check job
    documents: list[Document] = field(default_factory=list)
    call: Callable[[Checker], Any] | None = None  # a job that runs alone with the key's checker

    def finish(self, result: Any = None, error: BaseException | None = None) -> None:
        def _set() -> None:
            if self.future.done():  # cancelled: the caller timed out
                return
            if error is not None:
                self.future.set_exception(error)
            else:
                self.future.set_result(result)

        try:
            self.loop.call_soon_threadsafe(_set)
        except RuntimeError:  # the event loop has closed (shutting down): nobody is waiting
            pass


class MicroBatcher:
    """The queue and the worker thread; ``await batcher.check(key, docs)`` from the event loop."""

    def __init__(self, base: Checker, config_for: Callable[[tuple], Config], *, max_documents: int = 32,
                 wait_ms: float = 5.0, max_queue: int = 64,
                 on_batch: Callable[[int, int, float], None] | None = None):
        self.base = base
        self.config_for = config_for
        self.max_documents = max(1, max_documents)
        self.wait_s = max(0.0, wait_ms) / 1000.0
        self.max_queue = max(1, max_queue)
        self.on_batch = on_batch  # (documents, requests, seconds) after each checker batch
        self._queue: deque[Job] = deque()
        self._cond = threading.Condition()
        self._checkers: OrderedDict[tuple, Checker] = OrderedDict()
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._trimmer = Trimmer()

    # -- the event loop's side ----------------------------------------------------------------------
    @property
    def depth(self) -> int:
        """Requests waiting (not yet taken by the worker)."""
        return len(self._queue)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="mtqa-serve-checker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    async def check(self, key: tuple, documents: list[Document]) -> list:
        """The DocumentReports of ``documents``, checked with the rule set ``key``."""
        return await self._submit(Job(asyncio.get_running_loop(), asyncio.get_running_loop().create_future(),
                                      key=key, documents=documents))

    async def call(self, key: tuple, fn: Callable[[Checker], Any]) -> Any:
        """``fn(checker)`` on the worker thread, with the checker for ``key``."""
        return await self._submit(Job(asyncio.get_running_loop(), asyncio.get_running_loop().create_future(),
                                      key=key, call=fn))

    async def _submit(self, job: Job) -> Any:
        with self._cond:
            if len(self._queue) >= self.max_queue:
                raise QueueFull()
            self._queue.append(job)
            self._cond.notify()
        return await job.future  # cancelled by the caller's timeout: the worker then skips it

    # -- the worker's side --------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    pending, self._queue = list(self._queue), deque()
                    for job in pending:
                        job.finish(error=Abandoned())
                    return
                first = self._queue.popleft()
            jobs = [first] if first.call is not None else self._collect(first)
            try:
                self._process(jobs)
            except Exception as e:  # noqa: BLE001 - never let the worker die: the callers get the error
                for job in jobs:
                    job.finish(error=e)
            self._trimmer.maybe()  # freed batch buffers back to the system: RSS stays flat

    def _collect(self, first: Job) -> list[Job]:
        """``first`` plus the check jobs that arrive within the wait, up to max_documents documents."""
        jobs, n = [first], len(first.documents)
        deadline = time.monotonic() + self.wait_s
        with self._cond:
            while n < self.max_documents and not self._stopped:
                taken = False
                for job in list(self._queue):
                    if job.call is None and n + len(job.documents) <= self.max_documents:
                        self._queue.remove(job)
                        jobs.append(job)
                        n += len(job.documents)
                        taken = True
                left = deadline - time.monotonic()
                if n >= self.max_documents or left <= 0:
                    break
                if not taken:
                    self._cond.wait(left)
        return jobs

    def _process(self, jobs: list[Job]) -> None:
        live = [j for j in jobs if not j.future.done()]  # callers that timed out are not checked
        groups: dict[tuple, list[Job]] = {}
        for job in live:
            groups.setdefault(job.key, []).append(job)
        for key, group in groups.items():
            try:
                checker = self.checker(key)
            except Exception as e:  # noqa: BLE001 - reported to each caller
                for job in group:
                    job.finish(error=e)
                continue
            if group[0].call is not None:
                (job,) = group
                try:
                    job.finish(job.call(checker))
                except Exception as e:  # noqa: BLE001
                    job.finish(error=e)
                continue
            docs = [d for job in group for d in job.documents]
            started = time.perf_counter()
            try:
                reports = checker.check_batch(docs)
            except Exception as e:  # noqa: BLE001
                for job in group:
                    job.finish(error=e)
                continue
            if self.on_batch is not None:
                self.on_batch(len(docs), len(group), time.perf_counter() - started)
            i = 0
            for job in group:
                job.finish(reports[i:i + len(job.documents)])
                i += len(job.documents)

    def checker(self, key: tuple) -> Checker:
        """The Checker for a rule set, sharing the server checker's loaded resources."""
        checker = self._checkers.get(key)
        if checker is not None:
            self._checkers.move_to_end(key)
            return checker
        checker = Checker(self.config_for(key))
        for name in sorted({n for r in checker.rules for n in r.needs}):
            checker.ctx.put(name, self.base.ctx.get(name))
        self._checkers[key] = checker
        if len(self._checkers) > MAX_CHECKERS:
            self._checkers.popitem(last=False)
        return checker
