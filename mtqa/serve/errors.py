"""Errors a request can end in: an HTTP status and a one-line reason."""

from __future__ import annotations

from mtqa.readers import one_line


class RequestError(Exception):
    """A request the service refuses: ``status`` (4xx/5xx) and a one-line ``reason``.

    The reason is written for the caller; it may quote option values the
    caller sent (a rule code) but never the document's text.
    """

    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None):
        self.status = status
        self.reason = one_line(reason, limit=300)
        self.headers = headers or {}
        super().__init__(self.reason)


def bad_request(reason: str) -> RequestError:
    return RequestError(400, reason)
