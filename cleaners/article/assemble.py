"""From labelled blocks to an ``Article``: the story's paragraphs and the metadata the
rules lifted out of chrome on the way."""

from __future__ import annotations

from cleaners.article.model import Article
from cleaners.blocks import Block
from cleaners.rules.base import PageContext
from cleaners.rules.boundary_rules import agency_from_dateline
from cleaners.words.dates import find_dates

# a date may be taken from at most this many lines away from the body
DATE_WINDOW = 8
# rules whose lines are other stories': their dates are never this story's
FOREIGN_DATE_RULES = frozenset({"headline_list", "menu_run", "outside_body"})


def _published(blocks: list[Block], span: tuple[int, int]) -> str | None:
    """The story's own date: a date line between the title and the body, else one right
    after the body (before any list starts). Never a date from a headline list."""
    start, end = span
    before = [b for b in blocks[:start] if b.text][-DATE_WINDOW:]
    for b in reversed(before):
        if b.label == "title":
            break
        if b.rule in ("timestamp_only", "dateline_date") and (found := find_dates(b.text)):
            return found[0].iso
    seen = 0
    for b in blocks[end + 1:]:
        if not b.text:
            continue
        if b.label != "meta":
            seen += 1
        if seen > DATE_WINDOW or b.rule in FOREIGN_DATE_RULES or b.rule == "list_header":
            break
        if b.rule == "timestamp_only" and (found := find_dates(b.text)):
            return found[0].iso
    # a title-adjacent date may also stand above the title
    for b in reversed(before):
        if b.rule in FOREIGN_DATE_RULES:
            break
        if b.rule == "timestamp_only" and (found := find_dates(b.text)):
            return found[0].iso
    return None


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def build_article(blocks: list[Block], ctx: PageContext, extractor: str) -> Article:
    """Collect the body paragraphs and the metadata the rules recorded."""
    body = [b.text for b in blocks if b.label == "body"]
    art = Article(paragraphs=body, extractor=extractor)
    art.title = next((b.text for b in blocks if b.label == "title"), None)
    art.alternate_titles = [b.text for b in blocks if b.label == "alt_title"]
    span = ctx.body_span
    if body and span:
        art.published = _published(blocks, span)
    tags: list[str] = []
    for b in blocks:
        if b.label != "meta":
            continue
        tags.extend(b.extra.get("tags", []))  # type: ignore[arg-type]
        if "source" in b.extra and art.source is None:
            art.source = str(b.extra["source"])
        if "author" in b.extra:
            art.authors.append(str(b.extra["author"]))
        if b.rule in ("image_credit", "caption_credit"):
            art.images.append({"caption": b.extra.get("caption"),  # type: ignore[dict-item]
                               "credit": b.extra.get("credit"), "url": None})
    art.tags = _unique(tags)
    art.authors = _unique(art.authors)
    if art.source is None and body:
        art.source = agency_from_dateline(body[0])
    return art
