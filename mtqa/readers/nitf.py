"""NITF (News Industry Text Format, IPTC, 3.x; 2.5 and later read the same way).

* headline: ``body/body.head/hedline/hl1``, else ``head/title``;
* body: the paragraphs of ``body/body.content`` — ``<p>``, ``<hl2>``
  subheads, list items, table cells, block quotes and media captions each
  become a paragraph (separated by a blank line); inline markup (``<em>``,
  ``<q>``, ``<a>``...) is dropped, its text kept; ``<br/>`` is a line break;
* ``<person>``, ``<org>`` and ``<location>`` inside the text become
  ``Document.hints`` (types ``person``, ``organisation``, ``place``) with their
  offsets in the document text, for the gazetteer;
* language: ``xml:lang`` (or NITF's ``lang``) on ``<nitf>`` or ``<body>``.

The document text is the headline, a blank line, then the body, so it reads
like the equivalent plain-text article; ``field`` says which part a finding is
in.  Lines and columns point into the NITF file (see :mod:`mtqa.readers._xml`
for what "exact" means around entities).  Parsed with defusedxml: entity
declarations and external entities are refused; a ``<!DOCTYPE nitf SYSTEM
"nitf-3-6.dtd">`` is accepted but the DTD is never fetched.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

from mtqa.readers import Item, ReadError, ReadOptions, Reader, register
from mtqa.readers._xml import (load_xml, Node, TextBuilder, emit_flow, emit_inline,
                               first_text_node, root_tag, wrong_root)

NITF_HINTS = {"person": "person", "org": "organisation", "location": "place"}
NITF_BLOCKS = frozenset("""
p hl1 hl2 li dt dd td th pre caption media-caption block bq note fn table tr ul ol dl media credit
nitf-table nitf-col nitf-colgroup body.content
""".split())
NITF_SKIP = frozenset("""
media-reference media-object media-metadata media-producer nitf-table-metadata nitf-table-summary classifier
key-list tagline bibliography hr
""".split())


def nitf_headline(nitf: Node) -> Node | None:
    body = nitf.child("body")
    candidates = []
    if body is not None:
        hed = body.child("body.head", "hedline")
        if hed is not None:
            candidates.extend(hed.elements("hl1"))
    title = nitf.child("head", "title")
    if title is not None:
        candidates.append(title)
    return first_text_node(candidates)


def nitf_body(nitf: Node) -> Node | None:
    body = nitf.child("body")
    if body is None:
        return None
    content = body.child("body.content")
    return content if content is not None else body


def emit_nitf(b: TextBuilder, nitf: Node, *, headline: bool = True) -> None:
    """Headline and body fields of a <nitf> element."""
    if headline:
        hl = nitf_headline(nitf)
        if hl is not None:
            b.begin_field("headline")
            emit_inline(b, hl, NITF_HINTS)
            b.end_field()
    body = nitf_body(nitf)
    if body is not None:
        b.begin_field("body")
        skip = NITF_SKIP | ({"body.head", "body.end"} if body.tag == "body" else frozenset())
        emit_flow(b, body, blocks=NITF_BLOCKS, skip=skip, hints=NITF_HINTS)
        b.end_field()


def nitf_lang(nitf: Node) -> str | None:
    body = nitf.child("body")
    return nitf.lang() or (body.attrs.get("lang") if body is not None else None)


@register
class NitfReader(Reader):
    name = "nitf"
    extensions = (".nitf",)
    sniff_extensions = (".xml",)  # shared with NewsML-G2: decided by the root element
    sniff_order = 10
    description = "NITF 3.x XML: headline (hedline/hl1) and body.content paragraphs; person/org/location as hints"

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        return root_tag(head[:4096]) == b"nitf"

    def read(self, stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Item]:
        loaded = load_xml(stream, source, options)
        if isinstance(loaded, ReadError):
            yield loaded
            return
        root, lines = loaded
        if root.tag != "nitf":
            yield ReadError(source, wrong_root(root, "NITF"))
            return
        b = TextBuilder()
        emit_nitf(b, root)
        doc = b.build(source, lines, lang=nitf_lang(root))
        if not doc.text.strip():
            yield ReadError(source, "no text to check: NITF has no hedline/hl1, head/title or body.content text")
            return
        yield doc
