"""ninjs — IPTC's news in JSON — 1.x, 2.x and 3.x; also plain article JSON.

* headline: 2.x/3.x ``headlines[]`` (the item with role ``main``, else one
  without a role, else the first); 1.x ``headline``; else ``title``;
* body: 2.x/3.x ``bodies[]`` — the ``main`` (or role-less) body first, plain
  text before HTML — with ``contenttype`` (2.x) or ``contentType`` (3.x)
  ``text/plain`` kept as it is, ``text/html``/``application/xhtml+xml``
  read as HTML (markup stripped, paragraphs kept); 1.x ``body_text``, else
  ``body_html``/``body_xhtml``; else ``body``/``text``;
* hints: ``people``/``organisations``/``places`` (2.x/3.x) or
  ``person``/``organisation``/``place`` (1.x) names, without positions;
* language: ``language``.

``--field NAME`` (repeatable) reads those top-level string properties
instead.  A file holding a JSON array yields one document per element
(``record`` = 1-based index).  Lines and columns point into the JSON file,
escapes (``\\"``, ``\\u00e9``, ``\\n``) accounted for.
"""

from __future__ import annotations

import json
import re
from typing import Any, BinaryIO, Iterator

from mtqa.document import EntityHint
from mtqa.readers import (Item, ReadError, ReadOptions, Reader, decode, parse_json, read_limited, register,
                          replace_surrogates)
from mtqa.readers._xml import Chunk, TextBuilder, line_starts, table_translate

HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xhtml", "text/xhtml")
HINT_KEYS = {"people": "person", "person": "person", "organisations": "organisation", "organisation": "organisation",
             "places": "place", "place": "place"}
_NINJS_KEYS = (b'"headline"', b'"headlines"', b'"body_text"', b'"body_html"', b'"bodies"')
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+', re.S)

Path = tuple


def string_tables(text: str, wanted: set[Path]) -> dict[Path, list[int]]:
    """For JSON string values at the ``wanted`` paths: decoded index -> file offset
    (one extra entry for the end).  Of a key an object repeats, the last
    occurrence counts, as in :func:`json.loads`."""
    from mtqa.readers.jsonl import _scan_string

    out: dict[Path, list[int]] = {}
    stack: list[list] = []  # [kind, key or index, expecting a key]
    if not wanted:
        return out
    for m in _TOKEN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c == "{":
            stack.append(["o", None, True])
        elif c == "[":
            stack.append(["a", 0, False])
        elif c in "}]":
            if stack:
                stack.pop()
        elif c == ",":
            if stack:
                if stack[-1][0] == "o":
                    stack[-1][2] = True
                else:
                    stack[-1][1] += 1
        elif c == '"':
            if stack and stack[-1][0] == "o" and stack[-1][2]:
                try:
                    stack[-1][1] = json.loads(tok)
                except ValueError:
                    stack[-1][1] = tok[1:-1]
                stack[-1][2] = False
                continue
            path = tuple(f[1] for f in stack)
            if path in wanted:
                # no early exit: a key given twice holds the value json.loads keeps, the last one
                _, table, _ = _scan_string(text, m.start())
                out[path] = table
    return out


def _is_html(ctype: Any) -> bool:
    return isinstance(ctype, str) and ctype.split(";")[0].strip().lower() in HTML_TYPES


def pick(obj: dict[str, Any], wanted_fields: list[str]) -> list[tuple[str, Path, str]]:
    """[(field name, JSON path, "plain"|"html")] in document order."""
    if wanted_fields:
        return [(f, (f,), "plain") for f in wanted_fields if isinstance(obj.get(f), str) and obj[f].strip()]
    out: list[tuple[str, Path, str]] = []
    heads = obj.get("headlines")
    if isinstance(heads, list):
        cands = [(i, h) for i, h in enumerate(heads)
                 if isinstance(h, dict) and isinstance(h.get("value"), str) and h["value"].strip()]
        cands.sort(key=lambda ih: (ih[1].get("role") != "main", "role" in ih[1], ih[0]))
        if cands:
            i, h = cands[0]
            out.append(("headline", ("headlines", i, "value"),
                        "html" if _is_html(h.get("contenttype", h.get("contentType"))) else "plain"))
    if not out:
        for key in ("headline", "title"):
            if isinstance(obj.get(key), str) and obj[key].strip():
                out.append(("headline", (key,), "plain"))
                break
    bodies = obj.get("bodies")
    body = None
    if isinstance(bodies, list):
        cands = []
        for i, bd in enumerate(bodies):
            if isinstance(bd, dict) and isinstance(bd.get("value"), str) and bd["value"].strip():
                html = _is_html(bd.get("contenttype", bd.get("contentType")))
                cands.append(((bd.get("role") not in (None, "main"), html, i), i, html))
        if cands:
            _, i, html = min(cands)
            body = ("body", ("bodies", i, "value"), "html" if html else "plain")
    if body is None:
        for key, kind in (("body_text", "plain"), ("body_html", "html"), ("body_xhtml", "html"),
                          ("body", "plain"), ("text", "plain")):
            if isinstance(obj.get(key), str) and obj[key].strip():
                body = ("body", (key,), kind)
                break
    if body is not None:
        out.append(body)
    return out


def _get(obj: Any, path: Path) -> Any:
    for k in path:
        obj = obj[k]
    return obj


def hints(obj: dict[str, Any]) -> list[EntityHint]:
    out: list[EntityHint] = []
    for key, type_ in HINT_KEYS.items():
        items = obj.get(key)
        if not isinstance(items, list):
            continue
        for it in items:
            name = it.get("name") if isinstance(it, dict) else it if isinstance(it, str) else None
            if isinstance(name, str) and name.strip():
                out.append(EntityHint(" ".join(name.split()), type_))
    return out


def is_ninjs(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    schema = obj.get("$schema")
    if isinstance(schema, str) and "ninjs" in schema:
        return True
    return "uri" in obj and any(k in obj for k in ("headline", "headlines", "body_text", "body_html", "bodies"))


@register
class NinjsReader(Reader):
    name = "ninjs"
    extensions = (".ninjs",)
    sniff_extensions = (".json",)
    sniff_order = 10  # before jsonl: a one-line ninjs object also looks like JSON Lines
    description = "ninjs 1.x/2.x/3.x JSON (headline(s), body_text/body_html or bodies[]); other article JSON"

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        h = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not h.startswith((b"{", b"[")):
            return False
        if b'"$schema"' in h and b"ninjs" in h:
            return True
        return b'"uri"' in h and any(k in h for k in _NINJS_KEYS)

    def read(self, stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Item]:
        text = decode(read_limited(stream, options), source, options)
        if not isinstance(text, str):
            yield text
            return
        data = parse_json(text, source)
        if isinstance(data, ReadError):
            yield data
            return
        if isinstance(data, dict):
            items, multi = [data], False
        elif isinstance(data, list):
            items, multi = data, True
        else:
            yield ReadError(source, f"expected a JSON object (ninjs), got {type(data).__name__}")
            return
        plans = []
        wanted: set[Path] = set()
        for index, obj in enumerate(items):
            prefix: Path = (index,) if multi else ()
            if not isinstance(obj, dict):
                plans.append((index, None, prefix))
                continue
            chosen = pick(obj, options.fields)
            plans.append((index, chosen, prefix))
            wanted.update(prefix + path for _, path, _ in chosen)
        tables = string_tables(text, wanted)
        lines = line_starts(text)
        where = (lambda i: f"{source}:{i + 1}") if multi else (lambda i: source)
        for index, chosen, prefix in plans:
            obj = items[index]
            if chosen is None:
                yield ReadError(where(index), f"expected a JSON object, got {type(obj).__name__}")
                continue
            if not chosen:
                want = ", ".join(options.fields) if options.fields else \
                    "headlines/headline/title, bodies/body_text/body_html/body/text"
                yield ReadError(where(index), f"no text field found (looked for: {want}; use --field)")
                continue
            b = TextBuilder()
            for name, path, kind in chosen:
                value = replace_surrogates(_get(obj, path))
                table = tables.get(prefix + path) or [0] * (len(value) + 1)
                b.begin_field(name)
                if kind == "html":
                    from mtqa.readers.html import emit_html_string

                    emit_html_string(b, value, table_translate(table))
                else:
                    b.translate = table_translate(table)
                    b.add_plain([Chunk(value, 0, True)])
                    b.translate = None
                b.end_field()
            b.meta_hints.extend(hints(obj))
            lang = obj.get("language") if isinstance(obj.get("language"), str) else None
            doc = b.build(source, lines, record=index + 1 if multi else None, lang=lang)
            if not doc.text.strip():
                yield ReadError(where(index), "no text to check")
                continue
            from mtqa.readers.jsonl import original_of

            doc.original = original_of(obj, options)
            yield doc
