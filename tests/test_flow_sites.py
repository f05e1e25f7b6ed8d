"""Site learning and linking through the real flow: a backfill learns the site first; a
scheduled run uses what the backfill stored; duplicates and translations are marked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.linking import LINKS_FILE
from flows.sitestats_store import SiteStatsStore
from schemas.models import ArticleRecord, LinkRecord

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
PROMO = "Читайте наши новости в социальных сетях и подписывайтесь на канал."


def _seed(sid: str) -> str:
    return next(SEEDS.glob(f"{sid}_*.txt")).read_text(encoding="utf-8")


def _with_promo(raw: str) -> str:
    lines = raw.split("\n")
    last = max(i for i, line in enumerate(lines) if len(line) > 200)
    return "\n".join(lines[: last + 1] + ["", PROMO, ""] + lines[last + 1:])


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _records(out: Path) -> dict[str, ArticleRecord]:
    found = {}
    for part in sorted(out.glob("articles/*/*.jsonl")):
        for line in part.read_text(encoding="utf-8").splitlines():
            record = ArticleRecord.model_validate_json(line)
            found[record.source_path] = record
    return found


@pytest.fixture
def run_flow(prefect_server):
    from flows.pipeline import clean_pages

    def run(raw: Path, out: Path, **kwargs) -> dict:
        state = clean_pages(raw=str(raw), out=str(out), return_state=True, **kwargs)
        assert state.is_completed(), state.message
        return state.result()

    return run


def test_a_backfill_learns_the_site_then_cleans_and_links(run_flow, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "clean"
    for sid in ("000", "001", "002", "003"):
        _write(raw / "news.example" / f"{sid}.txt", _with_promo(_seed(sid)))
    _write(raw / "news.example" / "004.txt", _seed("004"))  # 001 in English
    _write(raw / "repost.example" / "001.txt",  # 001 again, on another site
           "\r\n".join(line.rstrip() + "  " for line in _seed("001").split("\n")))

    summary = run_flow(raw, out, learn_sites=True)
    records = _records(out)
    assert summary["records"] == len(records) == 6
    for sid in ("001", "002", "003"):
        assert PROMO not in records[f"news.example/{sid}.txt"].text, sid
    assert "Байконур" in records["news.example/001.txt"].text

    ru, en = records["news.example/001.txt"], records["news.example/004.txt"]
    assert [(r.id, r.relation, r.language) for r in ru.related] == [(en.id, "translated_as", "en")]
    assert [(r.id, r.relation, r.language) for r in en.related] == [
        (ru.id, "translation_of", "ru")]
    assert records["repost.example/001.txt"].duplicate_of == ru.id
    assert ru.duplicate_of is None
    assert summary["duplicates"] == 1

    links = [LinkRecord.model_validate_json(line)
             for line in (out / LINKS_FILE).read_text(encoding="utf-8").splitlines()]
    assert {(x.id, x.related.id) for x in links} == {(ru.id, en.id), (en.id, ru.id)}
    with SiteStatsStore(out) as stats:
        assert stats.sites() == {"news.example": 5, "repost.example": 1}


def test_a_scheduled_run_cleans_with_what_earlier_runs_learned(run_flow, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "clean"
    for sid in ("000", "002", "003"):
        _write(raw / "news.example" / f"{sid}.txt", _with_promo(_seed(sid)))
    first = run_flow(raw, out)  # no statistics yet: each page is cleaned on its own
    assert PROMO in _records(out)["news.example/002.txt"].text
    assert first["duplicates"] == 0

    _write(raw / "news.example" / "001.txt", _with_promo(_seed("001")))
    _write(raw / "news.example" / "002-again.txt", _with_promo(_seed("002")) + "\n\n")
    second = run_flow(raw, out)
    assert second["processed"] == 2
    records = _records(out)
    new = records["news.example/001.txt"]
    assert PROMO not in new.text and "Байконур" in new.text
    # a repost of a page from the first run is its duplicate
    assert records["news.example/002-again.txt"].duplicate_of == (
        records["news.example/002.txt"].id)
    assert second["duplicates"] == 1
    with SiteStatsStore(out) as stats:
        assert stats.sites() == {"news.example": 5}
    summaries = sorted((out / "_state" / "runs").glob("*.json"))
    assert json.loads(summaries[-1].read_text())["duplicates"] == 1


def test_backfill_learns_sites_unless_told_not_to_and_run_only_when_asked():
    from flows.cli import parse_args as parse

    assert parse(["backfill", "--raw", "r"]).learn_on_backfill is True
    assert parse(["backfill", "--raw", "r", "--no-learn-sites"]).learn_on_backfill is False
    assert parse(["run"]).learn_on_run is False
    assert parse(["run", "--learn-sites"]).learn_on_run is True


def test_explain_with_an_output_folder_shows_the_site_rules(tmp_path, capsys):
    from flows.batch import learn_batch, page_job
    from flows.cli import main
    from flows.discover import discover

    raw = tmp_path / "raw"
    for sid in ("000", "001", "002", "003"):
        _write(raw / "news.example" / f"{sid}.txt", _with_promo(_seed(sid)))
    pages = discover(raw).pages
    with SiteStatsStore(tmp_path / "clean") as store:
        store.learn(learn_batch([page_job(p) for p in pages]))
    page = raw / "news.example" / "001.txt"
    assert main(["explain", str(page)]) == 0
    alone = capsys.readouterr().out
    assert "site_recurring" not in alone
    assert main(["explain", str(page), "--out", str(tmp_path / "clean")]) == 0
    learned = capsys.readouterr().out
    assert "site 'news.example': 4 pages learned" in learned
    promo_line = next(line for line in learned.splitlines() if PROMO[:30] in line)
    assert "site_recurring" in promo_line and promo_line.lstrip().startswith("-")
