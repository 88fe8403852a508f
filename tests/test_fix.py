"""`mtqa fix`: the seed check, idempotence, atomic in-place writes, refusals."""

import json
import os
import stat

import pytest

from mtqa import Checker, Config
from mtqa.finding import Finding, Severity
from mtqa.fix import Edit, apply, fix_text, plan

from conftest import SEED, run_mtqa


def _expected_after_fix(text, expected, families=("name", "phrase", "casing")):
    out = text
    items = sorted((m for m in expected["must"] if m["family"] in families and m["suggestion"]),
                   key=lambda m: m["start"], reverse=True)
    for m in items:
        out = out[: m["start"]] + m["suggestion"] + out[m["end"]:]
    return out


def test_fix_seed_corrects_the_annotated_items_and_nothing_else(seed_text, seed_expected):
    fixed, edits = fix_text(seed_text, Checker(Config(fluency=False)))
    target = _expected_after_fix(seed_text, seed_expected)
    for m in seed_expected["must"]:
        if m["family"] in ("name", "phrase", "casing"):
            assert m["suggestion"] in fixed
            assert any(e.old == m["text"] and e.new == m["suggestion"] for e in edits), m
    # every other change only re-cases a title the casing rule flagged ("press Secretary" → "press secretary")
    assert len(fixed) == len(target)
    assert fixed.casefold() == target.casefold()
    assert {e.code for e in edits} <= {"NAM001", "PHR001", "CAS001", "CAS002"}
    for e in edits:
        if e.code.startswith("CAS"):
            assert e.old.casefold() == e.new.casefold()
    # the calque and everything unannotated is untouched at the default threshold
    assert "deep in the second half of the day" in fixed
    assert "reports ." in fixed


def test_fix_is_idempotent(seed_text):
    checker = Checker(Config(fluency=False))
    once, edits = fix_text(seed_text, checker)
    assert edits
    twice, again = fix_text(once, checker)
    assert again == [] and twice == once


def test_plan_takes_non_overlapping_edits_strongest_first():
    def f(code, s, e, text, sug, conf):
        return Finding(code, code, "x", Severity.WARNING, s, e, text, "m", sug, conf)

    text = "abc def ghi"
    edits = plan([f("A", 0, 7, "abc def", "X", 0.85), f("B", 4, 7, "def", "Y", 0.95),
                  f("C", 8, 11, "ghi", "Z", 0.5), f("D", 8, 11, "ghi", None, 0.99)], {"A", "B", "C", "D"}, 0.8)
    assert [(e.code, e.start) for e in edits] == [("B", 4)]
    assert apply(text, edits) == "abc Y ghi"
    with pytest.raises(ValueError):
        apply(text, [Edit(0, 3, "zzz", "q", "A", 1.0)])


def test_fix_cli_prints_without_touching_the_file(mtqa, tmp_path, seed_text):
    p = tmp_path / "seed.txt"
    p.write_bytes(SEED.read_bytes())
    r = mtqa("fix", "--no-fluency", p)
    assert r.returncode == 0, r.stderr
    assert "Jabhat al-Nusra" in r.stdout and "Josh Earnest" in r.stdout and "(banned in Russia)" in r.stdout
    assert p.read_bytes() == SEED.read_bytes()
    assert "13 edits" in r.stderr or "edits in 1 file" in r.stderr


def test_fix_cli_diff_and_output(mtqa, tmp_path):
    p = tmp_path / "seed.txt"
    p.write_bytes(SEED.read_bytes())
    r = mtqa("fix", "--no-fluency", p, "--diff")
    assert r.returncode == 0
    assert "-In turn" in r.stdout and "+In turn" in r.stdout and "+++ b/" in r.stdout
    out = tmp_path / "fixed.txt"
    r = mtqa("fix", "--no-fluency", p, "-o", out, "-q")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    assert "Josh Earnest" in out.read_text(encoding="utf-8")
    assert p.read_bytes() == SEED.read_bytes()


def test_fix_in_place_keeps_bom_crlf_and_mode_atomically(mtqa, tmp_path):
    p = tmp_path / "story.txt"
    text = ("Putin spoke to terrorists of “dzhebhat an-Nusra (Syrian branch of al-Qaeda) in Syria.\r\n"
            "Fighters of the Islamic state (business in Russia) fled.\r\n")
    p.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    os.chmod(p, 0o640)
    r = mtqa("fix", "--no-fluency", p, "--in-place")
    assert r.returncode == 0, r.stderr
    data = p.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    body = data[3:].decode("utf-8")
    assert body.count("\r\n") == 2 and "\n" not in body.replace("\r\n", "")
    assert "“Jabhat al-Nusra (Syrian" in body and "Islamic State (banned in Russia)" in body
    assert stat.S_IMODE(p.stat().st_mode) == 0o640
    assert sorted(x.name for x in tmp_path.iterdir()) == ["story.txt"]  # no temp file left
    before = p.read_bytes()
    r = mtqa("fix", "--no-fluency", p, "--in-place")
    assert r.returncode == 0 and p.read_bytes() == before and "0 edits" in r.stderr


def test_fix_refuses_non_text_and_conflicting_options(mtqa, tmp_path):
    j = tmp_path / "wires.jsonl"
    j.write_text('{"headline": "x", "body": "Militants of dzhebhat an-Nusra attacked."}\n', encoding="utf-8")
    before = j.read_bytes()
    r = mtqa("fix", "--no-fluency", j, "--in-place")
    assert r.returncode == 2 and "only plain-text files" in r.stderr
    assert j.read_bytes() == before
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Talks in Kiev resumed.\n", encoding="utf-8")
    b.write_text("Talks in Kiev resumed.\n", encoding="utf-8")
    r = mtqa("fix", "--no-fluency", a, b)
    assert r.returncode == 2 and "several inputs" in r.stderr
    assert mtqa("fix", "--no-fluency", a, "--in-place", "-o", b).returncode == 2
    assert mtqa("fix", "--no-fluency", tmp_path / "missing.txt").returncode == 2
    assert mtqa("fix", "--no-fluency", "-", "--in-place", input="Talks in Kiev resumed.\n").returncode == 2


def test_fix_several_files_in_place_and_stdin(mtqa, tmp_path):
    d = tmp_path / "copy"
    d.mkdir()
    (d / "a.txt").write_text("Talks in Kiev resumed on Monday.\n", encoding="utf-8")
    (d / "b.txt").write_text("The group (banned in the Russian Federation) said.\n", encoding="utf-8")
    r = mtqa("fix", "--no-fluency", d, "--in-place")
    assert r.returncode == 0, r.stderr
    assert (d / "a.txt").read_text(encoding="utf-8") == "Talks in Kyiv resumed on Monday.\n"
    assert (d / "b.txt").read_text(encoding="utf-8") == "The group (banned in Russia) said.\n"
    r = mtqa("fix", "--no-fluency", "-", input="Talks in Kiev resumed.\n")
    assert r.stdout == "Talks in Kyiv resumed.\n"


def test_min_confidence_applies_calques_on_request(mtqa):
    text = "They met in the second half of the day.\n"
    assert mtqa("fix", "--no-fluency", "-", input=text).stdout == text
    assert mtqa("fix", "--no-fluency", "-", "--min-confidence", "0.7", input=text).stdout == "They met in the afternoon.\n"
    assert mtqa("fix", "--no-fluency", "-", "--min-confidence", "2", input=text).returncode == 2


@pytest.mark.parametrize("select", [[], ["--select", "TYP,CAS"]], ids=["all-rules", "select-TYP-CAS"])
def test_fix_leaves_a_dropped_source_for_the_editor(mtqa, tmp_path, select):
    """"…Dmitry Peskov, reports ." — ATT001: the source was dropped.  Tidying the space away
    (a TYP001 fix) would hide it, also when only typography is selected for fixing."""
    out = tmp_path / "fixed.txt"
    r = mtqa("fix", "--no-fluency", SEED, *select, "-o", out)
    assert r.returncode == 0, r.stderr
    fixed = out.read_text(encoding="utf-8")
    assert "Dmitry Peskov, reports ." in fixed and "TYP001 ' .'" not in r.stderr
    r = mtqa("check", out, "--no-fluency", "--select", "ATT", "-f", "json")
    import json

    (att,) = json.loads(r.stdout)["documents"][0]["findings"]
    assert att["code"] == "ATT001" and att["text"] == "reports ."
    # a space before a period elsewhere is still fixed
    other = tmp_path / "other.txt"
    other.write_text("The talks were over .\n", encoding="utf-8")
    assert mtqa("fix", "--no-fluency", other, *select).stdout == "The talks were over.\n"


def test_plan_keeps_typography_fixes_off_findings_left_for_the_editor():
    def f(code, family, s, e, text, sug, conf=0.95):
        return Finding(code, code, family, Severity.WARNING, s, e, text, "m", sug, conf)

    text = "said Peskov, reports . Then “Josh Ernest  said"
    att = f("ATT001", "attribution", 13, 22, "reports .", None)
    typ = f("TYP001", "typography", 20, 22, " .", ".")
    quo = f("QUO001", "quote", 28, 29, "“", None)
    nam = f("NAM001", "name", 29, 40, "Josh Ernest", "Josh Earnest")
    spaces = f("TYP003", "typography", 40, 42, "  ", " ")
    fixable = {"TYP001", "TYP003", "NAM001"}
    edits = plan([att, typ, quo, nam, spaces], fixable, 0.8)
    # the period next to ATT001 stays; a name fix next to an open quote is no typography fix; the
    # double space touches no finding left for the editor
    assert [e.code for e in edits] == ["NAM001", "TYP003"]
    assert apply(text, edits) == "said Peskov, reports . Then “Josh Earnest said"
    assert [e.code for e in plan([typ, nam, spaces], fixable, 0.8)] == ["TYP001", "NAM001", "TYP003"]


# -- the fix gate: only rules measured precise on clean news are applied -------------

GATED_TEXT = ("The bill stalled after House Speaker Nancy Pelos refused to schedule a vote.\n\n"
              "A Kremlin spokesman said two days later that sanctions were not discussed. White House "
              "press secretary Sarah Huckabee Sanders told reporters the president would sign it.\n")


def test_fix_gate_lists_only_real_fixable_rules():
    from mtqa.fix import fix_gate
    from mtqa.rules import all_rules

    fixable = {r.code for r in all_rules() if r.fixable}
    gate = fix_gate()
    assert gate and set(gate) <= fixable
    assert all(0.0 <= v <= 1.0 for v in gate.values())


def test_fix_never_lowercases_a_proper_noun_in_a_title(tmp_path):
    p = tmp_path / "wire.txt"
    p.write_text(GATED_TEXT.split("\n\n")[1], encoding="utf-8")
    r = run_mtqa("fix", "--no-fluency", str(p), "--unsafe-fixes")
    assert r.returncode == 0, r.stderr
    assert r.stdout == p.read_text(encoding="utf-8")  # Kremlin, White House kept


def test_name_below_its_gate_is_reported_not_applied(tmp_path):
    p = tmp_path / "story.txt"
    p.write_text(GATED_TEXT, encoding="utf-8")
    checked = run_mtqa("check", str(p), "--no-fluency", "--format", "json", "--select", "NAM")
    (f,) = json.loads(checked.stdout)["documents"][0]["findings"]
    assert (f["code"], f["suggestion"]) == ("NAM001", "Nancy Pelosi") and f["confidence"] < 0.9
    safe = run_mtqa("fix", "--no-fluency", str(p))
    assert safe.returncode == 0 and safe.stdout == GATED_TEXT
    unsafe = run_mtqa("fix", "--no-fluency", str(p), "--unsafe-fixes")
    assert unsafe.returncode == 0 and "Speaker Nancy Pelosi refused" in unsafe.stdout
