"""One discovered URL to its outcome: request (conditional when the state has
validators), then saved, ``not_modified``, ``duplicate_url`` or the failure's reason.

A page is written only when it is new or its body changed: a 304, or a 200 whose body
hashes as the one saved, writes nothing. A chain of redirects that ends at a page another
URL saved is a ``duplicate_url``. Every outcome is remembered in the state (keeping the
validators and path of what was saved before) and logged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fetching.log import FetchLog
from fetching.outcomes import DUPLICATE_URL, FETCHED, NOT_MODIFIED, SAVED, FetchResult
from fetching.polite import Polite
from fetching.settings import FetchSettings
from fetching.state import FetchState, UrlRow, sha256
from fetching.store import page_path, save_page
from schemas.sidecar import FetchedSidecar


class PageFetcher:
    """Settles candidates (``fetching.discover.Candidate``); thread-safe."""

    def __init__(self, state: FetchState, polite: Polite, raw_root: Path, log: FetchLog,
                 settings: FetchSettings, normalise: Callable[[str], str | None]) -> None:
        self.state, self.polite, self.raw_root, self.log = state, polite, raw_root, log
        self.settings, self.normalise = settings, normalise
        self.saved_paths: list[str] = []
        self._lock = threading.Lock()

    def handle(self, candidate: object) -> str:
        """Fetch one candidate; return its outcome."""
        url: str = candidate.url  # type: ignore[attr-defined]
        now = datetime.now(UTC)
        prev = self.state.row(url)
        if prev is not None and prev.next_due and prev.next_due > now.isoformat():
            return self._settle(candidate, prev, NOT_MODIFIED,
                                f"not due before {prev.next_due}")
        owner = self.state.owner(url)
        if owner is not None and owner != url:
            return self._settle(candidate, prev, DUPLICATE_URL, f"already saved from {owner}")
        result = self.polite.fetch(url, page=True,
                                   conditional=prev.conditional() if prev else None)
        if result.outcome == "not_modified":
            return self._settle(candidate, prev, NOT_MODIFIED, "304 Not Modified", result)
        if result.outcome != FETCHED:
            return self._settle(candidate, prev, result.outcome, result.detail, result)
        return self._save(candidate, prev, result, now)

    def _save(self, candidate: object, prev: UrlRow | None, result: FetchResult,
              now: datetime) -> str:
        url: str = candidate.url  # type: ignore[attr-defined]
        final = self.normalise(result.final_url) or result.final_url
        owner = self.state.claim(final, url)
        if owner != url:
            return self._settle(candidate, prev, DUPLICATE_URL,
                                f"redirects to {final}, already saved from {owner}", result)
        digest = sha256(result.body)
        if prev is not None and prev.path and prev.content_sha256 == digest:
            return self._settle(candidate, prev, NOT_MODIFIED, "unchanged body", result)
        if prev is not None and prev.path:
            page = self.raw_root / prev.path  # a changed page replaces its file
        else:
            page = page_path(self.raw_root, candidate.site, f"{now:%Y-%m-%d}",  # type: ignore[attr-defined]
                             final, result.content_type)
        rel = page.relative_to(self.raw_root).as_posix()
        row = UrlRow(url, SAVED, result.status, result.etag, result.last_modified, digest,
                     final, rel, now.isoformat(timespec="seconds"), self._due(now))
        self.state.begin_save(row)
        save_page(page, result.body, self._sidecar(candidate, result, now))
        self.state.saved(row)
        with self._lock:
            self.saved_paths.append(rel)
        self.log.write(url, SAVED, status=result.status, final_url=_if_other(final, url),
                       path=rel, source=candidate.source)  # type: ignore[attr-defined]
        return SAVED

    def _sidecar(self, candidate: object, result: FetchResult, now: datetime
                 ) -> FetchedSidecar:
        return FetchedSidecar(
            url=candidate.url, final_url=result.final_url,  # type: ignore[attr-defined]
            site=candidate.site,  # type: ignore[attr-defined]
            fetched_at=now.isoformat(timespec="seconds"), status=result.status or 200,
            content_type=result.content_type, encoding=result.charset, etag=result.etag,
            last_modified=result.last_modified,
            title=getattr(candidate, "title", None),
            published=getattr(candidate, "published", None),
            source=getattr(candidate, "source", None) or None,
        )

    def _settle(self, candidate: object, prev: UrlRow | None, outcome: str, detail: str,
                result: FetchResult | None = None) -> str:
        """Remember and log an outcome other than a save."""
        url: str = candidate.url  # type: ignore[attr-defined]
        now = datetime.now(UTC)
        row = prev or UrlRow(url, outcome)
        status = result.status if result is not None else row.status
        changes: dict[str, object] = {"outcome": outcome, "status": status,
                                      "fetched_at": now.isoformat(timespec="seconds")}
        if outcome == NOT_MODIFIED and result is not None:
            changes["next_due"] = self._due(now)
            changes["etag"] = result.etag or row.etag
            changes["last_modified"] = result.last_modified or row.last_modified
        if result is not None or outcome != NOT_MODIFIED:
            self.state.record(replace(row, **changes))  # type: ignore[arg-type]
        final = result.final_url if result is not None else None
        self.log.write(url, outcome, detail=detail, status=status,
                       final_url=_if_other(final, url),
                       source=getattr(candidate, "source", None))
        return outcome

    def _due(self, now: datetime) -> str | None:
        """When the page is next asked for: ``revisit`` after now (None: next run)."""
        if not self.settings.revisit:
            return None
        return (now + timedelta(seconds=self.settings.revisit)).isoformat(timespec="seconds")


def _if_other(final: str | None, url: str) -> str | None:
    return final if final and final != url else None
