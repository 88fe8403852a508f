"""Pairing each checked document with the original it was translated from.

* **A field of the record** (JSON Lines, ninjs, article JSON): the first of
  ``ReadOptions.source_fields`` (``--source-field``; default ``source``, then
  ``source_text``) that holds the original.  A ``source`` field is also a common name for
  the credit line ("Reuters"): a value in the target's own language, or of fewer than
  :data:`MIN_SOURCE_WORDS` words, is taken for one and ignored.
* **``--source FILE``** beside one input file: the whole file is the original of the whole
  document; with ``--input-format lines`` line *i* of the source is the original of segment
  *i* (a line count that differs is one read error; the segments that pair are checked).
* **``--source DIR``**: the original of ``ROOT/a/b.txt`` is ``DIR/a/b.txt`` (the input's path
  below the root it was given as), else ``DIR/b.txt``; read the same way.

Multi-record inputs (JSON Lines) take their original from a field, not from ``--source``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from mtqa.document import Document
from mtqa.readers import ReadError, ReadOptions, decode
from mtqa.source import Original

#: a ``source`` field shorter than this is a credit line, not an original
MIN_SOURCE_WORDS = 3
_MULTI = ("jsonl",)


def from_field(obj: dict, options: ReadOptions, target: str = "") -> "Original | None":
    """The original held by a record's source field, or None."""
    for name in options.source_fields:
        value = obj.get(name)
        if not isinstance(value, str) or len(value.split()) < MIN_SOURCE_WORDS:
            continue
        orig = Original(value, lang=options.source_lang, name=name)
        if options.source_lang is None and orig.language == "en":
            continue  # English in a "source" field: not the original of an English translation
        return orig
    return None


class SourceResolver:
    """``--source``: the original of each document read from ``inputs``."""

    def __init__(self, inputs: list[str], source: str, options: ReadOptions):
        self.inputs = [Path(p) for p in inputs if p != "-"]
        self.source = Path(source)
        self.options = options
        self._path: "Path | None" = None
        self._cache: "dict | ReadError" = {}

    def _file(self, doc_source: str) -> "Path | None":
        from mtqa.reference import mirrored_file

        return mirrored_file(self.source, self.inputs, doc_source)

    def _load(self, path: Path) -> "dict | ReadError":
        if path != self._path:
            self._path = path
            try:
                data = path.read_bytes()
            except OSError as e:
                self._cache = ReadError(str(path), f"cannot read the source: {e.strerror or e}")
                return self._cache
            text = decode(data, str(path), self.options)
            if isinstance(text, ReadError):
                self._cache = ReadError(str(path), f"source: {text.message}")
                return self._cache
            lines = text.split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            self._cache = {"text": text, "lines": [ln.rstrip("\r") for ln in lines]}
        return self._cache

    def original(self, doc: Document) -> "Original | ReadError | None":
        path = self._file(doc.source)
        if path is None:
            return ReadError(doc.name, f"no source for it under {self.source}") if self.source.is_dir() else None
        got = self._load(path)
        if isinstance(got, ReadError):
            return got
        if self.options.input_format == "lines" or (doc.record is not None and doc.fields[:1]
                                                     and doc.fields[0].name == "segment"):
            lines = got["lines"]
            if doc.record is None or doc.record >= len(lines):
                return ReadError(doc.name, f"the source {path} has {len(lines)} lines: no line {doc.record} to pair with")
            return Original(lines[doc.record], lang=self.options.source_lang, name=f"{path}:{doc.record}")
        return Original(got["text"], lang=self.options.source_lang, name=str(path))

    def count_check(self, path: str, read: int) -> "ReadError | None":
        """One error when a lines input has fewer lines than its source (extra source lines)."""
        f = self._file(path)
        got = self._load(f) if f is not None else None
        if isinstance(got, dict) and len(got["lines"]) > read:
            return ReadError(str(f), f"the source has {len(got['lines'])} lines, the translation {read}: "
                                     f"source lines {read}.. pair with nothing")
        return None


def with_sources(items: Iterable, options: ReadOptions, inputs: "list[str] | None" = None,
                 whole_files: bool = True) -> Iterator:
    """``items`` (documents and read errors) with each document's ``original`` attached from
    ``options.source``; a document that cannot be paired becomes a read error (exit 2) and is
    still checked without its source.  ``whole_files``: the items are whole input files (not a
    ``--jobs`` worker's range of lines), so a source with lines left over can be reported."""
    if not options.source:
        yield from items
        return
    resolver = SourceResolver(inputs if inputs is not None else options.source_inputs, options.source, options)
    lines_read: dict[str, int] = {}
    for item in items:
        if isinstance(item, Document) and item.original is None:
            got = resolver.original(item)
            if isinstance(got, ReadError):
                yield got
            elif got is not None:
                item.original = got
            if item.record is not None and item.fields[:1] and item.fields[0].name == "segment":
                lines_read[item.source] = max(lines_read.get(item.source, 0), item.record + 1)
        yield item
    for path, n in (lines_read.items() if whole_files else ()):
        err = resolver.count_check(path, n)
        if err is not None:
            yield err
