"""Side-by-side columns in text dumps are read through one at a time."""

from __future__ import annotations

from cleaners.columns import deinterleave

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
