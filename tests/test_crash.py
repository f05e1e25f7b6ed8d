"""kill -9 at random moments, and two runs at once: the output stays whole and every raw
page ends up exactly once across the part files the manifest lists.

The killed process is a real run of the flow's code: ``tests/helpers/core_run.py``
forks a process per run that runs ``flows.run.execute`` (the body of
``clean_pages``) on a thread pool, from a parent that warmed the cleaner up once,
so twenty kills fit in seconds; one of the twenty is the ``winnow backfill``
command itself, under Prefect. The overlap test runs the ``winnow run`` command.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers.accounting import (
    check_consistent,
    check_exactly_once,
    files_on_disk,
    manifest,
)
from helpers.archive import make_archive

REPO = Path(__file__).resolve().parents[1]
CORE_RUN = REPO / "tests" / "helpers" / "core_run.py"
KILLS = 20
# kills are drawn from the first 80% of the probe's writing time: a run can write faster
# than the one probe did, and a kill drawn near the probe's end then finds it finished
# (once only 13 of 20 kills landed, under the 14 the check below requires)
KILL_REACH = 0.8


def prefect_env() -> dict[str, str]:
    """The environment for a subprocess that uses the session's Prefect server."""
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ)
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    return env


def run_folders(out: Path) -> set[str]:
    return {p.name for kind in ("articles", "rejects") for p in (out / kind).glob("*")}


class ForkedRun:
    """One run forked by the fork server: ``poll``/``kill``/``wait`` like a Popen."""

    def __init__(self, server: ForkServer, pid: int) -> None:
        self.server, self.pid, self.returncode = server, pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:  # a zombie until the server reaps it: ask the kernel for its state
                state = Path(f"/proc/{self.pid}/stat").read_text().split(")")[-1].split()[0]
            except OSError:
                state = "Z"
            if state == "Z":
                self.returncode = self.server.reaped()
        return self.returncode

    def send_signal(self, sig: int) -> None:
        os.kill(self.pid, sig)

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = self.server.reaped()
        return self.returncode

    def communicate(self) -> tuple[str, str]:
        self.wait()
        return self.server.output, ""


class ForkServer:
    """tests/helpers/core_run.py --fork-server: a warm parent forking one run at a time."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.proc = subprocess.Popen(
            [sys.executable, str(CORE_RUN), "--fork-server"], cwd=REPO, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log.open("w"),
        )
        assert self._line() == "ready"
        self.output = ""

    def _line(self) -> str:
        line = self.proc.stdout.readline()  # type: ignore[union-attr]
        assert line, f"fork server died: {self.log.read_text()[-2000:]}"
        return line.strip()

    def start(self, raw: Path, out: Path, *args: str) -> ForkedRun:
        command = [str(raw), str(out), "--batch-size", "3", *args]
        self.proc.stdin.write(" ".join(command) + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        self.output = ""
        while not (line := self._line()).startswith("pid "):
            pass
        return ForkedRun(self, int(line.split()[1]))

    def reaped(self) -> int:
        while not (line := self._line()).startswith("exit "):
            self.output += line + "\n"
        return int(line.split()[1])

    def close(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.wait(30)


def start_cli(raw: Path, out: Path, *args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args, "--raw", str(raw), "--out", str(out)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )


class _LineReader:
    """A subprocess's output read by a thread, so a test can wait for one line in it."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self._lines: list[str] = []
        self._seen = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            with self._seen:
                self._lines.append(line)
                self._seen.notify_all()

    def wait_for(self, text: str, timeout: float) -> bool:
        with self._seen:
            return self._seen.wait_for(lambda: any(text in ln for ln in self._lines), timeout)

    def text(self, join_timeout: float = 0) -> str:
        if join_timeout:
            self._thread.join(join_timeout)
        with self._seen:
            return "".join(self._lines)


def read_lines_in_background(proc: subprocess.Popen) -> _LineReader:
    return _LineReader(proc)


def wait_for_first_part(proc: subprocess.Popen | ForkedRun, out: Path) -> None:
    """Return once ``proc`` begins writing part files (a new run folder appears) or ends."""
    before = run_folders(out) if out.exists() else set()
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if out.exists() and run_folders(out) - before:
            break
        time.sleep(0.005)


def writing_time(proc: ForkedRun, out: Path) -> float:
    """Seconds from a run's first part file to its end: the span kills are drawn from."""
    wait_for_first_part(proc, out)
    started = time.monotonic()
    assert proc.wait() == 0, proc.communicate()[0]
    return time.monotonic() - started


def kill_while_writing(proc: subprocess.Popen | ForkedRun, out: Path, delay: float
                       ) -> tuple[str, float]:
    """SIGKILL ``proc`` ``delay`` seconds after it begins writing part files. Returns
    whether it was killed or finished first, and the seconds it wrote for."""
    wait_for_first_part(proc, out)
    started = time.monotonic()
    if proc.poll() is not None:
        output = proc.communicate()[0]
        assert proc.returncode == 0, f"the run failed before writing:\n{output[-3000:]}"
        return "finished before writing", 0.0
    while True:
        if proc.poll() is not None:
            proc.communicate()
            return "finished", time.monotonic() - started
        if time.monotonic() - started >= delay:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    return "killed", delay


def left_to_do(out: Path, total: int, reprocess: bool) -> float:
    """The share of the pages the next run has to clean: a resumed run writes for less
    time than a whole one, and its kill is drawn from that shorter time."""
    from flows.state import RunState

    if not out.exists():
        return 1.0
    with RunState(out) as state:
        building = state.building_version()
        if reprocess:
            done = len(state.known_keys(building[0])) if building else 0
        else:
            done = len(state.known_keys())
    return max(0.05, (total - done) / total)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, list[str]]:
    raw = tmp_path_factory.mktemp("archive")
    return raw, make_archive(raw, 120, short=True)


def test_kill_minus_9_at_twenty_random_moments_loses_and_doubles_nothing(
    prefect_server, archive, tmp_path
):
    raw, pages = archive
    out = tmp_path / "clean"
    rng = random.Random(20251121)
    outcomes = []
    completed_once = False
    server = ForkServer(tmp_path / "fork-server.log")
    start_core = server.start
    # how long a whole run writes on this machine, so the kills land inside runs
    span = writing_time(start_core(raw, tmp_path / "probe"), tmp_path / "probe")
    for i in range(KILLS):
        # First the incremental run (resuming what a killed run committed); once the
        # output is complete, reprocess runs, which build a new version beside the live
        # one and resume an unfinished one: there is always work to be killed in.
        reprocess = completed_once
        args = ("--reprocess",) if reprocess else ()
        if i == KILLS // 2:  # once, the real command under Prefect
            proc = start_cli(raw, out, "backfill", "--batch-size", "3", *args,
                             env=prefect_env())
        else:
            proc = start_core(raw, out, *args)
        share = left_to_do(out, len(pages), reprocess)
        outcome, wrote = kill_while_writing(proc, out,
                                            rng.uniform(0.0, KILL_REACH * span * share))
        outcomes.append(outcome)
        if outcome == "finished":
            # runs write faster now than the probe did (a CI machine's load comes and
            # goes): draw the next kills from what this one took
            span = min(span, wrote / share)
        check_consistent(out)
        if completed_once:
            # the live version is complete, whatever happened to the one being built
            check_exactly_once(out, pages)
        elif outcome != "killed" or i == 2:
            # after a few kills of the incremental run, let one finish
            done = start_core(raw, out)
            assert done.wait() == 0, done.communicate()[0]
            check_exactly_once(out, pages)
            completed_once = True
    assert outcomes.count("killed") >= KILLS * 7 // 10, outcomes  # kills landed mid-run

    # A final run of each kind completes the picture: the reprocessed version is live,
    # and nothing is left on disk that the manifest does not list.
    for args in (("--reprocess",), ()):
        done = start_core(raw, out, *args)
        assert done.wait() == 0, done.communicate()[0]
        check_exactly_once(out, pages)
    server.close()
    listed = {p["path"] for p in manifest(out)["parts"]}
    assert files_on_disk(out) == listed


def test_two_runs_at_once_one_refused_one_queued_then_consistent(prefect_server, tmp_path):
    """A holds the output folder (frozen mid-run with SIGSTOP, so the overlap is certain);
    B and C start together: B, without --wait, exits with a one-line error; C waits, and
    when A finishes it finds every page done."""
    raw = tmp_path / "raw"
    pages = make_archive(raw, 40)
    out = tmp_path / "clean"
    env = prefect_env()
    a = start_cli(raw, out, "run", "--batch-size", "5", env=env)
    before = set()
    deadline = time.monotonic() + 60
    while a.poll() is None and not run_folders(out) - before and time.monotonic() < deadline:
        time.sleep(0.005)
    assert a.poll() is None, a.communicate()[0]
    a.send_signal(signal.SIGSTOP)
    try:
        b = start_cli(raw, out, "run", env=env)
        c = start_cli(raw, out, "run", "--wait", env=env)
        b_out, _ = b.communicate(timeout=60)
        assert b.returncode == 1
        error = [line for line in b_out.splitlines() if line.startswith("winnow: error:")]
        assert len(error) == 1 and "another winnow run is writing to" in error[0], b_out
        # C must be queued on the lock before A goes on: under load its start-up
        # (imports, Prefect) can outlast A's remaining work, and then it never waits.
        c_lines = read_lines_in_background(c)
        assert c_lines.wait_for("waiting for it to finish", timeout=60), c_lines.text()
        assert c.poll() is None  # still queued behind A
    finally:
        a.send_signal(signal.SIGCONT)
    # Under CI load the session's SQLite-backed Prefect server can answer slowly
    # ("database is locked"): A's and C's last state changes wait on it.
    a_out, _ = a.communicate(timeout=180)
    c.wait(timeout=180)
    c_out = c_lines.text(join_timeout=10)
    assert a.returncode == 0 and c.returncode == 0, a_out + c_out
    assert f"{len(pages)} records" in a_out
    assert "0 records, 0 rejects, 40 skipped" in c_out
    check_exactly_once(out, pages)


def test_a_batch_written_but_not_committed_when_the_run_died_is_removed_and_redone(tmp_path):
    """The narrowest window, made on purpose: the part files of a batch are on disk (and
    a writer's temporary file), the state never heard of them. The next run removes
    them before it writes and cleans those pages again."""
    import logging

    from helpers.core_run import parse, run

    from flows.batch import clean_batch, page_job
    from flows.discover import discover
    from flows.state import RunState
    from flows.writer import write_batch

    raw = tmp_path / "raw"
    pages = make_archive(raw, 6, short=True)
    out = tmp_path / "clean"
    with RunState(out) as state:
        state.start_run("20250101T000000Z-dead01", {})
    jobs = [page_job(p) for p in discover(raw).pages[:3]]
    result = clean_batch(jobs, 0)
    written = write_batch(out, "20250101T000000Z-dead01", 0, result.articles, [])
    temp = out / "articles" / "20250101T000000Z-dead01" / ".part-00001.jsonl.abc123.tmp"
    temp.write_text('{"half": ')
    assert written and files_on_disk(out) == {w.path for w in written} | {
        temp.relative_to(out).as_posix()}

    logging.getLogger("core_run").setLevel(logging.WARNING)
    assert run(parse([str(raw), str(out), "--batch-size", "2"])) == 0
    check_exactly_once(out, pages)
    assert files_on_disk(out) == {p["path"] for p in manifest(out)["parts"]}
    [summary] = [json.loads(f.read_text()) for f in (out / "_state" / "runs").glob("*.json")]
    assert summary["removed_unlisted"] == 2 and summary["processed"] == 6


def test_killed_between_the_switch_to_a_new_version_and_the_manifest(tmp_path, monkeypatch):
    """The reprocess committed its last batch and made its version live, then died before
    the manifest said so: consumers still read the old version, whole; the next run
    writes the manifest of the new one, and only then removes the old files."""
    import logging
    from concurrent.futures import Future

    import flows.run
    from flows.batch import clean_batch
    from flows.run import RunRequest, execute

    class Killed(BaseException):
        """Stands for SIGKILL: nothing after it runs, no handler sees it."""

    raw = tmp_path / "raw"
    pages = make_archive(raw, 6, short=True)
    out = tmp_path / "clean"
    log = logging.getLogger("test")

    def submit(jobs, part):
        future = Future()
        future.set_result(clean_batch(jobs, part))
        return future

    execute(RunRequest(raw=str(raw), out=str(out), batch_size=2), submit=submit, logger=log)
    old = manifest(out)
    real_promote = flows.run.RunState.promote

    def promote_then_die(self, version):
        real_promote(self, version)
        raise Killed

    monkeypatch.setattr(flows.run.RunState, "promote", promote_then_die)
    with pytest.raises(Killed):
        execute(RunRequest(raw=str(raw), out=str(out), batch_size=2, reprocess=True),
                submit=submit, logger=log)
    assert manifest(out)["parts"] == old["parts"]  # the old version, whole, still listed
    check_consistent(out)  # every listed file is there

    monkeypatch.setattr(flows.run.RunState, "promote", real_promote)
    after = execute(RunRequest(raw=str(raw), out=str(out), batch_size=2), submit=submit,
                    logger=log)
    assert after.processed == 0  # the new version is complete and live
    new = manifest(out)
    assert new["output_version"] == 2 and new["parts"] != old["parts"]
    check_exactly_once(out, pages)
    assert files_on_disk(out) == {p["path"] for p in new["parts"]}  # old files gone
