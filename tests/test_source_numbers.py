"""mtqa.source.numbers: numbers a translation dropped or changed.

Every sentence here is written for these tests (none is taken from the evaluation data)."""

import pytest

from mtqa.source.numbers import NumberIssue, Quantity, align_quantities, compare, quantities_en, quantities_ru

NBSP, NNBSP = "\u00a0", "\u202f"


def values_ru(text):
    return [q.values for q in quantities_ru(text) if q.kind != "code"]


def values_en(text):
    return [q.values for q in quantities_en(text) if q.kind != "code"]


def n(x):
    return frozenset({("n", x)})


# ---------------------------------------------------------------- parsing: Russian

@pytest.mark.parametrize("text,value", [
    ("Собрали 1 500 подписей.", 1500),
    (f"Собрали 1{NBSP}500 подписей.", 1500),
    (f"Собрали 1{NNBSP}500 подписей.", 1500),
    ("Рост составил 1,5 пункта.", 1.5),
    ("В городе 12 000 000 жителей.", 12_000_000),
    ("Выделено 1,5 млн рублей.", 1_500_000),
    ("Выделено 1,5 миллиона рублей.", 1_500_000),
    ("Погибли 13,3 тысячи человек.", 13_300),
    ("Дефицит достиг 2,3 млрд долларов.", 2_300_000_000),
    ("Пакет на 3 трлн долларов.", 3_000_000_000_000),
    ("Пришли 4 тыс. человек.", 4000),
])
def test_ru_digits_and_magnitudes(text, value):
    assert values_ru(text) == [n(value)]


def test_ru_decimal_comma_is_never_thousands():
    (q,) = quantities_ru("Инфляция составила 1,5%.")
    assert q.values == n(1.5) and q.kind == "percent"
    assert ("n", 1500) not in q.values and ("n", 15) not in q.values


@pytest.mark.parametrize("text,value", [
    ("Прошло двух недель.", 2), ("Собрались трёх стран.", 3), ("Около пяти лет.", 5),
    ("Более десяти человек.", 10), ("Около двадцати пяти человек.", 25), ("Из сорока кандидатов.", 40),
    ("Из пятисот участников.", 500), ("Прибыли две тысячи человек.", 2000), ("Полтора года назад.", 1.5),
    ("Продали полмиллиона билетов.", 500_000), ("Погибли четверо туристов.", 4),
    ("Штраф более двух с половиной миллионов тенге.", 2_500_000), ("Пришла тысяча человек.", 1000),
])
def test_ru_number_words_in_their_case_forms(text, value):
    assert values_ru(text) == [n(value)]


@pytest.mark.parametrize("text", ["Тысячи людей вышли на улицы.", "Сотни домов остались без света.",
                                  "Несколько тысяч человек уехали.", "Десятки машин стояли в пробке."])
def test_ru_vague_plurals_are_not_numbers(text):
    assert values_ru(text) == []


def test_ru_one_is_read_but_not_required():
    (q,) = quantities_ru("Один из водителей пострадал.")
    assert q.values == n(1) and not q.required
    (q,) = quantities_ru("Пострадали три водителя.")
    assert q.values == n(3) and q.required


def test_ru_dates_are_month_day_pairs():
    qs = quantities_ru("Саммит пройдет 14-15 июля 2021 года.")
    assert [q.values for q in qs] == [frozenset({("date", 7, 14)}), frozenset({("date", 7, 15)}), n(2021)]
    assert [q.kind for q in qs] == ["date", "date", "year"]
    assert qs[0].phrase == "14-15 июля"
    assert [q.values for q in quantities_ru("Это случилось 25-го июля.")] == [frozenset({("date", 7, 25)})]
    assert [q.values for q in quantities_ru("Документ от 25.07.2020.")] == [frozenset({("date", 7, 25)}), n(2020)]
    # (month, day): the 7th of December is not the 12th of July
    assert quantities_ru("Встреча 7 декабря.")[0].values == frozenset({("date", 12, 7)})


def test_ru_years():
    assert [(q.values, q.kind) for q in quantities_ru("Это было в 2021 году и в 1987 г.")] == [
        (n(2021), "year"), (n(1987), "year")]


def test_ru_times():
    assert quantities_ru("Поезд ушел в 15:30.")[0].values == frozenset({("time", 15, 30)})
    assert ("time", 15, 30) in quantities_ru("Поезд ушел в 15.30.")[0].values
    assert quantities_ru("Сигнал поступил в 17 часов 47 минут.")[0].values == frozenset({("time", 17, 47)})


def test_ru_ordinals_centuries_decades_compounds():
    assert [(q.values, q.kind) for q in quantities_ru("Он занял 3-е место.")] == [(n(3), "ordinal")]
    assert [(q.values, q.kind) for q in quantities_ru("Он стал третьим.")] == [(n(3), "ordinal")]
    assert [(q.values, q.kind) for q in quantities_ru("В начале XX века.")] == [(n(20), "century")]
    assert quantities_ru("В 90-х годах.")[0].values == frozenset({("n", 90), ("n", 1990)})
    assert quantities_ru("24-летний футболист.")[0].values == n(24)
    assert quantities_ru("Четырехлетний контракт.")[0].values == n(4)
    assert quantities_ru("Барьер 5-процентный.")[0].kind == "percent"


def test_ru_codes_are_not_quantities_to_require():
    qs = quantities_ru("Случаи COVID-19 и самолеты Су-57.")
    assert [q.kind for q in qs] == ["code", "code"]
    assert not any(q.required for q in qs)


# ---------------------------------------------------------------- parsing: English

@pytest.mark.parametrize("text,value", [
    ("They collected 1,500 signatures.", 1500), ("It rose 1.5 points.", 1.5), ("A $1.5bn deal.", 1_500_000_000),
    ("A £3m loan.", 3_000_000), ("Some 812,500 cases.", 812_500), ("About 4 thousand scams.", 4000),
    ("Over 2.3 mln cases.", 2_300_000), ("It costs $3 trillion.", 3 * 10**12), ("Some 15 785 641 cases.", 15_785_641),
])
def test_en_digits_and_magnitudes(text, value):
    assert values_en(text) == [n(value)]


def test_en_ambiguous_m_and_k():
    assert values_en("A wall 2 m high.") == [n(2)]
    assert values_en("It raised 5m last year.") == [frozenset({("n", 5), ("n", 5_000_000)})]


@pytest.mark.parametrize("text,value", [
    ("Twenty-five teams.", 25), ("A dozen eggs.", 12), ("Half a million people.", 500_000),
    ("One and a half million people.", 1_500_000), ("Two hundred thousand people.", 200_000),
    ("Forty-six ships.", 46), ("A thousand people.", 1000), ("Over two and a half years.", 2.5),
])
def test_en_number_words(text, value):
    assert values_en(text) == [n(value)]


@pytest.mark.parametrize("text", ["Thousands of people came.", "Several thousand people came.", "Dozens were hurt.",
                                  "Hundreds of homes."])
def test_en_vague_plurals(text):
    assert values_en(text) == []


@pytest.mark.parametrize("text", ["on July 14, 2021", "on 14 July 2021", "on the 14th of July, 2021", "on Jul. 14th 2021"])
def test_en_dates(text):
    assert values_en(text) == [frozenset({("date", 7, 14)}), n(2021)]


def test_en_date_ranges_and_numeric_dates():
    assert values_en("on July 14-15") == [frozenset({("date", 7, 14)}), frozenset({("date", 7, 15)})]
    assert values_en("on 14 and 15 July") == [frozenset({("date", 7, 14)}), frozenset({("date", 7, 15)})]
    # an all-numeric date with both parts up to 12 may be read either way round
    assert values_en("on 7/8/2021")[0] == frozenset({("date", 7, 8), ("date", 8, 7)})


@pytest.mark.parametrize("text,values", [
    ("at 3:30 p.m.", {("time", 15, 30)}), ("at 3:30 PM", {("time", 15, 30)}), ("at 15:30", {("time", 15, 30)}),
    ("at 3:30", {("time", 3, 30), ("time", 15, 30)}), ("at 2 pm", {("time", 14, 0), ("n", 2)}), ("at 12:25 a.m.", {("time", 0, 25)}),
])
def test_en_times(text, values):
    assert values_en(text) == [frozenset(values)]


def test_en_percent_ordinal_decade():
    assert [(q.values, q.kind) for q in quantities_en("up 4.25% and 17.6 percent and 3 per cent")] == [
        (n(4.25), "percent"), (n(17.6), "percent"), (n(3), "percent")]
    assert [(q.values, q.kind) for q in quantities_en("the 3rd and the third")] == [(n(3), "ordinal"), (n(3), "ordinal")]
    assert quantities_en("in the 1990s")[0].values == frozenset({("n", 1990), ("n", 90)})


# ---------------------------------------------------------------- compare: must flag

FLAG = [
    # (source, translation, kind, the source quantity's text)
    ("Власти подготовили около 800 убежищ.", "Authorities prepared about 900 shelters.", "changed", "800"),
    ("В аварии погибли 13 человек.", "People died in the crash.", "missing", "13"),
    ("Бюджет составит 5 млн рублей.", "The budget will be 5 billion roubles.", "changed", "5 млн"),
    ("Эвакуировали 1,5 тыс. жителей.", "1.5 million residents were evacuated.", "changed", "1,5 тыс"),
    ("Инфляция составила 1,5%.", "Inflation was 15%.", "changed", "1,5%"),
    ("Встреча пройдет 14 июля.", "The meeting will take place on July 16.", "changed", "14"),
    ("Саммит пройдет 14-15 июля.", "The summit will be held on July 14-16.", "changed", "15"),
    ("Суд рассмотрит дело 4 августа.", "The court will hear the case on April 8.", "changed", "4"),
    ("Договор подписали в 2019 году.", "The treaty was signed in 2018.", "changed", "2019"),
    ("Авария произошла в 15:30.", "The accident happened at 3:30 a.m.", "changed", "15:30"),
    ("Поезд отправится в 17 часов 47 минут.", "The train will leave in the evening.", "missing", "17 часов 47 минут"),
    ("Ставка снизилась до 4,25%.", "The rate fell to 4.5%.", "changed", "4,25%"),
    ("Погибли четыре туриста.", "Three tourists died.", "changed", "четыре"),
    ("В турнире участвовали двадцать пять команд.", "Teams took part in the tournament.", "missing", "двадцать пять"),
    ("Собрано полтора миллиона подписей.", "1.5 billion signatures were collected.", "changed", "полтора миллиона"),
    ("Его выбрали под общим 24-м номером.", "He was picked 42nd overall.", "changed", "24"),
    ("За партию готовы голосовать пять процентов.", "Six percent are ready to vote for the party.", "changed",
     "пять процентов"),
    ("На улицы вышли более 2 млн человек.", "Over two billion people took to the streets.", "changed", "2 млн"),
    ("Храм построен в начале XIX века.", "The church was built early in the 18th century.", "changed", "XIX"),
    ("Площадь пожара 3 тыс. кв. метров.", "The fire covered 3,000,000 square meters.", "changed", "3 тыс"),
    ("Рейс прибыл в 01:23.", "The flight arrived at 1:32 a.m.", "changed", "01:23"),
    ("Погибли 12 человек, 40 ранены.", "Twelve people died and many were injured.", "missing", "40"),
]


@pytest.mark.parametrize("src,tgt,kind,text", FLAG, ids=[f"flag{i}" for i in range(len(FLAG))])
def test_flags(src, tgt, kind, text):
    issues = compare(src, tgt)
    assert [(x.kind, x.source.text) for x in issues] == [(kind, text)]
    x = issues[0]
    assert isinstance(x, NumberIssue) and isinstance(x.source, Quantity)
    assert (x.target is None) == (kind == "missing")
    assert x.message.startswith("the source says ")


def test_changed_message_names_both_sides():
    (x,) = compare("Саммит пройдет 14-15 июля.", "The summit will be held on July 16-15.")
    assert x.kind == "changed" and x.source.text == "14"
    assert x.message == "the source says 14 (14-15 июля); the translation says July 16-15"


def test_a_repeated_number_changed_once_is_caught():
    src = "Построили 40 кораблей, в этом году примут еще 40 кораблей."
    assert compare(src, "They built 40 ships, and 40 more will join this year.") == []
    (x,) = compare(src, "They built 40 ships, and 41 more will join this year.")
    assert x.kind == "changed" and x.target.text == "41"


# ---------------------------------------------------------------- compare: must pass

PASS = [
    ("Оказывать помощь будут 10 тысяч человек.", "10,000 people will provide aid."),
    ("Выделено 1,5 млн долларов.", "$1.5 million was allocated."),
    ("Выделено 1,5 млрд долларов.", "A $1.5bn package was allocated."),
    ("Собрали 5 млн подписей.", "They collected 5,000,000 signatures."),
    ("Тысячи людей вышли на улицы.", "Thousands of people took to the streets."),
    ("Один из водителей пострадал.", "A driver was injured."),
    ("Несколько человек пострадали.", "Several people were injured."),
    ("Он трижды выигрывал кубок.", "He won the cup three times."),
    ("Ремонт займет полтора года.", "The repairs will take 18 months."),
    ("Саммит пройдет 14-15 июля.", "The summit will be held on July 14-15."),
    ("Договор подписан 14 июля 2021 года.", "The treaty was signed on July 14, 2021."),
    ("Договор подписан 14 июля 2021 года.", "The treaty was signed on 14 July 2021."),
    ("Поезд ушел в 15:30.", "The train left at 3:30 p.m."),
    ("Поезд ушел в 15.30.", "The train left at 15:30."),
    ("Сигнал поступил в 17 часов 47 минут.", "The alert came at 5:47 PM."),
    ("Он занял 3-е место.", "He came 3rd."),
    ("Он стал третьим.", "He finished third."),
    ("Это здание XX века.", "It is a 20th-century building."),
    ("За сутки выявлено 5765 случаев.", "5,765 cases were detected in 24 hours."),
    ("Погибли четверо туристов.", "Four tourists died."),
    ("24-летний футболист подписал контракт.", "The 24-year-old footballer signed a contract."),
    ("В сезоне-2019/20 он забил 16 голов.", "He scored 16 goals in the 2019-2020 season."),
    ("Это было в 90-х годах.", "That was in the 1990s."),
    ("Канал Россия 1 показал парад.", "Russia-1 showed the parade."),
    ("Первый случай COVID-19 выявлен в стране.", "The first case of COVID was found in the country."),
    ("Документ подписан 25.07.2020.", "The document was signed on July 25, 2020."),
    ("Однажды он уже побеждал.", "He has won once before."),
    ("Штраф составит более двух с половиной миллионов тенге.", "The fine will be over 2.5 million tenge."),
    ("Цены выросли в два раза.", "Prices have doubled."),
    ("В регионе зафиксировали 4 тыс. афер.", "4 thousand scams were recorded in the region."),
    ("В параде участвовали более 4 тысяч военнослужащих.", "More than 4000 servicemen took part in the parade."),
    ("Всего выявлено 812,5 тысячи случаев.", "A total of 812,500 cases have been detected."),
    ("Песня 1 000 000 раз лучше.", "The song is 1,000,000 times better."),
    ("Прогноз на 2020 год составил 3,7-4,2%.", "The forecast for 2020 is 3.7%-4.2%."),
    ("Цена 2-3 млн рублей.", "The price is 2-3 million roubles."),
    ("Мужчина 1958 г.р. пострадал.", "A man born in 1958 was injured."),
    ("Он провел 7 матчей.", "He played seven matches."),
    ("Погибли два человека.", "Two people died."),
    ("Площадь пожара 1 тыс. кв. метров.", "The fire covered an area of a thousand square meters."),
    ("Ответный матч 1/8 финала пройдет 7 августа.", "The return leg of the round of 16 is on August 7."),
    ("Магазин работает с 9 до 18 часов.", "The shop is open from 9 a.m. to 6 p.m."),
    ("Заседание начнется в 10 утра.", "The session will begin at 10 a.m."),
    ("Сумма составила 2 млн 300 тыс. рублей.", "The sum came to 2.3 million roubles."),
    ("Выпуск сократился в 2 раза.", "Output halved."),
    ("26 июля домой вернулись 106 россиян.", "On July 26, 106 Russians returned home."),
]


@pytest.mark.parametrize("src,tgt", PASS, ids=[f"pass{i}" for i in range(len(PASS))])
def test_passes(src, tgt):
    assert compare(src, tgt) == []


def test_pass_pairs_are_really_matched():
    """A pass must come from a match, not from reading nothing: each pair with a digit on both
    sides has at least one matched quantity."""
    for src, tgt in PASS:
        if any(c.isdigit() for c in src) and any(c.isdigit() for c in tgt):
            al = align_quantities(src, tgt)
            assert al.pairs, (src, tgt)


def test_positions_are_code_points():
    src = "Собрали 1 500 подписей."
    (q,) = quantities_ru(src)
    assert src[q.start:q.end] == q.text == "1 500"
    tgt = "They met on July 14, 2021."
    qs = quantities_en(tgt)
    assert [tgt[q.start:q.end] for q in qs] == ["14", "2021"]
