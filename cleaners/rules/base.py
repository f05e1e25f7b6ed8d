"""What a rule is, and the registry that holds them all in one place.

A rule is a small named unit with one job (datatrove's pipeline steps are the
model): it reads blocks and their features, labels the ones it is sure of, and
says what it saw. Every dropped line carries the name of the rule that dropped it
(``winnow explain``), and a run counts per rule what each removed (``RuleTally``).
Where and in which order a rule runs is not the rule's to say: the plan
(``cleaners/rules/plan.py``) lists, per input format, the rules in order.

Two shapes:
- a *line rule* judges one block on its own (jusText's per-paragraph
  classifier): ``fn(block, ctx) -> note | None``. The engine runs all line
  rules in one pass over the blocks, first match wins, so cost stays linear.
- a *block rule* sees the whole sequence (runs, lists, boundaries):
  ``fn(blocks, ctx) -> None`` and labels blocks itself with ``block.mark``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cleaners.blocks import Block, Label
from cleaners.markup import PageMarkup
from cleaners.native import docstring
from cleaners.profiles import SiteProfile
from cleaners.sitestats import SiteChrome

Stage = Literal["html", "line", "block", "boundary"]


@dataclass(slots=True)
class PageContext:
    """What rules share about the page beyond its blocks."""

    input_format: str  # "html" | "text"
    url: str | None = None
    # what the HTML markup names (title, why it was chosen, dates, authors): HTML pages only
    markup: PageMarkup | None = None
    # (first, last) block index of the story's run of text, once ``body_region`` found it;
    # the boundary rules after it widen it. Typed here, not in ``meta``: rules index it
    body_span: tuple[int, int] | None = None
    has_stopwords: bool = True  # the page's lines carry stoplist words (``body_region``)
    site_chrome: SiteChrome | None = None  # the lines learned as chrome on the page's site
    profile: SiteProfile | None = None  # the site's profile (``cleaners.profiles``), if any


LineFn = Callable[[Block, PageContext], "str | None"]
BlocksFn = Callable[[list[Block], PageContext], None]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    stage: Stage
    fn: Callable[..., str | None]  # a line rule's note, or None (block rules: None)
    label: Label | None = None  # for line rules: the label a match gives
    # for line rules: the longest line (in words) the rule can ever match; None if any.
    # The engine does not call a rule on longer lines, which is most of a page's prose.
    max_words: int | None = None
    # for line rules: the rule matches only lines whose normalised first word is one of
    # these (or holds a "+" or "#"); None if any. Phrase rules know theirs.
    first_words: frozenset[str] | None = None

    @property
    def per_line(self) -> bool:
        return self.label is not None

    @property
    def doc(self) -> str:
        """What the rule does: its function's docstring, asked when wanted (a compiled
        function's is read from its source, see ``native.docstring``)."""
        return docstring(self.fn).strip()


REGISTRY: dict[str, Rule] = {}


def _register(rule_: Rule) -> None:
    if rule_.name in REGISTRY:
        raise ValueError(f"rule {rule_.name!r} registered twice")
    REGISTRY[rule_.name] = rule_


def rule(name: str, stage: Stage):
    """Register a block rule ``fn(blocks, ctx)``; its docstring is the rule's ``doc``.

    A decorator, or a call after the function (``rule(name, stage)(fn)``), which is how
    the modules ``make mutate`` mutates write it: mutmut 3 skips decorated functions."""

    def decorate(fn: BlocksFn) -> BlocksFn:
        _register(Rule(name, stage, fn))
        return fn

    return decorate


def line_rule(name: str, label: Label = "chrome", max_words: int | None = None,
              first_words: frozenset[str] | None = None):
    """Register a line rule ``fn(block, ctx) -> note | None``: a match labels the block.

    ``max_words`` promises that the rule returns None for any longer line (its own
    length guard), and ``first_words`` that it returns None for a line starting with
    any other word, so the engine may skip it there. Used as a decorator, or called after
    the function (``line_rule(name, ...)(fn)``) where mutmut must reach the rule's body.
    """

    def decorate(fn: LineFn) -> LineFn:
        _register(Rule(name, "line", fn, label, max_words, first_words))
        return fn

    return decorate
