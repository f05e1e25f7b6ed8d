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
