"""The server's settings: what the ``mtqa serve`` flags set."""

from __future__ import annotations

from dataclasses import dataclass, field

from mtqa.config import Config

DEFAULT_MAX_BODY = 1_048_576  # bytes
DEFAULT_QUEUE = 64  # requests waiting for the checker
DEFAULT_BATCH = 32  # documents per checker batch
DEFAULT_BATCH_WAIT_MS = 5.0
DEFAULT_TIMEOUT = 60.0  # seconds per request


@dataclass
class Settings:
    config: Config = field(default_factory=Config)
    host: str = "127.0.0.1"
    port: int = 8080
    batch_documents: int = DEFAULT_BATCH  # --workers-batch: most documents the worker checks in one batch
    batch_wait_ms: float = DEFAULT_BATCH_WAIT_MS  # how long the worker waits for more requests to join a batch
    queue: int = DEFAULT_QUEUE  # requests that may wait; one more gets 503
    timeout: float = DEFAULT_TIMEOUT  # seconds a request may take, queue included; then 504
    max_body: int = DEFAULT_MAX_BODY  # bytes; a larger body gets 413
    api_keys: tuple[bytes, ...] = ()  # empty: no authentication
    access_log: bool = True
    #: names a request may give as "model": the ones that name the loaded model
    model_names: frozenset[str] = frozenset()
