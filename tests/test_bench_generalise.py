"""The bench's generalisation figures (bench/generalise.py) on small hand-made inputs:
pages grouped by language and by site half, the leave-sites-out choice of the site
threshold, the pages cleaned with each candidate threshold, and the metadata rates.

A bag-of-words stub stands in for the shared scorer (same ``page_counts`` /
``aggregate`` interface), so these run without ../shared."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bench import generalise as g
from bench import run_bench as rb


class BagScorer:
    """The shared scorer's per-page interface with words instead of 4-token shingles."""

    @staticmethod
    def page_counts(truth: str, pred: str) -> tuple[float, float, float]:
        t, p = Counter(truth.split()), Counter(pred.split())
        tp, fp, fn = (sum(c.values()) for c in (t & p, p - t, t - p))
        total = tp + fp + fn
        return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)

    @staticmethod
    def aggregate(counts: list[tuple[float, float, float]]) -> dict[str, float]:
        ps = [tp / (tp + fp) for tp, fp, _ in counts if tp + fp > 0]
        rs = [tp / (tp + fn) for tp, _, fn in counts if tp + fn > 0]
        p, r = (sum(ps) / len(ps) if ps else 0.0), (sum(rs) / len(rs) if rs else 0.0)
        return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def sites_in(half: str, n: int) -> list[str]:
    """``n`` site names that fall in ``half``."""
    names = (f"site{i}.example" for i in range(1000))
    return [s for s in names if g.site_half(s) == half][:n]


# --------------------------------------------------------------------------
# Grouping
# --------------------------------------------------------------------------


def test_site_half_depends_on_the_site_alone_and_splits_sites_about_evenly() -> None:
    sites = [f"news{i}.example" for i in range(200)]
    halves = [g.site_half(s) for s in sites]
    assert set(halves) == {"A", "B"}
    assert 60 <= halves.count("A") <= 140
    assert halves == [g.site_half(s) for s in sites]  # the same every time it is asked


def test_a_pages_site_is_the_gold_site_else_the_url_host_else_the_page() -> None:
    assert g.page_site("p1", "gold.example", "https://other.example/a") == "gold.example"
    assert g.page_site("p1", None, "https://www.host.example:8080/a?b=1") == "www.host.example"
    assert g.page_site("p1", None, None) == "p1"


def test_group_f1_scores_each_group_on_its_own_pages() -> None:
    truth = {"p1": "river rose", "p2": "school opened", "p3": "bridge closed"}
    texts = {"p1": "river rose", "p2": "", "p3": "bridge closed menu"}
    out = g.group_f1(BagScorer, truth, texts, {"p1": "en", "p2": "pl", "p3": "en"})
    assert out["pl"] == (0.0, 1)
    f1, n = out["en"]
    assert n == 2
    assert f1 == pytest.approx(2 * (5 / 6) * 1 / (5 / 6 + 1))  # P (1 + 2/3) / 2, R 1
    assert g.group_f1(BagScorer, truth, texts, {"p1": "en"}) == {"en": (1.0, 1)}


def two_language_set() -> g.SetOutputs:
    truth = {"e1": "the river rose", "e2": "the school opened", "z1": "河水 上涨"}
    return g.SetOutputs(
        "tiny-multi", truth,
        {"winnow": {"e1": "the river rose", "e2": "the school opened", "z1": ""},
         "trafilatura": {"e1": "the river rose menu", "e2": "", "z1": "河水 上涨"}},
        {"e1": "a.example", "e2": "b.example", "z1": "c.example"},
        {"e1": "English", "e2": "English", "z1": "Chinese"})


def test_language_table_marks_the_language_where_winnow_is_below_an_anchor() -> None:
    text = g.language_table([two_language_set()], BagScorer)
    rows = {line.split(" | ")[1]: line for line in text.splitlines()[2:]}
    assert set(rows) == {"Chinese", "English"}
    assert "| 1 | 0.000 | 1.000 | ▼ below trafilatura (-1.0000) |" in rows["Chinese"]
    assert rows["English"].endswith("| at or above every anchor |")
    assert "| 2 | 1.000 |" in rows["English"]
    assert text.splitlines()[0] == ("| set | language | pages | winnow | trafilatura | "
                                    "Winnow against the anchors |")


def test_language_table_says_all_for_a_set_without_languages_in_its_gold() -> None:
    plain = g.SetOutputs("tiny-en", {"p1": "a b"}, {"winnow": {"p1": "a b"},
                                                    "trafilatura": {"p1": "a b"}},
                         {"p1": "a.example"})
    text = g.language_table([plain], BagScorer)
    assert "| tiny-en | all (no lang in gold) | 1 | 1.000 | 1.000 | at or above" in text


def test_language_table_gives_html_and_text_sets_their_own_anchor_columns() -> None:
    html = g.SetOutputs("h", {"p": "a"}, {"winnow": {"p": "a"}, "trafilatura": {"p": "a"},
                                         "readability": {"p": "a"}}, {"p": "s"})
    text = g.SetOutputs("t", {"p": "a"}, {"winnow": {"p": "a"}, "trafilatura": {"p": "a"},
                                         "whole dump": {"p": "a b"}}, {"p": "s"})
    tables = g.language_table([html, text], BagScorer).split("\n\n")
    assert len(tables) == 2
    assert "| readability |" in tables[0] and "whole dump" not in tables[0]
    assert "| whole dump |" in tables[1] and "readability" not in tables[1]


def test_halves_table_scores_each_half_of_the_sites_and_marks_a_negative_gap() -> None:
    (a1, a2), (b1,) = sites_in("A", 2), sites_in("B", 1)
    truth = {"p1": "river rose", "p2": "river fell", "p3": "school opened", "p4": "x y"}
    out = g.SetOutputs(
        "tiny", truth,
        {"winnow": {"p1": "river rose", "p2": "river fell", "p3": "", "p4": ""},
         "trafilatura": {"p1": "", "p2": "river fell", "p3": "school opened", "p4": "x y"}},
        {"p1": a1, "p2": a2, "p3": b1, "p4": b1})
    rows = g.halves_table([out], BagScorer).splitlines()
    assert rows[0] == ("| set | half | sites | pages | winnow | trafilatura | "
                       "winnow − trafilatura |")
    # trafilatura on A: p1 empty (out of P), so P 1 and R 1/2
    assert rows[2] == "| tiny | A | 2 | 2 | 1.000 | 0.667 | +0.3333 |"
    assert rows[3] == "| tiny | B | 1 | 2 | 0.000 | 1.000 | ▼ -1.0000 |"


# --------------------------------------------------------------------------
# Leave-sites-out of the site threshold
# --------------------------------------------------------------------------


def test_choose_takes_the_best_f1_and_on_a_tie_the_more_cautious_candidate() -> None:
    candidates = [2, 3, 5, None]
    assert g.choose({2: 0.9, 3: 0.95, 5: 0.93, None: 0.8}, candidates) == 3
    assert g.choose({2: 0.9, 3: 0.9, 5: 0.9, None: 0.9}, candidates) is None
    assert g.choose({2: 0.9, 3: 0.9, 5: 0.8, None: 0.8}, candidates) == 3


def test_leave_sites_out_scores_on_one_half_what_was_chosen_on_the_other() -> None:
    f1 = {("A", 2): 0.90, ("A", 5): 0.95, ("A", None): 0.85,
          ("B", 2): 0.80, ("B", 5): 0.70, ("B", None): 0.75}
    folds = g.leave_sites_out(f1, [2, 5, None], shipped=2)
    assert folds == [
        g.Fold("A", "B", chosen=5, tuned_f1=0.95, chosen_f1=0.70, shipped_f1=0.80,
               off_f1=0.75),
        g.Fold("B", "A", chosen=2, tuned_f1=0.80, chosen_f1=0.90, shipped_f1=0.90,
               off_f1=0.85),
    ]


def test_threshold_folds_marks_a_held_out_half_that_learning_made_worse() -> None:
    (a,), (b,) = sites_in("A", 1), sites_in("B", 1)
    truth = {"a1": "story one", "a2": "story two", "b1": "story three menu"}
    out = g.SetOutputs("tiny", truth, {"winnow": {}}, {"a1": a, "a2": a, "b1": b})
    texts = {2: {"a1": "story one", "a2": "story two", "b1": "story three"},
             None: {"a1": "story one menu", "a2": "story two", "b1": "story three menu"}}
    rows = g.threshold_folds("tiny", out, texts, BagScorer, shipped=2)
    assert rows is not None
    tuned_a, tuned_b = rows.splitlines()
    assert "| A (1 sites, 2 pages) | B (1 sites, 1 pages) | floor 2 |" in tuned_a
    assert "▼ 0.8000 | 0.8000 | 1.0000 |" in tuned_a  # floor 2 removed B's story word
    assert "| B (1 sites, 1 pages) | A (1 sites, 2 pages) | no learning |" in tuned_b
    one_half = {2: {"a1": "x"}, None: {"a1": "x"}}
    assert g.threshold_folds("tiny", out, one_half, BagScorer, shipped=2) is None


def test_learning_pages_are_those_of_sites_with_enough_pages() -> None:
    pages = [SimpleNamespace(id=f"p{i}") for i in range(5)]
    sites = {"p0": "big", "p1": "big", "p2": "big", "p3": "small", "p4": "small"}
    assert [p.id for p in g.learning_pages(pages, sites, 3)] == ["p0", "p1", "p2"]


def test_each_candidate_cleans_with_the_lines_printed_on_enough_of_the_sites_pages(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaners

    menu, ticker, pair = "Home and world news", "Markets fall again today", "Weather for Warsaw"
    stories = ["The river rose overnight.", "The school opened in May.",
               "The council met on Monday.", "The bridge was closed."]  # (digits count as 0)
    big = [[menu, ticker, pair, stories[0]], [menu, ticker, pair, stories[1]],
           [menu, ticker, stories[2]], [menu, stories[3]]]
    pages = [SimpleNamespace(id=f"b{i}", url=None, html="\n\n".join(lines), truth=None)
             for i, lines in enumerate(big)]
    pages += [SimpleNamespace(id=f"s{i}", url=None, html=f"{menu}\n\n{stories[i]}", truth=None)
              for i in range(2)]
    sites = {p.id: "big.example" if p.id.startswith("b") else "small.example" for p in pages}
    calls: list[str] = []

    def fake_clean(data: bytes, *, site_chrome: Any, **kw: Any) -> Any:
        calls.append(data.decode())
        if site_chrome is None:
            return SimpleNamespace(text="no chrome")
        return SimpleNamespace(text=" ".join(sorted(map(str, site_chrome.counts.values()))))

    monkeypatch.setattr(cleaners, "clean_page", fake_clean)
    out = g.texts_by_candidate(pages, sites, "text", floors=(2, 3, 5, 10))
    # a site of 4 pages, where each floor is the threshold (5 % of 4 pages is under any of
    # them): the menu is on 4, the ticker on 3, the weather line on 2 (each story on 1)
    assert out[2]["b0"] == "2 3 4"
    assert out[3]["b0"] == "3 4"
    assert out[5]["b0"] == out[10]["b0"] == ""  # learned, but nothing on 5 pages
    assert out[2]["s0"] == out[10]["s1"] == "no chrome"  # 2 pages: the site learns nothing
    # cleaned once per distinct threshold: 4 pages x (2, 3, 5, 10) and the small site once
    assert len(calls) == 4 * 4 + 2


# --------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------


def test_an_author_is_found_by_two_shared_words_or_one_for_a_one_word_name() -> None:
    assert g.author_found(["JANE  Doe"], "Jane Doe")
    assert g.author_found(["Staff", "Jane Q. Doe"], "Jane Doe")
    assert not g.author_found(["Jane Smith"], "Jane Doe")
    assert g.author_found(["Reuters staff"], "Reuters")
    assert not g.author_found([], "Jane Doe")
    assert not g.author_found(["Jane Doe"], "")


def test_the_published_day_is_right_whatever_time_or_offset_follows() -> None:
    assert g.day_right("2025-09-04T23:10:00+02:00", "2025-09-04")
    assert not g.day_right("2025-09-05", "2025-09-04")
    assert not g.day_right(None, "2025-09-04")


def test_metadata_counts_only_pages_with_a_gold_value() -> None:
    gold = {"p1": {"author": "Jane Doe", "published": "2025-01-02", "title": "River  rose"},
            "p2": {"author": None, "published": "2025-03-04", "title": "School"},
            "p3": {"author": "Ann Lee", "published": None, "title": None}}
    meta = {"p1": g.Meta("River rose", ("Jane Doe",), "2025-01-02T08:00:00Z"),
            "p2": g.Meta("School opens", ("Jane Doe",), "2025-03-05")}
    assert g.metadata_counts(gold, meta) == {"author": (1, 2), "day": (1, 2), "title": (1, 2)}
    line = g.metadata_line("set-x", gold, {"winnow": meta, "other": {}})
    assert line == ("set-x: winnow: author found 1/2 (50%), published day right 1/2 (50%), "
                    "title exact 1/2 (50%); other: author found 0/2 (0%), published day "
                    "right 0/2 (0%), title exact 0/2 (0%).")


def test_trafilatura_meta_splits_authors_and_skips_a_page_it_cannot_read() -> None:
    def extract(html: str, default_url: str | None) -> Any:
        if html == "bad":
            raise ValueError("cannot parse")
        return SimpleNamespace(title="T", author="Jane Doe; Ann Lee", date="2025-01-02")

    pages = [SimpleNamespace(id="p1", url=None, html="<p>x</p>", truth=None),
             SimpleNamespace(id="p2", url=None, html="bad", truth=None)]
    assert g.trafilatura_meta(pages, extract) == {
        "p1": g.Meta("T", ("Jane Doe", "Ann Lee"), "2025-01-02")}


# --------------------------------------------------------------------------
# The harness: languages, metadata and the interleaving order
# --------------------------------------------------------------------------


def test_load_set_keeps_languages_only_when_every_page_has_one(tmp_path: Path) -> None:
    root = tmp_path / "tiny-dev"
    (root / "html").mkdir(parents=True)
    gold = {"p1": {"articleBody": "a", "lang": "Greek", "site": "s", "author": "Ann Lee"},
            "p2": {"articleBody": "b", "site": "s"}}
    (root / "ground-truth.json").write_text(json.dumps(gold), encoding="utf-8")
    for pid in gold:
        (root / "html" / f"{pid}.html").write_text("<p>x</p>", encoding="utf-8")
    ds = rb.load_set(root, rb.load_scorer() or pytest.skip("no shared scorer"))
    assert ds.langs is None  # p2 has no language: the set is reported as "all"
    assert ds.gold_meta == {"p1": {"author": "Ann Lee", "published": None, "title": None},
                            "p2": {"author": None, "published": None, "title": None}}
    gold["p2"]["lang"] = "Polish"
    (root / "ground-truth.json").write_text(json.dumps(gold), encoding="utf-8")
    assert rb.load_set(root, rb.load_scorer()).langs == {"p1": "Greek", "p2": "Polish"}


def test_interleave_puts_each_extractor_before_each_other_as_often_as_after() -> None:
    order: list[str] = []

    def make(label: str) -> rb.Extractor:
        def run(page: str, url: str | None) -> tuple[str, None]:
            order.append(label)
            return page, None
        return run

    pages = [rb.Page(f"p{i}", None, f"page {i}", None) for i in range(6)]
    labels = ["winnow", "trafilatura", "readability"]
    rb.interleave(pages, {label: make(label) for label in labels}, repeats=1)
    calls = order[len(labels):]  # after the warm-up
    per_page = [calls[i:i + 3] for i in range(0, len(calls), 3)]
    for a in labels:
        for b in labels:
            if a != b:
                assert sum(p.index(a) < p.index(b) for p in per_page) == 3


def test_interleave_keeps_the_metadata_an_extractor_gives() -> None:
    meta = g.Meta("Title", ("Ann Lee",), "2025-01-02")

    def with_meta(page: str, url: str | None) -> rb.Output:
        return rb.Output(page.upper(), "Title", meta)

    pages = [rb.Page("p1", None, "story", None)]
    (run,) = rb.interleave(pages, {"winnow": with_meta}, repeats=1)
    assert run.texts == {"p1": "STORY"} and run.titles == {"p1": "Title"}
    assert run.meta == {"p1": meta}
