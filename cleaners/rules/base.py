"""What a rule is, and the registry that holds them all in one place.

A rule is a small named unit with one job (datatrove's pipeline steps are the
model): it reads blocks and their features, labels the ones it is sure of, and
says what it saw. The engine counts what each rule decided, and every dropped
line carries the name of the rule that dropped it (``winnow explain``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from cleaners.blocks import Block

Stage = Literal["normalise", "line", "block", "boundary", "html"]


@dataclass(slots=True)
class PageContext:
    """What rules share about the page beyond its blocks."""

    input_format: str  # "html" | "text"
    url: str | None = None
    language_hint: str | None = None
    meta: dict[str, object] = field(default_factory=dict)  # harvested metadata


RuleFn = Callable[[list[Block], PageContext], None]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    stage: Stage
    doc: str
    fn: RuleFn
    formats: tuple[str, ...] = ("html", "text")


REGISTRY: dict[str, Rule] = {}


def rule(name: str, stage: Stage, formats: tuple[str, ...] = ("html", "text")):
    """Register a rule under ``name``; its docstring is what ``winnow rules`` shows."""

    def decorate(fn: RuleFn) -> RuleFn:
        if name in REGISTRY:
            raise ValueError(f"rule {name!r} registered twice")
        REGISTRY[name] = Rule(name, stage, (fn.__doc__ or "").strip(), fn, formats)
        return fn

    return decorate
