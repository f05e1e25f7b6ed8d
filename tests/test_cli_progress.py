"""While the progress bar is up, Prefect's log lines print above it, not glued to it."""

from __future__ import annotations

import io
import logging
import re

import pytest
from rich.console import Console

from flows.console import RunConsole
from flows.progress import report_page, report_pages, report_start, reporting_to

ERASE_LINE = "\r\x1b[2K"


@pytest.fixture
def prefect_logger():
    """A logger with Prefect's console handler, as Prefect's logging config sets up."""
    from prefect.logging.handlers import PrefectConsoleHandler

    handler = PrefectConsoleHandler(stream=io.StringIO())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("winnow.test.prefect")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, handler
    logger.removeHandler(handler)


def terminal() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=100, color_system=None), buffer


def test_log_lines_go_through_the_bar_console_and_start_on_their_own_line(prefect_logger):
    logger, handler = prefect_logger
    prefect_stream = handler.console.file
    console, screen = terminal()
    run_console = RunConsole(console=console, min_pages=10)
    with run_console, reporting_to(run_console):
        report_start(100)
        assert run_console.progress is not None
        assert handler.console is console  # routed through the bar's console
        for _ in range(30):
            report_page()
        run_console.progress.refresh()  # the bar is on screen now
        logger.info("batch 1 finished")
        logger.error("boom", exc_info=ValueError("hidden traceback"))
    assert handler.console.file is prefect_stream  # restored after the run
    text = screen.getvalue()
    assert prefect_stream.getvalue() == ""  # nothing went around the bar
    for message in ("INFO batch 1 finished", "ERROR boom"):
        # each log line begins a fresh line: after a newline or after the bar was erased
        assert re.search(rf"(^|\n|{re.escape(ERASE_LINE)}){message}\n", text), text
    assert "pages" in text and "30/100" in text
    assert "Traceback" not in text and "hidden traceback" not in text


def test_no_bar_for_a_short_run_or_off_a_terminal(prefect_logger):
    _, handler = prefect_logger
    original = handler.console
    short = RunConsole(console=terminal()[0], min_pages=50)
    with short:
        short.start(5)
        assert short.progress is None and handler.console is original
    piped = RunConsole(console=Console(file=io.StringIO()), min_pages=1)
    with piped:
        piped.start(500)
        assert piped.progress is None


def test_a_broken_progress_display_does_not_break_the_run():
    """A display that fails is dropped: the run goes on and never calls it again (#23:
    the AssertionError below was swallowed by report_pages, and nothing checked the
    display was dropped, so keeping a broken one survived)."""
    calls: list[str] = []

    class Broken:
        def start(self, total):
            calls.append("start")
            raise RuntimeError("no terminal")

        def advance(self, pages=1):
            calls.append("advance")

    with reporting_to(Broken()):
        report_start(10)  # must not raise
        assert report_page() is False  # no display is told any more
        report_pages(3)
    assert calls == ["start"]


def test_the_run_console_leaves_out_the_summary_log_and_dask_chatter():
    """#22 rough edge 5: the summary printed twice (the flow's log line and the CLI's
    print) and Dask's INFO lines flooded the terminal; its warnings still show."""
    import logging

    from prefect.logging.handlers import PrefectConsoleHandler

    from flows.console import CONSOLE_KEY

    stream = io.StringIO()
    handler = PrefectConsoleHandler(stream=stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    logger = logging.getLogger("winnow.test.console")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    dask = logger.getChild("distributed.scheduler")
    try:
        with RunConsole():
            logger.info("5 pages seen", extra={CONSOLE_KEY: False})
            logger.info("a run line")
            for record in (logging.INFO, logging.WARNING):
                rec = dask.makeRecord("distributed.scheduler", record, __file__, 1,
                                      f"dask {logging.getLevelName(record)}", (), None)
                handler.handle(rec)
        logger.info("after the run")
    finally:
        logger.removeHandler(handler)
    printed = stream.getvalue()
    assert "5 pages seen" not in printed and "dask INFO" not in printed
    assert "a run line" in printed and "dask WARNING" in printed
    assert "after the run" in printed
