"""``mtqa gazetteer``: import sanctions lists, check gazetteer files."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from mtqa.cli import _die, app

gazetteer_app = typer.Typer(help="Gazetteer files: import sanctions lists, check files.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")


@gazetteer_app.command("import")
def import_(
    file: str = typer.Argument(..., help="The downloaded list."),
    source: str = typer.Option(..., "--from", help="ofac-sdn | uk-ofsi | csv"),
    output: str = typer.Option(..., "--output", "-o", help="The gazetteer TSV to write (atomically; - for stdout)."),
    include_vessels: bool = typer.Option(False, "--include-vessels", help="Keep vessels, aircraft and ships."),
) -> None:
    """Turn a sanctions list (OFAC SDN CSV, UK OFSI consolidated CSV) or any CSV with a
    'name' column into a gazetteer TSV that --gazetteer reads."""
    from pathlib import Path

    from mtqa.gazetteer.importers import READERS, ImportError_, read_csv, read_ofac_sdn, read_uk_ofsi, to_tsv

    if source not in READERS:
        raise _die(f"unknown --from '{source}' (choose from {', '.join(READERS)})")
    try:
        data = Path(file).read_bytes() if file != "-" else sys.stdin.buffer.read()
    except OSError as e:
        raise _die(f"{file}: cannot read: {e.strerror or e}")
    try:
        if source == "ofac-sdn":
            entries = list(read_ofac_sdn(data, include_vessels))
        elif source == "uk-ofsi":
            entries = list(read_uk_ofsi(data, include_vessels))
        else:
            entries = list(read_csv(data))
    except ImportError_ as e:
        raise _die(f"{file}: {e}")
    if not entries:
        raise _die(f"{file}: no entries found (is it a {source} file?)")
    text = to_tsv(entries, f"{source} {Path(file).name}")
    if output == "-":
        sys.stdout.write(text)
    else:
        from mtqa.atomic import write_text_atomic

        write_text_atomic(output, text)
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.type] = counts.get(e.type, 0) + 1
    sys.stderr.write(f"mtqa gazetteer: {len(entries)} entries ("
                     + ", ".join(f"{n} {t}" for t, n in sorted(counts.items())) + f") → {output}\n")


@gazetteer_app.command("check")
def check_files(
    files: List[str] = typer.Argument(..., help="Gazetteer files (TSV or one name per line)."),
) -> None:
    """Parse gazetteer files and report entry counts, or the first error (exit 2)."""
    from mtqa.gazetteer import GazetteerError, read_file

    status = 0
    for f in files:
        try:
            entries = read_file(f)
        except GazetteerError as e:
            sys.stderr.write(f"mtqa: error: {e}\n")
            status = 2
            continue
        counts: dict[str, int] = {}
        for e in entries:
            counts[e.type] = counts.get(e.type, 0) + 1
        typer.echo(f"{f}: {len(entries)} entries (" + ", ".join(f"{n} {t}" for t, n in sorted(counts.items())) + ")")
    raise typer.Exit(status)


@gazetteer_app.command("lookup")
def lookup(
    names: List[str] = typer.Argument(..., help="Names to look up."),
    gazetteer: Optional[List[str]] = typer.Option(None, "--gazetteer", help="Extra gazetteer file (repeatable)."),
) -> None:
    """Same as `mtqa normalize NAME...` (kept for discoverability)."""
    from mtqa.gazetteer import get_gazetteer

    gaz = get_gazetteer(gazetteer or [])
    for n in names:
        cands = gaz.lookup(n, top=3)
        typer.echo(f"{n}: " + ("; ".join(f"{c.entry.name} ({c.confidence:.2f}, {c.evidence})" for c in cands)
                               if cands else "no candidate"))
