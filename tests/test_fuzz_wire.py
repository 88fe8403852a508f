"""Fuzzing the wire-format readers (NITF, NewsML-G2, ninjs, HTML, JSONL) and the HTML report.

Inputs start from the small fixtures in tests/fixtures/wire and are mutated
by hypothesis: truncated, cut, slices duplicated, markup and escapes
inserted (tags, CDATA, comments, entities and character references,
entity declarations, encoding declarations, JSON escapes, lone-surrogate
escapes, invalid UTF-8), JSON keys duplicated, and text runs replaced with
machine-translated news (escaped, or raw).

Invariants:

* reading yields :class:`ReadError` items with a one-line message, or
  documents; checking a document (fluency off) raises nothing;
* every finding's line/column is a position in the original file (decoded
  the way the reader decodes it), and the character there is the finding's
  first character — or where the file wrote it as an escape, entity, CDATA
  section or markup, the ``\\``, ``&`` or ``<`` that starts it;
* ``mtqa check`` (in process) exits 2 with one ``mtqa: error:`` line per
  unreadable input and still reports the rest;
* the HTML report of those documents and errors (file names from the input
  too) parses with ``html.parser``; it has only the elements and attributes
  the formatter writes — no ``<script`` or handler from the input — its
  JSON data blocks parse and hold no ``<``, and the text shown for each
  document is the document text, exactly.
"""

from __future__ import annotations

import html
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from mtqa import Checker, Config
from mtqa.document import Document
from mtqa.formatters import RunSummary, get_formatter
from mtqa.gate import fails
from mtqa.readers import ReadError, ReadOptions, decode, read_stream
from mtqa.readers._xml import XmlRefused, decode_xml
from mtqa.readers.html import decode_html

from fuzzsupport import ARTIFACTS, NOISE, budget, spliced_news, tick

WIRE = Path(__file__).parent / "fixtures" / "wire"
CHECKER = Checker(Config(fluency=False))
FIXTURES = [(p.name, fmt, p.read_bytes()) for p, fmt in (
    (WIRE / "story.nitf.xml", "nitf"), (WIRE / "story-nitf.newsml.xml", "newsml"),
    (WIRE / "story-xhtml.newsml.xml", "newsml"), (WIRE / "message.newsml.xml", "newsml"),
    (WIRE / "story.ninjs1.json", "ninjs"), (WIRE / "story.ninjs2.json", "ninjs"), (WIRE / "story.ninjs3.json", "ninjs"),
    (WIRE / "story.html", "html"), (WIRE / "bomb.xml", "nitf"), (WIRE / "xxe.xml", "nitf"),
)]
PLAIN = (WIRE / "story.txt").read_text(encoding="utf-8")
JSONL = "".join(json.dumps({"headline": p.split("\n")[0], "body": p}, ensure_ascii=i % 2 == 0) + "\n"
                for i, p in enumerate(PLAIN.split("\n\n"))).encode("utf-8")
FIXTURES.append(("story.jsonl", "jsonl", JSONL))

PIECES = [
    b"<", b">", b"&", b"&amp;", b"&lt;script&gt;", b"&#8220;", b"&#x201C;", b"&#xD800;", b"&#0;", b"&#99999999;",
    b"&nbsp;", b"&mdash;", b"&bogus;", b"&amp", b'"', b"'", b"\\", b'\\"', b"\\u00e9", b"\\ud800", b"\\udc00x",
    b"\\n", b"<p>", b"</p>", b"<br/>", b"<br>", b"</br>", b"<hl1>", b"</hl1>", b"<person>", b"</person>",
    b"<h1>", b"</h1>", b"<article>", b"</article>", b"<script>alert(1)</script>", b"<style>", b"</style>",
    b"<![CDATA[", b"]]>", b"<![CDATA[The the x , y]]>", b"<!--", b"-->", b"<!-- c -->", b"<?pi x?>",
    b'<!DOCTYPE nitf [<!ENTITY a "b">]>', b'<!ENTITY x SYSTEM "file:///etc/passwd">', b"&a;", b"&x;",
    b'<?xml version="1.0" encoding="latin-1"?>', b'<?xml version="1.0" encoding="bogus-enc"?>',
    b'<meta charset="windows-1251">', b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\r\n", b"\r",
    b"{", b"}", b"[", b"]", b",", b":", b'"headline": "The the minister said , that",', b'"body_text": 5,',
    b'"bodies": [{"contenttype": "text/html", "value": "<p>us diplomacy</p>"}],', b"null", b"[" * 50,
    b"<div>" * 60, b"\xe2\x80\x9c", b"\xe2\x80\xae", b"\xcc\x81", b"\xf0\x9f\x87\xb7",
]


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape(text: str, fmt: str, how: str) -> bytes:
    if how == "raw":
        return text.encode("utf-8", "surrogatepass")
    if fmt in ("ninjs", "jsonl"):
        return json.dumps(text, ensure_ascii=how == "ascii")[1:-1].encode("utf-8", "surrogatepass")
    if fmt in ("nitf", "newsml"):
        text = _NOT_XML.sub("", text)  # characters XML 1.0 cannot hold, even as references
    if how == "ascii":
        return html.escape(text, quote=False).encode("ascii", "xmlcharrefreplace")
    return html.escape(text, quote=False).encode("utf-8", "surrogatepass")


_TEXT_RUN = {"xml": re.compile(rb">([^<>]{3,})<"), "json": re.compile(rb'"((?:[^"\\\n]|\\.){3,})"')}
# well-formed pieces to put inside a text run (the file stays readable)
INLINE = {
    "xml": [b"<![CDATA[The the x , y]]>", b"<!-- c -->", b"&amp;", b"&#8220;", b"&#x201C;", b"&lt;script&gt;",
            b"<?pi x?>", b"&nbsp;", b"\r\n", b"\r", b"<em>us</em> diplomacy", b"<br/>", b"&#x1F1F7;", b"\xcc\x81",
            b"\xe2\x80\xae", b" , ", b"<person>Josh Ernest</person>"],
    "html": [b"<em>x</em>", b"<br>", b"&amp;", b"&nbsp;", b"&#8220;", b"&amp", b"<!-- c -->",
             b"<script>alert(1)</script>", b"<span hidden>the the</span>", b"<p>", b"</p>", b"&#xD800;",
             b"<b>White</b> house", b"\r\n", b"\r", b" , ", b"&lt;script&gt;"],
    "json": [b"\\n", b"\\u201c", b'\\"', b"\\\\", b"\\ud800", b"\\ud83c\\udde7", b"\\/", b"\\r\\n",
             b"\\t", b" , ", b"\\u0301", b"<p>us diplomacy</p>", b"&amp;"],
}


@st.composite
def mutated(draw):
    """(name, forced format or None, bytes): a fixture mutated either so it stays readable (text runs
    replaced or given inline markup, escapes and entities; JSON keys duplicated) or so it likely breaks
    (truncated, cut, slices duplicated, arbitrary markup and bytes inserted)."""
    name, fmt, data = draw(st.sampled_from(FIXTURES))
    kind = "json" if fmt in ("ninjs", "jsonl") else "html" if fmt == "html" else "xml"
    d = bytearray(data)
    readable = draw(st.integers(0, 4)) > 1
    ops = ["text", "inline", "key"] if readable else ["truncate", "cut", "dup", "insert", "insert", "text", "key"]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(ops))
        i = draw(st.integers(0, len(d)))
        if op == "truncate":
            del d[i:]
        elif op == "cut":
            del d[i:i + draw(st.integers(1, 60))]
        elif op == "dup" and d:
            a = draw(st.integers(0, len(d) - 1))
            d[i:i] = d[a:a + draw(st.integers(1, 200))]
        elif op == "insert":
            d[i:i] = draw(st.one_of(st.sampled_from(PIECES), st.binary(min_size=1, max_size=6),
                                    st.sampled_from(NOISE).map(lambda s: s.encode("utf-8", "surrogatepass"))))
        elif op in ("text", "inline"):
            runs = list(_TEXT_RUN["json" if kind == "json" else "xml"].finditer(bytes(d)))
            if not runs:
                continue
            m = draw(st.sampled_from(runs))
            if op == "inline":
                # at a character boundary inside the run (never inside an escape or a UTF-8 sequence)
                cut, k = [], m.start(1)
                while k <= m.end(1):
                    cut.append(k)
                    if k < len(d) and d[k] == 0x5C and kind == "json":  # a JSON escape: step over it
                        k += 6 if d[k + 1:k + 2] == b"u" else 2
                    else:
                        k += 1
                        while k < m.end(1) and d[k] & 0xC0 == 0x80:  # inside a UTF-8 sequence
                            k += 1
                k = draw(st.sampled_from(cut))
                d[k:k] = draw(st.sampled_from(INLINE[kind]))
            else:
                new = draw(st.one_of(spliced_news(), st.sampled_from(ARTIFACTS), st.text(max_size=40)))
                how = draw(st.sampled_from(["escaped", "escaped", "ascii"] + ([] if readable else ["raw"])))
                d[m.start(1):m.end(1)] = _escape(new, fmt, how)
        elif op == "key" and kind == "json":
            # a duplicated key: JSON keeps the last value
            k = bytes(d).find(b"{")
            if k >= 0:
                key = draw(st.sampled_from([b"headline", b"body_text", b"body", b"title", b"text", b"uri"]))
                val = _escape(draw(st.one_of(spliced_news(), st.sampled_from(ARTIFACTS))), fmt, "escaped")
                if draw(st.booleans()):
                    d[k + 1:k + 1] = b'"' + key + b'": "' + val + b'", '
                else:
                    e = bytes(d).find(b"}\n") if fmt == "jsonl" else bytes(d).rfind(b"}")
                    if e > k:
                        d[e:e] = b', "' + key + b'": "' + val + b'"'
    forced = draw(st.sampled_from([fmt, fmt, None]))
    return name, forced, bytes(d)


def _file_text(data: bytes, fmt: str) -> "str | None":
    """The original file as the reader decoded it (positions count code points of this)."""
    if fmt in ("nitf", "newsml"):
        try:
            return decode_xml(data)
        except XmlRefused:
            return None
    opts = ReadOptions()
    t = decode_html(data, "x", opts) if fmt == "html" else decode(data, "x", opts)
    return t if isinstance(t, str) else None


def _read(name: str, fmt: "str | None", data: bytes):
    return list(read_stream(io.BufferedReader(io.BytesIO(data)), name, ReadOptions(max_bytes=200_000), fmt))


def check_positions(doc: Document, report, data: bytes, fmt: str) -> None:
    if fmt == "jsonl":
        lines = [raw.decode("utf-8", "replace").rstrip("\r\n")
                 for raw in data.removeprefix(b"\xef\xbb\xbf").split(b"\n")]
    else:
        text = _file_text(data, fmt)
        assert text is not None, "the reader accepted a file it cannot decode"
        lines = text.split("\n")
    for f in report.findings:
        assert 1 <= f.line <= len(lines), (f.code, f.line, len(lines))
        line = lines[f.line - 1]
        assert 1 <= f.column <= len(line) + 1, (f.code, f.line, f.column, len(line))
        at = line[f.column - 1:f.column]
        first = f.text[:1]
        ok = at == first or at in ("&", "\\", "<") or (first.isspace() and (at.isspace() or at == ""))
        assert ok, f"{f.code} {f.text!r} at {f.line}:{f.column} points at {line[f.column - 1:f.column + 20]!r}"
        if f.field is not None:
            assert f.field in {fs.name for fs in doc.fields}


def _detected_format(name: str, forced: "str | None", data: bytes) -> str:
    from mtqa.readers import detect

    return forced or detect(name, data[:4096])


XXE_NEWLINE = (b'<?xml version="1.0"?>\n<!DOCTYPE nitf [\n  <!ENTITY secret SYSTEM ">\nfile:///etc/passwd\t\xc2\x85">\n]>\n'
               b"<nitf><body><body.content><p>Leak &secret;</p></body.content></body></nitf>\n")


@budget(700)
@given(mutated())
@example(("xxe.xml", "nitf", XXE_NEWLINE))  # found by the campaign: a line break in the system id
def test_readers_on_mutated_wire_files(case):
    tick("wire: readers on mutated files")
    name, forced, data = case
    fmt = _detected_format(name, forced, data)
    for item in _read(name, forced, data):
        if isinstance(item, ReadError):
            assert item.message and "\n" not in item.message and "\r" not in item.message
            assert item.source.startswith(name)
            continue
        assert isinstance(item, Document)
        item.text.encode("utf-8")  # no lone surrogate survives a reader
        report = CHECKER.check_document(item)
        for f in report.findings:
            assert 0 <= f.start <= f.end <= len(item.text) and f.text == item.text[f.start:f.end]
        if fmt in ("nitf", "newsml", "ninjs", "html", "jsonl"):
            check_positions(item, report, data, fmt)


def test_duplicate_json_keys_point_at_the_value_json_keeps(tmp_path):
    """JSON keeps the last of duplicated keys; positions must point into that one, not the first."""
    line = '{"uri": "x", "headline": "Short", "body_text": "Fine.", "headline": "The the minister said , that."}'
    for name, fmt, data in (("dup.ninjs", "ninjs", line.encode()), ("dup.jsonl", "jsonl", line.encode() + b"\n")):
        (doc,) = _read(name, fmt, data)
        report = CHECKER.check_document(doc)
        assert {f.code for f in report.findings} >= {"REP001", "TYP001"}
        for f in report.findings:
            assert line[f.column - 1:].startswith(f.text), (fmt, f.code, f.column)


def test_lone_carriage_returns_in_xml_do_not_shift_positions():
    """Expat ends a line at a lone \\r too: its positions must be resolved the same way, or every
    finding after a lone \\r lands a line too low."""
    data = (WIRE / "story.nitf.xml").read_bytes()
    for mutated_data in (data.replace(b'xml:lang="en">', b'xml:lang="en">x\ry\r\r', 1),
                         data.replace(b"reports .", b"reports\r ."), data.replace(b"\n", b"\r")):
        (doc,) = _read("story.nitf.xml", "nitf", mutated_data)
        report = CHECKER.check_document(doc)
        assert len(report.findings) >= 15
        check_positions(doc, report, mutated_data, "nitf")


def test_read_errors_stay_on_one_line_whatever_the_input_holds():
    (err,) = _read("xxe.xml", "nitf", XXE_NEWLINE)
    assert isinstance(err, ReadError) and "external entity" in err.message
    assert "\n" not in err.message and "\x85" not in err.message
    assert "\\nfile:///etc/passwd\\t\\x85" in err.message
    # whatever a reader puts into a message
    assert ReadError("x", "a\nb\r\x1b[31mc\u2028").message == "a\\nb\\r\\x1b[31mc\\u2028"


# -- the CLI: exit 2 and one line per unreadable input ----------------------------------------------------------

@budget(60)
@given(st.lists(mutated(), min_size=1, max_size=3))
def test_cli_reports_unreadable_inputs_and_checks_the_rest(tmp_path_factory, cases):
    from typer.testing import CliRunner

    from mtqa.cli import app

    tick("wire: mtqa check on mutated files")
    tmp = tmp_path_factory.mktemp("wire")
    paths, want_docs, want_errors = [], 0, 0
    for k, (name, _forced, data) in enumerate(cases):
        p = tmp / f"{k}-{name}"
        p.write_bytes(data)
        paths.append(str(p))
        items = _read(str(p), None, data)  # detected as the CLI detects it
        want_docs += sum(isinstance(i, Document) for i in items)
        want_errors += sum(isinstance(i, ReadError) for i in items)
    r = CliRunner().invoke(app, ["check", *paths, "--no-fluency", "--format", "json", "--fail-on", "never"],
                           catch_exceptions=False)
    out = json.loads(r.stdout)
    assert len(out["documents"]) == want_docs and len(out["errors"]) == want_errors
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("mtqa: error: ")]
    assert len(errors) == want_errors
    assert r.exit_code == (2 if want_errors else 0)


# -- the HTML report -------------------------------------------------------------------------------------------

REPORT_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "div", "h1", "h2", "b", "span", "main",
               "section", "label", "input", "i", "small", "table", "tbody", "thead", "tr", "td", "th", "a", "ul",
               "ol", "li", "code", "details", "summary", "mark", "footer", "script", "p"}
REPORT_ATTRS = {"lang", "charset", "name", "content", "http-equiv", "class", "id", "title", "type", "data-toggle",
                "checked", "style", "role", "aria-label", "data-s", "data-f", "data-doc", "open", "tabindex", "href",
                "hidden"}


class ReportParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.texts: list[str] = []
        self._stack: list[str] = []
        self._text_depth: int | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self.scripts.append((a, ""))
        if tag in ("meta", "input"):
            return  # void
        self._stack.append(tag)
        if tag == "div" and a.get("class") == "text":
            self._text_depth = len(self._stack)
            self.texts.append("")

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == tag:
            if self._text_depth == len(self._stack):
                self._text_depth = None
            self._stack.pop()
        if tag == "script" and self.scripts and not self._stack[-1:] == ["script"]:
            pass

    def handle_data(self, data):
        if self._stack and self._stack[-1] == "script" and self.scripts:
            a, t = self.scripts[-1]
            self.scripts[-1] = (a, t + data)
        if self._text_depth is not None:
            self.texts[-1] += data


def render_report(reports, errors) -> str:
    out = io.StringIO()
    fmt = get_formatter("html")(out, fail_on="warning")
    fmt.begin()
    s = RunSummary()
    s.fail_on = "warning"
    for r in reports:
        s.add(r, fails(r, "warning"))
        fmt.document(r)
    for e in errors:
        s.errors += 1
        fmt.error(e)
    s.exit_code = 2 if s.errors else (1 if s.failed_documents else 0)
    fmt.end(s)
    return out.getvalue()


def check_report(page: str, reports) -> None:
    page.encode("utf-8")
    p = ReportParser()
    p.feed(page)
    p.close()
    assert {t for t, _ in p.tags} <= REPORT_TAGS, {t for t, _ in p.tags} - REPORT_TAGS
    assert {k for _, a in p.tags for k in a} <= REPORT_ATTRS, {k for _, a in p.tags for k in a} - REPORT_ATTRS
    assert len(p.scripts) == len(reports) + 1  # a data block per document and the report's own script
    assert len(re.findall(r"<script", page, re.I)) == len(reports) + 1
    data = [t for a, t in p.scripts if a.get("type") == "application/json"]
    assert len(data) == len(reports)
    for block, rep in zip(data, reports):
        assert "<" not in block
        assert [d["text"] for d in json.loads(block)] == [f.text for f in rep.findings]
    assert p.texts == [r.document.text for r in reports]


source_names = st.one_of(st.sampled_from(['<script>alert(1)</script>.txt', '"><img src=x onerror=alert(2)>.xml',
                                          "a&amp;b.html", "</details></section><script>.json"]),
                         st.text(min_size=1, max_size=20).filter(lambda s: "\x00" not in s))


@budget(250)
@given(st.lists(st.one_of(mutated(), st.tuples(source_names, st.just("text"), spliced_news().map(
    lambda s: s.encode("utf-8", "replace")))), min_size=1, max_size=3), source_names)
def test_html_report_of_fuzzed_inputs_is_well_formed_and_escaped(cases, error_name):
    tick("wire: HTML report")
    reports, errors = [], [ReadError(error_name, "<script>alert(3)</script> & “bad”")]
    for name, forced, data in cases:
        for item in _read(name, forced, data):
            if isinstance(item, ReadError):
                errors.append(item)
            else:
                reports.append(CHECKER.check_document(item))
    check_report(render_report(reports, errors), reports)
