"""Reading gazetteer files.

File format (UTF-8; ``#`` starts a comment line; blank lines ignored):

* **TSV** with the header line ``id	name	type	aliases	foreign	context	note``.
  ``aliases``, ``foreign`` and ``context`` are ``|``-separated lists;
  ``foreign`` items are ``lang:form`` in the native script
  (``ru:Джош Эрнест|uk:Джош Ернест|ar:…``); ``type`` is person,
  organisation, place or other.  Only ``name`` is required; a missing id is
  derived from the name.
* **A bare list**: one canonical name per line (no tab on any line), type
  ``other``; such names are accepted and matched by their spelling only.
* **A sanctions list as downloaded**: an OFAC SDN ``sdn.csv`` or a UK OFSI
  ``ConList.csv`` (recognised by content), or any list the importers read
  named by a prefix: ``ofac-sdn:PATH``, ``uk-ofsi:PATH``, ``csv:PATH``
  (``tsv:PATH`` forces the format above).  It is converted in memory as
  ``mtqa gazetteer import`` would convert it (:mod:`mtqa.gazetteer.importers`).

The default gazetteer is every ``*.tsv`` in ``mtqa/data/gazetteer/`` except
``house_style_ua.tsv``, which has the columns ``russian_derived	ukrainian_derived``
(Kiev → Kyiv) and drives the house-style rule.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from mtqa.gazetteer.model import TYPES, Entry

HEADER = ("id", "name", "type", "aliases", "foreign", "context", "note")
HOUSE_STYLE_FILE = "house_style_ua.tsv"


class GazetteerError(ValueError):
    """A gazetteer file that cannot be read (message names the file and line)."""


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split("|") if x.strip())


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "entry"


_TYPE_ALIASES = {"organization": "organisation", "org": "organisation", "per": "person", "people": "person",
                 "loc": "place", "location": "place", "gpe": "place"}


def parse_text(text: str, source: str = "<gazetteer>") -> list[Entry]:
    """Entries of one gazetteer file's text (TSV with header, or a bare list)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = [(i + 1, ln.rstrip("\r")) for i, ln in enumerate(text.split("\n"))]
    content = [(n, ln) for n, ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not content:
        return []
    first = content[0][1].split("\t")
    if "\t" not in content[0][1] and not any("\t" in ln for _, ln in content):
        return [Entry(id=f"list:{_slug(ln.strip())}", name=" ".join(ln.split()), type="other", source=source)
                for _, ln in content]
    header = [h.strip().casefold() for h in first]
    if "name" not in header:
        raise GazetteerError(f"{source}:{content[0][0]}: TSV gazetteer needs a header with a 'name' column "
                             f"({chr(9).join(HEADER)})")
    col = {h: i for i, h in enumerate(header)}
    out: list[Entry] = []
    seen: set[str] = set()
    for n, ln in content[1:]:
        cells = ln.split("\t")
        cells += [""] * (len(header) - len(cells))
        get = lambda k: cells[col[k]].strip() if k in col else ""  # noqa: E731
        name = " ".join(get("name").split())
        if not name:
            raise GazetteerError(f"{source}:{n}: empty name")
        typ = get("type").casefold() or "other"
        typ = _TYPE_ALIASES.get(typ, typ)
        if typ not in TYPES:
            raise GazetteerError(f"{source}:{n}: unknown type {typ!r} (use {', '.join(TYPES)})")
        foreign: list[tuple[str, str]] = []
        for item in _split(get("foreign")):
            lang, sep, form = item.partition(":")
            if not sep or not form.strip() or not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", lang.strip()):
                raise GazetteerError(f"{source}:{n}: foreign item {item!r} is not lang:form")
            foreign.append((lang.strip(), " ".join(form.split())))
        eid = get("id") or f"{typ[:3]}:{_slug(name)}"
        if eid in seen:
            eid = f"{eid}~{n}"
        seen.add(eid)
        out.append(Entry(id=eid, name=name, type=typ, aliases=tuple(a for a in _split(get("aliases")) if a != name),
                         foreign=tuple(foreign), context=_split(get("context")), note=get("note"), source=source))
    return out


LIST_FORMATS = ("ofac-sdn", "uk-ofsi", "csv", "tsv")


def split_format(arg: str | Path) -> tuple[str | None, Path]:
    """("ofac-sdn", Path("sdn.csv")) for "ofac-sdn:sdn.csv"; (None, path) for a plain path
    (or for an existing file whose name merely looks prefixed)."""
    s = str(arg)
    fmt, sep, rest = s.partition(":")
    if sep and rest and fmt in LIST_FORMATS and not Path(s).exists():
        return fmt, Path(rest)
    return None, Path(s)


def read_bytes(arg: str | Path) -> tuple[str, bytes]:
    """(path as given, UTF-8 gazetteer bytes) of one ``--gazetteer`` argument: a gazetteer
    file as is, a sanctions list converted to the gazetteer TSV."""
    from mtqa.gazetteer import importers

    fmt, p = split_format(arg)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise GazetteerError(f"{p}: cannot read gazetteer: {e.strerror or e}") from None
    if fmt is None:
        fmt = importers.sniff(raw)
    if fmt is not None and fmt != "tsv":
        try:
            return str(p), importers.convert(raw, fmt, p.name).encode("utf-8")
        except (importers.ImportError_, UnicodeDecodeError) as e:
            raise GazetteerError(f"{p}: cannot read as {fmt}: {e}") from None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise GazetteerError(f"{p}: gazetteer is not UTF-8 (byte {e.start})") from None
    return str(p), raw


def read_file(path: str | Path) -> list[Entry]:
    name, raw = read_bytes(path)
    return parse_text(raw.decode("utf-8"), source=name)


def default_dir():
    return resources.files("mtqa").joinpath("data", "gazetteer")


def default_files() -> list[tuple[str, bytes]]:
    """(name, UTF-8 bytes) of every packaged entity file, sorted by name."""
    d = default_dir()
    out = []
    if not d.is_dir():
        return out
    for f in sorted(d.iterdir(), key=lambda x: x.name):
        if f.name.endswith(".tsv") and f.name != HOUSE_STYLE_FILE:
            out.append((f.name, f.read_bytes()))
    return out


def read_house_style() -> list[tuple[str, str]]:
    """(russian_derived, ukrainian_derived) pairs of the packaged house-style table."""
    f = default_dir().joinpath(HOUSE_STYLE_FILE)
    if not f.is_file():
        return []
    rows: list[tuple[str, str]] = []
    header = None
    for ln in f.read_text(encoding="utf-8").splitlines():
        if not ln.strip() or ln.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in ln.split("\t")]
        if header is None:
            header = cells
            continue
        if len(cells) >= 2 and cells[0] and cells[1]:
            rows.append((cells[0], cells[1]))
    return rows


def fingerprint(files: Iterable[tuple[str, "str | bytes"]]) -> str:
    h = hashlib.sha256()
    for name, data in files:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(raw).digest())
    return h.hexdigest()


def iter_entries(files: Iterable[tuple[str, "str | bytes"]]) -> Iterator[Entry]:
    for name, data in files:
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError as e:
                raise GazetteerError(f"{name}: gazetteer is not UTF-8 (byte {e.start})") from None
        yield from parse_text(data, source=name)
