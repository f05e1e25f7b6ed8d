"""Winnow's cleaning: pure functions, no orchestration. One page, one call: ``clean_page``."""

from cleaners.errors import REJECT_REASONS, Rejected
from cleaners.page import PageAnalysis, analyse_page, clean_page

__all__ = ["REJECT_REASONS", "PageAnalysis", "Rejected", "analyse_page", "clean_page"]
