"""Optional API keys: ``mtqa serve --api-key-file FILE`` (one key per line).

A request presents its key as ``Authorization: Bearer KEY`` or ``X-API-Key:
KEY`` (``/v2/check`` also takes LanguageTool's ``apiKey`` form field).  Keys
are compared with :func:`hmac.compare_digest`, against every key, so the time
taken does not say which key nearly matched.  Without a key file the service
is open: it listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Mapping

MIN_KEY_LENGTH = 16


class KeyFileError(ValueError):
    pass


def load_keys(path: str | Path) -> tuple[bytes, ...]:
    """The keys in ``path``: one per line; blank lines and lines starting with # are skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise KeyFileError(f"--api-key-file {path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    keys = []
    for n, line in enumerate(text.splitlines(), 1):
        key = line.strip()
        if not key or key.startswith("#"):
            continue
        if len(key) < MIN_KEY_LENGTH or any(c.isspace() for c in key):
            raise KeyFileError(f"--api-key-file {path}:{n}: a key is one word of at least {MIN_KEY_LENGTH} characters")
        keys.append(key.encode("utf-8"))
    if not keys:
        raise KeyFileError(f"--api-key-file {path}: no keys in the file")
    return tuple(keys)


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key a request carries in its headers, if any."""
    auth = headers.get("authorization")
    if auth:
        scheme, _, value = auth.strip().partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    key = headers.get("x-api-key")
    return key.strip() if key and key.strip() else None


def is_valid(keys: tuple[bytes, ...], presented: str | None) -> bool:
    if not presented:
        return False
    candidate = presented.encode("utf-8", "replace")
    ok = False
    for key in keys:  # no early exit
        ok |= hmac.compare_digest(key, candidate)
    return ok
