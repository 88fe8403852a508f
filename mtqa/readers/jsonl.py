"""JSON Lines: one article object per line.

The text fields are chosen with ``--field`` (repeatable, in order) or, by
default, the first present of each group: headline ``headline``/``title``,
then body ``body``/``body_text``/``text``.  The headline and the body are
joined with a blank line, so the headline is its own paragraph.  Positions
point into the original file: the line is the JSONL line, the column is the
column of the character inside the raw JSON string (escapes accounted for).
Lines are streamed, so memory does not grow with the file.
"""

from __future__ import annotations

import bisect
from typing import Any, BinaryIO, Iterator

from mtqa.document import Document, FieldSpan
from mtqa.readers import Item, ReadError, ReadOptions, Reader, parse_json, register, replace_surrogates

HEADLINE_FIELDS = ("headline", "title")
BODY_FIELDS = ("body", "body_text", "text")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


@register
class JsonlReader(Reader):
    name = "jsonl"
    extensions = (".jsonl", ".ndjson")
    description = "JSON Lines, one article object per line (--field picks the text fields)"

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].strip()
        return first.startswith(b"{") and first.endswith(b"}")

    def read(self, stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Item]:
        seen_any = False
        for lineno, raw in enumerate(stream, start=1):
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            where = f"{source}:{lineno}"
            if not raw.strip():
                continue
            seen_any = True
            if len(raw) > options.max_bytes:
                yield ReadError(where, f"record too large: {len(raw):,} bytes exceeds --max-bytes {options.max_bytes:,}")
                continue
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as e:
                yield ReadError(where, f"not valid UTF-8 at byte {e.start} of the line")
                continue
            obj = parse_json(line, where, one_line=True)
            if isinstance(obj, ReadError):
                yield obj
                continue
            if not isinstance(obj, dict):
                yield ReadError(where, f"expected a JSON object, got {type(obj).__name__}")
                continue
            doc = build_document(obj, line, source, lineno, options.fields)
            if isinstance(doc, str):
                yield ReadError(where, doc)
            else:
                doc.original = original_of(obj, options)
                yield doc
        if not seen_any:
            yield ReadError(source, "empty file: no JSON records")


def original_of(obj: dict[str, Any], options: ReadOptions):
    """The record's original (its ``source`` field...), or None: :mod:`mtqa.source.pairing`."""
    if not any(isinstance(obj.get(f), str) for f in options.source_fields):
        return None
    from mtqa.source.pairing import from_field

    return from_field(obj, options)


def pick_fields(obj: dict[str, Any], wanted: list[str]) -> list[str]:
    if wanted:
        return [f for f in wanted if isinstance(obj.get(f), str) and obj[f].strip()]
    out = []
    for group in (HEADLINE_FIELDS, BODY_FIELDS):
        for f in group:
            if isinstance(obj.get(f), str) and obj[f].strip():
                out.append(f)
                break
    return out


def build_document(obj: dict[str, Any], line: str, source: str, lineno: int, wanted: list[str]) -> "Document | str":
    names = pick_fields(obj, wanted)
    if not names:
        want = ", ".join(wanted or HEADLINE_FIELDS + BODY_FIELDS)
        return f"no text field found (looked for: {want}; use --field)"
    raw_maps = string_maps(line, set(names))
    parts: list[str] = []
    fields: list[FieldSpan] = []
    pos = 0
    for name in names:
        if parts:
            parts.append("\n\n")
            pos += 2
        value = replace_surrogates(obj[name])
        fields.append(FieldSpan(name, pos, pos + len(value)))
        parts.append(value)
        pos += len(value)
    text = "".join(parts)
    starts = [f.start for f in fields]

    def origin(offset: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(starts, offset) - 1)
        f = fields[i]
        table = raw_maps.get(f.name)
        if not table:
            return lineno, 1
        k = min(max(offset - f.start, 0), len(table) - 1)
        return lineno, table[k] + 1

    return Document(source=source, text=text, record=lineno, fields=fields, origin=origin)


def string_maps(line: str, keys: set[str]) -> dict[str, list[int]]:
    """For top-level string values of ``keys``: decoded index -> raw column (0-based).

    Each table has one extra entry for the end of the string.
    """
    out: dict[str, list[int]] = {}
    n = len(line)
    i = 0
    depth = 0
    expect_key = False
    last_key: str | None = None
    while i < n:
        c = line[i]
        if c in "{[":
            depth += 1
            expect_key = c == "{" and depth == 1
            i += 1
        elif c in "}]":
            depth -= 1
            i += 1
        elif c == ",":
            expect_key = depth == 1
            i += 1
        elif c == '"':
            value, table, i = _scan_string(line, i)
            if depth == 1 and expect_key:
                last_key = value
                expect_key = False
            elif depth == 1 and last_key in keys:
                out[last_key] = table  # a repeated key: the last value counts, as in json.loads
        else:
            i += 1
    return out


def _scan_string(line: str, i: int) -> tuple[str, list[int], int]:
    """Decode the JSON string starting at line[i] == '"'."""
    chars: list[str] = []
    table: list[int] = []
    j = i + 1
    n = len(line)
    while j < n:
        c = line[j]
        if c == '"':
            table.append(j)
            return "".join(chars), table, j + 1
        if c == "\\" and j + 1 < n:
            e = line[j + 1]
            if e == "u" and j + 6 <= n:
                try:
                    cp = int(line[j + 2 : j + 6], 16)
                except ValueError:
                    cp = 0xFFFD
                width = 6
                if 0xD800 <= cp < 0xDC00 and line[j + 6 : j + 8] == "\\u":
                    try:
                        lo = int(line[j + 8 : j + 12], 16)
                        if 0xDC00 <= lo < 0xE000:
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                            width = 12
                    except ValueError:
                        pass
                try:
                    chars.append(chr(cp))
                except ValueError:
                    chars.append("\ufffd")
                table.append(j)
                j += width
            else:
                chars.append(_ESCAPES.get(e, e))
                table.append(j)
                j += 2
        else:
            chars.append(c)
            table.append(j)
            j += 1
    table.append(n)
    return "".join(chars), table, n
