"""A draft site profile from what site learning finds on the site's pages, for a person
to review (``winnow profile suggest``).

Site learning (``cleaners.sitestats``) calls a line the site's chrome when it is printed
on ``chrome_threshold`` of its pages; the draft counts the site's pages the same way,
by ``line_hash``, and turns what recurs into profile keys:

- an element (named by its tag with its id or classes, or those of its nearest
  ancestor that has some) whose every line on every page recurs becomes a
  ``drop_selectors`` entry: the site's template block, named once;
- a recurring line no such selector covers becomes an anchored ``drop_lines`` pattern.

Each entry carries a comment saying what it came from. The draft is validated with the
same model as a profile read from disk before it is returned.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from cleaners.decode import decode_page
from cleaners.html.tree import dom_blocks, parse_html, strip_code
from cleaners.page import page_lines
from cleaners.profiles import profile_from_toml
from cleaners.sitestats import chrome_threshold, line_hash

_CLASS_WORD = re.compile(r"^[A-Za-z_][\w-]*$")


def element_selector(el: HtmlElement | None) -> str | None:
    """A CSS selector naming ``el`` by its id, else its classes, climbing to the nearest
    ancestor that has either; None when none has (a bare tag names too much)."""
    while el is not None and isinstance(el.tag, str):
        ident = (el.get("id") or "").strip()
        if ident and _CLASS_WORD.match(ident):
            return f"{el.tag}#{ident}"
        classes = [c for c in (el.get("class") or "").split() if _CLASS_WORD.match(c)]
        if classes:
            return el.tag + "".join(f".{c}" for c in classes)
        el = el.getparent()
    return None


@dataclass
class _Counts:
    """What the site's pages print: per line hash the pages and a sample text; per
    selector the line hashes under it and the pages it is on."""

    pages: int = 0
    line_pages: Counter[int] = field(default_factory=Counter)
    text_of: dict[int, str] = field(default_factory=dict)
    selector_lines: dict[str, set[int | None]] = field(default_factory=lambda: defaultdict(set))
    selector_pages: Counter[str] = field(default_factory=Counter)

    def add(self, lines: list[tuple[str, str | None]]) -> None:
        self.pages += 1
        seen: set[int] = set()
        sels: set[str] = set()
        for text, sel in lines:
            h = line_hash(text)
            if h is not None and h not in seen:
                seen.add(h)
                self.line_pages[h] += 1
                self.text_of.setdefault(h, text)
            if sel:
                self.selector_lines[sel].add(h)
                sels.add(sel)
        self.selector_pages.update(sels)


def _html_lines(html: str) -> list[tuple[str, str | None]]:
    tree = parse_html(html)
    if tree is None:
        return []
    strip_code(tree)
    dblocks, _containers = dom_blocks(tree)
    return [(d.text, element_selector(d.element)) for d in dblocks if d.text]


def count_pages(pages: list[tuple[str, str]]) -> _Counts:
    """Count the lines and selectors of the site's pages, each (decoded text, format)."""
    counts = _Counts()
    for text, fmt in pages:
        if fmt == "html":
            counts.add(_html_lines(text))
        else:
            counts.add([(line, None) for line in page_lines(text, fmt)])
    return counts


def line_pattern(text: str) -> str:
    """An anchored pattern matching ``text`` as site learning compares lines: its numbers
    any numbers (``line_key`` folds digits), spaces left readable."""
    escaped = re.escape(text).replace("\\ ", " ")
    return "^" + re.sub(r"\d+", r"\\d+", escaped) + "$"


def decoded(data: bytes, filename: str | None = None, encoding: str | None = None
            ) -> tuple[str, str]:
    """A saved page as ``draft_profile`` takes it: (decoded text, input format)."""
    page = decode_page(data, filename=filename, encoding=encoding)
    return page.text, page.input_format


def _toml_str(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def draft_profile(site: str, pages: list[tuple[str, str]]) -> str:
    """The TOML text of a draft profile for ``site`` from its pages (decoded text,
    format), validated; a comment heads each suggestion with where it came from."""
    c = count_pages(pages)
    need = chrome_threshold(c.pages)
    chrome = {h for h, n in c.line_pages.items() if n >= need}
    selectors = sorted(s for s, hs in c.selector_lines.items()
                       if c.selector_pages[s] >= need and hs and hs <= chrome)
    covered = set().union(*(c.selector_lines[s] for s in selectors)) if selectors else set()
    out = [f"# Draft profile for {site}, from {c.pages} of its pages: review every entry",
           f"# (site learning calls a line chrome on {need} or more of them).",
           f"# Save as profiles/{site}.toml.", ""]
    out.append("drop_selectors = [")
    for s in selectors:
        n = c.selector_pages[s]
        out.append(f"    # on {n} of {c.pages} pages, every line in it recurring:"
                   f" {_sample(c, s)}")
        out.append(f"    {_toml_str(s)},")
    out.append("]")
    out.append("drop_lines = [")
    for h in sorted(chrome - covered, key=lambda h: (-c.line_pages[h], c.text_of[h])):
        out.append(f"    # printed on {c.line_pages[h]} of {c.pages} pages")
        out.append(f"    {_toml_str(line_pattern(c.text_of[h]))},")
    out.append("]")
    out.append("# story_selectors, date, author and language: add them by hand, e.g.")
    out.append('# date = { selector = "time", attribute = "datetime" }')
    text = "\n".join(out) + "\n"
    profile_from_toml(text, site=site, source=f"draft profile of {site}")
    return text


def _sample(c: _Counts, selector: str) -> str:
    texts = [c.text_of[h] for h in c.selector_lines[selector] if h in c.text_of]
    first = min(texts, default="")
    return repr(first[:60]) + (f" and {len(texts) - 1} more line(s)" if len(texts) > 1 else "")
