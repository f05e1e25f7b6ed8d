"""A real Dask cluster on this machine for a test: ``dask scheduler`` and ``dask worker``
processes on 127.0.0.1, as an operator starts them, stopped (their whole process groups)
when the ``with`` block ends, however it ends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flows.shared_server import free_port, stop_group

DASK = str(Path(sys.executable).with_name("dask"))


def _start(args: list[str], log: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    with log.open("ab") as fh:  # the child keeps its own descriptor
        return subprocess.Popen([DASK, *args], stdout=fh, stderr=subprocess.STDOUT, env=env,
                                cwd=cwd, start_new_session=True)


def _wait_for(address: str, workers: int, procs: list[subprocess.Popen], logs: Path,
              timeout: float) -> None:
    """Until the scheduler answers with ``workers`` workers connected (or a process dies)."""
    from distributed import Client

    deadline = time.monotonic() + timeout
    while True:
        dead = [p.args for p in procs if p.poll() is not None]
        if dead:
            raise RuntimeError(f"a Dask process exited: {dead}; logs in {logs}")
        try:
            with Client(address, timeout=5) as client:
                client.wait_for_workers(workers, timeout=max(1.0, deadline - time.monotonic()))
                return
        except (OSError, TimeoutError) as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no Dask cluster of {workers} workers at {address} in "
                                   f"{timeout:.0f} s ({exc}); logs in {logs}") from exc
            time.sleep(0.5)


@contextmanager
def dask_cluster(folder: Path, *, workers: int = 2, env: dict[str, str] | None = None,
                 cwd: Path, timeout: float = 90.0) -> Iterator[str]:
    """A ``dask scheduler`` and ``workers`` ``dask worker`` processes (one process, one
    thread each) on loopback, free ports; yields the scheduler address. ``env`` is the
    workers' environment (they import Winnow's modules: ``PYTHONPATH``, and report to a
    Prefect server: ``PREFECT_API_URL``); logs go to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **(env or {})}
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    with ExitStack() as stack:
        procs = []
        scheduler = _start(["scheduler", "--host", "127.0.0.1", "--port", str(port),
                            "--no-dashboard"], folder / "scheduler.log", env, cwd)
        stack.callback(stop_group, scheduler)
        procs.append(scheduler)
        for n in range(workers):
            worker = _start(["worker", address, "--nworkers", "1", "--nthreads", "1",
                             "--host", "127.0.0.1", "--no-dashboard", "--name", f"w{n}",
                             "--local-directory", str(folder / f"w{n}")],
                            folder / f"worker-{n}.log", env, cwd)
            stack.callback(stop_group, worker)
            procs.append(worker)
        _wait_for(address, workers, procs, folder, timeout)
        yield address


def executed_per_worker(address: str) -> dict[str, int]:
    """Tasks each worker of the cluster has run so far, by worker name."""
    from distributed import Client

    with Client(address, timeout=10) as client:
        found = client.run(lambda dask_worker: (dask_worker.name,
                                                dask_worker.state.executed_count))
    return dict(found.values())
