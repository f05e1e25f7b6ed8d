"""Start-up paid once (flows.shared_server): with no PREFECT_API_URL the first run starts a
Prefect server in the background and notes it; the next run finds and uses it, with no
start of its own; the run is a flow run in that server; and the server goes once idle."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import flows.shared_server as shared
from flows.shared_server import STATE_FILE, running_server, shared_api


@pytest.fixture
def no_api(tmp_path, monkeypatch):
    """No PREFECT_API_URL (whatever the session's harness set) and a Prefect home of the
    test's own; the shared server stops 1 s after its last use."""
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    home = tmp_path / "prefect-home"
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    monkeypatch.setenv(shared.IDLE_ENV, "1")
    with temporary_settings(updates={PREFECT_HOME: str(home)},
                            restore_defaults={PREFECT_API_URL}):
        yield home


def _flow_run_names(url: str) -> list[str]:
    import httpx

    response = httpx.post(f"{url}/flow_runs/filter", json={}, timeout=30)
    response.raise_for_status()
    return [run["name"] for run in response.json()]


def test_the_second_run_finds_the_server_the_first_started(no_api: Path, sample_raw,
                                                           tmp_path, monkeypatch):
    from flows.pipeline import clean_pages

    with shared_api() as first:
        assert first is not None and first.startswith("http://127.0.0.1:")
        assert json.loads((no_api / STATE_FILE).read_text())["url"] == first
        summary = clean_pages(raw=str(sample_raw), out=str(tmp_path / "out"))
        assert summary["records"] == 5

    def no_start(*args, **kwargs):
        raise AssertionError("the second run started a server of its own")

    monkeypatch.setattr(shared, "_start", no_start)
    with shared_api() as second:
        assert second == first
        # the first run is a flow run there: kept visible in Prefect
        assert any(name.startswith("clean raw") for name in _flow_run_names(second))
    # unused for its idle time (1 s here), the server stops and its note goes
    deadline = time.monotonic() + 60
    while running_server(no_api) is not None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert running_server(no_api) is None
    assert not (no_api / STATE_FILE).exists()


def test_a_set_api_url_or_sharing_off_changes_nothing(monkeypatch, no_api):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}), \
            shared_api() as url:
        assert url is None
    monkeypatch.setenv(shared.IDLE_ENV, "0")
    with shared_api() as url:
        assert url is None
    assert not (no_api / STATE_FILE).exists()


def test_a_stale_note_is_not_used(no_api):
    no_api.mkdir(parents=True, exist_ok=True)
    (no_api / STATE_FILE).write_text(json.dumps({"url": "http://127.0.0.1:9/api", "pid": 1}))
    assert running_server(no_api) is None
    (no_api / STATE_FILE).write_text("{not json")
    assert running_server(no_api) is None
