"""Undo side-by-side columns in text dumps.

Text browsers print a layout table's columns side by side, so a story in the
left column arrives interleaved, line by line, with a sidebar of headlines on
the right. Columns show as text that starts, again and again, at the same
column after a run of spaces. Where they do, each column of that stretch is
put back together and emitted one after the other.

Columns are where text stands on the screen, not in the string: an East Asian wide
character (Chinese, Japanese, Korean, fullwidth forms) takes two terminal columns, so a
line of Chinese reaches the sidebar's column in half as many characters as a line of
English. Lines with wide characters are measured in screen cells (``to_cells``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# East Asian wide and fullwidth ranges (Hangul, CJK, kana, fullwidth forms, astral CJK)
_MAYBE_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
# what fills a wide character's second screen cell in ``to_cells``: no space (a gap is
# spaces) and no character a page holds
FILLER = "\x00"


def is_wide(ch: str) -> bool:
    """Whether the character takes two terminal columns."""
    return unicodedata.east_asian_width(ch) in "WF"


def display_width(text: str) -> int:
    """Terminal columns: East Asian wide characters take two."""
    if not _MAYBE_WIDE.search(text):
        return len(text)  # no character that could be wide: the common case, made cheap
    return sum(2 if is_wide(c) else 1 for c in text)


def to_cells(line: str) -> str:
    """``line`` with one character per screen cell: each wide character followed by a
    ``FILLER``, so that an index into it is a terminal column (the line itself when it
    holds no wide character)."""
    if not _MAYBE_WIDE.search(line):
        return line
    return "".join(c + FILLER if is_wide(c) else c for c in line)


def from_cells(text: str) -> str:
    """The text of a piece of a ``to_cells`` line, fillers gone."""
    return text.replace(FILLER, "") if FILLER in text else text

GAP = re.compile(r" {3,}")
MIN_COLUMN_HITS = 5  # segments starting at one column (± TOLERANCE) that make it a column
TOLERANCE = 4  # ragged cells start a few columns apart
MIN_COLUMN_START = 16  # a "column" nearer the margin is indentation
EDGE_REACH = 5  # rows above and below that show where a column edge runs
EDGE_MIN_ROWS = 2  # ...and how many of them must start a cell exactly there
REGION_BRIDGE = 3  # single-column lines that may sit inside a multi-column stretch


def _segments(line: str) -> list[tuple[int, str]]:
    """(start column, text) of each piece of ``line`` between runs of three or more spaces."""
    if "   " not in line:  # one piece: most lines of a page with columns are such
        text = line.strip()
        return [(len(line) - len(line.lstrip()), text)] if text else []
    out = []
    pos = 0
    for piece in GAP.split(line):
        if piece.strip():
            start = pos + len(piece) - len(piece.lstrip())
            out.append((start, piece.strip()))
        pos += len(piece)
        m = GAP.match(line, pos)
        if m:
            pos = m.end()
    return out


def _boundaries(segmented: list[list[tuple[int, str]]]) -> list[int]:
    """Columns at which text repeatedly starts after a gap: the left edges of columns.

    A column whose neighbour on the left is mostly empty shows its edge by indentation
    instead: its lines start at that column with nothing before them, and only a row or
    two put a cell to its left. Such an edge counts where text starts after a gap at
    least once and MIN_COLUMN_HITS lines are indented to it; indentation alone (a page
    printed with a margin) is no column, as nothing ever stands to its left.
    """
    starts: Counter[int] = Counter()
    indents: Counter[int] = Counter()
    for segs in segmented:
        for start, _text in segs[1:]:
            starts[start] += 1
        if segs and segs[0][0] >= MIN_COLUMN_START:
            indents[segs[0][0]] += 1
    found: list[int] = []
    for col, _n in starts.most_common():
        if col < MIN_COLUMN_START or any(abs(col - b) <= TOLERANCE for b in found):
            continue
        hits = sum(n for c, n in starts.items() if abs(c - col) <= TOLERANCE)
        indented = sum(n for c, n in indents.items() if abs(c - col) <= TOLERANCE)
        if hits >= MIN_COLUMN_HITS or indented >= MIN_COLUMN_HITS:
            found.append(col)
    return sorted(b - TOLERANCE for b in found)


def _edges_near(segmented: list[list[tuple[int, str]]], r: int) -> list[int]:
    """Columns where, in the rows just above and below ``r``, a cell starts after a gap in
    at least two of them: the column edges that run through row ``r``."""
    seen: Counter[int] = Counter()
    for k in range(max(0, r - EDGE_REACH), min(len(segmented), r + EDGE_REACH + 1)):
        if k != r:  # a cell after a gap, or a line indented to the column
            seen.update({start for start, _text in segmented[k] if start >= MIN_COLUMN_START})
    return sorted(c for c, n in seen.items() if n >= EDGE_MIN_ROWS)


def _split_at_columns(line: str, segs: list[tuple[int, str]], edges: list[int]
                      ) -> list[tuple[int, str]]:
    """Split cells that run into the next column with a single space between them.

    A cell that fills its column leaves one space before the next one
    ("...кварталы Улан-Удэ среды на четверг..."), too little for a gap; where the
    rows around start a cell at that very column and a space stands just before
    it, the cells part.
    """
    out: list[tuple[int, str]] = []
    for start, text in segs:
        end = start + len(text)
        cuts = [c for c in edges if start < c < end and line[c - 1] == " " and line[c] != " "]
        prev = start
        for c in cuts:
            out.append((prev, line[prev:c].strip()))
            prev = c
        out.append((prev, line[prev:end].strip()))
    return [(s_, t) for s_, t in out if t]


def deinterleave(lines: list[str]) -> list[str]:
    """Reorder ``lines`` so that each side-by-side column is read through in turn.

    Pages without columns come back unchanged (the same list object).
    """
    if not any("   " in line.strip() for line in lines):
        return lines
    original = lines
    lines = [to_cells(line) for line in lines]  # indexed by screen column from here on
    segmented = [_segments(line) for line in lines]
    bounds = _boundaries(segmented)
    if not bounds:
        return original

    def column(start: int) -> int:
        return sum(1 for b in bounds if start >= b)

    multi = [any(column(s) > 0 for s, _ in segs) for segs in segmented]
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not multi[i]:
            out.append(original[i])
            i += 1
            continue
        j = i
        last = i
        while j < len(lines) and j - last <= REGION_BRIDGE:
            if multi[j]:
                last = j
            j += 1
        region = range(i, last + 1)
        cells = {r: [(column(s), t) for s, t in
                     _split_at_columns(lines[r], segmented[r], _edges_near(segmented, r))]
                 for r in region}
        for col in range(len(bounds) + 1):
            stream: list[str] = []
            for r in region:
                texts = [from_cells(t) for c, t in cells[r] if c == col]
                if texts:
                    stream.append(" ".join(texts))
                elif stream and stream[-1]:
                    stream.append("")
            if stream:
                out.extend(stream)
                out.append("")
        i = last + 1
    return out
