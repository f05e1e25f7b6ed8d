"""The account of one run: what it saw, what it wrote, what it rejected and why.

One object, three renderings: JSON (saved in ``<out>/_state/runs/<run-id>.json``),
plain text (printed by the CLI and logged) and markdown (the Prefect artifact).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from cleaners import RuleTally
from flows.writer import atomic_write_text

RUNS_DIR = Path("_state") / "runs"
TOP_RULES = 10  # rules the plain-text summary lists (the JSON and the artifact hold all)

TOP_SITES = 50  # sites the artifact's table of pages per site lists (the JSON holds all)
SITE_COUNTS = ("records", "duplicates", "rejects")  # a site's row in pages_by_site

RuleCounts = dict[str, dict[str, int]]  # {rule: {"blocks": n, "lines": m}}


def _by_lines(counts: Mapping[str, Mapping[str, int]]) -> list[tuple[str, int, int]]:
    """(rule, blocks, lines), the rules that removed most lines first: lines are what a
    reader of the output lost, so they rank the rules."""
    rows = [(rule, n.get("blocks", 0), n.get("lines", 0)) for rule, n in counts.items()]
    return sorted(rows, key=lambda r: (-r[2], -r[1], r[0]))


def md_cell(text: str) -> str:
    """A value from a page or a sidecar (a site's name) as one markdown table cell: its
    pipes escaped and its line breaks and control characters made spaces, so it can
    neither end the row nor open another."""
    flat = "".join(" " if ch < " " or ch in "\u2028\u2029\x85\x7f" else ch for ch in text)
    return flat.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def _totals(counts: Mapping[str, Mapping[str, int]]) -> tuple[int, int]:
    return (sum(n.get("blocks", 0) for n in counts.values()),
            sum(n.get("lines", 0) for n in counts.values()))


@dataclass(slots=True)
class RunSummary:
    run_id: str
    raw: str
    out: str
    status: Literal["completed", "failed"] = "completed"
    reprocess: bool = False  # a fresh output version, ignoring what the state knew
    since: str | None = None  # the date range asked for (inclusive days), if any
    until: str | None = None
    output_version: int = 1  # the output version written (see flows.state)
    pages_seen: int = 0  # pages discovered under the raw root
    out_of_range: int = 0  # pages left out by since/until
    skipped: int = 0  # already cleaned in an earlier run, unchanged since
    processed: int = 0  # cleaned in this run
    records: int = 0
    duplicates: int = 0  # records marked duplicate_of an earlier one (they are in records too)
    rejects: int = 0
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    # blocks and raw lines each cleaning rule removed from the pages this run cleaned (the
    # batches it committed), over the run and per site ("(no site)" for pages without one)
    removed_by_rule: RuleCounts = field(default_factory=dict)
    removed_by_site: dict[str, RuleCounts] = field(default_factory=dict)
    # the pages this run cleaned, per site (the keys of removed_by_site):
    # {site: {"records": n, "duplicates": d, "rejects": r}}, duplicates among records
    pages_by_site: dict[str, dict[str, int]] = field(default_factory=dict)
    batches: int = 0
    failed_batches: int = 0
    parts: list[str] = field(default_factory=list)  # part files written, relative to out
    orphan_sidecars: int = 0
    # records of WARC files that are no page, by kind: warcinfo, request, metadata,
    # revisit, resource..., response_not_200, response_not_html (flows.warc)
    warc_records: dict[str, int] = field(default_factory=dict)
    removed_unlisted: int = 0  # part files of a killed run's uncommitted batch, removed
    started_at: str = ""
    finished_at: str = ""
    seconds: float = 0.0
    pipeline_version: str = ""
    error: str | None = None
    report: str | None = None  # the HTML report written after the run (``--report``), if any

    def add_rejects(self, counts: Counter[str]) -> None:
        merged = Counter(self.rejects_by_reason)
        merged.update(counts)
        self.rejects_by_reason = dict(sorted(merged.items()))
        self.rejects = sum(merged.values())

    def add_warc_records(self, counts: Mapping[str, int]) -> None:
        merged = Counter(self.warc_records)
        merged.update(counts)
        self.warc_records = dict(sorted(merged.items()))

    def add_removed(self, by_site: Mapping[str, RuleTally]) -> None:
        """Add the rule counts of committed batches, given per site, to the run's."""
        total = RuleTally.from_dict(self.removed_by_rule)
        sites = {s: RuleTally.from_dict(c) for s, c in self.removed_by_site.items()}
        for site, tally in by_site.items():
            total.update(tally)
            sites.setdefault(site, RuleTally()).update(tally)
        self.removed_by_rule = total.as_dict()
        self.removed_by_site = {s: t.as_dict() for s, t in sorted(sites.items()) if t}

    def add_site_pages(self, by_site: Mapping[str, Mapping[str, int]]) -> None:
        """Add committed batches' pages per site (records, duplicates, rejects) to the run's."""
        merged = {site: Counter(n) for site, n in self.pages_by_site.items()}
        for site, counts in by_site.items():
            merged.setdefault(site, Counter()).update(counts)
        self.pages_by_site = {
            site: {key: n[key] for key in SITE_COUNTS}
            for site, n in sorted(merged.items()) if any(n.values())
        }

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def headline(self) -> str:
        return (
            f"{self.pages_seen} pages seen: {self.records} records, {self.rejects} rejects,"
            f" {self.skipped} skipped as already cleaned"
        )

    def scope(self) -> str | None:
        """What besides "new and changed pages" the run was asked for, or None."""
        said = []
        if self.reprocess and (self.since or self.until):
            said.append("reprocessed in place")
        elif self.reprocess:
            said.append(f"reprocessed into output version {self.output_version}")
        if self.since or self.until:
            said.append(f"pages dated {self.since or '...'} to {self.until or '...'}"
                        f" ({self.out_of_range} outside left out)")
        return "; ".join(said) or None

    def to_text(self) -> str:
        lines = [f"run {self.run_id} {self.status} in {self.seconds:.1f} s", self.headline()]
        if self.scope():
            lines.append(f"  {self.scope()}")
        if self.duplicates:
            lines.append(f"  duplicates of an earlier record: {self.duplicates}")
        for reason, count in self.rejects_by_reason.items():
            lines.append(f"  rejected {reason}: {count}")
        lines += self._top_rules_text()
        if self.warc_records:
            lines.append("  WARC records that are no page: " + ", ".join(
                f"{kind} {n}" for kind, n in self.warc_records.items()))
        if self.orphan_sidecars:
            lines.append(f"  sidecars with no page beside them: {self.orphan_sidecars}")
        if self.removed_unlisted:
            lines.append(f"  uncommitted part files of an interrupted run removed:"
                         f" {self.removed_unlisted}")
        if self.records:
            lines.append(f"records: {Path(self.out) / 'articles' / self.run_id}")
        if self.rejects:
            lines.append(f"rejects: {Path(self.out) / 'rejects' / self.run_id}")
        if self.report:
            lines.append(f"report: {self.report}")
        if self.error:
            lines.append(f"error: {self.error}")
        return "\n".join(lines)

    def _top_rules_text(self) -> list[str]:
        """The rules that removed most lines, one line each: what cleaning took out."""
        if not self.removed_by_rule:
            return []
        ranked = _by_lines(self.removed_by_rule)
        blocks, lines = _totals(self.removed_by_rule)
        out = [f"  removed by the rules: {lines} lines in {blocks} blocks"
               f" ({len(ranked)} rules, {len(self.removed_by_site)} sites); most lines:"]
        out += [f"    {rule}: {n_lines} lines in {n_blocks} blocks"
                for rule, n_blocks, n_lines in ranked[:TOP_RULES]]
        return out

    def _removed_markdown(self) -> list[str]:
        """The artifact's tables of what the rules removed: per rule, then per site."""
        if not self.removed_by_rule:
            return []
        out = ["", "## Removed by rule", "", "| rule | blocks | lines |", "|---|---:|---:|"]
        out += [f"| `{rule}` | {b} | {n} |" for rule, b, n in _by_lines(self.removed_by_rule)]
        out += ["", "## Removed by site", "", "| site | blocks | lines | most lines by |",
                "|---|---:|---:|---|"]
        for site, counts in self.removed_by_site.items():
            blocks, lines = _totals(counts)
            top = _by_lines(counts)[0][0]
            out.append(f"| {md_cell(site)} | {blocks} | {lines} | `{top}` |")
        return out

    def _sites_markdown(self) -> list[str]:
        """The artifact's table of pages per site, the sites with most pages first."""
        if not self.pages_by_site:
            return []
        ranked = sorted(self.pages_by_site.items(),
                        key=lambda kv: (-kv[1]["records"] - kv[1]["rejects"], kv[0]))
        out = ["", "## Pages by site", "", "| site | records | duplicates | rejects |",
               "|---|---:|---:|---:|"]
        for site, n in ranked[:TOP_SITES]:
            out.append(f"| {md_cell(site)} | {n['records']} | {n['duplicates']}"
                       f" | {n['rejects']} |")
        if len(ranked) > TOP_SITES:
            out += ["", f"{len(ranked) - TOP_SITES} more sites in the run summary's JSON."]
        return out

    def to_markdown(self) -> str:
        rows = [
            ("status", self.status),
            ("raw", f"`{self.raw}`"),
            ("out", f"`{self.out}`"),
            ("pages seen", self.pages_seen),
            ("skipped (already cleaned)", self.skipped),
            ("processed", self.processed),
            ("scope", self.scope() or "new and changed pages"),
            ("records", self.records),
            ("duplicates (among records)", self.duplicates),
            ("rejects", self.rejects),
            ("batches", f"{self.batches} ({self.failed_batches} failed)"),
            ("seconds", f"{self.seconds:.1f}"),
            ("pipeline version", self.pipeline_version),
        ]
        if self.report:
            rows.append(("HTML report", f"`{md_cell(self.report)}`"))
        out = [f"# Winnow run `{self.run_id}`", "", "| | |", "|---|---:|"]
        out += [f"| {name} | {value} |" for name, value in rows]
        if self.rejects_by_reason:
            out += ["", "## Rejects by reason", "", "| reason | pages |", "|---|---:|"]
            out += [f"| `{r}` | {n} |" for r, n in self.rejects_by_reason.items()]
        if self.warc_records:
            out += ["", "## WARC records that are no page", "", "| kind | records |",
                    "|---|---:|"]
            out += [f"| `{k}` | {n} |" for k, n in self.warc_records.items()]
        out += self._sites_markdown()
        out += self._removed_markdown()
        if self.error:
            out += ["", f"**Error:** {self.error}"]
        return "\n".join(out) + "\n"

    def save(self, out_root: str | Path) -> Path:
        """Write the summary as ``<out>/_state/runs/<run-id>.json`` (atomically)."""
        path = Path(out_root) / RUNS_DIR / f"{self.run_id}.json"
        atomic_write_text(path, json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return path
