"""The ``fetch_pages`` Prefect flow: sources in, pages in ``raw/`` out, then (``clean``)
exactly those pages cleaned by the ``clean_pages`` flow, as a subflow of the same run.

The fetch itself is ``fetching.run.fetch`` (pure Python, threads inside); here it is one
Prefect task, so the Prefect UI shows the two steps of ``winnow fetch --clean``: the
``fetch`` task, then the ``clean_pages`` subflow run on the saved pages (the file that
lists them: ``<out>/_fetch/<run id>.saved``). The
fetch's summary becomes a markdown artifact, as the cleaning run's does.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from fetching.run import FetchRequest, FetchSummary, fetch
from fetching.settings import FetchSettings
from fetching.sources import load_sources
from flows.pipeline import RunFailed, clean_pages
from flows.progress import report_pages, report_start


class FetchFailed(RuntimeError):
    """The fetch stopped on an error that is not a URL's (the disk, the state)."""


def fetch_request(raw: str, out: str, fetch_table: Mapping[str, object],
                  base: str | None = None) -> FetchRequest:
    """The request from a parsed ``[fetch]`` table (``base``: the settings file's folder,
    where relative URL-list paths start); ``SettingsError``/``SourceError`` (both
    ``ValueError``) name what is wrong."""
    settings = FetchSettings.from_table(fetch_table)
    sources = tuple(load_sources(fetch_table, Path(base) if base else None))
    return FetchRequest(raw=raw, out=out, settings=settings, sources=sources)


@task(name="fetch", task_run_name="fetch {label}", cache_policy=NO_CACHE,
      persist_result=False, retries=0)
def fetch_task(request: FetchRequest, label: str) -> FetchSummary:
    """Fetch every source's pages (not retried as a whole: each request retries itself,
    and a rerun resumes from the state)."""
    return fetch(request, logger=get_run_logger(),
                 on_start=lambda total: report_start(total, "fetching"),
                 on_done=report_pages)


def _markdown(summary: FetchSummary) -> str:
    rows = "\n".join(f"| {outcome} | {n} |" for outcome, n in sorted(summary.counts.items()))
    return (f"# Fetch {summary.run_id}: {summary.status}\n\n{summary.discovered} URLs in"
            f" {summary.seconds:.1f} s; log `{summary.log}`\n\n| outcome | URLs |\n|---|---|\n"
            f"{rows}\n")


# shape: each parameter is a flow run parameter, shown and set in the Prefect UI and the deployment
@flow(name="fetch_pages", persist_result=False, log_prints=False)
def fetch_pages(
    raw: str = "raw",
    out: str = "clean",
    fetch_settings: dict | None = None,
    clean: bool = False,
    batch_size: int | None = None,
    limits: dict[str, float | int | None] | None = None,
    settings_dir: str | None = None,
    report: bool = False,
    profiles: str | None = None,
) -> dict:
    """Fetch the ``[fetch]`` table's sources into ``raw`` (state and log under ``out``;
    relative URL-list paths from ``settings_dir``); with ``clean``, then clean exactly the
    pages saved into ``out``. Returns the fetch
    summary (with ``clean``: and the cleaning run's under ``"clean"``; with ``report`` too,
    the cleaning run then rewrites the output folder's HTML report; ``profiles``: the site
    profiles folder the cleaning run uses)."""
    logger = get_run_logger()
    request = fetch_request(raw, out, fetch_settings or {}, settings_dir)
    summary = fetch_task(request, f"{len(request.sources)} sources")
    logger.info("%s", summary.to_text())
    create_markdown_artifact(markdown=_markdown(summary), key="winnow-fetch-summary",
                             description=f"Winnow fetch {summary.run_id}: {summary.headline()}")
    if summary.status == "failed":
        raise FetchFailed(summary.error)
    result: dict = {"fetch": summary.to_dict()}
    if clean and summary.saved_paths:
        result["clean"] = clean_pages(raw=raw, out=out, batch_size=batch_size, limits=limits,
                                      paths_file=summary.saved_list, report=report,
                                      profiles=profiles)
    elif clean:
        logger.info("nothing new was saved: nothing to clean")
    return result


__all__ = ["FetchFailed", "RunFailed", "fetch_pages", "fetch_request"]
