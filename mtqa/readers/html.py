"""HTML news articles (HTML5 or XHTML), parsed with the standard library's
``html.parser`` — no network, no scripts run.

* article: the ``<article>`` with the most text, else ``<main>`` (or
  ``role="main"``), else ``<body>``;
* headline: its first ``<h1>`` (else the page's first ``<h1>``, else
  ``<title>``);
* body: the other text of the article, block elements (``p``, ``li``,
  ``blockquote``, ``h2``..., ``figcaption``...) as paragraphs separated by a
  blank line; inline markup stripped, whitespace collapsed as a browser
  renders it, ``<br>`` a line break; ``script``, ``style``, ``template``,
  ``nav``, ``aside``, ``footer``, forms and hidden elements dropped (and the
  page ``<header>`` when there is no ``<article>``/``<main>``);
* language: ``<html lang>``.

Character references (``&amp;``, ``&#8220;``) are decoded; lines and columns
point into the HTML file (a decoded reference maps to its ``&``).  A file that
is not UTF-8 is decoded with the ``<meta charset>`` it declares.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from typing import BinaryIO, Iterator

from mtqa.readers import Item, ReadError, ReadOptions, Reader, decode, read_limited, register
from mtqa.readers._xml import (HTML_BLOCKS, HTML_SKIP, Chunk, Node, TextBuilder, Translate, emit_flow, emit_inline,
                               first_text_node, line_starts, root_tag)

VOID = frozenset("area base br col embed hr img input link meta param source track wbr keygen".split())
# a start tag of one of these closes an open <p> (HTML's "p end tag omitted" rule)
CLOSES_P = frozenset("""address article aside blockquote details div dl fieldset figcaption figure footer form h1 h2
h3 h4 h5 h6 header hr main nav ol p pre section table ul li""".split())
PAGE_CHROME = frozenset({"header", "footer", "aside"})
ALWAYS_DROP = HTML_SKIP | {"footer", "aside"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)


class TreeParser(HTMLParser):
    """Builds a :class:`Node` tree with source offsets; forgiving like a browser, but simpler."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.src = text
        self.lines = line_starts(text)
        self.root = Node("#document")
        self.stack: list[Node] = [self.root]

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.lines[line - 1] + col if line - 1 < len(self.lines) else len(self.src)

    def _close(self, tag: str, stop: frozenset = frozenset()) -> None:
        for k in range(len(self.stack) - 1, 0, -1):
            t = self.stack[k].tag
            if t == tag:
                del self.stack[k:]
                return
            if t in stop:
                return

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in CLOSES_P:
            self._close("p", stop=frozenset({"button", "table", "td", "th", "li"}) if tag != "li" else frozenset())
        if tag == "li":
            self._close("li", stop=frozenset({"ul", "ol"}))
        elif tag in ("dt", "dd"):
            self._close("dt", stop=frozenset({"dl"}))
            self._close("dd", stop=frozenset({"dl"}))
        elif tag in ("td", "th"):
            self._close("td", stop=frozenset({"tr", "table"}))
            self._close("th", stop=frozenset({"tr", "table"}))
        elif tag == "tr":
            self._close("tr", stop=frozenset({"table"}))
        parent = self.stack[-1]
        node = Node(tag, "", {k: (v if v is not None else "") for k, v in attrs}, [], self._pos(), parent)
        parent.children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs) -> None:
        parent = self.stack[-1]
        parent.children.append(Node(tag, "", {k: (v if v is not None else "") for k, v in attrs}, [], self._pos(),
                                    parent))

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":  # </br> is read as <br>
            self.handle_startendtag("br", [])
            return
        self._close(tag)

    def _chunk(self, s: str, pos: int, exact: bool) -> None:
        kids = self.stack[-1].children
        if kids and isinstance(kids[-1], Chunk) and kids[-1].exact and exact and kids[-1].pos + len(kids[-1].text) == pos:
            kids[-1].text += s
        else:
            kids.append(Chunk(s, pos, exact))

    def handle_data(self, data: str) -> None:
        pos = self._pos()
        self._chunk(data, pos, self.src.startswith(data, pos))

    def _ref(self, raw: str) -> None:
        pos = self._pos()
        if self.src.startswith(raw + ";", pos):
            raw += ";"
        value = html_lib.unescape(raw)
        self._chunk(value, pos, value == raw and self.src.startswith(raw, pos))

    def handle_entityref(self, name: str) -> None:
        self._ref(f"&{name}")

    def handle_charref(self, name: str) -> None:
        self._ref(f"&#{name}")


def parse_html(text: str) -> Node:
    p = TreeParser(text)
    p.feed(text)
    p.close()
    return p.root


def _hidden(node: Node) -> bool:
    a = node.attrs
    if not a:
        return False
    if "hidden" in a or a.get("aria-hidden", "").lower() == "true":
        return True
    style = a.get("style", "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _text_len(node: Node) -> int:
    return sum(len(p.text().strip()) for p in node.iter("p")) or len(node.text().strip())


def select_article(root: Node) -> tuple[Node, bool]:
    """(the element holding the article, whether it is a real article/main element)."""
    articles = list(root.iter("article"))
    if articles:
        return max(articles, key=_text_len), True
    for n in root.iter():
        if n.tag == "main" or n.attrs.get("role") == "main":
            return n, True
    body = next(root.iter("body"), None)
    return (body if body is not None else root), False


def emit_html_tree(b: TextBuilder, root: Node, *, headline: bool = True) -> None:
    container, is_article = select_article(root)
    h1 = None
    if headline:
        h1 = first_text_node(container.iter("h1")) or first_text_node(root.iter("h1"))
        hl = h1 or first_text_node(root.iter("title"))
        if hl is not None:
            b.begin_field("headline")
            emit_inline(b, hl)
            b.end_field()
    b.begin_field("body")
    skip = ALWAYS_DROP if is_article else ALWAYS_DROP | PAGE_CHROME
    emit_flow(b, container, blocks=HTML_BLOCKS, skip=skip, exclude=[h1] if h1 is not None else (), hidden=_hidden)
    b.end_field()


def emit_html_string(b: TextBuilder, text: str, translate: Translate | None, *, headline: bool = False) -> None:
    """HTML held in another container (a JSON string, XML inlineData): positions
    are offsets into ``text``, mapped to the file with ``translate``."""
    previous = b.translate
    b.translate = translate
    try:
        emit_html_tree(b, parse_html(text), headline=headline)
    finally:
        b.translate = previous


def decode_html(data: bytes, source: str, options: ReadOptions) -> "str | ReadError":
    text = decode(data, source, options)
    if isinstance(text, ReadError) and text.message.startswith("not valid UTF-8"):
        m = _CHARSET.search(data[:4096])
        if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
            try:
                return data.decode(m.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
    return text


@register
class HtmlReader(Reader):
    name = "html"
    extensions = (".html", ".htm", ".xhtml")
    sniff_order = 30
    description = "HTML article: headline (h1/title) and body text of <article>/<main>/<body>, markup stripped"

    @classmethod
    def sniff(cls, head: bytes) -> bool:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
        return start.startswith(b"<!doctype html") or root_tag(head[:4096]) == b"html"

    def read(self, stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Item]:
        text = decode_html(read_limited(stream, options), source, options)
        if not isinstance(text, str):
            yield text
            return
        root = parse_html(text)
        b = TextBuilder()
        emit_html_tree(b, root)
        html_el = next(root.iter("html"), None)
        lang = (html_el.attrs.get("lang") or html_el.attrs.get("xml:lang")) if html_el is not None else None
        doc = b.build(source, line_starts(text), lang=lang or None)
        if not doc.text.strip():
            yield ReadError(source, "no text to check: the HTML has no headline or article text")
            return
        yield doc
