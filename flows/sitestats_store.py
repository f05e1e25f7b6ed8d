"""Keep each site's line statistics across runs: ``<out>/_state/sitestats.sqlite``.

A backfill learns its pages' lines before it cleans them; a scheduled run cleans
with what earlier runs learned and then adds its own pages. The counting itself
(``cleaners.sitestats.LineCounter``, a bounded Misra-Gries summary) is pure; this
module only stores it: at most ``2 * CAPACITY`` rows a site, and one row a page
learned (so a page is counted once, however often it is cleaned again). Updates
load only the sites of the batch at hand, so memory is bounded by a batch, not
by the archive. The store is its own sqlite file: it is written once per batch,
after the state commits that batch, and a run killed in between only leaves a
batch's pages uncounted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path

from cleaners import CAPACITY, LineCounter, SiteChrome
from flows.state import connect_state_db

STATS_DB = "sitestats.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sites (
    site  TEXT PRIMARY KEY,
    pages INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS lines (
    site  TEXT NOT NULL,
    hash  INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (site, hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS learned (
    page INTEGER PRIMARY KEY      -- 64-bit hash of the page's source path
);
"""


@dataclass(frozen=True, slots=True)
class PageLines:
    """One page's distinct line hashes, as a learning pass or a cleaning task saw them."""

    source_path: str
    site: str
    hashes: frozenset[int]


def _page_key(source_path: str) -> int:
    return int.from_bytes(blake2b(source_path.encode("utf-8"), digest_size=8).digest(),
                          "big", signed=True)


class SiteStatsStore:
    """The line statistics of every site an output folder has seen."""

    def __init__(self, out_root: str | Path, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._db = connect_state_db(out_root, STATS_DB)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SiteStatsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _counter(self, site: str) -> LineCounter:
        counter = LineCounter(self.capacity)
        row = self._db.execute("SELECT pages FROM sites WHERE site = ?", (site,)).fetchone()
        if row is not None:
            counter.pages = row[0]
            counter.counts = dict(self._db.execute(
                "SELECT hash, count FROM lines WHERE site = ?", (site,)))
        return counter

    def unlearned(self, pages: Iterable[PageLines]) -> Iterator[PageLines]:
        """The pages not counted yet (a page cleaned again is not counted twice)."""
        for page in pages:
            if self._db.execute("SELECT 1 FROM learned WHERE page = ?",
                                (_page_key(page.source_path),)).fetchone() is None:
                yield page

    def learn(self, pages: Iterable[PageLines]) -> int:
        """Count the pages not counted before, in one transaction; return how many."""
        by_site: dict[str, list[PageLines]] = defaultdict(list)
        for page in self.unlearned(pages):
            by_site[page.site].append(page)
        added = 0
        with self._db:
            for site, group in by_site.items():
                counter = self._counter(site)
                keys = set()
                for page in group:
                    key = _page_key(page.source_path)
                    if key in keys:
                        continue
                    keys.add(key)
                    counter.add_page(page.hashes)
                    added += 1
                self._db.execute("INSERT OR REPLACE INTO sites (site, pages) VALUES (?, ?)",
                                 (site, counter.pages))
                self._db.execute("DELETE FROM lines WHERE site = ?", (site,))
                self._db.executemany("INSERT INTO lines (site, hash, count) VALUES (?, ?, ?)",
                                     ((site, h, c) for h, c in counter.counts.items()))
                self._db.executemany("INSERT OR IGNORE INTO learned (page) VALUES (?)",
                                     ((k,) for k in keys))
        return added

    def chrome(self, sites: Iterable[str], *, pending: bool) -> dict[str, SiteChrome]:
        """Each site's learned chrome, for pages the counts include (``pending`` False: a
        backfill that learned first) or not yet (True: a scheduled run's new pages)."""
        out = {}
        for site in set(sites):
            chrome = self._counter(site).chrome(site, pending=pending)
            if chrome:
                out[site] = chrome
        return out

    def sites(self) -> Mapping[str, int]:
        """Every site learned and its page count."""
        return dict(self._db.execute("SELECT site, pages FROM sites ORDER BY site"))
