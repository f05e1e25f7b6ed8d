"""The extractors' votes: trafilatura and a second voter each pick the story on the same
tree, and a DOM block counts as kept by one when most of its word trigrams are in its
output. The rules read the votes (``Markup.votes``, ``Markup.voter``), never the
extractors' text: every line of the record is a line of the page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from lxml.html import HtmlElement

from cleaners.blocks import Block
from cleaners.html.reader import document_class
from cleaners.html.tree import DomBlock
from cleaners.limits import check_deadline

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
# trafilatura runs in its fast mode, which skips its own fallback (its readability and
# jusText runs). Where the fast story holds under FALLBACK_SHARE of the page's prose
# (blocks of PROSE_CHARS and more, few links, outside chrome containers), it misjudged
# the page's main box: its full mode runs on the page as parsed (its fallback is misled
# by the tree with chrome containers cut) and its story is added to the fast one, never
# replacing it, with readability-lxml as the second voter. Measured on the four HTML
# dev sets (838 pages): 0.3 runs it on 32 pages, lifts wcxb-article-dev 0.934 -> 0.937
# and daniel-multi-dev Polish 0.908 -> 0.912 (pages at 0.1-0.6 F1 to 0.5-0.9) and lowers
# no page by more than 0.01; 0.5 runs it on 82 and lowers daniel-ru-dev by 0.005 (teaser
# lists and comments the full mode keeps); running it on every page costs twice the time.
FALLBACK_SHARE = 0.3
PROSE_CHARS = 80

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("readability").setLevel(logging.CRITICAL)
logging.getLogger("readability.readability").setLevel(logging.CRITICAL)


class _Votes:
    """One extractor's output, in the form DOM blocks are matched against: a block counts as
    kept when most of its word trigrams occur in the output (the extractors split and join
    paragraphs differently from the DOM, so exact matching would miss whole stories)."""

    def __init__(self, name: str, paragraphs: list[str]) -> None:
        self.name = name
        self.keyset: set[str] = set()
        self.grams: set[tuple[str, ...]] = set()
        self.size = 0
        for p in paragraphs:
            toks = _WORDS.findall(p.lower())
            self.keyset.add("".join(toks))  # ``tree.text_key``, from the same words
            self.size += len(toks)
            self.grams.update(zip(toks, toks[1:], toks[2:], strict=False))

    def coverage(self, grams: list[tuple[str, ...]], key: str) -> float:
        """The share of a block's word trigrams ``grams`` (``_grams``) in the output; a
        block of under three words (no trigram) counts as kept when its key is."""
        if not self.size or not key:
            return 0.0
        if not grams:
            return 1.0 if key in self.keyset else 0.0
        return sum(map(self.grams.__contains__, grams)) / len(grams)


def _grams(tokens: list[str]) -> list[tuple[str, ...]]:
    """A block's word trigrams, in order (repeats counted), made once for every voter."""
    return list(zip(tokens, tokens[1:], tokens[2:], strict=False))


def _trafilatura(tree, url: str | None, *, fast: bool = True) -> list[str]:
    import trafilatura

    try:
        out = trafilatura.extract(tree, url=url, include_comments=False, fast=fast,
                                  include_tables=True, deduplicate=False)
    except Exception:  # noqa: BLE001 - an extractor crash is a missing vote
        return []
    return [line for line in (out or "").splitlines() if line.strip()]


_PARA_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dd", "dt", "pre",
              "blockquote", "div", "figcaption", "caption")


def _readability(tree) -> list[str]:
    """readability's story as paragraphs. Mutates ``tree``: call it last."""
    from lxml.html import fragment_fromstring

    try:
        summary = document_class()(tree).summary(html_partial=True)
        frag = fragment_fromstring(summary, create_parent="div")
    except Exception:  # noqa: BLE001
        return []
    out = []
    for el in frag.iter(_PARA_TAGS + ("tr",)):
        if el.tag == "tr":  # a data row is one block (``tree._data_row``): its cells joined
            out.append(" | ".join(c.text_content() for c in el if c.tag in ("td", "th")))
            continue
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


_WORDS = re.compile(r"\w+")


def _kept(voter: _Votes, blocks: list[Block], grams: dict[int, list[tuple[str, ...]]]
          ) -> set[int]:
    """The blocks (outside chrome containers: the keys of ``grams``) whose words the
    voter's output holds."""
    return {i for i, g in grams.items()
            if voter.coverage(g, blocks[i].markup.match_key) >= KEPT_SHARE}  # type: ignore[union-attr]


def _with_fallback(story: list[str], blocks: list[Block], url: str | None,
                   reparse: Callable[[], HtmlElement | None] | None) -> list[str] | None:
    """trafilatura's fast story widened by its full mode's where the fast one holds under
    ``FALLBACK_SHARE`` of the page's prose (None where it does not, or adds nothing)."""
    fast = sum(len(p) for p in story)
    prose = sum(len(b.text) for b in blocks if not b.container and len(b.text) >= PROSE_CHARS
                and b.link_density < 0.3)
    if reparse is None or fast >= FALLBACK_SHARE * prose:
        return None
    tree = reparse()
    full = _trafilatura(tree, url, fast=False) if tree is not None else []
    return story + full if sum(len(p) for p in full) > fast else None


def vote(tree, dblocks: list[DomBlock], blocks: list[Block], url: str | None,
         reparse: Callable[[], HtmlElement | None] | None = None) -> None:
    """Run the extractors on ``tree`` (chrome containers already cut) and put each block's
    words key and the extractors' votes on its markup. readability-lxml runs only when
    trafilatura and the density voter disagree (``MODE``) or trafilatura needed its
    fallback (``reparse`` gives the page as parsed for it), and last: it mutates the tree."""
    grams: dict[int, list[tuple[str, ...]]] = {}  # the blocks the voters judge
    for i, b in enumerate(blocks):
        if b.markup is not None:
            tokens = _WORDS.findall(b.text.lower())
            b.markup.match_key = "".join(tokens)
            if not b.container:
                grams[i] = _grams(tokens)
    story = _trafilatura(tree, url)
    widened = _with_fallback(story, blocks, url, reparse)
    traf_kept = _kept(_Votes("trafilatura", widened or story), blocks, grams)
    check_deadline("trafilatura")
    second_name, second_kept = "density", _density_story(dblocks, blocks)
    if MODE == "readability" or widened is not None or (
            MODE == "auto" and _disagree(blocks, traf_kept, second_kept)):
        second_kept = _kept(_Votes("readability", _readability(tree)), blocks, grams)
        check_deadline("readability")
        second_name = "readability"
    for i, b in enumerate(blocks):
        if b.container or b.markup is None:
            continue
        kept = [name for name, ks in (("trafilatura", traf_kept), (second_name, second_kept))
                if i in ks]
        b.markup.votes = len(kept)
        if len(kept) == 1:
            b.markup.voter = kept[0]
