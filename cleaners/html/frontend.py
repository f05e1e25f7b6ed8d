"""The HTML front end: one parse, chrome containers, two extractors voting, named rules.

    page -> lxml tree (once) -> metadata from the markup
         -> DOM blocks (every paragraph of the page, with tag, link density, hints)
         -> chrome containers cut from the tree -> trafilatura and readability on it
         -> each block gets the extractors' votes -> HTML rules label it -> Article

Every block the article leaves out carries the name of the rule that dropped it.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from cleaners.article.model import Article
from cleaners.blocks import Block
from cleaners.html.meta import (
    TITLE_CLASS,
    PageMeta,
    add_heading,
    choose_title,
    harvest,
    title_key,
    title_segments,
)
from cleaners.html.tree import DomBlock, dom_blocks, fold, parse_html, strip_code, text_key
from cleaners.limits import check_deadline, check_text_size, current_limits
from cleaners.rules import html_rules  # noqa: F401  (registers the HTML rules)
from cleaners.rules.base import REGISTRY as _REGISTRY
from cleaners.rules.base import PageContext
from cleaners.sitestats import SiteChrome

EXTRACTOR = "winnow-html"
# The second voter: "density" (our own readability-style scoring of the DOM blocks, free),
# "readability" (readability-lxml, ~10 ms a page), or "auto": readability-lxml is called only
# when trafilatura and the density voter share less than AGREE_SHARE of their text. Measured
# on dev: auto beats always-readability on daniel-ru (0.881 vs 0.876 F1) at the same
# scrapinghub F1 (0.980), half again as fast. AGREE_SHARE 0.7 rather than 0.8 (re-measured with
# the later HTML rules): daniel-ru 0.8995 vs 0.8972, scrapinghub 0.9854 vs 0.9864, and
# readability-lxml runs on 5 scrapinghub pages instead of 11 (~4 % of clean_page's time).
MODE = "auto"
AGREE_SHARE = 0.7
KEPT_SHARE = 0.5  # share of a block's word trigrams an extractor must output to have kept it
_WORDS = re.compile(r"\w+")

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("readability").setLevel(logging.CRITICAL)
logging.getLogger("readability.readability").setLevel(logging.CRITICAL)


class _Votes:
    """One extractor's output, in the form DOM blocks are matched against: a block counts as
    kept when most of its word trigrams occur in the output (the extractors split and join
    paragraphs differently from the DOM, so exact matching would miss whole stories)."""

    def __init__(self, name: str, paragraphs: list[str]) -> None:
        self.name = name
        self.keyset = {text_key(p) for p in paragraphs}
        self.grams: set[tuple[str, ...]] = set()
        self.size = 0
        for p in paragraphs:
            toks = _WORDS.findall(p.lower())
            self.size += len(toks)
            self.grams.update(zip(toks, toks[1:], toks[2:], strict=False))

    def coverage(self, tokens: list[str], key: str) -> float:
        if not self.size or not key:
            return 0.0
        if len(tokens) < 3:
            return 1.0 if key in self.keyset else 0.0
        grams = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
        return sum(1 for g in grams if g in self.grams) / len(grams)


def _trafilatura(tree, url: str | None) -> list[str]:
    import trafilatura

    try:
        out = trafilatura.extract(tree, url=url, include_comments=False, fast=True,
                                  include_tables=True, deduplicate=False)
    except Exception:  # noqa: BLE001 - an extractor crash is a missing vote
        return []
    return [line for line in (out or "").splitlines() if line.strip()]


class _TreeDocument:
    """readability-lxml's Document on a tree we already parsed and cleaned: its own
    ``_parse`` would re-run lxml's Cleaner and rewrite every link, which costs more than
    the scoring itself and changes nothing it reads."""

    _cls = None

    @classmethod
    def make(cls, tree):
        if cls._cls is None:
            from readability import Document

            class Doc(Document):
                def _parse(self, input):  # noqa: A002 - readability's signature
                    self.encoding = "utf-8"
                    return input

            cls._cls = Doc
        return cls._cls(tree)


_PARA_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dd", "dt", "pre",
              "blockquote", "div", "figcaption", "caption")


def _readability(tree) -> list[str]:
    """readability's story as paragraphs. Mutates ``tree``: call it last."""
    from lxml.html import fragment_fromstring

    try:
        summary = _TreeDocument.make(tree).summary(html_partial=True)
        frag = fragment_fromstring(summary, create_parent="div")
    except Exception:  # noqa: BLE001
        return []
    out = []
    for el in frag.iter(_PARA_TAGS):
        text = el.text_content() if len(el) == 0 or el.tag != "div" else (el.text or "")
        if text.strip():
            out.append(text)
    if not out:
        out = [frag.text_content()]
    return out


_CONTAINER_TAGS = frozenset({"div", "td", "article", "section", "main", "body", "blockquote",
                             "li", "dd", "center", "form", "span", "font", "table", "tbody",
                             "tr", "ul", "ol"})


def _density_story(dblocks: list[DomBlock], blocks: list[Block]) -> set[int]:
    """Readability's idea on our own blocks, at no parsing cost: prose blocks score their
    parent (and half for the grandparent) by length and commas; the best-scoring element,
    with siblings that score well too, is the story. Returns the indices of its blocks."""
    scores: dict[object, float] = {}
    for d, b in zip(dblocks, blocks, strict=True):
        if d.container or b.link_density > 0.3 or len(b.text) < 25:
            continue
        weight = 1.0 + b.text.count(",") + min(3.0, len(b.text) / 100)
        el = d.element
        parent = el if el.tag in _CONTAINER_TAGS and d.tag not in ("li", "td") else el.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + weight
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + weight / 2
    if not scores:
        return set()
    best = max(scores, key=scores.__getitem__)
    top = scores[best]
    chosen = {best}
    parent = best.getparent()
    if parent is not None:
        for sib in parent:
            if sib is not best and scores.get(sib, 0.0) >= max(10.0, 0.2 * top):
                chosen.add(sib)
    inside: set[object] = set()
    for el in chosen:
        inside.update(el.iter())
    return {i for i, d in enumerate(dblocks) if d.element in inside}


def _disagree(blocks: list[Block], a: set[int], b: set[int]) -> bool:
    """Whether two voters' stories differ by more than a fifth of their text."""
    def size(ids: set[int]) -> int:
        return sum(len(blocks[i].text) for i in ids)

    union = size(a | b)
    return union == 0 or size(a & b) < AGREE_SHARE * union


_STRESS_TAGS = frozenset({"b", "strong", "big", "font", "span", "em", "u"})
_STRESS_STYLE = re.compile(r"font-size|font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)


def _prominent(d: DomBlock) -> bool:
    """Whether the markup sets this block off as a headline: a heading tag, a title class,
    or all its text inside one bold, enlarged or styled inline element."""
    if d.heading:
        return True
    el = d.element
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if attrs.strip() and TITLE_CLASS.search(attrs):
        return True
    for inner in el.iterdescendants(*_STRESS_TAGS):
        if fold(inner.text_content()) != d.text:
            continue
        if inner.tag in ("b", "strong", "big") or (inner.tag == "font" and inner.get("size")):
            return True
        if _STRESS_STYLE.search(inner.get("style") or "") or TITLE_CLASS.search(
                (inner.get("class") or "").lower()):
            return True
    return False


def _to_blocks(dblocks: list[DomBlock]) -> list[Block]:
    blocks = []
    for i, d in enumerate(dblocks):
        b = Block(index=i, text=d.text, raw=d.text, tag=d.tag,
                  link_density=d.link_chars / max(1, len(d.text)), hints=d.hints,
                  blank_before=True)
        if d.container:
            b.extra["container"] = d.container
        if "images" in d.extra:
            b.extra["images"] = d.extra["images"]
        blocks.append(b)
    return blocks


def _cut_site_template(dblocks: list[DomBlock], blocks: list[Block], site_chrome: SiteChrome,
                       title: str | None) -> None:
    """Take the site's template (blocks the site prints on many pages, as ``site_recurring_html``
    judges them) out of the tree before the extractors vote, as chrome containers are: a
    teaser list or a promo line they cannot see cannot pull their story off course."""
    from cleaners.rules.site_rules import mark_site_template

    keep = text_key(title) if title else None  # a headline is the page's own, however common
    for i in mark_site_template(blocks, site_chrome, keep=keep):
        el = dblocks[i].element
        if el.getparent() is not None and fold(el.text_content()) == blocks[i].text:
            el.drop_tree()  # only an element that holds nothing but the recurring text


def _run_rules(blocks: list[Block], ctx: PageContext) -> Counter[str]:
    for r in _REGISTRY.values():
        if r.stage == "html" and "html" in r.formats and not r.per_line:
            check_deadline(f"rule {r.name}")
            r.fn(blocks, ctx)
    for b in blocks:
        if b.undecided and b.text:
            b.mark("chrome", "outside_body", "no rule kept it")
    return Counter(b.rule for b in blocks if b.rule)


DATE_WINDOW = 6  # blocks around the headline a date line may stand in


def _story_date(blocks: list[Block]) -> tuple[str | None, str]:
    """The story's own date from its date line: between the headline and the first body
    block, else just above the headline, else in the first body block itself; never from a
    link list, a chrome container or another story's teaser."""
    from cleaners.words.dates import find_dates

    title = next((b.index for b in blocks if b.label == "title"), None)
    first = next((b.index for b in blocks if b.label == "body"), None)
    if first is None:
        return None, ""
    anchor = title if title is not None and title < first else first
    zones = [
        ("between headline and story", range(anchor + 1, first)),
        ("above the headline", range(anchor - 1, max(-1, anchor - DATE_WINDOW), -1)),
        ("story's first lines", range(first, min(len(blocks), first + 2))),
    ]
    for why, rng in zones:
        for i in rng:
            b = blocks[i]
            if "container" in b.extra or b.link_density > 0.5 or b.rule == "link_block":
                continue
            if len(b.text) > 300 and why != "story's first lines":
                continue
            found = find_dates(b.text[:200])
            if found:
                return found[0].iso, why
    return None, ""


def _article(blocks: list[Block], pm: PageMeta, title: str | None) -> Article:
    art = Article(paragraphs=[b.text for b in blocks if b.label == "body"], extractor=EXTRACTOR)
    art.title = title
    art.published = pm.published
    if art.published is None:
        art.published, _why = _story_date(blocks)
    # a "person" that is the site (meta author = "DELFI", "baikaldaily.ru") is the source
    site_keys = {title_key(x) for x in (pm.site_name, *title_segments(pm.html_title)) if x}
    # the markup's author first; else the byline printed above the story
    bylines = [str(b.extra["author"]) for b in blocks if b.rule == "byline"]
    for a in dict.fromkeys(a for a in (pm.authors or bylines) if a):
        if "." in a or title_key(a) in site_keys or not any(c.isalpha() for c in a):
            art.source = art.source or a
        else:
            art.authors.append(a)
    art.tags = list(dict.fromkeys(t for t in pm.tags if t))
    captions = [b.extra["image"] for b in blocks if b.rule == "figure_caption"]
    seen = {c.get("url") for c in captions}
    art.images = (captions + [i for i in pm.images if i.get("url") not in seen])[:10]
    return art


def analyse_html(html: str, *, url: str | None = None, site_chrome: SiteChrome | None = None):
    """(blocks, Article, rule counts) for one decoded HTML page; ``site_chrome``: the lines
    learned as chrome on the page's site, if any (``cleaners.sitestats``)."""
    tree = parse_html(html)
    if tree is None:
        return [], Article(extractor=EXTRACTOR), Counter()
    check_deadline("parsing the HTML")
    pm = harvest(tree)
    strip_code(tree)
    dblocks, containers = dom_blocks(tree)
    check_text_size(sum(len(d.text) for d in dblocks), current_limits())
    check_deadline("building blocks")
    for d in dblocks:
        if not d.container:
            el = d.element
            attrs = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
            add_heading(pm, d.text, d.tag, attrs.strip())
    for el, _reason in containers:  # a headline inside a banner <header> still counts
        for h in el.iter("h1"):
            add_heading(pm, fold(h.text_content()), "h1", "")
    title, why = choose_title(pm, [d.text for d in dblocks if not d.container][:400])
    for el, _reason in containers:
        if el.getparent() is not None:
            el.drop_tree()
    blocks = _to_blocks(dblocks)
    if site_chrome:
        _cut_site_template(dblocks, blocks, site_chrome, title)
    toks: list[list[str]] = []
    for b in blocks:
        tokens = _WORDS.findall(b.text.lower())
        toks.append(tokens)
        b.extra["match_key"] = "".join(tokens)
    traf = _Votes("trafilatura", _trafilatura(tree, url))  # works on a copy
    check_deadline("trafilatura")
    traf_kept = {i for i, b in enumerate(blocks) if "container" not in b.extra
                 and traf.coverage(toks[i], b.extra["match_key"]) >= KEPT_SHARE}
    second_name, second_kept = "density", _density_story(dblocks, blocks)

    if MODE == "readability" or (MODE == "auto" and _disagree(blocks, traf_kept, second_kept)):
        read = _Votes("readability", _readability(tree))  # mutates the tree: last
        check_deadline("readability")
        second_name = "readability"
        second_kept = {i for i, b in enumerate(blocks) if "container" not in b.extra
                       and read.coverage(toks[i], b.extra["match_key"]) >= KEPT_SHARE}
    for i, b in enumerate(blocks):
        if "container" in b.extra:
            continue
        kept = [name for name, ks in (("trafilatura", traf_kept), (second_name, second_kept))
                if i in ks]
        b.extra["votes"] = len(kept)
        if len(kept) == 1:
            b.extra["voter"] = kept[0]
        if kept or "images" in b.extra:
            b.compute_features()  # the rules read features of voted blocks only
    ctx = PageContext(input_format="html", url=url, site_chrome=site_chrome)
    ctx.meta["title_key"] = title_key(title) if title else ""
    ctx.meta["title_why"] = why
    if why in html_rules.WEAK_TITLES:  # the styled_headline rule reads what the markup stresses
        for d, b in zip(dblocks, blocks, strict=True):
            if not d.container and len(b.text) <= 300 and _prominent(d):
                b.extra["prominent"] = True
    counts = _run_rules(blocks, ctx)
    title = str(ctx.meta.get("title") or title) if ctx.meta.get("title") else title
    return blocks, _article(blocks, pm, title), counts


def html_lines(html: str) -> list[str]:
    """The texts of the page's DOM blocks, as ``analyse_html`` makes them, without running
    the extractors or the rules: what a site-learning pass counts (``cleaners.sitestats``)."""
    tree = parse_html(html)
    if tree is None:
        return []
    strip_code(tree)
    dblocks, _containers = dom_blocks(tree)
    return [d.text for d in dblocks if d.text]
