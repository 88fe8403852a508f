"""One segment per line (``--input-format lines``), for evaluation desks.

Every line, empty ones included, becomes its own Document whose ``record`` is
the 0-based line index, so per-segment output stays aligned with the input.
Lines are streamed: memory does not grow with the file.  Each segment
carries the segments around it (``Document.neighbours``) so that a quotation
running over sentences pairs across lines; findings stay on their own line.
"""

from __future__ import annotations

from collections import deque
from typing import BinaryIO, Iterator

from mtqa.document import Document, FieldSpan
from mtqa.readers import Item, ReadError, ReadOptions, Reader, register

# segments of context a segment carries on each side (see Document.neighbours)
CONTEXT_LINES = 12


@register
class LinesReader(Reader):
    name = "lines"
    extensions = ()
    description = "one segment per line (MT evaluation output); records are 0-based line indexes"

    def read(self, stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Item]:
        # each segment carries up to CONTEXT_LINES segments before and after it (a
        # quotation runs over sentences); an empty line stays in the context as the
        # paragraph break it is, an unreadable one ends it.
        # The window is bounded: memory does not grow with the file.
        before: deque[str] = deque(maxlen=CONTEXT_LINES)
        ahead: deque[Item] = deque()
        for item in self._segments(stream, source, options):
            ahead.append(item)
            if len(ahead) > CONTEXT_LINES:
                yield self._emit(ahead, before)
        while ahead:
            yield self._emit(ahead, before)

    @staticmethod
    def _emit(ahead: "deque[Item]", before: "deque[str]") -> Item:
        item = ahead.popleft()
        if not isinstance(item, Document):
            before.clear()
            return item
        after: list[str] = []
        for nxt in ahead:
            if not isinstance(nxt, Document):
                break
            after.append(nxt.text)
        item.neighbours = (tuple(before), tuple(after))
        before.append(item.text)
        return item

    @staticmethod
    def _segments(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Item]:
        for index, raw in enumerate(stream):
            if index == 0 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if len(raw) > options.max_bytes:
                yield ReadError(f"{source}:{index}", f"line too long: {len(raw):,} bytes exceeds --max-bytes")
                continue
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as e:
                yield ReadError(f"{source}:{index}", f"not valid UTF-8 at byte {e.start} of the line")
                continue
            yield Document(source=source, text=line, record=index, fields=[FieldSpan("segment", 0, len(line))],
                           origin=_origin(index))


def _origin(index: int):
    return lambda offset: (index + 1, offset + 1)
