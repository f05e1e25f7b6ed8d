"""Where ``winnow fetch`` looks for pages: the ``[[fetch.sources]]`` of the settings file.

Each entry names one kind of source (a feed, a sitemap, a site, or a file of URLs) and
optionally the site folder its pages land in, how many pages to take, how old an entry
may be, and which hosts its links may point to. The settings are checked here, once,
with a message that names the entry and the field, so that a typo fails the command at
start instead of silently fetching nothing (or everything) an hour later.

The defaults for ``allow_hosts`` (see :class:`Source`) live here beside the field, so the
rule and its reason are read together; :mod:`fetching.discover` applies it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast
from urllib.parse import urlsplit

Kind = Literal["feed", "sitemap", "site", "urls"]
KINDS: tuple[Kind, ...] = ("feed", "sitemap", "site", "urls")
OPTIONS = ("name", "max_pages", "since", "allow_hosts")

# A site folder under raw/: one path segment, no hidden or parent names (a name from the
# settings must not write outside raw/).
_NAME_RE = re.compile(r"^\w[\w.-]*$")
# A host in allow_hosts: a DNS name or an IPv4 address, no scheme, port, path or user.
_HOST_RE = re.compile(r"^[^\s/:@?#\[\]]+$")


class SourceError(ValueError):
    """A ``[[fetch.sources]]`` entry that cannot be used; the message names entry and field."""


@dataclass(frozen=True, slots=True)
class Source:
    """One ``[[fetch.sources]]`` entry, checked.

    ``location`` is the feed, sitemap or site URL as written, or the URL-list file's path
    (made absolute against the settings file's folder). ``name`` is the site folder under
    ``raw/``; ``None`` gives each page the host of its own URL (less ``www.``), as the
    cleaner does for a sidecar without ``site``, so a feed on ``feeds.example.co.uk``
    files its stories under ``example.co.uk``.

    ``allow_hosts`` empty means the default:

    * ``sitemap`` and ``site``: a link must be on the source's registered domain
      (``news.example.com`` and ``www.example.com`` both pass for ``example.com``). The
      sitemaps protocol allows a sitemap to list only its own site's URLs, so a link
      elsewhere is an error or a hijacked index, and a site's home page is its own.
    * ``feed`` and ``urls``: any http(s) host. A feed is often served from another
      domain than its stories (``feeds.bbci.co.uk`` lists ``www.bbc.co.uk``, FeedBurner
      lists everyone), and a URL list is the user's own choice.

    Given, a link's host must equal one of ``allow_hosts`` or be a subdomain of one.
    """

    kind: Kind
    location: str
    name: str | None = None
    max_pages: int | None = None
    since: datetime.date | None = None
    allow_hosts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A page URL found by a source, normalised, with what the source said about it."""

    url: str
    site: str
    title: str | None = None
    published: str | None = None  # ISO 8601, from the feed entry, news sitemap or lastmod
    source: str = ""  # the source's kind and location, for the fetch log


@dataclass(frozen=True, slots=True)
class Entry:
    """One link as a discovery document gives it, before normalising and the filters."""

    url: str
    title: str | None = None
    published: datetime.datetime | None = None


def load_sources(fetch_table: Mapping[str, object], base: Path | None = None) -> list[Source]:
    """The sources of the parsed settings' ``[fetch]`` table (``[]`` when it has none).

    ``base`` is the settings file's folder: a relative ``urls`` path is read from there,
    so a settings file and its URL list move together; without it, from the current
    folder. Raises :class:`SourceError` for the first entry that cannot be used.
    """
    entries = fetch_table.get("sources", [])
    if not isinstance(entries, list):
        raise SourceError("fetch.sources must be an array of tables ([[fetch.sources]])")
    return [_source(entry, i, base) for i, entry in enumerate(entries, start=1)]


def _label(entry: Mapping[str, object], index: int) -> str:
    name = entry.get("name")
    return f"[[fetch.sources]] #{index}" + (f" (name = {name!r})" if isinstance(name, str) else "")


def _source(entry: object, index: int, base: Path | None) -> Source:
    if not isinstance(entry, Mapping):
        raise SourceError(f"[[fetch.sources]] #{index}: must be a table, not {entry!r}")
    entry = cast(Mapping[str, object], entry)
    label = _label(entry, index)
    unknown = sorted(set(entry) - set(KINDS) - set(OPTIONS))
    if unknown:
        raise SourceError(f"{label}: unknown key {unknown[0]!r}; the keys are "
                          f"one of {', '.join(KINDS)} and optionally {', '.join(OPTIONS)}")
    kinds = [k for k in KINDS if k in entry]
    if len(kinds) != 1:
        found = " and ".join(kinds) if kinds else "none"
        raise SourceError(f"{label}: needs exactly one of {', '.join(KINDS)} (found {found})")
    kind = kinds[0]
    return Source(
        kind=kind,
        location=_location(kind, entry[kind], label, base),
        name=_name(entry.get("name"), label),
        max_pages=_max_pages(entry.get("max_pages"), label),
        since=_since(entry.get("since"), label),
        allow_hosts=_allow_hosts(entry.get("allow_hosts"), label),
    )


def _location(kind: Kind, value: object, label: str, base: Path | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SourceError(f"{label}: {kind} must be a non-empty string, not {value!r}")
    value = value.strip()
    if kind == "urls":
        path = Path(value).expanduser()
        if base is not None and not path.is_absolute():
            path = base / path
        if not path.is_file():
            raise SourceError(f"{label}: urls file {str(path)!r} does not exist")
        return str(path)
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SourceError(f"{label}: {kind} must be an http:// or https:// URL, not {value!r}")
    return value


def _name(value: object, label: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise SourceError(f"{label}: name must be one folder name (letters, digits, '.', "
                          f"'-', '_', not starting with '.' or '-'), not {value!r}")
    return value


def _max_pages(value: object, label: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SourceError(f"{label}: max_pages must be a positive whole number, not {value!r}")
    return value


def _since(value: object, label: str) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):  # a TOML date-time: its (UTC, if given) day
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return _since(datetime.datetime.fromisoformat(value.strip()), label)
        except ValueError:
            pass
    raise SourceError(f"{label}: since must be a date (since = 2024-05-01 or "
                      f"\"2024-05-01\"), not {value!r}")


def _allow_hosts(value: object, label: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SourceError(f"{label}: allow_hosts must be a list of host names, not {value!r}")
    hosts = []
    for host in value:
        if not isinstance(host, str) or not _HOST_RE.match(host.strip().strip(".")):
            raise SourceError(f"{label}: allow_hosts takes host names like \"example.com\" "
                              f"(no scheme, port or path), not {host!r}")
        hosts.append(host.strip().strip(".").lower())
    return tuple(hosts)
