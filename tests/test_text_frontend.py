"""The text front end: wrapped lines joined back into paragraphs, and only those."""

from __future__ import annotations

from cleaners.text.frontend import text_to_blocks


def texts(page: str) -> list[str]:
    return [b.text for b in text_to_blocks(page) if b.text]


# A paragraph wrapped inside a column 50 characters wide.
COLUMN = [
    "Самолет авиакомпании «Уральские авиалинии» летел из",
    "Москвы в Иркутск и приземлился утром в аэропорту",
    "Иркутска, где его осмотрели техники компании перед",
    "обратным рейсом в столицу, сообщила пресс-служба",
    "Аэропорт Иркутска отказался от комментариев.",
]


def test_a_line_ending_on_a_preposition_goes_on_in_the_next() -> None:
    assert texts("\n".join(COLUMN[:2])) == [" ".join(COLUMN[:2])]


def test_lines_of_a_wrapped_paragraph_join_even_before_a_capital() -> None:
    lines = [
        "В последние годы эпидемия ВИЧ затронула не только",
        "уязвимые группы, но и взрослое население края, что",
        "говорит о необходимости профилактической работы",
        "Министерство здравоохранения обещает продолжить её.",
    ]
    assert texts("\n".join(lines)) == [" ".join(lines)]


def test_a_byline_and_its_date_stay_apart() -> None:
    page = "\n".join(["Lisa Kaczke and Trevor J. Mitchell Sioux Falls Argus Leader",
                      "Published 10:02 AM EST Nov 19, 2019"])
    assert len(texts(page)) == 2


def test_a_bullet_starts_a_new_line_in_a_column() -> None:
    lines = [
        "Днепропетровщина продвинулась дальше всех в реформе",
        "• В больницах области появятся новые аппараты МРТ",
        "• Минздрав планирует создать госпитальные округа",
    ]
    assert texts("\n".join(lines)) == [line.lstrip("• ") for line in lines]


def test_a_headline_above_its_long_summary_is_not_joined_to_it() -> None:
    head = "Ливан отказался поддержать экономические санкции против Сирии"
    summary = ("Ливан отказался вводить экономические санкции против Сирии, одобренные Лигой "
               "арабских государств, поскольку это может привести к последствиям и ущербу")
    page = "\n".join([head, summary, "для экономики самого Ливана."])
    assert texts(page)[0] == head


def test_one_line_running_into_the_next_column_does_not_set_the_width() -> None:
    lines = list(COLUMN)
    lines[2] = lines[2] + " Проекты Байкал-Daily и Фотогалерея"  # a cell of the next column
    out = texts("\n".join(lines))
    assert out[0] == " ".join(COLUMN[:2]) + " " + lines[2] + " " + " ".join(COLUMN[3:])


# A dump wrapped at 60 columns: each wrapped line ran as near 60 as its words allowed.
WRAPPED = [
    "Вагоны со щебнем сошли с рельсов в Хабаровском крае в среду",
    "днем, сообщил представитель пресс-службы центра МЧС России.",
    "Движение поездов на участке было восстановлено через три часа",
    "после схода, пострадавших нет, уточнили в пресс-службе МЧС.",
]


def test_a_short_line_after_a_sentence_that_filled_the_width_is_its_own_line() -> None:
    # the sentence ran to the wrap width by chance; "Tweet" is the next widget, not its end
    page = "\n".join([*WRAPPED, "", WRAPPED[1], "Tweet"])
    assert texts(page)[-1] == "Tweet"


def test_the_short_last_line_of_a_wrapped_paragraph_still_joins() -> None:
    # it ends a sentence itself: the paragraph's end, after a sentence broken at the width
    page = "\n".join([*WRAPPED, "", WRAPPED[1], "Жертв нет."])
    assert texts(page)[-1] == WRAPPED[1] + " Жертв нет."


def test_drawn_rulers_go_even_when_a_zero_width_mark_split_them() -> None:
    # the page-wide ruler check runs on the folded text: "--\u200b--" is a ruler once the
    # zero-width space is gone
    page = "Первая строка новости.\n\n--\u200b--\n\nВторая ━━━━ строка."
    assert texts(page) == ["Первая строка новости.", "Вторая строка."]


def test_a_page_without_rulers_keeps_its_dashes_and_parentheses() -> None:
    page = "Счёт 3-2 (по пенальти) — итог матча.\n\nОн сказал: «Да (и нет)»."
    assert texts(page) == ["Счёт 3-2 (по пенальти) — итог матча.", "Он сказал: «Да (и нет)»."]


def test_radio_buttons_and_embeds_in_parentheses_go() -> None:
    page = "(*) Да ( ) Нет\n\nВидео embed(youtube 123) о пожаре (архив)."
    assert texts(page) == ["Да Нет", "Видео о пожаре (архив)."]


def test_whitespace_of_every_kind_folds_to_one_space() -> None:
    page = "Президент\u2003подписал  \t закон\u00a0о\u202fбюджете. \x1f"
    assert texts(page) == ["Президент подписал закон о бюджете."]


# a page saved one text node a line (BeautifulSoup's get_text("\n"), a crawler's dump):
# links and bold words break the story's sentences, with the nodes' own spaces kept
NODE_DUMP = "\n".join([
    "Markets",
    "Tech",
    "A ",
    "muddled view",
    " of US-China trade talks weighed on investors, analysts at ",
    "CNBC",
    " said.",
    "The index rose ",
    "1%",
    ".",
    "",
    "Read more",
])


def test_a_sentence_broken_at_its_links_joins_again_in_a_dump_of_text_nodes() -> None:
    assert texts(NODE_DUMP) == [
        "Markets",
        "Tech",
        "A muddled view of US-China trade talks weighed on investors, analysts at CNBC said.",
        "The index rose 1%.",
        "Read more",
    ]


def test_lines_that_end_a_sentence_or_start_a_new_one_stay_apart() -> None:
    page = "\n".join([
        "Главная",
        "Новости",  # menu items in capitals: no sentence runs on
        "Суд отложил заседание.",
        "в понедельник суд продолжит работу",  # after a sentence's end: a line of its own
        "Подписаться",
    ])
    assert texts(page) == ["Главная", "Новости", "Суд отложил заседание.",
                           "в понедельник суд продолжит работу", "Подписаться"]


def test_a_wrapped_dump_joins_only_by_its_width() -> None:
    # w3m wraps at a width: a short line before a lower-case one is a cell of its own
    # (a headline list's item, a column), not a sentence broken at a link
    wrapped = "\n".join(["Новости", "контекст"] + [
        "Власти Коми в 2012 году привлекут 540 миллионов рублей бюджетных средств на",
        "совершенствование помощи онкологическим больным жителям республики, сообщил",
        "министр здравоохранения региона Ярослав Бордюг в интервью агентству новостей.",
        "",
        "Республика получит на эти цели из российского бюджета 370 миллионов рублей, а",
        "остальные средства выделят из бюджета самой республики в течение этого года.",
    ])
    blocks = texts(wrapped)
    assert blocks[:2] == ["Новости", "контекст"]
    assert len(blocks) == 4


# A Chinese paragraph wrapped inside a column 50 screen columns wide: the text browser
# broke it between characters, mid-word, with no space and no lower case to show it.
CHINESE = [
    "核心提示：去年１月，１歲的女嬰吊針後突然出現狂躁等",
    "症狀，後因搶救無效死亡。婷婷死亡後，衛生局委托醫院",
    "專家對婷婷進行屍檢，認為婷婷死于先天性心臟病。家屬",
    "不願接受現實。",
]


def test_a_chinese_paragraph_wrapped_mid_word_is_joined_without_spaces() -> None:
    assert texts("\n".join(CHINESE)) == ["".join(CHINESE)]


def test_a_chinese_line_goes_on_in_a_line_that_starts_with_a_figure() -> None:
    lines = ["去年1月27日，1歲3個月的女嬰因腳腫住院治療，在檢查和吊針治療後突然于",
             "30日經搶救無效死亡。"]
    assert texts("\n".join(lines)) == ["".join(lines)]


def test_a_chinese_line_that_ends_a_sentence_stays_apart_from_the_next() -> None:
    lines = ["認為婷婷死于先天性心臟病。家屬不願接受現實，私下又委托鑒定中心檢驗。",
             "事件回顧："]
    assert texts("\n".join(lines)) == lines
