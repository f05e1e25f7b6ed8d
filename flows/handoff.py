"""Batch results handed to the flow beside Prefect, not as its tasks' return values.

A batch task's result (a batch's records, a few MB) returned through Prefect stays
referenced by Prefect's engine after the flow has taken it and written it: measured with
Prefect 3.8, a flow of 400 tasks each returning 1 MB grew by ~190 MiB, and by ~25 MiB when
each returned a small token instead (Prefect issues #10952, #14329: its task-call
bookkeeping). Over a 100,000-page archive that was most of the flow process's memory.

So a batch task that runs in the flow's own process (a thread of its task runner: the
default, with or without the worker pool) puts its result in this process's box and
returns a ``Parcel``: the key to it. ``Collect`` wraps the task's future and takes the
result out of the box as the flow asks for it, so nothing else holds it once written. A
task that runs elsewhere (a Dask worker process) has no box open: it returns its result
as before, and ``Collect`` passes it through.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flows.run import SupportsResult


@dataclass(frozen=True, slots=True)
class Parcel:
    """What a batch task returns in place of its result: the key to it in the box."""

    key: int


_box: dict[int, Any] | None = None  # open only in the flow's process, while a run runs
_lock = threading.Lock()
_keys = itertools.count()


@contextmanager
def open_box() -> Iterator[None]:
    """Let batch tasks of this process hand their results over for the length of a run;
    whatever the run did not collect (a run that failed part way) is dropped at its end."""
    global _box
    with _lock:
        previous, _box = _box, {}
    try:
        yield
    finally:
        with _lock:
            _box = previous


def send(value: Any) -> Any:
    """In a batch task: a ``Parcel`` for ``value`` when the flow's box is open in this
    process, else ``value`` itself (a Dask worker returns it through Dask)."""
    with _lock:
        if _box is None:
            return value
        key = next(_keys)
        _box[key] = value
    return Parcel(key)


def receive(value: Any) -> Any:
    """In the flow: the result a ``Parcel`` stands for, taken out of the box."""
    if not isinstance(value, Parcel):
        return value
    with _lock:
        if _box is None or value.key not in _box:
            raise LookupError(f"no batch result under {value.key}: collected twice, or "
                              "sent outside this run")
        return _box.pop(value.key)


class Collect:
    """A batch task's future whose ``result()`` is the batch's result, not its parcel."""

    __slots__ = ("_future",)

    def __init__(self, future: SupportsResult) -> None:
        self._future = future

    def result(self) -> Any:
        return receive(self._future.result())
