"""Hand Prefect's last logs and events to its API within a time limit, once a run is over.

Prefect sends a run's logs and events from background workers and, at
interpreter exit, waits for them to be delivered with **no time limit**. When
the API is slow or stops answering after the run (a busy SQLite server, a
server paused or restarted), ``winnow run`` has written and committed every
record and printed its summary, and then does not exit: each pending request
waits out ``PREFECT_API_REQUEST_TIMEOUT`` (60 s) and its retries. For a job
started by cron or a backfill script that is a hung process.

So the CLI delivers them itself, with a time limit (``WINNOW_PREFECT_EXIT_SECONDS``,
default 15 s). What is not delivered by then is given up with a warning:
it is Prefect's bookkeeping (the UI's log lines and events), not Winnow's
output, which is already on disk and in the run state.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import suppress

DEFAULT_SECONDS = 15.0
ENV_SECONDS = "WINNOW_PREFECT_EXIT_SECONDS"


def exit_seconds() -> float:
    """The time limit: ``WINNOW_PREFECT_EXIT_SECONDS`` if it is a number >= 0, else the default."""
    try:
        value = float(os.environ.get(ENV_SECONDS, ""))
    except ValueError:
        return DEFAULT_SECONDS
    return value if value >= 0 else DEFAULT_SECONDS


def deliver_pending(timeout: float) -> bool:
    """Stop Prefect's log and event workers, waiting at most ``timeout`` seconds in all
    for what they still hold to reach the API. True when they finished (or none ran).

    A process that never imported Prefect has nothing to deliver, and Prefect is
    not imported for the question."""
    if "prefect" not in sys.modules:
        return True
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    deadline = time.monotonic() + timeout
    finished = True
    # Prefect 3.8 keeps one registry of its queue services, so the first call stops
    # both; the second is then free, and still right if each gets a registry of its own
    for worker in (APILogWorker, EventsWorker):
        _, not_done = worker.drain_all(timeout=max(0.0, deadline - time.monotonic()))
        finished = finished and not not_done
    return finished


def exit_now(code: int) -> None:
    """End the process with ``code`` without the interpreter's teardown, once nothing is
    left to wait for: the exit handlers are run (logging's flush, multiprocessing's,
    Prefect's), stdout and stderr flushed, then ``os._exit``. The teardown skipped (every
    module and object of Prefect, pydantic and the cleaners freed one by one) costs a
    ``winnow run`` 0.4-0.6 CPU-s and about a second on a busy 2-core machine, and does
    nothing a run needs: its files are written, closed and committed before. A thread
    that is not a daemon still running is waited for as the interpreter would, so then
    this returns and the caller exits the usual way."""
    import atexit
    import threading

    main = threading.main_thread()
    if any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate()):
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed or broken pipe: nothing to say there
            stream.flush()
    os._exit(code)
