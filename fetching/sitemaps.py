"""Read one sitemap document: its page links (with news title and date) and its children.

The parser is ultimate-sitemap-parser's (``usp``): sitemaps.org urlsets and indexes,
Google news sitemaps, plain-text sitemaps and the RSS/Atom feeds some sites list as
sitemaps, with its XML hardening (no DTDs, no entity expansion). usp can fetch too,
through a pluggable client, but it walks a whole index before it returns anything: a
source with ``max_pages = 50`` under an index of 500 child sitemaps would wait for 500
polite requests and hold every page in memory. So usp reads one document at a time
(``sitemap_from_str``, which hands an index's children back unfetched), and
:mod:`fetching.discover` walks the tree lazily through Winnow's own client, stopping as
soon as it has enough.

Nothing here touches the network; a document that is no sitemap gives no links.
"""

from __future__ import annotations

import datetime
import logging
import zlib
from dataclasses import dataclass

import lxml.etree
from usp.helpers import parse_iso8601_date
from usp.objects.page import SitemapPage
from usp.objects.sitemap import InvalidSitemap
from usp.tree import sitemap_from_str

from fetching.sources import Entry

log = logging.getLogger(__name__)
# usp logs each document under a dummy URL (sitemap_from_str has no other), errors
# included; this module says what went wrong, with the real one.
logging.getLogger("usp").setLevel(logging.CRITICAL)

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class Sitemap:
    """What one sitemap document lists: pages (a urlset) or child sitemaps (an index).

    A child's ``published`` is its ``<lastmod>``, when the index gives one.
    """

    pages: tuple[Entry, ...] = ()
    children: tuple[Entry, ...] = ()


def inflate(body: bytes, max_bytes: int) -> bytes | None:
    """A gzip body decompressed, or ``None`` when it is broken, cut short or over ``max_bytes``.

    ``.xml.gz`` sitemaps come as a gzip file, not a gzip Content-Encoding, so the client
    hands them over compressed. Decompressing at most ``max_bytes + 1`` bytes stops a
    gzip bomb at the cap instead of in the kernel's OOM killer. A body without the gzip
    magic is returned as it is.
    """
    if not body.startswith(GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, max_bytes + 1)
    except zlib.error:
        return None
    if len(out) > max_bytes or not inflater.eof:
        return None
    return out


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """The pages or child sitemaps one (already decompressed) document lists."""
    text = body.decode("utf-8-sig", errors="replace")
    if not text.strip():
        log.warning("sitemap %s: empty, no links taken", url)
        return Sitemap()
    try:
        tree = sitemap_from_str(text)
    except Exception as exc:  # usp returns InvalidSitemap for what it foresaw; not for all
        log.warning("sitemap %s: unreadable (%s), no links taken", url, exc)
        return Sitemap()
    if isinstance(tree, InvalidSitemap):
        log.warning("sitemap %s: not a urlset, index, feed or URL list, no links taken", url)
        return Sitemap()
    pages = tuple(_entry(page) for page in tree.pages)
    dates = _index_dates(body) if tree.sub_sitemaps else {}
    children = tuple(Entry(child.url, published=dates.get(child.url))
                     for child in tree.sub_sitemaps)
    if not pages and not children:
        log.warning("sitemap %s: lists no URLs", url)
    return Sitemap(pages=pages, children=children)


def _entry(page: SitemapPage) -> Entry:
    """A usp page: its news story's title and date, else its lastmod."""
    story = page.news_story
    title = story.title.strip() if story is not None and story.title else None
    when = story.publish_date if story is not None else None
    return Entry(url=page.url, title=title or None, published=when or page.last_modified)


def _index_dates(body: bytes) -> dict[str, datetime.datetime]:
    """An index's ``<sitemap>``: ``<loc>`` -> ``<lastmod>``, which usp reads but does not keep.

    A child sitemap last changed before ``since`` lists nothing newer, so discover skips
    it: a news site's monthly archive indexes cost no requests for a fetch of the last
    week. Parsed without entities, DTDs or network, as usp does; no date is no skip.
    """
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                  recover=True)
    try:
        root = lxml.etree.fromstring(body, parser)
    except (lxml.etree.LxmlError, ValueError):
        return {}
    dates: dict[str, datetime.datetime] = {}
    for node in root.iter("{*}sitemap") if root is not None else ():
        loc, lastmod = node.findtext("{*}loc"), node.findtext("{*}lastmod")
        when = _date(lastmod)
        if loc and when is not None:
            dates[loc.strip()] = when
    return dates


def _date(text: str | None) -> datetime.datetime | None:
    if not text or not text.strip():
        return None
    try:
        return parse_iso8601_date(text.strip())
    except Exception:  # dateutil's last resort raises OverflowError on some numbers
        return None
