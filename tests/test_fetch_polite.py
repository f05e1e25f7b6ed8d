"""Politeness, read from the server's side: robots.txt obeyed for Winnow's user agent,
the delay between request starts (Crawl-delay or the setting) never broken, hosts in
parallel, a failing host paused instead of hammered. No test here times the fetch's
speed: each reads the gaps between request arrivals the server recorded."""

from __future__ import annotations

import re

import pytest
from helpers.fetchsite import (
    HTML,
    Clock,
    gaps,
    log_lines,
    no_robots,
    outcomes,
    run_fetch,
    settings,
    urls_source,
)
from pytest_httpserver import HTTPServer

from fetching.settings import FetchSettings, SettingsError


# The client's own send times (``Host.starts``) are held to the delay exactly. The server
# notes a request's arrival after its thread has started and parsed it: usually a few
# milliseconds late, but 40-70 ms on a loaded machine (make test runs a worker per CPU),
# which shortens the next gap on the server's clock. So the server's clock is only asked
# to show the requests were spread out, at least half the delay apart: a client that kept
# no delay would send them within milliseconds.
def spread(delay: float) -> float:
    return delay / 2

ROBOTS = """User-agent: *
Disallow: /private/

User-agent: Winnow
Disallow: /members/
Crawl-delay: 0.3
"""


def test_robots_disallow_is_obeyed_for_winnows_agent(httpserver, tmp_path):
    clock = Clock()
    httpserver.expect_request("/robots.txt").respond_with_data(ROBOTS,
                                                               content_type="text/plain")
    for path in ("/members/1", "/private/1", "/open/1"):
        httpserver.expect_request(path).respond_with_handler(clock.page(HTML.format(path)))
    urls = [httpserver.url_for(p) for p in ("/members/1", "/private/1", "/open/1")]
    summary = run_fetch(tmp_path, [urls_source(tmp_path, urls)], settings())
    got = outcomes(summary)
    assert got[urls[0]] == "robots_disallowed"  # the Winnow group
    # the Winnow group replaces the * group for Winnow (RFC 9309): /private/ is allowed
    assert got[urls[1]] == "saved" and got[urls[2]] == "saved"
    assert "/members/1" not in clock.times
    line = next(x for x in log_lines(summary) if x.get("url") == urls[0])
    assert "Winnow" in line["detail"]


def test_unreachable_robots_txt_allows_nothing(httpserver, tmp_path):
    httpserver.expect_request("/robots.txt").respond_with_data("down", status=503)
    httpserver.expect_request("/a").respond_with_data(HTML.format("a"))
    url = httpserver.url_for("/a")
    summary = run_fetch(tmp_path, [urls_source(tmp_path, [url])], settings(retries=0))
    assert outcomes(summary)[url] == "robots_disallowed"
    assert [r.path for r, _ in httpserver.log] == ["/robots.txt"]


def test_crawl_delay_is_respected_between_request_starts(httpserver, tmp_path):
    clock = Clock()
    httpserver.expect_request("/robots.txt").respond_with_handler(
        clock.page(ROBOTS, content_type="text/plain"))
    paths = [f"/open/{i}" for i in range(5)]
    for path in paths:
        httpserver.expect_request(path).respond_with_handler(clock.page(HTML.format(path)))
    urls = [httpserver.url_for(p) for p in paths]
    polite = []
    summary = run_fetch(tmp_path, [urls_source(tmp_path, urls)],
                        settings(delay=0.0, concurrency=4), polite_hook=polite.append)
    assert summary.counts == {"saved": 5}
    # robots.txt itself came before the Crawl-delay was known: the gaps that count are
    # those between page requests
    page_times = [t for p in paths for t in clock.times[p]]
    assert min(gaps(page_times)) >= spread(0.3), gaps(page_times)
    (host,) = polite[0].hosts()
    assert min(gaps(host.starts[1:])) >= 0.3


def test_per_host_delay_and_hosts_in_parallel(tmp_path):
    """Three hosts, four pages each, delay 0.25 s: on each host no two requests start
    closer than the delay, while the hosts' requests interleave (many hosts at once)."""
    servers, clocks, urls = [], [], []
    try:
        for _ in range(3):
            server = HTTPServer(host="127.0.0.1", port=0)
            server.start()
            clock = Clock()
            server.expect_request("/robots.txt").respond_with_handler(
                clock.page("", status=404))
            for i in range(4):
                server.expect_request(f"/p{i}").respond_with_handler(
                    clock.page(HTML.format(i)))
                urls.append(server.url_for(f"/p{i}"))
            servers.append(server)
            clocks.append(clock)
        polite = []
        summary = run_fetch(tmp_path, [urls_source(tmp_path, urls)],
                            settings(delay=0.25, concurrency=3), polite_hook=polite.append)
    finally:
        for server in servers:
            server.stop()
    assert summary.counts == {"saved": 12}
    for clock in clocks:
        assert min(gaps(clock.all_times())) >= spread(0.25)  # robots.txt included
    for host in polite[0].hosts():
        assert len(host.starts) == 5 and min(gaps(host.starts)) >= 0.25
    starts = sorted((t, i) for i, c in enumerate(clocks) for t in c.all_times())
    first_five = {i for _, i in starts[:5]}
    assert first_five == {0, 1, 2}  # every host started before any host's third request


def test_a_failing_host_is_paused_not_hammered(httpserver, tmp_path):
    no_robots(httpserver)
    httpserver.expect_request(re.compile("^/down/")).respond_with_data("x", status=500)
    urls = [httpserver.url_for(f"/down/{i}") for i in range(10)]
    summary = run_fetch(tmp_path, [urls_source(tmp_path, urls)],
                        settings(retries=1, max_host_failures=3))
    assert summary.counts == {"http_500": 3, "host_paused": 7}  # only 3 were requested
    requests = [r for r, _ in httpserver.log if r.path.startswith("/down/")]
    assert len(requests) == 3 * 2  # three URLs, each tried twice; the host then paused
    paused = [x for x in log_lines(summary) if x["outcome"] == "host_paused"]
    assert len(paused) == 7 and all("http_500" in x["detail"] for x in paused)


def test_the_user_agent_is_honest_and_carries_the_contact(httpserver, tmp_path):
    clock = Clock()
    no_robots(httpserver)
    httpserver.expect_request("/a").respond_with_handler(clock.page(HTML.format("a")))
    run_fetch(tmp_path, [urls_source(tmp_path, [httpserver.url_for("/a")])],
              settings(contact="ops@example.org"))
    agent = clock.headers["/a"][0]["User-Agent"]
    assert agent.startswith("Winnow/") and "ops@example.org" in agent


@pytest.mark.parametrize("table, message", [
    ({"delay": -1}, "delay: must be at least 0"),
    ({"concurrency": 0}, "concurrency: must be above 0"),
    ({"concurrency": 2.5}, "whole number"),
    ({"allow_private": "yes"}, "true or false"),
    ({"timeout": "fast"}, "must be a number"),
    ({"contact": ""}, "contact"),
    ({"user_agent": "two\nlines"}, "one-line"),
    ({"speed": 3}, "speed: unknown setting"),
])
def test_bad_settings_name_the_setting(table, message):
    with pytest.raises(SettingsError, match=message):
        FetchSettings.from_table(table)


def test_settings_from_a_table():
    got = FetchSettings.from_table({"delay": 2, "concurrency": 16, "allow_private": True,
                                    "contact": "me@example.org", "sources": []})
    assert got.delay == 2.0 and got.concurrency == 16 and got.allow_private
    assert got.robots_agent == "Winnow"


def test_a_redirect_hop_meets_robots_and_waits_its_turn(httpserver, tmp_path):
    """A redirect is a request like any other: into a disallowed path it is refused, and
    a hop to the same host keeps the delay after the request that redirected."""
    clock = Clock()
    httpserver.expect_request("/robots.txt").respond_with_handler(
        clock.page(ROBOTS, content_type="text/plain"))
    httpserver.expect_request("/to-members").respond_with_handler(
        clock.page("", status=302, Location="/members/x"))
    httpserver.expect_request("/hop").respond_with_handler(
        clock.page("", status=301, Location="/open/landing"))
    httpserver.expect_request("/open/landing").respond_with_handler(
        clock.page(HTML.format("landing")))
    urls = [httpserver.url_for("/to-members"), httpserver.url_for("/hop")]
    polite = []
    summary = run_fetch(tmp_path, [urls_source(tmp_path, urls)], settings(concurrency=1),
                        polite_hook=polite.append)
    got = outcomes(summary)
    assert got == {urls[0]: "robots_disallowed", urls[1]: "saved"}
    assert "/members/x" not in clock.times
    hop, landing = clock.times["/hop"][0], clock.times["/open/landing"][0]
    assert landing - hop >= spread(0.3)  # the Crawl-delay, between the two hops
    (host,) = polite[0].hosts()  # robots.txt, /to-members, /hop, /open/landing
    assert len(host.starts) == 4 and min(gaps(host.starts[1:])) >= 0.3
