"""``winnow export --format parquet``: the output's current articles in one Parquet file.

What is exported is what the manifest says is live, read as the README tells any consumer
to: only the part files ``_manifest.json`` lists (a killed batch's part, or an old output
version's, is not read), and per ``source_path`` only its current record, the one in the
last listed part; that page is exported when that record is an article (a page whose
current record is a reject, or a record superseded by a later cleaning, is not). So the
rows are the manifest's ``totals["articles"]``.

Each line is validated by ``ArticleRecord`` on the way (records of schema 1.0 and 1.1 get
the later fields' defaults), and the columns are the model's (``schemas.arrow``). The file
is written under a temporary name beside the target and renamed into place, so a reader
never sees half of it. Memory: one pass keeps each page's ``source_path`` and where its
current record is; rows are written in batches.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from flows.writer import read_manifest
from schemas.models import ArticleRecord

ROWS_PER_BATCH = 2_000


class ExportError(RuntimeError):
    """The output cannot be exported; the message says why."""


def _listed_parts(out: Path) -> list[dict]:
    manifest = read_manifest(out)
    if manifest is None or not isinstance(manifest.get("parts"), list):
        raise ExportError(f"no readable _manifest.json in {str(out)!r}")
    return list(manifest["parts"])


def _lines(out: Path, part: dict) -> Iterator[str]:
    with (out / part["path"]).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield line


def _current(out: Path, parts: list[dict]) -> dict[str, tuple[int, int]]:
    """Per source_path, (part index, line index) of its current record."""
    where: dict[str, tuple[int, int]] = {}
    for index, part in enumerate(parts):
        for number, line in enumerate(_lines(out, part)):
            where[json.loads(line)["source_path"]] = (index, number)
    return where


def _article_batches(out: Path, parts: list[dict]) -> Iterator[list[dict]]:
    """The current articles, as model dumps, a batch at a time."""
    current = _current(out, parts)
    batch: list[dict] = []
    for index, part in enumerate(parts):
        if part.get("kind") != "articles":
            continue
        for number, line in enumerate(_lines(out, part)):
            record = ArticleRecord.model_validate_json(line)
            if current.get(record.source_path) == (index, number):
                batch.append(record.model_dump())
            if len(batch) >= ROWS_PER_BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _write(out: Path, parts: list[dict], target: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from schemas.arrow import arrow_schema

    schema = arrow_schema(ArticleRecord)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    rows = 0
    try:
        with pq.ParquetWriter(temp, schema) as writer:
            for batch in _article_batches(out, parts):
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                rows += len(batch)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return rows


def export_parquet(out: str | Path, target: str | Path) -> int:
    """Write the current articles of the output folder ``out`` to ``target``; return
    how many. A listed part that vanished meanwhile (a reprocess went live and removed
    the old version) means the manifest changed: it is read again, once."""
    out, target = Path(out), Path(target)
    for attempt in (1, 2):
        parts = _listed_parts(out)
        try:
            return _write(out, parts, target)
        except FileNotFoundError as exc:
            if attempt == 2:
                raise ExportError(f"a part file the manifest lists is missing: {exc}") from exc
        except (ValueError, KeyError) as exc:  # a line that is not a valid record
            raise ExportError(f"cannot export {str(out)!r}: {exc}") from exc
    raise AssertionError("unreachable")
