"""NewsML-G2 (IPTC, 2.x): ``newsItem``, ``newsMessage`` and ``packageItem`` files.

One Document per text ``newsItem``:

* headline: ``contentMeta/headline`` (the one without a role, or the first);
  when there is none, the ``hl1`` of an inline NITF body or the ``h1``/``title``
  of an inline XHTML body;
* body: the first item of ``contentSet`` that holds text — ``inlineXML``
  carrying NITF (``<nitf>``, read as the NITF reader reads ``body.content``)
  or XHTML (``<html>``, paragraphs of ``<body>``), or ``inlineData`` with
  ``text/plain`` (kept as it is) or ``text/html`` content;
* language: the ``xml:lang`` in scope on the inline content (inherited from
  ``contentSet``/``newsItem``), else ``contentMeta/language/@tag``;
* hints: ``contentMeta/subject`` of type ``cpnat:person``/``cpnat:organisation``/
  ``cpnat:geoArea``/``cpnat:poi`` (their ``name``; no position) and the inline
  NITF ``person``/``org``/``location`` elements (with positions).

A ``newsMessage`` yields its text newsItems in order, numbered from 1 by
their position among the message's items (``record``); items without text
(pictures, packages, which only point at other items) are skipped.  A
``packageItem`` on its own holds references only and is reported as
unreadable.  Lines and columns point into the XML file.  Parsed with
defusedxml (see :mod:`mtqa.readers._xml`).
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

from mtqa.document import EntityHint
from mtqa.readers import Item, ReadError, ReadOptions, Reader, register
from mtqa.readers._xml import (load_xml, HTML_BLOCKS, HTML_SKIP, Chunk, Node, TextBuilder,
                               chunks_table, emit_flow, emit_inline, first_text_node, root_tag,
                               table_translate, wrong_root)
from mtqa.readers.nitf import NITF_HINTS, emit_nitf, nitf_headline

G2_NS = "http://iptc.org/std/nar/2006-10-01/"
G2_ROOTS = (b"newsItem", b"packageItem", b"newsMessage")
SUBJECT_HINTS = {"cpnat:person": "person", "cpnat:organisation": "organisation", "cpnat:geoArea": "place",
                 "cpnat:poi": "place"}


def _xhtml_root(node: Node) -> Node | None:
    return node if node.tag == "html" else next(node.elements("html"), None) or next(node.elements("body"), None)


def emit_item(b: TextBuilder, item: Node, lines) -> str | None:
    """Fill the builder from one newsItem; return the language."""
    meta = item.child("contentMeta")
    headline = None
    if meta is not None:
        heads = list(meta.elements("headline"))
        plain_heads = [h for h in heads if not h.attrs.get("role")]
        headline = first_text_node(plain_heads + heads)
        for subj in meta.elements("subject"):
            type_ = SUBJECT_HINTS.get(subj.attrs.get("type", ""))
            name = subj.child("name")
            if type_ and name is not None and name.text().strip():
                b.meta_hints.append(EntityHint(" ".join(name.text().split()), type_))
    content, kind = _pick_content(item)
    if headline is not None:
        b.begin_field("headline")
        emit_inline(b, headline)
        b.end_field()
    elif content is not None and kind == "nitf":
        hl = nitf_headline(content)
        if hl is not None:
            b.begin_field("headline")
            emit_inline(b, hl, NITF_HINTS)
            b.end_field()
    elif content is not None and kind == "xhtml":
        hl = first_text_node(list(content.iter("h1")) + list(content.iter("title")))
        if hl is not None:
            b.begin_field("headline")
            emit_inline(b, hl)
            b.end_field()
            headline = hl
    if content is not None:
        if kind == "nitf":
            emit_nitf(b, content, headline=False)
        elif kind == "xhtml":
            body = content.child("body") if content.tag == "html" else content
            b.begin_field("body")
            emit_flow(b, body if body is not None else content, blocks=HTML_BLOCKS, skip=HTML_SKIP,
                      exclude=[headline] if headline is not None and headline.tag == "h1" else ())
            b.end_field()
        elif kind == "text":
            b.begin_field("body")
            b.add_plain([c for c in content.children if isinstance(c, Chunk)])
            b.end_field()
        elif kind == "html":
            from mtqa.readers.html import emit_html_string

            text, table = chunks_table(c for c in content.children if isinstance(c, Chunk))
            b.begin_field("body")
            emit_html_string(b, text, table_translate(table), headline=False)
            b.end_field()
    lang = content.lang() if content is not None else None
    if not lang and meta is not None:
        lang_el = meta.child("language")
        lang = lang_el.attrs.get("tag") if lang_el is not None else None
    return lang or item.lang()


def _pick_content(item: Node) -> tuple[Node | None, str]:
    cs = item.child("contentSet")
    if cs is None:
        return None, ""
    for el in cs.elements():
        ctype = el.attrs.get("contenttype", "").split(";")[0].strip().lower()
        if el.tag == "inlineXML":
            nitf = next(el.elements("nitf"), None)
            if nitf is not None:
                return nitf, "nitf"
            html = _xhtml_root(el)
            if html is not None:
                return html, "xhtml"
        elif el.tag == "inlineData" and el.text().strip():
            if ctype in ("text/html", "application/xhtml+xml"):
                return el, "html"
            if ctype in ("", "text/plain") or ctype.startswith("text/"):
                return el, "text"
    return None, ""


def news_items(root: Node) -> list[Node]:
    if root.tag == "newsItem":
        return [root]
    if root.tag == "newsMessage":
        item_set = root.child("itemSet")
        return [n for n in item_set.elements() if n.tag in ("newsItem", "packageItem")] if item_set is not None else []
    return []


@register
class NewsmlReader(Reader):
    name = "newsml"
    extensions = (".newsml",)
    sniff_extensions = (".xml",)  # shared with NITF: decided by the root element
    sniff_order = 10
    description = "NewsML-G2 XML: one document per newsItem (contentMeta/headline + inline NITF/XHTML/text)"

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        return root_tag(head[:4096]) in G2_ROOTS and b"iptc.org/std/nar/" in head[:4096]

    def read(self, stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Item]:
        loaded = load_xml(stream, source, options)
        if isinstance(loaded, ReadError):
            yield loaded
            return
        root, lines = loaded
        if root.tag == "packageItem":
            yield ReadError(source, "NewsML-G2 packageItem holds only references to other items (itemRef), "
                                    "no text to check: check the referenced newsItems")
            return
        if root.tag not in ("newsItem", "newsMessage"):
            yield ReadError(source, wrong_root(root, "NewsML-G2"))
            return
        if root.ns and root.ns != G2_NS:
            yield ReadError(source, f"not NewsML-G2: <{root.tag}> is in namespace {root.ns}, expected {G2_NS}")
            return
        multi = root.tag == "newsMessage"
        any_doc = False
        for index, item in enumerate(news_items(root), start=1):
            if item.tag != "newsItem":
                continue
            b = TextBuilder()
            lang = emit_item(b, item, lines)
            doc = b.build(source, lines, record=index if multi else None, lang=lang)
            if not doc.text.strip():
                continue  # pictures, video: nothing to read
            any_doc = True
            yield doc
        if not any_doc:
            yield ReadError(source, "no text to check: no newsItem has a contentMeta/headline or inline text "
                                    "(inlineXML or inlineData)")
