"""Helpers of the fetch tests: settings for a loopback server, a URL-list source, a
fetch run, its log, and handlers that record when each request arrived (the server's
own clock, which the delay tests read)."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import replace
from pathlib import Path

from werkzeug import Request, Response

from fetching.run import FetchRequest, FetchSummary, fetch
from fetching.settings import FetchSettings
from fetching.sources import Source

LOGGER = logging.getLogger("test-fetch")
HTML = "<html><head><title>{0}</title></head><body><p>{0} text.</p></body></html>"

FAST = FetchSettings(allow_private=True, delay=0.0, backoff=0.01, max_backoff=0.05,
                     timeout=3.0, retries=2, concurrency=4)


def settings(**changes: object) -> FetchSettings:
    return replace(FAST, **changes)


def no_robots(server) -> None:
    server.expect_request("/robots.txt").respond_with_data("", status=404)


def urls_source(tmp_path: Path, urls: list[str], name: str | None = "site") -> Source:
    path = tmp_path / f"urls-{len(list(tmp_path.glob('urls-*')))}.txt"
    path.write_text("\n".join(urls) + "\n", encoding="utf-8")
    return Source("urls", str(path), name=name)


def run_fetch(tmp_path: Path, sources: list[Source], fetch_settings: FetchSettings = FAST,
              **kwargs: object) -> FetchSummary:
    request = FetchRequest(raw=str(tmp_path / "raw"), out=str(tmp_path / "clean"),
                           settings=fetch_settings, sources=tuple(sources))
    return fetch(request, logger=LOGGER, **kwargs)  # type: ignore[arg-type]


def log_lines(summary: FetchSummary) -> list[dict]:
    return [json.loads(line) for line in Path(summary.log).read_text().splitlines()]


def outcomes(summary: FetchSummary) -> dict[str, str]:
    """URL -> outcome, from the fetch log (URL lines only)."""
    return {line["url"]: line["outcome"] for line in log_lines(summary) if "url" in line}


def saved_files(tmp_path: Path) -> list[Path]:
    raw = tmp_path / "raw"
    return sorted(p for p in raw.rglob("*") if p.is_file()) if raw.exists() else []


class Clock:
    """Request arrival times per path, taken by the server's handlers."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.headers: dict[str, list[dict[str, str]]] = {}
        self._lock = threading.Lock()

    def note(self, request: Request) -> None:
        with self._lock:
            self.times.setdefault(request.path, []).append(time.monotonic())
            self.headers.setdefault(request.path, []).append(dict(request.headers))

    def all_times(self) -> list[float]:
        return sorted(t for times in self.times.values() for t in times)

    def page(self, body: str | bytes, status: int = 200,
             content_type: str = "text/html; charset=utf-8", **headers: str):
        """A handler that notes the request and answers ``body``."""

        def handler(request: Request) -> Response:
            self.note(request)
            return Response(body, status=status, headers=headers, content_type=content_type)

        return handler

    def sequence(self, *responses: tuple[int, dict[str, str], str]):
        """A handler answering each request with the next of ``responses`` (the last one
        again once they run out)."""
        count = [0]

        def handler(request: Request) -> Response:
            self.note(request)
            status, headers, body = responses[min(count[0], len(responses) - 1)]
            count[0] += 1
            return Response(body, status=status, headers=headers, content_type="text/html")

        return handler


def gaps(times: list[float]) -> list[float]:
    ordered = sorted(times)
    return [b - a for a, b in zip(ordered, ordered[1:], strict=False)]
