"""One Prefect server for every ``winnow run`` on this machine, started once and found again.

Without ``PREFECT_API_URL`` Prefect 3.8 starts a temporary server for each process that
runs a flow (a uvicorn subprocess migrating and opening ``PREFECT_HOME``'s SQLite
database), waits for it (5 s on an idle 2-core machine, 14-25 s on a busy one) and stops
it at exit: every run paid it. Prefect 3.8 no longer runs its API in-process (that mode
went in 3.0, for the websockets its events need), so the saving is to pay it once:

- The first run starts the same server Prefect would (uvicorn, ``create_app``, no UI, no
  background services: ``PREFECT__SERVER_EPHEMERAL``), on a free loopback port, under a
  small supervisor process that outlives the run, and notes its URL in
  ``$PREFECT_HOME/winnow-server.json``.
- Later runs read that file, ask ``/health`` (a millisecond) and use it. So does a run
  beside ``make serve`` (``flows.local_server`` notes its server the same way).
- The supervisor stops the server when no run has used it for
  ``WINNOW_PREFECT_SERVER_IDLE`` seconds (default 900); ``0`` turns the sharing off
  (each run has Prefect's temporary server, as before).

Every run is still a flow run in that server's database (``PREFECT_HOME``): the same
runs ``prefect server start`` or ``make serve`` then show in the UI.

Runs mark their use with a shared ``flock`` on ``winnow-server.users`` for their length;
the supervisor quits only when it can take that lock exclusively, holding
``winnow-server.lock``, the lock under which runs find or start the server, so a run
never finds a server that is about to go.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

STATE_FILE = "winnow-server.json"
LOCK_FILE = "winnow-server.lock"
USERS_FILE = "winnow-server.users"
IDLE_ENV = "WINNOW_PREFECT_SERVER_IDLE"
DEFAULT_IDLE = 900.0
START_TIMEOUT = 90.0  # seconds: a busy machine took 27 s to start Prefect's server
CHECK_EVERY = 5.0  # seconds between the supervisor's looks

log = logging.getLogger(__name__)


def idle_seconds() -> float:
    """``WINNOW_PREFECT_SERVER_IDLE`` if it is a number >= 0, else the default."""
    try:
        value = float(os.environ.get(IDLE_ENV, ""))
    except ValueError:
        return DEFAULT_IDLE
    return value if value >= 0 else DEFAULT_IDLE


def free_port() -> int:
    """A port on 127.0.0.1 that no one listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM a process started in its own session and its group (a server and its
    workers), then SIGKILL what is left after ``grace`` seconds."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether a Prefect server answers its health check at ``url``."""
    import httpx

    try:
        return httpx.get(f"{url}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def running_server(home: Path) -> str | None:
    """The API URL noted in ``home`` if a server answers there, else None."""
    try:
        noted = json.loads((home / STATE_FILE).read_text(encoding="utf-8"))
        url = str(noted["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return url if healthy(url) else None


def note_server(home: Path, url: str, pid: int) -> None:
    """Note a running server's URL for later runs (atomically: a reader never sees half)."""
    home.mkdir(parents=True, exist_ok=True)
    tmp = home / f".{STATE_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"url": url, "pid": pid}), encoding="utf-8")
    os.replace(tmp, home / STATE_FILE)


def forget_server(home: Path, url: str) -> None:
    """Remove the note, if it still names ``url``."""
    path = home / STATE_FILE
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("url") == url:
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


@contextmanager
def _flock(path: Path, mode: int) -> Iterator[int]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, mode)
        yield fd
    finally:
        os.close(fd)  # releases the lock


def _start(home: Path, idle: float, env: dict[str, str]) -> str:
    """Start a supervised server in the background; return its URL once it answers."""

    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    with open(home / "winnow-server.log", "ab") as errors:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flows.shared_server", "--port", str(port),
             "--idle", str(idle), "--home", str(home)],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
            start_new_session=True,  # outlives this run; Ctrl-C in the terminal is not for it
        )
    deadline = time.monotonic() + START_TIMEOUT
    while not healthy(url, timeout=1.0):
        if proc.poll() is not None or time.monotonic() > deadline:
            with suppress(ProcessLookupError):  # the supervisor and its server
                os.killpg(proc.pid, signal.SIGKILL)
            raise RuntimeError(f"the shared Prefect server did not start (see"
                               f" {home / 'winnow-server.log'})")
        time.sleep(0.1)
    note_server(home, url, proc.pid)
    return url


@contextmanager
def shared_api() -> Iterator[str | None]:
    """For the ``with`` block: the Prefect API of the shared server (found, or started and
    waited for), set as ``PREFECT_API_URL`` for this process and those it starts. Yields
    None and changes nothing when ``PREFECT_API_URL`` is set already or sharing is off;
    if the server cannot start, Prefect's temporary server does the run, with a warning."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_HOME,
        get_current_settings,
        temporary_settings,
    )

    idle = idle_seconds()
    if PREFECT_API_URL.value() or idle == 0:
        yield None
        return
    home = Path(PREFECT_HOME.value()).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True)}
    env.pop("PREFECT_API_URL", None)
    with _flock(home / USERS_FILE, fcntl.LOCK_SH):  # in use for the whole run
        os.utime(home / USERS_FILE)  # and used now: a run shorter than a look is seen too
        try:
            with _flock(home / LOCK_FILE, fcntl.LOCK_EX):
                url = running_server(home) or _start(home, idle, env)
        except RuntimeError as exc:
            log.warning("%s: this run uses a temporary Prefect server", exc)
            yield None
            return
        saved = os.environ.get("PREFECT_API_URL")
        os.environ["PREFECT_API_URL"] = url
        try:
            with temporary_settings(updates={PREFECT_API_URL: url}):
                yield url
        finally:
            if saved is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = saved


# ------------------------------------------------------------------ the supervisor


def _server_command(port: int) -> list[str]:
    """The server Prefect 3.8 starts as its temporary one (``SubprocessASGIServer``)."""
    import importlib.util

    spec = importlib.util.find_spec("prefect")
    assert spec is not None and spec.origin is not None
    app_dir = str(Path(spec.origin).parent.parent)
    return [sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory",
            "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port",
            str(port), "--log-level", "error", "--lifespan", "on"]


def _unused(home: Path) -> bool:
    """Whether no run holds the users lock (taken and released at once if so)."""
    fd = os.open(home / USERS_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def _last_use(home: Path) -> float:
    """When a run last began to use the server (the users file's mtime, set by each)."""
    try:
        return (home / USERS_FILE).stat().st_mtime
    except OSError:
        return 0.0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def supervise(port: int, idle: float, home: Path) -> int:
    """Run the server until it has had no user for ``idle`` seconds (or dies, or this
    process is terminated); then stop it and remove its note."""
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
           "PREFECT__SERVER_FINAL": "1"}
    server = subprocess.Popen(_server_command(port), env=env)
    url = f"http://127.0.0.1:{port}/api"
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # its session's Ctrl-C is no one's
    seen_in_use = time.time()
    try:
        while server.poll() is None:
            time.sleep(CHECK_EVERY)
            if not _unused(home):
                seen_in_use = time.time()
                continue
            if max(seen_in_use, _last_use(home)) > time.time() - idle:
                continue
            with _flock(home / LOCK_FILE, fcntl.LOCK_EX):  # no run is finding it now
                if _unused(home):
                    forget_server(home, url)
                    break
    except KeyboardInterrupt:
        forget_server(home, url)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    forget_server(home, url)
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m flows.shared_server",
                                 description="the shared Prefect server's supervisor")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--idle", type=float, default=DEFAULT_IDLE)
    ap.add_argument("--home", required=True)
    args = ap.parse_args(argv)
    return supervise(args.port, args.idle, Path(args.home))


if __name__ == "__main__":
    sys.exit(main())
