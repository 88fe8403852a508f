"""Run the application under uvicorn on a socket bound here (port 0: a free port,
announced in the ``ready on`` line)."""

from __future__ import annotations

import socket

from mtqa.checker import Checker
from mtqa.serve.settings import Settings


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (OSError when it cannot be had)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP: asyncio then sets TCP_NODELAY on each connection (headers and body are two
    # writes; with Nagle and delayed ACKs every response would wait ~40 ms)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(512)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def run(settings: Settings, checker: Checker, model: str | None, sock: socket.socket) -> None:
    import uvicorn

    from mtqa.serve.app import create_app

    settings.port = sock.getsockname()[1]
    app = create_app(settings, checker, model)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", server_header=False,
                            timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])
