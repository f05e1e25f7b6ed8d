"""Duplicates and translations across the records of a run, and across runs.

The reposts are made from real pages (the seeds and the medportal page): the same
story with its whitespace changed, with another page's chrome around it, with a
paragraph added, and inside another site's HTML template. A different story on
the same topic (seeds 001 and 003 are both about Baikonur) is not a duplicate.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cleaners import clean_page
from flows.linking import LINKS_FILE, Linker, shingles, signature, similarity
from schemas.models import ArticleRecord, LinkRecord

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
FIX = Path(__file__).parent / "fixtures" / "html"


def _raw(sid: str) -> str:
    return next(SEEDS.glob(f"{sid}_*.txt")).read_text(encoding="utf-8")


def _expected(sid: str) -> dict:
    return json.loads(next(SEEDS.glob(f"{sid}_*.json")).read_text(encoding="utf-8"))


def _clean(page: str, name: str, fmt: str | None = None) -> ArticleRecord:
    return clean_page(page.encode("utf-8"), source_path=name, url=f"https://example.org/{name}",
                      input_format=fmt)


def _story_lines(raw: str) -> tuple[int, int]:
    """First and last line of the story: the long paragraphs."""
    lines = raw.split("\n")
    long = [i for i, line in enumerate(lines) if len(line) > 200]
    return long[0], long[-1]


def _whitespace(raw: str) -> str:
    return "\r\n".join(line.rstrip() + " \t " for line in raw.split("\n")).replace(
        "\r\n \t \r\n", "\r\n\r\n\r\n")


def _other_chrome(raw: str, chrome_of: str) -> str:
    """The story of ``raw`` inside the lines around another page's story."""
    lo, hi = _story_lines(raw)
    olo, ohi = _story_lines(chrome_of)
    lines, other = raw.split("\n"), chrome_of.split("\n")
    return "\n".join(other[:olo] + lines[lo:hi + 1] + other[ohi + 1:])


def _paragraph_added(raw: str, paragraph: str) -> str:
    lines = raw.split("\n")
    _, hi = _story_lines(raw)
    return "\n".join(lines[: hi + 1] + ["", paragraph, ""] + lines[hi + 1:])


def _in_html_template(sid: str) -> str:
    """The seed's story as a page of another site: the medportal page's template."""
    data = _expected(sid)
    page = (FIX / "medportal_page.html").read_text(encoding="utf-8")
    page = re.sub(r"<h1>.*?</h1>", f"<h1>{data['title']}</h1>", page, count=1)
    start = page.index("<p>В Краснодаре умер")
    end = page.index("</p>", page.index("<p>Всего к настоящему")) + len("</p>")
    story = "\n".join(f"<p>{p}</p>" for p in data["paragraphs"])
    return page[:start] + story + page[end:]


@pytest.fixture()
def linker(tmp_path):
    opened = Linker.open(tmp_path)
    yield opened
    opened.close()


def _repost(kind: str) -> str:
    raw = _raw("001")
    if kind == "whitespace":
        return _whitespace(raw)
    if kind == "other_chrome":
        return _other_chrome(raw, _raw("002"))
    if kind == "paragraph_added":
        return _paragraph_added(raw, _expected("002")["paragraphs"][1])
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["whitespace", "other_chrome", "paragraph_added"])
def test_a_repost_is_a_duplicate_of_the_first_record(linker, kind):
    original = _clean(_raw("001"), "001.txt")
    repost = _clean(_repost(kind), f"001-{kind}.txt")
    assert repost.id != original.id
    if kind == "paragraph_added":  # a near duplicate, not an exact one
        assert repost.text != original.text and original.text in repost.text
    out = linker.link([original, repost])
    assert out[0].duplicate_of is None
    assert out[1].duplicate_of == original.id
    assert linker.duplicates == 1


def test_the_same_story_in_another_sites_html_template_is_a_duplicate(linker):
    original = _clean(_raw("001"), "001.txt")
    repost = _clean(_in_html_template("001"), "other-site/001.html", "html")
    assert repost.input_format == "html"
    assert linker.link([original, repost])[1].duplicate_of == original.id


def test_a_different_story_on_the_same_topic_is_not_a_duplicate(linker):
    records = [_clean(_raw(s), f"{s}.txt") for s in ("001", "002", "003")]
    a, b = (shingles(r.text) for r in records[:3:2])  # 001 and 003: both about Baikonur
    assert all("Байконур" in r.text for r in records[:3:2])
    jaccard, _ = similarity(signature(a), len(a), signature(b), len(b))
    assert jaccard < 0.1
    assert [r.duplicate_of for r in linker.link(records)] == [None, None, None]


def test_a_duplicate_points_at_the_first_record_seen(linker):
    first = _clean(_raw("001"), "001.txt")
    second = _clean(_whitespace(_raw("001")), "001-ws.txt")
    third = _clean(_paragraph_added(_raw("001"), _expected("002")["paragraphs"][1]), "001-p.txt")
    linker.link([first])
    out = linker.link([second, third])
    assert [r.duplicate_of for r in out] == [first.id, first.id]


def test_a_duplicate_of_a_record_from_an_earlier_run_is_found(tmp_path):
    original = _clean(_raw("001"), "001.txt")
    earlier = Linker.open(tmp_path)
    assert earlier.link([original])[0].duplicate_of is None
    earlier.close()
    later = Linker.open(tmp_path)
    repost = _clean(_other_chrome(_raw("001"), _raw("002")), "001-again.txt")
    assert later.link([repost])[0].duplicate_of == original.id
    # the original cleaned again (a changed page, a reprocess) is not its own duplicate
    assert later.link([original])[0].duplicate_of is None
    later.close()


def test_seeds_001_and_004_are_translations_linked_both_ways(linker, tmp_path):
    ru, en = _clean(_raw("001"), "001.txt"), _clean(_raw("004"), "004.txt")
    assert ru.language == "ru" and en.language == "en"
    out = linker.link([ru, en])
    assert [(r.id, r.relation, r.language) for r in out[0].related] == [
        (en.id, "translated_as", "en")]
    assert [(r.id, r.relation, r.language) for r in out[1].related] == [
        (ru.id, "translation_of", "ru")]
    assert out[0].duplicate_of is None and out[1].duplicate_of is None


def test_a_translation_of_an_earlier_record_is_linked_in_links_jsonl(tmp_path):
    ru, en = _clean(_raw("001"), "001.txt"), _clean(_raw("004"), "004.txt")
    first = Linker.open(tmp_path)
    assert first.link([ru])[0].related == []
    first.close()
    second = Linker.open(tmp_path)
    [written] = second.link([en])
    assert [(r.id, r.relation) for r in written.related] == [(ru.id, "translation_of")]
    second.close()
    lines = (tmp_path / LINKS_FILE).read_text(encoding="utf-8").splitlines()
    links = {(x.id, x.related.id, x.related.relation, x.related.language)
             for x in map(LinkRecord.model_validate_json, lines)}
    assert links == {(ru.id, en.id, "translated_as", "en"),
                     (en.id, ru.id, "translation_of", "ru")}


def test_records_without_links_are_returned_unchanged(linker):
    records = [_clean(_raw(s), f"{s}.txt") for s in ("002", "003")]
    assert linker.link(records) == records
