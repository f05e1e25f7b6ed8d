"""Where a request may go: http(s) only, never to a private address, no credentials kept.

The address check runs **at connect time, on the addresses DNS gave**: a guarded network
backend under httpx resolves the host itself, refuses the request if any address is
private, loopback, link-local, reserved or a cloud metadata endpoint, and connects to the
address it checked. Checking a name and letting the library resolve it again would leave
a DNS-rebinding gap (the second answer can differ); checking at connect time also covers
every redirect hop, since each hop opens its own connection.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

import httpcore

SCHEMES = frozenset({"http", "https"})
# Cloud metadata endpoints: link-local or ULA, refused by the general rule too, named here
# so the refusal says what they are.
METADATA = frozenset({ipaddress.ip_address("169.254.169.254"),
                      ipaddress.ip_address("fd00:ec2::254")})


class BlockedAddress(Exception):
    """The host resolves to an address Winnow may not connect to."""


class DnsError(Exception):
    """The host name does not resolve."""


def strip_userinfo(url: str) -> str:
    """The URL without ``user:password@``: what is logged, written and requested. Credentials
    in a URL are never sent either (a redirect could carry them to another host)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def address_problem(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why a connection to ``ip`` is refused, or None when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA:
        return f"{ip} is a cloud metadata address"
    for name in ("loopback", "link_local", "private", "multicast", "reserved",
                 "unspecified"):
        if getattr(ip, f"is_{name}"):
            return f"{ip} is a {name.replace('_', '-')} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DnsError(f"{host}: {exc}") from None
    seen: dict[str, None] = {}
    for info in infos:
        seen.setdefault(str(info[4][0]), None)
    if not seen:
        raise DnsError(f"{host}: no address")
    return list(seen)


def checked_addresses(host: str, port: int, allow_private: bool) -> list[str]:
    """The host's addresses, all of them allowed; ``BlockedAddress`` if any is not (a
    host with one public and one private address is refused: which one a connection
    would use is not ours to choose)."""
    addresses = resolve(host, port)
    if allow_private:
        return addresses
    for address in addresses:
        problem = address_problem(ipaddress.ip_address(address.split("%")[0]))
        if problem:
            raise BlockedAddress(f"{host} resolves to {problem}")
    return addresses


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's synchronous backend with the address check before every connect."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[object] | None = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in checked_addresses(host, port, self.allow_private):
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address,
                                               socket_options)  # type: ignore[arg-type]
            except httpcore.ConnectError as exc:  # try the host's next address
                last = exc
        raise last or httpcore.ConnectError(f"cannot connect to {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[object] | None = None
                            ) -> httpcore.NetworkStream:
        raise BlockedAddress("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
