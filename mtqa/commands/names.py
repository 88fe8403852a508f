"""``mtqa names``: the corrected-names report."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from mtqa.cli import (HOUSE_STYLE_HELP, MODEL_HELP, SOURCE_FIELD_HELP, SOURCE_HELP, SOURCE_LANG_HELP, _die, _output, app,
                      build_config, say_wrote, source_options)

FORMATS = ("table", "csv", "md", "json")


def collect(reports, snippet_width: int = 40) -> dict:
    """Aggregate name findings of DocumentReports: corrected names, unverified ones and the
    corrections per entity (:func:`entities`)."""
    corrected: dict[tuple, dict] = {}
    unverified: dict[str, dict] = {}
    for rep in reports:
        doc = rep.document
        for f in rep.findings:
            if f.family != "name":
                continue
            loc = f"{doc.name}:{f.line}:{f.column}"
            t = doc.text
            snippet = " ".join((t[max(0, f.start - snippet_width):f.start] + "[" + f.text + "]"
                                + t[f.end:f.end + snippet_width]).split())
            if f.code == "NAM002":
                key = f.text
                row = unverified.setdefault(key, {"found": f.text, "count": 0, "locations": [], "confidence": 0.0,
                                                  "evidence": f.data.get("evidence", ""), "context": snippet})
            else:
                key = (f.text, f.suggestion, f.code)
                row = corrected.setdefault(key, {
                    "found": f.text, "suggestion": f.suggestion, "code": f.code,
                    "type": f.data.get("type") or ("place" if f.code == "NAM003" else ""),
                    "count": 0, "locations": [], "confidence": 0.0, "severity": str(f.severity),
                    "evidence": f.data.get("evidence", ""), "context": snippet,
                    # with the original (--source): the source word the name renders, as written there
                    "source": f.data.get("source", "")})
                if f.confidence > row["confidence"]:
                    row["severity"] = str(f.severity)
                    row["evidence"] = f.data.get("evidence", row["evidence"])
                if not row["source"] and f.data.get("source"):
                    row["source"] = f.data["source"]
            row["count"] += 1
            row["locations"].append(loc)
            row["confidence"] = max(row["confidence"], round(f.confidence, 4))
    order = lambda r: (-r["count"], -r["confidence"], r["found"])  # noqa: E731
    return {"corrected": sorted(corrected.values(), key=order), "unverified": sorted(unverified.values(), key=order),
            "entities": entities(reports)}


def entities(reports) -> list[dict]:
    """The corrections per entity (the gazetteer entry, ``data["entity"]``; for a NAM004
    correction from a lexicon candidate, which has no entry, one spelling's ``data["group"]``
    in one document), over all documents.

    Each row: ``entity`` (the gazetteer id), ``type``, ``suggestion`` (the full name the
    corrections write), ``spellings`` (every spelling of the entity seen in the documents,
    correct ones included, with its count of corrected mentions: 0 for a correct one),
    ``evidence`` (``gazetteer``: the strongest mention's account of the gazetteer match;
    ``lm_margin``: the language model's margin in nats, when a finding carries one), the
    ``mentions`` (location, found, suggestion, confidence, the full mention a surname alone is
    linked to, and whether ``mtqa fix`` applies it: a group is fixed all or none, by the fix
    gate) and ``fixed``: how many of them ``mtqa fix`` corrects."""
    from mtqa.fix import fix_gate, plan
    from mtqa.rules import all_rules

    fixable = {r.code for r in all_rules() if r.fixable}
    gate = fix_gate()
    rows: dict[str, dict] = {}
    for rep in reports:
        doc = rep.document
        applied = {(e.start, e.end) for e in plan(rep.findings, fixable, gate=gate)}
        for f in rep.findings:
            ent = f.data.get("entity") if f.code in ("NAM001", "NAM004") else None
            if f.code == "NAM004" and not ent:  # a lexicon candidate: no gazetteer entry
                ent = f"{doc.name}:{f.data.get('group', '')}"
            if not ent:
                continue
            row = rows.setdefault(ent, {"entity": ent, "type": f.data.get("type", ""), "suggestion": f.suggestion,
                                        "spellings": {}, "evidence": {"gazetteer": "", "lm_margin": None},
                                        "mentions": [], "fixed": 0, "_conf": -1.0})
            if len((f.suggestion or "").split()) > len((row["suggestion"] or "").split()):
                row["suggestion"] = f.suggestion  # the full name, not a surname alone
            for sp in f.data.get("spellings", ()):
                row["spellings"].setdefault(sp, 0)
            row["spellings"][f.text] = row["spellings"].get(f.text, 0) + 1
            linked = f.data.get("linked_to")
            if f.confidence > row["_conf"] and not linked:
                row["_conf"] = f.confidence
                row["evidence"]["gazetteer"] = (
                    f"NAM004, the names decision (probability {f.confidence:.2f}): {f.data.get('evidence', '')}"
                    if f.code == "NAM004" else f"{f.data.get('entry', ent)}: {f.data.get('evidence', '')}")
            margin = f.data.get("lm_margin")
            if margin is not None:
                old = row["evidence"]["lm_margin"]
                row["evidence"]["lm_margin"] = round(float(margin), 3) if old is None else max(old, round(float(margin), 3))
            fixed = (f.start, f.end) in applied
            row["fixed"] += fixed
            row["mentions"].append({"location": f"{doc.name}:{f.line}:{f.column}", "found": f.text,
                                    "suggestion": f.suggestion, "confidence": round(f.confidence, 4),
                                    "linked_to": linked["text"] if linked else None, "fixed": fixed})
    out = []
    for row in rows.values():
        row.pop("_conf")
        row["spellings"] = [{"spelling": k, "corrected": v}
                            for k, v in sorted(row["spellings"].items(), key=lambda kv: (-kv[1], kv[0]))]
        out.append(row)
    return sorted(out, key=lambda r: (-len(r["mentions"]), r["entity"]))


def _locs(row: dict, limit: int = 3) -> str:
    locs = row["locations"]
    more = f" (+{len(locs) - limit} more)" if len(locs) > limit else ""
    return ", ".join(locs[:limit]) + more


def render(data: dict, fmt: str) -> str:
    import csv
    import io
    import json

    if fmt == "json":
        return json.dumps({"schema": "mtqa-names/1", **data}, ensure_ascii=False, indent=2) + "\n"
    cols = ["found", "suggestion", "type", "count", "locations", "confidence", "evidence", "context", "source"]
    ucols = ["found", "count", "locations", "confidence", "evidence", "context"]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["section", *cols])
        for r in data["corrected"]:
            w.writerow(["corrected", r["found"], r["suggestion"], r["type"], r["count"], " ".join(r["locations"]),
                        f"{r['confidence']:.2f}", r["evidence"], r["context"], r.get("source", "")])
        for r in data["unverified"]:
            w.writerow(["unverified", r["found"], "", "", r["count"], " ".join(r["locations"]),
                        f"{r['confidence']:.2f}", r["evidence"], r["context"], ""])
        return buf.getvalue()
    if fmt == "md":
        def esc(s) -> str:
            return str(s).replace("|", "\\|")

        out = ["## Corrected names", ""]
        if data["corrected"]:
            out += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
            for r in data["corrected"]:
                out.append("| " + " | ".join(esc(x) for x in (r["found"], r["suggestion"], r["type"], r["count"],
                                                               _locs(r), f"{r['confidence']:.2f}", r["evidence"],
                                                               r["context"], r.get("source", ""))) + " |")
        else:
            out.append("No garbled names found.")
        out += ["", "## Unverified transliterations", ""]
        if data["unverified"]:
            out += ["| " + " | ".join(ucols) + " |", "|" + "---|" * len(ucols)]
            for r in data["unverified"]:
                out.append("| " + " | ".join(esc(x) for x in (r["found"], r["count"], _locs(r),
                                                               f"{r['confidence']:.2f}", r["evidence"],
                                                               r["context"])) + " |")
        else:
            out.append("None.")
        out += ["", "## Names by entity", ""]
        if data.get("entities"):
            ecols = ["entity", "suggestion", "spellings", "mentions", "fixed", "evidence"]
            out += ["| " + " | ".join(ecols) + " |", "|" + "---|" * len(ecols)]
            for r in data["entities"]:
                out.append("| " + " | ".join(esc(x) for x in (r["entity"], r["suggestion"], _spellings(r),
                                                               len(r["mentions"]), r["fixed"], _evidence(r))) + " |")
        else:
            out.append("None.")
        return "\n".join(out) + "\n"
    # table
    lines = ["Corrected names"]
    rows = [("FOUND", "SUGGESTION", "TYPE", "COUNT", "CONF", "LOCATIONS")]
    rows += [(r["found"], r["suggestion"], r["type"], str(r["count"]), f"{r['confidence']:.2f}", _locs(r))
             for r in data["corrected"]]
    lines += _table(rows) if data["corrected"] else ["  (none)"]
    for r in data["corrected"]:
        src = f" (the original: {r['source']})" if r.get("source") else ""
        lines.append(f"  {r['found']}{src} → {r['suggestion']}: {r['evidence']}")
        lines.append(f"      …{r['context']}…")
    lines += ["", "Unverified transliterations"]
    urows = [("FOUND", "COUNT", "LOCATIONS")] + [(r["found"], str(r["count"]), _locs(r)) for r in data["unverified"]]
    lines += _table(urows) if data["unverified"] else ["  (none)"]
    lines += ["", "Names by entity"]
    if data.get("entities"):
        erows = [("ENTITY", "SUGGESTION", "MENTIONS", "FIXED", "SPELLINGS")]
        erows += [(r["entity"], r["suggestion"], str(len(r["mentions"])), str(r["fixed"]), _spellings(r))
                  for r in data["entities"]]
        lines += _table(erows)
        for r in data["entities"]:
            lines.append(f"  {r['suggestion']}: {_evidence(r)}")
    else:
        lines.append("  (none)")
    return "\n".join(lines) + "\n"


def _spellings(row: dict) -> str:
    """"Sergei Shoigou ×1, Shoigou ×2, Sergei Shoigu": each spelling with its corrected mentions."""
    return ", ".join(f"{s['spelling']} ×{s['corrected']}" if s["corrected"] else s["spelling"] for s in row["spellings"])


def _evidence(row: dict) -> str:
    ev = row["evidence"]
    out = ev["gazetteer"]
    if ev.get("lm_margin") is not None:
        out += f"; language model margin {ev['lm_margin']:+.2f} nats"
    return out


def _table(rows: list[tuple]) -> list[str]:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


@app.command()
def names(
    paths: List[str] = typer.Argument(..., help="Files, directories (recursive) or - for stdin."),
    format: str = typer.Option("table", "--format", "-f", help="table | csv | md | json"),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the report to FILE (atomically)."),
    min_confidence: float = typer.Option(0.0, "--min-confidence", help="Only corrections at or above this confidence."),
    config: Optional[str] = typer.Option(None, "--config", help="Config file."),
    allow: Optional[List[str]] = typer.Option(None, "--allow", help="Accepted word or name (repeatable)."),
    gazetteer: Optional[List[str]] = typer.Option(None, "--gazetteer", help="Extra gazetteer file (repeatable)."),
    house_style: Optional[List[str]] = typer.Option(None, "--house-style", help=HOUSE_STYLE_HELP),
    fluency: Optional[bool] = typer.Option(None, "--fluency/--no-fluency",
                                           help="Judge names with the language model, as check does (the default); "
                                                "--no-fluency: the names decision without it, faster, fewer names."),
    model: Optional[str] = typer.Option(None, "--model", help=MODEL_HELP),
    input_format: Optional[str] = typer.Option(None, "--input-format", help="Force the reader (text, jsonl, ...)."),
    field: Optional[List[str]] = typer.Option(None, "--field", help="JSON field(s) with the text."),
    source: Optional[str] = typer.Option(None, "--source", help=SOURCE_HELP),
    source_field: Optional[List[str]] = typer.Option(None, "--source-field", help=SOURCE_FIELD_HELP),
    source_lang: Optional[str] = typer.Option(None, "--source-lang", help=SOURCE_LANG_HELP),
) -> None:
    """The corrected-names report: every garbled name with its suggestion, count, locations,
    confidence and evidence, the unverified transliterations in a separate section, and the
    names by entity (every spelling seen, the suggestion, its evidence, the mentions fixed)."""
    from mtqa.checker import Checker
    from mtqa.readers import ReadError, ReadOptions

    if format not in FORMATS:
        raise _die(f"unknown --format '{format}' (choose from {', '.join(FORMATS)})")
    cfg = build_config(config, ["NAM"], None, None, None, allow, gazetteer, fluency, model, None, None, field,
                       house_style)
    checker = Checker(cfg)
    opts = ReadOptions(input_format=input_format, fields=cfg.fields, max_bytes=cfg.max_bytes)
    source_options(opts, paths, source, source_field, source_lang)
    reports = []
    status = 0
    for item in checker.check_paths(paths, opts):
        if isinstance(item, ReadError):
            sys.stderr.write(f"mtqa: error: {item}\n")
            status = 2
            continue
        item.findings = [f for f in item.findings if f.code == "NAM002" or f.confidence >= min_confidence]
        reports.append(item)
    data = collect(reports)
    data["documents"] = len(reports)
    with _output(output) as out:
        out.write(render(data, format))
    if output and output != "-":
        say_wrote("the names report", output)
    raise typer.Exit(status)
