"""The engine: run a format's plan (``cleaners/rules/plan.py``) over a page's blocks.

One engine for both front ends. A rule step sees the whole page; a line pass walks the
blocks once and lets each block's first matching line rule decide it. The budget is
checked between steps. Whatever no rule labelled at the end is not story: it is
labelled ``outside_body``, so every line the article leaves out names a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cleaners.blocks import Block
from cleaners.limits import check_deadline
from cleaners.rules import REGISTRY, Rule
from cleaners.rules.base import PageContext
from cleaners.rules.plan import PLAN, LinePass


@dataclass(frozen=True, slots=True)
class _Pass:
    """A line pass with its rules looked up, and for each line length in words (the last
    entry for all longer lines) the rules that can match a line that long: a long line of
    prose skips the many rules that only ever take short lines."""

    step: LinePass
    by_length: tuple[tuple[Rule, ...], ...]


def _line_pass(step: LinePass) -> _Pass:
    rules = [REGISTRY[name] for name in step.rules]
    longest = max((r.max_words for r in rules if r.max_words is not None), default=0) + 1
    by_length = tuple(tuple(r for r in rules if r.max_words is None or n <= r.max_words)
                      for n in range(longest + 1))
    return _Pass(step, by_length)


@lru_cache(maxsize=4)
def plan(input_format: str) -> tuple[Rule | _Pass, ...]:
    """The format's plan with its rules looked up: worked out once per format."""
    return tuple(_line_pass(s) if isinstance(s, LinePass) else REGISTRY[s]
                 for s in PLAN[input_format])


def _judged(b: Block, step: LinePass) -> bool:
    """Whether the line pass judges this block at all."""
    if step.scope == "undecided":
        return b.undecided
    return b.label == "body" and (step.max_words is None or b.n_words <= step.max_words)


def _judge(b: Block, rules: tuple[Rule, ...], ctx: PageContext, gated: frozenset[str]) -> None:
    """Label the block by the first of ``rules`` that matches it, leaving out ``gated``."""
    first = b.first_word
    # the first-word promise (Rule.first_words) holds for a block whose features are known
    ordinary = b.tokens is not None and "+" not in first and "#" not in first
    for r in rules:
        if ordinary and r.first_words is not None and first not in r.first_words:
            continue  # the rule matches only lines opening on other words
        if gated and r.name in gated:
            continue
        note = r.fn(b, ctx)
        if note:
            b.mark(r.label or "chrome", r.name, note)  # line rules have a label
            return


_NONE: frozenset[str] = frozenset()


def _run_pass(p: _Pass, blocks: list[Block], ctx: PageContext) -> None:
    longest = len(p.by_length) - 1
    step = p.step
    for i, b in enumerate(blocks):
        if not i & 63:  # the budget is checked every 64 blocks: a clock read is not free
            check_deadline("the line rules")
        if _judged(b, step):
            gated = _NONE if b.link_density >= step.min_links else step.links_only
            _judge(b, p.by_length[min(b.n_words, longest)], ctx, gated)


def label_blocks(blocks: list[Block], ctx: PageContext) -> None:
    """Label every block by the plan of the page's format."""
    for step in plan(ctx.input_format):
        if isinstance(step, _Pass):
            _run_pass(step, blocks, ctx)
            continue
        check_deadline(f"rule {step.name}")
        step.fn(blocks, ctx)
    for b in blocks:
        if b.undecided and b.text:
            b.mark("chrome", "outside_body", "no rule kept it as part of the story")


def run_line_pass(blocks: list[Block], ctx: PageContext) -> None:
    """Only the line pass of the page format's plan: what a test of the line rules on one
    format, or a look at one line, asks without the rest of the plan."""
    for step in plan(ctx.input_format):
        if isinstance(step, _Pass):
            _run_pass(step, blocks, ctx)
