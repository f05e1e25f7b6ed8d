"""Check an output folder the way a consumer and an auditor would.

``listed_records`` reads every part file the manifest lists, in manifest order,
failing on a partial or unparsable line. ``current_records`` applies the
consumers' rule from the README: per ``source_path`` the record in the last
listed part is the page's current one.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from flows.state import RunState


def manifest(out: Path) -> dict:
    return json.loads((out / "_manifest.json").read_text(encoding="utf-8"))


def listed_records(out: Path) -> list[dict]:
    """Every record of every listed part, in order; asserts each part is whole."""
    records = []
    for part in manifest(out)["parts"]:
        data = (out / part["path"]).read_bytes()
        assert data.endswith(b"\n"), f"{part['path']} ends in a partial line"
        lines = data.decode("utf-8").split("\n")[:-1]
        assert len(lines) == part["records"], f"{part['path']}: count differs from manifest"
        for line in lines:
            record = json.loads(line)  # a partial line would not parse
            assert part["path"].startswith("articles/") == ("text" in record)
            records.append(record)
    return records


def current_records(out: Path) -> dict[str, dict]:
    """The consumers' rule: per source_path, the record in the last listed part."""
    current: dict[str, dict] = {}
    for record in listed_records(out):
        current[record["source_path"]] = record
    return current


def check_consistent(out: Path) -> list[dict]:
    """What must hold at any moment no run is writing, even right after a kill -9:
    listed parts are whole, no page is listed twice, no article id repeats, and the
    state knows every page the manifest lists (it may know more: a killed run's
    last batches are committed but reach the manifest only with the next run)."""
    records = listed_records(out)
    paths = Counter(r["source_path"] for r in records)
    assert not [p for p, n in paths.items() if n > 1], "a page is listed twice"
    ids = Counter(r["id"] for r in records if "id" in r)
    assert not [i for i, n in ids.items() if n > 1], "an article id is listed twice"
    with RunState(out) as state:
        known = {key[0] for key in state.known_keys()}
    assert set(paths) <= known, "the manifest lists a page the state does not know"
    return records


def check_exactly_once(out: Path, pages: list[str]) -> None:
    """Every raw page exactly once across the listed parts, and the state agrees."""
    records = check_consistent(out)
    with RunState(out) as state:
        assert {key[0] for key in state.known_keys()} == set(pages)
    assert sorted(r["source_path"] for r in records) == sorted(pages)


def files_on_disk(out: Path) -> set[str]:
    """Every file in the output's run folders, hidden temporary files included."""
    return {
        p.relative_to(out).as_posix()
        for kind in ("articles", "rejects")
        for p in (out / kind).glob("*/*")
        if p.is_file()
    }
