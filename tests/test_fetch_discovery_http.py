"""Discovery through the real client against a loopback server: a site's robots.txt
``Sitemap:`` line to a gzipped sitemap index, its nested and news sitemaps, and a feed
its home page links to; every URL found ends fetched, with the feed's and the news
sitemap's titles and dates in the sidecars."""

from __future__ import annotations

import gzip
import json

from helpers.fetchsite import HTML, outcomes, run_fetch, settings

from fetching.sources import Source

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


def _site(server) -> dict[str, str]:
    u = server.url_for
    server.expect_request("/robots.txt").respond_with_data(
        f"User-agent: *\nDisallow: /private/\nSitemap: {u('/sitemap_index.xml.gz')}\n",
        content_type="text/plain")
    index = (f"<?xml version='1.0'?><sitemapindex xmlns='{NS}'>"
             f"<sitemap><loc>{u('/sitemap-news.xml')}</loc></sitemap>"
             f"<sitemap><loc>{u('/nested/index.xml')}</loc></sitemap></sitemapindex>")
    server.expect_request("/sitemap_index.xml.gz").respond_with_data(
        gzip.compress(index.encode()), content_type="application/gzip")
    server.expect_request("/nested/index.xml").respond_with_data(
        f"<?xml version='1.0'?><sitemapindex xmlns='{NS}'><sitemap><loc>"
        f"{u('/nested/pages.xml')}</loc></sitemap></sitemapindex>",
        content_type="application/xml")
    server.expect_request("/nested/pages.xml").respond_with_data(
        f"<?xml version='1.0'?><urlset xmlns='{NS}'><url><loc>{u('/old/1')}</loc>"
        f"<lastmod>2025-11-02</lastmod></url><url><loc>{u('/private/1')}</loc></url>"
        "</urlset>", content_type="application/xml")
    server.expect_request("/sitemap-news.xml").respond_with_data(
        f"<?xml version='1.0'?><urlset xmlns='{NS}' xmlns:news='{NEWS}'><url>"
        f"<loc>{u('/news/1')}</loc><news:news><news:publication><news:name>Local</news:name>"
        "<news:language>en</news:language></news:publication><news:publication_date>"
        "2025-12-01T09:00:00+00:00</news:publication_date><news:title>News one</news:title>"
        "</news:news></url></urlset>", content_type="application/xml")
    server.expect_request("/").respond_with_data(
        "<html><head><link rel='alternate' type='application/atom+xml' href='/atom.xml'>"
        "</head><body>home</body></html>", content_type="text/html")
    server.expect_request("/atom.xml").respond_with_data(
        "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>L</title>"
        f"<entry><title>Feed one</title><link href='{u('/feed/1')}'/><id>1</id>"
        "<updated>2025-12-02T08:00:00Z</updated></entry></feed>",
        content_type="application/atom+xml")
    pages = {}
    for path in ("/old/1", "/private/1", "/news/1", "/feed/1"):
        server.expect_request(path).respond_with_data(HTML.format(path),
                                                      content_type="text/html")
        pages[path] = u(path)
    return pages


def test_a_site_source_reaches_every_kind_of_document(httpserver, tmp_path):
    pages = _site(httpserver)
    summary = run_fetch(tmp_path, [Source("site", httpserver.url_for("/"), name="local")],
                        settings(delay=0.0))
    got = outcomes(summary)
    assert got == {pages["/old/1"]: "saved", pages["/private/1"]: "robots_disallowed",
                   pages["/news/1"]: "saved", pages["/feed/1"]: "saved"}, got
    metas = {json.loads(p.read_text())["url"]: json.loads(p.read_text())
             for p in (tmp_path / "raw").rglob("*.meta.json")}
    assert metas[pages["/news/1"]]["title"] == "News one"
    assert metas[pages["/news/1"]]["published"].startswith("2025-12-01T09:00")
    assert metas[pages["/feed/1"]]["title"] == "Feed one"
    robots_requests = [r for r, _ in httpserver.log if r.path == "/robots.txt"]
    assert len(robots_requests) == 1  # read once, for the policy and the Sitemap: lines
