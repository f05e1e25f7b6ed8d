"""The engine: run every registered rule over a page's blocks, in stage order.

Line rules run in one pass (first match wins); block and boundary rules each
see the whole page. The engine returns how many blocks each rule decided, the
counters a run summary and ``winnow explain`` report.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from cleaners.blocks import Block
from cleaners.limits import check_deadline
from cleaners.rules import REGISTRY, Rule
from cleaners.rules.base import STAGE_ORDER, PageContext


@lru_cache(maxsize=4)
def _plan(input_format: str) -> tuple[tuple[Rule, ...], tuple[Rule, ...], tuple[Rule, ...]]:
    """(html-stage rules, line rules, block and boundary rules in stage order) that apply
    to ``input_format``: worked out once per format, not per page."""
    rules = [r for r in REGISTRY.values() if input_format in r.formats]
    line = tuple(r for r in rules if r.per_line)
    other = sorted((r for r in rules if not r.per_line), key=lambda r: STAGE_ORDER.index(r.stage))
    return (tuple(r for r in other if r.stage == "html"), line,
            tuple(r for r in other if r.stage != "html"))


@lru_cache(maxsize=4)
def _line_rules_by_length(input_format: str) -> tuple[tuple[Rule, ...], ...]:
    """For each line length in words (the last entry for all longer lines), the line rules
    that can match a line that long, in their order: a long line of prose skips the many
    rules that only ever take short lines."""
    line = _plan(input_format)[1]
    longest = max((r.max_words for r in line if r.max_words is not None), default=0) + 1
    return tuple(tuple(r for r in line if r.max_words is None or n <= r.max_words)
                 for n in range(longest + 1))


def label_blocks(blocks: list[Block], ctx: PageContext) -> Counter[str]:
    """Label every block; return the number of blocks each rule decided."""
    html_rules, _line_rules, later_rules = _plan(ctx.input_format)
    by_length = _line_rules_by_length(ctx.input_format)
    longest = len(by_length) - 1
    for r in html_rules:
        check_deadline(f"rule {r.name}")
        r.fn(blocks, ctx)
    for i, b in enumerate(blocks):
        if not i & 63:  # the budget is checked every 64 blocks: a clock read is not free
            check_deadline("the line rules")
        if not b.undecided:
            continue
        first = b.first_word
        ordinary = "+" not in first and "#" not in first  # see Rule.first_words
        for r in by_length[min(b.n_words, longest)]:
            if ordinary and r.first_words is not None and first not in r.first_words:
                continue  # the rule matches only lines opening on other words
            note = r.fn(b, ctx)
            if note:
                b.mark(r.label or "chrome", r.name, note)  # line rules have a label
                break
    for r in later_rules:
        check_deadline(f"rule {r.name}")
        r.fn(blocks, ctx)
    for b in blocks:
        if b.undecided and b.text:
            b.mark("chrome", "outside_body", "not part of the story's run of text")
    return Counter(b.rule for b in blocks if b.rule)
