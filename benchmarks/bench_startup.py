"""`mtqa check --no-fluency` start-up on the seed article, against a baseline tree.

    python benchmarks/bench_startup.py [--repeat 9] [--baseline /path/to/other/checkout]

Runs `python -m mtqa check --no-fluency SEED -o /dev/null --exit-zero` in a fresh
process, alternating between this checkout and (with --baseline) another checkout
of mtqa, each put first on PYTHONPATH, and prints the best (minimum) wall time of
--repeat runs of each, and the best CPU time (user + system, steadier than wall time
on a busy machine), next to `python -c pass` measured in the same run.  Bytecode
is compiled once into a private PYTHONPYCACHEPREFIX folder per tree (as after
`pip install`, whatever PYTHONDONTWRITEBYTECODE says) and the gazetteer cache is
warmed by one untimed run, so the figure is the start-up a user sees on the second
run.  Also lists the heavy modules a rules-only run imports (torch must not be one).

Goal (issue 17): <= 0.5 s.  Wall times depend on the machine and its load: compare
with the baseline measured in the same run, not with figures from elsewhere.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_5614c2f1ef2c2b4d.txt"
HEAVY = ("torch", "transformers", "numpy", "sacrebleu", "langdetect", "rich", "typer", "wordfreq", "regex")


def env_for(tree: Path, pyc: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree) + os.pathsep + os.environ.get("PYTHONPATH", "")
    env["PYTHONPYCACHEPREFIX"] = pyc
    env["HF_HUB_OFFLINE"] = "1"
    return env


def once(cmd: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one run: CPU (user + system) is less sensitive than wall
    time to other work on a busy machine."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    _, _, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = 0
    return wall, ru.ru_utime + ru.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--baseline", type=Path, default=None, help="another mtqa checkout to time in the same run")
    args = ap.parse_args()
    check = [sys.executable, "-m", "mtqa", "check", "--no-fluency", str(SEED), "-o", os.devnull, "--exit-zero"]
    trees = [("this tree", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    with tempfile.TemporaryDirectory(prefix="mtqa-startup-") as tmp:
        envs = {}
        for i, (name, tree) in enumerate(trees):
            envs[name] = env_for(tree, os.path.join(tmp, f"pyc{i}"))
            once(check, envs[name], tree)  # compiles bytecode, warms the gazetteer cache
        times: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in trees}
        times["python -c pass"] = []
        for _ in range(args.repeat):
            for name, tree in trees:
                times[name].append(once(check, envs[name], tree))
            times["python -c pass"].append(once([sys.executable, "-c", "pass"], envs["this tree"], ROOT))
        print(f"mtqa check --no-fluency {SEED.relative_to(ROOT)}: best of {args.repeat} "
              f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
        for name, ts in times.items():
            walls, cpus = sorted(t for t, _ in ts), sorted(c for _, c in ts)
            print(f"  {name:<16} wall {walls[0]:.3f} s (median {walls[len(ts) // 2]:.3f} s)   "
                  f"CPU {cpus[0]:.3f} s (median {cpus[len(ts) // 2]:.3f} s)")
        for name, tree in trees:
            out = subprocess.run([sys.executable, "-X", "importtime", *check[1:]], capture_output=True, text=True,
                                 env=envs[name], cwd=tree).stderr
            mods = {ln.rsplit("|", 1)[-1].strip() for ln in out.splitlines() if ln.startswith("import time:")}
            print(f"  {name}: heavy modules imported: {', '.join(m for m in HEAVY if m in mods) or 'none'}")


if __name__ == "__main__":
    main()
