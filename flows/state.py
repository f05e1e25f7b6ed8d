"""Remember which pages were cleaned, so a rerun only does the new and the changed.

A page is known by (source path, sha256 of its bytes, sha256 of its sidecar):
edit either file and the page is cleaned again; leave both alone and the
rerun skips it. The state lives in ``<out>/_state/state.sqlite`` beside the
output it describes, and is committed in one transaction after all of a
run's batches succeeded, so a failed run leaves it as it was.

Outcomes that say nothing about the page itself (it could not be read, it
vanished, it timed out, Winnow crashed on it) are not remembered: the next run
tries those pages again.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

STATE_DIR = "_state"
STATE_DB = "state.sqlite"
LOCK_FILE = "run.lock"
TRANSIENT_REASONS = frozenset({"unreadable", "vanished", "timeout", "error"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    source_path    TEXT NOT NULL,
    raw_sha256     TEXT NOT NULL,
    sidecar_sha256 TEXT NOT NULL DEFAULT '',
    outcome        TEXT NOT NULL CHECK (outcome IN ('record', 'reject')),
    reason         TEXT,
    record_id      TEXT,
    run_id         TEXT NOT NULL,
    processed_at   TEXT NOT NULL,
    PRIMARY KEY (source_path, raw_sha256, sidecar_sha256)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('completed', 'failed')),
    finished_at TEXT NOT NULL,
    summary     TEXT NOT NULL
);
"""

PageKey = tuple[str, str, str]  # (source_path, raw_sha256, sidecar_sha256 or "")


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What became of one page in one run; the flow commits these to the state."""

    source_path: str
    raw_sha256: str | None  # None when the file could not be read
    sidecar_sha256: str | None
    outcome: Literal["record", "reject"]
    reason: str | None = None  # the reject reason
    record_id: str | None = None
    remember: bool = True  # False: the outcome says nothing about the content; retry it

    @property
    def key(self) -> PageKey | None:
        """The state's key, or None when the page must not be skipped next time."""
        if self.raw_sha256 is None or not self.remember:
            return None
        return (self.source_path, self.raw_sha256, self.sidecar_sha256 or "")


class StateLocked(RuntimeError):
    """Another run is writing to the same output folder."""


class RunState:
    """The sqlite state of one output folder."""

    def __init__(self, out_root: str | Path) -> None:
        self.folder = Path(out_root) / STATE_DIR
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / STATE_DB
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RunState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def known_keys(self) -> set[PageKey]:
        """Every (source path, raw sha256, sidecar sha256) already cleaned."""
        rows = self._db.execute("SELECT source_path, raw_sha256, sidecar_sha256 FROM pages")
        return {(a, b, c) for a, b, c in rows}

    def outcome_of(self, source_path: str) -> list[tuple[str, str, str | None]]:
        """(raw sha256, outcome, reason) of every version of one page seen so far."""
        rows = self._db.execute(
            "SELECT raw_sha256, outcome, reason FROM pages WHERE source_path = ?"
            " ORDER BY processed_at",
            (source_path,),
        )
        return list(rows)

    def completed_runs(self) -> list[str]:
        rows = self._db.execute("SELECT run_id FROM runs WHERE status = 'completed'")
        return sorted(r[0] for r in rows)

    def commit_run(
        self, run_id: str, outcomes: Iterable[PageOutcome], summary: dict[str, object]
    ) -> int:
        """Record a completed run and its pages in one transaction; return pages remembered."""
        now = datetime.now(UTC).isoformat()
        rows = [
            (*o.key, o.outcome, o.reason, o.record_id, run_id, now)
            for o in outcomes
            if o.key is not None
        ]
        with self._db:  # one transaction: all of it or none of it
            self._db.executemany(
                "INSERT OR REPLACE INTO pages (source_path, raw_sha256, sidecar_sha256,"
                " outcome, reason, record_id, run_id, processed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._record_run(run_id, "completed", summary, now)
        return len(rows)

    def record_failed_run(self, run_id: str, summary: dict[str, object]) -> None:
        """Note a failed run for the record; its pages stay unknown, so they are redone."""
        with self._db:
            self._record_run(run_id, "failed", summary, datetime.now(UTC).isoformat())

    def _record_run(self, run_id: str, status: str, summary: dict[str, object], now: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO runs (run_id, status, finished_at, summary)"
            " VALUES (?, ?, ?, ?)",
            (run_id, status, now, json.dumps(summary, ensure_ascii=False)),
        )


@contextmanager
def exclusive_run(out_root: str | Path) -> Iterator[None]:
    """Hold the output folder's run lock, so two runs never clean the same pages at once."""
    folder = Path(out_root) / STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StateLocked(
                f"another winnow run is writing to {str(out_root)!r}; wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)
