"""Golden snapshots of every output format on the seed, plus format validity.

Regenerate after an intended change with:  MTQA_UPDATE_GOLDEN=1 pytest tests/test_formatters.py
"""

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, run_mtqa

GOLDEN = Path(__file__).parent / "golden"
FORMATS = ["text", "json", "jsonl", "sarif", "github", "junit"]
# foundation rules only: the golden files must not change when the model is retrained
ARGS = ["--no-fluency", "--select", "CAS,QUO,ATT,TYP,LNG,REP,NAM,PHR"]


def render(fmt: str) -> str:
    r = run_mtqa("check", "seeds/000_5614c2f1ef2c2b4d.txt", "--format", fmt, *ARGS, cwd=ROOT)
    assert r.returncode == 1, r.stderr
    return r.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(fmt):
    got = render(fmt)
    path = GOLDEN / f"seed.{fmt}"
    if os.environ.get("MTQA_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


def test_sarif_valid():
    data = json.loads(render("sarif"))
    from sarif_pydantic import Sarif

    Sarif.model_validate(data)  # the SARIF 2.1.0 object model, from PyPI
    assert data["version"] == "2.1.0" and data["$schema"].endswith("sarif-2.1.0.json")
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert run["columnKind"] == "unicodeCodePoints"
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    for res in run["results"]:
        assert res["level"] in ("error", "warning", "note") and res["message"]["text"]
        assert ids[res["ruleIndex"]] == res["ruleId"]
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])


def test_sarif_validator_rejects_broken_output():
    from pydantic import ValidationError
    from sarif_pydantic import Sarif

    data = json.loads(render("sarif"))
    data["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(ValidationError):
        Sarif.model_validate(data)


def test_junit_valid_xml():
    root = ET.fromstring(render("junit"))
    assert root.tag == "testsuites"
    cases = root.findall(".//testcase")
    assert len(cases) == 1 and cases[0].find("failure") is not None


def test_github_commands():
    lines = render("github").splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any("title=ATT001" in line for line in lines)


def test_jsonl_one_record_per_document(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text("\n".join(json.dumps({"body": t}) for t in ["The the end.", "Fine text.", "Said , no."]) + "\n")
    r = run_mtqa("check", p, "-f", "jsonl", "--no-fluency")
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    assert [r["record"] for r in recs] == [1, 2, 3]
    assert all(r["schema"] == "mtqa/1" for r in recs)


def test_json_escapes_and_deterministic(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text('He said "x"  and\ttabs <b>&amp; the the end.\n')
    a = run_mtqa("check", p, "-f", "json", "--no-fluency").stdout
    b = run_mtqa("check", p, "-f", "json", "--no-fluency").stdout
    assert a == b
    json.loads(a)
