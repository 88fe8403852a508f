"""``mtqa serve``: the checker as a long-running HTTP service (the ``mtqa[serve]`` extra).

The service loads the model once and calls the same :class:`~mtqa.checker.Checker`
API as the CLI; requests from concurrent callers are checked together in one
batch (:mod:`mtqa.serve.batching`).  Modules:

==================  ============================================================
``app``             the Starlette application: routes, errors, access log
``batching``        the micro-batcher: a bounded queue and the one worker thread
``requests``        request bodies → documents and per-request options
``responses``       reports → the ``--format json`` schema with UTF-16 offsets
``languagetool``    the LanguageTool-compatible ``/v2/check`` subset
``offsets``         code point ↔ UTF-16 code unit offsets
``auth``            optional API keys
``metrics``         Prometheus text-format counters and histograms
``settings``        the server's settings (the ``mtqa serve`` flags)
==================  ============================================================

Nothing here is imported by the rest of mtqa; this package imports Starlette
and uvicorn only in ``app`` (see :func:`missing_extra`).
"""

from __future__ import annotations

import importlib

#: The modules the serve extra installs (``pip install 'mtqa[serve]'``).
EXTRA_MODULES = ("starlette", "uvicorn")
INSTALL_HINT = "pip install 'mtqa[serve]'"


def missing_extra() -> str | None:
    """The first module of the serve extra that cannot be imported, or None."""
    for name in EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            return name
    return None
