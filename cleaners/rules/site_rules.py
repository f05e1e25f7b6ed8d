"""Site rules: what the archive taught about the page's site (``cleaners.sitestats``).

They run only when the caller hands ``clean_page`` the site's learned chrome
(``PageContext.site_chrome``); a page cleaned on its own never meets them. They
run last in their format's plan (``site_template`` aside: it labels the blocks the
HTML front end cut, first), so they correct a decision the page
alone could not make, and each correction carries their name:

- ``site_recurring`` (text) and ``site_recurring_html``: a line the site prints on
  many of its pages is chrome, also where the page's rules took it for story
  (a promo line after the story, a poll's "thank you", "Related links:"). On HTML
  such blocks are also cut from the tree before the extractors vote
  (``cleaners.html.template``), so a teaser list the whole site prints cannot pull
  their choice of story; ``site_template`` labels them, first in the HTML plan. The site's template
  also marks where the story ends: a part of the body that several template lines
  (a rating form, a teaser list's dates and buttons) separate from the larger story
  before it is a teaser the page's rules took for story, and goes.

Story text is guarded: a recurring line *inside* the story (between its own
paragraphs: a standard sign-off, a disclaimer, a quote two stories share) stays;
a long prose paragraph at the story's edge stays unless most of the site's pages
print it; one template line inside the story (an ad slot) does not end it, nor
does what comes before the story's largest part (a lead above the share buttons);
and a story made only of recurring lines (a repost) is left whole:
that is a duplicate, which ``flows/linking.py`` marks, not chrome.
"""

from __future__ import annotations

from cleaners.blocks import Block, content_blocks
from cleaners.rules.base import PageContext, rule
from cleaners.sitestats import (
    PROSE_SHARE,
    SiteChrome,
    block_hash,
    long_prose,
    recurring,
    seen_note,
)

# This many of the site's template lines (not story) standing between two parts of the body
# end the story: a teaser list or a comment form, not an ad slot or a photo credit.
END_GAP = 3


def _removable(block: Block, chrome: SiteChrome) -> bool:
    """A recurring block at the story's edge that may go: not a long prose paragraph that
    only some of the site's pages print (a standing disclaimer the story carries)."""
    h = block_hash(block)
    if h is None or h not in chrome:
        return False
    return not long_prose(block) or chrome.share(h) >= PROSE_SHARE


def _trim_edges(blocks: list[Block], chrome: SiteChrome, rule_name: str) -> None:
    """Drop recurring blocks at the start and end of the story, never all of it."""
    body = [b for b in blocks if b.label == "body"]
    if not body:
        return
    lo = 0
    while lo < len(body) and _removable(body[lo], chrome):
        lo += 1
    if lo == len(body):
        return  # every line recurs: a repost of a story, not chrome
    hi = len(body)
    while hi > lo and _removable(body[hi - 1], chrome):
        hi -= 1
    for b in body[:lo] + body[hi:]:
        b.mark("chrome", rule_name, seen_note(b, chrome))


def _story_weight(part: list[Block]) -> tuple[int, int]:
    """How surely a part of the body is the story, by the page's own evidence first: the text
    both extractors kept (HTML), then its whole text. Cutting the template from the tree
    can turn a teaser list into prose one extractor keeps, longer than the story both
    agreed on: the learned template must not make that list the story."""
    agreed = sum(len(b.text) for b in part if b.markup is not None and b.markup.votes >= 2)
    return agreed, sum(len(b.text) for b in part)


def _cut_after_story_end(blocks: list[Block], chrome: SiteChrome, rule_name: str) -> None:
    """Body after the story's end goes: where ``END_GAP`` or more of the site's template
    lines stand between two parts of the body, the story has ended, and a part after the story
    (the part both extractors kept most of, else the largest) is a teaser the page's rules
    took for story."""
    parts: list[list[Block]] = [[]]
    gap = 0
    for b in blocks:
        if not b.text or b.container:
            continue
        if b.label == "body":
            if gap >= END_GAP and parts[-1]:
                parts.append([])
            parts[-1].append(b)
            gap = 0
        elif recurring(b, chrome):
            gap += 1
    if len(parts) < 2:
        return
    weights = [_story_weight(part) for part in parts]
    main = max(range(len(parts)), key=weights.__getitem__)
    for part in parts[main + 1:]:
        for b in part:
            b.mark("chrome", rule_name, f"after the story's end: {END_GAP}+ lines of the "
                   f"template of {chrome.site} stand between it and the story")


@rule("site_recurring", stage="boundary")
def site_recurring(blocks: list[Block], ctx: PageContext) -> None:
    """A line printed on many pages of the page's site (learned from the archive) is chrome:
    at the story's edges, and outside it; inside the story it stays, and a story made only
    of recurring lines (a repost) stays whole."""
    chrome = ctx.site_chrome
    if not chrome:
        return
    for b in content_blocks(blocks):
        if b.undecided and recurring(b, chrome):
            b.mark("chrome", "site_recurring", seen_note(b, chrome))
    _trim_edges(blocks, chrome, "site_recurring")
    _cut_after_story_end(blocks, chrome, "site_recurring")


@rule("site_template", stage="html")
def site_template(blocks: list[Block], ctx: PageContext) -> None:
    """The blocks of the site's template (printed on many of its pages, learned from the
    archive) are chrome. The HTML front end found them (``cleaners.html.template``) and
    cut them from the tree before the extractors voted, so a teaser list the whole site
    prints could not pull their choice of story; this rule labels them, before any other."""
    for b in blocks:
        if b.undecided and b.markup is not None and b.markup.template:
            b.mark("chrome", "site_template", b.markup.template)


@rule("site_recurring_html", stage="html")
def site_recurring_html(blocks: list[Block], ctx: PageContext) -> None:
    """A block printed on many pages of the page's site (learned from the archive) is chrome:
    it is cut from the tree before the extractors vote (``site_template``), and trimmed
    from the story's edges after; inside the story it stays, and a story made only of
    recurring blocks (a repost) stays whole."""
    chrome = ctx.site_chrome
    if chrome:
        _trim_edges(blocks, chrome, "site_recurring_html")
        _cut_after_story_end(blocks, chrome, "site_recurring_html")
