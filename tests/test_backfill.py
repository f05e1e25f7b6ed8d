"""The backfill: date selection, --reprocess keeping the live output until the new version
is complete, the consumers' "latest record" rule, and the task runners."""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from helpers.accounting import check_exactly_once, current_records, files_on_disk, manifest
from helpers.archive import add_sidecar, make_archive

from flows.batch import clean_batch
from flows.discover import discover
from flows.run import RunRequest, execute
from flows.select import date_in_path, page_date, parse_day, select_by_date

log = logging.getLogger("test")


class Done:
    """A finished future: what a task runner hands back, for runs without one."""

    def __init__(self, value=None, error=None):
        self.value, self.error = value, error

    def result(self):
        if self.error is not None:
            raise self.error
        return self.value


def run(raw, out, *, on_part=None, fail_part=None, **kwargs):
    """``execute`` with batches cleaned on the spot; ``on_part(part)`` runs as each batch
    is submitted, ``fail_part`` makes that batch's task fail."""

    def submit(jobs, part):
        if on_part is not None:
            on_part(part)
        if part == fail_part:
            return Done(error=RuntimeError("worker lost"))
        return Done(clean_batch(jobs, part))

    request = RunRequest(raw=str(raw), out=str(out), **kwargs)
    return execute(request, submit=submit, logger=log, in_flight=1)


# --- date selection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "day"),
    [
        ("ria/2024/03/15/page.html", date(2024, 3, 15)),
        ("ria/2024-03-15-page.html", date(2024, 3, 15)),
        ("ria/20240315_page.html", date(2024, 3, 15)),
        ("2023/01/02/archive/2024/02/29/x.txt", date(2024, 2, 29)),  # the deepest one
        ("ria/id-120240315999.html", None),  # digits inside an id are not a date
        ("ria/2024/02/31/x.html", None),  # no such day
        ("ria/2024-0315/x.html", None),  # mixed separators
        ("ria/2024/02/31/2024-03-15.html", date(2024, 3, 15)),  # an impossible day is passed over
    ],
)
def test_a_date_written_in_the_path(path, day):
    assert date_in_path(path) == day


def test_a_page_is_dated_by_sidecar_then_path_then_mtime(tmp_path):
    old = 1_600_000_000  # 2020-09-13 UTC
    for name in ("2024/05/01/a.txt", "2024/05/01/b.txt", "c.txt", "d.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (old, old))
    add_sidecar(tmp_path / "2024/05/01/a.txt", fetched_at="2024-06-30T23:30:00-02:00")
    add_sidecar(tmp_path / "c.txt", url="https://x.org/")  # no fetched_at: the mtime
    (tmp_path / "d.txt.meta.json").write_text("{broken")
    dates = {p.source_path: page_date(p) for p in discover(tmp_path).pages}
    assert dates == {
        "2024/05/01/a.txt": date(2024, 7, 1),  # the sidecar wins, in UTC
        "2024/05/01/b.txt": date(2024, 5, 1),
        "c.txt": date(2020, 9, 13),
        "d.txt": None,  # a broken sidecar: no date, kept in any range (and rejected)
    }
    pages = discover(tmp_path).pages
    june = select_by_date(pages, date(2024, 6, 1), date(2024, 6, 30))
    assert [p.source_path for p in june] == ["d.txt"]
    both = select_by_date(pages, date(2024, 5, 1), date(2024, 7, 1))  # ends inclusive
    assert [p.source_path for p in both] == ["2024/05/01/a.txt", "2024/05/01/b.txt", "d.txt"]
    assert parse_day("2024-05-01") == date(2024, 5, 1)
    with pytest.raises(ValueError, match="not a date"):
        parse_day("yesterday")


def test_backfill_since_until_from_the_command_line(prefect_server, tmp_path, capsys):
    from flows.cli import main

    raw = tmp_path / "raw"
    pages = make_archive(raw, 6, short=True)
    for i, name in enumerate(pages):
        add_sidecar(raw / name, fetched_at=f"2024-03-{10 + i:02d}T12:00:00Z")
    out = tmp_path / "clean"
    code = main(["backfill", "--raw", str(raw), "--out", str(out),
                 "--since", "2024-03-11", "--until", "2024-03-13"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "pages dated 2024-03-11 to 2024-03-13 (3 outside left out)" in printed
    assert sorted(current_records(out)) == sorted(pages[1:4])
    assert _last_flow_run_name() == "clean raw (3 pages, 2024-03-11..2024-03-13)"
    assert main(["backfill", "--raw", str(raw), "--out", str(out), "--reprocess"]) == 0
    assert _last_flow_run_name() == "reprocess raw (6 pages)"
    assert "reprocessed into output version 2" in capsys.readouterr().out
    assert sorted(current_records(out)) == sorted(pages)
    assert main(["backfill", "--raw", str(raw), "--since", "2024-03-14", "--until",
                 "2024-03-01"]) == 2
    assert "is after --until" in capsys.readouterr().err


def _last_flow_run_name() -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        [last] = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=1)
    return last.name


# --- reprocess ----------------------------------------------------------------------------


def test_reprocess_keeps_the_old_output_live_until_the_new_version_is_complete(tmp_path):
    raw = tmp_path / "raw"
    pages = make_archive(raw, 12, short=True)
    out = tmp_path / "clean"
    first = run(raw, out, batch_size=4)
    old_manifest = manifest(out)
    old_files = files_on_disk(out)
    assert old_manifest["output_version"] == 1 and len(old_manifest["parts"]) == 3

    seen = []

    def consumer_view(part):
        # what a consumer sees while the reprocess is under way: the old version, whole
        if part > 0:
            assert manifest(out)["parts"] == old_manifest["parts"]
            check_exactly_once(out, pages)
            seen.append(part)

    # A reprocess whose last batch fails leaves the old version live and its own
    # committed batches waiting, unlisted.
    failed = run(raw, out, batch_size=4, reprocess=True, on_part=consumer_view, fail_part=2)
    assert failed.status == "failed" and failed.output_version == 2
    assert manifest(out)["parts"] == old_manifest["parts"]
    assert old_files < files_on_disk(out)  # the new version's first parts wait beside
    check_exactly_once(out, pages)

    # The next reprocess resumes it, and the manifest switches in one step at the end.
    again = run(raw, out, batch_size=4, reprocess=True, on_part=consumer_view)
    assert again.status == "completed" and again.output_version == 2
    assert (again.skipped, again.records) == (8, 4)
    new = manifest(out)
    assert new["output_version"] == 2
    assert {p["run_id"] for p in new["parts"]} == {failed.run_id, again.run_id}
    assert first.run_id not in {p["run_id"] for p in new["parts"]}
    check_exactly_once(out, pages)
    assert files_on_disk(out) == {p["path"] for p in new["parts"]}  # old files removed
    assert seen  # the consumer looked while batches were being written

    # An incremental run afterwards works on the new version: nothing to do.
    after = run(raw, out, batch_size=4)
    assert (after.processed, after.output_version) == (0, 2)


def test_reprocess_of_a_date_range_recleans_those_pages_in_place(tmp_path):
    """A new version holding only the range would drop every other page when it went
    live; so a range is reprocessed in the live version, and the new records supersede
    the old by the consumers' rule."""
    raw = tmp_path / "raw"
    pages = make_archive(raw, 6, short=True)
    for i, name in enumerate(pages):
        add_sidecar(raw / name, fetched_at=f"2024-03-{10 + i:02d}T12:00:00Z")
    out = tmp_path / "clean"
    run(raw, out)
    before = current_records(out)
    again = run(raw, out, reprocess=True, since=date(2024, 3, 14))
    assert (again.processed, again.output_version) == (2, 1)
    assert "reprocessed in place" in again.to_text()
    current = current_records(out)
    assert sorted(current) == sorted(pages)  # nothing dropped, one current record each
    changed = {p for p in pages if current[p]["processed_at"] != before[p]["processed_at"]}
    assert changed == set(pages[4:])


def test_a_changed_page_has_one_current_record_the_latest(tmp_path):
    """Exactly once, for a page that changed: each version of the page cleaned has its
    record, and the consumers' rule (the last listed part wins) picks the latest."""
    raw = tmp_path / "raw"
    pages = make_archive(raw, 5, short=True)
    out = tmp_path / "clean"
    run(raw, out)
    page = raw / pages[1]
    page.write_text(page.read_text(encoding="utf-8") + "\nЕщё одно новое предложение в тексте.\n",
                    encoding="utf-8")
    shutil.copy(raw / pages[2], raw / "site0/extra.txt")
    (raw / pages[2]).write_bytes(b"")  # now empty: its current outcome is a reject
    second = run(raw, out)
    assert (second.processed, second.skipped) == (3, 3)
    current = current_records(out)
    assert sorted(current) == sorted([*pages, "site0/extra.txt"])
    assert "Ещё одно новое предложение" in current[pages[1]]["text"]
    assert current[pages[2]]["reason"] == "empty"
    listed = [json.loads(line)["source_path"] for p in manifest(out)["parts"]
              for line in (out / p["path"]).read_text(encoding="utf-8").splitlines()]
    assert listed.count(pages[1]) == 2  # the history is there, in order


def test_batches_are_taken_in_part_order_within_a_window_and_shown_on_the_bar(tmp_path):
    """Results wait to be written in part order, at most ``in_flight`` submitted at once
    (memory stays flat however long the archive); pages cleaned in a worker process,
    which could not tell the bar, are shown when the flow takes their batch."""
    from flows.progress import reporting_to

    raw = tmp_path / "raw"
    make_archive(raw, 10, short=True)
    submitted, taken, shown = [], [], []

    class Slow(Done):
        def __init__(self, part, value):
            super().__init__(value)
            self.part = part

        def result(self):
            taken.append(self.part)
            assert len(submitted) - len(taken) < 3  # never more than in_flight waiting
            return self.value

    def submit(jobs, part):
        submitted.append(part)
        return Slow(part, clean_batch(jobs, part))  # as in a worker: reported == 0

    class Bar:
        def start(self, total):
            shown.append(("start", total))

        def advance(self, pages=1):
            shown.append(("advance", pages))

    with reporting_to(Bar()):
        summary = execute(RunRequest(raw=str(raw), out=str(tmp_path / "out"), batch_size=3),
                          submit=submit, logger=log, in_flight=3)
    assert summary.records == 10
    assert taken == submitted == [0, 1, 2, 3]
    assert shown == [("start", 10), ("advance", 3), ("advance", 3), ("advance", 3),
                     ("advance", 1)]
    assert [p["path"].split("/")[-1] for p in manifest(tmp_path / "out")["parts"]] == [
        f"part-0000{i}.jsonl" for i in range(4)
    ]


# --- task runners -------------------------------------------------------------------------


def test_dask_workers_need_a_reachable_prefect_server(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    import flows.runners
    from flows.runners import RunnerError, prefect_api_for_workers

    real_check = flows.runners.scheduler_is_up
    monkeypatch.setattr(flows.runners, "scheduler_is_up", lambda address: True)

    with temporary_settings(updates={PREFECT_API_URL: None}), pytest.raises(
        RunnerError, match="--dask-address needs a Prefect server"
    ), prefect_api_for_workers(None, "tcp://10.0.0.5:8786"):
        pass
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}), pytest.raises(
        RunnerError, match="does not answer"
    ), prefect_api_for_workers(2, None):
        pass
    monkeypatch.setattr(flows.runners, "scheduler_is_up", real_check)
    with pytest.raises(RunnerError, match="no Dask scheduler answers"), \
            prefect_api_for_workers(None, "tcp://127.0.0.1:9"):
        pass  # refused at once, not after Dask's two 30-second connection attempts
    with prefect_api_for_workers(None, None) as url:  # the thread pool needs nothing
        assert url is None


def test_two_dask_workers_give_the_same_records_as_one(prefect_server, sample_raw, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.pipeline import clean_pages
    from flows.runners import task_runner

    for page in sorted((Path(__file__).parent / "fixtures" / "html").glob("*.html"))[:5]:
        shutil.copy(page, sample_raw / page.name)  # ten pages: five seeds, five HTML
    results = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        flow = clean_pages.with_options(task_runner=task_runner(workers=workers))
        state = flow(raw=str(sample_raw), out=str(out), batch_size=2, return_state=True)
        assert state.is_completed(), state.message
        summary = state.result()
        records = current_records(out)
        for record in records.values():
            record.pop("processed_at")
        results[workers] = (records, [p["path"].split("/")[-1] for p in manifest(out)["parts"]])
        # the tasks ran on the workers and reported to this server, not to servers of
        # their own: every batch is a task run of this flow run here
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
            )
        assert len(runs) == summary["batches"] == 5
    assert results[1] == results[2]  # same records, same parts, same order


@pytest.fixture
def new_york_clock(monkeypatch):
    """The machine's clock on New York time: dates must still be UTC days (#23: every
    local-time slip survived, as the tests ran on a UTC machine)."""
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_page_is_dated_by_the_utc_day_on_a_machine_that_is_not_on_utc(
        tmp_path, new_york_clock):
    from flows.discover import FileStat, PageRef
    from flows.sidecar import Sidecar, SidecarFile

    just_after_midnight = 1_710_460_801  # 2024-03-15T00:00:01Z, the 14th in New York
    on_disk = tmp_path / "a.txt"
    on_disk.write_text("x")
    os.utime(on_disk, (just_after_midnight, just_after_midnight))

    def page(name, stat=None):
        return PageRef(path=str(tmp_path / name), source_path=name, sidecar=None,
                       folder_site=None, stat=stat)

    def fetched(value):
        return lambda _page: SidecarFile(sidecar=Sidecar(fetched_at=value), sha256="0" * 64)

    # the mtime discovery saw, else the file's own: the UTC day either way
    seen = FileStat(size=1, mtime_ns=just_after_midnight * 10**9, ctime_ns=0, ino=1,
                    regular=True)
    assert page_date(page("gone.txt", seen)) == date(2024, 3, 15)  # not stat'ed again
    assert page_date(page("a.txt")) == date(2024, 3, 15)
    # fetched_at with an offset (22:00 on the 15th in New York), with Z and with z: the UTC
    # day, before the path's date
    late = page("2024/01/01/b.txt")
    assert page_date(late, fetched("2024-03-15T19:00:00-07:00")) == date(2024, 3, 16)
    assert page_date(late, fetched("2024-03-15T23:30:00Z")) == date(2024, 3, 15)
    assert page_date(late, fetched("2024-03-15t23:30:00z")) == date(2024, 3, 15)
    # select_by_date dates each page by the sidecar it is handed, not one it reads itself
    chosen = select_by_date([late], date(2024, 3, 16), None,
                            fetched("2024-03-15T19:00:00-07:00"))
    assert [p.source_path for p in chosen] == ["2024/01/01/b.txt"]
