"""Winnow's cleaning: pure functions, no orchestration. One page, one call: ``clean_page``.

This module is the package's public face: ``flows/``, ``bench/`` and users import from
here, never from the modules behind it, so the stages inside can move without them.
"""

from cleaners.native import extend_path

extend_path(__path__)  # the compiled text path, if built from these sources (native.py)

from cleaners.blocks import DROPPED, Block  # noqa: E402
from cleaners.errors import REJECT_REASONS, Rejected  # noqa: E402
from cleaners.limits import DEFAULT_LIMITS, Deadline, Limits  # noqa: E402
from cleaners.page import (  # noqa: E402
    PageAnalysis,
    analyse_page,
    clean_page,
    page_line_hashes,
    page_lines,
)
from cleaners.profile_draft import decoded, draft_profile  # noqa: E402
from cleaners.profiles import ProfileError, SiteProfile, profile_from_toml  # noqa: E402
from cleaners.rules.plan import PLAN, describe_plan  # noqa: E402
from cleaners.sitestats import (  # noqa: E402
    CAPACITY,
    LineCounter,
    SiteChrome,
    SiteLineStats,
    line_key,
)
from cleaners.tally import RuleTally  # noqa: E402
from cleaners.version import PIPELINE_VERSION  # noqa: E402

__all__ = [
    "CAPACITY", "DEFAULT_LIMITS", "DROPPED", "PIPELINE_VERSION", "PLAN", "REJECT_REASONS",
    "Block", "Deadline", "LineCounter", "Limits", "PageAnalysis", "Rejected", "RuleTally",
    "SiteChrome", "SiteLineStats", "analyse_page", "clean_page", "describe_plan", "line_key",
    "page_line_hashes", "page_lines",
    "ProfileError", "SiteProfile", "decoded", "draft_profile", "profile_from_toml",
]
