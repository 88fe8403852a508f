"""Wire formats (NITF, NewsML-G2, ninjs, HTML) and batch reading with --jobs.

Every sample in tests/fixtures/wire encodes the same machine-translated story
(see make_fixtures.py); story.txt is its plain-text equivalent.  A reader is
right when the document text equals the plain text, the findings equal those
of the plain text, and each finding's line/column points at its text in the
original file.
"""

import html
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import required, run_mtqa
from mtqa import Checker, Config
from mtqa.document import Document
from mtqa.readers import ReadError, ReadOptions, detect, read_path

WIRE = Path(__file__).parent / "fixtures" / "wire"
PLAIN = (WIRE / "story.txt").read_text(encoding="utf-8").strip()
SECOND = (WIRE / "second.txt").read_text(encoding="utf-8").strip()
CFG = Config(fluency=False)

SAMPLES = [
    ("story.nitf.xml", "nitf", "markup"),
    ("story-nitf.newsml.xml", "newsml", "markup"),
    ("story-xhtml.newsml.xml", "newsml", "markup"),
    ("message.newsml.xml", "newsml", "markup"),
    ("story.ninjs1.json", "ninjs", "json"),
    ("story.ninjs2.json", "ninjs", "json"),
    ("story.ninjs3.json", "ninjs", "json"),
    ("story.html", "html", "markup"),
]


@pytest.fixture(scope="module")
def checker():
    return Checker(CFG)


def _docs(path, **kw):
    return list(read_path(str(path), ReadOptions(**kw)))


def _finding_keys(report):
    return [(f.code, f.start, f.end, f.text, f.message, f.suggestion) for f in report.findings]


def _raw_at(raw_lines, line, col, kind, n):
    """The text the file holds from (line, col), decoded the way the format decodes it."""
    rest = "\n".join([raw_lines[line - 1][col - 1:]] + raw_lines[line:line + 6])
    if kind == "json":
        end = re.search(r'(?<!\\)(?:\\\\)*"', rest)
        return json.loads('"' + rest[:end.start() + len(end.group()) - 1] + '"')
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", rest)).split())


@pytest.mark.parametrize("name,fmt,kind", SAMPLES)
def test_sample_reads_like_the_plain_text(name, fmt, kind, checker):
    path = WIRE / name
    assert detect(str(path), path.read_bytes()[:4096]) == fmt
    docs = _docs(path)
    assert all(isinstance(d, Document) for d in docs), docs
    doc = docs[0]
    assert doc.text == PLAIN
    assert [f.name for f in doc.fields] == ["headline", "body"]
    assert doc.text[doc.fields[0].start:doc.fields[0].end] == PLAIN.split("\n\n")[0]
    got = checker.check_document(doc)
    want = checker.check_text(PLAIN)
    assert _finding_keys(got) == _finding_keys(want)
    assert len(got.findings) >= 15
    # every finding points at its own text in the original file
    raw_lines = path.read_text(encoding="utf-8").split("\n")
    exact = 0
    for f in got.findings:
        assert f.field == ("headline" if f.start < doc.fields[0].end else "body")
        here = _raw_at(raw_lines, f.line, f.column, kind, len(f.text))
        want_text = f.text if kind == "json" else " ".join(f.text.split())
        assert here.startswith(want_text), (f.code, f.line, f.column, f.text, here[:60])
        if raw_lines[f.line - 1][f.column - 1:].startswith(f.text):
            exact += 1
    assert exact >= len(got.findings) // 2  # most spans are literal in the file


def test_nitf_entity_markup_becomes_hints():
    (doc,) = _docs(WIRE / "story.nitf.xml")
    assert doc.lang == "en"
    hints = {(h.text, h.type) for h in doc.hints}
    assert {("Dmitry Peskov", "person"), ("state Department", "organisation"), ("Syria", "place"),
            ("John Kirby", "person")} <= hints
    for h in doc.hints:
        assert doc.text[h.start:h.end] == h.text
    # hedline markup counts too; byline and dateline people are not article text
    assert ("Putin", "person") in hints and not any("Example Wire" in h.text for h in doc.hints)


def test_newsml_language_hints_and_message_items(checker):
    (doc,) = _docs(WIRE / "story-xhtml.newsml.xml")
    assert doc.lang == "en-GB"
    assert {("John Kerry", "person"), ("Jabhat al-Nusra", "organisation"), ("Syria", "place")} <= \
        {(h.text, h.type) for h in doc.hints}
    first, second = _docs(WIRE / "message.newsml.xml")  # the package and the picture carry no text
    assert (first.record, second.record) == (2, 4)
    assert (first.lang, second.lang) == ("en", "en-US")
    assert second.text == SECOND
    got, want = checker.check_document(second), checker.check_text(SECOND)
    assert _finding_keys(got) == _finding_keys(want) and {f.code for f in got.findings} >= {"TYP001", "REP001"}
    raw = (WIRE / "message.newsml.xml").read_text(encoding="utf-8").split("\n")
    for f in got.findings:
        assert raw[f.line - 1][f.column - 1:].startswith(f.text)


def test_ninjs_hints_language_and_html_body():
    for name in ("story.ninjs1.json", "story.ninjs2.json", "story.ninjs3.json"):
        (doc,) = _docs(WIRE / name)
        assert doc.lang == "en"
        assert any(h.type == "person" and h.start is None for h in doc.hints)
    # ninjs 2 has a plain main body and an HTML richtext body: the main one is read
    (doc,) = _docs(WIRE / "story.ninjs2.json")
    assert doc.text == PLAIN


def test_ninjs_field_option_array_and_one_line_object(tmp_path, checker):
    p = tmp_path / "feed.json"
    items = [{"uri": "urn:a", "headline": "First", "body_text": "The the end."},
             {"uri": "urn:b", "headlines": [{"value": "Second"}],
              "bodies": [{"contentType": "text/html", "value": "<p>He said , no.</p><p>Fine.</p>"}]},
             {"uri": "urn:c", "type": "picture"}]
    p.write_text(json.dumps(items), encoding="utf-8")
    out = _docs(p)
    assert [d.record for d in out[:2]] == [1, 2] and isinstance(out[2], ReadError)
    assert out[2].source == f"{p}:3" and "no text field" in out[2].message
    assert out[1].text == "Second\n\nHe said , no.\n\nFine."
    rep = checker.check_document(out[1])
    (f,) = [f for f in rep.findings if f.code == "TYP001"]
    line = p.read_text(encoding="utf-8")
    assert line[f.column - 1:].startswith(" , no.") and f.line == 1
    # --field picks top-level properties
    q = tmp_path / "one.ninjs"
    q.write_text(json.dumps({"uri": "x", "headline": "H", "slugline": "The the slug", "body_text": "B."}),
                 encoding="utf-8")
    (d,) = _docs(q, fields=["slugline"])
    assert d.text == "The the slug"
    from mtqa.readers.ninjs import NinjsReader

    assert NinjsReader.sniff(q.read_bytes())  # one line, yet ninjs (sniffed before JSON Lines)


def test_html_reader_drops_page_chrome():
    (doc,) = _docs(WIRE / "story.html")
    assert doc.lang == "en"
    for junk in ("dataLayer", "World", "Business", "Related", "Kerry lands", "All rights reserved",
                 "NewsArticle", "font-family", "Example Wire"):
        assert junk not in doc.text


def test_html_without_article_and_entities(tmp_path):
    p = tmp_path / "page.htm"
    p.write_text("<html><head><title>T &amp; U</title></head><body><header>Site</header>"
                 "<p>Caf&eacute; &#8220;x&#x201D; &amp b &zzqq; y<br>next"
                 "<p hidden>secret</p><div style='display: none'>gone</div><ul><li>one<li>two</ul>"
                 "<footer>foot</footer></body></html>", encoding="utf-8")
    (doc,) = _docs(p)
    assert doc.text == "T & U\n\nCafé “x” & b &zzqq; y\nnext\n\none\n\ntwo"
    raw = p.read_text(encoding="utf-8")
    col = doc.line_col(doc.text.index("y\nnext"))[1]
    assert raw[col - 1] == "y"
    assert raw[doc.line_col(doc.text.index("“"))[1] - 1:].startswith("&#8220;")


def test_xml_crlf_latin1_doctype_and_skipped_entities(tmp_path, checker):
    p = tmp_path / "crlf.xml"
    body = ('<?xml version="1.0" encoding="ISO-8859-1"?>\r\n<!DOCTYPE nitf SYSTEM "http://127.0.0.1:9/nitf.dtd">\r\n'
            '<nitf><body><body.head><hedline><hl1>Caf\xe9 news</hl1></hedline></body.head>\r\n'
            '<body.content><p>Line one&nbsp;here.\r\n  The the minister said , no.</p></body.content></body></nitf>\r\n')
    p.write_bytes(body.encode("latin-1"))
    (doc,) = _docs(p)
    assert doc.text == "Café news\n\nLine one\u00a0here. The the minister said , no."
    rep = checker.check_document(doc)
    raw = body.split("\r\n")
    for f in rep.findings:
        if f.code in ("REP001", "TYP001"):
            assert f.line == 5 and raw[4][f.column - 1:].startswith(f.text)


def test_xml_refusals_and_errors(tmp_path):
    (tmp_path / "good.nitf").write_bytes((WIRE / "story.nitf.xml").read_bytes())
    shutil.copy(WIRE / "bomb.xml", tmp_path / "bomb.nitf")
    shutil.copy(WIRE / "xxe.xml", tmp_path / "xxe.newsml")
    (tmp_path / "broken.nitf").write_text("<nitf><body><p>unclosed</body></nitf>", encoding="utf-8")
    r = run_mtqa("check", tmp_path, WIRE / "bomb.xml", WIRE / "xxe.xml", "--no-fluency", "--format", "json",
                 "--select", "REP001")
    assert r.returncode == 2
    err = r.stderr
    assert "bomb.nitf: refused: the XML declares entity 'lol'" in err and "XML-bomb" in err
    assert "bomb.xml: refused" in err
    assert "xxe.newsml: refused: the XML declares an external entity 'secret' (SYSTEM \"file:///etc/passwd\")" in err
    assert "broken.nitf: not well-formed XML: mismatched tag (line 1, column" in err
    out = json.loads(r.stdout)
    assert [d["source"].split("/")[-1] for d in out["documents"]] == ["good.nitf"]
    assert out["documents"][0]["findings"][0]["code"] == "REP001"
    assert "root:" not in json.dumps(out)  # no file content leaked from /etc/passwd


def test_forced_input_format_and_wrong_root(tmp_path):
    (err,) = _docs(WIRE / "story-nitf.newsml.xml", input_format="nitf")
    assert isinstance(err, ReadError) and "not NITF: the XML root element is <newsItem>" in err.message
    pkg = tmp_path / "pkg.newsml"
    pkg.write_text('<packageItem xmlns="http://iptc.org/std/nar/2006-10-01/"><groupSet/></packageItem>',
                   encoding="utf-8")
    (err,) = _docs(pkg)
    assert isinstance(err, ReadError) and "packageItem holds only references" in err.message
    # the same story through --input-format on an unhelpful extension
    dat = tmp_path / "story.dat"
    dat.write_bytes((WIRE / "story.nitf.xml").read_bytes())
    (doc,) = _docs(dat, input_format="nitf")
    assert doc.text == PLAIN


def test_cli_reports_fields_and_original_positions():
    r = run_mtqa("check", WIRE / "story.ninjs3.json", "--no-fluency", "--select", "REP001", "--format", "json")
    f = json.loads(r.stdout)["documents"][0]["findings"][0]
    raw = (WIRE / "story.ninjs3.json").read_text(encoding="utf-8").split("\n")
    assert f["field"] == "body" and raw[f["line"] - 1][f["column"] - 1:].startswith("the the")


def test_readers_never_crash_on_mangled_input(checker):
    """Cut, spliced and truncated samples: each reader yields documents or ReadErrors, never an exception."""
    import random

    rng = random.Random(11)
    datas = [p.read_bytes() for p in sorted(WIRE.iterdir()) if p.suffix in (".xml", ".json", ".html")]
    pieces = [b"<", b">", b"&", b"&amp;", b"\"", b"\\", b"<p>", b"</p>", b"<br/>", b"\r\n", b"{", b"}", b"]]>",
              b"<![CDATA[", b"\xe2\x80\x9c", b"\xff", b"<!--", b"<script>", b"&#xD800;", b"\\ud800", b"<!ENTITY x 'y'>"]
    for _ in range(300):
        d = bytearray(rng.choice(datas))
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(d) + 1)
            op = rng.random()
            if op < 0.35:
                del d[i:i + rng.randint(1, 40)]
            elif op < 0.8:
                d[i:i] = rng.choice(pieces)
            else:
                del d[i:]
        fmt = rng.choice([None, "nitf", "newsml", "ninjs", "html"])
        from mtqa.readers import read_stream

        for item in read_stream(io.BufferedReader(io.BytesIO(bytes(d))), "x.xml", ReadOptions(input_format=fmt)):
            assert isinstance(item, (Document, ReadError))
            if isinstance(item, Document):
                for f in checker.check_document(item).findings:
                    assert f.line >= 1 and f.column >= 1 and f.text == item.text[f.start:f.end]


# ---------------------------------------------------------------------------
# --jobs: reading and rules in worker processes
# ---------------------------------------------------------------------------

def _key(items):
    out = []
    for it in items:
        if isinstance(it, ReadError):
            out.append(("error", it.source, it.message))
        else:
            out.append((it.document.source, it.document.record, it.document.text,
                        [(f.code, f.start, f.end, f.line, f.column, f.end_line, f.end_column, f.field, f.text)
                         for f in it.findings], it.extra))
    return out


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("batch")
    paras = PLAIN.split("\n\n") + SECOND.split("\n\n")
    with open(d / "a.jsonl", "w", encoding="utf-8") as fh:
        for i in range(120):
            if i == 40:
                fh.write("{not json\n")
                continue
            ps = [paras[(i + k * 3) % len(paras)] for k in range(4)]
            fh.write(json.dumps({"headline": ps[0], "body": "\n\n".join(ps[1:])}, ensure_ascii=i % 2 == 0) + "\n")
    (d / "blank.jsonl").write_text("\n" * 5000, encoding="utf-8")
    (d / "b.txt").write_text(PLAIN + "\n", encoding="utf-8")
    for name in ("story.nitf.xml", "message.newsml.xml", "story.html", "story.ninjs2.json"):
        shutil.copy(WIRE / name, d / (name.replace(".xml", ".nitf") if name.endswith("nitf.xml") else
                                      name.replace(".newsml.xml", ".newsml").replace(".json", ".ninjs")))
    return d


def test_parallel_matches_serial(batch_dir):
    from mtqa.parallel import check_paths_parallel

    paths = [str(batch_dir), str(batch_dir / "b.txt"), str(batch_dir / "missing.txt")]
    serial = _key(Checker(CFG).check_paths(paths, ReadOptions()))
    par = _key(check_paths_parallel(CFG, paths, ReadOptions(), jobs=2, chunk_bytes=4096))
    assert par == serial
    # the malformed line 41 of a.jsonl: one read error, in reading order (after lines 1-40, before 42)
    bad = [i for i, k in enumerate(serial) if k[0] == "error" and k[1] == f"{batch_dir}/a.jsonl:41"]
    assert bad == [40] and serial[40][2].startswith("malformed JSON")
    assert [k[1] for k in serial[:40]] == list(range(1, 41)) and serial[41][:2] == (f"{batch_dir}/a.jsonl", 42)
    assert any(k[0] == "error" and k[1].endswith("blank.jsonl") and "empty file" in k[2] for k in par)
    assert len([k for k in par if k[0] != "error"]) > 120
    # one segment per line, split into ranges, records stay 0-based line indexes
    lines = batch_dir / "a.jsonl"
    opts = ReadOptions(input_format="lines")
    assert _key(check_paths_parallel(CFG, [str(lines)], opts, jobs=2, chunk_bytes=2048)) == \
        _key(Checker(CFG).check_paths([str(lines)], opts))


MODEL_5M = Path(__file__).resolve().parents[1] / "models" / "newslm-5m"


@required(not (MODEL_5M / "model.safetensors").is_file(), "models/newslm-5m/model.safetensors is missing")
def test_parallel_runs_the_model_in_each_worker(batch_dir):
    """--jobs with fluency: each worker loads the model once and scores its own documents;
    the findings and scores are those of one process."""
    from mtqa.parallel import WORKERS, check_paths_parallel

    cfg = Config(fluency=True, model=str(MODEL_5M), select=["FLU", "REP", "TYP"])
    paths = [str(batch_dir / "b.txt"), str(batch_dir / "story.nitf"), str(batch_dir / "message.newsml"),
             str(batch_dir / "story.html")]
    serial = _key(Checker(cfg).check_paths(paths, ReadOptions()))
    WORKERS.clear()
    par = _key(check_paths_parallel(cfg, paths, ReadOptions(), jobs=2, chunk_bytes=1))
    assert par == serial
    assert WORKERS  # the checking was done in worker processes
    docs = [k for k in par if k[0] != "error"]
    assert docs and all("fluency" in k[4] for k in docs)


def test_summary_table_renders():
    from mtqa.formatters import RunSummary
    from mtqa.summary_table import print_summary_table

    s = RunSummary()
    s.add(Checker(CFG).check_text(PLAIN), True)
    s.seconds = 1.5
    buf = io.StringIO()
    print_summary_table(s, files=1, cpu=1.2, stream=buf, color=False)
    text = buf.getvalue()
    assert "CAS001" in text and "proper-noun-casing" in text and "files" in text and "1.20 s" in text
    assert "\x1b[" not in text


# ---------------------------------------------------------------------------
# CLI wiring: --jobs, --statistics with workers, and the directory walk's detection
# ---------------------------------------------------------------------------

def test_cli_jobs_gives_the_serial_output(batch_dir):
    args = ["check", batch_dir, "--no-fluency", "--format", "json"]
    one = run_mtqa(*args, "--jobs", "1")
    two = run_mtqa(*args, "--jobs", "2")
    assert one.returncode == two.returncode == 2  # the unreadable inputs
    assert json.loads(one.stdout)["documents"] and "No such option" not in one.stderr
    assert one.stdout == two.stdout and one.stderr == two.stderr
    stats = run_mtqa("check", batch_dir / "b.txt", "--no-fluency", "--statistics", "--jobs", "2")
    assert "files" in stats.stderr and "CAS001" in stats.stderr and "words/s" in stats.stderr


def test_directory_walk_reads_news_xml_and_json_only(tmp_path):
    shutil.copy(WIRE / "story.nitf.xml", tmp_path)
    shutil.copy(WIRE / "story.ninjs2.json", tmp_path)
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1"}', encoding="utf-8")
    (tmp_path / "pom.xml").write_text("<project><modelVersion>4.0.0</modelVersion></project>", encoding="utf-8")
    one_line = tmp_path / "flat.json"
    one_line.write_text(json.dumps(json.loads((WIRE / "story.ninjs2.json").read_text(encoding="utf-8"))),
                        encoding="utf-8")
    names = sorted(Path(d.source).name for d in read_path(str(tmp_path), ReadOptions()))
    assert names == ["flat.json", "story.ninjs2.json", "story.nitf.xml"]
    assert detect(str(one_line), one_line.read_bytes()[:4096]) == "ninjs"
