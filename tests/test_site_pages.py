"""The run summary counts each site's pages (records, duplicates among them, rejects) under
the same site keys as what the rules removed, so a report can show a site's pages beside
its removed lines (``pages_by_site``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers.archive import add_sidecar
from helpers.inline import inline_run

from flows.batch import NO_SITE
from flows.summary import RunSummary

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _raw(sample_raw: Path, sample_names: list[str]) -> Path:
    """Four seeds with no site, one named ria.ru by its sidecar, an HTML story in a site
    folder, a copy of a seed in another site's folder (a duplicate) and an empty page in a
    third (a reject whose site is its folder)."""
    add_sidecar(sample_raw / sample_names[1], url="https://www.ria.ru/20191201/x.html")
    (sample_raw / "detroitnews.com").mkdir()
    shutil.copy(FIXTURES / "html" / "english_page.html",
                sample_raw / "detroitnews.com" / "story.html")
    (sample_raw / "copies.example").mkdir()
    repost = (sample_raw / sample_names[0]).read_bytes() + b"\n\n"  # other bytes, same story
    (sample_raw / "copies.example" / "repost.txt").write_bytes(repost)
    (sample_raw / "bad.example").mkdir()
    (sample_raw / "bad.example" / "empty.html").write_bytes(b"")
    return sample_raw


def test_the_summary_counts_pages_per_site(sample_raw, sample_names, tmp_path):
    out = tmp_path / "clean"
    summary = inline_run(_raw(sample_raw, sample_names), out, batch_size=3)
    assert summary.batches == 3  # summed over batches
    by_site = summary.pages_by_site
    # which of the two copies is the original depends on the walk's order: one of them
    dup_site = next(json.loads(line)["site"] or NO_SITE
                    for part in out.glob("articles/*/*.jsonl")
                    for line in part.read_text(encoding="utf-8").splitlines()
                    if json.loads(line)["duplicate_of"])
    assert dup_site in {NO_SITE, "copies.example"}
    expected = {
        NO_SITE: {"records": 4, "duplicates": 0, "rejects": 0},
        "ria.ru": {"records": 1, "duplicates": 0, "rejects": 0},
        "detroitnews.com": {"records": 1, "duplicates": 0, "rejects": 0},
        "copies.example": {"records": 1, "duplicates": 0, "rejects": 0},
        "bad.example": {"records": 0, "duplicates": 0, "rejects": 1},
    }
    expected[dup_site]["duplicates"] = 1
    assert by_site == expected
    assert sum(n["records"] for n in by_site.values()) == summary.records == 7
    assert set(summary.removed_by_site) <= set(by_site)  # one set of site keys
    saved = json.loads((out / "_state" / "runs" / f"{summary.run_id}.json").read_text())
    assert saved["pages_by_site"] == expected


def test_the_artifact_lists_pages_per_site_with_hostile_names_kept_in_their_cell():
    summary = RunSummary(run_id="r", raw="raw", out="clean")
    summary.add_site_pages({"a|b\nc.org": {"records": 2, "rejects": 1},
                            "z.org": {"records": 5}})
    markdown = summary.to_markdown()
    rows = markdown.split("## Pages by site")[1].strip().splitlines()
    assert rows[2:] == ["| z.org | 5 | 0 | 0 |", "| a\\|b c.org | 2 | 0 | 1 |"]
    assert summary.pages_by_site["z.org"] == {"records": 5, "duplicates": 0, "rejects": 0}
