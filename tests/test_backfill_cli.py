"""``mtqa backfill`` as a user runs it, in its own process with its own local Ray: a healthy run
says one line and nothing at error level, and with the default shard size every actor has work.

(Its own module: ``tests/test_backfill.py`` holds a Ray for its whole module in the test process,
and this command starts its own.)"""

from __future__ import annotations

import json
import re

import ray  # noqa: F401  - the test suite installs the ray extra: a missing Ray fails here, not skips

from conftest import SEED, run_mtqa
from mtqa.backfill.sources import AUTO_MAX, AUTO_MIN, auto_shard_size

ERROR_LINE = re.compile(r"^\[[^\]]* E \d+|\berror\b|Traceback", re.I | re.M)  # Ray/glog E lines, tracebacks


def test_auto_shard_size():
    assert auto_shard_size(200) == 10  # 20 shards: two actors both work
    assert auto_shard_size(1) == AUTO_MIN
    assert auto_shard_size(10_000) == 157
    assert auto_shard_size(10_000_000) == AUTO_MAX


def test_healthy_run_is_quiet_and_spreads_over_the_actors(tmp_path):
    seed = SEED.read_text(encoding="utf-8")
    stories = tmp_path / "stories.jsonl"
    with open(stories, "w", encoding="utf-8") as fh:
        for i in range(60):
            fh.write(json.dumps({"headline": f"Story {i}", "body": seed.replace("Kerry", f"Kerry {i}")}) + "\n")
    out = tmp_path / "out"
    r = run_mtqa("backfill", stories, "--output", out, "--no-fluency", "--num-cpus", "2", "--format", "jsonl")
    assert r.returncode == 0, r.stderr[-3000:]
    lines = r.stderr.splitlines()
    assert not ERROR_LINE.search(r.stderr), r.stderr[-3000:]
    assert len(lines) == 1 and lines[0].startswith("Wrote the findings of 60 documents"), lines
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["shard_size"] == AUTO_MIN and summary["shards"]["total"] == 6
    assert summary["actors"] == 2
    assert len(summary["shards_per_worker"]) == 2 and min(summary["shards_per_worker"]) >= 1  # both worked
    # the shard files are where the README says: OUTPUT/findings/
    assert len(list((out / "findings").glob("*.jsonl"))) == 6
    # a re-run into the same folder keeps the size it was made with, and resumes (nothing left to do)
    r = run_mtqa("backfill", stories, "--output", out, "--no-fluency", "--num-cpus", "2", "--format", "jsonl")
    assert r.returncode == 0 and "6 skipped" in r.stderr


def test_a_source_column_adds_the_source_aware_checks(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = {"id": [1, 2], "text": ["The meeting took place on July 15.", "The meeting took place on July 14."],
            "original": ["Встреча прошла 14 июля в Москве.", "Встреча прошла 14 июля в Москве."]}
    pq.write_table(pa.table(rows), tmp_path / "stories.parquet")
    out = tmp_path / "out"
    r = run_mtqa("backfill", tmp_path / "stories.parquet", "--output", out, "--no-fluency", "--num-cpus", "1",
                 "--format", "jsonl", "--source-field", "original")
    assert r.returncode == 0, r.stderr[-3000:]
    found = [json.loads(x) for f in sorted((out / "findings").glob("*.jsonl")) for x in f.read_text().splitlines()]
    assert [(x["record"], x["code"], x["text"]) for x in found if x["code"].startswith("SRC")] == [(1, "SRC001", "15")]


NICENESS_PROBE = """
import os, ray
from mtqa.backfill.ray_engine import RayEngine
with RayEngine(num_cpus=1) as engine:
    engine.connect()
    print(ray.get(ray.remote(lambda: os.nice(0)).remote()), os.environ.get("RAY_worker_niceness"))
"""


def test_the_actors_run_at_the_drivers_priority_not_rays_15():
    """Ray starts workers at niceness 15: beside one busy process the pool then gets one core of
    two.  A local Ray that mtqa starts gives them the driver's niceness; the variable does not leak."""
    import subprocess
    import sys

    r = subprocess.run(["nice", "-n", "3", sys.executable, "-c", NICENESS_PROBE],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split()[-2:] == ["3", "None"], r.stdout
