"""Remember which pages were cleaned and which part files hold them, batch by batch.

A page is known by (source path, sha256 of its bytes, sha256 of its sidecar):
edit either file and the page is cleaned again; leave both alone and the
rerun skips it. The state lives in ``<out>/_state/state.sqlite`` beside the
output it describes.

Each batch is committed on its own, in one transaction with the part files
that hold its records: a page is known exactly when its record is in a part
file the state lists. A run killed halfway keeps the batches it finished; its
part files that never reached the state are removed by the next run
(``flows.run``), and their pages are cleaned again.

**Output versions.** Every page row and part belongs to a version of the
output. One version is live (the manifest lists its parts); ``--reprocess``
builds the next one beside it, ignoring what the live one knows, and promotes
it only when every page is in it, in one transaction. A reprocess that was
killed is resumed by the next ``--reprocess`` made by the same pipeline
version, and thrown away by one made by another.

Outcomes that say nothing about the page itself (it could not be read, it
vanished, it timed out, Winnow crashed on it) are not remembered: the next run
tries those pages again.

**Skipping unread.** With each page remembered, the state keeps the stats its page
file and sidecar had when they were read (``signatures``: size, mtime, ctime and inode,
see ``flows.discover.FileStat``) and the hashes read then. A page whose files show the
same stats at the next discovery, and whose hashes the version holds, is skipped without
being opened, as rsync and git do. Any other page is read, hashed and, if its content
turns out known, reported unchanged and its new stats remembered. A stat is only
remembered when the file had not changed for ``SETTLE_NS`` before it was read: a file
rewritten within one timestamp tick, same size, would keep its stat, so such a page is
decided by its hash again next time. Signatures are facts about files, not about an
output version: a ``--reprocess`` reads every page all the same, because the version it
builds holds none of their contents yet.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from flows.writer import KINDS, PartInfo, describe_part

STATE_DIR = "_state"
STATE_DB = "state.sqlite"
LOCK_FILE = "run.lock"
TRANSIENT_REASONS = frozenset({"unreadable", "vanished", "timeout", "error"})
# PRAGMA user_version; 0 is the first layout (one commit per run), 2 the per-batch one,
# 3 adds the signatures table, 4 the totals table (both made by _create_schema; a
# version's totals are counted once from its pages the first time they are asked for)
DB_LAYOUT = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    version        INTEGER NOT NULL,
    source_path    TEXT NOT NULL,
    raw_sha256     TEXT NOT NULL,
    sidecar_sha256 TEXT NOT NULL DEFAULT '',
    outcome        TEXT NOT NULL CHECK (outcome IN ('record', 'reject')),
    reason         TEXT,
    record_id      TEXT,
    run_id         TEXT NOT NULL,
    processed_at   TEXT NOT NULL,
    PRIMARY KEY (version, source_path, raw_sha256, sidecar_sha256)
);
CREATE TABLE IF NOT EXISTS parts (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    version        INTEGER NOT NULL,
    path           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    run_id         TEXT NOT NULL,
    records        INTEGER NOT NULL,
    bytes          INTEGER NOT NULL,
    schema_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    version          INTEGER PRIMARY KEY,
    status           TEXT NOT NULL CHECK (status IN ('live', 'building')),
    pipeline_version TEXT NOT NULL,
    started_at       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS signatures (
    source_path    TEXT PRIMARY KEY,
    raw_sig        TEXT NOT NULL,
    sidecar_sig    TEXT NOT NULL DEFAULT '',
    raw_sha256     TEXT NOT NULL,
    sidecar_sha256 TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS totals (
    version  INTEGER PRIMARY KEY,
    articles INTEGER NOT NULL,
    rejects  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    finished_at TEXT NOT NULL,
    summary     TEXT NOT NULL
);
"""



def _create_schema(db: sqlite3.Connection) -> None:
    """Create the tables statement by statement: ``executescript`` would commit the open
    transaction first, and a migration must be seen whole or not at all."""
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)


PageKey = tuple[str, str, str]  # (source_path, raw_sha256, sidecar_sha256 or "")
Signature = tuple[str, str]  # (page file's stat, sidecar's or "": FileStat.signature)


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What became of one page in one run; the flow commits these to the state."""

    source_path: str
    raw_sha256: str | None  # None when the file could not be read
    sidecar_sha256: str | None
    # "unchanged": read, and found to be a content the state has; nothing written
    outcome: Literal["record", "reject", "unchanged"]
    reason: str | None = None  # the reject reason
    record_id: str | None = None
    remember: bool = True  # False: the outcome says nothing about the content; retry it
    signature: Signature | None = None  # the stats it was read with, if they were settled

    @property
    def key(self) -> PageKey | None:
        """The state's key, or None when the page must not be skipped next time."""
        if self.raw_sha256 is None or not self.remember:
            return None
        return (self.source_path, self.raw_sha256, self.sidecar_sha256 or "")


@dataclass(frozen=True, slots=True)
class PartRow:
    """A part file the state lists: committed with its pages, in commit order (``seq``)."""

    seq: int
    version: int
    path: str  # relative to the output root, POSIX
    kind: str
    run_id: str
    records: int
    bytes: int
    schema_version: str


class StateLocked(RuntimeError):
    """Another run is writing to the same output folder."""


def _now() -> str:
    return datetime.now(UTC).isoformat()


DB_TIMEOUT = 30.0  # seconds a state database waits for another process's lock


def state_folder(out_root: str | Path) -> Path:
    """``<out>/_state``, created if missing: where every store of a run keeps its files."""
    folder = Path(out_root) / STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def connect_state_db(out_root: str | Path, name: str, *, wal: bool = True
                     ) -> sqlite3.Connection:
    """One sqlite database of ``<out>/_state``, opened as every store opens it: waiting up
    to 30 s for a lock (a scheduled run and a backfill may touch it in turn) and, with
    ``wal``, in WAL mode (a commit per batch: cheap and durable)."""
    db = sqlite3.connect(state_folder(out_root) / name, timeout=DB_TIMEOUT)
    if wal:
        # Turning a new file to WAL while another process does the same answers "locked"
        # at once, without sqlite's busy wait: wait here instead, as long as a lock would.
        deadline = time.monotonic() + DB_TIMEOUT
        while True:
            try:
                db.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    db.close()
                    raise
                time.sleep(0.01)
    return db


class RunState:
    """The sqlite state of one output folder."""

    def __init__(self, out_root: str | Path) -> None:
        self.out_root = Path(out_root)
        self.folder = state_folder(self.out_root)
        self.path = self.folder / STATE_DB
        self._db = connect_state_db(self.out_root, STATE_DB)
        self._db.execute("PRAGMA synchronous=FULL")
        # The layout is read and made in one write transaction: a process opening a fresh
        # state while another creates it (a run starting, a reader of the state) must not
        # read "no layout yet" and then "tables exist", and migrate the new tables as a
        # first-layout state, renaming `runs` away under the other's feet.
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            layout = self._db.execute("PRAGMA user_version").fetchone()[0]
            has_pages = self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='pages'"
            ).fetchone()
            if has_pages and layout < 2:
                self._migrate_from_first_layout()
            else:
                _create_schema(self._db)
            if layout < DB_LAYOUT:  # a Winnow before the totals wrote to it: count again
                self._db.execute("DELETE FROM totals")
            self._db.execute(f"PRAGMA user_version = {DB_LAYOUT}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RunState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- versions -------------------------------------------------------------------

    def live_version(self) -> int:
        """The version the manifest lists; version 1 is made live on first use."""
        live = "SELECT version FROM versions WHERE status = 'live'"
        row = self._db.execute(live).fetchone()
        if row:
            return int(row[0])
        # asked again inside a write transaction: another process (a run, a reader of its
        # state) may have made version 1 live since, and a second insert would fail
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            row = self._db.execute(live).fetchone()
            if row:
                return int(row[0])
            self._db.execute(
                "INSERT INTO versions (version, status, pipeline_version, started_at)"
                " VALUES (1, 'live', '', ?)",
                (_now(),),
            )
        return 1

    def building_version(self) -> tuple[int, str] | None:
        """The unfinished reprocess, if any: (version, pipeline version that started it)."""
        row = self._db.execute(
            "SELECT version, pipeline_version FROM versions WHERE status = 'building'"
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def start_version(self, pipeline_version: str) -> int:
        """A new version to reprocess into; any other unfinished one is thrown away."""
        self.live_version()
        with self._db:
            (top,) = self._db.execute("SELECT MAX(version) FROM versions").fetchone()
            version = int(top) + 1  # never reused: a discarded number is never seen again
            for (old,) in self._db.execute(
                "SELECT version FROM versions WHERE status = 'building'"
            ).fetchall():
                self._forget_version(old)
            self._db.execute(
                "INSERT INTO versions (version, status, pipeline_version, started_at)"
                " VALUES (?, 'building', ?, ?)",
                (version, pipeline_version, _now()),
            )
        return version

    def promote(self, version: int) -> None:
        """Make a finished reprocess the live version and forget the old one, in one step.
        The old version's part files are then unlisted; ``flows.run`` removes them."""
        with self._db:
            for (old,) in self._db.execute(
                "SELECT version FROM versions WHERE status = 'live'"
            ).fetchall():
                self._forget_version(old)
            self._db.execute("UPDATE versions SET status = 'live' WHERE version = ?", (version,))

    def _forget_version(self, version: int) -> None:
        for table in ("pages", "parts", "versions", "totals"):
            self._db.execute(f"DELETE FROM {table} WHERE version = ?", (version,))

    # --- pages ----------------------------------------------------------------------

    def known_keys(self, version: int | None = None) -> set[PageKey]:
        """Every (source path, raw sha256, sidecar sha256) already cleaned into ``version``
        (default: the live one)."""
        version = self.live_version() if version is None else version
        rows = self._db.execute(
            "SELECT source_path, raw_sha256, sidecar_sha256 FROM pages WHERE version = ?",
            (version,),
        )
        return {(a, b, c) for a, b, c in rows}

    def settled_pages(self, version: int) -> dict[str, Signature]:
        """Per source path, the stats its page and sidecar had when last read, for every
        page whose content read then ``version`` holds: while its files keep those stats,
        the page is skipped unread."""
        rows = self._db.execute(
            "SELECT s.source_path, s.raw_sig, s.sidecar_sig FROM signatures s JOIN pages p"
            " ON p.version = ? AND p.source_path = s.source_path"
            " AND p.raw_sha256 = s.raw_sha256 AND p.sidecar_sha256 = s.sidecar_sha256",
            (version,),
        )
        return {path: (raw, sidecar) for path, raw, sidecar in rows}

    def known_contents(self, version: int, source_paths: Iterable[str]
                       ) -> dict[str, frozenset[tuple[str, str]]]:
        """(raw sha256, sidecar sha256 or "") of the content of these pages ``version``
        cleaned last: the pages a run reads, so the memory is theirs, not the archive's.

        Only the last one: a page edited from A to B and back to A must be cleaned again,
        or the output's newest record for it would stay B's. ``INSERT OR REPLACE`` gives
        a re-cleaned content a new rowid, so the highest rowid is the last cleaned."""
        out = {}
        for path in source_paths:
            rows = self._db.execute(
                "SELECT raw_sha256, sidecar_sha256 FROM pages WHERE version = ?"
                " AND source_path = ? ORDER BY rowid DESC LIMIT 1", (version, path)).fetchall()
            if rows:
                out[path] = frozenset((a, b) for a, b in rows)
        return out

    def outcome_of(self, source_path: str) -> list[tuple[str, str, str | None]]:
        """(raw sha256, outcome, reason) of every version of one page in the live output."""
        rows = self._db.execute(
            "SELECT raw_sha256, outcome, reason FROM pages WHERE source_path = ?"
            " AND version = ? ORDER BY processed_at",
            (source_path, self.live_version()),
        )
        return list(rows)

    def commit_batch(
        self,
        version: int,
        run_id: str,
        outcomes: Iterable[PageOutcome],
        parts: Iterable[PartInfo],
    ) -> int:
        """Record one batch's pages and the part files holding their records, in one
        transaction: after a crash the state has both or neither. Return pages remembered.
        The stats each page was read with are remembered in the same transaction (or,
        unsettled or not remembered, forgotten), so a page is skipped unread only for a
        content the state holds. An ``unchanged`` page only updates its stats."""
        now = _now()
        outcomes = list(outcomes)
        rows = [
            (version, *o.key, o.outcome, o.reason, o.record_id, run_id, now)
            for o in outcomes
            if o.key is not None and o.outcome != "unchanged"
        ]
        signed = [(o.source_path, *o.signature, o.key[1], o.key[2]) for o in outcomes
                  if o.key is not None and o.signature is not None]
        unsigned = [(o.source_path,) for o in outcomes if o.key is None or o.signature is None]
        with self._db:  # one transaction: all of it or none of it
            self._count_current(version, rows)
            self._db.executemany(
                "INSERT OR REPLACE INTO signatures (source_path, raw_sig, sidecar_sig,"
                " raw_sha256, sidecar_sha256) VALUES (?, ?, ?, ?, ?)", signed)
            self._db.executemany("DELETE FROM signatures WHERE source_path = ?", unsigned)
            self._db.executemany(
                "INSERT OR REPLACE INTO pages (version, source_path, raw_sha256,"
                " sidecar_sha256, outcome, reason, record_id, run_id, processed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO parts (version, path, kind, run_id, records, bytes,"
                " schema_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (version, p.path, p.kind, p.run_id, p.records, p.bytes, p.schema_version)
                    for p in parts
                ],
            )
        return len(rows)

    # --- parts ----------------------------------------------------------------------

    def parts(self, version: int | None = None) -> list[PartRow]:
        """The part files of ``version`` (default: the live one), in commit order."""
        version = self.live_version() if version is None else version
        rows = self._db.execute(
            "SELECT seq, version, path, kind, run_id, records, bytes, schema_version"
            " FROM parts WHERE version = ? ORDER BY seq",
            (version,),
        )
        return [PartRow(*row) for row in rows]

    def current_totals(self, version: int) -> dict[str, int]:
        """Per part kind, how many pages' current records (each page's last cleaned
        content) are of that kind: what the manifest's totals promise a consumer who
        keeps the last record per page. A page cleaned twice has two records in the
        parts, and counts once.

        Kept as counts that ``commit_batch`` moves page by page (``totals``), because the
        manifest asks for them every few seconds of a run: counting them from the pages
        each time costs a lookup per page of the archive, so a run's time per page would
        grow with the archive. A version without counts yet (a state written before they
        were kept) is counted from its pages once."""
        with self._db:
            articles, rejects = self._totals_row(version)
        return {"articles": articles, "rejects": rejects}

    def recount_totals(self, version: int) -> dict[str, int]:
        """``current_totals`` counted from the pages themselves (a scan of the version)."""
        rows = self._db.execute(
            "SELECT outcome, COUNT(*) FROM pages p WHERE version = ? AND rowid ="
            " (SELECT MAX(rowid) FROM pages q WHERE q.version = p.version"
            " AND q.source_path = p.source_path) GROUP BY outcome", (version,))
        counts = dict(rows.fetchall())
        return {"articles": counts.get("record", 0), "rejects": counts.get("reject", 0)}

    def _totals_row(self, version: int) -> tuple[int, int]:
        """The version's (articles, rejects), counted and stored first if missing. Call
        inside a transaction."""
        row = self._db.execute("SELECT articles, rejects FROM totals WHERE version = ?",
                               (version,)).fetchone()
        if row is not None:
            return int(row[0]), int(row[1])
        counted = self.recount_totals(version)
        self._db.execute("INSERT INTO totals (version, articles, rejects) VALUES (?, ?, ?)",
                         (version, counted["articles"], counted["rejects"]))
        return counted["articles"], counted["rejects"]

    def _count_current(self, version: int, rows: list[tuple]) -> None:
        """Move the version's totals for the page rows about to be inserted: each page's
        current outcome becomes the new row's (the last inserted is the current one).
        One indexed lookup per page of the batch, inside its transaction."""
        articles, rejects = self._totals_row(version)
        current: dict[str, str | None] = {}
        for row in rows:
            path, outcome = row[1], row[4]
            if path not in current:
                found = self._db.execute(
                    "SELECT outcome FROM pages WHERE version = ? AND source_path = ?"
                    " ORDER BY rowid DESC LIMIT 1", (version, path)).fetchone()
                current[path] = found[0] if found else None
            before = current[path]
            articles += (outcome == "record") - (before == "record")
            rejects += (outcome == "reject") - (before == "reject")
            current[path] = outcome
        self._db.execute("UPDATE totals SET articles = ?, rejects = ? WHERE version = ?",
                         (articles, rejects, version))

    def listed_paths(self) -> set[str]:
        """Every part file any version holds (live or being built): never to be removed."""
        return {r[0] for r in self._db.execute("SELECT path FROM parts")}

    # --- runs -----------------------------------------------------------------------

    def start_run(self, run_id: str, summary: dict[str, object]) -> None:
        """Note a run before it writes anything: part files of a run the state never
        heard of are not Winnow's to remove."""
        with self._db:
            self._record_run(run_id, "running", summary, _now())

    def finish_run(self, run_id: str, status: str, summary: dict[str, object]) -> None:
        with self._db:
            self._record_run(run_id, status, summary, _now())

    def record_failed_run(self, run_id: str, summary: dict[str, object]) -> None:
        """Note a failed run for the record; its uncommitted pages stay unknown."""
        self.finish_run(run_id, "failed", summary)

    def run_ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT run_id FROM runs")}

    def interrupted_runs(self) -> list[str]:
        """Runs that started and never finished: killed, or their machine went down."""
        rows = self._db.execute("SELECT run_id FROM runs WHERE status = 'running'")
        return sorted(r[0] for r in rows)

    def completed_runs(self) -> list[str]:
        rows = self._db.execute("SELECT run_id FROM runs WHERE status = 'completed'")
        return sorted(r[0] for r in rows)

    def _record_run(self, run_id: str, status: str, summary: dict[str, object], now: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO runs (run_id, status, finished_at, summary)"
            " VALUES (?, ?, ?, ?)",
            (run_id, status, now, json.dumps(summary, ensure_ascii=False)),
        )

    # --- the first layout -----------------------------------------------------------

    def _migrate_from_first_layout(self) -> None:
        """A state written before per-batch commits: its pages become version 1, and the
        part files of its completed runs (the ones its manifest listed) are adopted. Run
        inside ``__init__``'s transaction, so a half-migrated state is never seen."""
        self._db.execute("ALTER TABLE pages RENAME TO pages_v0")
        self._db.execute("ALTER TABLE runs RENAME TO runs_v0")
        _create_schema(self._db)
        self._db.execute(
            "INSERT INTO pages SELECT 1, source_path, raw_sha256, sidecar_sha256, outcome,"
            " reason, record_id, run_id, processed_at FROM pages_v0"
        )
        self._db.execute("INSERT INTO runs SELECT * FROM runs_v0")
        self._db.execute("DROP TABLE pages_v0")
        self._db.execute("DROP TABLE runs_v0")
        self._db.execute(
            "INSERT INTO versions (version, status, pipeline_version, started_at)"
            " VALUES (1, 'live', '', ?)",
            (_now(),),
        )
        completed = self._db.execute(
            "SELECT run_id FROM runs WHERE status = 'completed' ORDER BY run_id"
        ).fetchall()
        for (run_id,) in completed:
            for kind in KINDS:
                folder = self.out_root / kind / run_id
                for path in sorted(folder.glob("part-*.jsonl")) if folder.is_dir() else []:
                    p = describe_part(self.out_root, path, kind, run_id)
                    self._db.execute(
                        "INSERT OR IGNORE INTO parts (version, path, kind, run_id, records,"
                        " bytes, schema_version) VALUES (1, ?, ?, ?, ?, ?, ?)",
                        (p.path, p.kind, p.run_id, p.records, p.bytes, p.schema_version),
                    )


@contextmanager
def exclusive_run(
    out_root: str | Path,
    *,
    wait: bool = False,
    on_wait: Callable[[], None] | None = None,
    poll: float = 0.2,
) -> Iterator[None]:
    """Hold the output folder's run lock, so two runs never clean the same pages at once.

    Without ``wait`` a second run fails at once with ``StateLocked``; with it, it
    waits (polling, so Ctrl-C still works) and ``on_wait`` is called once. The
    lock is an ``flock``: the kernel releases it when its process dies, even by
    ``kill -9``, so a crash never leaves a stale lock behind.
    """
    fd = os.open(state_folder(out_root) / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    raise StateLocked(
                        f"another winnow run is writing to {str(out_root)!r}; wait for it to"
                        " finish, or pass --wait to queue behind it"
                    ) from None
                if not told and on_wait is not None:
                    on_wait()
                told = True
                time.sleep(poll)
        yield
    finally:
        os.close(fd)
