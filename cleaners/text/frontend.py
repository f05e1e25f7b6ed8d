"""The text front end: a page saved as text becomes a list of blocks, one per logical line.

Text browsers (w3m, lynx) wrap paragraphs at a fixed width, so a paragraph
arrives as several lines; they are joined back here, by the width the dump was
wrapped at, before any rule looks at them.
"""

from __future__ import annotations

from cleaners.blocks import Block
from cleaners.text.columns import deinterleave, display_width, is_wide
from cleaners.words.features import ends_sentence, fold, function_words, not_plain
from cleaners.words.normalise import fold_spaces, may_hold_rulers, normalise_line

MIN_WRAP_WIDTH = 60
MAX_WRAP_WIDTH = 250


def _wrap_width(line_widths: list[int]) -> int | None:
    """The column a text browser wrapped this dump at, or None if it was not wrapped.

    A wrapped dump has many lines ending just short of one width; a dump with
    one paragraph per line does not.
    """
    widths = [w for w in line_widths if w]
    if len(widths) < 5:
        return None
    width = max(widths)
    if not MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH:
        # lines longer than any terminal: paragraphs are whole lines
        near = [w for w in widths if MIN_WRAP_WIDTH <= w <= MAX_WRAP_WIDTH]
        if len(near) < 3:
            return None
        width = max(near)
    close = sum(1 for w in widths if width - 12 <= w <= width)
    return width if close >= 3 else None


def _joins_next(line: str, used: int, nxt: str, width: int) -> bool:
    """Whether the text browser broke ``line`` (``used`` columns wide) only because the
    next word did not fit.

    A line that ends a sentence followed by a short line that ends none is not one
    paragraph wrapped: a wrapped paragraph's last line ends a sentence too, and any other
    line of it runs near the full width. Such a short line is the next item of the page
    ("...центра МЧС РФ." / "Tweet"), however near the width the sentence ran.
    """
    stripped = nxt.strip()
    if not stripped or not used:
        return False
    first = stripped.split(" ", 1)[0]
    if first[:1] in _BULLETS:
        return False
    if used + 1 + display_width(first) <= width:
        return False
    return not (2 * len(stripped) < width and ends_sentence(line.rstrip())
                and not ends_sentence(stripped))


_BULLETS = "•*·□☆■▪◦○●►"
LOCAL_MIN_WIDTH = 45  # a narrower column than this is a menu, not wrapped prose
PARAGRAPH_MIN_LINES = 3  # a group this long that fills its column is a wrapped paragraph
OVERLONG = 15  # a line this much wider than all others of its group is not its width
# ...and their fullwidth forms, which Chinese and Japanese text uses ("，", "、", "：")
_CONTINUES = (",", "-", "–", "—", ":", "(", "，", "、", "：", "；", "（", "「", "『", "《")


def _local_widths(lines: list[str], line_widths: list[int]) -> list[tuple[int, bool]]:
    """For each line, (the width of its group's column, whether the group is one wrapped
    paragraph); a group is the lines between blank lines.

    A page can hold a narrow column of prose beside full-width text; its
    paragraphs wrap at the column's width, not the page's. The column's width
    is its widest line, unless that one line ran into the next column while the
    others agree on a narrower one. A group of three or more lines, one of them
    surely continued on the next (see ``_continues``), is a wrapped paragraph.
    """
    out = [(0, False)] * len(lines)
    start = 0
    for i in range(len(lines) + 1):
        if i == len(lines) or not line_widths[i]:
            group = range(start, i)
            if len(group) >= 2:
                widths = sorted(line_widths[j] for j in group)
                width = widths[-1]
                if width - widths[-2] > OVERLONG and \
                        sum(1 for w in widths if widths[-2] - 6 <= w <= widths[-2]) >= 3:
                    # one line ran into the next column; the others show the column's width
                    width = widths[-2]
                paragraph = len(group) >= PARAGRAPH_MIN_LINES and any(
                    _fills(line_widths[j], lines[j + 1], width)
                    and _continues(lines[j], lines[j + 1])
                    for j in group[:-1])
                for j in group:
                    out[j] = (width, paragraph)
            start = i + 1
    return out


def _fills(used: int, nxt: str, width: int) -> bool:
    """A line ``used`` columns wide nearly fills a column of ``width`` and the next line's
    first word would not have fitted after it; a bullet always starts a new line."""
    if width < LOCAL_MIN_WIDTH or not used or used < width - 15:
        return False
    stripped = nxt.strip()
    if not stripped:
        return False
    first = stripped.split(" ", 1)[0]
    return first[:1] not in _BULLETS and used + 1 + display_width(first) > width


def _continues(line: str, nxt: str) -> bool:
    """The next line surely continues this one: it starts in lower case, or this one ends
    on a comma, a dash or a preposition ("...следовавший из" / "Москвы в Иркутск"), or
    it breaks a script without spaces mid-word (``_wraps_unspaced``)."""
    line = line.rstrip()
    head = nxt.strip()[:1]
    return head.islower() or line.endswith(_CONTINUES) or _wraps_unspaced(line, head) or \
        fold(line.rsplit(" ", 1)[-1]) in function_words()


def _wraps_unspaced(line: str, head: str) -> bool:
    """Whether ``line``, in a script without spaces and without case (Chinese, Japanese),
    goes on in the line that starts with ``head``.

    Such text shows neither a lower-case start nor a preposition at a break: a text
    browser breaks it between any two characters. A line that ends on a wide character
    without ending a sentence goes on in a line that starts on one ("...偷換檢驗標本" /
    "的行為，並直指..."), or on a figure or a Latin word if it ended on a letter
    ("...婷婷突然于" / "30日經搶救無效死亡。")."""
    last = line[-1:]
    if not head or not last or not is_wide(last) or ends_sentence(line):
        return False
    return is_wide(head) or (last.isalnum() and head.isalnum())


def _joins_in_column(line: str, used: int, nxt: str, local: tuple[int, bool]) -> bool:
    """Whether ``line`` was wrapped inside a narrow column: it fills the column and the
    next line continues it; inside a wrapped paragraph, any line that does not end a
    sentence goes on (before a capital too: "...взрослого населения" / "Забайкальского")."""
    width, paragraph = local
    if not _fills(used, nxt, width):
        return False
    return _continues(line, nxt) or (paragraph and not ends_sentence(line.rstrip()))


_CLOSING = tuple(",.;:!?)]»”’…")


def _spaced(line: str, nxt: str) -> bool:
    """Whether a space stood where the dump broke ``line`` from ``nxt``: a dump of text
    nodes keeps the spaces around each node."""
    return line[-1:].isspace() or nxt[:1].isspace()


def _join_inline(joined: str, line: str, nxt: str) -> str:
    """``joined`` (ending in ``line``) and ``nxt``, broken at an inline element: with a
    space, but none before the punctuation that closes a sentence ("overnight" / ".")
    where none stood."""
    tail = nxt.strip()
    if _spaced(line, nxt) or not tail.startswith(_CLOSING):
        return _join(joined, nxt)
    return joined.rstrip() + tail


def _inline_break(line: str, nxt: str) -> bool:
    """Whether a dump broke a sentence where an inline element (a link, a bold word)
    began or ended: this line ends no sentence, and the next goes on in lower case, with
    the punctuation that closed the sentence, or with a figure after a space ("The river
    rose " / "overnight" / ".")."""
    head = nxt.lstrip()[:1]
    if not head:
        return False
    # a figure goes on a sentence only where a space stood at the break ("rose " / "1%")
    if not (head.islower() or head.startswith(_CLOSING)
            or (_spaced(line, nxt) and head.isdigit())):
        return False
    line = line.rstrip()
    return bool(line) and not ends_sentence(line)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _join(left: str, right: str) -> str:
    """Two lines of one paragraph as one: with a space, as the break stood for one, but
    without where a wide character meets the break. CJK text wraps mid-word, so no space
    was lost there, between two of its characters or between one and a figure or a Latin
    word it runs into ("...突然于" / "30日...": "突然于30日")."""
    left, right = left.rstrip(), right.strip()
    if left and right and (is_wide(left[-1]) and (is_wide(right[0]) or right[0].isalnum())
                           or is_wide(right[0]) and left[-1].isalnum()):
        return left + right
    return f"{left} {right}"


def text_to_blocks(text: str) -> list[Block]:
    """Split a text page into blocks: logical lines (wrapped lines joined), blanks included."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    folded = fold_spaces(text)
    lines = folded.split("\n")
    if len(lines) != len(raw_lines):  # a folded character was a line break: keep raw split
        lines = [fold_spaces(line) for line in raw_lines]
    rulers = may_hold_rulers(folded)
    plain = not not_plain(folded)
    reordered = deinterleave(lines)
    if reordered is not lines:  # columns were read through one by one
        lines = raw_lines = reordered
    widths = [display_width(line.rstrip()) for line in lines]  # once: every step reads them
    width = _wrap_width(widths)
    local = _local_widths(lines, widths)
    blocks: list[Block] = []
    blank_before = True
    i = 0
    n = len(lines)
    while i < n:
        raw = raw_lines[i]
        joined = lines[i]
        if not widths[i]:  # a blank line: nothing to join, nothing to normalise
            blocks.append(Block(index=len(blocks), text="", raw=raw, indent=_indent(joined),
                                blank_before=blank_before, label="blank"))
            blank_before = True
            i += 1
            continue
        raws = [raw]
        while i + 1 < n:
            line, nxt = lines[i], lines[i + 1]
            if (width and _joins_next(line, widths[i], nxt, width)) \
                    or _joins_in_column(line, widths[i], nxt, local[i]):
                joined = _join(joined, nxt)
            elif not width and _inline_break(line, nxt):
                joined = _join_inline(joined, line, nxt)
            else:
                break
            i += 1
            raws.append(raw_lines[i])
        i += 1
        norm, bullet, indent = normalise_line(joined, rulers)
        block = Block(index=len(blocks), text=norm, raw="\n".join(raws), bullet=bullet,
                      indent=indent, blank_before=blank_before)
        if norm:
            block.compute_features(plain)
            blank_before = False
        elif not joined.strip():
            block.label = "blank"
            blank_before = True
        blocks.append(block)
    return blocks
