"""The run state: what a rerun may skip, what it must do again, and which part files hold
what it knows."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest

from flows.state import PageOutcome, RunState, StateLocked, exclusive_run
from flows.writer import PartInfo, write_part
from schemas.models import SCHEMA_VERSION

A, B = "a" * 64, "b" * 64


def part(path: str, records: int = 1) -> PartInfo:
    kind, run_id, _ = path.split("/")
    return PartInfo(path, kind, run_id, records, 10 * records, SCHEMA_VERSION)  # type: ignore[arg-type]


def test_committed_pages_are_known_to_the_next_run(tmp_path):
    with RunState(tmp_path) as state:
        v = state.live_version()
        state.commit_batch(
            v,
            "run1",
            [
                PageOutcome("x.html", A, None, "record", record_id="c1"),
                PageOutcome("y.html", B, "s" * 64, "reject", reason="no_article"),
            ],
            [part("articles/run1/part-00000.jsonl"), part("rejects/run1/part-00000.jsonl")],
        )
    with RunState(tmp_path) as state:  # a new process would open it like this
        assert state.known_keys() == {("x.html", A, ""), ("y.html", B, "s" * 64)}
        assert state.outcome_of("y.html") == [(B, "reject", "no_article")]
        assert [p.path for p in state.parts()] == [
            "articles/run1/part-00000.jsonl", "rejects/run1/part-00000.jsonl"
        ]
    assert (tmp_path / "_state" / "state.sqlite").is_file()


def test_a_changed_page_or_sidecar_is_not_known(tmp_path):
    with RunState(tmp_path) as state:
        state.commit_batch(1, "run1", [PageOutcome("x.html", A, "s" * 64, "record")], [])
        known = state.known_keys()
    assert ("x.html", B, "s" * 64) not in known  # the page changed
    assert ("x.html", A, "t" * 64) not in known  # its sidecar changed
    assert ("x.html", A, "") not in known  # its sidecar was removed


@pytest.mark.parametrize("reason", ["unreadable", "vanished", "timeout", "error"])
def test_transient_outcomes_are_not_remembered(tmp_path, reason):
    outcome = PageOutcome("x.html", A, None, "reject", reason=reason, remember=False)
    with RunState(tmp_path) as state:
        assert state.commit_batch(1, "run1", [outcome], []) == 0
        assert state.known_keys() == set()


def test_a_page_that_could_not_be_read_is_not_remembered(tmp_path):
    with RunState(tmp_path) as state:
        state.commit_batch(1, "r", [PageOutcome("x.html", None, None, "reject", "unreadable")], [])
        assert state.known_keys() == set()


def test_a_reprocess_version_is_invisible_until_promoted_then_replaces_the_live_one(tmp_path):
    with RunState(tmp_path) as state:
        state.commit_batch(1, "run1", [PageOutcome("x.html", A, None, "record")],
                           [part("articles/run1/part-00000.jsonl")])
        v2 = state.start_version("1.0")
        assert v2 == 2 and state.building_version() == (2, "1.0")
        assert state.known_keys(v2) == set()  # the new version knows nothing yet
        state.commit_batch(v2, "run2", [PageOutcome("x.html", A, None, "record")],
                           [part("articles/run2/part-00000.jsonl")])
        assert state.live_version() == 1
        assert [p.path for p in state.parts()] == ["articles/run1/part-00000.jsonl"]
        assert state.listed_paths() == {"articles/run1/part-00000.jsonl",
                                        "articles/run2/part-00000.jsonl"}
        state.promote(v2)
        assert state.live_version() == 2 and state.building_version() is None
        assert [p.path for p in state.parts()] == ["articles/run2/part-00000.jsonl"]
        assert state.listed_paths() == {"articles/run2/part-00000.jsonl"}
        # a new reprocess throws away an unfinished one
        v3 = state.start_version("1.0")
        state.commit_batch(v3, "run3", [], [part("articles/run3/part-00000.jsonl")])
        v4 = state.start_version("2.0")
        assert v4 == 4 and state.parts(v3) == [] and state.building_version() == (4, "2.0")


def test_runs_are_noted_when_they_start_so_an_interrupted_one_shows(tmp_path):
    with RunState(tmp_path) as state:
        state.start_run("run1", {})
        state.start_run("run2", {})
        state.finish_run("run2", "completed", {})
        state.start_run("run3", {})
        state.record_failed_run("run3", {"status": "failed"})
        assert state.interrupted_runs() == ["run1"]
        assert state.completed_runs() == ["run2"]
        assert state.run_ids() == {"run1", "run2", "run3"}


FIRST_LAYOUT = """
CREATE TABLE pages (source_path TEXT NOT NULL, raw_sha256 TEXT NOT NULL,
    sidecar_sha256 TEXT NOT NULL DEFAULT '', outcome TEXT NOT NULL CHECK (outcome IN
    ('record', 'reject')), reason TEXT, record_id TEXT, run_id TEXT NOT NULL,
    processed_at TEXT NOT NULL, PRIMARY KEY (source_path, raw_sha256, sidecar_sha256));
CREATE TABLE runs (run_id TEXT PRIMARY KEY, status TEXT NOT NULL CHECK (status IN
    ('completed', 'failed')), finished_at TEXT NOT NULL, summary TEXT NOT NULL);
"""


def test_a_state_of_the_first_layout_is_migrated_and_its_completed_parts_adopted(tmp_path):
    from datetime import UTC, datetime

    from schemas.models import RejectRecord

    def reject(name):
        return RejectRecord(source_path=name, raw_sha256=A, reason="empty", detail="x",
                            processed_at=datetime(2025, 1, 1, tzinfo=UTC), pipeline_version="t")

    write_part(tmp_path, "rejects", "old1", 0, [reject("a"), reject("b")])
    write_part(tmp_path, "rejects", "crashed", 0, [reject("c")])
    (tmp_path / "_state").mkdir()
    db = sqlite3.connect(tmp_path / "_state" / "state.sqlite")
    db.executescript(FIRST_LAYOUT)
    db.execute("INSERT INTO pages VALUES ('a', ?, '', 'reject', 'empty', NULL, 'old1', 't')", (A,))
    db.execute("INSERT INTO runs VALUES ('old1', 'completed', 't', ?)", (json.dumps({}),))
    db.commit()
    db.close()
    with RunState(tmp_path) as state:
        assert state.known_keys() == {("a", A, "")}
        [adopted] = state.parts()
        assert (adopted.path, adopted.records) == ("rejects/old1/part-00000.jsonl", 2)
        assert state.completed_runs() == ["old1"]
    with RunState(tmp_path) as state:  # opened again: nothing migrates twice
        assert len(state.parts()) == 1


def test_two_runs_cannot_hold_the_same_output_folder(tmp_path):
    with exclusive_run(tmp_path), pytest.raises(StateLocked, match="--wait"), exclusive_run(
        tmp_path
    ):
        pass
    with exclusive_run(tmp_path):  # released when the first run ended
        pass


def test_with_wait_a_second_run_queues_until_the_first_lets_go(tmp_path):
    events = []
    release = threading.Event()

    def first():
        with exclusive_run(tmp_path):
            events.append("first holds")
            release.wait(5)
            events.append("first lets go")

    holder = threading.Thread(target=first)
    holder.start()
    while not events:
        time.sleep(0.01)
    threading.Timer(0.3, release.set).start()
    with exclusive_run(tmp_path, wait=True, on_wait=lambda: events.append("waiting"), poll=0.02):
        events.append("second holds")
    holder.join()
    assert events == ["first holds", "waiting", "first lets go", "second holds"]


# Each opener waits for the same wall-clock moment, then opens the state and uses it.
_OPEN_AT = """
import sys, time
sys.path.insert(0, sys.argv[3])
from flows.state import RunState
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
with RunState(sys.argv[1]) as state:
    state.start_run("r", {})
    state.interrupted_runs()
"""


def test_processes_opening_a_fresh_state_at_once_all_see_one_layout(tmp_path):
    """Processes that open the same new state together (a run starting, a reader of the
    state) must not take the tables one of them just made for a first-layout state and
    migrate them away under the others ("no such table: runs", seen in the crash test),
    nor fail turning the new file to WAL ("database is locked")."""
    import subprocess
    import sys
    from pathlib import Path

    repo = str(Path(__file__).resolve().parents[1])
    for i in range(5):
        at = time.time() + 1.0  # after the interpreters have started
        procs = [subprocess.Popen([sys.executable, "-c", _OPEN_AT, str(tmp_path / str(i)),
                                   str(at), repo], stderr=subprocess.PIPE, text=True)
                 for _ in range(3)]
        errors = [p.communicate(timeout=60)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], "\n".join(errors)[-3000:]


class _RacedConnection:
    """A state connection that lets another process make version 1 live right after it
    read that no version is live: the moment a run and a reader of its state race."""

    def __init__(self, db: sqlite3.Connection, other: RunState) -> None:
        self.db, self.other, self.raced = db, other, False

    def execute(self, sql: str, *args: object):
        cursor = self.db.execute(sql, *args)
        if not self.raced and "status = 'live'" in sql:
            self.raced = True
            row = cursor.fetchone()
            assert row is None  # nothing live yet: the race is on
            self.other.live_version()
            return _Rows(row)
        return cursor

    def __enter__(self):
        return self.db.__enter__()

    def __exit__(self, *exc: object):
        return self.db.__exit__(*exc)

    def close(self) -> None:
        self.db.close()


class _Rows:
    def __init__(self, row: object) -> None:
        self.row = row

    def fetchone(self) -> object:
        return self.row


def test_two_processes_making_the_first_version_live_at_once_agree_on_it(tmp_path):
    with RunState(tmp_path) as mine, RunState(tmp_path) as theirs:
        mine._db = _RacedConnection(mine._db, theirs)  # type: ignore[assignment]
        assert mine.live_version() == 1
        assert mine._db.raced
        assert theirs.live_version() == 1
        count = theirs._db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        assert count == 1


def test_a_page_is_skipped_by_its_stats_only_for_a_content_the_version_holds(tmp_path):
    """The stats a page was read with are kept with the batch that remembers it; a page
    whose outcome is not remembered has its stats forgotten; an unchanged page only
    renews its stats; a version that holds none of a page's content skips nothing."""
    sig = ("10:1:1:7", "")
    with RunState(tmp_path) as state:
        state.commit_batch(1, "r1", [
            PageOutcome("x.html", A, None, "record", record_id="c1", signature=sig),
            PageOutcome("y.html", B, None, "reject", reason="timeout", remember=False,
                        signature=("5:1:1:8", "")),
        ], [])
        assert state.settled_pages(1) == {"x.html": sig}
        assert state.known_contents(1, ["x.html", "y.html"]) == {"x.html": frozenset({(A, "")})}
        renewed = ("10:2:2:7", "")
        state.commit_batch(1, "r2", [PageOutcome("x.html", A, None, "unchanged",
                                                 signature=renewed)], [])
        assert state.settled_pages(1) == {"x.html": renewed}
        assert state.known_keys() == {("x.html", A, "")}  # no new page row
        state.commit_batch(1, "r3", [PageOutcome("x.html", B, None, "reject",
                                                 reason="error", remember=False)], [])
        assert state.settled_pages(1) == {}  # read again next time, by its hash
        v2 = state.start_version("test")
        state.commit_batch(1, "r4", [PageOutcome("x.html", A, None, "record", signature=sig)],
                           [])
        assert state.settled_pages(v2) == {}
