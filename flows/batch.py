"""Clean one batch of pages into records: the work inside a Prefect task, without Prefect.

Each page ends as an ``ArticleRecord`` or a ``RejectRecord``, never as an
exception: ``Rejected`` carries its own reason, and anything else becomes a
reject with reason ``error`` (a bug in Winnow, logged with its traceback), so
one bad page never costs the run.

A batch returns its records and writes nothing: with ``--dask-address`` it may
run on another machine, so the flow's process alone writes the part files and
commits the state, batch by batch in submission order (``flows.run``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cleaners import (
    DEFAULT_LIMITS,
    PIPELINE_VERSION,
    Limits,
    Rejected,
    RuleTally,
    SiteChrome,
    clean_page,
    page_line_hashes,
)
from flows.discover import PageRef
from flows.sidecar import Sidecar, page_site, parse_sidecar
from flows.sitestats_store import PageLines
from flows.state import TRANSIENT_REASONS, PageOutcome
from schemas.models import ArticleRecord, RejectRecord

MAX_PAGE_BYTES = DEFAULT_LIMITS.max_raw_bytes  # larger raw files are rejected unread
NO_SITE = "(no site)"  # where the rule counts of a page with no site are summed
_CHUNK = 1024 * 1024

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageJob:
    """A page to clean, with the fingerprint the flow took when it decided to clean it."""

    page: PageRef
    raw_sha256: str | None  # None when the page could not be read to fingerprint it
    sidecar_sha256: str | None
    size: int | None = None
    # site learning (flows.run): the chrome learned on the page's site, and whether the
    # batch should return the page's line hashes for the site statistics
    site_chrome: SiteChrome | None = None
    learn: bool = False


@dataclass(slots=True)
class BatchResult:
    """What one batch did: its records for the part files, its outcomes for the state.

    ``reported`` counts the pages already shown on this process's progress bar
    (none when the batch ran in a Dask worker process): the flow advances the
    bar by the rest when it takes the result.
    """

    part: int
    articles: list[ArticleRecord] = field(default_factory=list)
    reject_records: list[RejectRecord] = field(default_factory=list)
    outcomes: list[PageOutcome] = field(default_factory=list)
    rejects: Counter[str] = field(default_factory=Counter)
    reported: int = 0
    lines: list[PageLines] = field(default_factory=list)  # of the jobs marked ``learn``
    # the blocks and lines each rule removed from the batch's pages, summed per site
    # (``NO_SITE`` for pages without one): the run sums these into its summary
    removed: dict[str, RuleTally] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(1 for o in self.outcomes if o.outcome == "record")


def file_sha256(path: str) -> tuple[str, int]:
    """sha256 and size of a file, read in chunks so a huge file costs no memory."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def fingerprint(page: PageRef) -> PageJob:
    """Hash a page and its sidecar. A file that cannot be hashed still becomes a job:
    reading it again in the batch turns the failure into a reject that names it."""
    raw_sha = sidecar_sha = None
    size = None
    try:
        if stat.S_ISREG(os.stat(page.path).st_mode):
            raw_sha, size = file_sha256(page.path)
    except OSError:
        pass
    if page.sidecar:
        try:
            sidecar_sha, _ = file_sha256(page.sidecar)
        except OSError:
            sidecar_sha = None
    return PageJob(page=page, raw_sha256=raw_sha, sidecar_sha256=sidecar_sha, size=size)


def read_page(path: str, max_bytes: int | None = None) -> bytes:
    """The raw bytes of a page, or ``Rejected`` saying why they cannot be had."""
    max_bytes = MAX_PAGE_BYTES if max_bytes is None else max_bytes
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise Rejected("vanished", "the file disappeared after it was found") from None
    except OSError as exc:
        raise Rejected("unreadable", f"cannot stat the file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise Rejected("unsupported_type", "not a regular file (a pipe, socket or device)")
    if max_bytes and st.st_size > max_bytes:
        raise Rejected("too_large", f"{st.st_size} bytes, over the {max_bytes}-byte limit"
                       " (--max-raw-bytes)")
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1 if max_bytes else -1)
    except FileNotFoundError:
        raise Rejected("vanished", "the file disappeared after it was found") from None
    except OSError as exc:
        raise Rejected("unreadable", f"cannot read the file: {exc.strerror or exc}"
                       " (check its permissions and the disk)") from None
    if max_bytes and len(data) > max_bytes:
        raise Rejected("too_large", f"grew past the {max_bytes}-byte limit while being read")
    return data


def read_sidecar(path: str) -> tuple[Sidecar, str]:
    """A page's sidecar and the sha256 of its bytes."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(1024 * 1024 + 1)
    except OSError as exc:
        raise Rejected("bad_sidecar", f"cannot read the sidecar: {exc.strerror or exc}") from None
    if len(data) > 1024 * 1024:
        raise Rejected("bad_sidecar", "the sidecar is over 1 MiB: not metadata")
    name = os.path.basename(path)
    return parse_sidecar(data, name), hashlib.sha256(data).hexdigest()


def _reject(source_path: str, raw_sha256: str | None, reason: str, detail: str) -> RejectRecord:
    return RejectRecord(
        source_path=source_path,
        raw_sha256=raw_sha256,
        reason=reason,
        detail=detail.strip() or reason,
        processed_at=datetime.now(UTC),
        pipeline_version=PIPELINE_VERSION,
    )


def clean_job(
    job: PageJob,
    logger: logging.Logger | logging.LoggerAdapter = log,
    limits: Limits | None = None,
    lines: list[PageLines] | None = None,
    removed: dict[str, RuleTally] | None = None,
) -> tuple[ArticleRecord | RejectRecord, str | None]:
    """One page to one record, and the sha256 of its sidecar as read. Never raises for
    anything a page can cause: a page past ``limits.page_timeout`` is a ``timeout`` reject
    and the worker goes on with the next one. For a job marked ``learn``, the page's line
    hashes are appended to ``lines`` (when it has a site and got as far as its front end).
    The blocks and lines each rule removed from the page are added to ``removed`` under
    its site, a page then rejected as having no story included (its rules did run)."""
    page = job.page
    raw_sha = job.raw_sha256
    sidecar_sha = None
    site = None
    tally = RuleTally()
    try:
        sidecar = None
        if page.sidecar:
            sidecar, sidecar_sha = read_sidecar(page.sidecar)
        data = read_page(page.path, limits.max_raw_bytes if limits else None)
        raw_sha = hashlib.sha256(data).hexdigest()
        site = page_site(sidecar, page.folder_site)
        on_lines = None
        if job.learn and site and lines is not None:
            def on_lines(hashes: frozenset[int]) -> None:
                lines.append(PageLines(page.source_path, site, hashes))
        record: ArticleRecord | RejectRecord = clean_page(
            data,
            source_path=page.source_path,
            url=sidecar.url if sidecar else None,
            site=site,
            encoding=sidecar.encoding if sidecar else None,
            limits=limits,
            site_chrome=job.site_chrome,
            on_lines=on_lines,
            raw_sha256=raw_sha,
            tally=tally,
        )
    except Rejected as exc:
        if exc.reason in ("unreadable", "vanished"):
            raw_sha = None  # the bytes the fingerprint saw are not the page's any more
        record = _reject(page.source_path, raw_sha, exc.reason, exc.detail)
    except Exception as exc:  # a bug in Winnow: report it on the page, keep the run going
        logger.warning("error cleaning %s: %r", page.source_path, exc, exc_info=True)
        detail = f"{type(exc).__name__}: {exc}"[:2000]
        record = _reject(page.source_path, raw_sha, "error", detail)
    if page.sidecar and sidecar_sha is None:
        sidecar_sha = job.sidecar_sha256
    if removed is not None and tally:
        removed.setdefault(site or NO_SITE, RuleTally()).update(tally)
    return record, sidecar_sha


def _outcome(
    job: PageJob, record: ArticleRecord | RejectRecord, sidecar_sha: str | None
) -> PageOutcome:
    """The state's view of a page's end. A page whose sidecar could not be hashed is not
    remembered: without the sidecar's hash, a later fix to it would go unnoticed."""
    sidecar_known = job.page.sidecar is None or sidecar_sha is not None
    if isinstance(record, ArticleRecord):
        return PageOutcome(
            job.page.source_path, record.raw_sha256, sidecar_sha, "record",
            record_id=record.id, remember=sidecar_known,
        )
    return PageOutcome(
        job.page.source_path, record.raw_sha256, sidecar_sha, "reject", reason=record.reason,
        remember=sidecar_known and record.reason not in TRANSIENT_REASONS,
    )


def clean_batch(
    jobs: Sequence[PageJob],
    part: int = 0,
    *,
    logger: logging.Logger | logging.LoggerAdapter = log,
    on_page: Callable[[], bool] | None = None,
    limits: Limits | None = None,
) -> BatchResult:
    """Clean ``jobs`` (part ``part`` of the run) into records and rejects, in page order.

    ``on_page`` is called after each page and says whether anyone was shown it.
    """
    result = BatchResult(part=part)
    for job in jobs:
        record, sidecar_sha = clean_job(job, logger, limits, result.lines, result.removed)
        if isinstance(record, ArticleRecord):
            result.articles.append(record)
        else:
            result.reject_records.append(record)
            result.rejects[record.reason] += 1
        result.outcomes.append(_outcome(job, record, sidecar_sha))
        if on_page is not None and on_page():
            result.reported += 1
    return result


# --------------------------------------------------------------------- site learning


def job_site(job: PageJob) -> str | None:
    """The page's site as ``clean_job`` will decide it (sidecar, URL host, folder), read
    before the batch is sent, so the flow can send it its site's chrome. A sidecar that
    cannot be read falls back to the folder: the batch rejects that page anyway."""
    sidecar = None
    if job.page.sidecar:
        try:
            sidecar, _ = read_sidecar(job.page.sidecar)
        except Rejected:
            sidecar = None
    return page_site(sidecar, job.page.folder_site)


def learn_batch(jobs: Sequence[PageJob],
                logger: logging.Logger | logging.LoggerAdapter = log,
                limits: Limits | None = None) -> list[PageLines]:
    """A backfill's learning pass over one batch: each page's line hashes (decode and front
    end, no rules). A page that cannot be read or decoded teaches nothing; cleaning it
    later turns that into its reject."""
    out = []
    for job in jobs:
        page = job.page
        try:
            sidecar = read_sidecar(page.sidecar)[0] if page.sidecar else None
            site = page_site(sidecar, page.folder_site)
            if not site:
                continue
            data = read_page(page.path, limits.max_raw_bytes if limits else None)
            hashes = page_line_hashes(data, source_path=page.source_path, limits=limits,
                                      encoding=sidecar.encoding if sidecar else None)
        except Rejected:
            continue
        except Exception as exc:  # a bug: the page is cleaned (and reported) all the same
            logger.warning("cannot learn from %s: %r", page.source_path, exc)
            continue
        out.append(PageLines(page.source_path, site, hashes))
    return out
