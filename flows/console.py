"""The terminal side of ``winnow run``: a progress bar Prefect's log lines do not break.

Prefect logs through its own ``PrefectConsoleHandler``, which holds a rich
``Console`` writing to the stderr it found at start-up. A rich progress bar
redraws itself in place; any line written to the terminal behind its back is
glued to the bar. So while the bar is up, every Prefect console handler writes
through the bar's console, and rich prints each log line above the bar.

The CLI also promises a one-line error, not a traceback: for its runs the
console handlers leave tracebacks out (they still reach the Prefect server's
log, where the flow run shows them). ``winnow --debug`` keeps them.
"""

from __future__ import annotations

import copy
import logging
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Task as ProgressTask
from rich.text import Text
from rich.theme import Theme

MIN_PAGES_FOR_BAR = 50  # below this a run is over before a bar would tell anything


def prefect_console_handlers() -> list[logging.Handler]:
    """Every Prefect console handler attached to any logger, each once."""
    from prefect.logging.handlers import PrefectConsoleHandler

    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    found: dict[int, logging.Handler] = {}
    for lg in loggers:
        for handler in lg.handlers:
            if isinstance(handler, PrefectConsoleHandler):
                found[id(handler)] = handler
    return list(found.values())


class _WithoutTraceback(logging.Formatter):
    """Format a record as ``inner`` would, minus its traceback and stack."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        bare = copy.copy(record)
        bare.exc_info = None
        bare.exc_text = None
        bare.stack_info = None
        return self.inner.format(bare)


CONSOLE_KEY = "winnow_console"  # extra={CONSOLE_KEY: False}: for the run's log, not the terminal


class QuietConsole(logging.Filter):
    """What the terminal of ``winnow run`` leaves out of Prefect's console: the lines the
    flow logs for the Prefect UI that the CLI prints itself (the run summary, which
    appeared twice), and Dask's INFO chatter (a cluster's start and stop is some forty
    lines around a run of five pages). Warnings and errors from Dask still show."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, CONSOLE_KEY, True) is False:
            return False
        return not (record.name.startswith("distributed") and record.levelno < logging.WARNING)


class PagesPerSecondColumn(ProgressColumn):
    """The run's recent speed: ``37.5 pages/s`` (blank until rich has measured it)."""

    def render(self, task: ProgressTask) -> Text:
        speed = task.speed
        return Text("" if speed is None else f"{speed:,.1f} pages/s", style="progress.data.speed")


class RunConsole:
    """Progress reporter and log routing for one ``winnow run``, as a context manager."""

    def __init__(
        self,
        *,
        tracebacks: bool = False,
        min_pages: int = MIN_PAGES_FOR_BAR,
        console: Console | None = None,
    ) -> None:
        self.tracebacks = tracebacks
        self.console = console  # the bar's console; default: Prefect's own
        self.min_pages = min_pages
        self.progress: Progress | None = None
        self._task: TaskID | None = None
        self._label = "cleaning"
        self._themed: Console | None = None
        self._saved_consoles: list[tuple[logging.Handler, Console]] = []
        self._saved_formatters: list[tuple[logging.Handler, logging.Formatter | None]] = []
        self._quiet = QuietConsole()
        self._filtered: list[logging.Handler] = []

    def __enter__(self) -> RunConsole:
        for handler in prefect_console_handlers():
            handler.addFilter(self._quiet)
            self._filtered.append(handler)
        if not self.tracebacks:
            for handler in prefect_console_handlers():
                self._saved_formatters.append((handler, handler.formatter))
                handler.setFormatter(_WithoutTraceback(handler.formatter))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        for handler in self._filtered:
            handler.removeFilter(self._quiet)
        self._filtered.clear()
        for handler, formatter in self._saved_formatters:
            handler.formatter = formatter
        self._saved_formatters.clear()

    # ProgressReporter
    def start(self, total: int, label: str = "cleaning") -> None:
        """Put up the bar if the run is long enough and stderr is a terminal. A new
        ``label`` (``winnow fetch --clean``: fetching, then cleaning) ends the old bar."""
        if self.progress is not None and label != self._label:
            self.stop()
        if self.progress is not None or total < self.min_pages:
            return
        self._label = label
        handlers = prefect_console_handlers()
        console = self.console
        if console is None:
            first = getattr(handlers[0], "console", None) if handlers else None
            console = first if isinstance(first, Console) else Console(stderr=True)
        if not console.is_terminal:
            return
        # Prefect's console carries only its own log styles (its theme does not
        # inherit rich's defaults), and the bar needs rich's: add them on top.
        console.push_theme(Theme())
        self._themed = console
        self.progress = Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("pages"),
            PagesPerSecondColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
            speed_estimate_period=60.0,  # a minute: with Dask workers batches land in bursts
        )
        for handler in handlers:
            self._saved_consoles.append((handler, handler.console))  # type: ignore[attr-defined]
            handler.console = console  # type: ignore[attr-defined]
        self._task = self.progress.add_task("clean", total=total)
        self.progress.start()

    def advance(self, pages: int = 1) -> None:
        if self.progress is not None and self._task is not None:
            self.progress.advance(self._task, pages)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
        if self._themed is not None:
            self._themed.pop_theme()
            self._themed = None
        for handler, console in self._saved_consoles:
            handler.console = console  # type: ignore[attr-defined]
        self._saved_consoles.clear()
