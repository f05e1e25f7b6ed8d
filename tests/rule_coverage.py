"""Every rule labels a block somewhere in the suite, or the suite fails (#23).

The old check passed when a rule's name appeared in quotes in any test file: a rule only
ever named as a hand-set label (``body_region``) counted as tested. Here each registered
rule is wrapped for the session; a line rule counts once it matches a line, a block rule
once it labels a block with its own name. ``pytest_sessionfinish`` in conftest fails a
whole-suite run (``WINNOW_RULE_COVERAGE=1``, which ``make test`` sets) that left a rule
unfired, naming it: a rule no test makes act is a rule no test guards.
"""

from __future__ import annotations

import dataclasses
import functools
import sys

from cleaners import engine
from cleaners.rules import REGISTRY
from cleaners.rules.base import Rule

FIRED: set[str] = set()


def _recording(rule: Rule) -> Rule:
    fn = rule.fn
    if rule.per_line:
        @functools.wraps(fn)
        def line(block, ctx):
            note = fn(block, ctx)
            if note:
                FIRED.add(rule.name)
            return note
        return dataclasses.replace(rule, fn=line)

    @functools.wraps(fn)
    def blocks(all_blocks, ctx):
        before = [b.rule for b in all_blocks]
        fn(all_blocks, ctx)
        # it labelled a block: under its own name, or one it gives for where the decision
        # came from (the profile rules name the profile key: ``profile:<site>:<key>``)
        if any(b.rule != was and (b.rule == rule.name or b.rule.startswith("profile:"))
               for b, was in zip(all_blocks, before, strict=False)):
            FIRED.add(rule.name)
    return dataclasses.replace(rule, fn=blocks)


def install() -> None:
    """Wrap every registered rule, once, in the registry and in its module (tests call
    a block rule by its module's name for it: ``html_rules.linked_subhead(blocks, ctx)``);
    the engine's cached plans are made again."""
    for name, rule in list(REGISTRY.items()):
        if getattr(rule.fn, "__wrapped__", None):
            continue
        wrapped = _recording(rule)
        REGISTRY[name] = wrapped
        # a compiled closure (a phrase rule made by a factory) has no name of its own
        name_in_module = getattr(rule.fn, "__name__", None)
        module = sys.modules.get(getattr(rule.fn, "__module__", None) or "")
        if module is not None and name_in_module and \
                getattr(module, name_in_module, None) is rule.fn:
            setattr(module, name_in_module, wrapped.fn)
    engine.plan.cache_clear()


def unfired(elsewhere: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The rules no test made act, here or in another process (``elsewhere``: the rules
    pytest-xdist's workers report fired)."""
    return sorted(set(REGISTRY) - FIRED - set(elsewhere))
