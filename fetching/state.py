"""What the fetch remembers between runs: ``<out>/_state/fetch.sqlite``.

- ``urls``: per requested URL (normalised), its last outcome and HTTP status, the
  validators for a conditional request (ETag, Last-Modified), the sha256 of the body
  saved, when it was last fetched, when it is next due, and where its page is;
- ``finals``: per final URL (after redirects), the URL that saved it and its page: a
  second URL whose chain ends there is a ``duplicate_url``, not a second copy;
- ``pending``: the journal of saves under way. A save is recorded here (with the row it
  will become) before its sidecar and page are written, and moved to ``urls`` after.
  On start, ``recover`` settles each: both files there with the body's hash -> saved (a
  page whose state row was lost to a kill counts as saved, never fetched again); a
  sidecar alone -> removed, the URL fetched again. Only pending saves are looked at, so
  a restart costs nothing for an archive of any size.

One fetch at a time per output folder (``fetch.lock``); the connection is shared by the
worker threads under a lock, and each change is its own transaction.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from fetching.store import remove_leftovers, sidecar_path

STATE_DIR = "_state"  # beside the cleaning state (flows.state uses the same folder)
FETCH_DB = "fetch.sqlite"
LOCK_FILE = "fetch.lock"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url            TEXT PRIMARY KEY,
    outcome        TEXT NOT NULL,
    status         INTEGER,
    etag           TEXT,
    last_modified  TEXT,
    content_sha256 TEXT,
    final_url      TEXT,
    path           TEXT,           -- the page, relative to the raw root (POSIX)
    fetched_at     TEXT,
    next_due       TEXT
);
CREATE TABLE IF NOT EXISTS finals (
    final_url TEXT PRIMARY KEY,
    url       TEXT NOT NULL,
    path      TEXT
);
CREATE TABLE IF NOT EXISTS pending (
    url  TEXT PRIMARY KEY,
    row  TEXT NOT NULL              -- the UrlRow it becomes, as JSON
);
"""


class FetchLocked(RuntimeError):
    """Another ``winnow fetch`` is writing to this output folder."""


@dataclass(frozen=True, slots=True)
class UrlRow:
    url: str
    outcome: str
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_sha256: str | None = None
    final_url: str | None = None
    path: str | None = None
    fetched_at: str | None = None
    next_due: str | None = None

    def conditional(self) -> dict[str, str]:
        """The headers of a conditional request, when a page was saved with validators."""
        if not self.path:
            return {}
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FetchState:
    """The fetch state of one output folder, as a context manager holding its lock."""

    def __init__(self, out_root: str | Path, raw_root: str | Path) -> None:
        self.folder = Path(out_root) / STATE_DIR
        self.raw_root = Path(raw_root)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._lock_fd: int | None = None

    def __enter__(self) -> FetchState:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise FetchLocked(f"another winnow fetch is writing to {self.folder.parent}"
                              ) from None
        self._lock_fd = fd
        self._db = sqlite3.connect(self.folder / FETCH_DB, check_same_thread=False,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    @property
    def db(self) -> sqlite3.Connection:
        assert self._db is not None, "use FetchState as a context manager"
        return self._db

    def row(self, url: str) -> UrlRow | None:
        with self._lock:
            found = self.db.execute(f"SELECT {_COLUMNS} FROM urls WHERE url = ?",
                                    (url,)).fetchone()
        return UrlRow(*found) if found else None

    def owner(self, final_url: str) -> str | None:
        """The URL whose saved page is ``final_url``'s, if any."""
        with self._lock:
            found = self.db.execute("SELECT url FROM finals WHERE final_url = ?",
                                    (final_url,)).fetchone()
        return found[0] if found else None

    def claim(self, final_url: str, url: str) -> str:
        """Take ``final_url`` for ``url`` unless another URL has it; return its owner. Two
        workers whose chains end at the same page race here, and one of them wins."""
        with self._lock:
            self.db.execute("INSERT OR IGNORE INTO finals (final_url, url) VALUES (?, ?)",
                            (final_url, url))
            return self.db.execute("SELECT url FROM finals WHERE final_url = ?",
                                   (final_url,)).fetchone()[0]

    def release(self, final_url: str, url: str) -> None:
        """Give back a claim whose page was not saved (its save failed)."""
        with self._lock:
            self.db.execute("DELETE FROM finals WHERE final_url = ? AND url = ? AND path IS"
                            " NULL", (final_url, url))

    def begin_save(self, row: UrlRow) -> None:
        """Journal a save before its files are written (see the module's docstring)."""
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO pending (url, row) VALUES (?, ?)",
                            (row.url, json.dumps(asdict(row))))

    def saved(self, row: UrlRow) -> None:
        """The page and its sidecar are on disk: remember them, in one transaction."""
        with self._lock, self.db:
            self.db.execute("BEGIN")
            self._put(row)
            if row.final_url:
                self.db.execute("INSERT OR REPLACE INTO finals (final_url, url, path)"
                                " VALUES (?, ?, ?)", (row.final_url, row.url, row.path))
            self.db.execute("DELETE FROM pending WHERE url = ?", (row.url,))

    def record(self, row: UrlRow) -> None:
        """Any outcome but a save: the URL's last outcome, keeping what it had saved."""
        with self._lock:
            self._put(row)

    def _put(self, row: UrlRow) -> None:
        marks = ", ".join("?" for _ in _FIELDS)
        self.db.execute(f"INSERT OR REPLACE INTO urls ({_COLUMNS}) VALUES ({marks})",
                        tuple(getattr(row, f) for f in _FIELDS))

    def recover(self) -> tuple[int, int]:
        """Settle the saves a killed fetch left under way; return (saved, undone)."""
        with self._lock:
            pending = [UrlRow(**json.loads(r)) for (r,) in
                       self.db.execute("SELECT row FROM pending").fetchall()]
        kept = undone = 0
        for row in pending:
            page = self.raw_root / (row.path or "")
            if row.path and _holds(page, row.content_sha256) and sidecar_path(page).is_file():
                self.saved(row)
                kept += 1
                continue
            if row.path:
                remove_leftovers(page)
            with self._lock:
                self.db.execute("DELETE FROM pending WHERE url = ?", (row.url,))
            undone += 1
        return kept, undone

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self.db.execute("SELECT outcome, count(*) FROM urls GROUP BY outcome"))

    def saved_urls(self) -> Iterator[tuple[str, str]]:
        with self._lock:
            rows = self.db.execute("SELECT url, path FROM urls WHERE path IS NOT NULL"
                                   ).fetchall()
        yield from rows


_FIELDS = tuple(UrlRow.__dataclass_fields__)
_COLUMNS = ", ".join(_FIELDS)


def _holds(page: Path, content_sha256: str | None) -> bool:
    try:
        data = page.read_bytes()
    except OSError:
        return False
    return content_sha256 is None or sha256(data) == content_sha256
