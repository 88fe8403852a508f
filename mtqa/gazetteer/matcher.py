"""Finding entity names in a document and judging them against the gazetteer.

Candidate spans
---------------
One regular-expression pass finds *name runs*: capitalised words, hyphenated
forms ("al-Qaeda", "EN-Nusra"), an article-and-hyphen form ("an-Nusra"), the
particles that sit inside names (al, an, el, bin, ben, ibn, abu, de, van,
von, la…), and one lower-case word directly before an article form
("dzhebhat an-Nusra" — MT lower-cases a garbled word it does not know).
Each distinct run is analysed once per process and cached.  Inside a run,
windows of up to six words that contain an *interesting* word (a rare word
within one edit of a gazetteer word, an ordinary word that occurs in a
romanized Russian form such as "Ernest", a house-style word, an assimilated
article) are judged longest first, left to right; a window that is an
accepted name or that matches an entry is taken and the scan resumes after
it.

Policy (when a window becomes a finding)
----------------------------------------
* Never when the window is, modulo case and typography, a canonical name or
  alias; never for allowed words (``ctx.is_allowed`` on the window or any of
  its words); house-style pairs (Kiev/Kyiv) go to the house-style rule.
* An assimilated Arabic article where an accepted form has al-/el-
  ("Hayat Tahrir ash-Sham") is a variant of that form (confidence 0.8);
  al- and el- are both English spellings and never corrected.
* **Russian-derived matches** — the window's skeleton equals a romanization
  of an entry's Cyrillic form ("Dzhebhat EN-Nusra", "Moravetsky"): reported
  when at least one differing word is not an English spelling (wordfreq has
  never seen it); confidence 0.84, +0.03 per context keyword (at most two),
  +0.06 when a differing word carries a romanized-Russian signature (Dzh-,
  kh, ts, -ov, -sky…) — only then can it reach error severity.  A fuzzy (not
  exact) match is capped at 0.89.
* **Russian forms of Ukrainian names** ("Vladimir Zelensky" when the entry
  also has a Ukrainian form and the surname is exact): 0.8 + context (house
  style ``ukrainian`` only).
* **Ordinary-English look-alikes** ("Josh Ernest" for Josh Earnest): when
  every differing word is a common English word the found form is itself a
  plausible name, so the finding needs all of: a person entry whose first
  word matches and whose surname is one edit away, the found form equal to a
  romanization of the entry's Russian form (Джош Эрнест → "Dzhosh Ernest" →
  skeleton of "Josh Ernest"), the found form not itself an entry, **and** at
  least one of the entry's specific context keywords (a proper noun or a
  phrase: "White House", "press secretary"; not "president") in the same
  paragraph or within 400 characters.  Confidence 0.75 + 0.1 per keyword.
  "Ernest Hemingway", or a "Josh Ernest" in a story about plumbing, stay
  silent.
* **Spelling variants of English forms** ("Mohammed Morsi", "Aleksey
  Miller", "Morsy"): when every differing word is a spelling English text
  uses, nothing is reported; a misspelling of the English name itself
  ("Chuck Shumer") needs a context keyword or a romanized-Russian signature,
  and is at most a warning.
* **Accepted variants** (:mod:`mtqa.gazetteer.variants`): a window whose every
  word is the entry's word or an accepted variant of it — a group of
  ``mtqa/data/name_variants.tsv`` (Zelenskii, Aleksei, Dmitri...) or the
  standard BGN/PCGN, Wikipedia or KMU 2010 romanization of the Cyrillic word
  the English word comes from ("Sergey Shoygu", "Navalnyy") — is never
  reported.  A house style's pick of a variant group is written in every
  suggestion.
* **A single word** must be rare in English, at least five letters, not in
  capitals, a transliteration (not a translation: "Shvetsiya" for Sweden
  stands only in a longer match) of an entry's Cyrillic form, and either
  carry a romanized-Russian signature or have a context keyword nearby;
  keys predicted by the learned model never stand alone ("Yoran" is not
  Soran).  Gender pairs (Peskov/Peskova) and plurals ("the Paul Ryans of the
  world") are never corrections.

Words with a strong romanized-Russian signature (a Dzh- start, the endings
-skiy, -iy, -yy, -ovna/-evna) that match nothing are reported as
*unverified transliterations*, once per document and spelling.

Mentions of one entity across the document (a surname alone after a full
name, the possessive, title + surname, the headline) are linked after this
scan by :mod:`mtqa.gazetteer.mentions`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from mtqa.gazetteer.keys import ARTICLES, ASSIMILATED, norm, norm_literal, skeleton
from mtqa.gazetteer.keys import POSSESSIVE as _POSSESSIVE
from mtqa.gazetteer.variants import apply_picks, is_variant
from mtqa.trie_regex import trie_pattern

if TYPE_CHECKING:  # pragma: no cover
    from mtqa.gazetteer.resource import Gazetteer

_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_W = r"[\w'’]"
_ART = r"(?:al|el|ul|an|ash|as|ad|at|ar|az|en|es|ibn|bin|abu|bint|ad-d|ud)"
_CAPTOK = rf"(?:[{_UP}]{_W}*(?:-{_W}+)*|{_ART}-[{_UP}]{_W}*(?:-{_W}+)*)"
_PARTICLE = r"(?:al|el|an|ash|as|ad|at|ar|az|bin|ben|ibn|bint|abu|de|da|di|del|della|der|den|van|von|la|le|du|dos|das|ter|ten|bin|y|of|the|and|for)"
# a run starts at a capital; a run that continues a word ("iPhone") is skipped in code,
# one after an article and hyphen ("an-Nusra") is extended back over the article
_CAPW = rf"[{_UP}][\w'’]*(?:-[\w'’]+)*"
# the same language as written above, in a form Python's engine runs faster: possessive
# quantifiers (a word never gives back letters) and the particles as a trie
_CAPW_FAST = rf"[{_UP}][\w'’]*+(?:-[\w'’]++)*+"
RUN_RE = re.compile(rf"{_CAPW_FAST}(?:(?:[ \t]+(?:{trie_pattern(_PARTICLE[3:-1].split('|'), fold=False)}))*"
                    rf"[ \t]+(?:{_CAPW_FAST}|{_ART}-{_CAPW_FAST}))*")
_ART_BEFORE = re.compile(rf"(?<![\w'’-]){_ART}-\Z", re.I)
_DASH_CAP = re.compile(rf"-[{_UP}]")  # cheap (literal first character): where an "an-Nusra" may start
_PREV_WORD = re.compile(r"(?<![\w'’-])([a-z][a-z'’]{3,})[ \t]+\Z")
_ART_PREFIX = re.compile(r"(?:an|ash|as|ad|at|ar|az|en|es|el|ul|ed|et|er|ez|al)-", re.I)
_TOKEN_RE = re.compile(r"\S+")
MAX_WINDOW = 6
CONTEXT_RADIUS = 400
PARAGRAPH_RADIUS = 3000  # context never reaches further than this, whatever the paragraph
PARTICLES = frozenset(_PARTICLE[3:-1].split("|"))

# romanized-Russian signatures (NAM002)
_SIG_STRONG = re.compile(r"^dzh|(?:skiy|skii|tskiy|[^aeiou]iy|yy|ovna|evna)$")
_SIG_CLUSTER = re.compile(r"zh|kh|shch|ts|tch|yu|ya|yo")
_SIG_ENDING = re.compile(r"(?:ov|ev|yov|yev|in|yn|sky|ski|enko|chuk|yuk|uk|ova|eva|ina|aya|ykh|ikh|ovo|yevo)$")
_GENDER = re.compile(r"(?:a|aya|ya)$")


@dataclass
class NameHit:
    """One judged window: a garbled name (kind ``garbled``), an article variant
    (``article``), a house-style spelling (``house``) or an unverified
    transliteration (``unverified``)."""

    kind: str
    start: int
    end: int
    text: str
    suggestion: str | None = None
    confidence: float = 0.0
    entry_id: str = ""
    entry_type: str = ""
    evidence: str = ""
    context_seen: list[str] = field(default_factory=list)
    # document-level linking (mtqa.gazetteer.mentions): the entity group of the hit, how the
    # mention names it ("full", "surname"), the full mention a surname alone was linked to
    # (its text and start) and every spelling of the entity seen in the document
    group: str = ""
    mention: str = ""
    linked_to: "tuple[str, int] | None" = None
    spellings: tuple[str, ...] = ()
    index: int = -1  # the entry's position in the index


def signature(word: str) -> int:
    """Strength of a word's romanized-Russian signature: 2 strong, 1 weak, 0 none."""
    w = word.casefold()
    if not w.isascii() or len(w) < 4:
        return 0
    if _SIG_STRONG.search(w):
        return 2
    if _SIG_CLUSTER.search(w) or _SIG_ENDING.search(w):
        return 1
    return 0


def _gender_pair(found: str, canon: str) -> bool:
    f, c = norm(found), norm(canon)
    return bool(_GENDER.search(f)) != bool(_GENDER.search(c)) and f[:4] == c[:4]


class DocumentMatcher:
    def __init__(self, gaz: "Gazetteer"):
        self.gaz = gaz
        self.index = gaz.index
        self.common = gaz.index.common_words
        self._win_cache: dict[str, tuple] = {}
        self.house_ru = {norm(a): b for a, b in gaz.index.house_style}
        self.house_uk: dict[str, str] = {}
        for a, b in gaz.index.house_style:
            self.house_uk.setdefault(norm(b), a)
        # russian mode maps Ukrainian-derived → Russian-derived; keep the display forms
        self.house_ru = {norm(a): b for a, b in gaz.index.house_style}
        self.house_first = {k.split()[0] for k in (*self.house_ru, *self.house_uk) if k}
        self._run_cache: dict[str, tuple] = {}
        self._empty_runs: set[str] = set()  # runs (upper-case first letter) known to produce nothing
        self._tok_cache: dict[str, int] = {}
        self._boring: set[str] = set(PARTICLES)  # words whose status is 0
        if gaz.index.token_tables is None:
            gaz.index.token_tables = _token_tables(gaz.index)
        self.lookalike_words, self.token_dels = gaz.index.token_tables
        # no deletion variant of a longer word can be in the table: skip those words (linear time)
        self._dels_max = max(map(len, self.token_dels), default=0)
        raw = getattr(gaz.index, "lookalike_raw", None)
        if raw is None:
            raw = gaz.index.lookalike_raw = _lookalike_raw(gaz.index, self.lookalike_words)
        self.lookalike_raw = raw
        self.common = gaz.index.common_words

    # -- per-word facts (cached) -------------------------------------------
    def _is_common(self, word: str) -> bool:
        w = _POSSESSIVE.sub("", word).casefold()
        return w in self.common or norm(w) in self.common

    def _known_token(self, word: str) -> bool:
        return skeleton(word) in self.index.tokens

    # -- the scan ----------------------------------------------------------
    def scan(self, text: str, is_allowed) -> list[NameHit]:
        """Garbled names, house-style spellings and unverified transliterations.

        Each run of name-like words is analysed once per process (the result,
        with offsets relative to the run, is cached by the run's text); only
        the rare runs that produce something are looked at again, for the
        document-dependent parts: context keywords, the allow list, the
        house-style exceptions."""
        cache = self._run_cache
        empty = self._empty_runs
        # fast path: the distinct runs of the document not already known to produce
        # nothing (a C-level set difference), and any article-and-hyphen form ("an-Nusra",
        # which a garbled lower-case word may precede); most documents stop here
        todo = set(RUN_RE.findall(text))
        todo.difference_update(empty)
        live = False
        for run in todo:
            protos = cache.get(run)
            if protos is None:
                protos = self._analyze_run(run, "")
                if len(cache) > 300_000:
                    cache.clear()
                    empty.clear()
                cache[run] = protos
            if protos:
                live = True
            else:
                empty.add(run)
        if not live:
            for m in _DASH_CAP.finditer(text):
                i = m.start()
                if _ART_BEFORE.search(text, max(0, i - 8), i + 1):
                    live = True
                    break
            if not live:
                return []
        hits: list[NameHit] = []
        seen_unverified: set[str] = set()
        for m in RUN_RE.finditer(text):
            run = m.group(0)
            base = m.start()
            if base:
                c = text[base - 1]
                if c == "-":
                    a = _ART_BEFORE.search(text, max(0, base - 8), base)
                    if a is None:
                        continue  # "Trump-Putin": the second half of a compound
                    base = a.start()
                    run = text[base:m.end()]
                elif c.isalnum() or c in "'’_":
                    continue  # inside a word: "iPhone", "McDonald"
            if run in empty:
                continue
            protos = cache.get(run)
            if protos is None:
                protos = self._analyze_run(run, "")
                cache[run] = protos
            if run[0].islower():
                # "dzhebhat an-Nusra": a garbled lower-case word before an article form
                prev = _PREV_WORD.search(text, max(0, base - 40), base)
                if prev and not self._is_common(prev.group(1)):
                    lead = prev.group(1)
                    key = lead + " " + run
                    lp = cache.get(key)
                    if lp is None:
                        lp = self._analyze_run(run, lead)
                        cache[key] = lp
                    if lp:
                        protos = lp
                        base = prev.start(1)
            for proto in protos:
                hit = self._materialize(text, base, proto, is_allowed, seen_unverified)
                if hit is not None:
                    hits.append(hit)
        return hits

    def _materialize(self, text, base, proto, is_allowed, seen_unverified):
        rs, re_, window, res, words = proto
        s, e = base + rs, base + re_
        kind = res[0]
        if kind == "unverified":
            key = window.casefold()
            if key in seen_unverified or is_allowed(window):
                return None
            seen_unverified.add(key)
            return NameHit("unverified", s, e, window, None, 0.5, evidence=res[1])
        if kind == "house":
            if is_allowed(window) or not _house_context_ok(text, s, e):
                return None
            style = "Ukrainian-derived" if self.gaz.house_style != "russian" else "Russian-derived"
            return NameHit("house", s, e, window, res[1], 0.95,
                           evidence=f"house style for Ukrainian names: {style} spellings ({window} → {res[1]})")
        return self._finish(text, s, e, window, res, is_allowed, list(words))

    # -- per-run analysis (cached) ---------------------------------------------
    def _token_status(self, w: str) -> int:
        """Bit flags of a word: 1 interesting for name matching, 2 unverified candidate."""
        st = self._tok_cache.get(w)
        if st is None:
            st = 0
            lw = w.casefold()
            if lw in self.house_first or lw in self.lookalike_raw:
                st = 1
            elif "-" in w and _ART_PREFIX.match(w) and not lw.startswith("al-"):
                st = 1
            if lw not in self.common:
                n = norm(w)
                idx = self.index
                if not (n in self.common or all(t in idx.accepted_tokens for t in n.split())):
                    sk = skeleton(w)
                    if sk and self._near_token(sk):
                        st |= 1
                    if signature(w) >= 2:
                        st |= 2
            self._tok_cache[w] = st
            if not st:
                self._boring.add(w)
        return st

    def _near_token(self, sk: str) -> bool:
        """True if some word of the skeleton is within one edit of a gazetteer word."""
        dels = self.token_dels
        for t in sk.split():
            if len(t) < 4 or len(t) > self._dels_max + 1:
                continue
            if t in dels:
                return True
            for i in range(len(t)):
                if t[:i] + t[i + 1:] in dels:
                    return True
        return False

    def _analyze_run(self, run: str, lead: str) -> tuple:
        """Proto-hits of one run (offsets relative to ``lead + " " + run``, or to the run):
        (rel_start, rel_end, window, judgement, words)."""
        full = f"{lead} {run}" if lead else run
        words = full.split()
        boring = self._boring
        if not lead and boring.issuperset(words):
            return ()  # every word already known to be of no interest (one C-level test)
        toks = []
        for t in _TOKEN_RE.finditer(full):
            w = t.group(0)
            w2 = _POSSESSIVE.sub("", w) if len(w) > 3 and w[-1] in "s'’" else w
            toks.append((t.start(), t.start() + len(w2), w2))
        status = [self._token_status(w) if w not in PARTICLES else 0 for _, _, w in toks]
        if lead:
            status[0] |= 1
        if not any(status):
            boring.update(words)  # each word as written: its possessive-stripped form is of no interest
            return ()
        n = len(toks)
        out: list[tuple] = []
        covered: list[tuple[int, int]] = []
        i = 0
        while i < n:
            if toks[i][2] in PARTICLES and not (lead and i == 0):
                i += 1
                continue
            taken = False
            for j in range(min(n, i + MAX_WINDOW), i, -1):
                if toks[j - 1][2] in PARTICLES or not any(st & 1 for st in status[i:j]):
                    continue
                if lead and i == 0 and j == 1:
                    continue  # a lower-case word alone is no name
                rs, re_ = toks[i][0], toks[j - 1][1]
                window = full[rs:re_]
                res = self._judge(window, j - i, bool(lead) and i == 0)
                if res is None:
                    continue
                taken = True
                covered.append((i, j))
                if res[0] != "ok":
                    out.append((rs, re_, window, res, tuple(w for _, _, w in toks[i:j])))
                i = j
                break
            if not taken:
                i += 1
        for k, (rs, re_, w) in enumerate(toks):
            if status[k] & 2 and not any(a <= k < b for a, b in covered):
                ev = self._unverified_evidence(w)
                if ev:
                    out.append((rs, re_, w, ("unverified", ev), (w,)))
        return tuple(sorted(out, key=lambda p: p[0]))

    def _unverified_evidence(self, w: str) -> str:
        if norm(w) in self.house_ru or self.index.lookup(w, top=1, min_confidence=0.6):
            return ""
        return f"romanized-Russian signature ({_describe_signature(w)}); no gazetteer entry within one edit"

    def _judge(self, window: str, nwords: int, lower_first: bool):
        """('ok',) for an accepted name, a tuple describing a match, or None."""
        r = self._win_cache.get(window)
        if r is None:
            r = self._judge_uncached(window, nwords, lower_first)
            if len(self._win_cache) > 200_000:
                self._win_cache.clear()
            self._win_cache[window] = r
        return r or None

    def _judge_uncached(self, window: str, nwords: int, lower_first: bool):
        idx = self.index
        n = norm(window)
        if n in self.house_ru or n in self.house_uk:
            table = self.house_uk if self.gaz.house_style == "russian" else self.house_ru
            if n in table and window[:1].isupper():
                return ("house", _match_case(window, table[n]))
            return ("ok",)
        if n in idx.accepted:
            strict = _strict(window)
            for ei in idx.accepted[n]:
                for a in idx.entries[ei].accepted:
                    if norm(a) == n and _strict(a) != strict and _article_differs(window, a):
                        return ("article", ei, a)
            return ("ok",)
        if nwords == 1 and n in idx.surnames:
            return ("ok",)
        words = window.split()
        if any(norm(w) in self.house_ru or norm(w) in self.house_uk for w in words):
            return ()
        # an exact skeleton match needs every word's skeleton among the forms' words
        # (skeletons are word by word), which is cheaper to rule out than to compute
        tokens = idx.tokens
        if nwords > 1 and not all(t in tokens for w in words for t in skeleton(w).split()):
            exact = False
        else:
            exact = skeleton(window) in idx.by_skel
        garbled = [w for w in words if w not in PARTICLES and not self._is_common(w)
                   and not all(t in idx.accepted_tokens for t in norm(w).split())]
        if lower_first and not exact:
            return ()
        if nwords == 1:
            w = words[0]
            if self._is_common(w) or w.islower() or w.isupper() or len(norm(w)) < 5:
                return ()
            if not exact and signature(w) < 2:
                return ()
        elif not exact and not garbled:
            return ()
        elif not exact and not any(t in idx.accepted_tokens for w in words for t in norm(w).split()
                                   if t not in ARTICLES and t not in PARTICLES):
            return ()  # a fuzzy multi-word match needs a word that is exactly the entry's (below)
        cands = idx.lookup(window, top=3, min_confidence=0.45, fuzzy=not exact or nwords > 1)
        cands = [c for c in cands if c.confidence < 1.0]
        if not cands:
            return ()
        best = cands[0]
        need_context = False
        if nwords == 1:
            # a single word: only a transliteration of the English name, and with evidence
            if not best.close or best.form_kind in ("name", "alias", "learned"):
                return ()  # learned keys are too weak to stand alone: "Yoran" is not Soran
            if best.key == "fuzzy":
                if best.distance > 1 or best.confidence < 0.6:
                    return ()
                need_context = True
            elif best.form_kind == "surname":
                if signature(words[0]) < 1:
                    return ()  # "Morsy" for Morsi: a variant spelling of the English surname
                need_context = True
            elif signature(words[0]) < 1:
                need_context = True
        else:
            if best.key == "fuzzy":
                if best.confidence < 0.6:
                    return ()
                # a fuzzy multi-word match needs one word that is exactly the entry's
                accepted_words = {t for a in best.entry.accepted for t in norm(a).split()}
                if not any(t in accepted_words for w in words for t in norm(w).split()
                           if t not in ARTICLES and t not in PARTICLES):
                    return ()
        ei = best.index
        return ("match", ei, best.confidence, best.key, best.evidence, best.distance, tuple(garbled), need_context,
                best.form_kind, best.source, best.form)

    def _finish(self, text, s, e, window, res, is_allowed, words) -> NameHit | None:
        if is_allowed(window) or any(is_allowed(w) for w in words):
            return None
        idx = self.index
        kind = res[0]
        if kind == "article":
            entry = idx.entries[res[1]]
            return NameHit("garbled", s, e, window, res[2], 0.8, entry.id, entry.type,
                           f"Arabic article assimilated: '{window}' is '{res[2]}' ({entry.name})", index=res[1])
        _, ei, conf, key, evidence, dist, garbled, need_context, form_kind, source, form = res
        entry = idx.entries[ei]
        canon = entry.name
        if _gender_pair(words[-1], canon.split()[-1]) or _plural_of(window, entry):
            return None
        if is_variant(window, entry):
            return None  # "Volodymyr Zelenskii", "Sergey Shoygu": an accepted spelling (variants.py)
        seen = self._context(text, s, e, entry.context)
        if need_context and not seen:
            return None
        russian = form_kind in ("translit", "tsurname", "learned")
        unattested = [w for w in garbled if not self._is_attested(w)]
        if (russian and key != "fuzzy" and self.gaz.house_style != "russian"
                and _russian_form_of_ukrainian(window, entry, source)):
            # "Vladimir Zelensky": the Russian spelling of a Ukrainian name, surname exact
            conf = min(0.89, 0.8 + 0.04 * min(2, len(seen)))
            evidence += ("; Russian-derived form of a Ukrainian name" if ukrainian_derived(entry)
                         else f"; a variant transliteration of the standard English spelling '{canon}'")
        elif not garbled:
            # every differing word is ordinary English ("Josh Ernest"): the look-alike policy
            if (entry.type != "person" or not russian or key == "fuzzy" or not seen
                    or not _one_edit_person(window, entry)):
                return None
            conf = min(0.95, 0.75 + 0.1 * len(seen))
            evidence += "; the found form is an ordinary English name: accepted only with context"
        elif not unattested:
            # every differing word is a spelling English text uses ("Aleksey", "Morsy", "Binyamin"):
            # a variant, not a garble
            return None
        elif not russian:
            # a misspelling of the English name itself: needs context or an MT signature
            if not seen and not any(signature(w) for w in garbled):
                return None
            conf = min(0.85, conf) + 0.02 * min(2, len(seen))
        elif key == "fuzzy":
            conf = min(0.85, conf) + 0.02 * min(2, len(seen))  # close, not exact: never an error
        else:
            # an exact romanization of the Russian form: an error only with a romanized-Russian
            # signature in a differing word (Dzh-, kh, ts, -ov...): "Qassem Suleimani" or
            # "Surgutneftegaz" are English spellings that happen to equal a romanization
            conf = 0.84 + 0.03 * min(2, len(seen))
            if any(signature(w) for w in unattested):
                conf += 0.06
        if seen:
            evidence += "; context: " + ", ".join(f"'{k}'" for k in seen)
        # an alias, or a short form ("Vitali Zaharchenko", not the listed "Vitali Yur'yevich
        # Zaharchenko"): the form the window resembles is the suggestion
        suggestion = form if form_kind in ("alias", "short") else _suggest(window, entry, len(words))
        suggestion = apply_picks(suggestion, self.gaz.name_picks)
        if norm(suggestion) == norm(window):
            return None
        return NameHit("garbled", s, e, window, suggestion, round(conf, 4), entry.id, entry.type, evidence, seen,
                       index=ei)

    def _is_attested(self, word: str) -> bool:
        w = _POSSESSIVE.sub("", word).casefold()
        return w in self.common or w in self.index.attested_words

    def _context(self, text: str, s: int, e: int, keywords) -> list[str]:
        if not keywords:
            return []
        a = max(0, s - CONTEXT_RADIUS)
        b = min(len(text), e + CONTEXT_RADIUS)
        # widen to the paragraph, at most PARAGRAPH_RADIUS characters each way (a hit in a
        # huge unbroken "paragraph" must not cost a scan of all of it: linear time)
        lo, hi = max(0, s - PARAGRAPH_RADIUS), min(len(text), e + PARAGRAPH_RADIUS)
        pa = text.rfind("\n", lo, s)
        pb = text.find("\n", e, hi)
        a = min(a, pa + 1 if pa >= 0 else lo)
        b = max(b, pb if pb >= 0 else hi)
        around = (text[a:s] + " " + text[e:b]).casefold()
        return [k for k in keywords if _specific(k) and _has_word(around, k.casefold())]

# -- a surname standing alone ---------------------------------------------------------

SURNAME_MIN_LETTERS = 5  # a shorter surname alone is never distinctive ("Lee", "Bout")


def document_mentions(text: str) -> list[str]:
    """The document's runs of capitalised words of two or more words, in order, each once:
    where a full mention of a person ("Vitali Zaharchenko", "Mr Vitaliy ZAKHARCHENKO
    said") can be."""
    return list(dict.fromkeys(r for r in RUN_RE.findall(text) if len(r.split()) > 1))


def resolve_surname(index, surname: str, mentions=()) -> "int | None":
    """The person entry a surname standing alone refers to, or None when that is unclear.

    ``mentions`` are the document's name runs (:func:`document_mentions`).  The entries
    with the surname's key (any casing, any transliteration:
    :meth:`~mtqa.gazetteer.index.GazetteerIndex.surname_entries`) that the document names
    in full — a run ending in that surname whose last two to four words are, exactly or
    by skeleton, a name, alias or short form of the entry ("Vitaliy Zakharchenko" for
    "Vitali Yur'yevich ZAHARCHENKO") — decide: exactly one such entry is the answer, two
    or more are ambiguous.  With no full mention, the surname stands for an entry only
    when it is the gazetteer's only person with that key and distinctive: five letters
    or more and not an ordinary English word."""
    cands = index.surname_entries(surname)
    if not cands:
        return None
    named: set[int] = set()
    for run in mentions:
        words = [_POSSESSIVE.sub("", w) for w in run.split()]  # "Zaharchenko's"
        for end in range(len(words), 1, -1):
            if not set(index.surname_entries(words[end - 1])) & set(cands):
                continue
            for start in range(max(0, end - 4), end - 1):
                window = " ".join(words[start:end])
                for c in index.lookup(window, top=3, min_confidence=0.9, fuzzy=False, types=("person",)):
                    if c.index in cands:
                        named.add(c.index)
    if named:
        return next(iter(named)) if len(named) == 1 else None
    if len(cands) != 1:
        return None
    n = norm(surname)
    if len(n.replace(" ", "")) < SURNAME_MIN_LETTERS or n in index.common_words or " " in n:
        return None
    return cands[0]


_CAPWORD = re.compile(rf"(?<![\w'’-])[{_UP}][a-z'’]{{3,}}(?![\w-])")


def _describe_signature(w: str) -> str:
    lw = w.casefold()
    parts = []
    for pat, label in ((r"^dzh", "Dzh-"), (r"shch", "shch"), (r"zh", "zh"), (r"kh", "kh"), (r"ts", "ts")):
        if re.search(pat, lw):
            parts.append(label)
    m = re.search(r"(skiy|skii|ovich|evich|ovna|evna|yy|iy|ov|ev|in|sky|enko|uk|ova|eva|ina|aya)$", lw)
    if m:
        parts.append("-" + m.group(1))
    return ", ".join(dict.fromkeys(parts)) or "Russian ending"


def _token_tables(index) -> tuple[frozenset, frozenset]:
    """(look-alike words, token neighbourhood).

    Look-alike words are ordinary English words that occur in a romanized
    Cyrillic form of an entry but not in its English names ("ernest" from
    Джош Эрнест for Josh Earnest, "vladimir" for Volodymyr Zelensky): a run
    containing one must be judged even though every word in it is ordinary.
    The neighbourhood holds every gazetteer word (4+ letters) and its
    one-deletion variants: a rare word outside it cannot be a garbled name."""
    common = index.common_words
    accepted_words: dict[int, set[str]] = {}
    look: set[str] = set()
    dels: set[str] = set()
    for f in index.forms:
        words = f.skel.split()
        if f.kind in ("translit", "tsurname") and index.entries[f.entry].type == "person":
            acc = accepted_words.get(f.entry)
            if acc is None:
                acc = {w for a in index.entries[f.entry].accepted for w in skeleton(a).split()}
                accepted_words[f.entry] = acc
            for w, raw in zip(words, norm(f.text).split()):
                if w not in acc and raw in common and len(raw) >= 4:
                    look.add(w)
        for t in words:
            if len(t) >= 4 and t not in dels:
                dels.add(t)
                dels.update(t[:i] + t[i + 1:] for i in range(len(t)))
    return frozenset(look), frozenset(dels)


def _lookalike_raw(index, look_skels) -> frozenset:
    """The look-alike words as written (case-folded), for a skeleton-free first test."""
    out = set()
    for f in index.forms:
        if f.kind in ("translit", "tsurname"):
            for w, raw in zip(f.skel.split(), norm(f.text).split()):
                if w in look_skels:
                    out.add(raw)
    return frozenset(out)


def _match_case(found: str, target: str) -> str:
    return target.upper() if found.isupper() and len(found) > 1 else target


def _house_context_ok(text: str, s: int, e: int) -> bool:
    before = text[max(0, s - 20):s]
    after = text[e:e + 20]
    return not (any(x.search(before) for x in HOUSE_STYLE_EXCEPTIONS)
                or any(x.search(after) for x in _house_style_after_exceptions()))


def _specific(keyword: str) -> bool:
    """A context keyword that is evidence: a proper noun or a phrase ("White House",
    "press secretary"), not a generic word ("president")."""
    return " " in keyword.strip() or any(c.isupper() for c in keyword)


def _plural_of(window: str, entry) -> bool:
    """"the Paul Ryans of the world", "Goldman Sachses": a plural use of the name."""
    n = norm(window)
    return any(n in (norm(a) + "s", norm(a) + "es") for a in entry.accepted)


def _has_word(hay: str, needle: str) -> bool:
    i = hay.find(needle)
    while i != -1:
        before = hay[i - 1] if i > 0 else " "
        j = i + len(needle)
        after = hay[j] if j < len(hay) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        i = hay.find(needle, i + 1)
    return False


def _strict(s: str) -> str:
    return norm_literal(s)


def _article_differs(found: str, accepted: str) -> bool:
    """True if the two differ exactly in an Arabic article (ash-Sham / al-Sham)."""
    a = norm_literal(found).split()
    b = norm_literal(accepted).split()
    diff = [(x, y) for x, y in zip(a, b) if x != y]
    return len(a) == len(b) and bool(diff) and all(x in ASSIMILATED and y in ARTICLES for x, y in diff)


def _russian_form_of_ukrainian(window: str, entry, source: str) -> bool:
    """The window romanizes the entry's Russian form, the entry also has a Ukrainian
    form, and one of the window's words is exactly a word of the canonical name."""
    if not source.startswith("ru:") or not any(lang == "uk" for lang, _ in entry.foreign):
        return False
    canon_words = set(norm(entry.name).split())
    words = norm(window).split()
    return len(words) >= 2 and any(w in canon_words for w in words) and not all(w in canon_words for w in words)


_UKRAINIAN_DERIVED: dict[str, bool] = {}


def ukrainian_derived(entry) -> bool:
    """The entry's standard English name comes from its Ukrainian form: a word of it is a
    romanization of the Ukrainian form and of no Russian one (Volodymyr Zelensky, Kyiv,
    Kharkiv) — not Dmitry Peskov or Berlin, whose Ukrainian forms the gazetteer also lists."""
    hit = _UKRAINIAN_DERIVED.get(entry.id)
    if hit is None:
        from mtqa.gazetteer.translit import romanizations

        def words(lang: str) -> set[str]:
            return {w for l, form in entry.foreign if l == lang
                    for r in romanizations(form, lang).values() for w in norm(r).split()}

        uk_only = words("uk") - words("ru")
        hit = _UKRAINIAN_DERIVED[entry.id] = any(w in uk_only for w in norm(entry.name).split())
    return hit


def _one_edit_person(window: str, entry) -> bool:
    """The Josh Ernest test: first word equal, surname one edit from the entry's."""
    w = norm(window).split()
    for form in entry.accepted:
        f = norm(form).split()
        if len(f) >= 2 and len(w) == len(f) and w[0] == f[0]:
            if Levenshtein.distance(" ".join(w[1:]), " ".join(f[1:])) <= 1:
                return True
    return False


def _suggest(window: str, entry, nwords: int) -> str:
    """The canonical name; for a surname alone, the canonical surname."""
    canon = entry.name
    if nwords == 1 and entry.type == "person" and len(canon.split()) > 1 and "-" not in window:
        return canon.split()[-1]
    return canon


# -- house style (Kiev → Kyiv) ----------------------------------------------------

# spellings that stay whatever the house style: a dish, a US city, a historical state
HOUSE_STYLE_EXCEPTIONS = (
    re.compile(r"(?i:chicken)[ \t]+$"),
)
# a US state after the name (Odessa, Texas; Odessa, Fla.; Kiev, N.Y.): its full name, its AP
# abbreviation or its postal code
_US_STATES = (
    "Alabama|Ala|Alaska|Arizona|Ariz|Arkansas|Ark|California|Calif|Colorado|Colo|Connecticut|Conn|Delaware|Del|"
    "Florida|Fla|Georgia|Ga|Hawaii|Idaho|Illinois|Ill|Indiana|Ind|Iowa|Kansas|Kan|Kentucky|Ky|Louisiana|La|Maine|"
    "Maryland|Md|Massachusetts|Mass|Michigan|Mich|Minnesota|Minn|Mississippi|Miss|Missouri|Mo|Montana|Mont|"
    "Nebraska|Neb|Nevada|Nev|New Hampshire|N\\.H|New Jersey|N\\.J|New Mexico|N\\.M|New York|N\\.Y|"
    "North Carolina|N\\.C|North Dakota|N\\.D|Ohio|Oklahoma|Okla|Oregon|Ore|Pennsylvania|Pa|Rhode Island|R\\.I|"
    "South Carolina|S\\.C|South Dakota|S\\.D|Tennessee|Tenn|Texas|Tex|Utah|Vermont|Vt|Virginia|Va|Washington|Wash|"
    "West Virginia|W\\.Va|Wisconsin|Wis|Wyoming|Wyo|"
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|"
    "OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
HOUSE_STYLE_AFTER_EXCEPTIONS = (
    rf"^,?[ \t]+(?:{_US_STATES})(?:\.|\b)",
)


@lru_cache(maxsize=1)
def _house_style_after_exceptions() -> "tuple[re.Pattern[str], ...]":
    """HOUSE_STYLE_AFTER_EXCEPTIONS compiled on first need (a house-style hit is rare)."""
    return tuple(re.compile(p) for p in HOUSE_STYLE_AFTER_EXCEPTIONS)
