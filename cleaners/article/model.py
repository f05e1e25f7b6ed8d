"""The result of cleaning one page, before it becomes a record."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Article:
    """What the rules found: the story's text and the metadata lifted from chrome."""

    paragraphs: list[str] = field(default_factory=list)
    title: str | None = None
    alternate_titles: list[str] = field(default_factory=list)
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    source: str | None = None
    images: list[dict[str, str | None]] = field(default_factory=list)
    extractor: str = "winnow"
    own_url: str = ""  # the address the page gives itself (canonical, og:url), as written
