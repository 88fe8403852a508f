"""One segment per line (``--input-format lines``), for evaluation desks.

Every line, empty ones included, becomes its own Document whose ``record`` is
the 0-based line index, so per-segment output stays aligned with the input.
Lines are streamed: memory does not grow with the file.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

from mtqa.document import Document, FieldSpan
from mtqa.readers import Item, ReadError, ReadOptions, Reader, register


@register
class LinesReader(Reader):
    name = "lines"
    extensions = ()
    description = "one segment per line (MT evaluation output); records are 0-based line indexes"

    def read(self, stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Item]:
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
