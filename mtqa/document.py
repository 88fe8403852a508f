"""The Document: decoded text plus the spans the segmenter finds in it.

Offset convention (used everywhere in mtqa):

* Every offset is a Unicode **code point** index into ``Document.text``, the
  decoded text exactly as read (a UTF-8 BOM is dropped, CRLF is kept), so
  ``text[start:end]`` is the flagged span.  Ends are exclusive.
* Spans never begin or end with whitespace: paragraph, sentence and token
  spans are trimmed, and a finding's span covers the flagged characters only.
* Lines and columns are 1-based; a column counts code points from the start of
  the line.  ``\\n`` ends a line; a ``\\r`` before it belongs to the line end
  and is never counted in a column of visible text.
* Readers for container formats (JSONL, XML) may attach an ``origin`` that
  maps text offsets to line/column in the original file instead.

Matching-sensitive rules work on the NFC-normalised text (``normalized()``)
and map their offsets back to the original with the returned table.
"""

from __future__ import annotations

import bisect
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, NamedTuple


class Span(NamedTuple):
    start: int
    end: int


class SpanArray(Sequence):
    """Spans kept as one flat ``array('q')`` of offsets (start, end, start, end, ...): 16
    bytes a span where a list of :class:`Span` takes ~120, which adds up on a
    multi-megabyte document (its tokens, a fluency score's words).  Reads as the list
    of :class:`Span` it stands for."""

    __slots__ = ("_flat",)

    def __init__(self, flat: "array[int] | None" = None):
        self._flat = array("q") if flat is None else flat

    @classmethod
    def of(cls, spans) -> "SpanArray":
        out = array("q")
        for a, b in spans:
            out.append(a)
            out.append(b)
        return cls(out)

    def __len__(self) -> int:
        return len(self._flat) // 2

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("span index out of range")
        return Span(self._flat[2 * i], self._flat[2 * i + 1])

    def __iter__(self):
        f = self._flat
        return map(Span, islice(f, 0, None, 2), islice(f, 1, None, 2))

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and all(
            tuple(a) == tuple(b) for a, b in zip(self, other))

    def __add__(self, other) -> list:  # concatenates like the list it stands for
        return list(self) + list(other)

    def __radd__(self, other) -> list:
        return list(other) + list(self)

    def __repr__(self) -> str:
        return repr(list(self))


class FieldSpan(NamedTuple):
    """A named region of the text (``headline``, ``body``...)."""

    name: str
    start: int
    end: int


# Maps a text offset to a (line, column) pair in the original file, 1-based.
OriginMap = Callable[[int], "tuple[int, int]"]


@dataclass
class EntityHint:
    """An entity the source markup itself tags (NITF <person>, ninjs people)."""

    text: str
    type: str
    start: int | None = None
    end: int | None = None


@dataclass
class Document:
    source: str
    text: str
    record: int | None = None  # 1-based record index inside a multi-document file
    fields: list[FieldSpan] = field(default_factory=list)
    lang: str | None = None
    hints: list[EntityHint] = field(default_factory=list)
    origin: OriginMap | None = None
    # the segments before and after this one, when it is one segment of a text read
    # one segment per line (``--input-format lines``): rules that pair marks across
    # sentences (quotes, brackets) read them; findings stay inside this document
    neighbours: "tuple[tuple[str, ...], tuple[str, ...]] | None" = None
    # the text this document was translated from (``--source``, a JSONL ``source`` field):
    # a :class:`mtqa.source.Original`; the source-aware checks read it, the others never do
    original: "object | None" = None
    # filled by the segmenter
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    segmented: bool = False
    _tokens: "SpanArray | None" = field(default=None, repr=False)
    _line_starts: list[int] | None = field(default=None, repr=False)
    _nfc: "tuple[str, list[int] | None] | None" = field(default=None, repr=False)

    @property
    def name(self) -> str:
        """Display name: the source plus the record number for multi-document files."""
        return self.source if self.record is None else f"{self.source}:{self.record}"

    @property
    def tokens(self) -> SpanArray:
        """Word and punctuation tokens, computed on first use (most rules need none)."""
        if self._tokens is None:
            from mtqa.segment import tokenize

            self._tokens = tokenize(self.text)
        return self._tokens

    # -- positions -----------------------------------------------------
    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a code point offset."""
        if self.origin is not None:
            return self.origin(offset)
        return self.text_line_col(offset)

    def text_line_col(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset within ``text`` itself."""
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i != -1:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def field_at(self, offset: int) -> str | None:
        for f in self.fields:
            if f.start <= offset < f.end or (f.start == f.end == offset):
                return f.name
        return None

    # -- views ---------------------------------------------------------
    def normalized(self) -> tuple[str, list[int] | None]:
        """NFC text and a table mapping its offsets to original offsets.

        The table is ``None`` when the text is already NFC (the common case),
        otherwise it has ``len(nfc_text) + 1`` entries.
        """
        if self._nfc is None:
            self._nfc = nfc_with_map(self.text)
        return self._nfc

    def sentence_index(self, offset: int) -> int:
        starts = [s.start for s in self.sentences]
        return max(0, bisect.bisect_right(starts, offset) - 1)

    def word_count(self) -> int:
        if "_words" not in self.__dict__:
            from mtqa.segment import WORD_RE

            self.__dict__["_words"] = sum(1 for _ in WORD_RE.finditer(self.text))
        return self.__dict__["_words"]


def nfc_with_map(text: str) -> tuple[str, list[int] | None]:
    """Return (NFC text, map from NFC offsets to original offsets or None)."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    out: list[str] = []
    table: list[int] = []
    # Normalisation only reorders/composes within a run that starts at a
    # starter (combining class 0); normalise run by run to keep a mapping.
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        chunk = text[i:j]
        norm = unicodedata.normalize("NFC", chunk)
        out.append(norm)
        if len(norm) == len(chunk):
            table.extend(range(i, j))
        else:
            table.extend([i] * len(norm))
        i = j
    table.append(n)
    return "".join(out), table


def map_span(table: list[int] | None, start: int, end: int, length: int) -> tuple[int, int]:
    """Map an NFC-view span back to the original text."""
    if table is None:
        return start, end
    s = table[start]
    e = table[end] if end < len(table) - 1 else length
    if end < len(table) - 1 and end > start and table[end] == table[end - 1]:
        # end falls inside a composed cluster: extend to its original end
        k = end
        while k < len(table) - 1 and table[k] == table[end - 1]:
            k += 1
        e = table[k] if k < len(table) - 1 else length
    return s, e
