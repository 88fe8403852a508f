"""CLI behaviour: exit codes, selection, config, rules listing."""

import json

from conftest import SEED

TEXT = "The minister said , that the the talks were over.\n"


def test_exit_codes_and_fail_on(tmp_path, mtqa):
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    assert mtqa("check", p).returncode == 0  # only warnings; default --fail-on error
    assert mtqa("check", p, "--fail-on", "warning").returncode == 1
    assert mtqa("check", p, "--fail-on", "warning", "--exit-zero").returncode == 0
    assert mtqa("check", p, "--fail-on", "bogus").returncode == 2
    assert mtqa("check", p, "--format", "bogus").returncode == 2
    assert mtqa("check", SEED, "--fail-on", "never").returncode == 0


def test_select_ignore_prefixes(tmp_path, mtqa):
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    codes = lambda *a: {f["code"] for f in json.loads(mtqa("check", p, "-f", "json", *a).stdout)["documents"][0]["findings"]}  # noqa: E731
    assert codes() == {"TYP001", "REP001"}  # REP001 explains "the the": the fluency rules stay quiet there
    assert codes("--select", "TYP") == {"TYP001"}
    assert codes("--ignore", "REP", "--no-fluency") == {"TYP001"}
    assert codes("--select", "ALL", "--ignore", "TYP,REP001", "--no-fluency") == set()
    # without REP001, the fluency rules' learned detector points at the repetition itself
    flu = [f for f in json.loads(mtqa("check", p, "-f", "json", "--ignore", "REP").stdout)["documents"][0]["findings"]
           if f["code"] == "FLU002"]
    assert [f["text"] for f in flu] == ["the the"] or [f["text"] for f in flu] == ["the"]


def test_severity_override_and_config_file(tmp_path, mtqa):
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    assert mtqa("check", p, "--severity", "REP001=error").returncode == 1
    (tmp_path / "mtqa.toml").write_text('ignore = ["TYP"]\nfail-on = "warning"\n[severity]\nREP001 = "info"\n')
    r = mtqa("check", "a.txt", "-f", "json", cwd=tmp_path)
    out = json.loads(r.stdout)
    (f,) = out["documents"][0]["findings"]
    assert f["code"] == "REP001" and f["severity"] == "info" and r.returncode == 0
    # CLI overrides config
    assert mtqa("check", "a.txt", "--fail-on", "info", cwd=tmp_path).returncode == 1


def test_pyproject_config_searched_upward(tmp_path, mtqa):
    (tmp_path / "pyproject.toml").write_text('[tool.mtqa]\nselect = ["REP"]\nallow = []\n')
    sub = tmp_path / "copy" / "today"
    sub.mkdir(parents=True)
    (sub / "a.txt").write_text(TEXT)
    out = json.loads(mtqa("check", "a.txt", "-f", "json", cwd=sub).stdout)
    assert {f["code"] for f in out["documents"][0]["findings"]} == {"REP001"}


def test_per_file_ignores_and_bad_config(tmp_path, mtqa):
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "a.txt").write_text(TEXT)
    (tmp_path / "mtqa.toml").write_text('[per-file-ignores]\n"archive/*" = ["REP", "TYP", "FLU"]\n')
    assert json.loads(mtqa("check", "archive/a.txt", "-f", "json", cwd=tmp_path).stdout)["summary"]["findings"] == 0
    (tmp_path / "mtqa.toml").write_text("selekt = 1\n")
    r = mtqa("check", "archive/a.txt", cwd=tmp_path)
    assert r.returncode == 2 and "unknown config key 'selekt'" in r.stderr
    (tmp_path / "mtqa.toml").write_text('precision = "fp8"\n')
    r = mtqa("check", "archive/a.txt", cwd=tmp_path)
    assert r.returncode == 2 and "precision" in r.stderr and "auto, fp32, bf16" in r.stderr


def test_allow_list_silences_casing(tmp_path, mtqa):
    p = tmp_path / "a.txt"
    p.write_text("Our reporter visited the White house yesterday.\n")
    assert "CAS001" in mtqa("check", p).stdout
    assert "CAS001" not in mtqa("check", p, "--allow", "White house").stdout


def _stats_block(stdout):
    """The per-rule count lines ('     8  CAS001  proper-noun-casing') of --statistics."""
    import re

    return [ln.split() for ln in stdout.splitlines() if re.fullmatch(r" *\d+  [A-Z]{3}\d{3}  [a-z-]+", ln)]


def test_statistics_and_quiet(mtqa):
    from collections import Counter

    args = ("check", SEED, "--no-fluency", "--select", "CAS,QUO,ATT")
    r = mtqa(*args, "--statistics")
    found = json.loads(mtqa(*args, "--format", "json").stdout)["documents"][0]["findings"]
    per_rule = Counter(f["code"] for f in found)
    stats = _stats_block(r.stdout)
    # one line per rule that fired, its count that of the findings, most frequent first
    assert {code: int(n) for n, code, _ in stats} == per_rule and len(stats) == len(per_rule) >= 3
    assert [int(n) for n, _, _ in stats] == sorted(per_rule.values(), reverse=True)
    assert ("CAS001", "proper-noun-casing") in {(code, name) for _, code, name in stats}
    assert any(ln.split()[:3] == ["CAS001", "proper-noun-casing", "casing"] for ln in r.stderr.splitlines())
    assert r.stdout.strip().splitlines()[-1].startswith("Found ")
    plain = mtqa(*args)
    assert _stats_block(plain.stdout) == [] and "proper-noun-casing" not in plain.stdout + plain.stderr
    q = mtqa("check", SEED, "-q", "--no-fluency", "--select", "CAS")
    assert "Found" not in q.stdout


def test_rules_listing_and_doc(mtqa):
    r = mtqa("rules")
    assert r.returncode == 0
    assert any(line.startswith("CAS001") and "warning" in line for line in r.stdout.splitlines())
    d = mtqa("rules", "CAS001")
    assert "Should flag:" in d.stdout and "Should pass:" in d.stdout and "state Department" in d.stdout
    assert mtqa("rules", "NOPE999").returncode == 2
    js = json.loads(mtqa("rules", "--format", "json").stdout)
    assert {r["code"] for r in js} >= {"CAS001", "QUO001", "ATT001", "TYP001", "LNG001", "REP001"}


def test_output_file_written(tmp_path, mtqa):
    out = tmp_path / "report.json"
    r = mtqa("check", SEED, "-f", "json", "-o", out, "--no-fluency")
    assert r.returncode == 1 and r.stdout == ""
    assert json.loads(out.read_text())["schema"] == "mtqa/1"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_version(mtqa):
    assert mtqa("--version").stdout.startswith("mtqa ")


def test_house_style_flag_overrides_config(tmp_path, mtqa):
    """Kyiv/Kiev follow the house style: the default (AP/Reuters, Ukrainian-derived) flags
    'Kiev'; --house-style ukraine=russian flags 'Kyiv' instead; a bad value is a usage error."""
    kiev = tmp_path / "kiev.txt"
    kiev.write_text("Officials in Kiev said on Monday that talks would resume.\n", encoding="utf-8")
    kyiv = tmp_path / "kyiv.txt"
    kyiv.write_text("Officials in Kyiv said on Monday that talks would resume.\n", encoding="utf-8")
    base = ["--no-fluency", "--select", "NAM", "--format", "json"]

    def found(path, *extra):
        r = mtqa("check", path, *base, *extra)
        assert r.returncode in (0, 1), r.stderr
        return [(f["code"], f["text"], f["suggestion"]) for d in json.loads(r.stdout)["documents"] for f in d["findings"]]

    assert found(kiev) == [("NAM003", "Kiev", "Kyiv")] and found(kyiv) == []
    assert found(kiev, "--house-style", "ukraine=russian") == []
    assert found(kyiv, "--house-style", "ukraine=russian") == [("NAM003", "Kyiv", "Kiev")]
    (tmp_path / "mtqa.toml").write_text('house-style = { ukraine = "russian" }\n', encoding="utf-8")
    assert found(kyiv, "--config", tmp_path / "mtqa.toml") == [("NAM003", "Kyiv", "Kiev")]
    assert found(kyiv, "--config", tmp_path / "mtqa.toml", "--house-style", "ukraine=ukrainian") == []
    r = mtqa("check", kyiv, "--no-fluency", "--house-style", "ukraine=polish")
    assert r.returncode == 2 and "--house-style ukraine=polish" in r.stderr


def test_fix_and_names_take_the_house_style_flag(tmp_path, mtqa):
    """`mtqa fix` and `mtqa names` take --house-style as `mtqa check` does (not only from the config)."""
    p = tmp_path / "a.txt"
    p.write_text("Shelling continued in Kyiv on Monday, officials in Kiev said.\n", encoding="utf-8")
    assert mtqa("fix", "--no-fluency", p, "-q").stdout == "Shelling continued in Kyiv on Monday, officials in Kyiv said.\n"
    r = mtqa("fix", "--no-fluency", p, "-q", "--house-style", "ukraine=russian")
    assert r.stdout == "Shelling continued in Kiev on Monday, officials in Kiev said.\n", r.stderr
    rows = json.loads(mtqa("names", "--no-fluency", p, "-f", "json", "--house-style", "ukraine=russian").stdout)
    assert [(c["found"], c["suggestion"]) for c in rows["corrected"]] == [("Kyiv", "Kiev")]
    r = mtqa("names", "--no-fluency", p, "--house-style", "ukraine=polish")
    assert r.returncode == 2 and "--house-style ukraine=polish" in r.stderr


def test_unknown_rule_codes_are_a_usage_error(tmp_path, mtqa):
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    for args in (["--select", "XYZ"], ["--ignore", "CAS,QUOX"], ["--severity", "FLU009=info"]):
        r = mtqa("check", p, "--no-fluency", *args)
        assert r.returncode == 2, args
        assert "unknown rule code or prefix" in r.stderr and "CAS" in r.stderr and "QUO" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    (tmp_path / "mtqa.toml").write_text('select = ["CAS", "NAMX"]\n')
    r = mtqa("check", "a.txt", "--no-fluency", cwd=tmp_path)
    assert r.returncode == 2 and "'NAMX'" in r.stderr
    # valid prefixes and codes still work
    assert mtqa("check", p, "--no-fluency", "--select", "rep,TYP001", "--fail-on", "never").returncode == 0
