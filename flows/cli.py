"""``winnow``: the command line, a thin layer over the flow and the cleaners.

Imports are lazy: ``explain``, ``schema`` and ``validate`` never load Prefect,
and ``run`` loads it only once its arguments are checked, so a mistyped folder
costs milliseconds, not Prefect's start-up. Errors end as one line on stderr
and a non-zero exit code, never as a traceback (``--debug`` shows it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

PROG = "winnow"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

# Nothing Winnow starts may call home: Prefect's server otherwise reports
# analytics and sends heartbeats to its vendor. Set before Prefect is imported.
_QUIET_ENV = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


class CliError(Exception):
    """An error the user can act on: printed as one line, exit code ``code``."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """A usage error as one line (argparse's default prints the usage block too)."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _err(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


# --- run ------------------------------------------------------------------------------


def _folder_arg(path: str, what: str, must_exist: bool, warc_ok: bool = False) -> Path:
    """The folder named; with ``warc_ok``, a single WARC file is one too (``--raw``)."""
    from flows.discover import is_warc_name

    folder = Path(path)
    if must_exist and not folder.exists():
        raise CliError(f"{what} folder {path!r} does not exist", EXIT_USAGE)
    if warc_ok and folder.is_file() and is_warc_name(folder.name):
        return folder
    if folder.exists() and not folder.is_dir():
        raise CliError(f"{what} {path!r} is not a folder", EXIT_USAGE)
    return folder


def _positive(value: int | None, option: str) -> None:
    if value is not None and value < 1:
        raise CliError(f"{option} must be at least 1", EXIT_USAGE)


def _day(value: str | None, option: str):  # -> date | None
    if value is None:
        return None
    from flows.select import parse_day

    try:
        return parse_day(value)
    except ValueError as exc:
        raise CliError(f"{option}: {exc}", EXIT_USAGE) from None


def _run_flow(args: argparse.Namespace, **params: object) -> int:
    """Run the clean_pages flow with the run options shared by ``run`` and ``backfill``."""
    raw = _folder_arg(args.raw, "raw", must_exist=True, warc_ok=True)
    out = _folder_arg(args.out, "output", must_exist=False)
    _positive(args.batch_size, "--batch-size")
    _positive(args.workers, "--workers")
    _positive(args.processes, "--processes")
    if args.workers is not None and args.dask_address:
        raise CliError("--workers and --dask-address exclude each other", EXIT_USAGE)
    limits = _limits(args)
    from flows.pool import using_pool

    # the workers start now, before Prefect is imported: they warm up meanwhile
    with using_pool(_local_pool(args, raw, out)) as pool:
        return _run_with(args, raw, out, limits, pool, **params)


def _local_pool(args: argparse.Namespace, raw: Path, out: Path):  # -> WorkerPool | None
    """The worker processes a local run cleans in (``flows.pool``): one per CPU unless
    ``--processes`` says; none for a run of a few pages, or one on Dask."""
    from flows.pool import CPUS, WorkerPool, few_pages

    if args.workers is not None or args.dask_address:
        return None
    size = args.processes or CPUS
    if size <= 1 or few_pages(raw, exclude=[out]):
        return None
    return WorkerPool(size)


def _run_with(args: argparse.Namespace, raw: Path, out: Path, limits, pool,
              **params: object) -> int:
    """The flow run itself, its batches cleaned in ``pool`` when there is one."""
    from flows.linking import preload

    preload()  # after the pool is forked: its thread is not copied into the workers
    from flows.console import RunConsole
    from flows.pipeline import RunFailed, clean_pages
    from flows.progress import reporting_to
    from flows.runners import RunnerError, prefect_api_for_workers, task_runner
    from flows.shared_server import shared_api
    from flows.state import StateLocked

    try:
        runner = task_runner(args.workers, args.dask_address,
                             threads=pool.size + 1 if pool is not None else None)
        with shared_api(), prefect_api_for_workers(args.workers, args.dask_address), \
                RunConsole(tracebacks=args.debug) as run_console, reporting_to(run_console):
            flow = clean_pages.with_options(task_runner=runner)
            summary = flow(
                raw=str(raw), out=str(out), batch_size=args.batch_size, wait=args.wait,
                limits=limits.to_dict(), **params,
            )
    except (RunFailed, StateLocked, RunnerError) as exc:
        raise CliError(str(exc)) from exc
    from flows.summary import RunSummary

    # Shown now: Prefect's delivery of its last logs may still take a while.
    print(RunSummary(**summary).to_text(), flush=True)
    return EXIT_OK


def _byte_size(text: str) -> int:
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


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"seconds cannot be negative: {text!r}")
    return value


def _limits(args: argparse.Namespace):
    """The run's limits: the defaults, then the settings file's [limits], then options."""
    from cleaners import DEFAULT_LIMITS, Limits

    limits = DEFAULT_LIMITS
    if args.settings:
        try:
            limits = Limits.from_toml(args.settings)
        except OSError as exc:
            raise CliError(f"cannot read settings {args.settings!r}: {exc.strerror or exc}",
                           EXIT_USAGE) from exc
        except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError too
            raise CliError(f"settings {args.settings!r}: {exc}", EXIT_USAGE) from exc
    return limits.with_overrides(
        max_raw_bytes=args.max_raw_bytes,
        max_decompressed_bytes=args.max_decompressed_bytes,
        page_timeout=args.page_timeout,
    )


def cmd_run(args: argparse.Namespace) -> int:
    return _run_flow(args, learn_sites=args.learn_sites)


def cmd_backfill(args: argparse.Namespace) -> int:
    since, until = _day(args.since, "--since"), _day(args.until, "--until")
    if since and until and since > until:
        raise CliError(f"--since {since} is after --until {until}", EXIT_USAGE)
    return _run_flow(args, since=since, until=until, reprocess=args.reprocess,
                     learn_sites=args.learn_sites)


def cmd_serve(args: argparse.Namespace) -> int:
    raw = _folder_arg(args.raw, "raw", must_exist=not args.settings,  # a fetch makes it
                      warc_ok=True)
    out = _folder_arg(args.out, "output", must_exist=False)
    _positive(args.batch_size, "--batch-size")
    from flows.schedule import (
        ScheduleError,
        build_deployment,
        check_cron,
        require_server,
        serve_deployment,
    )

    fetch = None
    if args.settings:  # a [fetch] table with sources: each tick fetches, then cleans
        fetch = {"fetch_settings": _fetch_table(args.settings),
                 "settings_dir": _settings_dir(args.settings)}
        raw.mkdir(parents=True, exist_ok=True)
    try:
        check_cron(args.cron)
        url = require_server()
        deployment = build_deployment(args.cron, str(raw), str(out), name=args.name,
                                      batch_size=args.batch_size, fetch=fetch)
    except ScheduleError as exc:
        raise CliError(str(exc), EXIT_USAGE if "cron" in str(exc) else EXIT_FAILED) from exc
    flow = "fetch_pages" if fetch else "clean_pages"
    print(f"serving {flow}/{args.name} on {url}: {args.cron}, {raw} -> {out}"
          " (Ctrl-C stops)", file=sys.stderr)
    serve_deployment(deployment)
    return EXIT_OK


# --- fetch ----------------------------------------------------------------------------


def _fetch_table(path: str) -> dict:
    """The settings file's ``[fetch]`` table, checked as the fetch will use it."""
    import tomllib

    from flows.fetch import fetch_request

    try:
        with open(path, "rb") as fh:
            table = tomllib.load(fh).get("fetch")
    except OSError as exc:
        raise CliError(f"cannot read settings {path!r}: {exc.strerror or exc}",
                       EXIT_USAGE) from exc
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise CliError(f"settings {path!r}: {exc}", EXIT_USAGE) from exc
    if not isinstance(table, dict):
        raise CliError(f"settings {path!r}: no [fetch] table", EXIT_USAGE)
    try:
        request = fetch_request("raw", "clean", table, _settings_dir(path))
    except ValueError as exc:  # SettingsError, SourceError
        raise CliError(f"settings {path!r}: {exc}", EXIT_USAGE) from exc
    if not request.sources:
        raise CliError(f"settings {path!r}: [fetch] names no sources ([[fetch.sources]])",
                       EXIT_USAGE)
    return table


def _settings_dir(path: str) -> str:
    return str(Path(path).resolve().parent)


def cmd_fetch(args: argparse.Namespace) -> int:
    table = _fetch_table(args.settings)
    raw = _folder_arg(args.raw, "raw", must_exist=False)
    out = _folder_arg(args.out, "output", must_exist=False)
    _positive(args.batch_size, "--batch-size")
    limits = _limits(args) if args.clean else None
    raw.mkdir(parents=True, exist_ok=True)

    from fetching.state import FetchLocked
    from flows.console import RunConsole
    from flows.fetch import FetchFailed, fetch_pages
    from flows.pipeline import RunFailed
    from flows.progress import reporting_to
    from flows.shared_server import shared_api
    from flows.state import StateLocked

    try:
        with shared_api(), RunConsole(tracebacks=args.debug) as run_console, \
                reporting_to(run_console):
            result = fetch_pages(raw=str(raw), out=str(out), fetch_settings=table,
                                 clean=args.clean, batch_size=args.batch_size,
                                 limits=limits.to_dict() if limits else None,
                                 settings_dir=_settings_dir(args.settings))
    except (FetchFailed, FetchLocked, RunFailed, StateLocked) as exc:
        raise CliError(str(exc)) from exc
    from fetching.run import FetchSummary
    from flows.summary import RunSummary

    print(FetchSummary(**result["fetch"]).to_text(), flush=True)
    if "clean" in result:
        print(RunSummary(**result["clean"]).to_text(), flush=True)
    return EXIT_OK


# --- explain --------------------------------------------------------------------------


def cmd_explain(args: argparse.Namespace) -> int:
    from cleaners import Rejected, analyse_page
    from flows.explain import explain_lines, read_for_explain, removed_summary

    if args.plan:
        return _print_plan()
    if not args.file:
        raise CliError("explain needs a page file (or --plan)", EXIT_USAGE)
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {args.file!r}", EXIT_USAGE)
    try:
        data, url, encoding = read_for_explain(path)
    except OSError as exc:
        raise CliError(f"cannot read {args.file!r}: {exc.strerror or exc}") from exc
    except Rejected as exc:
        raise CliError(f"{args.file}: {exc.reason}: {exc.detail}") from exc

    site_chrome = _explain_site_chrome(args, path) if args.out else None
    tty = sys.stdout.isatty()
    console = None
    if tty:
        from rich.console import Console

        console = Console()
    try:
        analysis = analyse_page(data, source_path=path.name, url=url, encoding=encoding,
                                site_chrome=site_chrome)
    except Rejected as exc:
        analysis = getattr(exc, "analysis", None)  # the blocks, where the cleaner attaches them
        if analysis is not None:
            _render(list(explain_lines(analysis.blocks)), console)
        print(f"rejected: {exc.reason}: {exc.detail}")
        return EXIT_OK
    lines = list(explain_lines(analysis.blocks))
    _render(lines, console)
    kept = sum(1 for x in lines if x.mark == "+")
    dropped = sum(1 for x in lines if x.mark == "-")
    art = analysis.article
    print(
        f"{analysis.decoded.input_format}, {analysis.decoded.encoding}: {kept} lines kept,"
        f" {dropped} dropped; title: {art.title!r}; {len(art.paragraphs)} paragraphs"
    )
    if removed := removed_summary(analysis.blocks):
        print(f"removed by rule: {removed}")
    return EXIT_OK


def _print_plan() -> int:
    """The rules each input format runs, in order, with what each does."""
    from cleaners import PLAN, describe_plan

    for fmt in PLAN:
        print(f"{fmt} pages:")
        shown = ""
        for step, name, doc in describe_plan(fmt):
            if step.endswith(":"):  # a line pass: its label once, its rules under it
                if step != shown:
                    print(f"  {step}")
                    shown = step
                print(f"       {name:<22} {doc}")
            else:
                print(f"  {step:<4} {name:<22} {doc}")
    return EXIT_OK


def _explain_site_chrome(args: argparse.Namespace, path: Path):  # -> SiteChrome | None
    """The chrome learned for the page's site in the output folder ``args.out``."""
    from flows.sidecar import page_site, sidecar_of
    from flows.sitestats_store import STATS_DB, SiteStatsStore
    from flows.state import STATE_DIR

    if not (Path(args.out) / STATE_DIR / STATS_DB).is_file():
        raise CliError(f"no site statistics in {args.out!r}: run winnow there first",
                       EXIT_USAGE)
    site = args.site
    if not site:
        site = page_site(sidecar_of(path), path.parent.name or None)
    with SiteStatsStore(args.out) as store:
        learned = store.sites().get(site or "", 0)
        chrome = store.chrome([site], pending=False).get(site) if site else None
    print(f"site {site!r}: {learned} pages learned, "
          f"{len(chrome) if chrome else 0} lines known as its chrome")
    return chrome


def _render(lines: list, console: object | None) -> None:
    from flows.explain import render_plain, render_rich

    if console is None:
        render_plain(lines, sys.stdout)
    else:
        render_rich(lines, console)


# --- schema ---------------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace) -> int:
    import json

    from schemas.export import MODELS, schema_json, write_schemas

    if args.write:
        for path in write_schemas():
            print(f"wrote {path}")
        return EXIT_OK
    if args.name:
        sys.stdout.write(schema_json(args.name))
        return EXIT_OK
    both = {name: json.loads(schema_json(name)) for name in MODELS}
    sys.stdout.write(json.dumps(both, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return EXIT_OK


# --- validate -------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from flows.validate import validate_files

    total = bad = files = 0
    for _path, count, errors in validate_files(args.files):
        files += 1
        total += count
        for error in errors:
            bad += 1
            print(error)
    if bad:
        print(f"{bad} bad line(s) in {files} file(s)", file=sys.stderr)
        return EXIT_FAILED
    print(f"{total} record(s) valid in {files} file(s)", file=sys.stderr)
    return EXIT_OK


# --- main -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Turn raw saved news pages into clean JSONL.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="clean new and changed pages (incremental)")
    _run_options(run)
    run.add_argument("--learn-sites", action="store_true",
                     help="first learn each site's recurring lines (menus, teasers, footers)"
                          " from all the pages, then clean: as backfill does")
    run.set_defaults(func=cmd_run)

    backfill = sub.add_parser(
        "backfill", help="clean an archive: a date range, a fresh output version, on Dask"
    )
    _run_options(backfill)
    backfill.add_argument("--since", metavar="DATE",
                          help="only pages dated on or after DATE (YYYY-MM-DD): the sidecar's"
                               " fetched_at, else a date in the path, else the file's mtime")
    backfill.add_argument("--until", metavar="DATE", help="only pages dated on or before DATE")
    backfill.add_argument("--reprocess", action="store_true",
                          help="clean every page again into a new output version; the current"
                               " one stays live until the new one is complete")
    backfill.add_argument("--no-learn-sites", dest="learn_sites", action="store_false",
                          help="skip the first pass that learns each site's recurring lines;"
                               " clean with what earlier runs learned")
    backfill.set_defaults(func=cmd_backfill)

    _serve_parser(sub)
    _fetch_parser(sub)

    explain = sub.add_parser("explain", help="show every line of a page and the rule for it")
    explain.add_argument("file", nargs="?")
    explain.add_argument("--plan", action="store_true",
                         help="print the rules each input format runs, in order, and exit")
    explain.add_argument("--out", metavar="DIR",
                         help="clean with the site statistics learned in this output folder,"
                              " as a run does (the site_* rules)")
    explain.add_argument("--site", help="the page's site for --out (default: the sidecar's"
                                        " site, else its URL's host, else the page's folder)")
    explain.set_defaults(func=cmd_explain)

    schema = sub.add_parser("schema", help="print (or --write) the records' and the"
                                           " sidecar's JSON Schemas")
    schema.add_argument("name", nargs="?", choices=["article", "reject", "link", "sidecar"])
    schema.add_argument("--write", action="store_true", help="rewrite schemas/*.schema.json")
    schema.set_defaults(func=cmd_schema)

    validate = sub.add_parser("validate", help="check JSONL files against the record models")
    validate.add_argument("files", nargs="+", metavar="PATH",
                          help="a JSONL file, an output folder or its _manifest.json (the"
                               " files it lists), or a folder of JSONL files")
    validate.set_defaults(func=cmd_validate)
    return parser


def _serve_parser(sub: argparse._SubParsersAction) -> None:
    """``winnow serve``: the scheduled deployment's options."""
    serve = sub.add_parser("serve", help="register the clean_pages deployment on a cron"
                                         " schedule and run its scheduled runs")
    serve.add_argument("--cron", default="*/15 * * * *",
                       help="when to run, as a cron expression (default: every 15 minutes)")
    serve.add_argument("--raw", default="raw", help="folder of raw pages (default: raw)")
    serve.add_argument("--out", default="clean", help="output folder (default: clean)")
    serve.add_argument("--batch-size", type=int, default=None, help="pages per Prefect task")
    serve.add_argument("--name", default="winnow", help="deployment name (default: winnow)")
    serve.add_argument("--settings", metavar="FILE",
                       help="a settings file whose [fetch] table names sources: each run"
                            " fetches them, then cleans what it saved (winnow fetch --clean)")
    serve.set_defaults(func=cmd_serve)


def _fetch_parser(sub: argparse._SubParsersAction) -> None:
    """``winnow fetch``: its own options (it cleans with --clean, so no limit options)."""
    fetch = sub.add_parser("fetch", help="fetch the settings' feeds, sitemaps, sites and URL"
                                         " lists into raw/ (politely, resumably)")
    fetch.add_argument("--settings", metavar="FILE", required=True,
                       help="a TOML file whose [fetch] table names the sources (and whose"
                            " [limits] table --clean uses)")
    fetch.add_argument("--raw", default="raw", help="folder the pages go to (default: raw)")
    fetch.add_argument("--out", default="clean",
                       help="output folder: fetch state and log, and --clean's records"
                            " (default: clean)")
    fetch.add_argument("--clean", action="store_true",
                       help="then clean exactly the pages saved, in the same flow run")
    fetch.add_argument("--batch-size", type=int, default=200, help="pages per Prefect task")
    fetch.set_defaults(func=cmd_fetch, max_raw_bytes=None, max_decompressed_bytes=None,
                       page_timeout=None)


def _run_options(parser: argparse.ArgumentParser) -> None:
    """The options ``run`` and ``backfill`` share: both run the clean_pages flow."""
    parser.add_argument("--raw", default="raw",
                        help="folder of raw pages, or one .warc/.warc.gz file (default: raw)")
    parser.add_argument("--out", default="clean", help="output folder (default: clean)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="pages per Prefect task (default: sized so every worker gets"
                             " about 4 batches, at most 200)")
    parser.add_argument("--wait", action="store_true",
                        help="if another run holds the output folder, wait for it to finish"
                             " (default: exit with an error)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--processes", type=int, metavar="N",
                       help="clean in N worker processes on this machine (default: one per"
                            " CPU; 1, or a run of a few pages: in this process)")
    where.add_argument("--workers", type=int, metavar="N",
                       help="clean on a local Dask cluster of N worker processes")
    where.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                       help="clean on an existing Dask scheduler's workers (needs"
                            " PREFECT_API_URL set to a server they can reach)")
    limits = parser.add_argument_group("limits (defaults in the README; 0 turns one off)")
    limits.add_argument("--max-raw-bytes", type=_byte_size, metavar="SIZE",
                        help="larger files are rejected unread (too_large); e.g. 64M")
    limits.add_argument("--max-decompressed-bytes", type=_byte_size, metavar="SIZE",
                        help="a .gz that expands past this is rejected (too_large)")
    limits.add_argument("--page-timeout", type=_seconds, metavar="SECONDS",
                        help="give up on a page after this long (timeout)")
    limits.add_argument("--settings", metavar="FILE",
                        help="a TOML file whose [limits] table sets any limit")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code: the CLI for callers in the same process
    (tests, scripts). A process of its own goes through ``entry``."""
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)
    args = build_parser().parse_args(argv)
    return _dispatch(args)


def entry(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``winnow`` program: ``main``, then an exit that no slow Prefect API can hold.

    Prefect waits at interpreter exit, without a time limit, for its last logs and
    events to reach the API, so an API that stops answering after the run would
    hold a finished ``winnow run`` for minutes (``flows/prefect_exit.py``). They
    are delivered here within a limit; past it the process ends at once, without
    Python's exit handlers, which would only wait again."""
    code = main(argv)
    from flows.prefect_exit import deliver_pending, exit_seconds

    seconds = exit_seconds()
    if deliver_pending(seconds):
        sys.exit(code)
    print(f"{PROG}: warning: the Prefect API did not take the last logs and events in"
          f" {seconds:g} s; exiting without them (Winnow's own output is written)",
          file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _dispatch(args: argparse.Namespace) -> int:
    """Run the chosen command; an error ends as one line and its exit code."""
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    except CliError as exc:
        if args.debug:
            raise
        _err(str(exc))
        return exc.code
    except BrokenPipeError:  # `winnow explain page.html | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        if args.debug:
            raise
        message = str(exc).splitlines()[0] if str(exc) else ""
        _err(f"{type(exc).__name__}: {message}" if message else type(exc).__name__)
        return EXIT_FAILED


if __name__ == "__main__":
    entry()
