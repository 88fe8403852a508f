"""Plain UTF-8 text: one article per file (a BOM is dropped, CRLF kept)."""

from __future__ import annotations

from typing import BinaryIO, Iterator

from mtqa.document import Document, FieldSpan
from mtqa.readers import Item, ReadOptions, Reader, decode, read_limited, register


@register
class TextReader(Reader):
    name = "text"
    extensions = (".txt", ".text")
    description = "UTF-8 plain text, one article per file"

    def read(self, stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Item]:
        text = decode(read_limited(stream, options), source, options)
        if not isinstance(text, str):
            yield text
            return
        yield Document(source=source, text=text, fields=[FieldSpan("text", 0, len(text))])
