"""The run's body (``flows.run.execute``) with each batch cleaned on the spot, in this
thread: what tests of the run's own logic (selection, state, manifest, summary) use where
Prefect and worker pools add nothing but time."""

from __future__ import annotations

import logging
from pathlib import Path

from cleaners import Limits
from flows.batch import clean_batch
from flows.run import RunRequest, execute
from flows.summary import RunSummary

log = logging.getLogger("test")


class Done:
    """A batch's result as a task runner's future gives it."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def inline_run(raw: str | Path, out: str | Path, *, limits: Limits | None = None,
               **request: object) -> RunSummary:
    """One run over ``raw`` into ``out``; ``request``: the other ``RunRequest`` fields."""
    return execute(RunRequest(raw=str(raw), out=str(out), **request),  # type: ignore[arg-type]
                   submit=lambda jobs, part: Done(clean_batch(jobs, part, limits=limits)),
                   logger=log)
