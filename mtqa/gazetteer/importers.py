"""Turning sanctions lists into gazetteer files (``mtqa gazetteer import``).

Supported inputs (a desk downloads them itself; mtqa fetches nothing):

``ofac-sdn``
    The US Treasury OFAC SDN list as CSV (``sdn.csv``): no header, Latin-1,
    columns ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
    Tonnage, GRT, Vess_flag, Vess_owner, Remarks; ``-0-`` means empty.
    Individuals are written "SURNAME, Given names"; aliases are the
    ``a.k.a. '…'`` / ``f.k.a. '…'`` items of Remarks.  Vessels and aircraft
    are skipped unless asked for.
``uk-ofsi``
    The UK OFSI consolidated list as CSV (``ConList.csv``): a "Last Updated"
    line, then a header with Name 6 (surname or entity name), Name 1–5, Title,
    Name Non-Latin Script, Non-Latin Script Language, Group Type
    (Individual / Entity / Ship), Alias Type (Primary name, AKA, FKA, Primary
    name variation), Regime, Group ID — one row per name, grouped by Group ID.
    Non-Latin names in Russian/Ukrainian/Belarusian/Arabic become foreign
    forms.
``csv``
    Any CSV with a header that has a ``name`` column and optionally id, type,
    aliases, foreign, context, note (lists separated by ``|`` or ``;``).

``--gazetteer`` reads these lists as downloaded too: an OFAC SDN or UK OFSI file
is recognised by its content (:func:`sniff`), any of the three by a prefix
naming the format (``ofac-sdn:sdn.csv``, ``uk-ofsi:ConList.csv``,
``csv:desk.csv``), and converted in memory (:func:`convert`).

Names in capitals are re-cased ("AL-NUSRAH FRONT" → "al-Nusrah Front",
"GHALI, Iyad ag" → "Iyad ag Ghali"); acronyms stay in capitals.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Iterable, Iterator

from mtqa.gazetteer.loader import HEADER
from mtqa.gazetteer.model import TYPES, Entry

LOWER_PARTICLES = frozenset("al el bin ibn bint wa wal de da di del della der van von of the and for in on y e la le du dos das".split())
LANGUAGES = {"russian": "ru", "ukrainian": "uk", "belarusian": "be", "arabic": "ar", "persian": "fa", "farsi": "fa",
             "chinese": "zh", "korean": "ko", "japanese": "ja", "hebrew": "he", "pashto": "ps", "urdu": "ur"}


class ImportError_(ValueError):
    pass


def recase(name: str) -> str:
    """Title-case a name written in capitals; leave mixed-case words alone."""
    words = name.split()
    out = []
    for i, w in enumerate(words):
        letters = [c for c in w if c.isalpha()]
        if not letters or not all(c.isupper() for c in letters):
            out.append(w)
            continue
        if len(letters) <= 4 and not any(c in "AEIOUY" for c in letters) or re.fullmatch(r"(?:[A-Z]\.){2,}", w):
            out.append(w)  # acronym: BNC, HTS, S.A.
            continue
        parts = []
        for j, part in enumerate(w.split("-")):
            low = part.lower()
            if low in LOWER_PARTICLES and (i > 0 or j == 0 and len(w.split("-")) > 1):
                parts.append(low)
            else:
                parts.append(_cap(low))
        out.append("-".join(parts))
    return " ".join(out)


def _cap(w: str) -> str:
    for k, c in enumerate(w):
        if c.isalpha():
            return w[:k] + c.upper() + w[k + 1:]
    return w


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.casefold()).strip("-") or "x"


# -- OFAC SDN -----------------------------------------------------------------------


def _ofac_empty(v: str) -> str:
    v = (v or "").strip()
    return "" if v == "-0-" else v


def _ofac_name(raw: str, individual: bool) -> str:
    raw = " ".join(raw.split())
    if individual and "," in raw:
        last, _, first = raw.partition(",")
        raw = f"{first.strip()} {last.strip()}"
    return recase(raw)


_AKA = re.compile(r"^\s*(?:a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*'(.*)'\s*\.?\s*$", re.S)


def ofac_aliases(remarks: str) -> list[str]:
    out = []
    for part in remarks.split(";"):
        m = _AKA.match(part)
        if m and m.group(1).strip():
            out.append(" ".join(m.group(1).split()))
    return out


def read_ofac_sdn(data: bytes, include_vessels: bool = False) -> Iterator[Entry]:
    text = data.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    for row in csv.reader(io.StringIO(text)):
        if len(row) < 3 or not row[0].strip().isdigit():
            continue
        ent, name, sdn_type = row[0].strip(), row[1], _ofac_empty(row[2]).lower()
        program = _ofac_empty(row[3]) if len(row) > 3 else ""
        remarks = _ofac_empty(row[11]) if len(row) > 11 else ""
        if sdn_type in ("vessel", "aircraft") and not include_vessels:
            continue
        individual = sdn_type == "individual"
        typ = "person" if individual else ("other" if sdn_type in ("vessel", "aircraft") else "organisation")
        canonical = _ofac_name(name, individual)
        if not canonical:
            continue
        aliases = []
        for a in ofac_aliases(remarks):
            a2 = _ofac_name(a, individual)
            if a2 != canonical and a2 not in aliases:
                aliases.append(a2)
        note = f"OFAC SDN {ent}" + (f"; program {program.replace('] [', ', ')}" if program else "")
        yield Entry(id=f"ofac:{ent}", name=canonical, type=typ, aliases=tuple(aliases), note=note)


# -- UK OFSI --------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_uk_ofsi(data: bytes, include_ships: bool = False) -> Iterator[Entry]:
    text = _decode(data)
    lines = text.splitlines()
    start = 0
    for i, ln in enumerate(lines[:10]):
        if "Name 6" in ln and "Group ID" in ln:
            start = i
            break
    else:
        raise ImportError_("uk-ofsi: no header line with 'Name 6' and 'Group ID' found")
    reader = csv.DictReader(io.StringIO("\n".join(lines[start:])))
    groups: dict[str, dict] = {}
    order: list[str] = []
    for row in reader:
        gid = (row.get("Group ID") or "").strip()
        if not gid:
            continue
        gtype = (row.get("Group Type") or "").strip().lower()
        if gtype == "ship" and not include_ships:
            continue
        parts = [(row.get(f"Name {k}") or "").strip() for k in (1, 2, 3, 4, 5)]
        last = (row.get("Name 6") or "").strip()
        name = recase(" ".join([p for p in parts if p] + ([last] if last else [])))
        g = groups.get(gid)
        if g is None:
            g = groups[gid] = {"type": gtype, "primary": "", "aliases": [], "foreign": [], "regime": ""}
            order.append(gid)
        alias_type = (row.get("Alias Type") or "").strip().lower()
        if name:
            if alias_type.startswith("primary name") and not g["primary"] and "variation" not in alias_type:
                g["primary"] = name
            elif name not in g["aliases"]:
                g["aliases"].append(name)
        nonlatin = (row.get("Name Non-Latin Script") or "").strip()
        lang = LANGUAGES.get((row.get("Non-Latin Script Language") or "").strip().lower())
        if nonlatin and lang and (lang, nonlatin) not in g["foreign"]:
            g["foreign"].append((lang, " ".join(nonlatin.split())))
        g["regime"] = g["regime"] or (row.get("Regime") or "").strip()
    for gid in order:
        g = groups[gid]
        primary = g["primary"] or (g["aliases"][0] if g["aliases"] else "")
        if not primary:
            continue
        aliases = tuple(a for a in g["aliases"] if a != primary)
        typ = {"individual": "person", "entity": "organisation", "ship": "other"}.get(g["type"], "other")
        note = f"UK OFSI group {gid}" + (f"; regime {g['regime']}" if g["regime"] else "")
        yield Entry(id=f"ofsi:{gid}", name=primary, type=typ, aliases=aliases, foreign=tuple(g["foreign"]), note=note)


# -- generic CSV ----------------------------------------------------------------------


def _list(cell: str) -> list[str]:
    sep = "|" if "|" in cell else ";"
    return [x.strip() for x in cell.split(sep) if x.strip()]


def read_csv(data: bytes) -> Iterator[Entry]:
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "name" not in [f.strip().lower() for f in reader.fieldnames]:
        raise ImportError_("csv: the header needs a 'name' column (optional: id, type, aliases, foreign, context, note)")
    for n, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        name = " ".join(row.get("name", "").split())
        if not name:
            continue
        typ = (row.get("type") or "other").lower()
        typ = {"organization": "organisation", "individual": "person", "entity": "organisation"}.get(typ, typ)
        if typ not in TYPES:
            typ = "other"
        foreign = []
        for item in _list(row.get("foreign", "")):
            lang, sep, form = item.partition(":")
            if sep and form.strip():
                foreign.append((lang.strip(), form.strip()))
        yield Entry(id=row.get("id") or f"{typ[:3]}:{_slug(name)}", name=name, type=typ,
                    aliases=tuple(a for a in _list(row.get("aliases", "")) if a != name), foreign=tuple(foreign),
                    context=tuple(_list(row.get("context", ""))), note=row.get("note", ""))


READERS = {"ofac-sdn": read_ofac_sdn, "uk-ofsi": read_uk_ofsi, "csv": read_csv}


def sniff(data: bytes) -> str | None:
    """"ofac-sdn" or "uk-ofsi" when the bytes look like that list as downloaded, else None.

    OFAC SDN: no header; each of the first (up to five) non-empty lines is a CSV row
    of at least 12 cells whose first is a number and which has OFAC's ``-0-`` empty
    marker or a quoted SDN type.  UK OFSI: a header naming "Name 6" and "Group ID"
    among the first ten lines."""
    head = data[:20_000].removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    lines = [ln for ln in head.splitlines()[:10] if ln.strip()]
    if not lines or "\t" in lines[0]:
        return None
    if any("Name 6" in ln and "Group ID" in ln for ln in lines):
        return "uk-ofsi"
    rows = list(csv.reader(io.StringIO("\n".join(lines[:5]))))
    types = ("individual", "vessel", "aircraft")
    if rows and all(len(r) >= 12 and r[0].strip().isdigit()
                    and ("-0-" in (c.strip() for c in r) or r[2].strip().lower() in types) for r in rows):
        return "ofac-sdn"
    return None


def convert(data: bytes, fmt: str, source: str) -> str:
    """The gazetteer TSV text of a list in one of the READERS formats (vessels skipped)."""
    entries = list(READERS[fmt](data))
    if not entries:
        raise ImportError_(f"no entries found (is it a {fmt} file?)")
    return to_tsv(entries, f"{fmt} {source}")


def to_tsv(entries: Iterable[Entry], source: str) -> str:
    def clean(s: str) -> str:
        return " ".join(s.replace("\t", " ").replace("|", "/").split())

    lines = [f"# mtqa gazetteer imported from {source} by `mtqa gazetteer import`.",
             "# Format: id, name, type, aliases, foreign (lang:form), context, note; lists are |-separated.",
             "\t".join(HEADER)]
    seen: set[str] = set()
    for e in entries:
        eid = e.id
        while eid in seen:
            eid += "~"
        seen.add(eid)
        lines.append("\t".join([
            clean(eid), clean(e.name), e.type, "|".join(clean(a) for a in e.aliases),
            "|".join(f"{lang}:{clean(f)}" for lang, f in e.foreign), "|".join(clean(c) for c in e.context),
            clean(e.note)]))
    return "\n".join(lines) + "\n"
