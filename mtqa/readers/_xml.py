"""Shared helpers for the markup readers (NITF, NewsML-G2, ninjs, HTML).

* :func:`parse_xml` parses XML with **defusedxml** (no entity declarations, so
  no entity expansion and no "billion laughs"; no external entities; the
  external DTD subset named in a ``<!DOCTYPE ... SYSTEM "...">`` is never
  fetched) into a light tree of :class:`Node` and :class:`Chunk` objects that
  remember where each piece of text starts in the original file.
* :class:`TextBuilder` turns markup into the document text — block elements
  become paragraphs separated by a blank line, runs of markup whitespace
  collapse to one space as a browser would render them — while recording for
  every run of text the offset it came from in the file.
* :class:`OffsetOrigin` is the resulting ``Document.origin``: text offset →
  (line, column) in the original file, 1-based, columns in code points.  It is
  a plain picklable object (``mtqa check --jobs`` sends documents between
  processes).

Positions are exact for literal text.  A character written as an entity or a
character reference (``&amp;``, ``&#8220;``), and a collapsed whitespace run,
map to the first character of what the file wrote there; the text after it
maps exactly again.  Expat reports ``\\r\\n`` as ``\\n``: each line's text is
anchored separately, so line endings never shift columns.
"""

from __future__ import annotations

import bisect
import codecs
import io
import re
from array import array
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Sequence

from mtqa.document import Document, EntityHint, FieldSpan

XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_DEPTH = 2000

_WS_CHARS = " \t\n\r\f"
# Markup whitespace only: U+00A0 (&nbsp;) is text, kept as it is.
_TOKENS = re.compile(r"[^ \t\n\r\f]+|[ \t\n\r\f]+")


# ---------------------------------------------------------------------------
# positions
# ---------------------------------------------------------------------------

def line_starts(text: str) -> array:
    """Offsets at which each line of ``text`` starts (``\\n`` ends a line)."""
    starts = array("q", [0])
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


class OffsetOrigin:
    """Maps a document-text offset to (line, column) in the original file.

    Anchors are runs of document text: ``t[i]`` is where run *i* starts in
    the document, ``s[i]`` the file offset it came from; inside an exact run
    characters advance one for one, inside an inexact one (an entity, a
    collapsed space, a separator) every character maps to ``s[i]``.
    """

    __slots__ = ("t", "s", "exact", "lines")

    def __init__(self, t: array, s: array, exact: bytearray, lines: array):
        self.t, self.s, self.exact, self.lines = t, s, exact, lines

    def file_offset(self, offset: int) -> int:
        if not self.t:
            return 0
        i = bisect.bisect_right(self.t, offset) - 1
        if i < 0:
            return self.s[0]
        return self.s[i] + (offset - self.t[i] if self.exact[i] else 0)

    def __call__(self, offset: int) -> tuple[int, int]:
        src = self.file_offset(offset)
        line = bisect.bisect_right(self.lines, src) - 1
        if line < 0:
            line = 0
        return line + 1, src - self.lines[line] + 1

    def __getstate__(self):
        return (self.t, self.s, self.exact, self.lines)

    def __setstate__(self, state):
        self.t, self.s, self.exact, self.lines = state


_XML_EOL = re.compile(r"\r\n?|\n")


def xml_line_starts(text: str) -> array:
    """Line starts as an XML parser counts lines: ``\r\n``, ``\r`` and ``\n`` each end one."""
    starts = array("q", [0])
    starts.extend(m.end() for m in _XML_EOL.finditer(text))
    return starts


# ---------------------------------------------------------------------------
# the light tree shared by the XML and HTML parsers
# ---------------------------------------------------------------------------

@dataclass(eq=False)
class Chunk:
    """A run of character data: its text, the file offset where the file
    wrote it, and whether the file holds it literally (one for one)."""

    text: str
    pos: int
    exact: bool


@dataclass(eq=False)
class Node:
    tag: str  # local name (no namespace)
    ns: str = ""
    attrs: dict = field(default_factory=dict)  # local name -> value; xml:lang as "xml:lang"
    children: list = field(default_factory=list)  # Node | Chunk
    pos: int = 0
    parent: "Optional[Node]" = field(default=None, repr=False)

    def elements(self, tag: str | None = None) -> Iterator["Node"]:
        for c in self.children:
            if isinstance(c, Node) and (tag is None or c.tag == tag):
                yield c

    def child(self, *path: str) -> "Node | None":
        node: Node | None = self
        for tag in path:
            node = next(node.elements(tag), None) if node is not None else None
        return node

    def iter(self, tag: str | None = None) -> Iterator["Node"]:
        """Descendants (and self) in document order, iteratively."""
        stack: list[Node] = [self]
        while stack:
            n = stack.pop()
            if tag is None or n.tag == tag:
                yield n
            stack.extend(reversed([c for c in n.children if isinstance(c, Node)]))

    def text(self) -> str:
        parts: list[str] = []
        stack: list = [self]
        while stack:
            n = stack.pop()
            if isinstance(n, Chunk):
                parts.append(n.text)
            else:
                stack.extend(reversed(n.children))
        return "".join(parts)

    def lang(self) -> str | None:
        """The xml:lang in scope (inherited from ancestors)."""
        n: Node | None = self
        while n is not None:
            v = n.attrs.get("xml:lang") or n.attrs.get("lang")
            if v:
                return v
            n = n.parent
        return None


# ---------------------------------------------------------------------------
# XML with defusedxml
# ---------------------------------------------------------------------------

class XmlRefused(Exception):
    """The XML was refused or is not well-formed; the message is for the user."""


def shown(s: str, limit: int = 200) -> str:
    """A value from the input (a system id) in a message: one line, at most ``limit`` characters."""
    from mtqa.readers import one_line

    return one_line(s, limit)


_ENC_DECL = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


def xml_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    m = _ENC_DECL.match(data[:200])
    return m.group(1).decode("ascii").lower() if m else "utf-8"


def decode_xml(data: bytes) -> str:
    """Decode XML bytes by their declared encoding (for mapping positions)."""
    enc = xml_encoding(data)
    if enc in ("utf-8", "utf8"):
        if data.startswith(codecs.BOM_UTF8):
            data = data[3:]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise XmlRefused(f"not valid UTF-8: byte 0x{data[e.start]:02x} at offset {e.start} (line {line})") from None
    try:
        text = data.decode(enc)
    except LookupError:
        raise XmlRefused(f"unknown XML encoding '{enc}'") from None
    except UnicodeDecodeError as e:
        raise XmlRefused(f"not valid {enc}: byte offset {e.start}") from None
    return text.lstrip("\ufeff")


def parse_xml(data: bytes) -> tuple[Node, str, array]:
    """Parse ``data`` safely; return (root element, decoded file text, line starts).

    Raises :class:`XmlRefused` with a user-facing message for entity
    declarations (XML bombs), external entities and malformed XML.
    """
    from xml.parsers import expat
    from xml.sax import SAXParseException
    from xml.sax.handler import ContentHandler, feature_namespaces

    from defusedxml.common import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
    from defusedxml.expatreader import DefusedExpatParser

    text = decode_xml(data)
    starts = line_starts(text)
    # expat numbers lines by XML's end-of-line rule (\r\n, a lone \r and \n each end one):
    # its (line, column) must be resolved with the same rule, or a lone \r shifts every later position
    xml_starts = xml_line_starts(text) if "\r" in text else starts

    class _Parser(DefusedExpatParser):
        def reset(self) -> None:
            super().reset()
            # never ask for the external DTD subset (<!DOCTYPE nitf SYSTEM "nitf.dtd">);
            # entities it would define are reported as skipped instead
            self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    class _Handler(ContentHandler):
        def __init__(self) -> None:
            super().__init__()
            self.root: Node | None = None
            self.stack: list[Node] = []
            self.loc = None

        def setDocumentLocator(self, locator) -> None:
            self.loc = locator

        def _pos(self) -> int:
            line = self.loc.getLineNumber() or 1
            col = self.loc.getColumnNumber() or 0
            if line - 1 < len(xml_starts):
                return min(xml_starts[line - 1] + col, len(text))
            return len(text)

        def startElementNS(self, name, qname, attrs) -> None:
            ns, local = name
            a = {}
            for (ans, aname), value in attrs.items():
                a["xml:lang" if ans == XML_NS and aname == "lang" else aname] = value
            node = Node(local, ns or "", a, [], self._pos(), self.stack[-1] if self.stack else None)
            if self.stack:
                self.stack[-1].children.append(node)
            else:
                self.root = node
            self.stack.append(node)
            if len(self.stack) > MAX_DEPTH:
                raise XmlRefused(f"elements nested more than {MAX_DEPTH} deep")

        def endElementNS(self, name, qname) -> None:
            self.stack.pop()

        def _chunk(self, s: str, pos: int) -> None:
            if not self.stack:
                return
            kids = self.stack[-1].children
            exact = text.startswith(s, pos)
            if kids and isinstance(kids[-1], Chunk) and kids[-1].exact and exact \
                    and kids[-1].pos + len(kids[-1].text) == pos:
                kids[-1].text += s  # consecutive literal pieces (parser buffer boundaries)
                return
            kids.append(Chunk(s, pos, exact))

        def characters(self, content: str) -> None:
            self._chunk(content, self._pos())

        def ignorableWhitespace(self, content: str) -> None:
            self._chunk(content, self._pos())

        def skippedEntity(self, name: str) -> None:
            # an entity the (never loaded) external DTD would define: &nbsp; &mdash; ...
            import html

            self._chunk(html.unescape(f"&{name};"), self._pos())

    handler = _Handler()
    parser = _Parser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    try:
        parser.parse(io.BytesIO(data))
    except EntitiesForbidden as e:
        if e.sysid or e.pubid:
            raise XmlRefused(
                f"refused: the XML declares an external entity '{e.name}' (SYSTEM \"{shown(e.sysid or e.pubid)}\"); "
                "external entities are never loaded (XXE protection)") from None
        raise XmlRefused(
            f"refused: the XML declares entity '{e.name}' (<!ENTITY>); entity declarations are not "
            "allowed, entity expansion is an XML-bomb risk") from None
    except ExternalReferenceForbidden as e:
        raise XmlRefused(
            f"refused: the XML references an external resource ({shown(e.sysid or e.pubid)}); "
            "external entities are never loaded (XXE protection)") from None
    except DefusedXmlException as e:  # pragma: no cover - DTDForbidden etc.
        raise XmlRefused(f"refused: {e}") from None
    except SAXParseException as e:
        raise XmlRefused(f"not well-formed XML: {e.getMessage()} (line {e.getLineNumber()}, "
                         f"column {(e.getColumnNumber() or 0) + 1})") from None
    except RecursionError:
        raise XmlRefused(f"elements nested more than {MAX_DEPTH} deep") from None
    if handler.root is None:
        raise XmlRefused("not well-formed XML: no root element")
    return handler.root, text, starts


_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def root_tag(head: bytes) -> bytes | None:
    """Local name of the first element in ``head``, skipping the prolog,
    comments, processing instructions and the DOCTYPE (best effort)."""
    i = 0
    n = len(head)
    while i < n:
        j = head.find(b"<", i)
        if j == -1 or j + 1 >= n:
            return None
        nxt = head[j + 1:j + 2]
        if head.startswith(b"<!--", j):
            k = head.find(b"-->", j + 4)
            if k == -1:
                return None
            i = k + 3
        elif nxt in (b"?", b"!"):
            if head[j:j + 9].upper() == b"<!DOCTYPE":
                # skip an internal subset [...]
                k = head.find(b">", j)
                b = head.find(b"[", j)
                if b != -1 and (k == -1 or b < k):
                    k = head.find(b"]", b)
                    k = head.find(b">", k) if k != -1 else -1
                if k == -1:
                    return None
                i = k + 1
            else:
                k = head.find(b">", j)
                if k == -1:
                    return None
                i = k + 1
        else:
            m = _ROOT_TAG.match(head, j)
            if not m:
                return None
            return m.group(1).split(b":")[-1]
    return None


# ---------------------------------------------------------------------------
# building the document text
# ---------------------------------------------------------------------------

Run = tuple  # (text, file offset, exact)
Translate = Callable[[str, int, bool], "list[Run]"]


class TextBuilder:
    """Accumulates document text, fields, entity hints and the origin map.

    ``add`` collapses markup whitespace (for HTML/XML flow text);
    ``add_plain`` keeps text as it is (plain-text payloads), trimming only the
    ends of the field.  Paragraphs (``para``) and fields are separated by a
    blank line.  ``translate``, when set, maps offsets of a nested source
    (HTML inside a JSON string) to file offsets.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.t = array("q")
        self.s = array("q")
        self.exact = bytearray()
        self.fields: list[FieldSpan] = []
        self._hints: list[tuple[str, str | None, int, int]] = []
        self._open_hints: list[tuple[str, int]] = []
        self.meta_hints: list[EntityHint] = []
        self.translate: Translate | None = None
        self._field: str | None = None
        self._field_start: int | None = None
        self._para_pending = False
        self._para_has_text = False
        self._space: int | None = None
        self._newline: int | None = None

    # -- low level -------------------------------------------------------
    def _emit(self, s: str, src: int, exact: bool) -> None:
        if not s:
            return
        if exact and self.exact and self.exact[-1] and self.s[-1] + (self.length - self.t[-1]) == src:
            pass  # continues the previous exact run
        else:
            self.t.append(self.length)
            self.s.append(src)
            self.exact.append(1 if exact else 0)
        self.parts.append(s)
        self.length += len(s)

    def _separate(self, src: int) -> None:
        """Emit what goes before the next text: field gap, paragraph break, space."""
        if self._field_start is None:
            if self.length:
                self._emit("\n\n", src, False)
            self._field_start = self.length
        elif self._para_pending:
            self._emit("\n\n", src, False)
        elif self._newline is not None:
            self._emit("\n", self._newline, False)
        elif self._space is not None:
            self._emit(" ", self._space, False)
        self._para_pending = False
        self._newline = None
        self._space = None
        self._para_has_text = True

    def _runs(self, text: str, src: int, exact: bool) -> "list[Run]":
        if self.translate is not None:
            return self.translate(text, src, exact)
        return [(text, src, exact)]

    # -- structure ---------------------------------------------------------
    def begin_field(self, name: str) -> None:
        self.end_field()
        self._field = name
        self._field_start = None
        self._para_pending = False
        self._para_has_text = False
        self._space = self._newline = None

    def end_field(self) -> None:
        if self._field is not None and self._field_start is not None and self.length > self._field_start:
            self.fields.append(FieldSpan(self._field, self._field_start, self.length))
        self._field = None
        self._field_start = None

    def field_has_text(self) -> bool:
        return self._field_start is not None and self.length > self._field_start

    def para(self) -> None:
        if self._para_has_text:
            self._para_pending = True
            self._para_has_text = False
        self._space = self._newline = None

    def line_break(self, src: int) -> None:
        if self._para_has_text and not self._para_pending:
            self._newline = src
            self._space = None

    def hint_begin(self, type_: str) -> None:
        self._open_hints.append((type_, self.length))

    def hint_end(self) -> None:
        if self._open_hints:
            type_, start = self._open_hints.pop()
            if self.length > start:
                self._hints.append((type_, None, start, self.length))

    # -- text ----------------------------------------------------------------
    def add(self, text: str, src: int, exact: bool = True) -> None:
        """Flow text: markup whitespace collapses to one space."""
        for m in _TOKENS.finditer(text):
            tok = m.group()
            p = src + m.start() if exact else src
            if tok[0] in _WS_CHARS:
                if self._para_has_text and self._space is None and self._newline is None and not self._para_pending:
                    self._space = self._runs(" ", p, False)[0][1] if self.translate else p
                continue
            runs = self._runs(tok, p, exact)
            self._separate(runs[0][1])
            for s, fp, ex in runs:
                self._emit(s, fp, ex)

    def add_plain(self, chunks: Sequence[Chunk]) -> None:
        """Plain text kept as it is (newlines, doubled spaces), ends of the whole trimmed."""
        total = "".join(c.text for c in chunks)
        lead = len(total) - len(total.lstrip())
        end = len(total.rstrip())
        if end <= lead:
            return
        first = True
        off = 0
        for c in chunks:
            a, b = max(lead - off, 0), min(end - off, len(c.text))
            off += len(c.text)
            if a >= b:
                continue
            piece = c.text[a:b]
            p = c.pos + a if c.exact else c.pos
            runs = self._runs(piece, p, c.exact)
            if first:
                self._separate(runs[0][1])
                first = False
            for s, fp, ex in runs:
                self._emit(s, fp, ex)

    # -- result ----------------------------------------------------------------
    def build(self, source: str, lines: array, *, record: int | None = None, lang: str | None = None) -> Document:
        self.end_field()
        text = "".join(self.parts)
        hints: list[EntityHint] = []
        for type_, _, start, end in self._hints:
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                hints.append(EntityHint(text[start:end], type_, start, end))
        hints.extend(self.meta_hints)
        origin = OffsetOrigin(self.t, self.s, self.exact, lines)
        return Document(source=source, text=text, record=record, fields=list(self.fields), lang=lang,
                        hints=hints, origin=origin)


def table_translate(table: Sequence[int]) -> Translate:
    """A ``translate`` for text taken from a nested source string whose
    character *i* sits at file offset ``table[i]`` (e.g. a JSON string value):
    exact runs are split wherever the file offsets stop being consecutive."""

    def translate(text: str, pos: int, exact: bool) -> "list[Run]":
        n = len(table)
        if not exact:
            return [(text, table[min(pos, n - 1)], False)]
        runs: list[Run] = []
        start = 0
        prev = None
        for k in range(len(text)):
            fp = table[min(pos + k, n - 1)]
            if prev is not None and fp != prev + 1:
                runs.append((text[start:k], table[min(pos + start, n - 1)], True))
                start = k
            prev = fp
        runs.append((text[start:], table[min(pos + start, n - 1)], True))
        return runs

    return translate


def chunks_table(chunks: Iterable[Chunk]) -> tuple[str, list[int]]:
    """Concatenate chunks; return the text and, per character, its file offset
    (plus one entry for the end)."""
    parts: list[str] = []
    table: list[int] = []
    last = 0
    for c in chunks:
        parts.append(c.text)
        if c.exact:
            table.extend(range(c.pos, c.pos + len(c.text)))
            last = c.pos + len(c.text)
        else:
            table.extend([c.pos] * len(c.text))
            last = c.pos
    table.append(last)
    return "".join(parts), table


# ---------------------------------------------------------------------------
# flow extraction: block elements -> paragraphs, inline markup -> text
# ---------------------------------------------------------------------------

HTML_BLOCKS = frozenset("""
p div section article header footer main aside blockquote figure figcaption h1 h2 h3 h4 h5 h6 li ul ol dl dt dd
table thead tbody tfoot tr td th caption pre address hr details summary fieldset legend center body html
""".split())
HTML_SKIP = frozenset("""
script style noscript template svg math nav form button iframe canvas object embed video audio select textarea
input head title link meta
""".split())


def emit_flow(b: TextBuilder, node: Node, *, blocks: frozenset, skip: frozenset,
              hints: "dict[str, str] | None" = None, breaks: frozenset = frozenset({"br"}),
              exclude: "Iterable[Node]" = (), hidden: Callable[[Node], bool] | None = None) -> None:
    """Walk ``node``'s content (iteratively) and feed the builder."""
    hints = hints or {}
    excluded = {id(n) for n in exclude}
    stack: list = [(node, 0)]
    b.para()
    while stack:
        n, i = stack.pop()
        if i < len(n.children):
            stack.append((n, i + 1))
            c = n.children[i]
            if isinstance(c, Chunk):
                b.add(c.text, c.pos, c.exact)
                continue
            tag = c.tag
            if tag in skip or id(c) in excluded or (hidden is not None and hidden(c)):
                continue
            if tag in breaks:
                b.line_break(c.pos)
                continue
            if tag in blocks:
                b.para()
            if tag in hints:
                b.hint_begin(hints[tag])
            stack.append((c, 0))
        else:
            if n is node:
                continue
            if n.tag in hints:
                b.hint_end()
            if n.tag in blocks:
                b.para()
    b.para()


def emit_inline(b: TextBuilder, node: Node, hints: "dict[str, str] | None" = None) -> None:
    """A headline-like element: all its text as one paragraph."""
    emit_flow(b, node, blocks=frozenset(), skip=frozenset(), hints=hints)


def first_text_node(nodes: Iterable[Node]) -> Node | None:
    for n in nodes:
        if n.text().strip():
            return n
    return None



def check_xml_bytes(data: bytes, source: str, max_bytes: int) -> "str | None":
    """The checks every reader shares, for XML bytes (UTF-16 allowed): a message or None."""
    if len(data) > max_bytes:
        from mtqa.readers import too_large

        return too_large(len(data), max_bytes, source)
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return "empty file: no text to check"
    if xml_encoding(data) not in ("utf-16", "utf-16le", "utf-16be") and b"\x00" in data[:8192]:
        return "binary file (contains NUL bytes), not text"
    return None


def wrong_root(root: Node, wanted: str) -> str:
    return (f"not {wanted}: the XML root element is <{root.tag}> (NITF has <nitf>, NewsML-G2 has "
            "<newsItem>, <packageItem> or <newsMessage>); choose the reader with --input-format")


def load_xml(stream, source: str, options):
    """Read, size-check and parse an XML input with defusedxml: ``(root, lines)``,
    or a ReadError explaining why the file was refused."""
    from mtqa.readers import ReadError, read_limited

    data = read_limited(stream, options)
    problem = check_xml_bytes(data, source, options.max_bytes)
    if problem:
        return ReadError(source, problem)
    try:
        root, _text, lines = parse_xml(data)
    except XmlRefused as e:
        return ReadError(source, str(e))
    return root, lines
