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


def test_report_says_where_it_wrote_the_html(tmp_path):
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "story.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    r = run_mtqa("report", "copy", "--no-fluency", cwd=tmp_path)
    assert r.returncode == 0  # the seed fails the gate, which the page shows; report itself succeeded
    assert r.stderr == "Wrote the HTML report to mtqa-report.html\n"
    assert (tmp_path / "mtqa-report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert r.stdout == ""


def test_check_output_says_where_and_quiet_silences_it(tmp_path):
    out = tmp_path / "findings.json"
    r = run_mtqa("check", SEED, "--no-fluency", "-f", "json", "-o", out)
    assert r.stderr == f"Wrote the JSON report to {out}\n" and r.stdout == ""
    assert out.is_file()
    r = run_mtqa("check", SEED, "--no-fluency", "-f", "sarif", "-o", out, "-q")
    assert r.stderr == ""
    r = run_mtqa("check", SEED, "--no-fluency", "-f", "json", "-o", "-")  # stdout is not a file written
    assert "Wrote" not in r.stderr and r.stdout.startswith("{")


def test_fix_and_names_say_which_files_they_wrote(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    fixed = tmp_path / "story.fixed.txt"
    r = run_mtqa("fix", "--no-fluency", story, "-o", fixed)
    assert r.returncode == 0
    assert f"Wrote the fixed text of {story} to {fixed}\n" in r.stderr
    assert "Jabhat al-Nusra" in fixed.read_text(encoding="utf-8")
    r = run_mtqa("fix", "--no-fluency", story, "--in-place")
    n = r.stderr.count(f"{story}: ")  # one line per edit
    assert n > 0 and f"Rewrote {story} in place ({n} edits; no backup kept)\n" in r.stderr
    r = run_mtqa("fix", "--no-fluency", story, "--in-place")  # nothing left to fix: nothing rewritten, nothing claimed
    assert "Rewrote" not in r.stderr
    report = tmp_path / "names.md"
    r = run_mtqa("names", "--no-fluency", SEED, "-f", "md", "-o", report)
    assert r.stderr == f"Wrote the names report to {report}\n" and "Jabhat al-Nusra" in report.read_text()


def test_text_output_names_the_severity_of_every_finding():
    import json
    import re

    from mtqa.formatters.text import LINE_PATTERN

    text = run_mtqa("check", SEED, "--no-fluency")
    lines = text.stdout.splitlines()
    assert lines[-1].startswith("Found ") and len(lines) > 10
    parsed = [re.match(LINE_PATTERN, line) for line in lines[:-1]]
    assert all(parsed), [line for line, m in zip(lines, parsed) if not m]
    doc = json.loads(run_mtqa("check", SEED, "--no-fluency", "-f", "json").stdout)["documents"][0]
    assert [(int(m["line"]), int(m["column"]), m["severity"], m["code"]) for m in parsed] == \
        [(f["line"], f["column"], f["severity"], f["code"]) for f in doc["findings"]]
    assert {m["severity"] for m in parsed} == {"error", "warning"}
    att = [m for m in parsed if m["code"] == "ATT001"][0]
    assert att.group(0).endswith(":3:92: error ATT001 'reports' is followed by '.': the source of the attribution is missing")


STATISTICS = ("SLOR", "tail", "percentile", "nats", "log-prob", "logprob", "cut-off", "%")
GARBLED = ("\nJobs agreement the that thousands said trade Tuesday of on would create new president the.\n"
           "\nThe talks in Moscow were useful, said the minister to the of by reporters.\n")


def test_fluency_messages_speak_to_an_editor_and_keep_the_numbers_in_data(tmp_path):
    import json

    story = tmp_path / "story.txt"
    story.write_text(SEED.read_text(encoding="utf-8") + GARBLED, encoding="utf-8")
    r = run_mtqa("check", story, "--model", "newslm-5m", "--device", "cpu", "-f", "json")
    assert r.returncode == 1, r.stderr
    flu = [f for f in json.loads(r.stdout)["documents"][0]["findings"] if f["code"].startswith("FLU")]
    assert {f["code"] for f in flu} == {"FLU001", "FLU002"}
    for f in flu:
        assert not [w for w in STATISTICS if w in f["message"]], f["message"]
        assert f["message"].startswith(("this sentence reads", "these words read"))
        assert {"score", "threshold", "percentile", "rank"} <= set(f["data"])
    assert any("slor" in f["data"] for f in flu if f["code"] == "FLU001")


def test_max_bytes_reports_the_real_size_not_the_bytes_read():
    size = SEED.stat().st_size
    r = run_mtqa("check", SEED, "--no-fluency", "--max-bytes", "100")
    assert r.returncode == 2
    assert r.stderr == f"mtqa: error: {SEED}: too large: {size:,} bytes exceeds --max-bytes 100\n"
    r = run_mtqa("check", "-", "--no-fluency", "--max-bytes", "100", input=SEED.read_text(encoding="utf-8"))
    assert r.returncode == 2  # a pipe has no size on disk: say what is known
    assert r.stderr == "mtqa: error: <stdin>: too large: over the --max-bytes limit of 100 bytes\n"


def _help_texts():
    import typer

    from mtqa.cli import _load_commands, app

    _load_commands()
    out = []

    def walk(cmd, path):
        out.append((path, cmd.help or ""))
        out.extend((path + [p.name], getattr(p, "help", None) or "") for p in cmd.params)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, path + [name])

    walk(typer.main.get_command(app), [])
    return out


def test_help_keeps_bracketed_text_and_names_the_default_model():
    import re

    from mtqa.fluency import DEFAULT_MODEL, SHIPPED_MODEL

    # rich reads "[word...]" as markup and drops it: every such bracket in a help text is escaped
    tag = re.compile(r"(?<!\\)\[[a-z#/@][^\[\]]*\]")
    assert [(path, t) for path, t in _help_texts() if tag.search(t)] == []
    page = run_mtqa("check", "--help", env={"COLUMNS": "400"}).stdout
    assert "mtqa.toml or [tool.mtqa] in pyproject.toml" in page
    model_line = next(line for line in page.splitlines() if "--model" in line)
    assert f"{DEFAULT_MODEL} (the default)" in model_line and f"{SHIPPED_MODEL} (the fast tier)" in model_line
    assert "shipped model" not in page


def test_names_report_says_what_a_variant_spelling_is():
    import json

    text = ("Kremlin spokesman Dmitrij Peskov said on Monday that the talks were over.\n\n"
            "Ukrainian President Petr Poroshenko met the speaker in Kyiv.\n")
    r = run_mtqa("names", "--no-fluency", "-", "-f", "json", input=text)
    rows = {row["found"]: row for row in json.loads(r.stdout)["corrected"]}
    peskov = rows["Dmitrij Peskov"]["evidence"]
    assert "a variant transliteration of the standard English spelling 'Dmitry Peskov'" in peskov
    assert "Ukrainian" not in peskov  # a Russian official's name, spelt another way
    assert "Russian-derived form of a Ukrainian name" in rows["Petr Poroshenko"]["evidence"]


LOADED = """
import sys
sys.argv = ["mtqa", *sys.argv[1:]]
from mtqa.cli import main
try:
    main()
except SystemExit as e:
    code = e.code
sys.stdout.flush()
heavy = sorted(m for m in ("torch", "transformers", "safetensors", "tokenizers") if m in sys.modules)
sys.stderr.write(f"\\nEXIT {code} HEAVY {','.join(heavy) or '-'}\\n")
"""


@pytest.mark.parametrize("args", [
    ["check", "--no-fluency", str(SEED)],
    ["check", "--no-fluency", "-f", "json", str(SEED)],
    ["rules"],
    ["normalize", "Dzhebhat an-Nusra"],
    ["names", "--no-fluency", str(SEED)],
    ["fix", "--no-fluency", str(SEED)],
    ["score", "tests/fixtures/wire/score/hyp.txt", "--ref", "tests/fixtures/wire/score/ref.txt"],
], ids=lambda a: " ".join(a[:2]))
def test_commands_that_score_no_fluency_never_import_torch(args):
    r = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True, text=True, cwd=ROOT,
                       timeout=300, env={**os.environ, "NO_COLOR": "1"})
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("EXIT ") and last.split()[1] in ("0", "1"), r.stderr
    assert last.endswith("HEAVY -"), last


NO_NETWORK = '''
import socket

def _refuse(*args, **kwargs):
    raise OSError("mtqa test: network access attempted")

socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
'''


def test_check_with_the_fluency_model_makes_no_network_call(tmp_path):
    """The default model (SmolLM2-135M, installed by the README's test command: missing, this fails):
    the check runs with every socket connection refused, and without HF_HUB_OFFLINE to hide a
    download attempt."""
    from mtqa.fluency import DEFAULT_MODEL, sources

    assert sources.smollm2_gguf() is not None, sources.missing_smollm2_message()
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    model = DEFAULT_MODEL
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env["PYTHONPATH"] = os.pathsep.join([str(guard), str(ROOT), env.get("PYTHONPATH", "")])
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
                           capture_output=True, text=True, env=env, timeout=60)
    assert "network access attempted" in probe.stderr  # the guard is in place
    r = subprocess.run([sys.executable, "-m", "mtqa", "check", str(SEED), "--model", model, "--device", "cpu",
                        "-f", "json"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert r.returncode == 1, r.stderr  # the seed's errors; not 2 (a model that could not load)
    assert "network access attempted" not in r.stderr and "Traceback" not in r.stderr
    import json

    fluency = json.loads(r.stdout)["documents"][0]["summary"]["fluency"]
    assert fluency["model"] == DEFAULT_MODEL and fluency["words"] > 0  # the model it names, not a fallback
    assert "warning" not in r.stderr, r.stderr
