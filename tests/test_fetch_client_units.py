"""fetching.client one piece at a time, on httpx responses built in the test (no socket):
what a response becomes (outcome, validators, content type), the body's caps as read and
as decompressed, Retry-After, and the HTML sniff of a page sent without a content type.
The same client against loopback servers is in test_fetch_faults.py."""

from __future__ import annotations

import contextlib
import gzip
import socket
import time
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from werkzeug import Response

from fetching.client import (
    CHUNK,
    ClientLimits,
    Refused,
    SafeClient,
    _Capped,
    _inflate_into,
    _looks_like_html,
    _read_capped,
    retry_after,
)

PAGE = b"<html><body><p>A story.</p></body></html>"


def _response(status: int = 200, headers: dict[str, str] | None = None,
              body: bytes = PAGE) -> httpx.Response:
    """A response whose body is read raw, in pieces, as the network would give it."""
    return httpx.Response(status, headers=headers or {}, stream=httpx.ByteStream(body))


@pytest.fixture
def client():
    with SafeClient(ClientLimits("winnow-test", max_bytes=1000)) as c:
        yield c


def _answer(client: SafeClient, response: httpx.Response, page: bool = True):
    return client._response("http://a.example/", "http://b.example/", response, page,
                            time.monotonic() + 30)


# -- what a response becomes ---------------------------------------------------------

def test_a_page_keeps_its_validators_content_type_and_charset(client):
    result = _answer(client, _response(headers={
        "Content-Type": "Text/HTML; Charset='koi8-r'", "ETag": '"v1"',
        "Last-Modified": "Mon, 01 Dec 2025 10:00:00 GMT"}))
    assert (result.outcome, result.status, result.body) == ("fetched", 200, PAGE)
    assert (result.url, result.final_url) == ("http://a.example/", "http://b.example/")
    assert (result.content_type, result.charset) == ("text/html", "koi8-r")
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 01 Dec 2025 10:00:00 GMT"


def test_a_redirect_names_its_location_and_reads_no_body(client):
    result = _answer(client, _response(301, {"Location": "/moved", "ETag": '"r"'}))
    assert (result.outcome, result.detail, result.body) == ("redirect", "/moved", b"")
    assert result.status == 301
    # a 3xx without Location is not followed: it is an HTTP outcome of its own
    assert _answer(client, _response(302)).outcome == "http_302"


def test_not_modified_and_http_errors_keep_their_status(client):
    assert _answer(client, _response(304, {"ETag": '"v1"'})).outcome == "not_modified"
    busy = _answer(client, _response(503, {"Retry-After": "7"}))
    assert (busy.outcome, busy.status, busy.retry_after, busy.body) == (
        "http_503", 503, 7.0, b"")


def test_a_300_without_location_is_an_http_outcome(client):
    assert _answer(client, _response(300, {"Content-Type": "text/html"})).outcome == "http_300"


@pytest.mark.parametrize(("header", "media", "charset"), [
    ("text/plain", "text/plain", None),
    ("text/plain;charset=utf-8;format=flowed", "text/plain", "utf-8"),  # no spaces
    ("text/html; charset=", "text/html", None),
    ("text/plain; format=flowed", "text/plain", None),  # another parameter is no charset
    ("text/html; charset=X-MAC-CYRILLIC", "text/html", "X-MAC-CYRILLIC"),  # as sent
])
def test_the_content_type_header_is_read_as_sent(client, header, media, charset):
    result = _answer(client, _response(headers={"Content-Type": header}))
    assert (result.content_type, result.charset) == (media, charset)


@pytest.mark.parametrize(("encoding", "body"), [
    ("x-gzip", gzip.compress(PAGE)),
    ("deflate", zlib.compress(PAGE)),
    ("", PAGE),  # an empty header is no encoding
    ("identity", PAGE),
])
def test_each_encoding_asked_for_is_decoded(client, encoding, body):
    result = _answer(client, _response(headers={"Content-Type": "text/html",
                                                "Content-Encoding": encoding}, body=body))
    assert (result.outcome, result.body) == ("fetched", PAGE)


def test_only_html_and_text_are_pages(client):
    pdf = _answer(client, _response(headers={"Content-Type": "application/pdf"}))
    assert (pdf.outcome, pdf.detail, pdf.body) == (
        "unsupported_type", "content type application/pdf", b"")
    feed = _answer(client, _response(headers={"Content-Type": "application/rss+xml"},
                                     body=b"<rss/>"), page=False)
    assert (feed.outcome, feed.body) == ("fetched", b"<rss/>")  # discovery takes any type


def test_an_unasked_for_content_encoding_is_refused_by_name(client):
    result = _answer(client, _response(headers={"Content-Type": "text/html",
                                                "Content-Encoding": " BR "}))
    assert result.outcome == "unsupported_type"
    assert result.detail == "content encoding br (gzip and deflate were asked for)"


def test_a_page_without_content_type_is_kept_only_when_it_is_html(client):
    html = _answer(client, _response(body=b"  <!DOCTYPE html><html><p>x</p></html>"))
    assert (html.outcome, html.content_type) == ("fetched", None)
    other = _answer(client, _response(body=b"%PDF-1.7 binary"))
    assert (other.outcome, other.detail, other.body) == (
        "unsupported_type", "no content type, not HTML", b"")


@pytest.mark.parametrize(("head", "html"), [
    (b"<!doctype html><title>t</title>", True),
    (b"\n\t <HTML lang=en>", True),  # case and leading space
    (b"<?xml version='1.0'?><!-- x --><html xmlns='http://www.w3.org/1999/xhtml'>", True),
    (b"\n  <!DOCTYPE html><head><title>t</title>", True),  # a doctype, no <html> yet
    (b"x" * 1019 + b"<html>", True),  # "<html" ends at byte 1024
    (b"x" * 1020 + b"<html>", False),  # only the first 1024 bytes count
    (b"{\"json\": true}", False),
    (b"", False),
])
def test_the_html_sniff(head, html):
    assert _looks_like_html(head) is html


def test_refusals_and_caps_carry_their_detail_as_message():
    assert str(Refused("robots_disallowed", "robots.txt disallows /a")) == (
        "robots.txt disallows /a")
    assert str(_Capped("too_large", "body over 9 bytes")) == "body over 9 bytes"


# -- the body's caps -----------------------------------------------------------------

class _Raw:
    """A response body as iter_raw gives it, with the chunk size asked for recorded."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks, self.asked = chunks, []

    def iter_raw(self, size):
        self.asked.append(size)
        yield from self.chunks


def _read(body: _Raw, encoding: str = "identity", cap: int = 100, budget: float = 30):
    return _read_capped(body, encoding, cap, time.monotonic() + budget)  # type: ignore[arg-type]


def test_a_body_of_exactly_the_cap_is_kept_whole_and_one_byte_more_is_too_large():
    body = _Raw(b"a" * 60, b"b" * 40)
    assert _read(body) == b"a" * 60 + b"b" * 40
    assert body.asked == [CHUNK]
    with pytest.raises(_Capped) as caught:
        _read(_Raw(b"a" * 60, b"b" * 41))
    assert (caught.value.outcome, caught.value.detail) == ("too_large", "body over 100 bytes")


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip"])
def test_gzip_is_decompressed_up_to_the_cap(encoding):
    whole = gzip.compress(b"x" * 100)
    assert _read(_Raw(whole[:10], whole[10:]), encoding) == b"x" * 100
    with pytest.raises(_Capped) as caught:
        _read(_Raw(gzip.compress(b"x" * 101)), encoding)
    assert caught.value.outcome == "too_large"
    assert caught.value.detail == "body decompresses to over 100 bytes"


def test_deflate_is_the_zlib_wrapped_form():
    assert _read(_Raw(zlib.compress(b"story " * 10)), "deflate") == b"story " * 10


def test_a_body_that_is_not_in_its_declared_encoding_is_corrupt():
    """zlib data sent as gzip is not guessed at: the body is corrupt (a connect_error,
    retried like a broken transfer)."""
    with pytest.raises(_Capped) as caught:
        _read(_Raw(zlib.compress(PAGE)), "gzip")
    assert caught.value.outcome == "connect_error"
    assert caught.value.detail.startswith("corrupt compressed body: ")


def test_the_last_bytes_inflated_at_flush_count_toward_the_cap():
    """The compressor's tail can hold output that only ``flush`` gives: it is kept, and
    it is counted."""
    inflate_calls = []

    class _Tail:
        """A decompressor that gives its whole output at flush."""

        unconsumed_tail = b""

        def decompress(self, data, max_length):
            inflate_calls.append(max_length)
            return b""

        def flush(self):
            return b"y" * 100

    original = zlib.decompressobj
    try:
        zlib.decompressobj = lambda **k: _Tail()  # type: ignore[assignment]
        assert _read(_Raw(b"abc"), "gzip") == b"y" * 100
        with pytest.raises(_Capped, match="decompresses to over 99 bytes") as caught:
            _read(_Raw(b"abc"), "gzip", cap=99)
        assert caught.value.outcome == "too_large"
    finally:
        zlib.decompressobj = original
    assert inflate_calls == [101, 100]


def test_a_bomb_never_inflates_past_one_byte_over_the_cap():
    out = bytearray(b"head")
    inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    with pytest.raises(_Capped, match="decompresses to over 50 bytes"):
        _inflate_into(out, inflate, gzip.compress(b"z" * 1_000_000), 50)
    assert len(out) == 51 and out.startswith(b"head")


def test_inflating_appends_to_what_was_read_before():
    out = bytearray(b"first ")
    inflate = zlib.decompressobj(wbits=zlib.MAX_WBITS)
    _inflate_into(out, inflate, zlib.compress(b"second"), 100)
    assert bytes(out) == b"first second"


def test_a_body_slower_than_the_budget_is_a_timeout():
    with pytest.raises(_Capped) as caught:
        _read(_Raw(b"a", b"b"), budget=-1)
    assert caught.value.outcome == "timeout"
    assert caught.value.detail == "the body took longer than the request's time budget"


# -- Retry-After ---------------------------------------------------------------------

def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after("120") == 120.0
    assert retry_after(" 5 ") == 5.0
    soon = datetime.now(UTC) + timedelta(seconds=60)
    assert 55 < retry_after(format_datetime(soon, usegmt=True)) <= 60
    assert retry_after(format_datetime(datetime.now(UTC) - timedelta(hours=1),
                                       usegmt=True)) == 0.0
    for unusable in (None, "", "soon", "Mon, 99 Foo 2025"):
        assert retry_after(unusable) is None


def test_a_retry_after_date_without_zone_is_read_as_utc():
    soon = (datetime.now(UTC) + timedelta(seconds=60)).strftime("%a, %d %b %Y %H:%M:%S -0000")
    assert 55 < retry_after(soon) <= 60



# -- the whole request, its redirects followed by hand (loopback server) --------------

@pytest.fixture
def loopback():
    with SafeClient(ClientLimits("winnow-test", allow_private=True)) as c:
        yield c


def test_a_redirect_chain_names_the_asked_url_and_the_final_one(httpserver, loopback):
    httpserver.expect_request("/a").respond_with_data("", 301, {"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(PAGE.decode(), content_type="text/html")
    result = loopback.fetch(httpserver.url_for("/a"))
    assert (result.outcome, result.body) == ("fetched", PAGE)
    assert (result.url, result.final_url) == (httpserver.url_for("/a"),
                                              httpserver.url_for("/b"))
    assert result.hops == [httpserver.url_for("/a"), httpserver.url_for("/b")]


def test_the_validators_go_with_the_first_hop_only(httpserver, loopback):
    """A conditional request names the page the state saved: the validators are the
    first URL's, not the redirect target's."""
    seen = {}

    def record(path):
        def handler(request):
            seen[path] = request.headers.get("If-None-Match")
            seen[f"{path} method"] = request.method
            if path == "/a":
                return Response("", 302, {"Location": "/b"})
            return Response(PAGE, content_type="text/html")
        return handler

    for path in ("/a", "/b"):
        httpserver.expect_request(path).respond_with_handler(record(path))
    result = loopback.fetch(httpserver.url_for("/a"), conditional={"If-None-Match": '"v1"'})
    assert result.outcome == "fetched"
    assert seen == {"/a": '"v1"', "/b": None, "/a method": "GET", "/b method": "GET"}


def test_a_redirect_loop_stops_at_its_first_repeat(httpserver, loopback):
    httpserver.expect_request("/x").respond_with_data("", 302, {"Location": "/y"})
    httpserver.expect_request("/y").respond_with_data("", 302, {"Location": "/x"})
    result = loopback.fetch(httpserver.url_for("/x"))
    assert result.outcome == "too_many_redirects"
    assert (result.url, result.final_url) == (httpserver.url_for("/x"),
                                              httpserver.url_for("/x"))
    assert result.detail == f"redirect loop back to {httpserver.url_for('/x')}"
    assert result.hops == [httpserver.url_for("/x"), httpserver.url_for("/y")]


@pytest.mark.parametrize(("url", "detail"), [
    ("ftp://files.example/a.html", "scheme 'ftp' is not http or https"),
    ("file:///etc/passwd", "scheme 'file' is not http or https"),
    ("http:///no-host", "the URL has no host"),
])
def test_only_http_urls_with_a_host_are_requested(loopback, url, detail):
    result = loopback.fetch(url)
    assert (result.outcome, result.url, result.final_url, result.detail, result.hops) == (
        "blocked_address", url, url, detail, [])


def test_a_redirect_to_another_scheme_is_blocked_where_it_points(httpserver, loopback):
    httpserver.expect_request("/out").respond_with_data(
        "", 302, {"Location": "file:///etc/passwd"})
    result = loopback.fetch(httpserver.url_for("/out"))
    assert (result.outcome, result.url, result.final_url) == (
        "blocked_address", httpserver.url_for("/out"), "file:///etc/passwd")
    assert result.hops == [httpserver.url_for("/out")]


def test_a_hop_refused_by_its_gate_ends_the_request_there(httpserver, loopback):
    """The polite layer's gate (robots.txt, a paused host) refuses a redirect's target:
    the result names the target, the outcome and the gate's reason."""
    from contextlib import contextmanager

    httpserver.expect_request("/a").respond_with_data("", 302, {"Location": "/private"})

    @contextmanager
    def gate(url):
        if url.endswith("/private"):
            raise Refused("robots_disallowed", "robots.txt disallows /private")
        yield None

    result = loopback.fetch(httpserver.url_for("/a"), gate=gate)
    assert (result.outcome, result.detail) == ("robots_disallowed",
                                               "robots.txt disallows /private")
    assert (result.url, result.final_url) == (httpserver.url_for("/a"),
                                              httpserver.url_for("/private"))


def test_a_fetch_is_a_page_fetch_unless_told_otherwise(httpserver, loopback):
    httpserver.expect_request("/doc").respond_with_data("%PDF", content_type="application/pdf")
    assert loopback.fetch(httpserver.url_for("/doc")).outcome == "unsupported_type"
    assert loopback.fetch(httpserver.url_for("/doc"), page=False).outcome == "fetched"


def _listener_that_never_answers():
    """A loopback port whose backlog is full: a new connection is never completed (the
    kernel drops its SYN), which is how an unreachable host behaves."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    fillers = []
    for _ in range(4):
        s = socket.socket()
        s.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            s.connect(server.getsockname())
        fillers.append(s)
    return server, fillers


@pytest.mark.parametrize(("path", "response", "limits", "outcome", "detail"), [
    ("/big", ("x" * 5000, 200), {"max_bytes": 1000}, "too_large", "body over 1000 bytes"),
    ("/slow", None, {"timeout": 0.3}, "timeout", "ReadTimeout: "),
    ("/hop", ("", 302), {"max_redirects": 0}, "too_many_redirects", "more than 0 redirects"),
])
def test_each_failure_names_the_asked_url_where_it_failed_and_why(
        httpserver, path, response, limits, outcome, detail):
    if response is None:
        def slow(request):
            time.sleep(0.6)
            return Response(PAGE, content_type="text/html")
        httpserver.expect_request(path).respond_with_handler(slow)
    else:
        body, status = response
        httpserver.expect_request(path).respond_with_data(
            body, status, {"Location": "/next"} if status == 302 else {},
            content_type="text/html")
    with SafeClient(ClientLimits("t", allow_private=True, **limits)) as c:
        result = c.fetch(httpserver.url_for(path))
    assert result.outcome == outcome and result.detail.startswith(detail)
    assert result.url == result.final_url == httpserver.url_for(path)
    if outcome == "too_many_redirects":
        assert (result.status, result.hops) == (302, [httpserver.url_for(path)])


def test_the_time_budget_covers_the_redirects(httpserver):
    """``timeout`` is the whole request's: a hop that starts with little time left gets
    only that, not a fresh budget of its own."""
    def slow(location, seconds):
        def handler(request):
            time.sleep(seconds)
            if location:
                return Response("", 302, {"Location": location})
            return Response(PAGE, content_type="text/html")
        return handler

    httpserver.expect_request("/first").respond_with_handler(slow("/second", 0.6))
    httpserver.expect_request("/second").respond_with_handler(slow(None, 3.0))  # hangs
    started = time.monotonic()
    with SafeClient(ClientLimits("t", allow_private=True, timeout=1.0)) as c:
        result = c.fetch(httpserver.url_for("/first"))
    elapsed = time.monotonic() - started
    assert (result.outcome, result.final_url) == ("timeout", httpserver.url_for("/second"))
    assert result.url == httpserver.url_for("/first")
    assert result.detail.startswith("ReadTimeout")  # cut off waiting, at the budget's end
    assert elapsed < 1.5  # not 0.6 s plus a fresh second of its own


@pytest.mark.parametrize(("error", "detail"), [
    (httpx.ConnectError("refused " * 60), "ConnectError: " + ("refused " * 60)[:286]),
    (httpx.InvalidURL("no host"), "invalid URL: no host"),
])
def test_transport_errors_become_connect_errors_with_a_bounded_detail(loopback, monkeypatch,
                                                                      error, detail):
    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(loopback._http, "stream", failing)
    result = loopback.fetch("http://news.example/a")
    assert (result.outcome, result.url, result.final_url, result.detail) == (
        "connect_error", "http://news.example/a", "http://news.example/a", detail)
    assert len(result.detail) <= 300


def test_network_failures_name_the_url_and_the_error():
    with SafeClient(ClientLimits("t", allow_private=True, timeout=0.5)) as c:
        free = socket.socket()
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
        free.close()  # nothing listens there now
        refused = c.fetch(f"http://127.0.0.1:{port}/a")
        dns = c.fetch("http://no-such-host.invalid/a")
        server, fillers = _listener_that_never_answers()
        try:
            hung = c.fetch(f"http://127.0.0.1:{server.getsockname()[1]}/a")
        finally:
            for s in [server, *fillers]:
                s.close()
    assert (refused.outcome, refused.url, refused.final_url) == (
        "connect_error", f"http://127.0.0.1:{port}/a", f"http://127.0.0.1:{port}/a")
    assert refused.detail.startswith("ConnectError: ")
    assert (dns.outcome, dns.url, dns.final_url) == ("dns_error", "http://no-such-host.invalid/a",
                                                     "http://no-such-host.invalid/a")
    assert dns.detail.startswith("no-such-host.invalid: ")
    assert hung.outcome == "timeout" and hung.detail.startswith("ConnectTimeout")


def test_a_blocked_address_names_the_url_and_the_address(httpserver):
    httpserver.expect_request("/a").respond_with_data("x")
    with SafeClient(ClientLimits("t")) as c:
        result = c.fetch(httpserver.url_for("/a"))
    assert (result.outcome, result.url, result.final_url) == (
        "blocked_address", httpserver.url_for("/a"), httpserver.url_for("/a"))
    assert "127.0.0.1 is a loopback address" in result.detail


def test_a_url_without_scheme_says_so(loopback):
    assert loopback.fetch("//news.example/a").detail == "scheme '(none)' is not http or https"

