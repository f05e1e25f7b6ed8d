"""Issue 22, build 2: one settings file. Every option of the command line is a key of
``winnow.toml``; the command line beats the file, the file beats the default; a bad key
or type stops the command with exit code 2 naming the file, section and key; and
``winnow settings`` prints settings that, read back, change nothing."""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

import pytest

from flows.cli import build_parser, main, parse_args
from flows.options import GLOBAL, OPTIONS, for_command
from flows.settings import COMMAND_LINE, DEFAULT, resolve, section_model

# Options that are not settings, and why: each names the file itself, or what one
# invocation acts on (a page, an action), which no settings file should fix for all.
NOT_SETTINGS = {
    "--help": "argparse's help",
    "--config": "names the settings file itself",
    "--settings": "the older name of --config",
    "explain --plan": "an action: print the plan instead of explaining a page",
    "explain --out": "which output's site statistics explain one page with (off by default)",
    "explain --site": "the site of the one page being explained",
    "schema --write": "an action: rewrite the committed schema files",
}


def _write(tmp_path: Path, text: str, name: str = "winnow.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_line_option_is_a_settings_key():
    parser = build_parser()
    checked = 0
    for command, sub in [(GLOBAL, parser), *_subcommands(parser).items()]:
        rows = {o.attr: o for o in for_command(command)}
        for action in sub._actions:
            if not action.option_strings:
                continue  # a positional (a page, paths) or the subcommands
            names = [f"{command} {s}" for s in action.option_strings]
            if any(s in NOT_SETTINGS or n in NOT_SETTINGS
                   for s, n in zip(action.option_strings, names, strict=True)):
                continue
            row = rows.get(action.dest)
            assert row is not None and row.flag in action.option_strings, (
                f"{command} {action.option_strings}: no settings key (add an Option in"
                " flows/options.py, or say in NOT_SETTINGS why it is none)")
            assert row.key in section_model(row.section).model_fields
            checked += 1
    assert checked >= 20  # the walk saw the options (run, backfill, serve, fetch, export)


def _non_default(option) -> object:
    """A value of the option's type other than its default (where the type allows one)."""
    kind = option.kind if option.default is not None else next(
        a for a in option.kind.__args__ if a is not type(None))
    if kind is bool:
        return not option.default
    if option.choices:
        return option.choices[-1]
    if kind is str:
        return "x" + str(option.default or "")
    if kind.__name__ == "date":
        import datetime

        return datetime.date(2024, 5, 6)
    return (option.default or 0) + (2 if kind is int else 1.5)


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: f"{o.section}.{o.key}")
def test_every_option_is_read_from_the_file(tmp_path, option):
    from flows.settings import toml_value

    value = _non_default(option)
    path = _write(tmp_path, f"[{option.section}]\n{option.key} = {toml_value(value)}\n")
    effective = resolve({}, str(path))
    assert effective.values[option.attr] == value
    assert effective.origins[option.attr] == str(path)


@pytest.mark.parametrize(("body", "section", "key"), [
    ("[run]\nworkerz = 2\n", "[run]", "workerz"),
    ("[limits]\nmax_raw_byte = 5\n", "[limits]", "max_raw_byte"),
    ("[fetch]\ndelayy = 1.0\n", "[fetch]", "delayy"),
    ("[runn]\nworkers = 2\n", "section", "runn"),
    ("workers = 2\n", "top-level key", "workers"),
])
def test_an_unknown_key_is_a_usage_error_naming_key_file_and_section(
        tmp_path, capsys, body, section, key):
    path = _write(tmp_path, body, "mine.toml")
    code = main(["run", "--config", str(path), "--raw", str(tmp_path),
                 "--out", str(tmp_path / "out")])
    line = _one_error_line(capsys)
    assert code == 2
    assert str(path) in line and section in line and key in line, line
    assert "unknown" in line
    assert not (tmp_path / "out").exists()  # nothing ran


@pytest.mark.parametrize(("body", "section", "key"), [
    ("[run]\nbatch_size = \"big\"\n", "[run]", "batch_size"),
    ("[run]\nbatch_size = 0\n", "[run]", "batch_size"),  # below its minimum
    ("[run]\nwait = 1\n", "[run]", "wait"),  # strict: 1 is not true
    ("[limits]\npage_timeout = true\n", "[limits]", "page_timeout"),
    ("[learning]\nbackfill = \"yes\"\n", "[learning]", "backfill"),
    ("[serve]\ncron = 15\n", "[serve]", "cron"),
    ("[fetch]\nconcurrency = 2.5\n", "[fetch]", "concurrency"),
    ("[fetch]\nsources = \"http://example.org/rss\"\n", "[fetch]", "sources"),
    ("[run]\nsince = \"last week\"\n", "[run]", "since"),
])
def test_a_wrong_type_is_a_usage_error_naming_key_file_and_section(
        tmp_path, capsys, body, section, key):
    path = _write(tmp_path, body, "mine.toml")
    code = main(["settings", "--config", str(path)])
    line = _one_error_line(capsys)
    assert code == 2
    assert f"{str(path)!r}" in line and f"{section} {key}:" in line, line


def test_a_missing_or_broken_file_is_a_usage_error(tmp_path, capsys):
    assert main(["settings", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "cannot read settings" in _one_error_line(capsys)
    assert main(["settings", "--config", str(_write(tmp_path, "[run\n"))]) == 2
    assert "not TOML" in _one_error_line(capsys)


def test_the_command_line_beats_the_file_which_beats_the_default(tmp_path):
    path = _write(tmp_path, "[run]\nbatch_size = 50\nworkers = 3\n"
                            "[limits]\nmax_html_depth = 64\n[learning]\nbackfill = false\n")
    args = parse_args(["backfill", "--config", str(path), "--batch-size", "7",
                       "--learn-sites"])
    assert args.batch_size == 7 and args.effective.origins["batch_size"] == COMMAND_LINE
    assert args.workers == 3 and args.effective.origins["workers"] == str(path)
    assert args.max_html_depth == 64
    assert args.learn_on_backfill is True  # --learn-sites beat the file's false
    assert args.max_text_lines == 200_000 and args.effective.origins["max_text_lines"] == DEFAULT
    assert args.effective.origins["learn_on_backfill"] == COMMAND_LINE


def test_a_false_in_the_file_is_turned_back_on_by_the_flag_and_the_reverse(tmp_path):
    on = _write(tmp_path, "[run]\nwait = true\n", "on.toml")
    assert parse_args(["run", "--config", str(on)]).wait is True
    assert parse_args(["run", "--config", str(on), "--no-wait"]).wait is False
    assert parse_args(["run", "--wait"]).wait is True


def test_winnow_toml_in_the_current_folder_is_read_by_default(tmp_path, monkeypatch,
                                                              settings_lookup):
    monkeypatch.chdir(tmp_path)
    assert parse_args(["run"]).batch_size == 200
    assert parse_args(["run"]).effective.path is None
    _write(tmp_path, "[run]\nbatch_size = 9\n")
    args = parse_args(["run"])
    assert args.batch_size == 9
    assert args.effective.origins["batch_size"] == str(Path.cwd() / "winnow.toml")
    other = _write(tmp_path, "[run]\nbatch_size = 11\n", "other.toml")
    assert parse_args(["run", "--config", str(other)]).batch_size == 11  # --config wins


def test_the_command_lines_choice_of_runner_clears_the_files_other(tmp_path, capsys):
    path = _write(tmp_path, "[run]\nworkers = 2\n")
    args = parse_args(["run", "--config", str(path), "--dask-address", "tcp://h:8786"])
    assert args.workers is None and args.dask_address == "tcp://h:8786"
    both = _write(tmp_path, "[run]\nworkers = 2\ndask_address = \"tcp://h:8786\"\n", "b.toml")
    assert main(["run", "--config", str(both), "--raw", str(tmp_path)]) == 2
    assert "exclude each other" in _one_error_line(capsys)


def test_the_old_settings_option_still_names_the_file(tmp_path):
    path = _write(tmp_path, "[limits]\npage_timeout = 5\n")
    assert parse_args(["run", "--settings", str(path)]).page_timeout == 5


def _settings_output(capsys, *argv: str) -> str:
    assert main(["settings", *argv]) == 0
    return capsys.readouterr().out


def test_settings_says_where_each_value_came_from(tmp_path, capsys):
    path = _write(tmp_path, "[run]\nbatch_size = 50\n")
    text = _settings_output(capsys, "--config", str(path), "run", "--workers", "4")
    lines = text.splitlines()
    assert f"batch_size = 50  # {path}" in lines
    assert "workers = 4  # command line" in lines
    assert "wait = false  # default" in lines
    assert "# dask_address =  # unset (command line)" in lines  # cleared by --workers


def _round_trip_source(tmp_path: Path) -> Path:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "urls.txt").write_text("http://example.org/1\n")
    return _write(tmp_path / "a", """
[run]
batch_size = 2
since = 2024-01-01
[limits]
max_text_chars = 900
page_timeout = 0
[learning]
run = true
[serve]
cron = "0 * * * *"
[fetch]
contact = "mailto:ops@example.org"
delay = 0.5
[[fetch.sources]]
feed = "https://example.org/rss"
name = "example.org"
since = 2025-12-01
allow_hosts = ["example.org", "cdn.example.org"]
[[fetch.sources]]
urls = "urls.txt"
max_pages = 3
""")


def test_settings_output_read_back_gives_the_same_settings(tmp_path, capsys):
    first = _round_trip_source(tmp_path)
    printed = _settings_output(capsys, "--config", str(first), "backfill", "--workers", "3")
    (tmp_path / "b").mkdir()  # elsewhere: the urls file must still be found
    second = _write(tmp_path / "b", printed, "printed.toml")
    again = _settings_output(capsys, "--config", str(second), "backfill")
    assert tomllib.loads(again) == tomllib.loads(printed)
    a = parse_args(["backfill", "--config", str(first), "--workers", "3"]).effective
    b = parse_args(["backfill", "--config", str(second)]).effective
    assert a.values == b.values and a.values["workers"] == 3
    from flows.cli import _fetch_table
    from flows.fetch import fetch_request

    requests = [fetch_request("raw", "clean", _fetch_table(e), str(e.path.parent))
                for e in (a, b)]
    assert requests[0] == requests[1] and len(requests[0].sources) == 2


def _records(out: Path) -> list[dict]:
    manifest = json.loads((out / "_manifest.json").read_text())
    found = []
    for part in manifest["parts"]:
        for line in (out / part["path"]).read_text().splitlines():
            record = json.loads(line)
            record.pop("processed_at")
            found.append({"kind": part["kind"], **record})
    return sorted(found, key=lambda r: r["source_path"])


def test_a_run_with_the_printed_settings_writes_the_same_records(
        prefect_server, sample_raw, tmp_path, capsys):
    first = _write(tmp_path, f"""
[run]
raw = "{sample_raw}"
out = "{tmp_path / 'one'}"
batch_size = 2
[limits]
max_text_chars = 2500
""", "first.toml")
    printed = _settings_output(capsys, "--config", str(first), "run", "--out",
                               str(tmp_path / "two"))
    second = _write(tmp_path, printed, "printed.toml")
    assert main(["run", "--config", str(first)]) == 0
    assert main(["run", "--config", str(second)]) == 0
    one, two = _records(tmp_path / "one"), _records(tmp_path / "two")
    assert one == two
    rejects = [r for r in one if r["kind"] == "rejects"]
    assert rejects and all("max_text_chars" in r["detail"] for r in rejects)  # the file's limit
    assert len(list((tmp_path / "two" / "articles").glob("*/part-*.jsonl"))) > 1  # batch_size


@pytest.mark.parametrize("text", ['a "quoted" \\ path', "tab\tnew\nline", "del\x7f", "ёж 中"])
def test_strings_are_printed_as_toml_reads_them(text):
    from flows.settings import toml_value

    assert tomllib.loads(f"k = {toml_value(text)}")["k"] == text
