"""Headless Chromium for the report's tests: Debian's ``chromium`` driven by playwright
through its executable path (playwright's own browser download is not reachable from
these machines, so ``playwright install`` is never run).

Outside CI a machine without chromium skips the browser tests with a reason that says
so; ``.ci/run`` installs chromium and sets ``WINNOW_REQUIRE_BROWSER=1``, which turns the
skip into a failure: in CI the report is always tested in a browser.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """Debian's chromium (or ``WINNOW_CHROMIUM``), None when there is none."""
    named = os.environ.get("WINNOW_CHROMIUM")
    if named:
        return named if os.access(named, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_browser() -> str:
    """The browser's path; a skip naming what is missing, or in CI a failure."""
    import pytest

    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed (pip install -e '.[dev]')"
    path = chromium_path()
    if missing is None and path is None:
        missing = "chromium is not installed (apt-get install chromium; .ci/run does)"
    if missing is None:
        return path  # type: ignore[return-value]
    if os.environ.get("WINNOW_REQUIRE_BROWSER") == "1":
        pytest.fail(f"WINNOW_REQUIRE_BROWSER=1 but {missing}")
    pytest.skip(f"no headless browser: {missing}")


@contextmanager
def launch() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("no chromium: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Loaded:
    """What the browser saw while loading a page."""

    errors: list[str] = field(default_factory=list)  # console errors and page errors
    requests: list[str] = field(default_factory=list)  # every URL the page asked for


@contextmanager
def open_page(url: str) -> Iterator[tuple[Any, Loaded]]:
    """The page at ``url`` loaded in headless Chromium, with its console errors, page
    errors and requests recorded."""
    with launch() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        seen = Loaded()
        page.on("console", lambda m: m.type == "error" and seen.errors.append(m.text))
        page.on("pageerror", lambda e: seen.errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: seen.errors.append(f"failed: {r.url}"))
        page.on("request", lambda r: seen.requests.append(r.url))
        page.goto(url, wait_until="load")
        yield page, seen
