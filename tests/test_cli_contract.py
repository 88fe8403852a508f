"""The CLI contract editors and CI rely on: exit codes through a closed pipe, saying where
files were written, parseable text output with severities, exact messages."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT, SEED, run_mtqa


def _big_seed(tmp_path, copies=300):
    big = tmp_path / "big.txt"
    big.write_text(SEED.read_text(encoding="utf-8") * copies, encoding="utf-8")
    return big


def test_broken_pipe_keeps_the_gates_exit_code(tmp_path):
    """`mtqa check BIG | head -1`: the reader goes away after one line; the exit code is still the gate's
    (1: the seed has errors) or 141, never 0, and no traceback."""
    big = _big_seed(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "mtqa", "check", str(big), "--no-fluency"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env={**os.environ, "NO_COLOR": "1", "HF_HUB_OFFLINE": "1"})
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    rc = proc.wait(timeout=300)
    assert first.strip(), err
    assert rc in (1, 141), (rc, err)
    assert "Traceback" not in err and "Exception ignored" not in err and "BrokenPipe" not in err, err
