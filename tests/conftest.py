import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_5614c2f1ef2c2b4d.txt"
SEED_EXPECTED = ROOT / "seeds" / "000_5614c2f1ef2c2b4d.expected.json"


def run_mtqa(*args, input=None, cwd=None, env=None):
    """Run the real CLI in a subprocess; returns CompletedProcess (text)."""
    e = {**os.environ, "NO_COLOR": "1", "HF_HUB_OFFLINE": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "mtqa", *map(str, args)], input=input, capture_output=True,
                          text=True, cwd=cwd or ROOT, env=e, timeout=300)


@pytest.fixture
def mtqa():
    return run_mtqa


@pytest.fixture(scope="session")
def seed_text():
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_expected():
    return json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))


def pytest_terminal_summary(terminalreporter):
    """How many inputs the fuzz suites generated (tests/fuzzsupport.py), per target and in all."""
    mod = sys.modules.get("fuzzsupport")
    if mod is None or not mod.COUNTS:
        return
    counts = dict(sorted(mod.COUNTS.items()))
    total = sum(counts.values())
    terminalreporter.write_sep("-", f"fuzz: {total:,} generated inputs over {len(counts)} targets "
                                    f"(MTQA_FUZZ_SCALE={mod.SCALE:g})")
    for name, n in counts.items():
        terminalreporter.write_line(f"  {n:>9,}  {name}")
    record = os.environ.get("MTQA_FUZZ_RECORD")
    if record:
        with open(record, "w", encoding="utf-8") as fh:
            json.dump({"scale": mod.SCALE, "total": total, "targets": counts}, fh, indent=1)


# A test that needs a part of the README's test set-up (the shipped model, SmolLM2's wheel, the test
# extra) fails when that part is missing, with the reason: a broken install is not a skip.
def required(missing: bool, why: str):
    """Mark a test (or a module, as ``pytestmark``) that fails with ``why`` when ``missing``."""
    return pytest.mark.mtqa_required(missing=bool(missing), why=why)


def pytest_configure(config):
    config.addinivalue_line("markers", "mtqa_required(missing, why): fail (not skip) when a required part is missing")


def pytest_runtest_setup(item):
    for m in item.iter_markers("mtqa_required"):
        if m.kwargs["missing"]:
            pytest.fail(m.kwargs["why"], pytrace=False)
