"""The HTTP application (Starlette): routes, limits, errors and the access log.

==========================  ====================================================
``POST /v1/check``          one request item → the ``--format json`` object
``POST /v1/check/batch``    ``{"documents": [...]}`` → the same, one entry each
``POST /v1/names``          the corrected-names report (``mtqa names --format json``)
``POST /v1/fix``            the fixed text and its edits (``mtqa fix``)
``POST /v2/check``          LanguageTool's check (:mod:`mtqa.serve.languagetool`)
``GET /v2/languages``       LanguageTool's language list
``GET /health``             liveness: 200 once the model is loaded
``GET /metrics``            Prometheus text format (:mod:`mtqa.serve.metrics`)
==========================  ====================================================

Limits: a body over ``max_body`` bytes → 413; a full queue → 503 with
``Retry-After``; a request not answered within ``timeout`` seconds → 504;
malformed input → 400 with a one-line reason (``{"error": "..."}``; plain
text on ``/v2``, as LanguageTool).  With API keys, every route but
``/health`` and ``/v2/languages`` needs one (401).  The access log (stderr)
has method, route, status and time — never a query string, a body or
anything of the document.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from mtqa import __version__
from mtqa.checker import Checker
from mtqa.serve import auth, inputs, languagetool, responses
from mtqa.serve.batching import Abandoned, MicroBatcher, QueueFull
from mtqa.serve.errors import RequestError, bad_request
from mtqa.serve.metrics import Metrics
from mtqa.serve.settings import Settings

JSON = "application/json"
PUBLIC = frozenset({"/health", "/v2/languages"})
MAX_FORM_FIELDS = 100


class Service:
    """What the routes share: settings, the batcher, the metrics."""

    def __init__(self, settings: Settings, checker: Checker, model: str | None):
        self.settings = settings
        self.model = model
        self.metrics = Metrics(queue_depth=lambda: self.batcher.depth)
        self.batcher = MicroBatcher(checker, lambda key: inputs.checker_config(settings.config, key),
                                    max_documents=settings.batch_documents, wait_ms=settings.batch_wait_ms,
                                    max_queue=settings.queue, on_batch=self.metrics.batch)
        self.started = time.time()

    async def check(self, key: tuple, documents: list) -> list:
        return await asyncio.wait_for(self.batcher.check(key, documents), self.settings.timeout)

    async def call(self, key: tuple, fn: Callable[[Checker], Any]) -> Any:
        return await asyncio.wait_for(self.batcher.call(key, fn), self.settings.timeout)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise bad_request("invalid Content-Length")
        if int(declared) > limit:
            raise RequestError(413, f"body too large: {int(declared):,} bytes exceeds the limit of {limit:,} (--max-body)")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise RequestError(413, f"body too large: over the limit of {limit:,} bytes (--max-body)")
            chunks.append(chunk)
    except ClientDisconnect:
        raise bad_request("client disconnected before the body was read") from None
    return b"".join(chunks)


def require_json(content_type: str | None) -> None:
    """A /v1 body is parsed as JSON only when it says it is JSON (``application/json`` or a
    ``+json`` type, any charset parameter of UTF-8): anything else, or no Content-Type, is a 415."""
    media, _, params = (content_type or "").partition(";")
    media = media.strip().lower()
    if not (media == "application/json" or (media.startswith("application/") and media.endswith("+json"))):
        got = f"Content-Type {media!r}" if media else "no Content-Type"
        raise RequestError(415, f"unsupported media type ({got}): send the body as JSON with "
                                "Content-Type: application/json")
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise RequestError(415, f"unsupported charset {value.strip()!r}: send JSON in UTF-8")


def _json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(responses.body(obj), status_code=status, media_type=JSON, headers=headers)


def _error(status: int, reason: str, plain: bool, headers: dict[str, str] | None = None) -> Response:
    if plain:  # LanguageTool answers errors in plain text
        return Response(f"Error: {reason}\n", status_code=status, media_type="text/plain", headers=headers)
    return _json({"error": reason}, status, headers)


def create_app(settings: Settings, checker: Checker, model: str | None = None) -> Starlette:
    """The application around a ready Checker (its model already loaded)."""
    svc = Service(settings, checker, model)

    def endpoint(fn: Callable[[Request], Awaitable[Response]], *, plain_errors: bool = False,
                 own_auth: bool = False) -> Callable[[Request], Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            try:
                if settings.api_keys and not own_auth and request.url.path not in PUBLIC:
                    require_key(request.headers)
                return await fn(request)
            except RequestError as e:
                return _error(e.status, e.reason, plain_errors, e.headers)
            except QueueFull:
                return _error(503, f"busy: {settings.queue} requests already waiting; retry shortly", plain_errors,
                              {"Retry-After": "1"})
            except (asyncio.TimeoutError, TimeoutError):
                return _error(504, f"not checked within {settings.timeout:g} s (--timeout)", plain_errors)
            except Abandoned:
                return _error(503, "the server is shutting down", plain_errors, {"Retry-After": "5"})
            except Exception as e:  # noqa: BLE001 - the type only: a message may quote the document
                _log(f"mtqa serve: error: {request.method} {request.url.path}: {type(e).__name__}")
                return _error(500, f"internal error ({type(e).__name__})", plain_errors)

        return handle

    def require_key(headers, form_key: str | None = None) -> None:
        presented = auth.presented_key(headers) or form_key
        if not auth.is_valid(settings.api_keys, presented):
            why = "missing API key" if not presented else "invalid API key"
            raise RequestError(401, f"{why}: send Authorization: Bearer KEY or X-API-Key: KEY",
                               {"WWW-Authenticate": 'Bearer realm="mtqa"'})

    async def json_body(request: Request) -> dict[str, Any]:
        require_json(request.headers.get("content-type"))
        return inputs.parse_json(await read_body(request, settings.max_body))

    # -- /v1 -----------------------------------------------------------------------------------------
    async def check(request: Request) -> Response:
        data = await json_body(request)
        inputs.reject_unknown(data, inputs.DOCUMENT_KEYS | inputs.OPTION_KEYS)
        opts = inputs.parse_options(data, settings)
        (docs,) = inputs.request_documents(data, settings, batch=False)
        reports = await svc.check(opts.checker_key, docs)
        return _json(responses.check_json(reports, opts.fail_on))

    async def check_batch(request: Request) -> Response:
        data = await json_body(request)
        inputs.reject_unknown(data, inputs.OPTION_KEYS | {"documents"})
        opts = inputs.parse_options(data, settings)
        docs = [d for item in inputs.request_documents(data, settings, batch=True) for d in item]
        reports = await svc.check(opts.checker_key, docs)
        return _json(responses.check_json(reports, opts.fail_on))

    async def names(request: Request) -> Response:
        from mtqa.commands.names import collect

        data = await json_body(request)
        inputs.reject_unknown(data, inputs.DOCUMENT_KEYS | {"documents", "min_confidence"})
        min_conf = _confidence(data, "min_confidence", 0.0)
        opts = inputs.parse_options({}, settings, select=["NAM"], fluency=False)
        if "documents" in data:
            if inputs.DOCUMENT_KEYS & data.keys():
                raise bad_request("give either documents[] or one document, not both")
            docs = [d for item in inputs.request_documents(data, settings, batch=True) for d in item]
        else:
            (docs,) = inputs.request_documents(data, settings, batch=False)
        reports = await svc.check(opts.checker_key, docs)
        for rep in reports:
            rep.findings = [f for f in rep.findings if f.code == "NAM002" or f.confidence >= min_conf]
        report = collect(reports)
        return _json({"schema": "mtqa-names/1", **report, "documents": len(reports)})

    async def fix(request: Request) -> Response:
        from mtqa.fix import fix_text

        data = await json_body(request)
        if "document" in data:
            raise bad_request("only plain text can be fixed: send {\"text\": ...} (wire documents are not rewritten)")
        inputs.reject_unknown(data, {"text", "source", "min_confidence", "select", "ignore"})
        min_conf = _confidence(data, "min_confidence", 0.8)
        opts = inputs.parse_options({k: data[k] for k in ("select", "ignore") if k in data}, settings, fluency=False)
        (docs,) = inputs.request_documents({k: data[k] for k in ("text", "source") if k in data}, settings,
                                           batch=False)
        doc = docs[0]
        if doc.text.lstrip("\ufeff \t\r\n").startswith(("{", "<")):  # as `mtqa fix` refuses such files
            raise bad_request("only plain text can be fixed: this looks like JSON or markup, which fix would break")
        fixed, edits = await svc.call(opts.checker_key,
                                      lambda checker: fix_text(doc.text, checker, min_conf, source=doc.source))
        return _json(responses.fix_json(doc.text, fixed, edits, doc.source))

    # -- /v2 (LanguageTool) --------------------------------------------------------------------------
    async def lt_check(request: Request) -> Response:
        raw = await read_body(request, settings.max_body)
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if raw and ctype and ctype != "application/x-www-form-urlencoded":
            raise bad_request("send the fields as application/x-www-form-urlencoded")
        try:
            pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
        except UnicodeDecodeError:
            raise bad_request("body is not valid UTF-8") from None
        except ValueError:
            raise bad_request(f"too many form fields (at most {MAX_FORM_FIELDS})") from None
        form = dict(request.query_params)
        form.update(pairs)
        if settings.api_keys:
            require_key(request.headers, form.get("apiKey"))
        req = languagetool.parse_check(form, settings)
        (report,) = await svc.check(req.options.checker_key, [req.document])
        return _json(languagetool.check_json(report, req))

    async def lt_languages(request: Request) -> Response:
        return _json(languagetool.languages_json())

    # -- operations ----------------------------------------------------------------------------------
    async def health(request: Request) -> Response:
        return _json({"status": "ok", "mtqa": __version__, "model": svc.model,
                      "fluency": settings.config.fluency, "queue": svc.batcher.depth,
                      "uptime_s": round(time.time() - svc.started, 1)})

    async def metrics(request: Request) -> Response:
        return Response(svc.metrics.render(), media_type=Metrics.CONTENT_TYPE)

    routes = [
        Route("/v1/check", endpoint(check), methods=["POST"]),
        Route("/v1/check/batch", endpoint(check_batch), methods=["POST"]),
        Route("/v1/names", endpoint(names), methods=["POST"]),
        Route("/v1/fix", endpoint(fix), methods=["POST"]),
        Route("/v2/check", endpoint(lt_check, plain_errors=True, own_auth=True), methods=["POST"]),
        Route("/v2/languages", endpoint(lt_languages, plain_errors=True), methods=["GET"]),
        Route("/health", endpoint(health), methods=["GET"]),
        Route("/metrics", endpoint(metrics), methods=["GET"]),
    ]
    known = frozenset(r.path for r in routes)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        svc.batcher.start()
        _log(f"mtqa serve: ready on http://{_host(settings.host)}:{settings.port} "
             f"({'model ' + svc.model if svc.model else 'rules only, no model'}; batches of up to "
             f"{settings.batch_documents} documents, queue {settings.queue}, timeout {settings.timeout:g} s"
             f"{', API keys required' if settings.api_keys else ''})")
        try:
            yield
        finally:
            svc.batcher.stop()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.service = svc
    return AccessLog(app, svc.metrics, known, settings.access_log)


class AccessLog:
    """ASGI middleware: count and time every request, and log one line per request
    (method, route, status, milliseconds) — a path that is not a route is logged as ``-``."""

    def __init__(self, app, metrics: Metrics, known: frozenset[str], log: bool):
        self.app, self.metrics, self.known, self.log = app, metrics, known, log

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def send_status(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            seconds = time.perf_counter() - started
            path = scope.get("path", "")
            route = path if path in self.known else "-"
            self.metrics.request(route if route != "-" else "other", status[0], seconds)
            if self.log:
                _log(f"{scope.get('method', '-')} {route} {status[0]} {seconds * 1000:.1f}ms")


def _confidence(data: dict[str, Any], key: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise bad_request(f"{key} must be a number between 0 and 1")
    return float(value)


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _log(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
