"""The story's own date, read off the blocks around its headline; never another story's.

Where the page's markup names no date (``PageMeta.published``), the date is the one
printed beside the headline. What counts as a date line depends on the evidence the
front end gave: on an HTML page any block outside chrome containers and link lists near
the headline may hold it; on a text page, where a teaser's date looks like the story's,
only a line the rules marked as a date line (``timestamp_only``, ``dateline_date``) does.
"""

from __future__ import annotations

from cleaners.blocks import Block
from cleaners.html.meta import iso_date, title_key
from cleaners.words.dates import find_dates

# a date may be taken from at most this many blocks away from the story
DATE_WINDOW = 8
# on an HTML page, the blocks above the headline a date line may stand in
MARKUP_DATE_WINDOW = 6
# rules whose lines are other stories': their dates are never this story's
FOREIGN_DATE_RULES = frozenset({"headline_list", "menu_run", "outside_body"})
DATE_LINE_RULES = ("timestamp_only", "dateline_date")
STORY_DATE_LINES = 3  # the story's first lines a date line may stand in (the third if short)
SHORT_DATE_LINE = 20  # words: a date-and-byline line, even in a container or under links
LONG_BLOCK = 300  # characters: a paragraph, not a date line (outside the story's first lines)


def story_date(blocks: list[Block], span: tuple[int, int] | None, markup: bool,
               headline_key: str = "") -> str | None:
    """The story's date from its date line, or None. ``span``: the story's first and last
    block (text pages); ``markup``: the blocks carry the HTML markup's evidence;
    ``headline_key``: the markup's headline (``title_key``), where it chose one."""
    if markup:
        return _markup_date(blocks, headline_key)
    if span is None or not any(b.label == "body" for b in blocks):
        return None
    return _text_date(blocks, span)


def _first_date(b: Block, chars: int | None = None) -> str | None:
    found = find_dates(b.text if chars is None else b.text[:chars])
    return found[0].iso if found else None


def _text_date(blocks: list[Block], span: tuple[int, int]) -> str | None:
    """A date line between the title and the body, else one right after the body (before
    any list starts), else one above the title; never a date from a headline list."""
    start, end = span
    if iso := _under_title(blocks, start):
        return iso
    before = [b for b in blocks[:start] if b.text][-DATE_WINDOW:]
    for b in reversed(before):
        if b.label == "title":
            break
        if b.rule in DATE_LINE_RULES and (iso := _first_date(b)):
            return iso
    seen = 0
    for b in blocks[end + 1:]:
        if not b.text:
            continue
        if b.label != "meta":
            seen += 1
        if seen > DATE_WINDOW or b.rule in FOREIGN_DATE_RULES or b.rule == "list_header":
            break
        if b.rule == "timestamp_only" and (iso := _first_date(b)):
            return iso
    for b in reversed(before):  # a title-adjacent date line may also stand above the title
        if b.rule in FOREIGN_DATE_RULES:
            break
        if b.rule in DATE_LINE_RULES and (iso := _first_date(b)):
            return iso
    return None


TITLE_DATE_LINES = 3  # the lines right under a text page's title a date line may stand in
TITLE_DATE_WORDS = 12  # words: a date-and-byline line, not a teaser


def _under_title(blocks: list[Block], start: int) -> str | None:
    """A short line with a date among the first lines right under the title ("Last
    updated: Dec 4, 2025", "Tom Talbot October 14, 2025"), before the story starts,
    whatever rule dropped it (a menu run takes a lone date line for one of its items)."""
    title = next((b.index for b in blocks[:start] if b.label == "title"), None)
    if title is None:
        return None
    seen = 0
    for b in blocks[title + 1:start]:
        if not b.text:
            continue
        seen += 1
        if seen > TITLE_DATE_LINES or b.rule == "headline_list":
            break
        if len(b.text.split()) <= TITLE_DATE_WORDS and (iso := _first_date(b)):
            return iso
    return None


def _markup_date(blocks: list[Block], headline_key: str = "") -> str | None:
    """A date between the headline and the first story block, else just above the headline,
    else in the story's first lines; never from a link list, a chrome container or a
    block as long as a paragraph (outside the story). A short line beside the headline
    counts even inside a container or under links: a date-and-byline bar ("May 18, 2023 By
    Jane Doe", an <aside> or a share bar holding the date) is not a sidebar. A block's
    <time datetime> (``Markup.datetime``) is read before its text. The headline linked to
    the story's own address with its date ("Dec 18 2025 Preparing a transition") is the
    story's header, not a link list, where no block is the headline alone. Where the
    headline block is a link (a bar at the top of the page pointing to the story) and the
    headline is printed again nearer the story, the dates around that copy come first."""
    title = next((b.index for b in blocks if b.label == "title"), None)
    first = next((b.index for b in blocks if b.label == "body"), None)
    if first is None:
        return None
    anchor = title if title is not None and title < first else first
    anchors = [anchor]
    if anchor == title and blocks[title].link_density > 0.5:
        nearer = next((i for i in range(first - 1, title, -1)
                       if blocks[i].rule == "headline" and blocks[i].link_density <= 0.5), None)
        anchors = [anchors[0]] if nearer is None else [nearer, title]
    for a in anchors:
        if iso := _date_near(blocks, a, first, a != first, headline_key):
            return iso
    return None


def _date_near(blocks: list[Block], anchor: int, first: int, is_title: bool,
               headline_key: str) -> str | None:
    """The first date of the zones around ``anchor`` (``_markup_date``), or None."""
    zones = (
        (range(anchor + 1, first), "under"),
        (range(anchor - 1, max(-1, anchor - MARKUP_DATE_WINDOW), -1), "above"),
        (range(first, min(len(blocks), first + STORY_DATE_LINES)), "story"),
    )
    headline = blocks[anchor].text.strip() if is_title else ""
    for rng, zone in zones:
        for i in rng:
            b = blocks[i]
            if not (_date_may_stand(b, zone, i - first) or _header_box(b, zone, headline)
                    or _linked_headline(b, zone, headline_key)):
                continue
            if b.markup is not None and (iso := iso_date(b.markup.datetime)):
                return iso
            if iso := _first_date(b, 200):
                return iso
    return None


def _date_may_stand(b: Block, zone: str, into_story: int) -> bool:
    """Whether block ``b`` of a zone (``_markup_date``) may hold the story's date."""
    short = len(b.text.split()) <= SHORT_DATE_LINE
    if b.container and not (short and zone != "story"):
        return False
    if (b.link_density > 0.5 or b.rule == "link_block") and not (short and zone == "under"):
        return False
    if zone == "story":
        return into_story < 2 or len(b.text) <= LONG_BLOCK
    return len(b.text) <= LONG_BLOCK


HEADER_BOX = 600  # characters: an article's header box (headline, byline, date), not a sidebar


def _header_box(b: Block, zone: str, headline: str) -> bool:
    """Whether ``b`` is the article's header under the headline: a container that starts
    with the headline again, then its byline and date ("8 Cloud Providers Compared Jane Doe
    Published on Oct 21, 2025"), however many words its byline bar adds."""
    return zone == "under" and len(headline) >= 10 and len(b.text) <= HEADER_BOX and \
        b.text.startswith(headline)


def _linked_headline(b: Block, zone: str, headline_key: str) -> bool:
    """Whether ``b``, beside the story, is its headline with the date, however linked: a
    short block whose words hold the markup's headline."""
    return zone != "story" and len(headline_key) >= 10 and len(b.text) <= LONG_BLOCK and \
        headline_key in title_key(b.text)
