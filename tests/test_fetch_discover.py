"""Issue 20: from a source to page URLs, through feeds, sitemaps, robots.txt and home pages.

Every document is served by a fake Getter (a dict URL -> bytes) that records what was
asked, so a test sees both what was found and what it cost; the last test goes through a
real loopback server.
"""

from __future__ import annotations

import datetime
import gzip
from pathlib import Path

import httpx
import pytest

from fetching.discover import Limits, discover, normalise_url, registered_domain
from fetching.sitemaps import inflate
from fetching.sources import Candidate, Source


class FakeWeb:
    """A Getter over a dict; None for what it does not hold, as the client gives on a 404."""

    def __init__(self, docs: dict[str, bytes | str]) -> None:
        self.docs = {url: body.encode() if isinstance(body, str) else body
                     for url, body in docs.items()}
        self.asked: list[str] = []

    def __call__(self, url: str) -> bytes | None:
        self.asked.append(url)
        return self.docs.get(url)


def urls(found: list[Candidate]) -> list[str]:
    return [c.url for c in found]


def run(source: Source, docs: dict[str, bytes | str], limits: Limits | None = None
        ) -> tuple[list[Candidate], FakeWeb]:
    web = FakeWeb(docs)
    return list(discover(source, web, limits)), web


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example News</title><link>https://www.example.co.uk/</link>
<item><title>First story</title><link>https://www.example.co.uk/news/1?utm_source=rss&amp;utm_medium=feed#comments</link>
  <pubDate>Wed, 01 May 2024 09:30:00 +0200</pubDate></item>
<item><title>Same story again</title><link>https://www.example.co.uk/news/1</link>
  <pubDate>Wed, 01 May 2024 09:30:00 +0200</pubDate></item>
<item><title>Old story</title><link>https://www.example.co.uk/news/0</link>
  <pubDate>Sun, 31 Dec 2023 23:00:00 GMT</pubDate></item>
<item><title>Undated story</title><link>/news/2?id=7</link></item>
<item><title>No link at all</title></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title><id>urn:x</id>
<updated>2024-05-02T00:00:00Z</updated>
<entry><title>Atom story</title><id>urn:1</id>
  <link rel="alternate" href="https://blog.example.org/a"/>
  <updated>2024-05-02T08:00:00Z</updated></entry>
</feed>"""

URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{}
</urlset>"""

INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{}
</sitemapindex>"""

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://example.com/world/quake</loc>
  <news:news><news:publication><news:name>Example</news:name><news:language>en</news:language>
  </news:publication><news:publication_date>2024-05-03T06:00:00+02:00</news:publication_date>
  <news:title>Quake &amp; aftermath</news:title></news:news></url>
<url><loc>https://example.com/world/old</loc>
  <news:news><news:publication><news:name>Example</news:name><news:language>en</news:language>
  </news:publication><news:publication_date>2024-04-01</news:publication_date>
  <news:title>An old one</news:title></news:news></url>
</urlset>"""

HTML_ERROR = "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>" \
             "<a href='https://example.com/x'>home</a></body></html>"


def urlset(*locs: str) -> str:
    return URLSET.format("\n".join(f"<url><loc>{loc}</loc></url>" for loc in locs))


def index(*locs: str) -> str:
    return INDEX.format("\n".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs))


# --- normalise_url ------------------------------------------------------------------

@pytest.mark.parametrize(("url", "expected"), [
    ("https://Example.COM:443/a?utm_source=x&id=3&fbclid=abc#top", "https://example.com/a?id=3"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("https://example.com/list?page=2&ref=twitter", "https://example.com/list?page=2"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("  https://example.com/a  ", "https://example.com/a"),
    ("https://user:secret@example.com/a", "https://example.com/a"),
    ("ftp://example.com/a", None),
    ("javascript:alert(1)", None),
    ("mailto:desk@example.com", None),
    ("https:///a", None),
    ("/relative/path", None),
    ("https://example.com:99999/a", None),
    ("https://example.com:port/a", None),
    ("", None),
])
def test_normalise_url(url: str, expected: str | None) -> None:
    assert normalise_url(url) == expected


def test_registered_domain() -> None:
    assert registered_domain("news.example.co.uk") == "example.co.uk"
    assert registered_domain("www.example.com") == "example.com"
    assert registered_domain("127.0.0.1") == "127.0.0.1"  # no suffix: the host itself
    assert registered_domain("localhost") == "localhost"


# --- feeds --------------------------------------------------------------------------

def test_rss_links_titles_and_dates_normalised_and_deduplicated() -> None:
    feed = "https://feeds.example.co.uk/news/rss.xml"
    found, web = run(Source("feed", feed), {feed: RSS})
    assert web.asked == [feed]
    assert found == [
        Candidate("https://www.example.co.uk/news/1", "example.co.uk", "First story",
                  "2024-05-01T07:30:00+00:00", f"feed {feed}"),
        Candidate("https://www.example.co.uk/news/0", "example.co.uk", "Old story",
                  "2023-12-31T23:00:00+00:00", f"feed {feed}"),
        # a relative link resolves against the feed's URL; no date, none made up
        Candidate("https://feeds.example.co.uk/news/2?id=7", "feeds.example.co.uk",
                  "Undated story", None, f"feed {feed}"),
    ]


def test_atom_takes_updated_when_there_is_no_published() -> None:
    feed = "https://blog.example.org/atom.xml"
    found, _ = run(Source("feed", feed, name="blog"), {feed: ATOM})
    assert found == [Candidate("https://blog.example.org/a", "blog", "Atom story",
                               "2024-05-02T08:00:00+00:00", f"feed {feed}")]


def test_since_skips_older_entries_and_keeps_undated_ones() -> None:
    feed = "https://feeds.example.co.uk/news/rss.xml"
    found, _ = run(Source("feed", feed, since=datetime.date(2024, 5, 1)), {feed: RSS})
    assert urls(found) == ["https://www.example.co.uk/news/1",  # on the day: kept
                           "https://feeds.example.co.uk/news/2?id=7"]  # no date: kept


def test_a_feed_may_list_another_domain_unless_allow_hosts_says_otherwise() -> None:
    feed = "https://feeds.example.co.uk/news/rss.xml"
    source = Source("feed", feed, allow_hosts=("example.co.uk",))
    found, _ = run(source, {feed: RSS})
    # www.example.co.uk is a subdomain of example.co.uk; feeds.example.co.uk too
    assert len(found) == 3
    source = Source("feed", feed, allow_hosts=("www.example.co.uk",))
    assert urls(run(source, {feed: RSS})[0]) == ["https://www.example.co.uk/news/1",
                                                  "https://www.example.co.uk/news/0"]


def test_max_pages_caps_what_is_taken() -> None:
    feed = "https://feeds.example.co.uk/news/rss.xml"
    found, _ = run(Source("feed", feed, max_pages=1), {feed: RSS})
    assert urls(found) == ["https://www.example.co.uk/news/1"]


@pytest.mark.parametrize("body", [
    HTML_ERROR, "", "not a feed at all", b"\x89PNG\r\n\x1a\n\x00\x00binary", "<rss><channel>",
])
def test_a_bad_feed_gives_nothing_and_does_not_raise(body: str | bytes) -> None:
    feed = "https://example.com/rss"
    assert run(Source("feed", feed), {feed: body})[0] == []


def test_a_body_naming_a_local_file_is_not_opened(tmp_path: Path) -> None:
    """feedparser, given bytes, opens a local file of that name: the body is a stream."""
    local = tmp_path / "secret-feed.xml"
    local.write_text(RSS, encoding="utf-8")
    feed = "https://example.com/rss"
    assert run(Source("feed", feed), {feed: str(local)})[0] == []


def test_a_feed_that_failed_to_download_gives_nothing() -> None:
    assert run(Source("feed", "https://example.com/rss"), {})[0] == []


# --- sitemaps -----------------------------------------------------------------------

def nested_site() -> dict[str, bytes | str]:
    """An index -> (a gzipped urlset, an index -> a urlset), as big news sites nest them."""
    return {
        "https://example.com/sitemap.xml": index("https://example.com/s/a.xml.gz",
                                                 "https://example.com/s/more.xml"),
        "https://example.com/s/a.xml.gz": gzip.compress(urlset(
            "https://example.com/a1", "https://www.example.com/a2?utm_campaign=z").encode()),
        "https://example.com/s/more.xml": index("https://example.com/s/b.xml"),
        "https://example.com/s/b.xml": urlset("https://example.com/b1", "https://example.com/a1",
                                              "https://news.example.com/b2"),
    }


def test_a_nested_index_with_a_gzipped_child_in_document_order() -> None:
    found, web = run(Source("sitemap", "https://example.com/sitemap.xml"), nested_site())
    assert urls(found) == ["https://example.com/a1", "https://www.example.com/a2",
                           "https://example.com/b1", "https://news.example.com/b2"]
    assert [c.site for c in found] == ["example.com", "example.com", "example.com",
                                       "news.example.com"]
    assert web.asked == list(nested_site())


def test_max_pages_stops_before_fetching_the_next_child() -> None:
    source = Source("sitemap", "https://example.com/sitemap.xml", max_pages=2)
    found, web = run(source, nested_site())
    assert urls(found) == ["https://example.com/a1", "https://www.example.com/a2"]
    assert web.asked == ["https://example.com/sitemap.xml", "https://example.com/s/a.xml.gz"]


def test_the_depth_cap_leaves_deeper_indexes_unread() -> None:
    source = Source("sitemap", "https://example.com/sitemap.xml")
    found, web = run(source, nested_site(), Limits(max_depth=1))
    assert "https://example.com/s/b.xml" not in web.asked
    assert urls(found) == ["https://example.com/a1", "https://www.example.com/a2"]


def test_the_documents_cap_counts_every_fetch_of_the_source() -> None:
    source = Source("sitemap", "https://example.com/sitemap.xml")
    _, web = run(source, nested_site(), Limits(max_documents=2))
    assert web.asked == ["https://example.com/sitemap.xml", "https://example.com/s/a.xml.gz"]


def test_an_index_that_lists_itself_or_its_parent_ends() -> None:
    docs = {
        "https://example.com/sitemap.xml": index("https://example.com/sitemap.xml",
                                                 "https://example.com/child.xml"),
        "https://example.com/child.xml": index("https://example.com/sitemap.xml#again",
                                               "https://example.com/pages.xml"),
        "https://example.com/pages.xml": urlset("https://example.com/p"),
    }
    found, web = run(Source("sitemap", "https://example.com/sitemap.xml"), docs)
    assert urls(found) == ["https://example.com/p"]
    assert web.asked == list(docs)  # each fetched once


def test_a_sitemap_keeps_to_its_registered_domain_by_default() -> None:
    docs = {"https://www.example.com/sitemap.xml": urlset(
        "https://www.example.com/a", "https://video.example.com/b", "https://spam.example.net/c",
        "https://example.com.evil.org/d")}
    found, _ = run(Source("sitemap", "https://www.example.com/sitemap.xml"), docs)
    assert urls(found) == ["https://www.example.com/a", "https://video.example.com/b"]
    found, _ = run(Source("sitemap", "https://www.example.com/sitemap.xml",
                          allow_hosts=("example.net",)), docs)
    assert urls(found) == ["https://spam.example.net/c"]


def test_since_skips_child_sitemaps_last_changed_before_it() -> None:
    docs = {
        "https://example.com/sitemap.xml": INDEX.format("".join(
            f"<sitemap><loc>https://example.com/{name}.xml</loc>{mod}</sitemap>"
            for name, mod in (("2023-12", "<lastmod>2023-12-31T23:59:59Z</lastmod>"),
                              ("2024-05", "<lastmod>2024-05-20</lastmod>"),
                              ("undated", ""), ("garbled", "<lastmod>soon</lastmod>")))),
        "https://example.com/2023-12.xml": urlset("https://example.com/dec"),
        "https://example.com/2024-05.xml": urlset("https://example.com/may"),
        "https://example.com/undated.xml": urlset("https://example.com/u"),
        "https://example.com/garbled.xml": urlset("https://example.com/g"),
    }
    source = Source("sitemap", "https://example.com/sitemap.xml", since=datetime.date(2024, 1, 1))
    found, web = run(source, docs)
    assert "https://example.com/2023-12.xml" not in web.asked
    assert urls(found) == ["https://example.com/may", "https://example.com/u",
                           "https://example.com/g"]
    # without since, every child is read
    assert len(run(Source("sitemap", "https://example.com/sitemap.xml"), docs)[0]) == 4


def test_a_news_sitemap_gives_title_and_publication_date() -> None:
    sitemap = "https://example.com/news-sitemap.xml"
    found, _ = run(Source("sitemap", sitemap, name="ex"), {sitemap: NEWS})
    assert found == [
        Candidate("https://example.com/world/quake", "ex", "Quake & aftermath",
                  "2024-05-03T04:00:00+00:00", f"sitemap {sitemap}"),
        Candidate("https://example.com/world/old", "ex", "An old one",
                  "2024-04-01T00:00:00+00:00", f"sitemap {sitemap}"),
    ]
    found, _ = run(Source("sitemap", sitemap, since=datetime.date(2024, 5, 1)), {sitemap: NEWS})
    assert urls(found) == ["https://example.com/world/quake"]


def test_lastmod_is_the_date_of_a_plain_sitemap() -> None:
    sitemap = "https://example.com/sitemap.xml"
    body = URLSET.format("<url><loc>https://example.com/new</loc><lastmod>2024-05-02</lastmod>"
                         "</url><url><loc>https://example.com/old</loc>"
                         "<lastmod>2023-01-01T10:00:00+00:00</lastmod></url>"
                         "<url><loc>https://example.com/never</loc></url>")
    found, _ = run(Source("sitemap", sitemap, since=datetime.date(2024, 1, 1)), {sitemap: body})
    assert [(c.url, c.published) for c in found] == [
        ("https://example.com/new", "2024-05-02T00:00:00+00:00"),
        ("https://example.com/never", None)]


def test_a_bad_child_costs_its_own_links_only() -> None:
    bomb = gzip.compress(b"<" + b" " * (2 * 1024 * 1024))  # 2 MB from 2 kB
    docs = {
        "https://example.com/sitemap.xml": index(*(f"https://example.com/{n}" for n in (
            "html.xml", "bomb.xml.gz", "cut.xml.gz", "fake.xml.gz", "missing.xml", "text.xml",
            "good.xml"))),
        "https://example.com/html.xml": HTML_ERROR,
        "https://example.com/bomb.xml.gz": bomb,
        "https://example.com/cut.xml.gz": gzip.compress(urlset("https://example.com/c").encode())[:60],
        "https://example.com/fake.xml.gz": b"\x1f\x8bnot gzip at all",
        "https://example.com/text.xml": b"\x00\x01\x02 binary",
        "https://example.com/good.xml": urlset("https://example.com/good"),
    }
    found, web = run(Source("sitemap", "https://example.com/sitemap.xml"), docs,
                     Limits(max_inflated=1024 * 1024))
    assert urls(found) == ["https://example.com/good"]
    assert len(web.asked) == 8


def test_inflate() -> None:
    assert inflate(b"<urlset/>", 10) == b"<urlset/>"  # not gzip: as it is
    assert inflate(gzip.compress(b"x" * 100), 100) == b"x" * 100
    assert inflate(gzip.compress(b"x" * 101), 100) is None  # over the cap
    assert inflate(gzip.compress(b"x" * 100)[:-8], 100) is None  # cut short
    assert inflate(b"\x1f\x8b" + b"\x00" * 20, 100) is None  # broken


def test_a_plain_text_sitemap() -> None:
    sitemap = "https://example.com/sitemap.txt"
    body = "https://example.com/t1\nhttps://example.com/t2\n"
    assert urls(run(Source("sitemap", sitemap), {sitemap: body})[0]) == [
        "https://example.com/t1", "https://example.com/t2"]


# --- sites --------------------------------------------------------------------------

ROBOTS = """User-agent: *
Disallow: /private/
Crawl-delay: 2
Sitemap: https://www.example.com/sitemap-news.xml
sitemap: /sitemap-relative.xml
"""

HOME = """<!DOCTYPE html><html><head><title>Example</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" hreflang="fr" href="https://fr.example.com/">
<link rel="alternate" type="application/rss+xml" title="Top" href="/rss/top.xml">
<link rel="Alternate Feed" type="Application/Atom+XML; charset=utf-8" href="https://www.example.com/atom">
<link rel="alternate" type="application/rss+xml" href="/rss/top.xml">
</head><body><a href="/rss/other.xml">RSS</a></body></html>"""


def site_docs() -> dict[str, bytes | str]:
    return {
        "https://www.example.com/robots.txt": ROBOTS,
        "https://www.example.com/": HOME,
        "https://www.example.com/rss/top.xml": RSS.replace("www.example.co.uk", "www.example.com"),
        "https://www.example.com/atom": ATOM.replace("blog.example.org", "www.example.com"),
        "https://www.example.com/sitemap-news.xml": NEWS,
        "https://www.example.com/sitemap-relative.xml": urlset("https://www.example.com/r",
                                                               "https://other.org/x"),
    }


def test_a_site_reads_its_home_page_feeds_then_its_robots_sitemaps() -> None:
    found, web = run(Source("site", "https://www.example.com/"), site_docs())
    assert web.asked == ["https://www.example.com/robots.txt", "https://www.example.com/",
                         "https://www.example.com/rss/top.xml", "https://www.example.com/atom",
                         "https://www.example.com/sitemap-news.xml",
                         "https://www.example.com/sitemap-relative.xml"]
    assert urls(found) == [
        "https://www.example.com/news/1", "https://www.example.com/news/0",
        "https://www.example.com/news/2?id=7", "https://www.example.com/a",  # feeds
        "https://example.com/world/quake", "https://example.com/world/old",  # news sitemap
        "https://www.example.com/r"]  # other.org is not the site's
    assert {c.source for c in found} == {"site https://www.example.com/"}


def test_a_site_without_robots_still_reads_its_feeds() -> None:
    docs = site_docs()
    del docs["https://www.example.com/robots.txt"]
    found, web = run(Source("site", "https://www.example.com/"), docs)
    assert len(found) == 4
    assert "https://www.example.com/sitemap-news.xml" not in web.asked


def test_a_site_with_neither_gives_nothing() -> None:
    docs = {"https://www.example.com/robots.txt": "User-agent: *\nDisallow:\n",
            "https://www.example.com/": "<html><body>Hello</body></html>"}
    found, web = run(Source("site", "https://www.example.com/"), docs)
    assert found == [] and len(web.asked) == 2


def test_a_site_whose_home_page_is_binary_gives_nothing() -> None:
    docs = {"https://www.example.com/": b"\x00\xff\xfe garbage"}
    assert run(Source("site", "https://www.example.com/"), docs)[0] == []


# --- URL lists ----------------------------------------------------------------------

def test_a_url_list(tmp_path: Path) -> None:
    listed = tmp_path / "urls.txt"
    listed.write_text("# today's picks\n\nhttps://www.example.com/a?utm_source=mail\n"
                      "  https://example.org/b  \nnot a url\nftp://example.com/c\n"
                      "https://www.example.com/a\n", encoding="utf-8")
    found, web = run(Source("urls", str(listed)), {})
    assert web.asked == []  # a list is read from disk, never fetched
    assert [(c.url, c.site) for c in found] == [("https://www.example.com/a", "example.com"),
                                                ("https://example.org/b", "example.org")]
    found, _ = run(Source("urls", str(listed), name="picks", allow_hosts=("example.org",)), {})
    assert [(c.url, c.site) for c in found] == [("https://example.org/b", "picks")]


def test_credentials_never_reach_a_candidate_or_the_log(caplog) -> None:
    sitemap = "https://user:secret@example.com/sitemap.xml"
    docs = {"https://example.com/sitemap.xml": index("https://u:p@example.com/child.xml"),
            "https://example.com/child.xml": "<html>no sitemap</html>"}
    web = FakeWeb(docs)
    found = list(discover(Source("sitemap", sitemap), web))
    assert found == [] and web.asked == list(docs)
    assert "https://example.com/child.xml" in caplog.text  # the warning names the document
    assert "secret" not in caplog.text and "u:p@" not in caplog.text
    feed = "https://feeds.example.co.uk/news/rss.xml"
    found, _ = run(Source("feed", "https://me:secret@feeds.example.co.uk/news/rss.xml"),
                   {feed: RSS.replace("https://www.", "https://me:pw@www.")})
    assert found[0].url == "https://www.example.co.uk/news/1"
    assert found[0].source == f"feed {feed}"


def test_a_url_list_that_vanished_gives_nothing(tmp_path: Path) -> None:
    assert run(Source("urls", str(tmp_path / "gone.txt")), {})[0] == []


# --- through a real loopback server -------------------------------------------------

def test_discovery_through_a_loopback_server(httpserver) -> None:
    base = httpserver.url_for("/").rstrip("/")
    httpserver.expect_request("/robots.txt").respond_with_data(
        f"User-agent: *\nSitemap: {base}/index.xml\n", content_type="text/plain")
    httpserver.expect_request("/").respond_with_data(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feed">'
        "</head></html>", content_type="text/html")
    httpserver.expect_request("/feed").respond_with_data(
        RSS.replace("https://www.example.co.uk", base), content_type="application/rss+xml")
    httpserver.expect_request("/index.xml").respond_with_data(
        index(f"{base}/pages.xml.gz"), content_type="application/xml")
    httpserver.expect_request("/pages.xml.gz").respond_with_data(
        gzip.compress(urlset(f"{base}/news/1", f"{base}/news/9").encode()),
        content_type="application/x-gzip")

    def get(url: str) -> bytes | None:
        response = httpx.get(url, timeout=5)
        return response.content if response.status_code == 200 else None

    found = list(discover(Source("site", base + "/"), get))
    assert urls(found) == [f"{base}/news/1", f"{base}/news/0", f"{base}/news/2?id=7",
                           f"{base}/news/9"]
    assert {c.site for c in found} == {"localhost" if "localhost" in base else "127.0.0.1"}
