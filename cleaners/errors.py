"""The one exception a page may end in: a reject with a reason from the fixed vocabulary."""

from __future__ import annotations

from typing import get_args

from schemas.models import RejectReason

REJECT_REASONS: tuple[str, ...] = get_args(RejectReason)


class Rejected(Exception):  # noqa: N818 - the name reads as the outcome it is
    """A page that cannot become an article. ``reason`` is one of ``REJECT_REASONS``;
    ``detail`` tells a person what was wrong and where, so they can act on it."""

    def __init__(self, reason: str, detail: str) -> None:
        if reason not in REJECT_REASONS:
            raise ValueError(f"unknown reject reason {reason!r}")
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.analysis: object | None = None  # the page's analysis, where cleaning got that far
