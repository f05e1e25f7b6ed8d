"""Each line rule, with a line it must take and a line of story text that looks like it
but must stay."""

from __future__ import annotations

import pytest

from cleaners.rules import REGISTRY, PageContext
from cleaners.text.frontend import text_to_blocks


def judge(rule_name: str, line: str) -> str | None:
    block = text_to_blocks(line)[0]
    return REGISTRY[rule_name].fn(block, PageContext(input_format="text"))


CASES = [
    # (rule, chrome line, story line that must not match)
    ("widget_residue", "[          ] [Искать]", "Он нажал [sic] кнопку поиска."),
    ("widget_residue", "[milano-design-week-2018-flos-anastassiades-jewels-after-jewels-cover]",
     "The show [at the Flos showroom on corso Monforte] runs until Sunday."),
    ("markup_residue", '<div style="margin:0; padding:15px"><a href="http://example.ru/1.html" '
     'style="color:#333">Власти Коми привлекут 540 млн руб</a></div>',
     "Разработчики советуют заменить тег <font color=red> на <span> в шаблонах сайтов."),
    ("markup_residue", '<img height="1" width="1" style="display:none" '
     'src="http://b.scorecardresearch.com/p?c1=2">',
     "<b>Москва</b> и <i>Петербург</i> получат новые поезда уже в будущем году."),
    ("counter", "1295", "1295 человек пришли на митинг в центре города."),
    ("counter", "Просмотров: 856", "Просмотров стало больше на 856 тысяч за год, сообщил он."),
    ("counter", "-1", "-1 градус ожидается в Москве ночью, сообщают синоптики."),
    ("counter", "Image 1 of 8", "Image 1 of the series shows the comet over the lake."),
    ("timestamp_only", "29.12.2021 09:46", "29.12.2021 в 09:46 в Москве произошло землетрясение."),
    ("timestamp_only", "Nov 19, 2019", "Nov 19 was the day the company announced its results."),
    ("image_credit", "Источник изображения: © AP Photo/Dmitri Lovetsky",
     "Фото, которое он опубликовал, вызвало скандал среди пользователей."),
    ("image_credit", "Photo: Reuters", "Photographs from the scene show damaged buildings."),
    ("caption_credit", "Protesters have worn masks to protect their identities (Image: GETTY )",
     "The minister said the plan (the third this year) would be published in March."),
    ("caption_credit", "Министр на открытии выставки. (Фото: Иван Петров)",
     "Стало известно, когда в Харькове откроют перинатальный центр (ФОТО)"),
    ("caption_credit", "Здание Тартуского суда. Фото с сайта betotrade.ee",
     "Фото опубликовал в соцсетях сам министр, и через час его удалили."),
    ("caption_credit", "In this Sunday, Nov. 10, 2019, photo, unsold cars sit at a dealership "
     "in Littleton, Colo.", "In this town, photographs of the old mill hang in every café."),
    ("caption_credit", "A module for a crewed Mars mission. Credit: ESA",
     "Credit unions said the new rules would cost them a billion dollars a year."),
    ("caption_credit", "Spain's Rafael Nadal celebrates a point in Madrid, Spain, Tuesday, "
     "Nov. 19, 2019. (Manu Fernandez/AP)",
     "The deal was approved by both chambers (House/Senate) on Tuesday, officials said."),
    ("image_credit", "Getty Images / Holger Leue",
     "Getty Images / Shutterstock prices for stock photos rose by a tenth this year."),
    ("image_credit", "Jane Doe/Reuters", "He spoke to Reuters/Ipsos pollsters on Monday."),
    ("caption_credit", "Guests pick their pastries from glass cabinets. | Photo by Lisa Jennings",
     "Guests pick their pastries from glass cabinets, and a photo is not allowed."),
    ("caption_credit", "A portrait of the Queen in 2004 (Picture credit: Getty)",
     "A portrait of the Queen (painted in 2004) hangs in the hall."),
    ("caption_credit", "На фото: судья Виктория Федотова оглашает приговор.",
     "На фото видно, как машина выезжает на встречную полосу, сообщили в ГИБДД."),
    ("doubled_caption", "Президент РФ Владимир ПутинПрезидент РФ Владимир Путин",
     "Он повторил: «Мы вернёмся», и ещё раз: «Мы вернёмся», и ушёл со сцены."),
    ("doubled_caption", "卡片机接在望远镜目镜后面拍到的月亮。卡片机接在望远镜目镜后面拍到的月亮。",
     "卡片机接在望远镜目镜后面，其实也能拍到大月亮，手机也成。"),
    ("caption_label", "Image caption Taylor Swift's seventh album is the only one she owns",
     "Image rights were at the heart of the case, the judge said on Tuesday."),
    ("caption_label", "Twitter post by @ewarren: Private equity firms are gobbling up companies",
     "Twitter posted its quarterly results on Tuesday, beating analysts' forecasts."),
    ("rights_notice", "This document is subject to copyright. Apart from any fair dealing...",
     "This document is the first the ministry has published on the subject."),
    ("source_line", "來源：廣州日報", "來源不明的資金大量流入股市，監管部門表示關注。"),
    ("author_line", "记者：张三", "记者们在现场看到，大火已被扑灭。"),
    # Chinese phrases are found anywhere in the line: a site's name runs into them
    ("rights_notice", "新華網版權與免責聲明：", "他說，公司已經取得授權，明年將推出新的版本。"),
    # ...and in a notice longer than a spaced one may be: a paragraph of disclaimers
    ("rights_notice", "凡注明为其他媒体来源的信息，均为转载自其他媒体，转载并不代表本网赞同其观点，"
     "也不代表本网对其真实性负责。您若对该稿件内容有任何疑问或质疑，请即与本网联系。",
     "法院认为，被告未经许可使用原告作品，侵犯了原告的著作权，判令其赔偿经济损失二十万元。"),
    ("pager", "← предыдущая новость следующая новость →",
     "Стрелка «→» на табло показывает направление движения поезда, пояснили в метро."),
    # one arrow is not a pager: it takes one at each end (#23: `and` -> `or` survived)
    ("pager", "← назад к списку новостей →",
     "← на снимке слева: министр и глава банка на встрече в Кремле во вторник"),
    ("pager", "← предыдущая статья | следующая статья →",
     "Путь лежит так: Москва, Тверь, Великий Новгород, Псков и дальше на запад →"),
    ("comment_prompt", "Уважаемые читатели, все комментарии, не соответствующие закону, удаляются",
     "Читатели уважаемой газеты получили подарки к празднику, сообщила редакция."),
    ("comment_prompt", "Если вы заметили орфографическую ошибку, выделите её и нажмите Ctrl+Enter",
     "Если вы заметили у себя такие симптомы, обратитесь к врачу, советуют медики."),
    ("tags_line", "Эта статья в категориях: здоровье.",
     "Эта статья в категориях читателей вызвала споры: одни хвалили, другие ругали."),
    ("more_header", "Другие новости ПР № 8 от 17 Января 2012 года",
     "Другие новости из региона тоже не радуют: закрылись ещё два завода, а третий "
     "сократил половину рабочих."),
    ("author_box", "Über Moritz Bachmann", "About 300 people gathered in the square on Sunday."),
    ("author_box", "Об авторе", "Об авторе книги известно немного, признают историки."),
    ("more_header", "More from UK",
     "More from the budget went to schools than ever before, the minister said."),
    ("related_link", "Читай также: Ухудшение памяти предвещает инсульт",
     "По теме доклада выступили три министра, и каждый из них говорил о бюджете."),
    ("browser_notice", "Ваш браузер не поддерживает данный формат видео.",
     "Браузер Chrome не поддерживает старые расширения, заявили в Google."),
    ("counter", "Прочтений: 1295", "Прочтений этой книги было больше, чем продаж, шутит автор."),
    ("subscribe_box", "Читайте новости Comments.UA в социальных сетях facebook и twitter.",
     "Читайте новости о выборах в нашем специальном разделе, где собраны все материалы "
     "кампании и мнения экспертов."),
    ("comment_prompt", "59 Comments on “The December Comfort Watches 2025, Day Eighteen”",
     "59 comments on the bill were read out in parliament on Tuesday, the speaker said."),
    ("comment_prompt", "One thought on “Nine course platforms I tested”",
     "One thought on the new bridge kept coming back to the engineers."),
    ("comment_prompt", "Спасибо! Ваше мнение учтено.",
     "Спасибо вашим врачам, сказала она журналистам после выписки из больницы."),
    ("list_header", "Ссылки по теме:", "Ссылки по теме доклада он не привёл, заметили журналисты."),
    ("source_line", "Источник - vesnikkavkaza.ru",
     "Источник в правительстве сообщил, что решение уже принято и будет объявлено завтра."),
    ("source_line", "Source: Reuters", "Sources close to the talks said no deal was reached."),
    ("tags_line", "Теги: наука, СПИД", "Темы переговоров остались прежними: газ и транзит."),
    ("author_line", "By Jane Doe", "By Monday the floods had receded from the town centre."),
    ("author_line", "by Madeline Fry", "by then the floods had receded from the town centre."),
    ("login_link", "Войти", "Войти в историю он не рассчитывал, признался спортсмен."),
    ("login_link", "Sign in", "Sign in sheets were collected at the door by volunteers."),
    ("search_box", "Поиск", "Поиск пропавших туристов продолжается третьи сутки."),
    ("share_button", "Версия для печати", "Версия для печати выйдет в декабре, сообщил автор."),
    ("share_button", "Tweet", "Tweet by tweet, the senator laid out his case."),
    ("form_field", "Email *", "Avoid SELECT *"),
    ("toolbar_line", "【字號大中小】 【打印】 【關閉】", "打印机价格上涨，厂商称原因是芯片短缺。"),
    ("form_field", "Комментарий*", "Почта"),
    ("list_header", "Читайте также", "Читайте также внимательно инструкцию, советуют врачи."),
    ("list_header", "Latest news", "Latest news from the front suggests a ceasefire may hold."),
    ("rights_notice", "Права на данный материал принадлежат",
     "Правами человека занимается специальная комиссия ООН, напомнил он."),
    ("rights_notice", "© 2019 Beachbody, LLC. All rights reserved.",
     "Copyrights on software patents were the focus of the hearing on Tuesday in Brussels, "
     "where dozens of lawyers argued for and against a reform that has been discussed for "
     "over a decade."),
    ("subscribe_box", "Подпишитесь на нашу рассылку",
     "«Подписаться на петицию может каждый», — сказал организатор акции."),
    ("subscribe_box", "Subscribe to our newsletter",
     "“Subscribe to the idea that voters decide,” the senator said."),
    ("comment_prompt", "Хотите оставить комментарий? Зарегистрируйтесь и/или Войдите и общайтесь!",
     "Комментарии экспертов к законопроекту оказались противоречивыми."),
    ("comment_prompt", "Leave a comment", "Leaves a comment on every post, the moderator said."),
    ("cookie_notice", "Мы используем файлы cookie для улучшения работы сайта",
     "Он испёк печенье и угостил соседей по лестничной клетке."),
    ("ticker", "usd: 0.7865 eur: 1.0449 rub: 0.0249",
     "Курс доллара вырос на 2 рубля за неделю, а евро подешевел на 1 рубль."),
    ("ticker", "$ 75.31 € 81.20", "Mid-range remodels: $50,000 – $150,000"),
    ("ticker", "Баку: +4°", "Температура воздуха поднимется до +4° к вечеру, обещают синоптики."),
    ("breadcrumb_menu", "Главная > Новости > Политика",
     "Доходы выросли на 5% / расходы сократились на 3%, говорится в отчёте."),
    ("breadcrumb_menu", "Новости|Спорт|Культура",
     "Доходы выросли | расходы сократились, говорится в отчёте."),
    ("breadcrumb_menu", "Главная » Регионы » Сибирь", "Главная новость дня: мост открыт."),
    ("breadcrumb_menu", "Home → World → Europe", "Home prices rose → sales fell, the agents said."),
    ("breadcrumb_menu", "Форум :: Общение :: Флудилка", "Форум открылся в среду в Сочи."),
    ("ticker", "Москва +3°C", "В Москве ожидается +3°C и мокрый снег, а к ночи до -5°C, "
     "сообщили синоптики Гидрометцентра в среду утром"),
    ("menu_line", "Политика Экономика Общество Спорт Культура",
     "Политика и экономика в этом году шли рука об руку."),
    # Chinese has no case and no spaces: a menu is items parted by spaces, a subhead or a
    # broken line of a sentence is one run of characters
    ("menu_line", "首頁 新聞 體育 娛樂 財經", "女嬰腳腫住院三天後死亡"),
    ("menu_line", "首頁 新聞 體育 娛樂 財經",
     "日夜蹲守電腦前，即便是一只小小的鼠標，也擁有水滴石穿的力量"),
    # a Greek headline's lower-case words are no menu items
    ("menu_line", "Πολιτική Οικονομία Κοινωνία Αθλητισμός Πολιτισμός",
     "Πάλη για εμπόδια και ανατροπή"),
    ("breadcrumb_menu",
     "Политика - Экономика - Миграция - История - Права человека - Культура и искусство",
     "Москва - Петербург - Казань - Самара - Уфа: маршрут автопробега растянется "
     "на три недели"),
]


@pytest.mark.parametrize(("rule_name", "chrome", "story"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_takes_chrome_and_leaves_story(rule_name: str, chrome: str, story: str) -> None:
    assert judge(rule_name, chrome), f"{rule_name} missed {chrome!r}"
    assert not judge(rule_name, story), f"{rule_name} took story text {story!r}"


def test_every_line_rule_has_a_case() -> None:
    line_rules = {name for name, r in REGISTRY.items() if r.per_line}
    assert line_rules <= {c[0] for c in CASES}


def test_image_credit_records_the_credit() -> None:
    block = text_to_blocks("Источник изображения: © AP Photo/Dmitri Lovetsky")[0]
    REGISTRY["image_credit"].fn(block, PageContext(input_format="text"))
    assert block.lifted.credit == "AP Photo/Dmitri Lovetsky"


def test_caption_credit_records_the_image() -> None:
    from cleaners.page import analyse_decoded

    story = ("The minister opened the exhibition on Tuesday and said the museum would stay "
             "open until late every Friday from next month, the city council announced.")
    page = "\n\n".join(["Museum opens late", "The minister at the opening (AP Photo/Jane Doe)",
                         story, story + " It is the first change in ten years."])
    _blocks, article = analyse_decoded(page, "text")
    assert article.images == [{"caption": "The minister at the opening",
                               "credit": "AP Photo/Jane Doe", "url": None}]
    assert all("AP Photo" not in p for p in article.paragraphs)


def test_a_rights_notice_with_the_copyright_sign_is_not_an_image_credit() -> None:
    notice = "© 2000-2011, ООО «КП-ТВ». Все права защищены."
    assert judge("image_credit", notice) is None
    assert judge("rights_notice", notice)
    assert judge("image_credit", "© Reuters")


def test_tags_line_records_tags() -> None:
    block = text_to_blocks("Теги: наука, СПИД")[0]
    REGISTRY["tags_line"].fn(block, PageContext(input_format="text"))
    assert block.lifted.tags == ["наука", "СПИД"]


def test_every_case_is_within_its_rules_declared_length() -> None:
    # the engine skips a line rule on lines longer than its max_words: a rule must not
    # promise less than it takes
    for rule_name, chrome, _story in CASES:
        limit = REGISTRY[rule_name].max_words
        if limit is not None:
            assert text_to_blocks(chrome)[0].n_words <= limit, (rule_name, chrome)


def test_skipping_rules_by_length_changes_no_label() -> None:
    from pathlib import Path

    from cleaners.engine import label_blocks
    from cleaners.rules.plan import LINE_RULES, PLAN

    line_rules = [REGISTRY[name] for name in LINE_RULES]
    later = [REGISTRY[step] for step in PLAN["text"] if isinstance(step, str)]
    seeds = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))
    assert seeds
    pages = [p.read_text(encoding="utf-8") for p in seeds]
    pages.append("\n\n".join(case[1] for case in CASES))  # every chrome line, in one page
    for page in pages:
        fast = text_to_blocks(page)
        label_blocks(fast, PageContext(input_format="text"))
        slow = text_to_blocks(page)
        ctx = PageContext(input_format="text")
        for b in slow:  # every line rule on every line, as the engine did before
            if b.undecided:
                for r in line_rules:
                    note = r.fn(b, ctx)
                    if note:
                        b.mark(r.label, r.name, note)
                        break
        for r in later:
            r.fn(slow, ctx)
        for b in slow:
            if b.undecided and b.text:
                b.mark("chrome", "outside_body")
        assert [(b.label, b.rule) for b in fast] == [(b.label, b.rule) for b in slow]


@pytest.mark.parametrize("caption", [
    "FILE - In this Monday, Oct. 28, 2019, file photo, the court building in London.",
    "FILE— In this undated photo, the old mill stands by the river.",
    "In this handout photo, rescuers search the rubble.",
    "На фото: судья оглашает приговор.",
    "На снимке: новый мост через Обь.",
    "Pictured: the new bridge over the river.",
    "Above: the crowd outside the stadium.",
    "TOP: a satellite image of the storm.",
])
def test_every_opening_of_an_agency_caption_is_taken(caption: str) -> None:
    # each opening has its first word in _CAPTION_FIRST_WORDS, asked before the pattern
    block = text_to_blocks(caption)[0]
    assert REGISTRY["caption_credit"].fn(block, PageContext(input_format="text")) == \
        "an agency's picture caption"
    assert block.lifted.caption == caption


@pytest.mark.parametrize("story", [
    # a headline or a sentence with a few dashes: too few items
    "Путин - Медведеву: выборы пройдут честно - и в срок",
    # a list of places in a story line: its items run longer than a menu's
    "Россия - страна большая - от Калининграда до Камчатки - девять часовых поясов - и "
    "везде свои порядки",
    # items that start in lower case are phrases of a sentence, not menu items
    "Он сказал - нет - потом - да - и снова - нет",
])
def test_dashes_in_story_text_are_no_menu(story: str) -> None:
    assert not judge("breadcrumb_menu", story)


def test_a_dash_menu_run_into_one_line_is_a_menu() -> None:
    # a text browser prints a left-hand menu of rubrics wrapped over a few lines; joined,
    # they are one line of items parted by dashes
    menu = ("Политика - Экономика - Миграция - История - Права человека - Интернет - "
            "Религия - Анализ - Общество - Свобода слова - Спорт - Словарь - Письма читателей")
    assert judge("breadcrumb_menu", menu) == "13 items parted by dashes"


@pytest.mark.parametrize("line", [
    "<b>Важно</b>",  # leaked inline formatting, no attribute: the word stays
    "<p>Суд отложил заседание до понедельника.</p>",
    'Он написал в чате: <a href="x">ссылка</a> и ушёл.',  # one tag pair in a sentence
])
def test_markup_residue_leaves_formatting_and_quoted_tags(line: str) -> None:
    assert judge("markup_residue", line) is None


def test_a_chinese_source_line_gives_its_source() -> None:
    block = text_to_blocks("來源：廣州日報")[0]
    assert REGISTRY["source_line"].fn(block, PageContext(input_format="text"))
    assert block.lifted.source == "廣州日報"


def test_doubled_caption_records_the_caption() -> None:
    block = text_to_blocks("Избыточный весИзбыточный вес")[0]
    assert REGISTRY["doubled_caption"].fn(block, PageContext(input_format="text"))
    assert block.lifted.caption == "Избыточный вес"


@pytest.mark.parametrize("line, caption", [
    ("Jane Doe at the summit Jane Doe at the summit", "Jane Doe at the summit"),  # odd, a space
    ("Jane Doe at the summit  Jane Doe at the summit", "Jane Doe at the summit"),  # two spaces
    ("Jane Doe at the summitJane Doe at the summit", "Jane Doe at the summit"),  # run together
    ("Jane Doe at the summit Kane Doe at the summit", None),  # the halves open differently
    ("Jane Doe at the summit Jane Doe at the summix", None),  # ...or end differently
])
def test_doubled_caption_halves(line: str, caption: str | None) -> None:
    """Each half is compared whole wherever the line's middle falls (on the space between
    them or not); one differing character, at either end, keeps the line."""
    block = text_to_blocks(line)[0]
    hit = REGISTRY["doubled_caption"].fn(block, PageContext(input_format="text"))
    assert bool(hit) == (caption is not None)
    if caption is not None:
        assert block.lifted.caption == caption


@pytest.mark.parametrize("line", ["Name*", "Email *", "Your Name: *", "Zip Code*", "Имя*"])
def test_a_required_field_s_label_is_a_form_field_not_a_share_button(line: str) -> None:
    assert judge("form_field", line) is not None
    assert judge("share_button", "Email") is not None  # the button alone stays a button


@pytest.mark.parametrize("line", ["Avoid SELECT *", "***", "Note: 5 * 3", "Hello world.*"])
def test_a_star_that_marks_no_field_is_no_form_field(line: str) -> None:
    assert judge("form_field", line) is None


@pytest.mark.parametrize("line", ["Recent Posts", "Related Topics", "More Videos",
                                  "Popular Articles", "You may also be interested in"])
def test_a_modern_site_s_list_headers_are_list_headers(line: str) -> None:
    # the English headers of a blog's or a CMS's lists of other posts under the story
    assert judge("list_header", line) is not None


@pytest.mark.parametrize("line", ["Recent posts on the forum show the anger of the users.",
                                  "More videos of the storm were shared on Tuesday."])
def test_a_sentence_that_opens_with_a_list_header_s_words_is_story(line: str) -> None:
    assert judge("list_header", line) is None


@pytest.mark.parametrize("line", ["打印轉發字號：大中小", "字号：T|T", "打印 | 关闭窗口",
                                  "分享至 Facebook"])
def test_a_chinese_page_s_tool_row_is_a_toolbar_however_it_is_spaced(line: str) -> None:
    assert judge("toolbar_line", line) is not None


@pytest.mark.parametrize("line", ["北京西直门嘉茂中心突发大火", "收藏家称这幅画是真迹",
                                  "打印机价格上涨"])
def test_a_headline_that_opens_with_a_tool_s_word_is_no_toolbar(line: str) -> None:
    assert judge("toolbar_line", line) is None
