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


@pytest.mark.parametrize(("line", "signed"), [
    ("Florence says:", True),
    ("2. Andre Alexis says:", True),
    ("by jdoe ( 1311177 ) writes:", True),
    ("by jdoe ( 1311177 ) writes: on Friday December 19, 2025 @08:08PM (#65870295)", True),
    ("He says:", False),  # a pronoun opens a quote, not a post
    ("The abstract says:", False),
    ('Mrs Jones said: "It was very unpleasant."', False),  # news quotes are "said"
    ("Smith writes: the plan failed for want of money", False),  # a quote after the colon
])
def test_a_post_header_names_who_says_and_ends_at_its_colon(line: str, signed: bool):
    assert is_signature(_block(line)) is signed


STORY = ("Elite computer science degrees are no longer a guaranteed way into tech jobs, as "
         "coding tools cut the demand for entry-level engineers, the newspaper reports.")
REPLY = ("I worked in two large software companies for the last decade, and we used to "
         "compete to bring the best students in for internships every single summer. "
         "Those programmes were cut two years ago, and nobody has talked of them since.")


def test_a_text_dump_s_posts_under_says_headers_are_not_the_story():
    # a short story, then readers' posts longer than it, each under "NAME says:"
    from cleaners.page import analyse_decoded

    posts = [line for n in range(4) for line in (f"reader{n} says:", REPLY, "Reply")]
    page = "\n\n".join(["Degrees no longer guarantee jobs", STORY, "87 comments", *posts])
    _blocks, article = analyse_decoded(page, "text")
    assert STORY in article.paragraphs
    assert REPLY not in article.paragraphs


def test_dated_lines_of_a_text_dump_are_no_thread():
    # a text dump has no votes: a schedule's dated lines stay for the story rules to judge
    from cleaners.page import analyse_decoded

    schedule = [line for day in (27, 28, 29) for line in (
        f"{day}.11.2011 19:05 Evening show", "Anna Example", "host of the evening news")]
    page = "\n\n".join(["Radio this week", STORY, *schedule])
    blocks, _article = analyse_decoded(page, "text")
    assert not any(b.rule == "comment_thread" for b in blocks)
