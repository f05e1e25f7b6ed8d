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
