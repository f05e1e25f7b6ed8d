"""Every setting Winnow takes, declared once: its ``winnow.toml`` key, its type and
default, and the command-line flag that overrides it (if any), with the commands taking it.

The argparse options (``flows.cli``), the Pydantic models that check a settings file
(``flows.settings``) and ``winnow settings``' output are all built from ``OPTIONS``, so a
setting cannot exist in one and be missing from another. To add one, add an ``Option``
here (and read ``args.<dest>`` in the command): the flag, the file key, the check and the
printout follow. The limits and the fetch settings are not copied here: their rows are
made from the fields of ``cleaners.Limits`` and ``fetching.settings.FetchSettings``, whose
defaults stay where the code that uses them is.
"""

from __future__ import annotations

import argparse
import typing
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from cleaners import DEFAULT_LIMITS, Limits
from fetching.settings import FetchSettings

#: the sections of ``winnow.toml``, in the order ``winnow settings`` prints them
SECTIONS = ("run", "limits", "learning", "serve", "fetch", "export", "report")
#: the commands whose settings come from ``winnow.toml`` (the others read no file)
SETTINGS_COMMANDS = ("run", "backfill", "serve", "fetch", "export", "report", "settings")
#: an option of the main parser (``winnow --debug run``), not of one command
GLOBAL = "*"
CLEANING = ("run", "backfill", "serve", "fetch")
DEFAULT_CRON = "*/15 * * * *"  # every quarter hour


def byte_size(text: str) -> int:
    """``--max-raw-bytes 64M``: a byte count, with an optional K/M/G (binary) suffix."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    value = text.strip().lower().removesuffix("ib").removesuffix("b")
    scale = units.get(value[-1:], 1)
    if scale != 1:
        value = value[:-1]
    try:
        size = int(float(value) * scale)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size in bytes: {text!r}") from None
    if size < 0:
        raise argparse.ArgumentTypeError(f"a size cannot be negative: {text!r}")
    return size


def seconds(text: str) -> float:
    """``--page-timeout 30``: a non-negative number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"seconds cannot be negative: {text!r}")
    return value


def day(text: str) -> date:
    """``--since 2024-01-01``: a day (the file gives a TOML date)."""
    from flows.select import parse_day

    try:
        return parse_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass(frozen=True, slots=True)
class Option:
    """One setting: ``[section] key`` in the file, ``flag`` on the command line.

    ``kind`` is the value's type as Pydantic checks it (``int | None``: may be left
    unset); ``parse`` turns the flag's text into it (default: ``kind`` itself; booleans
    get ``--flag/--no-flag``). ``dest`` is the attribute the commands read on their
    arguments (default: ``key``). ``minimum`` bounds a number from below; ``exclusive``
    names a group whose options exclude each other (the command line's choice of one
    clears what the file set for the others). ``in_file``: the key a file may hold
    beyond the scalar ones (``[[fetch.sources]]``)."""

    section: str
    key: str
    kind: Any
    default: Any
    help: str
    flag: str | None = None
    commands: tuple[str, ...] = ()
    dest: str | None = None
    parse: Callable[[str], Any] | None = None
    metavar: str | None = None
    minimum: float | None = None
    exclusive: str | None = None
    choices: tuple[str, ...] | None = None

    @property
    def attr(self) -> str:
        return self.dest or self.key

    @property
    def is_bool(self) -> bool:
        return self.kind is bool


_RUN = (
    Option("run", "raw", str, "raw", "folder of raw pages, or one .warc/.warc.gz file; fetch"
           " saves its pages there", "--raw", CLEANING, metavar="DIR"),
    Option("run", "out", str, "clean", "output folder (records, state; fetch's state and log;"
           " what export and report read)", "--out", (*CLEANING, "report"), metavar="DIR"),
    Option("run", "batch_size", int | None, None, "pages per Prefect task (unset: sized so"
           " every worker gets about 4 batches, at most 200)", "--batch-size", CLEANING,
           metavar="N", minimum=1),
    Option("run", "wait", bool, False, "if another run holds the output folder, wait for it"
           " to finish (off: exit with an error)", "--wait", ("run", "backfill")),
    Option("run", "processes", int | None, None, "clean in N worker processes on this"
           " machine (unset: one per CPU; 1, or a run of a few pages: in this process)",
           "--processes", ("run", "backfill"), metavar="N", minimum=1, exclusive="where"),
    Option("run", "workers", int | None, None, "clean on a local Dask cluster of N worker"
           " processes", "--workers", ("run", "backfill"), metavar="N", minimum=1,
           exclusive="where"),
    Option("run", "dask_address", str | None, None, "clean on an existing Dask scheduler's"
           " workers (needs PREFECT_API_URL set to a server they can reach)",
           "--dask-address", ("run", "backfill"), metavar="tcp://HOST:PORT",
           exclusive="where"),
    Option("run", "since", date | None, None, "backfill: only pages dated on or after DATE"
           " (YYYY-MM-DD): the sidecar's fetched_at, else a date in the path, else the"
           " file's mtime", "--since", ("backfill",), parse=day, metavar="DATE"),
    Option("run", "until", date | None, None, "backfill: only pages dated on or before DATE",
           "--until", ("backfill",), parse=day, metavar="DATE"),
    Option("run", "reprocess", bool, False, "backfill: clean every page again into a new"
           " output version; the current one stays live until the new one is complete",
           "--reprocess", ("backfill",)),
    Option("run", "report", bool, False, "then write the HTML report of the output folder"
           " (<out>/_report/index.html, as `winnow report` does)", "--report",
           ("run", "backfill", "serve")),
    Option("run", "profiles", str | None, None, "folder of site profiles, <site>.toml (unset:"
           " ./profiles where it exists); each is validated before any page is cleaned",
           "--profiles", ("run", "backfill", "serve"), metavar="DIR"),
    Option("run", "debug", bool, False, "show tracebacks on errors", "--debug", (GLOBAL,)),
)

_LEARNING = (
    Option("learning", "run", bool, False, "winnow run: first learn each site's recurring"
           " lines (menus, teasers, footers) from all the pages, then clean",
           "--learn-sites", ("run",), dest="learn_on_run"),
    Option("learning", "backfill", bool, True, "winnow backfill: the same learning pass"
           " (off: clean with what earlier runs learned)", "--learn-sites", ("backfill",),
           dest="learn_on_backfill"),
)

_SERVE = (
    Option("serve", "cron", str, DEFAULT_CRON, "when to run, as a cron expression",
           "--cron", ("serve",)),
    Option("serve", "name", str, "winnow", "deployment name", "--name", ("serve",)),
)

_EXPORT = (
    Option("export", "format", str, "parquet", "file format", "--format", ("export",),
           choices=("parquet",)),
    Option("export", "path", str | None, None, "the file written (default:"
           " <out>/_export/articles.parquet)", "--out", ("export",), dest="export_path",
           metavar="FILE"),
)

_REPORT = (
    Option("report", "run", str, "all", "one run (its id, or 'last') instead of all runs",
           "--run", ("report",), dest="report_run", metavar="RUN_ID"),
    Option("report", "samples", int, 3, "sample pages shown per site, each cleaned again"
           " (0: none)", "--samples", ("report",), metavar="N", minimum=0),
    Option("report", "sample_sites", int, 12, "sites with samples, those with most records",
           "--sample-sites", ("report",), metavar="N", minimum=0),
)

# The limit options the command line takes; the other limits are settings only.
_LIMIT_FLAGS: dict[str, tuple[str, Callable[[str], Any], str, str]] = {
    "max_raw_bytes": ("--max-raw-bytes", byte_size, "SIZE",
                      "larger files are rejected unread (too_large); e.g. 64M"),
    "max_decompressed_bytes": ("--max-decompressed-bytes", byte_size, "SIZE",
                               "a .gz that expands past this is rejected (too_large)"),
    "page_timeout": ("--page-timeout", seconds, "SECONDS",
                     "give up on a page after this long (timeout)"),
}


def _limit_rows() -> tuple[Option, ...]:
    """One row per field of ``cleaners.Limits``; ``0`` turns a limit off."""
    rows = []
    for f in fields(Limits):
        default = getattr(DEFAULT_LIMITS, f.name)
        flag, parse, metavar, text = _LIMIT_FLAGS.get(f.name, (None, None, None, ""))
        if f.name == "page_timeout":  # None (off) is written 0 in the file and the option
            kind, default = float, default or 0.0
        else:
            kind = int
        rows.append(Option("limits", f.name, kind, default, text or f"limit {f.name} (0: off)",
                           flag, ("run", "backfill", "fetch") if flag else (),
                           parse=parse, metavar=metavar, minimum=0))
    return tuple(rows)


def _fetch_rows() -> tuple[Option, ...]:
    """One row per field of ``FetchSettings``, plus ``clean``; ``FetchSettings`` checks
    their ranges, and ``fetching.sources`` the ``[[fetch.sources]]`` entries."""
    hints = typing.get_type_hints(FetchSettings)
    rows = [Option("fetch", f.name, hints[f.name], f.default, f"fetch setting {f.name}",
                   dest=f"fetch_{f.name}") for f in fields(FetchSettings)]
    rows.append(Option("fetch", "clean", bool, False, "then clean exactly the pages saved,"
                       " in the same flow run", "--clean", ("fetch",), dest="fetch_clean"))
    return tuple(rows)


OPTIONS: tuple[Option, ...] = (*_RUN, *_limit_rows(), *_LEARNING, *_SERVE, *_fetch_rows(),
                               *_EXPORT, *_REPORT)
#: the fetch setting fields, passed on to ``FetchSettings.from_table``
FETCH_FIELDS = tuple(f.name for f in fields(FetchSettings))
#: ``[[fetch.sources]]``: an array of tables, checked by ``fetching.sources``
SOURCES_KEY = "sources"


def by_section(section: str) -> tuple[Option, ...]:
    return tuple(o for o in OPTIONS if o.section == section)


def for_command(command: str) -> tuple[Option, ...]:
    """The options whose flag ``command`` takes, in table order."""
    return tuple(o for o in OPTIONS if o.flag and command in o.commands)


def add_flags(parser: argparse.ArgumentParser, command: str) -> None:
    """Add ``command``'s flags to its parser. Each leaves its attribute unset unless given
    (``SUPPRESS``), so the settings know what the command line said."""
    groups: dict[str, argparse._MutuallyExclusiveGroup] = {}
    for option in for_command(command):
        target: Any = parser
        if option.exclusive:
            if option.exclusive not in groups:
                groups[option.exclusive] = parser.add_mutually_exclusive_group()
            target = groups[option.exclusive]
        kwargs: dict[str, Any] = {"dest": option.attr, "default": argparse.SUPPRESS,
                                  "help": _help(option)}
        if option.is_bool:
            kwargs["action"] = argparse.BooleanOptionalAction
        else:
            kwargs["type"] = _converter(option)
            kwargs["metavar"] = option.metavar
            kwargs["choices"] = option.choices
        target.add_argument(option.flag, **kwargs)


def _help(option: Option) -> str:
    shown = "unset" if option.default is None else option.default
    if option.is_bool:
        shown = "on" if option.default else "off"
    return f"{option.help} (default: {shown}; [{option.section}] {option.key})"


def _converter(option: Option) -> Callable[[str], Any]:
    """The flag's text to its value, with the row's lower bound checked."""
    parse = option.parse or _scalar(option.kind)
    if option.minimum is None:
        return parse

    def checked(text: str) -> Any:
        value = parse(text)
        if value < option.minimum:  # type: ignore[operator]
            raise argparse.ArgumentTypeError(f"must be at least {option.minimum:g}: {text!r}")
        return value

    checked.__name__ = getattr(parse, "__name__", "value")  # argparse names it in errors
    return checked


def _scalar(kind: Any) -> Callable[[str], Any]:
    """The flag text converter of a scalar type (``int | None`` -> ``int``)."""
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    return args[0] if args else kind


def _check_table() -> None:
    """Each attribute and each (command, flag) once: a row added twice fails at import."""
    attrs = [o.attr for o in OPTIONS]
    assert len(attrs) == len(set(attrs)), "an option's dest is used twice"
    flags = [(c, o.flag) for o in OPTIONS if o.flag for c in o.commands]
    assert len(flags) == len(set(flags)), "a flag is declared twice for one command"
    assert {o.section for o in OPTIONS} == set(SECTIONS)


_check_table()
