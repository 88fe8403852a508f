"""Sanctions-list people matched as news writes them (issue 16, item 4).

The fixture ``ofac_sdn_patronymics.csv`` is invented, in the OFAC SDN CSV layout:
individuals listed "SURNAME, Given Patronymic" with a.k.a. aliases, an entity, a
vessel (skipped) and a name with no patronymic.  Queries are the short forms news
prints ("Given Surname"), romanized from a Cyrillic spelling written here in the
schemes outlets use, and answered through the real ``mtqa normalize`` command
with the raw list passed as ``--gazetteer``.
"""

import json
import unicodedata
from pathlib import Path

import iuliia
import pytest

from mtqa.gazetteer import get_gazetteer, read_file
from mtqa.gazetteer.importers import sniff
from mtqa.gazetteer.index import entry_short_forms, is_patronymic, short_forms
from mtqa.gazetteer.loader import split_format
from mtqa.gazetteer.matcher import document_mentions, resolve_surname

FIX = Path(__file__).parent / "fixtures" / "gazetteer"
LIST = FIX / "ofac_sdn_patronymics.csv"

SCHEMES = (iuliia.WIKIPEDIA, iuliia.BGN_PCGN, iuliia.ALA_LC, iuliia.ICAO_DOC_9303, iuliia.YANDEX_MAPS)

# (Cyrillic as a Russian-language source writes the person, the OFAC entry)
PEOPLE = [
    ("Аркадий Корниленко", "Arkadiy Stepanovich Kornilenko"),
    ("Евгений Щербаков", "Yevgeniy Olegovich Shcherbakov"),
    ("Дмитрий Храмцов", "Dmitriy Yur'yevich Khramtsov"),
    ("Павел Храмцов", "Pavel Dmitriyevich Khramtsov"),
    ("Наталья Белозёрская", "Natalya Igorevna Belozyorskaya"),
    ("Семён Григорьев", "Semyon Ilyich Grigoryev"),
    ("Иван Бейкер", "Ivan Sergeyevich Baker"),
]


def _romanized(cyr: str) -> set[str]:
    out = set()
    for schema in SCHEMES:
        r = schema.translate(cyr).replace("ё", "e").replace("Ё", "E")
        r = unicodedata.normalize("NFKD", r.replace("ʹ", ""))
        out.add("".join(c for c in r if not unicodedata.combining(c)))
    return out


QUERIES = sorted({(q, name) for cyr, name in PEOPLE for q in _romanized(cyr)})


def _normalize(mtqa, queries, *extra):
    r = mtqa("normalize", "--no-default-gazetteer", "--gazetteer", *extra, "--format", "json", "-",
             input="\n".join(queries) + "\n")
    assert r.returncode == 0, r.stderr
    return {rec["query"]: [c["name"] for c in rec["candidates"]] for rec in map(json.loads, r.stdout.splitlines())}


@pytest.fixture(scope="module")
def gaz():
    return get_gazetteer([str(LIST)], defaults=False)


def test_queries_cover_several_spellings_per_person():
    assert len(QUERIES) >= 2 * len(PEOPLE)
    assert {"Yevgeny Shcherbakov", "Evgenii Shcherbakov", "Dmitrii Khramtsov", "Natalia Belozerskaia"} <= {
        q for q, _ in QUERIES}


def test_given_surname_in_every_scheme_finds_the_listed_person_first_via_the_cli(mtqa):
    answers = _normalize(mtqa, [q for q, _ in QUERIES], LIST)
    wrong = {q: (answers.get(q) or [None])[0] for q, name in QUERIES if (answers.get(q) or [None])[0] != name}
    assert not wrong


def test_capitals_initials_and_the_format_prefix(mtqa, tmp_path):
    queries = {"Dmitriy KHRAMTSOV": "Dmitriy Yur'yevich Khramtsov", "PAVEL KHRAMTSOV": "Pavel Dmitriyevich Khramtsov",
               "D. Khramtsov": "Dmitriy Yur'yevich Khramtsov", "P. D. Khramtsov": "Pavel Dmitriyevich Khramtsov",
               "Oleksandr Tsygankov": "Oleksandr Petrovych Tsygankov",
               "Aleksandr Tsygankov": "Oleksandr Petrovych Tsygankov",  # the Russian a.k.a., short
               "Alyaksandra Marozava": "Alyaksandra Mikalayeuna Marozava",
               "Aliaksandra Marozava": "Alyaksandra Mikalayeuna Marozava"}
    # the list under a name that says nothing, passed with the format prefix
    renamed = tmp_path / "list.dat"
    renamed.write_bytes(LIST.read_bytes())
    for arg in (str(LIST), f"ofac-sdn:{renamed}"):
        answers = _normalize(mtqa, list(queries), arg)
        assert {q: a[0] if a else None for q, a in answers.items()} == queries


def test_a_uk_ofsi_list_as_downloaded_too(mtqa):
    # OFSI: surname in Name 6, the patronymic in Name 2; the Cyrillic form gives more spellings
    answers = _normalize(mtqa, ["Ivan Kuzkin", "IVAN KUZKIN", "I. P. Kuzkin", "Ivan Kuz'kin"],
                         FIX / "uk_ofsi_sample.csv")
    assert {q: a[0] if a else None for q, a in answers.items()} == dict.fromkeys(answers, "Ivan Petrovich Kuzkin")


def test_exact_short_form_is_accepted_with_its_evidence(gaz):
    idx = gaz.index
    assert idx.is_accepted("Arkadiy Kornilenko") and idx.is_accepted("ARKADII KORNILENKO")
    # initials are matched (by skeleton), not accepted: "A." must not become a word of a name
    assert not idx.is_accepted("A. Kornilenko")
    assert gaz.lookup("A. Kornilenko", top=1)[0].entry.name == "Arkadiy Stepanovich Kornilenko"
    best = gaz.lookup("Arkadiy Kornilenko", top=1)[0]
    assert best.entry.name == "Arkadiy Stepanovich Kornilenko" and best.confidence == 1.0
    assert "short form" in best.evidence
    # a name with no patronymic gets no short form: "Khalid al-Rashidi" is not "Khalid Ahmad al-Rashidi"
    assert not idx.is_accepted("Khalid al-Rashidi")
    assert [e.name for e in gaz.entries if e.id == "ofac:91009"] == []  # the vessel is skipped


def test_the_raw_list_reads_like_its_import():
    assert sniff(LIST.read_bytes()) == "ofac-sdn"
    assert sniff((FIX / "desk.tsv").read_bytes()) is None and sniff((FIX / "names.txt").read_bytes()) is None
    entries = read_file(LIST)
    assert [e.id for e in entries][:2] == ["ofac:91001", "ofac:91002"] and len(entries) == 11
    assert split_format("ofac-sdn:x.csv") == ("ofac-sdn", Path("x.csv"))
    assert split_format("C:/lists/x.csv")[0] is None


def test_patronymics_and_short_forms():
    assert short_forms("Vitali Yur'yevich ZAHARCHENKO") == ["Vitali Zaharchenko", "V. Zaharchenko",
                                                           "V. Yu. Zaharchenko"]
    assert short_forms("Islam Seit-Umarovich Atabiyev")[0] == "Islam Atabiyev"
    assert short_forms("Mkrtich Okroevich Okroyan")[0] == "Mkrtich Okroyan"  # a given name like a patronymic
    assert short_forms("Anna Maria Ivanovna de Souza")[:2] == ["Anna Maria de Souza", "Anna de Souza"]
    for word in ("Yur'yevich", "Anatolijevich", "Ryhorovich", "Yuriyovych", "Ilyich", "Igorevna", "Petrivna",
                 "Illichna", "Uladzimirauna", "Mikalayeuna"):
        assert is_patronymic(word), word
    for word in ("Ulrich", "Friedrich", "Pejčinović", "Ivan", "Mich"):
        assert not is_patronymic(word), word
    # the surname is never dropped, whatever it ends in; two words have nothing to drop
    assert short_forms("Roman Abramovich") == [] and short_forms("Hans Ulrich Meier") == []
    from mtqa.gazetteer.model import Entry

    assert entry_short_forms(Entry("x", "Ivan Petrovich Kuzkin", "organisation")) == []


def test_default_gazetteer_gets_short_forms_only_for_a_listed_patronymic():
    from mtqa.gazetteer import loader

    got = {e.name: entry_short_forms(e) for e in loader.iter_entries(loader.default_files()) if entry_short_forms(e)}
    assert got == {"Vladimir Putin": ["V. Putin", "V. V. Putin"]}


# -- a surname standing alone ---------------------------------------------------------------


def _name(gaz, i):
    return None if i is None else gaz.entries[i].name


def test_surname_index_is_case_and_transliteration_blind(gaz):
    idx = gaz.index
    khr = {gaz.entries[i].name for i in idx.surname_entries("KHRAMTSOV")}
    assert khr == {"Dmitriy Yur'yevich Khramtsov", "Pavel Dmitriyevich Khramtsov"}
    assert idx.surname_entries("Khramcov") == idx.surname_entries("khramtsov")
    assert [gaz.entries[i].name for i in idx.surname_entries("Shcherbakov")] == ["Yevgeniy Olegovich Shcherbakov"]
    assert idx.surname_entries("Volgatransneft") == ()  # an organisation has no surname


def test_bare_surname_only_when_unambiguous_in_the_document(gaz):
    idx = gaz.index
    # two listed Khramtsovs: the surname alone says neither ...
    assert resolve_surname(idx, "Khramtsov") is None
    assert resolve_surname(idx, "Khramtsov", document_mentions("Moscow said on Monday. Khramtsov denied it.")) is None
    # ... until the story names one in full, in any spelling or casing
    doc = "Pavel KHRAMTSOV, a banker, was listed on Friday. Khramtsov's lawyer said he would appeal."
    assert _name(gaz, resolve_surname(idx, "Khramtsov", document_mentions(doc))) == "Pavel Dmitriyevich Khramtsov"
    doc = "Dmitrii Khramtsov said on Monday that Khramtsov's firm was not involved."
    assert _name(gaz, resolve_surname(idx, "Khramtsov", document_mentions(doc))) == "Dmitriy Yur'yevich Khramtsov"
    # both named in full: ambiguous again
    both = document_mentions("Dmitry Khramtsov and his son Pavel Khramtsov were listed. Khramtsov declined.")
    assert resolve_surname(idx, "Khramtsov", both) is None
    # the only Kornilenko and a distinctive word: stands alone; an ordinary English word does not
    assert _name(gaz, resolve_surname(idx, "KORNILENKO")) == "Arkadiy Stepanovich Kornilenko"
    assert resolve_surname(idx, "Baker") is None
    assert _name(gaz, resolve_surname(idx, "Baker", document_mentions("Ivan Baker, 35, was named."))) == \
        "Ivan Sergeyevich Baker"
    assert resolve_surname(idx, "Smith") is None


def test_in_a_story_short_forms_pass_and_a_misspelling_gets_the_short_form():
    from mtqa import Checker, Config

    checker = Checker(Config(select=["NAM"], gazetteers=[str(LIST)], fluency=False))
    clean = checker.check_text("The Treasury listed Arkadiy Kornilenko, Dmitriy Khramtsov and Natalia Belozerskaia "
                               "on Friday.\n")
    assert not clean.findings
    found = checker.check_text("The Treasury listed Dmitry Khramtzov on Friday.\n").findings
    # the suggestion is how news writes him, not the list's "Dmitriy Yur'yevich Khramtsov"
    assert [(f.code, f.suggestion) for f in found] == [("NAM001", "Dmitriy Khramtsov")]
