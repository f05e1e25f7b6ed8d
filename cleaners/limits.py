"""Every limit on one page's cost, in one place, and the per-page time budget.

A page can be hostile by accident (a 50 MB dump, HTML nested 100,000 levels deep,
a gzip bomb). Two kinds of defence bound what one page may cost:

- **Hard caps**, checked before the expensive step they guard: raw bytes (before
  reading), decompressed bytes (while gunzipping), HTML elements and nesting depth
  (after the parse, before any Python walks the tree), text lines and visible
  characters (before blocks reach the extractors and rules). Work inside C calls
  (lxml's parser, regexes) cannot be interrupted, so it is bounded by bounding
  its input.
- **A cooperative deadline** for everything else: batches run in worker threads
  (and Dask worker processes, which are daemonic and cannot fork), where a thread
  cannot be killed and signals only reach the main thread. So ``clean_page`` starts
  a ``Deadline`` and the front ends and the rule engine call ``check_deadline()``
  at stage boundaries and inside their per-block loops; past the budget it raises
  ``Rejected("timeout")`` and the worker goes on with the next page.

The active deadline travels in a ``ContextVar`` rather than through every front
end, engine and rule signature: each thread (and asyncio task) sees its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from cleaners.errors import Rejected

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """What one page may cost. ``0`` (or ``None`` for the time budget) turns a limit off."""

    max_raw_bytes: int = 64 * MiB  # a larger file is rejected unread (too_large)
    max_decompressed_bytes: int = 64 * MiB  # a .gz expanding past this is a bomb (too_large)
    page_timeout: float | None = 30.0  # seconds of cleaning per page (timeout)
    max_html_elements: int = 200_000  # after the parse; real pages hold a few thousand
    # nesting after the parse; off by default: the block walk is iterative, the extractors
    # survive deep trees, and libxml2 itself stops at 2048 levels (a too_large reject)
    max_html_depth: int = 0
    max_text_lines: int = 200_000  # lines of a text dump
    max_text_chars: int = 10_000_000  # visible text of a page; a long story is ~100,000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and value < 0:
                raise ValueError(f"limit {f.name} must not be negative, got {value!r}")

    def with_overrides(self, **values: object) -> Limits:
        """These limits with the given ones replaced. ``None`` means "not given" (a CLI
        option left out) and keeps the current value; a ``page_timeout`` of 0 turns the
        budget off."""
        given = {k: v for k, v in values.items() if v is not None}
        if given.get("page_timeout") == 0:
            given["page_timeout"] = None
        return replace(self, **given)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], where: str = "settings") -> Limits:
        """Limits from a settings table (``[limits]`` of a TOML file); unknown keys are errors,
        so a misspelt limit is not silently ignored."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, object] = {}
        for key, value in data.items():
            name = key.replace("-", "_")
            if name not in known:
                raise ValueError(f"{where}: unknown limit {key!r} (known: {', '.join(known)})")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{where}: limit {key!r} must be a number, got {value!r}")
            values[name] = float(value) if name == "page_timeout" else int(value)
        if values.get("page_timeout") == 0:
            values["page_timeout"] = None
        return cls(**values)

    @classmethod
    def from_toml(cls, path: str | Path) -> Limits:
        """Limits from the ``[limits]`` table of a TOML settings file."""
        import tomllib

        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        table = data.get("limits", {})
        if not isinstance(table, dict):
            raise ValueError(f"{path}: [limits] must be a table")
        return cls.from_mapping(table, where=str(path))


DEFAULT_LIMITS = Limits()


def check_text_size(chars: int, limits: Limits) -> None:
    """Reject a page whose visible text is past ``max_text_chars`` before the rules read it."""
    if limits.max_text_chars and chars > limits.max_text_chars:
        raise Rejected("too_large", f"the page holds {chars} characters of text, over the"
                       f" {limits.max_text_chars}-character limit (max_text_chars)")


def _clock() -> float:
    """The clock deadlines run on (looked up per deadline, so a test can skew it)."""
    return time.monotonic()


class Deadline:
    """A point in time after which cleaning one page gives up (``Rejected("timeout")``).

    ``clock`` is injectable so tests can make a page "slow" without sleeping.
    """

    __slots__ = ("seconds", "_clock", "_at")

    def __init__(self, seconds: float | None, clock: Callable[[], float] | None = None):
        self.seconds = seconds
        self._clock = clock or _clock
        self._at = None if not seconds else self._clock() + seconds

    def expired(self) -> bool:
        return self._at is not None and self._clock() > self._at

    def check(self, where: str) -> None:
        if self.expired():
            raise Rejected(
                "timeout",
                f"cleaning took longer than the {self.seconds:g} s per-page budget"
                f" (gave up in {where}); raise --page-timeout, or report the page"
                " if it is an ordinary one",
            )


_ACTIVE: ContextVar[tuple[Limits, Deadline | None]] = ContextVar(
    "winnow_page_budget", default=(DEFAULT_LIMITS, None)
)


@contextmanager
def page_budget(limits: Limits, deadline: Deadline | None) -> Iterator[None]:
    """The limits and deadline of the page being cleaned, for the current thread/context:
    the parser reads its caps, and ``check_deadline`` its deadline, from here."""
    token = _ACTIVE.set((limits, deadline))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def current_limits() -> Limits:
    """The limits of the page being cleaned (the defaults outside ``clean_page``)."""
    return _ACTIVE.get()[0]


def check_deadline(where: str) -> None:
    """Give up on the page if its time budget is spent. Cheap: call it in loops."""
    deadline = _ACTIVE.get()[1]
    if deadline is not None:
        deadline.check(where)
