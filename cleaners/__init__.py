"""Winnow's cleaning: pure functions, no orchestration. One page, one call: ``clean_page``."""

from cleaners.native import extend_path

extend_path(__path__)  # the compiled text path, if built from these sources (native.py)

from cleaners.errors import REJECT_REASONS, Rejected  # noqa: E402
from cleaners.limits import DEFAULT_LIMITS, Deadline, Limits  # noqa: E402
from cleaners.page import PageAnalysis, analyse_page, clean_page  # noqa: E402

__all__ = ["DEFAULT_LIMITS", "REJECT_REASONS", "Deadline", "Limits", "PageAnalysis",
           "Rejected", "analyse_page", "clean_page"]
