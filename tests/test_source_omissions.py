"""Omissions (mtqa.source.omissions): dropped source sentences and far-too-short translations.

Should-flag and should-pass examples on a made-up fire report (tests/test_source_align.py's texts).
"""

from __future__ import annotations

import pytest

from mtqa.document import Document
from mtqa.segment import segment
from mtqa.source.align import Bead, align
from mtqa.source.omissions import MIN_SOURCE_CHARS, SHORT_RATIO, Omission, has_content, omissions
from mtqa.source.segment import sentences

from test_source_align import EN, RU, _sides


def _om(ru, en, sep=" ") -> list[Omission]:
    src, ss, tgt, ts = _sides(ru, en, sep)
    return omissions(src, ss, tgt, ts)


# ------------------------------------------------------------------ should pass

@pytest.mark.parametrize("sep", [" ", "\n"])
def test_complete_translation_passes(sep):
    assert _om(RU, EN, sep) == []


@pytest.mark.parametrize("sep", [" ", "\n"])
def test_free_but_complete_translation_passes(sep):
    en = list(EN)
    # 0.73 of the expected length: terse, nothing missing
    en[5] = "Firefighters battled a strong wind that fanned the flames and kept them from the north side of the building."
    en[7] = "Neighbours complained of the smell of smoke until late evening."
    assert _om(RU, en, sep) == []


@pytest.mark.parametrize("extra", ["Фото: Иван Петров", "Иван Петров", "—", "Читайте также: пожары в Сибири",
                                   "© РИА Новости"])
def test_untranslated_byline_or_credit_passes(extra):
    assert _om(RU + [extra], EN, "\n") == []
    assert _om([extra] + RU, EN, "\n") == []


def test_short_source_sentence_is_not_judged_by_ratio():
    ru = RU[:6] + ["Прокуратура начала проверку по факту пожара."] + RU[7:]
    en = EN[:6] + ["Inquiry."] + EN[7:]
    assert len(ru[6]) < MIN_SOURCE_CHARS
    assert _om(ru, en, "\n") == []


def test_replaced_sentence_is_not_a_drop():
    # a 1-0 bead next to a 0-1 bead: a mistranslation, not an omission (the target is long enough)
    en = list(EN)
    en[6] = "The city council will discuss new rules for storing flammable goods in residential areas next month."
    src, ss, tgt, ts = _sides(RU, en, "\n")
    beads = align(src, ss, tgt, ts)
    assert ((6,), ()) in [(b.src, b.tgt) for b in beads]  # the aligner does split them ...
    assert omissions(src, ss, tgt, ts, beads) == []  # ... but no omission is reported


def test_shifted_stretch_is_not_a_drop():
    # the length model may slide a stretch of free translations one place: 1-0, 1-1..., 0-1
    src, ss, tgt, ts = _sides(RU, EN)
    shifted = ([Bead((0,), (0,), 0.0), Bead((1,), (), 0.0)] + [Bead((i,), (i - 1,), 0.0) for i in range(2, 5)]
               + [Bead((), (4,), 0.0)] + [Bead((i,), (i,), 0.0) for i in range(5, len(RU))])
    assert omissions(src, ss, tgt, ts, shifted) == []
    # the same, the 0-1 first
    shifted = ([Bead((0,), (0,), 0.0), Bead((), (1,), 0.0)] + [Bead((i,), (i + 1,), 0.0) for i in range(1, 4)]
               + [Bead((4,), (), 0.0)] + [Bead((i,), (i,), 0.0) for i in range(5, len(RU))])
    assert omissions(src, ss, tgt, ts, shifted) == []


def test_drop_far_from_an_addition_is_a_drop():
    src, ss, tgt, ts = _sides(RU, EN)
    far = ([Bead((0,), (), 0.0)] + [Bead((i,), (i - 1,), 0.0) for i in range(1, 8)]
           + [Bead((), (7,), 0.0), Bead((8,), (8,), 0.0)])  # seven 1-1 beads between: no shift
    assert ("dropped", (0,)) in [(o.kind, o.src) for o in omissions(src, ss, tgt, ts, far)]


# ------------------------------------------------------------------ should flag

@pytest.mark.parametrize("sep", [" ", "\n"])
@pytest.mark.parametrize("k", [0, 1, 4, 5, 6, 7, 8])
def test_dropped_sentence_is_flagged(sep, k):
    oms = _om(RU, EN[:k] + EN[k + 1:], sep)
    assert [(o.kind, o.src, o.tgt, o.ratio) for o in oms] == [("dropped", (k,), (), None)]
    assert f"source sentence {k + 1} " in oms[0].message
    assert RU[k][:30] in oms[0].message


def test_two_dropped_sentences_in_a_row_are_one_omission():
    oms = _om(RU, EN[:4] + EN[6:], "\n")
    assert [(o.kind, o.src) for o in oms] == [("dropped", (4, 5))]
    assert "source sentences 5-6" in oms[0].message


@pytest.mark.parametrize("sep", [" ", "\n"])
def test_half_sentence_is_short(sep):
    en = list(EN)
    en[5] = "Firefighters worked in a strong wind, which fanned the flames."
    oms = _om(RU, en, sep)
    assert [(o.kind, o.src, o.tgt) for o in oms] == [("short", (5,), (5,))]
    assert oms[0].ratio is not None and oms[0].ratio < SHORT_RATIO
    assert "source sentence 6" in oms[0].message


def test_ukrainian_dropped_sentence():
    uk = ["Пожежу на складі у Харкові загасили через шість годин.",
          "Вогонь охопив площу 2500 квадратних метрів, повідомили рятувальники.",
          "Власник складу Ігор Семенко заявив, що збитки перевищують 40 мільйонів гривень."]
    en = ["A fire at a warehouse in Kharkiv was put out after six hours.",
          "The warehouse owner, Ihor Semenko, said the damage exceeded 40 million hryvnias."]
    src, tgt = " ".join(uk), " ".join(en)
    ss, ts = sentences(src, "uk"), segment(Document(source="t", text=tgt)).sentences
    oms = omissions(src, ss, tgt, ts, lang="uk")
    assert [(o.kind, o.src) for o in oms] == [("dropped", (1,))]


def test_given_beads_are_used():
    src, ss, tgt, ts = _sides(RU, EN)
    beads = [Bead((i,), (i,), 0.0) for i in range(len(RU))]
    assert omissions(src, ss, tgt, ts, beads) == []
    # a caller's alignment that leaves sentence 3 out (and pairs 4 with two targets) is read as is
    beads = ([Bead((i,), (i,), 0.0) for i in range(3)] + [Bead((3,), (), 0.0), Bead((4,), (3, 4), 0.0)]
             + [Bead((i,), (i,), 0.0) for i in range(5, len(RU))])
    assert [(o.kind, o.src) for o in omissions(src, ss, tgt, ts, beads)] == [("dropped", (3,))]


# ------------------------------------------------------------------ content

@pytest.mark.parametrize("text", [
    "Прокуратура начала проверку.",
    "Владелец склада Игорь Семенов заявил о пожаре.",
    "Нет доверия, - согласилась Лариса Харламова.",
])
def test_has_content(text):
    assert has_content(text)


@pytest.mark.parametrize("text", [
    "—", "- -", "Иван Петров", "Фото: Иван Петров", "Фото ТАСС", "Источник: пресс-служба МЧС",
    "Читайте также: пожары в Сибири", "© РИА Новости, 2020", "Видео", "12:45", "Да.",
])
def test_has_no_content(text):
    assert not has_content(text)
