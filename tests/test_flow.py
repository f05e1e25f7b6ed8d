"""The clean_pages flow on a temporary Prefect server: records, rejects, state, manifest,
summary, and a rerun that has nothing new to write."""

from __future__ import annotations

import json

import pytest
from helpers.artifacts import flow_run_markdown

from flows.validate import validate_file
from schemas.models import ArticleRecord


def test_prefect_server_imports():
    """A fastapi or SQLAlchemy release that breaks Prefect's server fails here, not in use."""
    import prefect.server.api.server as server

    assert callable(server.create_app)


def jsonl_files(out):
    return sorted(p.relative_to(out).as_posix() for p in out.glob("*/*/*.jsonl"))


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def run_flow(prefect_server):
    from flows.pipeline import clean_pages

    def run(raw, out, **kwargs):
        state = clean_pages(raw=str(raw), out=str(out), return_state=True, **kwargs)
        return state, state.result(raise_on_failure=False)

    return run


def test_seeds_become_records_an_empty_file_a_reject_and_a_rerun_writes_nothing(
    run_flow, sample_raw, sample_names, tmp_path
):
    (sample_raw / "empty.html").write_bytes(b"")
    out = tmp_path / "clean"

    state, summary = run_flow(sample_raw, out)
    assert state.is_completed(), state.message
    run_id = summary["run_id"]
    assert summary["pages_seen"] == len(sample_names) + 1
    assert summary["records"] == len(sample_names) == 5
    assert summary["rejects_by_reason"] == {"empty": 1}
    assert summary["skipped"] == 0

    articles = out / "articles" / run_id / "part-00000.jsonl"
    rejects = out / "rejects" / run_id / "part-00000.jsonl"
    assert jsonl_files(out) == sorted([f"articles/{run_id}/part-00000.jsonl",
                                       f"rejects/{run_id}/part-00000.jsonl"])
    records = [ArticleRecord.model_validate(r) for r in read_jsonl(articles)]
    assert sorted(r.source_path for r in records) == sample_names
    assert [(r["source_path"], r["reason"]) for r in read_jsonl(rejects)] == [
        ("empty.html", "empty")
    ]
    for part in (articles, rejects):
        assert validate_file(part)[1] == []

    manifest = json.loads((out / "_manifest.json").read_text(encoding="utf-8"))
    assert {p["path"]: p["records"] for p in manifest["parts"]} == {
        f"articles/{run_id}/part-00000.jsonl": 5,
        f"rejects/{run_id}/part-00000.jsonl": 1,
    }
    saved = json.loads((out / "_state" / "runs" / f"{run_id}.json").read_text())
    assert saved["records"] == 5 and saved["status"] == "completed"
    assert _flow_run_name(state) == "clean raw (6 pages)"
    assert "Rejects by reason" in flow_run_markdown(state)
    assert "| `headline_list` |" in flow_run_markdown(state)  # what each rule removed

    # The rerun finds every page known: it cleans nothing and writes no part file.
    before = jsonl_files(out)
    state2, again = run_flow(sample_raw, out)
    assert state2.is_completed()
    assert (again["skipped"], again["processed"], again["records"]) == (6, 0, 0)
    assert jsonl_files(out) == before
    assert not (out / "articles" / again["run_id"]).exists()
    assert json.loads((out / "_manifest.json").read_text())["totals"] == manifest["totals"]

    # A changed page, and only that page, is cleaned again.
    changed = sample_raw / sample_names[2]
    changed.write_bytes(changed.read_bytes() + "\n\nДобавлен ещё один абзац к статье.\n".encode())
    state3, third = run_flow(sample_raw, out)
    assert (third["processed"], third["skipped"]) == (1, 5)
    [record] = read_jsonl(out / "articles" / third["run_id"] / "part-00000.jsonl")
    assert record["source_path"] == sample_names[2]
    totals = json.loads((out / "_manifest.json").read_text())["totals"]
    assert totals == {"articles": 5, "rejects": 1}  # current records: the page counts once


def test_a_batch_that_cannot_be_written_fails_the_run_and_keeps_the_batches_before_it(
    run_flow, sample_raw, sample_names, tmp_path, monkeypatch
):
    import flows.pipeline
    import flows.writer

    real = flows.writer.write_part

    def disk_full_from_part_2(out_root, kind, run_id, number, records):
        if number >= 2:
            raise OSError(28, "No space left on device")
        return real(out_root, kind, run_id, number, records)

    monkeypatch.setattr(flows.writer, "write_part", disk_full_from_part_2)
    out = tmp_path / "clean"
    state, error = run_flow(sample_raw, out, batch_size=1)  # five batches of one page
    assert state.is_failed()
    assert isinstance(error, flows.pipeline.RunFailed)
    assert "No space left on device" in str(error)
    manifest = json.loads((out / "_manifest.json").read_text())
    listed = [p["path"] for p in manifest["parts"]]
    assert [p.split("/")[-1] for p in listed] == ["part-00000.jsonl", "part-00001.jsonl"]
    assert sorted(jsonl_files(out)) == sorted(listed)  # nothing unlisted left behind
    from flows.state import RunState

    with RunState(out) as run_state:  # the two committed pages are known, the rest not
        assert {k[0] for k in run_state.known_keys()} == set(sample_names[:2])
        assert run_state.completed_runs() == []
    [saved] = (out / "_state" / "runs").glob("*.json")
    assert json.loads(saved.read_text())["status"] == "failed"

    monkeypatch.setattr(flows.writer, "write_part", real)  # the disk has room again
    state2, again = run_flow(sample_raw, out, batch_size=1)
    assert state2.is_completed()
    assert (again["skipped"], again["records"]) == (2, 3)  # only what was missing
    listed = json.loads((out / "_manifest.json").read_text())["parts"]
    paths = [r["source_path"] for p in listed for r in read_jsonl(out / p["path"])]
    assert sorted(paths) == sample_names  # every page once


def test_batches_split_evenly():
    from flows.pipeline import batches

    sizes = [len(b) for b in batches(list(range(401)), 200)]
    assert sizes == [134, 134, 133]
    assert batches([], 200) == []
    assert [len(b) for b in batches(list(range(5)), 200)] == [5]


def _flow_run_name(state) -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(state.state_details.flow_run_id).name


