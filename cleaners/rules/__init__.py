"""All cleaning rules, registered in one place: importing this package registers them.

The order of the imports is the order rules run within a stage.
"""

from cleaners.rules import block_rules, boundary_rules, html_rules, line_rules  # noqa: F401
from cleaners.rules.base import REGISTRY, PageContext, Rule

__all__ = ["REGISTRY", "PageContext", "Rule"]
