"""Profile rules: what a person wrote down about the page's site (``cleaners.profiles``).

They run only when the caller hands ``clean_page`` the site's profile
(``PageContext.profile``) and run first in their format's plan: a profile states what
the site's pages are, where the generic rules can only guess. Each block they label
carries the name of the profile key that took it, ``profile:<site>:<key>``, not the
rule's own, so ``winnow explain`` and the rule tallies say which line of which profile
file removed it.
"""

from __future__ import annotations

from cleaners.blocks import Block
from cleaners.rules.base import PageContext, rule


@rule("site_profile", stage="html")
def site_profile(blocks: list[Block], ctx: PageContext) -> None:
    """The blocks the site's profile drops (inside a ``drop_selectors`` match, or outside
    the ``story_selectors`` root) are chrome; the block that is the ``date`` or the
    ``author`` it places is metadata (the record carries it). The HTML front end found them
    (``cleaners.html.profile_cut``) and cut them from the tree before the extractors
    voted; each is labelled ``profile:<site>:<key>``."""
    if ctx.profile is None:
        return
    for b in blocks:
        if b.undecided and b.markup is not None and b.markup.profile:
            key, note = b.markup.profile
            label = "meta" if key in ("date", "author") else "chrome"
            b.mark(label, ctx.profile.rule_name(key), note)


@rule("profile_lines", stage="block")
def profile_lines(blocks: list[Block], ctx: PageContext) -> None:
    """A line one of the site profile's ``drop_lines`` patterns finds (``re.search``) is
    chrome, labelled ``profile:<site>:drop_lines``."""
    if ctx.profile is None or not ctx.profile.drop_lines:
        return
    patterns = ctx.profile.line_patterns()
    name = ctx.profile.rule_name("drop_lines")
    for b in blocks:
        if not b.undecided or not b.text:
            continue
        for p in patterns:
            if p.search(b.text):
                b.mark("chrome", name, f"matches {p.pattern!r}")
                break
