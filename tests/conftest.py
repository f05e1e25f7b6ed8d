"""Shared fixtures. Prefect is configured here, before any test imports it:
no analytics, no calls home, and a Prefect home of its own so the suite never
touches ~/.prefect."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
if "PREFECT_HOME" not in os.environ:
    # made here, removed when this process ends (xdist workers inherit it and make their
    # own folders inside it): a suite run left one behind each time, thousands in /tmp.
    # A shared server still idling there stops once its home is gone (flows.shared_server).
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="winnow-test-prefect-")
    atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], True)
# the Prefect server the suite's runs share (flows/shared_server.py) stops a minute after
# the last of them, not the 15 minutes a user's would wait
os.environ.setdefault("WINNOW_PREFECT_SERVER_IDLE", "60")
if _WORKER := os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest-xdist (make test runs one worker per CPU): each worker its own Prefect home,
    # so the workers' temporary servers never share one SQLite database
    os.environ["PREFECT_HOME"] = os.path.join(os.environ["PREFECT_HOME"], _WORKER)
    os.makedirs(os.environ["PREFECT_HOME"], exist_ok=True)

REPO = Path(__file__).resolve().parent.parent
RAW_SAMPLES = REPO / "raw"


@pytest.fixture(autouse=True)
def _no_stray_settings_file(request, monkeypatch):
    """A ``winnow.toml`` kept in the checkout (the README's fetch example makes one) must
    not change what the tests run: the commands' default lookup is pointed at a name no
    one has, except in tests of that lookup (``settings_lookup``), which make their own."""
    if "settings_lookup" not in request.fixturenames:
        monkeypatch.setattr("flows.settings.DEFAULT_FILE", ".winnow-tests-read-no-settings.toml")


@pytest.fixture
def settings_lookup() -> None:
    """Keep ``./winnow.toml`` as the settings file's default (see above)."""


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect server for the session (it takes 10-20 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def sample_raw(tmp_path: Path) -> Path:
    """A copy of the sample pages in raw/, so a test may add to it or change it."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for page in sorted(RAW_SAMPLES.iterdir()):
        if page.is_file():
            shutil.copy2(page, raw / page.name)
    return raw


@pytest.fixture(scope="session")
def sample_names() -> list[str]:
    """The names of the sample pages in raw/ (the five seeds)."""
    return sorted(p.name for p in RAW_SAMPLES.iterdir() if p.is_file())


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver on 127.0.0.1 (its default, "localhost", may resolve to ::1 too):
    the fetch tests reach it with allow_private=true, and never anything else."""
    return ("127.0.0.1", 0)


# --- every rule acts in some test (tests/rule_coverage.py) --------------------------
import rule_coverage  # noqa: E402

rule_coverage.install()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist: a worker's rules that fired join the controller's set."""
    FIRED_ELSEWHERE.update(getattr(node, "workeroutput", {}).get("fired_rules", []))


FIRED_ELSEWHERE: set[str] = set()


def pytest_sessionfinish(session, exitstatus):
    """With WINNOW_NO_SKIPS=1 (set by .ci/run) a skip fails the run: a test that depends on
    the dev pages, the compiled build or a tool runs in CI or fails there, never passes by
    being left out. With WINNOW_RULE_COVERAGE=1, so does a rule no test made act."""
    if hasattr(session.config, "workeroutput"):  # an xdist worker: the controller judges
        session.config.workeroutput["fired_rules"] = sorted(rule_coverage.FIRED)
        return
    if SKIPPED and os.environ.get("WINNOW_NO_SKIPS") == "1":
        session.exitstatus = 1
    if os.environ.get("WINNOW_RULE_COVERAGE") != "1" or exitstatus != 0:
        return
    missing = rule_coverage.unfired(FIRED_ELSEWHERE)
    if missing:
        print(f"\nrule coverage: no test made these rules label anything: {missing}")
        session.exitstatus = 1


# --- skips are named at the end, and CI allows none (issue 23) ---------------------
SKIPPED: list[tuple[str, str]] = []


def pytest_runtest_logreport(report):
    """Collect each skipped test with its reason, as the run goes."""
    if report.skipped and not hasattr(report, "wasxfail"):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        SKIPPED.append((report.nodeid, reason.removeprefix("Skipped: ")))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Name each skipped test with its reason, whatever the run's options."""
    terminalreporter.section(f"skipped tests: {len(SKIPPED)}")
    for nodeid, reason in SKIPPED:
        terminalreporter.write_line(f"SKIPPED {nodeid}: {reason}")
    if SKIPPED and os.environ.get("WINNOW_NO_SKIPS") == "1":
        terminalreporter.write_line("WINNOW_NO_SKIPS=1 (CI): these skips fail the run")
