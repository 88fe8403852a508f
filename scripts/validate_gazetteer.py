#!/usr/bin/env python3
"""Validate the gazetteer TSV files in mtqa/data/gazetteer/.

Checks:
  * every entity file starts (after ``#`` comment lines) with the header
    ``id name type aliases foreign context note`` and every row has 7 columns;
  * ids are non-empty, well-formed (``prefix:slug``) and unique across all files;
  * ``type`` is one of person / organisation / place / other;
  * every person and organisation has at least one ``ru:`` form;
  * ``foreign`` items are ``lang:form``; ``ru:``/``uk:``/``be:`` forms are
    Cyrillic only (plus spaces, hyphens, apostrophes, dots, digits, quotes);
    (Roman regnal numbers such as "Карл III" are allowed); ``ar:`` forms are Arabic script; no foreign form is romanized Latin;
  * names and aliases contain no Cyrillic and no stray whitespace;
  * no duplicate canonical name within a type; no alias equal to the name;
  * house_style_ua.tsv has the header ``russian_derived ukrainian_derived``,
    no duplicated or Cyrillic entries, and no Russian-derived spelling that an
    entity file lists as an accepted name or alias.

Prints counts per file and type; exits 1 if any error was found.

Usage: python scripts/validate_gazetteer.py [DIR]
"""
from __future__ import annotations

import collections
import re
import sys
import unicodedata
from pathlib import Path

HEADER = ["id", "name", "type", "aliases", "foreign", "context", "note"]
TYPES = {"person", "organisation", "place", "other"}
ID_PREFIX = {"person": "per", "organisation": "org", "place": "loc", "other": "oth"}
HOUSE_STYLE_FILE = "house_style_ua.tsv"
HOUSE_STYLE_HEADER = ["russian_derived", "ukrainian_derived"]

ID_RE = re.compile(r"^(per|org|loc|oth):[a-z0-9][a-z0-9.-]*$")
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
CYR = r"\u0400-\u04FF\u0500-\u052F"
PUNCT = r" +!?\-\u2010\u2011\u2013\u2014'\u2019\u02bc.,0-9\"«»„“”()/&№"
CYRILLIC_FORM_RE = re.compile(rf"^[{CYR}{PUNCT}]+$")
# Arabic script incl. presentation forms, ZWNJ, Arabic punctuation/digits
ARABIC_FORM_RE = re.compile(
    r"^[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF\u200c"
    r" \-'.,0-9«»\"()]+$"
)
# regnal numbers (Карл III, Лев XIV) are written with Latin capitals in Russian text
ROMAN_NUMERAL_RE = re.compile(r"(?<=\s)[IVXLC]+\b")
HAS_CYR = re.compile(rf"[{CYR}]")
HAS_LETTER_ANY = re.compile(r"[^\W\d_]")
CYRILLIC_LANGS = {"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"}
ARABIC_LANGS = {"ar", "fa", "ps", "ur", "ckb"}


def is_latin_letter(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"ERROR {where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"warning {where}: {msg}")


def read_rows(path: Path):
    """Yield (line_no, line) for non-comment, non-empty lines."""
    with path.open(encoding="utf-8", newline="") as fh:
        for no, raw in enumerate(fh, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            yield no, line


def check_entity_file(path: Path, rep: Report, ids: dict, names: dict, counts: dict,
                      accepted: dict | None = None) -> None:
    rows = list(read_rows(path))
    if not rows:
        rep.err(path.name, "empty file")
        return
    first_no, first = rows[0]
    if first.split("\t") != HEADER:
        rep.err(f"{path.name}:{first_no}", f"bad header {first.split(chr(9))!r}")
        return
    for no, line in rows[1:]:
        where = f"{path.name}:{no}"
        cols = line.split("\t")
        if len(cols) != 7:
            rep.err(where, f"expected 7 columns, got {len(cols)}")
            continue
        eid, name, typ, aliases, foreign, context, note = cols
        for label, val in zip(HEADER, cols):
            if val != val.strip():
                rep.err(where, f"{label} has leading/trailing whitespace")
            if "  " in val:
                rep.err(where, f"{label} has a double space")
        # id
        if not ID_RE.match(eid):
            rep.err(where, f"malformed id {eid!r}")
        elif eid in ids:
            rep.err(where, f"duplicate id {eid!r} (first in {ids[eid]})")
        else:
            ids[eid] = where
        # type
        if typ not in TYPES:
            rep.err(where, f"invalid type {typ!r}")
            continue
        if ID_RE.match(eid) and eid.split(":", 1)[0] != ID_PREFIX[typ]:
            rep.warn(where, f"id prefix of {eid!r} does not match type {typ}")
        counts[path.name][typ] += 1
        # name
        if not name:
            rep.err(where, "empty name")
        if HAS_CYR.search(name):
            rep.err(where, f"Cyrillic in name {name!r}")
        key = (typ, name.casefold())
        if name and key in names:
            rep.err(where, f"duplicate {typ} name {name!r} (first in {names[key]})")
        else:
            names[key] = where
        if accepted is not None:
            accepted.setdefault(name, where)
            for al in aliases.split("|") if aliases else []:
                accepted.setdefault(al, where)
        # aliases
        seen_alias = set()
        if aliases:
            for al in aliases.split("|"):
                if not al or al != al.strip():
                    rep.err(where, f"empty or padded alias in {aliases!r}")
                    continue
                if HAS_CYR.search(al):
                    rep.err(where, f"Cyrillic in alias {al!r}")
                if al == name:
                    rep.err(where, f"alias equals name {al!r}")
                if al in seen_alias:
                    rep.err(where, f"repeated alias {al!r}")
                seen_alias.add(al)
        # foreign
        langs = set()
        seen_foreign = set()
        if foreign:
            for item in foreign.split("|"):
                if ":" not in item:
                    rep.err(where, f"foreign item without lang: {item!r}")
                    continue
                lang, form = item.split(":", 1)
                if not LANG_RE.match(lang):
                    rep.err(where, f"bad language code {lang!r}")
                if not form or form != form.strip():
                    rep.err(where, f"empty or padded foreign form {item!r}")
                    continue
                if item in seen_foreign:
                    rep.err(where, f"repeated foreign item {item!r}")
                seen_foreign.add(item)
                langs.add(lang)
                base = lang.split("-")[0]
                if base in CYRILLIC_LANGS and not CYRILLIC_FORM_RE.match(ROMAN_NUMERAL_RE.sub("", form)):
                    bad = sorted({c for c in form if not CYRILLIC_FORM_RE.match(c)})
                    rep.err(where, f"{lang}: form not Cyrillic-only {form!r} (bad chars {bad})")
                elif base in ARABIC_LANGS and not ARABIC_FORM_RE.match(form):
                    bad = sorted({c for c in form if not ARABIC_FORM_RE.match(c)})
                    rep.err(where, f"{lang}: form not Arabic script {form!r} (bad chars {bad})")
                elif base not in CYRILLIC_LANGS | ARABIC_LANGS:
                    letters = [c for c in form if HAS_LETTER_ANY.match(c)]
                    if letters and all(is_latin_letter(c) for c in letters) and base not in {
                        "tr", "pl", "de", "fr", "es", "it", "pt", "az", "uz", "cs", "lt",
                        "lv", "et", "ro", "hu", "fi", "sv", "no", "da", "nl", "id", "ms",
                        "vi", "tk", "sq", "hr", "bs", "sk", "sl",
                    }:
                        rep.err(where, f"{lang}: romanized form {form!r}")
        if typ in ("person", "organisation") and "ru" not in langs:
            rep.err(where, f"{typ} {name!r} has no ru: form")
        # context
        if context:
            for c in context.split("|"):
                if not c or c != c.strip():
                    rep.err(where, f"empty or padded context item in {context!r}")


def check_house_style(path: Path, rep: Report, counts: dict, accepted: dict | None = None) -> None:
    rows = list(read_rows(path))
    if not rows or rows[0][1].split("\t") != HOUSE_STYLE_HEADER:
        rep.err(path.name, f"header must be {HOUSE_STYLE_HEADER}")
        return
    seen_ru, seen_uk = {}, {}
    for no, line in rows[1:]:
        where = f"{path.name}:{no}"
        cols = line.split("\t")
        if len(cols) != 2:
            rep.err(where, f"expected 2 columns, got {len(cols)}")
            continue
        ru, uk = cols
        if not ru or not uk or ru == uk:
            rep.err(where, f"bad pair {cols!r}")
        for v in cols:
            if HAS_CYR.search(v) or v != v.strip():
                rep.err(where, f"bad value {v!r}")
        if accepted and ru in accepted:
            rep.err(where, f"russian_derived {ru!r} is an accepted name/alias in {accepted[ru]}")
        if ru in seen_ru:
            rep.err(where, f"duplicate russian_derived {ru!r} (first {seen_ru[ru]})")
        seen_ru[ru] = where
        # several Russian-derived variants may map to one Ukrainian-derived form
        seen_uk.setdefault(uk, where)
        if ru in seen_uk or uk in seen_ru:
            rep.err(where, f"spelling appears on both sides: {cols!r}")
        counts[path.name]["pairs"] += 1


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "mtqa" / "data" / "gazetteer"
    files = sorted(root.glob("*.tsv"))
    if not files:
        print(f"no TSV files in {root}", file=sys.stderr)
        return 1
    rep = Report()
    ids: dict = {}
    names: dict = {}
    counts: dict = collections.defaultdict(collections.Counter)
    accepted: dict = {}
    for path in files:
        if path.name != HOUSE_STYLE_FILE:
            check_entity_file(path, rep, ids, names, counts, accepted)
    for path in files:
        if path.name == HOUSE_STYLE_FILE:
            check_house_style(path, rep, counts, accepted)
    total = collections.Counter()
    width = max(len(p.name) for p in files)
    for path in files:
        c = counts[path.name]
        total.update(c)
        parts = ", ".join(f"{k}={v}" for k, v in sorted(c.items()))
        print(f"{path.name:<{width}}  {sum(c.values()):>6}  {parts}")
    print(f"{'TOTAL':<{width}}  {sum(v for k, v in total.items() if k != 'pairs'):>6}  "
          + ", ".join(f"{k}={v}" for k, v in sorted(total.items())))
    print(f"person+organisation: {total['person'] + total['organisation']}")
    for w in rep.warnings:
        print(w)
    for e in rep.errors:
        print(e, file=sys.stderr)
    if rep.errors:
        print(f"{len(rep.errors)} error(s)", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
