"""The winnow command line: exit codes, one-line errors, explain, validate and schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import cleaners
from cleaners.article.model import Article
from cleaners.blocks import Block
from cleaners.decode import Decoded
from cleaners.page import PageAnalysis
from flows.cli import main
from flows.writer import json_line
from schemas.export import schema_json
from schemas.models import RejectRecord

REPO = Path(__file__).resolve().parent.parent


def winnow(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it: its own process, its own exit code."""
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], cwd=cwd, capture_output=True, text=True,
        timeout=120,
    )


# --- run ------------------------------------------------------------------------------


def test_run_with_a_missing_raw_folder_fails_with_one_line_and_no_traceback(tmp_path):
    proc = winnow("run", "--raw", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("winnow: error:") and "nope" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_an_unknown_option_is_one_line_too():
    proc = winnow("run", "--rwa", "raw")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_run_with_rejects_exits_0(prefect_server, sample_raw, tmp_path, capsys):
    (sample_raw / "empty.txt").write_bytes(b"  \n")
    out = tmp_path / "clean"
    assert main(["run", "--raw", str(sample_raw), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "5 records, 1 rejects" in printed
    assert "rejected empty: 1" in printed
    assert len(list(out.glob("articles/*/*.jsonl"))) == 1
    # what the rules removed, the rule of most lines first (the seeds' headline lists)
    [saved] = [json.loads(p.read_text()) for p in (out / "_state" / "runs").glob("*.json")]
    top = max(saved["removed_by_rule"].items(), key=lambda kv: kv[1]["lines"])
    assert top[0] == "headline_list"
    assert f"    headline_list: {top[1]['lines']} lines in {top[1]['blocks']} blocks" in printed


def test_run_into_an_output_path_that_is_a_file_fails(tmp_path, capsys):
    (tmp_path / "raw").mkdir()
    (tmp_path / "out").write_text("not a folder")
    assert main(["run", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out")]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a folder" in err[0]


def test_commands_other_than_run_do_not_load_prefect(tmp_path):
    """Prefect takes seconds to import and start; explain, validate and schema need none."""
    page = tmp_path / "a.txt"
    page.write_text("Menu\n\nA sentence long enough to be a paragraph of some story here.\n")
    probe = (
        "import sys; from flows.cli import main; "
        f"main(['explain', {str(page)!r}]); main(['schema', 'reject']); "
        f"main(['validate', {str(page)!r}]); "
        "print('PREFECT LOADED' if 'prefect' in sys.modules else 'NO PREFECT')"
    )
    proc = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.stdout.strip().endswith("NO PREFECT"), proc.stdout + proc.stderr


def test_a_prefect_api_that_stops_answering_does_not_hold_the_finished_program(
    sample_raw, sample_names
):
    """Prefect delivers its last logs at exit with no time limit: against an API that
    takes the connection and never answers, each request waits out its 60 s timeout
    and its retries. The program gives them up after WINNOW_PREFECT_EXIT_SECONDS, says
    so, and exits with its command's code; the command's output is all there."""
    import socket
    import time

    mute_api = socket.socket()
    mute_api.bind(("127.0.0.1", 0))
    mute_api.listen(16)  # the kernel completes the connections; nothing ever answers
    page = sample_raw / sample_names[0]
    program = (
        "import sys\n"
        "from prefect.logging.handlers import APILogWorker\n"
        "APILogWorker.instance().send({'name': 'winnow', 'level': 20, 'message': 'last',"
        " 'timestamp': '2026-01-01T00:00:00Z', 'flow_run_id': None, 'task_run_id': None})\n"
        "from flows.cli import entry\n"
        "entry(sys.argv[1:])\n"
    )
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{mute_api.getsockname()[1]}/api",
           "WINNOW_PREFECT_EXIT_SECONDS": "1"}
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-c", program, "explain", str(page)], cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=50)
    finally:
        mute_api.close()
    assert time.monotonic() - started < 50
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == winnow("explain", str(page)).stdout  # all of it, flushed
    warning = [ln for ln in proc.stderr.splitlines() if ln.startswith("winnow: warning:")]
    assert len(warning) == 1 and "did not take the last logs and events in 1 s" in warning[0]


def _program_exit(tmp_path: Path, *lines: str) -> tuple[subprocess.CompletedProcess, Path]:
    """Run ``entry(["schema"])`` after ``lines`` in a fresh interpreter; what it noted."""
    notes = tmp_path / "notes"
    program = "\n".join(["import atexit, sys, threading, time",
                           f"NOTES = {str(notes)!r}",
                           "def note(what, open=open):  # open kept: teardown clears builtins",
                           "    with open(NOTES, 'a') as fh: fh.write(what + '\\n')",
                           *lines, "from flows.cli import entry", "entry(['schema'])"])
    proc = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    return proc, notes


def test_the_program_ends_without_the_interpreters_teardown(tmp_path):
    """Once the command is done and Prefect has what it holds, the process ends at once:
    its exit handlers run and its output is all there, but the interpreter does not free
    every module and object one by one (a second on a busy machine): an object's
    finaliser that only that teardown would call is not called."""
    proc, notes = _program_exit(
        tmp_path,
        "atexit.register(note, 'exit handler')",
        "class Kept:",
        "    def __del__(self, note=note): note('teardown')",
        "KEPT = Kept()",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == winnow("schema").stdout  # all of it, flushed
    assert notes.read_text().splitlines() == ["exit handler"]


def test_the_program_waits_for_a_thread_that_is_not_a_daemon(tmp_path):
    """A thread still working when the command returns is waited for, as Python waits."""
    proc, notes = _program_exit(
        tmp_path,
        "threading.Thread(target=lambda: (time.sleep(1.0), note('thread done'))).start()",
    )
    assert proc.returncode == 0, proc.stderr
    assert notes.read_text().splitlines() == ["thread done"]


def test_the_exit_limit_comes_from_the_environment(monkeypatch):
    from flows.prefect_exit import DEFAULT_SECONDS, ENV_SECONDS, exit_seconds

    for value, seconds in (("2.5", 2.5), ("0", 0.0), ("", DEFAULT_SECONDS),
                           ("soon", DEFAULT_SECONDS), ("-1", DEFAULT_SECONDS)):
        monkeypatch.setenv(ENV_SECONDS, value)
        assert exit_seconds() == seconds, value
    monkeypatch.delenv(ENV_SECONDS)
    assert exit_seconds() == DEFAULT_SECONDS


# --- explain --------------------------------------------------------------------------


def fake_analysis() -> PageAnalysis:
    def block(i, text, label, rule, note=""):
        b = Block(index=i, text=text, raw=text)
        b.mark(label, rule, note)
        return b

    blocks = [
        block(0, "Главная | Новости | Спорт", "chrome", "nav_menu", "menu words"),
        Block(index=1, text="", raw="", label="blank"),  # as the front ends make blanks
        block(2, "Заголовок новости", "title", "first_heading"),
        block(3, "Текст новости, первый абзац.", "body", "body_region"),
        block(4, "01.12.2019 10:15", "meta", "dateline", "date"),
    ]
    article = Article(paragraphs=["Текст новости, первый абзац."], title="Заголовок новости")
    return PageAnalysis(decoded=Decoded("...", "text", "utf-8"), blocks=blocks, article=article)


def test_explain_marks_kept_lines_and_names_the_rule_of_dropped_ones(
    tmp_path, monkeypatch, capsys
):
    page = tmp_path / "page.txt"
    page.write_text("whatever: the analysis is stubbed")
    monkeypatch.setattr(cleaners, "analyse_page", lambda *a, **k: fake_analysis())
    assert main(["explain", str(page)]) == 0
    out = capsys.readouterr().out.splitlines()
    by_text = {line.split("| ", 1)[1].split("  <- ")[0]: line for line in out if "| " in line}
    menu = by_text["Главная | Новости | Спорт"]
    assert menu.startswith("- chrome") and "nav_menu" in menu and "menu words" in menu
    assert by_text["01.12.2019 10:15"].startswith("- meta") and "dateline" in by_text[
        "01.12.2019 10:15"]
    assert by_text["Заголовок новости"].startswith("+ title") and "first_heading" in by_text[
        "Заголовок новости"]
    assert by_text["Текст новости, первый абзац."].startswith("+ body")
    assert "\x1b[" not in "\n".join(out)  # piped: plain text, no colour codes
    assert out[-2].endswith("1 paragraphs")
    assert out[-1] == "removed by rule: dateline 1, nav_menu 1"  # a line each, by name


def test_explain_shows_every_block_of_a_real_page(sample_raw, sample_names, capsys):
    page = sample_raw / sample_names[1]
    assert main(["explain", str(page)]) == 0
    out = capsys.readouterr().out.splitlines()
    analysis = cleaners.analyse_page(page.read_bytes(), source_path=page.name)
    rows = [line for line in out if "|" in line]
    assert len(rows) >= len(analysis.blocks)
    assert any(row.startswith("+ ") for row in rows)
    for block in analysis.blocks:
        if block.label in ("chrome", "meta"):
            assert any(r.startswith("- ") and block.rule in r for r in rows), block


def test_explain_on_a_rejected_page_says_why(tmp_path, capsys):
    page = tmp_path / "empty.html"
    page.write_bytes(b"")
    assert main(["explain", str(page)]) == 0
    assert "rejected: empty" in capsys.readouterr().out


def test_explain_a_missing_file_is_a_one_line_error(tmp_path, capsys):
    assert main(["explain", str(tmp_path / "nope.html")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.html" in err[0]


# --- validate -------------------------------------------------------------------------


def good_reject() -> str:
    return json_line(
        RejectRecord(
            source_path="a.html", raw_sha256="a" * 64, reason="empty", detail="nothing",
            processed_at=datetime(2025, 1, 1, tzinfo=UTC), pipeline_version="t",
        )
    )


def test_validate_reports_file_and_line_of_each_bad_line(tmp_path, capsys):
    good = good_reject()
    bad_sha = good.replace("a" * 64, "xyz")
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([good, bad_sha, "{not json", good, '{"text": ""}']) + "\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[0] for line in out] == [f"{path}:2", f"{path}:3", f"{path}:5"]
    assert "raw_sha256" in out[0] and "RejectRecord" in out[0]
    assert "not JSON" in out[1]
    assert "ArticleRecord" in out[2]  # judged an article by its shape


def test_validate_passes_good_files_and_fails_missing_ones(tmp_path, capsys):
    path = tmp_path / "ok.jsonl"
    path.write_text(good_reject() + "\n" + good_reject() + "\n")
    assert main(["validate", str(path)]) == 0
    assert "2 record(s) valid" in capsys.readouterr().err
    assert main(["validate", str(path), str(tmp_path / "missing.jsonl")]) == 1
    assert "missing.jsonl: cannot read" in capsys.readouterr().out


# --- schema ---------------------------------------------------------------------------


def test_schema_prints_every_model(capsys):
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {name: json.loads(schema_json(name))
                       for name in ("article", "reject", "link", "sidecar")}
    assert "processed_at" in printed["article"]["properties"]


def test_schema_write_rewrites_the_files(tmp_path, monkeypatch, capsys):
    import schemas.export

    monkeypatch.setattr(schemas.export, "SCHEMA_DIR", tmp_path)
    (tmp_path / "article.schema.json").write_text("stale")
    assert main(["schema", "--write"]) == 0
    for name in ("article", "reject"):
        assert (tmp_path / f"{name}.schema.json").read_text() == schema_json(name)


@pytest.mark.parametrize("name", ["article", "reject", "link"])
def test_schema_of_one_model_is_the_committed_file(name, capsys):
    """What `winnow schema NAME` prints is the file committed in schemas/ (#23: the test
    compared the output with the function the command calls)."""
    from schemas.export import schema_path

    assert main(["schema", name]) == 0
    assert capsys.readouterr().out == schema_path(name).read_text(encoding="utf-8")


def test_explain_plan_prints_every_rule_of_each_format_in_plan_order(capsys):
    from cleaners.rules.plan import PLAN, rule_names

    assert main(["explain", "--plan"]) == 0
    out = capsys.readouterr().out
    for fmt in PLAN:
        assert f"{fmt} pages:" in out
        section = out.split(f"{fmt} pages:")[1].split(" pages:\n")[0]
        named = [line.split()[1] if line.lstrip()[0].isdigit() else line.split()[0]
                 for line in section.splitlines()[1:] if line.strip() and "line pass" not in line]
        assert named[:len(rule_names(fmt))] == rule_names(fmt)


def test_explain_needs_a_file_or_the_plan(capsys):
    assert main(["explain"]) != 0
    assert "explain needs a page file" in capsys.readouterr().err


def test_explain_colours_lifted_metadata_apart_from_removed_chrome():
    """#22 rough edge 8: a date or byline lifted into the record was shown in the red of a
    line thrown away."""
    from io import StringIO

    from rich.console import Console

    from flows.explain import ExplainLine, render_rich

    lines = [ExplainLine("-", "meta", "author_line", "Автор: Иван Петров"),
             ExplainLine("-", "chrome", "login_link", "Войти"),
             ExplainLine("+", "body", "extractor_vote", "Текст статьи.")]
    out = StringIO()
    render_rich(lines, Console(file=out, force_terminal=True, color_system="standard",
                               width=200))
    rows = out.getvalue().splitlines()
    assert "\x1b[1;34m" in rows[0] and "\x1b[1;31m" not in rows[0]  # bold blue, not red
    assert "\x1b[1;31m" in rows[1]
    assert "\x1b[1;32m" in rows[2]


def test_validate_takes_an_output_folder_or_its_manifest(sample_raw, tmp_path, capsys):
    """#22 rough edge 8: `winnow validate clean` could not take the folder it writes."""
    from helpers.inline import inline_run

    out = tmp_path / "clean"
    summary = inline_run(sample_raw, out)
    links = out / "links.jsonl"
    records = summary.records + summary.rejects + (
        len(links.read_text().splitlines()) if links.is_file() else 0)
    for target in (out, out / "_manifest.json"):
        assert main(["validate", str(target)]) == 0
        assert f"{records} record(s) valid" in capsys.readouterr().err
    manifest = json.loads((out / "_manifest.json").read_text())
    (out / manifest["parts"][0]["path"]).unlink()
    assert main(["validate", str(out)]) == 1
    assert "listed in _manifest.json but missing" in capsys.readouterr().out
