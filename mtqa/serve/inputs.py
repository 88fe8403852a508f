"""Request bodies → documents and per-request options, validated.

A check request is a JSON object with either ``text`` (plain text, checked
exactly as sent: offsets index into that string) or ``document`` plus
``format`` (a wire document read by the CLI's readers: ``nitf``, ``newsml``,
``ninjs``, ``html``, ``jsonl``, ``text``; without ``format`` the reader is
chosen by content).  Options mirror the ``mtqa check`` flags: ``select``,
``ignore`` (codes or prefixes, a list or a comma-separated string),
``severity`` (``{"CODE": "info"}`` or ``["CODE=info"]``), ``fail_on``,
``fluency`` and ``model``.  Anything else — an unknown key, an unknown rule
code, a value of the wrong type — is a 400 with a one-line reason.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from mtqa.config import FAIL_ON, Config
from mtqa.document import Document, FieldSpan
from mtqa.finding import Severity
from mtqa.readers import ReadError, ReadOptions, formats, read_stream, replace_surrogates
from mtqa.serve.errors import bad_request
from mtqa.serve.settings import Settings

OPTION_KEYS = frozenset({"select", "ignore", "severity", "fail_on", "fluency", "model"})
DOCUMENT_KEYS = frozenset({"text", "document", "format", "source", "fields", "source_text", "source_lang"})
MAX_SOURCE = 300  # characters of a caller-given source name


def parse_json(body: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or a 400."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise bad_request(f"body is not valid UTF-8 (byte {e.start})") from None
    if not text.strip():
        raise bad_request("empty body: expected a JSON object")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise bad_request(f"malformed JSON: {e.msg} (line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise bad_request("malformed JSON: nesting too deep") from None
    if not isinstance(data, dict):
        raise bad_request(f"expected a JSON object, got {type(data).__name__}")
    return data


def reject_unknown(data: dict[str, Any], allowed: frozenset[str] | set[str], where: str = "request") -> None:
    unknown = sorted(k for k in data if k not in allowed)
    if unknown:
        raise bad_request(f"{where}: unknown key {unknown[0]!r} (expected: {', '.join(sorted(allowed))})")


# -- options ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckOptions:
    """What a request changes in the server's config (the rule set and the gate)."""

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    severity: tuple[tuple[str, Severity], ...]
    fluency: bool
    fail_on: str

    @property
    def checker_key(self) -> tuple:
        """Requests with the same key are checked by the same Checker, in one batch."""
        return (self.select, self.ignore, self.severity, self.fluency)


def checker_config(base: Config, key: tuple) -> Config:
    select, ignore, severity, fluency = key
    return base.replace(select=list(select), ignore=list(ignore), severity=dict(severity), fluency=fluency)


def _codes(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [x for v in value for x in v.split(",")]
    else:
        raise bad_request(f"{where}: expected a list of rule codes or a comma-separated string")
    codes = [x.strip() for x in items if x.strip()]
    check_codes(where, codes)
    return codes


def check_codes(where: str, selectors: list[str]) -> None:
    """A rule code or prefix that selects no rule is a typo: 400 (as ``mtqa check`` exits 2)."""
    from mtqa.rules import unknown_selector

    message = unknown_selector(where, selectors)
    if message:
        raise bad_request(message)


def _severity(value: Any, base: dict[str, Severity]) -> dict[str, Severity]:
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, (list, str)):
        raw = [value] if isinstance(value, str) else value
        if not all(isinstance(v, str) for v in raw):
            raise bad_request("severity: expected {\"CODE\": \"error|warning|info\"} or [\"CODE=LEVEL\"]")
        items = [tuple(x.partition("=")[::2]) for v in raw for x in v.split(",") if x.strip()]
    else:
        raise bad_request("severity: expected {\"CODE\": \"error|warning|info\"} or [\"CODE=LEVEL\"]")
    out = dict(base)
    for code, level in items:
        if not isinstance(level, str):
            raise bad_request(f"severity {code}: expected error, warning or info")
        check_codes("severity", [code])
        try:
            out[str(code).strip().upper()] = Severity.parse(level)
        except ValueError as e:
            raise bad_request(f"severity {code}: {e}") from None
    return out


def parse_options(data: dict[str, Any], settings: Settings, *, select: list[str] | None = None,
                  fluency: bool | None = None) -> CheckOptions:
    """The options of a request on top of the server's config (as flags on top of a config file).

    ``select``/``fluency`` given here are fixed by the endpoint (``/v1/names``
    checks NAM rules only, ``/v1/fix`` never runs the model).
    """
    base = settings.config
    sel = list(base.select)
    if select is not None:
        sel = select
    elif "select" in data:
        sel = _codes(data["select"], "select")
    ign = list(base.ignore) + (_codes(data["ignore"], "ignore") if "ignore" in data else [])
    sev = _severity(data["severity"], base.severity) if "severity" in data else dict(base.severity)
    fail_on = base.fail_on
    if "fail_on" in data:
        fail_on = data["fail_on"]
        if fail_on not in FAIL_ON:
            raise bad_request(f"fail_on must be one of {', '.join(FAIL_ON)}")
    flu = base.fluency
    if "fluency" in data:
        if not isinstance(data["fluency"], bool):
            raise bad_request("fluency: expected true or false")
        flu = data["fluency"]
        if flu and not base.fluency:
            raise bad_request("fluency: this server runs without the language model (started with --no-fluency)")
    if "model" in data:
        model = data["model"]
        if not isinstance(model, str):
            raise bad_request("model: expected a model name")
        if not base.fluency:
            raise bad_request("model: this server runs without the language model (started with --no-fluency)")
        if model not in settings.model_names:
            loaded = min(settings.model_names, key=len) if settings.model_names else "?"
            raise bad_request(f"model: this server runs {loaded}; start a server with --model {model} to use it")
    if fluency is not None:
        flu = fluency and flu
    return CheckOptions(tuple(sel), tuple(ign), tuple(sorted(sev.items())), flu, fail_on)


# -- documents -------------------------------------------------------------------------------------

def read_documents(item: Any, settings: Settings, default_source: str, where: str = "request") -> list[Document]:
    """The documents of one request item (``text`` or ``document``+``format``); a 400 if unreadable."""
    if not isinstance(item, dict):
        raise bad_request(f"{where}: expected a JSON object with \"text\" or \"document\"")
    source = item.get("source", default_source)
    original = None
    if isinstance(source, dict):  # {"text": the original, "lang": "ru"}: the source-aware checks read it
        original = _original(source.get("text"), source.get("lang"), where, settings, "source")
        reject_unknown(source, {"text", "lang"}, f"{where}: source")
        source = default_source
    elif "source_text" in item:
        original = _original(item["source_text"], item.get("source_lang"), where, settings, "source_text")
    elif "source_lang" in item:
        raise bad_request(f"{where}: source_lang needs source_text (the original)")
    if not isinstance(source, str) or not source or len(source) > MAX_SOURCE:
        raise bad_request(f"{where}: source must be a document name (a non-empty string of at most {MAX_SOURCE} "
                          f"characters) or the original as {{\"text\": ..., \"lang\": ...}}")
    has_text, has_doc = "text" in item, "document" in item
    if has_text == has_doc:
        raise bad_request(f"{where}: give either \"text\" (plain text) or \"document\" (with \"format\")")
    fmt = item.get("format")
    if fmt is not None and (not isinstance(fmt, str) or fmt not in formats()):
        raise bad_request(f"{where}: unknown format {fmt!r} (choose from {', '.join(formats())})")
    fields = item.get("fields")
    if fields is not None and not (isinstance(fields, list) and all(isinstance(f, str) for f in fields)):
        raise bad_request(f"{where}: fields must be a list of field names")
    value = item["text" if has_text else "document"]
    if not isinstance(value, str):
        raise bad_request(f"{where}: {'text' if has_text else 'document'} must be a string")
    value = replace_surrogates(value)
    limit = settings.config.max_bytes
    if has_text and (fmt in (None, "text")):
        doc = _plain(value, source, where, limit)
        doc.original = original
        return [doc]
    opts = ReadOptions(input_format=fmt, fields=fields or list(settings.config.fields), max_bytes=limit)
    stream = io.BufferedReader(io.BytesIO(value.encode("utf-8")))
    docs: list[Document] = []
    for got in read_stream(stream, source, opts, fmt):
        if isinstance(got, ReadError):
            raise bad_request(f"{where}: {got.message}")
        docs.append(got)
    if not docs:
        raise bad_request(f"{where}: no document to check")
    for d in docs:
        if d.original is None:
            d.original = original
    return docs


def _original(text, lang, where: str, settings: Settings, key: str):
    """The original a request gives (``source_text``, or ``source.text``), with its language."""
    from mtqa.source import Original

    if not isinstance(text, str) or not text.strip():
        raise bad_request(f"{where}: {key}: the original must be a non-empty string")
    if "\x00" in text:
        raise bad_request(f"{where}: {key}: the original contains NUL characters")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > settings.config.max_bytes:
        raise bad_request(f"{where}: {key}: the original is too large: {size:,} bytes exceeds the limit of "
                          f"{settings.config.max_bytes:,}")
    if lang is not None and (not isinstance(lang, str) or not lang.isalpha() or len(lang) not in (2, 3)):
        raise bad_request(f"{where}: source_lang: expected a language code such as ru or uk")
    return Original(replace_surrogates(text), lang=lang.lower() if lang else None, name="request")


def _plain(text: str, source: str, where: str, limit: int) -> Document:
    """Plain text checked exactly as sent (no BOM stripped): offsets index into the caller's string."""
    if not text.strip():
        raise bad_request(f"{where}: empty text: nothing to check")
    if "\x00" in text:
        raise bad_request(f"{where}: text contains NUL characters")
    size = len(text.encode("utf-8"))
    if size > limit:
        raise bad_request(f"{where}: text too large: {size:,} bytes exceeds the limit of {limit:,}")
    return Document(source=source, text=text, fields=[FieldSpan("text", 0, len(text))])


def request_documents(data: dict[str, Any], settings: Settings, batch: bool) -> list[list[Document]]:
    """Documents per request item: one item for ``/v1/check``, ``documents[]`` for the batch."""
    if not batch:
        return [read_documents(data, settings, "<request>")]
    items = data.get("documents")
    if not isinstance(items, list) or not items:
        raise bad_request("documents: expected a non-empty list of {\"text\": ...} or {\"document\": ..., \"format\": ...}")
    out = []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            reject_unknown(item, DOCUMENT_KEYS, f"documents[{i}]")
        out.append(read_documents(item, settings, f"<request:{i + 1}>", f"documents[{i}]"))
    return out
