"""A LanguageTool-compatible subset of the HTTP API v2, so LanguageTool clients work unchanged.

``POST /v2/check`` takes the form fields ``text`` or ``data`` (annotated
text: ``{"annotation": [{"text": ...}, {"markup": ..., "interpretAs": ...}]}``),
``language`` (English only: ``en``, ``en-US``, ``en-GB``... or ``auto``),
``enabledRules``/``disabledRules`` (mtqa rule codes or prefixes),
``enabledCategories``/``disabledCategories`` (mtqa families: ``CASING``,
``NAME``...), ``enabledOnly`` and ``apiKey``; other LanguageTool fields
(``motherTongue``, ``level``, ``preferredVariants``...) are accepted and have
no effect.  The answer has LanguageTool's shape: ``software``, ``language``
and ``matches`` with ``offset``/``length`` in UTF-16 code units of the text
sent (for ``data``: of the markup and text concatenated, as LanguageTool
counts), ``context``, ``sentence``, ``replacements`` and ``rule`` (the mtqa
code as ``id``, its family as ``category``).  ``GET /v2/languages`` lists the
English variants.  Errors are plain text, as LanguageTool sends them.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from mtqa import __version__
from mtqa.document import Document
from mtqa.report import DocumentReport
from mtqa.serve.errors import bad_request
from mtqa.serve.inputs import CheckOptions, read_documents, parse_options
from mtqa.serve.offsets import Utf16Offsets
from mtqa.serve.settings import Settings

LANGUAGES = (("English", "en", "en"), ("English (US)", "en", "en-US"), ("English (GB)", "en", "en-GB"),
             ("English (Australian)", "en", "en-AU"), ("English (Canadian)", "en", "en-CA"),
             ("English (New Zealand)", "en", "en-NZ"), ("English (South African)", "en", "en-ZA"))
_BY_CODE = {long.lower(): (name, long) for name, _, long in LANGUAGES}

CONTEXT_CHARS = 40  # code points of context on each side of a match

# LanguageTool's issue types (from the ITS 2.0 localization-quality types) per mtqa family / code
ISSUE_TYPES = {"casing": "typographical", "quote": "typographical", "attribution": "omission",
               "typography": "typographical", "language": "untranslated", "repetition": "duplication",
               "name": "mistranslation", "phrase": "mistranslation", "fluency": "grammar"}
ISSUE_TYPE_BY_CODE = {"TYP002": "whitespace", "REP002": "omission"}


def languages_json() -> list[dict[str, str]]:
    return [{"name": name, "code": code, "longCode": long} for name, code, long in LANGUAGES]


@dataclass
class Annotated:
    """Annotated text: the plain text mtqa checks and where its pieces lie in the original."""

    plain: str
    original: str
    # (plain start, plain end, original start, original end, is text) per piece with plain text
    pieces: list[tuple[int, int, int, int, bool]] = field(default_factory=list)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Code point span in the original of plain span [start, end)."""
        if not self.pieces:
            return start, end
        starts = [p[0] for p in self.pieces]
        ps, _, os_, oe, is_text = self.pieces[max(0, bisect_right(starts, start) - 1)]
        o_start = os_ + (start - ps) if is_text else os_
        last = max(start, end - 1)
        ps, _, os_, oe, is_text = self.pieces[max(0, bisect_right(starts, last) - 1)]
        o_end = os_ + (end - ps) if is_text else oe
        return o_start, max(o_start, o_end)


def parse_annotation(raw: str) -> Annotated:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        raise bad_request("data: malformed JSON (expected {\"annotation\": [{\"text\": ...}, {\"markup\": ...}]})") from None
    items = data.get("annotation") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise bad_request("data: expected {\"annotation\": [{\"text\": ...}, {\"markup\": ...}]}")
    plain: list[str] = []
    original: list[str] = []
    pieces = []
    p = o = 0
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise bad_request(f"data: annotation[{i}] must be an object")
        if "text" in item and isinstance(item["text"], str) and "markup" not in item:
            seen = shown = item["text"]
            is_text = True
        elif "markup" in item and isinstance(item["markup"], str) and "text" not in item:
            seen = item["markup"]
            shown = item.get("interpretAs", "")
            if not isinstance(shown, str):
                raise bad_request(f"data: annotation[{i}].interpretAs must be a string")
            is_text = False
        else:
            raise bad_request(f"data: annotation[{i}] needs a string \"text\" or \"markup\", not both")
        if shown:  # a piece the checker sees (markup with no interpretAs holds no plain position)
            pieces.append((p, p + len(shown), o, o + len(seen), is_text))
        plain.append(shown)
        original.append(seen)
        p += len(shown)
        o += len(seen)
    return Annotated("".join(plain), "".join(original), pieces)


@dataclass
class LtCheck:
    """A parsed ``/v2/check`` request."""

    options: CheckOptions
    document: Document
    annotated: Annotated | None
    language: tuple[str, str]  # name, code
    detected: bool  # language=auto


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes")


def _list(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").split(",") if x.strip()]


def _families() -> dict[str, str]:
    """Category id (family, upper-case) → the rule-code prefix of that family."""
    from mtqa.rules import all_rules

    return {cls.family.upper(): cls.code[:3] for cls in all_rules()}


def parse_check(form: dict[str, str], settings: Settings) -> LtCheck:
    lang = (form.get("language") or "").strip()
    if not lang:
        raise bad_request("Missing 'language' parameter")
    detected = lang.lower() == "auto"
    if detected:
        language = _BY_CODE["en-us"]
    else:
        language = _BY_CODE.get(lang.lower().replace("_", "-")) or (
            _BY_CODE["en"] if lang.lower().split("-")[0] == "en" else None)
        if language is None:
            raise bad_request(f"language {lang!r} is not supported: mtqa checks English (en, en-US, en-GB..., auto)")
    if ("text" in form) == ("data" in form):
        raise bad_request("give either 'text' or 'data' (annotated text as JSON)")
    annotated = parse_annotation(form["data"]) if "data" in form else None
    text = annotated.plain if annotated else form["text"]

    families = _families()
    categories = {}
    for name in ("enabledCategories", "disabledCategories"):
        cats = _list(form.get(name))
        unknown = [c for c in cats if c.upper() not in families]
        if unknown:
            raise bad_request(f"{name}: unknown category {unknown[0]!r} (mtqa's: {', '.join(sorted(families))})")
        categories[name] = [families[c.upper()] for c in cats]
    enabled = _list(form.get("enabledRules"))
    request: dict[str, Any] = {"ignore": _list(form.get("disabledRules")) + categories["disabledCategories"]}
    if _flag(form.get("enabledOnly")):
        chosen = enabled + categories["enabledCategories"]
        if not chosen:
            raise bad_request("enabledOnly=true needs enabledRules or enabledCategories")
        request["select"] = chosen
    elif enabled or categories["enabledCategories"]:
        # mtqa's rules are all on by default: enabling adds to the server's selection
        request["select"] = list(settings.config.select) + enabled + categories["enabledCategories"]
    options = parse_options(request, settings)
    (document,) = read_documents({"text": text}, settings, "<request>", "text")
    return LtCheck(options, document, annotated, language, detected)


def _short(rule: str) -> str:
    return rule.replace("-", " ").capitalize()


def _sentence(doc: Document, start: int, end: int) -> str:
    starts = [s.start for s in doc.sentences]
    i = bisect_right(starts, start) - 1
    if i >= 0 and doc.sentences[i].end >= end:
        s = doc.sentences[i]
        return doc.text[s.start:s.end]
    return doc.text[start:end]


def _context(text: str, start: int, end: int) -> dict[str, Any]:
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    prefix = "..." if lo > 0 else ""
    ctx = prefix + text[lo:hi].replace("\n", " ").replace("\r", " ") + ("..." if hi < len(text) else "")
    u16 = Utf16Offsets(ctx)
    a, b = len(prefix) + start - lo, len(prefix) + end - lo
    return {"text": ctx, "offset": u16.utf16(a), "length": u16.utf16(b) - u16.utf16(a)}


def check_json(report: DocumentReport, req: LtCheck) -> dict[str, Any]:
    from mtqa.rules import get_rule

    doc = report.document
    original = req.annotated.original if req.annotated else doc.text
    u16 = Utf16Offsets(original)
    matches = []
    for f in report.findings:
        start, end = req.annotated.original_span(f.start, f.end) if req.annotated else (f.start, f.end)
        cls = get_rule(f.code)
        matches.append({
            "message": f.message,
            "shortMessage": _short(f.rule),
            "replacements": [{"value": f.suggestion}] if f.suggestion is not None else [],
            "offset": u16.utf16(start),
            "length": u16.utf16(end) - u16.utf16(start),
            "context": _context(doc.text, f.start, f.end),
            "sentence": _sentence(doc, f.start, f.end),
            "type": {"typeName": "Other"},
            "rule": {
                "id": f.code,
                "description": cls.summary if cls is not None else f.rule,
                "issueType": ISSUE_TYPE_BY_CODE.get(f.code, ISSUE_TYPES.get(f.family, "uncategorized")),
                "category": {"id": f.family.upper(), "name": f.family.capitalize()},
            },
            "ignoreForIncompleteSentence": False,
            "contextForSureMatch": 0,
        })
    name, code = req.language
    language: dict[str, Any] = {"name": name, "code": code,
                                "detectedLanguage": {"name": name, "code": code, "confidence": 1.0,
                                                     "source": "mtqa" if req.detected else "request"}}
    return {"software": {"name": "mtqa", "version": __version__, "buildDate": None, "apiVersion": 1,
                         "premium": False, "status": ""},
            "warnings": {"incompleteResults": False},
            "language": language,
            "matches": matches}
