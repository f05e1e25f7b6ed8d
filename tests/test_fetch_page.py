"""fetching/page.py on its own: each way one URL is settled (saved, not due, a duplicate,
304, an unchanged body, a redirect to a page another URL saved, a failure), with what the
state, the fetch log, the page's file and its sidecar then hold. The polite client is a
stand-in that answers from a script, and the clock is fixed, so every value is exact;
expected values follow the module's docstring ("a page is written only when it is new or
its body changed", "keeping the validators and path of what was saved before")."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

import fetching.page as page_mod
from fetching.log import FetchLog
from fetching.outcomes import FetchResult
from fetching.page import PageFetcher
from fetching.settings import FetchSettings
from fetching.sources import Candidate
from fetching.state import FetchState, UrlRow, sha256
from fetching.store import page_name, sidecar_path

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
STAMP = "2025-01-02T03:04:05+00:00"
URL = "https://a.example/story"
BODY = b"<html><p>story</p></html>"


class _Clock(datetime):
    @classmethod
    def now(cls, tz=None):  # the one clock page.py reads
        return NOW if tz is not None else NOW.replace(tzinfo=None)


class Polite:
    """Answers each URL with the next scripted result; remembers what it was asked."""

    def __init__(self, *results: FetchResult) -> None:
        self.results = list(results)
        self.asked: list[tuple[str, bool, dict | None]] = []

    def fetch(self, url: str, *, page: bool = True, conditional=None) -> FetchResult:
        self.asked.append((url, page, conditional))
        return self.results.pop(0)


def fetched(final: str = URL, body: bytes = BODY, **more) -> FetchResult:
    return FetchResult("fetched", URL, final, **{"status": 200, "body": body,
                                                 "content_type": "text/html", **more})


@pytest.fixture
def run(tmp_path, monkeypatch):
    """(fetcher factory, state, log lines reader, raw root) for one fetch run."""
    monkeypatch.setattr(page_mod, "datetime", _Clock)
    raw = tmp_path / "raw"
    with FetchState(tmp_path / "out", raw) as state, FetchLog(tmp_path / "out", "r") as log:
        def fetcher(polite: Polite, revisit: float = 0.0) -> PageFetcher:
            return PageFetcher(state, polite, raw, log, FetchSettings(revisit=revisit),
                               lambda u: u.lower())

        def lines() -> list[dict]:
            """The log's lines, each without its time (the log's own clock)."""
            out = [json.loads(x) for x in log.path.read_text(encoding="utf-8").splitlines()]
            assert all(line.pop("at") for line in out)
            return out

        yield fetcher, state, lines, raw


CAND = Candidate(URL, "a.example", title="A story", published="2025-01-01T00:00:00+00:00",
                 source="feed https://a.example/rss")


def test_a_new_page_is_saved_with_its_sidecar_state_and_log_line(run) -> None:
    fetcher, state, lines, raw = run
    polite = Polite(fetched(status=203, charset="koi8-r", etag='"e1"',
                            last_modified="Wed, 01 Jan 2025 00:00:00 GMT"))
    pages = fetcher(polite, revisit=3600)
    assert pages.handle(CAND) == "saved"
    assert polite.asked == [(URL, True, None)]  # a page, asked unconditionally: new
    rel = f"a.example/2025-01-02/{page_name(URL)}.html"
    assert pages.saved_paths == [rel]
    assert (raw / rel).read_bytes() == BODY
    assert json.loads(sidecar_path(raw / rel).read_text(encoding="utf-8")) == {
        "url": URL, "final_url": URL, "site": "a.example", "fetched_at": STAMP,
        "status": 203, "content_type": "text/html", "encoding": "koi8-r", "etag": '"e1"',
        "last_modified": "Wed, 01 Jan 2025 00:00:00 GMT", "title": "A story",
        "published": "2025-01-01T00:00:00+00:00", "source": "feed https://a.example/rss"}
    assert state.row(URL) == UrlRow(URL, "saved", 203, '"e1"', "Wed, 01 Jan 2025 00:00:00 GMT",
                                    sha256(BODY), URL, rel, STAMP, "2025-01-02T04:04:05+00:00")
    assert state.owner(URL) == URL
    [line] = lines()
    assert line == {"url": URL, "outcome": "saved", "status": 203, "path": rel,
                    "source": "feed https://a.example/rss"}


def test_a_redirected_page_is_saved_under_its_normalised_final_url(run) -> None:
    fetcher, state, lines, raw = run
    final = "https://A.EXAMPLE/Moved"
    pages = fetcher(Polite(fetched(final=final, status=None)))
    bare = Candidate(URL, "a.example")  # no title, date or source from its source
    assert pages.handle(bare) == "saved"
    rel = f"a.example/2025-01-02/{page_name('https://a.example/moved')}.html"
    assert pages.saved_paths == [rel]
    side = json.loads(sidecar_path(raw / rel).read_text(encoding="utf-8"))
    assert (side["final_url"], side["status"]) == (final, 200)  # no status: a 200 body
    assert not {"title", "published", "source", "etag"} & set(side)
    row = state.row(URL)
    assert row is not None and (row.final_url, row.next_due) == ("https://a.example/moved", None)
    assert lines()[0]["final_url"] == "https://a.example/moved" and "source" not in lines()[0]


def _saved_before(state: FetchState, **more) -> UrlRow:
    row = UrlRow(URL, "saved", 200, '"old"', "Tue, 31 Dec 2024 00:00:00 GMT", sha256(BODY),
                 URL, "a.example/2024-12-31/p.html", "2024-12-31T00:00:00+00:00", None)
    row = replace(row, **more)
    state.claim(URL, URL)
    state.saved(row)
    return row


def test_a_page_not_due_is_not_asked_for_and_its_row_stays(run) -> None:
    fetcher, state, lines, _ = run
    row = _saved_before(state, next_due="2025-01-02T03:04:06+00:00")  # a second from now
    polite = Polite()
    assert fetcher(polite).handle(CAND) == "not_modified"
    assert polite.asked == [] and state.row(URL) == row
    assert lines() == [{"url": URL, "outcome": "not_modified", "status": 200,
                        "detail": "not due before 2025-01-02T03:04:06+00:00",
                        "source": "feed https://a.example/rss"}]


def test_a_page_due_this_very_second_is_asked_for(run) -> None:
    fetcher, state, _, _ = run
    _saved_before(state, next_due=NOW.isoformat())
    polite = Polite(FetchResult("not_modified", URL, URL, status=304))
    assert fetcher(polite).handle(CAND) == "not_modified"
    assert len(polite.asked) == 1


def test_a_304_keeps_the_page_and_renews_its_validators_and_due_time(run) -> None:
    fetcher, state, lines, _ = run
    row = _saved_before(state)
    polite = Polite(FetchResult("not_modified", URL, URL, status=304, etag='"new"'))
    assert fetcher(polite, revisit=60).handle(CAND) == "not_modified"
    assert polite.asked == [(URL, True, {"If-None-Match": '"old"',
                                         "If-Modified-Since": "Tue, 31 Dec 2024 00:00:00 GMT"})]
    assert state.row(URL) == replace(row, outcome="not_modified", status=304, etag='"new"',
                                     fetched_at=STAMP, next_due="2025-01-02T03:05:05+00:00")
    assert lines()[0]["detail"] == "304 Not Modified" and lines()[0]["status"] == 304


def test_an_unchanged_body_is_not_written_again(run) -> None:
    fetcher, state, lines, raw = run
    row = _saved_before(state)
    pages = fetcher(Polite(fetched(last_modified="Thu, 02 Jan 2025 00:00:00 GMT")))
    assert pages.handle(CAND) == "not_modified"
    assert pages.saved_paths == [] and not (raw / row.path).exists()  # type: ignore[operator]
    assert state.row(URL) == replace(row, outcome="not_modified", fetched_at=STAMP,
                                     last_modified="Thu, 02 Jan 2025 00:00:00 GMT")
    assert lines()[0]["detail"] == "unchanged body"


def test_a_changed_body_replaces_the_file_where_it_was_first_saved(run) -> None:
    fetcher, state, _, raw = run
    row = _saved_before(state)
    pages = fetcher(Polite(fetched(body=b"<p>changed</p>")))
    assert pages.handle(CAND) == "saved"
    assert pages.saved_paths == [row.path]
    assert (raw / row.path).read_bytes() == b"<p>changed</p>"  # type: ignore[operator]


def test_a_url_whose_page_another_url_saved_is_a_duplicate_not_asked_for(run) -> None:
    fetcher, state, lines, _ = run
    state.claim(URL, "https://a.example/other")
    polite = Polite()
    assert fetcher(polite).handle(CAND) == "duplicate_url"
    assert polite.asked == []
    assert state.row(URL) == UrlRow(URL, "duplicate_url", None, fetched_at=STAMP)
    assert lines()[0]["detail"] == "already saved from https://a.example/other"
    assert lines()[0]["source"] == "feed https://a.example/rss"


def test_a_redirect_to_a_page_another_url_saved_is_a_duplicate(run) -> None:
    fetcher, state, lines, _ = run
    state.claim("https://a.example/moved", "https://a.example/other")
    pages = fetcher(Polite(fetched(final="https://a.example/Moved", status=200)))
    assert pages.handle(CAND) == "duplicate_url"
    assert pages.saved_paths == []
    assert state.row(URL) == UrlRow(URL, "duplicate_url", 200, fetched_at=STAMP)
    line = lines()[0]
    assert line["detail"] == ("redirects to https://a.example/moved, already saved from"
                              " https://a.example/other")
    assert (line["status"], line["final_url"]) == (200, "https://a.example/Moved")


def test_a_failure_is_remembered_keeping_what_was_saved_before(run) -> None:
    fetcher, state, lines, _ = run
    row = _saved_before(state)
    failed = FetchResult("http_404", URL, "https://a.example/gone", status=404,
                         detail="Not Found")
    assert fetcher(Polite(failed)).handle(CAND) == "http_404"
    assert state.row(URL) == replace(row, outcome="http_404", status=404, fetched_at=STAMP)
    assert lines() == [{"url": URL, "outcome": "http_404", "detail": "Not Found",
                        "status": 404, "final_url": "https://a.example/gone",
                        "source": "feed https://a.example/rss"}]


def test_a_first_failure_makes_a_row_of_its_own(run) -> None:
    fetcher, state, lines, _ = run
    failed = FetchResult("timeout", URL, URL, detail="no answer in 3 s")
    assert fetcher(Polite(failed)).handle(Candidate(URL, "a.example")) == "timeout"
    assert state.row(URL) == UrlRow(URL, "timeout", None, fetched_at=STAMP)
    assert lines() == [{"url": URL, "outcome": "timeout",
                        "detail": "no answer in 3 s"}]


def _saved_elsewhere(state: FetchState) -> UrlRow:
    """URL saved before from a redirect to another page, with its validators."""
    row = UrlRow(URL, "saved", 200, '"old"', None, sha256(BODY), "https://a.example/x",
                 "a.example/2024-12-31/x.html", "2024-12-31T00:00:00+00:00", None)
    state.claim("https://a.example/x", URL)
    state.saved(row)
    return row


def test_a_duplicate_keeps_what_the_url_saved_before(run) -> None:
    fetcher, state, _, _ = run
    row = _saved_elsewhere(state)
    state.claim(URL, "https://a.example/other")  # another URL's page is at URL now
    assert fetcher(Polite()).handle(CAND) == "duplicate_url"
    assert state.row(URL) == replace(row, outcome="duplicate_url", fetched_at=STAMP)


def test_a_redirect_duplicate_keeps_what_the_url_saved_before(run) -> None:
    fetcher, state, _, _ = run
    row = _saved_elsewhere(state)
    state.claim("https://a.example/moved", "https://a.example/other")
    polite = Polite(fetched(final="https://a.example/moved", status=200))
    assert fetcher(polite).handle(CAND) == "duplicate_url"
    assert state.row(URL) == replace(row, outcome="duplicate_url", fetched_at=STAMP)
