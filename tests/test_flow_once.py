"""Once only: in a run, the raw tree is walked once, each page's file is opened once (and
hashed once: the hash goes to clean_page), each sidecar is read once; a page whose files
keep their stats is skipped without being opened, one whose stat moved but whose bytes
did not is read and reported skipped, and any change of content is cleaned.

Opens are counted with an audit hook (``sys.addaudithook``): it sees every open of a file
in this process, whatever opens it (``open``, ``os.open``, ``pathlib``), in every thread
(the flow's batch tasks run on a thread pool here)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers.archive import add_sidecar
from helpers.inline import inline_run

import flows.batch
import flows.discover
import flows.pool

log = logging.getLogger("test")
_recorders: list[Counter[tuple[str, str]]] = []


def _audit(event: str, args: tuple) -> None:
    if _recorders and event in ("open", "os.scandir") and args and args[0] is not None:
        path = args[0]
        if isinstance(path, bytes | str | os.PathLike):
            _recorders[-1][(event, os.path.abspath(os.fsdecode(path)))] += 1


sys.addaudithook(_audit)  # for the process's life; it records only inside ``recording``


@contextmanager
def recording() -> Iterator[Counter[tuple[str, str]]]:
    """Count the files opened and the folders listed inside the block."""
    counts: Counter[tuple[str, str]] = Counter()
    _recorders.append(counts)
    try:
        yield counts
    finally:
        _recorders.remove(counts)


def opens(counts: Counter[tuple[str, str]], root: Path) -> dict[str, int]:
    """How often each file under ``root`` was opened, by path relative to it."""
    return {os.path.relpath(path, root): n for (event, path), n in counts.items()
            if event == "open" and path.startswith(str(root) + os.sep)}


run = inline_run  # the run's body, batches cleaned on the spot (in this thread)


def current_records(out: Path) -> dict[str, dict]:
    """Per source path, its record in the last listed part (the consumers' rule)."""
    manifest = json.loads((out / "_manifest.json").read_text())
    records: dict[str, dict] = {}
    for part in manifest["parts"]:
        for line in (out / part["path"]).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            records[record["source_path"]] = record
    return records


@pytest.fixture
def raw_with_sidecars(sample_raw: Path, sample_names: list[str]) -> Path:
    add_sidecar(sample_raw / sample_names[0], url="https://www.ria.ru/a.html",
                fetched_at="2024-03-01T10:00:00Z")
    add_sidecar(sample_raw / sample_names[3], site="example.org")
    return sample_raw


@pytest.fixture
def settled_at_once(monkeypatch):
    """Trust a file's stat as soon as it is written: the tests write pages and run at
    once, where a real archive's files are seconds old (see test_a_page_just_written)."""
    monkeypatch.setattr(flows.discover, "SETTLE_NS", 0)


def test_one_winnow_run_walks_once_and_opens_each_page_and_sidecar_once(
    prefect_server, raw_with_sidecars, sample_names, tmp_path, capsys, monkeypatch
):
    from flows.cli import main

    raw = raw_with_sidecars
    hashes_given = {}
    real_clean_page = flows.batch.clean_page

    def clean_page(data, **kwargs):
        hashes_given[kwargs["source_path"]] = kwargs.get("raw_sha256")
        return real_clean_page(data, **kwargs)

    monkeypatch.setattr(flows.batch, "clean_page", clean_page)
    # the CLI's bounded look at the raw folder before it starts any worker (flows.pool:
    # it stops at 24 files) is counted apart from the run's walk: asked once, it is
    # answered as it would be, without listing the folder again
    asked = []
    monkeypatch.setattr(flows.pool, "few_pages", lambda raw, **kw: asked.append(raw) or True)
    with recording() as counts:
        assert main(["run", "--raw", str(raw), "--out", str(tmp_path / "clean")]) == 0
    assert len(asked) == 1
    assert "5 records" in capsys.readouterr().out
    sidecars = [f"{sample_names[0]}.meta.json", f"{sample_names[3]}.meta.json"]
    assert opens(counts, raw) == {name: 1 for name in sample_names + sidecars}
    assert counts[("os.scandir", str(raw))] == 1  # the run's name took no walk of its own
    for name in sample_names:  # hashed once, as read: clean_page was handed the hash
        assert hashes_given[name] == hashlib.sha256((raw / name).read_bytes()).hexdigest()


def test_unchanged_files_are_not_opened_and_a_touched_page_is_read_and_skipped(
    raw_with_sidecars, sample_names, tmp_path, settled_at_once
):
    raw, out = raw_with_sidecars, tmp_path / "clean"
    first = run(raw, out)
    assert (first.records, first.skipped) == (5, 0)
    before = current_records(out)

    with recording() as counts:
        again = run(raw, out)
    assert opens(counts, raw) == {}  # not a page, not a sidecar
    assert (again.skipped, again.processed, again.records, again.parts) == (5, 0, 0, [])

    touched = raw / sample_names[1]
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    with recording() as counts:
        third = run(raw, out)
    assert opens(counts, raw) == {sample_names[1]: 1}
    assert (third.skipped, third.processed, third.records, third.parts) == (5, 0, 0, [])
    assert current_records(out) == before  # no new record for it

    with recording() as counts:  # its new stat is remembered: not opened again
        assert run(raw, out).skipped == 5
    assert opens(counts, raw) == {}


def test_changed_content_and_changed_sidecars_are_cleaned_and_reprocess_reads_all(
    raw_with_sidecars, sample_names, tmp_path, settled_at_once
):
    raw, out = raw_with_sidecars, tmp_path / "clean"
    run(raw, out)
    changed = raw / sample_names[2]
    changed.write_bytes(changed.read_bytes() + "\n\nЕщё один абзац к статье.\n".encode())
    add_sidecar(raw / sample_names[3], site="another.example")
    with recording() as counts:
        summary = run(raw, out)
    assert opens(counts, raw) == {sample_names[2]: 1, sample_names[3]: 1,
                                  f"{sample_names[3]}.meta.json": 1}
    assert (summary.records, summary.skipped) == (2, 3)
    records = current_records(out)
    assert records[sample_names[3]]["site"] == "another.example"
    assert records[sample_names[2]]["raw_sha256"] == hashlib.sha256(
        changed.read_bytes()).hexdigest()

    with recording() as counts:
        everything = run(raw, out, reprocess=True)
    assert (everything.records, everything.skipped) == (5, 0)
    assert {n: c for n, c in opens(counts, raw).items() if not n.endswith(".json")} == {
        name: 1 for name in sample_names}


def test_a_page_edited_back_to_an_earlier_content_is_cleaned_again(
    sample_raw, sample_names, tmp_path, settled_at_once
):
    """A -> B -> A: the output's newest record must be A's again, not stay B's because A
    was cleaned once before."""
    out = tmp_path / "clean"
    page = sample_raw / sample_names[1]
    first = page.read_bytes()
    run(sample_raw, out)
    page.write_bytes(first + "\n\nПоправка: уточнена дата события.\n".encode())
    assert run(sample_raw, out).records == 1
    page.write_bytes(first)
    summary = run(sample_raw, out)
    assert (summary.records, summary.skipped) == (1, 4)
    assert current_records(out)[sample_names[1]]["raw_sha256"] == hashlib.sha256(
        first).hexdigest()


def test_the_manifest_totals_count_current_records_not_superseded_lines(
    sample_raw, sample_names, tmp_path, settled_at_once
):
    """#22 rough edge 6: a page cleaned twice has two lines in the parts but one current
    record; the totals promise what a consumer keeping the last record per page gets."""
    out = tmp_path / "clean"
    (sample_raw / "empty.html").write_bytes(b"")
    run(sample_raw, out)
    page = sample_raw / sample_names[0]
    page.write_bytes(page.read_bytes() + "\n\nДополнение к статье.\n".encode())
    (sample_raw / "empty.html").write_bytes(b"<p>" + "Ещё одна новость дня. ".encode() * 40
                                           + b"</p>")
    run(sample_raw, out)
    manifest = json.loads((out / "_manifest.json").read_text())
    lines = sum(p["records"] for p in manifest["parts"])
    current = current_records(out)
    kinds = {k: sum(1 for r in current.values() if ("reason" in r) == (k == "rejects"))
             for k in ("articles", "rejects")}
    assert lines == len(current) + 2
    assert manifest["totals"] == kinds == {"articles": 6, "rejects": 0}


def test_the_sidecars_fetched_at_is_in_the_record(raw_with_sidecars, sample_names, tmp_path):
    """#22 rough edge 7: the fetch time the sidecar gives reaches the record (schema 1.2);
    a page without one has null."""
    out = tmp_path / "clean"
    run(raw_with_sidecars, out)
    records = current_records(out)
    assert records[sample_names[0]]["fetched_at"] == "2024-03-01T10:00:00Z"
    assert records[sample_names[1]]["fetched_at"] is None


def test_a_page_that_timed_out_is_cleaned_again_by_the_next_run(sample_raw, tmp_path):
    """#23: a timeout left out of the transient reasons survived: the page would be
    skipped for ever as known, its reject its only record."""
    from cleaners import Limits

    out = tmp_path / "clean"
    hurried = Limits(page_timeout=1e-9)
    first = run(sample_raw, out, limits=hurried)
    assert (first.records, first.rejects) == (0, 5)
    again = run(sample_raw, out)
    assert (again.records, again.skipped) == (5, 0)


def test_a_rewrite_that_keeps_size_and_mtime_is_still_seen(
    sample_raw, sample_names, tmp_path, settled_at_once
):
    """``cp -p``, ``touch -d`` or a tool that restores the mtime: size and mtime say
    nothing changed; the ctime, which nothing can set back, does."""
    out = tmp_path / "clean"
    run(sample_raw, out)
    page = sample_raw / sample_names[4]
    st = page.stat()
    data = page.read_bytes()
    page.write_bytes(data.replace("а".encode(), "о".encode(), 1))  # same length
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (page.stat().st_size, page.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    summary = run(sample_raw, out)
    assert (summary.records, summary.skipped) == (1, 4)
    assert current_records(out)[sample_names[4]]["raw_sha256"] == hashlib.sha256(
        page.read_bytes()).hexdigest()


def test_a_page_just_written_is_decided_by_its_hash_next_time(sample_raw, sample_names,
                                                               tmp_path):
    """A file read within ``SETTLE_NS`` of its last change could change again within the
    same timestamp tick, same size, and keep its stat: its stat is not remembered, so the
    next run opens it again (and, its bytes the same, reports it skipped)."""
    out = tmp_path / "clean"
    run(sample_raw, out)  # the pages were copied a moment ago
    with recording() as counts:
        again = run(sample_raw, out)
    assert opens(counts, sample_raw) == {name: 1 for name in sample_names}
    assert (again.skipped, again.processed, again.records) == (5, 0, 0)


def test_date_selection_and_cleaning_share_one_read_of_each_sidecar(
    raw_with_sidecars, sample_names, tmp_path
):
    from datetime import date

    raw = raw_with_sidecars
    with recording() as counts:
        summary = run(raw, tmp_path / "clean", since=date(2024, 3, 1), until=date(2024, 3, 1))
    # every sidecar read once, for the dates; the page it dates read once, to clean it;
    # the others (dated by their mtime, years from 2024) not at all
    assert opens(counts, raw) == {sample_names[0]: 1, f"{sample_names[0]}.meta.json": 1,
                                  f"{sample_names[3]}.meta.json": 1}
    assert (summary.records, summary.out_of_range) == (1, 4)


def test_a_job_travels_pickled_with_its_sidecar_and_known_contents(raw_with_sidecars):
    """Dask workers get their jobs pickled."""
    import pickle

    from flows.batch import page_job
    from flows.discover import discover

    page = next(p for p in discover(raw_with_sidecars).pages if p.sidecar)
    job = page_job(page, frozenset({("a" * 64, "b" * 64)}))
    back = pickle.loads(pickle.dumps(job))
    assert back == job and back.sidecar.sidecar.url == "https://www.ria.ru/a.html"
    assert back.page.stat == page.stat and back.page.stat.regular
