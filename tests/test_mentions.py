"""Names in context (issue 16): mentions of one entity linked across the document, accepted
variants, the AP casing of titles before names, `mtqa fix` all or none, the names report by entity."""

import json

import pytest

from mtqa import Checker, Config

from conftest import run_mtqa

STORY = ("Sergei Shoigou met officials. Later Shoigou said the talks went well. Shoigou's aide agreed. "
         "The defence minister Sergei Shoigu spoke. Aleksei Navalniy was jailed; Navalniy appealed. "
         "Maria Zaharova, the spokeswoman, spoke; Zaharova said no. The secretary general of NATO Jens "
         "Stoltenberg arrived. Volodymyr Zelenskii met Josh Ernest.")


@pytest.fixture(scope="module")
def checker():
    return Checker(Config(select=["NAM", "CAS"], fluency=False))


def names(checker, text, code="NAM001"):
    return [f for f in checker.check_text(text).findings if f.code == code]


def test_surnames_alone_after_a_full_mention_get_the_same_correction(checker):
    found = {(f.text, f.start): f for f in names(checker, STORY)}
    later = STORY.index("Later Shoigou") + len("Later ")
    f = found[("Shoigou", later)]
    assert f.suggestion == "Shoigu"
    assert f.data["linked_to"] == {"text": "Sergei Shoigou", "start": 0}
    assert f.data["group"] == found[("Sergei Shoigou", 0)].data["group"] == "per:sergei-shoigu"
    assert f.confidence == found[("Sergei Shoigou", 0)].confidence
    nav = found[("Navalniy", STORY.index("Navalniy appealed"))]
    assert nav.suggestion == "Navalny" and nav.data["linked_to"]["text"] == "Aleksei Navalniy"
    zah = found[("Zaharova", STORY.index("Zaharova said"))]
    assert zah.suggestion == "Zakharova" and zah.data["entity"] == "per:maria-zakharova"
    # the correct full mention is a spelling of the entity, never a finding
    assert ("Sergei Shoigu", STORY.index("Sergei Shoigu ")) not in found
    assert "Sergei Shoigu" in f.data["spellings"]


def test_possessive_keeps_its_s_and_is_linked(checker):
    f = [f for f in names(checker, STORY) if f.start == STORY.index("Shoigou's")][0]
    assert f.text == "Shoigou" and f.end == STORY.index("'s aide")
    assert f.suggestion == "Shoigu" and f.data["mention"] == "surname"


def test_title_plus_surname_and_the_headline_are_linked(checker):
    text = ("SHOIGOU VISITS MINSK\n\nRussian Defence Minister Sergei Shoigou arrived on Monday. Minister "
            "Shoigou met Mr. Shoigou's hosts. \"We agree,\" Shoigou said.\n")
    got = sorted((f.text, f.suggestion) for f in names(checker, text))
    assert got == [("SHOIGOU", "SHOIGU"), ("Sergei Shoigou", "Sergei Shoigu"), ("Shoigou", "Shoigu"),
                   ("Shoigou", "Shoigu"), ("Shoigou", "Shoigu")]
    assert {f.data["group"] for f in names(checker, text)} == {"per:sergei-shoigu"}


def test_surname_alone_only_when_unambiguous_and_distinctive(checker):
    # no full mention: one gazetteer person, a romanized-Russian signature
    (f,) = names(checker, "Navalniy appealed the verdict, his lawyers said.")
    assert f.suggestion == "Navalny" and "linked_to" not in f.data
    # two gazetteer people share the surname: nothing
    assert names(checker, "Berdimukhamedov opened the new gas pipeline on Monday.") == []
    # a name of its own one letter from a gazetteer surname, gender pairs, plurals, initials
    quiet = ("Kremlin spokesman Dmitry Peskov spoke on Monday. Peskova, his daughter, studied in Paris. "
             "The Romneys attended. Rutto held on to win. Christopher P. Borrick teaches politics.")
    assert names(checker, quiet) == []


def test_a_near_spelling_beside_a_correct_full_name_is_a_mention(checker):
    text = "Defence Minister Sergei Shoigu arrived. Shoigou said the talks went well."
    (f,) = names(checker, text)
    assert (f.text, f.suggestion, f.confidence) == ("Shoigou", "Shoigu", 0.8)
    assert f.data["linked_to"]["text"] == "Sergei Shoigu"


def test_accepted_variants_are_not_flagged(checker):
    text = ("President Volodymyr Zelenskii met Volodymyr Zelenskyy's aides; Zelenskiy said the talks were "
            "useful. Sergey Shoygu, Aleksey Navalnyy, Dmitri Peskov and Yevgeniy Prigozhin did not comment.")
    assert names(checker, text) == []
    # a garble is still one, and the variant in the same name stays as the canonical form suggests
    (f,) = names(checker, "Aleksei Navalniy was jailed.")
    assert f.suggestion == "Alexei Navalny"
    # only what romanizations alternate on: Tsarnayev is not Tsarnaev
    assert [f.suggestion for f in names(checker, "Prosecutors said Dzhokhar Tsarnayev planted the bomb.")] == [
        "Dzhokhar Tsarnaev"]


def test_house_style_picks_one_variant(tmp_path):
    p = tmp_path / "story.txt"
    p.write_text("President Volodymyr Zelensky met Volodymyr Zelenskii's aides.\n", encoding="utf-8")
    r = run_mtqa("check", str(p), "--no-fluency", "--select", "NAM", "--format", "json",
                 "--house-style", "zelensky=zelenskyy")
    got = [(f["code"], f["text"], f["suggestion"]) for f in json.loads(r.stdout)["documents"][0]["findings"]]
    assert got == [("NAM003", "Zelensky", "Zelenskyy"), ("NAM003", "Zelenskii", "Zelenskyy")]
    assert run_mtqa("check", str(p), "--no-fluency", "--select", "NAM").returncode == 0
    bad = run_mtqa("check", str(p), "--no-fluency", "--house-style", "zelensky=Zelenski")
    assert bad.returncode == 2 and "Zelenskyy" in bad.stderr
    cfg = tmp_path / "mtqa.toml"
    cfg.write_text('[tool.mtqa]\nhouse-style = { zelensky = "Zelenskiy" }\n', encoding="utf-8")
    r = run_mtqa("fix", "--no-fluency", str(p), "--config", str(cfg))
    assert r.stdout == "President Volodymyr Zelenskiy met Volodymyr Zelenskiy's aides.\n"


@pytest.mark.parametrize("text,found,suggestion", [
    ("The defence minister Sergei Shoigu spoke.", "defence minister", "Defence Minister"),
    ("The talks were attended by foreign minister Sergei Lavrov.", "foreign minister", "Foreign Minister"),
    ("The talks were opened by president Vladimir Putin.", "president", "President"),
    ("The prime minister Mateusz Morawiecki arrived.", "prime minister", "Prime Minister"),
    ("The secretary general of NATO Jens Stoltenberg arrived.", "secretary general of NATO",
     "NATO Secretary-General"),
])
def test_formal_titles_before_names_are_capitalised(checker, text, found, suggestion):
    (f,) = names(checker, text, "CAS005")
    assert (f.text, f.suggestion) == (found, suggestion)


@pytest.mark.parametrize("text", [
    "Kremlin spokesman Dmitry Peskov declined to comment.",
    "The talks were attended by press secretary Dmitry Peskov.",
    "The defence minister, Sergei Shoigu, spoke.",
    "Russian president Vladimir Putin arrived in Delhi.",
    "It was cancelled by former president Barack Obama.",
    "Defence Minister Sergei Shoigu spoke.",
    "The president of CDP North America spoke.",
    "Counselor to the president Kellyanne Conway walked it back.",
])
def test_occupational_titles_and_house_styles_stay(checker, text):
    assert names(checker, text, "CAS005") == []


def test_fix_writes_a_group_all_or_none(tmp_path):
    p = tmp_path / "all.txt"
    p.write_text("As later stated by the press secretary of the White House Josh Ernest, no deal was reached. "
                 "Ernest added that talks would go on, and Ernest's deputy agreed.\n", encoding="utf-8")
    r = run_mtqa("fix", "--no-fluency", str(p))
    assert r.returncode == 0, r.stderr
    assert "Ernest" not in r.stdout and r.stdout.count("Earnest") == 3 and "Earnest's deputy" in r.stdout
    # the surname alone is a sure correction (0.93) but the full mention is below the gate (0.82):
    # neither is applied, so the copy never names the man two ways
    q = tmp_path / "none.txt"
    text = "Polish Prime Minister Mateusz Moravetsky arrived in Kyiv. Moravetsky said the talks went well.\n"
    q.write_text(text, encoding="utf-8")
    checked = json.loads(run_mtqa("check", str(q), "--no-fluency", "--select", "NAM", "--format",
                                  "json").stdout)["documents"][0]["findings"]
    assert {f["text"]: f["confidence"] >= 0.9 for f in checked} == {"Mateusz Moravetsky": False, "Moravetsky": True}
    assert run_mtqa("fix", "--no-fluency", str(q)).stdout == text
    both = run_mtqa("fix", "--no-fluency", str(q), "--unsafe-fixes").stdout
    assert "Moravetsky" not in both and both.count("Morawiecki") == 2


def test_plan_withdraws_a_group_that_loses_an_overlap():
    from mtqa.finding import Finding, Severity
    from mtqa.fix import plan

    def f(code, s, e, text, sug, conf, group=None):
        return Finding(code, code, "name", Severity.WARNING, s, e, text, "m", sug, conf,
                       data={"group": group} if group else {})

    findings = [f("NAM001", 0, 5, "Aaaaa", "Bbbbb", 0.95, "g"), f("NAM001", 10, 15, "Aaaaa", "Bbbbb", 0.95, "g"),
                f("X", 9, 12, "xyz", "XYZ", 0.99), f("NAM001", 20, 25, "Ccccc", "Ddddd", 0.95, "h")]
    edits = plan(findings, {"NAM001", "X"})
    assert [(e.code, e.start) for e in edits] == [("X", 9), ("NAM001", 20)]


def test_names_report_lists_spellings_per_entity(tmp_path):
    p = tmp_path / "story.txt"
    p.write_text(STORY + "\n", encoding="utf-8")
    data = json.loads(run_mtqa("names", "--no-fluency", str(p), "--format", "json").stdout)
    ents = {e["entity"]: e for e in data["entities"]}
    shoigu = ents["per:sergei-shoigu"]
    assert shoigu["suggestion"] == "Sergei Shoigu"
    assert {s["spelling"]: s["corrected"] for s in shoigu["spellings"]} == {
        "Shoigou": 2, "Sergei Shoigou": 1, "Sergei Shoigu": 0}
    assert [m["found"] for m in shoigu["mentions"]] == ["Sergei Shoigou", "Shoigou", "Shoigou"]
    assert shoigu["evidence"]["gazetteer"].startswith("per:sergei-shoigu: ")
    assert shoigu["evidence"]["lm_margin"] is None and shoigu["fixed"] == 0
    assert "per:volodymyr-zelensky" not in ents
    table = run_mtqa("names", "--no-fluency", str(p)).stdout
    assert "Names by entity" in table and "Shoigou ×2, Sergei Shoigou ×1, Sergei Shoigu" in table
    md = run_mtqa("names", "--no-fluency", str(p), "--format", "md").stdout
    assert "## Names by entity" in md and "| per:sergei-shoigu | Sergei Shoigu |" in md


def test_names_report_shows_the_language_model_margin():
    """The names report takes a row's margin from the findings that carry one: NAM004 (the language
    model's judgement, with the default model) has it, a gazetteer match (NAM001) has none."""
    from mtqa.commands.names import entities

    text = ("Defence Minister Sergei Shoigou visited the governor of Khabarovsk, Sergei Furgal, in July. "
            "Thousands of supporters of Furgala marched on Saturday, Shoigou said.\n")
    rep = Checker(Config(select=["NAM001", "NAM004"])).check_text(text, source="a.txt")
    nam4 = [f for f in rep.findings if f.code == "NAM004"]
    nam1 = [f for f in rep.findings if f.code == "NAM001"]
    assert [f.text for f in nam4] == ["Furgala"] and {f.suggestion for f in nam4} == {"Furgal"}
    assert nam1 and all("lm_margin" not in f.data for f in nam1)
    rows = {r["suggestion"]: r for r in entities([rep])}
    margin = max(f.data["lm_margin"] for f in nam4)
    assert margin > 0 and rows["Furgal"]["evidence"]["lm_margin"] == round(margin, 3)
    assert rows["Furgal"]["evidence"]["gazetteer"].startswith("NAM004, the names decision")
    assert rows["Sergei Shoigu"]["evidence"]["lm_margin"] is None
