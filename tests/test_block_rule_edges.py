"""The block rules over small hand-made pages: which lines each rule takes, with which
label and note, at each of its limits (run lengths, reach, counts, the lines a list may
take in above and below it).

Each page is a list of lines, one block each ("" a blank line), so the front end's
joining of wrapped lines plays no part; the line rules run first where a block rule reads
their labels (anchors, credits, headers), as the plan runs them. Expected labels are
worked out from each rule's docstring and constants: the mutants of ``make mutate`` that
tests/test_page_rules.py (whole pages) let through are what these pin down.
"""

from __future__ import annotations

import itertools

import pytest

from cleaners.blocks import Block
from cleaners.engine import run_line_pass
from cleaners.rules import REGISTRY, PageContext
from cleaners.words.normalise import normalise_line

_SYLLABLES = ["".join(p) for p in itertools.product("bdfgklmnprstvz", "aeiou", "lnrst")]


def prose(n: int, start: int = 0) -> str:
    """``n`` different lower-case words, no stopword, no full stop: a line no line rule
    takes and every block rule reads as plain text (title-like up to 30 words)."""
    return " ".join(_SYLLABLES[start:start + n])


def page_blocks(lines: list[str]) -> list[Block]:
    """One block per line, as the text front end makes them ("" is a blank line)."""
    blocks: list[Block] = []
    blank = True
    for raw in lines:
        if not raw:
            blocks.append(Block(len(blocks), "", raw, blank_before=blank, label="blank"))
            blank = True
            continue
        norm, bullet, indent = normalise_line(raw, False)
        block = Block(len(blocks), norm, raw, bullet=bullet, indent=indent, blank_before=blank)
        block.compute_features()
        blank = False
        blocks.append(block)
    return blocks


def apply(rule_name: str, lines: list[str], *, line_pass: bool = True,
          before: dict[int, tuple[str, str]] | None = None) -> list[Block]:
    """The page's blocks after the line pass (if asked) and the rule. ``before``: labels
    (line number -> (label, rule)) set by hand before the rule runs."""
    blocks = page_blocks(lines)
    ctx = PageContext(input_format="text")
    if line_pass:
        run_line_pass(blocks, ctx)
    for i, (label, rule) in (before or {}).items():
        blocks[i].mark(label, rule)  # type: ignore[arg-type]
    REGISTRY[rule_name].fn(blocks, ctx)
    return blocks


def taken(rule_name: str, blocks: list[Block]) -> dict[int, str]:
    """Line number -> note, for the lines ``rule_name`` labelled."""
    return {b.index: b.note for b in blocks if b.rule == rule_name}


# --- teaser_list: a headline printed twice, then its summary -------------------------------

def test_teasers_printed_twice_take_their_summaries_up_to_80_words() -> None:
    lines = ["Floods return", "Floods return", prose(80),  # two words will do
             "12:30",  # a time line: labelled, so the next pair's line before is decided
             "Fire closes the old mill", "Fire closes the old mill", prose(81, 100)]
    blocks = apply("teaser_list", lines)
    assert taken("teaser_list", blocks) == {
        0: "teaser headline", 1: "teaser headline, printed twice", 2: "teaser summary",
        4: "teaser headline", 5: "teaser headline, printed twice"}
    assert {b.label for b in blocks if b.rule == "teaser_list"} == {"chrome"}
    assert blocks[6].undecided  # 81 words: a story paragraph, no summary


def test_a_summary_on_the_last_line_is_taken() -> None:
    lines = [prose(12), "Floods return home", "Floods return home", prose(5, 20),
             "Fire closes the old mill", "Fire closes the old mill", prose(6, 40)]
    assert taken("teaser_list", apply("teaser_list", lines)) == {
        1: "teaser headline", 2: "teaser headline, printed twice", 3: "teaser summary",
        4: "teaser headline", 5: "teaser headline, printed twice", 6: "teaser summary"}


def test_one_doubled_headline_and_a_site_name_at_both_ends_are_no_teaser_list() -> None:
    """A page opens and closes on its site's name: the first line and the last are no
    pair (nothing comes before the first)."""
    lines = ["Example News Daily", "Fire closes the old mill", "Fire closes the old mill",
             prose(20), "Example News Daily"]
    assert taken("teaser_list", apply("teaser_list", lines)) == {}


# --- menu_run: runs of short items ----------------------------------------------------------

def test_four_bare_items_from_the_first_line_are_a_menu() -> None:
    lines = ["News", "Sport", "Culture", "Weather", prose(20)]
    assert taken("menu_run", apply("menu_run", lines, line_pass=False)) == \
        dict.fromkeys(range(4), "run of 4 short items")


def test_five_items_after_a_blank_are_a_menu_and_the_sentence_after_them_stays() -> None:
    lines = [prose(20) + ".", "", "News", "Sport", "Culture", "Weather", "Travel",
             "The council met on Tuesday."]
    blocks = apply("menu_run", lines, line_pass=False)
    assert taken("menu_run", blocks) == dict.fromkeys(range(2, 7), "run of 5 short items")
    assert blocks[7].undecided and blocks[0].undecided


@pytest.mark.parametrize(("lines", "menu"), [
    (["• News", "• Sport", prose(20) + "."], {0, 1}),  # two bulleted items
    (["• News", "• Sport", "Culture", prose(20) + "."], {0, 1, 2}),  # all bulleted but one
    (["• News", "Sport", "Culture", prose(20) + "."], set()),  # one bullet in three
    (["• News", "Sport", prose(20) + "."], set()),  # one bullet in two
    (["News", "Sport", prose(20) + "."], set()),  # two bare items
    (["News", "Sport", "Culture", prose(20) + "."], set()),  # three bare items
    (["News", "Sport", "", "Culture", "Weather", prose(20) + "."], set()),  # a blank parts them
    (["• News", "• Sport", "", "• Culture", prose(20) + "."], {0, 1, 3}),  # bullets go on
])
def test_menu_runs_by_bullets_and_blanks(lines: list[str], menu: set[int]) -> None:
    blocks = apply("menu_run", lines, line_pass=False)
    assert set(taken("menu_run", blocks)) == menu


# --- image_caption: the lines right above an image credit -----------------------------------

def test_up_to_three_lines_above_a_credit_are_its_caption() -> None:
    lines = [prose(20) + ".", "", prose(5, 20), prose(6, 30), prose(7, 40), prose(8, 50),
             "Photo: Reuters"]
    blocks = apply("image_caption", lines)
    assert blocks[6].rule == "image_credit"
    assert taken("image_caption", blocks) == dict.fromkeys(
        (3, 4, 5), "caption of the image credited below")
    assert {blocks[i].label for i in (3, 4, 5)} == {"meta"}
    assert blocks[2].undecided
    assert blocks[6].lifted.caption == " ".join((prose(6, 30), prose(7, 40), prose(8, 50)))


def test_a_caption_on_the_first_line_and_a_line_after_the_credit() -> None:
    blocks = apply("image_caption", [prose(5), "Photo: Reuters", prose(6, 20)])
    assert taken("image_caption", blocks) == {0: "caption of the image credited below"}
    assert blocks[2].undecided
    assert blocks[1].lifted.caption == prose(5)


@pytest.mark.parametrize(("above", "caption"), [
    ("12:30", False),  # a line a rule already labelled ends the caption
    (prose(40, 100), True),  # forty words: a caption still
    (prose(41, 100), False),  # forty-one: story
])
def test_what_ends_a_caption(above: str, caption: bool) -> None:
    lines = [prose(12) + ".", "", above, prose(6, 20), "Photo: Reuters"]
    blocks = apply("image_caption", lines)
    assert set(taken("image_caption", blocks)) == ({2, 3} if caption else {3})
    assert blocks[4].lifted.caption == (f"{above} {prose(6, 20)}" if caption else prose(6, 20))


def test_a_credit_with_nothing_above_has_no_caption() -> None:
    blocks = apply("image_caption", [prose(12) + ".", "", "Photo: Reuters"])
    assert taken("image_caption", blocks) == {}
    assert blocks[2].lifted.caption is None


# --- hashtag_block ------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "tag", "note"), [
    ("#Москва", "Москва", "tag 'Москва'"),
    ("#Xbox", "Xbox", "tag 'Xbox'"),
    ("#one-two-three-four", "one-two-three-four", "tag 'one-two-three-four'"),  # four words
    ("#", None, "empty tag"),
])
def test_a_hashtag_line_is_a_tag(line: str, tag: str | None, note: str) -> None:
    blocks = apply("hashtag_block", [prose(12) + ".", line], line_pass=False)
    assert taken("hashtag_block", blocks) == {1: note}
    assert blocks[1].label == "meta"
    assert (blocks[1].lifted.tags if tag else (blocks[1].lifted or None)) == \
        ([tag] if tag else None)


def test_a_hashtag_of_five_words_is_no_tag() -> None:
    blocks = apply("hashtag_block", [prose(12) + ".", "#one-two-three-four-five"],
                   line_pass=False)
    assert taken("hashtag_block", blocks) == {} and blocks[1].lifted is None


@pytest.mark.parametrize("line", ["#X Factor", "#Brexit deal", "#1 hit"])
def test_a_hash_before_two_words_is_no_tag(line: str) -> None:
    """A tag is one word written against its "#" (the rule's docstring): "#X Factor" is a
    heading or a sentence's start, whatever its first word."""
    blocks = apply("hashtag_block", [prose(12) + ".", line], line_pass=False)
    assert taken("hashtag_block", blocks) == {} and blocks[1].lifted is None


def test_a_hashtag_under_a_list_header_label_is_relabelled_and_others_keep_theirs() -> None:
    blocks = apply("hashtag_block", ["#Москва", "#Сочи"], line_pass=False,
                   before={0: ("chrome", "list_header"), 1: ("chrome", "menu_line")})
    assert (blocks[0].label, blocks[0].rule) == ("meta", "hashtag_block")
    assert (blocks[1].label, blocks[1].rule) == ("chrome", "menu_line")
    assert blocks[0].lifted.tags == ["Москва"] and blocks[1].lifted.tags == ["Сочи"]


# --- tags_follow: the tags on the line after a bare label ---------------------------------------

@pytest.mark.parametrize(("line", "tags"), [
    ("наука, СПИД", ["наука", "СПИД"]),
    ("#наука, СПИД.", ["наука", "СПИД"]),
    ("наука, #, СПИД", ["наука", "СПИД"]),
    ("X, наука", ["X", "наука"]),
    ("one two three four five, six", ["one two three four five", "six"]),  # five words a tag
    (", ".join(["one two three"] * 10), ["one two three"] * 10),  # thirty words
])
def test_the_line_after_a_tags_label_is_its_tags(line: str, tags: list[str]) -> None:
    blocks = apply("tags_follow", [prose(12) + ".", "Теги:", line])
    assert blocks[1].rule == "tags_line"
    assert taken("tags_follow", blocks) == {2: f"{len(tags)} tags"}
    assert blocks[2].label == "meta" and blocks[2].lifted.tags == tags


@pytest.mark.parametrize("line", [
    "one two three four five six, seven",  # a six-word item is a phrase, no tag
    ", ".join(["one two three"] * 10) + " four",  # thirty-one words
])
def test_a_line_after_a_tags_label_that_holds_no_tags(line: str) -> None:
    blocks = apply("tags_follow", [prose(12) + ".", "Теги:", line])
    assert taken("tags_follow", blocks) == {} and blocks[2].lifted is None


# --- related_list: the links under a "read also" header -----------------------------------------

def test_ten_links_under_a_header_at_most_each_up_to_sixty_words() -> None:
    links = [prose(60)] + [prose(4, 10 * k) for k in range(1, 11)]  # eleven lines
    blocks = apply("related_list", ["Читайте также", *links])
    assert blocks[0].rule == "list_header"
    assert taken("related_list", blocks) == dict.fromkeys(
        range(1, 11), "a link under 'Читайте также'")
    assert blocks[11].undecided


def test_a_sixty_one_word_line_ends_the_links_and_a_second_header_has_its_own() -> None:
    lines = ["Читайте также", prose(4), prose(61, 20), prose(4, 100),
             "Читайте также", prose(5, 110), prose(6, 120)]
    blocks = apply("related_list", lines)
    assert set(taken("related_list", blocks)) == {1, 5, 6}


# --- truncated_teasers: summaries cut short -----------------------------------------------------

def test_three_summaries_cut_short_within_reach_are_a_list() -> None:
    lines = [prose(8, 0) + "...", prose(20, 10) + ".", prose(20, 40) + ".", prose(20, 70) + ".",
             prose(8, 100) + "…", prose(20, 110) + ".", prose(8, 140) + " ..."]
    blocks = apply("truncated_teasers", lines, line_pass=False)
    # each cut line four lines after the last: one list
    assert taken("truncated_teasers", blocks) == dict.fromkeys(
        (0, 4, 6), "3 summaries cut short")


def test_cut_lines_five_apart_are_no_list() -> None:
    lines = [prose(8) + "..."] + [prose(20, 10 + 20 * k) + "." for k in range(4)] + \
        [prose(8, 100) + "..."] + [prose(20, 110 + 20 * k) + "." for k in range(4)] + \
        [prose(8, 200) + "..."]
    assert taken("truncated_teasers", apply("truncated_teasers", lines, line_pass=False)) == {}


def test_two_lists_of_cut_lines_counted_apart_and_a_pair_is_none() -> None:
    cut = [prose(6, 10 * k) + "..." for k in range(9)]
    story = [prose(20, 200 + 25 * k) + "." for k in range(6)]
    lines = [*cut[:4], *story, *cut[4:7], *story[:5], *cut[7:9]]
    blocks = apply("truncated_teasers", lines, line_pass=False)
    assert taken("truncated_teasers", blocks) == {
        **dict.fromkeys(range(4), "4 summaries cut short"),
        **dict.fromkeys(range(10, 13), "3 summaries cut short")}


def test_only_undecided_lines_ending_cut_short_count() -> None:
    lines = [prose(8) + "...", prose(8, 10) + "...", prose(8, 20) + "...",
             "Flights resume at Baltimore"]
    # the third was labelled by a line rule, the fourth ends on "more" but is not cut
    blocks = apply("truncated_teasers", lines, line_pass=False,
                   before={2: ("chrome", "related_link")})
    assert taken("truncated_teasers", blocks) == {}


def test_a_short_caption_with_its_less_toggle() -> None:
    blocks = apply("truncated_teasers", [prose(20) + ".", "Rescuers at the mill. less"],
                   line_pass=False)
    assert taken("truncated_teasers", blocks) == {1: "a caption with its more / less toggle"}


# --- headline_list: short headlines interleaved with times, dates or counters ---------------

H = ["Floods hit the town", "Fire closes the old mill", "Council votes on the budget",
     "Rain returns to the north", "Bridge opens after repairs"]


def headline_list(lines: list[str]) -> dict[int, str]:
    blocks = apply("headline_list", lines)
    assert {b.label for b in blocks if b.rule == "headline_list"} <= {"chrome"}
    return taken("headline_list", blocks)


def listed(lines: range | list[int], n: int) -> dict[int, str]:
    return dict.fromkeys(lines, f"list of {n} dated/counted items")


def test_a_headline_list_takes_the_title_above_its_first_time_and_below_its_last() -> None:
    lines = [H[0], "12:30", H[1], "12:45", H[2], "13:00", H[3],
             "The council said on Tuesday that the plan would cost more."]
    assert headline_list(lines) == listed(range(7), 3)


def test_a_headline_list_from_the_first_line_to_the_last() -> None:
    assert headline_list(["12:30", H[0], "12:45", H[1], "13:00", H[2]]) == listed(range(6), 3)


@pytest.mark.parametrize(("before", "after", "first", "last"), [
    # a line that ends a sentence is no headline of the list, above or below it
    ("The town woke up.", "The council met.", 1, 6),
    # nor a line of more than 30 words
    (prose(31), prose(31, 40), 1, 6),
])
def test_what_a_headline_list_does_not_take_in(before, after, first, last) -> None:
    lines = [before, "12:30", H[1], "12:45", H[2], "13:00", H[3], after]
    assert headline_list(lines) == listed(range(first, last + 1), 3)


def test_the_title_above_is_taken_in_only_right_above_the_first_time() -> None:
    lines = [prose(31), H[0], "12:30", H[1], "12:45", H[2], "13:00", H[3]]
    assert headline_list(lines) == listed(range(1, 8), 3)


def test_a_headline_inside_the_list_may_end_a_sentence() -> None:
    lines = [H[0], "12:30", "Fire closes the old mill.", "12:45", H[2], "13:00", H[3]]
    assert headline_list(lines) == listed(range(7), 3)


def test_counters_are_anchors_and_their_lines_are_the_lists() -> None:
    lines = [H[0], "356", H[1], "1024", H[2], "77", prose(20) + "."]
    blocks = apply("headline_list", lines)
    assert taken("headline_list", blocks) == listed(range(6), 3)
    assert {b.label for b in blocks[:6]} == {"chrome"}


def test_two_dated_teasers_in_a_row_are_a_list() -> None:
    lines = [prose(20) + ".", "Floods hit the town 26.11.2011", "Fire closes the mill 27.11.2011",
             prose(20, 40) + "."]
    assert headline_list(lines) == listed([1, 2], 2)


def test_one_title_between_the_last_two_of_three_times_makes_a_list() -> None:
    assert headline_list(["12:30", "12:45", H[0], "13:00"]) == listed(range(4), 3)


@pytest.mark.parametrize("lines", [
    ["12:30", "12:45", "13:00", H[0]],  # no headline inside the run of times
    ["12:30", H[0], "12:45", H[1]],  # two times only
    [prose(20) + ".", prose(20, 30) + ".", "12:30", prose(20, 60) + "."],  # one time in a story
])
def test_no_headline_list(lines: list[str]) -> None:
    assert headline_list(lines) == {}


# --- glued_teasers: headlines and summaries the page printed without a space ---------------

def glued(word: str, k: int) -> str:
    """A line that glues ``word`` (a capital after two lower-case letters) into a teaser."""
    return f"{prose(3, 200 + 7 * k)} {word} {prose(3, 300 + 7 * k)}"


G = ["finaleFord", "mountainРека", "seasonOpens", "villageMill", "riverBank", "cityHall",
     "townSquare", "marketDay", "harbourWall", "valleyRoad", "forestPath"]


def glued_teasers(lines: list[str]) -> dict[int, str]:
    return taken("glued_teasers", apply("glued_teasers", lines, line_pass=False))


def test_three_glued_lines_from_the_first_are_a_list() -> None:
    lines = [glued(G[0], 0), glued(G[1], 1), glued(G[2], 2), prose(20) + "."]
    assert glued_teasers(lines) == dict.fromkeys(range(3), "3 teasers glued to headlines")


def test_a_glued_line_three_after_the_last_goes_on_with_the_list() -> None:
    lines = [prose(20) + "."] + [glued(G[k], k) for k in range(3)] + \
        [prose(20, 30) + ".", prose(20, 60) + ".", glued(G[3], 3), prose(20, 90) + "."]
    assert glued_teasers(lines) == dict.fromkeys(range(1, 7), "4 teasers glued to headlines")


def test_glued_lines_at_half_the_lines_of_their_stretch() -> None:
    lines = [glued(G[0], 0), prose(20) + ".", glued(G[1], 1), prose(20, 30) + ".",
             prose(20, 60) + ".", glued(G[2], 2), prose(20, 90) + "."]
    assert glued_teasers(lines) == dict.fromkeys(range(6), "3 teasers glued to headlines")


def test_glued_lines_three_apart_are_too_sparse_for_a_list() -> None:
    lines = [glued(G[0], 0), prose(20) + ".", prose(20, 30) + ".", glued(G[1], 1),
             prose(20, 60) + ".", prose(20, 90) + ".", glued(G[2], 2)]
    assert glued_teasers(lines) == {}


def test_a_list_far_down_the_page_and_a_lone_glued_line_and_pair_far_from_it() -> None:
    story = [prose(20, 25 * k) + "." for k in range(9)]
    lines = [*story[:9], glued(G[0], 0), glued(G[1], 1), glued(G[2], 2), *story[:5],
             glued(G[3], 3), *story[:5], glued(G[4], 4), glued(G[5], 5), *story[:4]]
    assert glued_teasers(lines) == dict.fromkeys(range(9, 12), "3 teasers glued to headlines")


def test_a_glue_near_the_start_of_a_line_far_down_the_page() -> None:
    """Where each line starts in the page's text is worked out from their lengths: a glue
    two letters into a line, twenty lines down, is found on its own line."""
    lines = [prose(20, 25 * k) + "." for k in range(20)] + \
        [f"{w} {prose(8, 300 + 9 * k)}" for k, w in enumerate(G[:3])]
    assert glued_teasers(lines) == dict.fromkeys(range(20, 23), "3 teasers glued to headlines")


def test_a_word_glued_in_three_lines_is_a_name_and_does_not_count() -> None:
    lines = []
    for k in range(4):
        lines.append(glued(G[k], k))
        if k < 3:
            lines.append(glued("infoNation", 10 + k))
    # four teasers; the three lines that glue only the name sit inside their stretch
    assert glued_teasers(lines) == dict.fromkeys(range(7), "4 teasers glued to headlines")


def test_a_list_needs_seven_glued_words_in_ten_lines() -> None:
    words = [*G[:3], *G[:3], *G[3:7]]  # ten lines, seven words (three of them twice)
    assert glued_teasers([glued(w, k) for k, w in enumerate(words)]) == \
        dict.fromkeys(range(10), "10 teasers glued to headlines")
    words = [*G[:4], *G[:4], *G[4:6]]  # ten lines, six words
    assert glued_teasers([glued(w, k) for k, w in enumerate(words)]) == {}


def test_two_words_glued_over_and_over_are_no_list() -> None:
    words = [G[0], G[1], G[0], G[1]]
    assert glued_teasers([glued(w, k) for k, w in enumerate(words)]) == {}


def test_one_line_that_glues_a_word_every_twenty_words() -> None:
    eight = " ".join(f"{w}" for w in G[:8])  # eight glued words, eight words
    assert glued_teasers([prose(20) + ".", eight, prose(20, 40) + "."]) == \
        {1: "8 list items run together"}
    line = f"{eight} {prose(152, 60)}"  # eight glued words in 160
    assert glued_teasers([prose(20) + ".", line]) == {1: "8 list items run together"}
    assert glued_teasers([prose(20) + ".", line + " zulu"]) == {}


def test_a_list_ending_on_a_time_takes_in_no_long_line_below() -> None:
    lines = [H[0], "12:30", H[1], "12:45", H[2], "13:00", prose(31)]
    assert headline_list(lines) == listed(range(6), 3)


def test_dated_teasers_right_after_a_lone_time_are_still_a_list() -> None:
    """A time line whose run fails (no headline in it) does not hide the list of dated
    teasers that follows it: each is over 30 words, so no title of its own."""
    lines = ["12:30", prose(30) + " 26.11.2011", prose(30, 40) + " 27.11.2011",
             prose(20, 80) + "."]
    assert headline_list(lines) == listed([1, 2], 2)
