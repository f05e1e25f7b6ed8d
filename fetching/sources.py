"""PLACEHOLDER until branch fetch20a (which owns this module) is merged: the shared
interface of FETCH.md, with only what fetch20b's tests use. Replaced by fetch20a's."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Source:
    kind: Literal["feed", "sitemap", "site", "urls"]
    location: str
    name: str | None = None
    max_pages: int | None = None
    since: datetime.date | None = None
    allow_hosts: tuple[str, ...] = ()


class SourceError(ValueError):
    """A source entry that cannot be used."""


def load_sources(fetch_table: Mapping[str, object]) -> list[Source]:
    out = []
    for i, entry in enumerate(fetch_table.get("sources", []) or []):  # type: ignore[union-attr]
        if not isinstance(entry, Mapping):
            raise SourceError(f"[[fetch.sources]] entry {i + 1}: not a table")
        kinds = [k for k in ("feed", "sitemap", "site", "urls") if k in entry]
        if len(kinds) != 1:
            raise SourceError(f"[[fetch.sources]] entry {i + 1}: needs exactly one of"
                              " feed, sitemap, site, urls")
        out.append(Source(kinds[0], str(entry[kinds[0]]), name=entry.get("name")))
    return out
