"""One parse of an HTML page, chrome containers found by markup hints, and DOM blocks.

The page is parsed once with a safe lxml parser (no network, no entity
expansion, huge-tree safe); the same tree then serves metadata, block building
and both extractors. Blocks are made from the tree before any removal, so every
line of the page stays traceable: a block inside a chrome container carries the
container's reason, and the rule that drops it names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    document_fromstring,
)

from cleaners.errors import Rejected
from cleaners.limits import current_limits
from cleaners.words.features import lower

# lxml.html's own lookup is a Python method that lxml calls for every element proxy it
# makes (every element any walk touches: ours, trafilatura's and readability's on the same
# tree and its copies), only to give <form>, <input>, <select>, <textarea> and <label>
# their form-field classes, which nothing here reads. This one is done inside lxml, with the
# same HtmlElement (text_content, drop_tree...) for every element: 4-6 % of clean_page.
ELEMENT_LOOKUP = etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity)


def _parser() -> HTMLParser:
    """A fresh safe parser for each page, so its error log is the page's own (parsers are
    not shared between worker threads). lxml's HTML parser never loads a DTD nor expands
    declared entities (``<!ENTITY>`` in a page stays literal text); ``no_network`` keeps it
    from fetching anything. ``huge_tree`` lifts libxml2's 10 MB cap on one text node (an
    inline script or a data: image can exceed it, and the parser would silently stop there);
    size is bounded by ``Limits.max_raw_bytes`` instead; depth by libxml2's own stop at
    2048 levels (which ``parse_html`` turns into a reject) and ``max_html_depth`` if set."""
    parser = HTMLParser(
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        huge_tree=True,
        recover=True,
        default_doctype=False,
    )
    parser.set_element_class_lookup(ELEMENT_LOOKUP)
    return parser


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# characters XML forbids: libxml2's HTML parser keeps them in text nodes, and lxml then
# refuses any edit of the tree that touches them (drop_tree() raises ValueError)
_NON_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _halted(parser: HTMLParser) -> str | None:
    """libxml2's own resource limit, if the parse stopped at one: everything after that
    point of the page is missing from the tree, so a record made from it would lose text."""
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" or entry.message.startswith("Resource limit"):
            return entry.message.strip()
    return None


_COUNT_ELEMENTS = etree.XPath("count(descendant-or-self::*)")


def check_tree_size(tree: HtmlElement, max_elements: int, max_depth: int) -> None:
    """Reject a tree over the element or depth cap before any Python walks it: every
    later step (metadata, blocks, both extractors, rules) costs time per element, and
    trafilatura and readability recurse per level."""
    # counted inside libxml2: iterating would make a Python proxy of every element
    if max_elements and _COUNT_ELEMENTS(tree) > max_elements:
        raise Rejected(
            "too_large",
            f"the HTML holds more than {max_elements} elements (max_html_elements);"
            " a news page holds a few thousand",
        )
    if max_depth:
        depth = 0
        for event, _el in etree.iterwalk(tree, events=("start", "end")):
            depth += 1 if event == "start" else -1
            if depth > max_depth:
                raise Rejected(
                    "too_large",
                    f"the HTML nests deeper than {max_depth} levels (max_html_depth); a news"
                    " page nests under 60: generated or broken markup",
                )


def parse_html(html: str) -> HtmlElement | None:
    """Parse a decoded page into an lxml HTML tree (None when nothing parses).

    Raises ``Rejected("too_large")`` when the parser stopped at one of libxml2's limits
    (nesting past 2048 levels) or the tree is over the page's element or depth caps.
    """
    limits = current_limits()
    html = _XML_DECL.sub("", html, count=1)
    html = _NON_XML.sub(" ", html)
    if not html.strip():
        return None
    parser = _parser()
    try:
        tree = document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        parser = HTMLParser(encoding="utf-8", remove_comments=True, no_network=True,
                            huge_tree=True)
        parser.set_element_class_lookup(ELEMENT_LOOKUP)
        try:
            tree = document_fromstring(html.encode("utf-8"), parser=parser)
        except (etree.ParserError, ValueError):
            return None
    halted = _halted(parser)
    if halted:
        depth = re.search(r"depth[^0-9]*(\d+)", halted)
        what = (f"the HTML nests deeper than {depth.group(1)} levels, where the parser stops"
                if depth else f"the HTML parser stopped at one of its limits ({halted})")
        raise Rejected("too_large", f"{what}: the rest of the page would be lost; generated"
                       " or broken markup, not a news page")
    # a page of fewer tags than the cap cannot hold more elements than it (the parser adds
    # at most an implied <html>, <head>, <body> and a <p> per tag): no count to take
    most = 2 * html.count("<") + 3
    check_tree_size(tree, limits.max_html_elements if most > limits.max_html_elements else 0,
                    limits.max_html_depth)
    return tree


# ------------------------------------------------------------------ chrome containers

# elements that never hold story text
DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "select", "option", "button", "input", "textarea", "label", "map", "head", "link", "meta",
})
CHROME_TAGS = {"nav": "<nav>", "aside": "<aside>", "footer": "<footer>", "form": "<form>",
               "menu": "<menu>", "dialog": "<dialog>"}
CHROME_ROLES = frozenset({"navigation", "complementary", "contentinfo", "search", "menu",
                          "menubar", "banner", "dialog", "alertdialog", "toolbar"})
# class / id words of site furniture (whole words, or word stems in compounds)
_CHROME_HINT = re.compile(
    r"(?:^|[^a-z])(?:"
    r"nav|navbar|navigation|menu\w*|topmenu|submenu|breadcrumbs?|crumbs|sidebar\w*|"
    r"sidebox|side-?col\w*|footer\w*|comments?|comment[-_]?\w+|commentlist|disqus|"
    r"share\w*|sharing|social\w*|likes?|addthis|yashare\w*|pluso|"
    r"related\w*|similar\w*|recommend\w*|read-?also|see-?also|more-?news|"
    r"popular\w*|most-?read|mostread|top-?news|last-?news|latest\w*|lenta|news-?feed|"
    r"banner\w*|advert\w*|ads|adv|advblock|reklam\w*|promo\w*|sponsor\w*|teaser\w*|"
    r"subscri\w*|newsletter\w*|login|signin|auth|register|search\w*|"
    r"poll\w*|vote\w*|rating\w*|cookie\w*|popup\w*|modal|informer\w*|counters?|"
    r"copyright|pager|pagination|tags?cloud|tag-?cloud|widget\w*|partners?\w*"
    r")(?:[^a-z]|$)"
)
_CHROME_ITEMTYPE = re.compile(r"SiteNavigationElement|WPSideBar|WPFooter|WPAdBlock|Comment\b")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _attr_hints(el: HtmlElement) -> str:
    cls = el.get("class") or ""
    ident = el.get("id") or ""
    return lower(f"{cls} {ident}".strip()) if (cls or ident) else ""


# the attributes chrome_reason reads: an inline element with none of them (a plain link)
# is not checked
_CHROME_ATTRS = frozenset({"class", "id", "role", "hidden", "style", "aria-hidden",
                           "itemprop", "itemtype"})


def chrome_reason(el: HtmlElement, hints: str) -> str | None:
    """Why ``el`` is a container of site furniture, or None."""
    tag = el.tag
    if tag in CHROME_TAGS:
        return CHROME_TAGS[tag]
    role = lower(el.get("role") or "")
    if role in CHROME_ROLES:
        return f"role={role}"
    if el.get("hidden") is not None or (
        (style := el.get("style")) and _HIDDEN_STYLE.search(style)
    ):
        return "hidden"
    if el.get("aria-hidden") == "true":
        return "aria-hidden"
    itemprop = lower(el.get("itemprop") or "")
    if itemprop in ("comment", "comments"):
        return "itemprop=comment"
    if itemprop == "articlebody":
        return None  # schema.org says: the story
    itemtype = el.get("itemtype")
    if itemtype and (m := _CHROME_ITEMTYPE.search(itemtype)):
        return f"schema.org {m.group(0)}"
    if hints and tag not in _HEADING_TAGS:
        m = _CHROME_HINT.search(hints)
        if m and _slug_id(el):  # the id names the element's own text: read the class alone
            m = _CHROME_HINT.search(lower(el.get("class") or ""))
        if m:
            return f"class/id {m.group(0).strip(' -_')!r}"
    return None


# a heading is one line, not a box of furniture: its class names its style
# ("kt-adv-heading", "social-title"), and a widget's title is judged with its widget
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SLUG_WORDS = re.compile(r"[^\W\d_]+")
SLUG_MIN_WORDS = 2


def _slug_id(el: HtmlElement) -> bool:
    """Whether the element's id is its own text made an anchor ("what-is-social-media-
    marketing" on the heading "What is Social Media Marketing?", the target of a table of
    contents): words of the story's subject, not the site's furniture ("social")."""
    ident = lower(el.get("id") or "")
    words = _SLUG_WORDS.findall(ident)
    if len(words) < SLUG_MIN_WORDS:
        return False
    text = set(_SLUG_WORDS.findall(lower(el.text_content())))
    return all(w in text for w in words)


# ------------------------------------------------------------------ DOM blocks

BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "blockquote", "pre",
    "dd", "dt", "figcaption", "caption", "article", "section", "main", "header", "footer",
    "ul", "ol", "dl", "table", "tr", "tbody", "thead", "tfoot", "form", "center", "address",
    "figure", "body", "nav", "aside", "fieldset", "legend", "details", "summary", "hr",
    "noindex", "menu", "dialog", "html",
})
# phrasing elements; any other tag (custom elements, <content>, <noindex>...) is walked as
# a block container, so a story inside it is not flattened into one line
INLINE_TAGS = frozenset({
    "a", "span", "b", "strong", "i", "em", "u", "font", "small", "big", "sup", "sub", "abbr",
    "acronym", "cite", "q", "code", "img", "time", "mark", "s", "strike", "nobr", "tt", "var",
    "kbd", "dfn", "bdi", "bdo", "wbr", "ins", "del", "samp", "data", "picture", "source",
})
# block elements that, found inside a phrasing element (<b><div>...</div></b>, which old
# table layouts and lax parsers produce), make it a block container rather than one line
_BREAKING = tuple(sorted(BLOCK_TAGS - {"hr", "body", "html"}))
BR_SPLIT = 1  # <br>s in a row that end a paragraph
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class DomBlock:
    """A paragraph of the page as the DOM lays it out."""

    text: str
    tag: str
    link_chars: int
    hints: str  # class/id words of the element and its nearest ancestors
    container: str | None  # chrome container reason, if inside one
    element: HtmlElement
    heading: bool = False
    images: list[tuple[str, str]] = field(default_factory=list)  # (src, alt) beside it


def _inline_text(el: HtmlElement) -> tuple[str, int]:
    """Text of an inline element and how much of it sits inside links."""
    if len(el) == 0:  # a leaf (most are): its own text, without an XPath call
        text = el.text or ""
        return text, len(text.strip()) if el.tag == "a" else 0
    text = el.text_content() if el.tag not in DROP_TAGS else ""
    if el.tag == "a":
        return text, len(text.strip())
    links = 0
    for a in el.iter("a"):
        links += len(a.text_content().strip())
    return text, links


def _holds_blocks(el: HtmlElement) -> bool:
    """Whether a phrasing element wraps block elements with text (a <b> around a headline
    div and the story's paragraphs): then it is walked as a container, not read as one
    line. Empty spacer divs inside a <strong> do not count."""
    return any(not d.text_content().isspace() and d.text_content()
               for d in el.iter(*_BREAKING))


ROW_CELL_CHARS = 300  # a data table's cell holds a value or a phrase, not a column of text
ROW_CHARS = 1000


def _data_row(tr: HtmlElement, hints: str) -> DomBlock | None:
    """A data table's row as one block, its cells joined by " | " (as trafilatura and a
    reader's copy print a table row): its figures stay beside their names instead of
    each becoming a bare-number line that reads as a counter. A layout table's row (a
    cell that holds paragraphs or boxes, or a column of text) is walked as before, and so
    is a row that chrome markup marks."""
    cells = [c for c in tr if c.tag in ("td", "th")]
    own = _attr_hints(tr)
    if len(cells) < 2 or len(cells) != len(tr) or chrome_reason(tr, own):
        return None
    texts = []
    for cell in cells:
        if len(cell) and _holds_blocks(cell):
            return None
        text = fold(cell.text_content())
        if len(text) > ROW_CELL_CHARS:
            return None
        texts.append(text)
    text = " | ".join(t for t in texts if t)
    if not text or len(text) > ROW_CHARS:
        return None
    links = len(fold("".join(_LINK_TEXT(tr))))
    return DomBlock(text, "tr", min(links, len(text)), (hints + " " + own)[-240:], None, tr)


def _holds_break(el: HtmlElement) -> bool:
    """Whether a phrasing element other than a link holds a <br> (``<span>Name</span>
    <span><br></span><span>Price: $299</span>``): walked as a container, its break ends
    a line as a <br> between the spans would, instead of gluing "Name" to "Price"."""
    return el.tag != "a" and next(el.iter("br"), None) is not None


@dataclass(slots=True)
class _Frame:
    """An element being walked: its paragraph so far and where its children stand."""

    el: HtmlElement
    hints: str
    container: str | None
    parts: list[str]
    children: Iterator[HtmlElement]
    links: int = 0
    breaks: int = 0


_LINK_TEXT = etree.XPath(".//a//text()", smart_strings=False)


def strip_code(tree: HtmlElement) -> None:
    """Remove script, style and template elements (their tails stay): no story text there."""
    etree.strip_elements(tree, "script", "style", "template", "noscript", with_tail=False)


# the share of the page's non-link text a chrome-hinted element must hold to be a layout
# wrapper, not chrome: one for class/id hints, one for <nav>, <footer> and ARIA landmarks
WRAPPER_SHARE = 0.4
LANDMARK_WRAPPER_SHARE = 0.8


def _nonlink_len(el: HtmlElement, text: str | None = None) -> int:
    """Non-space characters of ``el``'s text (``text`` when already read) outside links."""
    size = len("".join((el.text_content() if text is None else text).split()))
    links = len("".join("".join(_LINK_TEXT(el)).split()))
    return max(0, size - links)


# weak evidence of chrome, chrome only when the box does not hold prose: the class word
# page builders put on every box of a page, the story's own included
# ("elementor-widget-text-editor"), and hiding (an accordion's collapsed sections)
WEAK_HINTS = ("class/id 'widget", "hidden")
PROSE_BOX_CHARS = 300  # non-link characters of a box that holds a story's paragraph
PROSE_BOX_LINKS = 0.3  # at most this share of its text in links


COPY_PROBE = 60  # characters from a hidden box's middle looked for elsewhere on the page


def _prose_box(el: HtmlElement, reason: str) -> tuple[bool, str]:
    """Whether an element chrome only by weak evidence holds prose: a paragraph of text
    with few links; and its text. Such a box is walked as any box is, and the votes
    decide (a hidden one only if it is no copy: ``_Walker.copy``)."""
    if not reason.startswith(WEAK_HINTS):
        return False, ""
    text = el.text_content()
    nonlink = _nonlink_len(el, text)
    size = len("".join(text.split()))
    return nonlink >= PROSE_BOX_CHARS and size - nonlink <= PROSE_BOX_LINKS * size, text


class _Walker:
    """One walk of a page's body into DOM blocks, in document order.

    An explicit stack of ``_Frame``s, not recursion: pages nest thousands of elements
    deep. Holds what the walk makes (the blocks, the chrome containers found), the images
    beside the open paragraph, and the body's non-link text size (what a layout wrapper
    is measured against).
    """

    __slots__ = ("blocks", "containers", "images", "body_nonlink", "root", "page_words")

    def __init__(self, root: HtmlElement) -> None:
        self.root = root
        self.page_words: str | None = None  # the page's text, spaces folded, once asked
        self.blocks: list[DomBlock] = []
        self.containers: list[tuple[HtmlElement, str]] = []
        self.images: list[tuple[str, str]] = []  # (src, alt) beside the open paragraph
        self.body_nonlink = max(1, _nonlink_len(root))

    def story_box(self, el: HtmlElement, reason: str) -> bool:
        """Whether a box chrome only by weak evidence holds the story's prose: a hidden
        box whose text the page also prints elsewhere (a blog embed code, a print copy of
        the story) is a copy, not a collapsed section, and stays chrome."""
        prose, text = _prose_box(el, reason)
        if not prose or reason != "hidden":
            return prose
        words = " ".join(text.split())
        middle = len(words) // 2
        if self.page_words is None:  # once a page, however many hidden boxes it has
            self.page_words = " ".join(self.root.text_content().split())
        return self.page_words.count(words[middle:middle + COPY_PROBE]) < 2

    def wrapper(self, el: HtmlElement) -> bool:
        """A hinted element that holds much of the page's non-link text is a layout
        wrapper around the story ("container penci_sidebar"), never chrome. A <nav>,
        <footer> or ARIA landmark must hold nearly all of it: then it is a tag left open
        (the parser closes it at the end of the page) or a landmark put around the page."""
        landmark = el.tag in ("nav", "footer") or bool(el.get("role"))
        return self._holds_the_page(el, LANDMARK_WRAPPER_SHARE if landmark else WRAPPER_SHARE,
                                    PROSE_BOX_CHARS if landmark else 0)

    def _holds_the_page(self, el: HtmlElement, share: float, least: int) -> bool:
        """Whether ``el`` holds ``share`` of the page's non-link text, and ``least``
        non-link characters at that (a page that is one menu holds no story to wrap)."""
        need = max(share * self.body_nonlink, least)
        text = el.text_content()
        if len(text) < need:  # too little text even counting spaces and links
            return False
        return _nonlink_len(el, text) >= need

    def swallows(self, el: HtmlElement) -> bool:
        """Whether a dropped element (a <button>, <label>, <select>) holds block elements and
        nearly all the page's text: a control the parser left open, closing it only at the
        end of the page, so the story sits inside it. It is walked like any container."""
        if not len(el) or el.tag in ("script", "style", "noscript", "template", "head"):
            return False
        return self._holds_the_page(el, LANDMARK_WRAPPER_SHARE, PROSE_BOX_CHARS)

    def flush(self, f: _Frame) -> None:
        """End the frame's open paragraph: a block of its text (with the images beside it),
        unless it is only spaces. Its link count starts again from 0."""
        f.links, link_chars = 0, f.links
        parts = f.parts
        if not parts:
            return
        raw = "".join(parts)
        if not raw or raw.isspace():
            parts.clear()
            return
        text = fold(raw)
        if text:
            el = f.el
            tag = el.tag if isinstance(el.tag, str) else "div"
            block = DomBlock(text, tag, min(link_chars, len(text)), f.hints, f.container, el,
                             heading=tag in ("h1", "h2", "h3", "h4", "h5", "h6"))
            if self.images:
                block.images = list(self.images)
            self.blocks.append(block)
        parts.clear()
        self.images.clear()

    def enter(self, el: HtmlElement, hints: str, container: str | None) -> _Frame | None:
        """Open an element for walking; a chrome container becomes one block instead
        (dropped as a unit, and not walked): then None."""
        own = _attr_hints(el)
        if container is None:
            reason = chrome_reason(el, own)
            if reason is not None and not self.wrapper(el) and \
                    not self.story_box(el, reason):
                self.containers.append((el, reason))
                text = fold(el.text_content())
                if text:
                    links = len(fold("".join(_LINK_TEXT(el))))
                    self.blocks.append(DomBlock(text, el.tag, min(links, len(text)),
                                                (hints + " " + own)[-240:],
                                                f"{reason} <{el.tag}>", el))
                return None
        if own:
            hints = (hints + " " + own)[-240:]
        return _Frame(el, hints, container, [el.text] if el.text else [], iter(el))

    def take(self, f: _Frame, child: HtmlElement) -> _Frame | None:
        """Take one child of the frame's element into its paragraph; a block child ends the
        paragraph and is returned opened, to be walked next (its tail is taken when it is
        done)."""
        tag = child.tag
        if not isinstance(tag, str):  # comments, PIs
            if child.tail:
                f.parts.append(child.tail)
            return None
        if tag in DROP_TAGS and not self.swallows(child):
            pass
        elif f.container is None and tag in INLINE_TAGS and \
                not _CHROME_ATTRS.isdisjoint(child.attrib.keys()) and \
                chrome_reason(child, _attr_hints(child)):
            pass  # inline furniture (a share count, an image credit, hidden text)
        elif tag == "br":
            f.breaks += 1
            if f.breaks >= BR_SPLIT:
                self.flush(f)
            else:
                f.parts.append(" ")
            if child.tail and child.tail.strip():
                f.breaks = 0
            if child.tail:
                f.parts.append(child.tail)
            return None
        elif tag in BLOCK_TAGS or tag not in INLINE_TAGS or (
                len(child) and (_holds_blocks(child) or _holds_break(child))):
            self.flush(f)
            row = _data_row(child, f.hints) if tag == "tr" and f.container is None else None
            if row is not None:
                self.blocks.append(row)
                if child.tail:
                    f.parts.append(child.tail)
                return None
            opened = self.enter(child, f.hints, f.container)
            if opened is not None:
                return opened
        else:
            text, lc = _inline_text(child)
            f.parts.append(text)
            f.links += lc
            img = child if tag == "img" else (
                next(child.iter("img"), None) if len(child) else None)
            if img is not None:
                self.images.append((img.get("src") or "", clean_alt(img)))
        f.breaks = 0
        if child.tail:
            f.parts.append(child.tail)
        return None

    def walk(self, root: HtmlElement) -> None:
        """Walk ``root`` and everything under it, depth first."""
        stack = [f] if (f := self.enter(root, "", None)) is not None else []
        while stack:
            f = stack[-1]
            child = next(f.children, None)
            if child is None:  # the element is done: its last paragraph, then its tail
                self.flush(f)
                stack.pop()
                if stack:
                    parent = stack[-1]
                    parent.breaks = 0
                    if f.el.tail:
                        parent.parts.append(f.el.tail)
                continue
            opened = self.take(f, child)
            if opened is not None:
                stack.append(opened)


def dom_blocks(tree: HtmlElement) -> tuple[list[DomBlock], list[tuple[HtmlElement, str]]]:
    """(blocks in document order, chrome containers found: (element, reason)).

    Call ``strip_code`` first: sizes are measured on the text a reader sees.
    """
    body = tree.find("body")
    root = body if body is not None else tree
    walker = _Walker(root)
    walker.walk(root)
    return walker.blocks, walker.containers


_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def fold(raw: str) -> str:
    """Whitespace (any Unicode space) folded to single spaces, zero-width marks removed."""
    text = " ".join(raw.split())
    if not text.isascii():
        text = _ZERO_WIDTH.sub("", text)
    return text


def clean_alt(img: HtmlElement) -> str:
    return _SPACES.sub(" ", (img.get("alt") or img.get("title") or "")).strip()


def text_key(text: str) -> str:
    """The form texts are matched across extractors in: word characters only, lowercased."""
    return "".join(re.findall(r"\w+", lower(text)))
