"""Other ways a page gets saved as text, to measure the text engine on dump formats the
dev sets do not hold.

The ``-text`` dev sets were all saved by one tool (``w3m -dump``). Pages in the
archive come from whatever saved them: a browser's "save as text", a crawler's
tag stripper. Rendering the HTML dev sets with other renderers gives the same
stories, with the same gold text, laid out as those tools lay them out, so a rule
fitted to w3m's layout shows up as a drop here. Nothing here is tuned on: these
sets are only scored.

- ``inscriptis``: a layout-aware renderer (blocks on their own lines, tables as
  columns, bullets), close to what a browser or text browser saves.
- ``beautifulsoup``: ``get_text("\\n")`` with scripts and styles removed, what a
  quick crawler script saves; every text node on a line of its own, so inline
  links and bold words break sentences across lines.
"""

from __future__ import annotations

from collections.abc import Callable

Renderer = Callable[[str], str]


def inscriptis_text(html: str) -> str:
    """The page as inscriptis lays it out (strict CSS profile: block elements on their
    own lines, no link targets printed)."""
    from inscriptis import get_text
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.model.config import ParserConfig

    return get_text(html, ParserConfig(css=CSS_PROFILES["strict"], display_links=False))


def soup_text(html: str) -> str:
    """Every text node of the page on its own line, scripts and styles left out."""
    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return soup.get_text("\n")


RENDERERS: dict[str, Renderer] = {"inscriptis": inscriptis_text, "beautifulsoup": soup_text}

