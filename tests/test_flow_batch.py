"""One batch, without Prefect: every page ends as a record or a reject, never an exception,
and the batch writes nothing (the flow's process writes its records)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

import flows.batch as batch
from flows.batch import clean_batch, page_job
from flows.discover import discover
from schemas.models import ArticleRecord, RejectRecord


def run_batch(raw, part=0):
    jobs = [page_job(p) for p in discover(raw).pages]
    return clean_batch(jobs, part)


def dump(records):
    """Records as a consumer reads them: through JSON."""
    return [json.loads(r.model_dump_json()) for r in records]


@pytest.fixture
def seed(sample_raw, sample_names):
    """One sample page, in a raw folder of its own."""
    return sample_raw / sample_names[1]


def test_sidecar_url_and_site_reach_the_record(tmp_path, seed):
    raw = tmp_path / "in"
    (raw / "folder").mkdir(parents=True)
    shutil.copy(seed, raw / "folder" / "page.txt")
    (raw / "folder" / "page.txt.meta.json").write_text(
        '{"url": "https://www.ria.ru/20191201/x.html", "fetched_at": "2019-12-01T10:00:00Z"}'
    )
    result = run_batch(raw)
    [record] = dump(result.articles)
    ArticleRecord.model_validate(record)
    assert record["url"] == "https://www.ria.ru/20191201/x.html"
    assert record["site"] == "ria.ru"  # from the URL: the sidecar names no site
    assert record["source_path"] == "folder/page.txt"
    assert record["id"].startswith("u")  # an id from the URL, stable across re-fetches
    [outcome] = result.outcomes
    assert outcome.outcome == "record" and outcome.sidecar_sha256 is not None


def test_each_kind_of_bad_page_becomes_its_reject(tmp_path, seed):
    raw = tmp_path / "in"
    raw.mkdir()
    (raw / "empty.html").write_bytes(b"")
    (raw / "photo.jpg").write_bytes(bytes(range(256)) * 40)
    (raw / "broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    shutil.copy(seed, raw / "meta.txt")
    (raw / "meta.txt.meta.json").write_text("{broken")
    os.symlink(raw / "nowhere.html", raw / "dangling.html")
    result = run_batch(raw)
    rejects = dump(result.reject_records)
    for r in rejects:
        RejectRecord.model_validate(r)
    reasons = {r["source_path"]: r["reason"] for r in rejects}
    assert reasons["empty.html"] == "empty"
    assert reasons["broken.html.gz"] == "bad_gzip"
    assert reasons["meta.txt"] == "bad_sidecar"
    # a link to nothing says so (it did not vanish); bytes of every value are binary
    # (#23: these two accepted any of two or three reasons)
    assert reasons["dangling.html"] == "unreadable"
    assert reasons["photo.jpg"] == "binary"
    details = {r["source_path"]: r["detail"] for r in rejects}
    assert "symbolic link to a missing file" in details["dangling.html"]
    assert result.records == 0 and sum(result.rejects.values()) == 5
    assert result.articles == []
    assert [o.source_path for o in result.outcomes] == sorted(reasons)  # page order


def test_an_unexpected_exception_is_an_error_reject_and_the_batch_goes_on(
    tmp_path, sample_raw, sample_names, monkeypatch
):
    real = batch.clean_page
    victim = sample_names[0]

    def flaky(data, **kwargs):
        if kwargs["source_path"] == victim:
            raise KeyError("a bug in Winnow")
        return real(data, **kwargs)

    monkeypatch.setattr(batch, "clean_page", flaky)
    result = run_batch(sample_raw)
    [reject] = dump(result.reject_records)
    assert reject["source_path"] == victim and reject["reason"] == "error"
    assert "KeyError" in reject["detail"]
    assert result.records == len(sample_names) - 1
    error = next(o for o in result.outcomes if o.reason == "error")
    assert error.key is None  # an error is retried by the next run, not remembered


def test_a_page_over_the_size_limit_is_rejected_unread(tmp_path, monkeypatch):
    raw = tmp_path / "in"
    raw.mkdir()
    (raw / "huge.html").write_bytes(b"<p>x</p>" * 100)
    monkeypatch.setattr(batch, "MAX_PAGE_BYTES", 100)
    [reject] = dump(run_batch(raw).reject_records)
    assert reject["reason"] == "too_large"
    assert reject["raw_sha256"] is not None  # hashed as read, not kept: remembered


def test_the_raw_sha256_is_of_the_bytes_cleaned(tmp_path, seed):
    import hashlib

    raw = tmp_path / "in"
    raw.mkdir()
    shutil.copy(seed, raw / "a.txt")
    jobs = [page_job(p) for p in discover(raw).pages]
    (raw / "a.txt").write_bytes(seed.read_bytes() + b"\n\nAppended after discovery.\n")
    [record] = dump(clean_batch(jobs, 0).articles)
    assert record["raw_sha256"] == hashlib.sha256((raw / "a.txt").read_bytes()).hexdigest()
    assert record["raw_sha256"] != hashlib.sha256(seed.read_bytes()).hexdigest()


def test_a_batch_writes_nothing_and_counts_the_pages_shown_on_this_process(
    tmp_path, sample_raw, sample_names
):
    shown = []
    jobs = [page_job(p) for p in discover(sample_raw).pages]
    result = clean_batch(jobs, 3, on_page=lambda: bool(shown.append(1)) or len(shown) <= 2)
    assert result.part == 3 and result.reported == 2  # the reporter took only two pages
    assert [r.source_path for r in result.articles] == sample_names
    assert list(tmp_path.rglob("*.jsonl")) == []
