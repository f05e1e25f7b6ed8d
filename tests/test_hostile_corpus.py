"""Hostile input (issue 7): every file of the generated corpus ends as a record or a reject
with its precise reason and a specific detail, one page at a time and in one real run."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import hostile_corpus as corpus
import pytest

import cleaners.limits
from cleaners.engine import plan
from cleaners.rules import REGISTRY
from flows.batch import clean_job, page_job
from flows.discover import discover
from schemas.models import ArticleRecord, RejectRecord


@pytest.fixture
def hostile_raw(tmp_path):
    raw = tmp_path / "raw"
    cases = corpus.build(raw)
    yield raw, cases
    corpus.cleanup(raw)


@pytest.fixture
def slow_marker_rule(monkeypatch):
    """The first HTML rule "takes" 1000 s on a page holding ``SLOW_MARKER``: it skews the
    clock deadlines run on, so no test sleeps and no ordinary page can time out."""
    skew = [0.0]
    real_clock = cleaners.limits._clock
    monkeypatch.setattr(cleaners.limits, "_clock", lambda: real_clock() + skew[0])
    rule = next(r for r in REGISTRY.values() if r.stage == "html" and not r.per_line)

    def slow(blocks, ctx):
        if any(corpus.SLOW_MARKER in b.text for b in blocks):
            skew[0] += 1000.0
        return rule.fn(blocks, ctx)

    monkeypatch.setitem(REGISTRY, rule.name, dataclasses.replace(rule, fn=slow))
    plan.cache_clear()  # the engine keeps each format's plan of rules, looked up once
    yield
    plan.cache_clear()


def _check(case: corpus.Case, record: ArticleRecord | RejectRecord) -> None:
    outcome, fragment = corpus.expected(case)
    if outcome == "record":
        assert isinstance(record, ArticleRecord), (case.name, case.why, record)
        assert fragment in record.text, (case.name, record.text[:300])
    else:
        assert isinstance(record, RejectRecord), (case.name, case.why, record)
        assert record.reason == outcome, (case.name, case.why, record.reason, record.detail)
        assert fragment in record.detail, (case.name, record.detail)


def test_every_hostile_case_becomes_its_record_or_reject(hostile_raw, slow_marker_rule):
    raw, cases = hostile_raw
    jobs = [page_job(p) for p in discover(raw).pages]
    corpus.after_discovery(raw)
    records = {job.page.source_path: clean_job(job)[0] for job in jobs}
    assert sorted(records) == sorted(c.name for c in cases)  # each file once; the loop ended
    for case in cases:
        _check(case, records[case.name])
    details = [r.detail for r in records.values() if isinstance(r, RejectRecord)]
    assert len(set(details)) >= len(details) - 5  # details say what is wrong with *this* file


def _clean_as(uid: int | None, job) -> tuple[str, str]:
    """Clean ``job`` in this process, or, for a ``uid``, in a forked child that drops to it:
    root reads a chmod 000 file anyway, so as root the permission check needs another user."""
    if uid is None:
        record, _ = clean_job(job)
        return record.reason, record.detail
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            os.close(read_end)
            os.setgid(uid)
            os.setuid(uid)
            record, _ = clean_job(job)
            os.write(write_end, json.dumps([record.reason, record.detail]).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        reply = answer.read()
    os.waitpid(child, 0)
    reason, detail = json.loads(reply)
    return reason, detail


def test_an_unreadable_file_is_an_unreadable_reject():
    """chmod 000 on a file in a folder anyone may enter; as root, read as user ``nobody``."""
    folder = Path(tempfile.mkdtemp())
    os.chmod(folder, 0o755)
    page = folder / "locked.html"
    page.write_text("<p>x</p>")
    os.chmod(page, 0)
    try:
        [job] = [page_job(p) for p in discover(folder).pages]
        reason, detail = _clean_as(65534 if corpus.running_as_root() else None, job)
    finally:
        shutil.rmtree(folder)
    assert reason == "unreadable" and "Permission denied" in detail


def test_a_read_error_is_an_unreadable_reject_even_as_root(tmp_path, monkeypatch):
    """The same branch as chmod 000, reached where root would read the file anyway."""
    import builtins

    import flows.batch as batch

    (tmp_path / "a.html").write_text("<p>x</p>")
    [job] = [page_job(p) for p in discover(tmp_path).pages]
    real_open = builtins.open

    def deny(path, *args, **kwargs):
        if str(path).endswith("a.html"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(batch, "open", deny, raising=False)
    record, _ = clean_job(job)
    assert record.reason == "unreadable" and "Permission denied" in record.detail
    assert record.raw_sha256 is None


def _read_parts(out: Path, kind: str) -> list[dict]:
    return [json.loads(line) for path in sorted((out / kind).glob("*/*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()]


def _tree(root: Path, skip: Path) -> set[str]:
    return {os.fsdecode(os.path.join(d, f)) for d, _dirs, files in os.walk(root)
            if not d.startswith(str(skip)) for f in files}


def test_one_run_over_the_hostile_corpus_and_the_seeds_accounts_for_every_file(
    prefect_server, hostile_raw, slow_marker_rule, sample_names, monkeypatch, capsys
):
    import flows.run as run
    from flows.cli import main

    raw, cases = hostile_raw
    for name in sample_names:  # the five seeds beside the hostile pages
        (raw / "seeds").mkdir(exist_ok=True)
        (raw / "seeds" / name).write_bytes((corpus.SEEDS / name).read_bytes())
    real_page_jobs = run.page_jobs

    def plan_then_meddle(pages, *args, **kwargs):
        planned = real_page_jobs(pages, *args, **kwargs)
        corpus.after_discovery(raw)  # files vanish and change after discovery
        return planned

    monkeypatch.setattr(run, "page_jobs", plan_then_meddle)
    out = raw.parent / "clean"
    before = _tree(raw.parent, out)

    assert main(["run", "--raw", str(raw), "--out", str(out), "--page-timeout", "30"]) == 0
    capsys.readouterr()

    [summary_file] = (out / "_state" / "runs").glob("*.json")
    summary = json.loads(summary_file.read_text())
    articles, rejects = _read_parts(out, "articles"), _read_parts(out, "rejects")
    names = [r["source_path"] for r in articles + rejects]
    assert len(names) == len(set(names))  # nothing twice
    expected_names = {c.name for c in cases} | {f"seeds/{n}" for n in sample_names}
    assert set(names) == expected_names  # nothing lost
    assert summary["status"] == "completed" and summary["failed_batches"] == 0
    assert summary["pages_seen"] == len(expected_names)
    assert summary["records"] + summary["rejects"] + summary["skipped"] == summary["pages_seen"]
    assert summary["records"] == len(articles) and summary["rejects"] == len(rejects)
    assert summary["rejects_by_reason"] == dict(Counter(r["reason"] for r in rejects))

    by_name = {r["source_path"]: ArticleRecord.model_validate(r) for r in articles}
    by_name.update({r["source_path"]: RejectRecord.model_validate(r) for r in rejects})
    for case in cases:
        _check(case, by_name[case.name])
    for name in sample_names:
        assert isinstance(by_name[f"seeds/{name}"], ArticleRecord)
    # nothing a page, a name or a sidecar said was written anywhere but --out
    assert _tree(raw.parent, out) == before - {str(raw / "race" / "vanishes.html")}
    assert all("root:" not in r.get("text", "") for r in articles)  # no external entity
