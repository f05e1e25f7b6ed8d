"""Line normalisation for pages saved as text: what text browsers and editors leave behind.

Each step is small and named in ``NORMALISERS`` so a reviewer can see what is
folded away before any rule judges a line. Normalisation never removes a whole
line: a line it empties (a bare form widget) is dropped by the ``widget_residue``
rule, so the drop stays traceable.
"""

from __future__ import annotations

import re

# non-breaking and other odd spaces become spaces; zero-width marks vanish
_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u3000": " ",
                         "\u2002": " ", "\u2003": " ", "\u2009": " ", "\t": " "})
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# list bullets at the start of a line (a hyphen only when a space follows: "-1" is a counter)
BULLET = re.compile(r"^\s*(?:[•*·□☆★■▪◦○●►▸‣⁃◆◇>]+|-(?=\s))\s*")
# text-browser residue: [123] link numbers, [          ] inputs, [Искать] buttons,
# [ico-bullet] image alts, (*) / ( ) radio buttons
_LINK_NUMBER = re.compile(r"\[\d+\]")
_WIDGET = re.compile(
    r"\[(?:[\s*_.\-]*|[^\[\]\s]{1,200}|[^\[\]]{0,40}?\s{2,})\]|\((?:\*| )\)|embed\([^)]*\)"
)
# rules drawn with box characters or repeated dashes: "━━━━", "-----", "====", "____"
_RULER = re.compile(r"[\u2500-\u257f]{3,}|[-=_~*]{4,}")


_ODD_SPACES = tuple(chr(c) for c in _SPACES)


def fold_spaces(line: str) -> str:
    """Odd spaces to spaces, zero-width characters removed."""
    # str.replace per character present: str.translate is slow on non-ASCII text
    for ch in _ODD_SPACES:
        if ch in line:
            line = line.replace(ch, " ")
    return _ZERO_WIDTH.sub("", line)


def strip_bullet(line: str) -> tuple[str, bool]:
    """Remove a leading list bullet; say whether there was one."""
    m = BULLET.match(line)
    if m and m.end() > 0 and line[: m.end()].strip():
        return line[m.end():], True
    return line, False


def _may_hold_paren_widget(line: str) -> bool:
    """Whether ``_WIDGET`` can match in ``line`` at all: a bracket, or one of its two
    bracket-free forms. Prose is full of parentheses; a substring test is far cheaper
    than running the pattern over every such line."""
    return "[" in line or "(*)" in line or "( )" in line or "embed(" in line


def strip_residue(line: str, rulers: bool = True) -> str:
    """Remove link numbers, form widgets and drawn rulers that text browsers print.

    ``rulers=False`` says the page holds no ruler (``may_hold_rulers``), so no line of
    it is searched for one."""
    if "[" in line:
        line = _LINK_NUMBER.sub("", line)
        line = _WIDGET.sub(" ", line)
    if "(" in line and _may_hold_paren_widget(line):
        line = _WIDGET.sub(" ", line)
    return _RULER.sub(" ", line) if rulers else line


# what any ruler holds, in the shapes the regex engine finds fastest: a pattern that is
# one character class, or a fixed run of one (no alternation, no repeat count)
_BOX_CHAR = re.compile("[\u2500-\u257f]")
_FOUR_DASHES = re.compile(r"[-=_~*][-=_~*][-=_~*][-=_~*]")


def may_hold_rulers(text: str) -> bool:
    """Whether any line of ``text`` can hold a drawn ruler: one search of the page instead
    of one per line (joining lines adds a space, never a ruler character)."""
    return _BOX_CHAR.search(text) is not None or _FOUR_DASHES.search(text) is not None


def normalise_line(line: str, rulers: bool = True) -> tuple[str, bool, int]:
    """(normalised text, had a bullet, indent) for one line whose spaces are already folded."""
    indent = len(line) - len(line.lstrip(" "))
    line, bullet = strip_bullet(line)
    line = strip_residue(line, rulers)
    # str.split() splits on exactly what the regex \s matches, and drops the ends
    return " ".join(line.split()), bullet, indent
