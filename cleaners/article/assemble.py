"""The one assembler: labelled blocks to an ``Article``, for pages of either format.

It decides nothing about what is chrome (the rules did); it reads the story's paragraphs
off the blocks labelled body, and its metadata from two sources, in this order: what the
page's markup states (HTML: ``PageMarkup``), then what the rules lifted out of the lines
they dropped (``Block.lifted``). On HTML pages the markup's authors, tags and images are
taken first and, of the lifted metadata, the bylines and the figure captions, and the
printed tags and credited source where the markup states none.
"""

from __future__ import annotations

import re

from cleaners.article.bylines import (
    author_box,
    name_under_headline,
    not_a_name,
    person_like,
    plain_name,
    printed_byline,
)
from cleaners.article.dates import story_date
from cleaners.article.model import Article
from cleaners.blocks import Block, Lifted
from cleaners.html.meta import title_key, title_segments
from cleaners.markup import PageMarkup, PageMeta
from cleaners.rules.base import PageContext
from cleaners.words.dates import same_moment, url_day
from cleaners.words.features import fold

MAX_IMAGES = 10  # image entries a record keeps from the markup and the captions
# "МОСКВА, 1 дек - РИА Новости. ...": the agency a dateline credits (the dateline stays)
_AGENCY_DATELINE = re.compile(
    r"^[A-ZА-ЯЁ][A-ZА-ЯЁ .\-]{1,40},\s+\d{1,2}\s+[A-Za-zА-Яа-яЁё]{3,9}\.?\s*[-–—]\s*"
    r"(?P<agency>[A-ZА-ЯЁ][\w.\- ]{1,40}?)\.\s"
)
# rules whose lifted captions and credits describe an image (text pages)
IMAGE_RULES = ("image_credit", "caption_credit")


def build_article(blocks: list[Block], ctx: PageContext, extractor: str) -> Article:
    """The story's paragraphs, title, date and metadata from the labelled blocks."""
    markup = ctx.markup
    art = Article(paragraphs=[b.text for b in blocks if b.label == "body"], extractor=extractor)
    art.title = _title(blocks, markup)
    art.alternate_titles = [b.text for b in blocks if b.label == "alt_title"]
    art.published = _published(blocks, ctx)
    if markup is not None:
        art.authors, art.source = _markup_people(blocks, markup)
        art.tags = list(dict.fromkeys(t for t in markup.meta.tags if t and not _filing(t)))
        art.images = _markup_images(blocks, markup)
        art.own_url = markup.meta.own_url
        _fill_from_lifted(art, blocks)
    else:
        _add_lifted(art, blocks)
    return art


# where a CMS files every post, not what one story is about (#22: tags "Articles")
_FILINGS = frozenset({
    "article", "articles", "news", "blog", "blogs", "post", "posts", "story", "stories",
    "uncategorized", "uncategorised", "general", "home", "featured", "latest",
    "latest news", "top stories", "main", "misc", "other", "default", "all",
    "новости", "статьи", "главная", "без рубрики", "разное",
})


def _filing(tag: str) -> bool:
    return fold(tag.strip(" #")) in _FILINGS


def _fill_from_lifted(art: Article, blocks: list[Block]) -> None:
    """On an HTML page, the tags and the credited source the page prints ("Теги: …",
    "Источник: ТАСС") where its markup states none: the rules lifted them out of the
    lines they dropped, and a record without them would lose what the reader saw."""
    lifted = _lifted(blocks)
    if not art.tags:
        art.tags = _unique([t for _rule, x in lifted for t in x.tags])
    if art.source is None:
        art.source = next((x.source for _rule, x in lifted if x.source is not None), None)


def _published(blocks: list[Block], ctx: PageContext) -> str | None:
    """The story's date: what the markup states (JSON-LD, article <meta>), unless the date
    printed beside the headline is another day the page vouches for (``_printed_over``);
    else the printed date (``story_date``); else htmldate's reading of the markup."""
    markup = ctx.markup
    printed = story_date(blocks, ctx.body_span, markup is not None,
                         markup.title_key if markup is not None else "")
    if markup is None:
        return printed
    meta = markup.meta
    if meta.published:
        return (printed and _printed_over(printed, meta, ctx.url)) or meta.published
    return printed or (meta.date_reader() if meta.date_reader is not None else None)


def _printed_over(printed: str, meta: PageMeta, url: str | None) -> str | None:
    """The date to write instead of the markup's ``published`` when the day printed beside
    the headline differs from it, or None to keep the markup's: the markup source that
    states the printed day (another published date; or the modified date, where JSON-LD
    alone states the published one: the page shows its reader the updated day as its
    date, and no article <meta> says otherwise); else the printed date itself where the
    URL's path files the story under that day, or where it is earlier than the markup's
    (a story is not shown as of a day before it was published: a later markup date is
    the page's re-publication, the printed one the story's). Never when the printed date is the same
    moment in another zone (a ``<time datetime>`` with its offset)."""
    day = printed[:10]
    if day == meta.published[:10] or same_moment(printed, meta.published):
        return None
    confirmed = [d for d in meta.other_dates if d[:10] == day]
    if not confirmed and meta.meta_published is None:
        confirmed = [d for d in meta.modified if d[:10] == day]
    if confirmed:
        return confirmed[0]
    return printed if url_day(url) == day or day < meta.published[:10] else None


def _title(blocks: list[Block], markup: PageMarkup | None) -> str | None:
    """The headline: the one the markup names, unless it is only a fallback and a rule found
    the one the page sets off (``styled_headline``); on a text page, the block the rules
    labelled title."""
    if markup is None:
        return next((b.text for b in blocks if b.label == "title"), None)
    if markup.weak_title:
        styled = next((b.text for b in blocks if b.rule == "styled_headline"), None)
        if styled:
            return styled
    return markup.title


def _lifted(blocks: list[Block]) -> list[tuple[str | None, Lifted]]:
    """(rule, lifted metadata) of the blocks the rules dropped into metadata, in page order."""
    return [(b.rule, b.lifted) for b in blocks if b.label == "meta" and b.lifted is not None]


def _add_lifted(art: Article, blocks: list[Block]) -> None:
    """Authors, source, tags and image credits from the lines the rules lifted them out of;
    a source no line credits may be the agency the story's dateline names."""
    lifted = _lifted(blocks)
    art.authors = printed_byline(blocks) or _unique(
        [x.author for _rule, x in lifted if x.author is not None and plain_name(x.author)])
    art.source = next((x.source for _rule, x in lifted if x.source is not None), None)
    art.tags = _unique([t for _rule, x in lifted for t in x.tags])
    art.images = [{"caption": x.caption, "credit": x.credit, "url": None}
                  for rule, x in lifted if rule in IMAGE_RULES]
    if art.source is None and art.paragraphs:
        art.source = agency_from_dateline(art.paragraphs[0])


def _markup_people(blocks: list[Block], markup: PageMarkup) -> tuple[list[str], str | None]:
    """(authors, source): the byline the page prints beside the headline where the markup
    names nobody, or someone else ("KatieS" in <meta> for "By Aoife O'Riordan" on the
    page); else the markup's authors; else a name alone above the story (``byline``).
    What is not a person is dropped, or is the source when it is the site itself: a domain
    ("baikaldaily.ru"), or the site's name given by <meta> or as a JSON-LD Organization
    ("DELFI"); the page's own byline or a JSON-LD Person keeps a name that is the site's
    (a one-person site)."""
    meta = markup.meta
    printed = printed_byline(blocks)
    declared = [a for a in dict.fromkeys(meta.authors) if a]
    if printed and not _same_people(printed, declared):
        chosen, stated = printed, set(printed)
    elif declared:  # the name a printed byline starts with is stated as a person too
        chosen = declared  # (not an affiliation after it: "By Matt Smith, CNN")
        stated = set(meta.people) | {a for a in declared if _same_people([a], printed[:1])}
    else:
        chosen = [b.lifted.author for b in blocks if b.rule == "byline" and
                  b.lifted is not None and b.lifted.author and plain_name(b.lifted.author)]
        if not chosen and (alone := name_under_headline(blocks)):
            chosen = [alone]
        if not chosen:
            chosen = author_box(blocks)
        stated = set(chosen)
    site_keys = {title_key(x) for x in (meta.site_name, *title_segments(meta.html_title)) if x}
    authors: list[str] = []
    source = None
    for a in dict.fromkeys(chosen):
        if _DOMAIN.search(a) or (title_key(a) in site_keys and a not in stated):
            source = source or a
        elif person_like(a) or (a in declared and not not_a_name(a)
                                 and _SPELLED.match(a)):
            authors.append(a)
    return authors, source


# a domain standing for the publisher ("baikaldaily.ru", "Paycom.com", "site.gr | Paper");
# not a handle with dots ("sara.r.peter") nor initials ("A. J. Neal")
_DOMAIN = re.compile(r"\w\.(?:[a-z]{2,3}|info|news|online|site|blog)\b", re.IGNORECASE)
# a name the markup states, even if not capitalised as names are ("bell hooks", an
# account's handle "stephenlega"): letters, no address, no digits, short
_SPELLED = re.compile(r"^(?=.*[^\W\d_])[^@/\d]{2,60}$")


def _same_people(a: list[str], b: list[str]) -> bool:
    """Whether two author lists name the same people (a shared name word of 3+ letters)."""
    words = {w for n in b for w in re.findall(r"\w{3,}", n.casefold())}
    return any(w in words for n in a for w in re.findall(r"\w{3,}", n.casefold()))


def _markup_images(blocks: list[Block], markup: PageMarkup) -> list[dict[str, str | None]]:
    """The figure captions the rules found, then the markup's other images."""
    captions: list[dict[str, str | None]] = [
        {"url": b.lifted.image_url, "caption": b.lifted.caption, "credit": b.lifted.credit}
        for b in blocks if b.rule == "figure_caption" and b.lifted is not None]
    seen = {c.get("url") for c in captions}
    return (captions + [i for i in markup.meta.images if i.get("url") not in seen])[:MAX_IMAGES]


def _unique(items: list[str]) -> list[str]:
    """``items`` without repeats (case-insensitive) or empties, in their order."""
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def agency_from_dateline(text: str) -> str | None:
    """"МОСКВА, 1 дек - РИА Новости. ..." -> "РИА Новости" (the dateline stays in the text)."""
    m = _AGENCY_DATELINE.match(text)
    if not m:
        return None
    agency = m.group("agency").strip()
    return agency if len(agency.split()) <= 4 else None
