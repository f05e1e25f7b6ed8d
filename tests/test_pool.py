"""Every core by default (flows.pool): a local run cleans in one worker process per CPU, a
run of a few pages in its own process, batches sized so every worker is busy, and the
progress bar moves as each batch comes back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import flows.pool
from flows.cli import parse_args
from flows.pool import IN_PROCESS_BELOW, WorkerPool, few_pages, using_pool, workers_for
from flows.run import BATCH_SIZE, batch_size_for


def many_pages(sample_raw: Path, copies: int) -> Path:
    """``copies`` copies of each sample page, each changed (so none is a duplicate)."""
    for page in sorted(sample_raw.iterdir()):
        for i in range(1, copies):
            text = page.read_text(encoding="utf-8")
            (sample_raw / f"{page.stem}-{i}{page.suffix}").write_text(
                text + f"\n\nCopy number {i} of this page, for the pool's tests.\n",
                encoding="utf-8")
    return sample_raw


class FakePool:
    """Stands for WorkerPool where only its size and start matter (no processes)."""

    started: list[int] = []

    def __init__(self, size: int) -> None:
        self.size = size
        self.active = True
        FakePool.started.append(size)

    def stop(self) -> None:
        self.active = False


def test_batches_are_sized_so_every_worker_gets_several():
    assert batch_size_for(838, 2) == 105  # 8 batches: 4 for each of 2 workers
    assert batch_size_for(838, 8) == 27
    assert batch_size_for(100_000, 2) == BATCH_SIZE  # capped: a part file's size
    assert batch_size_for(3, 2) == 1
    assert batch_size_for(838, 1) == BATCH_SIZE  # in place: as few part files as before


def test_few_pages_counts_no_further_than_it_needs(tmp_path):
    raw = tmp_path / "raw"
    (raw / "site" / "2024").mkdir(parents=True)
    for i in range(5):
        (raw / "site" / "2024" / f"{i}.html").write_text("x")
        (raw / "site" / "2024" / f"{i}.html.meta.json").write_text("{}")  # not pages
    assert few_pages(raw, below=6)
    assert not few_pages(raw, below=5)
    (raw / "loop.html").symlink_to(raw / "loop.html")  # a link to itself is a page
    assert not few_pages(raw, below=6)
    (raw / "loop.html").unlink()
    (raw / "crawl.warc.gz").write_bytes(b"")  # its records are pages: many
    assert not few_pages(raw, below=1000)
    assert not few_pages(raw / "crawl.warc.gz")
    assert few_pages(raw / "site" / "2024" / "0.html")
    out = raw / "site"  # --out inside --raw is not counted
    assert few_pages(raw, below=2, exclude=[out]) is False  # the WARC still counts
    (raw / "crawl.warc.gz").unlink()
    assert few_pages(raw, below=1, exclude=[out])


def test_a_local_run_starts_one_worker_per_cpu_unless_it_is_small(monkeypatch, tmp_path,
                                                                   sample_raw):
    from flows.cli import _local_pool

    monkeypatch.setattr(flows.pool, "CPUS", 3)
    monkeypatch.setattr(flows.pool, "WorkerPool", FakePool)
    FakePool.started = []
    parse = parse_args  # the settings applied, as a run gets them
    big = many_pages(sample_raw, IN_PROCESS_BELOW)
    pool = _local_pool(parse(["run", "--raw", str(big)]), big, tmp_path / "out")
    assert isinstance(pool, FakePool) and pool.size == 3  # every CPU, no flag needed
    assert _local_pool(parse(["run", "--processes", "2"]), big, tmp_path / "o").size == 2
    assert _local_pool(parse(["run", "--processes", "1"]), big, tmp_path / "o") is None
    assert _local_pool(parse(["run", "--workers", "2"]), big, tmp_path / "o") is None  # Dask's
    small = tmp_path / "small"
    small.mkdir()
    for page in sorted(Path(sample_raw).iterdir())[:5]:
        shutil.copy2(page, small / page.name)
    assert _local_pool(parse(["run", "--raw", str(small)]), small, tmp_path / "o") is None
    assert FakePool.started == [3, 2]


def test_a_run_that_turns_out_small_stops_the_pool_and_cleans_in_place():
    pool = FakePool(4)
    with using_pool(pool):  # type: ignore[arg-type]
        assert workers_for(IN_PROCESS_BELOW) == 4
        assert flows.pool.active_pool() is pool
        assert workers_for(IN_PROCESS_BELOW - 1) == 1
        assert not pool.active and flows.pool.active_pool() is None
    assert workers_for(1000) == 1  # no pool: this process


class Recorder:
    """A progress reporter that notes every advance."""

    def __init__(self) -> None:
        self.total = 0
        self.done: list[int] = []

    def start(self, total: int, label: str = "cleaning") -> None:
        self.total = total

    def advance(self, pages: int = 1) -> None:
        self.done.append((self.done[-1] if self.done else 0) + pages)


def _records(out: Path) -> dict[str, str]:
    return {r["source_path"]: r["text"] for p in sorted(out.glob("articles/*/*.jsonl"))
            for r in map(json.loads, p.read_text(encoding="utf-8").splitlines())}


def test_a_pool_run_moves_the_bar_per_batch_and_writes_what_one_process_writes(
    prefect_server, sample_raw, tmp_path
):
    from flows.pipeline import clean_pages
    from flows.progress import reporting_to

    raw = many_pages(sample_raw, 6)  # 30 pages: 2 workers, 8 batches of 4
    seen = Recorder()
    with using_pool(WorkerPool(2)), reporting_to(seen):
        summary = clean_pages(raw=str(raw), out=str(tmp_path / "pool"))
    assert summary["records"] == 30 and summary["batches"] == 8
    assert seen.total == 30
    # the bar moved batch by batch, not once at the end
    assert seen.done == sorted(seen.done) and len(seen.done) == 8 and seen.done[-1] == 30
    inline = clean_pages(raw=str(raw), out=str(tmp_path / "inline"))  # no pool: threads
    assert inline["batches"] == 1
    assert _records(tmp_path / "pool") == _records(tmp_path / "inline")


def test_the_summary_is_printed_once(prefect_server, sample_raw, tmp_path, capfd):
    from flows.cli import main

    assert main(["run", "--raw", str(sample_raw), "--out", str(tmp_path / "out")]) == 0
    captured = capfd.readouterr()
    assert (captured.out + captured.err).count("5 pages seen") == 1


@pytest.mark.parametrize("size", [0, -1])
def test_a_pool_needs_a_process(size):
    with pytest.raises(ValueError):
        WorkerPool(size)


def test_workers_end_when_the_flow_process_is_killed():
    """``kill -9`` of a run leaves no worker behind (the crash test kills runs so)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    code = ("import sys; from flows.pool import WorkerPool; p = WorkerPool(2);"
            " [p._executor.submit(abs, 1).result() for _ in range(4)];"
            " print(*[c.pid for c in p._executor._processes.values()], flush=True);"
            " sys.stdin.read()")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parent.parent)
    workers = [int(pid) for pid in proc.stdout.readline().split()]  # type: ignore[union-attr]
    assert len(workers) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    deadline = time.monotonic() + 30
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # not to leave them running if the test fails
        os.kill(pid, signal.SIGKILL)
    assert not left


def _jobs(raw: Path) -> list:
    from flows.batch import page_job
    from flows.discover import discover

    return [page_job(page) for page in discover(raw).pages]


def test_a_page_that_kills_its_worker_is_rejected_and_the_others_cleaned(sample_raw):
    """A crash in native code ends the worker process with no exception: the pool breaks,
    and every batch in it with it. The batch is cleaned again page by page, alone, so
    only the page that kills a process is rejected, and the pool serves the next batch."""
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    from tests.helpers.crashing import clean_or_die

    first = sorted(sample_raw.iterdir())[0]
    poison = sample_raw / f"poison-{first.name}"
    shutil.copy2(first, poison)
    jobs = _jobs(sample_raw)
    assert len(jobs) == 6
    clean_jobs = [j for j in jobs if "poison" not in j.page.source_path]
    pool = WorkerPool(2, clean=clean_or_die)
    try:
        with ThreadPoolExecutor(2) as threads:  # another batch in flight as the pool breaks
            broken = threads.submit(pool.clean, jobs, 0, None)
            other = threads.submit(pool.clean, clean_jobs[:1], 1, None)
            result, other_result = broken.result(), other.result()
        after = pool.clean(clean_jobs[1:2], 2, None)
    finally:
        pool.stop()
    assert pool.crashes == 1
    assert [r.source_path for r in result.reject_records] == [f"poison-{first.name}"]
    reject = result.reject_records[0]
    assert reject.reason == "error" and "died" in reject.detail
    assert reject.raw_sha256 == hashlib.sha256(poison.read_bytes()).hexdigest()
    cleaned = sorted(a.source_path for a in result.articles)
    assert cleaned == sorted(j.page.source_path for j in clean_jobs)
    assert [o.source_path for o in result.outcomes] == [j.page.source_path for j in jobs]
    assert len(other_result.articles) == 1 and not other_result.reject_records
    assert len(after.articles) == 1  # the pool was started again


def test_learning_goes_on_past_a_page_that_kills_its_worker(sample_raw):
    from tests.helpers.crashing import learn_or_die

    (sample_raw / "site").mkdir()
    for page in list(sample_raw.iterdir()):
        if page.is_file():
            page.rename(sample_raw / "site" / page.name)
    first = sorted((sample_raw / "site").iterdir())[0]
    shutil.copy2(first, sample_raw / "site" / f"poison-{first.name}")
    import dataclasses

    jobs = [dataclasses.replace(job, learn=True) for job in _jobs(sample_raw)]
    pool = WorkerPool(1, learn=learn_or_die)
    try:
        lines = pool.learn(jobs, None)
    finally:
        pool.stop()
    learned = sorted(p.source_path for p in lines)
    assert learned == sorted(j.page.source_path for j in jobs if "poison" not in
                             j.page.source_path)
