"""``mtqa normalize``: look names up in the gazetteer directly."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from mtqa.cli import _die, app


@app.command()
def normalize(
    names: Optional[List[str]] = typer.Argument(None, help="Names to look up; none or - reads one name per stdin line."),
    gazetteer: Optional[List[str]] = typer.Option(None, "--gazetteer", help="Extra gazetteer file (repeatable)."),
    no_default: bool = typer.Option(False, "--no-default-gazetteer", help="Use only the --gazetteer files."),
    top: int = typer.Option(3, "--top", "-k", help="Candidates per query."),
    min_confidence: float = typer.Option(0.3, "--min-confidence", help="Drop candidates below this confidence."),
    format: str = typer.Option("tsv", "--format", "-f", help="tsv | json (one JSON object per query and line)"),
) -> None:
    """Canonical names for garbled ones, best first, with confidence and evidence.

    Output is streamed in input order, one query at a time (flushed per line).
    ``--format json``: {"query", "candidates": [{"name", "type", "confidence",
    "evidence"}, ...]}, an empty list when nothing is close.  ``--format tsv``:
    query, name, type, confidence, evidence — one line per candidate, or the
    query and four empty columns when there is none.  A query that is not
    valid UTF-8 gets an answer with no candidates (JSON: ``"error"``), a line on
    stderr, and exit status 2 at the end; the other queries are answered.
    """
    import json

    from mtqa.gazetteer import GazetteerError, get_gazetteer

    if format not in ("tsv", "json"):
        raise _die("--format must be tsv or json")
    if top < 1:
        raise _die("--top must be at least 1")
    try:
        gaz = get_gazetteer(gazetteer or [], defaults=not no_default)
    except GazetteerError as e:
        raise _die(str(e))

    def queries():
        args = list(names or [])
        if not args or args == ["-"]:
            # bytes, so that one undecodable line is reported and skipped, not fatal
            for n, raw in enumerate(sys.stdin.buffer):
                line = raw.decode("utf-8", "surrogateescape").rstrip("\r\n")
                yield line[1:] if n == 0 and line.startswith("\ufeff") else line
        else:
            yield from args  # argv: Python decoded it with surrogateescape

    out = sys.stdout
    bad = 0
    try:
        for n, q in enumerate(queries(), 1):
            error = None
            if not _is_utf8(q):  # an undecodable byte: answer (in order) with no candidates, exit 2 at the end
                q = q.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                error = "not valid UTF-8"
                bad += 1
                sys.stderr.write(f"mtqa: error: query {n}: {error} (shown with U+FFFD)\n")
                sys.stderr.flush()
            query = " ".join(q.split())
            cands = gaz.lookup(query, top=top, min_confidence=min_confidence) if query and not error else []
            if format == "json":
                rec = {"query": q, "candidates": [
                    {"name": c.entry.name, "type": c.entry.type, "confidence": round(c.confidence, 4),
                     "evidence": c.evidence} for c in cands]}
                if error:
                    rec["error"] = error
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            else:
                clean = q.replace("\t", " ")
                if not cands:
                    out.write(f"{clean}\t\t\t\t\n")
                for c in cands:
                    out.write(f"{clean}\t{c.entry.name}\t{c.entry.type}\t{c.confidence:.4f}\t{c.evidence}\n")
            out.flush()
    except BrokenPipeError:
        import os

        sys.stdout = open(os.devnull, "w")
        raise typer.Exit(0)
    if bad:
        raise typer.Exit(2)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
