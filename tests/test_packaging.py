"""Packaging: a non-editable install carries the rule data and the shipped model.

The shipped model lives in ``models/`` at the top of the repository and is
installed as ``mtqa/_models`` (pyproject.toml); :data:`mtqa.fluency.MODELS_DIR`
finds either.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_package_list_matches_the_tree():
    """Every folder under mtqa/ with Python modules or data is listed in pyproject.toml."""
    listed = set(_config()["packages"])
    on_disk = {".".join(p.relative_to(ROOT).parts) for p in (ROOT / "mtqa").rglob("*")
               if p.is_dir() and p.name != "__pycache__" and any(c.is_file() for c in p.iterdir())}
    on_disk.add("mtqa")
    assert listed - {"mtqa._models"} == on_disk
    assert _config()["package-dir"]["mtqa._models"] == "models"


def test_wheel_carries_model_and_data(tmp_path):
    import setuptools  # noqa: F401  (in the test extra; pip comes with every venv)
    wheels = tmp_path / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                        "-w", str(wheels), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    (whl,) = wheels.glob("mtqa-*.whl")
    names = set(zipfile.ZipFile(whl).namelist())
    shipped = sorted(p.relative_to(ROOT / "models").as_posix() for p in (ROOT / "models").rglob("*") if p.is_file())
    assert shipped and all(f"mtqa/_models/{n}" in names for n in shipped), sorted(names)[:20]
    data = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "mtqa" / "data").rglob("*") if p.is_file())
    assert data and all(d in names for d in data)
    # installed (not editable), away from the checkout: the shipped model is found and loads
    target = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(whl)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    code = ("from mtqa.fluency import default_model_path\n"
            "from mtqa.fluency.engine import Engine\n"
            "p = default_model_path(); print(p)\n"
            "e = Engine(str(p), 'cpu'); print(e.params)\n")
    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_MODEL", "MTQA_MODELS_DIR")}
    env["PYTHONPATH"] = str(target)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    path, params = r.stdout.split()
    assert Path(path).is_relative_to(target / "mtqa" / "_models") and int(params) > 1_000_000
