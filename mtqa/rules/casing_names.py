"""Proper nouns written in lower case, and words of a name left in capitals (family ``casing``).

Both rules read how native English news writes a word or name
(:mod:`mtqa.casing_lexicon`: counts from 33 M words of news, inside sentences) and,
for nationalities, the demonyms of the ``countryinfo`` package (``mtqa/data/casing/demonyms.tsv``).
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache
from typing import Iterable

from mtqa.casing_lexicon import WORD_RE, _in_address, counts
from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register

# a word news writes in lower case at most this share of the time (inside a sentence) is
# a proper noun; seen capitalised at least MIN_SEEN times
PROPER_LOWER_SHARE = 0.001
MIN_SEEN = 40
# a name of mtqa's gazetteer needs less evidence: a curated entity
MIN_SEEN_GAZETTEER = 15
ORG_LOWER_SHARE = 0.01
# a phrase: the same, over all its words written in lower case together
PHRASE_LOWER_SHARE = 0.05
MIN_PHRASE_SEEN = 20
# a phrase of common words only ("white house", "fox news") with no "the" before it: strong evidence
STRONG_PHRASE_LOWER_SHARE = 0.005
STRONG_PHRASE_SEEN = 100
# a nationality in lower case is a slip unless news writes it so more often than this
DEMONYM_LOWER_SHARE = 0.01
# a suggestion is sure (applied by `mtqa fix`) when news writes it in lower case at most this often
SURE_LOWER_SHARE = 0.0002
SURE_DEMONYM_LOWER_SHARE = 0.001  # a nationality: "french fries" aside, never in lower case
# a word written in capitals at most this share of its capitalised uses is not an acronym
ACRONYM_UPPER_SHARE = 0.005
# a word in capitals is known to news when written capitalised at least this often
MIN_SEEN_CAPS = 10

# nouns after which a lower-case nationality adjective that is also an ordinary word
# ("polish", "turkish"...) reads as the nationality: "polish government"
NATIONALITY_FOLLOWERS = frozenset(
    """government governments officials official president president's prime minister ministers ministry
    foreign defence defense army troops forces soldiers navy police border borders authorities parliament
    lawmakers people citizens nationals company companies firm firms economy capital state media embassy
    ambassador diplomat diplomats leader leaders counterpart counterparts side delegation team league club
    national opposition election elections court courts military airline airlines bank banks
    currency market markets army's region regions city cities town language""".split()
)


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """folded -> canonical: the demonyms of the ``countryinfo`` package and their plurals
    (``mtqa/data/casing/demonyms.tsv``, written from it by ``python -m mtqa.casing_lexicon demonyms``)."""
    from mtqa.tables import read_tsv

    return {r["folded"]: r["demonym"] for r in read_tsv("casing/demonyms.tsv")}


def _derive_gazetteer_index() -> tuple[dict[str, str], dict[str, str]]:
    """(names, tables): folded -> canonical for the names and aliases of mtqa's gazetteer
    (people, places, organisations) written with a capital, and folded -> the gazetteer file
    of each single-word name."""
    from mtqa.gazetteer.loader import HOUSE_STYLE_FILE, default_dir
    from mtqa.tables import read_tsv

    # the packaged files' rows as plain tables (the loader's parser validates and builds
    # entries, which this does not need)
    rows = [dict(r, table=f.name[:-4])
            for f in sorted(default_dir().iterdir(), key=lambda f: f.name)
            if f.name.endswith(".tsv") and f.name != HOUSE_STYLE_FILE
            for r in read_tsv(f"gazetteer/{f.name}")]
    names: dict[str, str] = {}
    tables: dict[str, str] = {}
    # the entries' own names first ("TASS"), then their aliases ("Tass"); a single word only
    # for an organisation or a place (a surname alone is too often a word: Pence, Cruz)
    for which in ("name", "aliases"):
        for r in rows:
            for n in r.get(which, "").split("|"):
                n = " ".join(n.split())
                if not n or not n[0].isupper() or "." in n:
                    continue
                single = " " not in n
                if single and r.get("type") not in ("organisation", "place"):
                    continue
                names.setdefault(n.casefold(), n)
                if single:
                    tables.setdefault(n.casefold(), r["table"])
    return names, tables


def _derive_gazetteer_words(names: dict[str, str]) -> dict[str, str]:
    """folded -> form: the words of the gazetteer's names written with a capital and then
    lower case ("Tatyana", "Lavrov", "Cooperation")."""
    out: dict[str, str] = {}
    for name in names.values():
        for w in name.split():
            if len(w) > 1 and w[0].isupper() and not w.isupper() and w.isalpha():
                out.setdefault(w.casefold(), w)
    return out


def _derive_name_starts(keys: Iterable[str]) -> set[str]:
    """The first two words of every key (and the two after a first "the")."""
    out = set()
    for k in keys:
        ws = k.split()
        if len(ws) >= 2:
            out.add(ws[0] + " " + ws[1])
            if ws[0] == "the" and len(ws) >= 3:
                out.add(ws[1] + " " + ws[2])
    return out


def _derive_tables() -> dict[str, list[str]]:
    from mtqa.casing_lexicon import table_rows

    wk, wr, pk, pr = table_rows()
    names, tables = _derive_gazetteer_index()
    words = _derive_gazetteer_words(names)
    return {"word_keys": wk, "word_rows": wr, "phrase_keys": pk, "phrase_rows": pr,
            "name_keys": list(names), "name_forms": list(names.values()),
            "table_keys": list(tables), "table_files": list(tables.values()),
            "name_word_keys": list(words), "name_word_forms": list(words.values()),
            "name_starts": sorted(_derive_name_starts([*pk, *names]))}


def _table_inputs() -> list[tuple[str, bytes]]:
    """What the derived tables depend on: the casing counts, the packaged gazetteer files,
    the code that reads and derives them, and the Python (str.casefold's Unicode tables)."""
    import sys

    from mtqa.casing_lexicon import table_bytes
    from mtqa.derived import source_of
    from mtqa.gazetteer.loader import default_dir

    files = [(f"gazetteer/{f.name}", f.read_bytes())
             for f in sorted(default_dir().iterdir(), key=lambda f: f.name) if f.name.endswith(".tsv")]
    return [("python", sys.version.encode()), ("casing", table_bytes()), *files,
            *source_of("mtqa.casing_lexicon", "mtqa.rules.casing_names", "mtqa.tables", "mtqa.derived")]


@lru_cache(maxsize=1)
def _tables() -> dict[str, list[str]]:
    """The casing counts' rows, the gazetteer's names, their words and the first two words of
    every known name: derived from the packaged files at the first run and then read from
    the cache (:mod:`mtqa.derived`), which saves most of the casing rules' start-up."""
    from mtqa.derived import cached_sections

    return cached_sections("casing-tables", _table_inputs(), _derive_tables)


@lru_cache(maxsize=1)
def lexicon() -> tuple[dict, dict]:
    """(words, phrases): :func:`mtqa.casing_lexicon.lexicon`, from the derived tables."""
    t = _tables()
    return counts(t["word_keys"], t["word_rows"], t["phrase_keys"], t["phrase_rows"])


@lru_cache(maxsize=1)
def _gazetteer_index() -> tuple[dict[str, str], dict[str, str]]:
    """(names, tables): folded -> canonical for the names and aliases of mtqa's gazetteer
    (people, places, organisations) written with a capital, and folded -> the gazetteer file
    of each single-word name (:func:`_derive_gazetteer_index`, from the derived tables)."""
    t = _tables()
    return dict(zip(t["name_keys"], t["name_forms"])), dict(zip(t["table_keys"], t["table_files"]))


def gazetteer_names() -> dict[str, str]:
    return _gazetteer_index()[0]


@lru_cache(maxsize=1)
def gazetteer_words() -> dict[str, str]:
    """folded -> form: the words of the gazetteer's names written with a capital and then
    lower case ("Tatyana", "Lavrov", "Cooperation")."""
    t = _tables()
    return dict(zip(t["name_word_keys"], t["name_word_forms"]))


# days and months (the standard library's English names); "march" and "may" are words too,
# and the news counts leave them out (written in lower case too often)
CALENDAR = {n.casefold(): n for n in (*calendar.day_name, *calendar.month_name) if n}


def _ordinary(casing, min_seen: int = MIN_SEEN) -> bool:
    """News writes the word in lower case too (a common word: "turkey", "polish", "bill"),
    or too rarely to tell."""
    return casing is None or casing.lower_share > PROPER_LOWER_SHARE or casing.capitalised + casing.upper < min_seen


def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _common_word(word: str, casing) -> bool:
    """A word an English text may well write in lower case: news does, or (a word news
    never wrote) wordfreq knows it as a frequent word."""
    if casing is not None:
        return casing.lower_share > PROPER_LOWER_SHARE
    return _zipf(word) >= 3.0


@lru_cache(maxsize=1)
def _single_words() -> frozenset[str]:
    """Every word the single-word checks know: nationalities, gazetteer names, days and months."""
    return frozenset([*demonyms(), *(k for k in gazetteer_names() if " " not in k), *CALENDAR])


@lru_cache(maxsize=1)
def _name_starts() -> frozenset[str]:
    """The first two words of every phrase of the casing counts and of every gazetteer name."""
    return frozenset(_tables()["name_starts"])


@lru_cache(maxsize=1)
def _fragments() -> dict[str, int]:
    """phrase -> the count of the most frequent longer phrase that contains it."""
    _, phrases = lexicon()
    out: dict[str, int] = {}
    for key, c in phrases.items():
        ws = key.split()
        for a in range(len(ws)):
            for b in range(a + 2, len(ws) + 1):
                if b - a < len(ws):
                    sub = " ".join(ws[a:b])
                    if c.capitalised > out.get(sub, 0):
                        out[sub] = c.capitalised
    return out


def _possessive(word: str) -> str:
    """The possessive ending of a word ("cnn's" -> "'s"), or ""."""
    for end in ("'s", "’s"):
        if word.endswith(end) and len(word) > len(end):
            return end
    return ""


def _has_capitals(text: str, start: int, end: int) -> bool:
    return any(c.isupper() for c in text[start:end])


@register
class LowercaseProperNoun(Rule):
    """A proper noun written in lower case: "russians", "tass", "shanghai cooperation organization".

    The suggestion is sure (confidence 0.95, applied by ``mtqa fix``) when news never
    wrote the word or name in lower case; otherwise (0.85) it is reported for an editor.
    Flags a run of words that native English news capitalises nearly always (written
    in lower case at most 1 % of the time inside a sentence; counts in
    ``mtqa/data/casing/capitalisation.tsv.xz``) or that is a name of mtqa's
    gazetteer, a single-word organisation or place of the gazetteer, a nationality
    from ``countryinfo``'s demonyms and a day or month name, when news writes that
    word in lower case at most 0.1 % of the time; suggests the casing news uses
    ("Russians", "TASS", "Shanghai Cooperation Organization").  Words news also
    writes in lower case ("turkey", "china", "bill", "march") are left alone, except a
    nationality that is also a common word when a noun such as "government" follows
    it ("polish government").  A phrase of common words only ("white house") needs
    "the" before it.  Sentences with no capital at all (text typed in lower case)
    are not checked, nor are handles, hashtags and domains.
    """

    code = "CAS003"
    name = "lowercase-proper-noun"
    family = "casing"
    severity = Severity.WARNING
    summary = "A proper noun written in lower case (\"russians\", \"tass\")."
    flag_examples = (
        "Leaders of the shanghai cooperation organization met in Beijing on Friday.",
        "The russians said the talks in Geneva would continue.",
        "The report was carried by tass on Thursday, Moscow said.",
        "The polish government said it would close the border on Monday.",
        "The talks took place in the white house on Tuesday, officials said.",
    )
    pass_examples = (
        "He carved the turkey for the family on Thursday.",
        "The cups were made of fine china in Stoke.",
        "The Senate passed the bill on Monday.",
        "Polish the silver before the guests arrive, Smith said.",
        "They live in a white house by the sea, Smith said.",
        "the whole message was typed in lower case by the russians",
        "Follow @tass on Twitter, the agency said.",
    )
    fixable = True

    def check(self, doc, ctx) -> Iterable[Finding]:
        words, phrases = lexicon()
        nations = demonyms()
        text = doc.text
        for sent in doc.sentences:
            if not _has_capitals(text, sent.start, sent.end):
                continue
            toks = [m for m in WORD_RE.finditer(text, sent.start, sent.end)]
            i = 0
            while i < len(toks):
                m = toks[i]
                w = m.group()
                if not w.islower() or _in_address(text, m.start(), m.end()):
                    i += 1
                    continue
                hit = self._phrase(text, toks, i, words, phrases) or self._word(text, toks, i, words, nations)
                if hit is None:
                    i += 1
                    continue
                n, form, sure = hit
                start, end = toks[i].start(), toks[i + n - 1].end()
                end -= len(_possessive(toks[i + n - 1].group()))
                if form.startswith("The "):
                    form = form[4:]  # "the New York Times": the article keeps the text's casing
                found = text[start:end]
                if ctx.is_allowed(found) or " ".join(found.split()) == form:
                    i += n
                    continue
                yield self.finding(
                    doc, start, end,
                    f"'{found}' is a proper noun written in lower case; write '{form}'",
                    suggestion=form, confidence=0.95 if sure else 0.85, data={"canonical": form},
                )
                i += n

    @staticmethod
    def _phrase(text, toks, i, words, phrases):
        # most words start no name: the first two words of every known name, looked up once
        if i + 1 >= len(toks) or text[toks[i].end():toks[i + 1].start()] != " ":
            return None
        second = toks[i + 1].group()
        if not second.islower() or toks[i].group() + " " + second[:len(second) - len(_possessive(second))] \
                not in _name_starts():
            return None
        before = toks[i - 1].group().casefold() if i > 0 else ""
        possessive = i > 0 and text[toks[i - 1].end() - 2:toks[i - 1].end()] in ("'s", "’s")
        for n in range(min(5, len(toks) - i), 1, -1):
            run = toks[i:i + n]
            if not all(t.group().islower() for t in run) or any(
                    text[a.end():b.start()] != " " for a, b in zip(run, run[1:])):
                continue  # words of one name: lower case, one space apart (no comma, no number)
            key = " ".join(t.group() for t in run)
            key = key[:len(key) - len(_possessive(key))]
            if run[0].group() in ("of", "the", "and", "for", "on", "de"):
                continue
            c = phrases.get(key)
            gaz = gazetteer_names().get(key) or gazetteer_names().get("the " + key)
            # news writes it as a name (capitalised) at least as often as with common words
            # after a name word ("Russian government"): c.upper counts those mixed casings
            named = c is None or (c.lower_share <= PHRASE_LOWER_SHARE and c.upper <= c.capitalised)
            if c is not None and c.capitalised >= MIN_PHRASE_SEEN and named:
                form = c.form if gaz is None else gaz
            elif gaz is not None and named:
                form = gaz
            else:
                continue
            if all(_common_word(t.group(), words.get(t.group())) for t in run):
                # common words only ("white house", "state department"): never after "a"/"an"
                # ("a white house by the sea"); a curated name of the gazetteer after "the" or
                # a possessive; otherwise only with strong evidence that news never writes it
                # in lower case (house styles lower-case "the senate", "the supreme court")
                if before in ("a", "an"):
                    continue
                strong = (c is not None and c.capitalised >= STRONG_PHRASE_SEEN
                          and c.lower_share <= STRONG_PHRASE_LOWER_SHARE
                          and _fragments().get(key, 0) < 0.5 * c.capitalised)
                if not (strong or gaz is not None and (before == "the" or possessive)):
                    continue  # ("food and drug" is mostly a piece of "Food and Drug Administration")
            elif gaz is not None and c is None and run[0].group() in demonyms() \
                    and all(_common_word(t.group(), words.get(t.group())) for t in run[1:]):
                continue  # "russian government": the nationality alone is the slip
            return n, form, c is not None and c.lower_share <= SURE_LOWER_SHARE and c.capitalised >= STRONG_PHRASE_SEEN
        return None

    @staticmethod
    def _word(text, toks, i, words, nations):
        w = toks[i].group()
        if w not in _single_words():
            w = w[:len(w) - len(_possessive(w))]
            if w not in _single_words():
                return None
        c = words.get(w)
        nationality = nations.get(w)
        if nationality is not None:
            if c is not None and c.capitalised + c.upper >= MIN_SEEN and c.lower_share <= DEMONYM_LOWER_SHARE:
                return 1, nationality, c.lower_share <= SURE_DEMONYM_LOWER_SHARE
            nxt = toks[i + 1].group().casefold() if i + 1 < len(toks) else ""
            if nxt in NATIONALITY_FOLLOWERS and (c is None or c.capitalised + c.upper >= MIN_SEEN):
                return 1, nationality, False
            return None
        gaz = gazetteer_names().get(w)
        if gaz is not None and " " not in gaz:
            # a brand (an outlet, a company, a party: "politico", "bloomberg") may be written in
            # lower case by news a little more often than an institution, which house styles
            # lower-case ("the senate", "congress"), or a place ("china" the material)
            table = _gazetteer_index()[1].get(w, "")
            brand = table.startswith("organisations_") and table != "organisations_government"
            share = ORG_LOWER_SHARE if brand else PROPER_LOWER_SHARE
            if c is not None and c.capitalised + c.upper >= MIN_SEEN_GAZETTEER and c.lower_share <= share:
                return 1, gaz, c.lower_share <= SURE_LOWER_SHARE
            if c is None and _zipf(w) < 2.0:
                return 1, gaz, False  # news never wrote it; a rare word in English ("interfax")
            return None
        day = CALENDAR.get(w)
        if day is not None and not _ordinary(c):
            return 1, day, c.lower_share <= SURE_LOWER_SHARE
        return None


_CAPS = re.compile(r"\b[A-Z][A-Z'’-]*[A-Z]\b")
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_DATELINE_AFTER = re.compile(
    r"\s*(?::|\((?:Reuters|AP|AFP|UPI|Bloomberg|Xinhua|dpa|DPA|TASS|Tass|RIA|Interfax|CNN|AFX|PTI|ANI|IANS|Kyodo|Yonhap|EFE|ANSA|KUNA|WAM|Sputnik)\)|[-—–] )")
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]*(?:,|\s*\(|\s+[-—–])")


@register
class CapitalisedNameWord(Rule):
    """A word of a name or title left in capitals: "TATYANA Arabadzhi", "GENERAL Director".

    Flags a word in capitals inside a run of words in title case (three letters or more
    before such a word: "JOE Garcia"; four or more after one: "Kirsten GILLIBRAND"), when news does not write that word in capitals (it
    is not an acronym or a brand: NATO, TASS, FBI, FOX are; counts in
    ``mtqa/data/casing/capitalisation.tsv.xz``, names in mtqa's gazetteer), and
    suggests the form news uses ("Tatyana", "General").  Headlines and other all-caps
    paragraphs, datelines ("MOSCOW, Dec 4 (Reuters) -", "By Patricia Zengerle
    WASHINGTON (Reuters)"), speakers' labels ("JOHN McDONOUGH:") and words news does
    not know are left alone.
    """

    code = "CAS004"
    name = "capitalised-name-word"
    family = "casing"
    severity = Severity.WARNING
    summary = "A word of a name or title left in capitals (\"TATYANA Arabadzhi\")."
    flag_examples = (
        "The decision was announced by TATYANA Arabadzhi, the head of the district.",
        "He was appointed GENERAL Director of the company in May.",
    )
    pass_examples = (
        "NATO Secretary General Jens Stoltenberg spoke in Brussels.",
        "MOSCOW, Dec 4 (Reuters) - Russia said on Monday it would respond.",
        "RUSSIA AND UKRAINE AGREE TO TALKS IN ISTANBUL",
        "The FBI Director testified on Tuesday.",
        "The report was carried by TASS on Thursday.",
    )
    fixable = True

    def check(self, doc, ctx) -> Iterable[Finding]:
        words, _ = lexicon()
        text = doc.text
        for p in doc.paragraphs:
            letters = [c for c in text[p.start:p.end] if c.isalpha()]
            if not letters or sum(c.isupper() for c in letters) > 0.3 * len(letters):
                continue  # a headline or an all-caps paragraph
            dateline = _DATELINE.match(text, p.start, p.end)
            for m in _CAPS.finditer(text, p.start, p.end):
                if dateline and m.start() < dateline.end():
                    continue
                w = m.group()
                if _ROMAN.fullmatch(w):
                    continue  # Pope John XXIII, Super Bowl XLVIII
                c = words.get(w.casefold())
                name_word = gazetteer_words().get(w.casefold())
                if c is not None and c.upper > ACRONYM_UPPER_SHARE * c.capitalised + 2:
                    continue  # an acronym news writes in capitals (NATO, TASS)
                if name_word is None and (c is None or c.capitalised < MIN_SEEN_CAPS) and not (
                        c is None and len(w) >= 5 and _zipf(w.lower()) >= 1.5 and re.search("[AEIOUY]", w)):
                    continue  # a word news does not know, nor English: maybe an acronym
                if _DATELINE_AFTER.match(text, m.end()):
                    continue  # a dateline ("WASHINGTON (Reuters) -") or a speaker's label
                if len(w) < 4 and name_word is None:
                    continue  # three letters and not a name's word ("JOE"): an initialism (CPL, IDS)
                if _EMPHASIS.search(text, max(p.start, m.start() - 12), m.start()) or \
                        _EMPHASIS.match(text, m.end(), min(p.end, m.end() + 12)):
                    continue  # capitals for emphasis ("Republican ANGER & UNITY", "VOTES NO")
                if not (_title_word_at(text, m.end()) or _title_word_before(text, m.start())):
                    continue  # not inside a name or title
                if c is not None and c.capitalised >= MIN_SEEN_CAPS and not c.form.isupper():
                    form = c.form
                else:
                    form = name_word or w.title()
                if form != w[0] + w[1:].lower():
                    continue  # news writes it otherwise ("IDs"): not a plain word of a name
                if ctx.is_allowed(w):
                    continue
                yield self.finding(
                    doc, m.start(), m.end(),
                    f"'{w}' is a word of a name or title left in capitals; write '{form}'",
                    suggestion=form, confidence=0.85, data={"canonical": form},
                )


_NAME_WORD = r"(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z]+(?:[-'’][A-Za-z][a-z]*)*"
_NEXT_TITLE_WORD = re.compile(r" " + _NAME_WORD + r"(?![\w:])")


_PREV_TITLE_WORD = re.compile(r"(?<![\w.])(?!(?:The|A|An|That|This|These|Those|In|On|At|Of|For|By|To|And|But|Or|As|If|When|With|From)\b)"
                              r"[A-Z][a-z]+(?:[-'’][A-Za-z][a-z]*)* $")
# another word in capitals (or an ampersand) right before or after: a run set in capitals for emphasis
_EMPHASIS = re.compile(r"(?:\b[A-Z]{2,}\b|&)\W{0,3}$|\W{0,3}(?:[A-Z]{2,}\b|&)")


def _title_word_before(text: str, pos: int) -> bool:
    """A word in title case right before ``pos`` ("Kirsten GILLIBRAND", "Supreme COURT")."""
    return bool(_PREV_TITLE_WORD.search(text, max(0, pos - 60), pos))


def _title_word_at(text: str, pos: int) -> bool:
    """A word in title case ("Arabadzhi", "Director", "McDonough") right after ``pos``, one
    space away, that does not end a speaker's label ("JOHN McDONOUGH:")."""
    return bool(_NEXT_TITLE_WORD.match(text, pos, pos + 60))
