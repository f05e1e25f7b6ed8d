"""Issue 20's "done when", on a local fixture: 1,000 pages over 20 hosts reached through
feeds, sitemaps (a gzipped index) and URL lists; ``winnow fetch --clean`` saves every
allowed page, skips every disallowed one with its reason, keeps each host's delay, and
writes records with ``url`` and ``fetched_at``; a second run sends conditional requests
and saves nothing new."""

from __future__ import annotations

import gzip
import json
import threading
import time
from pathlib import Path

from helpers.fetchsite import gaps
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from flows.cli import main

REPO = Path(__file__).resolve().parents[1]
SAMPLES = [p.read_bytes() for p in sorted((REPO / "raw").glob("*.txt"))]
HOSTS, FEED, SITEMAP, LISTED, BLOCKED = 20, 15, 20, 15, 2  # 50 pages a host, 2 disallowed
DELAY = 0.1
# The delay is held exactly on the client's clock (``Host.starts``). The server's clock
# cannot show it: a handler notes an arrival when its thread gets to it, and on two busy
# cores a note came 70 ms late, shortening the next gap. What the server can show is that
# no two requests to one host were ever in its handlers at once: each handler holds its
# request for HOLD seconds and counts how many it holds.
HOLD = 0.01
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


class Host:
    def __init__(self, n: int) -> None:
        self.n = n
        self.server = HTTPServer(host="127.0.0.1", port=0)
        self.conditional = 0
        self.lock = threading.Lock()
        self.held = 0
        self.most_held = 0

    def start(self) -> tuple[list[str], list[str], list[str]]:
        """Serve the host; return (allowed page URLs, disallowed ones, URL-list lines)."""
        s = self.server
        s.start()
        u = s.url_for
        s.expect_request("/robots.txt").respond_with_handler(self._doc(
            "User-agent: *\nDisallow: /blocked/\n", "text/plain"))
        feed = [f"/feed/{i}" for i in range(FEED)]
        mapped = [f"/map/{i}" for i in range(SITEMAP - BLOCKED)]
        blocked = [f"/blocked/{i}" for i in range(BLOCKED)]
        listed = [f"/list/{i}" for i in range(LISTED)]
        items = "".join(f"<item><title>T{p}</title><link>{u(p)}</link></item>" for p in feed)
        s.expect_request("/rss").respond_with_handler(self._doc(
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>H</title>{items}"
            "</channel></rss>", "application/rss+xml"))
        urls = "".join(f"<url><loc>{u(p)}</loc></url>" for p in mapped + blocked)
        s.expect_request("/pages.xml").respond_with_handler(self._doc(
            f"<?xml version='1.0'?><urlset xmlns='{NS}'>{urls}</urlset>", "application/xml"))
        index = (f"<?xml version='1.0'?><sitemapindex xmlns='{NS}'><sitemap>"
                 f"<loc>{u('/pages.xml')}</loc></sitemap></sitemapindex>")
        s.expect_request("/index.xml.gz").respond_with_handler(self._doc(
            gzip.compress(index.encode()), "application/gzip"))
        for i, path in enumerate(feed + mapped + blocked + listed):
            s.expect_request(path).respond_with_handler(self._page(i))
        return ([u(p) for p in feed + mapped + listed], [u(p) for p in blocked],
                [u(p) for p in listed])

    def _note(self, request: Request) -> None:
        """Count the request as in the handler for HOLD s (and a conditional one)."""
        with self.lock:
            if request.headers.get("If-None-Match"):
                self.conditional += 1
            self.held += 1
            self.most_held = max(self.most_held, self.held)
        time.sleep(HOLD)
        with self.lock:
            self.held -= 1

    def _doc(self, body: str | bytes, content_type: str):
        def handler(request: Request) -> Response:
            self._note(request)
            return Response(body, content_type=content_type)

        return handler

    def _page(self, i: int):
        etag = f'"h{self.n}-p{i}"'
        body = SAMPLES[i % len(SAMPLES)] + f"\n\nPage {i} of host {self.n}.\n".encode()

        def handler(request: Request) -> Response:
            self._note(request)
            if request.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag})
            return Response(body, content_type="text/plain; charset=utf-8",
                            headers={"ETag": etag})

        return handler


def _settings(tmp_path: Path, hosts: list[Host], lists: list[list[str]]) -> Path:
    lines = ["[fetch]", "allow_private = true", f"delay = {DELAY}", "concurrency = 8", ""]
    for host, listed in zip(hosts, lists, strict=True):
        name = f"host{host.n}"
        (tmp_path / f"{name}.txt").write_text("\n".join(listed) + "\n")
        u = host.server.url_for
        lines += ["[[fetch.sources]]", f'feed = "{u("/rss")}"', f'name = "{name}"', "",
                  "[[fetch.sources]]", f'sitemap = "{u("/index.xml.gz")}"', f'name = "{name}"',
                  "", "[[fetch.sources]]", f'urls = "{name}.txt"', f'name = "{name}"', ""]
    path = tmp_path / "winnow.toml"
    path.write_text("\n".join(lines))
    return path


def test_a_thousand_pages_over_twenty_hosts(prefect_server, tmp_path, capsys, monkeypatch):
    import fetching.polite

    polites: list[fetching.polite.Polite] = []
    real_init = fetching.polite.Polite.__init__

    def seen(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        polites.append(self)

    monkeypatch.setattr(fetching.polite.Polite, "__init__", seen)
    hosts = [Host(n) for n in range(HOSTS)]
    allowed, blocked, lists = [], [], []
    try:
        for host in hosts:
            ok, no, listed = host.start()
            allowed += ok
            blocked += no
            lists.append(listed)
        settings = _settings(tmp_path, hosts, lists)
        raw, out = tmp_path / "raw", tmp_path / "clean"
        args = ["fetch", "--settings", str(settings), "--raw", str(raw), "--out", str(out),
                "--clean"]
        assert main(args) == 0
        first = capsys.readouterr().out
        assert len(allowed) == 1000 - HOSTS * BLOCKED
        assert f"{len(allowed) + len(blocked)} URLs: {len(allowed)} saved," \
               f" {len(blocked)} robots_disallowed" in first, first
        for host in hosts:
            assert host.most_held == 1, host.n  # never two requests to a host at once
        client_hosts = [h for p in polites for h in p.hosts() if len(h.starts) > 1]
        assert len(client_hosts) >= HOSTS
        for host in client_hosts:
            assert min(gaps(host.starts)) >= DELAY, host
        records = [json.loads(line) for part in out.glob("articles/*/*.jsonl")
                   for line in part.read_text().splitlines()]
        rejects = [json.loads(line) for part in out.glob("rejects/*/*.jsonl")
                   for line in part.read_text().splitlines()]
        assert len(records) + len(rejects) == len(allowed)
        assert records and all(r["url"] and r["fetched_at"] for r in records)
        assert {r["url"] for r in records} <= set(allowed)
        log = [json.loads(x) for x in next((out / "_fetch").glob("*.jsonl")).read_text()
               .splitlines() if '"url"' in x]
        assert {x["url"] for x in log if x["outcome"] == "robots_disallowed"} == set(blocked)

        assert main(args) == 0
        second = capsys.readouterr().out
        assert f"{len(allowed)} not_modified, {len(blocked)} robots_disallowed" in second
        assert sum(h.conditional for h in hosts) == len(allowed)
        # nothing saved, so nothing cleaned: no second run's part files
        assert len({p.parent.name for p in out.glob("*/*/part-*.jsonl")}) == 1
    finally:
        for host in hosts:
            host.server.stop()
