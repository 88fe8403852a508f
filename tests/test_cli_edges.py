"""Rough edges a newcomer hit with the real CLI: the statistics table with machine formats, a report
file left half-written by SIGTERM, and ``mtqa report``'s exit code."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from conftest import ROOT, SEED, run_mtqa


def test_statistics_table_comes_with_every_format(tmp_path):
    out = tmp_path / "report.json"
    r = run_mtqa("check", SEED, "--no-fluency", "--format", "json", "-o", out, "--statistics")
    assert r.returncode == 1
    json.loads(out.read_text(encoding="utf-8"))  # the report itself is untouched by the table
    # the table (on stderr) counts the run and lists the rules that fired, with their counts
    report = json.loads(out.read_text(encoding="utf-8"))
    codes = {f["code"] for d in report["documents"] for f in d["findings"]}
    assert "findings" in r.stderr and "words" in r.stderr
    assert codes and all(code in r.stderr for code in codes)
    # to stdout: the JSON stays parseable, the table goes to stderr
    r = run_mtqa("check", SEED, "--no-fluency", "--format", "sarif", "--statistics")
    json.loads(r.stdout)
    assert "CAS001" in r.stderr
    # without --statistics (stderr not a terminal) no table
    r = run_mtqa("check", SEED, "--no-fluency", "--format", "json", "-o", out)
    assert "CAS001" not in r.stderr


def test_sigterm_leaves_no_temporary_file_and_the_old_report(tmp_path):
    inputs = tmp_path / "copy"
    inputs.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    for i in range(400):  # long enough to be caught while the report is being written
        (inputs / f"story{i:03d}.txt").write_text(seed.replace("Kerry", f"Kerry{i}"), encoding="utf-8")
    out = tmp_path / "report.json"
    out.write_text("the previous report\n", encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    p = subprocess.Popen([sys.executable, "-m", "mtqa", "check", str(inputs), "--no-fluency", "--format", "json",
                          "-o", str(out)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".report.json.*.tmp")) and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert p.poll() is None, "the check ended before it could be terminated"
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 128 + signal.SIGTERM
    assert "terminated" in err
    assert sorted(x.name for x in tmp_path.iterdir()) == ["copy", "report.json"]  # no .report.json.*.tmp
    assert out.read_text(encoding="utf-8") == "the previous report\n"


def test_report_exits_0_once_written_unless_it_is_asked_to_gate(tmp_path):
    html = tmp_path / "r.html"
    r = run_mtqa("report", SEED, "--no-fluency", "-o", html)
    assert r.returncode == 0 and html.stat().st_size > 10_000  # the seed has errors: still 0
    assert ">FAIL<" in html.read_text(encoding="utf-8")  # the page itself says the gate failed
    assert run_mtqa("report", SEED, "--no-fluency", "-o", html, "--fail-on", "error").returncode == 1
    assert run_mtqa("report", SEED, "--no-fluency", "-o", html, "--fail-on=warning").returncode == 1
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    r = run_mtqa("report", SEED, bad, "--no-fluency", "-o", html)
    assert r.returncode == 2 and "empty.txt" in r.stderr
