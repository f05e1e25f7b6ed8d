"""``winnow``: the command line, a thin layer over the flow and the cleaners.

Imports are lazy: ``explain``, ``schema`` and ``validate`` never load Prefect,
and ``run`` loads it only once its arguments are checked, so a mistyped folder
costs milliseconds, not Prefect's start-up. Errors end as one line on stderr
and a non-zero exit code, never as a traceback (``--debug`` shows it).

The options that are settings are not written here: ``flows.options`` declares each
once (flag, ``winnow.toml`` key, type, default) and ``add_flags`` puts them on the
parsers; ``_apply_settings`` then fills every one from the defaults, the settings file
and the command line (``flows.settings``) before a command runs.
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


def _run_flow(args: argparse.Namespace, **params: object) -> int:
    """Run the clean_pages flow with the run options shared by ``run`` and ``backfill``."""
    raw = _folder_arg(args.raw, "raw", must_exist=True, warc_ok=True)
    out = _folder_arg(args.out, "output", must_exist=False)
    if args.workers is not None and args.dask_address:
        origins = args.effective.origins
        raise CliError(f"workers ({origins['workers']}) and dask_address"
                       f" ({origins['dask_address']}) exclude each other", EXIT_USAGE)
    limits = _limits(args)
    profiles = _profiles_arg(args)
    from flows.pool import using_pool

    # the workers start now, before Prefect is imported: they warm up meanwhile
    with using_pool(_local_pool(args, raw, out)) as pool:
        return _run_with(args, raw, out, limits, pool, profiles=profiles, **params)


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


def _profiles_arg(args: argparse.Namespace) -> str | None:
    """The site profiles folder (``--profiles``, else ./profiles where it exists), its
    profiles validated now: a bad one is an error naming its file and key before any
    page is cleaned."""
    from cleaners import ProfileError
    from flows.profiles import load_profiles, profiles_folder

    folder = profiles_folder(getattr(args, "profiles", None))
    if folder is None:
        return None
    try:
        load_profiles(folder)
    except ProfileError as exc:
        raise CliError(f"bad site profile: {exc}", EXIT_USAGE) from exc
    return str(Path(folder).resolve())


def _explain_profile(args: argparse.Namespace, path: Path, url: str | None):
    """The profile of the page's site from the profiles folder, if it has one."""
    folder = _profiles_arg(args)
    if folder is None:
        return None
    from flows.profiles import load_profiles
    from flows.sidecar import page_site, sidecar_of
    from schemas.site import url_site

    site = args.site or page_site(sidecar_of(path), None) or (url and url_site(url)) \
        or path.parent.name
    profile = load_profiles(folder).get(site or "")
    if profile is not None:  # said only when it applies: explain's output is otherwise as before
        print(f"site {site!r}: profile {folder}/{site}.toml")
    return profile


def _limits(args: argparse.Namespace):
    """The run's limits, as the settings resolved them (defaults, [limits], options)."""
    from dataclasses import fields

    from cleaners import Limits

    values = {f.name: getattr(args, f.name) for f in fields(Limits)}
    if not values["page_timeout"]:  # 0 turns the budget off
        values["page_timeout"] = None
    try:
        return Limits(**values)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc


def cmd_run(args: argparse.Namespace) -> int:
    return _run_flow(args, learn_sites=args.learn_on_run, report=args.report)


def cmd_backfill(args: argparse.Namespace) -> int:
    since, until = args.since, args.until
    if since and until and since > until:
        raise CliError(f"--since {since} is after --until {until}", EXIT_USAGE)
    return _run_flow(args, since=since, until=until, reprocess=args.reprocess,
                     learn_sites=args.learn_on_backfill, report=args.report)


# --- report ---------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML report of an output folder; print where it is."""
    from flows.report import ReportError, write_report

    out = Path(args.out)
    if not out.is_dir():
        raise CliError(f"output folder {args.out!r} does not exist: run `winnow run` first",
                       EXIT_USAGE)
    try:
        path = write_report(out, args.report_run, samples_per_site=args.samples,
                            sampled_sites=args.sample_sites)
    except ReportError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    print(path)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    fetching = bool(args.effective.sources)  # each tick fetches them, then cleans
    raw = _folder_arg(args.raw, "raw", must_exist=not fetching,  # a fetch makes it
                      warc_ok=True)
    out = _folder_arg(args.out, "output", must_exist=False)
    from flows.schedule import (
        ScheduleError,
        build_deployment,
        check_cron,
        require_server,
        serve_deployment,
    )

    fetch = None
    if fetching:
        fetch = {"fetch_settings": _fetch_table(args.effective),
                 "settings_dir": _settings_dir(args.effective)}
        raw.mkdir(parents=True, exist_ok=True)
    try:
        check_cron(args.cron)
        url = require_server()
        deployment = build_deployment(args.cron, str(raw), str(out), name=args.name,
                                      batch_size=args.batch_size, fetch=fetch,
                                      report=args.report, profiles=_profiles_arg(args))
    except ScheduleError as exc:
        raise CliError(str(exc), EXIT_USAGE if "cron" in str(exc) else EXIT_FAILED) from exc
    flow = "fetch_pages" if fetch else "clean_pages"
    print(f"serving {flow}/{args.name} on {url}: {args.cron}, {raw} -> {out}"
          " (Ctrl-C stops)", file=sys.stderr)
    serve_deployment(deployment)
    return EXIT_OK


# --- fetch ----------------------------------------------------------------------------


def _fetch_table(effective) -> dict:  # effective: flows.settings.Effective
    """The settings' ``[fetch]`` table, checked as the fetch will use it."""
    from flows.fetch import fetch_request

    where = (f"settings {str(effective.path)!r}" if effective.path else
             "no settings file (--config FILE, or winnow.toml here)")
    if not effective.has_fetch:
        raise CliError(f"{where}: no [fetch] table", EXIT_USAGE)
    table = effective.fetch_table()
    try:
        request = fetch_request("raw", "clean", table, _settings_dir(effective))
    except ValueError as exc:  # SettingsError, SourceError
        raise CliError(f"{where}: {exc}", EXIT_USAGE) from exc
    if not request.sources:
        raise CliError(f"{where}: [fetch] names no sources ([[fetch.sources]])", EXIT_USAGE)
    return table


def _settings_dir(effective) -> str:
    """Where relative ``urls`` files are read from: the settings file's folder."""
    return str(effective.path.resolve().parent if effective.path else Path.cwd())


def cmd_fetch(args: argparse.Namespace) -> int:
    table = _fetch_table(args.effective)
    raw = _folder_arg(args.raw, "raw", must_exist=False)
    out = _folder_arg(args.out, "output", must_exist=False)
    limits = _limits(args) if args.fetch_clean else None
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
                                 clean=args.fetch_clean, batch_size=args.batch_size,
                                 limits=limits.to_dict() if limits else None,
                                 settings_dir=_settings_dir(args.effective))
    except (FetchFailed, FetchLocked, RunFailed, StateLocked) as exc:
        raise CliError(str(exc)) from exc
    from fetching.run import FetchSummary
    from flows.summary import RunSummary

    print(FetchSummary(**result["fetch"]).to_text(), flush=True)
    if "clean" in result:
        print(RunSummary(**result["clean"]).to_text(), flush=True)
    return EXIT_OK


# --- settings and export --------------------------------------------------------------


def cmd_settings(args: argparse.Namespace) -> int:
    """Print the effective settings as TOML, each value with where it came from; with a
    command after it (``winnow settings backfill --workers 2``), as that command sees them."""
    from flows.options import SETTINGS_COMMANDS
    from flows.settings import render

    effective = args.effective
    if args.argv:
        inner = build_parser().parse_args(args.argv)
        if inner.command not in SETTINGS_COMMANDS or inner.command == "settings":
            raise CliError(f"{inner.command} reads no settings", EXIT_USAGE)
        if inner.config is None:
            inner.config = args.config
        _apply_settings(inner)
        effective = inner.effective
    sys.stdout.write(render(effective))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write the output folder's current articles to one Parquet file."""
    folder = Path(args.folder or args.out)
    if not (folder / "_manifest.json").is_file():
        raise CliError(f"no _manifest.json in {str(folder)!r}: run winnow there first",
                       EXIT_USAGE)
    target = Path(args.export_path or folder / "_export" / "articles.parquet")
    from flows.export import ExportError, export_parquet

    try:
        rows = export_parquet(folder, target)
    except ExportError as exc:
        raise CliError(str(exc)) from exc
    print(f"wrote {rows} article(s) to {target}")
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
    profile = _explain_profile(args, path, url)
    tty = sys.stdout.isatty()
    console = None
    if tty:
        from rich.console import Console

        console = Console()
    try:
        analysis = analyse_page(data, source_path=path.name, url=url, encoding=encoding,
                                site_chrome=site_chrome, profile=profile)
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


def cmd_profile_suggest(args: argparse.Namespace) -> int:
    """Print a draft profile for the site, for a person to review and save."""
    from flows.profile_suggest import suggest

    raw = _folder_arg(args.raw, "raw", must_exist=True)
    try:
        print(suggest(raw, args.site), end="")
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    return EXIT_OK


def _profile_parser(sub) -> None:
    """``winnow profile suggest SITE [--raw DIR]``."""
    profile = sub.add_parser("profile", help="site profiles: draft one from a site's pages")
    actions = profile.add_subparsers(dest="action", required=True, parser_class=_Parser)
    suggest = actions.add_parser("suggest", help="print a draft profile for SITE (TOML, with"
                                                 " comments saying where each entry came from)")
    suggest.add_argument("site", help="the site, as a run names it (the URL's host)")
    suggest.add_argument("--raw", metavar="DIR", default="raw",
                         help="the raw pages folder to read the site's pages from")
    suggest.set_defaults(func=cmd_profile_suggest)


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
    """The command line. Every option that is a setting comes from ``flows.options``
    (``add_flags``): declared there once, with its ``winnow.toml`` key and default."""
    from flows.options import GLOBAL, add_flags

    parser = _Parser(prog=PROG, description="Turn raw saved news pages into clean JSONL.")
    add_flags(parser, GLOBAL)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="clean new and changed pages (incremental)")
    _run_options(run, "run")
    run.set_defaults(func=cmd_run)

    backfill = sub.add_parser(
        "backfill", help="clean an archive: a date range, a fresh output version, on Dask"
    )
    _run_options(backfill, "backfill")
    backfill.set_defaults(func=cmd_backfill)

    _serve_parser(sub)
    _fetch_parser(sub)
    _settings_parser(sub)
    _export_parser(sub)
    _report_parser(sub)

    explain = sub.add_parser("explain", help="show every line of a page and the rule for it")
    explain.add_argument("file", nargs="?")
    explain.add_argument("--plan", action="store_true",
                         help="print the rules each input format runs, in order, and exit")
    explain.add_argument("--out", metavar="DIR",
                         help="clean with the site statistics learned in this output folder,"
                              " as a run does (the site_* rules)")
    explain.add_argument("--site", help="the page's site for --out (default: the sidecar's"
                                        " site, else its URL's host, else the page's folder)")
    _profiles_option(explain)
    explain.set_defaults(func=cmd_explain)
    _profile_parser(sub)

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


def _config_option(parser: argparse.ArgumentParser) -> None:
    """``--config FILE`` (``--settings FILE``, its older name): the settings file."""
    parser.add_argument("--config", "--settings", dest="config", metavar="FILE",
                        help="the settings file (default: ./winnow.toml if it exists);"
                             " command-line options override it")


def _serve_parser(sub: argparse._SubParsersAction) -> None:
    """``winnow serve``: the scheduled deployment's options."""
    from flows.options import add_flags

    serve = sub.add_parser("serve", help="register the clean_pages deployment on a cron"
                                         " schedule and run its scheduled runs (when the"
                                         " settings' [fetch] names sources: fetch, then"
                                         " clean)")
    add_flags(serve, "serve")
    _config_option(serve)
    serve.set_defaults(func=cmd_serve)


def _report_parser(sub: argparse._SubParsersAction) -> None:
    """``winnow report``: the HTML report of an output folder."""
    from flows.options import add_flags

    report = sub.add_parser("report", help="write an HTML report of an output folder to"
                                           " <out>/_report/index.html (opens offline)")
    add_flags(report, "report")
    _config_option(report)
    report.set_defaults(func=cmd_report)


def _fetch_parser(sub: argparse._SubParsersAction) -> None:
    """``winnow fetch``: the sources are the settings' ``[[fetch.sources]]``."""
    from flows.options import add_flags

    fetch = sub.add_parser("fetch", help="fetch the settings' feeds, sitemaps, sites and URL"
                                         " lists into raw/ (politely, resumably)")
    add_flags(fetch, "fetch")
    _config_option(fetch)
    fetch.set_defaults(func=cmd_fetch)


def _settings_parser(sub: argparse._SubParsersAction) -> None:
    settings = sub.add_parser("settings", help="print the effective settings as TOML, with"
                                               " where each value came from")
    _config_option(settings)
    settings.add_argument("argv", nargs=argparse.REMAINDER, metavar="COMMAND ...",
                          help="a command and its options: the settings as it would see them")
    settings.set_defaults(func=cmd_settings)


def _export_parser(sub: argparse._SubParsersAction) -> None:
    from flows.options import add_flags

    export = sub.add_parser("export", help="write the output's current articles to Parquet")
    export.add_argument("folder", nargs="?", metavar="DIR",
                        help="the output folder (default: [run] out, clean)")
    add_flags(export, "export")
    _config_option(export)
    export.set_defaults(func=cmd_export)


def _run_options(parser: argparse.ArgumentParser, command: str) -> None:
    """The options of ``run`` and ``backfill``: both run the clean_pages flow."""
    from flows.options import add_flags

    add_flags(parser, command)
    _config_option(parser)


def _profiles_option(parser: argparse.ArgumentParser) -> None:
    """``explain --profiles``: run and backfill take theirs from ``flows.options``."""
    parser.add_argument("--profiles", metavar="DIR",
                        help="the folder of site profiles, profiles/<site>.toml (default:"
                             " ./profiles where it exists); each is validated first")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The arguments with the settings applied: every option's attribute holds its
    effective value (``args.effective`` says where each came from)."""
    args = build_parser().parse_args(argv)
    _apply_settings(args)
    return args


def _apply_settings(args: argparse.Namespace) -> None:
    """Resolve the settings of ``args.command``: the defaults, the settings file, then what
    the command line set. Commands that read no settings get the defaults' ``debug``."""
    from flows.options import OPTIONS, SETTINGS_COMMANDS

    given = {o.attr: getattr(args, o.attr) for o in OPTIONS if hasattr(args, o.attr)}
    if args.command not in SETTINGS_COMMANDS:
        args.debug = bool(given.get("debug", False))
        return
    from flows.settings import SettingsFileError, resolve

    try:
        effective = resolve(given, args.config)
    except SettingsFileError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    for attr, value in effective.values.items():
        setattr(args, attr, value)
    args.effective = effective


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code: the CLI for callers in the same process
    (tests, scripts). A process of its own goes through ``entry``."""
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)
    args = build_parser().parse_args(argv)
    try:
        _apply_settings(args)
    except CliError as exc:
        if getattr(args, "debug", False):
            raise
        _err(str(exc))
        return exc.code
    return _dispatch(args)


def entry(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``winnow`` program: ``main``, then an exit that no slow Prefect API can hold.

    Prefect waits at interpreter exit, without a time limit, for its last logs and
    events to reach the API, so an API that stops answering after the run would
    hold a finished ``winnow run`` for minutes (``flows/prefect_exit.py``). They
    are delivered here within a limit; past it the process ends at once, without
    Python's exit handlers, which would only wait again."""
    code = main(argv)
    from flows.prefect_exit import deliver_pending, exit_now, exit_seconds

    seconds = exit_seconds()
    if deliver_pending(seconds):
        exit_now(code)  # without the interpreter's teardown: ~1 s on a busy machine
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
