"""The scale bench's parts on small inputs (#21, point 5 and Bench): the synthetic archive
(the same pages in both forms, a small archive the start of a larger one, pages that
clean into articles), the dev archive written as a folder and as one WARC, and how a run's
processes are told apart."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from helpers.inline import inline_run

from bench import scale_run, synthetic_archive, whole_command
from flows.discover import discover
from flows.warc import expand_warcs


def _pages(raw):
    found, kinds = expand_warcs(discover(raw).pages)
    return found, kinds


def test_a_synthetic_archive_is_the_same_pages_in_both_forms(tmp_path):
    folder = synthetic_archive.write_archive(tmp_path / "folder", 25, "folder")
    warc = synthetic_archive.write_archive(tmp_path / "warc", 25, "warc")
    files, _ = _pages(folder)
    records, kinds = _pages(warc)
    assert len(files) == len(records) == 25
    assert kinds == {"warcinfo": 1, "request": 25}
    urls = {json.loads(Path(p.sidecar).read_text())["url"] for p in files}
    assert urls == {p.warc.url for p in records}
    assert len({p.site.name for p in synthetic_archive.pages(25)}) == 25  # of 40 sites
    # page i depends on i alone: a small archive is the start of a larger one
    small = [p.html for p in synthetic_archive.pages(5)]
    assert small == [p.html for p in synthetic_archive.pages(25)][:5]
    assert len(set(p.html for p in synthetic_archive.pages(25))) == 25


def test_synthetic_pages_clean_into_distinct_articles(tmp_path):
    raw = synthetic_archive.write_archive(tmp_path / "raw", 80, "folder")
    summary = inline_run(raw, tmp_path / "out", learn_sites=True)
    assert summary.records == 80 and summary.rejects == 0
    assert summary.duplicates == 0  # each page its own story: the linker finds no repost


def test_the_dev_archive_as_a_folder_and_as_one_warc(tmp_path):
    page = SimpleNamespace
    sets = [SimpleNamespace(name="a-dev", input_format="html", sites={"1": "x.example"},
                            pages=[page(id="1", url="https://x.example/1",
                                        html="<html><body><p>One</p></body></html>"),
                                   page(id="2", url=None, html="<p>Two</p>")])]
    assert whole_command.write_folder(sets, tmp_path / "raw") == 2
    files, _ = _pages(tmp_path / "raw")
    assert sorted(p.source_path for p in files) == ["unknown-site/a-dev-2.html",
                                                    "x.example/a-dev-1.html"]
    assert whole_command.write_warc(sets, tmp_path / "w" / "dev.warc.gz") == 2
    records, kinds = _pages(tmp_path / "w")
    assert [p.warc.url for p in records] == ["https://x.example/1",
                                             "https://unknown-site/a-dev/2"]
    assert kinds == {"request": 2}


def test_the_processes_of_a_run_are_told_apart():
    assert scale_run.role_of(["python", "-m", "flows.cli", "run"], root=True) == "flow"
    assert scale_run.role_of(["python", "-m", "uvicorn", "--app-dir", "x",
                              "prefect.server.api.server:create_app"], root=False) == "server"
    assert scale_run.role_of(["python", "-c", "from multiprocessing.spawn import spawn_main;"
                              " spawn_main(tracker_fd=5, pipe_handle=7)"], root=False) == "worker"
    assert scale_run.role_of(["python", "-c", "from multiprocessing.resource_tracker "
                              "import main;main(4)"], root=False) == "helper"


def test_the_whole_command_section_stops_the_server_its_runs_started(tmp_path):
    """The section's runs share a Prefect server in a PREFECT_HOME of their own; the
    supervisor noted there (here a stand-in in its own session) is stopped at the end, and
    a home with no note, or a broken one, is no error."""
    import subprocess
    import sys

    whole_command.stop_shared_server(tmp_path)  # no note
    (tmp_path / "winnow-server.json").write_text("{not json", encoding="utf-8")
    whole_command.stop_shared_server(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                            start_new_session=True)
    try:
        (tmp_path / "winnow-server.json").write_text(
            json.dumps({"url": "http://127.0.0.1:1/api", "pid": proc.pid}), encoding="utf-8")
        whole_command.stop_shared_server(tmp_path)
        assert proc.wait(timeout=10) != 0  # ended by the signal, not by itself
    finally:
        proc.kill()
