"""Clean one batch of pages into records: the work inside a Prefect task, without Prefect.

Each page ends as an ``ArticleRecord`` or a ``RejectRecord``, never as an
exception: ``Rejected`` carries its own reason, and anything else becomes a
reject with reason ``error`` (a bug in Winnow, logged with its traceback), so
one bad page never costs the run.

**Once.** A page's file is read here and nowhere else in a run, once, and hashed as it
is read; that hash goes into the record (``clean_page`` does not take another) and into
the state. Its sidecar was read by the flow (``flows.sidecar.read_sidecar_file``) and
comes with the job. A page the flow could not rule out as changed (its file's stat moved)
but whose bytes hash to content the state already has is returned as ``unchanged``:
not cleaned, no record, only its new stat remembered.

A batch returns its records and writes nothing: with ``--dask-address`` it may
run on another machine, so the flow's process alone writes the part files and
commits the state, batch by batch in submission order (``flows.run``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO

from cleaners import (
    DEFAULT_LIMITS,
    PIPELINE_VERSION,
    Limits,
    Rejected,
    RuleTally,
    SiteChrome,
    SiteProfile,
    clean_page,
    page_line_hashes,
)
from flows.discover import FileStat, PageRef
from flows.linking import Fingerprint, fingerprint
from flows.sidecar import Sidecar, SidecarFile, page_site, read_sidecar_file
from flows.sitestats_store import PageLines
from flows.state import TRANSIENT_REASONS, PageOutcome
from flows.warc import read_warc_page, warc_sidecar
from schemas.models import ArticleRecord, RejectRecord

MAX_PAGE_BYTES = DEFAULT_LIMITS.max_raw_bytes  # larger raw files are rejected, not kept
NO_SITE = "(no site)"  # where the rule counts of a page with no site are summed
_CHUNK = 1024 * 1024

log = logging.getLogger(__name__)

Known = frozenset[tuple[str, str]]  # (raw sha256, sidecar sha256 or "") pairs


@dataclass(frozen=True, slots=True)
class PageJob:
    """A page to clean, with what the flow knows of it: its sidecar as the flow read it,
    and the contents the output version already holds for it."""

    page: PageRef
    sidecar: SidecarFile | None = None  # None for a page without one
    known: Known = frozenset()  # the same bytes and sidecar again: unchanged, not cleaned
    # site learning (flows.run): the chrome learned on the page's site, and whether the
    # batch should return the page's line hashes for the site statistics
    site_chrome: SiteChrome | None = None
    learn: bool = False
    profile: SiteProfile | None = None  # the site's profile (``flows.profiles``), if any


def page_job(page: PageRef, known: Known = frozenset()) -> PageJob:
    """The job for a page, its sidecar read (once) to go with it."""
    return PageJob(page, read_sidecar_file(page.sidecar) if page.sidecar else None, known)


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
    # the batch's pages per site, by outcome ("records", "rejects"), under the same site
    # keys as ``removed``: the run's summary and report show them per site
    by_site: dict[str, Counter[str]] = field(default_factory=dict)
    # one per article, in order: what duplicate linking needs, made here (in the worker)
    fingerprints: list[Fingerprint] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(1 for o in self.outcomes if o.outcome == "record")

    @property
    def unchanged(self) -> int:
        """Pages read and found to hold content the state already had: not cleaned."""
        return sum(1 for o in self.outcomes if o.outcome == "unchanged")


@dataclass(frozen=True, slots=True)
class PageBytes:
    """A page's file read once: its bytes, their sha256, and the file's stat as read
    when it can stand for these bytes next time (``FileStat.settled``; else None)."""

    data: bytes | None  # None past the size limit: hashed as read, not kept
    sha256: str
    stat: FileStat | None
    too_large: str | None = None  # why ``data`` is None
    problem: Rejected | None = None  # a WARC record cut short or corrupt: its reject


def _check_file(path: str) -> None:
    """``Rejected`` for a path that is gone, cannot be stat'ed or is no regular file: a
    pipe, socket or device is never opened (opening one can block or have effects)."""
    try:
        st = FileStat.of(os.stat(path))
    except FileNotFoundError:
        if os.path.islink(path):  # found as a link, which leads nowhere: nothing vanished
            raise Rejected("unreadable", "a symbolic link to a missing file"
                           f" ({os.readlink(path)}): fix or remove the link") from None
        raise Rejected("vanished", "the file disappeared after it was found") from None
    except OSError as exc:
        raise Rejected("unreadable", f"cannot stat the file: {exc.strerror or exc}") from None
    if not st.regular:
        raise Rejected("unsupported_type", "not a regular file (a pipe, socket or device)")


def _read_hashing(fh: BinaryIO, size: int, max_bytes: int) -> tuple[bytes | None, str]:
    """Every byte of the file, hashed as read; the bytes are kept only within
    ``max_bytes`` (0: no limit). A page over it is still hashed, in chunks that cost no
    memory, so its ``too_large`` reject is remembered like any other."""
    over = bool(max_bytes) and size > max_bytes
    data = b"" if over else fh.read(max_bytes + 1 if max_bytes else -1)
    digest = hashlib.sha256(data)
    if over or (max_bytes and len(data) > max_bytes):
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
        return None, digest.hexdigest()
    return data, digest.hexdigest()


def read_page_once(path: str, max_bytes: int | None = None) -> PageBytes:
    """Read and hash a page's file in one pass; ``Rejected`` when it cannot be read."""
    max_bytes = MAX_PAGE_BYTES if max_bytes is None else max_bytes
    _check_file(path)
    started = time.time_ns()
    try:
        with open(path, "rb") as fh:
            st = FileStat.of(os.fstat(fh.fileno()))
            if not st.regular:
                raise Rejected("unsupported_type", "not a regular file (a pipe, socket or"
                               " device)")
            data, sha = _read_hashing(fh, st.size, max_bytes)
    except FileNotFoundError:
        raise Rejected("vanished", "the file disappeared after it was found") from None
    except OSError as exc:
        raise Rejected("unreadable", f"cannot read the file: {exc.strerror or exc}"
                       " (check its permissions and the disk)") from None
    too_large = None
    if data is None:
        too_large = (f"{st.size} bytes, over the {max_bytes}-byte limit (--max-raw-bytes)"
                     if st.size > max_bytes
                     else f"grew past the {max_bytes}-byte limit while being read")
    return PageBytes(data, sha, st if st.settled(started) else None, too_large)


def read_page(page: PageRef, max_bytes: int | None = None) -> PageBytes:
    """The page's bytes read and hashed once: its file, or its record of a WARC file
    (``flows.warc``: the WARC's stat stands for the record's bytes)."""
    if page.warc is None:
        return read_page_once(page.path, max_bytes)
    max_bytes = MAX_PAGE_BYTES if max_bytes is None else max_bytes
    started = time.time_ns()
    body = read_warc_page(page.path, page.warc, max_bytes)
    stat = body.stat if body.stat.settled(started) else None
    sha = hashlib.sha256(body.data).hexdigest()
    if body.problem is not None:
        return PageBytes(None, sha, stat, problem=body.problem)
    return PageBytes(body.data, sha, stat)


def _reject(source_path: str, raw_sha256: str | None, reason: str, detail: str) -> RejectRecord:
    return RejectRecord(
        source_path=source_path,
        raw_sha256=raw_sha256,
        reason=reason,
        detail=detail.strip() or reason,
        processed_at=datetime.now(UTC),
        pipeline_version=PIPELINE_VERSION,
    )


def page_sidecar(page: PageRef) -> SidecarFile | None:
    """What is said of a page beside its bytes: its WARC record's headers, or its sidecar
    file (read now), or None."""
    if page.warc is not None:
        return warc_sidecar(page.warc)  # what the WARC said of the page
    return read_sidecar_file(page.sidecar) if page.sidecar else None


def _sidecar_of(job: PageJob) -> SidecarFile | None:
    """The sidecar the flow read for the job; read here only for a job made without it."""
    return job.sidecar if job.sidecar is not None else page_sidecar(job.page)


def _signature(page: PageRef, sidecar: SidecarFile | None, read: PageBytes | None
               ) -> tuple[str, str] | None:
    """The stats (page, sidecar or "") the state may skip this content by next time, or
    None when either was unsettled when read: then it is read again, and hashed."""
    if read is None or read.stat is None:
        return None
    if page.sidecar is None:
        return read.stat.signature, ""
    if sidecar is None or sidecar.stat is None:
        return None
    return read.stat.signature, sidecar.stat.signature


def _outcome(job: PageJob, sidecar: SidecarFile | None, read: PageBytes | None,
             record: ArticleRecord | RejectRecord | None) -> PageOutcome:
    """The state's view of a page's end (``record`` None: unchanged). A page whose sidecar
    could not be hashed is not remembered: without its hash, a later fix to it would go
    unnoticed."""
    path = job.page.source_path
    sidecar_sha = sidecar.sha256 if sidecar else None
    known = job.page.sidecar is None or sidecar_sha is not None
    signature = _signature(job.page, sidecar, read)
    if record is None:
        assert read is not None
        return PageOutcome(path, read.sha256, sidecar_sha, "unchanged", signature=signature)
    if isinstance(record, ArticleRecord):
        return PageOutcome(path, record.raw_sha256, sidecar_sha, "record",
                           record_id=record.id, remember=known, signature=signature)
    # a WARC record cut short is the same bytes while its file keeps its stat: remembered
    fixed = job.page.warc is not None and record.reason == "unreadable"
    return PageOutcome(path, record.raw_sha256, sidecar_sha, "reject", reason=record.reason,
                       remember=known and (fixed or record.reason not in TRANSIENT_REASONS),
                       signature=signature)


def _known_content(job: PageJob, sidecar: SidecarFile | None, read: PageBytes) -> bool:
    """Whether the page's bytes and its sidecar's are a content the state already has
    (a sidecar that could not be hashed never is)."""
    if job.page.sidecar is None:
        return (read.sha256, "") in job.known
    if sidecar is None or sidecar.sha256 is None:
        return False
    return (read.sha256, sidecar.sha256) in job.known


def _line_collector(job: PageJob, site: str | None, lines: list[PageLines] | None
                    ) -> Callable[[frozenset[int]], None] | None:
    """For a job marked ``learn`` with a site: keep the page's line hashes in ``lines``."""
    if not (job.learn and site and lines is not None):
        return None

    def on_lines(hashes: frozenset[int]) -> None:
        lines.append(PageLines(job.page.source_path, site, hashes))

    return on_lines


def clean_job(
    job: PageJob,
    logger: logging.Logger | logging.LoggerAdapter = log,
    limits: Limits | None = None,
    lines: list[PageLines] | None = None,
    removed: dict[str, RuleTally] | None = None,
) -> tuple[ArticleRecord | RejectRecord | None, PageOutcome]:
    """One page to one record (None when its bytes and sidecar are ones ``job.known``
    holds: unchanged), and the outcome the state commits. Never raises for anything a
    page can cause: a page past ``limits.page_timeout`` is a ``timeout`` reject and the
    worker goes on with the next one. For a job marked ``learn``, the page's line hashes
    are appended to ``lines`` (when it has a site and got as far as its front end). The
    blocks and lines each rule removed from the page are added to ``removed`` under its
    site, a page then rejected as having no story included (its rules did run)."""
    page = job.page
    sidecar = _sidecar_of(job)
    try:
        read = read_page(page, limits.max_raw_bytes if limits else None)
    except Rejected as exc:  # gone, unreadable or no file: no bytes, no hash
        record = _reject(page.source_path, None, exc.reason, exc.detail)
        return record, _outcome(job, sidecar, None, record)
    if _known_content(job, sidecar, read):
        return None, _outcome(job, sidecar, read, None)
    fields: Sidecar | None = sidecar.sidecar if sidecar else None
    site = page_site(fields, page.folder_site)
    tally = RuleTally()
    try:
        if sidecar is not None:
            fields = sidecar.fields()  # a bad sidecar rejects its page
        if read.problem is not None:
            raise read.problem
        if read.data is None:
            raise Rejected("too_large", read.too_large or "over the size limit")
        record: ArticleRecord | RejectRecord = clean_page(
            read.data, source_path=page.source_path, url=fields.page_url if fields else None,
            site=site, encoding=fields.encoding if fields else None, limits=limits,
            fetched_at=fields.fetched_at if fields else None,
            site_chrome=job.site_chrome, on_lines=_line_collector(job, site, lines),
            raw_sha256=read.sha256, tally=tally, profile=job.profile,
        )
    except Rejected as exc:
        record = _reject(page.source_path, read.sha256, exc.reason, exc.detail)
    except Exception as exc:  # a bug in Winnow: report it on the page, keep the run going
        logger.warning("error cleaning %s: %r", page.source_path, exc, exc_info=True)
        detail = f"{type(exc).__name__}: {exc}"[:2000]
        record = _reject(page.source_path, read.sha256, "error", detail)
    if removed is not None and tally:
        removed.setdefault(_site_key(record, site), RuleTally()).update(tally)
    return record, _outcome(job, sidecar, read, record)


def _site_key(record: ArticleRecord | RejectRecord, site: str | None) -> str:
    """The site a page's counts go under: an article's own ``site`` (which falls back to its
    URL's host where no sidecar or folder names one), else the page's, else ``NO_SITE``."""
    if isinstance(record, ArticleRecord) and record.site:
        return record.site
    return site or NO_SITE


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
        record, outcome = clean_job(job, logger, limits, result.lines, result.removed)
        add_page(result, job, record, outcome)
        if on_page is not None and on_page():
            result.reported += 1
    return result


def add_page(result: BatchResult, job: PageJob, record: ArticleRecord | RejectRecord | None,
             outcome: PageOutcome) -> None:
    """One page's end added to a batch's result, in page order."""
    if isinstance(record, ArticleRecord):
        result.articles.append(record)
        result.by_site.setdefault(_site_key(record, None), Counter())["records"] += 1
        result.fingerprints.append(fingerprint(record.text))
    elif record is not None:
        result.reject_records.append(record)
        result.rejects[record.reason] += 1
        result.by_site.setdefault(_site_key(record, job_site(job)), Counter())["rejects"] += 1
    result.outcomes.append(outcome)


def merge_results(part: int, results: Sequence[BatchResult]) -> BatchResult:
    """Several results of one batch's pages (cleaned apart, in page order) as one."""
    merged = BatchResult(part=part)
    for result in results:
        merged.articles += result.articles
        merged.reject_records += result.reject_records
        merged.outcomes += result.outcomes
        merged.rejects.update(result.rejects)
        merged.reported += result.reported
        merged.lines += result.lines
        merged.fingerprints += result.fingerprints
        for site, tally in result.removed.items():
            merged.removed.setdefault(site, RuleTally()).update(tally)
        for site, counts in result.by_site.items():
            merged.by_site.setdefault(site, Counter()).update(counts)
    return merged


def crashed_page(job: PageJob, part: int, detail: str) -> BatchResult:
    """The reject of a page whose cleaning killed the process cleaning it (a crash in a C
    library, the out-of-memory killer): its bytes are read and hashed here, never parsed,
    so the page is not lost, and the run goes on. ``error`` is a transient reason: a
    later run tries the page again (after a fix, it may clean)."""
    sidecar = _sidecar_of(job)
    try:
        read: PageBytes | None = read_page(job.page)
    except Rejected:
        read = None
    record = _reject(job.page.source_path, read.sha256 if read else None, "error", detail)
    result = BatchResult(part=part)
    add_page(result, job, record, _outcome(job, sidecar, read, record))
    return result


# --------------------------------------------------------------------- site learning


def job_site(job: PageJob) -> str | None:
    """The page's site as ``clean_job`` will decide it (sidecar, URL host, folder), from
    the sidecar the job carries, so the flow can send it its site's chrome. A bad sidecar
    falls back to the folder: the batch rejects that page anyway."""
    sidecar = _sidecar_of(job)
    return page_site(sidecar.sidecar if sidecar else None, job.page.folder_site)


def learn_batch(jobs: Sequence[PageJob],
                logger: logging.Logger | logging.LoggerAdapter = log,
                limits: Limits | None = None) -> list[PageLines]:
    """A backfill's learning pass over one batch: each page's line hashes (decode and front
    end, no rules). This pass must see every page before any is cleaned, so it reads the
    pages it learns from (cleaning reads them again); their sidecars come with the jobs. A
    page that cannot be read or decoded teaches nothing; cleaning it later turns that
    into its reject."""
    out = []
    for job in jobs:
        page = job.page
        sidecar = _sidecar_of(job)
        fields = sidecar.sidecar if sidecar else None
        site = page_site(fields, page.folder_site)
        if not site or (sidecar is not None and fields is None):
            continue
        try:
            read = read_page(page, limits.max_raw_bytes if limits else None)
            if read.data is None:
                continue
            hashes = page_line_hashes(read.data, source_path=page.source_path, limits=limits,
                                      encoding=fields.encoding if fields else None)
        except Rejected:
            continue
        except Exception as exc:  # a bug: the page is cleaned (and reported) all the same
            logger.warning("cannot learn from %s: %r", page.source_path, exc)
            continue
        out.append(PageLines(page.source_path, site, hashes))
    return out
