"""The report in headless Chromium (Debian's, through playwright: tests/helpers/browser.py):
it loads with no console error and asks for nothing but itself, its totals are the run
summary's, and a site's sample names the rule of each removed line. Then a new user's
path from a clean checkout: ``winnow run``, ``winnow report``, open the report."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path

import pytest
from helpers.artifacts import flow_run_markdown
from helpers.browser import open_page, require_browser

from cleaners import DROPPED, analyse_page
from flows.report_samples import MAX_REMOVED

REPO = Path(__file__).resolve().parents[1]
TOTALS = ("pages-seen", "processed", "records", "duplicates", "rejects")


def shown_totals(page) -> dict[str, int]:
    return {key: int(page.inner_text(f"#total-{key}").replace(",", "")) for key in TOTALS}


def summary_totals(summary: dict) -> dict[str, int]:
    return {"pages-seen": summary["pages_seen"], "processed": summary["processed"],
            "records": summary["records"], "duplicates": summary["duplicates"],
            "rejects": summary["rejects"]}


def removed_rules(path: Path) -> list[str]:
    """The rule of each non-blank removed line, as ``analyse_page`` labels the page."""
    blocks = analyse_page(path.read_bytes(), source_path=path.name).blocks
    return [b.rule or "-" for b in blocks if b.label in DROPPED or b.label == "undecided"
            for line in (b.raw or b.text).splitlines() if line.strip()]


@pytest.fixture
def served(tmp_path):
    """A loopback HTTP server over a folder: ``serve(folder) -> base URL``."""
    servers = []

    def serve(folder: Path) -> str:
        handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_report_of_a_flow_run_in_chromium(prefect_server, sample_raw, sample_names,
                                              tmp_path, served):
    require_browser()
    from flows.pipeline import clean_pages

    (sample_raw / "empty.html").write_bytes(b"")  # a page that is rejected
    out = tmp_path / "clean"
    state = clean_pages(raw=str(sample_raw), out=str(out), report=True, return_state=True)
    summary = state.result()
    report = out / "_report" / "index.html"
    assert summary["report"] == str(report) and summary["rejects_by_reason"] == {"empty": 1}
    markdown = flow_run_markdown(state)  # the run's artifact: the summary and the report
    assert f"| HTML report | `{report}` |" in markdown and "## Pages by site" in markdown

    for url in (report.as_uri(), served(report.parent) + "index.html"):
        with open_page(url) as (page, seen):
            assert seen.errors == []
            assert seen.requests == [url]  # nothing fetched: no CDN, no font, no script
            assert shown_totals(page) == summary_totals(summary)
            section = page.locator(".site", has=page.locator("h3", has_text="(no site)"))
            first = section.locator(".sample").nth(1)  # the second seed: it has chrome
            name = first.locator("h4 code").inner_text()
            assert name == sample_names[1]
            rules = first.locator(".removed .rule").all_inner_texts()
            expected = removed_rules(sample_raw / name)
            assert len(expected) > MAX_REMOVED  # the sample shows the first lines, and says so
            assert rules == expected[:MAX_REMOVED] and "login_link" in rules
            more = first.locator(".removed li.more").inner_text()
            assert more == f"… {len(expected) - MAX_REMOVED} more lines removed"


def test_a_new_user_clones_runs_and_opens_the_report(prefect_server, tmp_path):
    """README's path from a clean checkout of this commit: the sample pages in raw/,
    ``winnow run``, ``winnow report``, and the report opens (the venv is this one: a fresh
    one is what .ci/run makes). The run reports to the session's Prefect server, as the
    README's tip says, rather than start a temporary one of its own: that start alone
    times out on a loaded machine."""
    require_browser()
    from prefect.settings import PREFECT_API_URL

    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    clone = tmp_path / "winnow"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True,
                   timeout=120)
    env = dict(os.environ, PYTHONPATH=str(clone), WINNOW_NATIVE="0",
               PREFECT_API_URL=PREFECT_API_URL.value())

    def winnow(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=clone, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        return done

    winnow("run")
    [saved] = (clone / "clean" / "_state" / "runs").glob("*.json")
    summary = json.loads(saved.read_text(encoding="utf-8"))
    assert summary["records"] == len(list((clone / "raw").iterdir())) == 5
    printed = winnow("report").stdout.strip()
    report = clone / "clean" / "_report" / "index.html"
    assert Path(printed) == Path("clean/_report/index.html") and report.is_file()
    with open_page(report.as_uri()) as (page, seen):
        assert seen.errors == [] and seen.requests == [report.as_uri()]
        assert shown_totals(page) == summary_totals(summary)
        assert page.locator(".removed .rule").count() > 0
