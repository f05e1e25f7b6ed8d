"""``winnow fetch``: settings checked before anything starts, and ``--clean`` fetching a
local site through a feed, a sitemap and a URL list, then cleaning exactly what it saved
into records that carry ``url`` and ``fetched_at``; a second run saves nothing new."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.fetchsite import HTML

from flows.cli import main

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "raw").glob("*.txt"))


def _settings(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "winnow.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("body, message", [
    ("[limits]\npage_timeout = 5\n", "no [fetch] table"),
    ("[fetch]\ndelay = 1\n", "names no sources"),
    ("[fetch]\ndelay = -1\n[[fetch.sources]]\nfeed = 'http://example.org/rss'\n",
     "delay: must be at least 0"),
    ("[fetch]\n[[fetch.sources]]\nnews = 'http://example.org/rss'\n", "news"),
    ("[fetch\n", "settings"),
])
def test_bad_settings_are_a_usage_error(tmp_path, capsys, body, message):
    code = main(["fetch", "--settings", str(_settings(tmp_path, body)),
                 "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "clean")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err


def test_missing_settings_file_is_a_usage_error(tmp_path, capsys):
    assert main(["fetch", "--settings", str(tmp_path / "nope.toml")]) == 2
    assert "cannot read settings" in capsys.readouterr().err


def _site(server) -> dict[str, str]:
    """A small news site: two stories in its feed, two in its sitemap, one in a URL list,
    one the robots.txt forbids. Returns URL -> the sample served there."""
    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /secret/\n", content_type="text/plain")
    paths = [f"/news/{i}" for i in range(4)] + ["/listed/0", "/secret/0"]
    served = {}
    for path, sample in zip(paths, SAMPLES + SAMPLES[:1], strict=True):
        server.expect_request(path).respond_with_data(sample.read_bytes(),
                                                      content_type="text/plain; charset=utf-8")
        served[server.url_for(path)] = sample.name
    items = "".join(f"<item><title>Story {i}</title><link>{server.url_for(f'/news/{i}')}</link>"
                    f"<pubDate>Mon, 01 Dec 2025 10:0{i}:00 GMT</pubDate></item>"
                    for i in range(2))
    server.expect_request("/rss").respond_with_data(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>N</title>{items}"
        "</channel></rss>", content_type="application/rss+xml")
    urls = "".join(f"<url><loc>{server.url_for(p)}</loc></url>"
                   for p in ("/news/2", "/news/3", "/secret/0"))
    server.expect_request("/sitemap.xml").respond_with_data(
        "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"{urls}</urlset>", content_type="application/xml")
    server.expect_request("/home").respond_with_data(HTML.format("home"),
                                                     content_type="text/html")
    return served


def test_fetch_clean_end_to_end(prefect_server, httpserver, tmp_path, capsys):
    served = _site(httpserver)
    (tmp_path / "list.txt").write_text(httpserver.url_for("/listed/0") + "\n")
    settings = _settings(tmp_path, f"""
[fetch]
allow_private = true
delay = 0.05
contact = "tests@example.org"

[[fetch.sources]]
feed = "{httpserver.url_for('/rss')}"
name = "local"

[[fetch.sources]]
sitemap = "{httpserver.url_for('/sitemap.xml')}"
name = "local"

[[fetch.sources]]
urls = "list.txt"
name = "local"
""")
    raw, out = tmp_path / "raw", tmp_path / "clean"
    args = ["fetch", "--settings", str(settings), "--raw", str(raw), "--out", str(out)]
    assert main([*args, "--clean"]) == 0
    printed = capsys.readouterr().out
    assert "6 URLs: 5 saved, 1 robots_disallowed" in printed, printed
    records = [json.loads(line) for part in out.glob("articles/*/*.jsonl")
               for line in part.read_text().splitlines()]
    assert len(records) == 5
    assert {r["url"] for r in records} == {u for u in served if "/secret/" not in u}
    assert all(r["fetched_at"] for r in records)
    titles = {json.loads(p.read_text()).get("title") for p in raw.rglob("*.meta.json")}
    assert {"Story 0", "Story 1"} <= titles  # the feed's titles reach the sidecars
    log = [json.loads(x) for x in next((out / "_fetch").glob("*.jsonl")).read_text()
           .splitlines()]
    secret = next(x for x in log if x.get("url", "").endswith("/secret/0"))
    assert secret["outcome"] == "robots_disallowed"

    files = sorted(p for p in raw.rglob("*") if p.is_file())
    assert main([*args, "--clean"]) == 0
    printed = capsys.readouterr().out
    assert "6 URLs: 5 not_modified, 1 robots_disallowed" in printed, printed
    assert "nothing" in printed or "records" not in printed.split("\n", 2)[-1]
    assert sorted(p for p in raw.rglob("*") if p.is_file()) == files


def test_serve_with_sources_deploys_fetch_then_clean(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client

    from flows.schedule import build_deployment

    fetch = {"fetch_settings": {"sources": [{"feed": "http://example.org/rss"}]},
             "settings_dir": str(tmp_path)}
    deployment = build_deployment("0 * * * *", raw=str(tmp_path / "raw"),
                                  out=str(tmp_path / "clean"), name="test-fetch", fetch=fetch)
    deployment.apply()
    with get_client(sync_client=True) as client:
        found = client.read_deployment_by_name("fetch_pages/test-fetch")
    assert found.parameters["clean"] is True
    assert found.parameters["fetch_settings"] == fetch["fetch_settings"]
    assert found.schedules[0].schedule.cron == "0 * * * *"
