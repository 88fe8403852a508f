"""Russian→English MT slips, put into clean English news sentences (``bench_corruptions.py --set ru``).

Each kind is a slip that machine translation from Russian makes and native news does not; each
is applied where the sentence offers its trigger, once per sentence, seeded:

* ``article_noun``  — "a"/"an"/"the" dropped before a singular count noun (Russian has no articles)
* ``interview_to``  — "interview with" → "interview to" ("дал интервью газете")
* ``arrived_to``    — "arrived in/at" → "arrived to" ("прибыл в")
* ``dialogue_with`` — "talk(s) with/to", "negotiate with" → "dialogue with" ("готов к диалогу с": the noun as a verb)
* ``next_week``     — "next week/month/year" → "in the next week/..." ("на следующей неделе")
* ``verb_late``     — the object moved after the verb's adverbial ("adopted in the first reading a bill")
* ``the_country``   — "the" before a country name ("the Germany")
* ``the_demonym``   — "the" dropped before a demonym and its noun ("Ukrainian army continues")
* ``play_with``     — "play(ed) against" → "play(ed) with" ("играть с")
* ``on_territory``  — "in <country>" → "on the territory of <country>" ("на территории")

The sentences are the clean news' report part; the slips are ours.  ``corrupt(words, kind, rng)``
returns the corrupted word list, or None where the kind does not apply.
"""

from __future__ import annotations

import random
import re

KINDS = ("article_noun", "interview_to", "arrived_to", "dialogue_with", "next_week", "verb_late",
         "the_country", "the_demonym", "play_with", "on_territory")

COUNTRIES = {"Russia", "Germany", "France", "China", "Iran", "Syria", "Turkey", "Israel", "Japan", "India",
             "Italy", "Spain", "Poland", "Britain", "Canada", "Mexico", "Brazil", "Egypt", "Iraq", "Afghanistan",
             "Pakistan", "Australia", "Belarus", "Georgia", "Kazakhstan", "Libya", "Venezuela", "Cuba", "Greece",
             "Sweden", "Norway", "Finland", "Austria", "Hungary", "Serbia", "Moscow", "Washington", "London",
             "Paris", "Berlin", "Beijing", "Kyiv", "Kiev", "Ukraine"}
#: "the" goes before these only in a few fixed phrases; a country name alone never takes it
THE_COUNTRY = COUNTRIES - {"Moscow", "Washington", "London", "Paris", "Berlin", "Beijing", "Kyiv", "Kiev", "Ukraine",
                           "Georgia"}
ARRIVE = {"arrived", "arrive", "arrives", "arriving"}
TALK = {"talk", "talks", "talked", "talking", "negotiate", "negotiated", "negotiating"}
PLAY = {"play", "plays", "played", "playing"}
PERIODS = {"week", "month", "year", "season", "weekend"}
PREPS = {"in", "on", "at", "for", "with", "from", "by", "after", "during", "before"}
#: plural or uncountable after an article are not what "article_noun" drops
_NOT_SINGULAR = re.compile(r"(?:s|ss)$")
_PUNCT = ".,;:!?\"'”’)"


def _demonyms() -> "set[str]":
    """Nationality adjectives (folded), from mtqa's own table (``mtqa/data/casing/demonyms.tsv``)."""
    from mtqa.rules.casing_names import demonyms

    return set(demonyms())


def _lower(w: str) -> bool:
    return w.isalpha() and w.islower()


def _bare(w: str) -> str:
    return w.strip(_PUNCT)


def _drop_one(words: list[str], cand: list[int], rng: random.Random) -> "list[str] | None":
    """``words`` without one of the words at ``cand`` (chosen by ``rng``), the first capitalised."""
    if not cand:
        return None
    i = rng.choice(cand)
    w = words[:i] + words[i + 1:]
    if i == 0:
        w[0] = w[0][:1].upper() + w[0][1:]
    return w


def corrupt(words: list[str], kind: str, rng: random.Random) -> "list[str] | None":
    n = len(words)
    if kind == "article_noun":
        cand = [i for i in range(n - 1) if words[i].lower() in ("a", "an", "the") and _lower(words[i + 1])
                and not _NOT_SINGULAR.search(words[i + 1]) and len(words[i + 1]) > 3]
        return _drop_one(words, cand, rng)
    if kind == "interview_to":
        i = next((i for i in range(n - 1) if _bare(words[i]).lower() in ("interview", "interviews")
                  and words[i + 1] == "with"), None)
        return None if i is None else words[:i + 1] + ["to"] + words[i + 2:]
    if kind == "arrived_to":
        i = next((i for i in range(n - 1) if words[i].lower() in ARRIVE and words[i + 1] in ("in", "at")), None)
        return None if i is None else words[:i + 1] + ["to"] + words[i + 2:]
    if kind == "dialogue_with":
        i = next((i for i in range(n - 1) if words[i].lower() in TALK and words[i + 1] in ("with", "to")), None)
        if i is None:
            return None
        verb = {"talks": "dialogues", "talked": "dialogued", "negotiated": "dialogued", "talking": "dialoguing",
                "negotiating": "dialoguing"}.get(words[i].lower(), "dialogue")
        return words[:i] + [verb, "with"] + words[i + 2:]
    if kind == "next_week":
        i = next((i for i in range(n - 1) if words[i] == "next" and _bare(words[i + 1]) in PERIODS
                  and (i == 0 or words[i - 1].lower() not in ("the", "in", "of", "by", "until", "for", "this"))), None)
        return None if i is None else words[:i] + ["in", "the"] + words[i:]
    if kind == "verb_late":
        # VERB(-ed) DET NOUN PREP x [y [z]]<punct> -> VERB PREP x [y [z]] DET NOUN<punct>
        for i in range(n - 5):
            if not (_lower(words[i]) and words[i].endswith("ed") and words[i + 1] in ("a", "an", "the")
                    and _lower(words[i + 2]) and words[i + 3] in PREPS):
                continue
            end = next((j for j in range(i + 4, min(n, i + 7)) if words[j].endswith((",", ".", ";"))), None)
            if end is None:
                continue
            pp = words[i + 3:end + 1]
            last = pp[-1]
            tail = last[len(last.rstrip(_PUNCT)):]
            pp[-1] = last.rstrip(_PUNCT)
            return words[:i + 1] + pp + [words[i + 1], words[i + 2] + tail] + words[end + 1:]
        return None
    if kind == "the_country":
        cand = [i for i in range(1, n) if _bare(words[i]) in THE_COUNTRY and words[i - 1].lower() in (
            "in", "to", "from", "with", "against", "and", "of", "visited", "on", "for")
            and not (i + 1 < n and words[i + 1][:1].isupper())]
        if not cand:
            return None
        i = rng.choice(cand)
        return words[:i] + ["the"] + words[i:]
    if kind == "the_demonym":
        dem = _demonyms()
        cand = [i for i in range(n - 2) if words[i].lower() == "the" and words[i + 1].casefold() in dem
                and words[i + 1][:1].isupper() and not words[i + 1].endswith("s") and _lower(words[i + 2])]
        return _drop_one(words, cand, rng)
    if kind == "play_with":
        i = next((i for i in range(n - 1) if words[i].lower() in PLAY and words[i + 1] == "against"), None)
        return None if i is None else words[:i + 1] + ["with"] + words[i + 2:]
    if kind == "on_territory":
        cand = [i for i in range(n - 1) if words[i] == "in" and _bare(words[i + 1]) in COUNTRIES
                and not (i + 2 < n and words[i + 2][:1].isupper())]
        if not cand:
            return None
        i = rng.choice(cand)
        return words[:i] + ["on", "the", "territory", "of"] + words[i + 1:]
    raise ValueError(kind)
