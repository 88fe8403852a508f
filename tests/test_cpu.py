"""Threads that yield the CPU (mtqa.cpu): what torch's OpenMP runtime really runs with, read from
the runtime itself (libgomp prints its settings when ``OMP_DISPLAY_ENV=VERBOSE``; an idle thread
spins ``GOMP_SPINCOUNT`` times before it sleeps: 300,000 by default, 0 when passive), in the CLI,
in ``--jobs`` workers, and under a narrower affinity mask; the user's own settings win."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import ROOT, SEED, run_mtqa
from mtqa import cpu


def omp_settings(stderr: str) -> list[dict[str, str]]:
    """Each OpenMP runtime's displayed settings (one block per process that loaded torch).  Blocks
    of processes writing at once interleave line by line, so the settings are read line by line:
    the k-th value of a setting belongs to the k-th block."""
    n = stderr.count("OPENMP DISPLAY ENVIRONMENT BEGIN")
    blocks: list[dict[str, str]] = [{} for _ in range(n)]
    seen: dict[str, int] = {}
    for key, value in re.findall(r"^\s*(\w+) = '([^']*)'", stderr, re.M):
        k = seen.get(key, 0)
        if k < n:
            blocks[k][key] = value
        seen[key] = k + 1
    return blocks


def clean_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in cpu.USER_THREADS + cpu.USER_WAIT}
    return {**env, "OMP_DISPLAY_ENV": "VERBOSE", **extra}


def test_check_runs_openmp_passive_with_one_thread_per_core():
    r = run_mtqa("check", SEED, "--model", "newslm-5m", env=clean_env())
    (omp,) = omp_settings(r.stderr)
    assert omp["OMP_WAIT_POLICY"] == "PASSIVE" and omp["GOMP_SPINCOUNT"] == "0"  # idle threads sleep at once
    assert omp["OMP_NUM_THREADS"] == str(cpu.available_cores())


def test_the_users_environment_wins():
    r = run_mtqa("check", SEED, "--model", "newslm-5m", env=clean_env(OMP_WAIT_POLICY="ACTIVE", OMP_NUM_THREADS="1"))
    (omp,) = omp_settings(r.stderr)
    assert omp["OMP_WAIT_POLICY"] == "ACTIVE" and omp["OMP_NUM_THREADS"] == "1"
    assert int(omp["GOMP_SPINCOUNT"]) > 0
    r = run_mtqa("check", SEED, "--model", "newslm-5m", env=clean_env(GOMP_SPINCOUNT="1000"))
    (omp,) = omp_settings(r.stderr)
    assert omp["GOMP_SPINCOUNT"] == "1000"  # a spin count the user chose is left to OpenMP


def test_jobs_workers_share_the_cores_and_wait_passively(tmp_path):
    for i in range(4):
        (tmp_path / f"s{i}.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    r = run_mtqa("check", tmp_path, "--model", "newslm-5m", "--jobs", "2", env=clean_env())
    blocks = omp_settings(r.stderr)
    assert blocks, r.stderr[-2000:]
    for omp in blocks:
        assert omp["GOMP_SPINCOUNT"] == "0"
        assert omp["OMP_NUM_THREADS"] == str(max(1, cpu.available_cores() // 2))


def test_affinity_mask_limits_torch_threads():  # taskset: util-linux, on every Debian
    code = ("from mtqa.fluency.engine import get_engine\n"
            "from mtqa.fluency.sources import resolve_named\n"
            "e = get_engine(resolve_named('newslm-5m')[0], 'cpu')\n"
            "import torch; print(torch.get_num_threads(), torch.get_num_interop_threads(), e.threads)\n")
    first = sorted(os.sched_getaffinity(0))[0]
    r = subprocess.run(["taskset", "-c", str(first), sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=ROOT, env=clean_env(OMP_DISPLAY_ENV="FALSE"), timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["1", "1", "1"]


def test_prepare_respects_the_user(monkeypatch):
    for name in cpu.USER_THREADS + cpu.USER_WAIT:  # setenv first: teardown then restores the variable's
        monkeypatch.setenv(name, "x")  # absence too (prepare() writes os.environ itself, and a leaked
        monkeypatch.delenv(name)  # OMP_NUM_THREADS=3 would give later tests' engines 3 threads)
    cpu.prepare(3)
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE" and os.environ["OMP_NUM_THREADS"] == "3"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    monkeypatch.setenv("OMP_NUM_THREADS", "5")
    cpu.prepare(2)
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE" and os.environ["OMP_NUM_THREADS"] == "5"
    assert cpu.wanted_threads() == 5


def test_cgroup_cpu_max_caps_the_cores():
    assert cpu.parse_cpu_max("150000 100000\n") == 1.5
    assert cpu.parse_cpu_max("max 100000\n") is None
    assert cpu.parse_cpu_max("garbage") is None
    assert 1 <= cpu.available_cores() <= cpu.logical_cpus()


def test_jobs_left_out_is_one_worker_per_core_on_enough_jsonl_and_one_process_otherwise(tmp_path):
    """With the model on 128 kB or more of JSON Lines, one single-thread worker per core (what
    backfill's actors do); the seed alone stays in one process with every core's thread; the
    findings are the same either way."""
    import json

    seed = SEED.read_text(encoding="utf-8")
    stories = tmp_path / "stories.jsonl"
    stories.write_text("".join(json.dumps({"headline": f"Story {i}", "body": seed.replace("Kerry", f"Kerry {i}")}) + "\n"
                               for i in range(45)), encoding="utf-8")
    assert stories.stat().st_size >= 128 * 1024
    cores = cpu.available_cores()
    auto = run_mtqa("check", stories, "--model", "newslm-5m", "--format", "json", env=clean_env())
    blocks = omp_settings(auto.stderr)
    if cores >= 2:  # workers only (the parent never loads torch), one thread each; a worker that
        # started after the others had taken every chunk never loads the model
        assert 1 <= len(blocks) <= cores and all(b["OMP_NUM_THREADS"] == "1" for b in blocks)
    else:
        assert len(blocks) == 1
    one = run_mtqa("check", stories, "--model", "newslm-5m", "--format", "json", "--jobs", "1", env=clean_env())
    assert json.loads(auto.stdout)["documents"] == json.loads(one.stdout)["documents"]
    (single,) = omp_settings(run_mtqa("check", SEED, "--model", "newslm-5m", env=clean_env()).stderr)
    assert single["OMP_NUM_THREADS"] == str(cores)
