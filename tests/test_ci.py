"""CI (.ci/run) runs the README's test command exactly, after installing what the suite needs
that pip does not: headless Chromium for the HTML report's browser test."""

from conftest import ROOT


def _readme_test_command() -> str:
    lines = [ln for ln in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
             if ln.startswith("python3 -m venv") and ln.endswith("python -m pytest -q tests")]
    assert len(lines) == 1, lines
    return lines[0]


def test_ci_runs_the_readme_test_command_last():
    ci = [ln for ln in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert ci[-1] == _readme_test_command()


def test_ci_installs_chromium_when_absent_before_the_tests():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    check = ci.index("if ! command -v chromium")
    install = ci.index("apt-get install -y -q chromium")
    assert check < install < ci.index(_readme_test_command())
