"""Run a command beside a Prefect server of its own, on loopback (``make serve``).

    python -m flows.local_server [--port N] -- COMMAND [ARGS...]

Starts ``prefect server start`` on 127.0.0.1 (a free port unless ``--port``),
waits until ``/api/health`` answers, runs COMMAND with ``PREFECT_API_URL``
pointing at it, and stops the server when COMMAND ends, or when this process
is interrupted (Ctrl-C) or terminated. The server keeps its database in
``PREFECT_HOME`` (default ``~/.prefect``), so deployments and run history
survive a restart, and notes its URL there while it runs, so a ``winnow run`` in
another terminal uses it (``flows.shared_server``).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from flows.shared_server import free_port, healthy, stop_group

QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


@contextmanager
def prefect_server(port: int | None = None, timeout: float = 120.0) -> Iterator[str]:
    """A ``prefect server start`` on loopback for the ``with`` block; yields its API URL."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, **{k: os.environ.get(k, v) for k, v in QUIET.items()}}
    env.pop("PREFECT_API_URL", None)  # the server must not think it is a client of another
    # the UI it serves asks the API at PREFECT_UI_API_URL, which otherwise defaults to the
    # settings' port (4200), not the free port given on the command line: the UI opened
    # empty, or showed another server's runs
    env["PREFECT_UI_API_URL"] = url
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
         "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so stopping it stops all of it
    )
    try:
        deadline = time.monotonic() + timeout
        while not healthy(url):
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise RuntimeError(f"prefect server exited ({proc.returncode}): {err[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"prefect server did not answer at {url} in {timeout:.0f} s")
            time.sleep(0.3)
        # ``winnow run`` in another terminal finds this server and uses it
        # (``flows.shared_server``) instead of starting one of its own
        from flows.shared_server import forget_server, note_server

        home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
        note_server(home, url, proc.pid)
        try:
            yield url
        finally:
            forget_server(home, url)
    finally:
        stop_group(proc)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _default_sigint() -> None:
    """In the child: Ctrl-C means KeyboardInterrupt again, even when this process was
    started in the background (where the shell leaves SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stop_child(child: subprocess.Popen) -> None:
    """Ask the command to stop as Ctrl-C would (``winnow serve`` pauses its schedule and
    exits), then insist. Further signals are ignored meanwhile, so the server is never
    left behind half-way through."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for sig, grace in ((signal.SIGINT, 20.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, None)):
        if child.poll() is not None:
            return
        child.send_signal(sig)
        try:
            child.wait(grace)
        except subprocess.TimeoutExpired:
            continue


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m flows.local_server", description=__doc__)
    ap.add_argument("--port", type=int, help="port for the server (default: a free one)")
    ap.add_argument("command", nargs=argparse.REMAINDER, help="the command to run")
    args = ap.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        ap.error("no command given")
    # Ctrl-C and SIGTERM (make killed, a service manager) unwind the same way: the
    # command is stopped, then the server.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    print("starting a Prefect server on 127.0.0.1 ...", file=sys.stderr, flush=True)
    try:
        with prefect_server(args.port) as url:
            print(f"Prefect server at {url.removesuffix('/api')} (UI and API);"
                  f" PREFECT_API_URL={url}", file=sys.stderr, flush=True)
            child = subprocess.Popen(command, env={**os.environ, "PREFECT_API_URL": url},
                                     preexec_fn=_default_sigint)
            try:
                return child.wait()
            except KeyboardInterrupt:
                _stop_child(child)
                return 130
            finally:
                print("stopping the Prefect server", file=sys.stderr, flush=True)
    except KeyboardInterrupt:  # while the server was starting
        return 130
    except RuntimeError as exc:
        print(f"local_server: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
