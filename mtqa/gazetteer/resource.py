"""The ``gazetteer`` resource: the loaded index, built once per process.

``ctx.get("gazetteer")`` returns a :class:`Gazetteer` for the run's config:
the packaged gazetteer plus ``Config.gazetteers`` files, the Ukrainian house
style (``config.house_style["ukraine"]``: ``ukrainian`` (default) or
``russian``) and the allow list.  Gazetteers are cached per process by that
tuple, so many checkers (tests, the names report) share one.

Building the index romanizes every Cyrillic form in eight schemes, which
takes a second or two; the compiled forms are therefore cached as JSON under
the user cache directory (``$MTQA_CACHE_DIR``, else ``$XDG_CACHE_HOME/mtqa``,
else ``~/.cache/mtqa``), keyed by a hash of every gazetteer file's content and
of the key-building code.  ``MTQA_NO_CACHE=1`` disables the cache; an
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

CACHE_FORMAT = 9
COMMON_WORDS = 60_000  # wordfreq's most frequent English words count as "ordinary English"
ATTESTED_WORDS = 160_000  # ... and up to this rank as "seen in English" (zipf ≳ 1.6)
_LOCK = threading.Lock()
_GAZETTEERS: dict[tuple, "Gazetteer"] = {}


class Gazetteer:
    """The index plus the run's house style and allow list."""

    def __init__(self, index, house_style: str = "ukrainian", allow: Iterable[str] = (), sources: Sequence[str] = ()):
        self.index = index
        self.house_style = house_style if house_style in ("ukrainian", "russian") else "ukrainian"
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
        """Name hits of a document (cached on the document for the rules that share them)."""
        key = ("_name_hits", id(self))
        cache = doc.__dict__.setdefault("_mtqa_cache", {})
        if key in cache:
            return cache[key]
        allowed = is_allowed or (lambda s: s.casefold() in self.allowed)
        text, table = doc.normalized()
        hits = self.matcher.scan(text, allowed)
        if table is not None:
            from mtqa.document import map_span

            for h in hits:
                h.start, h.end = map_span(table, h.start, h.end, len(doc.text))
                h.text = doc.text[h.start:h.end]
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
    for name in ("keys.py", "translit.py", "index.py", "learned.py", "translit_model.py"):
        p = here / name
        if p.is_file():
            h.update(p.read_bytes())
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


def build_index(files: Sequence[tuple[str, "str | bytes"]], use_cache: bool = True, learned: bool = True):
    """Index of the entries in (name, text or bytes) files, from the cache when possible.

    The cache is three files per key: ``gazetteer-KEY.json`` (entries, forms,
    word lists), ``.bin`` (the block index: 63-bit key hashes and form ids as
    raw arrays) and ``.attested.json`` (rarer English words, read only when a
    name hit needs them)."""
    from array import array

    from mtqa.gazetteer.index import Form, GazetteerIndex

    house = loader.read_house_style()
    use_cache = use_cache and not os.environ.get("MTQA_NO_CACHE")
    key = hashlib.sha256((loader.fingerprint(files) + _code_hash() + repr(house)).encode()).hexdigest()[:24]
    path = cache_dir() / f"gazetteer-{key}.json"
    blocks_path = path.with_suffix(".bin")
    attested_path = path.with_suffix(".attested.json")
    if use_cache and path.is_file() and blocks_path.is_file() and attested_path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == CACHE_FORMAT:
                entries = [Entry(r[0], r[1], r[2], tuple(r[3]), tuple((a, b) for a, b in r[4]), tuple(r[5]), r[6], r[7])
                           for r in data["entries"]]
                forms = [Form(*row[:7]) for row in data["forms"]]
                cons = [row[7] for row in data["forms"]]
                raw = blocks_path.read_bytes()
                n = data["postings"]
                hashes, ids = array("q"), array("i")
                hashes.frombytes(raw[: 8 * n])
                ids.frombytes(raw[8 * n:])
                if len(hashes) == n == len(ids):
                    index = GazetteerIndex(entries, forms, house_style=house, common_words=data["common"],
                                           blocks=(hashes, ids), attested_words=None,
                                           token_tables=(data["lookalike"], data["dels"]), cons=cons,
                                           accepted=data["accepted"])
                    index.attested_loader = lambda: json.loads(attested_path.read_text(encoding="utf-8"))
                    index.lookalike_raw = frozenset(data["lookalike_raw"])
                    return index
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            pass
    entries = list(loader.iter_entries(files))
    model = None
    if learned:
        from mtqa.gazetteer.learned import default_model

        model = default_model()
    common, attested = _word_lists()
    index = GazetteerIndex.build(entries, learned=model, house_style=house, common_words=common,
                                 attested_words=attested)
    from mtqa.gazetteer.matcher import _lookalike_raw, _token_tables

    index.token_tables = _token_tables(index)
    index.lookalike_raw = _lookalike_raw(index, index.token_tables[0])
    if use_cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tag = f".{os.getpid()}.tmp"
            for dest, payload in (
                (attested_path, json.dumps(attested).encode("utf-8")),
                (blocks_path, index._hashes.tobytes() + index._ids.tobytes()),
            ):
                tmp = dest.with_name(dest.name + tag)
                tmp.write_bytes(payload)
                os.replace(tmp, dest)
            rows = [[f.entry, f.kind, f.text, f.skel, f.schemes, f.source, f.close, c]
                    for f, c in zip(index.forms, index._cons)]
            ents = [[e.id, e.name, e.type, list(e.aliases), [list(x) for x in e.foreign], list(e.context), e.note,
                     e.source] for e in entries]
            tmp = path.with_name(path.name + tag)
            tmp.write_text(json.dumps({"format": CACHE_FORMAT, "entries": ents, "forms": rows, "common": common,
                                       "postings": len(index._hashes), "accepted": index.accepted, "lookalike": sorted(index.token_tables[0]),
                                       "lookalike_raw": sorted(index.lookalike_raw),
                                       "dels": sorted(index.token_tables[1])}, ensure_ascii=False),
                           encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass
    return index


def source_files(paths: Sequence[str] = (), defaults: bool = True) -> list[tuple[str, bytes]]:
    """(name, UTF-8 bytes) of the packaged files (unless ``defaults`` is false) and the user files."""
    files = list(loader.default_files()) if defaults else []
    for p in paths:
        try:
            data = Path(p).read_bytes()
        except OSError as e:
            raise loader.GazetteerError(f"{p}: cannot read gazetteer: {e.strerror or e}") from None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise loader.GazetteerError(f"{p}: gazetteer is not UTF-8 (byte {e.start})") from None
        files.append((str(p), data))
    return files


def get_gazetteer(paths: Sequence[str] = (), house_style: str = "ukrainian", allow: Iterable[str] = (),
                  defaults: bool = True) -> Gazetteer:
    """The process-wide gazetteer for these files, house style and allow list."""
    key = (tuple(str(Path(p).resolve()) for p in paths), house_style, tuple(sorted(allow)), defaults)
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
            gaz = Gazetteer(index, house_style, allow, [n for n, _ in files])
            _GAZETTEERS[key] = gaz
        return gaz


@resource("gazetteer")
def _gazetteer_resource(config) -> Gazetteer:
    return get_gazetteer(config.gazetteers, config.house_style.get("ukraine", "ukrainian"), config.allow)
