"""The discovery documents one call at a time: feeds and home-page feed links
(fetching.feeds), sitemaps and their indexes (fetching.sitemaps), and the walk over a
source's documents (fetching.discover): what each gives, and the warning each writes,
with the document's URL, when it gives nothing. test_fetch_discover.py has the sources
end to end."""

from __future__ import annotations

import datetime
import gzip
import logging
import time
import zlib

import pytest

from fetching import feeds, sitemaps
from fetching.discover import Limits, discover, normalise_url, site_of
from fetching.feeds import feed_links, parse_feed
from fetching.sitemaps import _index_dates, inflate, parse_sitemap
from fetching.sources import Entry, Source

UTC = datetime.UTC
SITE = "https://news.example"


@pytest.fixture
def warnings(caplog):
    """The fetching package's log lines, rendered (INFO and up)."""
    caplog.set_level(logging.INFO, logger="fetching")
    return caplog


def _said(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("fetching")]


# -- feeds -----------------------------------------------------------------------------

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title><id>urn:f</id>
<updated>2025-12-03T00:00:00Z</updated>
<entry><title>No link</title><updated>2025-12-01T00:00:00Z</updated></entry>
<entry><title>  A story  </title><id>urn:1</id><link href="/news/a"/>
  <published>2025-12-01T10:00:00Z</published><updated>2025-12-02T08:00:00Z</updated></entry>
<entry><title> </title><id>urn:2</id><link href="{SITE}/news/b"/>
  <updated>2025-12-02T09:30:00+02:00</updated></entry>
</feed>"""


def test_a_feed_gives_each_linked_entry_with_its_published_date(warnings):
    """An entry without a link is skipped, not the end of the feed; ``published`` wins
    over ``updated``; a blank title is none; dates are aware, in UTC."""
    assert parse_feed(ATOM.encode(), f"{SITE}/feed.xml") == [
        Entry(f"{SITE}/news/a", "A story", datetime.datetime(2025, 12, 1, 10, tzinfo=UTC)),
        Entry(f"{SITE}/news/b", None, datetime.datetime(2025, 12, 2, 7, 30, tzinfo=UTC)),
    ]
    assert _said(warnings) == []


def test_a_page_that_is_no_feed_gives_nothing_and_says_so(warnings):
    assert parse_feed(b"<html><body>Not found</body></html>", f"{SITE}/feed") == []
    assert _said(warnings) == [
        f"feed {SITE}/feed: no entries with a link (not a feed, or empty)"]


def test_a_feed_the_parser_cannot_read_is_named(monkeypatch, warnings):
    def broken(*args, **kwargs):
        raise ValueError("parser fault")

    monkeypatch.setattr(feeds.feedparser, "parse", broken)
    assert parse_feed(ATOM.encode(), f"{SITE}/feed.xml") == []
    assert _said(warnings) == [f"feed {SITE}/feed.xml: unreadable (parser fault), no links taken"]


HOME = b"""<html><head><base href="https://cdn.example/feeds/">
<link rel="Alternate Feed" type="application/RSS+XML; charset=utf-8" href="rss.xml">
<link rel="alternate" type="application/rss+xml" href="rss.xml">
<link rel="alternate" type="application/atom+xml">
<link rel="alternate" type="application/atom+xml" href="http://[broken">
<link rel="alternate" type="text/html" href="/amp">
<link rel="stylesheet" type="application/rss+xml" href="/style.rss">
<link rel="alternate" type="application/atom+xml" href="/atom.xml">
</head><body><a rel="alternate" type="application/rss+xml" href="/a.rss">RSS</a></body></html>"""


def test_a_home_page_announces_its_feeds_in_link_elements():
    """``rel`` is a token list, ``type`` case-blind with parameters; links resolve against
    ``<base href>``; a link without href, with an unusable one, or an ``<a>`` is none."""
    assert feed_links(HOME, f"{SITE}/") == ["https://cdn.example/feeds/rss.xml",
                                            "https://cdn.example/atom.xml"]


def test_an_unusable_feed_link_costs_only_itself_without_base_href_too():
    page = HOME.replace(b'<base href="https://cdn.example/feeds/">', b"")
    assert feed_links(page, f"{SITE}/") == [f"{SITE}/rss.xml", f"{SITE}/atom.xml"]


def test_an_unreadable_home_page_is_named(warnings):
    assert feed_links(b"", f"{SITE}/") == []
    assert _said(warnings) == [
        f"home page {SITE}/: unreadable (Document is empty), no feed links taken"]


# -- sitemaps --------------------------------------------------------------------------

def _urlset(*locs: str, prefix: bytes = b"") -> bytes:
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return prefix + (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                     f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()


def _index(*children: tuple[str, str | None], extra: str = "") -> bytes:
    body = "".join(f"<sitemap><loc>{loc}</loc>"
                   + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</sitemap>"
                   for loc, lastmod in children)
    return (f'<?xml version="1.0" encoding="UTF-8"?>{extra}<sitemapindex xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>').encode()


def test_inflate_keeps_a_body_of_exactly_the_cap_and_asks_no_more_of_zlib(monkeypatch):
    """A gzip bomb is stopped by asking zlib for at most ``max_bytes + 1`` bytes, not by
    inflating it whole and measuring afterwards."""
    asked = []
    real = zlib.decompressobj

    class Spy:
        def __init__(self, **kwargs):
            self.inner = real(**kwargs)

        def decompress(self, data, max_length=0):
            asked.append(max_length)
            return self.inner.decompress(data, max_length)

        @property
        def eof(self):
            return self.inner.eof

    monkeypatch.setattr(sitemaps.zlib, "decompressobj", Spy)
    assert inflate(gzip.compress(b"x" * 100), 100) == b"x" * 100
    assert inflate(gzip.compress(b"x" * 101), 100) is None
    assert inflate(gzip.compress(b"x" * 10_000_000), 100) is None
    assert asked == [101, 101, 101]


def test_inflate_refuses_a_gzip_cut_short_and_passes_plain_bodies():
    assert inflate(gzip.compress(b"<urlset/>" * 50)[:-12], 10_000) is None
    assert inflate(b"<urlset/>", 10) == b"<urlset/>"


def test_a_urlset_gives_its_pages_whatever_its_bytes(warnings):
    """A byte-order mark and a stray byte that is no UTF-8 do not cost the document."""
    body = _urlset(f"{SITE}/a", f"{SITE}/caf\xe9".replace("\xe9", "e"), prefix=b"\xef\xbb\xbf")
    body = body.replace(b"</urlset>", b"<!-- \xe9t\xe9 --></urlset>")
    found = parse_sitemap(body, f"{SITE}/sitemap.xml")
    assert [p.url for p in found.pages] == [f"{SITE}/a", f"{SITE}/cafe"]
    assert found.children == () and _said(warnings) == []


def test_an_index_gives_its_children_with_their_lastmod(warnings):
    body = _index((f"{SITE}/s1.xml", "2025-11-30T12:00:00+01:00"), (f"{SITE}/s2.xml", None))
    found = parse_sitemap(body, f"{SITE}/index.xml")
    assert found.pages == ()
    assert found.children == (
        Entry(f"{SITE}/s1.xml", published=datetime.datetime(
            2025, 11, 30, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))),
        Entry(f"{SITE}/s2.xml"))
    assert _said(warnings) == []


@pytest.mark.parametrize(("body", "says"), [
    (b"  \n", "empty, no links taken"),
    (b"<html><body>Moved</body></html>",
     "not a urlset, index, feed or URL list, no links taken"),
    (_urlset(), "lists no URLs"),
])
def test_a_sitemap_with_no_links_says_why(warnings, body, says):
    assert parse_sitemap(body, f"{SITE}/sitemap.xml") == sitemaps.Sitemap()
    assert _said(warnings) == [f"sitemap {SITE}/sitemap.xml: {says}"]


def test_a_sitemap_the_parser_cannot_read_is_named(monkeypatch, warnings):
    def broken(text):
        raise ValueError("parser fault")

    monkeypatch.setattr(sitemaps, "sitemap_from_str", broken)
    assert parse_sitemap(_urlset(f"{SITE}/a"), f"{SITE}/s.xml") == sitemaps.Sitemap()
    assert _said(warnings) == [f"sitemap {SITE}/s.xml: unreadable (parser fault), no links taken"]


def test_index_dates_expand_no_entity(tmp_path):
    """An index is read without its DTD's entities, internal or from a local file (what
    an XXE attack asks for): the ``<loc>`` stays as written."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    extra = (f'<!DOCTYPE sitemapindex [<!ENTITY inner "INNER">'
             f'<!ENTITY outer SYSTEM "file://{secret}">]>')
    body = _index((f"{SITE}/a&inner;.xml", "2025-12-01"), (f"{SITE}/b&outer;.xml", "2025-12-02"),
                  extra=extra)
    keys = " ".join(_index_dates(body))
    assert "INNER" not in keys and "TOPSECRET" not in keys


def test_index_dates_survive_a_broken_index_and_read_only_sitemap_entries():
    body = _index((f"{SITE}/a.xml", "2025-12-01"), (f"{SITE}/b.xml?x=1&y=2", "2025-12-02"))
    body = body.replace(b"<sitemapindex", b"<sitemapindex><url><loc>" + SITE.encode()
                        + b"/page</loc><lastmod>2025-12-05</lastmod></url", 1).replace(
        b'"http://www.sitemaps.org/schemas/sitemap/0.9"><url>', b"><url>", 1)
    body = body.replace(b"</sitemapindex>", b"<sitemap><lastmod>2025-12-03</lastmod></sitemap>"
                        b"</sitemapindex>")  # an entry without <loc>
    dates = _index_dates(body)
    assert dates.get(f"{SITE}/a.xml") == datetime.datetime(2025, 12, 1)
    assert f"{SITE}/page" not in dates
    assert _index_dates(b"garbage, no XML") == {}


# -- the walk over a source's documents ----------------------------------------------

class _Web:
    """A Getter over a dict (None for what it lacks, as the client gives on a failure)."""

    def __init__(self, docs: dict[str, bytes]) -> None:
        self.docs, self.asked = docs, []

    def __call__(self, url: str) -> bytes | None:
        self.asked.append(url)
        return self.docs.get(url)


def _found(source: Source, docs: dict[str, bytes], limits: Limits | None = None):
    return [c.url for c in discover(source, _Web(docs), limits)]


RSS_ELSEWHERE = f"""<rss version="2.0"><channel><title>x</title>
<item><title>a</title><link>{SITE}/a</link></item>
<item><title>b</title><link>https://other.example/b</link></item></channel></rss>""".encode()


def test_a_feed_may_link_to_any_host_a_sitemap_only_to_its_own_site():
    assert _found(Source("feed", f"{SITE}/rss"), {f"{SITE}/rss": RSS_ELSEWHERE}) == [
        f"{SITE}/a", "https://other.example/b"]
    sitemap = _urlset(f"{SITE}/a", "https://other.example/b")
    assert _found(Source("sitemap", f"{SITE}/s.xml"), {f"{SITE}/s.xml": sitemap}) == [
        f"{SITE}/a"]


def test_robots_sitemaps_are_read_despite_a_byte_that_is_no_utf8():
    robots = b"# caf\xe9\nUser-agent: *\nSitemap: /s.xml\n"
    docs = {f"{SITE}/robots.txt": robots, f"{SITE}/s.xml": _urlset(f"{SITE}/a")}
    assert _found(Source("site", f"{SITE}/"), docs) == [f"{SITE}/a"]


def test_a_site_without_home_page_still_gives_its_robots_sitemaps(warnings):
    docs = {f"{SITE}/robots.txt": b"Sitemap: /s.xml\n", f"{SITE}/s.xml": _urlset(f"{SITE}/a")}
    assert _found(Source("site", f"{SITE}/"), docs) == [f"{SITE}/a"]
    assert _said(warnings) == []


def test_a_site_with_feeds_only_is_not_warned_about(warnings):
    home = b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss">'
    docs = {f"{SITE}/": home, f"{SITE}/rss": RSS_ELSEWHERE}
    assert _found(Source("site", f"{SITE}/"), docs) == [f"{SITE}/a"]
    assert _said(warnings) == []


def test_a_site_with_neither_sitemap_nor_feed_says_so(warnings):
    assert _found(Source("site", f"{SITE}/"), {f"{SITE}/": b"<html><p>hi</p></html>"}) == []
    assert _said(warnings) == [f"site {SITE}/: no Sitemap: line in robots.txt and no feed link"]


def test_a_robots_sitemap_is_the_top_of_its_tree(warnings):
    """``max_depth`` counts indexes below the source's own sitemap: with 1, a robots.txt
    index's urlsets are read, and an index below it is not."""
    docs = {f"{SITE}/robots.txt": b"Sitemap: /index.xml\n",
            f"{SITE}/index.xml": _index((f"{SITE}/s.xml", None), (f"{SITE}/deeper.xml", None)),
            f"{SITE}/s.xml": _urlset(f"{SITE}/a"),
            f"{SITE}/deeper.xml": _index((f"{SITE}/t.xml", None)),
            f"{SITE}/t.xml": _urlset(f"{SITE}/b")}
    assert _found(Source("site", f"{SITE}/"), docs, Limits(max_depth=1)) == [f"{SITE}/a"]
    assert _said(warnings)[-1] == (
        f"sitemap {SITE}/deeper.xml: 1 child sitemaps not read, 2 indexes deep")


def test_a_child_sitemap_older_than_since_is_not_read(warnings):
    docs = {f"{SITE}/index.xml": _index((f"{SITE}/old.xml", "2025-01-31"),
                                        (f"{SITE}/new.xml", "2025-12-01")),
            f"{SITE}/old.xml": _urlset(f"{SITE}/old"), f"{SITE}/new.xml": _urlset(f"{SITE}/new")}
    source = Source("sitemap", f"{SITE}/index.xml", since=datetime.date(2025, 6, 1))
    web = _Web(docs)
    assert [c.url for c in discover(source, web)] == [f"{SITE}/new"]
    assert f"{SITE}/old.xml" not in web.asked
    assert _said(warnings) == [
        f"sitemap {SITE}/old.xml: unchanged since 2025-01-31 00:00:00, not read"]


def test_the_walk_names_each_document_it_gives_up(warnings):
    docs = {f"{SITE}/index.xml": _index((f"{SITE}/s1.xml.gz", None), (f"{SITE}/s2.xml", None)),
            f"{SITE}/s1.xml.gz": gzip.compress(_urlset(f"{SITE}/a"))[:-20],
            f"{SITE}/s2.xml": _urlset(f"{SITE}/b")}
    assert _found(Source("sitemap", f"{SITE}/index.xml"), docs) == [f"{SITE}/b"]
    assert _said(warnings) == [f"{SITE}/s1.xml.gz: broken gzip or over {Limits().max_inflated}"
                               " bytes decompressed, no links taken"]
    warnings.clear()
    assert _found(Source("sitemap", f"{SITE}/index.xml"), docs, Limits(max_documents=2)) == []
    assert _said(warnings) == [
        f"{SITE}/s1.xml.gz: broken gzip or over {Limits().max_inflated} bytes decompressed,"
        " no links taken", f"{SITE}/s2.xml: not fetched, the source's 2 documents are read"]


def test_a_url_list_reads_past_a_byte_that_is_no_utf8(tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_bytes(b"# caf\xe9 list\n\n" + f"{SITE}/a\n  {SITE}/b  \n".encode())
    assert _found(Source("urls", str(listing)), {}) == [f"{SITE}/a", f"{SITE}/b"]


def test_an_unreadable_url_list_is_named(tmp_path, warnings):
    assert _found(Source("urls", str(tmp_path)), {}) == []
    [said] = _said(warnings)
    assert said.startswith(f"urls file {tmp_path}: unreadable ([Errno 21] Is a directory")
    assert said.endswith("), no links taken")


def test_published_dates_are_given_in_utc_whatever_the_machines_zone(monkeypatch):
    news = (f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news='
            f'"http://www.google.com/schemas/sitemap-news/0.9"><url><loc>{SITE}/a</loc>'
            f'<news:news><news:publication><news:name>N</news:name><news:language>en'
            f'</news:language></news:publication><news:publication_date>2025-12-01T12:00:00'
            f'+02:00</news:publication_date><news:title>T</news:title></news:news></url>'
            f'</urlset>').encode()
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        [found] = discover(Source("sitemap", f"{SITE}/n.xml"), _Web({f"{SITE}/n.xml": news}))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert found.published == "2025-12-01T10:00:00+00:00"


def test_a_url_with_space_in_its_host_is_no_url_and_has_no_site():
    assert normalise_url("http://exa mple.com/a") is None
    assert site_of("no url at all") == ""
