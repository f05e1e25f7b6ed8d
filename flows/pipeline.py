"""The ``clean_pages`` Prefect flow: raw folder in, article and reject part files out.

discover -> fingerprint (sha256) -> skip pages the state knows -> batches of
~200 pages, one task each -> commit the state -> manifest -> run summary.

Pages go to tasks in batches because a Prefect task costs 5-10 ms of client
and 25-35 ms of server CPU, and the server drops events past a few thousand
tasks: one task per page would spend more on orchestration than on cleaning.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from cleaners.limits import DEFAULT_LIMITS, Limits
from cleaners.version import PIPELINE_VERSION
from flows.batch import BatchResult, PageJob, clean_batch, fingerprint
from flows.discover import discover
from flows.progress import report_page, report_start
from flows.state import PageOutcome, RunState, exclusive_run
from flows.summary import RunSummary
from flows.writer import KINDS, PartInfo, write_manifest

BATCH_SIZE = 200
TASK_WORKERS = max(2, min(4, os.cpu_count() or 2))


class RunFailed(RuntimeError):
    """Some batches failed even after retries; the state was left as it was."""


def new_run_id(now: datetime | None = None) -> str:
    """A run id that sorts by time and never collides: ``20250101T120000Z-1a2b3c``."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def batches(jobs: list[PageJob], size: int = BATCH_SIZE) -> list[list[PageJob]]:
    """Split into batches of at most ``size``, of near-equal length."""
    if not jobs:
        return []
    count = -(-len(jobs) // max(1, size))
    step = -(-len(jobs) // count)
    return [jobs[i : i + step] for i in range(0, len(jobs), step)]


def _flow_run_name() -> str:
    """Say what the run cleans: ``clean raw (5 pages)``."""
    from prefect.runtime import flow_run

    raw = str(flow_run.parameters.get("raw", "raw"))
    out = str(flow_run.parameters.get("out", "clean"))
    label = Path(raw).name or raw
    try:
        count = len(discover(raw, exclude=[out]).pages)
    except OSError:
        return f"clean {label}"
    return f"clean {label} ({count} page{'s' if count != 1 else ''})"


@task(
    name="clean-batch",
    task_run_name="clean part {part} ({pages} pages)",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=2,
    retry_delay_seconds=2,
)
def clean_batch_task(
    jobs: list[PageJob], out: str, run_id: str, part: int, pages: int,
    limits: Limits | None = None,
) -> BatchResult:
    """Clean one batch and write its part files; retried only for what is not the pages'
    fault (a full disk, a flaky mount): every page outcome is already a record."""
    return clean_batch(jobs, out, run_id, part, logger=get_run_logger(), on_page=report_page,
                       limits=limits)


def _fingerprint_all(pages: list, workers: int = TASK_WORKERS) -> list[PageJob]:
    """Hash every page; threads overlap the reads (hashlib releases the GIL)."""
    if len(pages) < 64:
        return [fingerprint(p) for p in pages]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fingerprint, pages, chunksize=32))


def _remove_run_output(out: Path, run_id: str) -> None:
    """Take a failed run's part files away: its pages will be cleaned again next run."""
    for kind in KINDS:
        shutil.rmtree(out / kind / run_id, ignore_errors=True)


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
    batch_size: int = BATCH_SIZE,
    limits: dict[str, float | int | None] | None = None,
) -> dict:
    """Clean every new or changed page under ``raw`` into ``out``; return the run summary.

    ``limits`` overrides fields of ``cleaners.Limits`` (a plain dict, so the run's
    parameters stay readable in the Prefect UI).

    A run never fails because of a page: pages end as records or rejects. It fails
    only when a batch cannot write its output after its retries; then the state
    and the manifest stay as they were and the run's part files are removed.
    """
    logger = get_run_logger()
    page_limits = Limits(**limits) if limits else DEFAULT_LIMITS
    started = time.monotonic()
    out_root = Path(out)
    run_id = new_run_id()
    summary = RunSummary(
        run_id=run_id,
        raw=str(raw),
        out=str(out),
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        pipeline_version=PIPELINE_VERSION,
    )
    out_root.mkdir(parents=True, exist_ok=True)
    with exclusive_run(out_root), RunState(out_root) as state:
        found = discover(raw, exclude=[out_root])
        summary.pages_seen = len(found.pages)
        summary.orphan_sidecars = len(found.orphan_sidecars)
        for orphan in found.orphan_sidecars[:20]:
            logger.warning("sidecar with no page beside it: %s", orphan)

        jobs = _fingerprint_all(found.pages)
        known = state.known_keys()
        todo = [
            j for j in jobs
            if j.raw_sha256 is None
            or (j.page.source_path, j.raw_sha256, j.sidecar_sha256 or "") not in known
        ]
        summary.skipped = len(jobs) - len(todo)
        summary.processed = len(todo)
        logger.info(
            "run %s: %d pages found, %d to clean, %d already cleaned",
            run_id, len(jobs), len(todo), summary.skipped,
        )

        report_start(len(todo))
        groups = batches(todo, batch_size)
        summary.batches = len(groups)
        futures = [
            clean_batch_task.submit(group, str(out_root), run_id, part, len(group), page_limits)
            for part, group in enumerate(groups)
        ]
        outcomes: list[PageOutcome] = []
        fresh: list[PartInfo] = []
        rejects: Counter[str] = Counter()
        errors: list[str] = []
        for future in as_completed(futures):
            try:
                result: BatchResult = future.result()
            except Exception as exc:  # the batch's retries are spent
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            outcomes.extend(result.outcomes)
            fresh.extend(result.parts)
            rejects.update(result.rejects)
        summary.failed_batches = len(errors)
        summary.records = sum(1 for o in outcomes if o.outcome == "record")
        summary.add_rejects(rejects)

        if errors:
            _remove_run_output(out_root, run_id)
            summary.status = "failed"
            summary.error = f"{len(errors)} of {len(groups)} batches failed; first: {errors[0]}"
        else:
            summary.parts = sorted(p.path for p in fresh)
        summary.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
        summary.seconds = round(time.monotonic() - started, 2)

        if errors:
            state.record_failed_run(run_id, summary.to_dict())
        else:
            state.commit_run(run_id, outcomes, summary.to_dict())
            write_manifest(out_root, state.completed_runs(), fresh)
        summary.save(out_root)

    logger.info("%s", summary.to_text())
    create_markdown_artifact(
        markdown=summary.to_markdown(),
        key="winnow-run-summary",
        description=f"Winnow run {run_id}: {summary.headline()}",
    )
    if errors:
        raise RunFailed(summary.error)
    return summary.to_dict()
