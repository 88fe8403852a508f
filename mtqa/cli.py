"""Command-line interface (typer).  Heavy modules are imported inside commands
so that ``mtqa check --no-fluency`` starts fast and never loads torch."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from typing import List, Optional

import typer

from mtqa import __version__

app = typer.Typer(
    name="mtqa",
    help="Check machine-translated English news: garbled names, formulaic phrases, casing, quotes, "
    "attribution, typography, untranslated text and fluency.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _plain_coercion() -> None:
    """Let typer coerce plain option values without pydantic.

    Recent typer (0.2x) coerces every parameter — also the ones left at their default — through
    a pydantic ``TypeAdapter``; importing pydantic and building the adapters is about a sixth of
    ``mtqa check --no-fluency``'s start-up.  For the annotations mtqa's commands use (``str``,
    ``int``, ``bool``, ``List[str]``, no parser, range, path, file or choice options) and a value
    that is already of the type, or a plain decimal string for ``int``, the adapter returns the
    value unchanged (a list for a list); those are returned here.  Anything else (``--jobs x``)
    goes to typer's own adapter, built then, so messages and results are typer's.  A typer
    without this coercion layer (older or newer) is left alone."""
    try:
        from dataclasses import dataclass
        from typing import Any, get_args, get_origin

        from typer import core as typer_core
        from typer._coercion import RuntimeParam, build_runtime_param
    except ImportError:  # pragma: no cover - another typer
        return
    cls = getattr(typer_core, "_TyperParameter", None)
    if cls is None or not callable(getattr(cls, "get_runtime_param", None)):  # pragma: no cover
        return

    def plain_kind(desc) -> "str | None":
        info = desc.parameter_info
        if any(getattr(info, a, None) is not None for a in ("parser", "min", "max", "formats")) or \
                getattr(info, "clamp", False) or desc.file_annotation is not None or desc.is_choice:
            return None
        ann = desc.annotation
        if ann in (str, int, bool):
            return ann.__name__
        if get_origin(ann) is list and get_args(ann) == (str,):
            return "list"
        return None

    @dataclass(frozen=True)
    class PlainParam(RuntimeParam):
        kind: str = ""
        descriptor: Any = None

        def _coerce_value(self, value, param, ctx):
            kind, t = self.kind, type(value)
            if kind == "str" and t is str:
                return value
            if kind == "bool" and t is bool:
                return value
            if kind == "int":
                if t is int:
                    return value
                if t is str and value.isascii() and len(value) < 19:
                    digits = value[1:] if value[:1] == "-" else value
                    if digits.isdigit() and (digits == "0" or digits[0] != "0"):
                        return int(value)
            if kind == "list":
                if t is str:
                    return [value]
                if t in (list, tuple) and all(type(v) is str for v in value):
                    return list(value)
            return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

    original = cls.get_runtime_param

    def get_runtime_param(self):
        if self._runtime_param is None:
            kind = plain_kind(self.type_descriptor)
            if kind is None:
                return original(self)
            d = self.type_descriptor
            self._runtime_param = PlainParam(parameter_info=d.parameter_info, annotation=d.annotation, kind=kind,
                                             descriptor=d)
        return self._runtime_param

    cls.get_runtime_param = get_runtime_param


_plain_coercion()


def _die(msg: str, code: int = 2) -> "typer.Exit":
    sys.stderr.write(f"mtqa: error: {msg}\n")
    return typer.Exit(code)


def _split(values: Optional[List[str]]) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mtqa {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """mtqa — quality checks for machine-translated English news."""


HOUSE_STYLE_HELP = ("Place-name style: ukraine=ukrainian (Kyiv, default) or ukraine=russian (Kiev); "
                    "or one form of an accepted name variant: zelensky=Zelenskyy.")
# rich reads "[tool.mtqa]" as markup and drops it: the bracket is escaped
CONFIG_HELP = "Config file (default: mtqa.toml or \\[tool.mtqa] in pyproject.toml, searched upward)."


def _model_help() -> str:
    from mtqa.fluency import DEFAULT_MODEL, SHIPPED_MODEL  # light: names only, no torch

    return (f"Language model for the fluency rules: {DEFAULT_MODEL} (the default), {SHIPPED_MODEL} (the fast "
            "tier), a model folder or a Hugging Face id.")


MODEL_HELP = _model_help()


def _check_codes(where: str, selectors: list[str]) -> None:
    """A rule code or prefix that selects no rule is a typo: exit 2."""
    from mtqa.rules import unknown_selector

    message = unknown_selector(where, selectors)
    if message:
        raise _die(message)


def build_config(config_file, select, ignore, severity, fail_on, allow, gazetteer, fluency, model, device,
                 max_bytes, fields, house_style=None, precision=None):
    from mtqa.config import ConfigError, load
    from mtqa.finding import Severity

    try:
        cfg = load(config_file)
    except ConfigError as e:
        raise _die(str(e))
    _check_codes("the config's select", cfg.select)
    _check_codes("the config's ignore", cfg.ignore)
    _check_codes("the config's severity", list(cfg.severity))
    for pattern, codes in cfg.per_file_ignores.items():
        _check_codes(f"the config's per-file-ignores {pattern!r}", codes)
    changes = {}
    if select:
        changes["select"] = _split(select)
        _check_codes("--select", changes["select"])
    if ignore:
        changes["ignore"] = cfg.ignore + _split(ignore)
        _check_codes("--ignore", _split(ignore))
    if severity:
        sev = dict(cfg.severity)
        for item in _split(severity):
            code, _, level = item.partition("=")
            _check_codes("--severity", [code])
            try:
                sev[code.strip().upper()] = Severity.parse(level)
            except ValueError as e:
                raise _die(f"--severity {item}: {e}")
        changes["severity"] = sev
    if fail_on:
        if fail_on not in ("error", "warning", "info", "never"):
            raise _die("--fail-on must be error, warning, info or never")
        changes["fail_on"] = fail_on
    if allow:
        changes["allow"] = cfg.allow + list(allow)
    if gazetteer:
        changes["gazetteers"] = cfg.gazetteers + list(gazetteer)
    if fluency is not None:
        changes["fluency"] = fluency
    if model:
        changes["model"] = model
    if device:
        changes["device"] = device
    if precision:
        from mtqa.config import PRECISIONS

        if precision.lower() not in PRECISIONS:
            raise _die(f"unknown --precision '{precision}' (choose from {', '.join(PRECISIONS)})")
        changes["precision"] = precision.lower()
    if max_bytes is not None:
        changes["max_bytes"] = max_bytes
    if fields:
        changes["fields"] = _split(fields)
    if house_style:
        hs = dict(cfg.house_style)
        for item in _split(house_style):
            key, sep, value = item.partition("=")
            key, value = (key.strip().lower(), value.strip()) if sep else ("ukraine", key.strip())
            if key != "ukraine":
                from mtqa.gazetteer.variants import resolve_pick

                try:
                    hs[key] = resolve_pick(key, value)[1]  # a name's accepted variant: zelensky=Zelenskyy
                except ValueError as e:
                    raise _die(f"--house-style {item}: {e}") from None
                continue
            value = value.lower()
            if value not in ("ukrainian", "russian"):
                raise _die(f"--house-style {item}: expected ukraine=ukrainian or ukraine=russian")
            hs[key] = value
        changes["house_style"] = hs
    return cfg.replace(**changes)


REPORT_NAMES = {"text": "text", "json": "JSON", "jsonl": "JSON Lines", "sarif": "SARIF",
                "github": "GitHub annotations", "junit": "JUnit XML", "html": "HTML"}


def say_wrote(what: str, path: str) -> None:
    """One line on stderr after a command wrote a file: ``Wrote the HTML report to mtqa-report.html``."""
    sys.stderr.write(f"Wrote {what} to {path}\n")


@contextlib.contextmanager
def _output(path: Optional[str]):
    if not path or path == "-":
        yield sys.stdout
        return
    from mtqa.atomic import atomic_writer

    with atomic_writer(path, newline=None) as fh:
        yield fh


class _ProgressBar:
    """A rich progress bar on stderr for ``mtqa check`` over many files or long documents.

    Shown only when stderr is a terminal, not with ``--quiet``, not when the
    report goes to that terminal too (findings streaming by are progress
    enough, and a bar would garble them), and for a run big enough to wait
    for: :data:`MIN_FILES` files, :data:`MIN_BYTES` bytes, or any input with
    the fluency model on.  It never writes to the report.  The first line
    counts input bytes, files done of all and findings so far; a second one
    follows a long document (:data:`LONG_CHARS` characters or more) through
    the rules and the fluency model (characters scored of all), reported by
    the checker through ``CheckContext.progress`` (``--jobs 1`` only: with
    workers, documents are checked out of sight).  Messages written to stderr
    meanwhile (read errors, warnings) are printed above the bar.
    """

    MIN_FILES = 10
    MIN_BYTES = 256 * 1024
    LONG_CHARS = 100_000

    def __init__(self, sizes: "dict[str, int] | None" = None):
        self.sizes = sizes or {}
        self.progress = None
        self.task = self.doc_task = None
        self.done_files = self.done_bytes = self.findings = 0
        self.current: "str | None" = None
        self.current_bytes = 0

    @classmethod
    def maybe(cls, paths, opts, output: "str | None", enabled: bool = True, fluency: bool = False) -> "_ProgressBar":
        to_terminal = (not output or output == "-") and sys.stdout.isatty()
        if not enabled or to_terminal or not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
            return cls()
        sizes = _input_sizes(paths, opts, limit=100_000)
        if not sizes or (len(sizes) < cls.MIN_FILES and sum(sizes.values()) < cls.MIN_BYTES and not fluency):
            return cls()
        return cls(sizes)

    def __enter__(self) -> "_ProgressBar":
        if self.sizes:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                                     TextColumn("{task.fields[info]}"), TimeRemainingColumn(),
                                     console=Console(stderr=True), transient=True, redirect_stdout=False,
                                     redirect_stderr=True)
            self.task = self.progress.add_task("checking", total=sum(self.sizes.values()) or 1,
                                               info=f"0/{len(self.sizes)} files, 0 findings")
            self.doc_task = self.progress.add_task("", total=1, visible=False, info="")
            self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def track(self, items):
        for item in items:
            if self.progress is not None:
                self._advance(item)
            yield item

    def on_document(self, stage: str, done: int, total: int, chars: int) -> None:
        """``CheckContext.progress``: a stage of checking the current batch of documents."""
        if self.progress is None or chars < self.LONG_CHARS:
            return
        info = f"rule {done}/{total}" if stage == "rules" else f"{done:,}/{total:,} characters"
        self.progress.update(self.doc_task, description=f"  {stage}", total=max(total, 1), completed=done,
                             info=info, visible=True)

    def _advance(self, item) -> None:
        src = getattr(item, "document", None)
        source = src.source if src is not None else getattr(item, "source", None)
        source = source.rsplit(":", 1)[0] if source not in self.sizes and source and ":" in source else source
        if source != self.current:
            if self.current in self.sizes:
                self.done_files += 1
                self.done_bytes += self.sizes[self.current]
            self.current, self.current_bytes = source, 0
        if src is not None:
            self.current_bytes += len(src.text.encode("utf-8", "surrogatepass"))
            self.findings += len(item.findings)
        cap = self.sizes.get(self.current, self.current_bytes)
        done = self.done_files + (1 if self.current in self.sizes and self.current_bytes >= cap else 0)
        self.progress.update(self.task, completed=self.done_bytes + min(self.current_bytes, cap),
                             info=f"{done}/{len(self.sizes)} files, {self.findings:,} findings")
        self.progress.update(self.doc_task, visible=False)


def _input_sizes(paths, opts, limit: int) -> "dict[str, int] | None":
    """Sizes of the files ``mtqa check`` will read (None for stdin or too many to list)."""
    from pathlib import Path

    from mtqa.readers import iter_files

    sizes: dict[str, int] = {}
    for p in paths:
        if p == "-":
            return None
        try:
            if os.path.isdir(p):
                for f in iter_files(Path(p), opts):
                    sizes[str(f)] = f.stat().st_size
                    if len(sizes) > limit:
                        return None
            elif os.path.isfile(p):
                sizes[p] = os.path.getsize(p)
        except OSError:
            continue
    return sizes


SOURCE_HELP = ("The original the inputs were translated from (Russian, Ukrainian): a file, or a directory "
               "mirroring the inputs; with --input-format lines, line by line. Adds the source-aware checks (SRC).")
SOURCE_FIELD_HELP = "JSON field(s) holding the original, in order (default: source, then source_text)."
SOURCE_LANG_HELP = "The original's language (default: detected). ru and uk are checked; any other gets a notice."


def source_options(opts, paths: list[str], source, source_field, source_lang) -> None:
    """Put --source, --source-field and --source-lang into the read options (exit 2 on a bad one)."""
    if source is not None:
        if not os.path.exists(source):
            raise _die(f"--source {source}: no such file or directory")
        if "-" in paths:
            raise _die("--source cannot pair with standard input: give the translation as a file")
        opts.source = source
        opts.source_inputs = list(paths)
    if source_field:
        opts.source_fields = _split(source_field)
    if source_lang is not None:
        lang = source_lang.strip().lower()
        if not lang.isalpha() or len(lang) not in (2, 3):
            raise _die(f"--source-lang {source_lang!r}: expected a language code such as ru or uk")
        opts.source_lang = lang


@app.command()
def check(
    paths: List[str] = typer.Argument(..., help="Files, directories (recursive) or - for stdin."),
    format: str = typer.Option("text", "--format", "-f", help="text | json | jsonl | sarif | github | junit | html"),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the report to FILE (atomically)."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 on findings at or above: error | warning | info | never (default error)."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when findings fail the gate (read errors still exit 2)."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Rule codes or prefixes to enable (comma-separated or repeated)."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Rule codes or prefixes to disable."),
    severity: Optional[List[str]] = typer.Option(None, "--severity", help="Override a rule's severity: CODE=error|warning|info."),
    statistics: bool = typer.Option(False, "--statistics", help="Print counts per rule."),
    config: Optional[str] = typer.Option(None, "--config", help=CONFIG_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only findings: no summary line."),
    input_format: Optional[str] = typer.Option(None, "--input-format", help="Force the reader: text | jsonl | lines | nitf | newsml | ninjs | html (default: by extension and content)."),
    field: Optional[List[str]] = typer.Option(None, "--field", help="JSON field(s) with the text, in order (default: headline/title then body/body_text/text)."),
    include: Optional[List[str]] = typer.Option(None, "--include", help="Glob of files to check inside directories."),
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", help="Glob of files to skip inside directories."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", help="Largest document accepted, in bytes (default 10 MB)."),
    allow: Optional[List[str]] = typer.Option(None, "--allow", help="Accepted word or name (repeatable)."),
    gazetteer: Optional[List[str]] = typer.Option(None, "--gazetteer", help="Extra gazetteer file (repeatable)."),
    house_style: Optional[List[str]] = typer.Option(None, "--house-style", help=HOUSE_STYLE_HELP),
    fluency: Optional[bool] = typer.Option(None, "--fluency/--no-fluency", help="Run the language-model fluency scorer."),
    model: Optional[str] = typer.Option(None, "--model", help=MODEL_HELP),
    device: Optional[str] = typer.Option(None, "--device", help="auto | cpu | cuda"),
    precision: Optional[str] = typer.Option(None, "--precision", help="CPU matrix products: auto (bf16 where the CPU has native bf16, else fp32) | fp32 | bf16."),
    color: str = typer.Option("auto", "--color", help="auto | always | never"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Worker processes that read and check, each with its own rules and model (0: one per CPU; default: one per core when the model runs on 128 kB of input or more, else 1)."),
    ref: Optional[str] = typer.Option(None, "--ref", help="Reference translation (a file, or a directory mirroring the inputs): adds per-document chrF to the report."),
    source: Optional[str] = typer.Option(None, "--source", help=SOURCE_HELP),
    source_field: Optional[List[str]] = typer.Option(None, "--source-field", help=SOURCE_FIELD_HELP),
    source_lang: Optional[str] = typer.Option(None, "--source-lang", help=SOURCE_LANG_HELP),
) -> None:
    """Check files and report findings; exit 0 (clean), 1 (findings at --fail-on) or 2 (unreadable input)."""
    from mtqa.checker import Checker
    from mtqa.formatters import RunSummary, get_formatter, names
    from mtqa.gate import EXIT_ERROR, fails
    from mtqa.readers import ReadError, ReadOptions, formats

    cfg = build_config(config, select, ignore, severity, fail_on, allow, gazetteer, fluency, model, device,
                       max_bytes, field, house_style, precision)
    try:
        fmt_cls = get_formatter(format)
    except KeyError:
        raise _die(f"unknown --format '{format}' (choose from {', '.join(names())})")
    if input_format and input_format not in formats():
        raise _die(f"unknown --input-format '{input_format}' (choose from {', '.join(formats())})")
    if color not in ("auto", "always", "never"):
        raise _die("--color must be auto, always or never")
    use_color = color == "always" or (color == "auto" and not output and sys.stdout.isatty()
                                      and "NO_COLOR" not in os.environ)
    opts = ReadOptions(input_format=input_format, fields=cfg.fields, max_bytes=cfg.max_bytes,
                       include=_split(include), exclude=_split(exclude))
    source_options(opts, paths, source, source_field, source_lang)
    if jobs is not None and jobs < 0:
        raise _die("--jobs must be 0 (one per CPU) or more")
    if jobs is None:
        jobs = _auto_jobs(cfg, paths, opts)
    resolver = None
    if ref:
        from mtqa.reference import ReferenceResolver, attach_chrf

        if not os.path.exists(ref):
            raise _die(f"--ref {ref}: no such file or directory")
        resolver = ReferenceResolver(paths, ref, opts)
    from mtqa.fluency import FluencyError
    from mtqa.summary_table import Timer

    timer = Timer()
    checker = Checker(cfg)
    if jobs != 1:
        from mtqa.parallel import check_paths_parallel

        items = check_paths_parallel(cfg, paths, opts, jobs)
    else:
        items = checker.check_paths(paths, opts)
    summary = RunSummary()
    summary.fail_on = cfg.fail_on
    summary.exit_code = None  # set once every input is checked
    files, last_source = 0, None
    started = time.perf_counter()
    bar = _ProgressBar.maybe(paths, opts, output, enabled=not quiet, fluency=cfg.fluency)
    checker.ctx.progress = bar.on_document if bar.sizes else None
    try:
        with bar, _output(output) as out:
            fmt = fmt_cls(out, color=use_color, fail_on=cfg.fail_on, statistics=statistics, quiet=quiet,
                          flush=input_format == "lines", rule_codes=[r.code for r in checker.rules])
            fmt.begin()
            for item in bar.track(items):
                if _INTERRUPTED:  # an interrupt that was swallowed before it reached us
                    raise KeyboardInterrupt
                if isinstance(item, ReadError):
                    summary.errors += 1
                    sys.stderr.write(f"mtqa: error: {item}\n")
                    sys.stderr.flush()
                    fmt.error(item)
                else:
                    if resolver is not None:
                        ref_text = resolver.text_for(item)
                        if ref_text is not None:
                            attach_chrf(item, ref_text)
                    if item.document.source != last_source:
                        files, last_source = files + 1, item.document.source
                    summary.add(item, fails(item, cfg.fail_on))
                    fmt.document(item)
            summary.seconds = time.perf_counter() - started
            summary.exit_code = _gate_code(summary, exit_zero, complete=True)
            fmt.end(summary)
        if output and output != "-" and not quiet:
            say_wrote(f"the {REPORT_NAMES.get(format, format)} report", output)
        # the rule table: with --statistics whatever the format (to stderr, so a JSON or SARIF
        # report on stdout stays parseable), and for text on a terminal
        if statistics or (format == "text" and sys.stderr.isatty() and not quiet):
            from mtqa.summary_table import print_summary_table

            print_summary_table(summary, files=files, seconds=timer.wall, cpu=timer.cpu,
                                color=False if color == "never" else None)
    except KeyboardInterrupt:
        sys.stderr.write("mtqa: interrupted\n")
        raise typer.Exit(130)
    except BrokenPipeError:  # `mtqa check BIG | head`: the gate's code so far, never 0 after failures
        with contextlib.suppress(Exception):
            sys.stdout = open(os.devnull, "w")
        raise typer.Exit(_gate_code(summary, exit_zero, complete=summary.exit_code is not None))
    except FluencyError as e:  # no model / no CUDA: a usage error, not a crash (no partial report is kept)
        sys.stderr.write(f"mtqa: error: {e}\n")
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(summary.exit_code)


AUTO_JOBS_BYTES = 128 * 1024  # with the model, this much input pays for a second worker's start (~2 s)


def _auto_jobs(cfg, paths: List[str], opts) -> int:
    """``--jobs`` left out: one worker process per core (each with ``cores // jobs`` torch threads,
    as ``mtqa backfill``'s actors) when the language model runs and the inputs hold at least
    :data:`AUTO_JOBS_BYTES` in more than one piece of work (several files, or a JSON Lines or
    ``lines`` file that is cut into ranges); else one process — a single long document keeps
    every core's thread for itself.  Processes with one thread each beat one process with a
    thread per core on the model's small matrix products and keep the rules (one thread)
    beside the model busy; the findings and their order are the same either way."""
    if not cfg.fluency or "-" in paths:
        return 1
    from mtqa.cpu import available_cores
    from mtqa.parallel import CHUNK_BYTES, plan

    cores = available_cores()
    if cores < 2:
        return 1
    for p in paths:  # one big JSON Lines / lines file: cut into ranges (no need to scan it here)
        if os.path.isfile(p) and os.path.getsize(p) >= AUTO_JOBS_BYTES:
            from mtqa.parallel import SPLITTABLE
            from mtqa.readers import detect

            try:
                with open(p, "rb") as fh:
                    if (opts.input_format or detect(p, fh.read(4096))) in SPLITTABLE:
                        return cores
            except OSError:
                pass
    total = units = 0
    for entry in plan(list(paths), opts, CHUNK_BYTES):
        if isinstance(entry, list):
            units += len(entry)
            total += sum(u.size for u in entry)
        if units >= 2 and total >= AUTO_JOBS_BYTES:
            return cores
    return 1


EXIT_SIGPIPE = 141  # 128 + SIGPIPE, what a shell reports for a process its reader stopped reading


def _gate_code(summary, exit_zero: bool, complete: bool) -> int:
    """The exit code for what was checked: 2 after a read error, 1 when a document failed the
    gate (unless --exit-zero), else 0 — or, when the reader closed the pipe before every input
    was checked (``complete`` false) and nothing failed yet, 141: the run is not known clean."""
    from mtqa.gate import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

    if summary.errors:
        return EXIT_ERROR
    if summary.failed_documents and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK if complete else EXIT_SIGPIPE


@app.command()
def rules(
    code: Optional[str] = typer.Argument(None, help="A rule code or name: print its documentation."),
    format: str = typer.Option("text", "--format", "-f", help="text | json"),
) -> None:
    """List the rules (code, name, default severity, summary) or explain one."""
    import json

    from mtqa.rules import all_rules, get_rule

    if code:
        cls = get_rule(code)
        if cls is None:
            raise _die(f"unknown rule '{code}' (see 'mtqa rules')")
        if format == "json":
            typer.echo(json.dumps(_rule_dict(cls), ensure_ascii=False, indent=2))
            return
        lines = [f"{cls.code} {cls.name} ({cls.family}, default severity: {cls.severity})", "", cls.summary, "",
                 cls.doc(), ""]
        lines += ["Should flag:"] + [f"    {e!r}" for e in cls.flag_examples]
        lines += ["", "Should pass:"] + [f"    {e!r}" for e in cls.pass_examples]
        typer.echo("\n".join(lines))
        return
    classes = all_rules()
    if format == "json":
        typer.echo(json.dumps([_rule_dict(c) for c in classes], ensure_ascii=False, indent=2))
        return
    for cls in classes:
        typer.echo(f"{cls.code:<7} {cls.name:<28} {str(cls.severity):<8} {cls.summary}")


def _rule_dict(cls) -> dict:
    return {"code": cls.code, "name": cls.name, "family": cls.family, "severity": str(cls.severity),
            "summary": cls.summary, "doc": cls.doc(), "fixable": cls.fixable,
            "flag_examples": list(cls.flag_examples), "pass_examples": list(cls.pass_examples)}


def _load_commands() -> None:
    from mtqa.commands import COMMAND_MODULES
    from mtqa.importing import import_listed

    import_listed("mtqa.commands", COMMAND_MODULES)


_INTERRUPTED = False


def _on_sigint(signum, frame) -> None:
    """Ctrl-C: raise KeyboardInterrupt as usual, and remember it — Python drops an
    interrupt that lands inside the import machinery's callbacks ("Exception ignored
    in ..."), so the check loop also tests the flag and raises it again."""
    global _INTERRUPTED
    _INTERRUPTED = True
    raise KeyboardInterrupt


class Terminated(SystemExit):
    """SIGTERM (a CI job cancelled, a container stopped): unwind like Ctrl-C, so that a report
    being written atomically leaves no temporary file and the original untouched; exit 143."""


def _on_sigterm(signum, frame) -> None:
    signal_name = "SIGTERM" if signum == 15 else f"signal {signum}"
    sys.stderr.write(f"mtqa: terminated ({signal_name})\n")
    raise Terminated(128 + signum)


def main() -> None:
    import signal

    from mtqa import cpu

    cpu.prepare()  # before anything loads torch: its OpenMP threads sleep when idle (see mtqa.cpu)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_sigint)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)
    _load_commands()
    app()


if __name__ == "__main__":
    main()
