"""Reader registry: one module per input format.

A reader turns bytes into :class:`~mtqa.document.Document` objects (or
:class:`ReadError` items for input it cannot use).  ``read_path`` picks the
reader from ``--input-format`` or by sniffing extension and content, and
walks directories.  Adding a format means adding a module here that defines a
``Reader`` subclass and decorating it with :func:`register`.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, ClassVar, Iterator, Union

from mtqa.document import Document


@dataclass
class ReadError:
    """An input that could not be read; reported as one line, exit code 2."""

    source: str
    message: str

    def __post_init__(self) -> None:
        # one line whatever the input put into the message (a DOCTYPE system id, a namespace URI...)
        self.message = one_line(self.message)

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(s: str, limit: int | None = None) -> str:
    """Text fit for a one-line message: control characters (line breaks, terminal escapes)
    written as escapes (``\\n``, ``\\x1b``); cut to ``limit`` characters when given."""
    if _CONTROL.search(s):
        s = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), s)
    return s if limit is None or len(s) <= limit else s[: limit - 1] + "…"


@dataclass
class ReadOptions:
    input_format: str | None = None  # None: auto-detect
    fields: list[str] = field(default_factory=list)  # JSON fields holding text
    max_bytes: int = 10_000_000
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    # the original each document was translated from (mtqa.source.pairing): a file or a
    # directory mirroring the inputs (``--source``), the JSON fields that hold it
    # (``--source-field``) and its language (``--source-lang``; None: detected)
    source: str | None = None
    source_fields: list[str] = field(default_factory=lambda: ["source", "source_text"])
    source_lang: str | None = None
    source_inputs: list[str] = field(default_factory=list)  # the roots a --source DIR mirrors


Item = Union[Document, ReadError]


class Reader:
    name: ClassVar[str] = ""
    extensions: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        """True if the first bytes look like this format (used for unknown extensions)."""
        return False

    def read(self, stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Item]:
        raise NotImplementedError


READERS: dict[str, type[Reader]] = {}


def register(cls: type[Reader]) -> type[Reader]:
    READERS[cls.name] = cls
    return cls


def _load_builtin() -> None:
    from mtqa.readers import jsonl, lines, text  # noqa: F401

    for extra in ("nitf", "newsml", "ninjs", "html"):
        try:
            __import__(f"mtqa.readers.{extra}")
        except ImportError:
            pass


def formats() -> list[str]:
    _load_builtin()
    return sorted(READERS)


def detect(path: str, head: bytes) -> str:
    _load_builtin()
    low = path.lower()
    for name, cls in sorted(READERS.items()):
        if any(low.endswith(ext) for ext in cls.extensions):
            return name
    # content, most specific formats first (a one-line ninjs object also looks like JSON Lines)
    for name, cls in _by_sniff_order():
        if cls.sniff(head):
            return name
    # shared extensions (.xml, .json) whose content did not tell: the reader explains why it cannot read it
    for name, cls in sorted(READERS.items()):
        if any(low.endswith(ext) for ext in getattr(cls, "sniff_extensions", ())):
            return name
    return "text"


def _by_sniff_order() -> list[tuple[str, type[Reader]]]:
    return sorted(READERS.items(), key=lambda kv: (getattr(kv[1], "sniff_order", 50), kv[0]))


def _sniffs_as_news(path: Path, ext_readers: list[type[Reader]]) -> bool:
    """For a directory walk: is this .xml/.json file one of the news formats (not package.json...)?"""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return True  # let the reader report it
    return any(cls.sniff(head) for cls in ext_readers)


DEFAULT_INCLUDE = ("*.txt", "*.text", "*.jsonl", "*.ndjson")


def iter_files(root: Path, options: ReadOptions) -> Iterator[Path]:
    _load_builtin()
    include = options.include or list(DEFAULT_INCLUDE) + [
        "*" + ext for cls in READERS.values() for ext in cls.extensions
    ]
    # .xml / .json: walked only when the content is a news format (NITF, NewsML-G2, ninjs)
    shared: dict[str, list[type[Reader]]] = {}
    if not options.include:
        for cls in READERS.values():
            for ext in getattr(cls, "sniff_extensions", ()):
                shared.setdefault(ext, []).append(cls)
    for dirpath, dirnames, filenames in os.walk(root, onerror=None):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            p = Path(dirpath) / fn
            rel = str(p.relative_to(root))
            if fn.startswith("."):
                continue
            if not any(fnmatch.fnmatch(fn, g) or fnmatch.fnmatch(rel, g) for g in include):
                ext_readers = [c for ext, cs in shared.items() if fn.lower().endswith(ext) for c in cs]
                if not ext_readers or not _sniffs_as_news(p, ext_readers):
                    continue
            if any(fnmatch.fnmatch(fn, g) or fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(str(p), g) for g in options.exclude):
                continue
            yield p


def read_stream(stream: BinaryIO, source: str, options: ReadOptions, fmt: str | None = None) -> Iterator[Item]:
    _load_builtin()
    fmt = fmt or options.input_format
    if fmt is None:
        head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
        fmt = detect(source, head)
    cls = READERS.get(fmt)
    if cls is None:
        yield ReadError(source, f"unknown input format '{fmt}' (known: {', '.join(formats())})")
        return
    try:
        yield from cls().read(stream, source, options)
    except OSError as e:
        yield ReadError(source, f"cannot read: {e.strerror or e}")


def read_path(path: str, options: ReadOptions) -> Iterator[Item]:
    """Documents from a file, a directory (recursively) or ``-`` (stdin)."""
    if path == "-":
        yield from read_stream(sys.stdin.buffer, "<stdin>", options, options.input_format or "text")
        return
    p = Path(path)
    if p.is_dir():
        any_file = False
        for f in iter_files(p, options):
            any_file = True
            yield from read_path(str(f), options)
        if not any_file:
            yield ReadError(path, "directory contains no files to check")
        return
    if not p.exists():
        yield ReadError(path, "no such file or directory")
        return
    try:
        with open(p, "rb") as fh:
            yield from read_stream(fh, path, options)
    except OSError as e:
        yield ReadError(path, f"cannot read: {e.strerror or e}")


def read_paths(paths: list[str], options: ReadOptions) -> Iterator[Item]:
    for path in paths:
        yield from read_path(path, options)


def decode(data: bytes, source: str, options: ReadOptions) -> "str | ReadError":
    """Strict UTF-8 decoding with the checks every text-like reader shares."""
    if len(data) > options.max_bytes:
        return ReadError(source, too_large(len(data), options.max_bytes, source))
    if b"\x00" in data[:8192]:
        return ReadError(source, "binary file (contains NUL bytes), not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return ReadError(source, f"not valid UTF-8: byte 0x{data[e.start]:02x} at offset {e.start} (line {line})")
    if not text.strip():
        return ReadError(source, "empty file: no text to check")
    return text


def parse_json(text: str, source: str, one_line: bool = False) -> "object | ReadError":
    """``json.loads`` with malformed or too deeply nested JSON as a one-line
    :class:`ReadError` (the position as a column for one-line records)."""
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        where = f"at column {e.colno}" if one_line else f"(line {e.lineno}, column {e.colno})"
        return ReadError(source, f"malformed JSON: {e.msg} {where}")
    except RecursionError:
        return ReadError(source, "malformed JSON: nesting too deep")


_SURROGATE = None


def replace_surrogates(text: str) -> str:
    """Lone surrogates (from JSON escapes like "\\ud800") cannot be written as
    UTF-8: replace each with U+FFFD.  One code point for one, so offsets hold."""
    global _SURROGATE
    if _SURROGATE is None:
        import re

        _SURROGATE = re.compile("[\ud800-\udfff]")
    return _SURROGATE.sub("\ufffd", text)


def too_large(read: int, max_bytes: int, source: str = "") -> str:
    """The message for input over --max-bytes, with its real size.

    ``read`` is how many bytes were read: :func:`read_limited` stops at
    ``max_bytes + 1``, which is not the input's size — then the size is the
    file's on disk when ``source`` is a file, else "more than max_bytes"."""
    size = read
    if read == max_bytes + 1:
        try:
            size = os.path.getsize(source) if source and os.path.isfile(source) else 0
        except OSError:
            size = 0
        if size <= max_bytes:  # stdin, a pipe, a record: the size is unknown
            return f"too large: over the --max-bytes limit of {max_bytes:,} bytes"
    return f"too large: {size:,} bytes exceeds --max-bytes {max_bytes:,}"


def read_limited(stream: BinaryIO, options: ReadOptions) -> bytes:
    """Read at most max_bytes + 1 bytes so oversized input is detected without loading it all."""
    return stream.read(options.max_bytes + 1)
