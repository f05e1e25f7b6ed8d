"""All cleaning rules, registered in one place: importing this package registers them.

The order of the imports is the order rules run within a stage; the site rules
come last, as they correct the others with what the archive taught about the site.
"""

from cleaners.native import extend_path

extend_path(__path__, "rules")  # the compiled rule modules, if fresh (cleaners/native.py)

from cleaners.rules import (  # noqa: E402, F401
    block_rules,
    boundary_rules,
    html_rules,
    line_rules,
    site_rules,
)
from cleaners.rules.base import REGISTRY, PageContext, Rule  # noqa: E402

__all__ = ["REGISTRY", "PageContext", "Rule"]
