"""Shared fixtures. Prefect is configured here, before any test imports it:
no analytics, no calls home, and a Prefect home of its own so the suite never
touches ~/.prefect."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="winnow-test-prefect-"))

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


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("WINNOW_RULE_COVERAGE") != "1" or exitstatus != 0:
        return
    missing = rule_coverage.unfired()
    if missing:
        print(f"\nrule coverage: no test made these rules label anything: {missing}")
        session.exitstatus = 1
