"""The plan is the one place that says which rules run where, and the engine runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaners import analyse_page
from cleaners.engine import plan
from cleaners.rules import REGISTRY
from cleaners.rules.plan import LINE_RULES, PLAN, LinePass, formats_of, rule_names

RAW = Path(__file__).parent.parent / "raw"
FIX = Path(__file__).parent / "fixtures" / "html"


def test_every_rule_is_in_a_plan_and_every_planned_name_is_a_rule():
    planned = {name for fmt in PLAN for name in rule_names(fmt)}
    assert planned == set(REGISTRY)


def test_line_passes_list_line_rules_and_rule_steps_list_the_others():
    for fmt, steps in PLAN.items():
        for step in steps:
            if isinstance(step, LinePass):
                assert all(REGISTRY[name].per_line for name in step.rules), fmt
            else:
                assert not REGISTRY[step].per_line, (fmt, step)
    assert {name for name, r in REGISTRY.items() if r.per_line} == set(LINE_RULES)


def test_no_rule_runs_twice_in_one_plan():
    for fmt in PLAN:
        names = rule_names(fmt)
        assert len(names) == len(set(names)), fmt


def test_formats_say_where_a_rule_runs():
    assert formats_of("extractor_vote") == ("html",)
    assert formats_of("body_region") == ("text",)
    assert set(formats_of("timestamp_only")) == {"text", "html"}


@pytest.mark.parametrize(("path", "fmt"), [
    (RAW / "000_a125d57da672de5c.txt", "text"),
    (FIX / "medportal_page.html", "html"),
])
def test_the_engine_runs_only_the_rules_of_the_pages_format(path, fmt, monkeypatch):
    called: list[str] = []
    for name, rule in list(REGISTRY.items()):
        def spy(*args, _fn=rule.fn, _name=name):
            called.append(_name)
            return _fn(*args)
        monkeypatch.setitem(REGISTRY, name, rule.__class__(**{
            **{f: getattr(rule, f) for f in rule.__dataclass_fields__}, "fn": spy}))
    plan.cache_clear()
    try:
        analysis = analyse_page(path.read_bytes(), input_format=fmt)
    finally:
        plan.cache_clear()
    assert analysis.article.paragraphs
    assert called, "no rule ran"
    assert {n for n in called} <= set(rule_names(fmt))
    assert all(fmt in formats_of(n) for n in called)
    # every rule step of the plan ran (a line pass's rules only on lines they may match)
    steps = {s for s in PLAN[fmt] if isinstance(s, str)}
    assert steps <= set(called)
    # every dropped block names a rule of this format's plan, or the engine's catch-all
    for b in analysis.blocks:
        if b.label in ("chrome", "meta"):
            assert b.rule in set(rule_names(fmt)) | {"outside_body"}, b.rule
