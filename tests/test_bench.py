"""The benchmark's harness is checked on its own: a perfect extractor must score F1 1.0,
an empty one 0.0, whatever state the cleaning code is in.

The dataset is built in tmp_path, so this runs without ../shared. It runs with a
stub scorer (same API, simplest metric) and, when ../shared is present, with the
shared scorer too, so a change in that scorer's API shows up here first.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


rb = _load("run_bench", ROOT / "bench" / "run_bench.py")

GOLD = {
    "p1": {"articleBody": "The river rose two metres overnight and closed the old bridge.",
           "title": "River  closes\nbridge", "url": "https://example.org/a/1", "site": "x"},
    "p2": {"articleBody": "Council voted to fund a new school. Building starts in May.",
           "title": "School funded", "url": "https://example.org/a/2", "site": "x"},
}


class StubScorer:
    """The shared scorer's interface with a bag-of-words metric, enough to tell 1.0 from 0.0."""

    @staticmethod
    def load_dataset(path: Path, limit: int | None = None) -> list[Any]:
        gold = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
        pages = [SimpleNamespace(id=pid, url=g.get("url"), truth=g["articleBody"],
                                 html=(path / "html" / f"{pid}.html").read_text(encoding="utf-8"))
                 for pid, g in sorted(gold.items())]
        return pages[:limit] if limit else pages

    @staticmethod
    def score(truth: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
        assert truth.keys() == pred.keys()
        overlap = {i: sum((Counter(truth[i].split()) & Counter(pred[i].split())).values())
                   for i in truth}
        ps = [overlap[i] / len(pred[i].split()) for i in truth if pred[i].split()]
        rs = [overlap[i] / len(truth[i].split()) for i in truth]
        p, r = (sum(ps) / len(ps) if ps else 0.0), sum(rs) / len(rs)
        return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "f1_std": 0.0,
                "precision": p, "recall": r}


@pytest.fixture(params=["stub", "shared"])
def scorer(request: pytest.FixtureRequest) -> Any:
    if request.param == "stub":
        return StubScorer
    shared = rb.load_scorer()
    if shared is None:
        pytest.skip("../shared/tools/extract_bench.py is absent")
    return shared


@pytest.fixture
def tiny_set(tmp_path: Path) -> Path:
    root = tmp_path / "tiny-dev"
    (root / "html").mkdir(parents=True)
    (root / "ground-truth.json").write_text(json.dumps(GOLD), encoding="utf-8")
    for pid, g in GOLD.items():
        page = f"<html><body><nav>Home News Sport</nav><p>{g['articleBody']}</p></body></html>"
        (root / "html" / f"{pid}.html").write_text(page, encoding="utf-8")
    return root


def test_harness_scores_perfect_1_and_empty_0(tiny_set: Path, scorer: Any) -> None:
    ds = rb.load_set(tiny_set, scorer)
    assert ds.input_format == "html" and [p.id for p in ds.pages] == ["p1", "p2"]
    by_url = {g["url"]: g for g in GOLD.values()}

    def perfect(page: str, url: str | None) -> tuple[str, str | None]:
        g = by_url[url]
        return g["articleBody"], " ".join(g["title"].split()) + " "  # title differs in spaces

    def broken(page: str, url: str | None) -> tuple[str, str | None]:
        raise RuntimeError("boom")

    extractors = {"winnow": perfect, "trafilatura": lambda page, url: ("", None),
                  "broken": broken}
    runs = rb.interleave(ds.pages, extractors, repeats=2)
    rows = {r.run.label: r for r in rb.make_rows(ds, "page", runs, scorer)}

    assert rows["winnow"].metrics["f1"] == pytest.approx(1.0)
    assert rows["winnow"].metrics["precision"] == pytest.approx(1.0)
    assert rows["winnow"].metrics["title_exact"] == (2, 2)  # after whitespace folding
    assert rows["trafilatura"].metrics["f1"] == pytest.approx(0.0)
    assert "title_exact" not in rows["trafilatura"].metrics  # anchors give no title
    assert rows["broken"].metrics["f1"] == pytest.approx(0.0)
    assert set(rows["broken"].run.errors) == {"p1", "p2"}  # a crash is counted, not fatal
    assert all(len(r.run.walls) == 2 and not r.run.unstable for r in rows.values())
    assert rows["trafilatura"].ratio == pytest.approx(1.0)

    table = rb.table(list(rows.values()))
    assert "| tiny-dev | page | winnow | 1.000 ± 0.000 |" in table
    assert "100% (2/2)" in table


def test_adapter_turns_a_reject_into_empty_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaners

    adapter = _load("bench_adapter", ROOT / "bench" / "adapter.py")

    def reject(*args: Any, **kwargs: Any) -> None:
        raise cleaners.Rejected("no_article", "nothing here")

    monkeypatch.setattr(cleaners, "clean_page", reject)
    assert adapter.extract_html("<html></html>", None) == ""
    assert adapter.extract_text("", None) == ""


def test_archive_layout_puts_pages_in_site_folders_with_their_urls(tiny_set: Path,
                                                                   tmp_path: Path) -> None:
    ds = rb.load_set(tiny_set, StubScorer)
    assert ds.sites == {"p1": "x", "p2": "x"}
    raw = tmp_path / "raw"
    names = rb.write_archive(ds, raw)
    assert names == {"x/p1.html": "p1", "x/p2.html": "p2"}
    sidecar = json.loads((raw / "x" / "p1.html.meta.json").read_text(encoding="utf-8"))
    assert sidecar == {"url": "https://example.org/a/1", "site": "x"}


def test_archive_table_sets_page_and_archive_f1_side_by_side() -> None:
    def row(mode: str, f1: float, text: str) -> Any:
        run = rb.Run("winnow", texts={"p1": text})
        return rb.Row("set-a", mode, run, {"f1": f1}, None)

    story, menu = "The river rose two metres overnight.", "Home News Sport Weather"
    rows = [row("page", 0.5, f"{story}\n\n{menu}"), row("archive", 0.625, story)]
    text = rb.archive_table(rows)
    assert text is not None and "| set-a | 0.5000 | 0.6250 | +0.1250 | — |" in text
    shingles = SimpleNamespace(shingles=lambda t: Counter(t.split()))
    removed = rb.archive_table(rows, {"set-a": {"p1": story}}, shingles)
    assert removed is not None and "| +0.1250 | 1 (0) |" in removed  # the menu, not story
    story_cut = [row("page", 0.5, f"{story}\n\n{menu}"), row("archive", 0.4, menu)]
    cut = rb.archive_table(story_cut, {"set-a": {"p1": story}}, shingles)
    assert cut is not None and "| 1 (1) |" in cut
    assert rb.archive_table([row("page", 0.5, story)]) is None


def test_site_statistics_measure_learns_every_template_line() -> None:
    """The bench's synthetic archive is what it says: each site's template is learned as
    chrome (the memory figures themselves are the bench's to report)."""
    peak, tracked, learned = rb.site_stats_memory(600, sites=3)
    assert learned == 1.0 and tracked > 0 and peak > 0


def test_seed_speed_times_the_sample_pages_against_trafilatura(tmp_path: Path) -> None:
    from bench.run_bench import ROOT, seed_speed

    assert seed_speed(tmp_path) is None  # no sample pages, no figure
    seed = sorted((ROOT / "raw").glob("*.txt"))[0]
    (tmp_path / seed.name).write_bytes(seed.read_bytes())
    line = seed_speed(tmp_path)
    assert line is not None
    assert line.startswith("Text cleaning on the 1 sample pages")
    assert "× trafilatura" in line and "target ≥ 1,000 pages/s" in line


STORY_PAGE = ("<html><head><style>p {color: red}</style><script>var views = 1;</script></head>"
              "<body><ul><li>Home</li><li>Sport</li></ul><h1>River closes bridge</h1>"
              "<p>The river rose two metres <a href='/x'>overnight</a>.</p>"
              "<p>The council closed the old bridge.</p></body></html>")


@pytest.mark.parametrize("name", ["inscriptis", "beautifulsoup"])
def test_each_renderer_saves_the_pages_text_without_code(name: str) -> None:
    from bench.renderers import RENDERERS

    lines = [line.strip() for line in RENDERERS[name](STORY_PAGE).splitlines() if line.strip()]
    assert "The council closed the old bridge." in lines
    assert "River closes bridge" in lines
    assert not any("var views" in line or "color: red" in line for line in lines)


def test_beautifulsoup_breaks_a_sentence_at_its_link_as_crawler_dumps_do() -> None:
    from bench.renderers import soup_text

    lines = [line.strip() for line in soup_text(STORY_PAGE).splitlines() if line.strip()]
    assert "The river rose two metres" in lines and "overnight" in lines


def test_rendered_sets_keep_gold_and_count_pages_a_renderer_failed(
        tiny_set: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import renderers

    def picky(html: str) -> str:
        if "Council voted" in html:
            raise ValueError("cannot read")
        return "saved: " + html

    monkeypatch.setattr(renderers, "RENDERERS", {"picky": picky})
    html_set = rb.load_set(tiny_set, StubScorer)
    text_set = rb.DevSet("tiny-dev-text", "text", html_set.pages)  # text sets are not rendered
    out, notes = rb.rendered_sets([html_set, text_set])
    assert [ds.name for ds in out] == ["tiny-dev saved by picky"]
    saved = out[0]
    assert saved.input_format == "text"
    assert [p.truth for p in saved.pages] == [p.truth for p in html_set.pages]
    assert saved.pages[0].html.startswith("saved: ") and saved.pages[1].html == ""
    assert notes == ["picky could not render 1 pages of tiny-dev, saved empty: p2: ValueError"]


def test_archive_table_gives_each_language_its_own_row() -> None:
    """Site learning may not buy one language's gain with another's loss: a set whose
    gold names languages gets a row per language, marked where the archive is worse."""
    def row(mode: str, texts: dict[str, str]) -> Any:
        return rb.Row("set-m", mode, rb.Run("winnow", texts=texts), {"f1": 0.5}, None)

    truth = {"zh": "a b c d", "pl": "e f g h"}
    page = row("page", {"zh": "a b c d", "pl": "e f x y"})
    archive = row("archive", {"zh": "a b", "pl": "e f g h"})
    scorer = SimpleNamespace(
        shingles=lambda t: Counter(t.split()),
        page_counts=lambda gold, got: (len(set(gold.split()) & set(got.split())),
                                       len(got.split()), len(gold.split())),
        aggregate=lambda counts: {"f1": sum(c[0] for c in counts) / sum(c[2] for c in counts)})
    text = rb.archive_table([page, archive], {"set-m": truth}, scorer,
                            {"set-m": {"zh": "Chinese", "pl": "Polish"}})
    assert text is not None
    assert "| set-m, Chinese (1 pages) | 1.0000 | 0.5000 | ▼ -0.5000 | — |" in text
    assert "| set-m, Polish (1 pages) | 0.5000 | 1.0000 | +0.5000 | — |" in text
    without = rb.archive_table([page, archive], {"set-m": truth}, scorer, {"set-m": None})
    assert without is not None and "Chinese" not in without
