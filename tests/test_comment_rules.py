"""The readers' comment thread (``comment_rules``): found by its signed, dated headers in any
language, and never where both extractors agreed on a block inside it."""

from __future__ import annotations

import pytest

from cleaners.blocks import Block, Markup
from cleaners.html.tree import text_key
from cleaners.markup import PageMarkup, PageMeta
from cleaners.rules.base import PageContext
from cleaners.rules.comment_rules import comment_thread, is_signature

POST = "Każdy inny zawód ma również furę obowiązków wynikających z życia w społeczeństwie."


def _block(text: str, votes: int = 0) -> Block:
    b = Block(index=0, text=text, raw=text, tag="p")
    b.compute_features()
    b.markup = Markup(match_key=text_key(text), votes=votes,
                      voter="trafilatura" if votes == 1 else None)
    return b


def _ctx() -> PageContext:
    return PageContext(input_format="html", markup=PageMarkup(PageMeta(), None, "", ""))


@pytest.mark.parametrize(("line", "signed"), [
    ("~Ina [2012-01-10 14:26]", True),
    ("John Smith, March 3, 2012 at 14:05", True),
    ("Андрей 12.01.2012 10:15 ответить", True),
    ("2012-01-10 14:26", False),  # a bare date: a date line, not a signature
    ("The court met on March 3, 2012 and adjourned until the spring.", False),
    ("Posted on March 3, 2012 in News, Politics and World Affairs", False),
])
def test_a_signature_is_a_name_and_a_full_date_on_a_short_line(line: str, signed: bool):
    assert is_signature(_block(line)) is signed


def test_a_thread_of_signed_posts_only_one_extractor_kept_is_chrome():
    story = [_block("Na pytanie, kto ma rację w sporze, aż 70% badanych wskazało lekarzy.",
                    votes=1)]
    thread = []
    for name, day in (("~zonek", "24"), ("~Ina", "10"), ("~Prawda", "09")):
        thread += [_block(f"{name} [2012-01-{day} 19:23]"), _block(POST, votes=1)]
    blocks = story + thread
    comment_thread(blocks, _ctx())
    assert blocks[0].undecided
    assert all(b.rule == "comment_thread" and b.label == "chrome" for b in thread)


def test_dated_lines_inside_an_agreed_story_are_not_a_thread():
    blocks = []
    for name, day in (("Ina", "10"), ("Jan", "11"), ("Ola", "12")):
        blocks += [_block(f"{name} [2012-01-{day} 19:23]"), _block(POST, votes=2)]
    comment_thread(blocks, _ctx())
    assert all(b.undecided for b in blocks)
