"""Applying suggestions: the engine behind ``mtqa fix``.

Only findings of rules marked ``fixable`` that carry a suggestion and reach
the confidence threshold are applied, and by default only rules measured
precise on clean news (:func:`fix_gate`, ``mtqa/data/fix_gate.tsv``).  Edits never overlap: when two
candidate edits overlap, the one with the higher confidence wins (then the
longer span, then the earlier one).  The corrections of one entity's mentions
(NAM001 findings with one ``data["group"]``: "Sergei Shoigou" and the
"Shoigou" after it) are applied all or none: when one of them is below the
gate or loses an overlap, none is, so the fixed copy never names one person
two ways.  Edits are applied right to left so that
earlier offsets stay valid.  :func:`fix_text` re-checks the result and
repeats (at most three passes) until nothing is left to apply, so running
``mtqa fix`` on its own output changes nothing.

Files are read and written byte-faithfully: a UTF-8 BOM is kept, CRLF/LF
line ends are whatever the text had (the checker never touches them), and the
output is written atomically (:func:`mtqa.atomic.atomic_writer`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from mtqa.finding import Finding
from mtqa.tables import read_tsv

DEFAULT_MIN_CONFIDENCE = 0.8
MAX_PASSES = 3
PLAIN_TEXT_SUFFIXES = (".txt", ".text", ".md", "")


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    old: str
    new: str
    code: str
    confidence: float
    message: str = ""
    pass_no: int = 0  # which re-check pass of fix_text found it (offsets are into that pass's text)
    group: str = ""  # the entity group of a name correction (its mentions are applied all or none)


#: Rules :func:`fix_text` always runs, whatever is selected: their findings are never fixed,
#: they keep typography fixes away from text an editor must look at (ATT001: a dropped source).
GUARD_RULES = ("ATT",)


def left_for_the_editor(f: Finding, fixable: set[str]) -> bool:
    """A finding of a guard rule (ATT001 "reports ." — the source is missing): an editor's
    job whose evidence is the spacing itself.  Other findings without a fix (an untranslated
    word) are not hidden by tidying the space next to them."""
    return f.code.startswith(GUARD_RULES) and (f.code not in fixable or f.suggestion is None)


@lru_cache(maxsize=1)
def fix_gate() -> dict[str, float]:
    """Rule code → the confidence from which ``mtqa fix`` applies its suggestions.

    Only rules whose fixes were measured precise on clean native news are listed
    (``mtqa/data/fix_gate.tsv``, measured with ``benchmarks/fix_precision.py``); a
    fixable rule that is not listed is applied only with ``--unsafe-fixes``."""
    return {r["code"]: float(r["min_confidence"]) for r in read_tsv("fix_gate.tsv")}


def plan(findings: Iterable[Finding], fixable: set[str], min_confidence: float = DEFAULT_MIN_CONFIDENCE,
         gate: "dict[str, float] | None" = None) -> list[Edit]:
    """Non-overlapping edits from findings, in text order.

    With a ``gate`` (:func:`fix_gate`), a rule's finding is applied only if the rule
    is in it and the finding reaches the rule's minimum confidence as well as
    ``min_confidence``; without one, every fixable rule at ``min_confidence``.

    A typography fix that covers or touches a finding left for the editor
    (:func:`left_for_the_editor`) is not applied: tidying "reports ." into
    "reports." would hide the dropped source ATT001 points at."""
    findings = list(findings)
    editor = [(g.start, g.end) for g in findings if left_for_the_editor(g, fixable)]

    def near_editor_finding(f: Finding) -> bool:
        return f.family == "typography" and any(f.start <= b and a <= f.end for a, b in editor)

    def wanted(f: Finding) -> bool:  # a correction the rule proposes
        return f.code in fixable and f.suggestion is not None and f.suggestion != f.text and f.end > f.start

    def passes(f: Finding) -> bool:
        return (f.confidence >= min_confidence and (gate is None or (f.code in gate and f.confidence >= gate[f.code]))
                and not near_editor_finding(f))

    # the mentions of one entity (NAM001's data["group"]) are corrected all or none: a group with
    # a correction that cannot be applied is left whole to the editor
    blocked = {group_of(f) for f in findings if wanted(f) and group_of(f) and not passes(f)}
    cands = [
        Edit(f.start, f.end, f.text, f.suggestion, f.code, f.confidence, f.message, group=group_of(f))
        for f in findings if wanted(f) and passes(f) and group_of(f) not in blocked
    ]
    # strongest first, then take what does not overlap what was taken; a group that lost a
    # member to an overlap is withdrawn and the rest taken again
    cands.sort(key=lambda e: (-e.confidence, -(e.end - e.start), e.start, e.code))
    while True:
        taken: list[Edit] = []
        lost: set[str] = set()
        for e in cands:
            if all(e.end <= t.start or e.start >= t.end for t in taken):
                taken.append(e)
            elif e.group:
                lost.add(e.group)
        if not lost:
            break
        cands = [e for e in cands if e.group not in lost]
    return sorted(taken, key=lambda e: (e.start, e.end))


def group_of(f: Finding) -> str:
    """The entity group of a finding ("" for none): its mentions are fixed all or none."""
    g = f.data.get("group") if isinstance(f.data, dict) else None
    return f"{f.code}:{g}" if g else ""


def apply(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits right to left."""
    out = text
    for e in sorted(edits, key=lambda e: e.start, reverse=True):
        if out[e.start:e.end] != e.old:
            raise ValueError(f"edit at {e.start} does not match the text ({out[e.start:e.end]!r} != {e.old!r})")
        out = out[: e.start] + e.new + out[e.end:]
    return out


def fixable_codes(checker) -> set[str]:
    return {r.code for r in checker.rules if getattr(r, "fixable", False)}


def fix_text(text: str, checker, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
             source: str = "<text>", unsafe: bool = False, original=None) -> tuple[str, list[Edit]]:
    """The fixed text and every edit applied (over all passes, in the order applied).

    Only the rules of :func:`fix_gate`, from their measured confidence, unless ``unsafe``.
    ``original`` (:class:`mtqa.source.Original`): the text it was translated from, read by every
    pass as ``mtqa check --source`` reads it (a name the original vouches for is never changed)."""
    codes = fixable_codes(checker)
    gate = None if unsafe else fix_gate()
    applied: list[Edit] = []
    current = text
    for n in range(MAX_PASSES):
        report = checker.check_text(current, source=source,
                                    original=None if original is None else original.text,
                                    original_lang=None if original is None else original.language)
        edits = [replace(e, pass_no=n) for e in plan(report.findings, codes, min_confidence, gate)]
        if not edits:
            break
        current = apply(current, edits)
        applied.extend(edits)
    return current, applied


@dataclass
class FileText:
    text: str
    bom: bool


def read_text_file(path: str | Path) -> FileText:
    """A UTF-8 text file as the checker sees it (BOM dropped but remembered, CRLF kept)."""
    data = Path(path).read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    return FileText(data.decode("utf-8"), bom)


def write_text_file(path: str | Path, text: str, bom: bool) -> None:
    from mtqa.atomic import atomic_writer

    with atomic_writer(path, encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        fh.write(text)


def is_plain_text(path: str) -> bool:
    p = Path(path)
    if p.suffix.lower() not in PLAIN_TEXT_SUFFIXES:
        return False
    try:
        head = p.read_bytes()[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    except OSError:
        return True  # let the reader report it
    return not (head.startswith(b"{") or head.startswith(b"<"))


def unified_diff(old: str, new: str, path: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"a/{path}", tofile=f"b/{path}"))
