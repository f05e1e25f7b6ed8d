"""What became of one URL: the fixed set of outcomes every discovered URL ends in.

One vocabulary for the client, the scheduler, the log and the summary, so a count in the
summary and a line in the fetch log always mean the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SAVED, NOT_MODIFIED, DUPLICATE_URL = "saved", "not_modified", "duplicate_url"
ROBOTS_DISALLOWED, TIMEOUT, TOO_LARGE = "robots_disallowed", "timeout", "too_large"
TOO_MANY_REDIRECTS, BLOCKED_ADDRESS = "too_many_redirects", "blocked_address"
UNSUPPORTED_TYPE, DNS_ERROR, CONNECT_ERROR = "unsupported_type", "dns_error", "connect_error"
#: a URL of a host the circuit breaker paused for the run: never requested, asked again
#: on the next run (its detail names the failure that paused the host)
HOST_PAUSED = "host_paused"
FETCHED = "fetched"  # the client's word for a 2xx body read within its caps (not final)

#: Outcomes that may go away if asked again (retried with backoff, counted by the
#: circuit breaker); ``http_429``/``http_503`` and other ``http_5xx`` are transient too.
TRANSIENT = frozenset({TIMEOUT, CONNECT_ERROR})


def http_outcome(status: int) -> str:
    return f"http_{status}"


def is_transient(outcome: str) -> bool:
    """Worth another try later: a timeout, a reset or refused connection, a 429 or a 5xx."""
    if outcome in TRANSIENT:
        return True
    if outcome.startswith("http_"):
        code = outcome[5:]
        return code.isdigit() and (code == "429" or code.startswith("5"))
    return False


@dataclass(slots=True)
class FetchResult:
    """One request (after its redirects): the outcome, and for ``fetched`` the body.

    ``url`` is the URL as requested, ``final_url`` after redirects; both carry no
    credentials (``client.strip_userinfo``)."""

    outcome: str
    url: str
    final_url: str
    status: int | None = None
    detail: str = ""
    body: bytes = b""
    content_type: str | None = None  # the media type, lower-case, without parameters
    charset: str | None = None  # the Content-Type header's charset, as sent
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds, from a 429/503's Retry-After
    hops: list[str] = field(default_factory=list)  # the redirect chain, first URL first
