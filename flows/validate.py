"""``winnow validate``: check JSONL files line by line against the record models.

A line is judged an article or a reject by its shape (a reject has a
``reason`` and no ``text``), then validated by that model, so a consumer's
file that mixes both kinds is checked too. Errors read ``file:line: message``,
the form editors and CI logs turn into links.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from schemas.models import ArticleRecord, LinkRecord, RejectRecord


@dataclass(frozen=True, slots=True)
class LineError:
    path: str
    line: int  # 1-based; 0 when the whole file is at fault
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def model_for(obj: dict[str, object]) -> type[BaseModel]:
    """ArticleRecord, RejectRecord or LinkRecord (``links.jsonl``), by the record's shape."""
    if "reason" in obj and "text" not in obj:
        return RejectRecord
    if isinstance(obj.get("related"), dict) and "text" not in obj:
        return LinkRecord
    return ArticleRecord


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def check_line(raw: bytes) -> str | None:
    """The error in one JSONL line, or None if it is a valid record."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 ({exc.reason} at byte {exc.start})"
    if not text.strip():
        return "blank line"
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"not JSON: {exc.msg} (column {exc.colno})"
    if not isinstance(obj, dict):
        return f"not a JSON object but {type(obj).__name__}"
    model = model_for(obj)
    try:
        model.model_validate_json(text)
    except ValidationError as exc:
        return f"invalid {model.__name__}: {_describe(exc)}"
    return None


def validate_file(path: str | Path) -> tuple[int, list[LineError]]:
    """(lines checked, errors) for one JSONL file."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return 0, [LineError(name, 0, f"cannot read: {exc.strerror or exc}")]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    errors = []
    for number, raw in enumerate(lines, start=1):
        message = check_line(raw.removesuffix(b"\r"))
        if message:
            errors.append(LineError(name, number, message))
    return len(lines), errors


def validate_files(paths: list[str]) -> Iterator[tuple[str, int, list[LineError]]]:
    """Each JSONL file named, or found behind a named output folder or manifest."""
    for path in paths:
        files, problems = expand(path)
        for problem in problems:
            yield problem.path, 0, [problem]
        for file in files:
            count, errors = validate_file(file)
            yield file, count, errors


MANIFEST = "_manifest.json"
LINKS = "links.jsonl"


def expand(path: str) -> tuple[list[str], list[LineError]]:
    """The JSONL files ``path`` stands for: itself; for an output folder or its
    ``_manifest.json``, the part files the manifest lists (the live output, in commit
    order) and ``links.jsonl``; for another folder, every ``*.jsonl`` under it. A part
    the manifest lists but the disk lacks is an error, not a skip."""
    p = Path(path)
    if p.is_dir() and not (p / MANIFEST).is_file():
        return sorted(str(f) for f in p.rglob("*.jsonl")), []
    if p.is_dir() or p.name == MANIFEST:
        return _listed(p / MANIFEST if p.is_dir() else p)
    return [path], []


def _listed(manifest: Path) -> tuple[list[str], list[LineError]]:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        parts = [str(manifest.parent / part["path"]) for part in data["parts"]]
    except OSError as exc:
        return [], [LineError(str(manifest), 0, f"cannot read: {exc.strerror or exc}")]
    except (ValueError, KeyError, TypeError) as exc:
        return [], [LineError(str(manifest), 0, f"not a Winnow manifest: {exc!r}")]
    missing = [LineError(f, 0, f"listed in {manifest.name} but missing")
               for f in parts if not Path(f).is_file()]
    links = manifest.parent / LINKS
    found = [f for f in parts if Path(f).is_file()] + ([str(links)] if links.is_file() else [])
    return found, missing
