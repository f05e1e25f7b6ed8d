"""One fetch, from sources to saved pages: the body of the ``fetch_pages`` flow.

discover every source (one thread per source, all through the polite client, so the
discovery documents keep the hosts' delays too) -> the candidates, deduplicated by
normalised URL across sources -> per-host queues (``polite.Scheduler``) -> ``concurrency``
worker threads, each taking the next URL of a host that is free and due -> each URL's
outcome: the state, the fetch log, the page and its sidecar when saved.

No Prefect here (``flows/fetch.py`` runs this as a task), so the kill test and the
benchmark drive it directly.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from fetching.atomic import atomic_write_text
from fetching.client import ClientLimits, SafeClient
from fetching.discover import Candidate, discover, normalise_url
from fetching.log import LOG_DIR, FetchLog
from fetching.outcomes import FETCHED, FetchResult
from fetching.page import PageFetcher
from fetching.polite import Polite, Scheduler
from fetching.safety import strip_userinfo
from fetching.settings import FetchSettings
from fetching.sources import Source
from fetching.state import FetchState

Logger = logging.Logger | logging.LoggerAdapter
Discover = Callable[[Source, Callable[[str], bytes | None]], Iterator[Candidate]]


@dataclass(frozen=True, slots=True)
class FetchRequest:
    raw: str
    out: str
    settings: FetchSettings
    sources: tuple[Source, ...]


@dataclass(slots=True)
class FetchSummary:
    """What a fetch did: counts per outcome, the pages saved, where its log is."""

    run_id: str
    started_at: str
    log: str
    discovered: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    saved_paths: list[str] = field(default_factory=list)  # relative to the raw root
    saved_list: str | None = None  # the file listing them, one a line (what --clean reads)
    recovered: int = 0  # saves a killed fetch had finished, found on start
    seconds: float = 0.0
    status: str = "completed"
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Everything but the saved paths themselves (``saved_list`` names their file):
        a fetch may save 100,000 pages, too many for a flow parameter or a summary."""
        return {f: getattr(self, f) for f in self.__dataclass_fields__
                if f != "saved_paths"}

    def headline(self) -> str:
        counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(
            self.counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return f"{self.discovered} URLs: {counts or 'nothing fetched'}"

    def to_text(self) -> str:
        text = f"fetch {self.run_id} {self.status}: {self.headline()} in {self.seconds:.1f} s"
        if self.recovered:
            text += f"; {self.recovered} saves of a killed fetch recovered"
        if self.error:
            text += f"\nerror: {self.error}"
        return text + f"\nlog: {self.log}"


def new_run_id(now: datetime | None = None) -> str:
    import uuid

    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def client_limits(settings: FetchSettings) -> ClientLimits:
    return ClientLimits(user_agent=settings.agent, max_bytes=settings.max_bytes,
                        timeout=settings.timeout, allow_private=settings.allow_private)


def fetch(
    request: FetchRequest,
    *,
    logger: Logger,
    run_id: str | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[int], None] | None = None,
    discover_fn: Discover = discover,
    polite_hook: Callable[[Polite], None] | None = None,
) -> FetchSummary:
    """Fetch every source's pages into ``request.raw``; return the summary. ``on_start``
    is told how many URLs were found, ``on_done`` each URL settled; ``polite_hook`` sees
    the ``Polite`` object (tests read each host's request starts from it)."""
    started = time.monotonic()
    run_id = run_id or new_run_id()
    out, raw, settings = Path(request.out), Path(request.raw), request.settings
    summary = FetchSummary(run_id, datetime.now(UTC).isoformat(timespec="seconds"),
                           str(out / "_fetch" / f"{run_id}.jsonl"))
    with FetchState(out, raw) as state, SafeClient(
        client_limits(settings), max_connections=max(settings.concurrency, 4) * 2
    ) as client, FetchLog(out, run_id) as log:
        summary.recovered, undone = state.recover()
        if summary.recovered or undone:
            logger.warning("a fetch was killed mid-save: %d saves kept, %d undone (fetched"
                           " again)", summary.recovered, undone)
        polite = Polite(client, settings)
        if polite_hook is not None:
            polite_hook(polite)
        candidates = discover_all(request.sources, polite, log, logger, discover_fn,
                                  settings.concurrency)
        summary.discovered = len(candidates)
        logger.info("fetch %s: %d URLs from %d sources", run_id, len(candidates),
                    len(request.sources))
        if on_start is not None:
            on_start(len(candidates))
        pages = PageFetcher(state, polite, raw, log, settings, normalise_url)
        error = _fetch_all(candidates, polite, pages, settings, on_done)
        summary.counts = dict(log.counts)
        summary.saved_paths = pages.saved_paths
    if error is not None:
        summary.status, summary.error = "failed", f"{type(error).__name__}: {error}"
    summary.seconds = round(time.monotonic() - started, 2)
    _save(summary, out / LOG_DIR)
    return summary


def _save(summary: FetchSummary, folder: Path) -> None:
    """``<run id>.saved`` (the pages saved, one a line) and ``<run id>.summary.json``."""
    saved = folder / f"{summary.run_id}.saved"
    atomic_write_text(saved, "".join(f"{path}\n" for path in summary.saved_paths))
    summary.saved_list = str(saved)
    atomic_write_text(folder / f"{summary.run_id}.summary.json",
                      json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n")


def discover_all(sources: Sequence[Source], polite: Polite, log: FetchLog, logger: Logger,
                 discover_fn: Discover, threads: int) -> list[Candidate]:
    """Every source's candidates, the first source to name a URL keeping it; URLs
    without credentials from here on (the log, the state and the sidecars never see them)."""

    def get(url: str) -> bytes | None:
        url = strip_userinfo(url)
        if urlsplit(url).path == "/robots.txt" and not urlsplit(url).query:
            return polite.robots_txt(url)  # the policy read it already, or reads it now
        result = polite.fetch(url, page=False)
        if result.outcome == FETCHED:
            return result.body
        log.event("document_failed", url=url, outcome=result.outcome, detail=result.detail,
                  status=result.status)
        logger.warning("cannot read %s: %s %s", url, result.outcome, result.detail)
        return None

    def one(source: Source) -> list[Candidate]:
        try:
            return list(discover_fn(source, get))
        except Exception as exc:  # a source never stops the others
            log.event("source_failed", source=source.location, error=repr(exc))
            logger.error("source %s failed: %r", source.location, exc)
            return []

    found: dict[str, Candidate] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(threads, len(sources) or 1))) as pool:
        for candidates in pool.map(one, sources):
            for candidate in candidates:
                url = strip_userinfo(candidate.url)  # nothing past here sees credentials
                if url != candidate.url:
                    candidate = replace(candidate, url=url)
                found.setdefault(url, candidate)
    return list(found.values())


def _fetch_all(candidates: list[Candidate], polite: Polite, pages: PageFetcher,
               settings: FetchSettings, on_done: Callable[[int], None] | None
               ) -> BaseException | None:
    """Run the workers over the candidates; return the first unexpected error (which
    stops the fetch: a disk that cannot be written to is not a URL's fault)."""
    scheduler = Scheduler(polite, settings.per_host_concurrency)
    for candidate in candidates:
        scheduler.add(candidate.url, candidate)
    scheduler.close()
    errors: list[BaseException] = []

    def worker() -> None:
        while (item := scheduler.take()) is not None:
            host, candidate = item
            try:
                if not errors:
                    pages.handle(candidate)  # type: ignore[arg-type]
            except BaseException as exc:
                errors.append(exc)
            finally:
                scheduler.done(host)
            if on_done is not None:
                on_done(1)

    threads = [threading.Thread(target=worker, name=f"fetch-{i}", daemon=True)
               for i in range(settings.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors[0] if errors else None


__all__ = ["FetchRequest", "FetchResult", "FetchSummary", "fetch", "new_run_id"]
