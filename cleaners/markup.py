"""What a page's markup says about its story as a whole: the HTML front end reads it once
(``cleaners.html.meta``); rules read the chosen title from it, the assembler its dates,
authors, tags and images. Text pages have none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class PageMeta:
    """What the markup says about the story."""

    html_title: str = ""
    og_title: str = ""
    ld_headline: str = ""
    h1: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # h1-h3 and title-classed, page order
    site_name: str = ""
    published: str | None = None
    # the other days the markup's sources give (a JSON-LD article's and article:published_time
    # that disagree): the date printed beside the headline may confirm one of them
    other_dates: list[str] = field(default_factory=list)
    # the dates the markup says the story was modified on (JSON-LD ``dateModified``,
    # ``article:modified_time``): a page may print its updated day as its only date
    modified: list[str] = field(default_factory=list)
    # the published date of the article <meta> tags of a vocabulary other than schema.org
    # (``article:published_time``, ``pubdate``, Dublin Core...), where they give one: a
    # statement of the first-published day besides JSON-LD's
    meta_published: str | None = None
    # where JSON-LD and article <meta> give no date: htmldate's reading of the markup, asked
    # only when no date is printed beside the headline either (``assemble._published``)
    date_reader: Callable[[], str | None] | None = None
    authors: list[str] = field(default_factory=list)
    # of the authors, those JSON-LD states as people (not typed an Organization); not
    # those of <meta name=author>, often the site's account
    people: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    images: list[dict[str, str | None]] = field(default_factory=list)
    # the address the page gives itself (<link rel=canonical>, else og:url), as written
    own_url: str = ""


# how ``choose_title`` says it fell back to a title no other candidate confirms: too weak
# to trust alone, so the ``styled_headline`` rule looks for the headline the page prints
WEAK_TITLES = frozenset({"<title> minus site name", "none"})


@dataclass(slots=True)
class PageMarkup:
    """The markup's metadata and the headline chosen from it (``html.meta.choose_title``)."""

    meta: PageMeta
    title: str | None = None
    title_why: str = "none"  # which candidates agreed on it, for ``winnow explain``
    title_key: str = ""  # ``title_key(title)``: what the headline rule matches blocks on
    # the date and authors where the site's profile places them (``html.profile_cut``)
    profile_date: str | None = None
    profile_authors: list[str] = field(default_factory=list)

    @property
    def weak_title(self) -> bool:
        """Whether the headline is a fallback no other candidate confirmed."""
        return self.title_why in WEAK_TITLES
