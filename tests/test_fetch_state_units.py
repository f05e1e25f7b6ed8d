"""fetching.state one call at a time: the restart's accounting of saves under way, the
claims on final URLs, the lock file and the connection's life. The fetch-level behaviour
(conditional reruns, duplicates, a killed fetch) is in test_fetch_state.py."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from fetching.state import LOCK_FILE, STATE_DIR, FetchLocked, FetchState, UrlRow, sha256
from fetching.store import page_path, save_page, sidecar_path
from schemas.sidecar import FetchedSidecar


def _state(tmp_path: Path) -> FetchState:
    return FetchState(tmp_path / "clean", tmp_path / "raw")


def _row(tmp_path: Path, url: str, body: bytes) -> tuple[UrlRow, Path]:
    page = page_path(tmp_path / "raw", "site", "2025-01-01", url, "text/html")
    rel = page.relative_to(tmp_path / "raw").as_posix()
    return UrlRow(url, "saved", 200, None, None, sha256(body), url, rel,
                  "2025-01-01T00:00:00+00:00"), page


def _sidecar(url: str) -> FetchedSidecar:
    return FetchedSidecar(url=url, final_url=url, fetched_at="2025-01-01T00:00:00+00:00",
                          status=200)


def _journal_complete(state: FetchState, tmp_path: Path, url: str) -> UrlRow:
    """A save journalled with both of its files written: what a kill after the page's
    rename and before the state's update leaves."""
    body = f"<html><body><p>{url}</p></body></html>".encode()
    row, page = _row(tmp_path, url, body)
    state.begin_save(row)
    save_page(page, body, _sidecar(url))
    return row


def _journal_unwritten(state: FetchState, tmp_path: Path, url: str) -> UrlRow:
    """A save journalled before any of its files was written."""
    row, _ = _row(tmp_path, url, url.encode())
    state.begin_save(row)
    return row


def test_recovery_counts_every_save_it_keeps_and_every_one_it_undoes(tmp_path):
    """Two finished saves and two unwritten ones, in any order: (2 kept, 2 undone), each
    settled, and nothing left in the journal for the next restart."""
    with _state(tmp_path) as state:
        kept = [_journal_complete(state, tmp_path, f"http://example.org/k{i}") for i in (1, 2)]
        undone = [_journal_unwritten(state, tmp_path, f"http://example.org/u{i}")
                  for i in (1, 2)]
    with _state(tmp_path) as state:
        assert state.recover() == (2, 2)
        assert [state.row(r.url) for r in kept] == kept
        assert [state.row(r.url) for r in undone] == [None, None]
        assert state.recover() == (0, 0)


def test_recovery_settles_the_saves_after_a_kept_one(tmp_path):
    """A kept save does not end the pass: the unwritten save journalled after it is undone
    too (and its URL is fetched again)."""
    with _state(tmp_path) as state:
        first = _journal_complete(state, tmp_path, "http://example.org/a")
        second = _journal_unwritten(state, tmp_path, "http://example.org/b")
    with _state(tmp_path) as state:
        assert state.recover() == (1, 1)
        assert state.row(first.url) == first and state.row(second.url) is None
    with _state(tmp_path) as state:
        assert state.recover() == (0, 0)


def test_a_page_whose_bytes_are_not_the_journalled_body_is_not_a_save(tmp_path):
    """Killed between the new sidecar and the new page of a changed URL: the old page is
    still on disk. Its bytes are not the body the journal names, so the save is undone and
    the URL keeps its old row (counting it saved would make the next fetch call the new
    body unchanged and keep the old page for ever)."""
    old_body, new_body = b"<p>version one</p>", b"<p>version two</p>"
    old, page = _row(tmp_path, "http://example.org/c", old_body)
    with _state(tmp_path) as state:
        save_page(page, old_body, _sidecar(old.url))
        state.saved(old)
        state.begin_save(replace(old, content_sha256=sha256(new_body)))
    sidecar_path(page).write_text("{}")  # the new sidecar went in, the page did not
    with _state(tmp_path) as state:
        assert state.recover() == (0, 1)
        assert state.row(old.url) == old
    assert page.read_bytes() == old_body


def test_a_journalled_save_without_hash_is_kept_when_its_files_are_there(tmp_path):
    """A row with no content hash (nothing to compare) counts as saved when the page and
    its sidecar are both on disk."""
    with _state(tmp_path) as state:
        body = b"<p>no hash</p>"
        row, page = _row(tmp_path, "http://example.org/n", body)
        row = replace(row, content_sha256=None)
        state.begin_save(row)
        save_page(page, body, _sidecar(row.url))
    with _state(tmp_path) as state:
        assert state.recover() == (1, 0) and state.row(row.url) == row


def test_a_released_claim_frees_the_final_url_for_another_url(tmp_path):
    """A save that failed gives its final URL back; a claim someone else holds, or one
    whose page was saved, is not released by another URL."""
    with _state(tmp_path) as state:
        assert state.claim("http://example.org/final", "http://example.org/a") == (
            "http://example.org/a")
        assert state.claim("http://example.org/final", "http://example.org/b") == (
            "http://example.org/a")
        state.release("http://example.org/final", "http://example.org/b")  # not b's
        assert state.owner("http://example.org/final") == "http://example.org/a"
        state.release("http://example.org/final", "http://example.org/a")
        assert state.owner("http://example.org/final") is None
        assert state.claim("http://example.org/final", "http://example.org/b") == (
            "http://example.org/b")


def test_a_saved_page_keeps_its_final_url_when_released(tmp_path):
    row, page = _row(tmp_path, "http://example.org/s", b"<p>s</p>")
    with _state(tmp_path) as state:
        state.claim(row.final_url, row.url)
        state.saved(row)
        state.release(row.final_url, row.url)
        assert state.owner(row.final_url) == row.url


def test_counts_and_saved_urls_report_what_the_state_holds(tmp_path):
    """``counts``: URLs per last outcome; ``saved_urls``: (URL, page) of each URL with a
    page, including one whose later fetch failed but kept its page."""
    saved, _ = _row(tmp_path, "http://example.org/1", b"1")
    with _state(tmp_path) as state:
        state.saved(saved)
        state.record(UrlRow("http://example.org/2", "http_404", 404))
        state.record(UrlRow("http://example.org/3", "http_404", 404))
        state.record(replace(saved, url="http://example.org/4", outcome="timeout",
                             path="site/2025-01-01/four.html"))
        assert state.counts() == {"saved": 1, "http_404": 2, "timeout": 1}
        assert sorted(state.saved_urls()) == [
            ("http://example.org/1", saved.path),
            ("http://example.org/4", "site/2025-01-01/four.html")]


def test_the_lock_message_names_the_output_folder(tmp_path):
    with _state(tmp_path), pytest.raises(FetchLocked) as caught:
        _state(tmp_path).__enter__()
    assert str(tmp_path / "clean") in str(caught.value)
    assert "another winnow fetch" in str(caught.value)


def test_the_lock_file_is_readable_by_all_and_writable_by_its_owner(tmp_path):
    previous = os.umask(0o022)
    try:
        with _state(tmp_path):
            mode = (tmp_path / "clean" / STATE_DIR / LOCK_FILE).stat().st_mode & 0o777
    finally:
        os.umask(previous)
    assert mode == 0o644


def test_the_connection_exists_only_inside_the_with_block(tmp_path):
    """Outside ``with`` the state says how to use it, and a closed state lets the next
    fetch take the folder; closing twice is harmless."""
    state = _state(tmp_path)
    with pytest.raises(AssertionError, match="context manager"):
        _ = state.db
    state.__exit__(None, None, None)  # never entered: nothing to close
    with state:
        db = state.db
    with pytest.raises(AssertionError, match="context manager"):
        _ = state.db
    with pytest.raises(sqlite3.ProgrammingError):
        db.execute("SELECT 1")  # closed, not left open
    state.__exit__(None, None, None)
    with _state(tmp_path) as again:
        assert again.counts() == {}
