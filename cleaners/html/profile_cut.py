"""A site's profile applied to the page's tree, before the extractors vote.

The profile (``cleaners.profiles``) names the blocks to drop by CSS selector and the
story's root; their elements are found here, the blocks in them given a note of which
key took them (``Markup.profile``) and cut from the tree as chrome containers are, so
the extractors choose the story from what is left. The ``site_profile`` rule labels
those blocks under the profile's names. A story selector that matches nothing on a page
leaves the page to the generic rules: a profile written for the site's article pages
does not empty its other pages. The date and author the profile places are read here
too, from the tree as it stood.
"""

from __future__ import annotations

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from cleaners.blocks import Block
from cleaners.html.meta import _written_date, iso_date
from cleaners.html.tree import DomBlock, fold
from cleaners.profiles import FieldPlace, SiteProfile


def _inside(roots: list[HtmlElement]) -> set[HtmlElement]:
    """Every element under (and including) ``roots``."""
    out: set[HtmlElement] = set()
    for root in roots:
        out.update(root.iter())
    return out


def _dropped(tree: HtmlElement, profile: SiteProfile) -> dict[HtmlElement, str]:
    """{element: the drop selector that took it} for every element under a match."""
    out: dict[HtmlElement, str] = {}
    for sel in profile.drop_selectors:
        for el in _inside(CSSSelector(sel)(tree)):
            out.setdefault(el, sel)
    return out


def _story(tree: HtmlElement, profile: SiteProfile) -> tuple[set[HtmlElement], str] | None:
    """The elements of the story's root (the first story selector that matches), or None."""
    for sel in profile.story_selectors:
        found = CSSSelector(sel)(tree)
        if found:
            return _inside(found), sel
    return None


def profile_notes(tree: HtmlElement, dblocks: list[DomBlock],
                  profile: SiteProfile) -> dict[int, tuple[str, str]]:
    """{block index: (key, note)} for each block the profile drops, read from the whole
    tree (before the chrome containers are cut from it: a dropped block inside one still
    names the profile key that drops it)."""
    dropped = _dropped(tree, profile)
    story = _story(tree, profile)
    placed = _placed(tree, profile)
    notes: dict[int, tuple[str, str]] = {}
    for i, d in enumerate(dblocks):
        if not d.text:
            continue
        if d.text in placed.get(d.element, ()):
            key = placed[d.element][d.text]
            notes[i] = (key, f"the {key} the profile places here")
        elif d.element in dropped:
            notes[i] = ("drop_selectors", f"inside {dropped[d.element]}")
        elif story is not None and d.element not in story[0]:
            notes[i] = ("story_selectors", f"outside the story root {story[1]}")
    return notes


def _placed(tree: HtmlElement, profile: SiteProfile) -> dict[HtmlElement, dict[str, str]]:
    """{element: {text: "date" or "author"}} for the elements whose whole block is the
    date or the author the profile places (the match itself, or an element under it, or
    the block around a match that holds nothing else): lifted into the record, so out
    of the text."""
    out: dict[HtmlElement, dict[str, str]] = {}
    for key, place in (("date", profile.date), ("author", profile.author)):
        if place is None:
            continue
        for match in CSSSelector(place.selector)(tree):
            text = fold(match.text_content())
            if not text:
                continue
            for el in (*match.iter(), *match.iterancestors()):
                out.setdefault(el, {}).setdefault(text, key)
    return out


def cut_profile(dblocks: list[DomBlock], blocks: list[Block],
                notes: dict[int, tuple[str, str]]) -> None:
    """Note on each block the profile drops which key and selector took it, and cut its
    element from the tree (only an element holding nothing but the block's text)."""
    for i, note in notes.items():
        b = blocks[i]
        if b.markup is None:
            continue
        b.markup.profile = note
        el = dblocks[i].element
        if el.getparent() is not None and fold(el.text_content()) == b.text:
            el.drop_tree()


def _read(tree: HtmlElement, place: FieldPlace) -> list[str]:
    """The values at ``place``: each match's attribute, or its text."""
    out = []
    for el in CSSSelector(place.selector)(tree):
        raw = el.get(place.attribute) if place.attribute else el.text_content()
        value = fold(raw or "")
        if value:
            out.append(value)
    return out


def profile_date(tree: HtmlElement, profile: SiteProfile) -> str | None:
    """The first date at the profile's ``date`` place that reads as one (ISO, or a day
    written out), or None."""
    if profile.date is None:
        return None
    for value in _read(tree, profile.date):
        date = iso_date(value) or _written_date(value)
        if date:
            return date
    return None


def profile_authors(tree: HtmlElement, profile: SiteProfile) -> list[str]:
    """The names at the profile's ``author`` place, in page order, each once."""
    if profile.author is None:
        return []
    return list(dict.fromkeys(_read(tree, profile.author)))
