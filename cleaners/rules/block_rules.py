"""Block rules: chrome that shows only as a run of lines (lists, menus, tag clouds, footers).

Each rule is a plain function registered by a call after it (``rule(...)(fn)``), not by a
decorator: mutmut 3 leaves decorated functions unmutated, and ``make mutate`` must reach
the rules' bodies (tests/test_mutate_tool.py keeps it so).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from itertools import accumulate

from cleaners.blocks import Block, content_blocks
from cleaners.rules.base import PageContext, rule
from cleaners.rules.phrases import phrase_set
from cleaners.words.dates import find_dates
from cleaners.words.features import NON_LETTERS, fold

_DIGIT = re.compile(r"\d")
# a "latest news" item: a short title-like line
MAX_HEADLINE_WORDS = 30


# Where a page's list printed a teaser's headline and summary (or a time and the next
# headline) with no space between them, the text browser glued them into one word:
# "...NASCAR FinaleFord v Toyota...", "...семинаровГоскомитет...", "...Измира18:44 Музыка".
# Story text glues words like this only in brand names (GateHouse, PlayStation), which
# a story repeats rather than varies.
# The glue points, found by patterns that open on the rarer character (a capital, the
# colon of a time) and look behind only there: a capital after two lowercase letters
# ("FinaleFord", "мужчинВ"), or after a lowercase letter and a closing sign ("Rise?Violence",
# "«Центр наследия»В"); a time after a letter ("Измира18:44"). One that opens on a
# lowercase letter tries a match at nearly every character of the page (3x slower on
# whole-page dumps), and two patterns without an alternation scan faster than one with it.
_GLUE_SCANS = (
    re.compile(r"[A-ZА-ЯЁ](?<=[a-zа-яё][a-zа-яё?!»\"”)][A-ZА-ЯЁ])"),
    re.compile(r":[0-5]\d\b(?:(?<=[^\W\d_]\d:\d\d)|(?<=[^\W\d_][0-2]\d:\d\d))"),
)
GLUED_MIN_LINES = 3  # glued lines (with different glued words) that make a teaser list
GLUED_VARIETY = 0.7  # different glued words per glued line, at least
GLUED_NAME_LINES = 3  # lines a glued word recurs in that make it a name
GLUED_REACH = 3  # a glued line at most this many lines after the last one continues the list
GLUED_LINE_WORDS = 20  # one line holding a whole list: a glued word every this many words
GLUED_LINE_MIN = 8


_NON_SPACE = re.compile(r"\S+")


def _glued_words(text: str, points: list[int]) -> set[str]:
    """The words of ``text`` (lowercased, letters only) that hold a glue point at one of
    ``points``: a glue pattern looks behind only at letters and signs, never across a
    space, so the word that holds a point glues on its own."""
    return {NON_LETTERS.sub("", fold(m.group())) for m in _NON_SPACE.finditer(text)
            if any(m.start() <= p < m.end() for p in points)}


def glued_teasers(blocks: list[Block], ctx: PageContext) -> None:
    """Teaser lists whose headline and summary the page printed without a space between.

    Three or more nearby lines that each glue a different pair of words
    ("...In NASCAR FinaleFord v Toyota flopped...") are a list of teasers, and
    so is one long line that glues a word every few words (a whole "latest
    news" column run together).
    """
    content = content_blocks(blocks)
    # one pass of the pattern over the page, not one per line: most lines glue nothing
    joined = "\n".join(b.text for b in content)
    starts = list(accumulate((len(b.text) + 1 for b in content[:-1]), initial=0))
    hit: dict[int, list[int]] = {}  # line -> its glue points
    for scan in _GLUE_SCANS:
        for m in scan.finditer(joined):
            k = bisect_right(starts, m.start()) - 1
            hit.setdefault(k, []).append(m.start() - starts[k])
    if len(hit) < GLUED_MIN_LINES and \
            not any(content[k].n_words >= GLUED_LINE_MIN for k in hit):
        return  # too few glued lines for a list, none long enough to hold one: most pages
    glued = [_glued_words(b.text, hit[k]) if k in hit and b.undecided else set()
             for k, b in enumerate(content)]
    seen = Counter(w for words_ in glued for w in words_)
    names = {w for w, n in seen.items() if n >= GLUED_NAME_LINES}
    if names:  # a glued word the page keeps using is a name (InfoNation), not a glue
        glued = [words_ - names for words_ in glued]
    for b, words_ in zip(content, glued, strict=True):
        if len(words_) >= GLUED_LINE_MIN and len(words_) * GLUED_LINE_WORDS >= b.n_words:
            b.mark("chrome", "glued_teasers", f"{len(words_)} list items run together")
    i = 0
    while i < len(content):
        if not glued[i]:
            i += 1
            continue
        run, last = [i], i
        j = i + 1
        while j < len(content) and j - last <= GLUED_REACH:
            if glued[j]:
                run.append(j)
                last = j
            j += 1
        kinds = set().union(*(glued[r] for r in run))
        # each teaser glues its own words; a brand name (InfoNation) recurs
        if len(run) >= GLUED_MIN_LINES and len(kinds) >= GLUED_VARIETY * len(run) and \
                2 * len(run) >= last - i + 1:
            for b in content[i:last + 1]:
                if b.undecided:
                    b.mark("chrome", "glued_teasers", f"{len(run)} teasers glued to headlines")
        i = last + 1


rule("glued_teasers", stage="block")(glued_teasers)


# A teaser's summary cut short by the page: "...the heavy rains ...", "...погибли 2 человека…",
# "•六月拍床戲心怦怦跳 不.." (two dots will do), "...with the Southeast Asian nation. less" (a
# caption's expand/collapse toggle)
_TRUNCATED = re.compile(r"(?:\.\.|…)\s*(?:more|read more|подробнее|далее|читать далее)?$"
                        r"|\s(?:less|more)$", re.IGNORECASE)
# the expand / collapse toggles of a caption: "...the Southeast Asian nation. less",
# "...relations with the ... more"; a story line never ends so
_TOGGLED = re.compile(r"[.!?]\s+less$|(?:\.\.\.|…)\s*more$", re.IGNORECASE)
TAIL = 40  # characters at the end of a line that hold either pattern's whole match
# how a line must end for either pattern to match it: asked first, with string methods
_CUT_ENDINGS = ("..", "…", "more", "less", "подробнее", "далее")
TRUNCATED_MIN = 3  # cut-short lines that make a list of teasers...
TRUNCATED_REACH = 4  # ...each at most this many lines after the last


def truncated_teasers(blocks: list[Block], ctx: PageContext) -> None:
    """Three or more nearby lines cut short with an ellipsis ("...", "... more") are the
    summaries of a teaser list; a story ends a paragraph that way once in a while, not
    line after line. A caption with its "... more" / ". less" toggle goes on its own."""
    content = content_blocks(blocks)
    ending = [fold(b.text[-12:].rstrip()).endswith(_CUT_ENDINGS) for b in content]
    for b, ends in zip(content, ending, strict=True):
        if ends and b.undecided and _TOGGLED.search(b.text[-TAIL:]):
            b.mark("chrome", "truncated_teasers", "a caption with its more / less toggle")
    # both patterns end the line within a few characters (spaces are single): read the tail
    cut = [i for i, b in enumerate(content)
           if ending[i] and b.undecided and _TRUNCATED.search(b.text[-TAIL:])]
    k = 0
    while k < len(cut):
        j = k
        while j + 1 < len(cut) and cut[j + 1] - cut[j] <= TRUNCATED_REACH:
            j += 1
        if j - k + 1 >= TRUNCATED_MIN:
            for i in cut[k:j + 1]:
                content[i].mark("chrome", "truncated_teasers", f"{j - k + 1} summaries cut short")
        k = j + 1


rule("truncated_teasers", stage="block")(truncated_teasers)


def _is_anchor(block: Block) -> bool:
    """A date, time or counter line of the kind headline lists interleave with titles."""
    return block.rule in ("timestamp_only", "counter")


def _title_like(block: Block) -> bool:
    """A headline's length: up to ``MAX_HEADLINE_WORDS`` words (``Block.n_words``: 61
    characters of Chinese or Japanese) and 250 characters."""
    return block.undecided and 0 < block.n_words <= MAX_HEADLINE_WORDS and len(block.text) <= 250


def _ends_with_date(block: Block) -> bool:
    """"Headline 26 ноября 2011, 6:19": a teaser carrying its own date at the end."""
    if block.n_words < 3:
        return False
    tail = block.text[-40:]
    # every date find_dates knows ends on a digit (a year, a day or a time), and one that
    # ends the line ends within its last two characters: most lines are answered here
    if _DIGIT.search(tail, max(0, len(tail) - 3)) is None:
        return False
    found = find_dates(tail)
    return bool(found) and found[-1].end >= len(tail) - 2


def headline_list(blocks: list[Block], ctx: PageContext) -> None:
    """Runs of short headlines interleaved with dates, times or counters ("latest news" lists).

    Three or more date/counter anchors, each at most three lines from the next
    with only title-like lines between them (or two teasers that carry their own
    dates), make a list: every line of it is chrome, and its dates belong to
    other stories.
    """
    content = content_blocks(blocks)
    # whether each line is a dated item, asked once: a run that fails is looked at again
    # from its next line (the rule marks only lines before where it looks next)
    dated = [_dated_item(b) for b in content]
    i = 0
    while i < len(content):
        if not (_is_anchor(content[i]) or dated[i]):
            i += 1
            continue
        run = [i]
        while (nxt := _next_anchor(content, run[-1], dated)) is not None:
            run.append(nxt)
        dated_items = all(dated[r] for r in run)
        inner_titles = sum(1 for b in content[run[0]:run[-1] + 1] if _title_like(b))
        if (len(run) >= 3 and inner_titles >= 1) or (len(run) >= 2 and dated_items):
            start, end = run[0], run[-1]
            if _gap_is_title_slot(content, run):
                # "title, date, title, date" takes in the first title; "date, title" the last
                if start > 0 and _title_like(content[start - 1]) and \
                        not content[start - 1].sentence_end:
                    start -= 1
                if end + 1 < len(content) and _title_like(content[end + 1]) and \
                        not content[end + 1].sentence_end:
                    end += 1
            for b in content[start:end + 1]:
                if b.label in ("undecided", "meta", "chrome"):
                    b.mark("chrome", "headline_list", f"list of {len(run)} dated/counted items")
            i = end + 1
        else:
            i += 1


rule("headline_list", stage="block")(headline_list)


_STAMP_FIRST = re.compile(
    r"^(?:[0-2]?\d:[0-5]\d|[0-3]?\d\.[01]\d(?:\.\d{2,4})?)\s*(?:[/|•·\-–—]\s*)?\S"
)


def _starts_with_stamp(block: Block) -> bool:
    """"17:56 / Награждены победители...": a teaser led by its own time or date."""
    return block.n_words >= 3 and _STAMP_FIRST.match(block.text) is not None


def _dated_item(block: Block) -> bool:
    return _ends_with_date(block) or _starts_with_stamp(block)


def _next_anchor(content: list[Block], j: int, dated: list[bool]) -> int | None:
    """The next anchor within three lines of ``j``, if only title-like lines stand between
    (``dated``: whether each line is a dated item)."""
    for k in range(j + 1, min(j + 4, len(content))):
        if _is_anchor(content[k]) or dated[k]:
            return k
        if not _title_like(content[k]):
            return None
    return None


def _gap_is_title_slot(content: list[Block], run: list[int]) -> bool:
    """Whether the list's pattern puts a headline after each anchor (date first, then title)."""
    if len(run) < 2:
        return False
    gaps = [b - a for a, b in zip(run, run[1:], strict=False)]
    return max(gaps) >= 2


def hashtag_block(blocks: list[Block], ctx: PageContext) -> None:
    """A block of #tags: lifted into the tags metadata (an empty '#' is dropped). A "#"
    and a space before a word ("# Merging", "# Bad") is a code comment or a markdown
    heading in a story's code, no tag: a tag is written against its "#"."""
    for b in content_blocks(blocks):
        if b.text.startswith("#") and b.n_words <= 4 and not b.text[1:2].isspace() and \
                " " not in b.text.strip("# ").strip():
            tag = b.text.lstrip("#").strip()
            if tag:
                b.lift().tags = [tag]
            if b.undecided or b.rule in ("list_header",):
                b.mark("meta", "hashtag_block", f"tag {tag!r}" if tag else "empty tag")


rule("hashtag_block", stage="block")(hashtag_block)


def tags_follow(blocks: list[Block], ctx: PageContext) -> None:
    """The line after a bare "Темы:" / "Tags:" label holds the tags."""
    content = content_blocks(blocks)
    for b, nxt in zip(content, content[1:], strict=False):
        if b.lifted is not None and b.lifted.tags_follow and nxt.undecided and nxt.n_words <= 30:
            tags = [t.strip(" #.") for t in re.split(r"\s*[,;|]\s*", nxt.text) if t.strip(" #.")]
            if tags and all(len(t.split()) <= 5 for t in tags):
                nxt.lift().tags = tags
                nxt.mark("meta", "tags_follow", f"{len(tags)} tags")


rule("tags_follow", stage="block")(tags_follow)


RELATED_LIST_LINES = 10  # lines a "read also" list runs to, at most
RELATED_LINE_WORDS = 60  # a list run together on one line can be long


def related_list(blocks: list[Block], ctx: PageContext) -> None:
    """The lines under a "Читайте также" / "Related" header are its links, up to the first
    sentence: headlines, or a row of them run together on one line."""
    headers = phrase_set("related_link").keys
    content = content_blocks(blocks)
    for i, b in enumerate(content):
        if b.rule != "list_header" or b.key not in headers:
            continue
        for nxt in content[i + 1: i + 1 + RELATED_LIST_LINES]:
            if not nxt.undecided or nxt.sentence_end or nxt.n_words > RELATED_LINE_WORDS:
                break
            nxt.mark("chrome", "related_list", f"a link under {b.text!r}")


rule("related_list", stage="block")(related_list)


MENU_MAX_WORDS = 6


def _menu_item(block: Block) -> bool:
    """A short line that ends no sentence: up to ``MENU_MAX_WORDS`` words (``Block.n_words``:
    up to 13 characters of Chinese or Japanese, where a menu item holds two to six)."""
    return (block.undecided or block.rule in ("share_button", "login_link", "search_box",
                                                "list_header")) and \
        block.n_words <= MENU_MAX_WORDS and not block.sentence_end and len(block.text) <= 60


def menu_run(blocks: list[Block], ctx: PageContext) -> None:
    """Runs of short items: two or more bulleted ones, or four or more bare ones, in a row.

    Items that end like sentences (a numbered list inside the story) do not count.
    """
    content = content_blocks(blocks)
    i = 0
    while i < len(content):
        j = i
        while j < len(content) and _menu_item(content[j]) and \
                (j == i or not content[j].blank_before or content[j].bullet):
            j += 1
        run = content[i:j]
        bullets = sum(1 for b in run if b.bullet)
        if (len(run) >= 2 and bullets >= len(run) - 1 and bullets >= 2) or len(run) >= 4:
            for b in run:
                if b.undecided:
                    b.mark("chrome", "menu_run", f"run of {len(run)} short items")
            i = j
        else:
            i += 1


rule("menu_run", stage="block")(menu_run)


CAPTION_MAX_LINES = 3
CAPTION_MAX_WORDS = 40


def image_caption(blocks: list[Block], ctx: PageContext) -> None:
    """The lines right above an image credit, with no blank between, are the image's caption."""
    for i, b in enumerate(blocks):
        if b.rule != "image_credit":
            continue
        caption: list[Block] = []
        j, cur = i - 1, b
        while j >= 0 and len(caption) < CAPTION_MAX_LINES and not cur.blank_before:
            prev = blocks[j]
            if not prev.text or not prev.undecided or prev.n_words > CAPTION_MAX_WORDS:
                break
            caption.insert(0, prev)
            cur, j = prev, j - 1
        for c in caption:
            c.mark("meta", "image_caption", "caption of the image credited below")
        b.lift().caption = " ".join(c.text for c in caption) or None


rule("image_caption", stage="block")(image_caption)


# a listicle's item heading: "3. Maximalism Takes Center Stage", "4) Sakara"
_ITEM_HEADING = re.compile(r"\s*\d{1,2}\s*[.)]\s+\w")
ITEM_HEADING_MAX_WORDS = 20


def teaser_list(blocks: list[Block], ctx: PageContext) -> None:
    """Teasers that print their headline twice (link and image alt) and then a summary.

    Two or more such units on a page make a teaser list; a story does not
    repeat a line right after itself. A numbered heading that ends no sentence after the
    doubled line is no summary: it is the next item of a listicle, whose pictures print
    their alt text twice as teasers do ("Thistle meal kit" twice, then "4. Sakara").
    """
    content = content_blocks(blocks)
    units = [i for i in range(1, len(content))
             if content[i].text == content[i - 1].text and content[i].n_words >= 2
             and content[i].undecided and content[i - 1].undecided]
    if len(units) < 2:
        return
    for i in units:
        content[i - 1].mark("chrome", "teaser_list", "teaser headline")
        content[i].mark("chrome", "teaser_list", "teaser headline, printed twice")
        if i + 1 < len(content) and content[i + 1].undecided and content[i + 1].n_words <= 80 \
                and not _item_heading(content[i + 1]):
            content[i + 1].mark("chrome", "teaser_list", "teaser summary")


rule("teaser_list", stage="block")(teaser_list)


def _item_heading(block: Block) -> bool:
    """A numbered line that ends no sentence: a listicle's next item, not a summary."""
    return not block.sentence_end and block.n_words <= ITEM_HEADING_MAX_WORDS and \
        _ITEM_HEADING.match(block.text) is not None
