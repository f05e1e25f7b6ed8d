"""Politeness: robots.txt, a delay between request starts per host, retries, pauses.

**Threads, not asyncio.** The requests are blocking httpx calls, DNS resolution
(``getaddrinfo``, which the address check needs) blocks in any case, and protego, the
feed and sitemap parsers and the atomic file writes are synchronous: a pool of
``concurrency`` threads runs them all without an event loop, and the run is bounded by
the politeness delays, not by thread switches (``concurrency`` is tens, not thousands).

**Per host** (``Host``): one robots.txt, read once through the safe client (404 and
other 4xx: everything allowed; 5xx or unreachable: nothing allowed, as RFC 9309 says);
the delay, the larger of the settings' and the robots.txt ``Crawl-delay``, measured
between request *starts*, for every request to the host (robots.txt, feeds and sitemaps
too); at most ``per_host_concurrency`` requests at once; a ``Retry-After`` defers the
host's next start. A host whose URLs fail ``max_host_failures`` times in a row (after
their retries) is paused for the run: its remaining URLs are not requested, and end with
that failure's reason.

**Retries** (tenacity): timeouts, resets and refused connections, 429 and 5xx are tried
again, up to ``retries`` more times; the wait is the response's ``Retry-After`` when it
gives one (a 429 or 503), else exponential backoff with jitter.

**Scheduling** (``Scheduler``): workers take the next URL of a host that is idle and
whose delay is over, so one slow host never holds the others' turn.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import tenacity
from protego import Protego

from fetching.client import Refused, SafeClient
from fetching.outcomes import (
    BLOCKED_ADDRESS,
    CONNECT_ERROR,
    DNS_ERROR,
    FETCHED,
    HOST_PAUSED,
    ROBOTS_DISALLOWED,
    TIMEOUT,
    FetchResult,
    is_transient,
)
from fetching.settings import FetchSettings

MAX_ROBOTS_BYTES = 500 * 1024  # Google's limit: the rest of a longer file is ignored
# robots.txt failures that are the host's, not its robots.txt's: its URLs end with them
UNREACHABLE = frozenset({DNS_ERROR, CONNECT_ERROR, TIMEOUT, BLOCKED_ADDRESS})


def host_key(url: str) -> str:
    """``scheme://host:port``: what robots.txt and the delays apply to."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


@dataclass(slots=True)
class Host:
    """One host's politeness state; its methods are thread-safe."""

    key: str
    delay: float
    per_host: int = 1
    robots: Protego | None = None
    robots_problem: FetchResult | None = None  # robots.txt unavailable: nothing allowed
    robots_loaded: bool = False
    robots_body: bytes | None = None  # as fetched: discovery reads its Sitemap: lines
    last_start: float = float("-inf")
    not_before: float = 0.0  # a Retry-After's end
    failures: int = 0  # URLs failed in a row
    paused: FetchResult | None = None  # the failure that paused the host
    starts: list[float] = field(default_factory=list)  # request starts (monotonic), for tests
    lock: threading.Lock = field(default_factory=threading.Lock)
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    slots: threading.BoundedSemaphore | None = None

    def __post_init__(self) -> None:
        self.slots = threading.BoundedSemaphore(self.per_host)

    def next_start(self) -> float:
        return max(self.last_start + self.delay, self.not_before)

    @contextmanager
    def turn(self) -> Iterator[Callable[[], None]]:
        """Wait for a free slot and this host's turn, then hold the slot for one request.
        Yields the hook the client calls when the request goes out: the delay counts from
        then (after connecting), so the server never sees two starts closer than it."""
        assert self.slots is not None
        with self.slots:
            time.sleep(max(0.0, self._reserve() - time.monotonic()))
            yield self._sent

    def _reserve(self) -> float:
        """This request's start, reserved before sleeping: the next one queues after it.
        (Out of ``turn``, a context manager, so that ``make mutate`` reaches it.)"""
        with self.lock:
            start = max(time.monotonic(), self.next_start())
            self.last_start = start
        return start

    def _sent(self) -> None:
        now = time.monotonic()
        with self.lock:
            self.last_start = max(self.last_start, now)
            self.starts.append(now)

    def defer(self, seconds: float) -> None:
        with self.lock:
            self.not_before = max(self.not_before, time.monotonic() + seconds)

    def record(self, result: FetchResult, limit: int) -> None:
        """Count a URL's final outcome for the circuit breaker."""
        failed = is_transient(result.outcome) or result.outcome == DNS_ERROR
        with self.lock:
            self.failures = self.failures + 1 if failed else 0
            if failed and self.failures >= limit and self.paused is None:
                self.paused = result


class Polite:
    """Polite requests over many hosts through one ``SafeClient``; thread-safe."""

    def __init__(self, client: SafeClient, settings: FetchSettings,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client, self.settings, self._sleep = client, settings, sleep
        self._hosts: dict[str, Host] = {}
        self._lock = threading.Lock()

    def host(self, url: str) -> Host:
        key = host_key(url)
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                host = Host(key, self.settings.delay, self.settings.per_host_concurrency)
                self._hosts[key] = host
            return host

    def hosts(self) -> list[Host]:
        with self._lock:
            return list(self._hosts.values())

    def fetch(self, url: str, *, page: bool = True,
              conditional: dict[str, str] | None = None) -> FetchResult:
        """GET ``url`` if robots.txt allows it, in the host's turn, retrying what is
        transient; a paused host's URLs are not requested."""
        host = self.host(url)
        paused = self._paused(host, url)
        if paused is not None:
            return paused
        result = self._with_retries(host, url, page, conditional)
        if result.outcome != ROBOTS_DISALLOWED:
            host.record(result, self.settings.max_host_failures)
        return result

    def robots_txt(self, url: str) -> bytes | None:
        """The robots.txt of ``url``'s host, read once for both the policy and discovery
        (a ``site`` source reads its ``Sitemap:`` lines): None when it has none."""
        host = self.host(url)
        self._load_robots(host)
        return host.robots_body

    @contextmanager
    def _gate(self, url: str) -> Iterator[Callable[[], None]]:
        """Around every hop, redirects included: a redirect to another host meets that
        host's robots.txt and waits for that host's turn, like a first request."""
        with self._admitted(url).turn() as on_send:
            yield on_send

    def _admitted(self, url: str) -> Host:
        """``url``'s host, if the host is not paused and its robots.txt allows ``url``;
        else ``Refused`` with why. (Out of ``_gate``, a context manager, so that ``make
        mutate`` reaches it.)"""
        host = self.host(url)
        refusal = self._paused(host, url) or self._robots_checked(host, url)
        if refusal is not None:
            raise Refused(refusal.outcome, refusal.detail)
        return host

    def _robots_checked(self, host: Host, url: str) -> FetchResult | None:
        if urlsplit(url).path != "/robots.txt":
            self._load_robots(host)
            return self._robots_refusal(host, url)
        return None

    def _paused(self, host: Host, url: str) -> FetchResult | None:
        cause = host.paused
        if cause is None:
            return None
        return FetchResult(HOST_PAUSED, url, url, None,
                           detail=f"not requested: host paused after "
                                  f"{self.settings.max_host_failures} failed URLs in a row"
                                  f" (last: {cause.outcome} {cause.detail})".strip())

    def _robots_refusal(self, host: Host, url: str) -> FetchResult | None:
        problem = host.robots_problem
        if problem is not None:
            why = f"{problem.outcome} {problem.detail}".strip()
            if problem.outcome in UNREACHABLE:  # the host itself: say so, not "robots"
                return FetchResult(problem.outcome, url, url, problem.status,
                                   detail=f"robots.txt: {why}")
            return FetchResult(ROBOTS_DISALLOWED, url, url,
                               detail=f"robots.txt unavailable ({why}): nothing is allowed")
        if host.robots is not None and not host.robots.can_fetch(
                url, self.settings.robots_agent):
            return FetchResult(ROBOTS_DISALLOWED, url, url,
                               detail=f"robots.txt disallows it for {self.settings.robots_agent}")
        return None

    def _load_robots(self, host: Host) -> None:
        """Read the host's robots.txt once (the first URL of a host waits for it)."""
        with host.robots_lock:
            if host.robots_loaded:
                return
            parts = urlsplit(host.key)
            robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
            result = self._with_retries(host, robots_url, False, None)
            if result.outcome == FETCHED:
                host.robots_body = result.body[:MAX_ROBOTS_BYTES]
                text = host.robots_body.decode("utf-8", "replace")
                host.robots = Protego.parse(text)
                crawl_delay = host.robots.crawl_delay(self.settings.robots_agent)
                if crawl_delay:
                    with host.lock:
                        host.delay = max(host.delay, float(crawl_delay))
            elif not (result.status is not None and 400 <= result.status < 500):
                host.robots_problem = result
            host.robots_loaded = True

    def _with_retries(self, host: Host, url: str, page: bool,
                      conditional: dict[str, str] | None) -> FetchResult:
        settings = self.settings

        def once() -> FetchResult:
            result = self.client.fetch(url, page=page, conditional=conditional,
                                       gate=self._gate)
            if result.retry_after is not None:
                self.host(result.final_url).defer(min(result.retry_after,
                                                      settings.max_retry_after))
            return result

        # backoff, 2 x backoff, 4 x backoff... up to max_backoff, plus up to one backoff
        # of random jitter (so hosts' retries do not fall in step)
        backoff = (tenacity.wait_exponential(multiplier=settings.backoff,
                                             max=settings.max_backoff)
                   + tenacity.wait_random(0, settings.backoff))

        def wait(state: tenacity.RetryCallState) -> float:
            last = state.outcome.result() if state.outcome else None
            if last is not None and last.retry_after is not None:
                return 0.0  # host.defer made the host's next turn wait for it
            return backoff(state)

        def stop(state: tenacity.RetryCallState) -> bool:
            last = state.outcome.result() if state.outcome else None
            too_long = (last is not None and last.retry_after is not None
                        and last.retry_after > settings.max_retry_after)
            return (too_long or state.attempt_number > settings.retries
                    or host.paused is not None)

        retrying = tenacity.Retrying(
            stop=stop, wait=wait, sleep=self._sleep,
            retry=tenacity.retry_if_result(lambda r: is_transient(r.outcome)),
            retry_error_callback=lambda state: state.outcome.result(),  # the last result
        )
        return retrying(once)


@dataclass(slots=True)
class _HostQueue:
    host: Host
    jobs: deque[object] = field(default_factory=deque)
    busy: int = 0


class Scheduler:
    """URLs grouped by host, handed to workers as hosts become free and due.

    ``take()`` blocks until some host is idle (below ``per_host`` jobs in flight) and its
    delay is over, and returns one of its jobs; ``None`` once ``close()`` was called and
    every job was taken. ``done(job_host)`` frees the host."""

    def __init__(self, polite: Polite, per_host: int) -> None:
        self.polite, self.per_host = polite, per_host
        self._queues: dict[str, _HostQueue] = {}
        self._cond = threading.Condition()
        self._closed = False
        self._pending = 0

    def add(self, url: str, job: object) -> None:
        host = self.polite.host(url)
        with self._cond:
            queue = self._queues.get(host.key)
            if queue is None:
                queue = self._queues[host.key] = _HostQueue(host)
            queue.jobs.append(job)
            self._pending += 1
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def take(self) -> tuple[Host, object] | None:
        with self._cond:
            while True:
                if self._pending == 0 and self._closed:
                    return None
                now = time.monotonic()
                best, soonest = None, None
                for queue in self._queues.values():
                    if not queue.jobs or queue.busy >= self.per_host:
                        continue
                    due = queue.host.next_start() if queue.host.paused is None else now
                    if soonest is None or due < soonest:
                        best, soonest = queue, due
                if best is not None and soonest is not None and soonest <= now:
                    best.busy += 1
                    self._pending -= 1
                    return best.host, best.jobs.popleft()
                wait = None if soonest is None else max(0.001, soonest - now)
                self._cond.wait(wait)

    def done(self, host: Host) -> None:
        with self._cond:
            self._queues[host.key].busy -= 1
            self._cond.notify_all()
