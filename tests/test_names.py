"""Name rules NAM001-NAM003 on real sentences, and the `mtqa names` report."""

import csv
import io
import json
from pathlib import Path

import pytest

from mtqa import Checker, Config
from mtqa.gazetteer import get_gazetteer

FIX = Path(__file__).parent / "fixtures" / "gazetteer"
DESK = FIX / "desk.tsv"


def run(text, select=("NAM",), test_only=False, **cfg):
    """Findings of the name rules; test_only: against the test gazetteer alone."""
    checker = Checker(Config(select=list(select), fluency=False, **cfg))
    if test_only:
        gaz = get_gazetteer([str(DESK)], house_style=cfg.get("house_style", {}).get("ukraine", "ukrainian"),
                            allow=cfg.get("allow", ()), defaults=False)
        checker.ctx.put("gazetteer", gaz)
    return checker.check_text(text, source="t").findings


def nam(text, code="NAM001", **kw):
    return [(f.text, f.suggestion) for f in run(text, **kw) if f.code == code]


# -- NAM001: garbled names --------------------------------------------------------------------


@pytest.mark.parametrize("test_only", [True, False])
def test_garbled_organisation_with_article(test_only):
    text = "Russia struck positions of the terrorist group dzhebhat an-Nusra near Idlib on Tuesday."
    assert nam(text, test_only=test_only) == [("dzhebhat an-Nusra", "Jabhat al-Nusra")]
    text = "Putin called for separating the opposition from “Dzhebhat EN-Nusra” (banned in Russia)."
    assert nam(text, test_only=test_only) == [("Dzhebhat EN-Nusra", "Jabhat al-Nusra")]


def test_runs_known_to_be_empty_do_not_hide_an_article_form():
    """Each run of capitalised words is judged once per process and documents whose runs
    are all known to be empty skip the scan; a garbled lower-case word before an article
    form ("dzhebhat an-Nusra") must still be seen after "Nusra" alone was judged empty."""
    checker = Checker(Config(select=["NAM001"], fluency=False))
    for _ in range(2):
        assert checker.check_text("Nusra said nothing. Idlib was quiet on Monday.").findings == []
        f = checker.check_text("Russia struck the terrorist group dzhebhat an-Nusra near Idlib.").findings
        assert [(x.text, x.suggestion) for x in f] == [("dzhebhat an-Nusra", "Jabhat al-Nusra")]


@pytest.mark.parametrize("test_only", [True, False])
def test_accepted_forms_never_flagged(test_only):
    text = ("The Nusra Front, once known as Jabhat al-Nusra (also al-Nusra Front), fought in Idlib. "
            "White House press secretary Josh Earnest said the talks would continue.")
    assert nam(text, test_only=test_only) == []


def test_particles_and_assimilated_articles():
    f = run("Fighters of Hayat Tahrir ash-Sham took the town, the militants said.")
    assert [(x.text, x.suggestion) for x in f if x.code == "NAM001"] == [("Hayat Tahrir ash-Sham", "Hayat Tahrir al-Sham")]
    assert run("Fighters of Hayat Tahrir al-Sham took the town.") == []
    # a person's name with an assimilated article, and one with bin/ben
    assert nam("Police in Mosul questioned Abdullah al-Rashidi on Monday.", test_only=True) == []
    assert nam("Police in Mosul questioned Abdullah ar-Rashidi on Monday.", test_only=True) == [
        ("Abdullah ar-Rashidi", "Abdullah al-Rashidi")]
    assert nam("Crown Prince Mohammed bin Salman met Putin in Riyadh.") == []
    assert nam("Crown Prince Mukhammed ben Salman met Putin in Riyadh.") == [
        ("Prince Mukhammed ben Salman", "Prince Mohammed bin Salman")]  # matched the alias: suggest the alias


def test_josh_ernest_needs_context():
    """Context policy: "Josh Ernest" is an ordinary English name, so the correction
    needs the entry's context keywords nearby."""
    flagged = "As later stated by the press secretary of the White House Josh Ernest, no agreement was reached."
    f = [x for x in run(flagged) if x.code == "NAM001"]
    assert [(x.text, x.suggestion) for x in f] == [("Josh Ernest", "Josh Earnest")]
    assert f[0].confidence >= 0.9 and "context" in f[0].data["evidence"]
    # no context keyword: no finding
    assert nam("Josh Ernest, a plumber from Dayton, Ohio, fixed the boiler in an hour.") == []
    # the other direction: Ernest Hemingway is never touched, even next to the White House
    assert nam("The White House press secretary quoted Ernest Hemingway at the briefing.") == []
    assert nam("Ernest Hemingway lived in Key West and in Havana.") == []


def test_garbled_surname_alone_and_with_first_name():
    assert nam("Polish Prime Minister Mateusz Moravetsky arrived in Warsaw.") == [
        ("Mateusz Moravetsky", "Mateusz Morawiecki")]
    assert nam("The talks with Moravetsky lasted two hours.") == [("Moravetsky", "Morawiecki")]
    assert nam("Max Ferstappen won the race in Monaco.") == [("Max Ferstappen", "Max Verstappen")]


def test_russian_form_of_a_ukrainian_name():
    text = "The Kharkiv banker Aleksandr Tkachuk denied the charges."
    assert nam(text, test_only=True) == [("Aleksandr Tkachuk", "Oleksandr Tkachuk")]
    assert nam("The Kharkiv banker Oleksandr Tkachuk denied the charges.", test_only=True) == []
    # with the shipped data: Zelensky (NAM001 or, if the house-style table lists him, NAM003)
    f = [(x.text, x.suggestion) for x in run("President Vladimir Zelensky addressed the Verkhovna Rada in Kyiv.")]
    assert f == [("Vladimir Zelensky", "Volodymyr Zelensky")]
    assert run("President Volodymyr Zelensky addressed the Verkhovna Rada in Kyiv.") == []


def test_allow_list_silences_a_name():
    text = "Polish Prime Minister Mateusz Moravetsky arrived in Warsaw."
    assert nam(text, allow=["Moravetsky"]) == []
    assert nam(text, allow=["Mateusz Moravetsky"]) == []


def test_variant_spellings_and_typos_of_english_names_stay_quiet():
    for text in ("Egypt's President Mohammed Morsi spoke to supporters in Cairo.",
                 "Assemblyman Kevin McCarty argued for the bill in Sacramento.",
                 "Gazprom chairman Aleksey Miller met the minister.",
                 "The Paul Ryans of the world will object.",
                 "Senator Ron Wyden said on Thursday the bill would fail."):
        assert nam(text) == [], text


def test_severity_follows_confidence():
    f = [x for x in run("Russia struck dzhebhat an-Nusra near Idlib, Syria.") if x.code == "NAM001"][0]
    assert str(f.severity) == "error" and f.confidence >= 0.9
    f = [x for x in run("The governor of Tula, Ivan Kuzkyn, resigned.", test_only=True) if x.code == "NAM001"][0]
    assert f.confidence < 0.9 and str(f.severity) in ("warning", "info")


def test_supersedes_casing_inside_the_span():
    text = "The militants (banned in the Russian federation) attacked government positions."
    findings = Checker(Config(fluency=False)).check_text(text).findings
    assert [(f.code, f.text) for f in findings] == [("PHR001", "banned in the Russian federation")]
    assert Checker(Config(select=["CAS"], fluency=False)).check_text(text).findings  # CAS alone does flag it


# -- NAM002: unverified transliterations ----------------------------------------------------------


def test_unverified_transliteration():
    text = ("The deputy governor Dzhamshed Khudoyberdiyev resigned. Dzhamshed Khudoyberdiyev denied "
            "the charges, and a spokesman, Vitaliy Pozdnyshevskiy, confirmed the arrest.")
    f = [x for x in run(text) if x.code == "NAM002"]
    assert [x.text for x in f] == ["Dzhamshed", "Pozdnyshevskiy"]  # once per document and spelling
    assert all(str(x.severity) == "info" and x.suggestion is None for x in f)


def test_unverified_transliteration_quiet_on_known_and_english_names():
    text = ("Foreign Minister Sergei Lavrov met Dmitry Peskov. The orchestra played Tchaikovsky, "
            "and Mikhail Khodorkovsky watched.")
    assert [x for x in run(text) if x.code == "NAM002"] == []
    assert [x for x in run("Dzhamshed Khudoyberdiyev resigned.", allow=["Dzhamshed"]) if x.code == "NAM002"] == []


def test_names_curated_for_clean_news_are_quiet():
    """Spellings that English news uses for people and companies the curated gazetteer
    lists (written for this test, after names that clean wire copy reported)."""
    text = ("Dzhokhar Tsarnaev, the younger of the two brothers behind the Boston Marathon bombing, was "
            "sentenced to death; Tamerlan Tsarnaev died days after the attack. GENNADIY GOLDBERG, RATES "
            "STRATEGIST AT TD SECURITIES, expects two cuts. EuroChem-VolgaKaliy opened a potash mine. "
            "Iran mourned Qassem Suleimani, the commander of the Qods Force, and Libya's foreign minister "
            "Mohamed Siyala met Fayez Seraj.")
    assert [(x.code, x.text) for x in run(text, select=("NAM001", "NAM002"))] == []
    # a garbled spelling of a curated name is still reported
    assert nam("Prosecutors said Dzhokhar Tsarnayev planted the second bomb at the Boston Marathon.") == [
        ("Dzhokhar Tsarnayev", "Dzhokhar Tsarnaev")]


# -- NAM003: house style ---------------------------------------------------------------------------


def test_house_style_ukrainian_by_default():
    text = "Shelling hit Kharkov overnight, and talks in Kiev resumed; Odessa port reopened."
    assert nam(text, "NAM003") == [("Kharkov", "Kharkiv"), ("Kiev", "Kyiv"), ("Odessa", "Odesa")]
    assert nam("Shelling hit Kharkiv overnight, and talks in Kyiv resumed.", "NAM003") == []
    # NAM001 leaves house-style pairs to NAM003
    assert nam(text) == []


def test_house_style_russian_setting():
    cfg = {"house_style": {"ukraine": "russian"}}
    text = "Shelling hit Kharkiv overnight, and talks in Kyiv resumed."
    assert nam(text, "NAM003", **cfg) == [("Kharkiv", "Kharkov"), ("Kyiv", "Kiev")]
    assert nam("Talks in Kiev resumed.", "NAM003", **cfg) == []
    assert nam("Talks in Kiev resumed.", **cfg) == []  # no NAM001 either


def test_house_style_exceptions_and_allow():
    assert nam("He ordered chicken Kiev in Odessa, Texas.", "NAM003") == []
    assert nam("Dynamo Kiev lost at home.", "NAM003", allow=["Kiev"]) == []


# -- the names report ---------------------------------------------------------------------------------


SAMPLE = ("Russia struck dzhebhat an-Nusra near Idlib in Syria. Later dzhebhat an-Nusra fighters withdrew.\n"
          "As stated by the press secretary of the White House Josh Ernest, nothing changed.\n"
          "The spokesman Vitaliy Pozdnyshevskiy declined to comment in Kiev.\n")


@pytest.fixture
def sample(tmp_path):
    p = tmp_path / "story.txt"
    p.write_text(SAMPLE, encoding="utf-8")
    return p


def test_names_report_json(mtqa, sample):
    r = mtqa("names", "--no-fluency", sample, "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    rows = {(x["found"], x["suggestion"]): x for x in data["corrected"]}
    nusra = rows[("dzhebhat an-Nusra", "Jabhat al-Nusra")]
    assert nusra["count"] == 2 and nusra["type"] == "organisation"
    cols = [SAMPLE.index("dzhebhat") + 1, SAMPLE.index("dzhebhat", 20) + 1]
    assert nusra["locations"] == [f"{sample}:1:{c}" for c in cols]
    assert nusra["evidence"] and "[dzhebhat an-Nusra]" in nusra["context"]
    assert 0.9 <= nusra["confidence"] <= 1.0
    assert ("Josh Ernest", "Josh Earnest") in rows and ("Kiev", "Kyiv") in rows
    assert [x["found"] for x in data["unverified"]] == ["Pozdnyshevskiy"]


def test_names_report_table_md_csv(mtqa, sample):
    t = mtqa("names", "--no-fluency", sample).stdout
    assert "Corrected names" in t and "Unverified transliterations" in t
    assert "dzhebhat an-Nusra" in t and "Jabhat al-Nusra" in t and "Pozdnyshevskiy" in t
    md = mtqa("names", "--no-fluency", sample, "--format", "md").stdout
    assert "## Corrected names" in md and "## Unverified transliterations" in md
    assert "| dzhebhat an-Nusra | Jabhat al-Nusra | organisation | 2 |" in md
    rows = list(csv.DictReader(io.StringIO(mtqa("names", "--no-fluency", sample, "--format", "csv").stdout)))
    assert {r["section"] for r in rows} == {"corrected", "unverified"}
    nusra = [r for r in rows if r["found"] == "dzhebhat an-Nusra"][0]
    assert nusra["count"] == "2" and nusra["suggestion"] == "Jabhat al-Nusra"


def test_names_report_errors_and_bad_format(mtqa, sample, tmp_path):
    r = mtqa("names", "--no-fluency", sample, tmp_path / "missing.txt", "--format", "json")
    assert r.returncode == 2 and "missing.txt" in r.stderr
    assert json.loads(r.stdout)["corrected"]
    assert mtqa("names", "--no-fluency", sample, "--format", "xml").returncode == 2


def test_names_report_user_gazetteer_and_output(mtqa, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("The governor of Tula, Ivan Kuzkyn, resigned.\n", encoding="utf-8")
    out = tmp_path / "names.json"
    r = mtqa("names", "--no-fluency", p, "--gazetteer", DESK, "--format", "json", "-o", out)
    assert r.returncode == 0 and r.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [(x["found"], x["suggestion"]) for x in data["corrected"]] == [("Ivan Kuzkyn", "Ivan Kuzkin")]
