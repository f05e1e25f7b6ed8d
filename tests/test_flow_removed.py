"""What each cleaning rule removed reaches the user: a run sums its pages' rule counts per
run and per site into its saved summary, prints the rules that removed most, and puts
them in the artifact; the counts are those ``analyse_page`` labels on the same pages."""

from __future__ import annotations

import json
import logging
import pickle
import shutil
from pathlib import Path

import pytest
from helpers.archive import add_sidecar
from helpers.inline import inline_run

from cleaners import DROPPED, Rejected, analyse_page
from flows.batch import NO_SITE, BatchResult, clean_batch
from flows.discover import discover
from flows.sidecar import page_site, parse_sidecar
from flows.summary import RunSummary

FIXTURES = Path(__file__).resolve().parent / "fixtures"
log = logging.getLogger("test")


@pytest.fixture
def mixed_raw(sample_raw: Path, sample_names: list[str]) -> Path:
    """The five seeds (no site, one of them with a sidecar naming one), and an HTML page
    in a site folder: three sites, text and HTML rules."""
    add_sidecar(sample_raw / sample_names[1], url="https://www.ria.ru/20191201/x.html")
    (sample_raw / "detroitnews.com").mkdir()
    shutil.copy(FIXTURES / "html" / "english_page.html",
                sample_raw / "detroitnews.com" / "story.html")
    return sample_raw


def expected_removed(raw: Path) -> dict[str, dict[str, dict[str, int]]]:
    """Per site, per rule: the blocks ``analyse_page`` labels dropped (chrome or meta)
    with that rule, and the raw lines they stand on; computed here from the blocks."""
    by_site: dict[str, dict[str, dict[str, int]]] = {}
    for page in discover(raw).pages:
        sidecar = None
        if page.sidecar:
            sidecar = parse_sidecar(Path(page.sidecar).read_bytes())
        site = page_site(sidecar, page.folder_site) or NO_SITE
        try:
            analysis = analyse_page(Path(page.path).read_bytes(), source_path=page.source_path,
                                    url=sidecar.url if sidecar else None)
        except Rejected as exc:
            analysis = exc.analysis
        for block in analysis.blocks if analysis is not None else []:
            if block.rule and block.label in DROPPED:
                counts = by_site.setdefault(site, {}).setdefault(
                    block.rule, {"blocks": 0, "lines": 0})
                counts["blocks"] += 1
                counts["lines"] += len(block.raw.split("\n"))
    return by_site


def summed(by_site: dict[str, dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    total: dict[str, dict[str, int]] = {}
    for counts in by_site.values():
        for rule, n in counts.items():
            mine = total.setdefault(rule, {"blocks": 0, "lines": 0})
            mine["blocks"] += n["blocks"]
            mine["lines"] += n["lines"]
    return total


def test_the_saved_summary_holds_what_each_rule_removed_per_run_and_per_site(
    mixed_raw, tmp_path
):
    expected = expected_removed(mixed_raw)
    assert set(expected) == {NO_SITE, "ria.ru", "detroitnews.com"}  # three sites removed
    out = tmp_path / "clean"
    summary = inline_run(mixed_raw, out, batch_size=3)
    assert summary.batches == 2  # summed across batches, not just the last one
    saved = json.loads((out / "_state" / "runs" / f"{summary.run_id}.json").read_text())
    assert saved["removed_by_site"] == expected
    assert saved["removed_by_rule"] == summed(expected)
    # the rules of both front ends are there
    assert len(saved["removed_by_rule"]) >= 3

    again = inline_run(mixed_raw, out)
    assert again.processed == 0 and again.removed_by_rule == {}  # nothing cleaned, nothing


def test_the_printed_summary_and_the_artifact_name_the_rules_that_removed_most():
    counts = {f"rule_{i:02d}": {"blocks": i, "lines": 10 * i} for i in range(1, 13)}
    summary = RunSummary(run_id="r", raw="raw", out="clean")
    summary.removed_by_rule = counts
    summary.removed_by_site = {"a|b.org": counts}
    text = summary.to_text()
    listed = [line.split(":")[0].strip() for line in text.splitlines()
              if line.startswith("    rule_")]
    assert listed == [f"rule_{i:02d}" for i in range(12, 2, -1)]  # the ten of most lines
    assert "    rule_12: 120 lines in 12 blocks" in text
    assert "removed by the rules: 780 lines in 78 blocks (12 rules, 1 sites)" in text
    markdown = summary.to_markdown()
    assert "| `rule_01` | 1 | 10 |" in markdown  # the artifact's table has every rule
    assert "| a\\|b.org | 78 | 780 | `rule_12` |" in markdown
    assert RunSummary(**json.loads(json.dumps(summary.to_dict()))).to_text() == text


def test_a_batch_result_with_its_rule_counts_survives_pickling(mixed_raw):
    """Dask workers send the BatchResult back pickled."""
    jobs_result = clean_batch(_jobs(mixed_raw), 0)
    assert jobs_result.removed  # the batch counted something
    back = pickle.loads(pickle.dumps(jobs_result))
    assert isinstance(back, BatchResult)
    assert {s: t.as_dict() for s, t in back.removed.items()} == expected_removed(mixed_raw)


def _jobs(raw: Path):
    from flows.batch import page_job

    return [page_job(p) for p in discover(raw).pages]
