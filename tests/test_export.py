"""Issue 22, build 4: ``winnow export --format parquet`` writes the manifest's current
articles (not a stale part's, not a superseded record, not a page now rejected), with
the record model's types, in a file DuckDB and polars read back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers.inline import inline_run

from flows.cli import main
from flows.writer import write_batch, write_manifest
from schemas.models import ArticleRecord, ImageInfo, RejectRecord

SHA = "0" * 64
WHEN = datetime(2025, 12, 1, 10, 0, tzinfo=UTC)


def _article(path: str, text: str, **fields: object) -> ArticleRecord:
    return ArticleRecord(id=f"id-{path}-{text[:3]}", source_path=path, raw_sha256=SHA,
                         text=text, language="en", input_format="html", extractor="test",
                         processed_at=WHEN, pipeline_version="t", **fields)


def _reject(path: str) -> RejectRecord:
    return RejectRecord(source_path=path, reason="no_article", detail="nothing",
                        processed_at=WHEN, pipeline_version="t")


@pytest.fixture
def output(tmp_path: Path) -> Path:
    """Two runs: a.html, b.html, c.html then a.html changed and c.html now a reject; plus a
    part file on disk that no manifest lists (a killed batch's)."""
    out = tmp_path / "clean"
    east = timezone(timedelta(hours=3))
    first = write_batch(out, "r1", 0, [
        _article("a.html", "old a"),
        _article("b.html", "story b", authors=["Jane Doe", "John Roe"], tags=["x"],
                 images=[ImageInfo(caption="A cat", credit="AP"), ImageInfo(url="http://i/1")],
                 fetched_at=datetime(2025, 12, 1, 13, 0, tzinfo=east), title="B"),
        _article("c.html", "story c"),
    ], [])
    second = write_batch(out, "r2", 0, [_article("a.html", "new a")], [_reject("c.html")])
    write_manifest(out, [*first, *second], totals={"articles": 2, "rejects": 1})
    write_batch(out, "r3", 0, [_article("stale.html", "never committed")], [])
    return out


def _export(out: Path, target: Path) -> pa.Table:
    assert main(["export", str(out), "--format", "parquet", "--out", str(target)]) == 0
    return pq.read_table(target)


def test_only_the_current_articles_of_listed_parts_are_exported(output, tmp_path):
    table = _export(output, tmp_path / "a.parquet")
    rows = {r["source_path"]: r for r in table.to_pylist()}
    assert sorted(rows) == ["a.html", "b.html"]  # c.html is now a reject, stale.html unlisted
    assert rows["a.html"]["text"] == "new a"  # the later record wins
    assert table.num_rows == json.loads((output / "_manifest.json").read_text())[
        "totals"]["articles"]


def test_the_columns_have_the_models_types(output, tmp_path):
    schema = _export(output, tmp_path / "a.parquet").schema
    assert schema.names == list(ArticleRecord.model_fields)
    authors = schema.field("authors").type  # Parquet names a list's item "element"
    assert pa.types.is_list(authors) and authors.value_type == pa.string()
    assert not authors.value_field.nullable  # list[str]: no null author
    images = schema.field("images").type
    assert pa.types.is_list(images) and pa.types.is_struct(images.value_type)
    assert [f.name for f in images.value_type] == ["caption", "credit", "url"]
    assert schema.field("related").type.value_type.field("relation").type == pa.string()
    assert schema.field("processed_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("fetched_at").nullable and not schema.field("text").nullable
    assert schema.field("title").nullable and not schema.field("authors").nullable


def test_duckdb_and_polars_read_the_values_back(output, tmp_path):
    target = tmp_path / "a.parquet"
    _export(output, target)
    row = duckdb.sql(f"SELECT authors, images, fetched_at, title FROM '{target}'"
                     " WHERE source_path = 'b.html'").fetchall()[0]
    assert row[0] == ["Jane Doe", "John Roe"]
    assert row[1] == [{"caption": "A cat", "credit": "AP", "url": None},
                      {"caption": None, "credit": None, "url": "http://i/1"}]
    assert row[2] == datetime(2025, 12, 1, 10, 0, tzinfo=UTC)  # 13:00+03:00, the instant
    assert row[3] == "B"
    frame = pl.read_parquet(target).sort("source_path")
    assert frame["source_path"].to_list() == ["a.html", "b.html"]
    assert frame["images"][1].to_list()[0] == {"caption": "A cat", "credit": "AP", "url": None}
    assert frame.schema["authors"] == pl.List(pl.String)


def test_the_default_target_is_in_the_output_and_the_out_setting_names_the_folder(
        output, tmp_path, monkeypatch, capsys, settings_lookup):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "winnow.toml").write_text(f'[run]\nout = "{output}"\n')
    assert main(["export"]) == 0
    assert "wrote 2 article(s)" in capsys.readouterr().out
    assert pq.read_table(output / "_export" / "articles.parquet").num_rows == 2


def test_an_output_without_a_manifest_is_a_usage_error(tmp_path, capsys):
    assert main(["export", str(tmp_path)]) == 2
    assert "no _manifest.json" in capsys.readouterr().err


def test_a_real_run_exports_as_many_rows_as_the_manifests_articles(sample_raw, tmp_path):
    out = tmp_path / "clean"
    inline_run(sample_raw, out)
    changed = sorted(sample_raw.iterdir())[0]
    changed.write_bytes(changed.read_bytes() + b"\n\nOne more paragraph, added later on.\n")
    (sample_raw / "empty.html").write_bytes(b"")
    inline_run(sample_raw, out)
    manifest = json.loads((out / "_manifest.json").read_text())
    table = _export(out, tmp_path / "x.parquet")
    assert sum(p["records"] for p in manifest["parts"] if p["kind"] == "articles") == 6
    assert table.num_rows == manifest["totals"]["articles"] == 5
    assert len(set(table.column("source_path").to_pylist())) == 5
