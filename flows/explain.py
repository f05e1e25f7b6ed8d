"""``winnow explain``: every line of a page, kept or dropped, and the rule that decided it.

The cleaner is a set of named rules; when a line is lost or a menu slips into
an article, this is where one looks first. The rendering is kept apart from
the analysis so it can be tested on blocks made by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from cleaners import DROPPED, Block, RuleTally

KEPT_MARK, DROPPED_MARK, BLANK_MARK, UNDECIDED_MARK = "+", "-", " ", "?"
_STYLES = {
    KEPT_MARK: "green",
    DROPPED_MARK: "red",
    UNDECIDED_MARK: "yellow",
    BLANK_MARK: "dim",
}


META_STYLE = "blue"  # lifted into the record's metadata: out of the text, not lost


@dataclass(frozen=True, slots=True)
class ExplainLine:
    mark: str  # + kept, - dropped, ? undecided, blank: a separator
    label: str
    rule: str  # "-" when no rule set the label
    text: str  # one line of the page as it stood
    note: str = ""


def mark_of(block: Block) -> str:
    if block.label == "blank":
        return BLANK_MARK
    if block.label in DROPPED:
        return DROPPED_MARK
    if block.label == "undecided":
        return UNDECIDED_MARK
    return KEPT_MARK


def explain_lines(blocks: Iterable[Block]) -> Iterator[ExplainLine]:
    """One line per line of the page; a block spanning lines repeats its verdict on each."""
    for block in blocks:
        raw = block.raw if block.raw is not None else block.text
        lines = raw.splitlines() or [""]
        mark = mark_of(block)
        for i, line in enumerate(lines):
            yield ExplainLine(
                mark=mark,
                label=block.label,
                rule=block.rule or "-",
                text=line,
                note=block.note if i == 0 else "",
            )


def removed_summary(blocks: list[Block], top: int = 8) -> str:
    """The rules that removed most of the page's lines: "menu_line 12, login_link 1"."""
    tally = RuleTally()
    tally.add_page(blocks)
    return ", ".join(f"{rule} {n['lines']}" for rule, n in list(tally.as_dict().items())[:top])


def format_plain(line: ExplainLine, rule_width: int = 20) -> str:
    """``- chrome    login_link           | Войти  <- login phrase``"""
    note = f"  <- {line.note}" if line.note else ""
    return f"{line.mark} {line.label:<9} {line.rule:<{rule_width}} | {line.text}{note}".rstrip()


def render_plain(lines: list[ExplainLine], out: TextIO) -> None:
    width = max([len(x.rule) for x in lines] + [4])
    for line in lines:
        out.write(format_plain(line, width) + "\n")


def style_of(line: ExplainLine) -> str:
    """A line's colour: a line lifted into metadata (a date, a byline, tags) left the
    text as chrome did, but what it said is in the record, so it is not shown as lost."""
    if line.mark == DROPPED_MARK and line.label == "meta":
        return META_STYLE
    return _STYLES.get(line.mark, "")


def render_rich(lines: list[ExplainLine], console: object) -> None:
    """The same columns, coloured: green kept, red dropped, blue lifted into metadata,
    dim separators."""
    from rich.text import Text

    width = max([len(x.rule) for x in lines] + [4])
    for line in lines:
        style = style_of(line)
        row = Text()
        row.append(f"{line.mark} {line.label:<9} ", style=f"bold {style}")
        row.append(f"{line.rule:<{width}} ", style="cyan")
        row.append("| ", style="dim")
        row.append(line.text, style="" if line.mark == KEPT_MARK else style)
        if line.note:
            row.append(f"  <- {line.note}", style="dim italic")
        console.print(row, soft_wrap=True, highlight=False)  # type: ignore[attr-defined]


def read_for_explain(path: Path) -> tuple[bytes, str | None, str | None]:
    """The page's bytes and, from its sidecar if it has one, its URL and encoding."""
    from flows.sidecar import sidecar_of

    data = path.read_bytes()
    meta = sidecar_of(path)
    return data, meta and meta.page_url, meta and meta.encoding
