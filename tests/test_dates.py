"""Dates found in a line, and the premise the headline-list rule's quick answer rests on."""

from __future__ import annotations

import pytest

from cleaners.blocks import Block
from cleaners.rules.block_rules import _ends_with_date
from cleaners.words.dates import find_dates, has_date, is_timestamp_line, same_moment, url_day

CASES = [
    ("Опубликовано 2021-12-29T09:46", "2021-12-29T09:46:00"),
    ("29.12.2021 09:46", "2021-12-29T09:46:00"),
    ("10.04.201310:20", "2013-04-10T10:20:00"),
    ("23.Feb.2026", "2026-02-23"),
    ("27 ноября 2011", "2011-11-27"),
    ("1 дек 2016 г., 14:05", "2016-12-01T14:05:00"),
    ("27 ноября, 2011 в 6:19", "2011-11-27T06:19:00"),
    ("15:13 09 декабря 2011", "2011-12-09T15:13:00"),
    ("April 28, 2016 at 5:30", "2016-04-28T05:30:00"),
    ("Apr 28th 2016", "2016-04-28"),
    ("2011年12月15日 20:59", "2011-12-15T20:59:00"),
    ("2012年01月17日08:03", "2012-01-17T08:03:00"),
    # ordinal days, and month names beyond English and Russian
    ("16th Jan, 2012", "2012-01-16"),
    ("3 października 2019", "2019-10-03"),
    ("12 stycznia 2020 r. 14:30", "2020-01-12T14:30:00"),
    ("16. März 2012", "2012-03-16"),
    ("1er juillet 2012", "2012-07-01"),
    ("5 juin 2012", "2012-06-05"),
    ("16 de enero de 2012", "2012-01-16"),
    ("12 Μαΐου 2020", "2020-05-12"),
    ("5 Ιουλίου 2021", "2021-07-05"),
]


@pytest.mark.parametrize(("text", "iso"), CASES)
def test_each_date_form_is_found_and_ends_on_a_digit(text: str, iso: str) -> None:
    found = find_dates(text)
    assert [f.iso for f in found] == [iso]
    # _ends_with_date answers a line that has no digit among its last three characters
    # without looking for a date: every date find_dates knows ends on a digit, or on the
    # "日" (day) right after one
    assert text[found[0].end - 1].isdecimal() or (
        text[found[0].end - 1] == "日" and text[found[0].end - 2].isdecimal())


def test_a_chinese_date_without_a_time_ends_on_its_day() -> None:
    found = find_dates("2008年11月4日，他第一次無償獻血400毫升。")
    assert [(f.iso, f.end) for f in found] == [("2008-11-04", 10)]
    assert _ends_with_date(_line("北京舉行新春團拜會 2012年1月17日"))


def test_no_year_no_date() -> None:
    assert find_dates("МОСКВА, 1 дек - РИА Новости.") == []
    assert find_dates("31.02.2020") == []  # no such day


def _line(text: str) -> Block:
    b = Block(index=0, text=text, raw=text)
    b.compute_features()
    return b


@pytest.mark.parametrize(("text", "dated"), [
    ("Награждены победители конкурса 26 ноября 2011, 6:19", True),
    ("Награждены победители конкурса 26 ноября 2011.", True),  # a stop after it
    ("Награждены победители конкурса 26 ноября 2011 года", False),  # a word after it
    ("26 ноября 2011 награждены победители конкурса", False),  # the date leads
    ("Вчера 2011", False),  # too short for a teaser
])
def test_a_teaser_ends_with_its_own_date(text: str, dated: bool) -> None:
    assert _ends_with_date(_line(text)) is dated


def test_other_languages_month_stems_do_not_make_a_name_a_month() -> None:
    # month_number tells a name from a month for bylines: it knows English and Russian only,
    # so "Lis" or "Mai" stays a name (find_dates still reads "3 lis 2019")
    from cleaners.words.dates import month_number
    assert month_number("Lis") is None and month_number("Mai") is None
    assert month_number("Sept.") == 9


@pytest.mark.parametrize("url, day", [
    ("https://example.org/2025/12/18/a-story/", "2025-12-18"),
    ("https://example.org/news/2011-11-28-a-story.html", "2011-11-28"),
    ("https://example.org/2025/12/a-story/", None),
    ("https://example.org/a-story?date=2025/12/18/", None),
    ("https://example.org/2025/13/18/a-story", None),
    ("https://example.org/2025/02/31/a-story", None),
    (None, None),
])
def test_url_day(url, day) -> None:
    assert url_day(url) == day


def test_same_moment() -> None:
    assert same_moment("2026-02-22T19:57:30-05:00", "2026-02-23T00:57:30+00:00")
    assert not same_moment("2026-02-22T19:57:30", "2026-02-23T00:57:30+00:00")
    assert not same_moment("2026-02-22", "2026-02-22T00:00:00+00:00")
    assert not same_moment("2026-02-22T19:57:30-05:00", "2026-02-22T19:57:30+00:00")


@pytest.mark.parametrize("text, iso", [
    ("Thu, 01/12/2012 - 9:35am", "2012-01-12"),  # Thursday 12 January, not Sunday 1 Dec
    ("Sat, 01/12/2012", "2012-12-01"),  # the weekday names the day-first reading
    ("01/12/2012", "2012-12-01"),  # no evidence: day first
    ("Posted 12/25/2012 10:00", "2012-12-25T10:00:00"),  # no 25th month: month first
    ("Thu, 01.12.2012", "2012-12-01"),  # dots: day first whatever the weekday
    ("13/25/2012", None),
])
def test_a_slashed_date_is_read_month_first_only_on_evidence(text, iso) -> None:
    found = find_dates(text)
    assert (found[0].iso[:len(iso)] if found else None) == iso


# ------------------------------------------------------------------ a text page's date order


def _page(*rows: tuple[str, str, str]) -> tuple[list, tuple[int, int]]:
    """Blocks from (text, label, rule) rows; the span is the body blocks' first and last."""
    from cleaners.blocks import Block

    blocks = [Block(i, text, "", label=label, rule=rule)  # type: ignore[arg-type]
              for i, (text, label, rule) in enumerate(rows)]
    body = [b.index for b in blocks if b.label == "body"]
    return blocks, (body[0], body[-1])


STORY_LINE = ("Городская дума утвердила бюджет на следующий год после долгих споров о "
              "школах, дорогах и новой станции очистки воды.")
TITLE = ("Дума утвердила бюджет", "title", "title")
BODY = (STORY_LINE, "body", "body_region")


def test_a_date_line_above_the_title_is_the_storys_when_none_stands_nearer():
    """#23: dropping the search above the title survived every test."""
    from cleaners.article.dates import story_date

    blocks, span = _page(("17.01.2012 18:16", "meta", "timestamp_only"), TITLE, BODY, BODY)
    assert story_date(blocks, span, False) == "2012-01-17T18:16:00"


def test_the_date_under_the_title_comes_before_one_after_the_story():
    """#23: preferring the date after the story to the one under the title survived."""
    from cleaners.article.dates import story_date

    blocks, span = _page(TITLE, ("17.01.2012 18:16", "meta", "timestamp_only"), BODY, BODY,
                         ("18.01.2012 09:00", "meta", "timestamp_only"))
    assert story_date(blocks, span, False) == "2012-01-17T18:16:00"
    # and a date after the story counts where none stands under the title
    blocks, span = _page(TITLE, BODY, BODY, ("18.01.2012 09:00", "meta", "timestamp_only"))
    assert story_date(blocks, span, False) == "2012-01-18T09:00:00"


def test_a_date_past_a_headline_list_under_the_story_is_another_storys():
    """#23: no stop at a foreign list survived: the dates after a 'latest news' list
    belong to its headlines."""
    from cleaners.article.dates import story_date

    blocks, span = _page(TITLE, BODY, BODY,
                         ("Новости дня", "chrome", "headline_list"),
                         ("18.01.2012 09:00", "meta", "timestamp_only"))
    assert story_date(blocks, span, False) is None


@pytest.mark.parametrize("text", [
    "Газета № 8 от 17 января 2012 года", "Posted on November 20, 2019", "17.01.2012 18:16",
    "Другие новости номера", "In 2019 the club won", "Share this story",
])
def test_has_date_answers_as_find_dates_does_asked_twice(text: str) -> None:
    # remembered per text: the second answer is the first, and both are find_dates's
    assert has_date(text) is bool(find_dates(text))
    assert has_date(text) is bool(find_dates(text))


# ------------------------------------------------------------- HTML pages (#23)

LONG_STORY = STORY_LINE * 4  # a paragraph (over 300 characters), not a date line


def _html_date(*rows: tuple[str, str, str, float]) -> str | None:
    """story_date of an HTML page's blocks from (text, label, rule, link density) rows."""
    from cleaners.article.dates import story_date

    blocks = [Block(i, text, "", label=label, rule=rule, link_density=links)  # type: ignore[arg-type]
              for i, (text, label, rule, links) in enumerate(rows)]
    return story_date(blocks, None, True)


H_TITLE = ("Дума утвердила бюджет", "title", "headline", 0.0)
H_BODY = (STORY_LINE, "body", "body_region", 0.0)


def test_an_html_page_takes_no_date_from_a_link_list_or_a_paragraph_above_its_headline():
    """A 'latest news' link above the headline, or a long paragraph, holds another story's
    date; a short plain date line there is the story's."""
    links = ("Другие новости 03.03.2020 12:00", "meta", "link_block", 0.9)
    assert _html_date(links, H_TITLE, H_BODY, H_BODY) is None
    other = ("03.03.2020 12:00 " + LONG_STORY, "meta", None, 0.0)
    assert _html_date(other, H_TITLE, H_BODY, H_BODY) is None
    own = ("17.01.2012 18:16", "meta", "timestamp_only", 0.0)
    assert _html_date(links, own, H_TITLE, H_BODY, H_BODY) == "2012-01-17T18:16:00"


def test_an_html_page_takes_a_linked_date_bar_right_under_its_headline():
    """'17.01.2012 18:16 Иван Петров' with its links (a byline bar) under the headline."""
    bar = ("17.01.2012 18:16 Иван Петров", "meta", "link_block", 0.9)
    assert _html_date(H_TITLE, bar, H_BODY, H_BODY) == "2012-01-17T18:16:00"


def test_an_html_page_reads_a_date_from_its_first_story_lines_but_not_a_later_paragraph():
    first = ("17.01.2012 18:16 " + LONG_STORY, "body", "body_region", 0.0)
    assert _html_date(H_TITLE, first, H_BODY, H_BODY) == "2012-01-17T18:16:00"
    third = ("17.01.2012 18:16 " + LONG_STORY, "body", "body_region", 0.0)
    assert _html_date(H_TITLE, H_BODY, H_BODY, third) is None


# ------------------------------------------------------------- text pages (#23)

def _text_date_of(*rows: tuple[str, str, str | None]) -> str | None:
    from cleaners.article.dates import story_date

    blocks, span = _page(*rows)  # type: ignore[arg-type]
    return story_date(blocks, span, False)


def test_a_short_line_among_the_three_under_a_text_title_holds_its_date():
    """Whatever rule dropped it ('Иван Петров 17.01.2012' may be taken for a menu item)."""
    place, name = ("Москва", "meta", None), ("Иван Петров", "meta", None)
    dated = ("17.01.2012 18:16", "meta", None)
    blank = ("", "meta", None)
    assert _text_date_of(TITLE, place, blank, name, dated, BODY, BODY) == "2012-01-17T18:16:00"
    # a fourth line down is the story's start or a teaser, not its date line
    assert _text_date_of(TITLE, place, name, ("Погода", "meta", None), dated, BODY) is None
    # twelve words with the date still make a byline line
    byline = ("Автор Иван Петров специальный корреспондент отдела городской политики газеты "
              "Вести 17.01.2012 18:16", "meta", None)
    assert _text_date_of(TITLE, byline, BODY, BODY) == "2012-01-17T18:16:00"


def test_a_headline_list_under_a_text_title_holds_other_stories_dates():
    teaser = ("Ещё новости: мэр уехал в отпуск 17.01.2012 18:16", "meta", "headline_list")
    assert _text_date_of(TITLE, teaser, BODY, BODY) is None


def test_a_date_after_a_text_story_comes_before_one_above_its_title():
    above = ("18.01.2012 09:00", "meta", "timestamp_only")
    after = ("19.01.2012 09:00", "meta", "timestamp_only")
    assert _text_date_of(above, TITLE, BODY, BODY, after) == "2012-01-19T09:00:00"
    # and a date line between the title and the story (past its first lines) before both
    lines = [(f"Строка {i}", "meta", None) for i in range(3)]
    under = ("17.01.2012 18:16", "meta", "timestamp_only")
    assert _text_date_of(above, TITLE, *lines, under, BODY, BODY, after) == (
        "2012-01-17T18:16:00")


def test_a_text_storys_date_after_it_stands_within_eight_lines_not_past_a_list_header():
    after = ("19.01.2012 09:00", "meta", "timestamp_only")
    chrome = [(f"Рубрика {i}", "chrome", None) for i in range(9)]
    credit = ("Фото: Анна Ли", "meta", "image_credit")  # lifted lines are not counted
    blank = ("", "blank", None)
    assert _text_date_of(TITLE, BODY, BODY, blank, *chrome[:8], credit, credit, after) == (
        "2012-01-19T09:00:00")
    assert _text_date_of(TITLE, BODY, BODY, *chrome, after) is None
    header = ("Читайте также", "meta", "list_header")
    assert _text_date_of(TITLE, BODY, BODY, header, after) is None
    # ... where a date line above the title is then the story's
    above = ("18.01.2012 09:00", "meta", "timestamp_only")
    assert _text_date_of(above, TITLE, BODY, BODY, header, after) == "2012-01-18T09:00:00"


def test_an_html_page_takes_no_date_from_a_link_dense_block_or_a_link_block_above_it():
    dense = ("Другие новости 03.03.2020 12:00", "meta", None, 0.9)
    marked = ("Другие новости 03.03.2020 12:00", "meta", "link_block", 0.0)
    for above in (dense, marked):
        assert _html_date(above, H_TITLE, H_BODY, H_BODY) is None
    half = ("17.01.2012 18:16 Иван Петров", "meta", None, 0.5)  # half its text linked: a byline
    assert _html_date(half, H_TITLE, H_BODY, H_BODY) == "2012-01-17T18:16:00"


def test_a_date_deep_in_the_first_paragraph_is_one_the_story_mentions_not_its_own():
    deep = (STORY_LINE * 2 + " 17.01.2012 18:16 " + STORY_LINE, "body", "body_region", 0.0)
    assert len(deep[0].split("17.01.2012")[0]) > 200
    assert _html_date(H_TITLE, deep, H_BODY) is None


def test_a_text_page_without_a_story_has_no_date():
    from cleaners.article.dates import story_date

    blocks, _span = _page(TITLE, ("17.01.2012 18:16", "meta", "timestamp_only"), BODY)
    assert story_date(blocks, None, False) is None  # no story region found
    blocks[2].label = "chrome"  # the only story block dropped after all
    assert story_date(blocks, (2, 2), False) is None


@pytest.mark.parametrize(("text", "stamp"), [
    ("Nov 5", True), ("6 March", True), ("Sept. 5", True), ("3 мая", True),
    ("17 ноября 2011", True), ("5 juin 2012", True),
    # a name that opens with a month's letters is no month: a product or a state in a table
    ("Novablast 5", False), ("6 Maryland", False), ("Decathlon 3", False),
])
def test_a_stamp_names_a_whole_month(text: str, stamp: bool) -> None:
    assert is_timestamp_line(text) is stamp
