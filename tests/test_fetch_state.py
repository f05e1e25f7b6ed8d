"""What a fetch remembers: a rerun sends conditional requests and writes nothing for a
304 or an unchanged body; a redirect to a page already saved is a duplicate_url; a fetch
killed mid-save restarts without re-downloading and without a page lacking its sidecar."""

from __future__ import annotations

import json
import os

from helpers.fetchsite import (
    HTML,
    Clock,
    log_lines,
    no_robots,
    outcomes,
    run_fetch,
    saved_files,
    settings,
    urls_source,
)
from werkzeug import Request, Response

from fetching.state import FetchState, UrlRow, sha256
from fetching.store import page_path, save_page, sidecar_path
from flows.sidecar import parse_sidecar
from schemas.sidecar import FetchedSidecar


def _etag_handler(clock: Clock, body: str, etag: str):
    def handler(request: Request) -> Response:
        clock.note(request)
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type="text/html; charset=utf-8",
                        headers={"ETag": etag, "Last-Modified": "Mon, 01 Dec 2025 10:00:00 GMT"})

    return handler


def _snapshot(tmp_path):
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in saved_files(tmp_path)}


def test_a_rerun_is_conditional_and_writes_nothing(httpserver, tmp_path):
    no_robots(httpserver)
    clock = Clock()
    httpserver.expect_request("/e").respond_with_handler(_etag_handler(clock, HTML.format("E"),
                                                                       '"v1"'))
    httpserver.expect_request("/plain").respond_with_handler(clock.page(HTML.format("P")))
    source = urls_source(tmp_path, [httpserver.url_for("/e"), httpserver.url_for("/plain")])
    first = run_fetch(tmp_path, [source])
    assert first.counts == {"saved": 2}
    before = _snapshot(tmp_path)
    second = run_fetch(tmp_path, [source])
    assert second.counts == {"not_modified": 2} and second.saved_paths == []
    assert clock.headers["/e"][1]["If-None-Match"] == '"v1"'
    assert clock.headers["/e"][1]["If-Modified-Since"] == "Mon, 01 Dec 2025 10:00:00 GMT"
    details = {x["url"].rsplit("/", 1)[1]: x["detail"] for x in log_lines(second)}
    assert details == {"e": "304 Not Modified", "plain": "unchanged body"}
    assert _snapshot(tmp_path) == before  # not a byte, not an mtime


def test_a_changed_page_replaces_its_file(httpserver, tmp_path):
    no_robots(httpserver)
    clock = Clock()
    httpserver.expect_request("/c").respond_with_handler(clock.sequence(
        (200, {}, HTML.format("one")), (200, {}, HTML.format("two"))))
    source = urls_source(tmp_path, [httpserver.url_for("/c")])
    run_fetch(tmp_path, [source])
    second = run_fetch(tmp_path, [source])
    assert second.counts == {"saved": 1}
    page, sidecar = saved_files(tmp_path)  # still one page and its sidecar
    assert page.read_text() == HTML.format("two")


def test_a_redirect_to_a_saved_page_is_a_duplicate_url(httpserver, tmp_path):
    no_robots(httpserver)
    httpserver.expect_request("/story").respond_with_data(HTML.format("S"),
                                                          content_type="text/html")
    httpserver.expect_request("/amp/story").respond_with_data("", 301, {"Location": "/story"})
    httpserver.expect_request("/s").respond_with_data("", 302, {"Location": "/story"})
    urls = [httpserver.url_for(p) for p in ("/story", "/amp/story", "/s")]
    summary = run_fetch(tmp_path, [urls_source(tmp_path, urls)], settings(concurrency=1))
    got = outcomes(summary)
    assert sorted(got.values()) == ["duplicate_url", "duplicate_url", "saved"]
    assert len(saved_files(tmp_path)) == 2  # one page, one sidecar
    rerun = run_fetch(tmp_path, [urls_source(tmp_path, urls)])
    assert sorted(rerun.counts.items()) == [("duplicate_url", 2), ("not_modified", 1)]


def test_the_sidecar_holds_the_contract_fields(httpserver, tmp_path):
    no_robots(httpserver)
    clock = Clock()
    httpserver.expect_request("/e").respond_with_handler(_etag_handler(clock, HTML.format("E"),
                                                                       '"v9"'))
    httpserver.expect_request("/old").respond_with_data("", 301, {"Location": "/e"})
    summary = run_fetch(tmp_path, [urls_source(tmp_path, [httpserver.url_for("/old")])])
    assert summary.counts == {"saved": 1}
    page, sidecar = saved_files(tmp_path)
    meta = json.loads(sidecar.read_text())
    FetchedSidecar.model_validate(meta)
    assert meta["url"] == httpserver.url_for("/old")
    assert meta["final_url"] == httpserver.url_for("/e")
    assert meta["status"] == 200 and meta["content_type"] == "text/html"
    assert meta["encoding"] == "utf-8" and meta["etag"] == '"v9"'
    assert meta["last_modified"] == "Mon, 01 Dec 2025 10:00:00 GMT"
    assert meta["fetched_at"].endswith("+00:00")
    parsed = parse_sidecar(sidecar.read_bytes())  # as the cleaner reads it
    assert parsed.url == meta["url"] and parsed.fetched_at == meta["fetched_at"]
    # raw/<site>/<YYYY-MM-DD>/<name>.html, the name a hash of the final URL
    rel = page.relative_to(tmp_path / "raw").parts
    assert rel[0] == "site" and rel[1] == meta["fetched_at"][:10] and len(rel) == 3


def test_the_log_accounts_for_every_url(httpserver, tmp_path):
    no_robots(httpserver)
    httpserver.expect_request("/ok").respond_with_data(HTML.format("ok"),
                                                       content_type="text/html")
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    urls = [httpserver.url_for(p) for p in ("/ok", "/gone")] + ["http://x.invalid/a"]
    summary = run_fetch(tmp_path, [urls_source(tmp_path, urls)], settings(retries=0))
    assert outcomes(summary) == {urls[0]: "saved", urls[1]: "http_404",
                                 urls[2]: "dns_error"}
    assert summary.discovered == 3 and sum(summary.counts.values()) == 3
    assert "3 URLs" in summary.to_text()


def _row(tmp_path, url: str, body: bytes) -> tuple[UrlRow, object]:
    page = page_path(tmp_path / "raw", "site", "2025-01-01", url, "text/html")
    rel = page.relative_to(tmp_path / "raw").as_posix()
    row = UrlRow(url, "saved", 200, None, None, sha256(body), url, rel, "2025-01-01T00:00:00"
                 "+00:00")
    return row, page


def _sidecar(url: str) -> FetchedSidecar:
    return FetchedSidecar(url=url, final_url=url, fetched_at="2025-01-01T00:00:00+00:00",
                          status=200)


def test_recovery_keeps_a_save_whose_state_row_was_lost(tmp_path):
    """Killed after both files were written, before the state said so: the page counts as
    saved on restart, and is not fetched again (its row is back, with its path)."""
    body = HTML.format("K").encode()
    row, page = _row(tmp_path, "http://example.org/k", body)
    with FetchState(tmp_path / "clean", tmp_path / "raw") as state:
        state.begin_save(row)
        save_page(page, body, _sidecar(row.url))
    with FetchState(tmp_path / "clean", tmp_path / "raw") as state:
        assert state.recover() == (1, 0)
        assert state.row(row.url) == row and state.owner(row.url) == row.url


def test_recovery_removes_a_sidecar_without_its_page(tmp_path):
    body = HTML.format("K").encode()
    row, page = _row(tmp_path, "http://example.org/k", body)
    with FetchState(tmp_path / "clean", tmp_path / "raw") as state:
        state.begin_save(row)
    page.parent.mkdir(parents=True)
    sidecar_path(page).write_text("{}")  # killed between the sidecar and the page
    (page.parent / f".{page.name}.abc.tmp").write_bytes(body[:5])  # and mid-write
    with FetchState(tmp_path / "clean", tmp_path / "raw") as state:
        assert state.recover() == (0, 1)
        assert state.row(row.url) is None
    assert os.listdir(page.parent) == []


def test_one_fetch_at_a_time_per_output_folder(tmp_path):
    import pytest

    from fetching.state import FetchLocked

    with FetchState(tmp_path / "clean", tmp_path / "raw"), pytest.raises(FetchLocked):
        FetchState(tmp_path / "clean", tmp_path / "raw").__enter__()


def test_a_cleaning_run_mid_fetch_never_reads_a_half_written_file(tmp_path):
    """What the atomic writer has not renamed yet is not a page for flows.discover."""
    import tempfile

    from flows.discover import discover

    folder = tmp_path / "raw" / "site" / "2025-01-01"
    folder.mkdir(parents=True)
    (folder / "a.html").write_text(HTML.format("A"))
    fd, _ = tempfile.mkstemp(dir=folder, prefix=".b.html.", suffix=".tmp")  # mid-write
    os.close(fd)
    assert [p.source_path for p in discover(tmp_path / "raw").pages] == [
        "site/2025-01-01/a.html"]
