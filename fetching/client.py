"""The safe HTTP client: one request, its redirects followed by hand, its body capped.

Every request of a fetch goes through ``SafeClient.fetch``: pages, feeds, sitemaps and
robots.txt alike. What the web may send is bounded here:

- **where**: http and https only; every hop's address checked after DNS (``safety``);
  credentials in a URL are dropped before anything is sent, logged or written;
- **how long**: httpx's connect/read timeouts, plus a deadline on the whole request, so a
  server dripping one byte a second cannot hold a worker (``timeout``);
- **how much**: the body is read raw and decompressed here with a cap on both the bytes
  read and the bytes it expands to (a gzip bomb stops at the cap: ``too_large``); only
  gzip and deflate are asked for, the encodings decompressed under that cap;
- **redirects**: followed manually, at most ``max_redirects`` (5), a loop detected at its
  first repeat (``too_many_redirects``), each hop checked like the first;
- **what**: pages are kept only when HTML or text (``unsupported_type`` otherwise, read no
  further than the headers); discovery documents (feeds, sitemaps) may be any type.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from fetching.outcomes import (
    BLOCKED_ADDRESS,
    CONNECT_ERROR,
    DNS_ERROR,
    FETCHED,
    TIMEOUT,
    TOO_LARGE,
    TOO_MANY_REDIRECTS,
    UNSUPPORTED_TYPE,
    FetchResult,
    http_outcome,
)
from fetching.safety import SCHEMES, BlockedAddress, DnsError, GuardedBackend, strip_userinfo

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class ClientLimits:
    """The caps of one request. ``max_bytes`` bounds both the bytes read and what they
    decompress to; ``timeout`` is the whole request's budget, redirects included."""

    user_agent: str
    max_bytes: int = 10 * 1024 * 1024
    timeout: float = 30.0
    max_redirects: int = 5
    allow_private: bool = False


class _Transport(httpx.HTTPTransport):
    """httpx's transport on the guarded network backend (``safety.GuardedBackend``).

    httpx takes no network backend, so the pool it built is replaced by one like it on
    the guarded backend (same TLS context); there is no proxy (``trust_env`` is off)."""

    def __init__(self, allow_private: bool, max_connections: int) -> None:
        super().__init__(trust_env=False)
        ssl_context = self._pool._ssl_context  # type: ignore[attr-defined]
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context, max_connections=max_connections,
            max_keepalive_connections=max_connections, keepalive_expiry=5.0,
            network_backend=GuardedBackend(allow_private),
        )


class Refused(Exception):
    """Raised by a hop gate: this hop may not be requested (robots.txt, a paused host)."""

    def __init__(self, outcome: str, detail: str) -> None:
        super().__init__(detail)
        self.outcome, self.detail = outcome, detail


OnSend = Callable[[], None]
#: ``gate(url)``: entered around each hop's request, it may wait (the host's turn) or
#: raise ``Refused``; what it yields, if not None, is called when the request's headers
#: start going out on the wire (the request's true start, after connecting).
HopGate = Callable[[str], AbstractContextManager[OnSend | None]]


def _no_gate(url: str) -> AbstractContextManager[OnSend | None]:
    return nullcontext(None)


class _Capped(Exception):
    """The body went over a cap; ``outcome`` says which."""

    def __init__(self, outcome: str, detail: str) -> None:
        super().__init__(detail)
        self.outcome, self.detail = outcome, detail


class SafeClient:
    """One shared, thread-safe httpx client behind the checks above; ``close()`` it."""

    def __init__(self, limits: ClientLimits, max_connections: int = 32) -> None:
        self.limits = limits
        self._http = httpx.Client(
            transport=_Transport(limits.allow_private, max_connections),
            follow_redirects=False, trust_env=False,
            timeout=httpx.Timeout(limits.timeout, connect=min(limits.timeout, 10.0)),
            headers={"User-Agent": limits.user_agent,
                     "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SafeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str, *, page: bool = True,
              conditional: Mapping[str, str] | None = None,
              gate: HopGate = _no_gate) -> FetchResult:
        """GET ``url`` following redirects; never raises for what the network does.
        ``page`` keeps only HTML and text bodies; ``conditional`` are the validators
        (``If-None-Match``, ``If-Modified-Since``) sent with the first hop; ``gate`` is
        entered around every hop (the polite layer's turn and robots.txt check)."""
        url = strip_userinfo(url)
        deadline = time.monotonic() + self.limits.timeout
        hops: list[str] = []
        current = url
        while True:
            problem = _scheme_problem(current)
            if problem:
                return FetchResult(BLOCKED_ADDRESS, url, current, detail=problem, hops=hops)
            if current in hops:
                return FetchResult(TOO_MANY_REDIRECTS, url, current, hops=hops,
                                   detail=f"redirect loop back to {current}")
            hops.append(current)
            headers = dict(conditional or {}) if len(hops) == 1 else {}
            try:
                with gate(current) as on_send:
                    result = self._one_hop(url, current, headers, page, deadline, on_send)
            except Refused as exc:
                result = FetchResult(exc.outcome, url, current, detail=exc.detail)
            result.hops = hops
            location = result.detail if result.outcome == "redirect" else None
            if location is None:
                return result
            if len(hops) > self.limits.max_redirects:
                return FetchResult(TOO_MANY_REDIRECTS, url, current, result.status, hops=hops,
                                   detail=f"more than {self.limits.max_redirects} redirects")
            current = strip_userinfo(urljoin(current, location))

    def _one_hop(self, url: str, current: str, headers: dict[str, str], page: bool,
                 deadline: float, on_send: OnSend | None) -> FetchResult:
        """One request without following its redirect (a ``redirect`` result names the
        Location in ``detail``); every network failure becomes its outcome."""
        remaining = max(0.05, deadline - time.monotonic())
        timeout = httpx.Timeout(remaining, connect=min(remaining, 10.0))

        def trace(event: str, info: object) -> None:
            if event == "http11.send_request_headers.started" and on_send is not None:
                on_send()

        try:
            with self._http.stream("GET", current, headers=headers, timeout=timeout,
                                   extensions={"trace": trace}) as response:
                return self._response(url, current, response, page, deadline)
        except BlockedAddress as exc:
            return FetchResult(BLOCKED_ADDRESS, url, current, detail=str(exc))
        except DnsError as exc:
            return FetchResult(DNS_ERROR, url, current, detail=str(exc))
        except httpx.TimeoutException as exc:
            return FetchResult(TIMEOUT, url, current, detail=f"{type(exc).__name__}: {exc}")
        except _Capped as exc:
            return FetchResult(exc.outcome, url, current, detail=exc.detail)
        except (httpx.TransportError, OSError) as exc:  # refused, reset, protocol errors
            return FetchResult(CONNECT_ERROR, url, current,
                               detail=f"{type(exc).__name__}: {exc}"[:300])
        except httpx.InvalidURL as exc:
            return FetchResult(CONNECT_ERROR, url, current, detail=f"invalid URL: {exc}")

    def _response(self, url: str, current: str, response: httpx.Response, page: bool,
                  deadline: float) -> FetchResult:
        status = response.status_code
        result = FetchResult("", url, current, status)
        media, charset = _content_type(response.headers.get("content-type"))
        result.content_type, result.charset = media, charset
        result.etag = response.headers.get("etag")
        result.last_modified = response.headers.get("last-modified")
        if status in REDIRECTS and response.headers.get("location"):
            result.outcome, result.detail = "redirect", response.headers["location"]
            return result
        if status == 304:
            result.outcome = "not_modified"
            return result
        if status >= 300:
            result.outcome = http_outcome(status)
            result.retry_after = retry_after(response.headers.get("retry-after"))
            return result
        if page and media is not None and media not in PAGE_TYPES:
            result.outcome, result.detail = UNSUPPORTED_TYPE, f"content type {media}"
            return result
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip", "x-gzip", "deflate", ""):
            result.outcome = UNSUPPORTED_TYPE
            result.detail = f"content encoding {encoding} (gzip and deflate were asked for)"
            return result
        result.body = _read_capped(response, encoding, self.limits.max_bytes, deadline)
        if page and media is None and not _looks_like_html(result.body):
            result.outcome, result.detail = UNSUPPORTED_TYPE, "no content type, not HTML"
            result.body = b""
            return result
        result.outcome = FETCHED
        return result


def _scheme_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"unusable URL: {exc}"
    if parts.scheme.lower() not in SCHEMES:
        return f"scheme {parts.scheme or '(none)'!r} is not http or https"
    if not parts.hostname:
        return "the URL has no host"
    return None


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    """(media type, charset) of a Content-Type header, as sent (charset not validated: a
    wrong one is kept in the sidecar and the cleaner decides)."""
    if not header:
        return None, None
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("'\"") or None
    return media.strip().lower() or None, charset


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    from datetime import UTC, datetime

    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _read_capped(response: httpx.Response, encoding: str, cap: int, deadline: float) -> bytes:
    """The body, decompressed here, within ``cap`` bytes read and ``cap`` bytes produced,
    and within the request's deadline. Raises ``_Capped``."""
    inflate = None
    if encoding in ("gzip", "x-gzip"):
        inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflate = zlib.decompressobj(wbits=zlib.MAX_WBITS)  # zlib-wrapped, as RFC 9110 says
    out = bytearray()
    read = 0
    for chunk in response.iter_raw(CHUNK):
        read += len(chunk)
        if read > cap:
            raise _Capped(TOO_LARGE, f"body over {cap} bytes")
        if time.monotonic() > deadline:
            raise _Capped(TIMEOUT, "the body took longer than the request's time budget")
        if inflate is None:
            out += chunk
            continue
        _inflate_into(out, inflate, chunk, cap)
    if inflate is not None:
        out += inflate.flush()
        if len(out) > cap:
            raise _Capped(TOO_LARGE, f"body decompresses to over {cap} bytes")
    return bytes(out)


def _inflate_into(out: bytearray, inflate: zlib._Decompress, chunk: bytes, cap: int) -> None:
    """Decompress ``chunk`` onto ``out``, never producing more than ``cap`` + 1 bytes in
    all: the bomb is found out after at most a chunk's worth of work past the cap."""
    data = chunk
    while data:
        try:
            out += inflate.decompress(data, cap + 1 - len(out))
        except zlib.error as exc:
            raise _Capped(CONNECT_ERROR, f"corrupt compressed body: {exc}") from None
        if len(out) > cap:
            raise _Capped(TOO_LARGE, f"body decompresses to over {cap} bytes")
        data = inflate.unconsumed_tail
