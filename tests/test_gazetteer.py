"""The gazetteer package: file format, keys, romanization, index, resource, importers."""

import json
from pathlib import Path

import pytest

from mtqa import Checker, Config
from mtqa.gazetteer import GazetteerError, get_gazetteer, parse_text, read_file
from mtqa.gazetteer.importers import read_csv, read_ofac_sdn, read_uk_ofsi, recase, to_tsv
from mtqa.gazetteer.index import GazetteerIndex
from mtqa.gazetteer.keys import consonant_key, norm, skeleton
from mtqa.gazetteer.learned import Transliterator, bucket, context_tables, default_model, em_align, viterbi_align
from mtqa.gazetteer.model import Entry
from mtqa.gazetteer.translit import kmu_2010, romanizations

FIX = Path(__file__).parent / "fixtures" / "gazetteer"
DESK = FIX / "desk.tsv"


@pytest.fixture(scope="module")
def desk():
    return get_gazetteer([str(DESK)], defaults=False)


# -- file format ----------------------------------------------------------------------


def test_tsv_entries_are_typed_with_lists():
    entries = read_file(DESK)
    e = {x.name: x for x in entries}["Jabhat al-Nusra"]
    assert e.type == "organisation"
    assert e.aliases == ("Nusra Front", "al-Nusra Front")
    assert ("ru", "Джебхат ан-Нусра") in e.foreign and ("ar", "جبهة النصرة") in e.foreign
    assert e.context == ("al-Qaeda", "Syria", "Idlib")
    assert e.id == "org:test-jabhat-al-nusra"


def test_bare_list_one_name_per_line():
    entries = read_file(FIX / "names.txt")
    assert [e.name for e in entries] == ["Ksenia Zolotaryova", "Prokhorovka Steelworks"]
    assert {e.type for e in entries} == {"other"}


def test_bad_type_is_an_error_naming_file_and_line():
    with pytest.raises(GazetteerError, match=r"bad\.tsv:2: unknown type 'alien'"):
        read_file(FIX / "bad.tsv")


def test_foreign_item_must_be_lang_form():
    with pytest.raises(GazetteerError, match="lang:form"):
        parse_text("id\tname\ttype\taliases\tforeign\ncheck\tX Y\tperson\t\tДжо\n", "t.tsv")


def test_header_needs_name_column():
    with pytest.raises(GazetteerError, match="'name' column"):
        parse_text("a\tb\nx\ty\n", "t.tsv")


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(GazetteerError, match="cannot read"):
        read_file(tmp_path / "nope.tsv")


def test_shipped_gazetteer_loads_and_has_the_seed_entries():
    gaz = get_gazetteer()
    names = {e.name for e in gaz.entries}
    assert {"Josh Earnest", "Jabhat al-Nusra"} <= names
    assert all(e.type in ("person", "organisation", "place", "other") for e in gaz.entries)
    assert ("Kiev", "Kyiv") in gaz.index.house_style


# -- keys and romanization --------------------------------------------------------------


def test_norm_assimilated_article_and_typography():
    assert norm("Dzhebhat EN-Nusra") == norm("dzhebhat an-Nusra") == "dzhebhat al nusra"
    assert norm("Hayat Tahrir ash-Sham") == norm("Hayat Tahrir al-Sham")
    assert norm("Hugo Chávez") == norm("Hugo Chavez")
    assert norm("George W. Bush") == norm("George W Bush")


@pytest.mark.parametrize("a,b", [
    ("Dzhebkhat an-Nusra", "Dzhebhat EN-Nusra"),   # kh/h, article
    ("Zelenskiy", "Zelensky"),                       # -iy/-y
    ("Shcherbakov", "Ščerbakov"),                    # shch / scientific
    ("Tsarnayev", "Tzarnaiev"),                      # ts/tz, y/i
    ("Dzhosh", "Josh"),                              # dzh/j
    ("Ferstappen", "Ferstapen"),                     # doubled letters
])
def test_skeleton_merges_transliteration_variants(a, b):
    assert skeleton(a) == skeleton(b)


def test_skeleton_keeps_different_names_apart():
    assert skeleton("Jabhat al-Nusra") != skeleton("Islamic State")
    assert consonant_key(skeleton("Jabhat al-Nusra")) == consonant_key(skeleton("Dzhebhat an-Nusra"))


def test_romanizations_cover_the_schemes():
    r = romanizations("Джебхат ан-Нусра", "ru")
    assert r["simple"] == "Dzhebhat an-Nusra"          # cyrtranslit: х → h
    assert r["bgn_pcgn"] == "Dzhebkhat an-Nusra"       # iuliia BGN/PCGN
    assert {"icao_doc_9303", "gost_779", "gost_7034", "wikipedia", "mosmetro", "scientific"} <= set(r)


def test_ukrainian_national_romanization():
    assert kmu_2010("Київ") == "Kyiv"
    assert kmu_2010("Харків") == "Kharkiv"
    assert kmu_2010("Запоріжжя") == "Zaporizhzhia"
    assert kmu_2010("Згурівка") == "Zghurivka"


# -- index --------------------------------------------------------------------------------


def test_lookup_exact_alias_translit_fuzzy(desk):
    best = lambda q: desk.lookup(q, top=3)[0]  # noqa: E731
    assert best("Nusra Front").name == "Jabhat al-Nusra" and best("Nusra Front").confidence == 1.0
    c = best("Dzhebhat EN-Nusra")
    assert c.name == "Jabhat al-Nusra" and c.key == "translit" and "ru:Джебхат ан-Нусра" in c.evidence
    assert 0.9 <= c.confidence < 1.0
    c = best("Dzhebhatt al-Nusrah")  # two extra letters: fuzzy
    assert c.name == "Jabhat al-Nusra" and c.key == "fuzzy" and 0.3 <= c.confidence < 0.95
    assert desk.lookup("Completely Unrelated Words") == []


def test_candidates_are_sorted_and_bounded(desk):
    cands = desk.lookup("Ivan Kuzkyn", top=5, min_confidence=0.0)
    assert cands and cands[0].name == "Ivan Kuzkin"
    confs = [c.confidence for c in cands]
    assert confs == sorted(confs, reverse=True)
    assert all(0.0 <= c for c in confs) and all(c <= 1.0 for c in confs)


def test_fuzzy_lookup_uses_blocks_not_a_scan():
    entries = [Entry(id=f"x{i}", name=f"Name{i:05d} Surname{i % 97}", type="person") for i in range(3000)]
    entries.append(Entry(id="t", name="Mateusz Morawiecki", type="person", foreign=(("ru", "Матеуш Моравецкий"),)))
    idx = GazetteerIndex.build(entries)
    block = idx.block(skeleton("Mateusz Moravetskiy"))
    assert 0 < len(block) < len(idx.forms) / 20
    assert idx.lookup("Mateusz Moravetskiy")[0].name == "Mateusz Morawiecki"


def test_prior_breaks_ties():
    entries = [Entry(id="a", name="Petri", type="person"), Entry(id="b", name="Petry", type="person")]
    assert GazetteerIndex.build(entries, prior=[1, 50]).lookup("Petriy", min_confidence=0)[0].name == "Petry"
    assert GazetteerIndex.build(entries, prior=[50, 1]).lookup("Petriy", min_confidence=0)[0].name == "Petri"


def test_translations_are_not_single_word_keys():
    """'Швеция' is Sweden's Russian name, not a transliteration of 'Sweden': its
    romanization is kept for exact multi-word matches but marked not close."""
    e = Entry(id="s", name="Sweden", type="place", foreign=(("ru", "Швеция"),))
    m = Entry(id="m", name="Mateusz Morawiecki", type="person", foreign=(("ru", "Матеуш Моравецкий"),))
    idx = GazetteerIndex.build([e, m])
    close = {f.text: f.close for f in idx.forms if f.kind in ("translit", "tsurname")}
    assert close["Shvetsiya"] is False
    assert close["Mateush Moravetskiy"] is True and close["Moravetskiy"] is True


# -- learned transliteration ------------------------------------------------------------------


def test_learned_model_predicts_russian_spellings():
    m = default_model()
    assert m is not None
    assert "хамильтон" in m.predict("Hamilton") or "хэмилтон" in m.predict("Hamilton")
    assert m.predict("Earnest")[0] == "эрнест"
    assert len(m.predict_name("Lewis Hamilton")) >= 1
    # probabilities, best first; letters with diacritics keep what they say (ö → ё)
    scored = m.predict_scored("Möllendorf", 5)
    assert scored[0][0] == "мёллендорф"
    probs = [p for _, p in scored]
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1.0 + 1e-9
    names = m.predict_name_scored("Lewis Hamilton", 4)
    assert len(names) == 4 and all(len(n.split()) == 2 for n, _ in names)


def test_ru_key_agrees_across_romanization_schemes():
    from mtqa.gazetteer.keys import ru_key
    from mtqa.gazetteer.translit import romanize, scheme_names

    for form in ("Моравецкий", "Джебхат ан-Нусра", "Юлия Тимошенко", "Щукин", "Дарья Касаткина", "Хамилтон"):
        keys = {ru_key(romanize(form, s)) for s in scheme_names("ru")}
        assert keys == {ru_key(form)}, form
    # and keeps what the skeleton merges: doubled letters, ж/з, ш/щ
    assert ru_key("Ломм") != ru_key("Лом") and ru_key("Жуков") != ru_key("Зуков") and ru_key("Щ") != ru_key("Ш")


def test_learned_keys_rank_an_entry_by_its_predicted_spelling():
    """Entries with no Cyrillic form are found through the Russian spellings the model
    predicts: a romanization of the likeliest one ranks that entry first, whatever the scheme."""
    names = ["Möllendorf", "Moellendorff", "Mollendorf", "Hamilton", "Hamlin", "Hammelton"]
    idx = GazetteerIndex.build([Entry(id=str(i), name=n, type="person") for i, n in enumerate(names)],
                               learned=default_model())
    for query in ("Myollendorf", "Mëllendorf", "Mellendorf"):  # мёллендорф: GOST/simple, BGN, ICAO (ё → e)
        c = idx.lookup(query, min_confidence=0)[0]
        assert c.name == "Möllendorf" and c.key == "learned" and 0.8 <= c.confidence <= 0.95, query
        assert "learned" in c.evidence
    for query in ("Khamilton", "Hemilton"):  # хамилтон, хэмилтон
        assert idx.lookup(query, min_confidence=0)[0].name == "Hamilton"
    # an exact canonical name still comes first, with confidence 1
    assert idx.lookup("Hamlin")[0].name == "Hamlin" and idx.lookup("Hamlin")[0].confidence == 1.0
    # a learned key outranks a skeleton match of another entry's English name, and the
    # candidates stay in confidence order
    cands = idx.lookup("Molendorf", min_confidence=0)
    assert [c.name for c in cands[:2]] == ["Mollendorf", "Möllendorf"] and cands[1].key == "name"
    confs = [c.confidence for c in cands]
    assert confs == sorted(confs, reverse=True) and "ranked below 'Mollendorf'" in cands[1].evidence


def test_learning_pipeline_on_a_toy_set():
    pairs = [("ivan", "иван"), ("ivanov", "иванов"), ("nina", "нина"), ("anna", "анна"), ("nikita", "никита"),
             ("vanina", "ванина"), ("tanya", "таня"), ("katya", "катя"), ("vova", "вова"), ("ivana", "ивана")] * 2
    t = em_align(pairs, iterations=3)
    aligned = [(e, viterbi_align(e, r, t)) for e, r in pairs]
    assert all(a is not None and "".join(a) == r for (e, r), (_, a) in zip(pairs, aligned))
    model = Transliterator(context_tables(aligned, min_count=1))
    assert model.predict("nikita")[0] == "никита"


def test_split_is_deterministic():
    assert bucket("john") == bucket("john") and 0 <= bucket("john") < 10


# -- resource ------------------------------------------------------------------------------------


def test_resource_is_built_once_per_config(tmp_path, monkeypatch):
    from mtqa.context import CheckContext

    cfg = Config(select=["NAM"], fluency=False, gazetteers=[str(DESK)])
    a = CheckContext(cfg).get("gazetteer")
    b = CheckContext(cfg).get("gazetteer")
    assert a is b
    c = CheckContext(cfg.replace(house_style={"ukraine": "russian"})).get("gazetteer")
    assert c is not a and c.index is a.index  # one index shared across house styles
    assert c.house_style == "russian"
    assert any(e.id == "org:test-zorya-bank" for e in a.entries)


def test_compiled_index_is_cached_on_disk(tmp_path, monkeypatch):
    from mtqa.gazetteer import resource

    monkeypatch.setenv("MTQA_CACHE_DIR", str(tmp_path))
    (tmp_path / "gazetteer-0123.json").write_text("{}", encoding="utf-8")  # an old-format cache file
    files = resource.source_files([str(DESK)], defaults=False)
    first = resource.build_index(files)
    assert len(list(tmp_path.glob("gazetteer-*.idx"))) == 1 and list(tmp_path.glob("gazetteer-*.attested.txt"))
    assert not list(tmp_path.glob("gazetteer-*.json"))  # old formats are removed
    second = resource.build_index(files)
    assert [(f.entry, f.kind, f.skel) for f in second.forms] == [(f.entry, f.kind, f.skel) for f in first.forms]
    assert [e.to_dict() for e in second.entries] == [e.to_dict() for e in first.entries]
    assert second.lookup("Dzhebhat EN-Nusra")[0].name == "Jabhat al-Nusra"
    assert second.lookup("Dzhebhat EN-Nusra")[0].to_dict() == first.lookup("Dzhebhat EN-Nusra")[0].to_dict()
    # a changed file is a different cache key
    other = tmp_path / "other.tsv"
    other.write_text(DESK.read_text(encoding="utf-8") + "per:new\tNew Person\tperson\t\t\t\t\n", encoding="utf-8")
    resource.build_index(resource.source_files([str(other)], defaults=False))
    assert len(list(tmp_path.glob("gazetteer-*.idx"))) == 2


def test_cached_index_answers_word_lookups_as_the_built_one(tmp_path, monkeypatch):
    """The cache keeps the word lists sorted and answers membership by bisection until asked
    often (then by a set): the same answers as the freshly built index's sets."""
    from mtqa.gazetteer import resource
    from mtqa.gazetteer.index import SortedWords

    monkeypatch.setenv("MTQA_CACHE_DIR", str(tmp_path))
    files = resource.source_files([str(DESK)], defaults=False)
    built = resource.build_index(files)
    cached = resource.build_index(files)
    assert isinstance(cached.common_words, SortedWords) and isinstance(cached.attested_words, SortedWords)
    for a, b in ((built.common_words, cached.common_words), (built.attested_words, cached.attested_words),
                 (built.token_tables[1], cached.token_tables[1])):
        assert sorted(a) == list(b) and len(a) == len(b)
        probes = [*sorted(a)[::97], "", "zzzz", "Aleksey", "the", "binyamin", "qqqq", 3]
        for _ in range(2):  # by bisection, then (past BUILD_AFTER lookups) by the set
            assert [w in b for w in probes] == [w in a for w in probes]
            for _ in range(SortedWords.BUILD_AFTER // len(probes) + 1):
                [w in b for w in probes]


def test_a_damaged_cache_file_is_rebuilt(tmp_path, monkeypatch):
    from mtqa.gazetteer import resource

    monkeypatch.setenv("MTQA_CACHE_DIR", str(tmp_path))
    files = resource.source_files([str(DESK)], defaults=False)
    resource.build_index(files)
    (idx,) = tmp_path.glob("gazetteer-*.idx")
    idx.write_bytes(idx.read_bytes()[:1000])  # truncated
    again = resource.build_index(files)
    assert again.lookup("Dzhebhat EN-Nusra")[0].name == "Jabhat al-Nusra"
    assert resource.build_index(files).lookup("Ivan Kuzkyn")[0].name == "Ivan Kuzkin"  # and rewritten


def test_unwritable_cache_dir_is_ignored(tmp_path, monkeypatch):
    from mtqa.gazetteer import resource

    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("MTQA_CACHE_DIR", str(blocker / "sub"))
    idx = resource.build_index(resource.source_files([str(DESK)], defaults=False))
    assert idx.lookup("Josh Ernest")[0].name == "Josh Earnest"


def test_user_gazetteer_from_config_reaches_the_rules():
    text = "The governor of Tula, Ivan Kuzkyn, resigned on Monday."
    cfg = Config(select=["NAM001"], fluency=False, gazetteers=[str(DESK)])
    findings = Checker(cfg).check_text(text).findings
    assert [(f.text, f.suggestion) for f in findings] == [("Ivan Kuzkyn", "Ivan Kuzkin")]


def test_unreadable_user_gazetteer_is_a_clear_error(tmp_path):
    with pytest.raises(GazetteerError, match="nope.tsv"):
        get_gazetteer([str(tmp_path / "nope.tsv")])


# -- importers -------------------------------------------------------------------------------------


def test_recase():
    assert recase("AL-NUSRAH FRONT") == "al-Nusrah Front"
    assert recase("ZORYA BANK PJSC") == "Zorya Bank PJSC"
    assert recase("Iyad ag GHALI") == "Iyad ag Ghali"
    assert recase("MINISTRY OF DEFENCE") == "Ministry of Defence"


def test_ofac_sdn_import():
    entries = list(read_ofac_sdn((FIX / "ofac_sdn_sample.csv").read_bytes()))
    by = {e.id: e for e in entries}
    assert set(by) == {"ofac:16937", "ofac:90001", "ofac:90003"}  # the vessel is skipped
    assert by["ofac:16937"].name == "al-Nusrah Front" and by["ofac:16937"].type == "organisation"
    assert "Jabhat al-Nusrah" in by["ofac:16937"].aliases and "HTS" in by["ofac:16937"].aliases
    assert by["ofac:90001"].name == "Ivan Petrovich Kuzkin" and by["ofac:90001"].type == "person"
    assert by["ofac:90001"].aliases == ("Vanya Kuzkin",)
    assert "Zorya Commercial Bank" in by["ofac:90003"].aliases  # f.k.a.
    with_vessels = list(read_ofac_sdn((FIX / "ofac_sdn_sample.csv").read_bytes(), include_vessels=True))
    assert any(e.name == "Test Carrier" and e.type == "other" for e in with_vessels)


def test_uk_ofsi_import():
    entries = list(read_uk_ofsi((FIX / "uk_ofsi_sample.csv").read_bytes()))
    by = {e.id: e for e in entries}
    assert set(by) == {"ofsi:90001", "ofsi:90003"}
    assert by["ofsi:90001"].name == "Ivan Petrovich Kuzkin" and by["ofsi:90001"].aliases == ("Vanya Kuzkin",)
    assert by["ofsi:90001"].foreign == (("ru", "Кузькин Иван Петрович"),)
    assert by["ofsi:90003"].type == "organisation" and by["ofsi:90003"].aliases == ("Zoryabank",)


def test_csv_import_and_round_trip(tmp_path):
    entries = list(read_csv((FIX / "generic.csv").read_bytes()))
    assert entries[0].foreign == (("ru", "Ксения Золотарёва"),)
    assert entries[1].type == "organisation" and entries[1].aliases == ("Prokhorovka Steel", "PS")
    out = tmp_path / "g.tsv"
    out.write_text(to_tsv(entries, "generic.csv"), encoding="utf-8")
    again = read_file(out)
    assert [(e.name, e.type, e.aliases, e.foreign) for e in again] == [(e.name, e.type, e.aliases, e.foreign)
                                                                          for e in entries]


def test_gazetteer_import_cli(mtqa, tmp_path):
    out = tmp_path / "ofac.tsv"
    r = mtqa("gazetteer", "import", "--from", "ofac-sdn", FIX / "ofac_sdn_sample.csv", "-o", out)
    assert r.returncode == 0, r.stderr
    assert "3 entries" in r.stderr
    entries = read_file(out)
    assert {e.name for e in entries} == {"al-Nusrah Front", "Ivan Petrovich Kuzkin", "Zorya Bank PJSC"}
    r = mtqa("normalize", "--no-default-gazetteer", "--gazetteer", out, "--format", "json", "Al-Nusra Front")
    cands = json.loads(r.stdout)["candidates"]
    assert cands[0]["name"] == "al-Nusrah Front"
    bad = mtqa("gazetteer", "import", "--from", "nope", FIX / "ofac_sdn_sample.csv", "-o", out)
    assert bad.returncode == 2 and "unknown --from" in bad.stderr
    r = mtqa("gazetteer", "check", FIX / "desk.tsv", FIX / "bad.tsv")
    assert r.returncode == 2 and "6 entries" in r.stdout and "unknown type" in r.stderr


# -- normalize ---------------------------------------------------------------------------------------


def test_normalize_json_contract_streams_in_order(mtqa):
    queries = ["Dzhebhat EN-Nusra", "Josh Ernest", "", "Qwxzv Plimtor", "Ivan Kuzkyn"]
    r = mtqa("normalize", "--gazetteer", DESK, "--format", "json", "--top", "2", input="\n".join(queries) + "\n")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["query"] for x in lines] == queries
    assert lines[0]["candidates"][0]["name"] == "Jabhat al-Nusra"
    assert lines[1]["candidates"][0]["name"] == "Josh Earnest"
    assert lines[2]["candidates"] == [] and lines[3]["candidates"] == []
    assert lines[4]["candidates"][0]["name"] == "Ivan Kuzkin"
    for x in lines:
        assert len(x["candidates"]) <= 2
        for c in x["candidates"]:
            assert set(c) == {"name", "type", "confidence", "evidence"}
            assert 0.0 <= c["confidence"] <= 1.0 and c["type"] in ("person", "organisation", "place", "other")
        confs = [c["confidence"] for c in x["candidates"]]
        assert confs == sorted(confs, reverse=True)


def test_normalize_tsv_and_arguments(mtqa):
    r = mtqa("normalize", "--no-default-gazetteer", "--gazetteer", DESK, "Vanya Kuzkin", "Nothing Here At All")
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert rows[0][:4] == ["Vanya Kuzkin", "Ivan Kuzkin", "person", "1.0000"]
    assert rows[-1] == ["Nothing Here At All", "", "", "", ""]


def test_normalize_streams_line_by_line():
    """Each answer is written and flushed before the next query is read."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_COLOR": "1"}
    p = subprocess.Popen([sys.executable, "-m", "mtqa", "normalize", "--format", "json", "--gazetteer", str(DESK)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        p.stdin.write("Josh Ernest\n")
        p.stdin.flush()
        first = json.loads(p.stdout.readline())
        assert first["candidates"][0]["name"] == "Josh Earnest"
        p.stdin.write("Nusra Front\n")
        p.stdin.flush()
        assert json.loads(p.stdout.readline())["candidates"][0]["name"] == "Jabhat al-Nusra"
    finally:
        p.stdin.close()
        p.wait(timeout=60)
    assert p.returncode == 0
