"""Gazetteer data model: entries and the candidates a lookup returns."""

from __future__ import annotations

from dataclasses import dataclass, field

TYPES = ("person", "organisation", "place", "other")


@dataclass(frozen=True)
class Entry:
    """One named entity.

    ``name`` is the canonical English form (what a suggestion writes);
    ``aliases`` are other accepted English forms (never flagged);
    ``foreign`` are ``(lang, form)`` pairs in their native script (``("ru",
    "Джош Эрнест")``) whose romanizations are the garbled forms MT produces;
    ``context`` are keywords whose presence near a found form raises the
    confidence that the entry is meant ("White House", "press secretary").
    """

    id: str
    name: str
    type: str = "other"
    aliases: tuple[str, ...] = ()
    foreign: tuple[tuple[str, str], ...] = ()
    context: tuple[str, ...] = ()
    note: str = ""
    source: str = ""  # file the entry came from

    @property
    def accepted(self) -> tuple[str, ...]:
        """The canonical name and every alias."""
        return (self.name, *self.aliases)

    def to_dict(self) -> dict:
        return {
            "id": self.id, "name": self.name, "type": self.type, "aliases": list(self.aliases),
            "foreign": [f"{lang}:{form}" for lang, form in self.foreign], "context": list(self.context),
            "note": self.note, "source": self.source,
        }


@dataclass
class Candidate:
    """A gazetteer entry proposed for a query, with how it was found.

    ``confidence`` is in [0, 1]; ``evidence`` is a short human-readable
    account ("ru form 'Джош Эрнест' romanized (bgn_pcgn, simple...): skeleton
    match; distance 0.00"); ``key`` is the kind of key that matched (exact,
    alias, translit, skeleton, consonant, fuzzy, learned); ``scheme`` the
    romanization scheme(s) when a foreign form matched; ``form`` the
    gazetteer form the query was compared with.
    """

    entry: Entry
    confidence: float
    key: str
    form: str
    distance: float = 0.0
    scheme: str = ""
    evidence: str = ""
    context_seen: list[str] = field(default_factory=list)
    close: bool = True  # the matched form is a transliteration of the English name (not a translation)
    form_kind: str = ""  # kind of the matched form (name, alias, surname, translit, tsurname, learned)
    index: int = -1  # position of the entry in its index
    source: str = ""  # the foreign form a translit match came from ("ru:Джош Эрнест")

    @property
    def name(self) -> str:
        return self.entry.name

    def to_dict(self) -> dict:
        return {"name": self.entry.name, "type": self.entry.type, "confidence": round(self.confidence, 4),
                "evidence": self.evidence, "id": self.entry.id}
