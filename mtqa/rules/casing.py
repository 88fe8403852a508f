"""Casing of proper nouns, titles and abbreviations (family ``casing``, CAS)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, NamedTuple

from mtqa.finding import Finding, Severity
from mtqa.rules.base import Rule, register
from mtqa.rules.casing_names import CALENDAR
from mtqa.tables import read_tsv
from mtqa.trie_regex import compile_phrases

FUNCTION_WORDS = frozenset("of the and for on in to a an at by".split())
_WORD = re.compile(r"[\w.'’-]+")


class Entry(NamedTuple):
    canonical: str
    kind: str
    generic: str  # a title's form when no name follows (AP); canonical for other kinds
    variants: frozenset[str]  # mixed casings established house styles print: never flagged


@lru_cache(maxsize=1)
def _proper_noun_table() -> tuple[re.Pattern[str], dict[str, Entry], re.Pattern[str]]:
    rows = read_tsv("casing/proper_nouns.tsv")
    canon = {}
    for r in rows:
        c = r["canonical"]
        generic = r["generic"] or (generic_title(c) if r["kind"] == "title" else c)
        variants = frozenset(" ".join(v.split()) for v in r["variants"].split("|") if v.strip())
        canon[" ".join(c.split()).casefold()] = Entry(c, r["kind"], generic, variants)
    alts = [e.canonical for e in canon.values()]
    # Candidate positions: a first word of some entry followed by more words;
    # the full phrase is matched only there.  Both are trie-shaped patterns.
    anchor = compile_phrases({a.split()[0] for a in alts}, prefix=r"(?<![\w.-])", suffix=r"[ \t]")
    return compile_phrases(alts, suffix=r"(?![\w-])"), canon, anchor


def _sentence_starts(doc) -> set[int]:
    return {s.start for s in doc.sentences} | {s.start + 1 for s in doc.sentences}


def _after_opening(text: str, pos: int) -> bool:
    """True if only opening quotes/brackets separate pos from a sentence start."""
    return pos > 0 and text[pos - 1] in "“‘\"'«(["


@register
class ProperNounCasing(Rule):
    """Mixed casing of a multiword proper noun or formal title.

    Machine translation often lower-cases one word of a proper noun while
    keeping another capitalised: "state Department", "White house",
    "Islamic state", "us Secretary of state", "foreign Minister".  The rule
    matches entries of the table ``mtqa/data/casing/proper_nouns.tsv``
    case-insensitively and flags a match whose casing is mixed and differs
    from the canonical form.  It never fires on all-lowercase text ("a white
    house", "the state of the economy") or ALL-CAPS headlines, ignores the
    capital of a sentence-initial word and of function words (of, the, and).

    Titles (kind ``title`` in the table) follow AP style: capitalised
    directly before a name ("Foreign Minister Sergei Lavrov"), lower-case
    otherwise ("the press secretary of the president"); abbreviations and
    proper nouns inside a title keep their capitals ("White House press
    secretary", "Kremlin spokesman", "speaker of the House": the table's
    ``generic`` column), and that generic form is also right before a name
    for occupational titles ("White House press secretary Sarah Sanders").
    A suggestion never lower-cases a proper noun.  Mixed casings that
    established house styles print (the table's ``variants``: "European
    parliament", "secretary of State") are not flagged.  The finding spans the
    whole matched phrase and suggests the canonical casing.  Extend the table
    to teach it new names.
    """

    code = "CAS001"
    name = "proper-noun-casing"
    family = "casing"
    severity = Severity.WARNING
    summary = "Mixed casing in a multiword proper noun or title (\"state Department\")."
    flag_examples = (
        "President Putin will host us Secretary of state Kerry.",
        "The representative of the state Department announced it.",
        "Terrorists of the Islamic state attacked.",
        "The press secretary of the White house spoke.",
        "He met foreign Minister Lavrov.",
        "A kremlin Spokesman said sanctions were not discussed.",
        "He was the Chairman of the Joint chiefs of Staff until 2011.",
    )
    pass_examples = (
        "Let us hope for the best.",
        "The state of the economy worries voters.",
        "They live in a white house by the sea.",
        "The State Department said on Monday.",
        "WHITE HOUSE SAYS NO DEAL",
        "White House press secretary Sarah Huckabee Sanders told reporters.",
        "A Kremlin spokesman said sanctions were not discussed.",
        "Kremlin spokesman Dmitry Peskov said so.",
        "He was the chairman of the Joint Chiefs of Staff until 2011.",
        "Boehner is the speaker of the House.",
        "The vote for the European parliament is in May.",
    )
    fixable = True
    supersedes = ("CAS002",)

    def check(self, doc, ctx) -> Iterable[Finding]:
        pattern, canon, anchor = _proper_noun_table()
        text = doc.text
        starts = _sentence_starts(doc)
        pos = 0
        while True:
            a = anchor.search(text, pos)
            if a is None:
                break
            m = pattern.match(text, a.start())
            if m is None:
                pos = a.start() + 1
                continue
            pos = m.end()
            found = m.group(0)
            key = " ".join(found.split()).casefold()
            entry = canon.get(key)
            if entry is None or ctx.is_allowed(found):
                continue
            canonical = entry.canonical
            accepted = {canonical, entry.generic, *entry.variants}
            if entry.kind == "title" and not _before_name(text, m.end()):
                canonical = entry.generic
                accepted.discard(entry.canonical)
            sentence_initial = m.start() in starts or (_after_opening(text, m.start()) and m.start() - 1 in starts)
            if " ".join(found.split()) in accepted or not _mixed_and_wrong(found, canonical, sentence_initial):
                continue
            if any(not _mixed_and_wrong(found, a, sentence_initial) for a in accepted if a != canonical):
                continue  # the casing of an accepted form (sentence-initial capital aside)
            yield self.finding(
                doc, m.start(), m.end(),
                f"inconsistent casing of proper noun/title '{found}'; write '{canonical}'",
                suggestion=canonical, confidence=0.9,
                data={"canonical": canonical},
            )


def _before_name(text: str, end: int) -> bool:
    """True if the next word is capitalised (a personal name follows the title)."""
    m = re.match(r"[ \t]+([A-Z][\w'’-]*)", text[end:end + 40])
    return bool(m) and m.group(1).casefold() not in FUNCTION_WORDS


def generic_title(canonical: str) -> str:
    """AP lower-case form of a title not followed by a name: keeps abbreviations
    and the proper noun 'White House' capitalised."""
    words = canonical.split()
    out = []
    for i, w in enumerate(words):
        if w.isupper() or "." in w:
            out.append(w)
        elif w == "House" and i > 0 and words[i - 1] == "White" or w == "White" and words[i + 1 : i + 2] == ["House"]:
            out.append(w)
        else:
            out.append(w.lower())
    return " ".join(out)


def _mixed_and_wrong(found: str, canonical: str, sentence_initial: bool) -> bool:
    f_words = found.split()
    c_words = canonical.split()
    if len(f_words) != len(c_words):
        return False
    if found.isupper() or found.islower():
        return False
    pairs = []
    for i, (f, c) in enumerate(zip(f_words, c_words)):
        if c.casefold() in FUNCTION_WORDS:
            continue
        if i == 0 and sentence_initial:
            continue
        pairs.append((f, c))
    if not pairs:
        return False
    lower = [f for f, _ in pairs if f.islower()]
    upper_or_title = [f for f, _ in pairs if not f.islower()]
    if not lower or not upper_or_title:
        return False  # consistently cased after discounting neutral words
    return any(f != c for f, c in pairs)


@lru_cache(maxsize=1)
def _abbreviation_table() -> tuple[dict[str, tuple[str, frozenset[str]]], re.Pattern[str]]:
    table = {r["form"]: (r["abbreviation"], frozenset(r["followers"].split("|")))
             for r in read_tsv("casing/abbreviations.tsv")}
    forms = "|".join(re.escape(f) for f in sorted(table, key=len, reverse=True))
    return table, re.compile(rf"(?<![\w.-])({forms})[ \t]+([\w'’-]+)")


OBJECT_TAKERS = frozenset(
    """let lets tell told tells give gave gives given show showed shows help helped helps join joined
    ask asked asks allow allowed allows make made makes bring brought send sent take took call called
    invite invited urge urged for to with from about among between against like than upon behind
    before around toward towards into onto at by near beside without within unlike regarding
    keep kept leave left pay paid offer offered warn warned teach taught""".split()
)
QUANTIFIERS = frozenset("some many all none most each both one two three those few any either neither several".split())


@register
class LowercaseAbbreviation(Rule):
    """A country or bloc abbreviation lower-cased into an ordinary word.

    "us diplomacy", "us officials", "eu sanctions": the abbreviation (US, UK,
    EU) was lower-cased in translation.  Because "us" is also a pronoun, the
    rule needs the next word to be a noun that typically follows the
    abbreviation (``mtqa/data/casing/abbreviations.tsv``) and the previous
    word not to take a pronoun object ("let us", "told us", "for us",
    "some of us").  Suggests the upper-case abbreviation.
    """

    code = "CAS002"
    name = "lowercase-abbreviation"
    family = "casing"
    severity = Severity.WARNING
    summary = "Country/bloc abbreviation lower-cased (\"us diplomacy\" → \"US diplomacy\")."
    flag_examples = (
        "That the head of us diplomacy will visit Moscow was announced.",
        "Several us officials declined to comment.",
    )
    pass_examples = (
        "Let us diplomacy be our guide.",
        "He told us officials would come later.",
        "Some of us journalists disagreed.",
        "The US diplomacy push failed.",
    )
    fixable = True
    supersedes = ()

    def check(self, doc, ctx) -> Iterable[Finding]:
        text = doc.text
        table, pattern = _abbreviation_table()
        for m in pattern.finditer(text):
            form = m.group(1)  # matched case-sensitively: exactly the lower-case form
            abbr, followers = table[form]
            if m.group(2).casefold() not in followers:
                continue
            prev = _previous_words(text, m.start(), 2)
            if prev and prev[-1] in OBJECT_TAKERS:
                continue
            if len(prev) == 2 and prev[-1] == "of" and prev[0] in QUANTIFIERS:
                continue
            yield self.finding(
                doc, m.start(), m.end(),
                f"'{form}' before '{m.group(2)}' reads as the abbreviation {abbr}; write '{abbr}'",
                suggestion=abbr + text[m.start() + len(form):m.end()], confidence=0.85,
                data={"abbreviation": abbr},
            )


def _previous_words(text: str, pos: int, n: int) -> list[str]:
    start = max(0, pos - 60)
    words = _WORD.findall(text[start:pos])
    return [w.casefold() for w in words[-n:]]


# -- formal titles before a name ---------------------------------------------------

_NAME_WORD = r"[A-Z][a-z][\w'’-]*"


@lru_cache(maxsize=1)
def _title_table() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """(pattern, lower-case title -> (title as written before a name, of_form))."""
    table = {" ".join(r["title"].split()).lower(): (" ".join(r["title"].split()), r["of_form"])
             for r in read_tsv("casing/titles.tsv")}
    titles = "|".join(re.escape(t).replace(r"\ ", "[ \t]+") for t in sorted(table, key=len, reverse=True))
    pattern = re.compile(
        rf"(?<![\w'’.-])(?P<title>{titles})"
        rf"(?:[ \t]+of[ \t]+(?:the[ \t]+)?(?P<org>[A-Z]{{2,6}}))?"  # "secretary general of NATO"
        rf"[ \t]+(?P<name>{_NAME_WORD}(?:[ \t]+(?:{_NAME_WORD}|[A-Z]\.))*)")
    return pattern, table


# the words after which a lower-case title before a known person is MT's, not a house style's
# ("attended by foreign minister Sergei Lavrov"); a noun ("commission president"), a determiner
# ("how good a prime minister Gordon Brown will make") or "to" ("an aide to vice president Dick
# Cheney") is not among them
_TITLE_AFTER = frozenset(
    """by with from and between including said says told met meets called urged thanked visited received
    welcomed invited when while after before during""".split()
)
_PREV_WORDS = re.compile(r"([\w'’.-]+)[ \t]+(?:([\w'’.-]+)[ \t]+)?\Z")


@register
class LowercaseTitleBeforeName(Rule):
    """A formal title in lower case directly before a name.

    AP style capitalises a formal title directly before a name — "Defence
    Minister Sergei Shoigu", "Foreign Minister Sergei Lavrov", "President
    Vladimir Putin", "Prime Minister Mateusz Morawiecki" — and machine
    translation from Russian writes it as it was in the source sentence, in
    lower case, often after an article English would not use there ("the
    defence minister Sergei Shoigu").  British style also writes titles in
    lower case ("Russian president Vladimir Putin", "shadow chancellor Oliver
    Letwin"), so the rule reports only what clean news of any style does not
    write: a lower-case formal title

    * after "the" and before a name of two capitalised words ("the defence
      minister Sergei Shoigu"; not "adviser to the president Kellyanne
      Conway"), or
    * before a gazetteer person whose entry has that title among its context
      keywords, after a preposition, a conjunction or a verb ("attended by
      foreign minister Sergei Lavrov", "said president Vladimir Putin") — not
      after a nationality, an organisation or a modifier ("Russian president
      Vladimir Putin", "commission president", "former president Barack
      Obama", "shadow chancellor").

    Occupational descriptions stay lower case before a name ("spokesman Dmitry
    Peskov", "press secretary Josh Earnest") and are not reported, nor is a
    title set off by a comma ("the defence minister, Sergei Shoigu").  A title
    followed by "of" and the acronym of a gazetteer organisation is written
    the AP way, the acronym first: "secretary general of NATO Jens
    Stoltenberg" → "NATO Secretary-General Jens Stoltenberg".  The titles are
    in ``mtqa/data/casing/titles.tsv``; the suggestion capitalises the title.
    """

    code = "CAS005"
    name = "lowercase-title-before-name"
    family = "casing"
    severity = Severity.WARNING
    summary = "Formal title in lower case before a name (\"defence minister Sergei Shoigu\")."
    flag_examples = (
        "The defence minister Sergei Shoigu inspected the troops.",
        "Moscow was represented by foreign minister Sergei Lavrov.",
        "The secretary general of NATO Jens Stoltenberg arrived in Kyiv.",
        "The talks were opened by president Vladimir Putin.",
    )
    pass_examples = (
        "Defence Minister Sergei Shoigu inspected the troops.",
        "Kremlin spokesman Dmitry Peskov declined to comment.",
        "The defence minister, Sergei Shoigu, inspected the troops.",
        "Russian president Vladimir Putin arrived in Delhi.",
        "The visit was cancelled by former president Barack Obama.",
        "He spoke to the president Monday about the budget.",
        "Counselor to the president Kellyanne Conway later walked it back.",
        "White House press secretary Josh Earnest said so.",
    )
    needs = frozenset({"gazetteer"})
    fixable = True
    supersedes = ()

    def check(self, doc, ctx) -> Iterable[Finding]:
        pattern, table = _title_table()
        text = doc.text
        for m in pattern.finditer(text):
            title = m.group("title")
            if not title.islower():
                continue  # capitalised (right) or mixed (CAS001)
            name = m.group("name").split()
            if len(name) < 2 or name[0].casefold() in CALENDAR or name[0].casefold() in FUNCTION_WORDS:
                continue
            key = " ".join(title.split())
            written, of_form = table[key]
            org = m.group("org")
            if org and (not of_form or not _gazetteer_org(ctx, org)):
                continue
            prev = _PREV_WORDS.search(text, max(0, m.start() - 60), m.start())
            p1 = prev.group(2) or prev.group(1) if prev else ""  # the word right before the title
            p0 = prev.group(1) if prev and prev.group(2) else ""  # and the one before that
            if p1 in ("the", "The"):
                if p0 and (p0[:1].isupper() or p0.casefold() in ("to", "of", "for")) and not p1 == "The":
                    continue  # "Counselor to the president Kellyanne Conway", "Acme's the president"
            elif not (p1 in _TITLE_AFTER and _person_with_title(ctx, name, key)):
                continue
            if ctx.is_allowed(title):
                continue
            if org:
                suggestion = of_form.format(org=org)
                end = m.end("org")
                message = (f"formal title before a name: AP writes '{suggestion} {' '.join(name)}' "
                           f"(the organisation first, the title capitalised)")
            else:
                suggestion = written
                end = m.end("title")
                message = f"formal title in lower case directly before a name: write '{written}'"
            yield self.finding(doc, m.start(), end, message, suggestion=suggestion, confidence=0.85,
                               data={"title": written})


def _gazetteer_org(ctx, acronym: str) -> bool:
    from mtqa.gazetteer.keys import norm

    idx = ctx.get("gazetteer").index
    return any(idx.entries[i].type == "organisation" for i in idx.accepted.get(norm(acronym), ()))


def _person_with_title(ctx, name: list[str], title: str) -> bool:
    """The first words of the name are a gazetteer person whose context keywords include the title."""
    from mtqa.gazetteer.keys import POSSESSIVE, norm

    idx = ctx.get("gazetteer").index
    want = {title.replace("defense", "defence"), title.replace("defence", "defense")}
    for n in range(min(4, len(name)), 1, -1):
        words = " ".join(name[:n])
        words = POSSESSIVE.sub("", words)
        for i in idx.accepted.get(norm(words), ()):
            e = idx.entries[i]
            if e.type == "person" and any(k.casefold() in want for k in e.context):
                return True
    return False
