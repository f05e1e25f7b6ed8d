"""Every core by default: a pool of worker processes that a local run cleans its batches in.

Cleaning is pure Python and holds the GIL, so threads clean on one core. A local
``winnow run``/``backfill`` therefore starts ``os.cpu_count()`` worker processes (a plain
``concurrent.futures`` process pool, no Prefect in them) and the flow's batch tasks, still
Prefect tasks on the flow's thread pool and so still in the Prefect UI, hand their pages to
it and wait. A local Dask cluster was measured slower to start and to feed (README:
*Parallelism*), so it is only used where it is asked for (``--workers``, ``--dask-address``).

**Start-up overlapped.** The CLI starts the pool before it imports Prefect, before the
flow run exists and before discovery: the workers are forked from a process that holds no
other thread yet (safe, and nearly free: they share the parent's imported modules), then
each warms up on its own core (the first HTML page costs ~1.5 s of lazy loading: language
model, extractors' tables) while the flow process imports Prefect, reaches its server and
walks the raw folder.

**Small runs pay nothing.** Below ``IN_PROCESS_BELOW`` pages a run cleans in its own
process: ``few_pages`` counts the raw folder's files up to that number (a bounded walk:
microseconds) before any worker is started, and a run that turns out small after
discovery (an incremental run that finds little new) stops the pool and cleans in place.

The pool is installed for the length of a run (``using_pool``), as the progress reporter
is (``flows.progress``): the flow's parameters are recorded by Prefect, a pool is not one.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import cast

from cleaners import Limits, clean_page
from flows.batch import (
    BatchResult,
    PageJob,
    clean_batch,
    crashed_page,
    learn_batch,
    merge_results,
)
from flows.discover import is_sidecar, is_warc_name
from flows.linking import fingerprint
from flows.sitestats_store import PageLines

log = logging.getLogger(__name__)
CPUS = os.cpu_count() or 1
CRASHED = ("the process cleaning this page died (a crash in native code or the out-of-memory "
           "killer); the rest of the run went on")
# Measured (README, *Parallelism*): under this many pages a run is done before two
# workers have warmed up, and cleaning in place is as fast or faster.
IN_PROCESS_BELOW = 24
_WARM_HTML = (b"<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
              + b"<p>Workers load their language tables and extractors here, once.</p>" * 8
              + b"</article></body></html>")
_WARM_TEXT = b"Warm-up\n\nWorkers load what text pages need here, once.\n" * 4


def _exit_with(parent: int) -> None:
    """A worker's watch: end when the flow process is gone. A flow process killed with
    ``kill -9`` cannot stop its pool, and a worker waiting for work would never learn (it
    holds its queue's pipe open itself): it would stay forever."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _watch_parent() -> None:
    """In each worker as it starts: ignore Ctrl-C (the flow process decides when the pool
    stops) and end with the parent (``_exit_with``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()


def _warm_up() -> None:
    """In each worker as it starts: ignore Ctrl-C (the flow process decides when the pool
    stops), watch for its parent's end (the flow process; under forkserver, the fork
    server, which ends with the flow process), and clean two tiny pages, so the lazy
    loading of the first real page is done while the flow process is still starting up."""
    _watch_parent()
    for data, name in ((_WARM_HTML, "warm-up.html"), (_WARM_TEXT, "warm-up.txt")):
        with suppress(Exception):  # a warm-up page rejected or failing costs nothing
            clean_page(data, source_path=name)
    fingerprint("a warm-up text for duplicate linking's MinHash")  # imports datasketch


def _clean(jobs: list[PageJob], part: int, limits: Limits | None) -> BatchResult:
    return clean_batch(jobs, part, limits=limits)


def _learn(jobs: list[PageJob], limits: Limits | None) -> list[PageLines]:
    return learn_batch(jobs, limits=limits)


CleanFn = Callable[[list[PageJob], int, "Limits | None"], BatchResult]
LearnFn = Callable[[list[PageJob], "Limits | None"], list[PageLines]]


class WorkerPool:
    """``size`` worker processes that clean batches; started at once, warming up.

    **A worker that dies loses nothing.** A page that crashes the process cleaning it
    (native code, the out-of-memory killer) breaks a process pool: every batch in it fails.
    The pool is then started again, and the broken batch's pages are cleaned once more one
    at a time in a process of their own, so the page that kills it is found and rejected
    (``error``, tried again by a later run) and every other page gets its record."""

    def __init__(self, size: int = CPUS, clean: CleanFn | None = None,
                 learn: LearnFn | None = None) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one process")
        self.size = size
        self._clean_fn: CleanFn = clean or _clean  # module functions: they are pickled by name
        self._learn_fn: LearnFn = learn or _learn
        self._lock = threading.Lock()  # guards the executor's replacement
        self._alone_lock = threading.Lock()  # one isolated page at a time
        self._generation = 0
        self._executor = self._start(size)
        self._isolation: ProcessPoolExecutor | None = None
        self.crashes = 0  # pages rejected because cleaning them killed a worker
        self.active = True  # False once a small run decided to clean in place

    @staticmethod
    def _start(size: int) -> ProcessPoolExecutor:
        # fork is safe only from a process with no other thread (a lock held elsewhere
        # would stay held in the child forever); in a process that has threads (tests, a
        # deployment, a restart during a run), forkserver
        method = "fork" if threading.active_count() == 1 else "forkserver"
        executor = ProcessPoolExecutor(max_workers=size, initializer=_warm_up,
                                       mp_context=multiprocessing.get_context(method))
        for _ in range(size):  # start every worker now (else on the first submit)
            executor.submit(os.getpid)
        return executor

    def clean(self, jobs: list[PageJob], part: int, limits: Limits | None) -> BatchResult:
        """The batch cleaned in a worker; if a worker died meanwhile, page by page alone."""
        with suppress(BrokenProcessPool):
            return cast(BatchResult, self._in_pool(self._clean_fn, jobs, part, limits))
        results = [self._alone_clean(job, part, limits) for job in jobs]
        return merge_results(part, results)

    def learn(self, jobs: list[PageJob], limits: Limits | None) -> list[PageLines]:
        """The batch's line hashes; if a worker died meanwhile, page by page alone (a page
        that kills a worker teaches nothing: cleaning rejects it)."""
        with suppress(BrokenProcessPool):
            return cast(list[PageLines], self._in_pool(self._learn_fn, jobs, limits))
        lines: list[PageLines] = []
        for job in jobs:
            with suppress(BrokenProcessPool):
                lines += cast(list[PageLines], self._alone(self._learn_fn, [job], limits))
        return lines

    def _in_pool(self, fn: Callable[..., object], *args: object) -> object:
        """``fn(*args)`` in the pool; ``BrokenProcessPool`` once the pool a worker of
        which died has been started again."""
        with self._lock:
            generation, executor = self._generation, self._executor
        try:
            return executor.submit(fn, *args).result()
        except BrokenProcessPool:
            self._restart(generation)
            raise

    def _alone_clean(self, job: PageJob, part: int, limits: Limits | None) -> BatchResult:
        try:
            return cast(BatchResult, self._alone(self._clean_fn, [job], part, limits))
        except BrokenProcessPool:
            log.warning("cleaning %s killed its worker process: rejected", job.page.source_path)
            self.crashes += 1
            return crashed_page(job, part, CRASHED)

    def _alone(self, fn: Callable[..., object], *args: object) -> object:
        """``fn(*args)`` in a process that runs nothing else, so a death is its own."""
        with self._alone_lock:
            if self._isolation is None:
                self._isolation = ProcessPoolExecutor(
                    max_workers=1, initializer=_watch_parent,  # a few pages: no warm-up
                    mp_context=multiprocessing.get_context("forkserver"))
            try:
                return self._isolation.submit(fn, *args).result()
            except BrokenProcessPool:
                _stop_executor(self._isolation)
                self._isolation = None
                raise

    def _restart(self, generation: int) -> None:
        """A fresh pool in place of a broken one (once, however many batches saw it break)."""
        with self._lock:
            if generation != self._generation or not self.active:
                return
            log.warning("a worker process died: the pool is started again, and the pages "
                        "it was cleaning are cleaned one by one")
            _stop_executor(self._executor)
            self._executor = self._start(self.size)
            self._generation += 1

    def stop(self) -> None:
        """Stop the workers now: a small run cleans in place, or the run is over."""
        self.active = False
        with self._lock:
            _stop_executor(self._executor)
        if self._isolation is not None:
            _stop_executor(self._isolation)


def _stop_executor(executor: ProcessPoolExecutor) -> None:
    """Shut ``executor`` down without waiting for work in flight; its processes reaped."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:  # a worker still warming up is not waited for
        if process.is_alive():
            process.terminate()
    for process in processes:  # reaped: no zombie, and its CPU time is the run's
        process.join(timeout=5)


_pool: WorkerPool | None = None


@contextmanager
def using_pool(pool: WorkerPool | None) -> Iterator[WorkerPool | None]:
    """Let this process's batch tasks clean in ``pool`` inside the ``with`` block; the
    pool is stopped at its end."""
    global _pool
    previous, _pool = _pool, pool
    try:
        yield pool
    finally:
        _pool = previous
        if pool is not None:
            pool.stop()


def active_pool() -> WorkerPool | None:
    """The pool this run cleans in, or None (clean in this process's threads)."""
    pool = _pool
    return pool if pool is not None and pool.active else None


def workers_for(pages: int) -> int:
    """Told how many pages the run will clean: how many processes will clean them. A small
    run stops the pool (the workers' start-up would cost more than they save)."""
    pool = _pool
    if pool is None or not pool.active:
        return 1
    if pages < IN_PROCESS_BELOW:
        pool.stop()
        return 1
    return pool.size


def few_pages(raw: str | Path, below: int = IN_PROCESS_BELOW,
              exclude: Sequence[str | Path] = ()) -> bool:
    """Whether ``raw`` holds fewer than ``below`` page files: counted up to ``below`` and
    no further, so an archive of a million files costs as little as one of five. A WARC
    file (given, or found) counts as many pages: its records are."""
    root = Path(raw)
    if root.is_file():
        return not is_warc_name(root.name)
    visited = {os.path.realpath(p) for p in exclude}  # a folder is entered once
    seen = 0
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in visited:
            continue
        visited.add(real)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                folder_entry = entry.is_dir()  # links followed, as discovery follows them
            except OSError:  # a link that loops: a page to discovery (an unreadable one)
                folder_entry = False
            if folder_entry:
                stack.append(entry.path)
            elif is_warc_name(entry.name):
                return False
            elif not is_sidecar(entry.name):
                seen += 1
            if seen >= below:
                return False
    return True
