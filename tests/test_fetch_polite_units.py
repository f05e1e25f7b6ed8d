"""fetching/polite.py's parts on their own, with no server: the host key robots.txt and the
delays apply to, the circuit breaker's count, the per-host settings a host is made with,
and what ``Polite.fetch`` asks the client for. Written against the survivors of ``make
mutate`` (tests/test_fetch_polite.py reads the same behaviour from a server's side);
expected values follow the module's docstring and RFC 3986's default ports."""

from __future__ import annotations

import threading
import time

import pytest
import tenacity
from protego import Protego

from fetching.outcomes import (
    DNS_ERROR,
    FETCHED,
    HOST_PAUSED,
    ROBOTS_DISALLOWED,
    TIMEOUT,
    FetchResult,
)
from fetching.polite import Host, Polite, Scheduler, host_key
from fetching.settings import FetchSettings

URL = "https://news.example/story"


@pytest.mark.parametrize(("url", "key"), [
    ("https://News.Example/a?b=1", "https://news.example:443"),  # the default port, lower case
    ("http://news.example/a", "http://news.example:80"),
    ("https://news.example:8443/a", "https://news.example:8443"),  # a port given is kept
    ("http://news.example:443/a", "http://news.example:443"),
    ("https:///no-host", "https://:443"),  # no host: an empty one, not a made-up name
])
def test_the_host_key_is_scheme_host_and_port(url: str, key: str) -> None:
    assert host_key(url) == key


def _result(outcome: str) -> FetchResult:
    return FetchResult(outcome, URL, URL, detail=f"{outcome} here")


def test_dns_errors_in_a_row_pause_the_host_with_the_last_one() -> None:
    host = Host("https://news.example:443", 0.0)
    host.record(_result(DNS_ERROR), 2)
    assert (host.failures, host.paused) == (1, None)
    last = _result(DNS_ERROR)
    host.record(last, 2)
    assert host.failures == 2 and host.paused is last


@pytest.mark.parametrize("between", [FETCHED, "http_404"])  # a success, a lasting failure
def test_an_outcome_that_is_no_transient_failure_starts_the_count_again(between: str) -> None:
    host = Host("https://news.example:443", 0.0)
    host.record(_result(TIMEOUT), 2)
    host.record(_result(between), 2)
    assert host.failures == 0
    host.record(_result(TIMEOUT), 2)  # one failure in a row again: below the limit
    assert (host.failures, host.paused) == (1, None)


class Client:
    """Stands in for SafeClient: answers every URL as fetched; remembers what it was asked
    (it never calls the gate, so no robots.txt is read)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, bool, dict | None]] = []

    def fetch(self, url: str, *, page: bool, conditional, gate) -> FetchResult:
        self.asked.append((url, page, conditional))
        return FetchResult(FETCHED, url, url, 200, body=b"<p>x</p>")


def test_a_host_takes_the_delay_and_the_concurrency_of_the_settings() -> None:
    polite = Polite(Client(), FetchSettings(delay=2.5, per_host_concurrency=3))  # type: ignore[arg-type]
    host = polite.host(URL)
    assert (host.key, host.delay, host.per_host) == ("https://news.example:443", 2.5, 3)
    assert polite.host("https://NEWS.example/other") is host  # one Host per key
    assert polite.host("http://news.example/story") is not host
    assert polite.hosts() == [host, polite.host("http://news.example/story")]


def test_fetch_asks_for_a_page_unless_told_otherwise() -> None:
    client = Client()
    polite = Polite(client, FetchSettings())  # type: ignore[arg-type]
    assert polite.fetch(URL).outcome == FETCHED
    polite.fetch(URL, page=False, conditional={"If-None-Match": '"e"'})
    assert client.asked == [(URL, True, None), (URL, False, {"If-None-Match": '"e"'})]


def test_a_paused_hosts_url_is_not_requested_and_says_why() -> None:
    client = Client()
    polite = Polite(client, FetchSettings(max_host_failures=4))  # type: ignore[arg-type]
    polite.host(URL).paused = FetchResult(TIMEOUT, URL, URL, detail="no answer in 30 s")
    other = "https://news.example/other"
    result = polite.fetch(other)
    assert client.asked == []
    assert (result.outcome, result.url, result.final_url, result.status) == (
        HOST_PAUSED, other, other, None)
    assert result.detail == ("not requested: host paused after 4 failed URLs in a row"
                             " (last: timeout no answer in 30 s)")


def _refusal(problem: FetchResult | None = None, robots: str | None = None,
             url: str = URL) -> FetchResult | None:
    """What ``Polite`` answers for ``url`` once its host's robots.txt was read (or failed)."""
    polite = Polite(Client(), FetchSettings())  # type: ignore[arg-type]
    host = polite.host(url)
    host.robots_problem = problem
    host.robots = Protego.parse(robots) if robots is not None else None
    host.robots_loaded = True  # read already: nothing is asked of the client
    return polite._robots_checked(host, url)


def test_an_unreachable_host_ends_its_urls_with_its_own_failure() -> None:
    """The host itself failed (RFC 9309's unreachable): the URL says so, not "robots"."""
    problem = FetchResult(DNS_ERROR, "https://news.example/robots.txt",
                          "https://news.example/robots.txt", detail="no such host")
    got = _refusal(problem)
    assert got is not None
    assert (got.outcome, got.url, got.final_url, got.status, got.detail) == (
        DNS_ERROR, URL, URL, None, "robots.txt: dns_error no such host")


def test_a_robots_txt_that_failed_otherwise_allows_nothing() -> None:
    problem = FetchResult("http_503", "https://news.example/robots.txt",
                          "https://news.example/robots.txt", 503, detail="Service Unavailable")
    got = _refusal(problem)
    assert got is not None
    assert (got.outcome, got.url, got.final_url, got.status, got.detail) == (
        ROBOTS_DISALLOWED, URL, URL, None,
        "robots.txt unavailable (http_503 Service Unavailable): nothing is allowed")


def test_robots_txt_is_asked_for_winnows_agent() -> None:
    robots = "User-agent: *\nDisallow: /all/\n\nUser-agent: Winnow\nDisallow: /members/\n"
    got = _refusal(robots=robots, url="https://news.example/members/1")
    assert got is not None
    assert (got.outcome, got.url, got.final_url, got.detail) == (
        ROBOTS_DISALLOWED, "https://news.example/members/1", "https://news.example/members/1",
        "robots.txt disallows it for Winnow")
    assert _refusal(robots=robots, url="https://news.example/all/1") is None  # not Winnow's
    assert _refusal(url="https://news.example/members/1") is None  # no robots.txt: all allowed


def test_robots_txt_itself_is_never_refused() -> None:
    problem = FetchResult("http_503", URL, URL, 503)
    assert _refusal(problem, url="https://news.example/robots.txt") is None


class RobotsClient(Client):
    """Answers robots.txt with ``answer`` (its URL put in), every other URL as fetched."""

    def __init__(self, answer: FetchResult) -> None:
        super().__init__()
        self.answer = answer

    def fetch(self, url: str, *, page: bool, conditional, gate) -> FetchResult:
        if not url.endswith("/robots.txt"):
            return super().fetch(url, page=page, conditional=conditional, gate=gate)
        self.asked.append((url, page, conditional))
        return FetchResult(self.answer.outcome, url, url, self.answer.status,
                           detail=self.answer.detail, body=self.answer.body)


def _loaded(answer: FetchResult, **settings) -> tuple[Host, RobotsClient, Polite]:
    client = RobotsClient(answer)
    polite = Polite(client, FetchSettings(**settings), sleep=lambda s: None)  # type: ignore[arg-type]
    host = polite.host(URL)
    polite._load_robots(host)
    return host, client, polite


def test_robots_txt_is_read_once_from_the_hosts_root_as_no_page() -> None:
    host, client, polite = _loaded(FetchResult(FETCHED, "", "", 200, body=b"User-agent: *\n"))
    polite._load_robots(host)
    assert polite.robots_txt("https://news.example/other") == b"User-agent: *\n"
    assert client.asked == [("https://news.example:443/robots.txt", False, None)]
    assert host.robots_loaded and host.robots_problem is None


def test_a_longer_robots_txt_is_read_to_its_first_500_kib() -> None:
    body = b"User-agent: Winnow\nDisallow: /members/\n" + b"#" * (600 * 1024)
    host, _, _ = _loaded(FetchResult(FETCHED, "", "", 200, body=body))
    assert host.robots_body == body[:500 * 1024]
    assert host.robots is not None
    assert not host.robots.can_fetch("https://news.example/members/1", "Winnow")


@pytest.mark.parametrize(("setting", "crawl_delay", "delay"), [
    (1.0, "2.5", 2.5),  # the larger of the two
    (5.0, "2.5", 5.0),
])
def test_the_delay_is_the_larger_of_the_setting_and_crawl_delay(
        setting: float, crawl_delay: str, delay: float) -> None:
    robots = f"User-agent: Winnow\nCrawl-delay: {crawl_delay}\n".encode()
    host, _, _ = _loaded(FetchResult(FETCHED, "", "", 200, body=robots), delay=setting)
    assert host.delay == delay


def test_a_robots_txt_in_another_encoding_is_still_read() -> None:
    robots = "User-agent: Winnow\nDisallow: /caf\u00e9/\n".encode("latin-1")
    host, _, _ = _loaded(FetchResult(FETCHED, "", "", 200, body=robots))
    assert host.robots is not None
    assert host.robots.can_fetch("https://news.example/open", "Winnow")


@pytest.mark.parametrize("status", [400, 404, 499])
def test_a_4xx_robots_txt_allows_everything(status: int) -> None:
    host, _, polite = _loaded(FetchResult(f"http_{status}", "", "", status), retries=0)
    assert (host.robots, host.robots_problem, host.robots_loaded) == (None, None, True)
    assert polite._robots_checked(host, URL) is None


@pytest.mark.parametrize(("outcome", "status"), [("http_500", 500), ("http_503", 503),
                                                 ("http_399", 399), (TIMEOUT, None)])
def test_a_robots_txt_that_is_not_there_otherwise_allows_nothing(
        outcome: str, status: int | None) -> None:
    host, _, _ = _loaded(FetchResult(outcome, "", "", status, detail="down"), retries=0)
    assert host.robots_problem is not None and host.robots_loaded
    assert (host.robots_problem.outcome, host.robots_problem.status) == (outcome, status)


def test_a_robots_txt_that_fails_for_now_is_tried_again() -> None:
    host, client, _ = _loaded(FetchResult("http_503", "", "", 503, detail="busy"), retries=2)
    assert client.asked == [("https://news.example:443/robots.txt", False, None)] * 3
    assert host.robots_problem is not None and host.robots_problem.status == 503


class Script(Client):
    """Answers the page URL with the next scripted (outcome, status, retry_after)."""

    def __init__(self, *answers: tuple[str, int | None, float | None]) -> None:
        super().__init__()
        self.answers = list(answers)

    def fetch(self, url: str, *, page: bool, conditional, gate) -> FetchResult:
        self.asked.append((url, page, conditional))
        outcome, status, retry_after = self.answers.pop(0)
        return FetchResult(outcome, url, url, status, retry_after=retry_after)


def _retried(client: Script, **settings) -> tuple[FetchResult, list[float], Host]:
    """``Polite.fetch(URL)`` through ``client``, robots.txt taken as read (none), with the
    waits between tries recorded instead of slept."""
    waits: list[float] = []
    polite = Polite(client, FetchSettings(**settings), sleep=waits.append)  # type: ignore[arg-type]
    host = polite.host(URL)
    host.robots_loaded = True
    return polite.fetch(URL), waits, host


def test_the_backoff_doubles_up_to_its_most_plus_jitter(monkeypatch) -> None:
    """backoff, 2 x backoff, 4 x backoff... up to max_backoff, plus a jitter of up to one
    backoff (the module's comment); the jitter's random draw fixed at one half."""
    monkeypatch.setattr(tenacity.wait.random, "random", lambda: 0.5)
    client = Script(*[("http_503", 503, None)] * 4, (FETCHED, 200, None))
    result, waits, _ = _retried(client, retries=4, backoff=10.0, max_backoff=60.0)
    assert result.outcome == FETCHED and len(client.asked) == 5
    assert waits == [10 + 5, 20 + 5, 40 + 5, 60 + 5]


def test_the_last_failure_is_the_result_when_the_retries_run_out(monkeypatch) -> None:
    monkeypatch.setattr(tenacity.wait.random, "random", lambda: 0.0)
    client = Script(("timeout", None, None), ("http_500", 500, None), ("http_502", 502, None))
    result, waits, host = _retried(client, retries=2, backoff=1.0)
    assert (result.outcome, result.status) == ("http_502", 502)
    assert waits == [1.0, 2.0] and host.failures == 1  # one URL failed


def test_a_retry_after_defers_the_host_not_the_worker() -> None:
    client = Script(("http_429", 429, 7.0), (FETCHED, 200, None))
    before = time.monotonic()
    result, waits, host = _retried(client, retries=3, max_retry_after=300.0)
    assert result.outcome == FETCHED and len(client.asked) == 2
    assert waits == [0.0]  # the host's turn waits instead (Host.defer)
    assert before + 7.0 <= host.not_before <= time.monotonic() + 7.0


def test_a_retry_after_at_the_most_is_waited_for_and_a_longer_one_gives_up() -> None:
    client = Script(("http_503", 503, 10.0), (FETCHED, 200, None))
    result, _, _ = _retried(client, retries=3, max_retry_after=10.0)
    assert result.outcome == FETCHED  # exactly the most: waited for
    client = Script(("http_503", 503, 10.5))
    before = time.monotonic()
    result, waits, host = _retried(client, retries=3, max_retry_after=10.0)
    assert (result.outcome, len(client.asked), waits) == ("http_503", 1, [])
    assert before + 10.0 <= host.not_before <= time.monotonic() + 10.0  # deferred the most


def test_no_more_tries_once_the_host_is_paused() -> None:
    class Pausing(Script):
        def fetch(self, url: str, *, page: bool, conditional, gate) -> FetchResult:
            polite.host(url).paused = _result(TIMEOUT)  # another URL's failure paused it
            return super().fetch(url, page=page, conditional=conditional, gate=gate)

    client = Pausing(("timeout", None, None), (FETCHED, 200, None))
    polite = Polite(client, FetchSettings(retries=3), sleep=lambda s: None)  # type: ignore[arg-type]
    polite.host(URL).robots_loaded = True
    assert polite.fetch(URL).outcome == TIMEOUT and len(client.asked) == 1


# ------------------------------------------------------------------ the scheduler

A, B = "https://a.example/", "https://b.example/"


def _scheduler(per_host: int = 1, delay: float = 0.0) -> tuple[Scheduler, Polite]:
    polite = Polite(Client(), FetchSettings(delay=delay))  # type: ignore[arg-type]
    return Scheduler(polite, per_host), polite


def _in_thread(call) -> list:
    """Run ``call`` in a thread; its result lands in the returned list."""
    out: list = []
    thread = threading.Thread(target=lambda: out.append(call()), daemon=True)
    thread.start()
    return [thread, out]


def test_a_busy_host_waits_while_another_hosts_job_is_handed_out() -> None:
    sched, polite = _scheduler()
    for url, job in ((A + "1", "a1"), (A + "2", "a2"), (B + "1", "b1")):
        sched.add(url, job)
    assert sched.take() == (polite.host(A), "a1")
    assert sched.take() == (polite.host(B), "b1")  # a.example is busy with a1
    sched.done(polite.host(A))
    assert sched.take() == (polite.host(A), "a2")
    sched.close()
    assert sched.take() is None  # closed, and every job taken


def test_per_host_jobs_of_one_host_go_at_once() -> None:
    sched, polite = _scheduler(per_host=2)
    sched.add(A + "1", "a1")
    sched.add(A + "2", "a2")
    sched.close()  # closing keeps the jobs not yet taken
    assert [sched.take(), sched.take(), sched.take()] == [
        (polite.host(A), "a1"), (polite.host(A), "a2"), None]


def test_the_host_due_first_goes_first_and_a_paused_one_at_once() -> None:
    sched, polite = _scheduler(delay=100.0)
    sched.add(A + "1", "a1")
    sched.add(B + "1", "b1")
    polite.host(A).last_start = time.monotonic()  # a.example's next turn: in 100 s
    assert sched.take() == (polite.host(B), "b1")
    polite.host(A).paused = _result(TIMEOUT)  # its URLs now end at once, unrequested
    assert sched.take() == (polite.host(A), "a1")


def test_a_host_not_yet_due_is_waited_for_until_it_is() -> None:
    sched, polite = _scheduler(delay=0.1)
    sched.add(A + "1", "a1")
    start = polite.host(A).last_start = time.monotonic()
    assert sched.take() == (polite.host(A), "a1")
    # not before its turn, and not a second late (the wait is the time to its turn)
    assert start + 0.1 <= time.monotonic() < start + 1.0


def test_a_host_takes_per_host_jobs_and_no_more_until_one_is_done() -> None:
    sched, polite = _scheduler(per_host=2)
    for i in range(4):
        sched.add(A + str(i), f"a{i}")
    assert [sched.take(), sched.take()] == [(polite.host(A), "a0"), (polite.host(A), "a1")]
    thread, got = _in_thread(sched.take)
    time.sleep(0.05)
    assert got == []  # two in flight: the third waits
    sched.done(polite.host(A))
    thread.join(5)
    assert got == [(polite.host(A), "a2")]
    thread, got = _in_thread(sched.take)
    time.sleep(0.05)
    assert got == []  # two in flight again
    sched.done(polite.host(A))
    thread.join(5)
    assert got == [(polite.host(A), "a3")]


def test_a_waiting_worker_is_woken_by_a_new_job_a_freed_host_and_the_close() -> None:
    sched, polite = _scheduler()
    thread, got = _in_thread(sched.take)  # nothing to take yet: it waits
    time.sleep(0.05)
    sched.add(A + "1", "a1")
    thread.join(5)
    assert got == [(polite.host(A), "a1")]
    sched.add(A + "2", "a2")
    thread, got = _in_thread(sched.take)  # a.example busy with a1: it waits
    time.sleep(0.05)
    assert got == []
    sched.done(polite.host(A))
    thread.join(5)
    assert got == [(polite.host(A), "a2")]
    thread, got = _in_thread(sched.take)
    time.sleep(0.05)
    sched.close()
    thread.join(5)
    assert got == [None]
