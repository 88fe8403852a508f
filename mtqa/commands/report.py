"""``mtqa report``: ``mtqa check --format html`` with a default output file.

    mtqa report copy/ [-o mtqa-report.html] [any other `mtqa check` option]

Every option of ``mtqa check`` is accepted (the command forwards them), the
format is always ``html`` and the report goes to ``-o/--output`` (default
``mtqa-report.html``).  A report is for reading, not a gate: it exits 0 once the
report is written, whatever the findings (2 when an input could not be read or on
a usage error); with ``--fail-on LEVEL`` it exits as ``mtqa check`` does (1 when a
document has findings at or above LEVEL).
"""

from __future__ import annotations

import typer

from mtqa.cli import app

DEFAULT_OUTPUT = "mtqa-report.html"


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
             add_help_option=False)
def report(ctx: typer.Context) -> None:
    """Write the HTML review report (same options as 'check'; default output mtqa-report.html)."""
    args = list(ctx.args)
    if any(a in ("-h", "--help") for a in args):
        typer.echo("Usage: mtqa report PATHS... [-o FILE] [mtqa check options]\n\n"
                   "Write the HTML review report: 'mtqa check --format html', output to mtqa-report.html\n"
                   "unless -o/--output is given.  Exits 0 once the report is written (2 when an input\n"
                   "could not be read); --fail-on LEVEL gates as 'mtqa check' does.\n"
                   "See 'mtqa check --help' for the options.")
        raise typer.Exit(0)
    out: list[str] = []
    skip = False
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a in ("--format", "-f"):
            skip = True
            continue
        if a.startswith("--format="):
            continue
        out.append(a)
    if not any(a in ("-o", "--output") or a.startswith("--output=") for a in out):
        out += ["--output", DEFAULT_OUTPUT]
    if not any(a == "--fail-on" or a.startswith("--fail-on=") or a == "--exit-zero" for a in out):
        out.append("--exit-zero")  # the report is the product: findings do not fail the command
    out += ["--format", "html"]
    parent = ctx.parent
    group = parent.command if parent is not None else typer.main.get_command(app)
    check_cmd = group.get_command(parent, "check")
    if check_cmd is None:  # pragma: no cover
        raise typer.Exit(2)
    sub = check_cmd.make_context("report", out, parent=parent)
    with sub:
        check_cmd.invoke(sub)
