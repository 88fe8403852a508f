"""MT-like corruptions of clean sentences: the training signal of the learned detector.

Machine translation from Russian (and other languages without articles, with
free word order, rich case endings and no copula) goes wrong in recurring ways.
Each *kind* below edits a sentence's whitespace words once and says which words
of the result are wrong (the changed or inserted words, and the word after a
deletion, where a reader first notices the gap).  The detector
(:mod:`mtqa.fluency.detector`) learns to point at those words from the language
model's view of them.

The kinds are deliberately more varied than the five of
``benchmarks/bench_corruptions.py`` (which measures on the *report* part of the
clean news; the detector trains on the *calibration* part only): articles
dropped, inserted or swapped; auxiliaries and reporting verbs dropped; verb
agreement and verb forms broken; prepositions replaced or dropped; pronouns
confused; nouns left singular after a number; words swapped, chunks moved,
words doubled, function words dropped, and now and then two edits at once.

Everything is seeded: ``corrupt(words, rng)`` with a :class:`random.Random`.
"""

from __future__ import annotations

import random
from typing import Callable, Optional

Edit = Optional[tuple[list[str], list[int]]]  # corrupted words, indices of the wrong ones

ARTICLES = ("the", "a", "an")
AUX = ("is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "should", "did",
       "does", "be", "been")
REPORTING = ("said", "says", "told", "added", "announced", "reported", "stated", "noted")
PREPS = ("in", "on", "at", "to", "for", "with", "from", "by", "over", "about", "of", "into", "under", "against",
         "after", "before", "during", "between", "through", "towards", "within")
AGREE = {"is": "are", "are": "is", "was": "were", "were": "was", "has": "have", "have": "has", "does": "do",
         "do": "does", "this": "these", "these": "this", "that": "those", "those": "that"}
PRONOUNS = {"he": "it", "she": "it", "it": "he", "they": "it", "his": "its", "her": "its", "its": "his",
            "their": "its", "him": "it", "them": "it", "who": "which", "which": "who"}
FUNCTION = ("that", "to", "of", "and", "which", "who", "it", "there")
NUMBERS = ("two", "three", "four", "five", "six", "several", "many", "some", "both", "few", "thousands",
           "hundreds", "millions", "dozens")


def _plain(w: str) -> bool:
    return w.isalpha() and w.islower()


def _strip(w: str) -> tuple[str, str, str]:
    """(leading punctuation, core, trailing punctuation) of a whitespace word."""
    a = 0
    while a < len(w) and not w[a].isalnum():
        a += 1
    b = len(w)
    while b > a and not w[b - 1].isalnum():
        b -= 1
    return w[:a], w[a:b], w[b:]


def _core(w: str) -> str:
    return _strip(w)[1].lower()


def _recase(new: str, old: str) -> str:
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


def _replace(words: list[str], i: int, new_core: str) -> list[str]:
    pre, core, post = _strip(words[i])
    return words[:i] + [pre + _recase(new_core, core) + post] + words[i + 1:]


def _delete(words: list[str], i: int) -> Edit:
    """Drop word i; the next word is where the gap shows (its capital moves up at a sentence start)."""
    if i + 1 >= len(words):
        return None
    out = words[:i] + words[i + 1:]
    pre, core, post = _strip(words[i])
    if i == 0 and core[:1].isupper():
        p2, c2, q2 = _strip(out[0])
        out[0] = p2 + c2[:1].upper() + c2[1:] + q2
    return out, [i]


def _pick(rng: random.Random, cand: list[int]) -> Optional[int]:
    return rng.choice(cand) if cand else None


def drop_article(w, rng):
    i = _pick(rng, [i for i, x in enumerate(w[:-1]) if x.lower() in ARTICLES])
    return None if i is None else _delete(w, i)


def insert_article(w, rng):
    # before a lower-case word that has none (not after an article/determiner), or before a capitalised name
    cand = [i for i in range(1, len(w)) if w[i].isalpha() and len(w[i]) > 3
            and _core(w[i - 1]) not in ARTICLES + ("his", "her", "its", "their", "our", "this", "that", "these",
                                                   "those", "my", "your", "no", "any", "each", "every")]
    i = _pick(rng, cand)
    if i is None:
        return None
    return w[:i] + [rng.choice(("the", "the", "a"))] + w[i:], [i]


def wrong_article(w, rng):
    i = _pick(rng, [i for i, x in enumerate(w) if x.lower() in ("the", "a", "an")])
    if i is None:
        return None
    new = {"the": rng.choice(("a", "an")), "a": "the", "an": "the"}[w[i].lower()]
    return _replace(w, i, new), [i]


def drop_verb(w, rng):
    i = _pick(rng, [i for i, x in enumerate(w[:-1]) if i > 0 and _core(x) in AUX + REPORTING and _plain(x)])
    return None if i is None else _delete(w, i)


def agreement(w, rng):
    i = _pick(rng, [i for i, x in enumerate(w) if i > 0 and _plain(x) and x in AGREE])
    return None if i is None else (_replace(w, i, AGREE[w[i]]), [i])


def verb_form(w, rng):
    # "announced" -> "announce"/"announcing", "said" -> "say", "says" -> "saying"
    irregular = {"said": "say", "told": "tell", "made": "make", "took": "take", "went": "go", "came": "come",
                 "gave": "give", "found": "find", "held": "hold", "began": "begin", "became": "become"}
    cand = [i for i, x in enumerate(w) if i > 0 and _plain(_strip(x)[1]) and _strip(x)[1] and
            (_core(x) in irregular or (_core(x).endswith("ed") and len(_core(x)) > 5))]
    i = _pick(rng, cand)
    if i is None:
        return None
    c = _core(w[i])
    if c in irregular:
        new = irregular[c]
    else:
        stem = c[:-3] + "y" if c.endswith("ied") else c[:-1] if c[-3] in "cgvzue" else c[:-2]
        new = stem + rng.choice(("", "ing", "s"))
        if new == c:
            return None
    return _replace(w, i, new), [i]


def preposition(w, rng):
    i = _pick(rng, [i for i, x in enumerate(w) if i > 0 and _plain(x) and x in PREPS])
    if i is None:
        return None
    return _replace(w, i, rng.choice([p for p in PREPS[:12] if p != w[i]])), [i]


def drop_preposition(w, rng):
    i = _pick(rng, [i for i, x in enumerate(w[:-1]) if i > 0 and _plain(x) and x in PREPS])
    return None if i is None else _delete(w, i)


def pronoun(w, rng):
    i = _pick(rng, [i for i, x in enumerate(w) if _core(x) in PRONOUNS and _strip(x)[1].isalpha()])
    return None if i is None else (_replace(w, i, PRONOUNS[_core(w[i])]), [i])


def plural(w, rng):
    cand = [i for i in range(1, len(w)) if _core(w[i - 1]) in NUMBERS and _plain(_strip(w[i])[1])
            and _core(w[i]).endswith("s") and not _core(w[i]).endswith("ss") and len(_core(w[i])) > 4]
    i = _pick(rng, cand)
    if i is None:
        return None
    c = _core(w[i])
    return _replace(w, i, c[:-3] + "y" if c.endswith("ies") else c[:-1]), [i]


def swap(w, rng):
    cand = [i for i in range(1, len(w) - 2) if _plain(w[i]) and _plain(w[i + 1]) and w[i] != w[i + 1]]
    i = _pick(rng, cand)
    if i is None:
        return None
    return w[:i] + [w[i + 1], w[i]] + w[i + 2:], [i, i + 1]


def move_chunk(w, rng):
    size = rng.choice((2, 3, 3, 4))
    cand = [i for i in range(1, len(w) - size - 1) if all(_plain(x) for x in w[i:i + size])]
    i = _pick(rng, cand)
    if i is None:
        return None
    chunk, rest = w[i:i + size], w[:i] + w[i + size:]
    targets = [j for j in range(1, len(rest)) if abs(j - i) >= 3]
    if not targets:
        return None
    j = rng.choice(targets)
    out = rest[:j] + chunk + rest[j:]
    bad = list(range(j, j + size)) + ([j + size] if j + size < len(out) else [])
    # where the chunk was taken from, the words now side by side
    k = i if i < j else i + size
    if k < len(out):
        bad.append(k)
    return out, sorted(set(bad))


def duplicate(w, rng):
    i = _pick(rng, [i for i in range(1, len(w) - 1) if _plain(w[i])])
    return None if i is None else (w[:i + 1] + [w[i]] + w[i + 1:], [i + 1])


def drop_function_word(w, rng):
    i = _pick(rng, [i for i, x in enumerate(w[:-1]) if i > 0 and _plain(x) and x in FUNCTION])
    return None if i is None else _delete(w, i)


def drop_content_word(w, rng):
    i = _pick(rng, [i for i, x in enumerate(w[:-1]) if i > 0 and _plain(x) and len(x) > 4])
    return None if i is None else _delete(w, i)


PAST = ("took", "held", "made", "said", "was", "were", "became", "came", "went", "gave", "began", "met", "told",
        "announced", "signed", "agreed", "called", "launched", "started", "ended", "reached", "killed", "opened")
PARTICLES = ("place", "part", "up", "out", "off", "down", "over", "back")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def drop_predicate(w, rng):
    """The main verb (and its particle) dropped: "a conversation took place between" -> "a conversation
    between" (a verbless sentence, as MT from Russian often leaves)."""
    cand = [i for i in range(2, len(w) - 1) if _plain(w[i]) and w[i] in PAST and _core(w[i - 1]) not in FUNCTION
            and _core(w[i - 1]) not in ARTICLES]
    i = _pick(rng, cand)
    if i is None:
        return None
    k = 2 if i + 2 < len(w) and _core(w[i + 1]) in PARTICLES else 1
    return w[:i] + w[i + k:], [i]


def comma_for_preposition(w, rng):
    """A preposition between two phrases replaced by a comma: "airstrikes of the US" -> "airstrikes, the US"."""
    cand = [i for i in range(2, len(w) - 1) if _plain(w[i]) and w[i] in PREPS and _plain(w[i - 1])]
    i = _pick(rng, cand)
    if i is None:
        return None
    return w[:i - 1] + [w[i - 1] + ","] + w[i + 1:], [i - 1, i]


def drop_date_preposition(w, rng):
    """"On July 6, ..." -> "July 6, ..."; "... in March" -> "... March"."""
    cand = [i for i in range(0, len(w) - 1) if _core(w[i]) in ("on", "in") and _core(w[i + 1]) in MONTHS
            and _strip(w[i])[1].isalpha()]
    i = _pick(rng, cand)
    return None if i is None else _delete(w, i)


def drop_relative_subject(w, rng):
    """"which the parties agreed" -> "which agreed": the subject of a relative clause dropped."""
    cand = [i for i in range(1, len(w) - 3) if _core(w[i]) in ("which", "that") and _plain(w[i])
            and _core(w[i + 1]) in ARTICLES + ("its", "their", "his", "her") and _plain(w[i + 2])]
    i = _pick(rng, cand)
    if i is None:
        return None
    return w[:i + 1] + w[i + 3:], [i + 1]


#: kind name -> (function, weight)
KINDS: dict[str, tuple[Callable[[list[str], random.Random], Edit], float]] = {
    "drop_article": (drop_article, 1.5), "insert_article": (insert_article, 1.0),
    "wrong_article": (wrong_article, 0.7), "drop_verb": (drop_verb, 1.5), "agreement": (agreement, 1.0),
    "verb_form": (verb_form, 1.0), "preposition": (preposition, 1.5), "drop_preposition": (drop_preposition, 0.8),
    "pronoun": (pronoun, 0.7), "plural": (plural, 0.5), "swap": (swap, 1.2), "move_chunk": (move_chunk, 1.2),
    "duplicate": (duplicate, 0.5), "drop_function_word": (drop_function_word, 0.8),
    "drop_content_word": (drop_content_word, 0.6),
}
#: the second mix (``--mix 2``): sentence-level damage that MT from Russian leaves and the first mix
#: lacked (verbless sentences, a comma for a preposition, dates without "on", relative clauses
#: without their subject), weighted up, beside the first mix's kinds
KINDS_2: dict[str, tuple[Callable[[list[str], random.Random], Edit], float]] = {
    **KINDS, "drop_predicate": (drop_predicate, 4.0), "comma_for_preposition": (comma_for_preposition, 2.5),
    "drop_date_preposition": (drop_date_preposition, 1.5), "drop_relative_subject": (drop_relative_subject, 1.5),
}
MIXES = {1: KINDS, 2: KINDS_2}


def apply(words: list[str], kind: str, rng: random.Random) -> Edit:
    """One edit of ``kind``, or None where it does not apply."""
    return KINDS_2[kind][0](list(words), rng)


def corrupt(words: list[str], rng: random.Random, double: float = 0.15, mix: int = 1
            ) -> tuple[list[str], list[int], str] | None:
    """A corrupted copy of ``words``: (words, indices of wrong words, kind name); two edits
    with probability ``double`` (their labels merged).  None when no kind applies.
    ``mix``: the kinds and weights (:data:`MIXES`)."""
    kinds = MIXES[mix]
    names = list(kinds)
    weights = [kinds[k][1] for k in names]
    for _ in range(6):
        kind = rng.choices(names, weights)[0]
        ed = apply(words, kind, rng)
        if ed is None or ed[0] == words:
            continue
        out, bad = ed
        if rng.random() < double:
            kind2 = rng.choices(names, weights)[0]
            ed2 = apply(out, kind2, rng)
            if ed2 is not None and ed2[0] != out and len(ed2[0]) == len(out):  # same length: indices stay valid
                out, bad = ed2[0], sorted(set(bad) | set(ed2[1]))
                kind = f"{kind}+{kind2}"
        return out, [b for b in bad if 0 <= b < len(out)], kind
    return None
