"""Write part files and the manifest so that a reader never sees half a file.

Every file is written by ``fetching.atomic.atomic_write_bytes`` (shared with the
fetch, which may not import ``flows``): under a temporary name in its final folder,
flushed and fsynced, then ``os.replace``d into place, and the folder fsynced. The
temporary name starts with a dot and does not end in ``.jsonl``, so globs such
as ``articles/*/*.jsonl`` never pick one up.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from fetching.atomic import atomic_write_bytes, atomic_write_text
from fetching.atomic import fsync_dir as _fsync_dir
from schemas.models import SCHEMA_VERSION

PartKind = Literal["articles", "rejects"]
KINDS: tuple[PartKind, ...] = ("articles", "rejects")
MANIFEST_NAME = "_manifest.json"

# json.dumps(ensure_ascii=False) leaves these literal. They are legal inside JSON
# strings, but str.splitlines() and some JSONL readers break lines on them.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def json_line(obj: BaseModel | Mapping[str, object]) -> str:
    """One JSON object on one line: UTF-8 text kept literal (Cyrillic stays Cyrillic)."""
    data = obj.model_dump(mode="json") if isinstance(obj, BaseModel) else obj
    line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _LINE_BREAKS.items():
        if char in line:
            line = line.replace(char, escape)
    return line


@dataclass(frozen=True, slots=True)
class PartInfo:
    """One live part file, as the manifest lists it."""

    path: str  # relative to the output root, POSIX
    kind: PartKind
    run_id: str
    records: int
    bytes: int
    schema_version: str


def part_name(number: int) -> str:
    return f"part-{number:05d}.jsonl"


def write_part(
    out_root: str | Path, kind: PartKind, run_id: str, number: int, records: Iterable[BaseModel]
) -> PartInfo | None:
    """Write one part file of ``records``; write nothing (and return None) if there are none.

    Part numbers are given by the flow per batch, so a retried batch rewrites its
    own file instead of adding a second copy.
    """
    lines = [json_line(r) for r in records]
    if not lines:
        return None
    out_root = Path(out_root)
    path = out_root / kind / run_id / part_name(number)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    atomic_write_bytes(path, data)
    return PartInfo(
        path=path.relative_to(out_root).as_posix(),
        kind=kind,
        run_id=run_id,
        records=len(lines),
        bytes=len(data),
        schema_version=SCHEMA_VERSION,
    )


def write_batch(
    out_root: str | Path,
    run_id: str,
    number: int,
    articles: Sequence[BaseModel],
    rejects: Sequence[BaseModel],
) -> list[PartInfo]:
    """Write one batch's articles and rejects as part ``number`` of the run.

    If the second file cannot be written the first is taken away again, so a
    failed batch leaves nothing behind for the state not to know.
    """
    written: list[PartInfo] = []
    try:
        for kind, records in (("articles", articles), ("rejects", rejects)):
            info = write_part(out_root, kind, run_id, number, records)  # type: ignore[arg-type]
            if info is not None:
                written.append(info)
    except BaseException:
        for info in written:
            with contextlib.suppress(OSError):
                (Path(out_root) / info.path).unlink()
        raise
    return written


def describe_part(out_root: Path, path: Path, kind: PartKind, run_id: str) -> PartInfo:
    """Count the records of a part file written before the state listed parts."""
    records = 0
    version = SCHEMA_VERSION
    with path.open("rb") as fh:
        for line in fh:
            if not line.strip():
                continue
            if records == 0:
                with contextlib.suppress(ValueError, AttributeError):
                    version = str(json.loads(line).get("schema_version", version))
            records += 1
    return PartInfo(
        path=path.relative_to(out_root).as_posix(),
        kind=kind,
        run_id=run_id,
        records=records,
        bytes=path.stat().st_size,
        schema_version=version,
    )


def read_manifest(out_root: str | Path) -> dict[str, object] | None:
    path = Path(out_root) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def build_manifest(parts: Iterable[PartInfo], output_version: int = 1,
                   totals: Mapping[str, int] | None = None) -> dict[str, object]:
    """The manifest of the live part files, in the order they were committed.

    Order matters: a page cleaned again (it changed, or its earlier outcome was a
    transient reject) has a record in a later part, and the later record is the
    page's current one. ``parts`` come from the state, which lists a part file
    only once the batch that wrote it is committed. ``totals``: the current records
    per kind (``RunState.current_totals``); without them, the lines of the parts,
    superseded records included.
    """
    listed = list(parts)
    if totals is None:
        totals = {kind: sum(p.records for p in listed if p.kind == kind) for kind in KINDS}
    return {
        "schema_version": SCHEMA_VERSION,
        "output_version": output_version,
        "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "current_record": "per source_path, the record in the last listed part",
        "totals": totals,
        "parts": [
            {
                "path": p.path,
                "kind": p.kind,
                "run_id": p.run_id,
                "records": p.records,
                "bytes": p.bytes,
                "schema_version": p.schema_version,
            }
            for p in listed
        ],
    }


def write_manifest(
    out_root: str | Path, parts: Iterable[PartInfo], output_version: int = 1,
    totals: Mapping[str, int] | None = None,
) -> dict[str, object]:
    """Rebuild ``<out>/_manifest.json`` and replace it atomically; return what was written."""
    manifest = build_manifest(parts, output_version, totals)
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(Path(out_root) / MANIFEST_NAME, text)
    return manifest


_PART_FILE = re.compile(r"^part-\d+\.jsonl$")
_TEMP_FILE = re.compile(r"^\.part-\d+\.jsonl\..*\.tmp$")


def sweep_unlisted(out_root: str | Path, runs: set[str], keep: set[str]) -> list[str]:
    """Remove the part files of ``runs`` that ``keep`` does not list, and their writers'
    temporary files; return what was removed (relative paths).

    These are a killed run's batches that never reached the state, and the
    files of an output version a reprocess replaced. Only runs the state knows
    are touched: a folder Winnow did not write is left alone.
    """
    out_root = Path(out_root)
    removed: list[str] = []
    for kind in KINDS:
        for run_id in sorted(runs):
            folder = out_root / kind / run_id
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                rel = path.relative_to(out_root).as_posix()
                if (_PART_FILE.match(path.name) and rel not in keep) or _TEMP_FILE.match(
                    path.name
                ):
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                    removed.append(rel)
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty
    if removed:
        for kind in KINDS:
            _fsync_dir(out_root / kind)
    return removed
