"""What the flow process holds while it runs (#21, point 5: flat memory): the sidecars of
the batches in flight, not those of the whole archive; each still read once, and the
records the same as when the plan read them all."""

from __future__ import annotations

import gc
import logging

from helpers.accounting import current_records
from helpers.archive import add_sidecar, make_archive
from helpers.inline import Done

from flows.batch import clean_batch
from flows.run import RunRequest, execute
from flows.sidecar import SidecarFile

log = logging.getLogger("test")


def _alive_sidecars() -> int:
    return sum(1 for obj in gc.get_objects() if isinstance(obj, SidecarFile))


def test_the_flow_holds_the_sidecars_of_the_batches_in_flight_only(tmp_path):
    raw = tmp_path / "raw"
    names = make_archive(raw, 60, short=True)
    for i, name in enumerate(names):
        add_sidecar(raw / name, url=f"https://site{i % 3}.example/{i}")
    alive: list[int] = []

    def submit(jobs, part):
        alive.append(_alive_sidecars())  # as the batch is sent, the plan already made
        return Done(clean_batch(jobs, part))

    gc.collect()
    before = _alive_sidecars()
    summary = execute(RunRequest(raw=str(raw), out=str(tmp_path / "out"), batch_size=5),
                      submit=submit, logger=log, in_flight=2)
    assert summary.records == 60 and summary.batches == 12
    # at most the batches in flight (2) and the one being sent: 15 of the 60
    assert max(alive) - before <= 15, alive
    current = current_records(tmp_path / "out")
    assert {r["url"] for r in current.values()} == {
        f"https://site{i % 3}.example/{i}" for i in range(60)}


def _in_a_fresh_process(folder, pages: int) -> int:
    """``_plan_bytes`` in a new interpreter: tracemalloc counts every thread's allocations,
    and in a long test session other tests' threads (a Prefect client, a server watch)
    allocate while the plan is measured."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_plan_bytes, (folder, pages))


def _plan_bytes(folder, pages: int) -> int:
    """Bytes the plan of a run over ``pages`` small pages with sidecars holds (tracemalloc)."""
    import tracemalloc

    from flows.run import _plan
    from flows.state import RunState
    from flows.summary import RunSummary

    raw, out = folder / "raw", folder / "out"
    for i in range(pages):  # small pages: the plan never reads them
        page = raw / f"site{i % 7}" / "2024-01-01" / f"story-number-{i:06d}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("<p>x</p>")
        add_sidecar(page, url=f"https://site{i % 7}.example/2024/01/01/story-{i}")
    with RunState(out) as state:
        summary = RunSummary(run_id="r", raw=str(raw), out=str(out))
        _plan(RunRequest(raw=str(raw), out=str(out)), state, summary, log)  # warm: imports
        tracemalloc.start()
        try:
            plan = _plan(RunRequest(raw=str(raw), out=str(out)), state, summary, log)
            held = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
    assert plan.pages == pages
    return held


def test_what_the_plan_holds_per_page(tmp_path):
    """The plan of a run (discovery, skip decisions, the jobs) holds the whole archive's
    page list: kept small, about 1 KiB a page here (1.7 KiB before sidecars were read per
    batch and pages the state does not know shared one empty set of known contents).
    Measured as the slope between 1,000 and 3,000 pages, so what any plan holds once
    (caches, a lazy import) does not count."""
    small = _in_a_fresh_process(tmp_path / "small", 1000)
    large = _in_a_fresh_process(tmp_path / "large", 3000)
    per_page = (large - small) / 2000
    assert per_page < 1400, f"{per_page:.0f} bytes a page"
