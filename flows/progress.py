"""A hook through which the flow reports pages done, for whoever shows progress.

The flow cannot take a progress bar as a parameter (Prefect records flow
parameters on its server), so the CLI installs a reporter here for the length
of a run and the tasks, which run in threads of the same process, call it.
Without a reporter (a deployment, a test, a Dask worker process) the calls do
nothing and say so; the flow then reports a batch's pages when it takes the
batch's result.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class ProgressReporter(Protocol):
    def start(self, total: int, label: str = "cleaning") -> None:
        """The run will clean (or fetch: ``label``) ``total`` pages."""

    def advance(self, pages: int = 1) -> None:
        """``pages`` more pages are done."""


_reporter: ProgressReporter | None = None
_lock = threading.Lock()


@contextmanager
def reporting_to(reporter: ProgressReporter) -> Iterator[ProgressReporter]:
    """Send this process's progress reports to ``reporter`` inside the ``with`` block."""
    global _reporter
    with _lock:
        previous, _reporter = _reporter, reporter
    try:
        yield reporter
    finally:
        with _lock:
            _reporter = previous


def _drop_reporter(reporter: ProgressReporter, exc: Exception) -> None:
    """A broken progress display must not cost the run: stop reporting to it."""
    global _reporter
    with _lock:
        if _reporter is reporter:
            _reporter = None
    logging.getLogger(__name__).warning("progress display turned off: %r", exc)


def report_start(total: int, label: str = "cleaning") -> None:
    reporter = _reporter
    if reporter is not None:
        try:
            # a reporter written before labels (start(total)) still gets the cleaning's
            reporter.start(total) if label == "cleaning" else reporter.start(total, label)
        except Exception as exc:
            _drop_reporter(reporter, exc)


def report_page() -> bool:
    """One page done; True if a reporter in this process was told (none in a Dask worker)."""
    return report_pages(1)


def report_pages(pages: int) -> bool:
    """``pages`` more pages done; True if a reporter in this process was told."""
    reporter = _reporter
    if reporter is None:
        return False
    try:
        reporter.advance(pages)
    except Exception as exc:
        _drop_reporter(reporter, exc)
        return False
    return True
