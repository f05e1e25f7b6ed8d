"""The site statistics store: kept across runs, a page counted once, bounded per site."""

from __future__ import annotations

from cleaners.sitestats import line_hash, page_hashes
from flows.sitestats_store import PageLines, SiteStatsStore

MENU = "Главная Новости Спорт Погода"


def _page(i: int, site: str = "a.example", *extra: str) -> PageLines:
    return PageLines(f"{site}/{i}.html", site,
                     page_hashes([MENU, f"Своя статья {'x' * (i + 1)}", *extra]))


def test_statistics_persist_and_a_page_is_counted_once(tmp_path):
    with SiteStatsStore(tmp_path) as store:
        assert store.learn([_page(i) for i in range(3)]) == 3
    with SiteStatsStore(tmp_path) as store:  # a later run
        assert store.learn([_page(0), _page(1), _page(3)]) == 1  # 0 and 1 were counted
        assert store.sites() == {"a.example": 4}
        chrome = store.chrome(["a.example", "b.example"], pending=False)
        assert set(chrome) == {"a.example"}
        assert chrome["a.example"].pages_with(line_hash(MENU)) == 4
        assert line_hash("Своя статья x") not in chrome["a.example"]


def test_new_pages_see_the_stored_lines_as_printed_one_more_time(tmp_path):
    with SiteStatsStore(tmp_path) as store:
        store.learn([_page(i, "a.example", "Подпишитесь" if i < 2 else "") for i in range(5)])
        h = line_hash("Подпишитесь")
        assert h not in store.chrome(["a.example"], pending=False)["a.example"]
        assert h in store.chrome(["a.example"], pending=True)["a.example"]


def test_rows_per_site_stay_bounded(tmp_path):
    with SiteStatsStore(tmp_path, capacity=16) as store:
        for start in range(0, 400, 50):
            store.learn([_page(i, "a.example", *(f"строка {i} {k}" for k in range(10)))
                         for i in range(start, start + 50)])
        rows = store._db.execute("SELECT COUNT(*) FROM lines").fetchone()[0]
        assert rows <= 2 * 16
        assert line_hash(MENU) in store.chrome(["a.example"], pending=False)["a.example"]
