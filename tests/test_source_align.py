"""Source sentences (mtqa.source.segment) and the monotonic sentence alignment (mtqa.source.align).

The texts are written for these tests: a short made-up fire report in Russian and English.
"""

from __future__ import annotations

import random
import time

import pytest

from mtqa.document import Document, Span
from mtqa.segment import segment
from mtqa.source import Original
from mtqa.source.align import (
    BAND,
    FULL_TABLE_CELLS,
    PRIORS,
    Bead,
    Pair,
    _band,
    _run,
    align,
    length_cost,
    source_anchors,
    target_keys,
)
from mtqa.source.segment import sentences

RU = [
    "Пожар на складе в Новосибирске потушили через шесть часов.",
    "Огонь охватил площадь 2500 квадратных метров, сообщили в МЧС.",
    "По данным спасателей, никто не пострадал.",
    "Причиной возгорания могла стать неисправная проводка.",
    "Владелец склада Игорь Семенов заявил, что ущерб превышает 40 миллионов рублей.",
    "Пожарные работали в условиях сильного ветра, который раздувал пламя и мешал подобраться к горящему зданию с северной стороны.",
    "Прокуратура начала проверку.",
    "Жители соседних домов жаловались на запах дыма до позднего вечера.",
    "Склад уже горел в 2019 году.",
]
EN = [
    "A fire at a warehouse in Novosibirsk was put out after six hours.",
    "The blaze covered an area of 2,500 square metres, the Emergencies Ministry said.",
    "According to rescuers, nobody was injured.",
    "Faulty wiring may have caused the fire.",
    "The warehouse owner, Igor Semenov, said the damage exceeded 40 million roubles.",
    "Firefighters worked in a strong wind, which fanned the flames and made it hard to reach the burning building from the north side.",
    "Prosecutors have opened an inquiry.",
    "Residents of nearby houses complained about the smell of smoke until late in the evening.",
    "The warehouse had already burned in 2019.",
]


def _sides(ru: list[str], en: list[str], sep: str = " "):
    src, tgt = sep.join(ru), sep.join(en)
    ss = sentences(src, "ru")
    ts = segment(Document(source="t", text=tgt)).sentences
    return src, ss, tgt, ts


def _shape(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src, b.tgt) for b in beads]


def _check_cover(beads: list[Bead], n: int, m: int) -> None:
    """Every sentence of both sides once, in order."""
    assert [i for b in beads for i in b.src] == list(range(n))
    assert [j for b in beads for j in b.tgt] == list(range(m))
    assert all(b.src or b.tgt for b in beads)


# ------------------------------------------------------------------ segmentation

def test_sentences_offsets_paragraph():
    text = "  Президент В. В. Путин прибыл в Москву в 2020 г. утром. «Всё хорошо!» – сказал он. Что дальше?  "
    spans = sentences(text, "ru")
    got = [text[a:b] for a, b in spans]
    assert got == ["Президент В. В. Путин прибыл в Москву в 2020 г. утром.", "«Всё хорошо!» – сказал он.",
                   "Что дальше?"]
    assert all(isinstance(s, Span) for s in spans)
    assert spans[0].start == 2 and text[spans[-1].end:] == "  "


def test_sentences_keep_lines_and_never_cross_a_newline():
    text = "Заголовок без точки\nПервое предложение. Второе предложение\n\n  Третья строка  \r\nКонец"
    spans = sentences(text, "ru")
    got = [text[a:b] for a, b in spans]
    assert got == ["Заголовок без точки", "Первое предложение.", "Второе предложение", "Третья строка", "Конец"]
    for a, b in spans:
        assert "\n" not in text[a:b]
        assert text[a:b] == text[a:b].strip()


def test_sentences_semicolon_does_not_end_a_sentence():
    text = "Расписание: 27 июля в 18:30 - в Центральном округе; 28 июля в 18:30 - в Западном округе. Вход свободный."
    got = [text[a:b] for a, b in sentences(text, "ru")]
    assert got == ["Расписание: 27 июля в 18:30 - в Центральном округе; 28 июля в 18:30 - в Западном округе.",
                   "Вход свободный."]


def test_sentences_ukrainian_and_unlabelled_cyrillic():
    text = "Київ отримав нову допомогу. Про це повідомив міністр."
    want = ["Київ отримав нову допомогу.", "Про це повідомив міністр."]
    assert [text[a:b] for a, b in sentences(text, "uk")] == want
    assert [text[a:b] for a, b in sentences(text, "und")] == want  # Cyrillic whatever the label


def test_sentences_other_languages_use_the_english_segmenter():
    text = "Mr. Smith went to Washington. He met the U.S. envoy.\nA new line"
    got = [text[a:b] for a, b in sentences(text, "en")]
    assert got == ["Mr. Smith went to Washington.", "He met the U.S. envoy.", "A new line"]


def test_original_uses_the_source_segmenter():
    o = Original("Первое. Второе.", lang="ru")
    assert [o.text[a:b] for a, b in o.sentences] == ["Первое.", "Второе."]


def test_empty_text():
    assert sentences("", "ru") == []
    assert sentences(" \n \n", "ru") == []
    assert align("", [], "", []) == []


# ------------------------------------------------------------------ anchors

def test_anchors_numbers_names_words():
    src = source_anchors("Владелец склада Игорь Семенов заявил, что ущерб 26 июля превысил сорок миллионов рублей?")
    tgt = target_keys("On July 26 the owner, Igor Semenov, said the damage exceeded forty million roubles?")
    found = [kind for kind, keys in src if keys & tgt]
    assert found.count("number") >= 3  # 26, сорок ~ forty, миллионов ~ million
    assert found.count("name") >= 2  # Игорь, Семенов
    assert "date" in found and "mark" in found  # июля ~ July, ?
    assert any(kind == "word" and keys & tgt for kind, keys in src)  # рублей ~ roubles (lexicon)


def test_anchors_do_not_meet_unrelated_text():
    src = source_anchors("Владелец склада Игорь Семенов заявил о пожаре 26 июля.")
    tgt = target_keys("Prosecutors have opened an inquiry into the case.")
    assert not [a for a in src if a[1] & tgt]


# ------------------------------------------------------------------ alignment

@pytest.mark.parametrize("sep", [" ", "\n"])
def test_one_to_one(sep):
    src, ss, tgt, ts = _sides(RU, EN, sep)
    beads = align(src, ss, tgt, ts)
    assert _shape(beads) == [((i,), (i,)) for i in range(len(RU))]


@pytest.mark.parametrize("sep", [" ", "\n"])
def test_split_sentence_is_one_to_two(sep):
    en = EN[:4] + ["The warehouse owner is Igor Semenov.", "He said the damage exceeded 40 million roubles."] + EN[5:]
    src, ss, tgt, ts = _sides(RU, en, " ")
    beads = align(src, ss, tgt, ts)
    assert ((4,), (4, 5)) in _shape(beads)
    assert sum(1 for b in beads if len(b.src) == len(b.tgt) == 1) == len(RU) - 1
    _check_cover(beads, len(ss), len(ts))


def test_merged_sentences_are_two_to_one():
    en = EN[:2] + ["According to rescuers, nobody was injured, and faulty wiring may have caused the fire."] + EN[4:]
    src, ss, tgt, ts = _sides(RU, en)
    beads = align(src, ss, tgt, ts)
    assert ((2, 3), (2,)) in _shape(beads)
    _check_cover(beads, len(ss), len(ts))


@pytest.mark.parametrize("sep", [" ", "\n"])
@pytest.mark.parametrize("k", [1, 4, 5, 7])
def test_dropped_sentence_is_one_to_zero(sep, k):
    en = EN[:k] + EN[k + 1:]
    src, ss, tgt, ts = _sides(RU, en, sep)
    beads = align(src, ss, tgt, ts)
    assert [b.src for b in beads if not b.tgt] == [(k,)]
    assert [b for b in beads if not b.src] == []
    _check_cover(beads, len(ss), len(ts))


def test_added_target_sentence_is_zero_to_one():
    en = EN[:3] + ["This is an entirely unrelated remark that the source never made at all."] + EN[3:]
    src, ss, tgt, ts = _sides(RU, en, "\n")
    beads = align(src, ss, tgt, ts)
    assert [b.tgt for b in beads if not b.src] == [(3,)]


def test_a_merge_across_a_line_break_is_dear():
    merged = "According to rescuers, nobody was injured, and faulty wiring may have caused the fire."
    en = EN[:2] + [merged] + EN[4:]
    # within a paragraph, or a source in lines against a one-paragraph translation: a merge
    for src_sep, tgt_sep in ((" ", " "), ("\n", " ")):
        src, ss, tgt, ts = _sides(RU, [], src_sep)[0:2] + _sides([], en, tgt_sep)[2:]
        assert ((2, 3), (2,)) in _shape(align(src, ss, tgt, ts))
    # both sides one sentence a line: a translation keeps its lines, so joining two source lines
    # costs W_BREAK and the aligner takes the shorter source line as dropped instead
    src, ss, tgt, ts = _sides(RU, en, "\n")
    beads = align(src, ss, tgt, ts)
    assert ((2,), ()) in _shape(beads) and ((3,), (2,)) in _shape(beads)


def test_bead_cost_is_prior_plus_length_less_anchors():
    src, ss, tgt, ts = _sides(RU, EN)
    pair = Pair(src, ss, tgt, ts)
    b = align(src, ss, tgt, ts)[4]
    import math

    ls, lt = pair.ls[4], pair.lt[4]
    ws, wt = pair.cws[5] - pair.cws[4], pair.cwt[5] - pair.cwt[4]
    expect = -math.log(PRIORS[(1, 1)]) + length_cost(ls, lt, ws, wt) - pair.bonus(pair.found_mask((4,), (4,)))
    assert b.cost == pytest.approx(expect, abs=1e-5)
    assert pair.bonus(pair.found_mask((4,), (4,))) > 0  # Игорь Семенов, 40, миллионов


def test_one_side_empty():
    src, ss, tgt, ts = _sides(RU[:2], [])
    assert _shape(align(src, ss, "", [])) == [((0,), ()), ((1,), ())]
    assert _shape(align("", [], tgt, [])) == []
    src, ss, tgt, ts = _sides([], EN[:2])
    assert _shape(align("", [], tgt, ts)) == [((), (0,)), ((), (1,))]


def test_deterministic():
    en = EN[:2] + EN[3:6] + ["Something else entirely was added here by the translator."] + EN[6:]
    src, ss, tgt, ts = _sides(RU, en)
    first = align(src, ss, tgt, ts)
    for _ in range(3):
        assert align(src, ss, tgt, ts) == first
        assert align(src, list(ss), tgt, list(ts)) == first


def _long_document(seed: int, n: int = 100):
    """n sentence pairs made of the story's sentences, each numbered so that no two are alike."""
    rng = random.Random(seed)
    ru, en = [], []
    for k in range(n):
        i = rng.randrange(len(RU))
        ru.append(f"{RU[i][:-1]}, пункт {k + 101}.")
        en.append(f"{EN[i][:-1]}, item {k + 101}.")
    return ru, en


def test_large_document_band_matches_full_table_and_is_fast():
    ru, en = _long_document(3)
    rng = random.Random(5)
    for k in sorted(rng.sample(range(len(en)), 3), reverse=True):
        del en[k]
    src, ss, tgt, ts = _sides(ru, en)
    pair = Pair(src, ss, tgt, ts)
    band = _band(pair)
    assert (len(ss) + 1) * (len(ts) + 1) > FULL_TABLE_CELLS
    assert max(hi - lo for lo, hi in band) < len(ts)  # a band, not the whole table
    assert max(hi - lo for lo, hi in band) >= 2 * BAND
    full = _run(pair, [(0, len(ts))] * (len(ss) + 1))
    assert _run(pair, band) == full
    _check_cover(full, len(ss), len(ts))
    assert len([b for b in full if not b.tgt]) == 3
    best = min(_timed(align, src, ss, tgt, ts) for _ in range(3))
    assert best < 0.25  # ~25 ms on one free core; generous for a shared CI machine


def test_truncated_translation_fills_the_whole_table():
    ru, en = _long_document(4)
    src, ss, tgt, ts = _sides(ru, en[:50])  # the translation stops halfway
    pair = Pair(src, ss, tgt, ts)
    assert _band(pair) == [(0, len(ts))] * (len(ss) + 1)
    beads = align(src, ss, tgt, ts)
    _check_cover(beads, len(ss), len(ts))
    assert [b.src for b in beads if not b.tgt] == [(i,) for i in range(50, 100)]


def _timed(f, *args) -> float:
    t0 = time.perf_counter()
    f(*args)
    return time.perf_counter() - t0


def test_random_deletions_keep_the_alignment_consistent():
    rng = random.Random(11)
    for _ in range(20):
        en = list(EN)
        for k in sorted(rng.sample(range(len(en)), rng.randrange(0, 4)), reverse=True):
            del en[k]
        src, ss, tgt, ts = _sides(RU, en, rng.choice([" ", "\n"]))
        beads = align(src, ss, tgt, ts)
        _check_cover(beads, len(ss), len(ts))
        assert all(len(b.src) <= 3 and len(b.tgt) <= 3 for b in beads)
