"""The README's snippets for reading an output run as printed, on an output with rejects
and on one without (#22: the DuckDB query failed where no record had a ``reason``)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from helpers.inline import inline_run

README = Path(__file__).resolve().parent.parent / "README.md"
log = logging.getLogger("test")


def _reading_snippets() -> list[str]:
    """The python blocks of the README's section on reading the output."""
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    return [b for b in blocks if "_manifest.json" in b]


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
