"""Boundary rules: where the story starts and ends, its title, and what stands beside it.

The body is found as the run of blocks with the most story-like text (a
maximum-sum segment, as in BTE/Kadane), where prose scores by its length and
chrome costs; a hard end marker (rights notice, comment prompt, source line,
tags) cannot be crossed. Then short closing paragraphs that read as sentences
are taken in, so the story's last line is never lost to a length threshold.
"""

from __future__ import annotations

import re

from cleaners.blocks import Block
from cleaners.dates import find_dates
from cleaners.features import cyrillic_share, sentence_count
from cleaners.rules.base import PageContext, rule

HARD_STOPS = frozenset({
    "rights_notice", "comment_prompt", "source_line", "tags_line", "tags_follow",
    "hashtag_block", "subscribe_box", "cookie_notice",
})
SOFT_CHROME = frozenset({"list_header", "headline_list", "menu_run", "breadcrumb_menu",
                         "menu_line", "share_button", "login_link"})
GOOD_MIN_CHARS = 80
MIN_STOP_DENSITY = 0.12


def _content(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.text]


def _page_has_stopwords(content: list[Block]) -> bool:
    """Whether our stoplists cover this page's language (else prose is judged without them)."""
    long_lines = [b for b in content if b.n_words >= 8]
    if not long_lines:
        return True
    return sum(b.stop_density for b in long_lines) / len(long_lines) >= 0.05


def is_prose(block: Block, has_stopwords: bool) -> bool:
    """A block that reads like story text: long enough, with sentence punctuation and stopwords."""
    if len(block.text) < GOOD_MIN_CHARS:
        return False
    if has_stopwords and block.stop_density < MIN_STOP_DENSITY:
        return False
    return block.sentence_end or sentence_count(block.text) >= 1 or len(block.text) >= 200


def _weight(block: Block, has_stopwords: bool) -> float:
    if block.undecided:
        if is_prose(block, has_stopwords):
            return float(len(block.text))
        if block.sentence_end and block.n_words >= 5:
            return len(block.text) / 3
        return -15.0
    if block.rule in HARD_STOPS:
        return -1e9
    if block.label == "chrome":
        return -(40.0 + len(block.text) / 2)
    return -5.0  # meta: dates, captions, credits sit inside stories


@rule("body_region", stage="boundary")
def body_region(blocks: list[Block], ctx: PageContext) -> None:
    """The story is the contiguous run of blocks with the most prose, chrome subtracted."""
    content = _content(blocks)
    has_stop = _page_has_stopwords(content)
    ctx.meta["has_stopwords"] = has_stop
    best, best_span = 0.0, None
    cur, cur_start = 0.0, 0
    for i, b in enumerate(content):
        w = _weight(b, has_stop)
        if cur <= 0:
            cur, cur_start = w, i
        else:
            cur += w
        if cur > best:
            best, best_span = cur, (cur_start, i)
    if best_span is None:
        return
    start, end = best_span
    ctx.meta["body_span"] = (content[start].index, content[end].index)
    for b in content[start:end + 1]:
        if not b.undecided:
            continue
        if b.n_words <= 2 and not b.sentence_end:
            b.mark("chrome", "body_fragment", "a stray word inside the story")
        else:
            b.mark("body", "body_region")


def _sentence_like(block: Block, has_stop: bool) -> bool:
    return block.undecided and block.sentence_end and block.n_words >= 3 and (
        not has_stop or block.stop_density >= 0.1 or block.n_words <= 8)


@rule("closing_paragraph", stage="boundary")
def closing_paragraph(blocks: list[Block], ctx: PageContext) -> None:
    """Short paragraphs right after the body that read as sentences are still the story."""
    span = ctx.meta.get("body_span")
    if not span:
        return
    has_stop = bool(ctx.meta.get("has_stopwords", True))
    for b in blocks[span[1] + 1:]:
        if not b.text:
            continue
        if _sentence_like(b, has_stop):
            b.mark("body", "closing_paragraph", "a sentence right after the body")
            ctx.meta["body_span"] = (span[0], b.index)
        else:
            break


TITLE_MAX_WORDS = 30
TITLE_LOOKBACK = 12


def _title_like(block: Block) -> bool:
    text = block.text
    return (block.undecided and 2 <= block.n_words <= TITLE_MAX_WORDS and len(text) <= 300
            and not (text.endswith(".") and not text.endswith("...")))


def _script(text: str) -> str:
    share = cyrillic_share(text)
    return "cyrillic" if share >= 0.5 else "other"


@rule("title", stage="boundary")
def title(blocks: list[Block], ctx: PageContext) -> None:
    """The headline-like line before the body; a headline in another script beside it is an
    alternate title (a translation's original), not body."""
    span = ctx.meta.get("body_span")
    if not span:
        return
    before = [b for b in blocks[: span[0]] if b.text][-TITLE_LOOKBACK:]
    body_text = " ".join(b.text for b in blocks[span[0]: span[1] + 1] if b.label == "body")
    body_script = _script(body_text[:2000])
    candidates: list[Block] = []
    for b in reversed(before):
        if b.rule in ("headline_list", "menu_run"):
            break
        if _title_like(b):
            candidates.append(b)
            if len(candidates) == 2:
                break
        elif candidates:
            break  # only a headline directly above the first counts as its twin
    if not candidates:
        return
    main, alt = candidates[0], None
    if len(candidates) == 2:
        other = candidates[1]
        if _script(main.text) != _script(other.text):
            if _script(main.text) != body_script and _script(other.text) == body_script:
                main, alt = other, candidates[0]
            else:
                alt = other
    main.mark("title", "title")
    if alt is not None:
        alt.mark("alt_title", "alt_title", "the headline in another script")
    for b in before:
        if b.undecided and b.text == main.text:
            b.mark("chrome", "title_repeat", "the headline printed again")


@rule("dateline_date", stage="boundary")
def dateline_date(blocks: list[Block], ctx: PageContext) -> None:
    """A short line between the title and the body that carries a full date is the story's
    date line ("1:27, 27 ноября, 2011 Medportal.ru"): lifted into metadata."""
    span = ctx.meta.get("body_span")
    if not span:
        return
    title_idx = next((b.index for b in blocks[: span[0]] if b.label == "title"), None)
    lo = title_idx + 1 if title_idx is not None else max(0, span[0] - 6)
    for b in blocks[lo: span[0]]:
        if b.undecided and b.n_words <= 12 and find_dates(b.text):
            b.mark("meta", "dateline_date", "date line of the story")


_AGENCY_DATELINE = re.compile(
    r"^[A-ZА-ЯЁ][A-ZА-ЯЁ .\-]{1,40},\s+\d{1,2}\s+[A-Za-zА-Яа-яЁё]{3,9}\.?\s*[-–—]\s*"
    r"(?P<agency>[A-ZА-ЯЁ][\w.\- ]{1,40}?)\.\s"
)


def agency_from_dateline(text: str) -> str | None:
    """"МОСКВА, 1 дек - РИА Новости. ..." -> "РИА Новости" (the dateline stays in the text)."""
    m = _AGENCY_DATELINE.match(text)
    if not m:
        return None
    agency = m.group("agency").strip()
    return agency if len(agency.split()) <= 4 else None
