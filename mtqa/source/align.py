"""A monotonic sentence alignment of a source text (Russian, Ukrainian) and its English translation.

:func:`align` returns a list of :class:`Bead`: consecutive groups of source and target sentences
that translate each other, in order, covering every sentence of both sides exactly once.  A bead
is 1-1, 1-0 (a source sentence with no translation), 0-1 (a target sentence with no source),
2-1 / 1-2 (a sentence split or merged), 2-2, or 3-1 / 1-3.

The cost of a bead is a length cost plus a prior on its shape, less a bonus for the anchors the
two sides share, plus a penalty for joining sentences across a line break:

* **length** (Gale & Church 1993, on two measures): with ``ls``, ``lt`` the lengths in code
  points and ``ws``, ``wt`` the word counts of the two sides,
  ``zc = (lt - C*ls) / sqrt(S2 * (ls + lt/C) / 2)`` and ``zw`` likewise with ``CW``, ``S2W``;
  the two are correlated (``RHO``), and the cost is ``-log`` of the chance of a pair at least as
  far out, ``(zc² - 2·RHO·zc·zw + zw²) / (2 (1 - RHO²))``.  The constants were measured on the
  human references (see their comment);
* **shape**: ``-log`` of the shape's prior probability (:data:`PRIORS`); a 1-0 or 0-1 bead has
  no length cost, only its prior;
* **anchors**: each distinct source anchor found among the bead's target sentences lowers the
  cost by its weight (:data:`WEIGHTS`, divided by the number of source sentences that share the
  anchor): a number (a run of digits, so "1,5" meets "1.5" and "15 000" meets "15,000"; number
  words and ordinals, "сорок" ~ "forty" ~ "40"), a month or weekday, a name (a capitalised
  Cyrillic word, romanized, meets an English word when the first four letters of their consonant
  keys, :func:`mtqa.gazetteer.keys.consonant_key` of the skeleton, agree: "Хабаровского" ~
  "Khabarovsk", "Дегтярев" ~ "Degtyarev"; a Latin word of the source meets itself), a word (a
  cognate by the same key, "интервью" ~ "interview", or an entry of a small hand-written lexicon
  of news words, "водитель" ~ "driver"), and the marks ? ! ( and quotation marks;
* **line breaks**: :data:`W_BREAK` for each line break inside a bead's source or target, when
  both sides are laid out in lines alike (a translation keeps its paragraphs).

The dynamic programme fills the whole table for small documents and a band around the length
diagonal for large ones (a 100-sentence document aligns in about 25 ms).  Ties are broken by a
fixed order of the bead shapes: the result is deterministic.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from mtqa.document import Span

#: the length model, measured on the WMT21 ru-en human references A and B against their source
#: (``benchmarks/bench_source_align.py``'s data), ``development`` documents only, one line = one
#: pair (984 pairs): C = sum(lt) / sum(ls) = 1.0646 English code points per Russian one;
#: S2 = mean of (lt - C*ls)² / ((ls + lt/C) / 2) = 2.33 (the median-absolute-deviation estimate,
#: 2.34, agrees: the residuals are close to normal); for words (``\w+`` runs) CW = 1.278 and
#: S2W = 0.571; the correlation of the two residuals zc, zw is RHO = 0.74.
C = 1.0646
S2 = 2.33
CW = 1.2778
S2W = 0.571
RHO = 0.74
#: the word counts' evidence beyond the characters' is capped at this many standard deviations:
#: a short sentence's word count swings far ("предлагается" / "it was suggested that"), and
#: the normal tail would make one such pair outweigh everything else
R_WORDS = 2.5
_WRE = re.compile(r"\w+")

#: prior probability of each bead shape (source count, target count).  Chosen on the development
#: documents of the benchmark in its two layouts (one sentence per line; lines joined into one
#: paragraph, where razdel and mtqa's segmenter split differently): with 1-0 / 0-1 at 0.05 the
#: human references still get no 1-0 bead with content, and a deleted sentence is found more
#: often than at 0.005 (the usual Gale–Church value); rarer 2-2 and 3-1 shapes keep a deletion
#: from hiding in a merge.
PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.85,
    (1, 0): 0.05,
    (0, 1): 0.05,
    (2, 1): 0.02,
    (1, 2): 0.02,
    (2, 2): 0.005,
    (3, 1): 0.003,
    (1, 3): 0.003,
}
#: the bonus (cost units, nats) of one source anchor found in the bead's target, by kind; an
#: anchor that ``df`` source sentences of the document share weighs ``W / df`` (a date or a
#: name repeated all through a story says little about any one sentence).  Scaled together on
#: the development documents (x1.5 of 1.5 / 1.0 / 0.6 / 0.8 / 0.5 found more deletions, x2 no more).
WEIGHTS = {"number": 2.25, "name": 1.5, "word": 0.9, "date": 1.2, "mark": 0.75}
#: the cost of each line break inside a bead (on either side) when both sides are laid out in
#: lines alike (their line counts within a factor of two): a translation keeps its paragraphs,
#: so a merge across one is far less likely than within one.  3 → 8 raised the development
#: recall of a half-deleted line from 0.68 to 0.74 at no cost elsewhere (the references keep
#: every line); the price: a translation that merges two source lines reads as a dropped one
W_BREAK = 8.0

#: the whole table is filled up to this many cells; above it, a band around the diagonal
FULL_TABLE_CELLS = 2500
#: the band's half-width in target sentences (at least; a tenth of a longer document).  On 20
#: windows of 100 development lines with up to three lines deleted, a half-width of 6, 8 or 12
#: gave the same alignment as the whole table.
BAND = 8


@dataclass(frozen=True)
class Bead:
    src: tuple[int, ...]  # indices into the source sentence list (may be empty)
    tgt: tuple[int, ...]  # indices into the target sentence list (may be empty)
    cost: float


# ------------------------------------------------------------------ anchors

_NUM_RE = re.compile(r"\d+")
_CYR_WORD_RE = re.compile(r"[а-яёїієґА-ЯЁЇІЄҐ]+(?:[-'’][а-яёїієґА-ЯЁЇІЄҐ]+)*")
_LAT_WORD_RE = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*")
_QUOTES = frozenset("\"«»„“”")
MARKS = {"?": "?", "!": "!", "(": "(", **{q: '"' for q in _QUOTES}}
_MARK_RE = re.compile("[" + re.escape("".join(MARKS)) + "]")

# a cheap romanization (BGN/PCGN-like): the skeleton key merges what the schemes disagree on
_CYR_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "'": "", "’": ""})

#: frequent Russian and Ukrainian words of five letters or more that are no cognate of anything
#: (their keys would only meet English words by chance)
_STOP = frozenset("""
который которая которое которые которого которой которому котором которым которую которых которыми
также тоже после более менее чтобы этого этому этой этом этими этих может могут можно нужно будет
будут очень всего всех всему через перед между только когда своей своих свою свой своего своему
своим своими сейчас теперь однако потому поэтому почти здесь вместе против около сегодня вчера
завтра тогда всегда никогда иногда раньше позже снова опять именно например кроме вообще который
были было была стали стало стала является являются говорит сказал сказала заявил заявила
отметил отметила сообщил сообщила сообщили сообщает рассказал рассказала добавил добавила
также ранее потом затем однако которий також після більше менше щоб цього цієї може можна
потрібно буде дуже через перед тільки коли своєї своїх зараз тепер однак тому майже разом проти
""".split())

_RU_NUMBER_WORDS = {
    **dict.fromkeys("один одна одно одного одной одному одним одну".split(), "1"),
    **dict.fromkeys("два две двух двум двумя".split(), "2"),
    **dict.fromkeys("три трех трёх трем трём тремя".split(), "3"),
    **dict.fromkeys("четыре четырех четырёх четырем четырём четырьмя".split(), "4"),
    **dict.fromkeys("пять пяти пятью".split(), "5"),
    **dict.fromkeys("шесть шести шестью".split(), "6"),
    **dict.fromkeys("семь семи".split(), "7"),
    **dict.fromkeys("восемь восьми восемью".split(), "8"),
    **dict.fromkeys("девять девяти девятью".split(), "9"),
    **dict.fromkeys("десять десяти десятью".split(), "10"),
    **dict.fromkeys("двадцать двадцати".split(), "20"),
    **dict.fromkeys("тридцать тридцати".split(), "30"),
    **dict.fromkeys("сорок сорока".split(), "40"),
    **dict.fromkeys("пятьдесят пятидесяти".split(), "50"),
    **dict.fromkeys("сто ста".split(), "100"),
    **dict.fromkeys("тысяча тысячи тысяч тысячу тысячей тысячам тысячами тыс".split(), "k"),
    **dict.fromkeys("миллион миллиона миллионов миллиону миллионом миллионами млн".split(), "M"),
    **dict.fromkeys("миллиард миллиарда миллиардов миллиарду миллиардом миллиардами млрд".split(), "B"),
    **dict.fromkeys("триллион триллиона триллионов трлн".split(), "T"),
}
_RU_ORDINAL_RE = re.compile(
    r"^(перв|втор|трет|четверт|четвёрт|пят|шест|седьм|восьм|девят|десят)"
    r"(?:ый|ой|ий|ая|ое|ого|ому|ом|ым|ую|ые|ых|ыми|ья|ье|ьего|ьей|ьем|ьим|ью|ьи|ьих)$")
_RU_ORDINALS = {"перв": "1", "втор": "2", "трет": "3", "четверт": "4", "четвёрт": "4", "пят": "5", "шест": "6",
                "седьм": "7", "восьм": "8", "девят": "9", "десят": "10"}
_EN_NUMBER_WORDS = {
    **dict.fromkeys(("one", "first"), "1"), **dict.fromkeys(("two", "second"), "2"),
    **dict.fromkeys(("three", "third"), "3"), **dict.fromkeys(("four", "fourth"), "4"),
    **dict.fromkeys(("five", "fifth"), "5"), **dict.fromkeys(("six", "sixth"), "6"),
    **dict.fromkeys(("seven", "seventh"), "7"), **dict.fromkeys(("eight", "eighth"), "8"),
    **dict.fromkeys(("nine", "ninth"), "9"), **dict.fromkeys(("ten", "tenth"), "10"),
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    **dict.fromkeys(("thousand", "thousands"), "k"), **dict.fromkeys(("million", "millions", "mln"), "M"),
    **dict.fromkeys(("billion", "billions", "bln", "bn"), "B"), **dict.fromkeys(("trillion", "trillions"), "T"),
}
_RU_MONTH_RE = re.compile(
    r"^(?:(январ|феврал|апрел|июн|июл|сентябр|октябр|ноябр|декабр)(?:ь|я|ю|е|ем|ьск\w*|ск\w*)"
    r"|(март|август)(?:|а|у|е|ом|овск\w*)|(ма)(?:й|я|ю|е|ем))$")
_RU_MONTHS = {"январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
              "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12}
_RU_WEEKDAY_RE = re.compile(r"^(понедельник|вторник|четверг|пятниц|суббот|воскресень)\w*$")
_RU_WEEKDAYS = {"понедельник": 1, "вторник": 2, "четверг": 4, "пятниц": 5, "суббот": 6, "воскресень": 7}
_EN_DATES = {
    **{m: f"@m{i}" for i, m in enumerate(("January February March April May June July August September "
                                          "October November December").split(), 1)},
    **{d: f"@d{i}" for i, d in enumerate("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split(), 1)},
}


#: a small Russian → English lexicon of common news words, for anchors where no name or number
#: helps ("водитель" ~ "driver").  Each line: Russian stems (a word matches the longest stem it
#: starts with; ``=form`` matches that form only), then English stems after ":" (an English
#: word matches a stem it starts with).  Written by hand from general news vocabulary, not from
#: any evaluation text; a wrong or missing entry only weakens a soft bonus.
_LEXICON = """
заяв заяви: said say stat announc declar
сообщ: report said inform announc
рассказ: told said describ
отмет отметил: noted said
добав: added add
подчеркн: stress emphas
правительств кабмин: government cabinet
власт: authorit power
министерств: ministr
министр: minist
глав: head chief leader
губернатор: governor
мэр: mayor
депутат: deputy deputies lawmaker legislat
выбор: election vote
парти: party parties
суд: court trial judge
закон законопроект: law bill legislat
полиц полицейск: police officer
задерж: detain arrest
арест: arrest
преступ: crime criminal
уголовн: criminal
погиб гибел: died kill dead death
умер скончал: died dead death
смерт: death dead fatal
пострада: injur hurt victim
ранен: wound injur
госпитализ: hospital
больниц: hospital
роддом: maternity hospital
врач: doctor physician
медик медицин: medic doctor
здоров: health
болезн: disease illness
заболе: disease ill case infect
зараж зараз инфицир: infect case
коронавирус: coronavirus covid
вирус: virus
пандем: pandemic
вакцин: vaccin
человек: people person
люд: people
жител: resident inhabitant people
=дети =детей =детям =детьми детск: child kid
ребен ребён младен новорожден: child baby infant newborn
женщин: woman women
мужчин: man men
=семья =семьи =семье =семей: family
=отец =отца отцу: father
мать матер: mother
=сын =сына =сыну сыновь: son
дочь дочер: daughter
город: city town
столиц: capital
стран: country countries nation
облас: region oblast area province
район: district area
=край =края =краю =краем: krai region territor
улиц: street
дорог: road highway
=дом =дома =дому =домом =домов здани: house home building
мост: bridge
самол: plane aircraft airplane jet
рейс: flight
аэропорт: airport
поезд: train
автобус: bus
автомоб: car vehicle automobile
машин: car vehicle machine
водител: driver
пассажир: passenger
корабл: ship vessel warship
судн: vessel ship
флот: fleet navy naval
лодк: boat submarine
авари: accident crash
дтп: accident crash collision
катастроф: crash disaster catastroph
пожар: fire blaze
огон огн: fire
взрыв: explo blast
спасател: rescue
войн: war
воен: militar army troop soldier war
арми: army
солдат: soldier
оруж: weapon arm gun
ракет: missile rocket
удар: strike attack blow hit
напад: attack assault
атак: attack
безопасн: secur safe
переговор: talk negotiat
встреч: meet
визит: visit
соглашен: agreement deal accord
договор: treaty agreement contract deal
санкц: sanction
экономи: econom
бюджет: budget
деньг денеж: money fund cash
рубл: ruble rouble
доллар: dollar
=евро: euro
=цена =цены =цену =ценой =цен стоимост: price cost value
рост: growth rise increas grow
сниж: decreas declin reduc fall lower
увелич: increas grow rais
компан: compan firm
предприят: enterprise company plant business
завод: plant factory
бизнес: business
работ: work job employ operat
сотрудник: employee staff officer worker
специалист эксперт: specialist expert
учен: scien research
исследов: research study survey
школ: school
студент: student
университет вуз: universit college
образован: educat
погод: weather
дожд: rain
гроз: storm thunder
ветер ветр: wind
снег: snow
жар: heat hot
температур: temperatur
градус: degree
=вода =воды =воду =водой =воде: water
водохранилищ: reservoir
=река =реки =реке =реку =рекой: river
=море =моря =морю =морем морск: sea marine naval maritime
=лес =леса =лесу лесн: forest wood
земл: land earth ground
матч: match game
игрок: player
=игра =игры =игре =игру игров: game play
команд: team command
тренер: coach manager
клуб: club
сезон: season
чемпионат: championship league
турнир: tournament
побед: win victor won beat
поражен: defeat loss lost
=гол =гола =голы =голов: goal
очк: point
фильм: film movie
кино: film cinema movie
песн: song
музык: music
певиц певец: singer
актер актёр: actor
зрител: viewer audience spectator
книг: book
музе: museum
выставк экспозиц: exhibit
праздн: holiday celebrat festiv
=день =дня =дни =днем =днём =дней: day
=год =года =году =годом =годы =годах =лет: year
месяц: month
недел: week
=час =часа =часов =часу: hour o'clock
минут: minute
=утро =утра =утром: morning
вечер: evening night
=ночь =ночью =ночи: night overnight
сегодн: today
вчера: yesterday
завтра: tomorrow
интернет онлайн: internet online
=сеть =сети: network online internet web
сайт: site website
видео: video footage
фото: photo picture image
соцсет: social
телеканал: channel tv television
газет: newspaper paper
издан: publication outlet newspaper
журналист: journalist reporter
интервью: interview
решен реши: decision decid
предлож: propos suggest offer
помощ помог: help aid assist
поддерж: support back
проблем: problem issue
ситуац: situation
=случай =случае =случая =случаи =случаев: case incident
инцидент происшеств: incident accident
причин: cause reason
результат: result outcome
новост: news
росси рф: russia
американ сша: america united u.s us
китай кнр: china chinese
украин: ukrain
европ: europe
москв московск: moscow
британ: britain british
франц: france french
германи немецк: germany german
япон: japan
мчс: emergenc
мвд: interior police
мид: foreign
оон: united nations
нато: nato
"""


def _lexicon() -> "tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], frozenset[str]]":
    stems: dict[str, set[str]] = {}
    exact: dict[str, set[str]] = {}
    en: set[str] = set()
    for line in _LEXICON.strip().splitlines():
        ru, _, eng = line.partition(":")
        keys = {"=" + e for e in eng.split()}
        en.update(eng.split())
        for r in ru.split():
            if r.startswith("="):
                exact.setdefault(r[1:], set()).update(keys)
            else:
                stems.setdefault(r, set()).update(keys)
    return ({k: frozenset(v) for k, v in stems.items()}, {k: frozenset(v) for k, v in exact.items()},
            frozenset(en))


_LEX_STEMS, _LEX_EXACT, _LEX_EN = _lexicon()
_LEX_MAX = max(map(len, _LEX_STEMS))


@lru_cache(maxsize=200_000)
def lexicon_keys(low: str) -> frozenset[str]:
    """The lexicon's English keys for a lower-case Russian word (empty when it has none)."""
    if low in _LEX_EXACT:
        return _LEX_EXACT[low]
    for n in range(min(len(low), _LEX_MAX), 2, -1):
        ks = _LEX_STEMS.get(low[:n])
        if ks is not None:
            return ks
    return frozenset()


@lru_cache(maxsize=200_000)
def english_lexicon_keys(low: str) -> frozenset[str]:
    """The lexicon keys an English (lower-case) word offers: every stem it starts with."""
    return frozenset("=" + low[:n] for n in range(2, len(low) + 1) if low[:n] in _LEX_EN)


@lru_cache(maxsize=100_000)
def latin_key(word: str) -> str:
    """The loose key of a Latin-script word: the first four letters of its consonant key
    (:func:`mtqa.gazetteer.keys.consonant_key` of its skeleton), '' when that key is shorter than
    three letters (The, In, US)."""
    from mtqa.gazetteer.keys import consonant_key, skeleton

    k = consonant_key(skeleton(word)).replace(" ", "")
    return k[:4] if len(k) >= 3 else ""


@lru_cache(maxsize=100_000)
def name_keys(word: str, lang: str = "ru") -> frozenset[str]:
    """The loose keys of a capitalised Cyrillic word: its romanization (BGN/PCGN-like; for
    Ukrainian also the national KMU 2010 system, :func:`mtqa.gazetteer.translit.kmu_2010`) reduced
    to the skeleton's consonant key.  The schemes of :func:`mtqa.gazetteer.translit.romanizations`
    differ only in what the skeleton merges (kh/h/x, ts/c, y/i/j, ye/e): on the development
    documents they found the same names, at ten times the cost of a cold start."""
    keys = {latin_key(word.lower().translate(_CYR_LATIN))}
    if lang == "uk":
        from mtqa.gazetteer.translit import kmu_2010

        keys.add(latin_key(kmu_2010(word)))
    keys.discard("")
    return frozenset(keys)


@lru_cache(maxsize=200_000)
def _source_word(word: str, lang: str) -> "tuple[str, frozenset[str]] | None":
    low = word.lower()
    if low in _RU_NUMBER_WORDS:
        return "number", frozenset({"#" + _RU_NUMBER_WORDS[low]})
    m = _RU_ORDINAL_RE.match(low)
    if m:
        return "number", frozenset({"#" + _RU_ORDINALS[m.group(1)]})
    m = _RU_MONTH_RE.match(low)
    if m:
        return "date", frozenset({f"@m{_RU_MONTHS[next(g for g in m.groups() if g)]}"})
    m = _RU_WEEKDAY_RE.match(low)
    if m:
        return "date", frozenset({f"@d{_RU_WEEKDAYS[m.group(1)]}"})
    lex = lexicon_keys(low)
    if word[0].isupper():
        ks = name_keys(word, lang) | lex
        return ("name", ks) if ks else None
    if lex:
        return "word", lex
    if len(low) < 5 or low in _STOP:
        return None
    k = latin_key(low.translate(_CYR_LATIN))
    return ("word", frozenset({k})) if k else None


def numbers(s: str) -> set[str]:
    """Digit runs, leading zeros dropped ("07" = "7")."""
    return {m.group(0).lstrip("0") or "0" for m in _NUM_RE.finditer(s)}


def source_anchors(s: str, lang: str = "ru") -> list[tuple[str, frozenset[str]]]:
    """The anchors of a source sentence, each once: (kind, keys) with kind ``number`` (digits and
    number words), ``date`` (months, weekdays), ``name`` (a capitalised word), ``word`` (a
    possible cognate: a longer word, romanized) or ``mark`` (? ! ( and quotes); an anchor is found
    in a target sentence whose keys (:func:`target_keys`) meet ``keys``."""
    out: dict[tuple[str, frozenset[str]], None] = {}
    for n in sorted(numbers(s)):
        out[("number", frozenset({"#" + n}))] = None
    for m in _CYR_WORD_RE.finditer(s):
        a = _source_word(m.group(0), lang)
        if a is not None:
            out[a] = None
    for m in _LAT_WORD_RE.finditer(s):  # Latin words in the source: Instagram, Land Cruiser, ERR
        k = latin_key(m.group(0))
        if k:
            out[("name", frozenset({k}))] = None
    for c in sorted({MARKS[c] for c in _MARK_RE.findall(s)}):
        out[("mark", frozenset({c}))] = None
    return list(out)


@lru_cache(maxsize=200_000)
def _target_word(word: str) -> frozenset[str]:
    if word in _EN_DATES:
        return frozenset({_EN_DATES[word]})
    low = word.lower()
    if low in _EN_NUMBER_WORDS:
        return frozenset({"#" + _EN_NUMBER_WORDS[low]})
    out = set(english_lexicon_keys(low))
    if word[0].isupper() or len(word) >= 5:
        k = latin_key(word)
        if k:
            out.add(k)
    return frozenset(out)


def target_keys(s: str) -> set[str]:
    """The keys a target sentence offers to the source anchors."""
    out = {"#" + n for n in numbers(s)}
    for m in _LAT_WORD_RE.finditer(s):
        out.update(_target_word(m.group(0)))
    out.update(MARKS[c] for c in _MARK_RE.findall(s))
    return out


def _prefix(xs) -> list:
    out = [0]
    for x in xs:
        out.append(out[-1] + x)
    return out


def _breaks(text: str, spans: list[Span]) -> list[int]:
    """1 for each sentence with a newline between it and the sentence before, else 0."""
    return [0] + [int("\n" in text[a[1]:b[0]]) for a, b in zip(spans, spans[1:])] if spans else []


class Pair:
    """Both sides' sentences, their lengths, and the anchors each source sentence finds in each
    target sentence, shared by :func:`align` and :mod:`mtqa.source.omissions`.

    Each distinct anchor of the document is one bit; ``found[i][j]`` is the mask of source
    sentence *i*'s anchors that target sentence *j* holds.  An anchor that two source sentences of
    one bead share counts once."""

    def __init__(self, src_text: str, src_spans: list[Span], tgt_text: str, tgt_spans: list[Span],
                 lang: str = "ru"):
        self.src = [src_text[a:b] for a, b in src_spans]
        self.tgt = [tgt_text[a:b] for a, b in tgt_spans]
        self.ls = [len(s) for s in self.src]
        self.lt = [len(t) for t in self.tgt]
        self.anchors = [source_anchors(s, lang) for s in self.src]
        self.tkeys = [target_keys(t) for t in self.tgt]
        index: dict[str, list[int]] = {}
        for j, ks in enumerate(self.tkeys):
            for k in ks:
                index.setdefault(k, []).append(j)
        ids: dict[tuple[str, frozenset[str]], int] = {}
        df: list[int] = []
        kinds: list[str] = []
        self.masks: list[int] = []  # per source sentence: its anchors
        self.found: list[dict[int, int]] = []
        for anchors in self.anchors:
            mask = 0
            found: dict[int, int] = {}
            for a in anchors:
                b = ids.get(a)
                if b is None:
                    b = ids[a] = len(df)
                    df.append(0)
                    kinds.append(a[0])
                df[b] += 1
                bit = 1 << b
                mask |= bit
                keys = a[1]
                if len(keys) == 1:
                    hit = index.get(next(iter(keys)), ())
                else:
                    hit = {j for k in keys for j in index.get(k, ())}
                for j in hit:
                    found[j] = found.get(j, 0) | bit
            self.masks.append(mask)
            self.found.append(found)
        self.weights = [WEIGHTS[k] / d for k, d in zip(kinds, df)]
        self._bonus: dict[int, float] = {}
        # prefix sums: lengths, line breaks before each sentence (a newline between it and the
        # one before), the most bonus each source sentence can bring
        self.cs, self.ct = _prefix(self.ls), _prefix(self.lt)
        self.cws = _prefix([len(_WRE.findall(x)) for x in self.src])
        self.cwt = _prefix([len(_WRE.findall(x)) for x in self.tgt])
        bs, bt = _breaks(src_text, src_spans), _breaks(tgt_text, tgt_spans)
        ls_, lt_ = sum(bs) + 1, sum(bt) + 1
        if min(ls_, lt_) < 2 or min(ls_, lt_) / max(ls_, lt_) < 0.5:
            # the two sides are not laid out alike (one paragraph against one sentence a line):
            # their line breaks say nothing about each other
            bs, bt = [0] * len(bs), [0] * len(bt)
        self.qs, self.qt = _prefix(bs), _prefix(bt)
        anywhere = []
        for f in self.found:
            m = 0
            for x in f.values():
                m |= x
            anywhere.append(m)
        self.wcum = _prefix([self.bonus(m) for m in anywhere])  # anchors found in some target

    def found_mask(self, src: "range | tuple[int, ...]", tgt: "range | tuple[int, ...]") -> int:
        """The anchors of the source sentences ``src`` found in the target sentences ``tgt``."""
        mask = 0
        for i in src:
            f = self.found[i]
            if f:
                for j in tgt:
                    mask |= f.get(j, 0)
        return mask

    def bonus(self, mask: int) -> float:
        """The summed weight of the anchors in ``mask``."""
        b = self._bonus.get(mask)
        if b is None:
            b = 0.0
            w = self.weights
            m = mask
            while m:
                low = m & -m
                b += w[low.bit_length() - 1]
                m ^= low
            self._bonus[mask] = b
        return b


# ------------------------------------------------------------------ the programme

_SHAPES = ((1, 1), (2, 1), (1, 2), (1, 0), (0, 1), (2, 2), (3, 1), (1, 3))
def length_z(ls: float, lt: float, c: float = C, s2: float = S2) -> float:
    """How many standard deviations a target of length ``lt`` lies from the length expected for a
    source of length ``ls`` (negative: shorter)."""
    if ls + lt <= 0:
        return 0.0
    return (lt - c * ls) / math.sqrt(s2 * (ls + lt / c) / 2)


def length_cost(ls: int, lt: int, ws: int, wt: int) -> float:
    """The length cost of a bead: source and target lengths in code points and in words."""
    zc, zw = length_z(ls, lt), length_z(ws, wt, CW, S2W)
    r = (zw - RHO * zc) / math.sqrt(1 - RHO * RHO)  # what the word count adds to the characters
    return 0.5 * (zc * zc + min(r * r, R_WORDS * R_WORDS))


_PRIOR_COST = {shape: -math.log(p) for shape, p in PRIORS.items()}
# the shapes in a fixed order (the tie-break: the first one wins), with their prior cost
_SHAPE_COSTS = tuple((di, dj, _PRIOR_COST[(di, dj)]) for di, dj in _SHAPES)


def _band(pair: Pair) -> "list[tuple[int, int]]":
    """For each source position i (0..n), the range of target positions j the table fills: all
    of them for a small document or one whose sides' lengths disagree (a translation that stops
    halfway leaves the length diagonal), else a band around the length diagonal."""
    n, m = len(pair.ls), len(pair.lt)
    cs, ct = pair.cs, pair.ct
    total_s, total_t = cs[-1] or 1, ct[-1] or 1
    if (n + 1) * (m + 1) <= FULL_TABLE_CELLS or not 0.8 <= total_t / (C * total_s) <= 1.25:
        return [(0, m)] * (n + 1)
    width = max(BAND, max(n, m) // 10)
    out = []
    j = 0
    for i in range(n + 1):  # the centre: where the target has covered the same share of its length
        want = cs[i] / total_s * total_t
        while j < m and ct[j + 1] <= want:
            j += 1
        out.append((max(0, j - width), min(m, j + width)))
    out[n] = (out[n][0], m)
    return out


def _run(pair: Pair, band: "list[tuple[int, int]]") -> "list[Bead] | None":
    n, m = len(pair.ls), len(pair.lt)
    inf = math.inf
    cs, ct, cws, cwt, qs, qt = pair.cs, pair.ct, pair.cws, pair.cwt, pair.qs, pair.qt
    found, bonus, wcum = pair.found, pair.bonus, pair.wcum
    sqrt = math.sqrt
    shapes = tuple((k, di, dj, pc) for k, (di, dj, pc) in enumerate(_SHAPE_COSTS))
    half_s2, half_s2w, inv_sd = S2 / 2, S2W / 2, 1 / math.sqrt(1 - RHO * RHO)
    tot = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    bcost = [[0.0] * (m + 1) for _ in range(n + 1)]
    tot[0][0] = 0.0
    for i in range(n + 1):
        lo, hi = band[i]
        rows = [tot[i - d] if i >= d else None for d in range(4)]
        trow, brow, crow = rows[0], back[i], bcost[i]
        for j in range(lo, hi + 1):
            best = trow[j]
            best_k = -1
            best_c = 0.0
            for k, di, dj, pc in shapes:
                if di > i or dj > j:
                    continue
                total = rows[di][j - dj] + pc
                if not (di and dj):  # 1-0, 0-1: the prior alone
                    if total < best:
                        best, best_k, best_c = total, k, pc
                    continue
                # every term added below is >= 0 but the bonus, which is at most the weight of the
                # source sentences' anchors found anywhere: skip a bead that cannot win
                if total - (wcum[i] - wcum[i - di]) >= best:
                    continue
                pi, pj = i - di, j - dj
                ls = cs[i] - cs[pi]
                lt = ct[j] - ct[pj]
                ws = cws[i] - cws[pi]
                wt = cwt[j] - cwt[pj]
                zc = (lt - C * ls) / sqrt(half_s2 * (ls + lt / C)) if ls + lt else 0.0
                zw = (wt - CW * ws) / sqrt(half_s2w * (ws + wt / CW)) if ws + wt else 0.0
                r = (zw - RHO * zc) * inv_sd
                c = pc + 0.5 * (zc * zc + (r * r if -R_WORDS < r < R_WORDS else R_WORDS * R_WORDS))
                if di > 1:
                    c += W_BREAK * (qs[i] - qs[pi + 1])
                if dj > 1:
                    c += W_BREAK * (qt[j] - qt[pj + 1])
                mask = 0
                for s in range(pi, i):
                    f = found[s]
                    if f:
                        for t in range(pj, j):
                            mask |= f.get(t, 0)
                if mask:
                    c -= bonus(mask)
                total = rows[di][pj] + c
                if total < best:
                    best, best_k, best_c = total, k, c
            if best_k >= 0:
                trow[j] = best
                brow[j] = best_k
                crow[j] = best_c
    if tot[n][m] == inf:
        return None
    beads: list[Bead] = []
    i, j = n, m
    while i or j:
        di, dj, _ = _SHAPE_COSTS[back[i][j]]
        beads.append(Bead(tuple(range(i - di, i)), tuple(range(j - dj, j)), round(bcost[i][j], 6)))
        i, j = i - di, j - dj
    beads.reverse()
    return beads


def align(src_text: str, src_spans: list[Span], tgt_text: str, tgt_spans: list[Span],
          lang: str = "ru", pair: "Pair | None" = None) -> list[Bead]:
    """The monotonic alignment of the source sentences ``src_spans`` (of ``src_text``) and the
    target sentences ``tgt_spans`` (of ``tgt_text``): beads in order, every sentence in one."""
    if pair is None:
        pair = Pair(src_text, src_spans, tgt_text, tgt_spans, lang)
    n, m = len(pair.ls), len(pair.lt)
    if not n or not m:
        return [Bead((i,), (), _PRIOR_COST[(1, 0)]) for i in range(n)] + [
            Bead((), (j,), _PRIOR_COST[(0, 1)]) for j in range(m)]
    beads = _run(pair, _band(pair))
    if beads is None:  # the band lost the corner (a very uneven pair): fill the whole table
        beads = _run(pair, [(0, m)] * (n + 1))
    assert beads is not None
    return beads
