"""HTML rules: label the DOM blocks of a page with what the markup and the extractors say.

Each block arrives with features the text dumps lack: its tag, link density,
class/id hints, the chrome container it sits in (if any), and the votes of the
two extractors run on the same tree (trafilatura and readability). The rules
run in the order written here; each labels only blocks still undecided, so the
first rule that is sure decides, and names itself.
"""

from __future__ import annotations

import re

from cleaners.blocks import Block
from cleaners.html.tree import text_key
from cleaners.rules.base import REGISTRY, PageContext, rule
from cleaners.words.features import lower, sentence_count

LINK_HEAVY = 0.6  # share of a block's text inside <a>
PROSE_MIN_WORDS = 8


def _votes(b: Block) -> int:
    return b.votes


def _match_key(b: Block) -> str:
    """The block's words joined (``Markup.match_key``): "" for a block with no words."""
    return b.markup.match_key if b.markup is not None else ""


def _voter(b: Block) -> str | None:
    """The extractor that alone kept the block, if only one did."""
    return b.markup.voter if b.markup is not None else None


def is_prose(b: Block) -> bool:
    """Reads like story text: a sentence or more, with stopwords, not a link."""
    return (b.n_words >= PROSE_MIN_WORDS and b.link_density < 0.3
            and (b.sentence_end or sentence_count(b.text) >= 1)
            and b.stop_density >= 0.15)


@rule("headline", stage="html")
def headline(blocks: list[Block], ctx: PageContext) -> None:
    """The block that is the story's headline (chosen from the markup) is the title, not body;
    the same headline printed again is dropped."""
    key = ctx.markup.title_key if ctx.markup is not None else ""
    if not key:
        return
    seen = False
    for b in blocks:
        if b.undecided and _match_key(b) == key:
            if not seen:
                b.mark("title", "headline", "the headline the markup names")
                seen = True
            else:
                b.mark("chrome", "headline", "the headline printed again")


@rule("no_words", stage="html")
def no_words(blocks: list[Block], ctx: PageContext) -> None:
    """A block with no letters or digits at all (".", "|", "* * *", bullets) says nothing."""
    for b in blocks:
        if b.undecided and b.text and not _match_key(b):
            b.mark("chrome", "no_words", "punctuation only")


CAPTION_MAX_WORDS = 40  # a caption found by its image or class; a <figcaption> may be longer
_CAPTION_HINT = re.compile(r"caption|photo|foto|image|img|figure|pic|illustr|credit")
_CREDIT = re.compile(r"(?:^|[.\s])(?:фото|photo|иллюстрация|источник|credit)\s*:?\s*(.{2,80})$",
                     re.IGNORECASE)


@rule("figure_caption", stage="html")
def figure_caption(blocks: list[Block], ctx: PageContext) -> None:
    """A short text beside an image that repeats its alt text, or sits in a figcaption or a
    photo/caption-classed box, is the image's caption: lifted into metadata, out of the body."""
    for b in blocks:
        if not b.undecided or (b.n_words > CAPTION_MAX_WORDS and b.tag != "figcaption"):
            continue
        images = b.markup.images if b.markup is not None else []
        key = _match_key(b)
        matched = None
        for src, alt in images:
            akey = text_key(alt)
            # the caption repeats the alt text (a paragraph merely naming the pictured
            # person is not a caption)
            if key and len(akey) >= 8 and (key in akey or (akey in key
                                                          and len(key) <= 1.5 * len(akey))):
                matched = src
                break
        hinted = b.tag == "figcaption" or (
            images and not b.sentence_end and b.n_words <= 25 and _votes(b) < 2
            and _CAPTION_HINT.search(b.hints[-60:]))
        if matched is None and not hinted:
            continue
        credit = _CREDIT.search(b.text)
        lifted = b.lift()
        lifted.image_url = matched or (images[0][0] if images else None)
        lifted.caption = b.text
        lifted.credit = credit.group(1).strip(" .") if credit else None
        b.mark("meta", "figure_caption", "caption of an image")


@rule("chrome_container", stage="html")
def chrome_container(blocks: list[Block], ctx: PageContext) -> None:
    """Blocks inside nav, aside, footer, forms, comment, share, related-news and ad containers
    (found by tag, ARIA role, itemprop, hidden styles and class/id words) are chrome. A
    container that holds much of the page's non-link text is a layout wrapper, never marked
    (see ``html_tree.dom_blocks``)."""
    for b in blocks:
        if b.undecided and b.container:
            b.mark("chrome", "chrome_container", f"inside {b.container}")


@rule("link_block", stage="html")
def link_block(blocks: list[Block], ctx: PageContext) -> None:
    """A block that is mostly link text (menus, teaser headlines, "read also") is chrome,
    unless it is a whole sentence both extractors kept ("Напомним, что <a>...</a>.")."""
    for b in blocks:
        if b.undecided and b.link_density >= LINK_HEAVY:
            if _votes(b) == 2 and b.sentence_end and b.n_words >= 6 and \
                    not b.text.endswith(":"):
                continue  # a sentence with a link in it, kept by both extractors
            b.mark("chrome", "link_block", f"link density {b.link_density:.2f}")


@rule("extractor_vote", stage="html")
def extractor_vote(blocks: list[Block], ctx: PageContext) -> None:
    """Both extractors kept it: body. Neither did: chrome. One did: left to the next rule."""
    for b in blocks:
        if not b.undecided:
            continue
        v = _votes(b)
        if v == 2:
            b.mark("body", "extractor_vote", "kept by trafilatura and readability")
        elif v == 0:
            b.mark("chrome", "extractor_vote", "kept by neither extractor")


@rule("single_vote", stage="html")
def single_vote(blocks: list[Block], ctx: PageContext) -> None:
    """A block only one extractor kept is body when it sits inside the agreed story, or reads
    as prose right next to it; otherwise it is the other extractor's correct rejection."""
    agreed = [i for i, b in enumerate(blocks) if b.label == "body"]
    if not agreed:
        # no agreement at all: trust the extractor that kept more prose and less chrome
        by = _better_voter(blocks)
        for b in blocks:
            if b.undecided:
                if _voter(b) == by:
                    b.mark("body", "single_vote", f"only {by} found a story")
                else:
                    b.mark("chrome", "single_vote", f"kept by {_voter(b)} alone")
        return
    lo, hi = agreed[0], agreed[-1]
    root = story_root(blocks, agreed)
    wider = _wider_story(blocks, agreed)
    if wider is not None:
        lo, hi = min(lo, wider[0]), max(hi, wider[1])
    for i, b in enumerate(blocks):
        if not b.undecided:
            continue
        voter = _voter(b)
        if lo < i < hi:
            b.mark("body", "single_vote", f"kept by {voter}, inside the agreed story")
        elif is_prose(b) and _near(blocks, i, lo, hi):
            b.mark("body", "single_vote", f"kept by {voter}, prose next to the story")
        elif i < lo and root is not None and _intro(blocks, b, root):
            b.mark("body", "single_vote", f"kept by {voter}, above the story in its element")
        else:
            b.mark("chrome", "single_vote", f"kept by {voter} alone, outside the story")


WEAK_BOX_LINKS = 0.3  # at most this share of a builder box's text in links
BUILDER_BOX = "class/id 'widget"  # the container reason of a page builder's box


@rule("story_box", stage="html")
def story_box(blocks: list[Block], ctx: PageContext) -> None:
    """A box chrome only by a page builder's "widget" class (which the builder puts on every
    box of a page, the story's own included) that stands between two blocks of the story is
    part of it: a subhead or short paragraph in its own builder box, cut before the
    extractors voted because it is too short to pass as prose (``tree._prose_box``). Boxes
    above or below the story stay chrome, as do boxes mostly of links, and hidden boxes
    (an accordion's collapsed questions, a form's hidden fields) wherever they stand."""
    body = [i for i, b in enumerate(blocks) if b.label == "body"]
    if len(body) < 2:
        return
    for b in blocks[body[0] + 1:body[-1]]:
        if b.label == "chrome" and b.rule == "chrome_container" and \
                b.container.startswith(BUILDER_BOX) and b.link_density <= WEAK_BOX_LINKS:
            b.mark("body", "story_box", f"inside {b.container}, between the story's blocks")


def _ancestors(b: Block) -> tuple[object, ...]:
    return b.markup.ancestors if b.markup is not None else ()


_PAGE_TAGS = frozenset({"html", "body"})


def story_root(blocks: list[Block], agreed: list[int]) -> object | None:
    """The innermost element that holds every block both extractors kept: the story's own
    box (an <article>, a post's content div). None when that is the whole page's <body>
    (the agreement then spans the layout, and says nothing of where the story stands)."""
    common: list[object] | None = None
    for i in agreed:
        chain = _ancestors(blocks[i])
        if not chain:
            continue
        if common is None:
            common = list(chain)
            continue
        held = set(chain)
        while common and common[0] not in held:
            common.pop(0)
        if not common:
            return None
    if not common or getattr(common[0], "tag", "body") in _PAGE_TAGS:
        return None
    return common[0]


def _intro(blocks: list[Block], b: Block, root: object) -> bool:
    """Whether a lone voter's block above the agreed story is the story's introduction: prose
    inside the element that holds the whole agreement, standing beside no image
    and printed once (a gallery's caption is printed again in its slides)."""
    if not is_prose(b) or root not in _ancestors(b) or \
            (b.markup is not None and b.markup.images):
        return False
    key = _match_key(b)
    return sum(1 for other in blocks if _match_key(other) == key) == 1


# headings, paragraphs, list items, and text standing bare in the page's <body>
_TEXT_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "body"})


@rule("enclosed_line", stage="html")
def enclosed_line(blocks: list[Block], ctx: PageContext) -> None:
    """A heading, paragraph or list item (or text bare in the page's <body>, a page written
    without paragraph tags) that neither extractor kept but that stands right
    between two blocks of the story (nothing but its neighbours around it) is the story's:
    a subhead the extractors dropped as too short, a list's short item. Generic boxes
    (<div>, code, table rows) stay as voted: there the extractors' rejection is mostly right
    (a button's label, a code line the story shows as an image)."""
    content = [b for b in blocks if b.text and b.label != "meta"]
    for j in range(1, len(content) - 1):
        b = content[j]
        if b.rule == "extractor_vote" and b.label == "chrome" and b.tag in _TEXT_TAGS and \
                content[j - 1].label == "body" and content[j + 1].label == "body":
            b.mark("body", "enclosed_line", "kept by neither extractor, but between the "
                   "story's blocks")


# a lone extractor's prose outside the agreed story, against the agreed story's, from
# which its picks are the story and the agreement only a part of it (a lead, a box)
LONE_STORY_SHARE = 1.0
LONE_PROSE_SHARE = 0.5  # of the lone extractor's picks outside the agreement, prose


def _wider_story(blocks: list[Block], agreed: list[int]) -> tuple[int, int] | None:
    """(first, last) block of one extractor's story when it holds more prose outside the
    agreed blocks than the agreement holds in all, and is mostly prose: the two voters
    then agreed on a part of the story only (readability on the lead box, say), and the
    other's longer run is the story. None when the agreement is the larger story."""
    agreed_chars = sum(len(blocks[i].text) for i in agreed)
    picks: dict[str, list[int]] = {}
    for i, b in enumerate(blocks):
        voter = _voter(b)
        if voter and b.undecided:
            picks.setdefault(voter, []).append(i)
    for idx in picks.values():
        chars = sum(len(blocks[i].text) for i in idx)
        prose = sum(len(blocks[i].text) for i in idx if is_prose(blocks[i]))
        if prose > LONE_STORY_SHARE * agreed_chars and prose >= LONE_PROSE_SHARE * chars:
            return idx[0], idx[-1]
    return None


@rule("printed_headline", stage="html")
def printed_headline(blocks: list[Block], ctx: PageContext) -> None:
    """When no block is the headline the markup names (og:title and the printed <h1> say it
    differently), an <h1> the extractors kept at the head of the story, before its first
    paragraph, is the headline the page prints: not body. The record's title stays the
    one the markup names."""
    if any(b.label == "title" for b in blocks):
        return
    for b in blocks:
        if b.label != "body":
            continue
        if b.tag == "h1":
            b.mark("title", "printed_headline", "the <h1> above the story")
            return
        if is_prose(b):
            return  # the story has begun: an <h1> further down is not its headline


LEAD_MIN_WORDS = 5


def _short_sentence(b: Block) -> bool:
    """A one-line lede ("Употребление винограда поможет защитить зрение, утверждают
    ученые."): a whole sentence, shorter than prose needs to be."""
    return (b.n_words >= LEAD_MIN_WORDS and b.text.rstrip("»\"”’')").endswith((".", "!", "?"))
            and b.link_density < 0.3)


@rule("lead_paragraph", stage="html")
def lead_paragraph(blocks: list[Block], ctx: PageContext) -> None:
    """Prose right above the story's first body block, under the headline, is the story's
    lead even when neither extractor kept it: sites print the lede in its own box (a bold
    summary, an "announce" div) that the extractors take for a teaser. Only a lead that
    touches the story counts (image captions may stand between): a summary or background
    blurb that a date line, byline or share bar separates from the story stays dropped, as
    does anything inside a chrome container."""
    title = next((i for i, b in enumerate(blocks) if b.label == "title"), None)
    first = next((i for i, b in enumerate(blocks) if b.label == "body"), None)
    if title is None or first is None or first < title:
        return
    for b in reversed(blocks[title + 1:first]):
        if not b.text or b.label == "meta":
            continue
        if b.rule not in ("extractor_vote", "single_vote") or b.container:
            return
        if not b.n_words:
            b.compute_features()  # blocks no extractor kept have no features yet
        if not (is_prose(b) or _short_sentence(b)):
            return
        b.mark("body", "lead_paragraph", "prose right above the story, under the headline")


TEASER_LINK = 0.9  # link density of a teaser's headline
TEASER_MIN_UNITS = 3  # linked headline + summary pairs in a row that make a teaser list
TEASER_MAX_SUMMARY = 2  # blocks a teaser's summary may take


TEASER_FURNITURE_CHARS = 40  # a teaser's date or counter between its headline and summary


def _past_furniture(content: list[Block], i: int) -> int:
    """The first block from ``i`` on that is not a teaser's furniture: a short line already
    called chrome (its date, its comment count) between the headline and the summary."""
    while i < len(content) and content[i].label == "chrome" and \
            len(content[i].text) <= TEASER_FURNITURE_CHARS and not _linked_headline(content[i]):
        i += 1
    return i


def _linked_headline(b: Block) -> bool:
    if b.rule != "link_block" or b.link_density < TEASER_LINK:
        return False
    if not b.n_words:
        b.compute_features()
    return 1 <= b.n_words <= 25 and not b.text.endswith(".")


@rule("linked_teasers", stage="html")
def linked_teasers(blocks: list[Block], ctx: PageContext) -> None:
    """Under the story, other stories' linked headlines each followed by their summary (a
    paragraph or two, perhaps after the teaser's date) are a teaser list, however much the
    summaries read like prose and whichever extractor kept them. It takes three such pairs
    in a row, running to the end of the body: a story that links a related headline
    between its paragraphs now and then goes on after the link."""
    content = [b for b in blocks if b.text and b.label != "meta"]
    n = len(content)
    runs: list[list[tuple[int, int]]] = []  # runs of units (headline, end of its summary)
    i = 0
    while i < n:
        if _linked_headline(content[i]):
            first = _past_furniture(content, i + 1)
            j = first
            while j < n and content[j].label == "body" and j - first < TEASER_MAX_SUMMARY:
                j += 1
            if j > first and (j == n or content[j].label != "body"):
                joined = runs and not any(b.label == "body"
                                          for b in content[runs[-1][-1][1]:i])
                if joined:
                    runs[-1].append((i, j))
                else:
                    runs.append([(i, j)])
                i = j
                continue
        i += 1
    if not runs or len(runs[-1]) < TEASER_MIN_UNITS:
        return
    run = runs[-1]
    if any(b.label == "body" for b in content[run[-1][1]:]):
        return  # the story goes on after them: links inside the story
    if _linked_sections(content, run):
        return
    for head, end in run:
        for b in content[head + 1:end]:
            if b.label == "body":
                b.mark("chrome", "linked_teasers",
                       "summary under another story's linked headline")
    before = [b for b in content[:run[0][0]] if b.label == "body"]
    if before and not is_prose(before[-1]) and before[-1].n_words <= EDGE_MAX_WORDS:
        before[-1].mark("chrome", "linked_teasers", "the teaser list's header")


def _linked_sections(content: list[Block], run: list[tuple[int, int]]) -> bool:
    """Whether a run of linked headlines with text under each is the story's own sections
    (a guide whose subheads link the places they describe): both extractors kept most of
    its headlines, and the text under them outweighs the story above the run. A teaser
    list under a story is smaller than the story, and the extractors leave its links."""
    kept = sum(1 for head, _end in run if content[head].votes == 2)
    under = sum(len(b.text) for head, end in run for b in content[head + 1:end])
    above = sum(len(b.text) for b in content[:run[0][0]] if b.label == "body")
    return kept * 2 > len(run) and under > above


SUBHEAD_MAX_WORDS = 15
_SUBHEAD_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


@rule("linked_subhead", stage="html")
def linked_subhead(blocks: list[Block], ctx: PageContext) -> None:
    """A heading that is a link ("2. Stanford GSB" linking the school's page), between the
    story's text and a paragraph of its prose, is the story's own subhead: link_block
    took it for a menu item. A teaser list's linked headlines have no story prose under
    them by now (``linked_teasers`` ran)."""
    content = [b for b in blocks if b.text and b.label != "meta"]
    for i in range(1, len(content) - 1):
        b = content[i]
        if b.rule != "link_block" or b.tag not in _SUBHEAD_TAGS:
            continue
        if not b.n_words:
            b.compute_features()
        after = content[i + 1]
        if b.n_words <= SUBHEAD_MAX_WORDS and content[i - 1].label == "body" and \
                after.label == "body" and is_prose(after):
            b.mark("body", "linked_subhead", "a linked subhead inside the story")


# link-heavy list items both extractors kept inside the story are the story's own list
# (one voter's lone linked items are as often a "read also" list as the story's; a table
# row of links is a pager's "Previous | Next" as often as a table's)
_VOTED_ITEM_TAGS = frozenset({"li", "dt", "dd"})


def _story_link(content: list[Block], i: int) -> bool:
    """Whether the link-heavy block ``content[i]`` inside the story is the story's own: a
    list item both voters kept, or a heading one kept that heads a section of the story
    (the block under it is body, and no teaser's date) and stands alone (no linked line
    just above it: a run of linked headlines is a teaser list)."""
    b = content[i]
    if b.tag in _VOTED_ITEM_TAGS:
        return _votes(b) == 2
    if b.tag not in _SUBHEAD_TAGS or not _votes(b):
        return False
    after = content[i + 1]
    return content[i - 1].rule != "link_block" and after.label == "body" and \
        not _short_date(after)


def _short_date(b: Block) -> bool:
    """A short line holding a date: a teaser's date under its linked headline."""
    from cleaners.words.dates import find_dates

    if not b.n_words:
        b.compute_features()
    return b.n_words <= EDGE_MAX_WORDS and bool(find_dates(b.text))


@rule("linked_item", stage="html")
def linked_item(blocks: list[Block], ctx: PageContext) -> None:
    """A link-heavy heading or list item that the extractors kept, standing between the
    story's first and last body blocks, is the story's own (a linked subhead "Garmin
    inReach Mini", a list of the places or tools the story names): ``link_block`` took
    it for a menu line. A list item needs both voters' keep; a heading one voter's, the
    story's text under it (not a date) and no linked line above it. A menu or a teaser list
    beside the story lies outside its span, a run of linked teasers under it was cut by
    ``linked_teasers`` first, and a table of contents by ``contents_list``."""
    content = [b for b in blocks if b.text and b.label != "meta"]
    body = [i for i, b in enumerate(content) if b.label == "body"]
    if len(body) < 2:
        return
    for i in range(body[0] + 1, body[-1]):
        b = content[i]
        if b.rule == "link_block" and not b.container and _story_link(content, i):
            b.mark("body", "linked_item", f"a linked {b.tag} the extractors kept in the story")


CONTENTS_MIN_ENTRIES = 3
CONTENTS_LINKS = 0.5  # a contents entry is a link (its number may stand outside it)


def _contents_entries(blocks: list[Block]) -> list[Block]:
    """The page's table of contents: linked lines that each repeat a heading further down
    the page (its number aside: "2.1 Cherry blossom time" for the heading "Cherry blossom
    time"), at least ``CONTENTS_MIN_ENTRIES`` of them."""
    later: set[str] = set()
    entries: list[Block] = []
    for b in reversed(blocks):
        key = _match_key(b)
        if not key:
            continue
        if b.link_density >= CONTENTS_LINKS and b.tag not in _HEADINGS:
            bare = key.lstrip("0123456789")
            if key in later or (bare and bare in later):
                entries.append(b)
        elif b.tag in _HEADINGS and b.link_density < CONTENTS_LINKS:
            later.add(key)
            later.add(key.lstrip("0123456789"))
    return entries if len(entries) >= CONTENTS_MIN_ENTRIES else []


@rule("contents_list", stage="html")
def contents_list(blocks: list[Block], ctx: PageContext) -> None:
    """A table of contents (linked lines, each the text of one of the story's headings
    below it) is the page's navigation, not the story: the headings stay where they head
    their sections, their list of links goes, whichever extractor kept it."""
    for b in _contents_entries(blocks):
        if b.label in ("body", "chrome"):
            b.mark("chrome", "contents_list", "an entry of the table of contents")


def _better_voter(blocks: list[Block]) -> str | None:
    """The extractor whose lone picks are more prose and less link/container chrome. One
    whose picks hold no prose at all (a date line, a section name) found no story, however
    little chrome it kept: the other wins when it found some prose."""
    score: dict[str, float] = {}
    prose: set[str] = set()
    for b in blocks:
        voter = _voter(b)
        if not voter:
            continue
        if b.label == "chrome":
            score[voter] = score.get(voter, 0.0) - len(b.text)
        elif is_prose(b):
            score[voter] = score.get(voter, 0.0) + len(b.text)
            prose.add(voter)
        else:
            score.setdefault(voter, 0.0)
    candidates = [v for v in score if v in prose] or list(score)
    return max(candidates, key=score.__getitem__) if candidates else None


def _near(blocks: list[Block], i: int, lo: int, hi: int) -> bool:
    """Only prose or empty blocks stand between block ``i`` and the agreed span."""
    rng = range(i + 1, lo) if i < lo else range(hi + 1, i)
    between = [blocks[j] for j in rng if blocks[j].text]
    return len(between) <= 2 and all(b.label != "chrome" or b.rule == "extractor_vote"
                                     for b in between)


@rule("duplicate_text", stage="html")
def duplicate_text(blocks: list[Block], ctx: PageContext) -> None:
    """The lead summary printed above a story that opens with the same sentence(s) is a copy:
    dropped, the fuller block stays. Repeats elsewhere stay (recipes and lists repeat lines
    on purpose)."""
    body = [b for b in blocks if b.label == "body"]
    # the lead summary printed above the story: one of the first two body blocks, repeated
    # (mostly) in one of the next four, longer; exact copies anywhere else stay
    for pos, b in enumerate(body[:2]):
        mine = _trigrams(b.text)
        if len(b.text) < 60 or not mine:
            continue
        for other in body[pos + 1: pos + 5]:
            if len(other.text) <= len(b.text):
                continue
            shared = len(mine & _trigrams(other.text)) / len(mine)
            if shared >= DUPLICATE_SHARE:
                b.mark("chrome", "duplicate_text",
                       f"{shared:.0%} of it repeated in block {other.index}")
                break


DUPLICATE_SHARE = 0.8
COPY_MIN_BLOCKS = 3  # blocks in a row, each repeating the block at the same place before
COPY_MIN_CHARS = 500  # and their text: a story's worth, not a recipe's repeated lines
COPY_PARAGRAPHS = 2  # of them paragraphs, not a list's short items printed twice on purpose
COPY_PARAGRAPH_CHARS = 150
COPY_SOURCES = 20  # earlier places of a block's text tried as the start of the original


def _copied_paragraph(b: Block) -> bool:
    return len(b.text) >= COPY_PARAGRAPH_CHARS and is_prose(b)


def _copy_at(keys: list[str], where: dict[str, list[int]], p: int) -> int:
    """How many body blocks from ``p`` on repeat, in order, a run that starts before
    ``p`` (and ends before it: the copy follows its original)."""
    best = 0
    for q in where.get(keys[p], [])[-COPY_SOURCES:]:
        if q >= p:
            break
        n = 0
        while p + n < len(keys) and q + n < p and keys[p + n] == keys[q + n]:
            n += 1
        best = max(best, n)
    return best


@rule("story_copy", stage="html")
def story_copy(blocks: list[Block], ctx: PageContext) -> None:
    """The story printed again, whole or a long run of it, after its first printing (a
    page builder's copy for each screen size, the print version under the screen one):
    a run of body blocks that repeats, block for block, a run before it is a copy; the
    first printing stays. Single lines that recur (a recipe's "1 tbsp salt", a list's
    "Pricing not published") and a list printed twice (a summary of plans repeated under
    a comparison) hold no run of a story's paragraphs and stay."""
    body = [b for b in blocks if b.label == "body" and _match_key(b)]
    keys = [_match_key(b) for b in body]
    where: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        where.setdefault(key, []).append(i)
    p = 0
    while p < len(keys):
        n = _copy_at(keys, where, p)
        run = body[p:p + n]
        if n >= COPY_MIN_BLOCKS and sum(len(b.text) for b in run) >= COPY_MIN_CHARS and \
                sum(1 for b in run if _copied_paragraph(b)) >= COPY_PARAGRAPHS:
            for b in run:
                b.mark("chrome", "story_copy", "a copy of the story's text printed above")
            p += n
        else:
            p += 1
    _copy_in_one(body)


COPY_SHARE = 0.8  # of a block's word trigrams found in the story's other blocks
COPY_PARTS = 3  # other blocks, each mostly inside it, that it joins
COPY_TWIN = 0.5  # of its trigrams in one other block: a twin, not a copy of the story


def _copy_in_one(body: list[Block]) -> None:
    """A long block that is the story's other blocks joined (a plain-text or markdown copy
    in a <pre>, an embed's text): most of its word trigrams are theirs, gathered from
    ``COPY_PARTS`` paragraphs or more, none of which alone holds half of it. The story's own
    paragraphs each say something new; a block printed twice on purpose (the same terms
    for each region) has a twin, not parts; a lead summary is ``duplicate_text``'s."""
    if all(len(b.text) < COPY_MIN_CHARS for b in body):
        return  # no block long enough to be a copy: no block's trigrams are needed
    kept = [(b, _trigrams(b.text)) for b in body if b.label == "body"]
    for b, mine in kept:
        if len(b.text) < COPY_MIN_CHARS or not mine:
            continue
        parts = 0
        found: set[tuple[str, ...]] = set()
        for o, theirs in kept:
            if o is b or o.label != "body":
                continue
            common = mine & theirs
            if len(common) >= COPY_TWIN * len(mine):
                break  # a twin
            if theirs and len(common) >= COPY_SHARE * len(theirs):
                parts += 1
            found |= common
        else:
            if parts >= COPY_PARTS and len(found) >= COPY_SHARE * len(mine):
                b.mark("chrome", "story_copy", f"the text of {parts} of the story's blocks"
                       " again in one block")


def _trigrams(text: str) -> set[tuple[str, ...]]:
    toks = re.findall(r"\w+", lower(text))
    return set(zip(toks, toks[1:], toks[2:], strict=False))


EDGE_REACH = 3  # body blocks at each end of the story the edge rules look at
DATE_LINE_MAX_WORDS = 4  # words besides the date a date line may hold ("ПЛН, Псков")
_LETTERS = re.compile(r"[^\W\d_]")
_YEAR_WORD = re.compile(r"\b(?:г|гг|года?|year)\b", re.IGNORECASE)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_NAME_WORD = re.compile(r"^[A-ZА-ЯЁ][\w’'-]*$")


def _head(blocks: list[Block]) -> list[Block]:
    """The story's first body blocks, up to its first prose paragraph."""
    head = []
    for b in [b for b in blocks if b.label == "body"][:EDGE_REACH]:
        if is_prose(b):
            break
        head.append(b)
    return head


@rule("date_line", stage="html")
def date_line(blocks: list[Block], ctx: PageContext) -> None:
    """A short block above the story's first paragraph that is a full date with a word or
    two beside it ("17.01.2012 18:16 ПЛН, Псков", "Ирина ЗРАЖЕВСКАЯ — 17.01.2012 15:44",
    "Отправлено: 17:06 - 17 Янв, 2012 г.") is the story's date line: metadata, not text.
    A sentence that mentions a date has more words than the date; a date under the story
    (an embedded post's signature, "— Name (@name) November 18, 2019") stays."""
    from cleaners.words.dates import find_dates

    for b in _head(blocks):
        if b.n_words > EDGE_MAX_WORDS or not (found := find_dates(b.text)):
            continue
        if b.sentence_end and _LETTERS.search(_YEAR_WORD.sub("", b.text[found[-1].end:])):
            continue  # "5 января 2012 года митинг прошёл.": a sentence that starts with a date
        rest = b.text
        for d in reversed(found):
            rest = rest[:d.start] + " " + rest[d.end:]
        words = [w for w in re.findall(r"\w+", rest) if _LETTERS.search(w)]
        if len(words) <= DATE_LINE_MAX_WORDS:
            b.mark("meta", "date_line", f"a date ({found[0].iso}) and {len(words)} words")


@rule("byline", stage="html")
def byline(blocks: list[Block], ctx: PageContext) -> None:
    """A person's name alone (two or three capitalised words, nothing else) above the
    story's first paragraph is its byline: lifted into the authors, out of the text. A
    signature under the story stays (sites print it as part of the story), and so does a
    subheading ("<h4>Neues Leitmotto</h4>": German capitalises nouns)."""
    for b in _head(blocks):
        words = b.text.split()
        if 2 <= len(words) <= 3 and all(_NAME_WORD.match(w) for w in words) and \
                b.link_density < 0.5 and b.tag not in _HEADINGS:
            b.lift().author = b.text
            b.mark("meta", "byline", "a name alone above the story")


EDGE_MAX_WORDS = 12
EDGE_MAX_RUN = 6


def _fragment(b: Block) -> bool:
    return b.n_words <= EDGE_MAX_WORDS and (not b.sentence_end or b.text.endswith(":"))


_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
ADDRESS_MAX_WORDS = 4  # words besides the address ("Адреса матеріалу:", "Source URL:")
ADDRESS_MAX_CHARS = 400  # a label and an address; story paragraphs are not searched


@rule("address_line", stage="html")
def address_line(blocks: list[Block], ctx: PageContext) -> None:
    """A block among the story's last few that is a web address with a label at most
    ("Адреса матеріалу: http://news.zn.ua/...", the print version's footer) is page
    furniture. A sentence that cites an address has more words around it."""
    body = [b for b in blocks if b.label == "body"]
    for b in body[-EDGE_REACH:] if len(body) > EDGE_REACH else []:
        if len(b.text) > ADDRESS_MAX_CHARS or not _URL.search(b.text):
            continue
        rest = [w for w in re.findall(r"\w+", _URL.sub(" ", b.text)) if _LETTERS.search(w)]
        if len(rest) <= ADDRESS_MAX_WORDS:
            b.mark("chrome", "address_line", "a web address after the story")


_ITEM_TAGS = frozenset({"li", "td", "th", "tr", "dd", "dt"})


@rule("edge_fragments", stage="html")
def edge_fragments(blocks: list[Block], ctx: PageContext) -> None:
    """A few short lines that are not sentences after the story's last sentence ("Прочтений:
    431", "Ссылки по теме:", "Нашли опечатку? Выделите её и нажмите ссылку") are widget text
    the extractors let through; inside the story such lines (subheads) stay."""
    body = [b for b in blocks if b.label == "body"]
    tail: list[Block] = []
    for b in reversed(body):
        if not _fragment(b):
            break
        tail.append(b)
    # a long run, or list items or table cells, is content (a closing list of results, a
    # table of facts), unless they give addresses (the site's contact table)
    if len(tail) == len(body) or len(tail) > EDGE_MAX_RUN or (
            any(b.tag in _ITEM_TAGS for b in tail)
            and not any("@" in b.text or _URL.search(b.text) for b in tail)):
        return
    for b in tail:
        b.mark("chrome", "edge_fragments", "a short non-sentence after the story's last sentence")
    # a bare label with no value before the story ("Автор:", "Источник:")
    for b in body:
        if is_prose(b):
            break
        if b.label == "body" and b.text.endswith(":") and b.n_words <= 3:
            b.mark("chrome", "edge_fragments", "a bare label before the story")


LABELS_REACH = 8  # blocks past the story's last one where its tags and source lines stand
LABELS_MAX_WORDS = 30
_LABEL_LIFTERS = ("source_line", "tags_line")


@rule("story_labels", stage="html")
def story_labels(blocks: list[Block], ctx: PageContext) -> None:
    """The story's labelled tag and source lines ("Tags: budget, council", "Источник:
    ТАСС") that an extractor dropped with the chrome, among the few blocks right after the
    story, are lifted into metadata; they stay out of the text. Only a line that names
    itself counts (the line rules ``tags_line`` and ``source_line`` read it): a tag cloud
    under another heading, or far below the story, is not read."""
    last = next((i for i in range(len(blocks) - 1, -1, -1) if blocks[i].label == "body"), None)
    if last is None:
        return
    lifters = [REGISTRY[name] for name in _LABEL_LIFTERS]
    for b in blocks[last + 1: last + 1 + LABELS_REACH]:
        if b.label != "chrome" or b.n_words > LABELS_MAX_WORDS:
            continue
        for lifter in lifters:
            note = lifter.fn(b, ctx)
            if note:
                b.mark("meta", "story_labels", f"{lifter.name}: {note}")
                break


STYLED_LOOKBACK = 6  # text blocks above the story's first paragraph a headline may stand in
TITLE_MAX_WORDS = 25
PARAGRAPH_CHARS = 100  # a story paragraph, not a line of dialogue or a caption


@rule("styled_headline", stage="html")
def styled_headline(blocks: list[Block], ctx: PageContext) -> None:
    """When the markup names no headline the page prints (no <h1>, og:title or JSON-LD that
    agrees; only a <title> that is the site's name), the headline is the block the markup
    sets off (a heading tag, a title class, or all of it in one bold or enlarged element:
    <span style="font-size:16px">) just above the story's first paragraph."""
    if ctx.markup is None or not ctx.markup.weak_title or \
            any(b.label == "title" for b in blocks):
        return
    first = next((i for i, b in enumerate(blocks) if b.label == "body" and is_prose(b)
                  and len(b.text) >= PARAGRAPH_CHARS), None)
    if first is None:
        return
    seen = 0
    for b in reversed(blocks[:first]):
        if not b.text or b.container:
            continue
        seen += 1
        if seen > STYLED_LOOKBACK:
            return
        if b.markup is None or not b.markup.prominent:
            continue
        if not b.n_words:
            b.compute_features()
        if 2 <= b.n_words <= TITLE_MAX_WORDS and not b.text.endswith("."):
            b.mark("title", "styled_headline", "set off by its markup above the story")
            return
