"""Synthetic name garbles: what MT does to a real name, injected into clean news.

The channel (seeded, :class:`Garbler`) takes an English name word and its Russian
spelling and writes what MT systems write:

``romanize``
    the Russian spelling romanized letter by letter in one of the schemes MT output
    shows (BGN/PCGN, Wikipedia, ICAO, Yandex, Moscow metro, GOST 7.79, scientific;
    cyrtranslit), soft signs dropped: Шольц → "Sholts", "Sholz";
``ending``
    a Russian case ending left on (Шольца → "Sholtsa", Лаврова → "Lavrova");
``gender``
    a feminine/masculine surname swap (Гагарина ↔ Гагарин);
``slip``
    one letter dropped, doubled, undoubled, swapped or a vowel changed ("Hemilton");
``truncate``
    the last one or two letters cut.

Name pairs (:func:`name_pairs`) come from the curated gazetteer (each entry's English
name and Russian form, word by word) and from Wikidata's Russian–English name pairs
(``../shared/data/names/wd_russian_80``, CC0), the best attested first.  The training
data and the benchmark are built from different parts of the clean news
(``benchmarks/_parts.py``): training from ``calibration``, the benchmark from ``report``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from mtqa.gazetteer.keys import norm

SCHEMES = ("BGN_PCGN", "WIKIPEDIA", "ICAO_DOC_9303", "YANDEX_MAPS", "MOSMETRO", "GOST_779", "SCIENTIFIC")
OPERATIONS = (("romanize", 0.45), ("ending", 0.2), ("slip", 0.2), ("gender", 0.05), ("truncate", 0.1))
_CYR = re.compile(r"^[А-ЯЁ][а-яё]+$")
_VOWELS = "aeiouy"


@dataclass(frozen=True)
class NamePair:
    english: str  # one word as English writes it ("Scholz")
    russian: str  # its Russian spelling ("Шольц")
    weight: float  # how well known (curated entries first)
    source: str  # "gazetteer" or "wikidata"


#: a pair is a transliteration (not a translation: White/Белый, North/Северная) when the
#: Russian keys of the two spellings are at least this similar (0-1)
MIN_SIMILARITY = 0.5


def _transliterated(en: str, ru: str) -> bool:
    from rapidfuzz.distance import Levenshtein

    from mtqa.gazetteer.keys import ru_key

    a, b = ru_key(en), ru_key(ru)
    if len(b) > len(a) + 2:  # an adjective or a longer word (American/Американское)
        return False
    return 1 - Levenshtein.distance(a, b) / max(len(a), len(b), 1) >= MIN_SIMILARITY


def name_pairs(gazetteer_entries, wikidata: "Path | None" = None, min_people: int = 30) -> dict[str, NamePair]:
    """English word -> its pair; curated gazetteer words win over Wikidata's."""
    out: dict[str, NamePair] = {}
    for e in gazetteer_entries:
        en = e.name.split()
        for lang, form in e.foreign:
            ru = form.strip("«»\"").split()
            if lang != "ru" or len(ru) != len(en):
                continue
            for a, b in zip(en, ru):
                if len(a) >= 4 and a.isalpha() and a[0].isupper() and _CYR.match(b) and a not in out \
                        and _transliterated(a, b):
                    out[a] = NamePair(a, b, 2.0, "gazetteer")
            break
    if wikidata is not None and wikidata.exists():
        for line in wikidata.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 3 or not parts[2].isdigit() or int(parts[2]) < min_people:
                continue
            en = parts[0][:1].upper() + parts[0][1:]
            ru = parts[1].replace(" ", "")
            ru = ru[:1].upper() + ru[1:]
            if len(en) >= 4 and en.isalpha() and en.isascii() and _CYR.match(ru) and en not in out \
                    and _transliterated(en, ru):
                out[en] = NamePair(en, ru, 1.0, "wikidata")
    return out


def romanize(russian: str, scheme: str) -> str:
    if scheme == "cyrtranslit":
        import cyrtranslit

        out = cyrtranslit.to_latin(russian, "ru").replace("cz", "ts")
    else:
        import iuliia

        out = getattr(iuliia, scheme).translate(russian)
    out = re.sub(r"['’ʹʺ`\"]", "", out)
    return out[:1].upper() + out[1:].lower() if out else out


class Garbler:
    def __init__(self, seed: int = 0):
        self.rng = random.Random(seed)

    def _scheme(self) -> str:
        return self.rng.choice((*SCHEMES, "cyrtranslit"))

    def garble(self, pair: NamePair) -> "tuple[str, str] | None":
        """(garbled spelling, operation), or None when the channel leaves the name as it is."""
        rng = self.rng
        ops, weights = zip(*OPERATIONS)
        for _ in range(4):
            op = rng.choices(ops, weights)[0]
            g = getattr(self, "_" + op)(pair)
            if g and g.isascii() and g.isalpha() and len(g) >= 3 and norm(g) != norm(pair.english):
                return g, op
        return None

    def _romanize(self, p: NamePair) -> str:
        return romanize(p.russian, self._scheme())

    def _ending(self, p: NamePair) -> str:
        r = p.russian
        if r[-1] in "аяы":
            r = r[:-1] + self.rng.choice(("ы", "е", "у", "ой") if r[-1] == "а" else ("и", "е", "ю", "ей"))
        elif r[-1] in "йь":
            r = r[:-1] + self.rng.choice(("я", "ю", "ем"))
        elif r[-1] not in "еиоуэюё":
            r = r + self.rng.choice(("а", "у", "ом", "е"))
        else:
            return ""
        return romanize(r, self._scheme())

    def _gender(self, p: NamePair) -> str:
        r = p.russian
        if re.search(r"(?:ов|ев|ин|ын)$", r):
            r += "а"
        elif re.search(r"(?:ова|ева|ина|ына)$", r):
            r = r[:-1]
        elif r.endswith("ский"):
            r = r[:-4] + "ская"
        else:
            return self._romanize(p)
        return romanize(r, self._scheme())

    def _slip(self, p: NamePair) -> str:
        w = p.english
        rng = self.rng
        kind = rng.choice(("drop", "double", "undouble", "swap", "vowel"))
        i = rng.randrange(1, len(w))
        if kind == "drop":
            return w[:i] + w[i + 1:]
        if kind == "double":
            return w[:i] + w[i] + w[i:]
        if kind == "undouble":
            m = re.search(r"(\w)\1", w)
            return w[:m.start()] + w[m.start() + 1:] if m else ""
        if kind == "swap":
            i = min(i, len(w) - 2)
            return w[:i] + w[i + 1] + w[i] + w[i + 2:] if i >= 1 else ""
        vs = [j for j, ch in enumerate(w) if ch in _VOWELS and j > 0]
        if not vs:
            return ""
        j = rng.choice(vs)
        return w[:j] + rng.choice([v for v in _VOWELS if v != w[j]]) + w[j + 1:]

    def _truncate(self, p: NamePair) -> str:
        w = p.english
        if len(w) < 7:
            return ""
        return w[: -self.rng.choice((1, 2))]


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[A-Z\"“])")
CHUNK_CHARS = 600


def chunks(text: str) -> list[str]:
    """The article's paragraphs; a paragraph longer than :data:`CHUNK_CHARS` (many sources
    store a story as one block) cut into runs of whole sentences up to that length."""
    out = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        if len(para) <= CHUNK_CHARS:
            out.append(para)
            continue
        cur = ""
        for sent in _SENTENCE_END.split(para):
            if cur and len(cur) + len(sent) + 1 > CHUNK_CHARS:
                out.append(cur)
                cur = ""
            cur = f"{cur} {sent}" if cur else sent
        if cur:
            out.append(cur)
    return [c for c in out if 80 <= len(c) <= 2 * CHUNK_CHARS]


_TOKEN = re.compile(r"(?<![\w'’-])([A-Z][a-z]+)(?![\w'’-])")


def garbled_paragraphs(articles, pairs: dict[str, NamePair], seed: int, limit: int):
    """Yield (paragraph as garbled, span (start, end), original word, garble, operation): one
    name garbled, once, per paragraph that has one; at most ``limit``."""
    g = Garbler(seed)
    rng = random.Random(seed + 1)
    n = 0
    for _, text in articles:
        for para in chunks(text):
            hits = [m for m in _TOKEN.finditer(para) if m.group(1) in pairs and m.start() > 0]
            if not hits:
                continue
            m = rng.choice(hits)
            got = g.garble(pairs[m.group(1)])
            if got is None:
                continue
            garble, op = got
            a = m.start(1)
            yield para[:a] + garble + para[m.end(1):], (a, a + len(garble)), m.group(1), garble, op
            n += 1
            if n >= limit:
                return


def clean_paragraphs(articles, seed: int, limit: int):
    """Yield untouched paragraphs with at least one capitalised word inside a sentence."""
    rng = random.Random(seed + 2)
    n = 0
    for _, text in articles:
        paras = chunks(text)
        if not paras:
            continue
        p = rng.choice(paras)
        if _TOKEN.search(p, 1):
            yield p
            n += 1
            if n >= limit:
                return
