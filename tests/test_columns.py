"""Side-by-side columns in text dumps are read through one at a time."""

from __future__ import annotations

from cleaners.text.columns import deinterleave

STORY = [
    "Отделение паллиативной помощи рассчитано на десять мест.",
    "Официальное открытие прошло сегодня днем, сообщили в больнице.",
    "Кстати, на ремонт отделения ушло два месяца.",
    "Пациентов будут наблюдать два врача и девять медсестёр.",
    "Отделение оснащено всем необходимым оборудованием.",
    "Первых пациентов примут уже на этой неделе.",
]
SIDEBAR = ["• Медведев отправил в отставку", "• Трассы закрыты", "• Найдены тела",
           "• В ДТП погибли", "• Налоговики изъяли", "• Курс рубля"]


def test_two_columns_are_read_one_after_the_other() -> None:
    lines = [f"{left:<70}     {right}" for left, right in zip(STORY, SIDEBAR, strict=True)]
    out = [line for line in deinterleave(lines) if line]
    assert out == STORY + SIDEBAR


def test_a_page_without_columns_is_left_alone() -> None:
    lines = ["Заголовок", "", "Абзац   с   лишними пробелами внутри строки.", "Ещё абзац."]
    assert deinterleave(lines) == lines


def test_indentation_is_not_a_column() -> None:
    lines = ["    " + s for s in STORY] + ["      • пункт"] * 6
    assert deinterleave(lines) == lines


def test_a_cell_that_fills_its_column_parts_from_the_next_on_one_space() -> None:
    left = ["Новости города", "Мэр открыл мост", "Погода на неделю",
            "Автобусы идут в объезд до", "Курс валют", "Афиша", "Спорт"]
    right = ["Губернатор встретился с учёными", "и обсудил планы на будущий год",
             "в области науки и образования", "и развития исследовательских центров",
             "в крупных городах региона", "до 2030 года, сообщила", "пресс-служба."]
    lines = [a.ljust(26) + b for a, b in zip(left, right, strict=True)]
    assert lines[3][25] == " " and lines[3][26] != " "  # one space only: no gap to split on
    out = [line for line in deinterleave(lines) if line]
    assert out == left + right


def test_a_long_cell_is_split_only_where_the_rows_around_start_a_cell() -> None:
    left = ["Новости города", "Мэр открыл мост", "Погода на неделю",
            "Весь этот длинный текст левой ячейки", "Курс валют", "Афиша", "Спорт"]
    right = ["Губернатор встретился с учёными", "и обсудил планы на будущий год",
             "в области науки и образования", "", "в крупных городах региона",
             "до 2030 года, сообщила", "пресс-служба."]
    lines = [(a.ljust(40) + b).rstrip() for a, b in zip(left, right, strict=True)]
    out = [line for line in deinterleave(lines) if line]
    assert "Весь этот длинный текст левой ячейки" in out


def test_lines_indented_to_a_column_show_its_edge_too() -> None:
    # the menu's last cell runs up to one space before the story; in the rows below, the
    # story's lines are indented to its column and show where the column starts
    menu = ["Политика", "Экономика", "Общество", "Спорт", "Культура"]
    story = ["Новости Центральной Азии", "Казахстан продлил режим ЧП", "до конца января",
             "в городе", "4 января президент продлил", "чрезвычайное положение в городе",
             "до конца января, говорится", "в указе президента."]
    last = "Свобода слова - Письма читателей"[:29]  # 29 characters, then one space
    lines = [m.ljust(30) + t for m, t in zip(menu, story, strict=False)]
    lines += [" " * 30 + "Жанаозен, Мангистауская", " " * 30 + "область, сообщает агентство.",
              last + " " + story[5], *[" " * 30 + t for t in story[6:]]]
    assert lines[7][29] == " " and lines[7][28] != " " and lines[7][30] != " "
    out = [line for line in deinterleave(lines) if line]
    assert last in out and story[5] in out


def test_a_column_shown_by_its_indented_lines_parts_from_a_menu_glued_to_it() -> None:
    # a story column whose left neighbour is empty on most rows: its lines are indented to
    # it, with nothing before them; only a few rows hold a cell of the left-hand menu,
    # which runs up to one space before the story (once with a gap); a sidebar runs down
    # the right. The rows just above the glued ones hold only the sidebar's cells, so the
    # story's edge shows only further off. The story's lines must not stay glued to the
    # menu.
    edge, side = 30, 75
    menu = ["- Политика - Экономика - Права", "человека - Интернет - Религия",
            "Свобода слова - Спорт - Письма", "Культура и искусство - Книжки"]
    story = ["4 января президент Казахстана продлил", "режим чрезвычайного положения.",
             "«Постановляю продлить режим до", "31 января», - говорится в указе.",
             "Напомним, режим должен был истечь", "5 января 2012 года. Полиция открыла",
             "огонь по бастовавшим нефтяникам.", "Погибли 16 человек."]
    left = [" " * edge + "Новости Центральной Азии", "", "", "",
            menu[0][:edge - 1].ljust(edge - 1) + " " + story[0],
            menu[1].ljust(edge - 1) + " " + story[1],
            menu[2],
            menu[3].ljust(edge - 1) + " " + story[2],
            "- Туризм - Хлопок".ljust(edge) + story[3],
            *[" " * edge + s for s in story[4:]]]
    sidebar = [f"Реклама {k}" for k in range(len(left))]
    lines = [a.ljust(side) + b for a, b in zip(left, sidebar, strict=True)]
    assert lines[4][edge - 1] == " " and lines[4][edge - 2] != " "  # one space: no gap
    out = [line for line in deinterleave(lines) if line]
    assert story[0] in out
    at = out.index(story[0])
    assert out[at: at + len(story)] == story
    assert menu[0][:edge - 1] in out and menu[2] in out


def test_a_page_printed_with_a_margin_is_no_column() -> None:
    # the whole story indented to one column, nothing ever to its left, and a few cells
    # further right: a margin, not a column; the page is left as it is
    margin = " " * 37
    lines = [margin + s for s in STORY * 2]
    lines[1] = lines[1].ljust(110) + "Bookmark"
    lines[3] = lines[3].ljust(110) + "Share"
    assert deinterleave(lines) == lines


def test_columns_of_chinese_text_are_found_by_screen_column() -> None:
    # a Chinese story beside a sidebar: each Chinese character takes two screen columns,
    # so the sidebar starts at the same screen column on every row but at a different
    # character index, depending on how many Chinese characters stand before it
    story = ["核心提示：去年一月，女嬰吊針後突然出現症狀，",
             "後因搶救無效死亡。家屬不願接受現實，",
             "私下委托鑒定中心進行檢驗，",
             "報告稱標本心臟為男性。",
             "昨日，案件在法院開庭審理，醫院當庭",
             "否認存在偷換標本的行為。"]
    sidebar = ["● 熱點新聞", "● 卸任院長", "● 升任助理", "● 新趨勢", "● 自導自演", "● 撰文"]
    from cleaners.text.columns import display_width

    lines = [left + " " * (60 - display_width(left)) + right
             for left, right in zip(story, sidebar, strict=True)]
    assert len({line.index("●") for line in lines}) > 1  # the character index varies
    out = [line for line in deinterleave(lines) if line]
    assert out == story + sidebar
