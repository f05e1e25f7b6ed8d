"""The README's snippets for reading an output run as printed, on an output with rejects
and on one without (#22: the DuckDB query failed where no record had a ``reason``); and
its snippets reading the Parquet export, with DuckDB and polars, on the same outputs."""

from __future__ import annotations

import logging
import re
import types
from pathlib import Path

import pytest
from helpers.inline import inline_run

README = Path(__file__).resolve().parent.parent / "README.md"
log = logging.getLogger("test")


def _python_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def _reading_snippets() -> list[str]:
    """The python blocks of the README's section on reading the output."""
    return [b for b in _python_blocks() if "_manifest.json" in b]


def _parquet_snippets() -> list[str]:
    """The python blocks of the README's section on the Parquet export."""
    return [b for b in _python_blocks() if "articles.parquet" in b]


@pytest.fixture(params=["with_rejects", "without_rejects"])
def output(request, sample_raw: Path, tmp_path: Path, monkeypatch) -> tuple[Path, int]:
    """(folder holding ``clean/``, number of articles in it)."""
    if request.param == "with_rejects":
        (sample_raw / "empty.html").write_bytes(b"")
        (sample_raw / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    summary = inline_run(sample_raw, tmp_path / "clean")
    assert (summary.rejects > 0) == (request.param == "with_rejects")
    monkeypatch.chdir(tmp_path)
    return tmp_path, summary.records


def test_the_readme_has_the_reading_snippets():
    snippets = _reading_snippets()
    assert len(snippets) == 2 and any("duckdb" in s for s in snippets)


@pytest.mark.parametrize("index", [0, 1])
def test_each_reading_snippet_gives_the_articles(output, index):
    _folder, articles = output
    scope: dict[str, object] = {}
    exec(_reading_snippets()[index], scope)  # noqa: S102 - the README's own code
    found = scope["articles"]
    count = len(found.fetchall()) if hasattr(found, "fetchall") else len(found)
    assert count == articles


def test_the_readme_has_the_parquet_snippets():
    snippets = _parquet_snippets()
    assert len(snippets) == 2
    assert any("duckdb" in s for s in snippets) and any("polars" in s for s in snippets)


def _rows(found: object) -> list:
    return found.fetchall() if hasattr(found, "fetchall") else found.rows()


@pytest.mark.parametrize("index", [0, 1])
def test_each_parquet_snippet_reads_the_exported_articles(output, index):
    from flows.cli import main

    folder, articles = output
    assert main(["export", "--format", "parquet"]) == 0  # clean/ in the current folder
    assert (folder / "clean" / "_export" / "articles.parquet").is_file()
    scope: dict[str, object] = {}
    exec(_parquet_snippets()[index], scope)  # noqa: S102 - the README's own code
    assert len(_rows(scope["articles"])) == articles
    others = [v for k, v in scope.items() if k != "articles" and not k.startswith("__")
              and not isinstance(v, types.ModuleType)]
    assert others  # the second query of each snippet runs too
    for value in others:
        _rows(value)
