"""The ``clean_pages`` Prefect flow: raw folder in, article and reject part files out.

The run's body is ``flows.run.execute`` (discover, batch, write and commit each
batch in order); this module gives it Prefect: batches run as tasks on the
flow's task runner (a thread pool by default, Dask with ``--workers`` or
``--dask-address``: ``flows.runners``), the run gets a name that says what it
cleans (its page count from the run's own discovery), and its summary becomes a
markdown artifact.

Pages go to tasks in batches because a Prefect task costs 5-10 ms of client
and 25-35 ms of server CPU, and the server drops events past a few thousand
tasks: one task per page would spend more on orchestration than on cleaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.task_runners import ThreadPoolTaskRunner

from cleaners import DEFAULT_LIMITS, Limits
from flows.batch import BatchResult, PageJob, clean_batch, learn_batch
from flows.console import CONSOLE_KEY
from flows.handoff import Collect, Parcel, open_box, send
from flows.pool import active_pool, workers_for
from flows.progress import report_page, report_pages
from flows.run import BATCH_SIZE, RunHooks, RunRequest, batches, execute, new_run_id
from flows.runners import TASK_WORKERS, dask_slots, in_flight_for
from flows.sitestats_store import PageLines

__all__ = ["BATCH_SIZE", "RunFailed", "batches", "clean_pages", "new_run_id"]


class RunFailed(RuntimeError):
    """Some batches failed even after retries; the batches committed before stay."""


def _run_name(params: Mapping[str, object], pages: int | None = None) -> str:
    """Say what the run cleans: ``clean raw (5 pages)``, ``reprocess archive (10000 pages,
    2024-01-01..2024-01-31)``; without the page count until the run has counted them."""
    raw = str(params.get("raw", "raw"))
    verb = "reprocess" if params.get("reprocess") else "clean"
    label = Path(raw).name or raw
    since, until = params.get("since"), params.get("until")
    said = [] if pages is None else [f"{pages} page{'s' if pages != 1 else ''}"]
    if since or until:
        said.append(f"{since or '...'}..{until or '...'}")
    return f"{verb} {label} ({', '.join(said)})" if said else f"{verb} {label}"


def _flow_run_name() -> str:
    """The run's name as it starts, from its parameters alone: counting its pages would
    walk the raw folder a second time (the run's own discovery renames it)."""
    from prefect.runtime import flow_run

    return _run_name(flow_run.parameters)


def _name_run_after(pages: int) -> None:
    """Rename the running flow run with its page count, from the run's own discovery. A
    name is worth no failed run: an API error is logged and the run goes on."""
    from prefect.client.orchestration import get_client
    from prefect.runtime import flow_run

    try:
        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run.id, name=_run_name(flow_run.parameters, pages))
    except Exception as exc:  # the Prefect API: a name is not worth the run
        get_run_logger().warning("cannot rename the flow run: %r", exc)


def _write_report(out: str, logger) -> str | None:
    """The HTML report of the output folder after the run, or None: a report that cannot
    be written is worth a warning, never the run (its records are committed)."""
    from flows.report import write_report

    try:
        return str(write_report(out))
    except Exception as exc:
        logger.warning("cannot write the report of %s: %r", out, exc)
        return None


def _listed(paths_file: str) -> tuple[str, ...]:
    with open(paths_file, encoding="utf-8") as fh:
        return tuple(line.rstrip("\n") for line in fh if line.strip())


# Both batch tasks: never cached or persisted (the flow writes what they return), and
# retried only for what is not the pages' fault (a lost Dask worker).
_BATCH_TASK_OPTIONS: dict[str, object] = {
    "cache_policy": NO_CACHE, "persist_result": False, "retries": 2, "retry_delay_seconds": 2,
}


@task(
    name="clean-batch",
    task_run_name="clean part {part} ({pages} pages)",
    **_BATCH_TASK_OPTIONS,
)
def clean_batch_task(
    jobs: list[PageJob], part: int, pages: int, limits: Limits | None = None
) -> BatchResult | Parcel:
    """Clean one batch into records; the flow writes them. Retried only for what is not
    the pages' fault (a Dask worker lost): every page outcome is already a record, a page
    past its time budget included (a ``timeout`` reject; the worker goes on). With a
    worker pool (``flows.pool``, a local run's default) the batch is cleaned in one of its
    processes and the bar moves by the whole batch as soon as it is back. In the flow's
    process the result is handed over beside Prefect (``flows.handoff``)."""
    pool = active_pool()
    if pool is None:
        return send(clean_batch(jobs, part, logger=get_run_logger(), on_page=report_page,
                                limits=limits))
    result = pool.clean(jobs, part, limits)
    if report_pages(len(jobs)):
        result.reported = len(jobs)
    return send(result)


@task(
    name="learn-batch",
    task_run_name="learn part {part} ({pages} pages)",
    **_BATCH_TASK_OPTIONS,
)
def learn_batch_task(
    jobs: list[PageJob], part: int, pages: int, limits: Limits | None = None
) -> list[PageLines] | Parcel:
    """The learning pass over one batch: each page's line hashes for its site's statistics,
    within the same limits as cleaning; the flow stores them."""
    pool = active_pool()
    if pool is not None:
        return send(pool.learn(jobs, limits))
    return send(learn_batch(jobs, logger=get_run_logger(), limits=limits))


# shape: each parameter is a flow run parameter, shown and set in the Prefect UI and the deployment
@flow(
    name="clean_pages",
    flow_run_name=_flow_run_name,
    task_runner=ThreadPoolTaskRunner(max_workers=TASK_WORKERS),
    persist_result=False,
    log_prints=False,
)
def clean_pages(
    raw: str = "raw",
    out: str = "clean",
    batch_size: int | None = None,
    since: date | None = None,
    until: date | None = None,
    reprocess: bool = False,
    wait: bool = False,
    limits: dict[str, float | int | None] | None = None,
    learn_sites: bool = False,
    paths_file: str | None = None,
    report: bool = False,
    profiles: str | None = None,
) -> dict:
    """Clean every new or changed page under ``raw`` into ``out``; return the run summary.

    ``since``/``until`` keep the pages dated in that range (inclusive);
    ``reprocess`` cleans every page into a fresh output version that replaces the
    live one when it is complete (with ``since``/``until``: the range's pages again,
    in place); ``wait`` queues behind a run holding ``out``
    instead of failing; ``limits`` overrides fields of ``cleaners.Limits`` (a plain
    dict, so the run's parameters stay readable in the Prefect UI); ``learn_sites``
    first learns every page's lines for its site's statistics, then cleans with them (a
    backfill); without it the run cleans with what earlier runs learned (a scheduled
    run). Both add the run's pages to the statistics. ``report`` then writes the HTML
    report of ``out`` (``winnow report``), its path in the summary and the artifact.

    A run never fails because of a page: pages end as records or rejects. It fails
    when a batch's task fails after its retries or a batch cannot be written; the
    batches committed before stay (the next run does the rest).
    """
    logger = get_run_logger()
    page_limits = Limits(**limits) if limits else DEFAULT_LIMITS
    runner = get_run_context().task_runner
    request = RunRequest(
        raw=str(raw), out=str(out), batch_size=batch_size, since=since, until=until,
        reprocess=reprocess, wait=wait, learn_sites=learn_sites,
        paths=_listed(paths_file) if paths_file is not None else None,
        profiles=profiles,
    )
    with open_box():  # batch results taken beside Prefect (flows.handoff)
        summary = execute(
            request,
            submit=lambda jobs, part: Collect(
                clean_batch_task.submit(jobs, part, len(jobs), page_limits)),
            learn=lambda jobs, part: Collect(
                learn_batch_task.submit(jobs, part, len(jobs), page_limits)),
            logger=logger,
            in_flight=in_flight_for(runner),
            hooks=RunHooks(on_selected=_name_run_after,
                           on_plan=lambda pages: dask_slots(runner) or workers_for(pages)),
        )
    if report:
        summary.report = _write_report(out, logger)
        if summary.report:
            summary.save(out)
    # for the flow run's log in Prefect; the CLI prints the summary itself
    logger.info("%s", summary.to_text(), extra={CONSOLE_KEY: False})
    create_markdown_artifact(
        markdown=summary.to_markdown(),
        key="winnow-run-summary",
        description=f"Winnow run {summary.run_id}: {summary.headline()}",
    )
    if summary.status == "failed":
        raise RunFailed(summary.error)
    return summary.to_dict()
