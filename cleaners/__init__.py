"""Winnow's cleaning: pure functions, no orchestration. One page, one call: ``clean_page``."""

from cleaners.errors import REJECT_REASONS, Rejected
from cleaners.limits import DEFAULT_LIMITS, Deadline, Limits
from cleaners.page import PageAnalysis, analyse_page, clean_page

__all__ = ["DEFAULT_LIMITS", "REJECT_REASONS", "Deadline", "Limits", "PageAnalysis",
           "Rejected", "analyse_page", "clean_page"]
