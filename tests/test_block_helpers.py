"""The block rules' helpers at their boundaries: which line is title-like, a dated item,
an anchor, a menu item or a listicle heading, where the next anchor is, and which words
hold a glue point. Values worked out by hand from each helper's documented contract
(bench/mutation.md: written against the survivors of cleaners/rules/block_rules.py)."""

from __future__ import annotations

import pytest

from cleaners.blocks import Block
from cleaners.rules.block_rules import (
    _dated_item,
    _ends_with_date,
    _gap_is_title_slot,
    _glued_words,
    _is_anchor,
    _item_heading,
    _menu_item,
    _next_anchor,
    _starts_with_stamp,
    _title_like,
)


def _block(text: str = "x", n_words: int | None = None, *, label: str = "undecided",
           rule: str | None = None, sentence_end: bool = False) -> Block:
    b = Block(index=0, text=text, raw=text, label=label, rule=rule,  # type: ignore[arg-type]
              sentence_end=sentence_end)
    b.n_words = len(text.split()) if n_words is None else n_words
    return b


def test_glued_words_are_those_holding_a_point_from_their_first_letter() -> None:
    assert _glued_words("In FinaleFord v", [9]) == {"finaleford"}
    assert _glued_words("ab cd", [3]) == {"cd"}  # the point on a word's first letter
    assert _glued_words("ab cd", [2]) == set()  # the space after "ab" is no part of it


@pytest.mark.parametrize(("rule", "anchor"), [
    ("timestamp_only", True), ("counter", True), ("menu_run", False), (None, False)])
def test_anchors_are_timestamps_and_counters(rule, anchor) -> None:
    assert _is_anchor(_block("12:30", rule=rule, label="meta")) is anchor


@pytest.mark.parametrize(("n_words", "length", "label", "title"), [
    (0, 5, "undecided", False), (1, 5, "undecided", True), (30, 200, "undecided", True),
    (31, 200, "undecided", False), (10, 250, "undecided", True), (10, 251, "undecided", False),
    (5, 40, "chrome", False)])
def test_title_like_is_an_undecided_headline_length(n_words, length, label, title) -> None:
    assert _title_like(_block("a" * length, n_words, label=label)) is title


@pytest.mark.parametrize(("text", "dated"), [
    ("Headline here 26 ноября 2011, 6:19", True),
    ("Итоги дня 26.11.2011", True),  # three words, under 40 characters
    ("Итоги дня (26.11.2011).", True),  # the date ends two characters before the line
    ("Итоги дня 26.11.2011 1.", False),  # three before: no longer the line's end
    ("26.11.2011 было", False),
    ("Итоги 26.11.2011", False),  # two words: too short for a teaser
])
def test_a_teaser_ending_with_its_date(text, dated) -> None:
    assert _ends_with_date(_block(text)) is dated
    assert _dated_item(_block(text)) is dated  # none of these starts with a stamp


@pytest.mark.parametrize(("text", "stamped"), [
    ("17:56 Награждены победители", True), ("17:56 Награждены", False),
    ("Награждены победители 17:56 конкурса", False)])
def test_a_teaser_led_by_its_time(text, stamped) -> None:
    assert _starts_with_stamp(_block(text)) is stamped
    assert _dated_item(_block(text)) is stamped


def test_the_next_anchor_is_within_three_lines_past_titles_only() -> None:
    stamp = _block("12:30", label="meta", rule="timestamp_only")
    title = _block("Мэр открыл новый мост через реку")
    story = _block("Длинный абзац истории. " * 20)
    assert _next_anchor([stamp, stamp], 0, [False, False]) == 1
    assert _next_anchor([stamp, title, title, stamp], 0, [False] * 4) == 3
    assert _next_anchor([stamp, title, title, title, stamp], 0, [False] * 5) is None
    assert _next_anchor([stamp, story, stamp], 0, [False] * 3) is None
    assert _next_anchor([stamp, title, title], 0, [False, False, True]) == 2


@pytest.mark.parametrize(("run", "slot"), [
    ([5], False), ([0, 1], False), ([3, 4], False), ([0, 2], True), ([0, 1, 3], True)])
def test_a_title_slot_is_a_gap_of_two_lines(run, slot) -> None:
    assert _gap_is_title_slot([], run) is slot


@pytest.mark.parametrize("rule", ["share_button", "login_link", "search_box", "list_header"])
def test_a_labelled_button_or_header_is_a_menu_item(rule) -> None:
    assert _menu_item(_block("Войти", label="chrome", rule=rule))
    assert not _menu_item(_block("Войти", label="chrome", rule="menu_run"))


@pytest.mark.parametrize(("n_words", "length", "item"), [
    (6, 30, True), (7, 30, False), (3, 60, True), (3, 61, False)])
def test_a_menu_item_is_short(n_words, length, item) -> None:
    assert _menu_item(_block("м" * length, n_words)) is item
    assert not _menu_item(_block("м" * 10, 2, sentence_end=True))


@pytest.mark.parametrize(("text", "n_words", "sentence_end", "heading"), [
    ("3. Maximalism Takes Center Stage", None, False, True),
    ("3. Maximalism Takes Center Stage.", None, True, False),
    ("Sakara is a meal kit", None, False, False),
    ("4) Sakara", 20, False, True), ("4) Sakara", 21, False, False)])
def test_a_listicle_item_heading(text, n_words, sentence_end, heading) -> None:
    assert _item_heading(_block(text, n_words, sentence_end=sentence_end)) is heading
