"""``winnow report``: a static HTML report of an output folder, ``<out>/_report/index.html``.

What a user of Scrapy's stats or datatrove's per-step counts expects to see after a run,
in one file that opens offline: records, duplicates and rejects per run and per site,
the reject reasons, the lines each rule removed (over the run and per site), the records'
languages and published days, and for the sites with most pages a few sample pages with
the kept story beside the removed lines, each named by its rule. Nothing here writes
anywhere but ``<out>/_report/``, and nothing in it runs a script or loads a resource.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flows.report_data import ALL_RUNS, LAST_RUN, ReportData, ReportError, gather
from flows.report_html import (
    CSP,
    CSS,
    dates_section,
    esc,
    languages_section,
    rejects_section,
    rules_section,
    runs_section,
    totals_section,
)
from flows.report_samples import Sample, gather_samples
from flows.report_sites import sites_html
from flows.writer import atomic_write_text

REPORT_DIR = "_report"
REPORT_FILE = "index.html"
SAMPLES_PER_SITE = 3
SAMPLED_SITES = 12

__all__ = ["ALL_RUNS", "LAST_RUN", "ReportError", "render", "report_path", "write_report"]


def report_path(out_root: str | Path) -> Path:
    return Path(out_root) / REPORT_DIR / REPORT_FILE


def _header(data: ReportData, generated_at: str) -> str:
    if data.scope == ALL_RUNS:
        scope = f"all {len(data.runs)} runs"
    else:
        run = data.runs[0]
        scope = f"run <code>{esc(run.run_id)}</code> ({esc(run.status)})"
    versions = sorted({r.pipeline_version for r in data.runs if r.pipeline_version})
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in data.notes)
    return (f"<h1>Winnow report</h1><p class=\"meta\">Output folder <code>{esc(data.out)}"
            f"</code>, {scope}; made {esc(generated_at)}; pipeline"
            f" {esc(', '.join(versions) or '?')}.</p>{notes}")


def render(data: ReportData, samples: dict[str, list[Sample]],
           generated_at: str | None = None) -> str:
    """The whole page as one string."""
    generated_at = generated_at or datetime.now(UTC).isoformat(timespec="seconds")
    body = "".join([
        _header(data, generated_at), totals_section(data), runs_section(data),
        rejects_section(data), rules_section(data), languages_section(data),
        dates_section(data), sites_html(data, samples),
    ])
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="data:,">'
            f"<title>Winnow report: {esc(data.out)}</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def write_report(out_root: str | Path, scope: str = ALL_RUNS, *,
                 samples_per_site: int = SAMPLES_PER_SITE,
                 sampled_sites: int = SAMPLED_SITES) -> Path:
    """Write the report of ``scope`` (``all``, ``last`` or a run id) of ``out_root`` to
    ``<out>/_report/index.html`` (atomically) and return its path. ``ReportError`` when
    there is nothing to report (no runs) or the run named is not there."""
    data = gather(out_root, scope)
    sites = [s for s in data.sites() if data.pages_by_site.get(s, {}).get("records")]
    samples = gather_samples(data, sites[:sampled_sites], samples_per_site) \
        if samples_per_site > 0 else {}
    path = report_path(out_root)
    atomic_write_text(path, render(data, samples))
    return path
