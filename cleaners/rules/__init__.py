"""All cleaning rules, registered in one place: importing this package registers them.

Which rules run on a page of each format, and in which order, is the plan
(``cleaners/rules/plan.py``), not the order of these imports.
"""

from cleaners.native import extend_path

extend_path(__path__, "rules")  # the compiled rule modules, if fresh (cleaners/native.py)

from cleaners.rules import (  # noqa: E402, F401
    block_rules,
    boundary_rules,
    comment_rules,
    html_rules,
    line_rules,
    profile_rules,
    site_rules,
)
from cleaners.rules.base import REGISTRY, PageContext, Rule  # noqa: E402

__all__ = ["REGISTRY", "PageContext", "Rule"]
