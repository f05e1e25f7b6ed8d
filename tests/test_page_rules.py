"""Block and boundary rules, judged on small pages: what they take and what story they leave."""

from __future__ import annotations

import re

from cleaners.page import analyse_decoded


def analyse_text(page: str):
    """A text page through the front end, the engine and the assembler: (blocks, article)."""
    return analyse_decoded(page, "text")

P1 = ("Российские учёные разработали новый метод очистки воды от тяжёлых металлов, который "
      "в десять раз дешевле существующих аналогов, сообщила пресс-служба университета.")
P2 = ("По словам авторов, технология уже испытана на трёх очистных станциях в Подмосковье и "
      "показала хорошие результаты, а в следующем году её планируют внедрить в других регионах.")
P3 = ("Исследование поддержал Российский научный фонд, а результаты опубликованы в журнале "
      "Water Research, одном из ведущих изданий в этой области науки.")


def labelled(page: str) -> dict[str, tuple[str, str | None]]:
    blocks, _article = analyse_text(page)
    return {b.text: (b.label, b.rule) for b in blocks if b.text}


def body_of(page: str) -> list[str]:
    _blocks, article = analyse_text(page)
    return article.paragraphs


def test_headline_list_with_dates_is_dropped_and_its_dates_ignored() -> None:
    page = "\n\n".join([
        "Новый метод очистки воды", P1, P2, P3, "Последние новости",
        "Казахстан укрепляет партнёрство с Грузией", "23.02.2026",
        "Греция планирует исключить Турцию из контрактов", "20.02.2026",
        "Россия и Украина не достигли соглашения", "19.02.2026",
    ])
    labels = labelled(page)
    assert labels["Греция планирует исключить Турцию из контрактов"] == ("chrome", "headline_list")
    assert labels["20.02.2026"][1] == "headline_list"
    _blocks, article = analyse_text(page)
    assert article.published is None
    assert article.paragraphs == [P1, P2, P3]


def test_story_sentences_starting_with_dates_are_not_a_headline_list() -> None:
    dated = [
        "21 марта 2023 года в Казани открылась выставка достижений местных изобретателей.",
        "22 марта 2023 года её посетили более пяти тысяч человек, сообщили организаторы.",
        "23 марта 2023 года выставку продлили ещё на неделю по просьбам посетителей.",
    ]
    page = "\n\n".join(["Выставка изобретателей", P1, *dated, P3])
    assert body_of(page) == [P1, *dated, P3]


def test_menu_run_is_dropped_but_a_numbered_list_in_the_story_stays() -> None:
    menu = "\n".join(["  • Политика", "  • Экономика", "  • Общество", "  • Спорт"])
    steps = "\n".join([
        "1. Воду пропускают через фильтр из модифицированного угля.",
        "2. Затем её облучают ультрафиолетом в течение минуты.",
        "3. На последнем этапе добавляют минеральные соли.",
    ])
    page = "\n\n".join([menu, "Новый метод очистки воды", P1, steps, P2, P3])
    labels = labelled(page)
    assert labels["Экономика"] == ("chrome", "menu_run")
    body = body_of(page)
    assert "2. Затем её облучают ультрафиолетом в течение минуты." in body


def test_short_closing_paragraph_stays() -> None:
    closing = "Денис Мантуров поздравил коллег с праздником."
    page = "\n\n".join(["Новый метод очистки воды", P1, P2, P3, closing])
    assert body_of(page)[-1] == closing
    # a sentence too short to count as prose is taken in by name when it closes the story
    short = "Мантуров поздравил коллег."
    page = "\n\n".join(["Новый метод очистки воды", P1, P2, P3, short, "Читайте также"])
    assert labelled(page)[short] == ("body", "closing_paragraph")


def test_hashtag_block_becomes_tags_and_empty_tag_is_dropped() -> None:
    page = "\n\n".join(["Новый метод очистки воды", P1, P2, P3]) + "\n\n#НАУКА\n#\n#ЭКОЛОГИЯ\n"
    assert labelled(page)["#НАУКА"] == ("meta", "hashtag_block")
    _blocks, article = analyse_text(page)
    assert article.tags == ["НАУКА", "ЭКОЛОГИЯ"]
    assert all(not p.startswith("#") for p in article.paragraphs)


def test_image_caption_above_a_credit_is_image_metadata() -> None:
    page = "\n".join([
        "Новый метод очистки воды", "", "Очистная станция в Подмосковье.",
        "Фото: ТАСС", "", P1, "", P2,
    ])
    assert labelled(page)["Очистная станция в Подмосковье."] == ("meta", "image_caption")
    _blocks, article = analyse_text(page)
    assert article.images == [{"caption": "Очистная станция в Подмосковье.", "credit": "ТАСС",
                               "url": None}]
    assert "Очистная станция в Подмосковье." not in article.paragraphs


def test_title_is_the_headline_above_the_body_and_never_invented() -> None:
    page = "\n\n".join(["Войти", "Новый метод очистки воды", "12.03.2024 10:15", P1, P2])
    _blocks, article = analyse_text(page)
    assert article.title == "Новый метод очистки воды"
    assert article.published == "2024-03-12T10:15:00"
    _blocks, article = analyse_text("\n\n".join([P1, P2, P3]))
    assert article.title is None


def test_alternate_title_in_another_script() -> None:
    en = ("Scientists in Russia have developed a new method of cleaning water from heavy "
          "metals, which is ten times cheaper than the existing ones, the university said.")
    page = "\n\n".join(["New water cleaning method", "Новый метод очистки воды", en, en + "!"])
    _blocks, article = analyse_text(page)
    assert article.title == "New water cleaning method"
    assert article.alternate_titles == ["Новый метод очистки воды"]


def test_comment_rules_after_the_story_do_not_replace_it() -> None:
    rules = ("Пользователь обязуется не нарушать правила сайта при публикации комментариев, "
             "а администрация сайта оставляет за собой право удалять комментарии пользователей.")
    page = "\n\n".join(["Новый метод очистки воды", P1, P2, "Правила комментирования",
                        *([rules] * 6)])
    assert body_of(page) == [P1, P2]


def test_agency_dateline_gives_the_source_and_stays_in_text() -> None:
    lead = "МОСКВА, 1 дек - РИА Новости. " + P1
    _blocks, article = analyse_text("\n\n".join(["Новый метод", lead, P2]))
    assert article.source == "РИА Новости"
    assert article.paragraphs[0] == lead


def test_teaser_list_after_the_story_is_cut_off() -> None:
    teasers = []
    for n in range(4):
        teasers += ["World news", "Five minute read",
                    f"Another headline about a different event number {n}",
                    f"A summary of that other story number {n}, written as a full sentence "
                    "that is long enough to count as prose on its own in the page, and then "
                    "some more words about what happened there, who said what about it and "
                    "when, so that it weighs about as much as a paragraph of the story."]
    page = "\n\n".join(["New water cleaning method", EN1, EN2, EN3, *teasers])
    assert body_of(page) == [EN1, EN2, EN3]


EN1 = ("Scientists in Russia have developed a new method of cleaning water from heavy metals, "
       "which is ten times cheaper than existing ones, the university said on Tuesday.")
EN2 = ("The technology has been tested at three treatment plants near Moscow and showed good "
       "results, and next year it is to be rolled out in other regions of the country.")
EN3 = ("The study was supported by the Russian Science Foundation, and the results were "
       "published in the journal Water Research, one of the leading ones in the field.")


def test_tags_on_the_line_after_their_label() -> None:
    page = "\n\n".join(["Новый метод очистки воды", P1, P2]) + "\n\nТемы:\nнаука, экология\n"
    labels = labelled(page)
    assert labels["наука, экология"] == ("meta", "tags_follow")
    _blocks, article = analyse_text(page)
    assert article.tags == ["наука", "экология"]


def test_a_story_line_after_a_colon_is_not_taken_for_tags() -> None:
    quote = ("Он сказал следующее: мы будем продолжать исследования, пока не найдём способ "
             "сделать очистку воды доступной для каждой семьи в стране.")
    page = "\n\n".join(["Новый метод очистки воды", P1, "Темы:", quote, P2])
    labels = labelled(page)
    assert labels[quote][1] != "tags_follow"


def test_teaser_list_of_doubled_headlines_is_dropped() -> None:
    units = []
    for n in range(3):
        head = f"Другая новость номер {n} о совсем другом событии"
        units += [head, head, f"Краткий анонс другой новости номер {n}."]
    page = "\n".join(["Новый метод очистки воды", "", P1, "", P2, "", *units])
    labels = labelled(page)
    assert labels["Другая новость номер 1 о совсем другом событии"] == ("chrome", "teaser_list")
    assert body_of(page) == [P1, P2]


def test_a_single_repeated_line_is_not_a_teaser_list() -> None:
    page = "\n".join(["Новый метод очистки воды", "", P1, P1, "", P2])
    assert P1 in body_of(page)


def test_a_hash_and_a_space_in_code_is_no_tag() -> None:
    code = "\n\n".join(["# Merging", "git merge feature-login", "# Bad", "git commit -am x"])
    page = "\n\n".join(["Новый метод очистки воды", P1, code, P2, P3])
    labels = labelled(page)
    assert labels["# Merging"][1] != "hashtag_block"
    assert labelled("\n\n".join(["Новый метод очистки воды", P1, P2, P3, "#НАУКА"])
                    )["#НАУКА"] == ("meta", "hashtag_block")
    assert P3 in body_of(page)


def test_hashtag_inside_a_sentence_is_story() -> None:
    line = "#МыВместе стал самым популярным хештегом года, сообщили аналитики соцсетей."
    page = "\n\n".join(["Новый метод очистки воды", P1, line, P2])
    assert line in body_of(page)


def test_date_line_under_the_title_is_metadata_not_title() -> None:
    page = "\n\n".join(["Новый метод очистки воды", "1:27, 27 ноября, 2011 Medportal.ru", P1, P2])
    labels = labelled(page)
    assert labels["1:27, 27 ноября, 2011 Medportal.ru"] == ("meta", "dateline_date")
    _blocks, article = analyse_text(page)
    assert article.title == "Новый метод очистки воды"
    assert article.published == "2011-11-27T01:27:00"


def test_a_page_with_no_story_is_rejected_with_its_analysis() -> None:
    import pytest

    from cleaners import Rejected, analyse_page

    page = "\n".join(["Войти", "Поиск", "  • Политика", "  • Экономика", "  • Спорт"])
    with pytest.raises(Rejected) as caught:
        analyse_page(page.encode("utf-8"), input_format="text")
    assert caught.value.reason == "no_article"
    rules = {b.rule for b in caught.value.analysis.blocks if b.text}
    assert {"login_link", "search_box", "menu_run"} <= rules


def test_teasers_glued_to_their_headlines_are_dropped() -> None:
    teasers = [
        "Harbour ferry fares rise again in springCommuters will pay a fifth more from April.",
        "Council votes to close the old libraryThe building needs repairs the town cannot fund.",
        "Local team wins the regional cup finalSupporters celebrated in the square until late.",
        "Storm warning for the coast this weekendForecasters expect gusts of up to 90 km/h.",
    ]
    page = "\n\n".join(["New water cleaning method", EN1, EN2, EN3, "Latest", *teasers])
    labels = labelled(page)
    assert labels[teasers[1]] == ("chrome", "glued_teasers")
    assert body_of(page) == [EN1, EN2, EN3]


def test_a_list_run_together_on_one_line_is_dropped() -> None:
    heads = ["В Казани открыли новый мост", "Сборная выиграла у Бразилии",
             "Цены на бензин снова выросли", "Метро продлит работу в праздники",
             "В парке высадили сто лип", "Театр покажет премьеру в мае",
             "Аэропорт закрыт из-за тумана", "Школы перейдут на пятидневку",
             "Вице-мэр ушёл в отставку"]
    feed = "".join(f"1{n}:2{n} {head}" for n, head in enumerate(heads))
    page = "\n\n".join(["Новый метод очистки воды", P1, P2, P3, "Лента новостей", feed])
    assert labelled(page)[feed] == ("chrome", "glued_teasers")
    assert body_of(page) == [P1, P2, P3]


def test_brand_names_written_as_one_word_are_story() -> None:
    paras = [
        "GateHouse Media agreed to buy Gannett last year, and the merged company kept the "
        "Gannett name for its newspapers across the country.",
        "Analysts said GateHouse had cut costs at every paper it bought, and expected the "
        "same after the merger was completed in November.",
        "The GateHouse parent, New Media, told investors the savings would reach 300 million "
        "dollars a year, according to a filing with regulators.",
        "A spokesman for GateHouse declined to comment on the plans for the newsrooms.",
    ]
    page = "\n\n".join(["Newspaper chains merge", *paras])
    assert body_of(page) == paras


LEAD = "Российские учёные нашли способ очищать воду в десять раз дешевле прежнего"


def test_the_lead_under_the_headline_is_story_not_title() -> None:
    page = "\n\n".join(["Новый метод очистки воды", "12.03.2024 10:15", "Версия для печати",
                        LEAD, P1, P2])
    labels = labelled(page)
    assert labels[LEAD] == ("body", "lead_under_headline")
    _blocks, article = analyse_text(page)
    assert article.title == "Новый метод очистки воды"
    assert article.paragraphs == [LEAD, P1, P2]


def test_a_long_headline_right_above_the_story_stays_the_title() -> None:
    # a section name and a byline above are not headlines
    for above in (["Рязанские новости / Происшествия", "12.03.2024 10:15"],
                  ["Надежда Шульга", "12.03.2024 10:15"]):
        page = "\n\n".join([*above, LEAD, P1, P2])
        labels = labelled(page)
        assert labels[LEAD] == ("title", "title"), above
    # a shorter headline right above it that names the story is the headline, and the
    # long line its dek, not a lead printed apart from the headline
    page = "\n\n".join(["12.03.2024 10:15", "Новый метод очистки воды", LEAD, P1, P2])
    labels = labelled(page)
    assert labels["Новый метод очистки воды"] == ("title", "title")
    assert labels[LEAD] != ("body", "lead_under_headline")


def test_items_of_a_read_also_list_are_not_the_title() -> None:
    page = "\n\n".join(["Новый метод очистки воды", "12.03.2024 10:15", "Материалы по теме:",
                        "Учёные нашли полезный заменитель шоколада",
                        "В Казани открыли новый мост через реку", P1, P2])
    _blocks, article = analyse_text(page)
    assert article.title == "Новый метод очистки воды"


def test_summaries_cut_short_are_a_teaser_list() -> None:
    teasers = [
        "Harbour ferry fares rise again", "Commuters will pay a fifth more from April, the...",
        "Council votes to close the library", "The building needs repairs the town cannot...",
        "Local team wins the regional cup", "Supporters celebrated in the square until late …",
    ]
    page = "\n\n".join(["New water cleaning method", EN1, EN2, EN3, "More news", *teasers])
    assert labelled(page)[teasers[3]] == ("chrome", "truncated_teasers")
    assert body_of(page) == [EN1, EN2, EN3]


def test_a_story_line_ending_in_an_ellipsis_stays() -> None:
    pause = "We asked him what he would do next. Here is what he had to say…"
    page = "\n\n".join(["New water cleaning method", EN1, pause, EN2, EN3])
    assert body_of(page) == [EN1, pause, EN2, EN3]


def test_a_listicle_keeps_its_items() -> None:
    items = []
    for name, price in (("Quiet earbuds", 235), ("Small console", 200), ("Portable speaker", 400)):
        items += ["Photo: Jane Doe", f"{name} for ${price}", "See it now: Amazon",
                  f"The {name.lower()} was the surprise of the year. It is smaller than last "
                  "year's model and the battery lasts twice as long. Reviewers liked the sound, "
                  "and the price has dropped by a fifth since the launch in the spring, which "
                  "makes it the best buy of the season for most people."]
    page = "\n\n".join(["Best gadgets of the year", EN1, EN2, *items])
    body = body_of(page)
    assert items[-1] in body and items[2] in body


def test_a_caption_with_its_more_toggle_is_dropped() -> None:
    caption = ("The minister, left, and his deputy open the new plant in Tula on Tuesday, "
               "Nov. 19, 2019. The plant will employ ... more")
    page = "\n\n".join(["New water cleaning method", caption, EN1, EN2, EN3])
    assert labelled(page)[caption] == ("chrome", "truncated_teasers")
    assert body_of(page) == [EN1, EN2, EN3]


def test_the_headline_printed_again_inside_the_story_is_dropped() -> None:
    page = "\n\n".join(["Hibernating astronauts would need smaller spacecraft", EN1,
                        "Hibernating astronauts would need smaller spacecraft", EN2, EN3])
    blocks, article = analyse_text(page)
    assert article.title == "Hibernating astronauts would need smaller spacecraft"
    assert article.paragraphs == [EN1, EN2, EN3]
    assert [b.rule for b in blocks if b.text == article.title] == ["title", "title_repeat"]


def test_the_authors_box_after_the_story_is_not_story() -> None:
    bio = ("Als Inbound Sales Manager bildet Moritz Bachmann die Schnittstelle zwischen dem "
           "Marketing und dem Vertrieb, und er schreibt über Messen, Kunden und Verträge.")
    page = "\n\n".join(["New water cleaning method", EN1, EN2, EN3, "Über Moritz Bachmann", bio])
    assert body_of(page) == [EN1, EN2, EN3]


def test_a_date_line_parts_two_stories_of_a_newspaper_page() -> None:
    letters = [
        "Читательница с улицы Мира рассказала, что во дворе третью неделю не вывозят мусор, "
        "и попросила коммунальщиков навести порядок до праздников.",
        "В управлении ЖКХ ответили, что график вывоза изменили из-за ремонта техники, и "
        "пообещали вернуть прежний порядок уже на следующей неделе.",
    ]
    page = "\n\n".join([*letters, "Газета № 8 от 17 января 2012 года", "Новый метод очистки воды",
                        P1, P2, P3, P1 + " " + P2])
    body = body_of(page)
    assert letters[0] not in body and body[0] == P1
    # and after the story, the header of the page's other news carries the date
    page = "\n\n".join(["Новый метод очистки воды", P1, P2, P3,
                         "Другие новости номера от 17 января 2012 года", *letters])
    assert body_of(page) == [P1, P2, P3]


def test_a_dated_post_quoted_inside_the_story_does_not_part_it() -> None:
    page = "\n\n".join(["New water cleaning method", EN1, EN2,
                        "— Water Research (@WaterResearch) November 20, 2019", EN3, EN1 + EN2])
    body = body_of(page)
    assert body[:2] == [EN1, EN2] and body[-2:] == [EN3, EN1 + EN2]


def test_links_under_a_read_also_header_are_dropped() -> None:
    links = ("Ирина Акимова в Харькове. Подробности визита (ФОТО) Угрозы эпидемии гриппа нет "
             "Туберкулез на Харьковщине. Методы борьбы с эпидемией")
    page = "\n\n".join(["Новый метод очистки воды", P1, P2, P3, "Читайте также", links])
    assert labelled(page)[links] == ("chrome", "related_list")
    assert body_of(page) == [P1, P2, P3]


def test_a_section_label_above_the_headline_is_no_read_also_header() -> None:
    page = "\n\n".join(["Новости", "Новый метод очистки воды", P1, P2, P3])
    _blocks, article = analyse_text(page)
    assert article.title == "Новый метод очистки воды"


def test_nothing_after_the_pager_is_story() -> None:
    ad = ("«Книжный Барс» предлагает читателям продолжение приключений сыщика и новый роман "
          "известной писательницы, которые уже поступили в продажу во всех магазинах города")
    page = "\n\n".join(["Новый метод очистки воды", P1, P2, P3,
                        "← предыдущая новость следующая новость →", ad])
    assert labelled(page)["← предыдущая новость следующая новость →"] == ("chrome", "pager")
    assert body_of(page) == [P1, P2, P3]


def test_the_headline_is_the_line_whose_words_the_story_uses() -> None:
    # a video widget's labels run together, and a timestamp, stand between the headline
    # and the story: they name nothing the story tells
    page = "\n\n".join(["Новый метод очистки воды от металлов", "Смотреть позжеДобавлено",
                        "12:17 04.01.2012", P1, P2])
    _blocks, article = analyse_text(page)
    assert article.title == "Новый метод очистки воды от металлов"
    assert article.alternate_titles == []
    # past a byline and a site-name line, further up than the nearest headline-like run
    page = "\n\n".join(["Учёные разработали дешёвый метод очистки воды", "Версия для печати",
                        "Павел Козаченко", P1, P2])
    _blocks, article = analyse_text(page)
    assert article.title == "Учёные разработали дешёвый метод очистки воды"


def test_a_line_that_shares_no_words_is_not_searched_for_far_up() -> None:
    # nothing above shares the story's words: the nearest headline-like line stays the
    # title, and a rubric with its story count that happens to share words is no headline
    page = "\n\n".join(["Очистка воды в регионах (324)", "Войти", "Экономика и общество",
                        P1, P2])
    _blocks, article = analyse_text(page)
    assert article.title == "Экономика и общество"
    page = "\n\n".join(["Очистка воды в регионах (324)", "Войти", P1, P2])
    _blocks, article = analyse_text(page)
    assert article.title is None


def test_a_line_apart_from_the_story_that_names_nothing_in_it_is_no_title() -> None:
    # a section label above the date line shares no word with the story: no title,
    # rather than a wrong one; right above the story, a headline needs no shared word
    page = "\n\n".join(["Медицина и здоровье", "12.03.2024 10:15", P1, P2])
    _blocks, article = analyse_text(page)
    assert article.title is None
    assert article.published == "2024-03-12T10:15:00"
    page = "\n\n".join(["12.03.2024 10:15", "Вода без примесей", P1, P2])
    _blocks, article = analyse_text(page)
    assert article.title == "Вода без примесей"


E1 = ("Prosecutors in Sweden have dropped an investigation into a rape allegation made against "
      "Wikileaks co-founder Julian Assange, the country's prosecution authority said.")
E2 = ("Assange, who denies the accusation, has avoided extradition to Sweden for seven years "
      "after seeking refuge at the Ecuadorean embassy in London, prosecutors told The "
      "Associated Press on Tuesday.")
E3 = ("The decision was taken because the evidence had weakened considerably over the long "
      "period of time since the events in question, the deputy director told reporters.")
HEADLINE = "Julian Assange: Sweden drops rape investigation"


def test_a_widget_line_repeated_in_the_story_does_not_name_it() -> None:
    # a video player's notice stands above the story and again inside it: the story's
    # words are counted without it, so the headline further up is found
    player = "Media playback is unsupported on your device"
    page = "\n\n".join([HEADLINE, "19 November 2019", "Share this with Facebook",
                        "Copy this link", player, E1, E2, player, E3])
    _blocks, article = analyse_text(page)
    assert article.title == HEADLINE


def test_a_byline_a_wire_slug_and_a_photo_credit_are_not_the_headline() -> None:
    caption = ("FILE - In this Monday, Oct. 28, 2019, file photo, Julian Assange's lawyers "
               "arrive at the prosecution authority in Stockholm, Sweden.")
    for credit in ("Patrick Semansky, ASSOCIATED PRESS",  # under the picture's caption
                   "AP-EU--Sweden-Assange-Rape-Investigation, 4th Ld-Writethru",  # wire slug
                   "by Sweden Assange Post Weekly 0 Comments"):  # a byline with a counter
        page = "\n\n".join([HEADLINE, "Associated Press", caption, credit, E1, E2, E3])
        _blocks, article = analyse_text(page)
        assert article.title == HEADLINE, credit


def test_a_headline_with_a_brand_written_in_camel_case_stays_the_title() -> None:
    head = "Die elektronische Patientenakte (ePA) im Praxistest: Ärzte warten auf die Daten"
    story = [("Die elektronische Patientenakte soll Ärzten seit Jahren alle Daten eines "
              "Patienten zeigen, doch im Praxistest fehlen die meisten Befunde noch immer."),
             ("Die Praxistest-Ärzte berichten, dass die Patientenakte nur selten vollständig "
              "ist und die Daten aus den Kliniken oft Wochen zu spät ankommen."),
             ("Die Krankenkassen wollen die Patientenakte bis zum Sommer verbessern und die "
              "Übertragung der Daten aus den Kliniken beschleunigen, heißt es.")]
    page = "\n\n".join([head, "Twitter Facebook", *story])
    _blocks, article = analyse_text(page)
    assert article.title == head


def test_the_headline_above_its_longer_dek_is_the_title() -> None:
    head = "Учёные удешевили очистку воды от металлов"
    dek = "Новый метод очистки воды в десять раз дешевле аналогов, сообщили в университете"
    page = "\n\n".join(["Наука", head, dek, P1, P2, P3])
    _blocks, article = analyse_text(page)
    assert article.title == head
    # a byline with its source above the headline shares two of the story's words at most
    page = "\n\n".join(["Павел Козаченко | Water Research", dek, P1, P2, P3])
    _blocks, article = analyse_text(page)
    assert article.title == dek


def test_the_story_words_the_title_rule_reads_are_the_words_of_its_opening() -> None:
    """The headline search reads the story's words from each line's features, not from
    the joined text: both must give the stems of the first STORY_CHARS characters."""
    from cleaners.blocks import Block
    from cleaners.rules.boundary_rules import STORY_CHARS, _stems, _story_stems

    lines = ["Вакцина COVID19 и препарат x²yz прошли испытания в Новосибирске.",
             "Ministry_of_Health заявил о новых данных по препарату Спутник.",
             "Αθήνα και Λονδίνο ανακοίνωσαν τα αποτελέσματα της μελέτης."]
    lines += [f"Абзац {i}: губернатор области обсудил строительство дорог{i} и мостов."
              for i in range(120)]  # past STORY_CHARS, which cuts a line mid-word
    blocks = [Block(index=i, text=t, raw=t) for i, t in enumerate(lines)]
    for b in blocks[::2]:
        b.compute_features(plain=False)  # every other line has no features (HTML)
    opening = " ".join(lines)[:STORY_CHARS]
    assert opening[-1].isalpha() and " ".join(lines)[STORY_CHARS].isalpha()
    assert _story_stems(blocks) == _stems(opening)
    assert {"covid", "новос", "minis", "αθήνα"} <= _story_stems(blocks)
    assert _story_stems(blocks[:3]) == _stems(" ".join(lines[:3]))


# the glue points word by word, as the rule first defined them: the page-wide scans must
# find the same words
_GLUE_REFERENCE = re.compile(
    r"(?<=[a-zа-яё]{2})[A-ZА-ЯЁ]"  # "FinaleFord", "мужчинВ Азербайджане"
    r"|(?<=[a-zа-яё][?!»\"”)])[A-ZА-ЯЁ]"  # "Rise?Violence", "«Центр наследия»В составе"
    r"|(?<=[^\W\d_])[0-2]?\d:[0-5]\d\b"  # "Измира18:44"
)


def test_glued_words_found_on_the_page_are_the_words_that_glue_on_their_own() -> None:
    from bisect import bisect_right
    from itertools import accumulate

    from cleaners.rules.block_rules import _GLUE_SCANS, _glued_words
    from cleaners.words.features import NON_LETTERS

    lines = ["Ford wins In NASCAR FinaleFord v Toyota flopped at Homestead",
             "Взрыв в Измира18:44 Музыка и «Центр наследия»В составе делегации",
             "Rise?Violence returns, iPhone and GateHouse stay, 12:30 is a time",
             "семинаровГоскомитет объявил 9:05 итоги,стадион Лужники8:15 открыт",
             "A line with nothing glued at all.", "abC", "Ab12:34"]
    joined = "\n".join(lines)
    starts = list(accumulate((len(t) + 1 for t in lines[:-1]), initial=0))
    points: dict[int, list[int]] = {}
    for scan in _GLUE_SCANS:
        for m in scan.finditer(joined):
            k = bisect_right(starts, m.start()) - 1
            points.setdefault(k, []).append(m.start() - starts[k])
    for k, text in enumerate(lines):
        expected = {NON_LETTERS.sub("", w.lower()) for w in text.split()
                    if _GLUE_REFERENCE.search(w)}
        assert _glued_words(text, points.get(k, [])) == expected, text
    assert _glued_words(lines[0], points[0]) == {"finaleford"}


# A Chinese story: short paragraphs, each a sentence or two of 30-45 characters (as much
# text as 90-135 letters of English)
ZH_STORY = [
    "美國首次申請失業補貼的人數降至三年半來最低水平，增加了人們對就業市場改善的希望。",
    "美國勞工部星期四報告說，上星期首次申領失業補貼的人數下降了一點九萬人。",
    "在失業數據公布前，美國中央銀行本星期早些時候表示，美國經濟適度增長。",
    "最近其它報告也顯示美國經濟正在恢復，紐約地區製造業的增長水平為七個月來最高。",
    "但美國經濟仍有理由令人擔憂，大約七百萬美國人仍然在申領某種失業救濟。",
]


def test_a_chinese_paragraph_is_prose_by_the_text_it_holds() -> None:
    from cleaners.rules.boundary_rules import is_prose

    blocks = [b for b in analyse_text("\n\n".join(ZH_STORY))[0] if b.text]
    assert all(len(b.text) < 40 for b in blocks[1:])  # fewer than 80 characters...
    assert all(is_prose(b, has_stopwords=False) for b in blocks)  # ...but a paragraph
    english = [b for b in analyse_text("Shares rose on Tuesday, the exchange said.")[0]
               if b.text]
    assert not is_prose(english[0], has_stopwords=False)  # as many letters: one sentence


def test_a_chinese_rights_notice_ends_the_story() -> None:
    notice = ["新華網版權與免責聲明：",
              "凡本網注明“來源：新華網”的所有作品，版權均屬于新華社，未經本網授權不得轉載、摘編或利用"
              "其它方式使用上述作品。已經本網授權使用作品的，應在授權范圍內使用，並注明“來源：新華網”。"]
    page = "\n\n".join(["美國失業補貼申請人數降至三年半來最低", *ZH_STORY, *notice])
    assert body_of(page) == ZH_STORY


def test_disclaimers_after_a_rights_notice_under_the_story_are_not_the_story() -> None:
    # the footer's notice heads a list of disclaimers longer than the story itself
    disclaimers = [
        "① 凡本網注明稿件來源的所有文字、圖片和音視頻稿件，版權均屬本網所有，任何媒體、網站或個人"
        "在未經本網協議的情況下，一律不准以任何方式轉貼或以其他方式複製發表，違者必究。",
        "② 本網註明轉載的文章和圖片等稿件，轉載目的在於傳遞更多信息，如其他媒體、網站或個人從本網"
        "下載使用，必須保留本網注明的稿件來源，並自負一切法律責任，本網概不承擔。",
        "③ 如本網轉載稿涉及版權等問題，請作者在兩周內速來電或來函與本網聯係，本網將在核實後"
        "儘快處理，並在網頁上刊登更正說明，感謝各位讀者和作者長期以來的關心與支持。",
    ]
    page = "\n\n".join(["美國失業補貼申請人數降至三年半來最低", *ZH_STORY[:3],
                        "打印", "關閉", "新華網版權與免責聲明：", *disclaimers])
    assert body_of(page) == ZH_STORY[:3]


def test_the_chinese_headline_is_the_line_whose_character_pairs_the_story_uses() -> None:
    # a site label stands between the headline and the story; it names nothing in it
    headline = "美國失業補貼申請人數降至三年半來最低"
    page = "\n\n".join([headline, "新華網首頁推薦", *ZH_STORY])
    _blocks, article = analyse_text(page)
    assert article.title == headline


def test_a_japanese_story_of_short_paragraphs_is_kept_under_its_headline() -> None:
    headline = "東京で記録的な大雪、交通機関に大きな乱れ"
    story = [
        "東京都心では十四日朝から雪が降り続き、午後には積雪が十センチを超えた。",
        "気象庁によると、都心でこれほどの積雪を観測するのは四年ぶりだという。",
        "この大雪の影響で、首都圏の交通機関では運休や遅れが相次いだ。",
        "各社は十五日朝も通勤や通学の時間帯に混乱が続く恐れがあるとしている。",
    ]
    page = "\n\n".join(["ホーム ニュース 天気 スポーツ 経済", headline, "2012年1月14日 18:30",
                        *story, "印刷", "メール", "ブックマーク", "トップへ戻る"])
    _blocks, article = analyse_text(page)
    assert article.paragraphs == story
    assert article.title == headline
    assert article.published.startswith("2012-01-14")


HIKE1 = ("A day in the hills starts the evening before, when you lay out what you will carry "
         "and check the weather for the valley and for the ridge you want to reach.")
HIKE2 = ("Most people pack too much, and a heavy bag makes the last hour of the walk the "
         "hardest one, so take only what you would miss if it were not there.")
HIKE3 = ("Tell someone where you are going and when you expect to be back, and leave the "
         "route with them, because phones lose their signal in the narrow valleys.")
HIKE4 = ("Start early, so that you are off the ridge before the afternoon storms that build "
         "up over the peaks on most summer days in the mountains of the region.")


def test_a_story_keeps_its_sections_across_its_subheads_and_lists() -> None:
    # a subhead and a bulleted list of short items (which the run rules take for a menu)
    # stand between the story's first paragraphs and its further section
    items = ["Water bottle", "Rain jacket", "First-aid kit", "Trail snacks", "Sun hat"]
    page = "\n\n".join(["How to pack for a day hike", HIKE1, HIKE2, "What to bring",
                        "\n".join(f"* {item}" for item in items), "Before you leave",
                        HIKE3, HIKE4])
    blocks, article = analyse_text(page)
    body = article.paragraphs
    assert HIKE1 in body and HIKE4 in body
    assert all(any(item in p for p in body) for item in items)
    assert article.title == "How to pack for a day hike"


def test_a_story_grows_past_a_small_section_to_the_larger_one_beyond_it() -> None:
    # code blocks part the story's sections; the first section beyond them is one short
    # sentence, too little alone to outweigh the code before it, but the section after
    # the next block holds more prose than both blocks cost together
    code1 = "\n".join(["git init my-project", "cd my-project", "git add hello.py",
                       "git status", "git commit -m 'first'"])
    code2 = "\n".join(["git branch feature-login", "git checkout feature-login",
                       "git switch -c feature-login", "git merge feature-login",
                       "git log --oneline --graph"])
    short = "This creates the project's history in a hidden folder of its own."
    page = "\n\n".join(["How to start with version control", HIKE1, HIKE2, code1, short,
                        code2, HIKE3, HIKE4])
    body = "\n".join(body_of(page))
    assert all(p in body for p in (HIKE1, HIKE2, short, HIKE3, HIKE4))
    assert "git switch -c feature-login" in body


def test_the_story_of_many_short_sections_wins_over_a_late_block_of_prose() -> None:
    # each item (a subhead, a pick, a price, a focus and one short sentence) stands apart
    # from the next by more short lines than a run of prose crosses: a run too small to
    # win alone; the shop's notice at the page's foot is one block of more prose than any
    items = []
    for n, thing in enumerate(["bench", "rope", "mat", "rower", "rack", "bike"], start=1):
        items += [f"{n}. A {thing} for the home gym", f"Our pick: the Acme {thing} {n}",
                  f"Price: ${n * 50}", f"Key focus: strength and space {n}",
                  f"A solid {thing} is a good start for training at home, and it is easy to "
                  f"store away when you need the space."]
    intro, closing = " ".join([HIKE1, HIKE3, HIKE4]), HIKE2
    notice = ("Due to the high volume of orders this season, processing may take up to "
              "fifteen business days, and we thank every customer for their patience. "
              "Our showroom stays open every day of the week until eight in the evening, "
              "and our staff will help you choose the right equipment for your home gym. "
              "Orders placed before noon leave our warehouse on the same day, and every "
              "delivery can be followed online from the moment it leaves until it arrives.")
    page = "\n\n".join(["The best home gym for any budget", intro, *items, closing,
                        "Share:", "Related Articles", "How to keep a new year resolution",
                        "Power rack or half rack: which to buy", "Home gym or a club",
                        "Ten stretches for the morning", "Holiday delays", notice])
    _blocks, article = analyse_text(page)
    assert intro in article.paragraphs and closing in article.paragraphs
    assert items[4] in article.paragraphs and items[-1] in article.paragraphs
    assert notice not in article.paragraphs
    assert article.title == "The best home gym for any budget"


def test_a_story_keeps_its_numbered_items_of_a_word_or_two() -> None:
    # "1. Size" is an item of the story's list; a stray "Advertisement" is not
    page = "\n\n".join(["How to pack for a day hike", HIKE1, "1. Size", HIKE2,
                        "Advertisement", HIKE3, "2. Weight", HIKE4])
    labels = labelled(page)
    assert labels["1. Size"] == ("body", "body_region")
    assert labels["2. Weight"] == ("body", "body_region")
    assert labels["Advertisement"][0] == "chrome"


def test_a_story_printed_again_is_kept_once_but_a_notice_under_each_item_stays() -> None:
    # a tabbed page prints the story's paragraphs a second time under another tab
    page = "\n\n".join(["How to pack for a day hike", HIKE1, HIKE2, HIKE3, HIKE4,
                        "Print version", HIKE1, HIKE2, HIKE3])
    assert body_of(page) == [HIKE1, HIKE2, HIKE3, HIKE4]
    # the same notice under each item of a list is the story's, every time
    notice = ("This webcam image is provided courtesy of the valley trust, and you may "
              "feature it on your own site if you fill out our usage agreement first.")
    page = "\n\n".join(["Webcams of the valley", "North ridge", HIKE1, notice, "Old mill",
                        HIKE2, notice, "Lake shore", HIKE3, notice])
    assert body_of(page).count(notice) == 3


def test_a_caption_printed_twice_in_a_row_is_kept_once() -> None:
    caption = ("Hikers on the north ridge at dawn, with the valley and the lake below "
               "them. Picture: Example Valley News")
    page = "\n\n".join(["How to pack for a day hike", HIKE1, HIKE2, caption,
                        "hikers at dawn", caption, HIKE3, HIKE4])
    assert body_of(page).count(caption) == 1


def test_share_buttons_end_the_story_before_a_footer_paragraph() -> None:
    footer = ("Example Valley News is the region's leading source of local news, sport and "
              "weather, and has been published in the valley since the spring of 1990.")
    page = "\n\n".join(["How to pack for a day hike", HIKE1, HIKE2, HIKE3, HIKE4,
                        "Share", "Facebook", "Twitter", footer])
    assert body_of(page) == [HIKE1, HIKE2, HIKE3, HIKE4]


def test_the_headline_over_the_date_line_wins_over_a_subhead_nearer_the_story() -> None:
    walk1 = ("Packing for a mountain walk in summer starts the evening before, when you "
             "lay out the water, the jacket and the food for the whole walk.")
    walk2 = ("A light pack makes the mountain walk easier in the summer heat, so carry "
             "only the water and food you need and leave the rest at home.")
    page = "\n\n".join(["Packing for a mountain walk in summer", "March 3, 2024",
                        "Summer walk: what to pack", walk1, walk2])
    _blocks, article = analyse_text(page)
    assert article.title == "Packing for a mountain walk in summer"
    assert article.paragraphs == [walk1, walk2]


def test_a_listicle_keeps_its_items_past_the_teaser_trim() -> None:
    # an intro, then numbered items of a subhead, two short fields and one short sentence:
    # each item reads as a teaser, but together they hold most of the story's prose
    intro = " ".join([HIKE1, HIKE2])
    events = [("Valley trail run", "North Gate", "walkers and runners"),
              ("Lake shore walk", "Boat House", "young families"),
              ("Ridge night hike", "Upper Farm", "keen hikers"),
              ("Forest bird walk", "Old Mill", "bird watchers"),
              ("River canoe day", "Stone Bridge", "anyone who can swim"),
              ("Harvest fair hike", "Church Green", "walkers of every age")]
    items = []
    for n, (name, place, who) in enumerate(events, start=1):
        items += [f"{n}. {name}", f"Where: {place}", f"Who: {who}",
                  f"The {name.lower()} starts at the {place.lower()} at {n + 7} in the "
                  f"morning, and it is meant for {who}."]
    page = "\n\n".join(["Events in the valley this spring", intro, *items])
    body = body_of(page)
    assert intro in body
    assert all(item in body for item in items[3::4])


def test_a_teaser_list_bigger_than_nothing_but_smaller_than_the_story_is_still_cut() -> None:
    # the same kind of items after a story that outweighs them: teasers, cut off
    teasers = []
    for n in range(3):
        teasers += [f"Another headline about a different event number {n}", "Five minute read",
                    "World news", f"A short summary of that other story number {n}, in a sentence."]
    page = "\n\n".join(["How to pack for a day hike", HIKE1, HIKE2, HIKE3, HIKE4, *teasers])
    assert body_of(page) == [HIKE1, HIKE2, HIKE3, HIKE4]


def test_a_source_line_under_a_chart_does_not_end_the_story() -> None:
    # "Source: X" credits a chart in the middle of the story: the story goes on after it
    page = "\n\n".join(["How to pack for a day hike", HIKE1, HIKE2,
                        "Chart: what hikers carry", "Source: Example Hiking Survey",
                        HIKE3, HIKE4])
    body = body_of(page)
    assert all(p in body for p in (HIKE1, HIKE2, HIKE3, HIKE4))
    assert "Source: Example Hiking Survey" not in body


def test_a_source_line_under_a_figure_caption_needs_one_paragraph_after_it() -> None:
    # two charts, each a caption and its credit, with one paragraph between them
    page = "\n\n".join(["How to pack for a day hike", HIKE1, HIKE2, "What hikers carry",
                        "Source: Example Hiking Survey", HIKE3, "Where hikers walk",
                        "Source: Example Trail Census", HIKE4])
    body = body_of(page)
    assert all(p in body for p in (HIKE1, HIKE2, HIKE3, HIKE4))
    # the story's own credit in brackets, then one paragraph of the site's: the end
    appeal = ("Get the latest news and updates on hiking, trails and the valley's weather "
              "from Example Valley News, every morning in your inbox.")
    page = "\n\n".join(["How to pack for a day hike", HIKE1, HIKE2, HIKE3,
                        "(With inputs from the agencies)", "Source: Agencies", appeal])
    assert appeal not in body_of(page)


def test_a_source_line_after_a_list_credits_the_next_item_s_picture() -> None:
    # a listicle: each item a heading, a screenshot's credit, then its paragraphs; the
    # item before ends in a list, so no paragraph stands right above the credit
    items = []
    for n, (name, why) in enumerate([("Ridge Packs", HIKE3), ("Valley Boots", HIKE4)], 2):
        items += [f"{n}. {name}", f"Source: {name}", why, HIKE2,
                  "Light and sturdy", "Cheap to repair", "Sold in every town"]
    page = "\n\n".join(["The best hiking gear this year", HIKE1, "1. Trail Maps",
                         "Free to download", "Updated every spring", "Printed on request",
                         *items])
    body = body_of(page)
    assert HIKE1 in body and HIKE3 in body and HIKE4 in body
    assert not any(p.startswith("Source:") for p in body)


def test_a_listicle_s_pictures_printed_twice_are_no_teaser_list() -> None:
    # each item's picture prints its alt text twice, as a teaser prints its headline,
    # and the next item's numbered heading follows it: no summary, and the story goes on
    items = []
    for n, (name, text) in enumerate([("Ridge Packs", HIKE2), ("Valley Boots", HIKE3),
                                      ("Lake Tents", HIKE4)], start=2):
        alt = f"{name} for a day in the hills"
        items += [alt, alt, f"{n}. {name}", text]
    page = "\n\n".join(["The best hiking gear this year", "1. Trail Maps", HIKE1, *items])
    body = body_of(page)
    assert all(h in body for h in (HIKE1, HIKE2, HIKE3, HIKE4))
    assert "3. Valley Boots" in body and "4. Lake Tents" in body
    assert "Valley Boots for a day in the hills" not in body


def test_a_listicle_s_items_laid_out_alike_are_one_story() -> None:
    # each item: a heading, then the same labels ("Features", "Pros", "Cons", "Best fit")
    # over its lists, then one short paragraph; the lists outweigh the prose, but the
    # labels repeat item after item: the story's template, not a menu or a footer
    items = []
    for n, (name, text) in enumerate([("Ridge Packs", HIKE2), ("Valley Boots", HIKE3),
                                      ("Lake Tents", HIKE4)], start=1):
        items += [f"#{n}. {name}", "Features", f"Weight: {n + 1} kilograms when empty",
                  f"Price: from {n * 40} euros in most shops", "Colours: green, grey or blue",
                  "Warranty: two years on every part", "Pros", "Light enough for long days",
                  "Easy to repair on the trail", "Sold in every outdoor shop", "Cons",
                  "Not made for deep snow", "Few sizes to choose from", "Best fit", text]
    page = "\n\n".join(["The best hiking gear this year", HIKE1, *items])
    body = body_of(page)
    assert all(h in body for h in (HIKE2, HIKE3, HIKE4))
    assert "Price: from 80 euros in most shops" in body


PL1 = ("Woda kokosowa to naturalny napój z młodych orzechów kokosowych, który od kilku lat "
       "zdobywa w Polsce coraz więcej zwolenników wśród osób dbających o zdrowie.")
PL2 = ("Zawiera dużo potasu i magnezu, dlatego dobrze nawadnia organizm podczas upałów, a "
       "lekarze polecają ją także sportowcom po długim i wyczerpującym treningu.")
PL3 = ("Nie może jednak zastąpić zwykłej wody ani zbilansowanej diety, o czym warto pamiętać, "
       "zanim kupi się ją w większych ilościach w najbliższym sklepie.")


def test_polish_furniture_after_the_story_is_not_the_story() -> None:
    # share buttons, a related list, tags and a comment form in Polish: the story's end
    reader = ("Wszystko wspaniale, tylko cena zaporowa, bo pół litra kosztuje w sklepie "
              "więcej niż dobry sok, a smak nie każdemu przypadnie do gustu.")
    page = "\n\n".join(["Woda kokosowa nektarem zdrowia", PL1, PL2, PL3, "DODAJ DO", "Wykop",
                         "Podobne w Zdrowe pomysły", "Domowe sposoby na lepsze trawienie",
                         "Kukurydza pełna zdrowia", "Tagi", "witaminy", "minerały",
                         "Skomentuj Woda kokosowa nektarem zdrowia",
                         "Zarejestruj się / Zaloguj się", "Komentarze (1)", reader, reader])
    assert body_of(page) == [PL1, PL2, PL3]
    labels = labelled(page)
    assert labels["Wykop"][1] == "share_button"
    assert labels["Podobne w Zdrowe pomysły"][1] == "more_header"
    assert labels["Skomentuj Woda kokosowa nektarem zdrowia"][1] == "comment_prompt"
    assert labels["Komentarze (1)"][0] == "chrome"


EL1 = ("Η κυβέρνηση ανακοίνωσε χθες νέα μέτρα για τη στήριξη των μικρών επιχειρήσεων, τα οποία "
       "θα ισχύσουν από τις αρχές του επόμενου μήνα σε όλη τη χώρα.")
EL2 = ("Σύμφωνα με το υπουργείο, τα μέτρα αφορούν κυρίως τη μείωση των φόρων και την "
       "επιδότηση των θέσεων εργασίας για όσους προσλάβουν νέους εργαζόμενους.")


def test_greek_furniture_after_the_story_is_not_the_story() -> None:
    other = ("Οι εργαζόμενοι στα λιμάνια ξεκινούν απεργία την Τρίτη, ζητώντας καλύτερους όρους "
             "εργασίας και την υπογραφή νέας συλλογικής σύμβασης με τους εργοδότες.")
    page = "\n\n".join(["Νέα μέτρα για τις μικρές επιχειρήσεις", EL1, EL2, "Εκτύπωση",
                         "Διαβάστε επίσης", "Απεργία στα λιμάνια", other,
                         "Σχολιάστε το άρθρο", other])
    assert body_of(page) == [EL1, EL2]


def test_a_comment_prompt_ends_the_story_though_prose_follows() -> None:
    comment = ("I tried this last summer and it worked well, although I would add a spare "
               "pair of socks to the list because my feet got wet at the first stream.")
    page = "\n\n".join(["How to pack for a day hike", HIKE1, HIKE2, HIKE3, HIKE4,
                        "Leave a comment", comment, comment.replace("summer", "spring")])
    assert body_of(page) == [HIKE1, HIKE2, HIKE3, HIKE4]


def test_a_list_the_last_paragraph_announces_ends_the_story() -> None:
    # the story ends in a list its last line announces, with no prose after it
    lead = "Compared with a paper map, the new trail app gives every hiker the following:"
    items = ["Offline maps of the valley", "Weather alerts for the ridge",
             "Your position on the trail"]
    page = "\n\n".join(["How to pack for a day hike", HIKE1, HIKE2, lead, *items,
                        "Share", "Facebook", "Twitter"])
    _blocks, article = analyse_text(page)
    text = "\n".join(article.paragraphs)
    assert lead in text and all(item in text for item in items)
    assert "Facebook" not in text


def test_an_announced_list_ends_at_a_form_button() -> None:
    # the last line announces a list; a button in brackets ends it: what follows is a poll
    lead = "To read the rest of this story, choose one of the following options:"
    items = ["Send a text message with the code VALLEY", "One day of access for two euros"]
    poll = ["Should the valley trail close in winter?", "Yes, it is too dangerous",
            "No, it should stay open"]
    page = "\n\n".join(["How to pack for a day hike", HIKE1, HIKE2, lead, *items,
                        "[Sign in with a code]", *poll])
    text = "\n".join(body_of(page))
    assert all(item in text for item in items)
    assert not any(line in text for line in poll)


ZH1 = ("国家体育总局今天发表了全民健身计划纲要实施十五年的白皮书，全面介绍了十五年来"
       "我国全民健身事业取得的成就和面临的问题。")
ZH2 = ("白皮书指出，十五年间在社会各界和广大群众的支持参与下，我国全民健身事业取得了"
       "令人瞩目的成就，纲要确定的奋斗目标和主要任务顺利完成。")
ZH3 = ("白皮书强调，城乡居民体育健身意识普遍提高，体育健身活动广泛开展，群众健身的环境"
       "和条件明显改善，国民体质显著增强。")
ZH4 = ("据了解，这是继五年前发布的白皮书之后，国家体育总局再次发表关于我国全民健身事业"
       "发展情况的白皮书，全书去年十一月编撰完成。")


def test_a_chinese_story_does_not_grow_to_a_ranked_list_of_headlines() -> None:
    # a page without stopwords takes any long line with a "！" for prose: a ranked list of
    # headlines under the page tools is no section of the story, as it ends no sentence
    ranked = "\n".join([
        "1. 1.美刊诬蔑中国即便以牺牲领土为代价也要维稳评论606条",
        "2. 2.小心国内外矛盾激化被霸权国利用挑起内战!评论416条",
        "3. 3.专家：知识界崇美仇日恨俄但最危险敌是美国评论273条",
        "4. 4.美不满霍尔木兹美军护航中国没出一分保护费评论229条",
    ])
    page = "\n\n".join(["体育总局发表全民健身计划纲要实施十五年白皮书", ZH1, ZH2, ZH3, ZH4,
                        "手机看新闻", "打印", "收藏", "纠错", "网友评论点击查看", "用户名：",
                        "到环球网论坛注册", "新闻48小时评论排行", ranked])
    body = body_of(page)
    assert body[:4] == [ZH1, ZH2, ZH3, ZH4]
    assert not any("评论606条" in p for p in body)


def test_a_chinese_story_still_grows_across_its_subhead_to_its_next_section() -> None:
    items = ["一、锻炼身体", "二、合理饮食", "三、充足睡眠", "四、定期体检", "五、心情愉快"]
    page = "\n\n".join(["体育总局发表全民健身计划纲要实施十五年白皮书", ZH1, ZH2,
                        "\n".join(f"* {item}" for item in items), ZH3, ZH4])
    body = body_of(page)
    assert ZH1 in body and ZH4 in body


def test_teasers_cut_short_with_two_dots_are_a_teaser_list() -> None:
    teasers = ["六月拍床戲心怦怦跳 不..", "老年人最好別開車騎車 ..", "善用天然清潔劑 無毒大..",
               "肩膀「啪」一聲！婦人大..", "下水道藥物濃度高 廢舊.."]
    page = "\n\n".join(["體育總局發表白皮書", ZH1, ZH2, ZH3, ZH4, "本週最新文章",
                        *(f"•{t}" for t in teasers)])
    labels = labelled(page)
    assert all(labels[t] == ("chrome", "truncated_teasers") for t in teasers)


def test_a_chinese_story_does_not_grow_up_to_a_breadcrumb_ending_in_its_headline() -> None:
    # the breadcrumb is long enough for prose where no stopwords judge it, and its "？"
    # is a sentence stop; a headline's "？" ends no paragraph
    crumb = "健康網 〉檢視火線新聞 〉菸害防制新法實施已經整整三年 青少年吸菸的問題仍然嚴重？"
    page = "\n\n".join([crumb, "》菸害防制新法實施已經整整三年 青少年吸菸的問題仍然嚴重？",
                        "日期：2012.01.12", "* 推文到 FaceBook\n* 推文到 Twitter\n* 推文到 Plurk",
                        "◎ 記者林又旻/採訪報導", "此篇文章同步刊登於", ZH1, ZH2, ZH3, ZH4])
    body = body_of(page)
    assert ZH1 in body and ZH4 in body
    assert crumb not in body


def test_a_sidebar_the_column_reader_placed_inside_the_story_is_left_out() -> None:
    # the story breaks off mid-sentence where the sidebar's column begins, and goes on
    # under it; the sidebar's list stands between the two parts
    broken = ("林醫師表示，要避免肩膀受傷，首先還是要提醒主婦們動作不要太趕或太急，因為如果受傷，"
              "浪費的時間可能多上好")
    tail = ("幾倍。做家事時，避免手臂過度伸展，必要時使用工具協助；在擦洗高處的家具時，可在腳下"
            "墊個板凳，而且不要過度施力，若感覺不適更要馬上停止。")
    sidebar = ["廣 告", "優活揪您一同A好康", "加入粉絲就送禮卷", "本週最新文章",
               "•六月拍床戲心怦怦跳 不..", "•老年人最好別開車騎車 ..", "•善用天然清潔劑 無毒大..",
               "•肩膀「啪」一聲！婦人大..", "更多最新文章"]
    page = "\n\n".join(["女大掃除肌腱斷裂 手酸軟舉不起來", ZH1, ZH2, broken, *sidebar, tail])
    body = body_of(page)
    assert body[:3] == [ZH1, ZH2, broken] and tail in body
    assert not any("本週最新文章" in p or "好康" in p for p in body)


def test_a_story_ending_in_a_full_stop_does_not_reach_past_a_sidebar() -> None:
    # the same page with the story's last paragraph whole: what follows the sidebar is
    # another text, not the story's rest
    whole = ZH3
    other = ("幾倍的人選擇了在家做家事，避免手臂過度伸展，必要時使用工具協助；在擦洗高處的家具"
             "時，可在腳下墊個板凳，而且不要過度施力，若感覺不適更要馬上停止。")
    sidebar = ["本週最新文章", "•六月拍床戲心怦怦跳 不..", "•老年人最好別開車騎車 ..",
               "•善用天然清潔劑 無毒大..", "•肩膀「啪」一聲！婦人大..", "更多最新文章"]
    page = "\n\n".join(["女大掃除肌腱斷裂 手酸軟舉不起來", ZH1, ZH2, ZH4, whole, *sidebar, other])
    assert other not in body_of(page)


def test_a_chinese_headline_has_the_same_stems_as_the_story_reading_it() -> None:
    """A clause between spaces in a Chinese headline is no stem of its own (the story's
    stems hold none), only its character pairs, so a headline whose clauses are parted by
    a space shares as much with its story as one written without."""
    from cleaners.blocks import Block
    from cleaners.rules.boundary_rules import _stems, _story_stems

    headline = "菸害防制新法實施三年 青少年吸菸仍嚴重"
    stems = _stems(headline)
    assert stems == _stems(headline.replace(" ", "，"))
    assert all(len(s) == 2 for s in stems)
    lines = ["國民健康局表示，菸害防制新法實施三年，青少年吸菸仍嚴重，呼籲家長多加關心。"]
    blocks = [Block(index=0, text=lines[0], raw=lines[0])]
    blocks[0].compute_features(plain=False)
    assert _story_stems(blocks) == _stems(lines[0])
    assert stems <= _story_stems(blocks)
