"""PageRef, the plan's entry for one page: compact (the plan holds one for every page of
the archive, #21 point 5), yet the same values, equality, hash and pickling as the frozen
dataclass it replaced."""

from __future__ import annotations

import gc
import os
import pickle
import tracemalloc

import pytest

from flows.discover import FileStat, PageRef, WarcSpot, discover

STAT = FileStat(7_311, 1_733_300_000_123_456_789, 1_733_300_001_987_654_321, 12_345_678, True)


def test_the_fields_come_back_as_given() -> None:
    side = FileStat(120, 1, 2, 3, True)
    page = PageRef("/raw/site/a.html", "site/a.html", "/raw/site/a.html.meta.json", "site",
                   STAT, side)
    assert (page.path, page.source_path, page.sidecar, page.folder_site) == (
        "/raw/site/a.html", "site/a.html", "/raw/site/a.html.meta.json", "site")
    assert page.stat == STAT and page.sidecar_stat == side and page.warc is None


@pytest.mark.parametrize(("path", "source", "sidecar"), [
    ("/raw/caf\udce9.html", "caf\\xe9.html", None),  # an escaped name is no tail of the path
    ("/raw/a.html", "x.html", "/elsewhere/a.meta.json"),  # neither a tail nor beside it
    ("/raw/one.warc.gz", "one.warc.gz#<urn:uuid:1>", None),  # a WARC record's name
    ("a.html", "a.html", None),  # the whole path: no "/" before it
])
def test_values_that_cannot_be_derived_are_kept_as_given(path, source, sidecar) -> None:
    page = PageRef(path, source, sidecar, None, None, None,
                   WarcSpot(10, "<urn:uuid:1>") if "#" in source else None)
    assert (page.path, page.source_path, page.sidecar) == (path, source, sidecar)
    assert page.stat is None and page.sidecar_stat is None


def test_equal_fields_are_equal_pages_and_pickle_round_trips() -> None:
    a = PageRef("/raw/a.html", "a.html", "/raw/a.html.meta.json", None, STAT)
    b = PageRef("/raw/a.html", "a.html", "/raw/a.html.meta.json", None, STAT)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != PageRef("/raw/a.html", "a.html", None, None, STAT)
    assert pickle.loads(pickle.dumps(a)) == a
    assert "source_path='a.html'" in repr(a)


def test_a_page_ref_cannot_be_changed() -> None:
    page = PageRef("/raw/a.html", "a.html", None, None)
    with pytest.raises(AttributeError):
        page.path = "/raw/b.html"  # type: ignore[misc]


def test_the_plan_holds_under_half_a_kilobyte_a_page(tmp_path) -> None:
    """The dataclass held 926 bytes a page (three path strings, two stat objects): ~90 MiB
    of the flow process at 100,000 pages; compact, under 500."""
    for i in range(2_000):
        folder = tmp_path / f"site{i % 20}.example" / "2024-01-01"
        folder.mkdir(parents=True, exist_ok=True)
        page = folder / f"{i}-a-headline-long-enough-to-be-a-real-one.html"
        page.write_bytes(b"x")
        (folder / (page.name + ".meta.json")).write_bytes(b"{}")
    gc.collect()
    tracemalloc.start()
    try:
        found = discover(tmp_path)
        gc.collect()
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(found.pages) == 2_000
    assert all(p.sidecar == p.path + ".meta.json" and os.path.exists(p.sidecar)
               for p in found.pages)
    assert held / 2_000 < 500
