"""Batch functions for a worker pool that die like a crash in native code would: the
process ends at once (``os._exit``), with no exception to catch, when its batch holds a
page whose name says ``poison``. Module functions, so a pool's processes import them."""

from __future__ import annotations

import os

from cleaners import Limits
from flows.batch import BatchResult, PageJob, clean_batch, learn_batch
from flows.sitestats_store import PageLines


def _die_on_poison(jobs: list[PageJob]) -> None:
    if any("poison" in job.page.source_path for job in jobs):
        os._exit(3)


def clean_or_die(jobs: list[PageJob], part: int, limits: Limits | None) -> BatchResult:
    _die_on_poison(jobs)
    return clean_batch(jobs, part, limits=limits)


def learn_or_die(jobs: list[PageJob], limits: Limits | None) -> list[PageLines]:
    _die_on_poison(jobs)
    return learn_batch(jobs, limits=limits)
