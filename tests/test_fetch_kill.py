"""kill -9 ``winnow fetch`` at random moments over a 500-page local site (five hosts):
half the kills at a random time, half after a random number of files were written;
restart it, and check: every URL ends saved exactly once with its sidecar, no temporary
or orphan file is left, and no page saved before a kill was requested again.

The killed process runs the fetch's own code (``tests/helpers/fetch_run.py``: the body of
``winnow fetch`` without Prefect), against pytest-httpserver servers in this process,
which record every request."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

REPO = Path(__file__).resolve().parents[1]
RUN = REPO / "tests" / "helpers" / "fetch_run.py"
HOSTS, PAGES = 5, 100
KILLS = 10


class Site:
    """Five servers of 100 pages each, recording (path, host) of every request."""

    def __init__(self) -> None:
        self.servers: list[HTTPServer] = []
        self.requests: list[str] = []
        self._lock = threading.Lock()

    def start(self) -> list[str]:
        urls = []
        for _ in range(HOSTS):
            server = HTTPServer(host="127.0.0.1", port=0)
            server.start()
            server.expect_request("/robots.txt").respond_with_data("", status=404)
            for i in range(PAGES):
                path = f"/story/{i}"
                server.expect_request(path).respond_with_handler(self._page(server, i))
                urls.append(server.url_for(path))
            self.servers.append(server)
        return urls

    def _page(self, server: HTTPServer, i: int):
        def handler(request: Request) -> Response:
            with self._lock:
                self.requests.append(f"http://127.0.0.1:{server.port}{request.path}")
            body = f"<html><title>{i}</title><body><p>Story {i} on {server.port}.</p>"
            return Response(body + "<p>x</p>" * 200 + "</body></html>",
                            content_type="text/html")

        return handler

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def saved_urls(raw: Path) -> set[str]:
    """URLs with a page and its sidecar on disk (the sidecar is written first)."""
    found = set()
    for sidecar in raw.rglob("*.meta.json"):
        page = sidecar.with_name(sidecar.name[: -len(".meta.json")])
        if page.exists():
            found.add(json.loads(sidecar.read_text())["url"])
    return found


def wait_for_files(proc: subprocess.Popen, raw: Path, files: int) -> None:
    """Until ``raw`` holds ``files`` files (pages and sidecars) or the run ends."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if sum(1 for p in raw.rglob("*") if p.is_file()) >= files:
            return
        time.sleep(0.005)


def assert_not_again(requests: list[str], saved_before: set[str]) -> None:
    """No page on disk when a run started was requested by that run."""
    again = set(requests) & saved_before
    assert not again, f"saved before a kill, fetched again: {sorted(again)[:3]}"


def start(raw: Path, out: Path, urls: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, str(RUN), str(raw), str(out), str(urls)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_kill_and_restart_saves_every_page_once(tmp_path):
    site = Site()
    try:
        urls = site.start()
        listing = tmp_path / "urls.txt"
        listing.write_text("\n".join(urls) + "\n")
        raw, out = tmp_path / "raw", tmp_path / "clean"
        rng = random.Random(20)
        landed = tries = 0
        while landed < KILLS and tries < 3 * KILLS:
            tries += 1
            before, mark = saved_urls(raw), len(site.requests)
            proc = start(raw, out, listing)
            if tries % 2:  # a random moment in time: start-up and discovery included
                time.sleep(rng.uniform(0.05, 1.0))
            else:  # a random moment among the writes: after 1 to 60 more files
                wait_for_files(proc, raw, len(before) * 2 + rng.randint(1, 60))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                landed += 1
            proc.wait(timeout=60)
            lone = [p for p in raw.rglob("*.html")
                    if not p.with_name(p.name + ".meta.json").exists()]
            assert not lone, f"a page without its sidecar after a kill: {lone[0]}"
            assert_not_again(site.requests[mark:], before)
        before, mark = saved_urls(raw), len(site.requests)
        final = start(raw, out, listing)
        stdout, stderr = final.communicate(timeout=300)
        assert final.returncode == 0, stderr[-2000:]
        assert_not_again(site.requests[mark:], before)
        assert landed == KILLS, f"only {landed} of {tries} kills landed mid-fetch"
    finally:
        site.stop()
    pages = sorted(p for p in raw.rglob("*.html"))
    sidecars = sorted(raw.rglob("*.meta.json"))
    assert len(pages) == HOSTS * PAGES and len(sidecars) == HOSTS * PAGES
    assert saved_urls(raw) == set(urls)
    assert not [p for p in raw.rglob(".*") if p.is_file()]  # no temporary file left
    counts = json.loads(stdout.strip().splitlines()[-1])
    # the killed runs had saved pages, which the last run left alone (not due again)
    assert counts.get("saved", 0) < HOSTS * PAGES and counts.get("not_modified", 0) > 0
    assert sum(counts.values()) == HOSTS * PAGES
