"""The site rules: a line the site prints on many pages goes; the story's own lines stay.

Sites are made from real pages (the seeds, the medportal page) with their stories
swapped, so each page keeps a real layout and only the template is shared.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from cleaners import analyse_page, clean_page
from cleaners.blocks import Block
from cleaners.page import page_line_hashes
from cleaners.rules import site_rules
from cleaners.rules.base import PageContext
from cleaners.sitestats import (
    LineCounter,
    SiteChrome,
    SiteLineStats,
    block_hash,
    line_hash,
    page_hashes,
)

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
FIX = Path(__file__).parent / "fixtures" / "html"
PROMO = "Читайте наши новости в социальных сетях и подписывайтесь на канал."


def _seed(sid: str) -> str:
    return next(SEEDS.glob(f"{sid}_*.txt")).read_text(encoding="utf-8")


def _paragraphs(sid: str) -> list[str]:
    return json.loads(next(SEEDS.glob(f"{sid}_*.json")).read_text("utf-8"))["paragraphs"]


def _with_promo(raw: str) -> str:
    """The page with the site's promo line right after its story's last paragraph."""
    lines = raw.split("\n")
    last = max(i for i, line in enumerate(lines) if len(line) > 200)
    return "\n".join(lines[: last + 1] + ["", PROMO, ""] + lines[last + 1:])


def _learn(pages: list[str], site: str = "site") -> SiteChrome:
    stats = SiteLineStats()
    for page in pages:
        stats.add_page(site, page_line_hashes(page.encode("utf-8")))
    chrome = stats.chrome(site)
    assert chrome is not None
    return chrome


def test_a_promo_line_after_every_story_goes():
    pages = [_with_promo(_seed(s)) for s in ("000", "001", "002", "003")]
    alone = clean_page(pages[1].encode())
    assert PROMO in alone.text  # on its own the page cannot tell it from a closing line
    chrome = _learn(pages)
    analysis = analyse_page(pages[1].encode(), site_chrome=chrome)
    promo = next(b for b in analysis.blocks if b.text == PROMO)
    assert promo.label == "chrome" and promo.rule == "site_recurring"
    assert "4 of 4 pages" in promo.note
    record = clean_page(pages[1].encode(), site_chrome=chrome)
    assert PROMO not in record.text
    assert record.text == alone.text.replace(f"\n\n{PROMO}", "")


def test_no_site_data_changes_nothing():
    page = _with_promo(_seed("001"))
    empty = SiteChrome("site", 2, {})
    assert clean_page(page.encode(), site_chrome=empty).text == clean_page(page.encode()).text


def _body(texts: list[str]) -> list[Block]:
    blocks = []
    for i, text in enumerate(texts):
        b = Block(index=i, text=text, raw=text)
        b.compute_features()
        b.mark("body", "body_region")
        blocks.append(b)
    return blocks


STORY = [
    "Глава МИД Казахстана отметил, что страны обсуждают возможности укрепления космического "
    "потенциала как с точки зрения инфраструктуры, так и человеческого капитала.",
    "«Мы пытаемся найти формы этого взаимодействия», — подчеркнул министр.",
    "Космодром Восточный строится близ города Циолковский в Амурской области с 2012 года, "
    "он станет первым национальным космодромом гражданского назначения.",
]


def _chrome_of(site_pages: int, shared: dict[str, int]) -> SiteChrome:
    counter = LineCounter()
    for i in range(site_pages):
        lines = [f"Своя статья номер {'q' * (i + 1)}"]
        lines += [text for text, n in shared.items() if i < n]
        counter.add_page(page_hashes(lines))
    return counter.chrome("site")


def test_a_story_line_two_stories_of_a_big_site_share_stays():
    quote = STORY[1]
    chrome = _chrome_of(50, {quote: 2})
    blocks = _body([quote, *STORY])
    site_rules.site_recurring(blocks, PageContext("text", site_chrome=chrome))
    assert all(b.label == "body" for b in blocks)


def test_a_sign_off_inside_the_story_stays_and_one_at_its_edge_goes():
    sign_off = "Материал подготовлен при поддержке редакции."
    chrome = _chrome_of(20, {sign_off: 20})
    inside = _body([STORY[0], sign_off, STORY[2]])
    site_rules.site_recurring(inside, PageContext("text", site_chrome=chrome))
    assert [b.label for b in inside] == ["body", "body", "body"]
    edge = _body([*STORY, sign_off])
    site_rules.site_recurring(edge, PageContext("text", site_chrome=chrome))
    assert [b.label for b in edge] == ["body", "body", "body", "chrome"]


def test_a_long_paragraph_only_some_pages_print_stays_at_the_edge():
    disclaimer = ("Редакция напоминает, что самолечение опасно для здоровья: перед применением "
                  "любых средств посоветуйтесь с врачом и прочитайте инструкцию.")
    chrome = _chrome_of(20, {disclaimer: 5})  # a quarter of the pages: the story carries it
    blocks = _body([*STORY, disclaimer])
    site_rules.site_recurring(blocks, PageContext("text", site_chrome=chrome))
    assert blocks[-1].label == "body"
    common = _chrome_of(20, {disclaimer: 18})  # nearly every page: the site's footer
    blocks = _body([*STORY, disclaimer])
    site_rules.site_recurring(blocks, PageContext("text", site_chrome=common))
    assert blocks[-1].label == "chrome"


def test_a_story_made_only_of_recurring_lines_is_a_repost_and_stays():
    chrome = _chrome_of(10, {text: 3 for text in STORY})
    blocks = _body(STORY)
    site_rules.site_recurring(blocks, PageContext("text", site_chrome=chrome))
    assert all(b.label == "body" for b in blocks)


TEMPLATE = ["Оцените, пожалуйста, статью.", "Смотреть позже", "Добавлено в избранное"]
TEASER = ("Житель провинции на юге страны скончался от вируса гриппа, сообщает агентство "
          "в субботу. Это первый такой случай за последние месяцы.")


def _page(texts: list[str]) -> list[Block]:
    """Blocks as the page's rules left them: the template lines and the ad slot as chrome,
    the rest as body."""
    blocks = _body(texts)
    for b in blocks:
        if b.text in TEMPLATE or b.text == "Реклама":
            b.mark("chrome", "link_block")
    return blocks


def test_a_teaser_after_the_sites_template_ends_the_story_and_goes():
    chrome = _chrome_of(20, {line: 18 for line in TEMPLATE})
    blocks = _page([*STORY, *TEMPLATE, TEASER])
    site_rules.site_recurring(blocks, PageContext("text", site_chrome=chrome))
    assert [b.label for b in blocks] == ["body"] * 3 + ["chrome"] * 4
    assert blocks[-1].rule == "site_recurring" and "story's end" in blocks[-1].note
    html = _page([*STORY, *TEMPLATE, TEASER])
    site_rules.site_recurring_html(html, PageContext("html", site_chrome=chrome))
    assert [b.label for b in html] == ["body"] * 3 + ["chrome"] * 4


def test_story_split_by_an_ad_slot_or_its_own_captions_stays():
    ad = _chrome_of(20, {"Реклама": 20, **{line: 18 for line in TEMPLATE}})
    blocks = _page([STORY[0], "Реклама", STORY[1], STORY[2]])
    site_rules.site_recurring(blocks, PageContext("text", site_chrome=ad))
    assert [b.label for b in blocks] == ["body", "chrome", "body", "body"]
    # the same gap of lines the site does NOT print elsewhere (the page's own captions)
    unlearned = _chrome_of(20, {"Реклама": 20})
    blocks = _page([*STORY, *TEMPLATE, TEASER])
    site_rules.site_recurring(blocks, PageContext("text", site_chrome=unlearned))
    assert blocks[-1].label == "body"


def test_a_lead_before_the_template_and_the_story_stays():
    chrome = _chrome_of(20, {line: 18 for line in TEMPLATE})
    blocks = _page([TEASER, *TEMPLATE, *STORY])
    site_rules.site_recurring(blocks, PageContext("text", site_chrome=chrome))
    assert all(b.label == "body" for b in blocks if b.text not in TEMPLATE)


# ---------------------------------------------------------------------- HTML


def _medportal_with(paragraphs: list[str], title: str) -> str:
    """The medportal page with its headline and story swapped, and the site's promo after."""
    page = (FIX / "medportal_page.html").read_text(encoding="utf-8")
    page = re.sub(r"<h1>.*?</h1>", f"<h1>{title}</h1>", page, count=1)
    start = page.index("<p>В Краснодаре умер")
    end = page.index("</p>", page.index("<p>Всего к настоящему")) + len("</p>")
    story = "\n".join(f"<p>{p}</p>" for p in paragraphs) + f"\n<p>{PROMO}</p>"
    return page[:start] + story + page[end:]


def _seed_story(sid: str) -> tuple[list[str], str]:
    data = json.loads(next(SEEDS.glob(f"{sid}_*.json")).read_text("utf-8"))
    return data["paragraphs"], data["title"] or "Новость дня"


def test_html_template_lines_are_cut_before_the_extractors_vote():
    pages = [_medportal_with(*_seed_story(s)) for s in ("001", "002", "003", "004")]
    alone = clean_page(pages[0].encode())
    assert PROMO in alone.text
    chrome = _learn(pages)
    analysis = analyse_page(pages[0].encode(), site_chrome=chrome)
    promo = next(b for b in analysis.blocks if b.text == PROMO)
    assert promo.rule == "site_template" and promo.label == "chrome"
    record = clean_page(pages[0].encode(), site_chrome=chrome)
    assert PROMO not in record.text
    assert record.text == alone.text.replace(f"\n\n{PROMO}", "")
    for paragraph in _paragraphs("001"):
        assert re.sub(r"\s+", " ", paragraph).strip() in record.text
    assert record.title == alone.title


def test_html_template_cut_spares_the_story_of_a_repost():
    paragraphs, title = _seed_story("001")
    pages = [_medportal_with(paragraphs, title)] * 3 + [_medportal_with(*_seed_story("002"))]
    chrome = _learn(pages)
    record = clean_page(pages[0].encode(), site_chrome=chrome)
    # every paragraph of the repost stays; only the promo every page prints goes (#23:
    # "longer than 90 % of the text" let a lost paragraph pass)
    assert record.text == clean_page(pages[0].encode()).text.replace(f"\n\n{PROMO}", "")
    for paragraph in _paragraphs("001"):
        assert re.sub(r"\s+", " ", paragraph).strip() in record.text


def test_line_hash_is_what_the_rules_look_up():
    b = Block(index=0, text="Главная | Новости", raw="")
    assert block_hash(b) == line_hash("Главная / новости")


def test_the_story_both_extractors_kept_beats_a_longer_teaser_list_after_the_template():
    """Cutting the template from the tree can leave a teaser list that one extractor keeps
    as prose, longer than the short story both kept: the teasers after the template go,
    the agreed story stays (the learned template agrees with the page's own votes)."""
    from cleaners.blocks import Markup

    chrome = _chrome_of(20, {line: 18 for line in TEMPLATE})
    lead = STORY[1]  # shorter than each teaser
    teasers = [TEASER + " Первый.", TEASER + " Второй."]
    blocks = _page([lead, *TEMPLATE, teasers[0], *TEMPLATE, teasers[1]])
    for b in blocks:
        b.markup = Markup(votes=2 if b.text == lead else 1)
    site_rules.site_recurring_html(blocks, PageContext("html", site_chrome=chrome))
    assert [b.text for b in blocks if b.label == "body"] == [lead]
