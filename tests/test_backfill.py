"""``mtqa backfill`` on a real local Ray: the findings equal ``mtqa check``'s, a re-run resumes,
a worker killed mid-shard loses nothing, and without Ray the command says how to get it.

One local Ray for the whole module (``ray.init(num_cpus=2)``; start-up is most of the cost).
The stories are the seed article, variants of it, a clean paragraph and broken records.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, SEED, run_mtqa

try:  # in the test extra: without them this module fails to import (an error, not six silent skips)
    import pyarrow  # noqa: F401
    import ray
except ImportError as e:
    raise ImportError(f"tests/test_backfill.py runs a real local Ray: pip install -e '.[test]' ({e})") from e

from mtqa.backfill.job import Backfill  # noqa: E402
from mtqa.backfill.ray_engine import RayEngine  # noqa: E402
from mtqa.backfill.rows import error_source  # noqa: E402
from mtqa.backfill.shards import FINDINGS, MANIFEST, Output, OutputError, read_rows  # noqa: E402
from mtqa.backfill.work import CRASH_ENV  # noqa: E402
from mtqa.config import Config  # noqa: E402

CLEAN = ("The city council approved the new budget on Tuesday after a long debate. The mayor said the plan "
         "would fund two new schools and repair the main bridge by next spring.\n\nOpposition members voted "
         "against it, saying the tax increase was too steep for small businesses.")

EDITS = [  # (old, new) applied to the seed: each variant fixes or breaks something different
    ("reports .", "Interfax reports."),
    ("us Secretary of state", "US Secretary of State"),
    ("(business in Russia)", "(banned in Russia)"),
    ("Josh Ernest", "Josh Earnest"),
    ("the second half of the day", "the afternoon"),
    ("Kerry’s visit", "Kerry’s the the visit"),
    ("state Department", "State Department"),
    ("“deep in", "deep in"),
]


def stories() -> list[dict]:
    """About 30 stories: the seed, its variants (single edits and pairs), clean copy, paragraphs of the seed."""
    seed = SEED.read_text(encoding="utf-8")
    out = [{"headline": "Putin will meet Kerry", "body": seed}]
    for i, (old, new) in enumerate(EDITS):
        assert old in seed
        out.append({"headline": f"Variant {i}", "body": seed.replace(old, new)})
        j = (i + 3) % len(EDITS)
        out.append({"title": f"Pair {i}", "text": seed.replace(old, new).replace(*EDITS[j])})
    out.append({"headline": "Council approves budget", "body": CLEAN})
    out.append({"body": CLEAN.replace("Tuesday", "tuesday")})
    for k, para in enumerate(p for p in seed.split("\n\n") if p.strip()):
        out.append({"headline": f"Paragraph {k}", "body": para})
    return out


def write_jsonl(path: Path) -> Path:
    lines = [json.dumps(s, ensure_ascii=False) for s in stories()]
    lines.insert(5, '{"headline": "broken", "body": "unterminated')  # invalid JSON
    lines.insert(12, json.dumps({"id": 7, "summary": "no text field"}))  # missing field
    lines.insert(20, "")  # a blank line: skipped, record numbers keep counting lines
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_text_dir(path: Path) -> Path:
    path.mkdir()
    for i, s in enumerate(stories()):
        (path / f"story{i:02d}.txt").write_text(s.get("body") or s.get("text"), encoding="utf-8")
    (path / "empty.txt").write_text("", encoding="utf-8")  # unreadable: empty
    (path / "latin1.txt").write_bytes("Caf\xe9 society".encode("latin-1"))  # unreadable: not UTF-8
    return path


@pytest.fixture(scope="module")
def crash_marker(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("crash") / "crash-once"


@pytest.fixture(scope="module")
def local_ray(crash_marker):
    """One local Ray for the module; the crash hook's variable is set before the workers start."""
    os.environ[CRASH_ENV] = str(crash_marker)  # no file there: nothing crashes until a test writes one
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()
    os.environ.pop(CRASH_ENV, None)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("inputs")
    return {"jsonl": write_jsonl(d / "stories.jsonl"), "dir": write_text_dir(d / "copy")}


def check_json(path: Path) -> dict:
    r = run_mtqa("check", path, "--format", "json", "--no-fluency")
    assert r.returncode == 2, r.stderr[-2000:]  # findings and unreadable records: read errors win
    return json.loads(r.stdout)


def check_findings(report: dict) -> tuple[dict, set, int]:
    """{(source, record): sorted findings}, {(source, error)}, documents — from check's JSON."""
    found = {}
    for d in report["documents"]:
        if d["findings"]:
            found[(d["source"], d.get("record"))] = sorted(
                (f["code"], f["start"], f["end"], f["message"], f["suggestion"]) for f in d["findings"])
    errors = {(e["source"], e["message"]) for e in report["errors"]}
    return found, errors, len(report["documents"])


def output_rows(out: Path) -> list[dict]:
    return [r for f in sorted((out / FINDINGS).iterdir()) if not f.name.startswith(".") for r in read_rows(f)]


def backfill_findings(rows: list[dict]) -> tuple[dict, set]:
    found: dict = {}
    errors = set()
    for r in rows:
        if r["error"] is not None:
            errors.add((error_source(r), r["error"]))
        else:
            found.setdefault((r["source"], r["record"]), []).append(
                (r["code"], r["start"], r["end"], r["message"], r["suggestion"]))
    return {k: sorted(v) for k, v in found.items()}, errors


def row_key(r: dict) -> tuple:
    return tuple(json.dumps(r[c]) for c in sorted(r))


def run_backfill(paths, out, *, shard_size=7, fmt="jsonl", actors=2, config=None):
    job = Backfill([str(p) for p in paths], str(out), config or Config(fluency=False), fmt=fmt,
                   shard_size=shard_size, actors=actors, log=lambda line: None)
    with RayEngine() as engine:
        return job.run(engine)


# ---------------------------------------------------------------------------
# (1) the same findings as mtqa check, through the command
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["jsonl", "dir"])
def test_backfill_findings_equal_check(local_ray, inputs, tmp_path, kind):
    from typer.testing import CliRunner

    import mtqa.commands.backfill  # noqa: F401  registers the command
    from mtqa.cli import app

    src = inputs[kind]
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["backfill", str(src), "--output", str(out), "--format", "jsonl",
                                      "--no-fluency", "--actors", "2", "--shard-size", "6"])
    assert result.exit_code == 2, result.output  # unreadable records are in the input: exit 2, as check
    expected, expected_errors, documents = check_findings(check_json(src))
    found, errors = backfill_findings(output_rows(out))
    assert found == expected
    assert errors == expected_errors and len(errors) == 2
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"] == documents
    assert summary["unreadable"] == 2
    assert summary["findings"] == sum(len(v) for v in expected.values())
    assert summary["by_code"] == dict(sorted(Counter(f[0] for v in expected.values() for f in v).items()))
    assert summary["shards"] == {"total": summary["shards"]["total"], "done": summary["shards"]["total"],
                                 "skipped": 0, "failed": 0}
    assert summary["shards"]["total"] > 2  # really split across shards and actors
    assert {"ATT001", "NAM001", "PHR001", "CAS001", "REP001"} <= set(summary["by_code"])


def test_parquet_in_and_out(local_ray, inputs, tmp_path):
    """Stories in a Parquet column give the findings of the same stories in JSONL; the output reads back with pyarrow."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = stories()
    table = pa.table({"headline": [s.get("headline") or s.get("title") for s in rows],
                      "body": [s.get("body") or s.get("text") for s in rows]})
    pq.write_table(table, tmp_path / "stories.parquet", row_group_size=8)
    jsonl = tmp_path / "same.jsonl"
    jsonl.write_text("".join(json.dumps({"headline": h, "body": b}) + "\n"
                             for h, b in zip(table["headline"].to_pylist(), table["body"].to_pylist())),
                     encoding="utf-8")
    s1 = run_backfill([tmp_path / "stories.parquet"], tmp_path / "pq", fmt="parquet", shard_size=5)
    s2 = run_backfill([jsonl], tmp_path / "js", fmt="parquet", shard_size=11)
    assert s1["documents"] == s2["documents"] == len(rows) and s1["unreadable"] == 0
    by_record = lambda rs: sorted((r["record"], r["code"], r["start"], r["end"], r["message"], r["suggestion"]) for r in rs)
    read_back = pq.read_table(tmp_path / "pq" / FINDINGS).to_pylist()  # the folder reads as one dataset
    assert by_record(read_back) == by_record(output_rows(tmp_path / "js"))
    assert s1["by_code"] == s2["by_code"]


# ---------------------------------------------------------------------------
# (2) resume: finished shards are skipped, missing or torn ones redone
# ---------------------------------------------------------------------------

def test_resume_redoes_only_missing_and_partial_shards(local_ray, inputs, tmp_path):
    out = tmp_path / "out"
    first = run_backfill([inputs["jsonl"]], out)
    shards = first["shards_done"]
    assert first["shards"]["total"] == len(shards) >= 4
    before = {f.name: f.read_bytes() for f in (out / FINDINGS).iterdir()}
    rows_before = sorted(map(row_key, output_rows(out)))

    deleted, torn = shards[1], shards[3]
    (out / FINDINGS / f"{deleted}.jsonl").unlink()
    path = out / FINDINGS / f"{torn}.jsonl"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # a partial file left behind
    (out / FINDINGS / f".{deleted}.jsonl.abc.tmp").write_text('{"source": ', encoding="utf-8")  # a killed write
    with open(out / MANIFEST, "ab") as fh:
        fh.write(b'{"shard": "torn manifest li')  # a run killed while appending

    second = run_backfill([inputs["jsonl"]], out)
    assert second["shards_done"] == sorted([deleted, torn])
    assert second["shards_skipped"] == sorted(set(shards) - {deleted, torn})
    assert second["documents"] == first["documents"] and second["findings"] == first["findings"]
    after = {f.name: f.read_bytes() for f in (out / FINDINGS).iterdir() if not f.name.startswith(".")}
    assert after == before  # redone shards are byte-identical: deterministic output
    assert sorted(map(row_key, output_rows(out))) == rows_before  # no duplicate, none lost

    third = run_backfill([inputs["jsonl"]], out)
    assert third["shards_done"] == [] and len(third["shards_skipped"]) == len(shards)
    assert third["findings"] == first["findings"]


def test_other_settings_do_not_resume(tmp_path, inputs):
    out = Output(tmp_path / "out", "jsonl")
    job = Backfill([str(inputs["jsonl"])], str(tmp_path / "out"), Config(fluency=False), fmt="jsonl", shard_size=7)
    out.open(job.settings())
    other = Backfill([str(inputs["jsonl"])], str(tmp_path / "out"), Config(fluency=False, select=["CAS"]),
                     fmt="jsonl", shard_size=7)
    with pytest.raises(OutputError, match="other settings .*select"):
        Output(tmp_path / "out", "jsonl").open(other.settings())


# ---------------------------------------------------------------------------
# (3) a worker killed mid-shard: every finding exactly once
# ---------------------------------------------------------------------------

def test_worker_killed_mid_shard_loses_nothing(local_ray, inputs, tmp_path, crash_marker):
    reference = run_backfill([inputs["jsonl"]], tmp_path / "reference")
    crash_marker.write_text(f"{inputs['jsonl']}:17\n", encoding="utf-8")  # the worker reaching record 17 dies
    summary = run_backfill([inputs["jsonl"]], tmp_path / "out")
    assert not crash_marker.exists()  # the worker did reach the record and exit
    assert summary["shards"]["failed"] == 0
    assert summary["shards_done"] == reference["shards_done"]
    rows = output_rows(tmp_path / "out")
    keys = [row_key(r) for r in rows]
    assert len(keys) == len(set(keys))  # exactly once
    assert sorted(keys) == sorted(map(row_key, output_rows(tmp_path / "reference")))
    assert any(r["record"] == 17 for r in rows)
    assert summary["findings"] == reference["findings"]


# ---------------------------------------------------------------------------
# (4) without the ray extra
# ---------------------------------------------------------------------------

def test_missing_ray_extra_is_one_line_and_exit_2(tmp_path, inputs):
    code = ("import sys; sys.modules['ray'] = None\n"
            "from mtqa.cli import main\n"
            f"sys.argv = ['mtqa', 'backfill', {str(inputs['jsonl'])!r}, '--output', {str(tmp_path / 'out')!r}]\n"
            "main()\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 2
    assert r.stderr.splitlines() == ["mtqa: error: mtqa backfill needs Ray: pip install 'mtqa[ray]'"]
    assert not (tmp_path / "out").exists()
