"""mtqa check's progress bar: on a terminal (stderr a real pseudo-terminal) only, never in a pipe."""

import os
import select
import shutil
import subprocess
import sys

from conftest import ROOT, SEED


def _run(args, stderr_tty: bool):
    """Run mtqa check with the report in a file and stderr on a pty (or a pipe); return stderr."""
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120", "HF_HUB_OFFLINE": "1"}
    env.pop("NO_COLOR", None)
    cmd = [sys.executable, "-m", "mtqa", "check", *map(str, args)]
    if not stderr_tty:
        p = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
        return p.returncode, p.stderr.decode("utf-8", "replace")
    master, slave = os.openpty()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=slave)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=300), out.decode("utf-8", "replace")


def test_bar_counts_files_and_findings_on_a_terminal_only(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(12):
        shutil.copy(SEED, inputs / f"story{i:02d}.txt")
    report = tmp_path / "report.json"
    args = [inputs, "--no-fluency", "--format", "json", "-o", report, "--fail-on", "never"]
    code, tty = _run(args, stderr_tty=True)
    assert code == 0
    assert "checking" in tty and "/12 files" in tty and "findings" in tty
    first = report.read_bytes()
    code, piped = _run(args, stderr_tty=False)
    assert code == 0
    # only the one line that says where the report went (its path names this test's files)
    piped = "\n".join(ln for ln in piped.splitlines() if not ln.startswith("Wrote the JSON report to "))
    assert "checking" not in piped and "files" not in piped and "\x1b[" not in piped
    assert report.read_bytes() == first  # the bar never reaches the report
    # --quiet: no bar on the terminal either
    code, quiet = _run(args + ["--quiet"], stderr_tty=True)
    assert code == 0 and "checking" not in quiet


def test_bar_follows_a_long_document_through_the_rules(tmp_path):
    seed = SEED.read_text(encoding="utf-8")
    long_doc = tmp_path / "long.txt"
    long_doc.write_text(" ".join(seed.split()) * 1 + (" " + " ".join(seed.split())) * 120 + "\n", encoding="utf-8")
    assert long_doc.stat().st_size > 256 * 1024
    code, tty = _run([long_doc, "--no-fluency", "-o", tmp_path / "r.txt", "--fail-on", "never"], stderr_tty=True)
    assert code == 0
    assert "checking" in tty and "rule " in tty and "0/1 files" in tty
