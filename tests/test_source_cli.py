"""`--source`: the original beside the translation, through every input path of the CLI.

Real CLI in a subprocess, rules only (``--no-fluency``: the source-aware rules and the names
decision's no-model vectors need no language model).  The texts are written for these tests.
"""

from __future__ import annotations

import json

from conftest import run_mtqa

SRC = ("Канцлер Германии Олаф Шольц 14 июля встретился в Гааге с президентом Украины. "
       "Боевики группировки «Джебхат ан-Нусра» (запрещена в России) обстреляли город. "
       "В акции приняли участие 250 человек.\n")
HYP = ("German Chancellor Olaf Sholz met the President of Ukraine in Gaaga on July 15. "
       "Militants of the Jabhat al-Nusra group (business in Russia) shelled the city.\n")


def _check(*args) -> tuple[list[dict], object]:
    r = run_mtqa("check", "--no-fluency", "--format", "json", *args)
    assert r.returncode in (0, 1, 2), r.stderr
    out = json.loads(r.stdout)
    return [f for d in out["documents"] for f in d["findings"]], r


def _codes(findings) -> list[tuple[str, str]]:
    return [(f["code"], f["text"]) for f in findings]


def test_text_file_with_its_source_gets_the_source_aware_findings(tmp_path):
    (tmp_path / "hyp.txt").write_text(HYP, encoding="utf-8")
    (tmp_path / "src.txt").write_text(SRC, encoding="utf-8")
    found, r = _check(tmp_path / "hyp.txt", "--source", tmp_path / "src.txt")
    codes = _codes(found)
    assert ("SRC001", "15") in codes  # 14 июля -> July 15
    assert ("SRC004", "business in Russia") in codes  # (запрещена в России)
    assert any(c == "SRC002" for c, _ in codes)  # the third sentence is not translated
    src004 = next(f for f in found if f["code"] == "SRC004")
    assert src004["suggestion"] == "banned in Russia"
    nam = {f["text"]: f for f in found if f["code"] == "NAM004"}
    assert nam["Olaf Sholz"]["suggestion"] == "Olaf Scholz"
    assert nam["Gaaga"]["suggestion"] == "The Hague"
    # the same translation without its original: no source-aware finding
    alone, _ = _check(tmp_path / "hyp.txt")
    assert not [f for f in alone if f["code"].startswith("SRC")]


def test_the_original_vouches_for_a_variant_spelling(tmp_path):
    (tmp_path / "hyp.txt").write_text("Chancellor Olaf Sholz met Volodymyr Zelenskii in Brussels on Monday.\n",
                                      encoding="utf-8")
    (tmp_path / "src.txt").write_text("Канцлер Олаф Шольц в понедельник встретился в Брюсселе с Владимиром "
                                      "Зеленским.\n", encoding="utf-8")
    found, _ = _check(tmp_path / "hyp.txt", "--source", tmp_path / "src.txt", "--select", "NAM")
    assert [f["text"] for f in found if f["code"] == "NAM004"] == ["Olaf Sholz"]


def test_lines_pair_line_by_line_and_a_count_mismatch_is_one_error(tmp_path):
    (tmp_path / "src.txt").write_text("Встреча прошла 14 июля.\nВ акции приняли участие 250 человек.\n"
                                      "Погода была хорошей.\n", encoding="utf-8")
    (tmp_path / "hyp.txt").write_text("The meeting took place on July 14.\nPeople took part in the protest.\n",
                                      encoding="utf-8")
    found, r = _check(tmp_path / "hyp.txt", "--input-format", "lines", "--source", tmp_path / "src.txt")
    assert [(f["code"], f["line"]) for f in found if f["code"].startswith("SRC")] == [("SRC001", 2)]
    assert r.returncode == 2  # the source's third line pairs with nothing
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("mtqa: error:")]
    assert len(errors) == 1 and "3 lines" in errors[0] and "2" in errors[0]


def test_a_directory_of_sources_mirrors_the_inputs(tmp_path):
    for d in ("hyp/a", "src/a"):
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "hyp/a/story.txt").write_text("The meeting took place on July 15.\n", encoding="utf-8")
    (tmp_path / "src/a/story.txt").write_text("Встреча прошла 14 июля.\n", encoding="utf-8")
    (tmp_path / "hyp/a/other.txt").write_text("The meeting took place on July 14.\n", encoding="utf-8")
    found, r = _check(tmp_path / "hyp", "--source", tmp_path / "src")
    assert [f["code"] for f in found if f["code"].startswith("SRC")] == ["SRC001"]
    assert r.returncode == 2 and "other.txt" in r.stderr and "no source" in r.stderr


def test_jsonl_records_carry_their_original_in_a_field(tmp_path):
    rows = [
        {"id": 1, "text": "The meeting took place on July 15.", "source": "Встреча прошла 14 июля в Москве."},
        {"id": 2, "text": "The meeting took place on July 15.", "source": "Reuters"},  # a credit line
        {"id": 3, "text": "The meeting took place on July 15.", "original": "Встреча прошла 14 июля в Москве."},
    ]
    path = tmp_path / "stories.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    found, _ = _check(path)
    assert [(f["code"], f["line"]) for f in found if f["code"].startswith("SRC")] == [("SRC001", 1)]
    found, _ = _check(path, "--source-field", "original")
    assert [(f["code"], f["line"]) for f in found if f["code"].startswith("SRC")] == [("SRC001", 3)]


def test_an_original_in_another_language_gets_one_notice_and_the_target_only_checks(tmp_path):
    (tmp_path / "hyp.txt").write_text("The meeting took place on July 15 in Berlin.\n", encoding="utf-8")
    (tmp_path / "src.txt").write_text("Das Treffen fand am 14. Juli in Berlin statt, sagte ein Sprecher.\n",
                                      encoding="utf-8")
    found, r = _check(tmp_path / "hyp.txt", "--source", tmp_path / "src.txt")
    assert not [f for f in found if f["code"].startswith("SRC")]
    notes = [ln for ln in r.stderr.splitlines() if "note:" in ln]
    assert len(notes) == 1 and "'de'" in notes[0]
    assert r.returncode == 0


def test_bad_source_options_exit_2_with_one_line(tmp_path):
    (tmp_path / "hyp.txt").write_text("The meeting took place on July 15.\n", encoding="utf-8")
    r = run_mtqa("check", "--no-fluency", tmp_path / "hyp.txt", "--source", tmp_path / "missing.txt")
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "--source" in r.stderr
    r = run_mtqa("check", "--no-fluency", "-", "--source", tmp_path / "hyp.txt", input="text")
    assert r.returncode == 2 and "standard input" in r.stderr
    r = run_mtqa("check", "--no-fluency", tmp_path / "hyp.txt", "--source", tmp_path / "hyp.txt", "--source-lang", "r1")
    assert r.returncode == 2 and "--source-lang" in r.stderr


def test_same_input_same_findings(tmp_path):
    (tmp_path / "hyp.txt").write_text(HYP, encoding="utf-8")
    (tmp_path / "src.txt").write_text(SRC, encoding="utf-8")
    a, _ = _check(tmp_path / "hyp.txt", "--source", tmp_path / "src.txt")
    b, _ = _check(tmp_path / "hyp.txt", "--source", tmp_path / "src.txt", "--jobs", "2")
    assert a == b


def test_reports_show_the_original(tmp_path):
    (tmp_path / "hyp.txt").write_text(HYP, encoding="utf-8")
    (tmp_path / "src.txt").write_text(SRC.replace("(запрещена", "<b>(запрещена"), encoding="utf-8")
    r = run_mtqa("check", "--no-fluency", tmp_path / "hyp.txt", "--source", tmp_path / "src.txt", "--format", "html",
                 "-o", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert r.returncode in (0, 1)
    assert 'class="fl-src"' in page and "14 июля встретился в Гааге" in page
    assert "<b>(запрещена" not in page and "&lt;b&gt;(запрещена" in page  # escaped
    r = run_mtqa("names", "--no-fluency", tmp_path / "hyp.txt", "--source", tmp_path / "src.txt", "--format", "json")
    rows = {x["found"]: x for x in json.loads(r.stdout)["corrected"]}
    assert rows["Olaf Sholz"]["source"] == "Шольц" and rows["Olaf Sholz"]["suggestion"] == "Olaf Scholz"
    assert rows["Gaaga"]["source"] == "Гааге"


def test_python_api_checks_with_the_original():
    from mtqa import Checker, Config

    checker = Checker(Config(select=["ALL"], fluency=False))
    with_src = checker.check_text("The meeting took place on July 15.", original="Встреча прошла 14 июля.")
    assert [(f.code, f.text) for f in with_src.findings] == [("SRC001", "15")]
    assert not checker.check_text("The meeting took place on July 15.").findings


def test_jobs_report_a_source_with_lines_left_over_like_one_process(tmp_path):
    """A lines file above --jobs' chunk size is cut into ranges; the last range still reports the
    source's extra line (one error, exit 2), and the findings are those of one process."""
    n = 1400  # ~70 KB: more than one chunk (mtqa.parallel.CHUNK_BYTES)
    (tmp_path / "hyp.txt").write_text("The meeting took place on July 14 in the city hall.\n" * (n - 1)
                                      + "The meeting took place on July 16 in the city hall.\n", encoding="utf-8")
    (tmp_path / "src.txt").write_text("Встреча прошла 14 июля в мэрии.\n" * (n + 1), encoding="utf-8")
    runs = [_check(tmp_path / "hyp.txt", "--input-format", "lines", "--source", tmp_path / "src.txt",
                   "--select", "SRC001", "--jobs", jobs) for jobs in ("1", "2")]
    for found, r in runs:
        assert r.returncode == 2
        errors = [ln for ln in r.stderr.splitlines() if ln.startswith("mtqa: error:")]
        assert len(errors) == 1 and f"{n + 1} lines" in errors[0], errors
        assert [(f["code"], f["line"]) for f in found] == [("SRC001", n)]
    assert runs[0][0] == runs[1][0]


def test_fix_with_the_original_applies_what_check_reports(tmp_path):
    """`mtqa fix --source` judges names as `check --source` does: every name finding check reports
    (at fix's confidence) is applied, a spelling the original vouches for is left alone, and a
    translation without its original in a --source directory is one error (exit 2), still fixed."""
    (tmp_path / "hyp.txt").write_text(HYP, encoding="utf-8")
    (tmp_path / "src.txt").write_text(SRC, encoding="utf-8")
    found, _ = _check(tmp_path / "hyp.txt", "--source", tmp_path / "src.txt", "--select", "NAM")
    want = {f["text"]: f["suggestion"] for f in found if f["code"] == "NAM004" and f["confidence"] >= 0.2}
    assert want.get("Olaf Sholz") == "Olaf Scholz"
    r = run_mtqa("fix", "--no-fluency", "--unsafe-fixes", "--min-confidence", "0.2", "--select", "NAM",
                 tmp_path / "hyp.txt", "--source", tmp_path / "src.txt")
    assert r.returncode == 0, r.stderr
    applied = {ln.split("'")[1]: ln.split("'")[3] for ln in r.stderr.splitlines() if "NAM004" in ln}
    assert applied == want
    assert "Olaf Scholz" in r.stdout and "Sholz" not in r.stdout
    # the variant the original vouches for stays as written
    (tmp_path / "v.txt").write_text("Chancellor Olaf Sholz met Volodymyr Zelenskii in Brussels on Monday.\n",
                                    encoding="utf-8")
    (tmp_path / "v.ru").write_text("Канцлер Олаф Шольц в понедельник встретился в Брюсселе с Владимиром "
                                   "Зеленским.\n", encoding="utf-8")
    r = run_mtqa("fix", "--no-fluency", "--unsafe-fixes", "--min-confidence", "0.2", "--select", "NAM",
                 tmp_path / "v.txt", "--source", tmp_path / "v.ru")
    assert "Zelenskii" in r.stdout and "Olaf Scholz" in r.stdout
    # a --source directory without the file's original: one error, the text still fixed without it
    (tmp_path / "originals").mkdir()
    r = run_mtqa("fix", "--no-fluency", tmp_path / "hyp.txt", "--source", tmp_path / "originals")
    assert r.returncode == 2
    assert len([ln for ln in r.stderr.splitlines() if ln.startswith("mtqa: error:")]) == 1
    assert "(banned in Russia)" in r.stdout and "business in Russia" not in r.stdout
