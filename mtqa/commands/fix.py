"""``mtqa fix``: apply the suggestions of fixable rules."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from mtqa.cli import (HOUSE_STYLE_HELP, MODEL_HELP, SOURCE_HELP, SOURCE_LANG_HELP, _die, app, build_config,
                      say_wrote, source_options)


@app.command()
def fix(
    paths: List[str] = typer.Argument(..., help="Plain-text files, directories (their *.txt files) or - for stdin."),
    diff: bool = typer.Option(False, "--diff", help="Print a unified diff instead of the fixed text."),
    in_place: bool = typer.Option(False, "--in-place", "-i", help="Rewrite the files (atomically)."),
    min_confidence: float = typer.Option(0.8, "--min-confidence", help="Apply suggestions at or above this confidence."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the fixed text of one input to FILE."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Rule codes or prefixes to fix (ATT always runs: typography fixes stay off its findings)."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Rule codes or prefixes not to run."),
    config: Optional[str] = typer.Option(None, "--config", help="Config file."),
    allow: Optional[List[str]] = typer.Option(None, "--allow", help="Accepted word or name (repeatable)."),
    gazetteer: Optional[List[str]] = typer.Option(None, "--gazetteer", help="Extra gazetteer file (repeatable)."),
    house_style: Optional[List[str]] = typer.Option(None, "--house-style", help=HOUSE_STYLE_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary on stderr."),
    fluency: Optional[bool] = typer.Option(None, "--fluency/--no-fluency",
                                           help="Judge names with the language model, as check does (the default; "
                                                "NAM004's decision); --no-fluency: its no-model decision, faster, "
                                                "fewer names corrected."),
    model: Optional[str] = typer.Option(None, "--model", help=MODEL_HELP),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes", help="Also apply rules not measured precise on clean news (see mtqa/data/fix_gate.tsv) and names below their gate."),
    source: Optional[str] = typer.Option(None, "--source", help=SOURCE_HELP),
    source_lang: Optional[str] = typer.Option(None, "--source-lang", help=SOURCE_LANG_HELP),
) -> None:
    """Apply name, phrase, casing, typography and repetition suggestions above --min-confidence.

    Without --in-place the fixed text goes to stdout (or -o FILE); --diff prints
    a unified diff.  Files are only overwritten with --in-place, atomically, with
    their BOM and line endings kept.  Running fix twice changes nothing the
    second time.  Only plain-text inputs can be fixed.  A typography fix that
    touches a finding no rule can fix (ATT001 'reports .': a dropped source) is
    left for the editor.  Only rules measured precise on clean news are applied
    (mtqa/data/fix_gate.tsv); --unsafe-fixes applies every suggestion.  With
    --source (the original, a file or a directory mirroring the inputs) names are
    judged as `mtqa check --source` judges them.
    """
    from pathlib import Path

    from mtqa.checker import Checker
    from mtqa.fix import fix_text, is_plain_text, read_text_file, unified_diff, write_text_file
    from mtqa.readers import ReadOptions, iter_files

    if not 0.0 <= min_confidence <= 1.0:
        raise _die("--min-confidence must be between 0 and 1")
    if in_place and output:
        raise _die("--in-place and --output exclude each other")
    from mtqa.fix import GUARD_RULES

    if select:  # the guard rules run whatever is selected (their findings are never fixed)
        select = list(select) + list(GUARD_RULES)
    cfg = build_config(config, select, ignore, None, None, allow, gazetteer, fluency, model, None, None, None,
                       house_style)
    files: list[str] = []
    for p in paths:
        if p != "-" and Path(p).is_dir():
            files.extend(str(f) for f in iter_files(Path(p), ReadOptions(include=["*.txt", "*.text"])))
        else:
            files.append(p)
    if not files:
        raise _die("no files to fix")
    if output and len(files) != 1:
        raise _die("--output takes exactly one input")
    if not in_place and not diff and not output and len(files) > 1:
        raise _die("several inputs: use --in-place, or --diff to review the changes")
    opts = ReadOptions(source_lang=None)
    source_options(opts, paths, source, None, source_lang)
    resolver = None
    if opts.source:
        from mtqa.source.pairing import SourceResolver

        resolver = SourceResolver(opts.source_inputs, opts.source, opts)
    checker = Checker(cfg)
    status = 0
    n_edits = n_files = 0
    for path in files:
        if path == "-":
            if in_place:
                sys.stderr.write("mtqa: error: -: cannot fix standard input in place\n")
                status = 2
                continue
            raw = sys.stdin.buffer.read()
            bom = raw.startswith(b"\xef\xbb\xbf")
            try:
                text = raw[3 if bom else 0:].decode("utf-8")
            except UnicodeDecodeError as e:
                sys.stderr.write(f"mtqa: error: -: not valid UTF-8 (offset {e.start})\n")
                status = 2
                continue
        else:
            if not Path(path).is_file():
                sys.stderr.write(f"mtqa: error: {path}: no such file\n")
                status = 2
                continue
            if not is_plain_text(path):
                sys.stderr.write(f"mtqa: error: {path}: only plain-text files can be fixed "
                                 "(JSON, JSONL, XML and HTML inputs are not rewritten)\n")
                status = 2
                continue
            try:
                ft = read_text_file(path)
            except (OSError, UnicodeDecodeError) as e:
                sys.stderr.write(f"mtqa: error: {path}: cannot read as UTF-8 text: {e}\n")
                status = 2
                continue
            text, bom = ft.text, ft.bom
        original = None
        if resolver is not None:
            from mtqa.document import Document
            from mtqa.readers import ReadError

            original = resolver.original(Document(source=path, text=text))
            if isinstance(original, ReadError):  # reported; the text is still fixed without it
                sys.stderr.write(f"mtqa: error: {original}\n")
                status = 2
                original = None
        fixed, edits = fix_text(text, checker, min_confidence, source=path, unsafe=unsafe_fixes, original=original)
        n_edits += len(edits)
        n_files += bool(edits)
        if diff:
            sys.stdout.write(unified_diff(text, fixed, path if path != "-" else "stdin"))
        elif in_place:
            if edits:
                write_text_file(path, fixed, bom)
                if not quiet:
                    sys.stderr.write(f"Rewrote {path} in place ({len(edits)} edit{'s' if len(edits) != 1 else ''}; "
                                     "no backup kept)\n")
        elif output:
            write_text_file(output, fixed, bom)
            if not quiet:
                say_wrote(f"the fixed text of {path if path != '-' else 'stdin'}", output)
        else:
            sys.stdout.write(fixed)
        sys.stdout.flush()
        if not quiet:
            for e in edits:
                sys.stderr.write(f"{path}: {e.code} '{e.old}' → '{e.new}'\n")
    if not quiet:
        sys.stderr.write(f"mtqa fix: {n_edits} edit{'s' if n_edits != 1 else ''} in {n_files} "
                         f"file{'s' if n_files != 1 else ''}{'' if in_place or output else ' (no file written)'}\n")
    raise typer.Exit(status)
