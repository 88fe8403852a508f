"""The ``gazetteer`` resource: the loaded index, built once per process.

``ctx.get("gazetteer")`` returns a :class:`Gazetteer` for the run's config:
the packaged gazetteer plus ``Config.gazetteers`` files, the Ukrainian house
style (``config.house_style["ukraine"]``: ``ukrainian`` (default) or
``russian``), the house style's picks among accepted name variants (every
other ``house-style`` key: ``zelensky = "Zelenskyy"``, see
:mod:`mtqa.gazetteer.variants`) and the allow list.  Gazetteers are cached per process by that
tuple, so many checkers (tests, the names report) share one.

Building the index romanizes every Cyrillic form in eight schemes and runs
the learned transliteration model on entries with no Cyrillic form, which
takes a few seconds; the compiled index is therefore cached under
the user cache directory (``$MTQA_CACHE_DIR``, else ``$XDG_CACHE_HOME/mtqa``,
else ``~/.cache/mtqa``), keyed by a hash of every gazetteer file's content and
of the key-building code.  The cache is a sectioned binary file (raw arrays and
line lists, no pickle): loading it takes a few tens of milliseconds, and
entries and forms become objects only when a lookup returns them.  ``MTQA_NO_CACHE=1`` disables the cache; an
unwritable cache directory is silently skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Iterable, Sequence

from mtqa.context import resource
from mtqa.gazetteer import loader
from mtqa.gazetteer.model import Entry

CACHE_FORMAT = 13
COMMON_WORDS = 60_000  # wordfreq's most frequent English words count as "ordinary English"
ATTESTED_WORDS = 160_000  # ... and up to this rank as "seen in English" (zipf ≳ 1.6)
_LOCK = threading.Lock()
_GAZETTEERS: dict[tuple, "Gazetteer"] = {}
#: where a document keeps its name hits (:meth:`Gazetteer.analyze`): the NAM rules name it in
#: their ``document_caches``, so the Checker drops it after the last of them
HITS_CACHE = "_mtqa_cache"


class Gazetteer:
    """The index plus the run's house style and allow list."""

    def __init__(self, index, house_style: str = "ukrainian", allow: Iterable[str] = (), sources: Sequence[str] = (),
                 names: Sequence[tuple[str, str]] = ()):
        from mtqa.gazetteer.variants import pick_table

        self.index = index
        self.house_style = house_style if house_style in ("ukrainian", "russian") else "ukrainian"
        # the house style's picks among accepted name variants ((group, form) pairs, variants.py)
        self.names = tuple(names)
        self.name_picks = pick_table(self.names)
        self.allowed = frozenset(a.casefold() for a in allow)
        self.sources = list(sources)
        self._matcher = None

    @property
    def entries(self) -> list[Entry]:
        return self.index.entries

    def lookup(self, query: str, top: int = 5, min_confidence: float = 0.3):
        return self.index.lookup(query, top=top, min_confidence=min_confidence)

    @property
    def matcher(self):
        if self._matcher is None:
            from mtqa.gazetteer.matcher import DocumentMatcher

            self._matcher = DocumentMatcher(self)
        return self._matcher

    def analyze(self, doc, is_allowed=None) -> list:
        """Name hits of a document (cached on the document, under :data:`HITS_CACHE`, for the
        rules that share them)."""
        key = ("_name_hits", id(self))
        cache = doc.__dict__.setdefault(HITS_CACHE, {})
        if key in cache:
            return cache[key]
        allowed = is_allowed or (lambda s: s.casefold() in self.allowed)
        text, table = doc.normalized()
        from mtqa.gazetteer import mentions

        hits = mentions.link(text, self.matcher.scan(text, allowed), self, allowed)
        if self.name_picks:
            hits += mentions.house_picks(text, hits, self, allowed)
        if table is not None:
            from mtqa.document import map_span

            for h in hits:
                h.start, h.end = map_span(table, h.start, h.end, len(doc.text))
                h.text = doc.text[h.start:h.end]
                if h.linked_to is not None:
                    ls, le = map_span(table, h.linked_to[1], h.linked_to[1] + len(h.linked_to[0]), len(doc.text))
                    h.linked_to = (doc.text[ls:le], ls)
        hits.sort(key=lambda h: (h.start, h.end, h.kind))
        cache[key] = hits
        return hits


# -- building and caching ------------------------------------------------------


def cache_dir() -> Path:
    if os.environ.get("MTQA_CACHE_DIR"):
        return Path(os.environ["MTQA_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mtqa"


def _code_hash() -> str:
    h = hashlib.sha256(str(CACHE_FORMAT).encode())
    here = Path(__file__).resolve().parent
    for name in ("keys.py", "translit.py", "index.py", "learned.py"):
        p = here / name
        if p.is_file():
            h.update(p.read_bytes())
    from mtqa.gazetteer.learned import model_fingerprint

    h.update(model_fingerprint().encode())
    try:
        import cyrtranslit
        import iuliia

        h.update(f"{getattr(iuliia, '__version__', '')}{getattr(cyrtranslit, '__version__', '')}".encode())
    except ImportError:  # pragma: no cover
        pass
    return h.hexdigest()[:16]


def _word_lists() -> tuple[list[str], list[str]]:
    """(common, attested): wordfreq's most frequent English words, and the rarer ones
    still seen in English text (a spelling such as "Binyamin" or "Aleksey")."""
    try:
        import wordfreq

        words = wordfreq.top_n_list("en", ATTESTED_WORDS)
    except Exception:  # pragma: no cover - wordfreq is a dependency, but never fail a check on it
        return [], []
    return words[:COMMON_WORDS], [w for w in words[COMMON_WORDS:] if w.isalpha()]


_MAGIC = b"MTQA-GAZETTEER\n"


def _pack(sections: dict) -> bytes:
    """One cache file: magic, a JSON header naming each section's kind, offset and
    length, then the sections: "lines" (UTF-8, one string per line), "json", or a
    raw array ("I", "i") or byte string ("b")."""
    blobs: list[bytes] = []
    head: dict = {}
    pos = 0
    for name, (kind, value) in sections.items():
        if kind == "lines":
            raw = "\n".join(value).encode("utf-8")
            extra = len(value)
        elif kind == "json":
            raw = json.dumps(value, ensure_ascii=False).encode("utf-8")
            extra = 0
        elif kind == "b":
            raw, extra = bytes(value), 0
        else:
            raw, extra = value.tobytes(), 0
        head[name] = [kind, pos, len(raw), extra]
        blobs.append(raw)
        pos += len(raw)
    header = json.dumps({"format": CACHE_FORMAT, "sections": head}).encode("utf-8")
    return _MAGIC + len(header).to_bytes(4, "little") + header + b"".join(blobs)


def _unpack(raw: bytes) -> dict:
    from array import array

    if not raw.startswith(_MAGIC):
        raise ValueError("not a gazetteer cache file")
    n = int.from_bytes(raw[len(_MAGIC):len(_MAGIC) + 4], "little")
    start = len(_MAGIC) + 4
    header = json.loads(raw[start:start + n])
    if header.get("format") != CACHE_FORMAT:
        raise ValueError("old cache format")
    base = start + n
    mv = memoryview(raw)
    out: dict = {}
    for name, (kind, pos, length, extra) in header["sections"].items():
        chunk = mv[base + pos:base + pos + length]
        if kind == "lines":
            out[name] = str(chunk, "utf-8").split("\n") if extra else []
            if len(out[name]) != extra:
                raise ValueError(f"section {name}: {len(out[name])} lines, expected {extra}")
        elif kind == "json":
            out[name] = json.loads(bytes(chunk))
        elif kind == "b":
            out[name] = bytes(chunk)
        else:
            arr = array(kind)
            arr.frombytes(chunk)
            out[name] = arr
    return out


def _from_cache(raw: bytes, house, attested_path: Path):
    from mtqa.gazetteer.index import KIND_ORDER, FormTable, GazetteerIndex, LazyEntries, SortedWords

    d = _unpack(raw)
    kinds = d["form_kind"]
    if len(kinds) != len(d["form_skel"]):
        raise ValueError("form columns differ in length")
    forms = FormTable(d["form_entry"], [KIND_ORDER[k] for k in kinds], d["form_text"], d["form_skel"],
                      d["form_schemes"], d["form_source"], d["form_close"])
    # the word lists are stored sorted: sets answered by bisection until asked often
    index = GazetteerIndex(LazyEntries(d["entries"]), forms, house_style=house,
                           common_words=SortedWords(d["common"]),
                           blocks=(d["hashes"], d["ids"], d["offsets"]), attested_words=None,
                           token_tables=(d["lookalike"], SortedWords(d["dels"])), cons=d["form_cons"],
                           accepted=d["accepted"],
                           surnames=d["surnames"],
                           learned_keys=(d["rk_hashes"], d["rk_entries"], d["rk_weights"], d["rk_offsets"]))
    index.attested_loader = lambda: attested_path.read_text(encoding="utf-8").split("\n")
    index.lookalike_raw = frozenset(d["lookalike_raw"])
    return index


def _to_cache(index) -> bytes:
    from array import array

    from mtqa.gazetteer.index import KIND_RANK, LazyEntries

    f = index.forms
    rk = index._rk or (array("Q"), array("i"), array("f"), array("i", [0, 0]))
    return _pack({
        "entries": ("lines", [LazyEntries.row(e) for e in index.entries]),
        "form_entry": ("i", f.entry),
        "form_kind": ("b", bytes(KIND_RANK[k] for k in f.kind)),
        "form_text": ("lines", f.text),
        "form_skel": ("lines", f.skel),
        "form_schemes": ("lines", f.schemes),
        "form_source": ("lines", f.source),
        "form_close": ("b", f.close),
        "form_cons": ("lines", index._cons),
        "accepted": ("json", index.accepted),
        "surnames": ("json", index.surnames),
        "common": ("lines", sorted(index.common_words)),
        "lookalike": ("lines", sorted(index.token_tables[0])),
        "lookalike_raw": ("lines", sorted(index.lookalike_raw)),
        "dels": ("lines", sorted(index.token_tables[1])),
        "hashes": ("I", index._hashes),
        "ids": ("i", index._ids),
        "offsets": ("i", index._offsets),
        "rk_hashes": ("Q", rk[0]),
        "rk_entries": ("i", rk[1]),
        "rk_weights": ("f", rk[2]),
        "rk_offsets": ("i", rk[3]),
    })


def build_index(files: Sequence[tuple[str, "str | bytes"]], use_cache: bool = True, learned: bool = True):
    """Index of the entries in (name, text or bytes) files, from the cache when possible.

    The cache is two files per key: ``gazetteer-KEY.idx`` (entries, forms, word
    lists and the block index as sections of raw arrays and line lists, read
    without building objects that a run may never need) and ``.attested.txt``
    (rarer English words, sorted, read only when a name hit needs them).  Writing a new
    cache removes files of older cache formats and all but the most recently
    used ``KEEP_CACHES`` indexes."""
    house = loader.read_house_style()
    use_cache = use_cache and not os.environ.get("MTQA_NO_CACHE")
    key = hashlib.sha256((loader.fingerprint(files) + _code_hash() + repr(house)).encode()).hexdigest()[:24]
    path = cache_dir() / f"gazetteer-{key}.idx"
    attested_path = path.with_suffix(".attested.txt")
    if use_cache:
        try:
            raw = path.read_bytes()
            if attested_path.is_file():
                index = _from_cache(raw, house, attested_path)
                mark_used(path)
                return index
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            pass
    entries = list(loader.iter_entries(files))
    model = None
    if learned:
        from mtqa.gazetteer.learned import default_model

        model = default_model()
    common, attested = _word_lists()
    from mtqa.gazetteer.index import GazetteerIndex

    index = GazetteerIndex.build(entries, learned=model, house_style=house, common_words=common,
                                 attested_words=attested)
    from mtqa.gazetteer.matcher import _lookalike_raw, _token_tables

    index.token_tables = _token_tables(index)
    index.lookalike_raw = _lookalike_raw(index, index.token_tables[0])
    if use_cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tag = f".{os.getpid()}.tmp"
            for dest, payload in ((attested_path, "\n".join(sorted(attested)).encode("utf-8")),
                                  (path, _to_cache(index))):
                tmp = dest.with_name(dest.name + tag)
                tmp.write_bytes(payload)
                os.replace(tmp, dest)
            _prune(path.parent)
        except OSError:
            pass
    return index


KEEP_CACHES = 8


def mark_used(path: Path) -> None:
    """Touch a cache file on a hit: :func:`_prune` keeps the most recently used ones."""
    try:
        os.utime(path)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    """Remove old-format cache files and all but the KEEP_CACHES most recent indexes."""
    for old in (*folder.glob("gazetteer-*.json"), *folder.glob("gazetteer-*.bin")):
        try:
            old.unlink()
        except OSError:
            pass
    indexes = sorted(folder.glob("gazetteer-*.idx"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in indexes[KEEP_CACHES:]:
        for p in (old, old.with_suffix(".attested.txt")):
            try:
                p.unlink()
            except OSError:
                pass


def source_files(paths: Sequence[str] = (), defaults: bool = True) -> list[tuple[str, bytes]]:
    """(name, UTF-8 bytes) of the packaged files (unless ``defaults`` is false) and the user files."""
    files = list(loader.default_files()) if defaults else []
    for p in paths:
        files.append(loader.read_bytes(p))  # a sanctions list as downloaded is converted here
    return files


def get_gazetteer(paths: Sequence[str] = (), house_style: str = "ukrainian", allow: Iterable[str] = (),
                  defaults: bool = True, names: Sequence[tuple[str, str]] = ()) -> Gazetteer:
    """The process-wide gazetteer for these files, house style (``names``: the picks among
    accepted name variants, :func:`mtqa.gazetteer.variants.picks_of`) and allow list."""
    key = (tuple(_path_key(p) for p in paths), house_style, tuple(sorted(allow)), defaults, tuple(sorted(names)))
    with _LOCK:
        gaz = _GAZETTEERS.get(key)
        if gaz is None:
            files = source_files(paths, defaults)
            # the index depends on the files only: share it across house styles and allow lists
            ikey = ("index", key[0], defaults)
            index = _GAZETTEERS.get(ikey)
            if index is None:
                index = build_index(files)
                _GAZETTEERS[ikey] = index  # type: ignore[assignment]
            gaz = Gazetteer(index, house_style, allow, [n for n, _ in files], names)
            _GAZETTEERS[key] = gaz
        return gaz


def _path_key(p) -> str:
    fmt, path = loader.split_format(p)
    return (f"{fmt}:" if fmt else "") + str(path.resolve())


@resource("gazetteer")
def _gazetteer_resource(config) -> Gazetteer:
    from mtqa.gazetteer.variants import picks_of

    return get_gazetteer(config.gazetteers, config.house_style.get("ukraine", "ukrainian"), config.allow,
                         names=picks_of(config.house_style))
