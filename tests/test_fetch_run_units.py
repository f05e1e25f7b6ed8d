"""fetching.run's pieces without a server: the summary a fetch prints and saves, its run
id, the client's limits from the settings, and a fetch over sources that found nothing.
Whole fetches against loopback servers are in test_fetch_faults.py and the others."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

from helpers.fetchsite import run_fetch, settings, urls_source

from fetching.run import FetchSummary, client_limits, new_run_id
from fetching.settings import FetchSettings


def _summary(**changes) -> FetchSummary:
    summary = FetchSummary("R1", "2025-12-01T10:00:00+00:00", "out/_fetch/R1.jsonl")
    for key, value in changes.items():
        setattr(summary, key, value)
    return summary


def test_the_headline_lists_outcomes_most_frequent_first_then_by_name():
    summary = _summary(discovered=9, counts={"saved": 2, "timeout": 5, "http_404": 2})
    assert summary.headline() == "9 URLs: 5 timeout, 2 http_404, 2 saved"
    assert _summary(discovered=0).headline() == "0 URLs: nothing fetched"


def test_the_summary_text_adds_recovered_saves_and_the_error():
    summary = _summary(discovered=1, counts={"saved": 1}, seconds=2.345, recovered=3,
                       status="failed", error="OSError: disk full")
    assert summary.to_text() == (
        "fetch R1 failed: 1 URLs: 1 saved in 2.3 s; 3 saves of a killed fetch recovered"
        "\nerror: OSError: disk full\nlog: out/_fetch/R1.jsonl")
    assert _summary(seconds=1).to_text() == (
        "fetch R1 completed: 0 URLs: nothing fetched in 1.0 s\nlog: out/_fetch/R1.jsonl")


def test_the_saved_summary_names_the_list_of_pages_not_the_pages():
    """A fetch may save 100,000 pages: the summary's dict (a flow result, the summary
    file) holds everything else and the path of the list."""
    data = _summary(saved_paths=["site/a.html"] * 3, saved_list="out/_fetch/R1.saved").to_dict()
    assert "saved_paths" not in data
    assert data["saved_list"] == "out/_fetch/R1.saved" and data["run_id"] == "R1"
    assert set(data) == set(FetchSummary.__dataclass_fields__) - {"saved_paths"}


def test_a_run_id_is_the_utc_time_and_six_hex_digits(monkeypatch):
    assert re.fullmatch(r"20251201T100000Z-[0-9a-f]{6}",
                        new_run_id(datetime(2025, 12, 1, 10, 0, tzinfo=UTC)))
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # a machine nine hours ahead of UTC
    time.tzset()
    try:
        before = datetime.now(UTC).replace(microsecond=0)
        made = new_run_id()
        after = datetime.now(UTC)
    finally:
        monkeypatch.undo()
        time.tzset()
    stamp = datetime.strptime(made[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before <= stamp <= after


def test_the_client_takes_every_limit_from_the_settings():
    limits = client_limits(FetchSettings(max_bytes=1234, timeout=7.0, allow_private=True,
                                         contact="desk@example.org"))
    assert (limits.max_bytes, limits.timeout, limits.allow_private) == (1234, 7.0, True)
    assert "desk@example.org" in limits.user_agent


def test_a_fetch_that_finds_nothing_still_writes_its_summary(tmp_path):
    """Sources with no URLs: a completed fetch of nothing, under the run id it was given,
    its summary and (empty) list of saved pages on disk."""
    source = urls_source(tmp_path, [])
    started = datetime.now(UTC).replace(microsecond=0)
    summary = run_fetch(tmp_path, [source], settings(), run_id="RUN-7")
    assert (summary.run_id, summary.status, summary.discovered, summary.counts) == (
        "RUN-7", "completed", 0, {})
    assert summary.log.endswith("RUN-7.jsonl")
    assert datetime.fromisoformat(summary.started_at) >= started
    saved = json.loads(Path(summary.saved_list).with_name("RUN-7.summary.json").read_text())
    assert saved["run_id"] == "RUN-7" and saved["started_at"] == summary.started_at
    assert Path(summary.saved_list).read_text() == ""


def test_a_fetch_without_a_run_id_makes_one(tmp_path):
    summary = run_fetch(tmp_path, [urls_source(tmp_path, [])], settings())
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", summary.run_id)
