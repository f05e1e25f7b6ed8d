"""Per-site line statistics: normalisation, stable hashes, counting over distinct pages,
the thresholds, and the memory bound."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cleaners.sitestats import (
    MIN_SITE_PAGES,
    LineCounter,
    SiteLineStats,
    chrome_threshold,
    line_hash,
    line_key,
    page_hashes,
)

ROOT = Path(__file__).resolve().parents[1]


def test_line_key_folds_case_digits_punctuation_and_spacing():
    assert line_key("  Главная | Новости  ") == line_key("главная / НОВОСТИ")
    assert line_key("Комментарии: 12") == line_key("Комментарии (37)")
    assert line_key("Всё о ёлках") == line_key("Все о елках")
    assert line_key("Главная  Новости") == "главная новости"
    assert line_key("Главная Новости") != line_key("Главная Статьи")


def test_too_short_lines_are_not_counted():
    assert line_hash("7") is None and line_hash("—") is None
    assert line_hash("RSS") is not None


def test_hashes_are_stable_across_processes():
    """Stats are stored and compared between Dask workers: no per-process salt."""
    code = "from cleaners.sitestats import line_hash; print(line_hash('Главная | Новости'))"
    outs = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                             capture_output=True, check=True).stdout.strip()
        outs.add(out)
    assert outs == {str(line_hash("Главная | Новости"))}
    assert -(2**63) <= line_hash("Главная | Новости") < 2**63  # fits sqlite's INTEGER


def test_a_page_counts_each_line_once():
    counter = LineCounter()
    counter.add_page(page_hashes(["Меню", "Меню", "Меню", "Текст статьи"]))
    counter.add_page(page_hashes(["Меню", "Другая статья"]))
    assert counter.pages == 2
    assert counter.counts[line_hash("Меню")] == 2
    assert counter.counts[line_hash("Текст статьи")] == 1


def test_threshold_grows_with_the_site_and_is_capped():
    assert chrome_threshold(10) == 3  # a line two pages share is story one time in six
    assert chrome_threshold(50) == 3  # two pages of fifty share a quote: not chrome
    assert chrome_threshold(1_000_000) == 20  # a teaser on 20 pages of a huge site is


def _site(pages: int, shared: dict[str, int]) -> LineCounter:
    """A site of ``pages`` pages, each with its own story line; ``shared`` lines printed on
    the first N pages."""
    counter = LineCounter()
    for i in range(pages):
        lines = [f"История номер {'x' * (i + 1)} о событиях дня"]
        lines += [text for text, n in shared.items() if i < n]
        counter.add_page(page_hashes(lines))
    return counter


def test_chrome_is_a_line_on_enough_pages_of_the_site():
    chrome = _site(50, {"Главная Новости Спорт": 50, "Цитата дня из двух статей": 2}).chrome("s")
    assert line_hash("Главная Новости Спорт") in chrome
    assert line_hash("Цитата дня из двух статей") not in chrome
    assert chrome.share(line_hash("Главная Новости Спорт")) == 1.0


def test_a_site_with_too_few_pages_learns_nothing():
    chrome = _site(MIN_SITE_PAGES - 1, {"Главная Новости Спорт": 5}).chrome("s")
    assert len(chrome) == 0 and not chrome


def test_new_pages_count_themselves_as_printing_their_lines():
    """A scheduled run cleans pages the counts do not include: a line on two stored pages
    plus the new page is on three (the threshold), as it would be had a backfill learned
    all three."""
    counter = _site(10, {"Подпишитесь на рассылку": 2})
    h = line_hash("Подпишитесь на рассылку")
    assert h not in counter.chrome("s")
    pending = counter.chrome("s", pending=True)
    assert h in pending and pending.pages == 11 and pending.pages_with(h) == 3


def test_memory_is_bounded_and_recurring_lines_survive():
    counter = LineCounter(capacity=64)
    for i in range(3000):
        counter.add_page([line_hash("Главная Новости Спорт"), *(
            line_hash(f"строка {i} {k} {'y' * k}") for k in range(30))])
        assert len(counter.counts) <= 2 * 64
    menu = counter.counts[line_hash("Главная Новости Спорт")]
    # Misra-Gries undercounts by at most (lines counted) / (capacity + 1)
    assert 3000 - 31 * 3000 / 65 <= menu <= 3000
    assert line_hash("Главная Новости Спорт") in counter.chrome("s")


def test_merging_summaries_adds_their_counts():
    a, b = _site(4, {"Меню сайта": 4}), _site(6, {"Меню сайта": 3})
    a.merge(b.counts, b.pages)
    assert a.pages == 10 and a.counts[line_hash("Меню сайта")] == 7


def test_stats_keep_sites_apart():
    stats = SiteLineStats()
    for i in range(5):
        stats.add_page("a.ru", page_hashes(["Меню сайта А", f"Статья {'z' * i}"]))
        stats.add_page("b.ru", page_hashes([f"Статья {'w' * i}"]))
    assert line_hash("Меню сайта А") in stats.chrome("a.ru")
    assert line_hash("Меню сайта А") not in stats.chrome("b.ru")
    assert stats.chrome("c.ru") is None
