"""Boundary rules: where the story starts and ends, its title, and what stands beside it.

The body is found as the run of blocks with the most story-like text (a
maximum-sum segment, as in BTE/Kadane), where prose scores by its length and
chrome costs; a hard end marker (rights notice, comment prompt, source line,
tags) cannot be crossed. Then short closing paragraphs that read as sentences
are taken in, so the story's last line is never lost to a length threshold.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cleaners.blocks import Block, content_blocks
from cleaners.rules.base import PageContext, rule
from cleaners.rules.phrases import phrase_set
from cleaners.words.dates import has_date
from cleaners.words.features import (
    CJK,
    CJK_LETTERS,
    PLAIN_LETTERS,
    SENTENCE_CLOSERS,
    cyrillic_share,
    fold,
    function_words,
    not_plain,
    sentence_count,
    site_words,
    words,
)

HARD_STOPS = frozenset({
    "rights_notice", "comment_prompt", "source_line", "tags_line", "tags_follow",
    "hashtag_block", "subscribe_box", "cookie_notice", "author_box", "pager",
})
# lengths in Latin letters' worth (``Block.size``): a Chinese character counts as three
GOOD_MIN_CHARS = 80
FREE_GAP = 2  # non-prose lines a story may hold in a row (a caption, a credit)
GAP_COST = 30  # each further one costs this much more than the last
SPLIT_GAP = 3  # non-prose lines in a row that separate two pieces of a run
MIN_STOP_DENSITY = 0.2


def _page_has_stopwords(content: list[Block]) -> bool:
    """Whether our stoplists cover this page's language (else prose is judged without them)."""
    # by characters too: Chinese and Japanese write sentences without spaces
    long_lines = [b for b in content if b.n_words >= 8 or b.size >= GOOD_MIN_CHARS]
    if not long_lines:
        return True
    return sum(b.stop_density for b in long_lines) / len(long_lines) >= 0.05


def is_prose(block: Block, has_stopwords: bool) -> bool:
    """A block that reads like story text: long enough, with sentence punctuation and stopwords.

    Long enough by ``Block.size``, in which a Chinese or Japanese character counts as
    three letters: 27 of them (a sentence) are as long as 80 letters of English."""
    if block.size < GOOD_MIN_CHARS:
        return False
    if has_stopwords and block.stop_density < MIN_STOP_DENSITY:
        return False
    return block.sentence_end or sentence_count(block.text) >= 1 or block.size >= 200


def _weight(block: Block, has_stopwords: bool) -> float:
    if block.undecided:
        if is_prose(block, has_stopwords):
            return float(block.size)
        if block.sentence_end and block.n_words >= 5:
            return block.size / 3
        return -15.0
    if block.rule in HARD_STOPS:
        return -1e9
    if block.label == "chrome":
        return -(40.0 + block.size / 2)
    return -5.0  # meta: dates, captions, credits sit inside stories


# story-end furniture: a run of prose followed by these is very likely the story
END_FURNITURE = frozenset({"source_line", "tags_line", "tags_follow", "hashtag_block",
                           "author_line"})
END_FURNITURE_REACH = 4  # content lines after the run
END_FURNITURE_BONUS = 1.5
# story-start furniture: the story's date line, byline or tags just above the run
START_FURNITURE = frozenset({"timestamp_only", "author_line", "tags_line", "tags_follow"})
START_FURNITURE_REACH = 4
START_FURNITURE_BONUS = 1.3
SITE_TALK_PENALTY = 0.15  # a run that talks about the site (comment rules, terms)
SITE_TALK_DENSITY = 0.015  # site words per word of prose that make a run site talk
SITE_TALK_STEMS = 3  # ...of at least this many different kinds
AFTER_COMMENTS_PENALTY = 0.3  # prose after a comment prompt that follows a story
FOOTER_MIN_WORDS = 3  # a rights notice this long is a footer's, not a menu's "About us"


STOP_REACH = 3  # lines either side of a hard stop looked at for the story's prose
STOP_PROSE_AFTER = 2  # paragraphs in those after it that go on with the story
# a comment prompt, and an author box: what follows them is comments and a bio, prose too
ENDS_ALWAYS = frozenset({"comment_prompt", "author_box"})
NO_CHROME = -15.0  # a weight above this is prose, a caption, a subhead: no chrome


def _prose_within(weights: list[float], lines: range) -> list[int]:
    """The paragraphs among ``lines`` up to the first chrome one (nearest first)."""
    found = []
    for i in lines:
        if weights[i] < NO_CHROME:
            break
        if weights[i] >= GOOD_MIN_CHARS:  # a paragraph, not a short line ending in "?"
            found.append(i)
    return found


def _inside_the_story(content: list[Block], weights: list[float], i: int) -> bool:
    """A hard stop set in the story's prose: a paragraph a line or two before it and
    more just after, with no chrome between ("Source: X" under a chart, a newsletter
    line, a subhead that names copyright), or a quoted line of a mail the story quotes
    ("> what do you think?": its prompt is the mail's, not the site's). Its story goes
    on; a comment prompt, an author box or a rights notice that is no subhead ends the
    story whatever follows: the comments, the bio and the terms after them are prose
    too."""
    stop = content[i]
    if stop.raw.lstrip().startswith(_QUOTED):
        return True  # a line of a mail the story quotes ("> what do you think?")
    if stop.rule in ENDS_ALWAYS or (stop.rule == "rights_notice" and (
            stop.n_words < FOOTER_MIN_WORDS or _ends_the_page(stop))):
        return False
    # a source line under a picture's or a chart's caption credits it: one paragraph after
    # it says the story goes on, and the story's paragraph before may stand above a list
    if stop.rule == "subscribe_box" and (
            (stop.n_words <= BUTTON_MAX_WORDS and not stop.sentence_end) or
            (stop.n_words <= PLUG_MAX_WORDS and sentence_count(stop.text) <= 1)):
        return _button_in_the_story(weights, i)
    credit = stop.rule == "source_line" and i > 0 and _figure_caption(content[i - 1])
    reach = 2 * STOP_REACH if credit else STOP_REACH
    after = _prose_within(weights, range(i + 1, min(len(weights), i + 1 + STOP_REACH)))
    if stop.rule == "source_line":
        # a story's credit line ends it ("Source: Reuters"), and the footer's links, not
        # prose, follow; paragraphs right under it are the story's next section: the line
        # credits the picture, chart or table above them (a listicle's item's screenshot),
        # whatever its last section before it was (a list, a table, a subhead)
        return len(after) >= (1 if credit else STOP_PROSE_AFTER)
    before = _prose_within(weights, range(i - 1, max(-1, i - 1 - reach), -1))
    return bool(before) and len(after) >= STOP_PROSE_AFTER


BUTTON_MAX_WORDS = 3  # "Subscribe", "Subscribe now": a button, not a newsletter's box
# "Subscribe to our podcast!": one line that plugs the site's newsletter or podcast, which
# a guide sets between two of its sections as a blog sets a bare button
PLUG_MAX_WORDS = 12


def _button_in_the_story(weights: list[float], i: int) -> bool:
    """A bare subscribe button set in the story (a blog platform prints one between two
    sections): a paragraph within ``STOP_REACH`` lines before it and, within twice that
    after it, ``STOP_PROSE_AFTER`` lines of story text (a paragraph or a sentence), with
    no chrome between. After the story's end, the footer or a paywall follows it; after
    a newsletter's pitch (sentences, no paragraph), the site's teasers."""
    reach = 2 * STOP_REACH

    def told(lines: range, least: float) -> int:
        found = 0
        for j in lines:
            if weights[j] < NO_CHROME:
                break
            found += weights[j] > least
        return found
    return told(range(i - 1, max(-1, i - 1 - STOP_REACH), -1), GOOD_MIN_CHARS) >= 1 and \
        told(range(i + 1, min(len(weights), i + 1 + reach)), 0.0) >= STOP_PROSE_AFTER


_QUOTED = (">", "&gt;")  # a quoted line of a mail or a post, as a text dump prints it


def _figure_caption(block: Block) -> bool:
    """A short line of words that ends no sentence and is no aside in brackets: a picture's
    or a chart's caption ("Example of a footer design", "Highest ROI platforms")."""
    return block.undecided and 2 <= block.n_words <= 12 and not block.sentence_end and \
        not block.text.startswith(("(", "[")) and _WORDY.search(block.text) is not None


def _ends_the_page(stop: Block) -> bool:
    """A hard stop after which no story follows a story: a comment prompt, or a rights
    notice that is a sentence, holds the copyright sign or heads a list ("Copyright ©
    2012 X. All rights reserved", "新華網版權與免責聲明："), not a menu item ("Contact
    Us") nor a subhead ("Copyright Complexity in a Fragmented World"): the footer, whose
    terms and disclaimers are prose."""
    if stop.rule == "comment_prompt":
        return True
    if stop.rule != "rights_notice" or stop.bullet or stop.n_words < FOOTER_MIN_WORDS:
        return False
    # a notice, or the header of a list of them; a subhead that names copyright is neither
    return "©" in stop.text or stop.sentence_end or stop.text.endswith((":", "："))
POSITION_WEIGHT = 0.3  # a run late in the page scores up to 30 % less
TEASER_RATIO = 0.6  # headline-like lines per paragraph that make a run a teaser list
TEASER_PENALTY = 0.5
TEASER_MAX_CHARS = 250  # a teaser's summary is shorter than this, or one sentence


def _zone_runs(weights: list[float], lo: int, hi: int) -> list[tuple[float, int, int]]:
    """Candidate runs in weights[lo:hi]: for each stretch between points where the running
    sum falls to zero (Kadane's resets), its best-scoring prefix as (sum, start, end)."""
    runs: list[tuple[float, int, int]] = []
    best, span = 0.0, None
    cur, cur_start = 0.0, lo
    gap = 0
    for i in range(lo, hi):
        w = weights[i]
        if w <= 0:
            # a long stretch without prose is where one text ends and another begins
            gap += 1
            w -= GAP_COST * max(0, gap - FREE_GAP)
        else:
            gap = 0
        if cur <= 0:
            if span is not None:
                runs.append((best, *span))
            best, span = 0.0, None
            cur, cur_start = w, i
        else:
            cur += w
        if cur > best:
            best, span = cur, (cur_start, i)
    if span is not None:
        runs.append((best, *span))
    return runs


def _has_full_date(block: Block) -> bool:
    """A short undecided line with a full date: the story's date line, before any rule names it."""
    return block.undecided and block.n_words <= 12 and has_date(block.text)


def _run_score(content: list[Block], raw: float, start: int, end: int) -> float:
    """A run's score: its prose, more if story-end furniture follows, less if it talks about
    the site itself, less the later it stands on the page."""
    score = raw
    after = content[end + 1: end + 1 + END_FURNITURE_REACH]
    if any(b.rule in END_FURNITURE for b in after):
        score *= END_FURNITURE_BONUS
    before = content[max(0, start - START_FURNITURE_REACH): start]
    if any(b.rule in START_FURNITURE or _has_full_date(b) for b in before):
        score *= START_FURNITURE_BONUS
    prose = [b for b in content[start:end + 1] if b.undecided]
    n_words = sum(b.n_words for b in prose)
    talk = [w for b in prose for w in site_words(b.word_tokens())]
    # talk about the site mixes its words (comments, users, site, rules); a story about
    # registered cases repeats one
    if n_words and len(talk) / n_words >= SITE_TALK_DENSITY and \
            len({w[:5] for w in talk}) >= SITE_TALK_STEMS:
        score *= SITE_TALK_PENALTY
    headlines = sum(1 for b in content[start:end + 1]
                    if b.undecided and not b.sentence_end and b.n_words >= 3
                    and not is_prose(b, True))
    long_prose = sum(1 for b in prose if b.size >= GOOD_MIN_CHARS)
    if long_prose >= 3 and headlines >= TEASER_RATIO * long_prose:
        score *= TEASER_PENALTY  # headline, summary, headline, summary: a teaser list
    return score * (1 - POSITION_WEIGHT * start / max(1, len(content)))


def _pieces(weights: list[float], start: int, end: int, dated: set[int] | None = None
            ) -> list[tuple[int, int]]:
    """Split a run where SPLIT_GAP or more lines in a row carry no prose, or at a date line."""
    pieces: list[tuple[int, int]] = []
    first: int | None = None
    last = start  # set with ``first``: read only while ``first`` is
    gap = 0
    for i in range(start, end + 1):
        if dated and i in dated:
            gap = SPLIT_GAP
            continue
        if weights[i] > 0:
            if first is not None and gap >= SPLIT_GAP:
                pieces.append((first, last))
                first = None
            first = i if first is None else first
            last, gap = i, 0
        else:
            gap += 1
    if first is not None:
        pieces.append((first, last))
    return pieces


def _headline_like(block: Block) -> bool:
    """An undecided line of three words or more that ends no sentence (in unspaced text,
    six characters or more: ``Block.n_words``)."""
    return block.undecided and not block.sentence_end and block.n_words >= 3


def _teaser_unit(content: list[Block], piece: tuple[int, int]) -> bool:
    """A piece under a headline (in the few lines above it, or opening it) that holds at
    most two paragraphs, and short ones (a teaser sums its story up in a sentence or
    two): one teaser."""
    blocks = [b for b in content[piece[0]: piece[1] + 1] if b.undecided]
    above = content[max(0, piece[0] - SPLIT_GAP): piece[0]]
    if not any(_headline_like(b) for b in above) and not (blocks and _headline_like(blocks[0])):
        return False
    paragraphs = [b for b in blocks if b.size >= GOOD_MIN_CHARS]
    if sum(b.size for b in paragraphs) >= TEASER_MAX_CHARS and \
            sum(sentence_count(b.text) for b in paragraphs) >= 2:
        return False  # a section of the story (a listicle's item), not a summary
    return len(paragraphs) <= 2


_DASHES = ("—", "–", "-")  # "— Tottenham Hotspur (@SpursOfficial) November 20, 2019": a post


def _parting_date(block: Block) -> bool:
    """A short line with a full date that is no sentence ("Газета № 8 от 17 января 2012
    года", "Другие новости номера от 17 января 2012 года"): where one story of a page ends.
    Not a line of code that holds a date ("WHERE created_at > '2024-01-01'"): a tutorial's
    query, which goes on with its story. A post's age alone on a line ("1 year ago",
    ``_AGO``) parts too: it heads each comment of a thread under the story."""
    if block.label == "body" or block.n_words > 12 or block.sentence_end:
        return False
    return _dated_text(block.text)


@lru_cache(maxsize=4096)
def _dated_text(text: str) -> bool:
    """The text's part of ``_parting_date``, remembered per text as ``has_date`` is: the
    runs, their trims and their widenings ask it of the same lines again and again."""
    if _AGO.match(text):
        return True
    return not text.startswith(_DASHES) and has_date(text) and not _code_line(text)


# a post's age standing alone on its line ("1 year ago", "3 дня назад", "2 dni temu"): a
# reader's comment's header, each of which parts one post from the next as a date does
_AGO = re.compile(
    r"^\W*(?:\d+|an?|one)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\W*$"
    r"|^\W*\d+\s+(?:секунд|минут|час|дн|дня|день|недел|месяц|год|лет)\w*\s+назад\W*$"
    r"|^\W*\d+\s+(?:sekund|minut|godzin|dni|dzień|tygodni|miesi|lat|rok)\w*\s+temu\W*$",
    re.IGNORECASE)


# A line of a program or a shell session as a text dump prints it: a statement's ";" or
# a brace at its end, a comment or a prompt at its start, an operator ("==", "->", ":="),
# a call or an index ("len(s)", "a[i]"), a snake_case name: in ASCII, as programs are
# written (Chinese prose writes "(图)" after a word). Menus, footers and teasers are
# words, and hold none of these.
_CODE_LINE = re.compile(
    r"[;{}]\s*$|^\s*(?://|--\s|#\s|\$\s|>>>|/\*|\*/|[)\]}])"
    r"|[=!<>]=|=>|->|:=|\+=|&&|[A-Za-z0-9_]\(|[A-Za-z0-9_]\[[A-Za-z0-9_]*\]|[a-z]_[a-z]"
)


@lru_cache(maxsize=4096)
def _code_line(text: str) -> bool:
    """Whether ``text`` reads as a line of code (``_CODE_LINE``), remembered per text: the
    gaps are priced again for each candidate run and each widening."""
    return _CODE_LINE.search(text) is not None


def _trim_teasers(content: list[Block], weights: list[float], start: int, end: int
                  ) -> tuple[int, int]:
    """Cut a run back to its core piece and the pieces beside it, stopping where two
    teasers (a headline and a summary) follow one another: the lists after a story."""
    dated = {i for i in range(start, end + 1) if _parting_date(content[i])}
    pieces = _pieces(weights, start, end, dated)
    if len(pieces) <= 1:
        return start, end
    core = max(range(len(pieces)), key=lambda k: _mass(weights, pieces[k]))
    units = [_teaser_unit(content, p) for p in pieces]

    def parted(a: int, b: int) -> bool:  # a date line between two pieces: another story
        return any(i in dated for i in range(pieces[a][1] + 1, pieces[b][0]))

    hi = core
    while hi + 1 < len(pieces) and not parted(hi, hi + 1) and \
            not (units[hi + 1] and (hi + 2 >= len(pieces) or units[hi + 2])
                 and not _story_resumes(weights, pieces, units, hi + 1, 1)):
        hi += 1
    lo = core
    while lo > 0 and not parted(lo - 1, lo) and \
            not (units[lo - 1] and (lo < 2 or units[lo - 2])
                 and not _story_resumes(weights, pieces, units, lo - 1, -1)):
        lo -= 1
    return _listicle_sides(content, pieces, weights, lo, hi)


RESUME_MASS = 2 * GOOD_MIN_CHARS  # the prose of a section, not a footer's line


def _story_resumes(weights: list[float], pieces: list[tuple[int, int]], units: list[bool],
                   k: int, step: int) -> bool:
    """Whether, past the pieces from ``k`` on (in direction ``step``) that read as
    teasers, a piece that is none and holds ``RESUME_MASS`` of prose follows anywhere
    further in the run: the "teasers" were short items of a listicle (a product's name
    over a paragraph), and its story goes on. Teasers after a story run to its end or a
    footer's lines. (The walk that asks stops at a date line between two pieces by
    itself; this look ahead does not, so a later story's paragraph past a date line
    counts too.)"""
    while 0 <= k < len(pieces) and units[k]:
        k += step
    while 0 <= k < len(pieces):
        if not units[k] and _mass(weights, pieces[k]) >= RESUME_MASS:
            return True
        k += step
    return False


def _mass(weights: list[float], piece: tuple[int, int]) -> float:
    """The prose a piece holds: its lines' positive weights (chrome counts nothing)."""
    return sum((max(0.0, w) for w in weights[piece[0]: piece[1] + 1]), 0.0)


_ITEM_NUMBER = re.compile(r"\s*(\d{1,2})\s*[.)]\s+\w")  # "3. Set up a profile", "3) ..."
MIN_NUMBERED = 3  # numbered subheads in a row that make a run a listicle's items
ITEM_LOOKBACK = 4  # lines above a story's first piece its first item's number may stand in


def _numbers(content: list[Block], start: int, end: int) -> list[int]:
    """The numbers that open the short lines of content[start:end] ("3. Set up a profile")."""
    return [int(m.group(1)) for b in content[start:end]
            if b.n_words <= 20 and (m := _ITEM_NUMBER.match(b.text))]


def _numbered_items(content: list[Block], pieces: list[tuple[int, int]], lo: int, hi: int
                    ) -> int:
    """The last piece after ``hi`` that the story's count of numbered subheads reaches:
    each piece whose lines above it (or its first line) go on counting (1, 2, 3...) from
    the story's last number, at least MIN_NUMBERED numbers in all; ``hi`` if none."""
    # from the lines above the story's first piece: its first item's number stands there
    first = pieces[lo - 1][1] + 1 if lo > 0 else max(0, pieces[lo][0] - ITEM_LOOKBACK)
    count = _numbers(content, first, pieces[hi][1] + 1)
    reach = hi
    for k in range(hi + 1, len(pieces)):
        found = _numbers(content, pieces[k - 1][1] + 1, pieces[k][0] + 1)
        if not found or found[0] != (count[-1] if count else 0) + 1 or \
                any(b != a + 1 for a, b in zip(found, found[1:], strict=False)):
            break
        count += found
        if len(count) >= MIN_NUMBERED:
            reach = k
    return reach


def _listicle_sides(content: list[Block], pieces: list[tuple[int, int]],
                    weights: list[float], lo: int, hi: int) -> tuple[int, int]:
    """Undo the trim where it cut a listicle's items (a subhead and a short paragraph,
    many times over), not teasers. Above the core, where what it cut holds more prose than
    what it kept: the core is one item whose opening and earlier items were taken for
    teasers (teasers stand after a story, and are its smaller part); below such a core,
    on the same terms (more prose than the core). Below a core that opens the story,
    where the subheads it cut count on (1, 2, 3...): a story's items, which teasers
    never are."""
    # floats from the start: mypyc types a sum of an empty run as int
    kept: float = sum((_mass(weights, p) for p in pieces[lo: hi + 1]), 0.0)
    # across date lines too: an events list dates each of its items
    above: float = sum((_mass(weights, p) for p in pieces[:lo]), 0.0)
    if lo > 0 and above > kept:
        lo = 0
        # below on the same terms: what was cut there outweighs the core it was cut from
        # (an events list whose longest entry stands in its middle)
        if sum((_mass(weights, p) for p in pieces[hi + 1:]), 0.0) > kept:
            hi = len(pieces) - 1
    hi = _numbered_items(content, pieces, lo, hi)
    return pieces[lo][0], pieces[hi][1]


# What may stand between two sections of one story: its subheads, list items, tables,
# code, captions and the lines the run rules took for a menu (a list of short items),
# never a line a phrase rule knows as the site's (share, login, related, comments).
SECTION_GAP_RULES = frozenset({
    "menu_run", "menu_line", "counter", "ticker", "glued_teasers",
    "image_caption", "image_credit", "caption_credit", "caption_label", "widget_residue",
    # a newsletter's or a contact form's fields, which a guide sets between two sections
    "form_field",
    "markup_residue", "hashtag_block", "breadcrumb_menu",
    # a picture's credit inside the story ("Source: NNGroup" under a screenshot)
    "source_line",
    # a picture's alt text printed twice, as a teaser's headline is: inside a listicle it
    # stands between two items (teasers after a story have no story's prose after them)
    "teaser_list",
})
# ...and of those, the ones that are the story's own lines once it holds them: a list's
# items, a table's rows, a subhead that the run rules took for a menu, a price or a score
STORY_LIST_RULES = frozenset({"menu_run", "menu_line", "ticker", "glued_teasers"})
ITEM_COST = 5  # a list item, a subhead, a table row: a line of words or a sentence
SHORT_COST = 15  # a word or two: a menu's item as much as a table's cell
SIGN_COST = 10  # no word at all: a form's brackets, a code block's braces
CODE_COST = 1  # a line of code (``_code_line``): a tutorial's listing, which no menu holds
CODE_SHARE = 0.5  # of a gap's lines code, that make the whole gap a listing
MIN_CODE_LINES = 2
# a later section's prose must outweigh three times what stands before it (after a story
# come teasers and footers that hold a paragraph), an earlier one twice
SECTION_RATIO = 3
LEAD_RATIO = 2
FAR_RATIO = 5
GROWN_CANDIDATES = 6  # the best runs of a page grown to their stories, to pick among


def _section_gap_cost(gap: list[Block]) -> float | None:
    """What the lines between two sections cost to cross, or None where one of them is
    the site's furniture: a story's lists and subheads are lines of words. A gap that is
    mostly code (``CODE_SHARE`` of its lines ``_code_line``) is a listing, whose every
    line costs ``CODE_COST``: its plain lines ("git branch", "FROM users u") are code too."""
    total = 0.0
    code = 0
    for b in gap:
        if not (b.undecided or b.rule in SECTION_GAP_RULES or _table_cell(b)):
            return None
        if _code_line(b.text):
            code += 1
            total += CODE_COST
        elif _WORDY.search(b.text) is None:
            total += SIGN_COST
        elif b.n_words >= 3 or b.sentence_end or b.bullet:
            total += ITEM_COST
        else:
            total += SHORT_COST
    if code >= MIN_CODE_LINES and code >= CODE_SHARE * len(gap):
        return float(CODE_COST * len(gap))
    return total


_CLOCK = re.compile(r"\b[0-2]?\d:[0-5]\d\b")


def _table_cell(block: Block) -> bool:
    """A line the headline-list rule took for a counted item that holds no date and no
    clock time: a table's cell ("61.59%", "4.9 ft", "15,000", "Low Range (S$)"), which
    a text dump prints one to a line. A list of other stories' headlines dates them."""
    return block.rule == "headline_list" and _CLOCK.search(block.text) is None and \
        not has_date(block.text)


_HEADLINE_STOPS = "!?！？"


def _holds_paragraph(content: list[Block], piece: tuple[int, int], has_stop: bool) -> bool:
    """Whether a piece holds a paragraph, as a story's section does. A page with stopwords
    has its prose told by them (``is_prose``); a page without (Chinese, Japanese) judges
    prose by length and any sentence stop inside a line, which a breadcrumb with its
    headline's "！" or a ranked list of headlines ("1.美刊…评论606条") also pass, so there a
    paragraph must end a sentence, and not with the "？" or "！" a headline ends in
    ("uho健康網 〉檢視新聞 〉青少年吸菸仍嚴重？")."""
    return has_stop or any(
        b.undecided and b.sentence_end and b.size >= GOOD_MIN_CHARS and
        b.text.rstrip().rstrip(SENTENCE_CLOSERS)[-1:] not in _HEADLINE_STOPS
        for b in content[piece[0]: piece[1] + 1])


def _broken_off(block: Block) -> bool:
    """A paragraph cut off mid-sentence: long, no sentence stop, its last character a
    letter or digit (a text dump's line wrapped where a sidebar's column began)."""
    return block.label != "chrome" and block.size >= GOOD_MIN_CHARS and \
        not block.sentence_end and block.text.rstrip()[-1:].isalnum()


def _resumed(content: list[Block], weights: list[float], pieces: list[tuple[int, int]],
             end: int, mark: bool = True) -> tuple[int, int] | None:
    """The piece after a sidebar that the column reader placed inside the story: the
    story breaks off mid-sentence at its end (or in the line after it), and the next
    piece goes on with a letter that opens no sentence (no capital, no bullet), holds a
    paragraph that ends in a full stop (``_holds_paragraph``), and
    outweighs the sidebar's lines at ``ITEM_COST`` each. The sidebar's lines are marked
    chrome here, so that the grown story leaves them out."""
    ahead = [p for p in pieces if p[0] > end][:1]
    if not ahead:
        return None
    piece = ahead[0]
    broken = next((i for i in (end, end + 1) if i < piece[0] and _broken_off(content[i])), None)
    first = content[piece[0]].text.lstrip()[:1]
    if broken is None or not first.isalpha() or first.isupper() or \
            not _holds_paragraph(content, piece, False):
        return None
    gap = [content[i] for i in range(broken + 1, piece[0])]
    if _mass(weights, piece) < ITEM_COST * len(gap):
        return None
    for b in gap if mark else ():
        if b.undecided or b.rule in STORY_LIST_RULES:
            b.mark("chrome", "sidebar_in_story", "a sidebar between two parts of the story")
    return piece


ANNOUNCE_MIN_WORDS = 4  # "Compared with X, it provides:", not "Share:" nor "Tags:"


def _announced_list(content: list[Block], end: int, zone_end: int) -> int:
    """The story's end taken past the list its last line announces ("Examples of tax
    evasion:", "This produces output like:"): the lines after it, up to the first that is
    the site's furniture (``_section_gap_cost``, ``_list_ends``), are its items, its code
    or its table;
    with no prose after them, ``_grow_sections`` has no section to reach them by."""
    last = content[end]
    if not (last.undecided and last.n_words >= ANNOUNCE_MIN_WORDS and
            last.text.rstrip().endswith((":", "："))):
        return end
    while end + 1 < zone_end and _section_gap_cost([content[end + 1]]) is not None and \
            not _list_ends(content[end + 1]):
        end += 1
    return end


def _list_ends(block: Block) -> bool:
    """A line after an announced list that is no item of it: a counter (a rating's stars,
    a share count), or a form's button in brackets ("[Zaloguj się kodem]", "[Sign in]":
    the list was a paywall's or a form's options). Not a date: a list of mail or HTTP
    headers, or a log, holds dates."""
    text = block.text
    return block.rule == "counter" or (text.startswith("[") and text.endswith("]")
                                       and block.n_words <= 5)


def _grow_sections(content: list[Block], weights: list[float], span: tuple[int, int],
                   zone: tuple[int, int], has_stop: bool = True, mark: bool = True
                   ) -> tuple[int, int, float]:
    """Widen the story, within its zone, to the prose beyond its runs of short lines: the
    sections (``_pieces``) out to the one where the prose gained most outweighs the
    subheads, lists, tables or code crossed to reach it (``_section_gap_cost``, summed
    over every gap crossed: ``_reach``), the same story's; share buttons, a "related"
    header, a date line that parts stories, or a long menu before little prose end it.
    With the span, what it gained: the prose joined less what the lines crossed cost."""
    dated = {i for i in range(*zone) if _parting_date(content[i])}
    pieces = _pieces(weights, zone[0], zone[1] - 1, dated)
    start, end = span
    gained = 0.0
    while True:
        below = [p for p in pieces if p[0] > end]
        gaps = [range(end + 1, below[0][0])] if below else []
        gaps += [range(a[1] + 1, b[0]) for a, b in zip(below, below[1:], strict=False)]
        piece, gain = _reach(content, weights, list(zip(below, gaps, strict=True)), dated,
                             SECTION_RATIO, has_stop)
        piece = piece or _resumed(content, weights, pieces, end, mark)
        if piece is None:
            break
        gained += gain if gain > 0 else _mass(weights, piece)
        end = piece[1]
    above = [p for p in reversed(pieces) if p[1] < start]
    gaps = [range(above[0][1] + 1, start)] if above else []
    gaps += [range(b[1] + 1, a[0]) for a, b in zip(above, above[1:], strict=False)]
    piece, gain = _reach(content, weights, list(zip(above, gaps, strict=True)), dated,
                         LEAD_RATIO, has_stop)
    return (start if piece is None else piece[0]), end, gained + gain


def _reach(content: list[Block], weights: list[float],
           ahead: list[tuple[tuple[int, int], range]], dated: set[int], ratio: float,
           has_stop: bool) -> tuple[tuple[int, int] | None, float]:
    """Of the pieces ``ahead`` (nearest first, each with the lines between it and the one
    before), the farthest the story may join: where the prose of the pieces up to it,
    less ``ratio`` times what the lines crossed cost, gains most; a piece that holds no
    paragraph (``_holds_paragraph``: a breadcrumb, a ranked list of headlines) is crossed
    as lines. The walk stops at a date line that parts stories or at the site's furniture
    (``_section_gap_cost`` None). With it, that gain (0.0 with no piece)."""
    mass, cost, gain = 0.0, 0.0, 0.0
    step = 0.0  # what the lines since the last piece of prose cost
    alone = True  # each piece so far outweighed the lines before it on its own
    found = None
    labels: dict[int, set[str]] = {}
    for k, (piece, gap) in enumerate(ahead):
        if any(i in dated for i in gap):
            break
        crossed = _section_gap_cost([content[i] for i in gap])
        if crossed is not None and _repeats_its_items(content, ahead, k, labels):
            crossed *= TEMPLATE_DISCOUNT
        if not _holds_paragraph(content, piece, has_stop) and crossed is not None:
            inside = _section_gap_cost(content[piece[0]: piece[1] + 1])
            crossed = None if inside is None else crossed + inside
            if crossed is not None:
                cost, step = cost + crossed, step + crossed
                continue
        if crossed is None:
            break
        cost, step = cost + crossed, step + crossed
        mass += _mass(weights, piece)
        alone = alone and _mass(weights, piece) >= ratio * step
        step = 0.0
        # past a piece too small to be joined on its own, the evidence must be stronger
        need = ratio if alone else max(ratio, FAR_RATIO)
        if mass - need * cost > gain:
            gain, found = mass - need * cost, piece
    return found, gain


# a listicle's items are laid out alike: each holds the same short labels ("Features",
# "Pros", "Cons", "Best for"), which a menu or a footer never repeats gap after gap
TEMPLATE_LABEL_WORDS = 3  # a label is a line of up to this many words
TEMPLATE_MIN_LABELS = 2  # labels two gaps in a row share that make them one template
TEMPLATE_DISCOUNT = 0.34  # what crossing such a gap costs of its lines' price


def _gap_labels(content: list[Block], gap: range) -> set[str]:
    """The short lines of ``gap`` no rule or only a list rule labelled (a run of short
    items is what the menu rules take a spec sheet for): an item's labels, if it is a
    listicle's. A label is words: a form's brackets ("[", "]"), which every form on a
    page repeats, are none."""
    return {content[i].text.strip() for i in gap
            if (content[i].undecided or content[i].rule in STORY_LIST_RULES)
            and content[i].n_words <= TEMPLATE_LABEL_WORDS
            and _WORDY.search(content[i].text) is not None}


def _repeats_its_items(content: list[Block], ahead: list[tuple[tuple[int, int], range]],
                       k: int, labels: dict[int, set[str]]) -> bool:
    """Whether the ``k``-th gap ahead shares ``TEMPLATE_MIN_LABELS`` labels with the gap
    before or after it: the same item template, one listicle item after another, whose
    lists and specs are the story's (``labels``: the gaps' labels found so far)."""
    def of(j: int) -> set[str]:
        if j not in labels:
            labels[j] = _gap_labels(content, ahead[j][1])
        return labels[j]
    near = [j for j in (k - 1, k + 1) if 0 <= j < len(ahead)]
    return any(len(of(k) & of(j)) >= TEMPLATE_MIN_LABELS for j in near)


Run = tuple[float, float, tuple[int, int], tuple[int, int], float]


def _pick_story(content: list[Block], weights: list[float], runs: list[Run], has_stop: bool
                ) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int] | None]:
    """The run (and its zone) whose story scores best once grown (``_story_span``), of the
    ``GROWN_CANDIDATES`` best ``runs`` (score, raw sum, span, zone, comment factor); with
    it, the run cut back to its core (``_trim_teasers``), when it was worked out.

    A story of short sections (a subhead, a line of specs, a short paragraph, many times
    over) is many small runs, which a late block of prose outscores until each is taken
    with the sections it grows to hold."""
    runs.sort(key=lambda r: -r[0])
    best, span, zone = 0.0, runs[0][2], runs[0][3]
    core: tuple[int, int] | None = None
    # the stronger runs that teasers did not cut back, each with where its story begins
    free: list[tuple[tuple[int, int], int]] = []
    for _, raw, run, run_zone, factor in runs[:GROWN_CANDIDATES]:
        # once per run: nothing is marked while candidates are weighed, so it holds
        trimmed = _trim_teasers(content, weights, *run)
        start, end, gain = _story_span(content, weights, run, run_zone, has_stop, False,
                                       trimmed)
        if any(run[1] < r[0] and r[1] <= end and run[0] < top for r, top in free):
            # it reached down to a stronger run, whose own growth up (on less evidence
            # than down) did not take it: a banner's line above a story, no lead of it
            continue
        if trimmed == run:
            free.append((run, start))
        score = _run_score(content, raw + gain, start, end) * factor
        if score > best:
            best, span, zone, core = score, run, run_zone, trimmed
    return span, zone, core


@rule("body_region", stage="boundary")
def body_region(blocks: list[Block], ctx: PageContext) -> None:
    """The story is the run of blocks with the most prose, chrome subtracted.

    Hard end markers (rights notices, comment prompts, source and tag lines)
    split the page into zones; each zone's candidate runs are scored. The best are cut
    back to their cores when teasers follow, and widened across the story's own
    subheads, lists, tables and code to their further sections (``_grow_sections``);
    the one whose story so grown scores best wins (``_pick_story``). The list lines
    inside it that the run rules took for a menu are the story's.
    """
    content = content_blocks(blocks)
    has_stop = _page_has_stopwords(content)
    ctx.has_stopwords = has_stop
    weights = [_weight(b, has_stop) for b in content]  # once: runs, pieces and trimming read it
    zones, lo = [], 0
    for i, b in enumerate(content):
        if b.rule in HARD_STOPS and _inside_the_story(content, weights, i):
            weights[i] = -(40.0 + b.size / 2)  # chrome inside the story, not its end
        elif b.rule in HARD_STOPS:
            zones.append((lo, i))
            lo = i + 1
    zones.append((lo, len(content)))
    runs: list[Run] = []
    after_comments = False
    for zlo, zhi in zones:
        # once a comment prompt follows a story, what comes after is comments and rules
        after_comments = after_comments or (
            bool(runs) and zlo > 0 and _ends_the_page(content[zlo - 1]))
        factor = AFTER_COMMENTS_PENALTY if after_comments else 1.0  # comments after a story
        for found in _zone_runs(weights, zlo, zhi):
            score = _run_score(content, *found) * factor
            if score > 0:
                runs.append((score, found[0], found[1:], (zlo, zhi), factor))
    if not runs:
        return
    span, zone, core = _pick_story(content, weights, runs, has_stop)
    start, end, _ = _story_span(content, weights, span, zone, has_stop, True, core)
    ctx.body_span = (content[start].index, content[end].index)
    reprinted = _reprinted(content[start:end + 1])
    for b in content[start:end + 1]:
        if b.index in reprinted:
            b.mark("chrome", "reprinted_story", "the story's paragraphs printed again")
            continue
        if b.rule in STORY_LIST_RULES and _WORDY.search(b.text):
            b.mark("body", "body_region", "a list item of the story, not a menu")
        elif not b.undecided:
            continue
        elif b.n_words <= 2 and not b.sentence_end and not _list_item(b):
            b.mark("chrome", "body_fragment", "a stray word inside the story")
        else:
            b.mark("body", "body_region")


REPRINT_MIN = 3  # paragraphs in a row printed before that make the story printed again


def _reprinted(story: list[Block]) -> set[int]:
    """The indexes of the paragraphs of ``story`` that print its earlier ones again,
    ``REPRINT_MIN`` or more in a row (a tabbed or accordion page prints its story twice or
    thrice); a notice repeated under each item of a list ("This webcam image is provided
    courtesy of...") is the story's, as it stands between new paragraphs. A paragraph
    printed twice in a row is a picture's caption, doubled: its second copy."""
    seen: set[str] = set()
    found: set[int] = set()
    run: list[int] = []
    last = ""  # the paragraph before
    for b in story:
        if b.size < GOOD_MIN_CHARS:
            continue
        if b.text == last:
            found.add(b.index)  # printed twice in a row: a gallery's caption, doubled
        last = b.text
        if b.text in seen:
            run.append(b.index)
            continue
        found.update(run if len(run) >= REPRINT_MIN else ())
        run = []
        seen.add(b.text)
    found.update(run if len(run) >= REPRINT_MIN else ())
    return found


def _list_item(block: Block) -> bool:
    """A short line that is an item of the story's list: bulleted, or numbered ("1. Size",
    "3) Tents"), not a stray word ("Advertisement", "Share")."""
    return block.bullet or _ITEM_NUMBER.match(block.text) is not None


def _story_span(content: list[Block], weights: list[float], run: tuple[int, int],
                zone: tuple[int, int], has_stop: bool, mark: bool,
                trimmed: tuple[int, int] | None = None) -> tuple[int, int, float]:
    """A run's story: cut back to its core where teasers follow (``_trim_teasers``; its
    answer ``trimmed`` when already asked), grown on its untrimmed sides to its further
    sections (``_grow_sections``) and past the list its last line announces
    (``_announced_list``), and what growing gained. ``mark``: the sidebar lines found
    inside it are marked (only for the run that wins)."""
    start, end = trimmed if trimmed is not None else _trim_teasers(content, weights, *run)
    # where teasers were cut off, the story ends there: it grows only on untrimmed sides
    grown = _grow_sections(content, weights, (start, end), zone, has_stop, mark)
    gained = grown[2] if (start, end) == run else 0.0
    start = grown[0] if start == run[0] else start
    end = grown[1] if end == run[1] else end
    return start, _announced_list(content, end, zone[1]), gained


def _sentence_like(block: Block, has_stop: bool) -> bool:
    """A sentence of three words or more (``Block.n_words``: six characters in unspaced
    text, whose pages have no stopwords and skip the density test)."""
    return block.undecided and block.sentence_end and block.n_words >= 3 and (
        not has_stop or block.stop_density >= 0.1 or block.n_words <= 8)


@rule("closing_paragraph", stage="boundary")
def closing_paragraph(blocks: list[Block], ctx: PageContext) -> None:
    """Short paragraphs right after the body that read as sentences are still the story."""
    span = ctx.body_span
    if not span:
        return
    has_stop = ctx.has_stopwords
    for b in blocks[span[1] + 1:]:
        if not b.text:
            continue
        if _sentence_like(b, has_stop):
            b.mark("body", "closing_paragraph", "a sentence right after the body")
            ctx.body_span = (span[0], b.index)
        else:
            break


DATELINE_LOOKBACK = 6


@rule("dateline_date", stage="boundary")
def dateline_date(blocks: list[Block], ctx: PageContext) -> None:
    """A short line just above the body that carries a full date is the story's date line
    ("1:27, 27 ноября, 2011 Medportal.ru"): lifted into metadata, never taken for a title."""
    span = ctx.body_span
    if not span:
        return
    for b in [b for b in blocks[: span[0]] if b.text][-DATELINE_LOOKBACK:]:
        if b.undecided and b.n_words <= 12 and has_date(b.text):
            b.mark("meta", "dateline_date", "date line of the story")


TITLE_MAX_WORDS = 30
_WORDY = re.compile(r"[^\W\d_]{2}")
TITLE_LOOKBACK = 12


def _title_like(block: Block) -> bool:
    """A headline's shape: 2 to ``TITLE_MAX_WORDS`` words (``Block.n_words``: 4 to 61
    characters of Chinese or Japanese), no final full stop, some letters."""
    text = block.text
    return (block.undecided and 2 <= block.n_words <= TITLE_MAX_WORDS and len(text) <= 300
            and not (text.endswith(".") and not text.endswith("..."))
            and _WORDY.search(text) is not None)  # "12:17 04.01.2012" names nothing


def _script(text: str) -> str:
    """"cyrillic", "latin" or "mixed": what tells a headline from its translation."""
    share = cyrillic_share(text)
    if share >= 0.8:
        return "cyrillic"
    return "latin" if share <= 0.2 else "mixed"


def _heads_a_list(header: Block) -> bool:
    """A "read also" header, or any header ending in a colon, heads a list of links; a
    section label ("Новости") may head the story itself."""
    return header.text.rstrip().endswith(":") or header.key in phrase_set("related_link").keys


def _headline_above(blocks: list[Block], start: int, skip: Block | None = None) -> Block | None:
    """The nearest headline-like line above ``blocks[start]``, looking past chrome and
    metadata (dates, share buttons, a menu of page tools) but not past a headline list.

    The items of a "read also" list (title-like lines right under a list header)
    are not headlines of this story.
    """
    items = _headline_group(blocks, start, skip)
    return items[0] if items else None


def _headline_group(blocks: list[Block], start: int, skip: Block | None = None) -> list[Block]:
    """The run of headline-like lines above ``blocks[start]`` (see ``_headline_above``),
    nearest first."""
    items: list[Block] = []
    seen = 0
    for b in reversed(blocks[:start]):
        if not b.text or b is skip:
            continue
        seen += 1
        if seen > TITLE_LOOKBACK or b.rule == "headline_list":
            break
        if _title_like(b):
            items.append(b)
            continue
        if b.rule == "list_header" and _heads_a_list(b):
            items = []  # they were the list's items
            continue
        if items:
            break
    return items


LEAD_MIN_WORDS = 8  # a line under the headline this long, with no full stop, is the lead
HEAD_MIN_WORDS = 4  # ...if the headline is a sentence too, not a byline or a section name


@rule("lead_under_headline", stage="boundary")
def lead_under_headline(blocks: list[Block], ctx: PageContext) -> None:
    """The story's lead printed in bold right above the body, without a full stop, is
    story text: a shorter headline stands above it, past the date line and page tools.

    A lead is told from a second headline by its function words, which unspaced text
    (Chinese, Japanese) does not show as tokens: there no lead is taken (it stays out of
    the story, as before the rule)."""
    span = ctx.body_span
    if not span:
        return
    lead = next((b for b in reversed(blocks[: span[0]]) if b.text), None)
    if lead is None or not _title_like(lead) or lead.n_words < LEAD_MIN_WORDS or \
            lead.function_words == 0 or _headline_above(blocks, lead.index + 1) is not lead:
        return  # not a sentence, or an item of a "read also" list
    head = _headline_above(blocks, lead.index, skip=lead)
    if head is None or not HEAD_MIN_WORDS <= head.n_words < lead.n_words or \
            all(not b.text or _title_like(b) for b in blocks[head.index + 1: lead.index]):
        return  # no headline above it, or one directly above: a headline and its twin
    lead.mark("body", "lead_under_headline", "the lead under the headline")
    ctx.body_span = (lead.index, span[1])


_STEM_WORD = re.compile(r"[^\W\d_]{4,}")
# the same in plain text, whose only letters are ASCII and Cyrillic: twice as fast
_PLAIN_STEM_WORD = re.compile(f"[{PLAIN_LETTERS}]{{4,}}")
STEM_CHARS = 5  # Russian inflects word endings: "пожаров" and "пожары" share "пожар"
HEADLINE_SHARE = 0.3  # of a candidate's words the story must also use, to prefer it
# widget labels run together: "позжеДобавлено", "ResultsClick"; not a brand or an
# abbreviation in a headline ("ePA", "iPhone", "McDonald's", "YouTube", "WhatsApp")
_GLUED = re.compile(r"[а-яё][А-ЯЁ]|[a-z]{4}[A-Z][a-z]{2}")
_COUNTED = re.compile(r"\(\d+\)\s*$")  # a rubric with its story count: "Выборы (324)"
# a byline ("By Jason Cipriani | November 18", "by India Post News Weekly 0 Comments")
# and a wire slug ("BC-EU--Britain-Brexit-Election, 1st Ld-Writethru") name the story's
# people or topic, and are not its headline
_BYLINE = re.compile(r"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or)\s+[A-Z]")  # not "By the numbers"
_WIRE_SLUG = re.compile(r"\w--\w|\bLd-Writethru\b", re.IGNORECASE)


def _stems(text: str) -> set[str]:
    """The stems of the content words of ``text`` (function words say nothing of a topic),
    and in Chinese or Japanese text its character pairs (``_unspaced_stems``)."""
    if not not_plain(text):
        return _stems_of(set(_PLAIN_STEM_WORD.findall(fold(text))))
    # as in ``_story_stems``, a "word" of those characters (a clause between spaces) is
    # left to its pairs: the story's stems hold no such word for it to share
    found = {w for w in _STEM_WORD.findall(fold(text)) if CJK.search(w) is None}
    return _stems_of(found) | _unspaced_stems(text)


_CJK_RUN = re.compile(f"[{CJK_LETTERS}]{{2,}}")
_HIRAGANA = re.compile("[\u3040-\u309f]")


def _unspaced_stems(text: str) -> set[str]:
    """Every pair of neighbouring Chinese, Japanese or Korean characters of ``text``.

    A script without spaces gives no words to compare: a "word" found between spaces and
    punctuation is a whole clause, which a headline and its story never share. Most of
    its words are two characters long, so the pairs stand for them (bigrams are how
    Chinese text is indexed for search), and a headline names its story when the story
    uses its pairs. A pair with a hiragana character is left out: in Japanese, hiragana
    write the grammar (particles, endings), which says nothing of a topic, as function
    words are left out of spaced text's stems."""
    pairs = {run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)}
    if any(_HIRAGANA.search(p) for p in pairs):
        pairs = {p for p in pairs if _HIRAGANA.search(p) is None}
    return pairs


def _stems_of(found: set[str]) -> set[str]:
    """The stems of the distinct words ``found`` (a set it consumes) of four letters or
    more, less function words: set algebra first (in C), then one pass over the words."""
    found -= function_words()
    return {w[:STEM_CHARS] for w in found if len(w) >= 4}


STORY_CHARS = 5000  # the story's opening that names its topic for the headline search


def _story_stems(story: list[Block]) -> set[str]:
    """``_stems`` of the first ``STORY_CHARS`` of the story's lines joined by spaces, from
    the words ``compute_features`` already found in each line: the story is most of a
    page, and finding its words again cost more than the rest of the title rule.

    A word of four letters or more is a whole token, or, in a token that holds digits
    or "_" too ("covid19"), a run of letters in it; those few go through the pattern."""
    tokens: set[str] = set()
    pos = 0
    for b in story:
        room = STORY_CHARS - pos
        if room <= 0:
            break
        # the line the opening ends in has its words found in what is read of it
        tokens.update(b.word_tokens() if len(b.text) <= room else words(fold(b.text[:room])))
        pos += len(b.text) + 1
    found = set(filter(str.isalpha, tokens))
    mixed = tokens - found
    if mixed:
        found.update(_STEM_WORD.findall(" ".join(mixed)))
    unspaced = {w for w in found if CJK.search(w) is not None} if not \
        all(map(str.isascii, found)) else set()
    return _stems_of(found - unspaced) | _unspaced_stems(" ".join(unspaced))


def _opening(story: list[Block], chars: int) -> str:
    """The first ``chars`` of the story's lines joined by spaces, joining no more of them."""
    parts, n = [], 0
    for b in story:
        if n >= chars:
            break
        parts.append(b.text)
        n += len(b.text) + 1
    return " ".join(parts)[:chars]


def _names_the_story(words: set[str], story: set[str], share: float,
                     min_shared: int = 2) -> bool:
    """Whether the story uses enough of a candidate headline's words: ``share`` of them,
    and ``min_shared`` at least (one shared word is chance: "Why you can trust Sky News"
    over a story that says "trust")."""
    shared = len(words & story)
    return len(words) >= 2 and shared >= min_shared and shared >= share * len(words)


def _pick_headline(group: list[Block], blocks: list[Block], span: tuple[int, int]
                   ) -> Block | None:
    """Of the headline-like lines above the story (nearest first), the story's headline.

    A headline names what the story is about, so the story repeats its words; a widget
    label ("Смотреть позже"), a page-tools line ("версия для печати") or the site's name
    that stand between the headline and the story share none. So the nearest line whose
    words the story uses wins (or one in another script than the story's, which words
    cannot judge: the ``title`` rule tells a headline from its translation); else a line
    further up that does (``_search_headline``); else the line right above the story, a
    short or punning headline, if it is not labels run together ("позжеДобавлено") nor
    a rubric with its story count; else none: no title is better than a widget's label.
    """
    # the story's words, leaving out lines that repeat a candidate: a player's "Media
    # playback is unsupported on your device" printed again over each video in the story
    # would otherwise name the story
    candidates = {b.text for b in group}
    lines = [b for b in blocks[span[0]: span[1] + 1]
             if b.label == "body" and b.text not in candidates]
    story = _story_stems(lines)
    dated = _dated_headline(blocks, span[0], story)
    if dated is not None:
        return dated
    script = _script(_opening(lines, 2000))
    if not group:
        return _search_headline(blocks, span[0], story)
    for b in group:
        if _not_headline(b) or _credits_a_caption(b, blocks):
            continue
        own = _script(b.text)
        if "mixed" not in (script, own) and own != script:
            return b  # a translation's headline shares no words; the twin rule judges it
        if _names_the_story(_stems(b.text), story, HEADLINE_SHARE):
            return _headline_over_its_dek(b, group, story)
    found = _search_headline(blocks, span[0], story)
    if found is not None:
        return found
    # nothing names the story: a headline printed right above it is still its headline
    # (a short or punning one shares no words); a line further up is taken only on words
    above = next((b for b in reversed(blocks[: span[0]]) if b.text), None)
    if above is not group[0] or _not_headline(above) or _credits_a_caption(above, blocks):
        return None
    return above


BYLINE_REACH = 3  # text lines under a headline its date line or byline stands within
_BYLINE_RULES = frozenset({"timestamp_only", "author_line", "dateline_date"})


def _dated_headline(blocks: list[Block], start: int, story: set[str]) -> Block | None:
    """The nearest headline-like line up to ``SEARCH_LINES`` above the story with a date
    line or byline right under it, that shares most of its words with the story (as
    ``_search_headline`` asks): a headline stands over its byline and date, while a
    subhead, a call to action or a disclaimer between them and the story does not."""
    text = [b for b in blocks[:start] if b.text][-SEARCH_LINES:]
    for k in range(len(text) - 1, -1, -1):
        b = text[k]
        if not _title_like(b) or _not_headline(b) or _DOMAIN.search(b.text):
            continue
        under = text[k + 1: k + 1 + BYLINE_REACH]
        if any(u.rule in _BYLINE_RULES or _has_full_date(u) for u in under) and \
                _names_the_story(_stems(b.text), story, SEARCH_SHARE, SEARCH_MIN_SHARED):
            return b
    return None


# words a headline above a dek shares with the story: a byline with its source ("Эд
# Пилкингтон | The Guardian") shares two
DEK_MIN_SHARED = 3


def _headline_over_its_dek(found: Block, group: list[Block], story: set[str]) -> Block:
    """A shorter line right above ``found`` in the run that names the story too is the
    headline, and ``found`` its dek ("В Башкирии заболеваемость ВИЧ выросла на 40%" over
    "Сейчас в республике почти 9,5 тысяч ВИЧ-инфицированных"): a standfirst explains
    the headline at more length, never at less."""
    k = group.index(found)
    while k + 1 < len(group):
        upper = group[k + 1]
        if upper.n_words >= group[k].n_words or _not_headline(upper) or \
                not _names_the_story(_stems(upper.text), story, HEADLINE_SHARE,
                                     DEK_MIN_SHARED):
            break
        k += 1
    return group[k]


_CAPTION_RULES = frozenset({"caption_credit", "image_caption", "image_credit", "caption_label"})


def _credits_a_caption(block: Block, blocks: list[Block]) -> bool:
    """A short line right under a picture's caption is the picture's credit ("Patrick
    Semansky, ASSOCIATED PRESS"): it names the story's agency, not the story."""
    above = next((b for b in reversed(blocks[: block.index]) if b.text), None)
    return above is not None and above.rule in _CAPTION_RULES and block.n_words <= 6


def _not_headline(block: Block) -> bool:
    """Lines a headline search must pass over, whatever words they share with the story."""
    text = block.text
    return bool(_GLUED.search(text) or _COUNTED.search(text) or _BYLINE.match(text)
                or _WIRE_SLUG.search(text))


SEARCH_LINES = 40  # text lines above the story searched for its headline past other lines
SEARCH_SHARE = 0.6  # ...which must share this much of its words with the story
SEARCH_MIN_SHARED = 3
# not what a search far up may take: a site's name with its domain ("048.ua - сайт
# города Одессы" shares the story's city)
_DOMAIN = re.compile(r"\b[\w-]+\.(?:ru|ua|com|net|org|az|kz|by|uk)\b", re.IGNORECASE)


def _search_headline(blocks: list[Block], start: int, story: set[str]) -> Block | None:
    """The nearest headline-like line up to ``SEARCH_LINES`` lines above the story that
    shares most of its words with it, past a byline, a section label or page tools that
    stand between (the nearest run of headline-like lines named nothing the story
    tells). None when no line does: no title is better than a wrong one."""
    seen = 0
    for b in reversed(blocks[:start]):
        if not b.text:
            continue
        seen += 1
        if seen > SEARCH_LINES:
            break
        if not _title_like(b) or _not_headline(b) or _DOMAIN.search(b.text):
            continue
        if _names_the_story(_stems(b.text), story, SEARCH_SHARE, SEARCH_MIN_SHARED):
            return b
    return None


@rule("title", stage="boundary")
def title(blocks: list[Block], ctx: PageContext) -> None:
    """The headline-like line before the body; a headline in another script beside it is an
    alternate title (a translation's original), not body."""
    span = ctx.body_span
    if not span:
        return
    main = _pick_headline(_headline_group(blocks, span[0]), blocks, span)
    if main is None:
        return
    alt = None
    twin = next((b for b in reversed(blocks[: main.index]) if b.text), None)
    if twin is not None and _title_like(twin):
        # only a headline directly above the first counts as its twin
        scripts = {_script(main.text), _script(twin.text)}
        if len(scripts) == 2 and "mixed" not in scripts:
            body_text = " ".join(b.text for b in blocks[span[0]: span[1] + 1]
                                 if b.label == "body")
            body_script = _script(body_text[:2000])  # only asked when it decides something
            if _script(main.text) != body_script and _script(twin.text) == body_script:
                main, alt = twin, main
            else:
                alt = twin
    main.mark("title", "title")
    if alt is not None:
        alt.mark("alt_title", "alt_title", "the headline in another script")
    for b in blocks:
        # printed again above the story, or inside it under each picture of a gallery
        if b.label in ("undecided", "body") and b is not main and b.text == main.text:
            b.mark("chrome", "title_repeat", "the headline printed again")
