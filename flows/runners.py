"""Where a run's batches execute: a thread pool, a local Dask cluster, or a Dask scheduler.

- Default: Prefect's ``ThreadPoolTaskRunner``. Cleaning is pure Python and
  holds the GIL, so threads overlap only the file reads; enough for scheduled
  runs of new pages.
- ``--workers N``: a local Dask cluster of N worker *processes*, one thread
  each (more threads per process gain nothing under the GIL).
- ``--dask-address tcp://HOST:PORT``: an existing Dask scheduler and its
  workers, wherever they run (prefect-dask's ``DaskTaskRunner``).

**Dask workers need a Prefect server they can reach.** A task run on a worker
reports to the API URL in the flow's settings. With no ``PREFECT_API_URL`` the
flow process uses a temporary server of its own that the workers are not told
about, and every worker quietly starts another temporary server for itself:
the run is several times slower and its tasks are missing from the UI. So
``prefect_api_for_workers`` checks the URL before the cluster starts: for a
local cluster without one it starts the temporary server itself (the one the
run would have started anyway) and hands its loopback URL to the workers; for
``--dask-address`` it insists on a ``PREFECT_API_URL`` that answers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

TASK_WORKERS = max(2, min(4, os.cpu_count() or 2))
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


class RunnerError(RuntimeError):
    """The task runner asked for cannot work as configured; the message says what to do."""


def task_runner(workers: int | None = None, dask_address: str | None = None,
                threads: int | None = None) -> Any:
    """The task runner for ``winnow run``/``backfill`` options (imports Dask only if asked).
    ``threads``: at least this many task threads (one per worker process of the pool the
    tasks hand their batches to, ``flows.pool``, so every worker has one waiting on it)."""
    if workers is not None and dask_address:
        raise RunnerError("--workers and --dask-address exclude each other")
    if workers is None and not dask_address:
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=max(TASK_WORKERS, threads or 0))
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    if workers is None or workers < 1:
        raise RunnerError("--workers must be at least 1")
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            # the scheduler always serves HTTP (metrics, health): loopback, a free port
            "dashboard_address": "127.0.0.1:0",
        }
    )


def dask_slots(runner: Any) -> int | None:
    """How many batches a Dask task runner's cluster cleans at once (None: no Dask)."""
    if "prefect_dask" not in sys.modules:  # nobody made a Dask runner: not imported for it
        return None
    from prefect_dask import DaskTaskRunner

    if not isinstance(runner, DaskTaskRunner):
        return None
    try:
        return max(1, sum(runner.client.nthreads().values()))
    except Exception:
        return 1


def in_flight_for(runner: Any) -> int:
    """How many batches to keep submitted: twice what can run at once, so a worker
    never waits for the flow, and no more, so finished results do not pile up."""
    slots = dask_slots(runner)
    if slots is not None:
        return 2 * slots + 1
    workers = getattr(runner, "_max_workers", None) or TASK_WORKERS
    return 2 * min(int(workers), 64)  # an unbounded pool (sys.maxsize) still gets a window


def api_is_up(api_url: str, timeout: float = 5.0) -> bool:
    """Does a Prefect API answer ``/health`` at this URL?"""
    import httpx

    try:
        response = httpx.get(api_url.rstrip("/") + "/health", timeout=timeout)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def scheduler_is_up(address: str, timeout: float = 5.0) -> bool:
    """Does something accept TCP connections at a Dask scheduler address (tcp://HOST:PORT)?
    Checked before the flow starts: Dask itself waits 30 s, twice, before giving up."""
    import socket

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if not parts.hostname:
        return False
    try:
        with socket.create_connection((parts.hostname, parts.port or 8786), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def _is_loopback(url: str) -> bool:
    host = urlsplit(url if "://" in url else f"tcp://{url}").hostname or ""
    return host in _LOOPBACK or host.startswith("127.")


@contextmanager
def prefect_api_for_workers(
    workers: int | None, dask_address: str | None
) -> Iterator[str | None]:
    """Make sure Dask workers will report to a Prefect server they can reach, for the
    length of the ``with`` block; yield its API URL (None for the thread pool)."""
    if workers is None and not dask_address:
        yield None
        return
    if dask_address and not scheduler_is_up(dask_address):
        raise RunnerError(f"no Dask scheduler answers at {dask_address}")
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value()
    if url:
        if not api_is_up(url):
            raise RunnerError(
                f"PREFECT_API_URL={url} does not answer: Dask workers need a running"
                " Prefect server (start one with `prefect server start`, or unset"
                " PREFECT_API_URL to let --workers start a temporary one)"
            )
        if dask_address and _is_loopback(url) and not _is_loopback(dask_address):
            import logging

            logging.getLogger(__name__).warning(
                "PREFECT_API_URL=%s is a loopback address: Dask workers on other machines"
                " cannot reach it; use an address they can", url,
            )
        yield url
        return
    if dask_address:
        raise RunnerError(
            "--dask-address needs a Prefect server that the Dask workers can reach: set"
            " PREFECT_API_URL (e.g. http://HOST:4200/api of a `prefect server start`)."
            " Without it each worker starts a temporary server of its own and runs"
            " several times slower"
        )
    # A local cluster: start the temporary server this run would have started anyway,
    # and tell the workers where it is (they run on this machine, so loopback works).
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    saved = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = server.api_url  # for processes started from here
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        if saved is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = saved
