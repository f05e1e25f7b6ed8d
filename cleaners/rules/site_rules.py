"""Site rules: what the archive taught about the page's site (``cleaners.sitestats``).

They run only when the caller hands ``clean_page`` the site's learned chrome
(``PageContext.site_chrome``); a page cleaned on its own never meets them. They
run after every other rule of their stage, so they correct a decision the page
alone could not make, and each correction carries their name:

- ``site_recurring`` (text) and ``site_recurring_html``: a line the site prints on
  many of its pages is chrome, also where the page's rules took it for story
  (a promo line after the story, a poll's "thank you", "Related links:"). On HTML
  such blocks are also cut from the tree before the extractors vote, so a teaser
  list the whole site prints cannot pull their choice of story. The site's template
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
from cleaners.html.tree import text_key
from cleaners.rules.base import PageContext, rule
from cleaners.sitestats import SiteChrome, line_hash
from cleaners.words.features import ends_sentence

PROSE_CHARS = 80  # a paragraph this long that ends a sentence is prose
PROSE_SHARE = 0.5  # ...and goes from the story's edge only if this share of pages print it
# This many of the site's template lines (not story) standing between two parts of the body
# end the story: a teaser list or a comment form, not an ad slot or a photo credit.
END_GAP = 3


def _hash(block: Block) -> int | None:
    h = block.extra.get("line_hash")
    if h is None and "line_hash" not in block.extra:
        h = block.extra["line_hash"] = line_hash(block.text)
    return h  # type: ignore[return-value]


def _recurring(block: Block, chrome: SiteChrome) -> bool:
    h = _hash(block)
    return h is not None and h in chrome


def _seen(block: Block, chrome: SiteChrome) -> str:
    """What the rule saw, for ``winnow explain``."""
    seen = chrome.pages_with(_hash(block) or 0)
    return f"printed on {seen} of {chrome.pages} pages of {chrome.site}"


def _long_prose(block: Block) -> bool:
    """A paragraph of sentences (by length and punctuation, not stoplists: a disclaimer in a
    language without one is prose too)."""
    return len(block.text) >= PROSE_CHARS and ends_sentence(block.text)


def _removable(block: Block, chrome: SiteChrome) -> bool:
    """A recurring block at the story's edge that may go: not a long prose paragraph that
    only some of the site's pages print (a standing disclaimer the story carries)."""
    h = _hash(block)
    if h is None or h not in chrome:
        return False
    return not _long_prose(block) or chrome.share(h) >= PROSE_SHARE


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
        b.mark("chrome", rule_name, _seen(b, chrome))


def _cut_after_story_end(blocks: list[Block], chrome: SiteChrome, rule_name: str) -> None:
    """Body after the story's end goes: where ``END_GAP`` or more of the site's template
    lines stand between two parts of the body, the story has ended, and a smaller part
    after its largest one is a teaser the page's rules took for story."""
    parts: list[list[Block]] = [[]]
    gap = 0
    for b in blocks:
        if not b.text or "container" in b.extra:
            continue
        if b.label == "body":
            if gap >= END_GAP and parts[-1]:
                parts.append([])
            parts[-1].append(b)
            gap = 0
        elif _recurring(b, chrome):
            gap += 1
    if len(parts) < 2:
        return
    sizes = [sum(len(b.text) for b in part) for part in parts]
    main = max(range(len(parts)), key=sizes.__getitem__)
    for part in parts[main + 1:]:
        for b in part:
            b.mark("chrome", rule_name, f"after the story's end: {END_GAP}+ lines of the "
                   f"template of {chrome.site} stand between it and the story")


@rule("site_recurring", stage="boundary", formats=("text",))
def site_recurring(blocks: list[Block], ctx: PageContext) -> None:
    """A line printed on many pages of the page's site (learned from the archive) is chrome:
    at the story's edges, and outside it; inside the story it stays, and a story made only
    of recurring lines (a repost) stays whole."""
    chrome = ctx.site_chrome
    if not chrome:
        return
    for b in content_blocks(blocks):
        if b.undecided and _recurring(b, chrome):
            b.mark("chrome", "site_recurring", _seen(b, chrome))
    _trim_edges(blocks, chrome, "site_recurring")
    _cut_after_story_end(blocks, chrome, "site_recurring")


def mark_site_template(blocks: list[Block], chrome: SiteChrome, *,
                       keep: str | None = None) -> list[int]:
    """Mark the HTML blocks the site prints on many pages as chrome (``site_recurring_html``)
    before any other rule, and return their indices: the front end then cuts them from the
    tree the extractors read. Prose is spared when the page's recurring blocks hold most of
    its prose (a repost of a story is a duplicate, not chrome), and a long paragraph only
    some of the site's pages print stays for the rules to judge, and so does the block
    whose ``text_key`` is ``keep`` (the page's headline)."""
    found = [b for b in blocks if "container" not in b.extra and b.text
             and _recurring(b, chrome) and (keep is None or text_key(b.text) != keep)]
    if not found:
        return []

    def prose(b: Block) -> bool:
        return len(b.text) >= PROSE_CHARS and ends_sentence(b.text)

    all_prose = sum(len(b.text) for b in blocks if "container" not in b.extra and prose(b))
    found_prose = sum(len(b.text) for b in found if prose(b))
    spare_prose = found_prose > 0.5 * all_prose
    out = []
    for b in found:
        h = _hash(b) or 0
        if prose(b) and (spare_prose or chrome.share(h) < PROSE_SHARE):
            continue
        b.mark("chrome", "site_recurring_html", _seen(b, chrome))
        out.append(b.index)
    return out


@rule("site_recurring_html", stage="html", formats=("html",))
def site_recurring_html(blocks: list[Block], ctx: PageContext) -> None:
    """A block printed on many pages of the page's site (learned from the archive) is chrome:
    it is cut from the tree before the extractors vote (``mark_site_template``), and trimmed
    from the story's edges after; inside the story it stays, and a story made only of
    recurring blocks (a repost) stays whole."""
    chrome = ctx.site_chrome
    if chrome:
        _trim_edges(blocks, chrome, "site_recurring_html")
        _cut_after_story_end(blocks, chrome, "site_recurring_html")
