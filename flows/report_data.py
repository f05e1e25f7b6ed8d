"""What ``winnow report`` shows, gathered from an output folder: no rendering here.

The counts come from the run summaries (``_state/runs/*.json``): what each run cleaned,
wrote and rejected, per site, and the lines each rule removed, as the run counted them
(the summary is the one account of a run; the report never recounts it differently).
Languages and published days are read from the article records: the part files a run
wrote, or for the whole folder the current records the manifest lists (one per page,
its last, as a consumer reads them).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

from cleaners import RuleTally
from flows.summary import RUNS_DIR, SITE_COUNTS, RuleCounts, RunSummary
from flows.writer import read_manifest

ALL_RUNS = "all"
LAST_RUN = "last"
_SUMMED = ("processed", "records", "duplicates", "rejects")  # what runs add up to


class ReportError(ValueError):
    """The report cannot be made (no runs, an unknown run id); the message says why."""


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """The few fields of an article record the report reads (a record can be large)."""

    source_path: str
    run_id: str
    site: str | None
    language: str
    published: str | None
    title: str | None
    duplicate_of: str | None
    raw_sha256: str


@dataclass(slots=True)
class ReportData:
    """Everything one report shows, for one run or for every run of an output folder."""

    out: str
    scope: str  # a run id, or ALL_RUNS
    runs: list[RunSummary]  # the runs shown, oldest first
    totals: dict[str, int] = field(default_factory=dict)
    current: dict[str, int] | None = None  # the manifest's totals (all runs only)
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    removed_by_rule: RuleCounts = field(default_factory=dict)
    removed_by_site: dict[str, RuleCounts] = field(default_factory=dict)
    pages_by_site: dict[str, dict[str, int]] = field(default_factory=dict)
    articles: list[ArticleRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def languages(self) -> Counter[str]:
        return Counter(a.language for a in self.articles)

    @property
    def days(self) -> Counter[date]:
        """Records per published day (the day the page states, whatever its zone)."""
        found: Counter[date] = Counter()
        for a in self.articles:
            day = published_day(a.published)
            if day is not None:
                found[day] += 1
        return found

    @property
    def undated(self) -> int:
        return sum(1 for a in self.articles if published_day(a.published) is None)

    def sites(self) -> list[str]:
        """Every site with pages or removed lines, those with most pages first."""
        names = set(self.pages_by_site) | set(self.removed_by_site)

        def pages(site: str) -> int:
            n = self.pages_by_site.get(site, {})
            return n.get("records", 0) + n.get("rejects", 0)

        return sorted(names, key=lambda s: (-pages(s), s))


def published_day(value: str | None) -> date | None:
    """The day of a record's ``published`` (``2025-12-18`` or a date-time), or None."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def load_runs(out_root: Path) -> list[RunSummary]:
    """Every run summary of the output folder, oldest first. Fields a summary lacks (one
    written by an older Winnow) keep their defaults; fields this Winnow does not know are
    left out, so an old or newer summary still reads."""
    known = {f.name for f in fields(RunSummary)}
    runs = []
    order: dict[str, tuple[str, int]] = {}
    for path in sorted((out_root / RUNS_DIR).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReportError(f"cannot read the run summary {path}: {exc}") from exc
        if not isinstance(data, dict) or "run_id" not in data:
            raise ReportError(f"{path} is not a run summary")
        kept = {k: v for k, v in data.items() if k in known}
        kept.setdefault("raw", "")
        kept.setdefault("out", str(out_root))
        runs.append(RunSummary(**kept))
        # run ids and start times are to the second: two runs started in one second are
        # told apart by when each wrote its summary (at its end)
        order[runs[-1].run_id] = (runs[-1].started_at, path.stat().st_mtime_ns)
    return sorted(runs, key=lambda r: order[r.run_id])


def pick_runs(runs: list[RunSummary], scope: str, out_root: Path) -> list[RunSummary]:
    """The runs a report of ``scope`` shows: all, the last, or the one named."""
    if not runs:
        raise ReportError(f"no runs in {str(out_root)!r}: run `winnow run --out"
                          f" {out_root}` first")
    if scope == ALL_RUNS:
        return runs
    if scope == LAST_RUN:
        return runs[-1:]
    chosen = [r for r in runs if r.run_id == scope]
    if not chosen:
        latest = ", ".join(r.run_id for r in runs[-5:])
        raise ReportError(f"no run {scope!r} in {str(out_root)!r} (its latest runs:"
                          f" {latest}; or 'last', 'all')")
    return chosen


def sum_runs(data: ReportData) -> None:
    """The shown runs' counts added up: totals, reject reasons, rules and sites."""
    totals: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    rules = RuleTally()
    removed: dict[str, RuleTally] = {}
    sites: dict[str, Counter[str]] = {}
    for run in data.runs:
        totals.update({key: int(getattr(run, key)) for key in _SUMMED})
        reasons.update(run.rejects_by_reason)
        rules.update(RuleTally.from_dict(run.removed_by_rule))
        for site, counts in run.removed_by_site.items():
            removed.setdefault(site, RuleTally()).update(RuleTally.from_dict(counts))
        for site, n in run.pages_by_site.items():
            sites.setdefault(site, Counter()).update(n)
    data.totals = {key: totals[key] for key in _SUMMED}
    data.rejects_by_reason = dict(reasons.most_common())
    data.removed_by_rule = rules.as_dict()
    data.removed_by_site = {s: t.as_dict() for s, t in removed.items() if t}
    data.pages_by_site = {s: {k: n[k] for k in SITE_COUNTS} for s, n in sites.items()}
    old = [r.run_id for r in data.runs if r.processed and not r.pages_by_site]
    if old:
        data.notes.append(f"{len(old)} run(s) made by an older Winnow did not count pages"
                          " per site; the table of sites leaves them out.")


def _records(out_root: Path, part: str) -> Iterator[dict]:
    """The JSON objects of one part file (a part gone meanwhile, as a reprocess that went
    live removes the old version's, yields nothing); a line that is not a JSON object is
    a ``ReportError`` naming the file and line (``winnow validate`` says more)."""
    try:
        text = (out_root / part).read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict) or "source_path" not in record:
            raise ReportError(f"{out_root / part}:{number}: not a record (run `winnow"
                              f" validate {out_root}`)")
        yield record


def _rows(out_root: Path, part: str, run_id: str) -> Iterator[ArticleRow]:
    """The article rows of one part file."""
    for r in _records(out_root, part):
        yield ArticleRow(r["source_path"], run_id, r.get("site"), r.get("language", "??"),
                         r.get("published"), r.get("title"), r.get("duplicate_of"),
                         r.get("raw_sha256", ""))


def _manifest_parts(manifest: Mapping[str, object]) -> list[dict[str, str]]:
    parts = manifest.get("parts")
    return [p for p in parts if isinstance(p, dict)] if isinstance(parts, list) else []


def read_articles(data: ReportData, out_root: Path) -> None:
    """The article rows the report reads: a run's own part files, or for every run the
    current records of the manifest (per page the one in the last listed part, articles
    and rejects together, so a page that became a reject has no article here)."""
    if data.scope != ALL_RUNS:
        run = data.runs[0]
        for part in run.parts:
            if part.startswith("articles/"):
                data.articles.extend(_rows(out_root, part, run.run_id))
        return
    manifest = read_manifest(out_root)
    if manifest is None:
        data.notes.append("no _manifest.json: no records to read")
        return
    totals = manifest.get("totals")
    data.current = dict(totals) if isinstance(totals, dict) else None
    current: dict[str, ArticleRow | None] = {}
    for part in _manifest_parts(manifest):
        path, run_id = str(part.get("path", "")), str(part.get("run_id", ""))
        if part.get("kind") == "articles":
            current.update((row.source_path, row) for row in _rows(out_root, path, run_id))
        else:
            current.update((p, None) for p in _reject_paths(out_root, path))
    data.articles = [row for row in current.values() if row is not None]


def _reject_paths(out_root: Path, part: str) -> Iterator[str]:
    for r in _records(out_root, part):
        yield r["source_path"]


def gather(out_root: str | Path, scope: str = ALL_RUNS) -> ReportData:
    """The report's data for ``scope`` (a run id, ``last`` or ``all``) of ``out_root``."""
    out_root = Path(out_root)
    runs = pick_runs(load_runs(out_root), scope, out_root)
    data = ReportData(out=str(out_root), scope=ALL_RUNS if scope == ALL_RUNS
                      else runs[0].run_id, runs=runs)
    sum_runs(data)
    read_articles(data, out_root)
    return data
