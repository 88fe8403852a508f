"""``mtqa serve``: run the checker as an HTTP service (needs the ``mtqa[serve]`` extra)."""

from __future__ import annotations

import os
import sys
from typing import List, Optional

import typer

from mtqa.cli import CONFIG_HELP, HOUSE_STYLE_HELP, MODEL_HELP, _die, app, build_config

WARM_UP_TEXT = "The minister said on Monday that the talks in Geneva would resume next week."


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8080, "--port", help="Port to listen on (0: any free port, shown in the ready line)."),
    workers_batch: int = typer.Option(32, "--workers-batch", help="Most documents the worker checks in one batch (one model batch across concurrent requests)."),
    batch_wait_ms: float = typer.Option(5.0, "--batch-wait-ms", help="How long the worker waits for more requests to join a batch."),
    queue: int = typer.Option(64, "--queue", help="Requests that may wait for the checker; one more is answered 503 with Retry-After."),
    timeout: float = typer.Option(60.0, "--timeout", help="Seconds a request may take, waiting included; then 504."),
    max_body: int = typer.Option(1_048_576, "--max-body", help="Largest request body in bytes; a larger one is answered 413."),
    api_key_file: Optional[str] = typer.Option(None, "--api-key-file", help="File with one API key per line: requests must send one (Authorization: Bearer KEY or X-API-Key)."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="One stderr line per request: method, route, status, time (never text)."),
    config: Optional[str] = typer.Option(None, "--config", help=CONFIG_HELP),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Rule codes or prefixes the server runs by default."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Rule codes or prefixes the server skips by default."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Default gate: error | warning | info | never."),
    allow: Optional[List[str]] = typer.Option(None, "--allow", help="Accepted word or name (repeatable)."),
    gazetteer: Optional[List[str]] = typer.Option(None, "--gazetteer", help="Extra gazetteer file (repeatable)."),
    house_style: Optional[List[str]] = typer.Option(None, "--house-style", help=HOUSE_STYLE_HELP),
    fluency: Optional[bool] = typer.Option(None, "--fluency/--no-fluency", help="Load the language model for the fluency rules."),
    model: Optional[str] = typer.Option(None, "--model", help=MODEL_HELP),
    device: Optional[str] = typer.Option(None, "--device", help="auto | cpu | cuda"),
    precision: Optional[str] = typer.Option(None, "--precision", help="CPU matrix products: auto | fp32 | bf16."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", help="Largest document accepted, in bytes (default 10 MB)."),
    threads: Optional[int] = typer.Option(None, "--threads", help="CPU threads for the model (default: one per physical core, or OMP_NUM_THREADS); fewer leaves a core to the HTTP side."),
) -> None:
    """Serve the checks over HTTP: /v1/check, /v1/check/batch, /v1/names, /v1/fix, a
    LanguageTool-compatible /v2/check, /health and /metrics.  The model is loaded once;
    concurrent requests are checked together in one batch."""
    from mtqa.serve import INSTALL_HINT, missing_extra

    missing = missing_extra()
    if missing:
        raise _die(f"mtqa serve needs the serve extra ({missing} is not installed): {INSTALL_HINT}")
    from mtqa.checker import Checker
    from mtqa.fluency import FluencyError
    from mtqa.serve.auth import KeyFileError, load_keys
    from mtqa.serve.server import bind, run
    from mtqa.serve.settings import Settings

    for name, value, low in (("--workers-batch", workers_batch, 1), ("--queue", queue, 1), ("--max-body", max_body, 1),
                             ("--port", port, 0)):
        if value < low:
            raise _die(f"{name} must be at least {low}")
    if timeout <= 0 or batch_wait_ms < 0:
        raise _die("--timeout must be positive and --batch-wait-ms not negative")
    if threads is not None:
        if threads < 1:
            raise _die("--threads must be at least 1")
        # read by torch when it starts (it is not imported yet), and by the engine, which then keeps it
        os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(threads)
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(threads)
    cfg = build_config(config, select, ignore, None, fail_on, allow, gazetteer, fluency, model, device, max_bytes,
                       None, house_style, precision)
    keys: tuple[bytes, ...] = ()
    if api_key_file:
        try:
            keys = load_keys(api_key_file)
        except KeyFileError as e:
            raise _die(str(e))
    if not keys and host not in ("127.0.0.1", "::1", "localhost"):
        sys.stderr.write(f"mtqa serve: warning: listening on {host} without --api-key-file: anyone who can reach "
                         "it can use it\n")
    try:
        sock = bind(host, port)
    except OSError as e:
        raise _die(f"cannot listen on {host}:{port}: {e.strerror or e}")
    checker = Checker(cfg)
    try:  # load the gazetteer and the model now, not on the first request
        checker.check_text(WARM_UP_TEXT, source="<warm-up>")
    except FluencyError as e:
        sock.close()
        raise _die(str(e))
    loaded = None
    names: set[str] = set()
    if any("fluency" in r.needs for r in checker.rules):
        loaded = checker.ctx.get("fluency").model_name
        names = {loaded} | ({cfg.model} if cfg.model else set())
    settings = Settings(config=cfg, host=host, port=port, batch_documents=workers_batch, batch_wait_ms=batch_wait_ms,
                        queue=queue, timeout=timeout, max_body=max_body, api_keys=keys, access_log=access_log,
                        model_names=frozenset(names))
    run(settings, checker, loaded, sock)
