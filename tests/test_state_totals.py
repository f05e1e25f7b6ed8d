"""The manifest's totals (#21, point 5): kept as counts that each batch's commit moves,
not counted from every page of the archive at each manifest refresh (every 5 s of a
run: a cost that grew with the archive, so a run's time per page did too)."""

from __future__ import annotations

import random
import sqlite3

from flows.state import PageOutcome, RunState


def _outcome(path: str, content: str, kind: str, remember: bool = True) -> PageOutcome:
    return PageOutcome(path, f"sha-{content}", None, kind,  # type: ignore[arg-type]
                       reason="empty" if kind == "reject" else None,
                       record_id=f"id-{path}-{content}" if kind == "record" else None,
                       remember=remember)


def test_totals_kept_by_the_commits_equal_a_recount(tmp_path):
    """Pages new, cleaned again with the same or other content, turned from record to
    reject and back, unchanged or not remembered, over a live version and one being built
    then promoted: after every commit the kept totals are those counted from the pages."""
    rng = random.Random(5)
    paths = [f"site/{i}.html" for i in range(40)]
    with RunState(tmp_path) as state:
        live = state.live_version()
        building = None
        for step in range(60):
            if step == 30:
                building = state.start_version("p2")
            version = building if building is not None and step % 2 else live
            outcomes = []
            for path in rng.sample(paths, rng.randint(1, 12)):
                kind = rng.choice(["record", "record", "reject", "unchanged"])
                outcomes.append(_outcome(path, str(rng.randint(0, 3)), kind,
                                         remember=rng.random() > 0.1))
            state.commit_batch(version, f"run{step}", outcomes, [])
            for v in filter(None, (live, building)):
                assert state.current_totals(v) == state.recount_totals(v), (step, v)
        assert building is not None
        state.promote(building)
        assert state.current_totals(building) == state.recount_totals(building)
        counted = state.recount_totals(building)
        assert counted["articles"] > 5 and counted["rejects"] > 2  # the mix was a mix
        assert state.current_totals(live) == {"articles": 0, "rejects": 0}  # forgotten


def _vm_steps(state: RunState, version: int) -> int:
    """SQLite virtual machine instructions ``current_totals`` takes (counted in steps of
    100 by a progress handler): how much work it does, whatever the machine's speed."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    db: sqlite3.Connection = state._db
    db.set_progress_handler(count, 100)
    try:
        state.current_totals(version)
    finally:
        db.set_progress_handler(None, 100)
    return steps


def test_the_totals_cost_the_same_for_a_small_and_a_large_archive(tmp_path):
    costs = {}
    for pages in (200, 5000):
        with RunState(tmp_path / str(pages)) as state:
            version = state.live_version()
            for first in range(0, pages, 200):
                state.commit_batch(version, "run", [
                    _outcome(f"p{i}.html", "a", "record" if i % 4 else "reject")
                    for i in range(first, first + 200)], [])
            assert state.current_totals(version) == {"articles": pages * 3 // 4,
                                                     "rejects": pages // 4}
            costs[pages] = _vm_steps(state, version)
    assert costs[5000] <= costs[200] + 2, costs  # not 25 times the work


def test_a_state_an_older_winnow_wrote_to_is_counted_again(tmp_path):
    """Totals are counted from the pages the first time a version is asked for, and again
    after an older Winnow (which does not keep them) committed to the state."""
    with RunState(tmp_path) as state:
        version = state.live_version()
        state.commit_batch(version, "run1", [_outcome("a.html", "1", "record")], [])
        assert state.current_totals(version) == {"articles": 1, "rejects": 0}
        # what an older Winnow does: its own layout number, pages added, totals untouched
        state._db.execute("PRAGMA user_version = 3")
        state._db.execute(
            "INSERT INTO pages (version, source_path, raw_sha256, sidecar_sha256, outcome,"
            " reason, record_id, run_id, processed_at) VALUES (?, 'b.html', 's', '',"
            " 'reject', 'empty', NULL, 'old', 'now')", (version,))
        state._db.commit()
    with RunState(tmp_path) as state:
        assert state.current_totals(version) == {"articles": 1, "rejects": 1}
