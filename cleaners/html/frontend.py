"""The HTML front end: one parse, the markup's metadata, and DOM blocks carrying the
markup's evidence.

    page -> lxml tree (once) -> metadata from the markup, the headline chosen from it
         -> DOM blocks (every paragraph of the page, with tag, link density, hints)
         -> chrome containers and the site's template cut from the tree
         -> trafilatura and a second voter on it -> each block's votes (``html.votes``)

It labels nothing: the rules do that (``cleaners.engine`` runs the HTML plan), so every
block the article leaves out carries the name of the rule that dropped it.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from cleaners.blocks import Block, Markup
from cleaners.html.meta import (
    TITLE_CLASS,
    add_heading,
    choose_title,
    harvest,
    title_key,
)
from cleaners.html.profile_cut import (
    cut_profile,
    profile_authors,
    profile_date,
    profile_notes,
)
from cleaners.html.template import cut_template
from cleaners.html.tree import DomBlock, dom_blocks, fold, parse_html, strip_code
from cleaners.html.votes import vote
from cleaners.limits import check_deadline, check_text_size, current_limits
from cleaners.markup import WEAK_TITLES, PageMarkup, PageMeta
from cleaners.profiles import SiteProfile
from cleaners.sitestats import SiteChrome

EXTRACTOR = "winnow-html"
PROMINENT_MAX_CHARS = 300


_STRESS_TAGS = frozenset({"b", "strong", "big", "font", "span", "em", "u"})
_STRESS_STYLE = re.compile(r"font-size|font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)


def _prominent(d: DomBlock) -> bool:
    """Whether the markup sets this block off as a headline: a heading tag, a title class,
    or all its text inside one bold, enlarged or styled inline element."""
    if d.heading:
        return True
    el = d.element
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if attrs.strip() and TITLE_CLASS.search(attrs):
        return True
    for inner in el.iterdescendants(*_STRESS_TAGS):
        if fold(inner.text_content()) != d.text:
            continue
        if inner.tag in ("b", "strong", "big") or (inner.tag == "font" and inner.get("size")):
            return True
        if _STRESS_STYLE.search(inner.get("style") or "") or TITLE_CLASS.search(
                (inner.get("class") or "").lower()):
            return True
    return False


def _to_blocks(dblocks: list[DomBlock]) -> list[Block]:
    return [Block(index=i, text=d.text, raw=d.text, tag=d.tag,
                  link_density=d.link_chars / max(1, len(d.text)), hints=d.hints,
                  blank_before=True,
                  markup=Markup(container=d.container or "", images=list(d.images),
                                ancestors=() if d.container else
                                (d.element, *d.element.iterancestors())))
            for i, d in enumerate(dblocks)]


# an hAtom / microformats2 published date states its machine date in ``title``
# (<abbr class="published" title="2012-01-11T18:02:36Z">Wednesday, 01.11.12</abbr>)
# (one walk of the tree, in document order: a union of three // paths walked it three
# times and sorted the union)
_MACHINE_DATES = etree.XPath(
    "//*[self::time and @datetime or @itemprop='datePublished' or @itemprop='dateCreated'"
    " or @title and (contains(concat(' ', normalize-space(@class), ' '), ' published ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' dt-published '))]")


def _machine_dates(tree, dblocks: list[DomBlock]) -> dict[int, str]:
    """{block: the machine date of the first <time datetime> (or itemprop datePublished, or
    a microformat's class="published" title)
    whose nearest block-making ancestor is the block's element}: a date line's date as the
    markup states it, its time and offset with it."""
    owner: dict[object, int] = {}
    for i, d in enumerate(dblocks):
        owner.setdefault(d.element, i)
    found: dict[int, str] = {}
    for el in _MACHINE_DATES(tree):
        value = el.get("datetime") if el.tag == "time" else (
            el.get("content") or el.get("datetime") or el.get("title"))
        up = el
        while up is not None and up not in owner:
            up = up.getparent()
        if value and up is not None:
            found.setdefault(owner[up], value.strip())
    return found


def _headline(tree_meta: PageMeta, dblocks: list[DomBlock],
              containers: list) -> tuple[str | None, str]:
    """The story's headline from the markup's candidates, the page's headings among them
    (a headline inside a banner <header> container still counts)."""
    for d in dblocks:
        if not d.container:
            el = d.element
            attrs = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
            add_heading(tree_meta, d.text, d.tag, attrs.strip())
    for el, _reason in containers:
        for h in el.iter("h1"):
            add_heading(tree_meta, fold(h.text_content()), "h1", "")
    return choose_title(tree_meta, [d.text for d in dblocks if not d.container][:400])


def _evidence(dblocks: list[DomBlock], blocks: list[Block], weak_title: bool) -> None:
    """Features for the blocks an extractor kept or that stand beside an image (the rules
    read no others), and, when the markup's headline is weak, which blocks the markup
    sets off as headlines."""
    for b in blocks:
        if not b.container and (b.votes or b.markup is not None and b.markup.images):
            b.compute_features()
    if not weak_title:
        return
    for d, b in zip(dblocks, blocks, strict=True):
        if not d.container and len(b.text) <= PROMINENT_MAX_CHARS and _prominent(d) \
                and b.markup is not None:
            b.markup.prominent = True


def _as_parsed(html: str) -> HtmlElement | None:
    """The page's tree as the voters first see it (code stripped, nothing cut), parsed
    anew: copying every page's tree in case one needs it costs more than this does on the
    few that do (``votes.FALLBACK_SHARE``)."""
    tree = parse_html(html)
    if tree is not None:
        strip_code(tree)
    return tree


def html_to_blocks(html: str, *, url: str | None = None, site_chrome: SiteChrome | None = None,
                   profile: SiteProfile | None = None
                   ) -> tuple[list[Block], PageMarkup | None]:
    """The blocks of one decoded HTML page with the markup's evidence on them, and what
    the markup says of the page (None when the page does not parse). ``site_chrome``: the
    lines learned as chrome on the page's site, cut before the extractors vote; so are the
    blocks the site's ``profile`` drops (``html.profile_cut``)."""
    tree = parse_html(html)
    if tree is None:
        return [], None
    check_deadline("parsing the HTML")
    meta = harvest(tree)
    markup = PageMarkup(meta)
    if profile is not None:
        markup.profile_date = profile_date(tree, profile)
        markup.profile_authors = profile_authors(tree, profile)
    strip_code(tree)
    dblocks, containers = dom_blocks(tree)
    check_text_size(sum(len(d.text) for d in dblocks), current_limits())
    check_deadline("building blocks")
    title, why = _headline(meta, dblocks, containers)
    dates = _machine_dates(tree, dblocks)
    notes = profile_notes(tree, dblocks, profile) if profile is not None else {}
    for el, _reason in containers:
        if el.getparent() is not None:
            el.drop_tree()
    blocks = _to_blocks(dblocks)
    for i, value in dates.items():
        if (m := blocks[i].markup) is not None:
            m.datetime = value
    if notes:
        cut_profile(dblocks, blocks, notes)
    if site_chrome:
        cut_template(dblocks, blocks, site_chrome, title)
    vote(tree, dblocks, blocks, url, lambda: _as_parsed(html))
    _evidence(dblocks, blocks, why in WEAK_TITLES)
    markup.title, markup.title_why = title, why
    markup.title_key = title_key(title) if title else ""
    return blocks, markup


def html_lines(html: str) -> list[str]:
    """The texts of the page's DOM blocks, as ``html_to_blocks`` makes them, without running
    the extractors: what a site-learning pass counts (``cleaners.sitestats``)."""
    tree = parse_html(html)
    if tree is None:
        return []
    strip_code(tree)
    dblocks, _containers = dom_blocks(tree)
    return [d.text for d in dblocks if d.text]
