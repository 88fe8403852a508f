"""Configuration: ``[tool.mtqa]`` in pyproject.toml or a ``mtqa.toml`` file.

Search order: ``--config FILE`` if given; otherwise from the current directory
upward, the first ``mtqa.toml`` (or ``.mtqa.toml``) or ``pyproject.toml``
that has a ``[tool.mtqa]`` table.  CLI flags override the file.

Keys (all optional)::

    [tool.mtqa]
    select = ["ALL"]            # codes or prefixes (CAS, QUO, NAM001...)
    ignore = ["TYP002"]
    fail-on = "error"           # error | warning | info | never
    allow = ["Ernest Hemingway", "Dzhokhar"]   # accepted words/names
    gazetteers = ["desk-names.tsv"]            # extra gazetteer files
    house-style = { ukraine = "ukrainian" }    # or "russian"; plus picks among accepted name
                                               # variants: { zelensky = "Zelenskyy" } (NAM003;
                                               # the groups: mtqa/data/name_variants.tsv)
    fluency = true
    model = "models/newslm-5m"  # a model folder or Hugging Face name
    device = "auto"             # auto | cpu | cuda
    precision = "auto"          # CPU matrix products: auto | fp32 | bf16
    max-bytes = 10000000
    min-words-langdetect = 6

    [tool.mtqa.severity]
    TYP002 = "info"

    [tool.mtqa.per-file-ignores]
    "archive/**" = ["CAS"]
"""

from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mtqa.finding import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FAIL_ON = ("error", "warning", "info", "never")
PRECISIONS = ("auto", "fp32", "bf16")  # the fluency scorer's CPU matrix products (see mtqa.fluency.engine)


class ConfigError(ValueError):
    pass


@dataclass
class Config:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str = "error"
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    allow: list[str] = field(default_factory=list)
    gazetteers: list[str] = field(default_factory=list)
    house_style: dict[str, str] = field(default_factory=lambda: {"ukraine": "ukrainian"})
    fluency: bool = True
    model: str | None = None
    device: str = "auto"
    precision: str = "auto"
    max_bytes: int = 10_000_000
    min_words_langdetect: int = 6
    fields: list[str] = field(default_factory=list)
    path: Path | None = None  # the file the config came from

    def replace(self, **changes: Any) -> "Config":
        return replace(self, **changes)

    def ignores_for(self, source: str) -> list[str]:
        out: list[str] = []
        for pattern, codes in self.per_file_ignores.items():
            if fnmatch.fnmatch(source, pattern) or fnmatch.fnmatch(Path(source).name, pattern):
                out.extend(codes)
        return out


def _as_list(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"'{key}' must be a list of strings")


def from_mapping(data: dict[str, Any], path: Path | None = None) -> Config:
    cfg = Config(path=path)
    known = {
        "select", "ignore", "severity", "fail-on", "per-file-ignores", "allow", "gazetteers",
        "house-style", "fluency", "model", "device", "precision", "max-bytes", "min-words-langdetect", "fields",
    }
    for key in data:
        if key.replace("_", "-") not in known:
            raise ConfigError(f"unknown config key '{key}' in {path or 'config'}")
    get = lambda k: data.get(k, data.get(k.replace("-", "_")))  # noqa: E731
    if get("select") is not None:
        cfg.select = _as_list(get("select"), "select")
    if get("ignore") is not None:
        cfg.ignore = _as_list(get("ignore"), "ignore")
    if get("severity") is not None:
        sev = get("severity")
        if not isinstance(sev, dict):
            raise ConfigError("'severity' must be a table of CODE = \"error|warning|info\"")
        try:
            cfg.severity = {k.upper(): Severity.parse(v) for k, v in sev.items()}
        except ValueError as e:
            raise ConfigError(str(e)) from None
    if get("fail-on") is not None:
        fo = str(get("fail-on")).lower()
        if fo not in FAIL_ON:
            raise ConfigError(f"'fail-on' must be one of {', '.join(FAIL_ON)}")
        cfg.fail_on = fo
    if get("per-file-ignores") is not None:
        pfi = get("per-file-ignores")
        if not isinstance(pfi, dict):
            raise ConfigError("'per-file-ignores' must be a table of glob = [codes]")
        cfg.per_file_ignores = {k: _as_list(v, "per-file-ignores") for k, v in pfi.items()}
    if get("allow") is not None:
        cfg.allow = _as_list(get("allow"), "allow")
    if get("gazetteers") is not None:
        base = path.parent if path else Path.cwd()
        cfg.gazetteers = [str((base / g)) for g in _as_list(get("gazetteers"), "gazetteers")]
    if get("house-style") is not None:
        hs = get("house-style")
        if not isinstance(hs, dict):
            raise ConfigError("'house-style' must be a table")
        cfg.house_style = {**cfg.house_style, **{str(k): str(v) for k, v in hs.items()}}
        from mtqa.gazetteer.variants import resolve_pick

        for k, v in hs.items():
            if str(k).casefold() != "ukraine":
                try:
                    resolve_pick(str(k), str(v))
                except ValueError as e:
                    raise ConfigError(f"{e} in {path or 'config'}") from None
    if get("fluency") is not None:
        cfg.fluency = bool(get("fluency"))
    if get("model") is not None:
        m = str(get("model"))
        if path and not Path(m).is_absolute() and (path.parent / m).exists():
            m = str(path.parent / m)
        cfg.model = m
    if get("device") is not None:
        cfg.device = str(get("device"))
    if get("precision") is not None:
        cfg.precision = str(get("precision")).lower()
        if cfg.precision not in PRECISIONS:
            raise ConfigError(f"precision = {get('precision')!r} in {path or 'config'}: use {', '.join(PRECISIONS)}")
    if get("max-bytes") is not None:
        cfg.max_bytes = int(get("max-bytes"))
    if get("min-words-langdetect") is not None:
        cfg.min_words_langdetect = int(get("min-words-langdetect"))
    if get("fields") is not None:
        cfg.fields = _as_list(get("fields"), "fields")
    return cfg


def load_file(path: Path) -> Config:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read config {path}: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"invalid TOML in {path}: {e}") from None
    if path.name == "pyproject.toml":
        raw = raw.get("tool", {}).get("mtqa", {})
    elif "tool" in raw and "mtqa" in raw["tool"]:
        raw = raw["tool"]["mtqa"]
    return from_mapping(raw, path)


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        for name in ("mtqa.toml", ".mtqa.toml"):
            if (d / name).is_file():
                return d / name
        pp = d / "pyproject.toml"
        if pp.is_file():
            try:
                data = tomllib.loads(pp.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if "mtqa" in data.get("tool", {}):
                return pp
    return None


def load(config_file: str | Path | None = None, start: Path | None = None) -> Config:
    if config_file is not None:
        p = Path(config_file)
        if not p.is_file():
            raise ConfigError(f"config file not found: {p}")
        return load_file(p)
    found = find_config(start)
    return load_file(found) if found else Config()
