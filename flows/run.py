"""One run, from raw folder to committed part files: the body of the ``clean_pages`` flow.

discover (one walk, a stat of each file; a WARC file stands for its records, found by
one streaming pass over it: ``flows.warc``) -> select by date -> skip, unread, the pages
whose files' stats are those the state read a known content with -> (with
``learn_sites``: a learning pass over the pages' lines) -> batches submitted to the
task runner with their sites' learned chrome, at most ``in_flight`` at a time (each
page read and hashed once there, and found unchanged or cleaned) ->
each batch's result taken **in part order**: linked (duplicates, translations),
written as part files, committed to the state with them, its pages' lines added to
the site statistics -> manifest -> summary.

Nothing here imports Prefect: the flow (``flows.pipeline``) passes in how a
batch is submitted (a Prefect task on a thread pool or a Dask cluster) and its
logger. So the same code runs under Prefect and, in the crash test, under a
plain thread pool, where a ``kill -9`` costs no server start.

**Crash safety.** The state lists a part file only in the transaction that
also records its pages, so at any instant a page is either known to the state
together with the part file holding its record, or unknown and cleaned again.
A run that dies leaves at most its last batch's part files unlisted, plus
writers' temporary files; the next run removes both while it holds the lock,
before it writes anything. The manifest is rebuilt from the state, so it only
ever names committed part files.

**Order.** Results are taken in submission order whatever finished first, so
part N always holds the same pages however many workers there are, and a
killed run has committed a prefix of its batches.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from cleaners import PIPELINE_VERSION, RuleTally, SiteProfile
from flows.batch import NO_SITE, BatchResult, PageJob, job_site, learn_batch
from flows.discover import PageRef, discover
from flows.linking import Linker
from flows.profiles import load_profiles
from flows.progress import report_pages, report_start
from flows.select import select_by_date
from flows.sidecar import SidecarFile, read_sidecar_file
from flows.sitestats_store import SiteStatsStore
from flows.state import RunState, Signature, exclusive_run
from flows.summary import RunSummary
from flows.warc import expand_warcs, warc_sidecar
from flows.writer import PartInfo, sweep_unlisted, write_batch, write_manifest
from schemas.models import ArticleRecord

BATCH_SIZE = 200  # the most pages a batch holds (and a part file, about)
BATCHES_PER_WORKER = 4  # so a worker that drew slow pages holds up a quarter, not half
SIDECAR_WORKERS = max(2, min(4, os.cpu_count() or 2))
MANIFEST_EVERY = 5.0  # seconds: how stale the manifest may get during a long run
# one empty set for every page the state knows nothing of: ``frozenset()`` is a new
# 216-byte object each time, a fifth of what the plan holds per page
NOTHING_KNOWN: frozenset[tuple[str, str]] = frozenset()

Logger = logging.Logger | logging.LoggerAdapter


class SupportsResult(Protocol):
    def result(self) -> Any: ...


#: ``submit(jobs, part) -> future``: start cleaning one batch; ``future.result()``
#: returns its ``BatchResult`` or raises.
Submit = Callable[[list[PageJob], int], SupportsResult]


@dataclass(frozen=True, slots=True)
class RunRequest:
    """What a run is asked to do: the flow's parameters, checked."""

    raw: str = "raw"
    out: str = "clean"
    batch_size: int | None = None  # None: sized to the run (``batch_size_for``)
    since: date | None = None
    until: date | None = None
    reprocess: bool = False
    wait: bool = False
    learn_sites: bool = False  # a learning pass over the pages' lines before cleaning them
    paths: tuple[str, ...] | None = None  # only these pages (source paths): a fetch's saves
    profiles: str | None = None  # the site profiles folder (``flows.profiles``), if any


def new_run_id(now: datetime | None = None) -> str:
    """A run id that sorts by time and never collides: ``20250101T120000Z-1a2b3c``."""
    import uuid

    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def batches(jobs: list[PageJob], size: int = BATCH_SIZE) -> list[list[PageJob]]:
    """Split into batches of at most ``size``, of near-equal length."""
    if not jobs:
        return []
    count = -(-len(jobs) // max(1, size))
    step = -(-len(jobs) // count)
    return [jobs[i : i + step] for i in range(0, len(jobs), step)]


def batch_size_for(pages: int, workers: int, cap: int = BATCH_SIZE,
                   per_worker: int = BATCHES_PER_WORKER) -> int:
    """The batch size that keeps every worker busy from the start: each worker gets about
    ``per_worker`` batches (so the last ones finish together, and the progress bar moves
    several times), and no batch holds more than ``cap`` pages (a part file's size, the
    memory of results waiting to be written). One worker (cleaning in this process, whose
    bar moves page by page) gets batches of ``cap``: fewer part files."""
    if pages <= 0 or workers <= 1:
        return max(1, cap)
    return max(1, min(cap, -(-pages // (max(1, workers) * max(1, per_worker)))))


def load_sidecars(pages: Sequence[PageRef], into: dict[str, SidecarFile],
                  workers: int = SIDECAR_WORKERS) -> dict[str, SidecarFile]:
    """Read the sidecars of ``pages`` not in ``into`` yet, once each, into it: the one
    read of a sidecar a run makes (threads overlap the reads on a slow disk)."""
    paths = [p.sidecar for p in pages if p.sidecar and p.sidecar not in into]
    if len(paths) < 64:
        into.update((path, read_sidecar_file(path)) for path in paths)
        return into
    with ThreadPoolExecutor(max_workers=workers) as pool:
        into.update(zip(paths, pool.map(read_sidecar_file, paths, chunksize=32),
                        strict=True))
    return into


def _same_stats(page: PageRef, known: Signature | None) -> bool:
    """Whether the page's file and sidecar show the stats a known content was read with
    (a file that could not be stat'ed never does)."""
    if known is None or page.stat is None or page.stat.signature != known[0]:
        return False
    if page.sidecar is None:
        return known[1] == ""
    return page.sidecar_stat is not None and page.sidecar_stat.signature == known[1]


def page_jobs(pages: Sequence[PageRef], state: RunState, version: int, *, everything: bool,
              sidecars: dict[str, SidecarFile]) -> tuple[list[PageJob], int]:
    """The jobs for the pages that may have changed, and how many pages were skipped
    unread because their files kept the stats of a content ``version`` holds. Each job
    carries the contents the version holds for its page, so the worker that reads it can
    tell it unchanged, and its sidecar where date selection read it (``with_sidecars``
    reads the others batch by batch). With ``everything`` (a reprocess in place) no page
    is skipped or known."""
    settled = {} if everything else state.settled_pages(version)
    todo = [p for p in pages if not _same_stats(p, settled.get(p.source_path))]
    del settled
    known = {} if everything else state.known_contents(version, (p.source_path for p in todo))
    jobs = [PageJob(p, sidecars.get(p.sidecar) if p.sidecar else None,
                    known.get(p.source_path, NOTHING_KNOWN)) for p in todo]
    return jobs, len(pages) - len(jobs)


def with_sidecars(group: list[PageJob]) -> list[PageJob]:
    """The batch's jobs with their sidecars, read now (once) where the plan did not: a
    run reads a batch's sidecars as it sends the batch, so the flow holds the sidecars of
    the batches in flight, not those of the whole archive (date selection reads them all
    at the start, for their dates, and keeps those of the range)."""
    missing = [j.page for j in group if j.page.sidecar and j.sidecar is None]
    if not missing:
        return group
    read = load_sidecars(missing, {})
    return [replace(j, sidecar=read[j.page.sidecar]) if j.page.sidecar and j.sidecar is None
            else j for j in group]


def publish_manifest(state: RunState, version: int) -> None:
    """Write the manifest of ``version``'s parts with its current totals."""
    write_manifest(state.out_root, state.parts(version), version,
                   state.current_totals(version))


def tidy_output(out_root: Path, state: RunState, logger: Logger, current: str = "") -> int:
    """Before a run writes: make the manifest match the state, then remove the part files
    no version lists (a killed run's last batch, a replaced version). In that order, so
    the manifest on disk never names a file that is gone. Return files removed."""
    publish_manifest(state, state.live_version())
    for run_id in state.interrupted_runs():
        if run_id == current:
            continue
        state.finish_run(run_id, "failed", {"run_id": run_id, "status": "failed",
                                            "error": "interrupted (killed or crashed)"})
        logger.warning("run %s did not finish: the batches it committed are kept", run_id)
    removed = sweep_unlisted(out_root, state.run_ids(), state.listed_paths())
    if removed:
        logger.warning(
            "removed %d part file(s) that no committed batch lists (a run was killed"
            " while writing), e.g. %s", len(removed), removed[0],
        )
    return len(removed)


@dataclass(frozen=True, slots=True)
class RunPlan:
    """What a run will clean, decided before any batch is sent."""

    version: int  # the output version written
    new_version: bool  # a reprocess of everything: the version goes live once complete
    groups: list[list[PageJob]]  # the batches, in part order
    selected: int  # pages in the date range (all pages without one), skipped ones too

    @property
    def pages(self) -> int:
        return sum(len(g) for g in self.groups)


@dataclass(frozen=True, slots=True)
class RunHooks:
    """What the flow is told as a run plans. ``on_selected``: how many pages the run
    selected, once it knows (the flow names its run after it: no walk of its own).
    ``on_plan``: how many pages it will read; it answers how many workers will clean them
    (``flows.pool.workers_for``), and without a ``request.batch_size`` the batches are
    sized to that (``batch_size_for``)."""

    on_selected: Callable[[int], None] | None = None
    on_plan: Callable[[int], int] | None = None


def execute(
    request: RunRequest,
    *,
    submit: Submit,
    logger: Logger,
    in_flight: int = 4,
    run_id: str | None = None,
    linker_factory: Callable[[Path], Linker] = Linker.open,
    learn: Submit | None = None,
    hooks: RunHooks | None = None,
) -> RunSummary:
    """Do one run; return its summary (``status`` says whether every batch made it).
    ``hooks``: what the flow is told as the run plans (``RunHooks``).

    A page never fails a run. A batch whose task failed after its retries is
    left out (its pages stay unknown, so the next run does them) and the run
    goes on; a batch that cannot be written stops the run. Either way the
    batches committed before stay committed and listed.

    Site learning (``flows.sitestats_store``): with ``request.learn_sites`` the run
    first learns its pages' lines (``learn(jobs, part)`` submits a batch of that pass;
    without it the pass runs here), then cleans with what it learned; without it, the
    run cleans with what earlier runs learned. Either way it adds its pages after.
    """
    started = time.monotonic()
    # validated before any page is cleaned: a bad profile stops the run here
    profiles = load_profiles(request.profiles) if request.profiles else {}
    out_root = Path(request.out)
    summary = _new_summary(request, run_id or new_run_id())
    out_root.mkdir(parents=True, exist_ok=True)

    def waiting() -> None:
        logger.info("another run holds %s: waiting for it to finish", out_root)

    with exclusive_run(out_root, wait=request.wait, on_wait=waiting), RunState(
        out_root
    ) as state:
        state.start_run(summary.run_id, summary.to_dict())
        summary.removed_unlisted = tidy_output(out_root, state, logger, current=summary.run_id)
        hooks = hooks or RunHooks()
        plan = _plan(request, state, summary, logger, hooks.on_plan)
        if hooks.on_selected is not None:
            hooks.on_selected(plan.selected)
        in_flight = max(1, in_flight)
        with SiteStatsStore(out_root) as sites:
            if request.learn_sites:
                _learn_sites(plan.groups, learn, in_flight, sites, logger)
            report_start(plan.pages)
            sink = BatchSink(state, plan.version, summary, logger, sites=sites,
                             live=not plan.new_version)
            prepare = partial(_with_site_data, sites=sites, new_pages=not request.learn_sites,
                              profiles=profiles)
            errors = _clean_and_commit(plan.groups, submit, in_flight, sink,
                                       linker_factory(out_root), prepare)
        _finish(state, plan, errors, summary, logger)
        summary.seconds = round(time.monotonic() - started, 2)
        state.finish_run(summary.run_id, summary.status, summary.to_dict())
        summary.save(out_root)
    return summary


def _new_summary(request: RunRequest, run_id: str) -> RunSummary:
    """The run's summary as it starts: what it was asked to do."""
    return RunSummary(
        run_id=run_id,
        raw=str(request.raw),
        out=str(request.out),
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        pipeline_version=PIPELINE_VERSION,
        reprocess=request.reprocess,
        since=request.since.isoformat() if request.since else None,
        until=request.until.isoformat() if request.until else None,
    )


def _selected_pages(request: RunRequest, summary: RunSummary, logger: Logger,
                    sidecars: dict[str, SidecarFile]) -> list[PageRef]:
    """Discover the raw root's pages, report its orphan sidecars, keep the date range's
    (reading the sidecars for their dates into ``sidecars``, where the jobs find them)."""
    found = discover(request.raw, exclude=[request.out])
    found_pages, kinds = expand_warcs(found.pages)  # a WARC file's pages are its records
    summary.add_warc_records(kinds)
    summary.pages_seen = len(found_pages)
    summary.orphan_sidecars = len(found.orphan_sidecars)
    for orphan in found.orphan_sidecars[:20]:
        logger.warning("sidecar with no page beside it: %s", orphan)
    pages = found_pages
    if request.paths is not None:  # ``winnow fetch --clean``: exactly what the fetch saved
        wanted = set(request.paths)
        pages = [page for page in pages if page.source_path in wanted]
    if request.since or request.until:
        load_sidecars(pages, sidecars)
        pages = select_by_date(pages, request.since, request.until,
                               partial(_sidecar_for, sidecars=sidecars))
        summary.out_of_range = len(found_pages) - len(pages)
        kept = {page.sidecar for page in pages}  # memory for the range's pages only
        for path in [path for path in sidecars if path not in kept]:
            del sidecars[path]
    return pages


def _sidecar_for(page: PageRef, sidecars: dict[str, SidecarFile]) -> SidecarFile | None:
    """What describes the page: its sidecar as read, or what its WARC record said."""
    if page.warc is not None:
        return warc_sidecar(page.warc)
    return sidecars[page.sidecar] if page.sidecar else None


def _plan(request: RunRequest, state: RunState, summary: RunSummary, logger: Logger,
          on_plan: Callable[[int], int] | None = None) -> RunPlan:
    """Which pages to clean into which output version, in batches."""
    sidecars: dict[str, SidecarFile] = {}
    pages = _selected_pages(request, summary, logger, sidecars)
    # A reprocess of the whole archive builds a new version; one of a date range
    # re-cleans those pages in place, in the live version (a new version holding
    # only the range would drop every other page when it went live).
    in_place = request.reprocess and bool(request.since or request.until)
    new_version = request.reprocess and not in_place
    version = _version_to_write(state, new_version, logger)
    summary.output_version = version
    todo, summary.skipped = page_jobs(pages, state, version, everything=in_place,
                                      sidecars=sidecars)
    summary.processed = len(todo)
    logger.info(
        "run %s: %d pages found, %d selected, %d to read, %d skipped unread as unchanged%s",
        summary.run_id, summary.pages_seen, len(pages), len(todo), summary.skipped,
        f" (reprocessing into output version {version})" if new_version
        else " (reprocessing them in place)" if in_place else "",
    )
    workers = on_plan(len(todo)) if on_plan is not None else 1
    size = request.batch_size or batch_size_for(len(todo), workers)
    groups = batches(todo, size)
    summary.batches = len(groups)
    return RunPlan(version=version, new_version=new_version, groups=groups,
                   selected=len(pages))


def _finish(state: RunState, plan: RunPlan, errors: list[str], summary: RunSummary,
            logger: Logger) -> None:
    """Close the run: its status, the new version made live if it is complete, the
    manifest of the live version, and the replaced version's files removed."""
    summary.failed_batches = len(errors)
    if errors:
        summary.status = "failed"
        summary.error = (f"{len(errors)} of {len(plan.groups)} batches failed;"
                         f" first: {errors[0]}")
    elif plan.new_version:
        state.promote(plan.version)
        logger.info("output version %d is complete and now live", plan.version)
    publish_manifest(state, state.live_version())
    if plan.new_version and not errors:
        sweep_unlisted(state.out_root, state.run_ids(), state.listed_paths())
    summary.finished_at = datetime.now(UTC).isoformat(timespec="seconds")


def _with_site_data(group: list[PageJob], sites: SiteStatsStore, *, new_pages: bool,
                    profiles: Mapping[str, SiteProfile] | None = None) -> list[PageJob]:
    """The batch's jobs with their site's learned chrome (only the sites in the batch: small
    and picklable for a Dask worker) and its profile, if ``profiles`` holds one, each
    asking for its line hashes back when the statistics do not count it yet
    (``new_pages``: no learning pass ran)."""
    profiles = profiles or {}
    group = with_sidecars(group)
    site_of = {j.page.source_path: job_site(j) for j in group}
    chrome = sites.chrome((s for s in site_of.values() if s), pending=new_pages)
    return [replace(j, site_chrome=chrome.get(site_of[j.page.source_path] or ""),
                    learn=new_pages, profile=profiles.get(site_of[j.page.source_path] or ""))
            for j in group]


def _learn_sites(groups: list[list[PageJob]], learn: Submit | None, in_flight: int,
                 sites: SiteStatsStore, logger: Logger) -> int:
    """A backfill's first pass: every page's lines counted for its site before any page
    is cleaned, batch by batch (on the task runner when ``learn`` is given)."""
    started = time.monotonic()
    window: deque[SupportsResult] = deque()  # results are small: a few in flight suffice
    learned = 0
    for part, group in enumerate(groups):
        # the sidecars read for learning stay with the jobs: the cleaning pass reuses them
        group = groups[part] = with_sidecars(group)
        if learn is None:
            learned += sites.learn(learn_batch(group, logger))
            continue
        window.append(learn(group, part))
        if len(window) >= in_flight:
            learned += sites.learn(window.popleft().result())
    while window:
        learned += sites.learn(window.popleft().result())
    logger.info("learned the lines of %d pages over %d sites in %.1f s", learned,
                len(sites.sites()), time.monotonic() - started)
    return learned


def _version_to_write(state: RunState, reprocess: bool, logger: Logger) -> int:
    """The live version, or for ``--reprocess`` the one being built: an unfinished one
    from this pipeline version is resumed, anything else starts afresh."""
    if not reprocess:
        return state.live_version()
    building = state.building_version()
    if building is not None:
        version, made_by = building
        if made_by == PIPELINE_VERSION:
            logger.info("resuming the unfinished reprocess into output version %d", version)
            return version
        logger.info(
            "discarding unfinished output version %d (made by %s, this is %s)",
            version, made_by, PIPELINE_VERSION,
        )
    return state.start_version(PIPELINE_VERSION)


@dataclass(slots=True)
class BatchSink:
    """Where each batch's result goes, in part order: written as part files, committed to
    the state with them, its pages' lines added to the site statistics, counted in the
    summary. One object, so the steps of a run share it instead of a dozen parameters."""

    state: RunState
    version: int
    summary: RunSummary
    logger: Logger
    sites: SiteStatsStore | None = None
    live: bool = True  # the version written is the live one: refresh its manifest as we go
    rejects: Counter[str] = field(default_factory=Counter)
    removed: dict[str, RuleTally] = field(default_factory=dict)  # per site, see BatchResult
    site_pages: dict[str, Counter[str]] = field(default_factory=dict)  # records... per site
    last_manifest: float = field(default_factory=time.monotonic)

    def write(self, part: int, articles: list[ArticleRecord], result: BatchResult
              ) -> list[PartInfo]:
        """Write the batch's part files and commit them with its pages, in one step: a
        commit that fails removes the files, so nothing unlisted stays behind."""
        out_root = self.state.out_root
        written = write_batch(out_root, self.summary.run_id, part, articles,
                              result.reject_records)
        try:
            self.state.commit_batch(self.version, self.summary.run_id, result.outcomes,
                                    written)
        except BaseException:
            for info in written:
                (out_root / info.path).unlink(missing_ok=True)
            raise
        return written

    def count(self, group: list[PageJob], articles: list[ArticleRecord], result: BatchResult,
              written: list[PartInfo]) -> None:
        """After the commit: the summary's counts, the site statistics (a page is counted
        once), the progress bar, and now and then the manifest."""
        self.summary.records += len(articles)
        self.summary.skipped += result.unchanged  # read, and found as the state knew them
        self.summary.processed -= result.unchanged
        self.summary.duplicates += sum(1 for a in articles if a.duplicate_of)
        if self.sites is not None and result.lines:
            self.sites.learn(result.lines)
        self.rejects.update(result.rejects)
        for site, tally in result.removed.items():
            self.removed.setdefault(site, RuleTally()).update(tally)
        for site, counts in result.by_site.items():
            self.site_pages.setdefault(site, Counter()).update(counts)
        for article in articles:  # duplicates are known once linked, here
            if article.duplicate_of:
                self.site_pages.setdefault(article.site or NO_SITE, Counter())["duplicates"] += 1
        self.summary.parts.extend(info.path for info in written)
        if len(group) > result.reported:  # the pages no worker showed on the bar yet
            report_pages(len(group) - result.reported)
        if self.live and time.monotonic() - self.last_manifest >= MANIFEST_EVERY:
            publish_manifest(self.state, self.version)
            self.last_manifest = time.monotonic()


def _clean_and_commit(
    groups: list[list[PageJob]],
    submit: Submit,
    in_flight: int,
    sink: BatchSink,
    linker: Linker,
    prepare: Callable[[list[PageJob]], list[PageJob]] | None = None,
) -> list[str]:
    """Submit the batches (a sliding window of ``in_flight``, so results waiting to be
    written never pile up in memory) and commit each in part order; return errors.
    ``prepare`` readies a batch as it is sent (its sites' chrome); the linker is closed."""
    errors: list[str] = []
    pending: deque[tuple[int, list[PageJob], SupportsResult]] = deque()
    queue = iter(enumerate(groups))
    stop = False

    def fill() -> None:
        while not stop and len(pending) < in_flight:
            part, group = next(queue, (-1, []))
            if part < 0:
                return
            group = prepare(group) if prepare is not None else group
            pending.append((part, group, submit(group, part)))

    try:
        fill()
        while pending:
            part, group, future = pending.popleft()
            try:
                result: BatchResult = future.result()
            except Exception as exc:  # the batch's retries are spent; its pages wait
                errors.append(f"part {part}: {type(exc).__name__}: {exc}")
                sink.logger.error("batch %d failed: %r", part, exc)
                fill()
                continue
            del future
            if stop:  # the run already failed to write: take nothing more
                continue
            try:
                articles = linker.link(result.articles, result.fingerprints)
                written = sink.write(part, articles, result)
            except Exception as exc:
                errors.append(f"part {part}: {type(exc).__name__}: {exc}")
                sink.logger.error("cannot write batch %d: %r; stopping the run", part, exc)
                stop = True
                continue
            sink.count(group, articles, result, written)
            fill()
    finally:
        linker.close()
    sink.summary.add_rejects(sink.rejects)
    sink.summary.add_removed(sink.removed)
    sink.summary.add_site_pages(sink.site_pages)
    return errors
