"""Numbers in a Russian source sentence and its English translation: what a translation dropped
or changed.

:func:`quantities_ru` and :func:`quantities_en` read every numeric expression of a text as a
:class:`Quantity` whose ``values`` hold everything the expression may stand for, normalised so
that the two languages compare by set intersection:

* plain numbers ``("n", x)`` (``x`` an ``int`` when whole, else a ``float``): digits with Russian
  separators ("1 500", "1\u00a0500", "1\u202f500"; "1,5" is 1.5, never 1500) and English ones
  ("1,500", "1.5"); Russian cardinals in every case form ("двух", "пяти", "двадцати", "сорока",
  "двухсот"...), collectives ("двое", "четверо"), "полтора/полторы/полутора" (1.5),
  "полмиллиона" (500,000); English words ("two", "twenty-five", "a dozen", "a hundred", "half a
  million", "one and a half"); magnitudes (тыс., тысяч(и), млн, миллион(а/ов), млрд,
  миллиард(а/ов), трлн ↔ thousand, million, billion, trillion, mln, m, bn, k, tn): "1,5 млн" is
  1,500,000 and so are "1.5 million", "1.5m" and "1,500,000"; ranges ("2-3 млн": the left end
  also keeps its unscaled value); percentages ("%", процент(а/ов), процентного пункта ↔ "%",
  percent, per cent, percentage points: kind ``percent``, the value is the number);
  ordinals ("3-й", "42-м", "третий" ↔ "third", "3rd"), Roman centuries and quarters ("XX века",
  "II квартале" ↔ "20th century", "Q2"), decades ("90-х" ↔ "1990s"), seasons ("2019/20" ↔
  "2019-2020"), compound adjectives ("24-летний", "четырехлетний", "5-процентный" ↔
  "24-year-old", "four-year", "5-percent"), multiplicatives ("дважды", "трижды", "вдвое" ↔
  "twice", "three times"), and words that hide a number ("сутки" ↔ "24 hours", "полгода" ↔ "six
  months");
* dates ``("date", month, day)``: "14-15 июля", "14 и 15 июля", "25-го июля", "25.07.2020" ↔
  "July 14-15", "July 14 and 15", "14 July", "the 14th of July", "7/14/2020" (an all-numeric
  English date may be read either way round); the year of a date is a quantity of its own (kind
  ``year``); so "14 июля" and "July 7" differ, and a day and month swapped is a change;
* times ``("time", hour, minute)``: "в 15:30", "в 15.30", "01։23", "в 17 часов 47 минут" ↔
  "15:30", "3:30 p.m.", "2 pm", "noon" (an English time without a.m./p.m. may be either).

Letters glued to a number make it a name, not a quantity ("COVID-19", "Су-57", "TB2", "Russia-1":
kind ``code``): a code can vouch for a source number of the same digits, never be its change.

:func:`compare` pairs the source's quantities with the translation's: a maximum matching on
shared values (each quantity used once, so a number the source gives twice must be there twice;
the same kind and the same place in the sentence preferred; a cardinal word is not an ordinal
word: "два" is not "second"), then what is left on each side pairs on any shared value ("два
года подряд" ↔ "second year in a row").  Each source quantity left over is reported:

* **changed** when the translation has a quantity of a compatible kind left over too (a number
  for a number, a date for a date, a time for a time): the one nearest in relative position;
* **missing** when it has none, only for source quantities a translation must carry
  (``Quantity.required``): numbers written in digits, dates, times, percentages, and numbers
  written in words from two up (ordinal words, "один/одна", multiplicatives and the words that
  hide a number are never required: translators drop or rephrase them).

Deliberately not flagged (precision first: a false alarm on a correct human translation is the
worst outcome):

* vague plurals and approximate words: "тысячи людей" ↔ "thousands of people", "десятки",
  "сотни", "несколько тысяч", "dozens", "hundreds" are not quantities at all;
* "один из" ↔ "one of" / nothing, "однажды", "раз" ("times"), "несколько": "один/одна/одно"
  is read (it matches "one") but never required, and the English "one" or "a" never counts as a
  change of anything but a source "один";
* a source number whose digits the translation carries in a code ("Россия 1" ↔ "Russia-1") or
  in a form this module does not read;
* unit and currency conversions (roubles to dollars, versts to kilometres) are not modelled:
  they are rare in news and read as a change;
* months and years written without a day ("в июле" ↔ "in July") are not dates; a bare year is a
  number like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["Quantity", "NumberIssue", "quantities_ru", "quantities_en", "compare", "align_quantities"]


# ================================================================ data classes

@dataclass(frozen=True)
class Quantity:
    """One numeric expression read from a text.

    ``values`` holds every value the expression may stand for (``("n", x)``, ``("date", month,
    day)``, ``("time", hour, minute)``); two quantities correspond when their values intersect.
    ``phrase`` is the whole expression the number was read from ("14-15 июля" for the 14 of that
    range); ``required`` (source side) says a translation must carry it; ``form`` is ``digits`` or
    ``words`` (or ``roman`` for "XX")."""

    start: int
    end: int
    text: str
    values: frozenset
    kind: str
    phrase: str = ""
    required: bool = False
    form: str = "digits"


@dataclass(frozen=True)
class NumberIssue:
    """A source quantity the translation does not carry: ``changed`` into ``target``, or ``missing``."""

    source: Quantity
    target: "Quantity | None"
    kind: str  # "missing" | "changed"
    message: str


# ================================================================ values

def _num(x) -> "int | float":
    """A number normalised for comparison: an int when whole, else a float to 10 significant digits."""
    if isinstance(x, Decimal):
        if x == x.to_integral_value():
            return int(x)
        x = float(x)
    x = float(x)
    if x.is_integer():
        return int(x)
    return float(f"{x:.10g}")


def _n(x) -> tuple:
    return ("n", _num(x))


#: kinds that may change into one another ("hidden": a word that hides a number, "сутки", "a
#: week", matches but is never a change)
NUMERIC_KINDS = frozenset({"number", "percent", "year", "ordinal", "decade", "century", "multiple"})


# ================================================================ tokens

@dataclass
class _Tok:
    kind: str  # "num", "word", "punct"
    start: int
    end: int
    text: str
    value: "Decimal | None" = None
    alt: tuple = ()  # other readings of a number token (Decimal), e.g. "1,500" in Russian
    sep: str = ""  # "." when a Russian number was written with a decimal point
    numdate: "tuple | None" = None  # (day, month, year|None) of "25.07.2020"


_GROUP_SEPS_RU = " \u00a0\u202f\u2009"
_GROUP_SEPS_EN = " \u00a0\u202f\u2009"  # "15 785 641": MT output and some house styles
_LETTER = re.compile(r"[^\W\d_]+")


def _scan_number(text: str, i: int, lang: str) -> _Tok:
    """Read the number starting at ``text[i]`` (a digit): its grouping and decimal separators."""
    n = len(text)
    j = i
    while j < n and text[j].isdigit():
        j += 1
    first = text[i:j]
    # numeric date dd.mm.yyyy / dd.mm.yy (both languages)
    m = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)").match(text, i)
    if m and 1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(2)) <= 12:
        y = int(m.group(3))
        if len(m.group(3)) == 2:
            y += 2000 if y < 50 else 1900
        return _Tok("num", i, m.end(), m.group(0), Decimal(int(m.group(1))), numdate=(int(m.group(1)), int(m.group(2)), y))
    digits = first
    seps = _GROUP_SEPS_RU if lang == "ru" else _GROUP_SEPS_EN + ","
    grouped = False
    if len(first) <= 3:
        while j + 4 <= n and text[j] in seps and text[j + 1:j + 4].isdigit() and (j + 4 == n or not text[j + 4].isdigit()):
            if lang == "en" and text[j] == "," and first == "0":
                break
            digits += text[j + 1:j + 4]
            j += 4
            grouped = True
    value = Decimal(digits)
    alt: tuple = ()
    sep = ""
    # decimal part
    if j + 1 < n and text[j + 1].isdigit():
        c = text[j]
        k = j + 1
        while k < n and text[k].isdigit():
            k += 1
        frac = text[j + 1:k]
        if lang == "ru" and c in ",." and not grouped:
            value = Decimal(f"{digits}.{frac}")
            sep = c
            if len(frac) == 3 and first != "0" and (k == n or text[k] not in ",."):
                alt = (Decimal(digits + frac),)  # "1,500" copied from English, "1.500" German style
            j = k
        elif lang == "ru" and c == "," and grouped:
            value = Decimal(f"{digits}.{frac}")
            j = k
        elif lang == "en" and c == ".":
            value = Decimal(f"{digits}.{frac}")
            sep = "."
            j = k
        elif lang == "en" and c == "," and not grouped:
            # "1,5" / "1,25": a decimal comma left in English (a grouping needs three digits)
            value = Decimal(f"{digits}.{frac}")
            j = k
    return _Tok("num", i, j, text[i:j], value, alt=alt, sep=sep)


def _tokens(text: str, lang: str) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c.isdigit():
            t = _scan_number(text, i, lang)
            out.append(t)
            i = t.end
        elif c.isalpha():
            m = _LETTER.match(text, i)
            out.append(_Tok("word", i, m.end(), m.group(0)))
            i = m.end()
        else:
            out.append(_Tok("punct", i, i + 1, c))
            i += 1
    return out


def _adjacent(a: _Tok, b: _Tok) -> bool:
    return a.end == b.start


_DASHES = frozenset("-‐‑‒–—−")
_TIME_COLONS = frozenset(":։")


# ================================================================ Russian lexicon

def _forms(spec: str, value) -> dict:
    return {w: value for w in spec.split()}


_RU_UNITS: dict[str, int] = {}
for _spec, _v in [
    ("один одна одно одни одного одной одному одним одном одною одну одних одними", 1),
    ("два две двух двум двумя", 2),
    ("три трех трёх трем трём тремя", 3),
    ("четыре четырех четырёх четырем четырём четырьмя", 4),
    ("пять пяти пятью", 5), ("шесть шести шестью", 6), ("семь семи", 7),
    ("восемь восьми восемью восьмью", 8), ("девять девяти девятью", 9), ("десять десяти десятью", 10),
]:
    _RU_UNITS.update(_forms(_spec, _v))
for _stem, _v in [("одиннадцат", 11), ("двенадцат", 12), ("тринадцат", 13), ("четырнадцат", 14),
                  ("пятнадцат", 15), ("шестнадцат", 16), ("семнадцат", 17), ("восемнадцат", 18),
                  ("девятнадцат", 19), ("двадцат", 20), ("тридцат", 30)]:
    _RU_UNITS.update({_stem + e: _v for e in ("ь", "и", "ью")})
_RU_UNITS.update(_forms("сорок сорока", 40))
for _a, _b, _c, _v in [("пятьдесят", "пятидесяти", "пятьюдесятью", 50), ("шестьдесят", "шестидесяти", "шестьюдесятью", 60),
                       ("семьдесят", "семидесяти", "семьюдесятью", 70), ("восемьдесят", "восьмидесяти", "восемьюдесятью", 80)]:
    _RU_UNITS.update({_a: _v, _b: _v, _c: _v})
_RU_UNITS.update(_forms("девяносто девяноста", 90))
_RU_UNITS.update(_forms("сто ста", 100))
_RU_UNITS.update(_forms("двести двухсот двумстам двумястами двухстах", 200))
_RU_UNITS.update(_forms("триста трехсот трёхсот тремстам тремястами трехстах трёхстах", 300))
_RU_UNITS.update(_forms("четыреста четырехсот четырёхсот четыремстам четырьмястами четырехстах четырёхстах", 400))
for _nom, _stem, _v in [("пятьсот", "пят", 500), ("шестьсот", "шест", 600), ("семьсот", "сем", 700),
                        ("восемьсот", "восьм", 800), ("девятьсот", "девят", 900)]:
    _RU_UNITS.update({_nom: _v, _stem + "исот": _v, _stem + "истам": _v, _stem + "истах": _v})
_RU_UNITS.update({"пятьюстами": 500, "шестьюстами": 600, "семьюстами": 700, "восемьюстами": 800, "девятьюстами": 900})
_RU_COLLECTIVE = {}
for _stem, _v in [("дво", 2), ("тро", 3), ("четвер", 4), ("пятер", 5), ("шестер", 6), ("семер", 7),
                  ("восьмер", 8), ("девятер", 9), ("десятер", 10)]:
    _base = {"дво": "двое", "тро": "трое"}.get(_stem, _stem + "о")
    _RU_COLLECTIVE.update({_base: _v, _stem + "их": _v, _stem + "ым": _v, _stem + "ыми": _v, _stem + "ых": _v, _stem + "им": _v, _stem + "ими": _v})
_RU_ONE_AND_HALF = _forms("полтора полторы полутора", Decimal("1.5"))
_RU_ONE_AND_HALF.update(_forms("полтораста полутораста", 150))

_RU_MAG: dict[str, int] = {}
for _stem, _v in [("тысяч", 10**3), ("миллион", 10**6), ("миллиард", 10**9), ("триллион", 10**12)]:
    for _e in ("", "а", "и", "е", "у", "ей", "ею", "ам", "ами", "ах", "ом", "ов", "ы"):
        _RU_MAG[_stem + _e] = _v
_RU_MAG.pop("тысячы", None)
_RU_MAG_ABBR = {"тыс": 10**3, "млн": 10**6, "млрд": 10**9, "трлн": 10**12}
#: a magnitude word alone stands for one of it only in these (singular) forms: "тысяча человек",
#: "миллион долларов"; "тысячи/миллионы людей" are vague plurals
_RU_MAG_SINGULAR = frozenset({"тысяча", "тысячу", "тысячей", "миллион", "миллиона", "миллионом", "миллиард",
                              "миллиарда", "триллион", "триллиона"})
_RU_MAG_SINGULAR_AFTER = frozenset({"более", "свыше", "около", "менее", "почти", "порядка", "до", "больше", "меньше",
                                    "примерно", "целых", "приблизительно"})
_RU_VAGUE_BEFORE = frozenset({"несколько", "нескольких", "несколькими", "десятки", "десятков", "десятками", "сотни",
                              "сотен", "сотнями", "многие", "многих", "тысячи", "тысяч", "миллионы", "миллионов"})
_RU_POL_MAG = {"пол" + k: Decimal(v) / 2 for k, v in [("тысячи", 1000), ("миллиона", 10**6), ("миллиарда", 10**9), ("триллиона", 10**12)]}

_RU_MONTHS = {"января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
              "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12}
_RU_PERCENT = re.compile(r"^процент")
_RU_YEAR_WORD = re.compile(r"^(?:год|года|году|годом|годе|годах|годов|годы|годам|г)$")

_ADJ_END = r"(?:ый|ой|ий|ая|ое|ые|ого|ому|ым|ом|ую|ых|ыми|ей|ья|ье|ьи|ьего|ьей|ьему|ьим|ьем|ью|ьих|ьими)"
_RU_ORDINAL_STEMS = [("перв", 1), ("втор", 2), ("трет", 3), ("четверт", 4), ("пят", 5), ("шест", 6), ("седьм", 7),
                     ("восьм", 8), ("девят", 9), ("десят", 10), ("одиннадцат", 11), ("двенадцат", 12),
                     ("тринадцат", 13), ("четырнадцат", 14), ("пятнадцат", 15), ("шестнадцат", 16),
                     ("семнадцат", 17), ("восемнадцат", 18), ("девятнадцат", 19), ("двадцат", 20), ("тридцат", 30),
                     ("сороков", 40), ("пятидесят", 50), ("сот", 100)]
_RU_ORDINAL = re.compile(r"^(" + "|".join(s for s, _ in _RU_ORDINAL_STEMS) + ")" + _ADJ_END + "$")
_RU_ORDINAL_VALUE = dict(_RU_ORDINAL_STEMS)

_RU_MULT = {"дважды": 2, "трижды": 3, "четырежды": 4, "вдвое": 2, "втрое": 3, "вчетверо": 4, "впятеро": 5,
            "вдесятеро": 10, "впервые": 1}
#: words that hide a number a translator may spell out ("за сутки" -> "in 24 hours"); never required
_RU_HIDDEN = {"сутки": (24, 1), "суток": (24, 1), "суткам": (24, 1), "сутками": (24, 1), "сутках": (24, 1),
              "полгода": (6, Decimal("0.5")), "полугода": (6, Decimal("0.5")), "полчаса": (30, Decimal("0.5")),
              "полдень": None, "полночь": None, "полдня": (12, Decimal("0.5")), "пару": (2,), "пара": (2,), "пары": (2,),
              "дюжина": (12,), "дюжины": (12,), "десяток": (10,), "десятка": (10,), "полвека": (50, Decimal("0.5")),
              "полувека": (50, Decimal("0.5")), "квартал": (3,), "квартале": (3,), "неделю": (7,), "неделя": (7,),
              "недели": (7,), "столетие": (100,), "столетия": (100,), "десятилетие": (10,), "десятилетия": (10,),
              "пятилетку": (5,), "век": (100,), "века": (100,), "веке": (100,)}
_RU_COMPOUND_PREFIX = {"одно": 1, "двух": 2, "дву": 2, "трех": 3, "трёх": 3, "четырех": 4, "четырёх": 4, "пяти": 5,
                       "шести": 6, "семи": 7, "восьми": 8, "девяти": 9, "десяти": 10, "одиннадцати": 11,
                       "двенадцати": 12, "пятнадцати": 15, "двадцати": 20, "тридцати": 30, "сорока": 40,
                       "пятидесяти": 50, "шестидесяти": 60, "семидесяти": 70, "восьмидесяти": 80, "девяносто": 90,
                       "сто": 100, "двухсот": 200, "трехсот": 300, "трёхсот": 300, "пятисот": 500, "тысяче": 1000,
                       "полутора": Decimal("1.5")}
_RU_COMPOUND_TAIL = re.compile(r"^(?:лет|летн|летие|летия|летию|летием|дневн|месячн|недельн|часов|минутн|секундн|"
                               r"этажн|кратн|процентн|тонн|километров|метров|местн|комнатн|серийн|разов|томн|"
                               r"сантиметров|миллиметров|граммов|литров|рублев|рублёв|долларов|тысячн|миллионн|"
                               r"миллиардн|значн|голов|звездочн|звёздочн|ступенчат|летк|годичн|сотн)")
_ROMAN = re.compile(r"^[IVXLCХ]+$")
_RU_ROMAN_NEXT = re.compile(r"^(?:век|квартал|полугоди|съезд|созыв|тысячелет|чемпионат|олимпиад|игр|степен|форум|тур|этап)")
_RU_TIME_PREP = frozenset({"в", "с", "до", "к", "около", "после", "примерно", "начиная", "со"})
_RU_HOUR = re.compile(r"^(?:час|часа|часов|ч)$")
_RU_MINUTE = re.compile(r"^(?:минут|минуты|минуту|мин)$")
_RU_RANGE_WORDS = frozenset({"и", "или", "до", "по"})
#: "в 10 утра", "в 7 вечера", "в 2 дня", "в 3 ночи": hours to add for the 24-hour clock
_RU_DAYPART = {"утра": 0, "вечера": 12, "дня": 12, "ночи": 0}


def _roman(s: str) -> "int | None":
    s = s.replace("Х", "X")
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = vals[a]
        total += -v if b in vals and vals[b] > v else v
    return total if 0 < total < 200 else None


def _ru_word_value(w: str):
    """The value of one Russian cardinal word (lower case) and its role: ("unit", v) | ("mag", v) | None."""
    if w in _RU_UNITS:
        return ("unit", Decimal(_RU_UNITS[w]))
    if w in _RU_ONE_AND_HALF:
        return ("unit", Decimal(_RU_ONE_AND_HALF[w]))
    if w in _RU_COLLECTIVE:
        return ("unit", Decimal(_RU_COLLECTIVE[w]))
    if w in _RU_MAG:
        return ("mag", Decimal(_RU_MAG[w]))
    if w in _RU_MAG_ABBR:
        return ("mag", Decimal(_RU_MAG_ABBR[w]))
    return None


# ================================================================ shared parsing helpers

class _Builder:
    """Collects quantities for one text."""

    def __init__(self, text: str):
        self.text = text
        self.out: list[Quantity] = []

    def add(self, start, end, values, kind, phrase_span=None, required=False, form="digits"):
        values = frozenset(v for v in values if v is not None)
        if not values:
            return
        ps = phrase_span or (start, end)
        self.out.append(Quantity(start, end, self.text[start:end], values, kind,
                                 self.text[ps[0]:ps[1]], required, form))


def _is_code(toks: list[_Tok], i: int) -> bool:
    """A number glued to letters: "COVID-19", "Су-57", "TB2", "5G" (ordinal and magnitude suffixes are
    handled before this is asked)."""
    t = toks[i]
    if i > 0 and _adjacent(toks[i - 1], t):
        p = toks[i - 1]
        if p.text in _DASHES and len(t.text) == 4 and not t.sep and 1900 <= t.value <= 2100:
            return False  # "сезоне-2019/20", "драфте-2018", "Euro-2020": a year
        if p.kind == "word":
            return True
        if p.kind == "punct" and p.text in _DASHES and i > 1 and _adjacent(toks[i - 2], p) and toks[i - 2].kind == "word":
            return True
        if p.kind == "punct" and p.text in "/." and i > 1 and _adjacent(toks[i - 2], p) and toks[i - 2].kind == "word":
            return True
    return False


def _season(toks, i, j) -> "tuple | None":
    """``toks[i]`` "2019" ``toks[i+1]`` "/" or dash ``toks[j]`` "20": the second year's readings."""
    a, b = toks[i], toks[j]
    if a.value is None or b.value is None or a.sep or b.sep:
        return None
    if len(a.text) == 4 and 1900 <= a.value <= 2100 and len(b.text) == 2:
        full = int(a.value) // 100 * 100 + int(b.value)
        if full == int(a.value) + 1:
            return (_n(b.value), _n(full))
    return None


# ================================================================ Russian

def quantities_ru(text: str) -> list[Quantity]:
    """Every numeric expression of a Russian text (see the module docstring)."""
    return _read(text, "ru", _ru_number, _ru_word)


def _read(text: str, lang: str, number, word) -> list[Quantity]:
    """The quantities of ``text``: each token read by the language's ``number`` or ``word``
    reader, which consumes the tokens of one expression and returns the index after it."""
    toks = _tokens(text, lang)
    b = _Builder(text)
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        if t.kind == "num":
            i = number(toks, i, b)
        elif t.kind == "word":
            i = word(toks, i, b)
        else:
            i += 1
    return b.out


def _low(t: _Tok) -> str:
    return t.text.lower()


def _prev_word(toks, i) -> str:
    return _low(toks[i - 1]) if i > 0 and toks[i - 1].kind == "word" else ""


def _ru_number(toks: list[_Tok], i: int, b: _Builder) -> int:
    n = len(toks)
    t = toks[i]
    if t.numdate:
        d, m, y = t.numdate
        b.add(t.start, t.end, [("date", m, d)], "date", required=True)
        b.add(t.start, t.end, [_n(y)], "year", required=True)
        return i + 1
    # glued to letters before: a code
    if _is_code(toks, i):
        b.add(t.start, t.end, [_n(t.value)], "code")
        return i + 1
    # glued to letters after (no hyphen): "5G", "3D"
    if i + 1 < n and _adjacent(t, toks[i + 1]) and toks[i + 1].kind == "word":
        w = _low(toks[i + 1])
        if w in _RU_MAG_ABBR or w in _RU_MAG:
            pass  # "5млн"
        else:
            b.add(t.start, toks[i + 1].end, [_n(t.value)], "code")
            return i + 2
    # time hh:mm
    if (i + 2 < n and toks[i + 1].text in _TIME_COLONS and _adjacent(t, toks[i + 1]) and toks[i + 2].kind == "num"
            and _adjacent(toks[i + 1], toks[i + 2]) and len(toks[i + 2].text) == 2 and not t.sep and len(t.text) <= 2
            and t.value <= 24 and toks[i + 2].value < 60):
        h, mi = int(t.value) % 24, int(toks[i + 2].value)
        b.add(t.start, toks[i + 2].end, [("time", h, mi)], "time", required=True)
        return i + 3
    # time hh.mm after a preposition ("в 15.30")
    if (t.sep == "." and re.fullmatch(r"\d{1,2}\.\d{2}", t.text) and _prev_word(toks, i) in _RU_TIME_PREP):
        h, mi = (int(x) for x in t.text.split("."))
        if h <= 24 and mi < 60:
            b.add(t.start, t.end, [("time", h % 24, mi), _n(t.value)], "time", required=True)
            return i + 1
    # "в 17 часов 47 минут" / "в 15 часов"
    if (not t.sep and t.value <= 24 and i + 1 < n and toks[i + 1].kind == "word" and _RU_HOUR.match(_low(toks[i + 1]))
            and _prev_word(toks, i) in _RU_TIME_PREP):
        h = int(t.value) % 24
        if i + 3 < n and toks[i + 2].kind == "num" and toks[i + 3].kind == "word" and _RU_MINUTE.match(_low(toks[i + 3])):
            b.add(t.start, toks[i + 3].end, [("time", h, int(toks[i + 2].value))], "time", required=True)
            return i + 4
        b.add(t.start, toks[i + 1].end, [("time", h, 0), _n(t.value)], "time", required=True)
        return i + 2

    # a fraction: "1/8 финала" ("the round of 16"), "1/2"
    if (i + 2 < n and toks[i + 1].text == "/" and toks[i + 2].kind == "num" and _adjacent(t, toks[i + 1])
            and _adjacent(toks[i + 1], toks[i + 2]) and not t.sep and not toks[i + 2].sep
            and 0 < t.value < toks[i + 2].value <= 64 and len(toks[i + 2].text) <= 2):
        a, c = int(t.value), int(toks[i + 2].value)
        b.add(t.start, toks[i + 2].end, [_n(Decimal(a) / c), _n(a), _n(c), _n(2 * c)], "number")
        return i + 3
    # a group of numbers: "14-15", "14 и 15", "от 2 до 3", "2019/20"
    group = [i]
    j = i + 1
    while j + 1 < n:
        s = toks[j]
        nx = toks[j + 1]
        if nx.kind != "num" or nx.numdate:
            break
        if s.kind == "punct" and (s.text in _DASHES or s.text in ",/+…") or (s.kind == "word" and _low(s) in _RU_RANGE_WORDS):
            if s.text == "," and not (s.end < nx.start):  # "1,5" never reaches here; "1,2" glued: stop
                break
            group.append(j + 1)
            j += 2
        else:
            break
    end_tok = group[-1]
    k = end_tok + 1

    def word_at(x):
        return _low(toks[x]) if x < n and toks[x].kind == "word" else ""

    # hyphen suffix on the last number: "24-летний", "3-й", "90-х", "25-го"
    suffix = ""
    if k + 1 < n and toks[k].kind == "punct" and toks[k].text in _DASHES and _adjacent(toks[end_tok], toks[k]) \
            and toks[k + 1].kind == "word" and _adjacent(toks[k], toks[k + 1]):
        suffix = _low(toks[k + 1])
        k += 2
    mag = 1
    kind = "number"
    w = word_at(k)
    if not suffix and (w in _RU_MAG_ABBR or w in _RU_MAG):
        mag = _RU_MAG_ABBR.get(w) or _RU_MAG[w]
        k += 1
        if k < n and toks[k].text == "." and w in _RU_MAG_ABBR:
            k += 1
        w = word_at(k)
    # "2 млн 300 тыс.": one amount
    extra = Decimal(0)
    if mag != 1 and len(group) == 1 and k + 1 < n and toks[k].kind == "num" and not toks[k].sep:
        w2 = word_at(k + 1)
        m2 = _RU_MAG_ABBR.get(w2) or _RU_MAG.get(w2)
        if m2 and m2 < mag:
            extra = toks[k].value * m2
            k += 2
            if k < n and toks[k].text == "." and w2 in _RU_MAG_ABBR:
                k += 1
            w = word_at(k)
    percent = False
    if k < n and toks[k].text == "%":
        percent = True
        k += 1
    elif w and _RU_PERCENT.match(w):
        percent = True
        k += 1
        if word_at(k).startswith("пункт"):  # "0,25 процентного пункта"
            k += 1
    elif suffix.startswith("процент"):
        percent = True
    month = _RU_MONTHS.get(w) if not percent and mag == 1 else None
    last = toks[end_tok]
    start = toks[group[0]].start
    phrase_end = toks[k - 1].end if k > end_tok + 1 else last.end

    ordinal_sfx = re.fullmatch(r"(?:й|я|е|го|му|м|х|ми|ый|ой|ий|ая|ое|ые|ого|ому|ым|ом|ую|ых|ыми|ей)", suffix or "-")
    if month and all(not toks[g].sep and 1 <= toks[g].value <= 31 and len(toks[g].text) <= 2 for g in group) \
            and (not suffix or suffix in ("го", "е", "ое")):
        month_tok = k
        k += 1
        phrase_end = toks[month_tok].end
        for g in group:
            b.add(toks[g].start, toks[g].end, [("date", month, int(toks[g].value))], "date",
                  (start, phrase_end), required=True)
        # a year after the date
        if k < n and toks[k].kind == "num" and len(toks[k].text) == 4 and not toks[k].sep:
            y = toks[k]
            k += 1
            if k < n and toks[k].kind == "word" and _RU_YEAR_WORD.match(_low(toks[k])):
                k += 1
                if k < n and toks[k].text == "." and _low(toks[k - 1]) == "г":
                    k += 1
            b.add(y.start, y.end, [_n(y.value)], "year", (start, toks[k - 1].end), required=True)
        return k
    if suffix and ordinal_sfx and not percent and mag == 1:
        for g in group:
            gv = toks[g].value
            if suffix in ("х", "ых") and gv % 10 == 0 and len(toks[g].text) in (2, 4):
                vals = [_n(gv)]
                if gv < 100:
                    vals.append(_n(1900 + gv))
                    if gv <= 30:
                        vals.append(_n(2000 + gv))
                else:
                    vals.append(_n(gv % 100))
                b.add(toks[g].start, toks[g].end, vals, "decade", (start, phrase_end), required=True)
            else:
                b.add(toks[g].start, toks[g].end, [_n(gv)], "ordinal", (start, phrase_end), required=True)
        return k
    # hours: "с 9 до 18 часов", "в 10 утра", "в 7 вечера"
    if not percent and mag == 1 and not suffix and w and (_RU_HOUR.match(w) or w in _RU_DAYPART) \
            and all(not toks[g].sep and toks[g].value <= 24 for g in group) and (
                len(group) > 1 or _prev_word(toks, i) in _RU_TIME_PREP or w in _RU_DAYPART):
        shift = _RU_DAYPART.get(w, 0)
        if _RU_HOUR.match(w) and k + 1 < n and _low(toks[k + 1]) in _RU_DAYPART:
            shift = _RU_DAYPART[_low(toks[k + 1])]
        for g in group:
            h = int(toks[g].value)
            vals = [("time", h % 24, 0), _n(h)]
            if shift and h < 12:
                vals.append(("time", (h + shift) % 24, 0))
            b.add(toks[g].start, toks[g].end, vals, "time", (start, toks[k].end), required=True)
        return k + 1
    # years: "в 2021 году", "2021 г."
    if not percent and mag == 1 and w and _RU_YEAR_WORD.match(w):
        kind = "year"
        k += 1
        if w == "г" and k < n and toks[k].text == ".":
            k += 1
        phrase_end = toks[k - 1].end
    if percent:
        kind = "percent"
    for idx, g in enumerate(group):
        tk = toks[g]
        vals = {_n(tk.value * mag + extra)}
        vals.update(_n(a * mag) for a in tk.alt)
        if mag != 1 and idx < len(group) - 1:
            vals.add(_n(tk.value))  # the left end of "2-3 млн" may be read unscaled
        if idx > 0:
            ss = _season(toks, group[idx - 1], g)
            if ss:
                vals.update(ss)
        qend = tk.end
        if idx == len(group) - 1 and (mag != 1 or percent):
            qend = toks[k - 1].end  # "1,5 млн", "4,25%", "5 процентов"
            if toks[k - 1].text == ".":
                qend = toks[k - 2].end
        b.add(tk.start, qend, vals, kind, (start, phrase_end), required=True)
    return max(k, end_tok + 1)


def _ru_word(toks: list[_Tok], i: int, b: _Builder) -> int:
    n = len(toks)
    t = toks[i]
    w = _low(t)
    # Roman numerals: "XX века", "II квартале"
    if _ROMAN.match(t.text) and i + 1 < n and toks[i + 1].kind == "word" and _RU_ROMAN_NEXT.match(_low(toks[i + 1])):
        v = _roman(t.text)
        if v:
            kind = "century" if _low(toks[i + 1]).startswith("век") else "ordinal"
            # written as a numeral, not a word: translators keep it ("XX века" ↔ "20th century")
            b.add(t.start, t.end, [_n(v)], kind, (t.start, toks[i + 1].end), required=True, form="roman")
            return i + 2
    if w in _RU_POL_MAG:
        b.add(t.start, t.end, [_n(_RU_POL_MAG[w])], "number", required=True, form="words")
        return i + 1
    rv = _ru_word_value(w)
    if rv:
        return _ru_cardinal_words(toks, i, b)
    m = _RU_ORDINAL.match(w)
    if m:
        b.add(t.start, t.end, [_n(_RU_ORDINAL_VALUE[m.group(1)])], "ordinal", form="words")
        return i + 1
    if w in _RU_MULT:
        b.add(t.start, t.end, [_n(_RU_MULT[w])], "multiple", form="words")
        return i + 1
    if w in _RU_HIDDEN:
        h = _RU_HIDDEN[w]
        if w == "полдень":
            b.add(t.start, t.end, [("time", 12, 0), _n(12)], "time", form="words")
        elif w == "полночь":
            b.add(t.start, t.end, [("time", 0, 0), _n(0), _n(12)], "time", form="words")
        else:
            b.add(t.start, t.end, [_n(x) for x in h], "hidden", form="words")
        return i + 1
    # compound adjectives: "четырехлетний", "двухсотлетие"
    for p in sorted(_RU_COMPOUND_PREFIX, key=len, reverse=True):
        if w.startswith(p) and len(w) > len(p) + 2 and _RU_COMPOUND_TAIL.match(w[len(p):]):
            b.add(t.start, t.end, [_n(_RU_COMPOUND_PREFIX[p])], "number", form="words")
            return i + 1
    return i + 1


def _ru_cardinal_words(toks: list[_Tok], i: int, b: _Builder) -> int:
    """A run of Russian number words: "двадцать пять тысяч", "полтора миллиона", "тысяча"."""
    n = len(toks)
    total = Decimal(0)
    cur = Decimal(0)
    j = i
    words = []
    last_role = None
    while j < n and toks[j].kind == "word":
        lw = _low(toks[j])
        # "двух с половиной миллионов": 2.5 million
        if lw == "с" and words and last_role == "unit" and j + 1 < n and _low(toks[j + 1]) == "половиной":
            cur += Decimal("0.5")
            words.extend(toks[j:j + 2])
            j += 2
            continue
        rv = _ru_word_value(lw)
        if not rv:
            break
        role, v = rv
        if role == "unit":
            if last_role == "unit" and (cur % 10 != 0 or v >= cur or cur < 20):
                break  # "два три" is two numbers
            cur += v
        else:
            if last_role == "mag":
                break
            total += (cur if cur else 1) * v
            cur = Decimal(0)
        words.append(toks[j])
        last_role = role
        j += 1
    total += cur
    first = _low(toks[i])
    start, end = toks[i].start, toks[j - 1].end
    # a magnitude word alone: "тысяча человек" is 1000; "тысячи людей" is vague
    if len(words) == 1 and last_role == "mag":
        prev = _prev_word(toks, i)
        if prev in _RU_VAGUE_BEFORE:
            return j
        if first in _RU_MAG_SINGULAR or prev in _RU_MAG_SINGULAR_AFTER:
            b.add(start, end, [_n(total)], "number", required=True, form="words")
        return j
    if i > 0 and _prev_word(toks, i) in ("несколько", "нескольких"):
        return j
    # "тысячи" after a vague word is vague ("несколько тысяч") — handled above; a unit after
    # a digit number ("5 тысяч") is read by the number path.
    kind = "number"
    k = j
    if k < n and (toks[k].text == "%" or (toks[k].kind == "word" and _RU_PERCENT.match(_low(toks[k])))):
        kind = "percent"
        end = toks[k].end
        k += 1
    one = total == 1 and first in _RU_UNITS
    required = total >= 2 and not one
    # "в два раза больше" = "twice as many", "double", "half": a comparison a translator may
    # rephrase; "тридцать раз" ("thirty times") stays a number to carry
    if k < n and toks[k].kind == "word" and _low(toks[k]) in ("раза", "раз") and _prev_word(toks, i) in ("в", "во"):
        required = False
    b.add(start, end, [_n(total)], kind, required=required, form="words")
    return k


# ================================================================ English lexicon

_EN_UNITS = {w: v for v, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                        "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_EN_TENS = {w: 10 * (k + 2) for k, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_EN_MAG = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_MAG_ABBR = {"k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "mln": 10**6, "million": 10**6,
                "millions": 10**6, "b": 10**9, "bn": 10**9, "bln": 10**9, "billion": 10**9, "billions": 10**9,
                "tn": 10**12, "tln": 10**12, "trn": 10**12, "trln": 10**12, "trillion": 10**12, "thousands": 10**3,
                "mil": 10**6}
_EN_MAG_AMBIGUOUS = frozenset({"k", "m", "b", "mil"})  # "2 m" is metres; "$2m" is millions
_EN_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
           "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
           "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
           "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
           "eightieth": 80, "ninetieth": 90, "hundredth": 100, "thousandth": 1000}
_EN_MULT = {"halved": 2, "halve": 2, "halving": 2, "once": 1, "twice": 2, "thrice": 3, "double": 2, "doubled": 2, "triple": 3, "tripled": 3,
            "quadruple": 4, "quadrupled": 4, "twofold": 2, "threefold": 3, "fourfold": 4, "tenfold": 10,
            "half": Decimal("0.5")}
_EN_HIDDEN = {"dozen": 12, "couple": 2, "pair": 2, "decade": 10, "century": 100, "fortnight": 14,
              "quarter": 3, "week": 7, "noon": None, "midday": None, "midnight": None}
_EN_MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
              "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3,
              "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_EN_VAGUE_BEFORE = frozenset({"several", "few", "many", "some", "tens", "hundreds", "thousands", "of", "multiple",
                              "numerous", "dozens"})
_EN_RANGE_WORDS = frozenset({"and", "or", "to", "through", "till", "until", "&"})
_EN_ORD_SFX = frozenset({"st", "nd", "rd", "th"})
_EN_AMPM = {"am": 0, "pm": 12}


def _en_ampm(toks, k) -> "tuple[int | None, int]":
    """An a.m./p.m. marker at ``toks[k]``: (offset or None, index after it)."""
    n = len(toks)
    if k < n and toks[k].kind == "word":
        w = _low(toks[k])
        if w in _EN_AMPM:
            k2 = k + 1
            if k2 < n and toks[k2].text == "." and _adjacent(toks[k], toks[k2]) and (k2 + 1 >= n or toks[k2 + 1].kind != "word" or not toks[k2 + 1].text[0].isupper()):
                k2 += 1
            return _EN_AMPM[w], k2
        if w in ("a", "p") and k + 3 < n and toks[k + 1].text == "." and toks[k + 2].kind == "word" and _low(toks[k + 2]) == "m":
            k2 = k + 3
            if k2 < n and toks[k2].text == "." and _adjacent(toks[k + 2], toks[k2]):
                k2 += 1
            return (0 if w == "a" else 12), k2
    return None, k


def _hour_values(h: int, mi: int, ampm) -> list:
    if ampm is None:
        vals = [("time", h % 24, mi)]
        if h < 12:
            vals.append(("time", h + 12, mi))
        if h == 12:
            vals.append(("time", 0, mi))
        return vals
    hh = h % 12 + ampm
    return [("time", hh, mi)]


def quantities_en(text: str) -> list[Quantity]:
    """Every numeric expression of an English text (see the module docstring)."""
    return _read(text, "en", _en_number, _en_word)


def _en_month_at(toks, k) -> "tuple[int | None, int]":
    """A capitalised month name at ``toks[k]`` (with an abbreviation's full stop): (month, next index)."""
    if k < len(toks) and toks[k].kind == "word" and toks[k].text[0].isupper():
        m = _EN_MONTHS.get(_low(toks[k]))
        if m:
            k2 = k + 1
            if len(toks[k].text) <= 4 and k2 < len(toks) and toks[k2].text == "." and _adjacent(toks[k], toks[k2]):
                k2 += 1
            return m, k2
    return None, k


def _en_day(t: _Tok) -> bool:
    return t.kind == "num" and not t.sep and len(t.text) <= 2 and 1 <= t.value <= 31


def _en_number(toks: list[_Tok], i: int, b: _Builder) -> int:
    n = len(toks)
    t = toks[i]
    if t.numdate:
        d, m, y = t.numdate
        vals = [("date", m, d)]
        if d <= 12:
            vals.append(("date", d, m))
        b.add(t.start, t.end, vals, "date", required=True)
        b.add(t.start, t.end, [_n(y)], "year", required=True)
        return i + 1
    # 7/14/2021
    if (i + 4 < n and toks[i + 1].text == "/" and toks[i + 2].kind == "num" and toks[i + 3].text == "/"
            and toks[i + 4].kind == "num" and all(_adjacent(toks[x], toks[x + 1]) for x in range(i, i + 4))
            and len(toks[i + 4].text) in (2, 4)):
        a, c = int(t.value), int(toks[i + 2].value)
        vals = [("date", a, c)] if 1 <= a <= 12 and 1 <= c <= 31 else []
        if 1 <= c <= 12 and 1 <= a <= 31:
            vals.append(("date", c, a))
        if vals:
            y = int(toks[i + 4].value)
            y += 2000 if y < 50 else (1900 if y < 100 else 0)
            b.add(t.start, toks[i + 4].end, vals, "date")
            b.add(t.start, toks[i + 4].end, [_n(y)], "year")
            return i + 5
    if _is_code(toks, i):
        b.add(t.start, t.end, [_n(t.value)], "code")
        return i + 1
    # time hh:mm [am|pm] ("18: 30" as MT writes it too)
    if (i + 2 < n and toks[i + 1].text in _TIME_COLONS and _adjacent(t, toks[i + 1]) and toks[i + 2].kind == "num"
            and toks[i + 2].start - toks[i + 1].end <= 1 and len(toks[i + 2].text) == 2 and not t.sep and len(t.text) <= 2
            and t.value <= 24 and toks[i + 2].value < 60):
        ampm, k = _en_ampm(toks, i + 3)
        b.add(t.start, toks[k - 1].end, _hour_values(int(t.value), int(toks[i + 2].value), ampm), "time", required=True)
        return k
    # "01.23 a.m.", "0123 hours"
    if re.fullmatch(r"\d{1,2}\.\d{2}", t.text) and int(t.text.split(".")[0]) <= 12:
        ampm, k = _en_ampm(toks, i + 1)
        if ampm is not None:
            h, mi = (int(x) for x in t.text.split("."))
            b.add(t.start, toks[k - 1].end, _hour_values(h, mi, ampm), "time", required=True)
            return k
    if re.fullmatch(r"[0-2]\d[0-5]\d", t.text) and int(t.text[:2]) <= 24 and i + 1 < n and _low(toks[i + 1]) in ("hours", "hrs"):
        b.add(t.start, toks[i + 1].end, [("time", int(t.text[:2]) % 24, int(t.text[2:])), _n(t.value)], "time", required=True)
        return i + 2
    # "11 hours 28 minutes" (a Russian time rendered word for word)
    if (not t.sep and t.value <= 24 and i + 3 < n and toks[i + 1].kind == "word" and _low(toks[i + 1]) in ("hours", "hour", "h")
            and toks[i + 2].kind == "num" and len(toks[i + 2].text) <= 2 and toks[i + 3].kind == "word"
            and _low(toks[i + 3]) in ("minutes", "minute", "min")):
        b.add(t.start, toks[i + 3].end, _hour_values(int(t.value), int(toks[i + 2].value), None)
              + [_n(t.value)], "time", required=True)
        b.add(toks[i + 2].start, toks[i + 2].end, [_n(toks[i + 2].value)], "number", required=True)
        return i + 4
    # "2 pm", "2pm", "3 o'clock"
    if not t.sep and t.value <= 12 and len(t.text) <= 2:
        ampm, k = _en_ampm(toks, i + 1)
        if ampm is not None:
            b.add(t.start, toks[k - 1].end, _hour_values(int(t.value), 0, ampm) + [_n(t.value)], "time", required=True)
            return k
        if i + 3 < n and toks[i + 1].kind == "word" and _low(toks[i + 1]) == "o" and toks[i + 2].text in "'’" and _low(toks[i + 3]) == "clock":
            b.add(t.start, toks[i + 3].end, _hour_values(int(t.value), 0, None) + [_n(t.value)], "time", required=True)
            return i + 4
    # "2 1/2 million": a whole number and a fraction
    if (not t.sep and i + 3 < n and toks[i + 1].kind == "num" and toks[i + 2].text == "/" and toks[i + 3].kind == "num"
            and _adjacent(toks[i + 1], toks[i + 2]) and _adjacent(toks[i + 2], toks[i + 3]) and not _adjacent(t, toks[i + 1])
            and len(toks[i + 1].text) == 1 and len(toks[i + 3].text) == 1 and 0 < toks[i + 1].value < toks[i + 3].value):
        toks[i + 3] = _Tok("num", t.start, toks[i + 3].end, b.text[t.start:toks[i + 3].end],
                           t.value + toks[i + 1].value / toks[i + 3].value)
        return _en_number(toks, i + 3, b)
    # day Month [year]: "14 July", "14th of July", "14-15 July"
    group = [i]
    j = i + 1
    while j + 1 < n:
        s = toks[j]
        nx = toks[j + 1]
        if nx.kind != "num" or nx.numdate:
            break
        if (s.kind == "punct" and s.text in _DASHES | {"/", "+", "…"}) or (s.kind == "word" and _low(s) in _EN_RANGE_WORDS):
            group.append(j + 1)
            j += 2
        elif s.kind == "punct" and s.text == "," and nx.kind == "num" and s.end < nx.start \
                and not (len(nx.text) == 4 and nx.value >= 1000):
            group.append(j + 1)
            j += 2
        else:
            break
    # glued suffixes on members ("14th", "1990s", "5m", "3bn")
    end_tok = group[-1]
    k = end_tok + 1
    sfx = {}
    for g in group:
        if g + 1 < n and toks[g + 1].kind == "word" and _adjacent(toks[g], toks[g + 1]):
            sfx[g] = _low(toks[g + 1])
    last_sfx = sfx.get(end_tok, "")
    if last_sfx:
        k = end_tok + 2
    # a glued suffix we do not know on the first number: a code ("5G", "4K" handled as k)
    for g, sx in sfx.items():
        if sx not in _EN_ORD_SFX and sx not in _EN_MAG_ABBR and sx not in ("s",) and sx not in _EN_AMPM:
            if g == i:
                b.add(t.start, toks[g + 1].end, [_n(t.value)], "code")
                return g + 2
    ordinal = bool(last_sfx in _EN_ORD_SFX) or any(sx in _EN_ORD_SFX for sx in sfx.values())
    # "14th of July"
    kk = k
    if ordinal and kk < n and toks[kk].kind == "word" and _low(toks[kk]) == "of":
        kk += 1
    month, mk = _en_month_at(toks, kk)
    if month and all(_en_day(toks[g]) for g in group):
        start = toks[group[0]].start
        phrase_end = toks[mk - 1].end
        for g in group:
            b.add(toks[g].start, toks[g].end, [("date", month, int(toks[g].value))], "date", (start, phrase_end), required=True)
        k = mk
        if k < n and toks[k].text == ",":
            k += 1
        if k < n and toks[k].kind == "num" and len(toks[k].text) == 4 and not toks[k].sep:
            b.add(toks[k].start, toks[k].end, [_n(toks[k].value)], "year", (start, toks[k].end), required=True)
            return k + 1
        return mk
    # hyphen compounds: "24-year-old", "5-percent", "14-day", "a 5-million budget"
    hyph = ""
    if not last_sfx and k + 1 < n and toks[k].text in _DASHES and _adjacent(toks[end_tok], toks[k]) \
            and toks[k + 1].kind == "word" and _adjacent(toks[k], toks[k + 1]):
        hyph = _low(toks[k + 1])
        k += 2
    # magnitude: glued ("5m", "$1.5bn"), hyphenated ("5-million") or the next word ("5 million");
    # "m", "k", "b" stand for a magnitude only after a currency sign or glued to the number
    mag = 1
    currency = i > 0 and toks[i - 1].text in "$€£¥₽"
    mword = ""
    ambiguous_mag = False
    if last_sfx in _EN_MAG_ABBR:
        mword = last_sfx
        ambiguous_mag = mword in _EN_MAG_AMBIGUOUS and not currency
    elif hyph:
        if hyph in _EN_MAG_ABBR and hyph not in _EN_MAG_AMBIGUOUS:
            mword = hyph
    elif k < n and toks[k].kind == "word" and _low(toks[k]) in _EN_MAG_ABBR:
        if _low(toks[k]) not in _EN_MAG_AMBIGUOUS or currency:
            mword = _low(toks[k])
            k += 1
    if mword:
        mag = _EN_MAG_ABBR[mword]
        if mword in ("mln", "bln", "mn", "bn", "tn", "tln", "trn", "trln") and k < n and toks[k].text == "." \
                and _adjacent(toks[k - 1], toks[k]) and (k + 1 >= n or not toks[k + 1].text[:1].isupper()):
            k += 1
    # percent
    kind = "number"
    if k < n and toks[k].text == "%":
        kind = "percent"
        k += 1
    elif k < n and toks[k].kind == "word" and _low(toks[k]) in ("percent", "pct", "percentage"):
        kind = "percent"
        k += 1
        if k < n and _low(toks[k]) in ("point", "points"):  # "0.25 percentage points"
            k += 1
    elif k + 1 < n and _low(toks[k]) == "per" and _low(toks[k + 1]) == "cent":
        kind = "percent"
        k += 2
    elif hyph.startswith("percent"):
        kind = "percent"
    elif ordinal:
        kind = "ordinal"
    elif last_sfx == "s":
        kind = "decade"
    elif len(group) == 1 and len(t.text) == 4 and 1000 <= t.value <= 2100 and not t.sep and mag == 1:
        kind = "year"
    start = toks[group[0]].start
    phrase_end = toks[k - 1].end if k > end_tok + 1 else toks[end_tok].end
    for idx, g in enumerate(group):
        tk = toks[g]
        vals = {_n(tk.value * mag)}
        if ambiguous_mag:
            vals.add(_n(tk.value))
        if mag != 1 and idx < len(group) - 1:
            vals.add(_n(tk.value))
        gk = kind
        if sfx.get(g) == "s" or (g > 0 and toks[g - 1].text in "'’" and _adjacent(toks[g - 1], tk) and sfx.get(g) == "s"):
            gk = "decade"
            v = int(tk.value)
            if v < 100:
                vals.update({_n(1900 + v)} | ({_n(2000 + v)} if v <= 30 else set()))
            else:
                vals.add(_n(v % 100))
        if idx > 0:
            ss = _season(toks, group[idx - 1], g)
            if ss:
                vals.update(ss)
        qend = tk.end
        if idx == len(group) - 1 and (mag != 1 or kind == "percent"):
            qend = toks[k - 1].end  # "1.5 million", "4.25%", "3 per cent"
            if toks[k - 1].text == ".":
                qend = toks[k - 2].end
        if sfx.get(g) in _EN_ORD_SFX:
            qend = toks[g + 1].end
        b.add(tk.start, qend, vals, gk, (start, phrase_end), required=True)
    return max(k, end_tok + 1)


def _en_word_value(w: str):
    if w in _EN_UNITS:
        return ("unit", _EN_UNITS[w])
    if w in _EN_TENS:
        return ("ten", _EN_TENS[w])
    if w in _EN_MAG:
        return ("mag", _EN_MAG[w])
    if w == "dozen":
        return ("unit", 12)
    return None


def _en_word(toks: list[_Tok], i: int, b: _Builder) -> int:
    n = len(toks)
    t = toks[i]
    w = _low(t)
    # month first: "July 14", "July 14-15", "July 14th, 2021"
    month, mk = _en_month_at(toks, i)
    if month and mk < n and toks[mk].kind == "num" and _en_day(toks[mk]) and _adjacent(toks[mk - 1], toks[mk]) is False:
        group = [mk]
        j = mk + 1
        if j < n and toks[j].kind == "word" and _low(toks[j]) in _EN_ORD_SFX and _adjacent(toks[j - 1], toks[j]):
            j += 1
        while j + 1 < n:
            s, nx = toks[j], toks[j + 1]
            if _en_day(nx) and ((s.kind == "punct" and s.text in _DASHES) or (s.kind == "word" and _low(s) in _EN_RANGE_WORDS)):
                group.append(j + 1)
                j += 2
                if j < n and toks[j].kind == "word" and _low(toks[j]) in _EN_ORD_SFX and _adjacent(toks[j - 1], toks[j]):
                    j += 1
            else:
                break
        phrase_end = toks[j - 1].end
        for g in group:
            b.add(toks[g].start, toks[g + 1].end if g + 1 < j and toks[g + 1].kind == "word" and _adjacent(toks[g], toks[g + 1]) else toks[g].end,
                  [("date", month, int(toks[g].value))], "date", (t.start, phrase_end), required=True)
        k = j
        if k < n and toks[k].text == ",":
            k += 1
        if k < n and toks[k].kind == "num" and len(toks[k].text) == 4 and not toks[k].sep:
            b.add(toks[k].start, toks[k].end, [_n(toks[k].value)], "year", (t.start, toks[k].end), required=True)
            return k + 1
        return j
    if w in ("noon", "midday"):
        b.add(t.start, t.end, [("time", 12, 0), _n(12)], "time", form="words")
        return i + 1
    if w == "midnight":
        b.add(t.start, t.end, [("time", 0, 0), _n(0), _n(12)], "time", form="words")
        return i + 1
    # "Q2"
    if w in _EN_ORD:
        b.add(t.start, t.end, [_n(_EN_ORD[w])], "ordinal", form="words")
        return i + 1
    # "twenty-first"
    if w in _EN_TENS and i + 2 < n and toks[i + 1].text in _DASHES and _low(toks[i + 2]) in _EN_ORD \
            and _adjacent(t, toks[i + 1]) and _adjacent(toks[i + 1], toks[i + 2]):
        b.add(t.start, toks[i + 2].end, [_n(_EN_TENS[w] + _EN_ORD[_low(toks[i + 2])])], "ordinal", form="words")
        return i + 3
    if w in _EN_MULT and w != "half":
        b.add(t.start, t.end, [_n(_EN_MULT[w])], "multiple", form="words")
        return i + 1
    if _en_word_value(w) or (w in ("a", "an", "one") and i + 1 < n and _en_word_value(_low(toks[i + 1])) and
                             _en_word_value(_low(toks[i + 1]))[0] == "mag"):
        return _en_cardinal_words(toks, i, b)
    if w == "half" and i + 2 < n and _low(toks[i + 1]) in ("a", "an") and _low(toks[i + 2]) in _EN_MAG and _low(toks[i + 2]) != "hundred":
        v = Decimal(_EN_MAG[_low(toks[i + 2])]) / 2
        b.add(t.start, toks[i + 2].end, [_n(v)], "number", form="words")
        return i + 3
    if w == "half" and i + 1 < n and _low(toks[i + 1]) in _EN_MAG and _low(toks[i + 1]) != "hundred":
        v = Decimal(_EN_MAG[_low(toks[i + 1])]) / 2  # "a half trillion dollar bill"
        b.add(t.start, toks[i + 1].end, [_n(v)], "number", form="words")
        return i + 2
    if w in _EN_HIDDEN and _EN_HIDDEN[w]:
        b.add(t.start, t.end, [_n(_EN_HIDDEN[w])], "hidden", form="words")
        return i + 1
    return i + 1


def _en_cardinal_words(toks: list[_Tok], i: int, b: _Builder) -> int:
    """A run of English number words: "twenty-five", "two hundred and five thousand", "a dozen",
    "one and a half million", "a million"."""
    n = len(toks)
    total = Decimal(0)
    cur = Decimal(0)
    j = i
    last = i
    last_role = None
    saw_number = False
    while j < n:
        tk = toks[j]
        w = _low(tk)
        if tk.kind == "word" and w in ("a", "an") and not saw_number:
            nxt = _en_word_value(_low(toks[j + 1])) if j + 1 < n else None
            if nxt and (nxt[0] == "mag" or _low(toks[j + 1]) == "dozen"):
                cur = Decimal(1)
                j += 1
                continue
            break
        if tk.kind == "punct" and tk.text in _DASHES and saw_number and last_role == "ten" and j + 1 < n \
                and _adjacent(toks[j - 1], tk) and _adjacent(tk, toks[j + 1]) and _low(toks[j + 1]) in _EN_UNITS:
            j += 1
            continue
        if tk.kind == "word" and w == "and" and saw_number and j + 1 < n:
            nw = _low(toks[j + 1])
            nv = _en_word_value(nw)
            # "one and a half (million)"
            if nw in ("a", "an") and j + 2 < n and _low(toks[j + 2]) == "half":
                cur += Decimal("0.5")
                j += 3
                last = j - 1
                continue
            if nv and nv[0] in ("unit", "ten") and last_role == "mag":
                j += 1
                continue
            break
        rv = _en_word_value(w) if tk.kind == "word" else None
        if not rv:
            break
        role, v = rv
        if role in ("unit", "ten"):
            if last_role in ("unit",) or (last_role == "ten" and role == "ten"):
                break
            if w == "dozen":
                cur = (cur if cur else 1) * 12
            else:
                cur += v
        else:  # magnitude
            if v == 100:
                cur = (cur if cur else 1) * 100
            else:
                total += (cur if cur else 1) * v
                cur = Decimal(0)
        saw_number = True
        last_role = "unit" if role == "unit" and w != "dozen" else role
        last = j
        j += 1
    if not saw_number:
        return i + 1
    total += cur
    start, end = toks[i].start, toks[last].end
    first = _low(toks[i])
    # "thousands", "several thousand", "hundreds": vague
    prev = _low(toks[i - 1]) if i > 0 and toks[i - 1].kind == "word" else ""
    if first in _EN_MAG and prev in _EN_VAGUE_BEFORE:
        return last + 1
    k = last + 1
    # "a million and a half"
    if k + 2 < n and _low(toks[k]) == "and" and _low(toks[k + 1]) in ("a", "an") and _low(toks[k + 2]) == "half" \
            and last_role == "mag":
        mag = _EN_MAG.get(_low(toks[last]), 1)
        total += Decimal(mag) / 2
        end = toks[k + 2].end
        k += 3
    kind = "number"
    if k < n and toks[k].text == "%":
        kind, end, k = "percent", toks[k].end, k + 1
    elif k < n and _low(toks[k]) in ("percent", "pct"):
        kind, end, k = "percent", toks[k].end, k + 1
    elif k + 1 < n and _low(toks[k]) == "per" and _low(toks[k + 1]) == "cent":
        kind, end, k = "percent", toks[k + 1].end, k + 2
    # "one" of "one of", "no one": a word, kept weak
    b.add(start, end, [_n(total)], kind, form="words")
    return k


# ================================================================ comparison

def _relpos(q: Quantity, length: int) -> float:
    return q.start / max(length, 1)


def _compatible(s: Quantity, t: Quantity) -> bool:
    """Whether target quantity ``t`` may be what source quantity ``s`` became."""
    if t.kind == "code" or s.kind == "code":
        return False
    if s.kind in ("date", "time") or t.kind in ("date", "time"):
        return s.kind == t.kind
    if s.kind not in NUMERIC_KINDS or t.kind not in NUMERIC_KINDS:
        return False
    # what a translation need not carry ("один", ordinal words, multiplicatives) changes only
    # from an ordinal word into another ("третий" → "fourth")
    if not s.required:
        return s.kind == t.kind == "ordinal" and s.form == t.form == "words"
    if _is_one(t):
        return False
    return True


def _is_one(q: Quantity) -> bool:
    return q.form == "words" and q.values <= {("n", 1), ("n", 0)}


def _matchable(s: Quantity, t: Quantity) -> bool:
    """Whether ``t`` can stand for ``s``: a shared value, and not a cardinal word for an ordinal word
    ("два" is not "second"; "пятый канал" is "Channel 5")."""
    if not s.values & t.values:
        return False
    if s.form == "words" and t.form == "words" and {s.kind, t.kind} == {"number", "ordinal"}:
        return False
    return True


def _copied_dates(T: list, src: str) -> list:
    """English dates that the source carries verbatim ("Windows 10 May 2020 Update" copied into the
    Russian) are read as the numbers they are there."""
    out = []
    for t in T:
        if t.kind == "date" and t.phrase and t.phrase in src:
            day = {v[2] for v in t.values if v[0] == "date"}
            t = Quantity(t.start, t.end, t.text, t.values | {("n", d) for d in day}, "number", t.phrase, t.required, t.form)
        out.append(t)
    return out


@dataclass
class Alignment:
    """The pairing :func:`align_quantities` made: ``pairs`` (source index, target index) matched on a
    shared value, and the issues left over."""

    source: list
    target: list
    pairs: list = field(default_factory=list)
    issues: list = field(default_factory=list)


def align_quantities(src: str, tgt: str) -> Alignment:
    """Read both sides, match quantities on shared values and list the issues (see :func:`compare`)."""
    S = quantities_ru(src)
    T = quantities_en(tgt)
    ls, lt = len(src), len(tgt)

    def pref(si, tj):
        s, t = S[si], T[tj]
        return (t.kind == "code", s.kind != t.kind, abs(_relpos(s, ls) - _relpos(t, lt)))

    T = _copied_dates(T, src)
    adj = {si: sorted((tj for tj in range(len(T)) if _matchable(S[si], T[tj])), key=lambda tj: pref(si, tj))
           for si in range(len(S))}
    match_t: dict[int, int] = {}

    def assign(si, seen):
        for tj in adj[si]:
            if tj in seen:
                continue
            seen.add(tj)
            if tj not in match_t or assign(match_t[tj], seen):
                match_t[tj] = si
                return True
        return False

    # required quantities first, then the rest
    for si in sorted(range(len(S)), key=lambda x: (not S[x].required, x)):
        assign(si, set())
    # then what is left may take what is left on any shared value ("два года подряд" ↔ "second
    # year in a row")
    matched = set(match_t.values())
    for si in range(len(S)):
        if si not in matched:
            for tj in range(len(T)):
                if tj not in match_t and S[si].values & T[tj].values:
                    match_t[tj] = si
                    break
    matched_s = {si: tj for tj, si in match_t.items()}
    free_t = [tj for tj in range(len(T)) if tj not in match_t and T[tj].kind != "code"]
    al = Alignment(S, T, sorted(matched_s.items()))
    # digits the translation carries outside any quantity read (an unusual format)
    blanked = list(tgt)
    for t in T:
        blanked[t.start:t.end] = " " * (t.end - t.start)
    tgt_digits = set(re.findall(r"\d+", "".join(blanked).replace(",", "")))

    for si, s in enumerate(S):
        if si in matched_s or s.kind == "code":
            continue
        cands = [tj for tj in free_t if _compatible(s, T[tj])]
        if cands:
            cands.sort(key=lambda tj: (T[tj].kind != s.kind, abs(_relpos(s, ls) - _relpos(T[tj], lt))))
            tj = cands[0]
            free_t.remove(tj)
            t = T[tj]
            al.issues.append(NumberIssue(s, t, "changed", _message(s, t)))
            continue
        if not s.required:
            continue
        if s.form == "digits" and re.sub(r"\D", "", s.text) in tgt_digits:
            continue
        al.issues.append(NumberIssue(s, None, "missing", _message(s, None)))
    return al


def compare(src: str, tgt: str) -> list[NumberIssue]:
    """The numbers a translation ``tgt`` dropped or changed from its Russian source ``src`` (one
    aligned sentence pair, or a few sentences each side)."""
    return align_quantities(src, tgt).issues


def _message(s: Quantity, t: "Quantity | None") -> str:
    said = s.text if s.phrase in ("", s.text) else f"{s.text} ({s.phrase})"
    if t is None:
        return f"the source says {said}; the translation has no such {_noun(s.kind)}"
    return f"the source says {said}; the translation says {t.phrase if t.kind == 'date' and t.phrase else t.text}"


def _noun(kind: str) -> str:
    return {"date": "date", "time": "time", "percent": "percentage", "year": "year"}.get(kind, "number")
