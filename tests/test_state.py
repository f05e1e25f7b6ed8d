"""The run state: what a rerun may skip, and what it must do again."""

from __future__ import annotations

import pytest

from flows.state import PageOutcome, RunState, StateLocked, exclusive_run

A, B = "a" * 64, "b" * 64


def test_committed_pages_are_known_to_the_next_run(tmp_path):
    with RunState(tmp_path) as state:
        state.commit_run(
            "run1",
            [
                PageOutcome("x.html", A, None, "record", record_id="c1"),
                PageOutcome("y.html", B, "s" * 64, "reject", reason="no_article"),
            ],
            {"records": 1},
        )
    with RunState(tmp_path) as state:  # a new process would open it like this
        assert state.known_keys() == {("x.html", A, ""), ("y.html", B, "s" * 64)}
        assert state.completed_runs() == ["run1"]
        assert state.outcome_of("y.html") == [(B, "reject", "no_article")]
    assert (tmp_path / "_state" / "state.sqlite").is_file()


def test_a_changed_page_or_sidecar_is_not_known(tmp_path):
    with RunState(tmp_path) as state:
        state.commit_run("run1", [PageOutcome("x.html", A, "s" * 64, "record")], {})
        known = state.known_keys()
    assert ("x.html", B, "s" * 64) not in known  # the page changed
    assert ("x.html", A, "t" * 64) not in known  # its sidecar changed
    assert ("x.html", A, "") not in known  # its sidecar was removed


@pytest.mark.parametrize("reason", ["unreadable", "vanished", "timeout", "error"])
def test_transient_outcomes_are_not_remembered(tmp_path, reason):
    outcome = PageOutcome("x.html", A, None, "reject", reason=reason, remember=False)
    with RunState(tmp_path) as state:
        assert state.commit_run("run1", [outcome], {}) == 0
        assert state.known_keys() == set()


def test_a_page_that_could_not_be_read_is_not_remembered(tmp_path):
    with RunState(tmp_path) as state:
        state.commit_run("run1", [PageOutcome("x.html", None, None, "reject", "unreadable")], {})
        assert state.known_keys() == set()


def test_a_failed_run_adds_no_pages_and_is_not_live(tmp_path):
    with RunState(tmp_path) as state:
        state.commit_run("run1", [PageOutcome("x.html", A, None, "record")], {})
        state.record_failed_run("run2", {"status": "failed"})
        assert state.completed_runs() == ["run1"]
        assert state.known_keys() == {("x.html", A, "")}


def test_two_runs_cannot_hold_the_same_output_folder(tmp_path):
    with exclusive_run(tmp_path), pytest.raises(StateLocked), exclusive_run(tmp_path):
        pass
    with exclusive_run(tmp_path):  # released when the first run ended
        pass
