"""Readers and bad input: one clear line on stderr, exit 2, other files still checked."""

import json
import os

import pytest

from mtqa.readers import ReadError, ReadOptions, read_path

GOOD = "The minister said , that talks were over.\n"


def test_text_reader_bom_and_crlf(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"\xef\xbb\xbfHello world.\r\nSecond line.\r\n")
    (doc,) = list(read_path(str(p), ReadOptions()))
    assert doc.text == "Hello world.\r\nSecond line.\r\n"


def test_jsonl_fields_and_positions_in_original_file(tmp_path, mtqa):
    p = tmp_path / "a.jsonl"
    rec1 = {"id": 1, "headline": "Talks \"end\"", "body": "Caf\u00e9 \u00e9t\u00e9: the minister said , no."}
    p.write_text(json.dumps(rec1, ensure_ascii=True) + "\n" + json.dumps({"title": "T", "text": "The the end."}) + "\n",
                 encoding="utf-8")
    docs = list(read_path(str(p), ReadOptions()))
    assert [d.record for d in docs] == [1, 2]
    assert docs[0].text.startswith("Talks \"end\"\n\nCafé été:")
    r = mtqa("check", p, "--format", "json", "--select", "TYP001,REP001")
    out = json.loads(r.stdout)
    f = out["documents"][0]["findings"][0]
    raw_line = p.read_text(encoding="utf-8").splitlines()[0]
    assert f["line"] == 1 and f["field"] == "body"
    # the column points at the space before the comma inside the raw JSON line
    assert raw_line[f["column"] - 1:f["column"] + 1] == " ,"
    assert out["documents"][1]["findings"][0]["line"] == 2


def test_jsonl_field_option(tmp_path, mtqa):
    p = tmp_path / "a.jsonl"
    p.write_text(json.dumps({"lede": "The the lede.", "body": "Fine body."}) + "\n", encoding="utf-8")
    assert mtqa("check", p, "--select", "REP001", "--fail-on", "warning").returncode == 0
    r = mtqa("check", p, "--select", "REP001", "--field", "lede", "--fail-on", "warning")
    assert r.returncode == 1 and "a.jsonl:1:11: warning REP001" in r.stdout


def test_bad_inputs_exit_2_and_good_files_still_reported(tmp_path, mtqa):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 10)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 said .".encode("latin-1"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bad.jsonl").write_text('{"body": "The the end."}\n{not json\n[1,2]\n{"x": 1}\n', encoding="utf-8")
    r = mtqa("check", tmp_path, "--format", "json", "--select", "TYP001,REP001")
    assert r.returncode == 2
    err = r.stderr.strip().splitlines()
    assert any("binary.txt: binary file" in e for e in err)
    assert any("latin1.txt: not valid UTF-8" in e for e in err)
    assert any("empty.txt: empty file" in e for e in err)
    assert any("bad.jsonl:2: malformed JSON" in e for e in err)
    assert any("bad.jsonl:3: expected a JSON object" in e for e in err)
    assert any("bad.jsonl:4: no text field" in e for e in err)
    assert all(e.startswith("mtqa: error: ") for e in err)
    out = json.loads(r.stdout)
    reported = {(d["source"].split("/")[-1], d.get("record")) for d in out["documents"]}
    assert ("good.txt", None) in reported and ("bad.jsonl", 1) in reported
    assert out["summary"]["unreadable"] == 6


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without permission")
def test_unreadable_file(tmp_path, mtqa):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "secret.txt"
    bad.write_text(GOOD, encoding="utf-8")
    bad.chmod(0)
    r = mtqa("check", tmp_path, "--select", "TYP001")
    assert r.returncode == 2 and "secret.txt: cannot read" in r.stderr and "good.txt:1:" in r.stdout


def test_unreadable_path_and_missing_file(tmp_path, mtqa):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    r = mtqa("check", tmp_path / "good.txt", tmp_path / "missing.txt", "--select", "TYP001")
    assert r.returncode == 2
    assert "missing.txt: no such file or directory" in r.stderr
    assert "good.txt:1:" in r.stdout


def test_max_bytes(tmp_path, mtqa):
    (tmp_path / "big.txt").write_text("word " * 1000, encoding="utf-8")
    r = mtqa("check", tmp_path / "big.txt", "--max-bytes", "100")
    assert r.returncode == 2 and "exceeds --max-bytes" in r.stderr


def test_directory_include_exclude(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "sub" / "b.txt").write_text(GOOD)
    (tmp_path / "sub" / "c.md").write_text(GOOD)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.txt").write_text(GOOD)
    names = lambda **kw: sorted(os.path.basename(d.source) for d in read_path(str(tmp_path), ReadOptions(**kw)))  # noqa: E731
    assert names() == ["a.txt", "b.txt"]
    assert names(include=["*.md"]) == ["c.md"]
    assert names(exclude=["sub/*"]) == ["a.txt"]


def test_stdin(mtqa):
    r = mtqa("check", "-", "--select", "REP001", "--fail-on", "warning", input="The the end.\n")
    assert r.returncode == 1 and "<stdin>:1:1: warning REP001" in r.stdout


def test_lines_reader_keeps_every_line(tmp_path):
    p = tmp_path / "hyp.txt"
    p.write_text("First segment.\n\nThird segment.\n", encoding="utf-8")
    docs = list(read_path(str(p), ReadOptions(input_format="lines")))
    assert [d.record for d in docs] == [0, 1, 2] and docs[1].text == ""


def test_read_error_str():
    assert str(ReadError("a.txt", "boom")) == "a.txt: boom"
