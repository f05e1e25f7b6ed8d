"""From a source to the page URLs to fetch: read its feeds and sitemaps, filter, deduplicate.

:func:`discover` is a generator and fetches lazily: a child sitemap is requested only when
the pages before it did not fill ``max_pages``, so a small ``max_pages`` under a large
index costs a few requests, not one per child, and memory holds one document at a time
(plus the URLs already seen, for the deduplication).

Every discovery document comes through the caller's :data:`Getter`, Winnow's safe and
polite client, which decides what may be fetched and logs why a fetch failed. This
module never raises for what a server sends: a feed that is an HTML error page, a
sitemap cut short, a gzip bomb or a loop of indexes gives no links (logged with the
document's URL), and the source's other documents are still read. One broken document
must cost its own links, not a night's fetch of every other site.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan
from protego import Protego

from fetching.feeds import feed_links, parse_feed
from fetching.safety import strip_userinfo
from fetching.sitemaps import inflate, parse_sitemap
from fetching.sources import Candidate, Entry, Source
from schemas.site import url_site

log = logging.getLogger(__name__)

Getter = Callable[[str], bytes | None]
"""Fetches a discovery document's raw body (a gzip file stays compressed); None on failure."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on what one source may make discovery fetch and hold."""

    max_documents: int = 1000  # feeds, sitemaps, robots.txt and home page, per source
    max_depth: int = 5  # sitemap indexes below the source's own (the protocol allows 1)
    max_inflated: int = 64 * 1024 * 1024  # one decompressed document (the protocol: 50 MB)


def discover(source: Source, get: Getter, limits: Limits | None = None) -> Iterator[Candidate]:
    """The pages ``source`` lists, normalised and deduplicated, in the order it lists them.

    Filters, in order: a usable http(s) URL, not seen before in this source, on an
    allowed host (:class:`~fetching.sources.Source` says which by default), not older
    than ``since`` (an entry without a date is kept: nothing says it is old); stops after
    ``max_pages``.
    """
    walk = _Walk(get, limits or Limits(), source.since)
    return _select(source, _entries(source, walk))


def normalise_url(url: str) -> str | None:
    """``url`` normalised by courlan, less fragment and credentials; ``None`` if no http(s) URL.

    courlan lower-cases scheme and host, drops the scheme's default port and the tracking
    parameters (``utm_*``, ``fbclid``, ``ref``...), sorts the others and keeps them: an
    ``?id=`` or ``?page=`` names a different page. The fragment goes too, because it
    never reaches the server: ``/a#top`` and ``/a`` are one page. ``user:password@`` goes
    because the client never sends it and nothing may log or write it.
    """
    url = strip_userinfo(url.strip())
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
        _ = parts.port  # ValueError for a port that is no number or out of range
        norm = urlsplit(courlan.normalize_url(url))
    except ValueError:
        return None
    if not norm.hostname or any(c.isspace() for c in norm.netloc):
        return None
    return urlunsplit(norm._replace(fragment=""))


def site_of(url: str) -> str:
    """The site folder of a page without a named source: ``schemas.site.url_site``, the
    rule the cleaner and the flow follow too, so a page is filed and cleaned under one
    site ("" for a URL without a host)."""
    return url_site(url) or ""


def _registered_domain(host: str) -> str:
    """``news.example.co.uk`` -> ``example.co.uk`` (public suffix list); else the host itself.

    The fallback covers what has no public suffix: IP addresses, ``localhost``.
    """
    if not host or ":" in host:  # an IPv6 address
        return host
    return courlan.extract_domain(f"http://{host}/") or host


# cached by a call, not a decorator: mutmut skips decorated functions (make mutate)
registered_domain = functools.lru_cache(maxsize=4096)(_registered_domain)


def _entries(source: Source, walk: _Walk) -> Iterator[Entry]:
    if source.kind == "feed":
        return walk.feed(source.location)
    if source.kind == "sitemap":
        return walk.sitemap(source.location, 0)
    if source.kind == "site":
        return walk.site(source.location)
    return _url_lines(Path(source.location))


def _select(source: Source, entries: Iterator[Entry]) -> Iterator[Candidate]:
    label = f"{source.kind} {strip_userinfo(source.location)}"
    own = urlsplit(normalise_url(source.location) or source.location).hostname or ""
    seen: set[str] = set()
    taken = 0
    for entry in entries:
        url = normalise_url(entry.url)
        if url is None or url in seen:
            continue
        seen.add(url)
        if not _allowed(url, source, own) or _too_old(entry.published, source.since):
            continue
        yield Candidate(url=url, site=source.name or site_of(url), title=entry.title,
                        published=_iso(entry.published), source=label)
        taken += 1
        if source.max_pages is not None and taken >= source.max_pages:
            return


def _allowed(url: str, source: Source, own_host: str) -> bool:
    host = urlsplit(url).hostname or ""
    if source.allow_hosts:
        return any(host == h or host.endswith("." + h) for h in source.allow_hosts)
    if source.kind in ("feed", "urls"):
        return True
    return registered_domain(host) == registered_domain(own_host)


def _utc(when: datetime.datetime) -> datetime.datetime:
    """A date without an offset is taken as UTC (a sitemap's bare ``2024-05-01``)."""
    if when.tzinfo is None:
        return when.replace(tzinfo=datetime.UTC)
    return when.astimezone(datetime.UTC)


def _too_old(published: datetime.datetime | None, since: datetime.date | None) -> bool:
    return since is not None and published is not None and _utc(published).date() < since


def _iso(published: datetime.datetime | None) -> str | None:
    return _utc(published).isoformat() if published is not None else None


def _url_lines(path: Path) -> Iterator[Entry]:
    """A URL list: one URL a line; blank lines and ``#`` comments skipped."""
    try:
        with path.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                line = line.strip()
                if line and not line.startswith("#"):
                    yield Entry(url=line)
    except OSError as exc:
        log.warning("urls file %s: unreadable (%s), no links taken", path, exc)


class _Walk:
    """One source's discovery documents: fetched once each, within :class:`Limits`."""

    def __init__(self, get: Getter, limits: Limits, since: datetime.date | None) -> None:
        self.get = get
        self.limits = limits
        self.since = since
        self.fetched: set[str] = set()

    def fetch(self, url: str) -> bytes | None:
        """The document's body, decompressed; None if failed, fetched before, or over a cap."""
        key = normalise_url(url)
        if key is None or key in self.fetched:
            return None
        if len(self.fetched) >= self.limits.max_documents:
            log.warning("%s: not fetched, the source's %d documents are read",
                        url, self.limits.max_documents)
            return None
        self.fetched.add(key)
        body = self.get(url)
        if body is None:
            return None
        inflated = inflate(body, self.limits.max_inflated)
        if inflated is None:
            log.warning("%s: broken gzip or over %d bytes decompressed, no links taken",
                        url, self.limits.max_inflated)
        return inflated

    def feed(self, url: str) -> Iterator[Entry]:
        url = strip_userinfo(url)  # for the log: the client strips it too
        body = self.fetch(url)
        if body is not None:
            yield from parse_feed(body, url)

    def sitemap(self, url: str, depth: int) -> Iterator[Entry]:
        url = strip_userinfo(url)  # for the log: the client strips it too
        body = self.fetch(url)
        if body is None:
            return
        found = parse_sitemap(body, url)
        yield from found.pages
        if found.children and depth >= self.limits.max_depth:
            log.warning("sitemap %s: %d child sitemaps not read, %d indexes deep",
                        url, len(found.children), depth + 1)
            return
        for child in found.children:
            if _too_old(child.published, self.since):  # its lastmod: nothing in it is newer
                log.info("sitemap %s: unchanged since %s, not read", child.url, child.published)
                continue
            yield from self.sitemap(child.url, depth + 1)

    def site(self, url: str) -> Iterator[Entry]:
        """A site's home-page feeds first (the newest stories), then its robots.txt sitemaps."""
        url = strip_userinfo(url)
        parts = urlsplit(url)
        robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
        robots = self.fetch(robots_url)
        sitemaps = _robots_sitemaps(robots, robots_url) if robots is not None else []
        home = self.fetch(url)
        feeds = feed_links(home, url) if home is not None else []
        if not sitemaps and not feeds:
            log.warning("site %s: no Sitemap: line in robots.txt and no feed link", url)
        for feed in feeds:
            yield from self.feed(feed)
        for sitemap in sitemaps:
            yield from self.sitemap(sitemap, 0)


def _robots_sitemaps(body: bytes, url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt (Protego, Scrapy's parser), made absolute."""
    robots = Protego.parse(body.decode("utf-8", errors="replace"))
    return [urljoin(url, sitemap) for sitemap in robots.sitemaps]
