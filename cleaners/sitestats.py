"""Per-site line statistics: which lines recur across many pages of one site (its chrome).

A menu, a teaser list, a ticker or a footer is printed on every page of a site,
whatever its wording or language; a story's own lines are printed on one page
(CCNet removed lines for the same reason). So a line seen on many *distinct*
pages of a site is chrome there.

Lines are compared by a normalised form (lowercase, ё→е, digits to 0,
punctuation dropped, whitespace folded), so "12 комментариев" and "3
комментария" count as near as the wording allows, and "Главная | Новости" equals
"Главная / Новости". The form is hashed to 64 bits with blake2b: stable across
processes and machines (Python's ``hash()`` is salted per process, so it could
not be stored or compared between Dask workers), and 64 bits make a collision
between two of a site's lines vanishingly unlikely (birthday bound ~2^32 lines).

This module is pure: no Prefect, no sqlite. ``flows/sitestats_store.py`` keeps
the counts across runs; the rule in ``cleaners/rules/site_rules.py`` reads a
``SiteChrome`` (a frozen set of a site's chrome hashes) for one page.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from hashlib import blake2b
from typing import TYPE_CHECKING

from cleaners.words.features import ends_sentence

if TYPE_CHECKING:
    from cleaners.blocks import Block

_DIGITS = re.compile(r"\d")
_NON_WORD = re.compile(r"[\W_]+")

# A line shorter than this (after normalisation) is too generic to say anything about a
# site ("0", "и", "a"): it is neither counted nor judged.
MIN_KEY_CHARS = 2


def line_key(text: str) -> str:
    """The form lines are compared in: lowercase, ё→е, digits→0, punctuation and spacing
    folded to single spaces."""
    text = _DIGITS.sub("0", text.lower().replace("ё", "е"))
    return _NON_WORD.sub(" ", text).strip()


def key_hash(key: str) -> int:
    """A stable signed 64-bit hash of a normalised line (signed: it fits sqlite's INTEGER)."""
    return int.from_bytes(blake2b(key.encode("utf-8"), digest_size=8).digest(), "big",
                          signed=True)


def line_hash(text: str) -> int | None:
    """The hash of a line, or None when its normalised form is too short to count."""
    key = line_key(text)
    return key_hash(key) if len(key) >= MIN_KEY_CHARS else None


PROSE_CHARS = 80  # a paragraph this long that ends a sentence is prose
# a long prose paragraph at the story's edge goes only if this share of the site's pages
# print it (a standing disclaimer some stories carry stays)
PROSE_SHARE = 0.5


def block_hash(block: Block) -> int | None:
    """``line_hash`` of a block's text, worked out once per block (the site rules and the
    HTML front end's template cut ask it of the same blocks)."""
    if not block.site_hashed:
        block.site_hash = line_hash(block.text)
        block.site_hashed = True
    return block.site_hash


def long_prose(block: Block) -> bool:
    """A paragraph of sentences (by length and punctuation, not stoplists: a disclaimer in
    a language without one is prose too): what learned chrome removes only with care."""
    return len(block.text) >= PROSE_CHARS and ends_sentence(block.text)


def recurring(block: Block, chrome: SiteChrome) -> bool:
    """Whether the site prints the block's line on many of its pages (learned chrome)."""
    h = block_hash(block)
    return h is not None and h in chrome


def seen_note(block: Block, chrome: SiteChrome) -> str:
    """How often the site prints the block's line, as ``winnow explain`` says it."""
    return f"printed on {chrome.pages_with(block_hash(block) or 0)} of {chrome.pages} pages" \
        f" of {chrome.site}"


def page_hashes(lines: Iterable[str]) -> frozenset[int]:
    """The distinct line hashes of one page: what the page contributes to its site's counts
    (each once, however often the line is printed on the page)."""
    out = set()
    for text in lines:
        h = line_hash(text)
        if h is not None:
            out.add(h)
    return frozenset(out)


# --------------------------------------------------------------------------
# What a rule reads: one site's chrome
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteChrome:
    """The lines learned as chrome on one site, for the rule to look blocks up in.

    ``counts`` maps a chrome hash to the number of distinct pages it was seen on;
    ``pages`` is how many pages of the site were learned from. Small and picklable:
    the flow hands one per site to tasks that may run in other processes.
    """

    site: str
    pages: int
    counts: Mapping[int, int] = field(default_factory=dict)

    def __contains__(self, h: object) -> bool:
        return h in self.counts

    def pages_with(self, h: int) -> int:
        """How many of the site's pages print this line (0 when it is not chrome)."""
        return self.counts.get(h, 0)

    def share(self, h: int) -> float:
        """The share of the site's pages that print this line (0 when it is not chrome)."""
        return self.counts.get(h, 0) / self.pages if self.pages else 0.0

    def __len__(self) -> int:
        return len(self.counts)


# --------------------------------------------------------------------------
# When a line is chrome: thresholds measured on the dev sets run as archives
# --------------------------------------------------------------------------

# A site with fewer learned pages than this learns nothing: on two or three pages a
# shared line is as likely a repeated story as a template.
MIN_SITE_PAGES = 3
# A line is chrome when printed on at least this many distinct pages of its site... Three,
# not two: on the dev archives a line two pages of a site share is story text one time in
# six (daniel-multi-dev: 262 of 1,540 such lines are in the gold; on three or four pages, 2
# of 2,440), and the bench's leave-sites-out fold (``bench/generalise.py``: the floor
# chosen on one half of the sites, scored on the other) picks 3 on both halves, above 2
# on the held-out half by 0.0055 and 0.0028 F1.
MIN_PAGES = 3
# ...and on this share of them (so a quote two stories of a 50-page site share stays)...
SHARE = 0.05
# ...but never more pages than this: on a site of a million pages a teaser list printed on
# thirty of them is chrome, though it is on a tiny share.
MAX_PAGES = 20


def chrome_threshold(site_pages: int, floor: int = MIN_PAGES) -> int:
    """How many distinct pages of a site of ``site_pages`` pages a chrome line is printed on
    (``floor``: the least, which the bench's leave-sites-out fold varies)."""
    return max(floor, min(MAX_PAGES, math.ceil(SHARE * site_pages)))


# --------------------------------------------------------------------------
# Counting, in bounded memory
# --------------------------------------------------------------------------

# Lines tracked per site. Misra-Gries keeps every line printed on more than
# (lines counted) / (CAPACITY + 1) pages: with ~300 distinct lines a page that is any
# line on more than ~15 % of a site's pages, whatever the site's size. Chrome is far
# above that; a story's own lines are far below.
CAPACITY = 2048


class LineCounter:
    """Distinct-page counts of one site's lines, in at most ``2 * capacity`` entries.

    Misra-Gries "frequent items" with batched decrements: counts grow exactly until the
    table holds twice the capacity; then every count drops by the (capacity+1)-th largest
    and the lines that reach zero are forgotten. Estimates never exceed the true count
    (a line is never called chrome on more pages than print it) and fall short by at most
    ``lines counted / (capacity + 1)``. Chosen over a count-min sketch because it is exact
    for every site that fits (most of them), stores only real lines (so it can hand a
    rule the chrome set itself), and merges by addition.
    """

    __slots__ = ("capacity", "counts", "pages")

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self.counts: dict[int, int] = {}
        self.pages = 0

    def add_page(self, hashes: Iterable[int]) -> None:
        """Count one page: each of its distinct lines once."""
        self.pages += 1
        counts = self.counts
        for h in set(hashes):
            counts[h] = counts.get(h, 0) + 1
        if len(counts) > 2 * self.capacity:
            self._shrink()

    def merge(self, counts: Mapping[int, int], pages: int) -> None:
        """Add another summary's counts (of other pages): Misra-Gries summaries add up."""
        self.pages += pages
        mine = self.counts
        for h, c in counts.items():
            mine[h] = mine.get(h, 0) + c
        if len(mine) > 2 * self.capacity:
            self._shrink()

    def _shrink(self) -> None:
        cut = heapq.nlargest(self.capacity + 1, self.counts.values())[-1]
        self.counts = {h: c - cut for h, c in self.counts.items() if c > cut}

    def chrome(self, site: str, *, pending: bool = False) -> SiteChrome:
        """The site's chrome lines for pages the counts include (a backfill that learned
        first) or, with ``pending``, for new pages they do not include yet (a scheduled
        run): then each page is counted as printing its own lines, so both mean "printed
        on so many other pages"."""
        extra = 1 if pending else 0
        pages = self.pages + extra
        if pages < MIN_SITE_PAGES:
            return SiteChrome(site, pages, {})
        need = chrome_threshold(pages) - extra
        return SiteChrome(site, pages, {h: c + extra for h, c in self.counts.items()
                                        if c >= need})


class SiteLineStats:
    """``LineCounter``s for many sites: what a backfill's learning pass builds in memory."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self.sites: dict[str, LineCounter] = {}

    def counter(self, site: str) -> LineCounter:
        found = self.sites.get(site)
        if found is None:
            found = self.sites[site] = LineCounter(self.capacity)
        return found

    def add_page(self, site: str, hashes: Iterable[int]) -> None:
        self.counter(site).add_page(hashes)

    def chrome(self, site: str, *, pending: bool = False) -> SiteChrome | None:
        found = self.sites.get(site)
        return found.chrome(site, pending=pending) if found is not None else None
