"""How English news capitalises words and names: the lexicon behind CAS003 and CAS004.

Built once from a corpus of native English news (``python -m mtqa.casing_lexicon build
CORPUS.txt.xz``; the shipped table comes from the AllSides political-news training file,
33 M words, see ``mtqa/data/casing/README.md``) and shipped as counts, never as text:

* words: for each word (case-folded), how often it is written capitalised, in lower case
  and in capitals *inside* a sentence (sentence-initial words and all-caps lines say
  nothing about casing), and its most frequent capitalised form;
* phrases: for each run of two to five capitalised words (inner "of", "the", "and", "for",
  "on", "de" allowed: "Shanghai Cooperation Organization", "Bank of England"), how often it
  is capitalised and how often the same words appear in lower case.

A word or phrase that news capitalises nearly always ("russians", "tass", "shanghai
cooperation organization") is a slip when written in lower case; one it also writes in
lower case ("turkey", "bill", "polish", "march") is ambiguous and needs other evidence.
"""

from __future__ import annotations

import lzma
import re
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z'’]*)*")
INNER_WORDS = frozenset("of the and for on de".split())
MAX_PHRASE = 5
# a new sentence may start after these (with closing quotes/brackets and space between)
_SENTENCE_END = re.compile(r"[.!?…:;—–\-\"“”‘’'(\[]\s*$")

TABLE = "casing/capitalisation.tsv.xz"


class Casing(NamedTuple):
    form: str  # the most frequent capitalised form ("Russians", "TASS")
    capitalised: int  # inside a sentence, first letter upper
    lower: int  # inside a sentence, all lower case
    upper: int  # inside a sentence, all capitals (2+ letters); for a phrase: mixed casings

    @property
    def lower_share(self) -> float:
        """How often news writes it in lower case, of all its uses inside a sentence."""
        return self.lower / max(1, self.capitalised + self.upper + self.lower)


def _words_in_sentence(line: str) -> Iterator[tuple[re.Match[str], bool]]:
    """(match, sentence_initial) for the words of one paragraph."""
    prev_end = 0
    for m in WORD_RE.finditer(line):
        initial = prev_end == 0 or bool(_SENTENCE_END.search(line, prev_end, m.start()))
        prev_end = m.end()
        yield m, initial


def _in_address(text: str, start: int, end: int) -> bool:
    before = text[start - 1:start]
    after = text[end:end + 2]
    return before in ("@", "#", "/", ".") or (after[:1] in (".", "/") and after[1:2].isalnum())


def _is_title(w: str) -> bool:
    return w[0].isupper() and not w.isupper()


def _paragraphs(path: Path) -> Iterator[str]:
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            letters = [c for c in line if c.isalpha()]
            if letters and sum(c.isupper() for c in letters) > 0.5 * len(letters):
                continue  # an all-caps line: a headline or a slug says nothing about casing
            yield line


def count(paragraphs: Iterable[str]) -> tuple[dict[str, list[int]], Counter, dict[str, Counter], tuple[Counter, Counter]]:
    """words: folded -> [capitalised, lower, upper]; word forms; phrase forms; and the phrases'
    (all lower-case, mixed-casing) counts."""
    words: dict[str, list[int]] = {}
    forms: Counter = Counter()
    phrase_forms: dict[str, Counter] = {}
    paras = list(paragraphs) if not isinstance(paragraphs, list) else paragraphs
    for line in paras:
        run: list[str] = []
        for m, initial in _words_in_sentence(line):
            w = m.group()
            key = w.casefold()
            if _in_address(line, m.start(), m.end()):
                continue  # cnn.com, @politico, #maga: an address, not a word
            if not initial:
                c = words.get(key)
                if c is None:
                    c = words[key] = [0, 0, 0]
                if w.islower():
                    c[1] += 1
                elif w.isupper() and len(w) > 1:
                    c[2] += 1
                elif _is_title(w):
                    c[0] += 1
                    forms[w] += 1
            # runs of capitalised words (inner function words allowed); a sentence start ends one
            if initial and run:
                _close(run, phrase_forms)
                run = []
            if (w[0].isupper() and not initial) or (run and key in INNER_WORDS):
                run.append(w)  # a sentence-initial capital is positional: it starts no name
            else:
                _close(run, phrase_forms)
                run = []
        _close(run, phrase_forms)
    # lower-case occurrences of the phrases seen capitalised often enough
    keep = {k for k, c in phrase_forms.items() if sum(c.values()) >= 5}
    phrase_lower: Counter = Counter()
    phrase_mixed: Counter = Counter()
    first_words = {k.split()[0] for k in keep}
    for line in paras:
        toks = [m.group() for m in WORD_RE.finditer(line)]
        folded = [t.casefold() for t in toks]
        for i in range(len(toks)):
            if folded[i] not in first_words:
                continue
            for n in range(2, MAX_PHRASE + 1):
                if i + n > len(toks):
                    break
                k = " ".join(folded[i:i + n])
                if k not in keep:
                    continue
                run = toks[i:i + n]
                if all(t.islower() for t in run):
                    phrase_lower[k] += 1
                elif not all(t[0].isupper() or t.casefold() in INNER_WORDS for t in run):
                    phrase_mixed[k] += 1  # "Russian government": a name word and common words
    return words, forms, {k: phrase_forms[k] for k in keep}, (phrase_lower, phrase_mixed)


def _close(run: list[str], phrase_forms: dict[str, Counter]) -> None:
    while run and run[-1].casefold() in INNER_WORDS:
        run.pop()
    if len(run) < 2:
        return
    # every sub-run of 2..MAX_PHRASE words that starts and ends with a capitalised word
    for i in range(len(run)):
        if not run[i][0].isupper() or run[i].casefold() in INNER_WORDS:
            continue
        for j in range(i + 2, min(len(run), i + MAX_PHRASE) + 1):
            if not run[j - 1][0].isupper():
                continue
            form = " ".join(run[i:j])
            phrase_forms.setdefault(form.casefold(), Counter())[form] += 1


def build(corpus: Path, out: Path, min_capitalised: int = 10) -> None:
    paras = list(_paragraphs(corpus))
    words, forms, phrase_forms, (phrase_lower, phrase_mixed) = count(paras)
    best_form: dict[str, tuple[int, str]] = {}
    for f, n in forms.items():
        k = f.casefold()
        if n > best_form.get(k, (0, ""))[0]:
            best_form[k] = (n, f)
    rows = []
    for k, (cap, low, up) in words.items():
        if cap + up >= min_capitalised:
            form = best_form.get(k, (0, k.upper() if up > cap else k.title()))[1]
            if up > cap:
                form = k.upper()
            rows.append(f"w\t{k}\t{form}\t{cap}\t{low}\t{up}")
    for k, c in phrase_forms.items():
        cap = sum(c.values())
        if cap >= min_capitalised and cap >= phrase_lower.get(k, 0):
            rows.append(f"p\t{k}\t{c.most_common(1)[0][0]}\t{cap}\t{phrase_lower.get(k, 0)}\t{phrase_mixed.get(k, 0)}")
    rows.sort()
    header = ("# mtqa casing lexicon: how native English news capitalises words and names inside a sentence.\n"
              f"# built by `python -m mtqa.casing_lexicon build {corpus.name}` from {len(paras):,} paragraphs;\n"
              "# counts only (no text); see mtqa/data/casing/README.md for the source and licence.\n"
              "# columns: kind (w word | p phrase)<TAB>folded<TAB>form<TAB>capitalised<TAB>lower<TAB>upper\n"
              "# (for a phrase the last column counts mixed casings: 'Russian government')\n")
    with lzma.open(out, "wt", encoding="utf-8", preset=9) as fh:
        fh.write(header)
        fh.write("\n".join(rows) + "\n")
    print(f"wrote {out}: {sum(r[0] == 'w' for r in rows):,} words, {sum(r[0] == 'p' for r in rows):,} phrases")


class _Counts(dict):
    """folded -> Casing, parsed from its table row on first use (start-up stays fast)."""

    def get(self, key, default=None):
        row = super().get(key)
        if row is None:
            return default
        if isinstance(row, str):
            form, cap, low, up = row.split("\t")
            row = Casing(form, int(cap), int(low), int(up))
            self[key] = row
        return row

    def __getitem__(self, key):
        row = self.get(key)
        if row is None:
            raise KeyError(key)
        return row

    def items(self):
        return ((k, self.get(k)) for k in self)


@lru_cache(maxsize=1)
def lexicon() -> tuple[dict[str, Casing], dict[str, Casing]]:
    """(words, phrases): folded text -> its casing counts in native news.  (The casing rules
    read the same rows from a cache of tables derived at the first run:
    :func:`mtqa.rules.casing_names.lexicon`.)"""
    return counts(*table_rows())


def table_bytes() -> bytes:
    """The packaged table, compressed, as shipped."""
    from importlib import resources

    with resources.files("mtqa").joinpath("data", *TABLE.split("/")).open("rb") as raw:
        return raw.read()


def table_rows(data: "bytes | None" = None) -> tuple[list[str], list[str], list[str], list[str]]:
    """(word keys, word rows, phrase keys, phrase rows) of the packaged table, in its order; a
    row is the rest of its line (form, capitalised, lower, upper), parsed by :func:`counts`
    on first use."""
    text = lzma.decompress(table_bytes() if data is None else data).decode("utf-8")
    wk: list[str] = []
    wr: list[str] = []
    pk: list[str] = []
    pr: list[str] = []
    for line in text.splitlines():
        if line[:1] == "#":
            continue
        kind, key, row = line.split("\t", 2)
        if kind == "w":
            wk.append(key)
            wr.append(row)
        else:
            pk.append(key)
            pr.append(row)
    return wk, wr, pk, pr


def counts(wk: list[str], wr: list[str], pk: list[str], pr: list[str]) -> tuple[dict[str, Casing], dict[str, Casing]]:
    """(words, phrases) from :func:`table_rows`' columns (a key seen twice keeps its last row)."""
    words, phrases = _Counts(), _Counts()
    dict.update(words, zip(wk, wr))
    dict.update(phrases, zip(pk, pr))
    return words, phrases


DEMONYMS = "casing/demonyms.tsv"


def build_demonyms(out: Path) -> None:
    """The nationalities of the ``countryinfo`` package (MIT) and their plurals, as a table:
    ``python -m mtqa.casing_lexicon demonyms`` (tests/test_casing_names.py checks it is current)."""
    rows = sorted(demonyms_from_countryinfo().items())
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("# Nationalities and demonyms: the `demonym` of every country of the countryinfo package (MIT),\n"
                 "# and its plural; written by `python -m mtqa.casing_lexicon demonyms`.\n"
                 "folded\tdemonym\n")
        fh.writelines(f"{k}\t{v}\n" for k, v in rows)
    print(f"wrote {out}: {len(rows)} demonyms")


def demonyms_from_countryinfo() -> dict[str, str]:
    import json
    from importlib import resources

    out: dict[str, str] = {}
    for f in sorted(resources.files("countryinfo").joinpath("data").iterdir(), key=lambda f: f.name):
        if not f.name.endswith(".json"):
            continue
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue
        for d in str(data.get("demonym") or "").split(","):
            d = d.strip()
            if not d or not d[0].isupper():
                continue
            out.setdefault(d.casefold(), d)
            if not d.endswith(("ese", "ish", "ch", "ss", "s", "i")) and " " not in d:
                out.setdefault((d + "s").casefold(), d + "s")
    return out


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "build":
        out = Path(argv[2]) if len(argv) > 2 else Path(__file__).parent / "data" / TABLE
        build(Path(argv[1]), out)
        return 0
    if argv[:1] == ["demonyms"]:
        build_demonyms(Path(argv[1]) if len(argv) > 1 else Path(__file__).parent / "data" / DEMONYMS)
        return 0
    sys.stderr.write("usage: python -m mtqa.casing_lexicon build CORPUS[.xz] [OUT.tsv.xz]\n"
                     "       python -m mtqa.casing_lexicon demonyms [OUT.tsv]\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
