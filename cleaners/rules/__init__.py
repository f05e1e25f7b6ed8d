"""All cleaning rules, registered in one place: importing this package registers them.

The order of the imports is the order rules run within a stage; the site rules
come last, as they correct the others with what the archive taught about the site.
"""

from cleaners.rules import (  # noqa: F401
    block_rules,
    boundary_rules,
    html_rules,
    line_rules,
    site_rules,
)
from cleaners.rules.base import REGISTRY, PageContext, Rule

__all__ = ["REGISTRY", "PageContext", "Rule"]
