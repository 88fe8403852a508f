"""Entity names against the gazetteer (family ``name``, NAM).

All three rules share one scan of the document
(:meth:`mtqa.gazetteer.resource.Gazetteer.analyze`); the matching policy is
documented in :mod:`mtqa.gazetteer.matcher`.
"""

from __future__ import annotations

from typing import Iterable

from mtqa.finding import Finding, Severity
from mtqa.gazetteer import resource as _resource  # noqa: F401  (registers the "gazetteer" resource)
from mtqa.rules.base import Rule, register


def _hits(doc, ctx, kind: str):
    gaz = ctx.get("gazetteer")
    return [h for h in gaz.analyze(doc, ctx.is_allowed) if h.kind == kind]


def _severity_for(confidence: float) -> Severity:
    if confidence >= 0.9:
        return Severity.ERROR
    if confidence >= 0.7:
        return Severity.WARNING
    return Severity.INFO


@register
class GarbledName(Rule):
    """An entity name garbled in translation, with its canonical form.

    Machine translation of Russian copy romanizes names letter by letter from
    their Russian spelling ("dzhebhat an-Nusra", "Dzhebhat EN-Nusra" for
    *Jabhat al-Nusra*; "Moravetsky" for *Morawiecki*; "Ferstappen" for
    *Verstappen*), assimilates the Arabic article ("Hayat Tahrir ash-Sham")
    or snaps to a commoner English name ("Josh Ernest" for *Josh Earnest*).
    The rule looks each name-like span up in the gazetteer
    (``mtqa/data/gazetteer/`` plus ``--gazetteer`` files): romanizations of
    every entry's Cyrillic forms in eight schemes, a phonetic skeleton that
    merges the schemes' differences (dzh/j, kh/h, ts/tz, w/v, y/i, doubled
    letters, an-/ash-/el- → al-), and a fuzzy index over those keys.

    Never flags a canonical name or accepted alias (modulo case and
    typography), an allowed word (``--allow``), or a house-style pair
    (Kiev/Kyiv: NAM003).  **Context policy:** when the found form is itself an
    ordinary English name ("Josh Ernest"), it is reported only if a
    gazetteer person has the same first name and a surname one edit away, the
    found form is not itself an entry, and one of the entry's context keywords
    ("White House", "press secretary") occurs in the paragraph or within 400
    characters — so "Ernest Hemingway" is never touched.  Spellings English
    text itself uses ("Mohammed Morsi", "Aleksey Miller") are variants, not
    garbles, and stay silent.  Context keywords also raise the confidence of
    other matches; the full policy is in ``mtqa/gazetteer/matcher.py``.  Severity follows the
    confidence: error ≥ 0.9, warning ≥ 0.7, info below.  The suggestion is
    the canonical name; ``mtqa fix`` applies it and ``mtqa names`` lists every
    correction with its evidence.
    """

    code = "NAM001"
    name = "garbled-name"
    family = "name"
    severity = Severity.WARNING
    summary = "Entity name garbled in translation (\"Dzhebhat an-Nusra\" → \"Jabhat al-Nusra\")."
    flag_examples = (
        "The terrorist group “dzhebhat an-Nusra (Syrian branch of al-Qaeda) attacked.",
        "Putin urged a split from the terrorist group Dzhebhat EN-Nusra and others.",
        "As later stated by the press secretary of the White House Josh Ernest, no deal was reached.",
        "Polish Prime Minister Mateusz Moravetsky arrived in Kyiv.",
        "Militants of Hayat Tahrir ash-Sham seized the town.",
    )
    pass_examples = (
        "The Nusra Front, known as Jabhat al-Nusra, was al-Qaeda's Syrian affiliate.",
        "White House press secretary Josh Earnest said on Monday.",
        "Ernest Hemingway wrote much of the novel in Key West.",
        "Josh Ernest, a plumber from Ohio, fixed the sink.",
        "Prime Minister Mateusz Morawiecki met Dmitry Peskov.",
    )
    needs = frozenset({"gazetteer"})
    document_caches = (_resource.HITS_CACHE,)  # the document's name hits, shared by the NAM rules
    supersedes = ("CAS", "FLU")
    fixable = True

    def check(self, doc, ctx) -> Iterable[Finding]:
        for h in _hits(doc, ctx, "garbled"):
            kind = {"person": "person", "organisation": "organisation", "place": "place"}.get(h.entry_type, "name")
            message = f"garbled {kind} name '{h.text}'; the standard English form is '{h.suggestion}'"
            data = {"entry": h.entry_id, "type": h.entry_type, "evidence": h.evidence,
                    "context": list(h.context_seen), "entity": h.entry_id, "group": h.group or h.entry_id}
            if h.mention:
                data["mention"] = h.mention
            if h.linked_to is not None:
                message += f" (the same {kind} as '{h.linked_to[0]}')"
                data["linked_to"] = {"text": h.linked_to[0], "start": h.linked_to[1]}
            if h.spellings:
                data["spellings"] = list(h.spellings)
            yield self.finding(
                doc, h.start, h.end, message,
                suggestion=h.suggestion, confidence=h.confidence, severity=_severity_for(h.confidence),
                data=data,
            )


@register
class UnverifiedTransliteration(Rule):
    """A name that looks romanized from Russian and is not in the gazetteer.

    Words with a strong romanized-Russian signature — a "Dzh-" start (English
    writes "J"), or the endings -skiy, -skii, -iy, -yy, -ovna, -evna (English
    writes -sky, -y and drops patronymics) — are how MT renders Russian names
    it does not know.  English copy usually has an established spelling
    (Dzhugashvili → Jughashvili, Dmitriy → Dmitry) that the desk should
    verify.  Standard English spellings with Russian endings (Khodorkovsky,
    Kuznetsova, Veselnitskaya) are not reported.  Reported once per document and spelling, as information, only
    when the word is rare in English (not among wordfreq's most frequent
    words), is not a gazetteer name or alias and has no gazetteer entry within
    one edit.  Add the name to a ``--gazetteer`` file or to ``allow`` to
    silence it.
    """

    code = "NAM002"
    name = "unverified-transliteration"
    family = "name"
    severity = Severity.INFO
    summary = "Name romanized from Russian that the gazetteer does not know (\"Dzhamshed Khudoyberdiyev\")."
    flag_examples = (
        "The deputy governor Dzhamshed Khudoyberdiyev resigned on Monday.",
        "A spokesman, Vitaliy Pozdnyshevskiy, confirmed the arrest.",
    )
    pass_examples = (
        "Foreign Minister Sergei Lavrov met his counterpart in Moscow.",
        "The Kremlin spokesman Dmitry Peskov declined to comment.",
        "The orchestra played Tchaikovsky and Rachmaninoff.",
    )
    needs = frozenset({"gazetteer"})
    document_caches = (_resource.HITS_CACHE,)  # the document's name hits, shared by the NAM rules
    supersedes = ("CAS", "FLU")

    def check(self, doc, ctx) -> Iterable[Finding]:
        for h in _hits(doc, ctx, "unverified"):
            yield self.finding(
                doc, h.start, h.end,
                f"'{h.text}' looks romanized from Russian and is not in the gazetteer: check the standard English spelling",
                confidence=h.confidence, data={"evidence": h.evidence},
            )


@register
class HouseStyleSpelling(Rule):
    """A Ukrainian name spelled against the house style.

    By default (``house-style = { ukraine = "ukrainian" }``, current AP and
    Reuters usage) Ukrainian places are written in their Ukrainian-derived
    romanization: Kyiv, Kharkiv, Odesa, Hostomel, Mykolaiv, Zaporizhzhia —
    not the Russian-derived Kiev, Kharkov, Odessa, Gostomel.  With
    ``ukraine = "russian"`` the rule flags the Ukrainian-derived forms
    instead.  The pairs come from ``mtqa/data/gazetteer/house_style_ua.tsv``.
    "Chicken Kiev" and Odessa, Texas are left alone.  Suggests the house
    form.
    """

    code = "NAM003"
    name = "house-style-spelling"
    family = "name"
    severity = Severity.WARNING
    summary = "Ukrainian name against the house style (\"Kiev\" → \"Kyiv\" by default)."
    flag_examples = (
        "Russian troops withdrew from the area around Kiev in April.",
        "Shelling hit Kharkov and the port of Odessa overnight.",
    )
    pass_examples = (
        "Russian troops withdrew from the area around Kyiv in April.",
        "He ordered chicken Kiev at a diner in Odessa, Texas.",
    )
    needs = frozenset({"gazetteer"})
    document_caches = (_resource.HITS_CACHE,)  # the document's name hits, shared by the NAM rules
    supersedes = ("CAS", "FLU")
    fixable = True

    def check(self, doc, ctx) -> Iterable[Finding]:
        gaz = ctx.get("gazetteer")
        for h in _hits(doc, ctx, "house"):
            if h.entry_type == "variant":
                message = f"house style for this name (an accepted variant): write '{h.suggestion}'"
            else:
                message = f"house style ({gaz.house_style}-derived spellings of Ukrainian names): write '{h.suggestion}'"
            yield self.finding(doc, h.start, h.end, message,
                               suggestion=h.suggestion, confidence=h.confidence, data={"evidence": h.evidence})
