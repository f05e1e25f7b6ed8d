"""Scheduled runs: the clean_pages deployment is registered with its cron schedule, and
``winnow serve`` refuses clearly when it cannot work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_the_deployment_is_registered_with_its_cron_schedule(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client

    from flows.schedule import build_deployment

    deployment = build_deployment("*/5 * * * *", raw="raw", out=str(tmp_path / "clean"),
                                  name="test-schedule")
    deployment_id = deployment.apply()
    with get_client(sync_client=True) as client:
        found = client.read_deployment_by_name("clean_pages/test-schedule")
    assert found.id == deployment_id
    [schedule] = found.schedules
    assert schedule.schedule.cron == "*/5 * * * *" and schedule.active
    # folders made absolute: a scheduled run may start in another working directory
    assert found.parameters == {"raw": str(Path("raw").absolute()),
                                "out": str(tmp_path / "clean")}


def test_a_bad_cron_is_a_usage_error():
    from flows.schedule import ScheduleError, check_cron

    assert check_cron("0 6 * * 1-5") == "0 6 * * 1-5"
    with pytest.raises(ScheduleError, match="five fields"):
        check_cron("61 * * * *")


def serve_cli(*args: str, api_url: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return subprocess.run([sys.executable, "-m", "flows.cli", "serve", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_serve_without_a_server_says_how_to_get_one():
    proc = serve_cli(api_url=None)
    assert proc.returncode == 1
    [line] = proc.stderr.strip().splitlines()
    assert "needs a running Prefect server" in line and "make serve" in line
    down = serve_cli(api_url="http://127.0.0.1:9/api")
    assert down.returncode == 1 and "does not answer" in down.stderr
    bad = serve_cli("--cron", "every hour", api_url=None)
    assert bad.returncode == 2 and "invalid cron expression" in bad.stderr


def test_a_served_deployment_cleans_with_its_site_profiles(tmp_path):
    """``winnow serve --profiles DIR``: each scheduled run (and a fetch-then-clean one)
    cleans with the profiles, from wherever it starts."""
    from flows.cli import parse_args
    from flows.fetch import fetch_pages
    from flows.pipeline import clean_pages
    from flows.schedule import build_deployment

    assert parse_args(["serve", "--profiles", "site-profiles"]).profiles == "site-profiles"
    folder = tmp_path / "site-profiles"
    clean = build_deployment("0 * * * *", raw="raw", out=str(tmp_path), profiles=str(folder))
    assert clean_pages.validate_parameters(clean.parameters)["profiles"] == str(folder)
    fetch = build_deployment("0 * * * *", raw="raw", out=str(tmp_path), profiles="rel",
                             fetch={"fetch_settings": {}, "settings_dir": str(tmp_path)})
    assert fetch_pages.validate_parameters(fetch.parameters)["profiles"] == str(
        Path("rel").absolute())
    assert "profiles" not in build_deployment("0 * * * *", out=str(tmp_path)).parameters
