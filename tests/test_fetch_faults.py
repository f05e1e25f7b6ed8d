"""Every fault a web server can throw at ``winnow fetch`` ends as its reason in the fetch
log, and nothing else is lost: all against pytest-httpserver on 127.0.0.1."""

from __future__ import annotations

import gzip
import ipaddress
import json
import os
import socket
import struct
import time

import pytest
from helpers.fetchsite import (
    HTML,
    Clock,
    log_lines,
    no_robots,
    outcomes,
    run_fetch,
    saved_files,
    settings,
    urls_source,
)
from werkzeug import Request, Response

from fetching import safety
from fetching.client import ClientLimits, SafeClient


def one(httpserver, tmp_path, path: str, **changes) -> tuple[str, dict]:
    """Fetch one path of the server; its outcome and its log line."""
    url = httpserver.url_for(path)
    summary = run_fetch(tmp_path, [urls_source(tmp_path, [url])], settings(**changes))
    line = next(x for x in log_lines(summary) if x.get("url") == url)
    return line["outcome"], line


def test_a_page_is_saved_with_its_sidecar(httpserver, tmp_path):
    no_robots(httpserver)
    httpserver.expect_request("/a").respond_with_data(HTML.format("A"),
                                                      content_type="text/html; charset=utf-8")
    outcome, line = one(httpserver, tmp_path, "/a")
    assert outcome == "saved"
    page, sidecar = saved_files(tmp_path)
    assert sidecar.name == page.name + ".meta.json" and page.read_text() == HTML.format("A")


def test_slow_response_is_a_timeout(httpserver, tmp_path):
    no_robots(httpserver)
    httpserver.expect_request("/slow").respond_with_handler(
        lambda request: (time.sleep(1.5), Response("late"))[1])
    outcome, line = one(httpserver, tmp_path, "/slow", timeout=0.5, retries=0)
    assert outcome == "timeout", line
    assert saved_files(tmp_path) == []


def test_429_with_retry_after_backs_off_then_saves(httpserver, tmp_path):
    no_robots(httpserver)
    clock = Clock()
    httpserver.expect_request("/busy").respond_with_handler(clock.sequence(
        (429, {"Retry-After": "1"}, "slow down"), (200, {}, HTML.format("B"))))
    outcome, _ = one(httpserver, tmp_path, "/busy")
    assert outcome == "saved"
    first, second = clock.times["/busy"]
    assert second - first >= 1.0  # the server's own clock: Retry-After was waited out


def test_500s_that_recover_are_retried(httpserver, tmp_path):
    no_robots(httpserver)
    clock = Clock()
    httpserver.expect_request("/flaky").respond_with_handler(clock.sequence(
        (500, {}, "oops"), (502, {}, "oops"), (200, {}, HTML.format("C"))))
    outcome, _ = one(httpserver, tmp_path, "/flaky", retries=2)
    assert outcome == "saved" and len(clock.times["/flaky"]) == 3


def test_500s_that_never_recover_end_as_http_500(httpserver, tmp_path):
    no_robots(httpserver)
    httpserver.expect_request("/down").respond_with_data("oops", status=500)
    outcome, line = one(httpserver, tmp_path, "/down", retries=1)
    assert outcome == "http_500" and line["status"] == 500
    assert len([r for r, _ in httpserver.log if r.path == "/down"]) == 2  # 1 + 1 retry


def _reset(request: Request) -> Response:
    """Reset the connection (SO_LINGER 0, then its only descriptor closed: an RST) before
    any response. The descriptor is closed by putting /dev/null in its place, so what the
    server writes afterwards goes nowhere instead of to a reused descriptor."""
    sock = request.environ["werkzeug.socket"]
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sock.fileno())
    os.close(null)
    return Response("never sent")


def test_connection_reset_is_a_connect_error(httpserver, tmp_path):
    no_robots(httpserver)
    httpserver.expect_request("/reset").respond_with_handler(_reset)
    outcome, line = one(httpserver, tmp_path, "/reset", retries=1)
    assert outcome == "connect_error", line


def test_a_reset_then_success_is_saved(httpserver, tmp_path):
    no_robots(httpserver)
    calls = []

    def handler(request: Request) -> Response:
        calls.append(1)
        return _reset(request) if len(calls) == 1 else Response(HTML.format("R"),
                                                                content_type="text/html")

    httpserver.expect_request("/once").respond_with_handler(handler)
    outcome, _ = one(httpserver, tmp_path, "/once")
    assert outcome == "saved" and len(calls) == 2


def test_connection_refused_is_a_connect_error(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"
    summary = run_fetch(tmp_path, [urls_source(tmp_path, [url])], settings(retries=0))
    assert outcomes(summary)[url] == "connect_error"  # found on its robots.txt already


def test_unresolvable_host_in_a_fetch_is_a_dns_error(tmp_path):
    url = "http://no-such-host.invalid/page"
    summary = run_fetch(tmp_path, [urls_source(tmp_path, [url])], settings(retries=0))
    assert outcomes(summary)[url] == "dns_error"


def test_unresolvable_host_is_a_dns_error():
    client = SafeClient(ClientLimits("t"))
    result = client.fetch("http://no-such-host.invalid/page")
    assert result.outcome == "dns_error"


def test_redirect_loop_is_too_many_redirects(httpserver, tmp_path):
    no_robots(httpserver)
    httpserver.expect_request("/r1").respond_with_data("", 302, {"Location": "/r2"})
    httpserver.expect_request("/r2").respond_with_data("", 302, {"Location": "/r1"})
    outcome, line = one(httpserver, tmp_path, "/r1")
    assert outcome == "too_many_redirects" and "loop" in line["detail"]


def test_six_redirects_are_too_many_five_are_not(httpserver, tmp_path):
    no_robots(httpserver)
    for i in range(6):
        httpserver.expect_request(f"/h{i}").respond_with_data("", 301,
                                                              {"Location": f"/h{i + 1}"})
    httpserver.expect_request("/h6").respond_with_data(HTML.format("end"),
                                                       content_type="text/html")
    client = SafeClient(ClientLimits("t", allow_private=True))
    assert client.fetch(httpserver.url_for("/h0")).outcome == "too_many_redirects"
    result = client.fetch(httpserver.url_for("/h1"))
    assert result.outcome == "fetched" and result.final_url.endswith("/h6")


def test_loopback_is_blocked_without_allow_private(httpserver, tmp_path):
    httpserver.expect_request("/a").respond_with_data("secret")
    client = SafeClient(ClientLimits("t"))
    result = client.fetch(httpserver.url_for("/a"))
    assert result.outcome == "blocked_address" and "loopback" in result.detail
    assert not httpserver.log  # refused before connecting


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/",
                                    "http://10.1.2.3/", "http://[fd00:ec2::254]/",
                                    "http://[::ffff:192.168.0.1]/"])
def test_redirect_to_a_private_address_is_blocked(httpserver, monkeypatch, target):
    """The test server is on loopback: let only its address through, so the check that
    stops the redirect's hop is the real one."""
    real = safety.address_problem
    monkeypatch.setattr(safety, "address_problem", lambda ip: None
                        if ip == ipaddress.ip_address("127.0.0.1") else real(ip))
    httpserver.expect_request("/go").respond_with_data("", 302, {"Location": target})
    result = SafeClient(ClientLimits("t")).fetch(httpserver.url_for("/go"))
    assert result.outcome == "blocked_address", result
    assert result.final_url == target


def test_gzip_bomb_stops_at_the_cap(httpserver, tmp_path):
    no_robots(httpserver)
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))  # 64 MiB in about 64 KiB
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"})
    outcome, line = one(httpserver, tmp_path, "/bomb", max_bytes=1024 * 1024)
    assert outcome == "too_large" and "decompresses" in line["detail"]
    assert saved_files(tmp_path) == []


def test_endless_body_stops_at_the_cap(httpserver, tmp_path):
    no_robots(httpserver)

    def endless(request: Request) -> Response:
        def chunks():
            while True:
                yield b"<p>" + b"x" * 8192 + b"</p>"

        return Response(chunks(), content_type="text/html")

    httpserver.expect_request("/endless").respond_with_handler(endless)
    outcome, line = one(httpserver, tmp_path, "/endless", max_bytes=256 * 1024)
    assert outcome == "too_large" and "over" in line["detail"]


def test_wrong_charset_header_is_kept_in_the_sidecar(httpserver, tmp_path):
    no_robots(httpserver)
    body = HTML.format("Привет").encode("utf-8")  # UTF-8 bytes, a Latin-1 label
    httpserver.expect_request("/ru").respond_with_data(
        body, content_type="text/html; charset=ISO-8859-1")
    outcome, _ = one(httpserver, tmp_path, "/ru")
    assert outcome == "saved"
    page, sidecar = saved_files(tmp_path)
    meta = json.loads(sidecar.read_text())
    assert meta["encoding"] == "ISO-8859-1"  # as sent: the cleaner decides what to trust
    assert page.read_bytes() == body  # the bytes as served, never re-encoded


def test_binary_is_unsupported_type(httpserver, tmp_path):
    no_robots(httpserver)
    httpserver.expect_request("/img").respond_with_data(b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
                                                        content_type="image/png")
    outcome, line = one(httpserver, tmp_path, "/img")
    assert outcome == "unsupported_type" and "image/png" in line["detail"]
    assert saved_files(tmp_path) == []


def test_text_plain_is_saved_as_txt(httpserver, tmp_path):
    no_robots(httpserver)
    httpserver.expect_request("/t").respond_with_data("Just text.\n",
                                                      content_type="text/plain")
    assert one(httpserver, tmp_path, "/t")[0] == "saved"
    assert [p.suffix for p in saved_files(tmp_path)] == [".txt", ".json"]


def test_credentials_are_never_sent_logged_or_written(httpserver, tmp_path):
    no_robots(httpserver)
    clock = Clock()
    httpserver.expect_request("/private").respond_with_handler(clock.page(HTML.format("P")))
    url = httpserver.url_for("/private").replace("http://", "http://alice:s3cret@")
    summary = run_fetch(tmp_path, [urls_source(tmp_path, [url])], settings())
    assert list(summary.counts) == ["saved"]
    assert "Authorization" not in clock.headers["/private"][0]
    written = Path_text(summary.log) + "".join(p.read_text() for p in saved_files(tmp_path))
    assert "s3cret" not in written and "alice" not in written


def Path_text(path: str) -> str:  # noqa: N802
    from pathlib import Path

    return Path(path).read_text()
