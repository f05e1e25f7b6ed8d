"""PLACEHOLDER until branch fetch20a (which owns this module) is merged: the shared
interface of FETCH.md, with only the ``urls`` source. Replaced by fetch20a's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import courlan

from fetching.sources import Source

Getter = Callable[[str], bytes | None]


@dataclass(frozen=True, slots=True)
class Candidate:
    url: str
    site: str
    title: str | None = None
    published: str | None = None
    source: str = ""


def normalise_url(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return courlan.normalize_url(url.strip(), strict=True)


def discover(source: Source, get: Getter) -> Iterator[Candidate]:
    seen: set[str] = set()
    for line in Path(source.location).read_text(encoding="utf-8").splitlines():
        url = normalise_url(line) if line.strip() else None
        if url and url not in seen:
            seen.add(url)
            site = source.name or (urlsplit(url).hostname or "").removeprefix("www.")
            yield Candidate(url, site, source=f"urls:{source.location}")
