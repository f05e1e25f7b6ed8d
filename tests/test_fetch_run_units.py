"""fetching.run's pieces without a server: the summary a fetch prints and saves, its run
id, the client's limits from the settings, and a fetch over sources that found nothing.
Whole fetches against loopback servers are in test_fetch_faults.py and the others."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers.fetchsite import run_fetch, settings, urls_source

from fetching.page import PageFetcher
from fetching.polite import Polite
from fetching.run import FetchRequest, FetchSummary, client_limits, fetch, new_run_id
from fetching.settings import FetchSettings
from fetching.sources import Candidate, Source
from fetching.state import FetchState, UrlRow, sha256
from fetching.store import page_path, save_page
from schemas.sidecar import FetchedSidecar


def _summary(**changes) -> FetchSummary:
    summary = FetchSummary("R1", "2025-12-01T10:00:00+00:00", "out/_fetch/R1.jsonl")
    for key, value in changes.items():
        setattr(summary, key, value)
    return summary


def test_the_headline_lists_outcomes_most_frequent_first_then_by_name():
    summary = _summary(discovered=9, counts={"saved": 2, "timeout": 5, "http_404": 2})
    assert summary.headline() == "9 URLs: 5 timeout, 2 http_404, 2 saved"
    assert _summary(discovered=0).headline() == "0 URLs: nothing fetched"


def test_the_summary_text_adds_recovered_saves_and_the_error():
    summary = _summary(discovered=1, counts={"saved": 1}, seconds=2.345, recovered=3,
                       status="failed", error="OSError: disk full")
    assert summary.to_text() == (
        "fetch R1 failed: 1 URLs: 1 saved in 2.3 s; 3 saves of a killed fetch recovered"
        "\nerror: OSError: disk full\nlog: out/_fetch/R1.jsonl")
    assert _summary(seconds=1).to_text() == (
        "fetch R1 completed: 0 URLs: nothing fetched in 1.0 s\nlog: out/_fetch/R1.jsonl")


def test_the_saved_summary_names_the_list_of_pages_not_the_pages():
    """A fetch may save 100,000 pages: the summary's dict (a flow result, the summary
    file) holds everything else and the path of the list."""
    data = _summary(saved_paths=["site/a.html"] * 3, saved_list="out/_fetch/R1.saved").to_dict()
    assert "saved_paths" not in data
    assert data["saved_list"] == "out/_fetch/R1.saved" and data["run_id"] == "R1"
    assert set(data) == set(FetchSummary.__dataclass_fields__) - {"saved_paths"}


def test_a_run_id_is_the_utc_time_and_six_hex_digits(monkeypatch):
    assert re.fullmatch(r"20251201T100000Z-[0-9a-f]{6}",
                        new_run_id(datetime(2025, 12, 1, 10, 0, tzinfo=UTC)))
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # a machine nine hours ahead of UTC
    time.tzset()
    try:
        before = datetime.now(UTC).replace(microsecond=0)
        made = new_run_id()
        after = datetime.now(UTC)
    finally:
        monkeypatch.undo()
        time.tzset()
    stamp = datetime.strptime(made[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before <= stamp <= after


def test_the_client_takes_every_limit_from_the_settings():
    limits = client_limits(FetchSettings(max_bytes=1234, timeout=7.0, allow_private=True,
                                         contact="desk@example.org"))
    assert (limits.max_bytes, limits.timeout, limits.allow_private) == (1234, 7.0, True)
    assert "desk@example.org" in limits.user_agent


def test_a_fetch_that_finds_nothing_still_writes_its_summary(tmp_path):
    """Sources with no URLs: a completed fetch of nothing, under the run id it was given,
    its summary and (empty) list of saved pages on disk."""
    source = urls_source(tmp_path, [])
    started = datetime.now(UTC).replace(microsecond=0)
    summary = run_fetch(tmp_path, [source], settings(), run_id="RUN-7")
    assert (summary.run_id, summary.status, summary.discovered, summary.counts) == (
        "RUN-7", "completed", 0, {})
    assert summary.log.endswith("RUN-7.jsonl")
    assert datetime.fromisoformat(summary.started_at) >= started
    saved = json.loads(Path(summary.saved_list).with_name("RUN-7.summary.json").read_text())
    assert saved["run_id"] == "RUN-7" and saved["started_at"] == summary.started_at
    assert Path(summary.saved_list).read_text() == ""


def test_a_fetch_without_a_run_id_makes_one(tmp_path):
    summary = run_fetch(tmp_path, [urls_source(tmp_path, [])], settings())
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", summary.run_id)


def _fake_discover(*urls: str):
    """A discover function giving ``urls`` for any source, without a request."""
    def discover_fn(source, get):
        return iter([Candidate(url=u, site="site") for u in urls])
    return discover_fn


def _request(tmp_path: Path) -> FetchRequest:
    return FetchRequest(raw=str(tmp_path / "raw"), out=str(tmp_path / "clean"),
                        settings=settings(concurrency=2), sources=(Source("urls", "x"),))


def test_the_fetch_reports_its_urls_found_and_settled_and_hands_out_its_polite_layer(
        tmp_path, monkeypatch, caplog):
    handled, started, done, polites = [], [], [], []
    monkeypatch.setattr(PageFetcher, "handle",
                        lambda self, candidate: handled.append(candidate.url) or "saved")
    caplog.set_level(logging.INFO, logger="test-run")
    urls = [f"http://news.example/{i}" for i in range(3)]
    summary = fetch(_request(tmp_path), logger=logging.getLogger("test-run"), run_id="R",
                    on_start=started.append, on_done=done.append,
                    discover_fn=_fake_discover(*urls), polite_hook=polites.append)
    assert sorted(handled) == urls and summary.status == "completed"
    assert started == [3] and done == [1, 1, 1]
    assert [type(p) for p in polites] == [Polite]
    assert "fetch R: 3 URLs from 1 sources" in caplog.messages


def test_a_failure_that_is_no_urls_fault_fails_the_fetch_and_says_why(tmp_path,
                                                                      monkeypatch):
    def full(self, candidate):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(PageFetcher, "handle", full)
    summary = fetch(_request(tmp_path), logger=logging.getLogger("test-run"), run_id="F",
                    discover_fn=_fake_discover("http://news.example/a"))
    assert summary.status == "failed"
    assert summary.error == "OSError: [Errno 28] No space left on device"
    saved = json.loads((tmp_path / "clean" / "_fetch" / "F.summary.json").read_text())
    assert (saved["status"], saved["error"]) == ("failed", summary.error)


@pytest.mark.parametrize(("written", "says"), [
    (True, "a fetch was killed mid-save: 1 saves kept, 0 undone (fetched again)"),
    (False, "a fetch was killed mid-save: 0 saves kept, 1 undone (fetched again)"),
], ids=["kept", "undone"])  # ids: mutmut's -k "not kill" would drop these by their text
def test_a_fetch_after_an_interrupted_one_says_what_it_settled(tmp_path, caplog, written, says):
    body = b"<html><p>kept</p></html>"
    page = page_path(tmp_path / "raw", "site", "2025-01-01", "http://news.example/k",
                     "text/html")
    row = UrlRow("http://news.example/k", "saved", 200, None, None, sha256(body),
                 "http://news.example/k", page.relative_to(tmp_path / "raw").as_posix())
    with FetchState(tmp_path / "clean", tmp_path / "raw") as state:
        state.begin_save(row)
    if written:
        save_page(page, body, FetchedSidecar(url=row.url, final_url=row.url, status=200,
                                             fetched_at="2025-01-01T00:00:00+00:00"))
    caplog.set_level(logging.WARNING, logger="test-run")
    summary = fetch(_request(tmp_path), logger=logging.getLogger("test-run"),
                    discover_fn=_fake_discover())
    assert caplog.messages == [says] and summary.recovered == int(written)


def test_a_discovery_document_that_fails_is_logged_and_the_source_goes_on(
        tmp_path, httpserver, caplog):
    """The getter a discover function is handed: a document that fails is a
    ``document_failed`` line of the fetch log and a warning; a source that raises is a
    ``source_failed`` line and an error; the other sources still give their URLs."""
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/feed").respond_with_data("gone", status=410)
    feed = httpserver.url_for("/feed")

    def discover_fn(source, get):
        if source.location == "broken":
            raise RuntimeError("source fault")
        assert get(feed) is None
        return iter([Candidate(url="http://news.example/a", site="site")])

    request = FetchRequest(raw=str(tmp_path / "raw"), out=str(tmp_path / "clean"),
                           settings=settings(), sources=(Source("feed", feed),
                                                         Source("urls", "broken")))
    caplog.set_level(logging.WARNING, logger="test-run")
    summary = fetch(request, logger=logging.getLogger("test-run"), run_id="D",
                    discover_fn=discover_fn)
    assert summary.discovered == 1
    events = [json.loads(line) for line in Path(summary.log).read_text().splitlines()]
    kinds = {e.get("event"): e for e in events if e.get("event")}
    assert kinds["document_failed"]["url"] == feed
    assert kinds["document_failed"]["outcome"] == "http_410"
    assert (kinds["document_failed"]["status"], kinds["document_failed"]["detail"]) == (410, "")
    assert kinds["source_failed"]["source"] == "broken"
    assert kinds["source_failed"]["error"] == "RuntimeError('source fault')"
    assert f"cannot read {feed}: http_410 " in caplog.messages
    assert "source broken failed: RuntimeError('source fault')" in caplog.messages


def test_robots_txt_asked_by_discovery_is_the_policys_copy(tmp_path, httpserver):
    """A site source reads robots.txt for its Sitemap: lines; the polite layer read it
    already for its rules: the server is asked once (a query string makes it a document)."""
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/feed").respond_with_data("<rss/>")
    robots = httpserver.url_for("/robots.txt")
    bodies = []

    def discover_fn(source, get):
        bodies.extend([get(robots), get(robots), get(httpserver.url_for("/feed")),
                       get(robots + "?v=2")])
        return iter([])

    request = FetchRequest(raw=str(tmp_path / "raw"), out=str(tmp_path / "clean"),
                           settings=settings(), sources=(Source("site", robots[:-11]),))
    fetch(request, logger=logging.getLogger("test-run"), discover_fn=discover_fn)
    assert bodies[0] == bodies[1] == b"User-agent: *\nAllow: /\n"
    asked = [r.path for r, _ in httpserver.log]
    assert asked.count("/feed") == 1
    assert asked.count("/robots.txt") == 2  # the policy's read, and the one with a query


def test_the_summary_file_is_indented_and_keeps_its_text_as_written(tmp_path, monkeypatch):
    def full(self, candidate):
        raise OSError("disque plein: écriture refusée")

    monkeypatch.setattr(PageFetcher, "handle", full)
    fetch(_request(tmp_path), logger=logging.getLogger("test-run"), run_id="S",
          discover_fn=_fake_discover("http://news.example/a"))
    text = (tmp_path / "clean" / "_fetch" / "S.summary.json").read_text(encoding="utf-8")
    assert '\n  "run_id": "S",\n' in text and "écriture refusée" in text
    assert text.endswith("}\n")


def test_urls_are_fetched_host_by_host_and_without_credentials(tmp_path, monkeypatch):
    """Candidates are queued by their own URL's host (two hosts go side by side, one URL
    of a host at a time), and a URL's ``user:password@`` never reaches the pages."""
    lock, running, most, handled = threading.Lock(), [0], [0], []

    def handle(self, candidate):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            handled.append(candidate.url)
        time.sleep(0.2)
        with lock:
            running[0] -= 1
        return "saved"

    monkeypatch.setattr(PageFetcher, "handle", handle)
    urls = ["http://user:pw@a.example/1", "http://a.example/2", "http://b.example/1",
            "http://b.example/2"]
    started = time.monotonic()
    summary = fetch(_request(tmp_path), logger=logging.getLogger("test-run"),
                    discover_fn=_fake_discover(*urls))
    elapsed = time.monotonic() - started
    assert most[0] == 2
    assert sorted(handled) == ["http://a.example/1", "http://a.example/2",
                               "http://b.example/1", "http://b.example/2"]
    assert 0.4 <= summary.seconds <= elapsed + 0.01  # rounded to the hundredth
    assert round(summary.seconds, 2) == summary.seconds
