"""Read RSS and Atom feeds (feedparser) and the feed links of a site's home page (lxml).

Both take a body the fetch client already downloaded and return plain links: nothing here
touches the network. A body that is not a feed or not HTML gives ``[]``: one broken
document among a site's many must cost its own links, never the fetch.
"""

from __future__ import annotations

import calendar
import datetime
import io
import logging
import time
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html

from fetching.sources import Entry

log = logging.getLogger(__name__)

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})


def parse_feed(body: bytes, url: str) -> list[Entry]:
    """The entries of an RSS or Atom feed: link, title, and published (else updated) date.

    The body goes to feedparser as a stream, never as bytes: given a string or bytes,
    feedparser first tries it as a URL to download and a local file name to open, and a
    server could answer ``/etc/passwd``. Relative links resolve against ``url``.
    """
    try:
        parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": url})
    except Exception as exc:  # feedparser recovers from most faults itself; not from all
        log.warning("feed %s: unreadable (%s), no links taken", url, exc)
        return []
    entries = []
    for item in parsed.entries:
        link = item.get("link")
        if not isinstance(link, str) or not link.strip():
            continue
        title = item.get("title")
        entries.append(Entry(
            url=urljoin(url, link.strip()),
            title=(title.strip() or None) if isinstance(title, str) else None,
            published=_when(item.get("published_parsed") or item.get("updated_parsed")),
        ))
    if not entries:
        log.warning("feed %s: no entries with a link (not a feed, or empty)", url)
    return entries


def _when(parsed: time.struct_time | None) -> datetime.datetime | None:
    """feedparser's date (a UTC struct_time) as an aware datetime."""
    if parsed is None:
        return None
    try:
        return datetime.datetime.fromtimestamp(calendar.timegm(parsed), datetime.UTC)
    except (OverflowError, ValueError, OSError):
        return None


def feed_links(body: bytes, url: str) -> list[str]:
    """The RSS and Atom feeds a page announces: ``<link rel="alternate" type=... href>``.

    ``rel`` is a list of tokens and ``type`` is case-insensitive; links resolve against
    the page's ``<base href>`` if it has one, else against ``url``.
    """
    try:
        doc = lxml.html.document_fromstring(body)
        # lxml's make_links_absolute(resolve_base_href=True) resolves against <base href>
        # without its handle_failures: one unusable href would cost the page's every link
        doc.resolve_base_href(handle_failures="discard")
        doc.make_links_absolute(url, resolve_base_href=False, handle_failures="discard")
    except (lxml.etree.LxmlError, ValueError) as exc:
        log.warning("home page %s: unreadable (%s), no feed links taken", url, exc)
        return []
    links: list[str] = []
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href and href not in links:
            links.append(href)
    return links
