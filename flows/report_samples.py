"""A few pages per site, cleaned again to show what the rules did: the kept story beside
the removed lines, each with the rule that removed it.

The run keeps no line verdicts (they would cost more than the records), so a sample is
the page re-read from the raw folder and analysed as ``winnow explain --out`` does: the
same ``analyse_page`` and line rendering, with the site's learned chrome. The chrome is
what the output folder knows now, after the run added its pages: a page cleaned early in
a site's life may show a ``site_*`` rule its run did not yet apply. A page that changed
since it was cleaned is shown as it is now, and says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cleaners import DEFAULT_LIMITS, Rejected, SiteChrome, analyse_page
from flows.batch import NO_SITE
from flows.explain import (
    DROPPED_MARK,
    KEPT_MARK,
    UNDECIDED_MARK,
    explain_lines,
    read_for_explain,
)
from flows.report_data import ArticleRow, ReportData

MAX_KEPT = 15  # kept lines shown per sample (a story is in the records in full)
MAX_REMOVED = 40  # removed lines shown per sample
MAX_CHARS = 400  # characters of one line shown


@dataclass(frozen=True, slots=True)
class RemovedLine:
    text: str
    rule: str
    label: str  # chrome, meta (lifted into the record's metadata), undecided
    note: str = ""


@dataclass(slots=True)
class Sample:
    """One page of a site as the report shows it."""

    source_path: str
    title: str | None
    kept: list[str] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    more_kept: int = 0  # lines left out of the report past MAX_KEPT
    more_removed: int = 0
    problem: str | None = None  # why the page could not be shown (gone, a WARC record...)
    changed: bool = False  # the raw page's bytes are not those the record was made from


def _short(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def pick(articles: Iterable[ArticleRow], site: str, per_site: int) -> list[ArticleRow]:
    """Up to ``per_site`` of the site's records: originals before duplicates (a repost
    shows nothing its original does not), in path order so a report is reproducible."""
    mine = [a for a in articles if (a.site or NO_SITE) == site]
    mine.sort(key=lambda a: (a.duplicate_of is not None, a.source_path))
    return mine[:per_site]


def raw_file(raw_root: str, source_path: str) -> Path | None:
    """The page's file under the run's raw folder, or None where the record's path cannot
    name one there: a WARC record (``file.warc.gz#<id>``), or a path that would leave the
    raw folder (a record file someone edited: a report never reads outside it)."""
    if not raw_root or "#" in source_path:
        return None
    rel = PurePosixPath(source_path)
    if rel.is_absolute() or ".." in rel.parts:
        return None
    root = Path(raw_root)
    return None if root.is_file() else root / rel


def _fill(sample: Sample, lines: list) -> None:
    """The sample's two columns from the page's explain lines."""
    kept = [x.text for x in lines if x.mark == KEPT_MARK and x.text.strip()]
    removed = [RemovedLine(_short(x.text), x.rule, x.label, x.note) for x in lines
               if x.mark in (DROPPED_MARK, UNDECIDED_MARK) and x.text.strip()]
    sample.kept = [_short(t) for t in kept[:MAX_KEPT]]
    sample.more_kept = max(0, len(kept) - MAX_KEPT)
    sample.removed = removed[:MAX_REMOVED]
    sample.more_removed = max(0, len(removed) - MAX_REMOVED)


def sample_page(row: ArticleRow, raw_root: str, chrome: SiteChrome | None) -> Sample:
    """One record's page cleaned again: never raises for anything the page can cause."""
    sample = Sample(row.source_path, row.title)
    path = raw_file(raw_root, row.source_path)
    if path is None:
        sample.problem = "not re-read: a WARC record, or a path outside the raw folder"
        return sample
    try:
        if path.stat().st_size > DEFAULT_LIMITS.max_raw_bytes:
            sample.problem = "the raw page is over the size limit"
            return sample
        data, url, encoding = read_for_explain(path)
    except (OSError, Rejected) as exc:
        sample.problem = f"the raw page cannot be read now ({exc})"
        return sample
    sample.changed = hashlib.sha256(data).hexdigest() != row.raw_sha256
    try:
        analysis = analyse_page(data, source_path=row.source_path, url=url,
                                encoding=encoding, site_chrome=chrome)
    except Rejected as exc:
        analysis = getattr(exc, "analysis", None)
        sample.problem = f"now rejected: {exc.reason}: {exc.detail}"
    except Exception as exc:  # a bug in the cleaner must not cost the report
        sample.problem = f"error cleaning it again: {type(exc).__name__}: {exc}"
        return sample
    if analysis is not None:
        _fill(sample, list(explain_lines(analysis.blocks)))
    return sample


def site_chrome(out_root: Path, sites: list[str]) -> dict[str, SiteChrome]:
    """The chrome learned for ``sites`` in the output folder (none where it learned none)."""
    from flows.sitestats_store import STATS_DB, SiteStatsStore
    from flows.state import STATE_DIR

    if not sites or not (out_root / STATE_DIR / STATS_DB).is_file():
        return {}
    with SiteStatsStore(out_root) as store:
        return store.chrome(sites, pending=False)


def gather_samples(data: ReportData, sites: list[str], per_site: int
                   ) -> dict[str, list[Sample]]:
    """Up to ``per_site`` samples for each of ``sites``, each page cleaned again."""
    raw_of = {run.run_id: run.raw for run in data.runs}
    chrome = site_chrome(Path(data.out), sites)
    samples: dict[str, list[Sample]] = {}
    for site in sites:
        rows = pick(data.articles, site, per_site)
        samples[site] = [sample_page(r, raw_of.get(r.run_id, ""), chrome.get(site))
                         for r in rows]
    return samples
