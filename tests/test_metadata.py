"""Page metadata: the printed byline and the markup's authors, what is not a person, and the
story's date from the markup before the text (issue 19, item 7). Small hand-written pages."""

from __future__ import annotations

import pytest

from cleaners.article.bylines import byline_names, person_like
from cleaners.html.meta import harvest
from cleaners.html.tree import parse_html
from cleaners.page import analyse_decoded

STORY = ("The council approved the new budget on Tuesday after a long debate about school "
         "funding, road repairs and the cost of the city's new water treatment plant. ")
MORE = ("Members said the plan would keep taxes flat for a second year while adding money for "
        "libraries, parks and the fire department, which had asked for two new engines. ")


def _html(head: str, top: str, sidebar: str = "") -> str:
    return (f"<html><head><title>Council passes budget | Town Gazette</title>{head}</head>"
            f"<body>{sidebar}<article><h1>Council passes budget</h1>{top}"
            f"<p>{STORY * 2}</p><p>{MORE * 2}</p><p>{STORY}{MORE}</p></article></body></html>")


def _article(html: str):
    return analyse_decoded(html, "html")[1]


# ------------------------------------------------------------------ names


@pytest.mark.parametrize("rest, names", [
    ("Jane Doe | May 1, 2024", ["Jane Doe"]),
    ("Jared Newman and Sam Singleton Nov 25, 2025 5:00 am", ["Jared Newman", "Sam Singleton"]),
    ("Jane Doe, Contributing writer", ["Jane Doe"]),
    ("A. J. Neal View In Digital Edition", ["A. J. Neal"]),
    ("Amanda Furrer Updated: Dec 19, 2025", ["Amanda Furrer"]),
    ("clicking the button you agree", []),
    ("James Gallagher Health reporter", ["James Gallagher"]),
    ("Jane Doe, Head of Marketing and Community Development", ["Jane Doe"]),
    ("Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
])
def test_byline_names_end_where_a_date_separator_or_role_begins(rest, names):
    assert byline_names(rest) == names


@pytest.mark.parametrize("name, ok", [
    ("Jane Doe", True), ("Ludwig van Beethoven", True), ("The Upwork Team", True),
    ("Иван Петров", True), ("admin", False), ("Staff", False), ("jane@example.com", False),
    ("https://example.com/jane", False), ("June", False), ("Wedding ChecklistsJust Engaged",
                                                             False),
    ("AA", False), ("Posted in 2024", False),
    ("One Two Three Four Five Six", False),
])
def test_person_like(name, ok):
    assert person_like(name) is ok


# ------------------------------------------------------------------ authors (HTML)


def test_printed_byline_beats_a_meta_author_naming_someone_else():
    html = _html('<meta name="author" content="KatieS">',
                 "<p class='meta'>By Aoife O'Riordan | December 18, 2025</p>")
    assert _article(html).authors == ["Aoife O'Riordan"]


def test_printed_byline_confirming_the_markup_keeps_the_markups_names():
    html = _html('<meta name="author" content="Jane Q. Doe">', "<p>By Jane Doe</p>")
    assert _article(html).authors == ["Jane Q. Doe"]


def test_a_contributors_label_names_the_author():
    assert _article(_html("", "<p>Contributors: Jane Doe</p>")).authors == ["Jane Doe"]
    assert _article(_html("", "<p>Contributor - Jane Doe</p>")).authors == ["Jane Doe"]


def test_written_by_label_over_a_name_and_a_byline_glued_to_by():
    html = _html("", "<div><span>Written by</span></div><div>Edzel Tabing</div>")
    assert _article(html).authors == ["Edzel Tabing"]
    glued = _html("", "<div class='post-meta'>ByTrevor Jones</div>")
    assert _article(glued).authors == ["Trevor Jones"]


def test_byline_after_the_date_on_one_line():
    html = _html("", "<p>Posted on December 18, 2025 Posted by John Scalzi 59 Comments</p>")
    assert _article(html).authors == ["John Scalzi"]


def test_author_classed_element_gives_the_name_not_its_date():
    html = _html("", "<div class='author-bar'><p>November 14, 2025</p>"
                     "<p>Linda Rosencrance</p></div>")
    assert _article(html).authors == ["Linda Rosencrance"]


def test_a_by_line_in_a_sidebar_far_from_the_headline_is_not_the_byline():
    sidebar = "".join(f"<p><a href='/{i}'>Other story number {i} about town</a></p>"
                      for i in range(12)) + "<p>By Someone Else</p>" + "".join(
        f"<p><a href='/x{i}'>Another story {i} on the council</a></p>" for i in range(12))
    html = _html("", "", sidebar=f"<div class='list'>{sidebar}</div>")
    assert _article(html).authors == []


def test_json_ld_author_by_reference_into_the_graph():
    ld = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "Article", "headline": "Council passes budget",
       "datePublished": "2025-12-18T21:09:22+00:00", "author": {"@id": "#/person/1"}},
      {"@type": "Person", "@id": "#/person/1", "name": "Rebecca Edwards"}]}</script>"""
    pm = harvest(parse_html(f"<html><head>{ld}</head><body></body></html>"))
    assert pm.authors == ["Rebecca Edwards"] and pm.people == ["Rebecca Edwards"]
    assert pm.published == "2025-12-18T21:09:22+00:00"


def test_the_first_json_ld_article_gives_the_date_not_a_later_one():
    ld = """<script type="application/ld+json">{"@type": "Article", "headline": "Story",
      "datePublished": "2025-12-18"}</script><script type="application/ld+json">
      {"@type": "Article", "headline": "A related story", "datePublished": "2025-03-01"}
      </script>"""
    pm = harvest(parse_html(f"<html><head>{ld}</head><body></body></html>"))
    assert pm.published == "2025-12-18" and pm.ld_headline == "Story"


def test_placeholders_and_addresses_are_not_authors():
    for value in ("admin", "jane@example.com"):
        html = _html(f'<meta name="author" content="{value}">', "")
        assert _article(html).authors == [], value


def test_the_site_as_meta_author_is_the_source_but_a_json_ld_person_stays_an_author():
    html = _html('<meta name="author" content="Town Gazette">', "")
    article = _article(html)
    assert article.authors == [] and article.source == "Town Gazette"
    ld = ('<script type="application/ld+json">{"@type": "BlogPosting", "author": '
          '{"@type": "Person", "name": "Town Gazette"}}</script>')
    assert _article(_html(ld, "")).authors == ["Town Gazette"]
    # a one-person site: the byline beside the headline names the site's own name too
    site = ("<title>Council passes budget — Jane Doe</title>"
            '<meta property="og:site_name" content="Jane Doe">')
    html = _html('<meta name="author" content="Jane Doe">' + site,
                 "<p>Written By Jane Doe</p>").replace(
        "<title>Council passes budget | Town Gazette</title>", "")
    assert _article(html).authors == ["Jane Doe"]
    html = _html('<meta name="author" content="Jane Doe">' + site, "").replace(
        "<title>Council passes budget | Town Gazette</title>", "")
    assert _article(html).authors == [] and _article(html).source == "Jane Doe"
    # the agency after the reporter in the byline stays the source
    html = _html('<meta name="author" content="Matt Smith, Town Gazette">',
                 "<p>By Matt Smith, Town Gazette</p>")
    assert _article(html).authors == ["Matt Smith"]
    assert _article(html).source == "Town Gazette"


# ------------------------------------------------------------------ dates (HTML)


def test_time_datetime_in_the_byline_bar_not_a_sidebar_time():
    sidebar = "<aside><p>Popular</p><time datetime='2020-01-01'>Jan 1, 2020</time></aside>"
    html = _html("", "<div class='byline'>By Jane Doe <time datetime='2025-05-14T19:30:03-07:00'>"
                     "May 14, 2025</time></div>", sidebar=sidebar)
    assert _article(html).published == "2025-05-14T19:30:03-07:00"


def test_a_microformat_published_date_gives_its_title_not_its_text():
    # hAtom: the machine date stands in the title; the text's "01.11.12" has no full year
    html = _html("", "<h5 class='storyPublishDate published' title='2012-01-11T18:02:36Z'>"
                     "Posted on Wednesday, 01.11.12</h5>")
    assert _article(html).published == "2012-01-11T18:02:36+00:00"
    # a title that is no date is not read as one
    html = _html("", "<p class='published' title='Town Gazette'>Posted on January 11, 2012</p>")
    assert _article(html).published == "2012-01-11"


def test_a_short_date_line_in_a_container_beside_the_headline_counts():
    html = _html("", "<div class='share-bar'>Published: August 08, 2023 Author: Pat Smart"
                     "</div>")
    assert _article(html).published == "2023-08-08"


def test_markup_date_first_unless_the_printed_date_confirms_another_markup_source():
    ld = ('<script type="application/ld+json">{"@type": "Article", '
          '"datePublished": "2018-04-03T16:50:31Z"}</script>')
    meta = '<meta property="article:published_time" content="2025-12-19T18:06:00Z">'
    printed = "<p>Updated: Dec 19, 2025</p>"
    assert _article(_html(ld + meta, printed)).published == "2025-12-19T18:06:00+00:00"
    assert _article(_html(ld + meta, "")).published == "2018-04-03T16:50:31+00:00"
    assert _article(_html(ld, printed)).published == "2018-04-03T16:50:31+00:00"


def test_a_printed_updated_day_the_markup_states_as_modified_wins_over_json_ld_alone():
    # the page shows its reader only the updated day; JSON-LD (schema.org alone) states an
    # older first-published day: the printed day, as the markup writes it
    ld = ('<script type="application/ld+json">{"@type": "Article", "datePublished": '
          '"2024-04-10T19:30:39Z", "dateModified": "2025-09-04T19:24:33Z"}</script>')
    printed = "<p>Last updated: Sep 4, 2025</p>"
    assert _article(_html(ld, printed)).published == "2025-09-04T19:24:33+00:00"
    # an article:published_time <meta> states the first-published day a second time: kept
    og = '<meta property="article:published_time" content="2024-04-10T19:30:39Z">'
    assert _article(_html(ld + og, printed)).published == "2024-04-10T19:30:39+00:00"
    # a printed day no markup date states is not taken over the markup's
    assert _article(_html(ld, "<p>Last updated: Sep 9, 2025</p>")).published == \
        "2024-04-10T19:30:39+00:00"
    # nor the modified day when the page prints none
    assert _article(_html(ld, "")).published == "2024-04-10T19:30:39+00:00"


def test_a_printed_day_the_url_files_the_story_under_wins_over_the_markup_day():
    # 23:00 UTC on the 2nd is already the 3rd where the site is; the page prints the 3rd
    # and files the story under /2025/12/03/
    og = '<meta property="article:published_time" content="2025-12-02T23:00:55+00:00">'
    printed = "<p>Published: 03 Dec 2025</p>"
    url = "https://example.org/2025/12/03/council-passes-budget/"
    assert analyse_decoded(_html(og, printed), "html", url=url)[1].published == "2025-12-03"
    # without the URL's word, a printed day after the markup's may be an update: markup
    assert _article(_html(og, printed)).published == "2025-12-02T23:00:55+00:00"
    other = "https://example.org/2025/12/01/council-passes-budget/"
    assert analyse_decoded(_html(og, printed), "html", url=other)[1].published == \
        "2025-12-02T23:00:55+00:00"


def test_a_printed_day_before_the_markups_is_the_storys():
    # the markup dates the page a day after the day it prints (a re-publication, or the
    # UTC day of an evening story): the story is not shown as of a day before it appeared
    ld = ('<script type="application/ld+json">{"@type": "BlogPosting", "datePublished": '
          '"2025-12-19T22:02:58Z", "dateModified": "2025-12-19T22:02:45Z"}</script>')
    assert _article(_html(ld, "<p>Dec 18, 2025</p>")).published == "2025-12-18"
    og = '<meta property="article:published_time" content="2025-12-19T02:41:41+00:00">'
    assert _article(_html(og, "<p>Posted on December 18, 2025</p>")).published == \
        "2025-12-18"


def test_the_same_moment_printed_in_another_zone_keeps_the_markups_value():
    og = '<meta property="article:published_time" content="2026-02-23T00:57:30+00:00">'
    printed = "<p><time datetime='2026-02-22T19:57:30-05:00'>Feb 22, 2026</time></p>"
    url = "https://example.org/2026/02/22/council-passes-budget/"
    assert analyse_decoded(_html(og, printed), "html", url=url)[1].published == \
        "2026-02-23T00:57:30+00:00"


def test_the_headline_copy_nearest_the_story_anchors_its_date():
    # a bar at the top links to the story under its headline with another day (a promo);
    # the headline printed again over the story has the story's date under it
    top = ("<p><a href='/s'>Council passes budget</a></p><p>10 April 2013</p>"
           "<p><a href='/a'>Sport</a></p><p><a href='/b'>Weather</a></p>")
    html = _html("", "<p>02.01.2012, 18:15</p>").replace("<body>", "<body>" + top, 1)
    assert _article(html).published == "2012-01-02T18:15:00"
    # no date by the nearer copy: the one above the linked headline still counts
    dated = "<p>Tuesday 13 December 2011</p>" + top.replace("<p>10 April 2013</p>", "")
    html = _html("", "").replace("<body>", "<body>" + dated, 1)
    assert _article(html).published == "2011-12-13"
    # a headline that is no link keeps the date under it, not the one under a later copy
    plain = top.replace("<a href='/s'>Council passes budget</a>", "<b>Council passes budget</b>")
    html = _html("", "<p>Last update: July 16, 2025</p>").replace(
        "<body>", "<body>" + plain.replace("10 April 2013", "8 February 2022"), 1)
    assert _article(html).published == "2022-02-08"


def test_the_date_of_the_headline_linked_to_its_own_page_counts():
    # a blog prints the headline as a link to the post, the date in the same line
    html = _html("", "").replace(
        "<h1>Council passes budget</h1>",
        "<h2><a href='/2025/council'><time>Dec 18 2025</time> Council passes budget</a></h2>")
    assert _article(html).published == "2025-12-18"
    other = html.replace("Council passes budget</a>", "Parks reopen in spring</a>")
    assert _article(other).published is None


def test_a_date_meta_written_in_words():
    pm = harvest(parse_html('<html><head><meta name="date" content="November 25, 2025">'
                            '</head><body></body></html>'))
    assert pm.published == "2025-11-25"


# ------------------------------------------------------------------ text pages


def test_text_page_byline_under_the_title():
    page = "\n\n".join(["Menu", "Council passes budget", "By Jane Doe", STORY * 2, MORE * 2,
                        STORY + MORE])
    _blocks, article = analyse_decoded(page, "text")
    assert article.title == "Council passes budget"
    assert article.authors == ["Jane Doe"]


def test_text_page_menu_by_lines_are_not_authors():
    page = "\n\n".join(["Solutions", "By Role", "By Industry", "Council passes budget",
                        STORY * 2, MORE * 2, STORY + MORE, MORE + STORY, STORY, MORE,
                        "Products", "By Role"])
    _blocks, article = analyse_decoded(page, "text")
    assert "Role" not in article.authors and "Industry" not in article.authors


def test_text_page_date_line_above_the_title():
    page = "\n\n".join(["Travel September 8, 2021 -- min read", "Council passes budget",
                        STORY * 2, MORE * 2, STORY + MORE])
    _blocks, article = analyse_decoded(page, "text")
    assert article.title == "Council passes budget"
    assert article.published == "2021-09-08"


def test_text_page_date_line_right_under_the_title_whatever_dropped_it():
    # a date line under the title that a menu run or no rule took is the story's date;
    # one further down than the title's first lines, or in a long line, is not
    from cleaners.article.dates import story_date
    from cleaners.blocks import Block

    def page(*under: tuple[str, str]) -> list[Block]:
        out = [Block(0, "Council passes budget", "", label="title", rule="title")]
        out += [Block(i + 1, text, "", label="chrome", rule=rule)
                for i, (text, rule) in enumerate(under)]
        out.append(Block(len(out), STORY, "", label="body", rule="body_region"))
        return out

    blocks = page(("Jane Doe", "outside_body"), ("Last updated: Dec 4, 2025", "menu_run"),
                  ("Share article", "menu_run"))
    assert story_date(blocks, (len(blocks) - 1, len(blocks) - 1), False) == "2025-12-04"
    blocks = page(("Jane Doe", "outside_body"), ("Share article", "menu_run"),
                  ("View comments", "menu_run"), ("Last updated: Dec 4, 2025", "menu_run"))
    assert story_date(blocks, (len(blocks) - 1, len(blocks) - 1), False) is None
    blocks = page(("Parks reopen on December 4, 2025 after the council found the money "
                   "for new paths and benches", "outside_body"),)
    assert story_date(blocks, (len(blocks) - 1, len(blocks) - 1), False) is None


# ------------------------------------------------------------------ author box after the story


def _boxed(box: str, head: str = "") -> str:
    # a story long enough that the box stands beyond the byline's window by the headline
    more = "".join(f"<p>{MORE if i % 2 else STORY}{i} {STORY}</p>" for i in range(6))
    return _html(head, "").replace("</article>", f"{more}</article><div class='box'>{box}</div>")


@pytest.mark.parametrize("box", [
    "<p>Jane Doe</p><p>Jane Doe is a reporter who covers the city council.</p>",
    "<p>Jane Doe</p><p>Jane has written about local politics for ten years.</p>",
    "<h4>About the author</h4><p>Jane Doe</p><p>Read more</p>",
    "<p>Jane Doe</p><p>Author</p><p>@janedoe</p>",
    "<p>Article written by:</p><p>Jane Doe, MD, PhD</p>",
    "<p>This post was written by Jane Doe, Head of Marketing and Community Development</p>",
    "<p>Text by Jane Doe</p>",
])
def test_an_author_box_after_the_story_names_the_author(box):
    assert _article(_boxed(box)).authors == ["Jane Doe"]


def test_an_author_box_does_not_beat_the_byline_by_the_headline():
    html = _boxed("<p>Jane Doe</p><p>Jane Doe is a reporter.</p>").replace(
        "<h1>Council passes budget</h1>", "<h1>Council passes budget</h1><p>By John Roe</p>")
    assert _article(html).authors == ["John Roe"]


def test_no_author_box_from_a_heading_over_a_list_nor_from_the_comments():
    related = ("<p>Related Topics</p><p><a href='/a'>Personal finance</a></p>"
               "<p>Related articles on personal finance and taxes</p>")
    assert _article(_boxed(related)).authors == []
    comments = ("<div class='comments'><p>Posted by John Roe</p>"
                "<p>John Roe is right about the budget.</p></div>")
    assert _article(_boxed(comments)).authors == []


def test_the_date_in_a_header_box_repeating_the_headline_counts():
    # a chrome container under the headline that starts with the headline again is the
    # article's header (headline, byline, date), however long its byline bar; a container
    # that does not repeat the headline (a sidebar) gives no date
    from cleaners.article.dates import story_date
    from cleaners.blocks import Block, Markup

    def blocks(box_text: str) -> list[Block]:
        head = Block(0, "Eight cloud providers compared", "", label="title", markup=Markup())
        box = Block(1, box_text, "", label="chrome", markup=Markup(container="<header>"))
        body = Block(2, STORY, "", label="body", markup=Markup())
        return [head, box, body]

    bar = (" Jane Doe #Cloud Computing #Hosting #Servers #Storage #Security #Networking "
           "#Pricing #Backups #Compliance Published on Oct 21, 2025 Updated on Nov 2, 2025")
    assert story_date(blocks("Eight cloud providers compared" + bar), None, True) == "2025-10-21"
    assert story_date(blocks("Popular this week" + bar), None, True) is None


# ------------------------------------------------------------------ printed tags and source (HTML)


def _with_footer(footer: str, head: str = "") -> str:
    return _html(head, "").replace("</article>", f"{footer}</article>")


def test_printed_tags_and_source_fill_what_the_markup_does_not_state():
    footer = "<p>Source: Reuters</p><div class='tags'>Tags: budget, council, schools</div>"
    article = _article(_with_footer(footer))
    assert article.tags == ["budget", "council", "schools"]
    assert article.source == "Reuters"
    assert "Tags:" not in "\n".join(article.paragraphs)


def test_the_markup_tags_come_before_the_printed_ones():
    footer = "<div class='tags'>Tags: budget, council</div>"
    head = '<meta property="article:tag" content="Local government">'
    assert _article(_with_footer(footer, head)).tags == ["Local government"]


def test_printed_labels_are_lifted_by_a_named_rule_and_only_near_the_story():
    footer = "<div class='tags'>Tags: budget, council</div>"
    blocks = analyse_decoded(_with_footer(footer), "html")[0]
    assert [(b.label, b.rule) for b in blocks if b.text.startswith("Tags:")] == [
        ("meta", "story_labels")]
    far = "".join(f"<div class='promo'><a href='/x{i}'>Other story number {i}</a></div>"
                  for i in range(12))
    assert _article(_with_footer(far + footer)).tags == []


# ------------------------------------------------------------------ the page's own URL


def _clean(head: str, url: str | None = None):
    from cleaners import clean_page

    return clean_page(_html(head, "").encode(), url=url, input_format="html")


def test_a_page_without_a_known_url_takes_the_one_it_gives_itself():
    """#22 rough edge 4: the id fell back to a content hash and the site was unknown."""
    rec = _clean('<link rel="canonical" href="https://www.gazette.example/news/budget-passes">')
    assert rec.url == "https://www.gazette.example/news/budget-passes"
    assert rec.id.startswith("u") and rec.site == "gazette.example"
    og = _clean('<meta property="og:url" content="https://gazette.example/news/budget">')
    assert og.url == "https://gazette.example/news/budget"


def test_the_own_url_replaces_a_fetched_one_only_for_a_real_page_of_the_same_site():
    fetched = "https://m.gazette.example/news/budget-passes?utm_source=feed"
    same = '<link rel="canonical" href="/news/budget-passes">'
    assert _clean(same, fetched).url == "https://m.gazette.example/news/budget-passes"
    root = '<link rel="canonical" href="https://m.gazette.example/">'
    assert _clean(root, fetched).url == fetched
    other = '<link rel="canonical" href="https://wire.example/story/123">'
    assert _clean(other, fetched).url == fetched
    assert _clean('<link rel="canonical" href="/">').url is None


def test_the_kind_of_piece_before_by_is_not_part_of_the_name():
    """#22 rough edge 7: authors came out as 'Analysis by …'."""
    meta = _article(_html('<meta name="author" content="Analysis by Stephen Collinson">', ""))
    assert meta.authors == ["Stephen Collinson"]
    printed = _article(_html("", "<p class='byline'>Opinion by Jane Doe</p>"))
    assert printed.authors == ["Jane Doe"]


@pytest.mark.parametrize("lead", ["Reported", "Commentary", "Words and photos"])
def test_one_list_of_byline_leads_serves_the_metadata_and_the_printed_byline(lead):
    """The metadata's author value and the story's byline line read the same lead words
    (cleaners/words/byline_leads.py): each of these once reached only one of them."""
    meta = _article(_html(f'<meta name="author" content="{lead} by Stephen Collinson">', ""))
    assert meta.authors == ["Stephen Collinson"]
    printed = _article(_html("", f"<p class='byline'>{lead} by Jane Doe</p>"))
    assert printed.authors == ["Jane Doe"]


def test_a_cms_filing_is_no_tag():
    """#22 rough edge 7: tags came out as 'Articles' (where the site files every post)."""
    head = ('<meta property="article:tag" content="Articles">'
            '<meta property="article:tag" content="Uncategorized">'
            '<meta property="article:tag" content="School funding">')
    assert _article(_html(head, "")).tags == ["School funding"]


# ------------------------------------------------------------------ images, tags, source (#23)

_FIGURE = ('<figure><img src="https://t.org/pic001.jpg" alt="The council chamber">'
           '<figcaption>The council chamber on Tuesday. Photo: Ann Lee</figcaption></figure>')
_CAPTIONED = {"url": "https://t.org/pic001.jpg",
              "caption": "The council chamber on Tuesday. Photo: Ann Lee", "credit": "Ann Lee"}


def test_a_figure_caption_comes_first_and_the_same_image_is_not_listed_twice():
    """The markup's og:image of the captioned picture is one image, with its caption;
    the markup's other images follow it."""
    same = _article(_html('<meta property="og:image" content="https://t.org/pic001.jpg">',
                          _FIGURE))
    assert same.images == [_CAPTIONED]
    other = _article(_html('<meta property="og:image" content="https://t.org/other.jpg">',
                           _FIGURE))
    assert other.images == [_CAPTIONED,
                            {"url": "https://t.org/other.jpg", "caption": None, "credit": None}]


_RU_BODY = ("Городской совет утвердил новый бюджет во вторник после долгих споров о школах, "
            "дорогах и стоимости новой станции очистки воды. ") * 3


def _text_page(*tail: str) -> str:
    return "\n\n".join(["Совет утвердил бюджет", _RU_BODY, _RU_BODY, _RU_BODY, *tail]) + "\n"


def test_a_text_page_keeps_its_printed_source_author_and_tags_once_each():
    art = analyse_decoded(_text_page("Источник: ТАСС", "Теги: Москва, москва, бюджет, Бюджет"),
                          "text")[1]
    assert art.source == "ТАСС"
    assert art.tags == ["Москва", "бюджет"]  # the same tag in another case is one tag
    art = analyse_decoded(_text_page("Автор: Иван Петров"), "text")[1]
    assert art.authors == ["Иван Петров"]


def test_the_agency_a_dateline_credits_is_a_name_of_at_most_four_words():
    from cleaners.article.assemble import agency_from_dateline

    assert agency_from_dateline(
        "МОСКВА, 1 дек - Агентство городских новостей Москва. Совет утвердил бюджет"
    ) == "Агентство городских новостей Москва"
    assert agency_from_dateline(  # a sentence after the dash is not an agency
        "МОСКВА, 1 дек - Сегодня в мэрии прошло заседание. Совет утвердил бюджет") is None
