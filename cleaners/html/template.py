"""The site's template, cut from the tree before the extractors vote.

With the lines learned as chrome on the page's site (``cleaners.sitestats``), the blocks
the site prints on many of its pages are found here and their elements dropped from the
tree, as chrome containers are: a teaser list or a promo line the extractors cannot see
cannot pull their story off course. The blocks keep a note of why (``Markup.template``)
and the ``site_template`` rule labels them.
"""

from __future__ import annotations

from cleaners.blocks import Block
from cleaners.html.tree import DomBlock, fold, text_key
from cleaners.sitestats import (
    PROSE_SHARE,
    SiteChrome,
    block_hash,
    long_prose,
    recurring,
    seen_note,
)


def template_blocks(blocks: list[Block], chrome: SiteChrome, keep: str | None) -> list[int]:
    """The indices of the blocks the site prints on many pages, each given its note. Prose
    is spared when the page's recurring blocks hold most of its prose (a repost of a story
    is a duplicate, not chrome), and a long paragraph only some of the site's pages print
    stays for the rules to judge, and so does the block whose ``text_key`` is ``keep``
    (the page's headline)."""
    found = [b for b in blocks if not b.container and b.text
             and recurring(b, chrome) and (keep is None or text_key(b.text) != keep)]
    if not found:
        return []
    all_prose = sum(len(b.text) for b in blocks if not b.container and long_prose(b))
    spare_prose = sum(len(b.text) for b in found if long_prose(b)) > 0.5 * all_prose
    out = []
    for b in found:
        if long_prose(b) and (spare_prose or chrome.share(block_hash(b) or 0) < PROSE_SHARE):
            continue
        if b.markup is not None:
            b.markup.template = seen_note(b, chrome)
        out.append(b.index)
    return out


def cut_template(dblocks: list[DomBlock], blocks: list[Block], chrome: SiteChrome,
                 title: str | None) -> None:
    """Drop the elements of the site's template blocks from the tree (only an element that
    holds nothing but the recurring text); the headline is the page's own, however
    common."""
    keep = text_key(title) if title else None
    for i in template_blocks(blocks, chrome, keep):
        el = dblocks[i].element
        if el.getparent() is not None and fold(el.text_content()) == blocks[i].text:
            el.drop_tree()
