"""The HTML front end: each HTML rule on a case it must take and one it must leave, title
choice, the story's own date, and clean_page end to end on real (trimmed) pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaners.article.assemble import build_article
from cleaners.blocks import Block, Markup
from cleaners.engine import run_line_pass
from cleaners.html.meta import choose_title, harvest, iso_date
from cleaners.html.tree import dom_blocks, parse_html, strip_code, text_key
from cleaners.markup import PageMarkup, PageMeta
from cleaners.page import analyse_decoded, clean_page
from cleaners.rules import html_rules as hr
from cleaners.rules.base import PageContext
from cleaners.tally import RuleTally

FIX = Path(__file__).parent / "fixtures" / "html"
PROSE = ("Врачи решили применить для его спасения методику, которая спасла жизни двух "
         "американских пациенток в прошлом году.")


def _block(text: str, i: int = 0, *, votes: int = 2, voter: str | None = None,
           link_density: float = 0.0, container: str | None = None) -> Block:
    b = Block(index=i, text=text, raw=text, tag="p", link_density=link_density)
    b.compute_features()
    b.markup = Markup(container=container or "", match_key=text_key(text), votes=votes,
                      voter=voter)
    return b


def _ctx(title_key: str = "", title_why: str = "heading") -> PageContext:
    return PageContext(input_format="html",
                       markup=PageMarkup(PageMeta(), None, title_why, title_key))


def analyse_html(html: str) -> tuple[list[Block], object]:
    """The HTML page through the front end, the engine and the assembler."""
    return analyse_decoded(html, "html")


# ------------------------------------------------------------------ rules


def test_headline_rule():
    title = "В Краснодаре ребенок умер от последствий бешенства"
    blocks = [_block(title, 0), _block(PROSE, 1), _block(title, 2)]
    hr.headline(blocks, _ctx(title_key=text_key(title)))
    assert [b.label for b in blocks] == ["title", "undecided", "chrome"]
    other = [_block("Другой заголовок про врачей", 0)]
    hr.headline(other, _ctx(title_key=text_key(title)))
    assert other[0].undecided


def test_no_words_rule():
    blocks = [_block(". | *", 0), _block(PROSE, 1)]
    blocks[0].markup.match_key = ""
    hr.no_words(blocks, _ctx())
    assert blocks[0].rule == "no_words" and blocks[1].undecided


def test_chrome_container_rule():
    related = _block("Онищенко призвал туристов к бдительности", 0, votes=1,
                     voter="trafilatura", container="class/id 'related' <div>")
    outside = _block(PROSE, 2)
    hr.chrome_container([related, outside], _ctx())
    assert related.label == "chrome" and "related" in related.note
    assert outside.undecided


def test_link_block_rule():
    menu = _block("Политика Экономика Общество", 0, link_density=1.0)
    story = _block(PROSE, 1, link_density=0.1)
    hr.link_block([menu, story], _ctx())
    assert menu.rule == "link_block" and story.undecided


def test_extractor_vote_rule():
    both, one, none = _block(PROSE, 0), _block(PROSE, 1, votes=1), _block(PROSE, 2, votes=0)
    hr.extractor_vote([both, one, none], _ctx())
    assert (both.label, one.label, none.label) == ("body", "undecided", "chrome")


def test_single_vote_rule_inside_and_outside_the_story():
    blocks = [_block(PROSE, 0), _block("Короткая вставка", 1, votes=1, voter="readability"),
              _block(PROSE + " Ещё.", 2),
              _block("Читайте также: новости", 3, votes=1, voter="trafilatura")]
    hr.extractor_vote(blocks, _ctx())
    hr.single_vote(blocks, _ctx())
    assert blocks[1].label == "body"  # between two agreed blocks
    assert blocks[3].label == "chrome"  # not prose, outside the agreed story


def test_single_vote_takes_a_lone_extractors_longer_story_around_an_agreed_lead():
    # the extractors agree on the lead box only; trafilatura alone kept the story under it,
    # a subhead and more prose than the lead holds: that run is the story
    lone = dict(votes=1, voter="trafilatura")
    blocks = [_block("Короткий лид о главном событии дня.", 0),
              _block(PROSE, 1, **lone), _block("Что известно", 2, **lone),
              _block(PROSE + " Ещё.", 3, **lone), _block(PROSE + " И ещё.", 4, **lone),
              _block("Меню сайта Новости Спорт", 5, votes=1, voter="readability")]
    hr.extractor_vote(blocks, _ctx())
    hr.single_vote(blocks, _ctx())
    assert [b.label for b in blocks[:5]] == ["body"] * 5
    assert blocks[5].label == "chrome"  # the other voter's pick outside that story


def test_single_vote_leaves_a_lone_voters_short_extras_outside_a_larger_agreement():
    blocks = [_block(PROSE, 0), _block(PROSE + " Ещё.", 1), _block(PROSE + " И ещё.", 2),
              _block("Другая статья: врачи спасли пациентку.", 4, votes=1,
                     voter="trafilatura"),
              _block("Врачи снова спасли пациентку в больнице.", 6, votes=1,
                     voter="trafilatura")]
    blocks.insert(3, _block("Реклама", 3, votes=0))
    blocks.insert(5, _block("Реклама", 5, votes=0))
    hr.extractor_vote(blocks, _ctx())
    hr.single_vote(blocks, _ctx())
    assert [b.label for b in blocks[4::2]] == ["chrome", "chrome"]


def test_single_vote_without_agreement_trusts_the_prose_voter():
    blocks = [_block("Вход для подписчиков", 0, votes=1, voter="trafilatura",
                     link_density=1.0),
              _block(PROSE, 1, votes=1, voter="readability")]
    hr.link_block(blocks, _ctx())
    hr.single_vote(blocks, _ctx())
    assert blocks[1].label == "body" and "readability" in blocks[1].note


def test_single_vote_without_agreement_passes_over_a_voter_that_kept_no_prose():
    # one extractor kept only the page's date line and a link; the other kept the story's paragraph
    # and a linked headline list beside it (more chrome than the date line is long)
    greek = ("Στην προσπάθεια για το κούρεμα του κρατικού χρέους και τη νέα δανειακή "
             "σύμβαση, η κυβέρνηση σχεδιάζει την επόμενη κλιμάκωση των μέτρων για το 2012.")
    blocks = [_block("Τρίτη 3 Γενάρη 2012", 0, votes=1, voter="trafilatura"),
              _block("ΜΟΝΟ ΚΕΙΜΕΝΟ", 0, votes=1, voter="trafilatura", link_density=1.0),
              _block("Ετσι πρέπει να γίνει η μεγάλη αλλαγή στην πόλη και στην χώρα μας", 1,
                     votes=1, voter="readability", link_density=1.0),
              _block("Μια αλλιώτικη γιορτή για παιδιά στο κέντρο της Αθήνας και του Πειραιά",
                     2, votes=1, voter="readability", link_density=1.0),
              _block("Απειλές και τρομοκρατία για να περάσουν τα μέτρα στη Βουλή", 3,
                     votes=1, voter="readability", link_density=1.0),
              _block(greek, 3, votes=1, voter="readability")]
    for i, b in enumerate(blocks):
        b.index = i
    hr.link_block(blocks, _ctx())
    hr.single_vote(blocks, _ctx())
    assert blocks[5].label == "body" and "readability" in blocks[5].note
    assert blocks[0].label == "chrome"


def test_duplicate_text_rule():
    lead = "Три человека погибли и четверо получили ранения в результате взрыва на заводе."
    blocks = [_block(lead, 0), _block("ПЕКИН, 5 янв - РИА Новости. " + lead + " Так.", 1),
              _block(PROSE, 2), _block(PROSE, 3)]
    for b in blocks:
        b.mark("body", "extractor_vote")
    hr.duplicate_text(blocks, _ctx())
    assert blocks[0].rule == "duplicate_text"
    assert [b.label for b in blocks[1:]] == ["body", "body", "body"]  # equal blocks both stay


def test_line_pass_on_short_html_body_blocks():
    prompt = _block("Оцените, пожалуйста, статью. Нам важно Ваше мнение.", 0)
    story = _block(PROSE, 1)
    for b in (prompt, story):
        b.mark("body", "extractor_vote")
    run_line_pass([prompt, story], _ctx())
    assert story.label == "body"
    stamp = _block("28.11.2011 14:02", 0)
    stamp.mark("body", "extractor_vote")
    run_line_pass([stamp], _ctx())
    assert stamp.label == "meta" and stamp.rule == "timestamp_only"


# ------------------------------------------------------------------ containers


def test_chrome_containers_found_by_tag_role_and_class_but_not_wrappers():
    html = (
        "<html><body><nav><a href='/'>Главная</a></nav>"
        "<div class='content-with-sidebar'><h1>Заголовок</h1>"
        f"<p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p>"
        "<div class='related-news'><a href='/1'>Другая новость</a></div></div>"
        "<div role='complementary'>Реклама</div><div class='b-share'>Поделиться</div>"
        "<div itemscope itemtype='https://schema.org/WPSideBar'>Колонка</div>"
        "</body></html>")
    tree = parse_html(html)
    strip_code(tree)
    blocks, containers = dom_blocks(tree)
    reasons = {b.text: b.container for b in blocks}  # a container is one block
    assert reasons["Главная"].startswith("<nav>")
    assert "related" in reasons["Другая новость"]
    assert "complementary" in reasons["Реклама"]
    assert "share" in reasons["Поделиться"]
    assert "WPSideBar" in reasons["Колонка"]
    assert reasons[PROSE] is None  # 'sidebar' in the wrapper's class does not drop the story


def _containers(html: str) -> dict[str, str | None]:
    tree = parse_html(html)
    strip_code(tree)
    return {b.text: b.container for b in dom_blocks(tree)[0]}


LEAD_PROSE = ("Операцией руководил профессор Александр Лоскутов, один из пионеров "
              "эндопротезирования, сообщили в больнице имени Мечникова в понедельник.")
STORY3 = (f"<p>{PROSE}</p><p>Пациентка, которой исполнилось сто лет, чувствует себя хорошо и "
          f"уже встаёт с постели, рассказал лечащий врач.</p><p>{LEAD_PROSE}</p>")


@pytest.mark.parametrize("opened", ["<nav class='menu'>", "<header role='banner'>",
                                    "<button class='menu-button'>"])
def test_a_landmark_or_control_left_open_around_the_page_is_no_container(opened):
    # the parser closes an element left open at the end of the page: then the story is
    # inside a <nav>, a banner or a <button>, and it is still the story
    html = (f"<html><body>{opened}<a href='/'>Главная</a> <a href='/n'>Новости</a>"
            f"<main><h1>Заголовок</h1>{STORY3}</main></body></html>")
    reasons = _containers(html)
    assert reasons[PROSE] is None and reasons[LEAD_PROSE] is None
    record = clean_page(html.encode(), source_path="open.html")
    assert PROSE in record.text and LEAD_PROSE in record.text


def test_a_closed_nav_and_a_button_stay_chrome_beside_the_story():
    html = ("<html><body><nav><a href='/'>Главная</a> <a href='/n'>Новости</a></nav>"
            "<button>Подписаться на рассылку</button>"
            f"<h1>Заголовок</h1>{STORY3}</body></html>")
    reasons = _containers(html)
    assert reasons["Главная Новости"].startswith("<nav>")
    assert "Подписаться на рассылку" not in reasons  # a control: dropped unread
    assert reasons[PROSE] is None


def test_a_page_builders_widget_box_holding_prose_is_walked_but_a_link_widget_is_chrome():
    # page builders class every box "widget", the story's own: a story in three such boxes
    # (each under the share of the page that makes a box a layout wrapper)
    paragraphs = [" ".join([PROSE, LEAD_PROSE, f"Это абзац номер {i} из трёх, и о нём"
                            " сообщила пресс-служба клиники, где провели эту сложную операцию."])
                  for i in range(1, 4)]
    boxes = "".join(f"<div class='builder-widget builder-widget-text-editor'><p>{p}</p></div>"
                    for p in paragraphs)
    html = ("<html><body><h1>Заголовок</h1>" + boxes +
            "<div class='widget widget_recent_entries'><a href='/1'>Другая новость дня</a> "
            "<a href='/2'>Ещё одна новость дня</a></div></body></html>")
    reasons = _containers(html)
    assert all(reasons[p] is None for p in paragraphs)
    assert "widget" in reasons["Другая новость дня Ещё одна новость дня"]


def test_hidden_sections_holding_prose_are_walked_but_a_hidden_copy_stays_chrome():
    # an accordion's collapsed sections, each its own text
    sections = [
        "Индексный фонд повторяет состав биржевого индекса, поэтому его доходность близка к "
        "доходности рынка в целом. Управляющий не выбирает отдельные акции, а комиссия за "
        "управление у таких фондов обычно в несколько раз ниже, чем у активных фондов. "
        "Первые такие фонды появились в семидесятых годах прошлого века в Соединённых "
        "Штатах, и сегодня в них вложены триллионы долларов частных инвесторов.",
        "Чтобы купить паи, нужно открыть брокерский счёт, пополнить его и выбрать фонд по "
        "тикеру в приложении брокера. Покупать лучше регулярно и небольшими суммами: так "
        "средняя цена покупки сглаживает колебания курса за несколько лет. Многие брокеры "
        "позволяют настроить автоматическое пополнение счёта в день зарплаты, и тогда о "
        "покупке вовсе не приходится помнить.",
        "Доход от продажи паёв облагается налогом, но при владении дольше трёх лет можно "
        "получить льготу на долгосрочное владение. Кроме налога стоит учесть комиссию "
        "брокера и депозитария, которая съедает часть прибыли каждый год. Индивидуальный "
        "инвестиционный счёт даёт вычет, но деньги с него нельзя снять раньше срока без "
        "потери этой льготы, а также без уплаты налога за все прошедшие годы.",
    ]
    accordion = "".join(f"<div style='display:none'><p>{p}</p></div>" for p in sections)
    html = ("<html><body><h1>Заголовок</h1>" + accordion +
            "<div hidden><a href='/'>Меню</a></div></body></html>")
    reasons = _containers(html)
    assert all(reasons[p] is None for p in sections)
    assert reasons["Меню"] == "hidden <div>"  # hidden links stay chrome
    # a hidden copy of the story shown above it (a blog embed code) stays chrome
    copy = f"<div hidden><p>Код для блога:</p><p>{sections[0]}</p></div>"
    shown = "".join(f"<p>{p}</p>" for p in sections)
    reasons = _containers(f"<html><body><h1>Заголовок</h1>{shown}{copy}</body></html>")
    assert reasons[sections[0]] is None
    assert [why for why in reasons.values() if why] == ["hidden <div>"]


# ------------------------------------------------------------------ title and date


def test_title_prefers_the_heading_that_agrees_with_og_and_title():
    pm = PageMeta(html_title="Ученые: Желающим похудеть нужно есть из красной посуды | Кухня - "
                             "Аргументы и Факты",
                  headings=["Популярное", "Ученые: Желающим похудеть нужно есть из красной "
                            "посуды", "Другие новости"])
    title, _ = choose_title(pm)
    assert title == "Ученые: Желающим похудеть нужно есть из красной посуды"


def test_title_without_headings_cuts_the_site_name():
    pm = PageMeta(html_title="Независимое бюро новостей | В Днепропетровске сделали операцию "
                             "столетней женщине", site_name="Независимое бюро новостей")
    assert choose_title(pm)[0] == "В Днепропетровске сделали операцию столетней женщине"
    pm = PageMeta(html_title="Site", og_title="Eastern Michigan routs Northern Illinois",
                  headings=["Eastern Michigan routs Northern Illinois", "Site"])
    assert choose_title(pm)[0] == "Eastern Michigan routs Northern Illinois"


def test_date_from_json_ld_not_from_a_sidebar():
    html = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Story",
     "datePublished": "2012-01-05T14:30:00+04:00", "author": {"@type": "Person",
     "name": "Олег Остроухов"}, "keywords": "Китай, взрыв"}
    </script></head><body><div class="sidebar"><span class="date">17 января 2012</span>
    <a href="/x">Другая новость</a></div><h1>Story</h1></body></html>"""
    pm = harvest(parse_html(html))
    assert pm.published == "2012-01-05T14:30:00+04:00"
    assert pm.authors == ["Олег Остроухов"] and pm.tags == ["Китай", "взрыв"]


def test_date_from_article_meta_and_iso_without_invented_zone():
    html = ('<html><head><meta property="article:published_time" content="2011-11-28T14:02">'
            '</head><body><p>x</p></body></html>')
    assert harvest(parse_html(html)).published == "2011-11-28T14:02:00"
    assert iso_date("2019-11-20") == "2019-11-20"
    assert iso_date("2019-11-20T05:52:00Z") == "2019-11-20T05:52:00+00:00"
    assert iso_date("20 ноября") is None


# ------------------------------------------------------------------ end to end


def test_clean_page_on_a_russian_news_page():
    rec = clean_page((FIX / "medportal_page.html").read_bytes(), source_path="medportal.html")
    assert rec.title == "В Краснодаре ребенок умер от последствий бешенства"
    assert rec.text.startswith("В Краснодаре умер заболевший бешенством ребенок")
    assert rec.text.endswith("до появления симптомов заболевания.")
    assert "Распечатать" not in rec.text
    assert rec.title not in rec.text
    assert rec.language == "ru" and rec.input_format == "html"


def test_clean_page_on_an_english_page():
    rec = clean_page((FIX / "english_page.html").read_bytes(), source_path="en.html")
    assert rec.text.startswith("Dekalb, Ill. — Mike Glass threw for three touchdowns")
    assert rec.text.endswith("resources and support needed to succeed.")
    assert rec.language == "en"


def test_every_dropped_block_names_its_rule():
    html = (FIX / "medportal_page.html").read_text(encoding="utf-8")
    blocks, article = analyse_html(html)
    assert article.paragraphs
    assert all(b.rule for b in blocks if b.label in ("chrome", "meta"))
    tally = RuleTally()
    tally.add_page(blocks)
    assert sum(tally.blocks.values()) == sum(1 for b in blocks if b.label in ("chrome", "meta"))
    assert sum(tally.lines.values()) >= sum(tally.blocks.values())


@pytest.mark.parametrize("html", ["", "<html></html>", "<html><body><nav>Меню</nav></body>"])
def test_pages_without_a_story_give_no_paragraphs(html):
    _, article = analyse_html(html)
    assert not article.paragraphs


def test_figure_caption_rule():
    alt = "Вирусы бешенства под микроскопом. Фото пользователя smweb2"
    caption = _block(alt + " с ресурса Photobucket", 0, votes=2)
    caption.markup.images = [("pic001.jpg", alt)]
    naming = _block("Главный санитарный врач Геннадий Онищенко " + PROSE, 1, votes=2)
    naming.markup.images = [("onischenko.jpg", "Геннадий Онищенко")]
    hr.figure_caption([caption, naming], _ctx())
    assert caption.rule == "figure_caption" and caption.lifted.image_url == "pic001.jpg"
    assert caption.lifted.credit == "пользователя smweb2 с ресурса Photobucket"
    assert naming.undecided  # a paragraph that merely names the pictured person


def test_story_date_from_the_date_line_under_the_headline_not_from_a_teaser():
    html = """<html><body>
    <div class="news-list"><p><a href="/1">Другая новость дня</a> 17.01.2012</p></div>
    <h1>В Днепропетровске сделали операцию столетней женщине</h1>
    <div class="when">20:13 | 15.01.2012</div>
    <p>""" + PROSE + """</p><p>""" + PROSE.replace("Врачи", "Хирурги") + """</p>
    <p>Операцией руководил профессор Александр Лоскутов, один из пионеров эндопротезирования,
    сообщили в больнице имени Мечникова в понедельник.</p></body></html>"""
    _, article = analyse_html(html)
    assert article.title == "В Днепропетровске сделали операцию столетней женщине"
    assert article.published == "2012-01-15"


def test_site_named_as_author_becomes_the_source():
    html = """<html><head><title>Новость - DELFI</title><meta name="author" content="DELFI">
    </head><body><h1>Новость</h1><p>""" + PROSE + "</p><p>" + PROSE + "</p></body></html>"
    _, article = analyse_html(html)
    assert article.authors == [] and article.source == "DELFI"


def test_edge_fragments_rule():
    blocks = [_block(PROSE, 0), _block(PROSE + " Ещё.", 1), _block("Ссылки по теме:", 2),
              _block("Прочтений: 431", 3)]
    for b in blocks:
        b.mark("body", "extractor_vote")
    hr.edge_fragments(blocks, _ctx())
    assert [b.label for b in blocks] == ["body", "body", "chrome", "chrome"]
    facts = [_block(PROSE, 0)] + [_block(f"Команда {i} (группа A): {i}-е участие", i)
                                  for i in range(1, 4)]
    for b in facts:
        b.mark("body", "extractor_vote")
    for b in facts[1:]:
        b.tag = "li"
    hr.edge_fragments(facts, _ctx())
    assert all(b.label == "body" for b in facts)  # a closing list is content


def test_edge_fragments_leaves_a_closing_tables_cells_but_not_a_contact_table():
    cells = [_block(PROSE, 0)] + [_block(text, i) for i, text in enumerate(
        ("Gateway to a degree", "No relationship to a degree", "Often needs training"), 1)]
    contacts = [_block(PROSE, 0)] + [_block(text, i) for i, text in enumerate(
        ("Αποστολή βιογραφικών cv@example.gr", "Διαφήμιση ads@example.gr"), 1)]
    for blocks in (cells, contacts):
        for b in blocks:
            b.mark("body", "extractor_vote")
        for b in blocks[1:]:
            b.tag = "td"
        hr.edge_fragments(blocks, _ctx())
    assert all(b.label == "body" for b in cells)  # a table of facts is content
    assert [b.label for b in contacts[1:]] == ["chrome", "chrome"]  # the site's addresses


LEAD = "Специалисты пришли к выводу, что продукты, богатые магнием, защищают от инсульта."


def test_lead_paragraph_rule_takes_the_lede_box_touching_the_story():
    title = "Ученые выяснили, какие продукты защищают от инсульта"
    blocks = [_block(title, 0), _block("Добавить комментарий", 1, votes=0, link_density=1.0),
              _block(LEAD, 2, votes=0), _block("Зелень и орехи / shutterstock", 3, votes=0),
              _block(PROSE, 4), _block(PROSE + " Ещё.", 5)]
    blocks[3].mark("meta", "figure_caption")
    hr.headline(blocks, _ctx(title_key=text_key(title)))
    hr.link_block(blocks, _ctx())
    hr.extractor_vote(blocks, _ctx())
    hr.lead_paragraph(blocks, _ctx())
    assert blocks[2].label == "body" and blocks[2].rule == "lead_paragraph"
    assert blocks[1].label == "chrome"  # a link, not prose


def test_lead_paragraph_rule_leaves_a_summary_cut_off_by_a_date_line():
    title = "Чуров вновь пообещал ответить на вопрос о своей отставке"
    blocks = [_block(title, 0), _block(LEAD, 1, votes=0), _block("21:35 05.01.2012", 2, votes=0),
              _block(PROSE, 3), _block(PROSE + " Ещё.", 4)]
    boxed = [_block(title, 0), _block(LEAD, 1, votes=0, container="class/id 'related' <div>"),
             _block(PROSE, 2)]
    for page in (blocks, boxed):
        hr.headline(page, _ctx(title_key=text_key(title)))
        hr.chrome_container(page, _ctx())
        hr.extractor_vote(page, _ctx())
        hr.lead_paragraph(page, _ctx())
        assert page[1].label == "chrome" and page[1].rule != "lead_paragraph"


def _texts(html: str) -> list[str]:
    tree = parse_html(html)
    strip_code(tree)
    return [b.text for b in dom_blocks(tree)[0]]


def test_a_phrasing_element_around_blocks_is_walked_as_a_container():
    # lax markup (a real page's): a </b> closed in the wrong place leaves the <b> open
    # around the rubric, the headline and the story
    html = ("<html><body><table><tr><td><b><div><font> </font></b></div>"
            "<div class='rubric'>Из зала суда</div><div>"
            "<p><span style='font-size:16px'>ЗА ЗАРАЖЕНИЕ – 5 ЛЕТ!</span></p>"
            f"<p>{PROSE}</p></div></td></tr></table></body></html>")
    assert _texts(html) == ["Из зала суда", "ЗА ЗАРАЖЕНИЕ – 5 ЛЕТ!", PROSE]


def test_a_phrasing_element_with_only_empty_spacers_stays_one_line():
    html = ("<html><body><h2><strong><div class='spacer'></div>5 Tips to Enjoy Game D"
            "</strong><strong>ay Parties<div class='spacer'></div></strong></h2></body></html>")
    assert _texts(html) == ["5 Tips to Enjoy Game Day Parties"]


def _story(*texts: str) -> list[Block]:
    blocks = [_block(t, i) for i, t in enumerate(texts)]
    for b in blocks:
        b.mark("body", "extractor_vote")
    return blocks


def test_date_line_rule_above_the_story():
    for line in ("17.01.2012 18:16 ПЛН, Псков", "Ирина ЗРАЖЕВСКАЯ — 17.01.2012 15:44",
                 "Отправлено: 17:06 - 17 Янв, 2012 г."):
        blocks = _story(line, PROSE, PROSE + " Ещё.")
        hr.date_line(blocks, _ctx())
        assert blocks[0].label == "meta" and blocks[0].rule == "date_line", line
        assert blocks[1].label == "body"


def test_date_line_rule_leaves_dated_sentences_and_signatures_under_the_story():
    dated = "17 января 2012 года в Пскове открылась новая больница."
    short = "5 января 2012 года митинг прошёл."
    blocks = _story(short, dated, PROSE, PROSE + " Ещё.", PROSE + " И так.",
                    "— Digital Foundry (@digitalfoundry) November 18, 2019")
    hr.date_line(blocks, _ctx())
    assert all(b.label == "body" for b in blocks)


def test_byline_rule_lifts_a_name_above_the_story():
    blocks = _story("Павел Козаченко", PROSE, PROSE + " Ещё.")
    hr.byline(blocks, _ctx())
    assert blocks[0].rule == "byline" and blocks[0].lifted.author == "Павел Козаченко"
    ctx = _ctx()
    assert build_article(blocks, ctx, "winnow-html").authors == ["Павел Козаченко"]
    ctx.markup.meta.authors = ["Pavel Kozachenko"]
    marked = build_article(blocks, ctx, "winnow-html")
    assert marked.authors == ["Pavel Kozachenko"]  # the markup's author comes first


def test_byline_rule_leaves_subheads_and_signatures():
    sub = _story("Neues Leitmotto", PROSE, PROSE + " Ещё.")
    sub[0].tag = "h4"
    signed = _story(PROSE, PROSE + " Ещё.", "Севда Шахмедова")
    lower = _story("Хроника событий", PROSE)
    for blocks in (sub, signed, lower):
        hr.byline(blocks, _ctx())
        assert all(b.label == "body" for b in blocks)


def _teaser_page(with_story_after: bool, head_votes: int = 0,
                 story_paragraphs: int = 2, dated: bool = False) -> list[Block]:
    story = [_block(PROSE + f" Абзац {k}.", k) for k in range(story_paragraphs)]
    story.append(_block("Другие новости", story_paragraphs))
    i = story_paragraphs + 1
    for head in ("ГОРОДСКИЕ ВЛАСТИ ИЩУТ ВЫХОД", "СООБЩЕНИЕ", "ТРАГИЧЕСКОЕ ДТП НА ТРАССЕ"):
        story.append(_block(head, i, votes=head_votes, link_density=1.0))
        if dated:  # the teaser's date, which no extractor kept, under its headline
            story.append(_block(f"04:41 2{i}.11.2011", i, votes=0))
        story.append(_block(PROSE.replace("Врачи", "Спасатели") + f" {i}.", i + 1))
        i += 2
    if with_story_after:  # the story's own paragraphs, more than a teaser's summary
        story.append(_block(PROSE + " Дальше.", i))
        story.append(_block(PROSE + " Конец истории.", i + 1))
    hr.link_block(story, _ctx())
    hr.extractor_vote(story, _ctx())
    hr.linked_teasers(story, _ctx())
    return story


def test_linked_teasers_rule_drops_the_summaries_under_the_story():
    page = _teaser_page(with_story_after=False)
    assert [b.label for b in page[:2]] == ["body", "body"]
    assert page[2].rule == "linked_teasers"  # the list's header
    assert all(b.rule == "linked_teasers" for b in page[4::2])


def test_linked_teasers_rule_sees_past_each_teasers_date():
    page = _teaser_page(with_story_after=False, dated=True)
    assert [b.label for b in page[:2]] == ["body", "body"]
    summaries = page[5::3]
    assert len(summaries) == 3 and all(b.rule == "linked_teasers" for b in summaries)
    assert all(b.rule == "extractor_vote" for b in page[4::3])  # the dates stay as they were


def test_linked_sections_the_extractors_kept_are_the_story_not_teasers():
    # a guide whose subheads link the places it describes: both extractors kept the
    # linked subheads, and the sections outweigh the story's opening
    page = _teaser_page(with_story_after=False, head_votes=2, story_paragraphs=1)
    assert not any(b.rule == "linked_teasers" for b in page)
    assert all(b.label == "body" for b in page[3::2])
    # the same kept headlines under a longer story are a teaser list all the same
    page = _teaser_page(with_story_after=False, head_votes=2, story_paragraphs=4)
    assert all(b.rule == "linked_teasers" for b in page[6::2])


def test_linked_teasers_rule_leaves_links_inside_a_story_that_goes_on():
    page = _teaser_page(with_story_after=True)
    assert not any(b.rule == "linked_teasers" for b in page)


_STORY_PS = (f"<p>{PROSE}</p><p>Строительные работы на объекте ведутся в три смены, сообщили в "
             "областной администрации, и будут завершены до конца декабря этого года.</p>"
             f"<p>{LEAD} Об этом сообщили в больнице.</p>")


def test_styled_headline_when_the_title_tag_is_only_the_site_name():
    html = ("<html><head><title>Приазовский рабочий, Мариуполь</title></head><body>"
            "<div class='rubric'>Из зала суда</div><p align='left'>"
            "<span style='font-size:16px'>ЗА ЗАРАЖЕНИЕ ВИЧ-ИНФЕКЦИЕЙ – 5 ЛЕТ!</span></p>"
            + _STORY_PS + "</body></html>")
    blocks, article = analyse_html(html)
    assert article.title == "ЗА ЗАРАЖЕНИЕ ВИЧ-ИНФЕКЦИЕЙ – 5 ЛЕТ!"
    assert any(b.rule == "styled_headline" for b in blocks)
    assert not any(p.startswith("ЗА ЗАРАЖЕНИЕ") for p in article.paragraphs)


def test_styled_headline_leaves_a_partly_bold_line_and_a_confirmed_title():
    plain = ("<html><head><title>Приазовский рабочий, Мариуполь</title></head><body>"
             "<p><b>Суд</b> вынес приговор по делу</p>" + _STORY_PS + "</body></html>")
    blocks, article = analyse_html(plain)
    assert article.title == "Приазовский рабочий, Мариуполь"
    assert not any(b.rule == "styled_headline" for b in blocks)
    named = ("<html><head><title>Суд вынес приговор - Приазовский рабочий</title></head>"
             "<body><h1>Суд вынес приговор</h1><p><b>Из зала суда о главном</b></p>"
             + _STORY_PS + "</body></html>")
    assert analyse_html(named)[1].title == "Суд вынес приговор"


def test_inline_chrome_and_hidden_text_are_left_out_of_a_paragraph():
    html = ("<html><body><figure><span class='image-and-copyright-container'>"
            "<span class='off-screen'>Image copyright</span> <span>EPA</span></span>"
            "<figcaption>Prosecutor Eva-Marie Persson</figcaption></figure>"
            f"<p>{PROSE}<span style='display:none'>скрытый текст</span></p></body></html>")
    texts = _texts(html)
    assert "Prosecutor Eva-Marie Persson" in texts and PROSE in texts
    assert not any("copyright" in t or "скрытый" in t for t in texts)


def test_inline_elements_with_plain_classes_keep_their_text():
    html = ("<html><body><p>Врачи <span class='highlight'>Краснодарской больницы</span> "
            "решили применить <a class='inline-link' href='/x'>методику</a>.</p></body></html>")
    assert _texts(html) == ["Врачи Краснодарской больницы решили применить методику."]


def test_html_line_pass_reads_menus_only_in_linked_blocks():
    menu = _block("Главная > Новости > Политика", 0, link_density=0.9)
    japanese = _block("そして表示されるメニューから「その他」→「ファイルの場所を開く」", 1)
    for b in (menu, japanese):
        b.mark("body", "extractor_vote")
    run_line_pass([menu, japanese], _ctx())
    assert menu.rule == "breadcrumb_menu"
    assert japanese.label == "body"  # unspaced script is not a row of capitalised words


def test_a_story_nested_a_thousand_elements_deep_keeps_its_paragraphs_and_chrome():
    deep = 1000  # far past Python's recursion limit per element
    html = ("<html><body>" + "<div>" * deep + "<nav><a href='/'>Главная</a></nav>"
            f"<h1>Заголовок</h1><p>{PROSE}</p><p>{LEAD}</p>" + "</div>" * deep
            + "</body></html>")
    tree = parse_html(html)
    strip_code(tree)
    blocks = dom_blocks(tree)[0]
    assert [b.text for b in blocks] == ["Главная", "Заголовок", PROSE, LEAD]
    assert blocks[0].container and not any(b.container for b in blocks[1:])


def test_printed_headline_rule_takes_the_h1_heading_the_story():
    blocks = _story("South Dakota says, 'Meth. We're On It,' and Twitter asks, Are you OK?",
                    "Published 10:02 AM EST Nov 19, 2019", PROSE, PROSE + " Ещё.")
    blocks[0].tag = "h1"
    hr.printed_headline(blocks, _ctx())
    assert blocks[0].label == "title" and blocks[0].rule == "printed_headline"
    hr.date_line(blocks, _ctx())  # the story's head is now its date line, not the <h1>
    assert blocks[1].rule == "date_line"


def test_printed_headline_rule_leaves_an_h1_inside_the_story_and_a_named_headline():
    late = _story(PROSE, "Итоги года в медицине", PROSE + " Ещё.")
    late[1].tag = "h1"
    named = _story("Подзаголовок", PROSE)
    named[0].tag = "h1"
    named.insert(0, _block("Заголовок", 0))
    named[0].mark("title", "headline")
    for blocks in (late, named):
        hr.printed_headline(blocks, _ctx())
        assert not any(b.rule == "printed_headline" for b in blocks)


def test_figure_caption_rule_takes_a_long_figcaption_but_not_a_long_paragraph():
    long_caption = " ".join([PROSE] * 4)  # 60 words: past the image-matching limit
    fig = _block(long_caption, 0)
    fig.tag = "figcaption"
    para = _block(long_caption, 1)
    para.markup.images = [("pic.jpg", "")]
    hr.figure_caption([fig, para], _ctx())
    assert fig.rule == "figure_caption"
    assert para.undecided  # a long paragraph beside an image is story text


def test_address_line_rule_drops_a_bare_address_under_the_story():
    address = "Адреса матеріалу: http://news.zn.ua/HEALTH/dlya_ustanovleniya_diagnoza-92148.html"
    blocks = _story(PROSE, PROSE + " Ещё.", PROSE + " И так.", address)
    hr.address_line(blocks, _ctx())
    assert blocks[3].rule == "address_line" and blocks[2].label == "body"


def test_address_line_rule_leaves_a_sentence_that_cites_an_address():
    cited = ("Полный текст доклада опубликован на сайте ведомства по адресу "
             "www.minzdrav.ru/docs/report и доступен всем желающим.")
    blocks = _story(PROSE, PROSE + " Ещё.", PROSE + " И так.", cited)
    hr.address_line(blocks, _ctx())
    assert all(b.label == "body" for b in blocks)


def test_lead_paragraph_rule_takes_a_one_line_lede_but_not_a_label():
    title = "Виноград помогает избежать слепоты"
    for lede, kept in (("Употребление винограда поможет защитить зрение, утверждают ученые.",
                        True), ("Читайте также", False), ("Смотрите видео по теме:", False)):
        blocks = [_block(title, 0), _block(lede, 1, votes=0), _block(PROSE, 2),
                  _block(PROSE + " Ещё.", 3)]
        hr.headline(blocks, _ctx(title_key=text_key(title)))
        hr.extractor_vote(blocks, _ctx())
        hr.lead_paragraph(blocks, _ctx())
        assert (blocks[1].rule == "lead_paragraph") is kept, lede


def test_trafilatura_fallback_widens_a_fast_story_that_missed_the_pages_prose(monkeypatch):
    """Where trafilatura's fast story holds under FALLBACK_SHARE of the page's prose, its
    full mode runs on the page as parsed and its story is added to the fast one; where
    the fast story holds enough, the full mode never runs."""
    from cleaners.html import votes

    blocks = [_block(PROSE + f" Абзац {k}.", k) for k in range(10)]
    calls: list[bool] = []

    def fake(tree, url, *, fast=True):
        calls.append(fast)
        return [b.text for b in blocks]  # the full mode finds every paragraph

    monkeypatch.setattr(votes, "_trafilatura", fake)
    fast_story = [blocks[0].text]  # a tenth of the prose
    widened = votes._with_fallback(fast_story, blocks, None, lambda: object())
    assert calls == [False] and widened == fast_story + [b.text for b in blocks]
    calls.clear()
    enough = [b.text for b in blocks[:4]]  # four tenths: the fast story stands
    assert votes._with_fallback(enough, blocks, None, lambda: object()) is None
    assert calls == []
    # a full story no longer than the fast one adds nothing
    monkeypatch.setattr(votes, "_trafilatura", lambda tree, url, *, fast=True: fast_story)
    assert votes._with_fallback(fast_story, blocks, None, lambda: object()) is None


def test_a_data_tables_rows_are_blocks_of_joined_cells_and_a_layout_table_is_walked():
    html = ("<html><body><p>" + PROSE + "</p><table>"
            "<tr><th>Bill total</th><th>15%</th><th>20%</th></tr>"
            "<tr><td>$10.00</td><td>$1.50</td><td>$2.00</td></tr></table>"
            "<table><tr><td><p>" + PROSE + "</p><p>Второй абзац истории.</p></td>"
            "<td>Меню</td></tr></table></body></html>")
    tree = parse_html(html)
    strip_code(tree)
    texts = [d.text for d in dom_blocks(tree)[0]]
    assert "Bill total | 15% | 20%" in texts and "$10.00 | $1.50 | $2.00" in texts
    assert "Второй абзац истории." in texts and "Меню" in texts  # the layout row's cells


def test_a_story_tables_rows_of_figures_stay_in_the_story():
    rows = "".join(f"<tr><td>${k}0.00</td><td>${k}.50</td><td>${k * 2}.00</td></tr>"
                   for k in range(1, 8))
    paragraphs = "".join(f"<p>{PROSE} Абзац {k}.</p>" for k in range(4))
    html = (f"<html><head><title>Чаевые</title></head><body><article><h1>Чаевые</h1>"
            f"{paragraphs}<table>{rows}</table><p>{LEAD}</p></article></body></html>")
    _blocks, article = analyse_html(html)
    assert "$30.00 | $3.50 | $6.00" in article.paragraphs


def test_a_break_inside_a_span_ends_the_line_and_a_link_is_still_one_link():
    html = ("<html><body><p><span>Compact Weight Bench</span><span><br></span>"
            "<span>Price:</span><span> $299</span></p>"
            "<p>Read <a href='/x'>the <br>guide</a> today</p></body></html>")
    tree = parse_html(html)
    strip_code(tree)
    blocks = dom_blocks(tree)[0]
    texts = [d.text for d in blocks]
    assert texts[:2] == ["Compact Weight Bench", "Price: $299"]
    assert texts[2] == "Read the guide today" and blocks[2].link_chars == len("the guide")


def test_linked_subhead_rule_takes_back_a_linked_heading_inside_the_story():
    head = _block("2. Stanford Graduate School", 1, votes=0, link_density=0.9)
    head.tag = "h2"
    last = _block("3. UPenn Wharton", 3, votes=0, link_density=0.9)
    last.tag = "h2"
    blocks = [_block(PROSE, 0), head, _block(PROSE + " Ещё.", 2), last]
    hr.link_block(blocks, _ctx())
    hr.extractor_vote(blocks, _ctx())
    hr.linked_subhead(blocks, _ctx())
    assert blocks[1].label == "body" and blocks[1].rule == "linked_subhead"
    assert blocks[3].label == "chrome"  # nothing of the story under it: a link, not a subhead
    menu = _block("Главная", 1, votes=0, link_density=1.0)  # not a heading: a menu link
    blocks = [_block(PROSE, 0), menu, _block(PROSE + " Ещё.", 2)]
    hr.link_block(blocks, _ctx())
    hr.extractor_vote(blocks, _ctx())
    hr.linked_subhead(blocks, _ctx())
    assert menu.label == "chrome"


def _heading(text: str, i: int, *, votes: int, link_density: float = 0.9,
             tag: str = "h2") -> Block:
    b = _block(text, i, votes=votes, link_density=link_density)
    b.tag = tag
    return b


def test_story_copy_rule_drops_the_story_printed_again_but_not_repeated_short_lines():
    paras = [PROSE + f" Абзац номер {n}, и ещё немного текста для длины строки." for n in
             range(4)]
    blocks = _story("Заголовок раздела", *paras, "Заголовок раздела", *paras)
    hr.story_copy(blocks, _ctx())
    assert [b.label for b in blocks[:5]] == ["body"] * 5  # the first printing stays
    assert all(b.rule == "story_copy" for b in blocks[5:])
    # a plan's short lines repeated under a second heading (a meal plan, a price list)
    lines = ["Eat 60-90 minutes before your workout", "1 cup asparagus, 2 eggs",
             "Portion: 1 Green, 1 Red, 1 Yellow", "Drink 20-30 minutes before it"]
    blocks = _story("Plan C", *lines, PROSE, "Plan D", *lines)
    hr.story_copy(blocks, _ctx())
    assert all(b.label == "body" for b in blocks)


def test_contents_list_rule_drops_the_linked_entries_that_repeat_the_headings():
    heads = ["When is the best time to go", "What to pack for the trip",
             "Where to stay in the city"]
    entries = [_block(f"{n}. {h}", n, votes=2, link_density=0.9) for n, h in
               enumerate(heads, 1)]
    story: list[Block] = []
    for n, h in enumerate(heads):
        story += [_heading(h, 10 + 2 * n, votes=2, link_density=0.0),
                  _block(PROSE + f" {n}.", 11 + 2 * n)]
    blocks = [_block(PROSE, 0)] + entries + story
    for b in blocks:
        b.mark("body", "extractor_vote")
    hr.contents_list(blocks, _ctx())
    assert all(b.rule == "contents_list" for b in entries)
    assert all(b.label == "body" for b in story)
    # two linked lines that repeat headings are no table of contents
    blocks = [_block(PROSE, 0)] + entries[:2] + story
    for b in blocks:
        b.mark("body", "extractor_vote")
    hr.contents_list(blocks, _ctx())
    assert all(b.label == "body" for b in blocks)


def test_linked_item_rule_takes_back_the_storys_linked_subheads_and_list_items():
    sub = _heading("Garmin inReach Mini", 1, votes=1)
    item = _block("Hamilton Beach Bread Machine Cookbook", 3, votes=2, link_density=1.0)
    item.tag = "li"
    lone = _block("Best Camping Chairs", 4, votes=1, link_density=1.0)  # one voter's item
    lone.tag = "li"
    blocks = [_block(PROSE, 0), sub, _block(PROSE + " Ещё.", 2), item, lone,
              _block(PROSE + " Конец.", 5), _heading("Another story", 6, votes=1)]
    hr.link_block(blocks, _ctx())
    hr.extractor_vote(blocks, _ctx())
    for b in blocks:
        if b.markup.votes == 1:
            b.mark("chrome", "link_block")
    hr.linked_item(blocks, _ctx())
    assert sub.label == "body" and sub.rule == "linked_item"
    assert item.label == "body" and item.rule == "linked_item"
    assert lone.label == "chrome"
    assert blocks[6].label == "chrome"  # after the story's last block: outside it


def test_linked_item_rule_leaves_teaser_headlines_in_a_run_or_over_a_date():
    first = _heading("Afghan politician sees talks as hope", 1, votes=1)
    second = _heading("China invites officials for talks", 2, votes=1)
    dated = _heading("Court declines the appeal", 4, votes=2)
    blocks = [_block(PROSE, 0), first, second, _block(PROSE + " Ещё.", 3), dated,
              _block("14 марта 2012, 22:46", 5), _block(PROSE + " Конец.", 6)]
    for b in blocks:
        b.mark("chrome", "link_block") if b.link_density else b.mark("body", "extractor_vote")
    hr.linked_item(blocks, _ctx())
    assert [b.label for b in (first, second, dated)] == ["chrome"] * 3


def test_an_id_made_of_the_elements_own_text_and_a_headings_class_are_no_chrome_hints():
    found = _containers(
        "<html><body><article><h2 class='kt-adv-heading'>Posture Tips for Long Days</h2>"
        "<section id='social-media-marketing-tips'><p>Social media marketing tips.</p>"
        "</section><p>Text.</p><div id='social-share'>Share on X</div>"
        "<div id='social'><p>Social</p></div></article></body></html>")
    assert found["Posture Tips for Long Days"] is None  # a heading's style, not a box
    assert found["Social media marketing tips."] is None  # an anchor named by its text
    assert found["Share on X"] == "class/id 'social' <div>"  # not its own words
    assert found["Social"] == "class/id 'social' <div>"  # one word: no slug of a sentence


def test_a_voter_keeps_the_blocks_whose_trigrams_or_key_its_output_holds():
    """A block counts as kept when KEPT_SHARE of its word trigrams are in the voter's output
    (paragraphs split differently), a block of one or two words when its whole key is; a
    block inside a chrome container is never the voters' to keep."""
    from cleaners.html import votes

    blocks = [_block("The council met on Monday to vote on the budget", 0),
              _block("Breaking news", 1),
              _block("Share this", 2),
              _block("The council met on Monday to vote", 3, container="<nav>"),
              _block("Nothing of this is in the story at all", 4)]
    voter = votes._Votes("x", ["Breaking news!", "The council met on Monday to vote on",
                               "the budget. It passed."])
    grams = {i: votes._grams(votes._WORDS.findall(b.text.lower()))
             for i, b in enumerate(blocks) if not b.container}
    assert votes._kept(voter, blocks, grams) == {0, 1}
    assert voter.keyset >= {text_key("Breaking news!")}


def test_the_parsed_tree_needs_no_python_class_lookup_and_keeps_html_methods(monkeypatch):
    # lxml.html's HtmlElementClassLookup.lookup is a Python call per element proxy; the
    # tree is parsed with lxml's own lookup instead, and every element (a form's too)
    # still has lxml.html's methods, for us, trafilatura and readability alike
    import lxml.html

    calls = []
    original = lxml.html.HtmlElementClassLookup.lookup

    def counting(self, *args):
        calls.append(args)
        return original(self, *args)

    monkeypatch.setattr(lxml.html.HtmlElementClassLookup, "lookup", counting)
    page = ("<html><body><form><label>Name</label><input name=q><textarea>t</textarea>"
            "</form><article><h1>Title</h1><p>Первый абзац статьи.</p></article>"
            "</body></html>")
    tree = parse_html(page)
    assert tree is not None
    elements = list(tree.iter())
    assert calls == []
    assert all(isinstance(el, lxml.html.HtmlElement) for el in elements)
    form = tree.find(".//form")
    assert form.text_content() == "Namet"
    form.drop_tree()
    assert "Name" not in tree.text_content() and "Первый абзац" in tree.text_content()


def test_a_page_with_a_form_is_cleaned_through_both_voters_without_class_lookup():
    story = " ".join(f"Предложение номер {i} рассказывает о событиях в городе." for i in range(30))
    page = (f"<html><head><title>Новость дня</title></head><body><form action='/s'>"
            f"<input name=q><button>Найти</button></form><h1>Новость дня</h1>"
            f"<div><p>{story}</p></div></body></html>")
    record = clean_page(page.encode(), source_path="f.html")
    assert "Предложение номер 29" in record.text and "Найти" not in record.text


# ------------------------------------------------------------------ the story's edges, by its place


def _placed(el, votes: int, voter: str | None = None, tag: str | None = None) -> Block:
    """A block read from ``el`` of a parsed page, with its place in the tree, as the front
    end makes it, and the votes given."""
    text = " ".join(el.text_content().split())
    b = _block(text, votes=votes, voter=voter)
    b.tag = tag or el.tag
    b.markup.ancestors = (el, *el.iterancestors())
    return b


INTRO_PAGE = """<html><body>
<div class="top">
<p id="promo">Subscribe today and read every story on the site without limits.</p></div>
<article>
<p id="intro">Doctors decided to use a method that saved the lives of two patients last year.</p>
<p id="cap">A patient is carried into the hospital by the staff on Monday morning in town.</p>
<p id="cap2">A patient is carried into the hospital by the staff on Monday morning in town.</p>
<ul><li id="toc1">Contents</li><li id="toc2">What happened</li><li id="toc3">What next</li></ul>
<p id="a1">The first patient was flown home from the clinic where she had been treated.</p>
<p id="a2">The second patient recovered after the same treatment and went back to work.</p>
<p id="a3">The hospital said that the method would now be offered to other patients as well.</p>
<p id="a4">Its doctors will train colleagues from three other clinics in the region this year.</p>
<p id="a5">The ministry said it would pay for the training and for the drugs the method needs.</p>
</article></body></html>"""


def test_single_vote_takes_a_lone_voters_intro_above_the_story_inside_its_element():
    # trafilatura alone kept the intro, above a table of contents that keeps it from
    # touching the agreed story; it stands in the <article> that holds the whole agreement
    tree = parse_html(INTRO_PAGE)
    el = {e.get("id"): e for e in tree.iter() if e.get("id")}
    lone = dict(votes=1, voter="trafilatura")
    blocks = [_placed(el["promo"], **lone), _placed(el["intro"], **lone),
              _placed(el["cap"], **lone), _placed(el["cap2"], **lone),
              *(_placed(el[t], votes=0) for t in ("toc1", "toc2", "toc3")),
              *(_placed(el[a], votes=2) for a in ("a1", "a2", "a3", "a4", "a5"))]
    for b in blocks[4:7]:
        b.mark("chrome", "contents_list")
    hr.extractor_vote(blocks, _ctx())
    hr.single_vote(blocks, _ctx())
    assert blocks[1].label == "body" and "above the story" in blocks[1].note
    assert blocks[0].label == "chrome"  # outside the story's element
    assert blocks[2].label == blocks[3].label == "chrome"  # printed twice: a caption


def test_story_root_is_none_when_the_agreement_spans_the_page():
    tree = parse_html(INTRO_PAGE)
    el = {e.get("id"): e for e in tree.iter() if e.get("id")}
    blocks = [_placed(el["promo"], votes=2), _placed(el["a1"], votes=2)]
    assert hr.story_root(blocks, [0, 1]) is None
    inner = [_placed(el["intro"], votes=2), _placed(el["a1"], votes=2)]
    assert hr.story_root(inner, [0, 1]).tag == "article"


def test_story_box_takes_a_builders_widget_box_between_story_blocks_only():
    widget = "class/id 'widget' <div>"
    head = _block("Buying your device", 1, votes=0, container=widget)
    links = _block("Shop Deals Reviews", 3, votes=0, container=widget, link_density=0.9)
    hidden = _block("What does it cost?", 4, votes=0, container="hidden <div>")
    after = _block("Follow us for more", 6, votes=0, container=widget)
    blocks = [_block(PROSE, 0), head, _block(PROSE + " Ещё.", 2), links, hidden,
              _block(PROSE + " И ещё.", 5), after]
    hr.chrome_container(blocks, _ctx())
    hr.extractor_vote(blocks, _ctx())
    hr.story_box(blocks, _ctx())
    assert head.label == "body" and head.rule == "story_box"
    assert links.label == hidden.label == after.label == "chrome"


def test_enclosed_line_takes_a_subhead_neither_extractor_kept_between_story_blocks():
    sub = _block("What happened next", 1, votes=0)
    sub.tag = "h3"
    box = _block("Play video", 3, votes=0)
    box.tag = "div"
    tail = _block("Related stories", 5, votes=0)
    tail.tag = "h2"
    blocks = [_block(PROSE, 0), sub, _block(PROSE + " Ещё.", 2), box,
              _block(PROSE + " И ещё.", 4), tail]
    hr.extractor_vote(blocks, _ctx())
    hr.enclosed_line(blocks, _ctx())
    assert sub.label == "body" and sub.rule == "enclosed_line"
    assert box.label == "chrome"  # a generic box: the extractors' rejection stands
    assert tail.label == "chrome"  # below the story, not between its blocks


def test_machine_dates_are_read_from_each_kind_of_markup_and_only_from_them() -> None:
    """<time datetime>, itemprop datePublished / dateCreated (content or datetime), and a
    microformat's class "published" / "dt-published" with a title; not a <time> without
    datetime, nor a class that only contains the word ("unpublished")."""
    from cleaners.html.frontend import _machine_dates

    html = ("<html><body>"
            "<p>One <time datetime='2020-01-02T03:04:05Z'>Jan 2</time></p>"
            "<p>Two <span itemprop='datePublished' content='2021-02-03'>Feb 3</span></p>"
            "<p>Three <abbr class='x published' title='2022-03-04'>Mar 4</abbr></p>"
            "<p>Four <abbr class='dt-published' title='2023-04-05'>Apr 5</abbr></p>"
            "<p>Five <time>no machine date</time></p>"
            "<p>Six <abbr class='unpublished' title='2024-05-06'>May 6</abbr></p>"
            "<p>Seven <meta itemprop='dateCreated' datetime=' 2025-06-07 '>x</p>"
            "<p>Eight <time datetime='2026-01-01'>a</time><time datetime='2027-01-01'>b</time>"
            "</p></body></html>")
    tree = parse_html(html)
    assert tree is not None
    strip_code(tree)
    dblocks, _ = dom_blocks(tree)
    found = {dblocks[i].text.split()[0]: v for i, v in _machine_dates(tree, dblocks).items()}
    assert found == {"One": "2020-01-02T03:04:05Z", "Two": "2021-02-03", "Three": "2022-03-04",
                     "Four": "2023-04-05", "Seven": "2025-06-07", "Eight": "2026-01-01"}
