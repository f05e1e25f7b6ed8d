"""``winnow.toml``: read, checked, merged with the command line, and printed back.

Where the file is: ``--config PATH`` (``--settings PATH`` is the same option, its older
name), else ``winnow.toml`` in the current folder if there is one, else none (the
defaults). Each value then comes from, lowest first: the default in ``flows.options``,
the file, the command line. A file is checked whole before anything runs, by Pydantic
models made from the option table (``extra="forbid"``, strict types), so a misspelt key
or a wrong type stops the command with exit code 2 and a message naming the file, the
section and the key; nothing is skipped silently.

``render`` prints the effective settings as TOML, each value with where it came from
as a trailing comment; that text read back as a settings file gives the same values (a
value left unset is printed commented out, as TOML has no null).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from flows.options import OPTIONS, SECTIONS, SOURCES_KEY, Option, by_section

DEFAULT_FILE = "winnow.toml"
DEFAULT, COMMAND_LINE = "default", "command line"


class SettingsFileError(ValueError):
    """A settings file that cannot be used; the message names the file and the key."""


@dataclass(slots=True)
class Effective:
    """Every option's value and where it came from (``default``, a file's path, or
    ``command line``), plus the file's ``[[fetch.sources]]`` and the file itself."""

    values: dict[str, Any] = field(default_factory=dict)  # by Option.attr
    origins: dict[str, str] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)
    path: Path | None = None
    has_fetch: bool = False  # the file has a [fetch] table

    def fetch_table(self) -> dict[str, Any]:
        """The ``[fetch]`` table as ``fetching`` reads it: its settings and its sources."""
        table = {o.key: self.values[o.attr] for o in by_section("fetch") if o.key != "clean"
                 and self.values[o.attr] is not None}
        return {**table, SOURCES_KEY: self.sources}


@cache
def section_model(section: str) -> type[BaseModel]:
    """The Pydantic model of one section: every key typed, unknown keys refused."""
    spec: dict[str, Any] = {}
    for option in by_section(section):
        constraint = {"ge": option.minimum} if option.minimum is not None else {}
        spec[option.key] = (option.kind, Field(default=option.default, **constraint))
    if section == "fetch":
        spec[SOURCES_KEY] = (list[dict[str, Any]], Field(default_factory=list))
    config = ConfigDict(extra="forbid", strict=True)
    return create_model(f"{section.title()}Settings", __config__=config, **spec)


def find_file(given: str | None, cwd: Path | None = None) -> Path | None:
    """The settings file: the one given (which must exist), else ./winnow.toml if any."""
    if given:
        return Path(given)
    default = (cwd or Path.cwd()) / DEFAULT_FILE
    return default if default.is_file() else None


def read_file(path: Path) -> dict[str, dict[str, Any]]:
    """The file's sections, each checked by its model; ``SettingsFileError`` otherwise."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise SettingsFileError(f"cannot read settings {str(path)!r}:"
                                f" {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsFileError(f"settings {str(path)!r}: not TOML: {exc}") from exc
    checked: dict[str, dict[str, Any]] = {}
    for name, table in data.items():
        if name not in SECTIONS:
            what = "section" if isinstance(table, dict) else "top-level key"
            raise SettingsFileError(f"settings {str(path)!r}: unknown {what} {name!r}"
                                    f" (the sections are {', '.join(SECTIONS)})")
        if not isinstance(table, dict):
            raise SettingsFileError(f"settings {str(path)!r}: {name} must be a table"
                                    f" ([{name}]), not {table!r}")
        checked[name] = _check_section(path, name, table)
    return checked


def _check_section(path: Path, name: str, table: dict[str, Any]) -> dict[str, Any]:
    """The keys the table sets, validated; the first error names file, section and key."""
    try:
        model = section_model(name).model_validate(table)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(p) for p in error["loc"]) or "?"
        if error["type"] == "extra_forbidden":
            known = ", ".join(o.key for o in by_section(name))
            extra = f", {SOURCES_KEY}" if name == "fetch" else ""
            message = f"unknown key (known: {known}{extra})"
        else:
            message = f"{error['msg'].lower()}, not {error['input']!r}"
        raise SettingsFileError(f"settings {str(path)!r}: [{name}] {key}: {message}") from None
    return {key: getattr(model, key) for key in table}


def resolve(given: dict[str, Any], file: str | None, cwd: Path | None = None) -> Effective:
    """The effective settings: defaults, then the file's values, then ``given`` (the
    options the command line set, by attribute). A command-line choice of one option of an
    exclusive group (``--workers``/``--dask-address``) clears the file's others."""
    path = find_file(file, cwd)
    sections = read_file(path) if path else {}
    effective = Effective(path=path, has_fetch="fetch" in sections)
    effective.sources = list(sections.get("fetch", {}).get(SOURCES_KEY, []))
    chosen = {o.exclusive for o in OPTIONS if o.exclusive and o.attr in given}
    for option in OPTIONS:
        table = sections.get(option.section, {})
        if option.attr in given:
            value, origin = given[option.attr], COMMAND_LINE
        elif option.exclusive in chosen:
            value, origin = None, COMMAND_LINE
        elif option.key in table:
            value, origin = table[option.key], str(path)
        else:
            value, origin = option.default, DEFAULT
        effective.values[option.attr] = value
        effective.origins[option.attr] = origin
    return effective


# --- printing -----------------------------------------------------------------------


def toml_value(value: Any) -> str:
    """A value in TOML: strings as basic strings (JSON's escapes are TOML's), dates bare."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str):  # JSON leaves DEL literal; TOML wants it escaped
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    raise TypeError(f"no TOML form for {value!r}")


def _line(option: Option, effective: Effective) -> str:
    value = effective.values[option.attr]
    origin = effective.origins[option.attr]
    if value is None:  # TOML has no null: an unset value is shown, commented out
        return f"# {option.key} =  # unset ({origin})"
    return f"{option.key} = {toml_value(value)}  # {origin}"


def render(effective: Effective) -> str:
    """The effective settings as TOML, each value followed by where it came from."""
    where = str(effective.path) if effective.path else "none (defaults only)"
    lines = [f"# winnow settings; settings file: {where}"]
    for section in SECTIONS:
        lines += ["", f"[{section}]"]
        lines += [_line(o, effective) for o in by_section(section)]
    base = effective.path.resolve().parent if effective.path else None
    for entry in effective.sources:
        lines += ["", f"[[fetch.{SOURCES_KEY}]]  # {effective.path}"]
        for key, value in entry.items():
            if key == "urls" and isinstance(value, str) and base is not None:
                value = str(base / Path(value).expanduser())  # stays right when moved
            lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines) + "\n"
