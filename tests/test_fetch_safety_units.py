"""fetching.safety one call at a time: which addresses are refused and what the refusal
says, what DNS answers become, credentials in URLs, and the guarded backend's hand-off to
httpcore. The fetch-level checks (loopback refused, a redirect to a private address,
credentials never sent) are in test_fetch_faults.py."""

from __future__ import annotations

import ipaddress
import socket

import httpcore
import pytest

from fetching import safety
from fetching.safety import (
    BlockedAddress,
    DnsError,
    GuardedBackend,
    address_problem,
    checked_addresses,
    resolve,
    strip_userinfo,
)


@pytest.mark.parametrize(("address", "says"), [
    ("224.0.0.1", "224.0.0.1 is a multicast address"),  # is_global in Python 3.11
    ("ff02::1", "ff02::1 is a multicast address"),
    ("4000::1", "4000::1 is a reserved address"),  # reserved, and is_global
    ("169.254.1.1", "169.254.1.1 is a link-local address"),
    ("127.0.0.1", "127.0.0.1 is a loopback address"),
    ("10.1.2.3", "10.1.2.3 is a private address"),
    ("::ffff:10.0.0.1", "10.0.0.1 is a private address"),  # IPv4 mapped into IPv6
    ("100.64.0.1", "100.64.0.1 is not a public address"),  # carrier-grade NAT
    ("169.254.169.254", "169.254.169.254 is a cloud metadata address"),
])
def test_each_kind_of_non_public_address_is_refused_by_name(address, says):
    assert address_problem(ipaddress.ip_address(address)) == says


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1"])
def test_a_public_address_is_allowed(address):
    assert address_problem(ipaddress.ip_address(address)) is None


def _resolving_to(monkeypatch, *addresses: str) -> None:
    monkeypatch.setattr(safety, "resolve", lambda host, port: list(addresses))


def test_a_host_is_refused_when_any_of_its_addresses_is_not_public(monkeypatch):
    _resolving_to(monkeypatch, "93.184.216.34", "10.0.0.7")
    with pytest.raises(BlockedAddress, match=r"^news\.example resolves to 10\.0\.0\.7 is a "
                                             r"private address$"):
        checked_addresses("news.example", 80, allow_private=False)
    assert checked_addresses("news.example", 80, allow_private=True) == [
        "93.184.216.34", "10.0.0.7"]


def test_a_scoped_address_is_judged_by_its_address(monkeypatch):
    """DNS may answer an IPv6 address with its zone ("%eth0"): the metadata endpoint
    stays named as such with one."""
    _resolving_to(monkeypatch, "fd00:ec2::254%eth0")
    with pytest.raises(BlockedAddress, match="fd00:ec2::254 is a cloud metadata address"):
        checked_addresses("metadata.example", 80, allow_private=False)


def test_dns_errors_name_the_host(monkeypatch):
    with pytest.raises(DnsError, match=r"^no-such-host\.invalid: "):
        resolve("no-such-host.invalid", 80)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [])
    with pytest.raises(DnsError, match=r"^empty\.example: no address$"):
        resolve("empty.example", 80)


def test_resolve_gives_each_address_once_in_dns_order():
    assert resolve("127.0.0.1", 80) == ["127.0.0.1"]


@pytest.mark.parametrize(("url", "clean"), [
    ("http://user:secret@example.org/a?b=1#c", "http://example.org/a?b=1#c"),
    ("http://user:p@ss@example.org:8080/", "http://example.org:8080/"),  # '@' in a password
    ("http://example.org/@someone", "http://example.org/@someone"),  # not userinfo
])
def test_credentials_are_cut_from_urls(url, clean):
    assert strip_userinfo(url) == clean


class _FakeBackend:
    """httpcore's backend as the guard sees it: records each call; the addresses in
    ``refuse`` fail to connect, with their own error."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.refuse = refuse
        self.calls: list[tuple] = []

    def connect_tcp(self, *args):
        self.calls.append(args)
        if args[0] in self.refuse:
            raise httpcore.ConnectError(f"refused by {args[0]}")
        return f"stream to {args[0]}"

    def sleep(self, seconds: float) -> None:
        self.calls.append(("sleep", seconds))


def _guard(monkeypatch, backend: _FakeBackend, *addresses: str) -> GuardedBackend:
    _resolving_to(monkeypatch, *addresses)
    guard = GuardedBackend(allow_private=False)
    guard._inner = backend
    return guard


def test_the_guard_connects_to_the_address_it_checked_with_the_callers_settings(monkeypatch):
    """The checked address (not the name, which could resolve anew) and the caller's
    port, timeout, local address and socket options go to httpcore unchanged."""
    backend = _FakeBackend()
    guard = _guard(monkeypatch, backend, "93.184.216.34")
    options = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    stream = guard.connect_tcp("news.example", 8443, 2.5, "0.0.0.0", options)
    assert stream == "stream to 93.184.216.34"
    assert backend.calls == [("93.184.216.34", 8443, 2.5, "0.0.0.0", options)]


def test_the_guard_tries_the_next_address_and_reports_the_last_failure(monkeypatch):
    backend = _FakeBackend(refuse=("93.184.216.34",))
    guard = _guard(monkeypatch, backend, "93.184.216.34", "93.184.216.35")
    assert guard.connect_tcp("news.example", 80) == "stream to 93.184.216.35"
    backend.refuse = ("93.184.216.34", "93.184.216.35")
    with pytest.raises(httpcore.ConnectError, match=r"^refused by 93\.184\.216\.35$"):
        guard.connect_tcp("news.example", 80)


def test_the_guard_never_connects_to_a_refused_host(monkeypatch):
    backend = _FakeBackend()
    guard = _guard(monkeypatch, backend, "127.0.0.1")
    with pytest.raises(BlockedAddress):
        guard.connect_tcp("localhost", 80)
    assert backend.calls == []


def test_unix_sockets_are_refused_and_sleep_is_httpcores(monkeypatch):
    backend = _FakeBackend()
    guard = _guard(monkeypatch, backend, "93.184.216.34")
    with pytest.raises(BlockedAddress, match=r"^unix sockets are never fetched$"):
        guard.connect_unix_socket("/var/run/docker.sock")
    guard.sleep(0.25)
    assert backend.calls == [("sleep", 0.25)]
