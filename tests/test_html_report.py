"""The HTML review report: escaping, highlighting, fluency strip, names table, and a real browser."""

import html
import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import SEED, run_mtqa
from mtqa import Checker, Config
from mtqa.finding import Finding, Severity
from mtqa.formatters import RunSummary, get_formatter
from mtqa.formatters.html import segments
from mtqa.gate import fails

WIRE = Path(__file__).parent / "fixtures" / "wire"
EVIL = ('Minister says <script>alert(1)</script> and "quotes" \'single\' & <!-- x --> </script>'
        '<img src=x onerror="alert(2)">\n\n'
        'The the minister said , that the "deal" was done </textarea> ]]> {{x}} ${y} \u2028 end.\n')


class Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.scripts = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append((dict(attrs), ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def render(reports, fail_on="error", errors=()):
    out = io.StringIO()
    fmt = get_formatter("html")(out, fail_on=fail_on)
    fmt.begin()
    s = RunSummary()
    s.fail_on = fail_on
    for r in reports:
        s.add(r, fails(r, fail_on))
        fmt.document(r)
    for e in errors:
        s.errors += 1
        fmt.error(e)
    s.exit_code = 2 if s.errors else (1 if s.failed_documents else 0)
    s.seconds = 0.25
    fmt.end(s)
    return out.getvalue()


def test_everything_from_the_input_is_escaped(tmp_path):
    evil_name = tmp_path / 'x"><img src=y onerror=alert(3)>.txt'
    evil_name.write_text(EVIL, encoding="utf-8")
    r = run_mtqa("check", evil_name, SEED, "--no-fluency", "--format", "html", "-o", tmp_path / "r.html")
    assert r.returncode == 1, r.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    p = Tags()
    p.feed(page)
    tags = p.tags
    # no element, attribute or handler from the input
    assert not [t for t in tags if t[0] in ("img", "textarea")]
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    scripts = p.scripts
    assert len(scripts) == 3  # one data block per document + the report's own script
    data_blocks = [json.loads(text) for attrs, text in scripts if attrs.get("type") == "application/json"]
    assert len(data_blocks) == 2
    for attrs, text in scripts:
        assert "</" not in text.replace("<\\/", "") or attrs.get("type") != "application/json"
        assert "<!--" not in text
    assert "<" not in "".join(text for attrs, text in scripts if attrs.get("type") == "application/json")
    # the evil document's text round-trips exactly through the escaped page
    m = re.search(r'<div class="text">(.*?)</div>', page, re.S)
    shown = html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))
    assert shown == EVIL
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&quot;quotes&quot;" in page
    assert "&#x27;single&#x27;" in page
    # the file name is escaped in text and in attributes alike
    assert 'onerror=alert(3)' not in page.replace("onerror=alert(3)&gt;", "")
    assert data_blocks[0][0]["code"] == "REP001" or any(f["code"] == "REP001" for f in data_blocks[0])


def test_segments_handle_nested_and_overlapping_spans():
    text = "abcdefghij"
    spans = [(0, 6, 0), (2, 4, 1), (3, 8, 2), (9, 10, 3), (5, 5, 4)]
    segs = segments(text, spans, cuts=[7])
    assert "".join(text[a:b] for a, b, _ in segs) == text
    assert [(a, b) for a, b, _ in segs] == [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10)]
    covered = {(a, b): ids for a, b, ids in segs}
    assert covered[(2, 3)] == [0, 1] and covered[(3, 4)] == [0, 1, 2] and covered[(5, 6)] == [0, 2]
    assert covered[(7, 8)] == [2] and covered[(8, 9)] == [] and covered[(9, 10)] == [3]


def _finding(doc, start, end, code, family, sev, msg, sugg, conf):
    return Finding(code=code, rule=f"{family}-rule", family=family, severity=sev, start=start, end=end,
                   text=doc.text[start:end], message=msg, suggestion=sugg, confidence=conf)


def test_overlaps_fluency_strip_and_names_table():
    checker = Checker(Config(fluency=False))
    text = (WIRE / "story.txt").read_text(encoding="utf-8")
    a = checker.check_text(text, source="a.txt")
    b = checker.check_text(text, source="b.txt")
    doc = a.document
    i = doc.text.index("dzhebhat an-Nusra")
    # a name finding overlapping the unclosed-quote finding on “dzhebhat, in both documents
    for rep in (a, b):
        d = rep.document
        rep.findings.append(_finding(d, i, i + len("dzhebhat an-Nusra"), "NAM001", "name", Severity.ERROR,
                                     "garbled name of an organisation", "Jabhat al-Nusra", 0.93))
        rep.findings.sort(key=Finding.sort_key)
    a.extra["fluency"] = {"slor": 2.5, "logprob": -300.0, "tokens": 280,
                          "sentences": [{"start": s.start, "end": s.end, "slor": 4.0 - k * 0.3}
                                        for k, s in enumerate(doc.sentences)]}
    page = render([a, b])
    assert page.count('class="cell h') == len(doc.sentences)  # heat strip: one cell per sentence
    assert 'class="heat"' in page.split('id="doc-2"')[0] and 'class="heat"' not in page.split('id="doc-2"')[1]
    # the fluency card and line say what an editor can act on (sentences flagged), not a raw SLOR
    assert "SLOR" not in page and "sentences flagged for fluency" in page
    assert f"0 of {len(doc.sentences)} sentences flagged for fluency" in page
    assert "reads like the rest of the story" in page
    # overlapping highlight: the marks over the added name finding list it with the quote finding
    added = next(k for k, f in enumerate(a.findings) if f.message == "garbled name of an organisation")
    marks = re.findall(r'<mark class="hl [^"]*"[^>]*data-f="([0-9 ]+)"[^>]*>([^<]*)</mark>', page.split('id="doc-2"')[0])
    covering = [(ids.split(), text) for ids, text in marks if str(added) in ids.split()]
    assert "".join(text for _, text in covering) == "dzhebhat an-Nusra"
    quote = next(k for k, f in enumerate(a.findings) if f.code == "QUO001" and f.text == "“dzhebhat")
    assert any(str(quote) in ids for ids, _ in covering)  # “dzhebhat: quote and name findings in one segment
    # corrected-names table aggregates over documents: one row per (found, suggestion)
    names = page.split("Corrected names and phrases")[1].split("</table>")[0]
    groups = {}
    for rep in (a, b):
        for f in rep.findings:
            if f.family in ("name", "phrase") and f.suggestion:
                groups.setdefault((f.text, f.suggestion), []).append(f.confidence)
    assert names.count("<tr><td class=\"found\">") == len(groups)
    confs = groups[("dzhebhat an-Nusra", "Jabhat al-Nusra")]
    assert re.search(r'dzhebhat an-Nusra</td><td class="arrow">→</td><td class="sugg">Jabhat al-Nusra</td>'
                     rf'<td class="num">{len(confs)}</td>', names)
    assert 'href="#doc-1"' in names and 'href="#doc-2"' in names
    # summary header: gate, counts, rules
    assert ">FAIL<" in page and "2 documents with findings at or above error" in page
    assert "Findings by rule" in page and "CAS001" in page and "NAM001" in page


def test_no_fluency_no_findings_and_read_errors():
    from mtqa.readers import ReadError

    clean = Checker(Config(fluency=False)).check_text("The minister said the talks were over.\n", source="ok.txt")
    assert not clean.findings
    page = render([clean], errors=[ReadError("bad.xml", "refused: <script>x</script>")])
    assert 'class="heat"' not in page and "no findings" in page
    assert ">ERROR<" in page and "refused: &lt;script&gt;x&lt;/script&gt;" in page
    empty = render([])
    assert "No documents were checked." in empty and ">PASS<" in empty


CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


def test_report_opens_in_headless_chromium(tmp_path):
    """The report's script runs in a real browser (headless Chromium; .ci/run installs Debian's
    package when it is absent): without one this fails, it is not skipped."""
    assert CHROMIUM is not None, "chromium is not installed (Debian: apt-get install chromium; .ci/run does it)"
    evil = tmp_path / "evil.txt"
    evil.write_text(EVIL, encoding="utf-8")
    report = tmp_path / "report.html"
    r = run_mtqa("check", SEED, WIRE / "story.nitf.xml", WIRE / "message.newsml.xml", evil, WIRE / "bomb.xml",
                 "--no-fluency", "--format", "html", "-o", report)
    assert r.returncode == 2 and report.stat().st_size > 10_000
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--enable-logging=stderr", "--v=0", f"--user-data-dir={tmp_path / 'profile'}"]
    url = report.resolve().as_uri()
    first = json.loads(re.search(r'<script type="application/json" class="mtqa-data">(.*?)</script>',
                                 report.read_text(encoding="utf-8")).group(1))[1]
    dom = subprocess.run(base + ["--dump-dom", url + "#f-1-1"], capture_output=True, text=True, timeout=120)
    assert 'data-ready="1"' in dom.stdout, dom.stderr[-2000:]  # the script ran to its end
    tip = dom.stdout.split('<div id="tip" role="tooltip"', 1)[1].split("<script>", 1)[0]
    opening, content = tip.split(">", 1)
    assert " hidden" not in opening and f"<b>{first['code']}</b>" in content  # the deep link pinned a pop-up
    shot = tmp_path / "shot.png"
    run = subprocess.run(base + [f"--screenshot={shot}", "--window-size=1200,900", url], capture_output=True,
                         text=True, timeout=120)
    console = [ln for ln in (dom.stderr + run.stderr).splitlines() if ":CONSOLE" in ln or "Uncaught" in ln]
    assert not console, console  # no JavaScript errors, no blocked requests
    assert shot.exists() and shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
