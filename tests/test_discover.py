"""Discovery: which files are pages, which sidecar goes with which page, and the site."""

from __future__ import annotations

import gzip
import os

import pytest

from cleaners import Rejected
from flows.discover import discover
from flows.sidecar import Sidecar, page_site, parse_sidecar


def write(path, data: bytes | str = "x") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def by_path(found):
    return {p.source_path: p for p in found.pages}


def test_sidecars_are_not_pages_but_travel_with_theirs(tmp_path):
    write(tmp_path / "a.html", "<p>a</p>")
    write(tmp_path / "a.html.meta.json", '{"url": "https://ria.ru/a.html"}')
    write(tmp_path / "b.txt", "b")
    pages = by_path(discover(tmp_path))
    assert set(pages) == {"a.html", "b.txt"}
    assert pages["a.html"].sidecar == str(tmp_path / "a.html.meta.json")
    assert pages["b.txt"].sidecar is None


def test_a_sidecar_with_no_page_is_reported_not_cleaned(tmp_path):
    write(tmp_path / "gone.html.meta.json", "{}")
    write(tmp_path / "b.txt", "b")
    found = discover(tmp_path)
    assert [p.source_path for p in found.pages] == ["b.txt"]
    assert found.orphan_sidecars == ["gone.html.meta.json"]


def test_files_of_unknown_type_and_gzip_are_passed_on(tmp_path):
    write(tmp_path / "page.html.gz", gzip.compress(b"<p>x</p>"))
    write(tmp_path / "photo.jpg", b"\xff\xd8\xff\xe0")
    write(tmp_path / "NOTES", "no extension at all")
    write(tmp_path / "data.json", "{}")
    assert set(by_path(discover(tmp_path))) == {"page.html.gz", "photo.jpg", "NOTES", "data.json"}


def test_site_folders_give_the_folder_site_and_posix_paths(tmp_path):
    write(tmp_path / "ria.ru" / "2019" / "a.html")
    write(tmp_path / "top.txt")
    pages = by_path(discover(tmp_path))
    assert pages["ria.ru/2019/a.html"].folder_site == "ria.ru"
    assert pages["top.txt"].folder_site is None


def test_site_prefers_the_sidecar_then_the_url_host_then_the_folder():
    assert page_site(Sidecar(site="RIA", url="https://www.ria.ru/x"), "folder") == "RIA"
    assert page_site(Sidecar(url="https://www.ria.ru/x"), "folder") == "ria.ru"
    assert page_site(Sidecar(), "folder") == "folder"
    assert page_site(None, None) is None


def test_symlink_loops_end_and_pages_are_found_once(tmp_path):
    write(tmp_path / "site" / "a.html")
    os.symlink(tmp_path, tmp_path / "site" / "loop")  # points back up to the root
    os.symlink(tmp_path / "site", tmp_path / "alias")  # a second way into site/
    pages = discover(tmp_path).pages
    assert [p.source_path for p in pages].count("site/a.html") == 1
    assert len(pages) == 1


def test_a_broken_symlink_is_passed_on_to_be_rejected(tmp_path):
    os.symlink(tmp_path / "missing.html", tmp_path / "dangling.html")
    assert [p.source_path for p in discover(tmp_path).pages] == ["dangling.html"]


def test_the_output_folder_inside_raw_is_never_read(tmp_path):
    write(tmp_path / "a.html")
    write(tmp_path / "clean" / "articles" / "r" / "part-00000.jsonl", "{}")
    pages = discover(tmp_path, exclude=[tmp_path / "clean"]).pages
    assert [p.source_path for p in pages] == ["a.html"]


def test_a_missing_raw_root_is_an_error(tmp_path):
    with pytest.raises(NotADirectoryError):
        discover(tmp_path / "nope")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"{not json", "not valid UTF-8 JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"url": 5}', "'url' must be a string"),
        (b'{"encoding": "klingon-8"}', "unknown encoding"),
        (b'{"url": "not a url"}', "has no host"),
        (b'{"url": "http://[::1/x"}', "Invalid IPv6 URL"),
        (b'{"url": "https://a.ru/\\ud800"}', "unpaired surrogate"),
        (b'{"encoding": "zlib"}', "not a text encoding"),
        (b'{"site": {"name": "x"}}', "must be a string or null, not dict"),
        (b"[" * 100_000, "nests JSON too deeply"),
    ],
)
def test_a_broken_sidecar_is_a_bad_sidecar_reject(data, fragment):
    with pytest.raises(Rejected) as info:
        parse_sidecar(data, "a.html.meta.json")
    assert info.value.reason == "bad_sidecar"
    assert fragment in info.value.detail


def test_a_sidecar_may_carry_more_than_winnow_reads():
    meta = parse_sidecar(
        b'{"url": "https://ria.ru/a", "fetched_at": "2019-12-01T10:00:00Z",'
        b' "site": "ria.ru", "encoding": "windows-1251", "status": 200}'
    )
    assert meta == Sidecar(
        url="https://ria.ru/a", site="ria.ru", encoding="windows-1251",
        fetched_at="2019-12-01T10:00:00+00:00",  # normalised, with its offset
    )


def test_names_with_spaces_newlines_and_non_utf8_bytes_become_valid_text(tmp_path):
    root = os.fsencode(tmp_path)
    for name in (b"with space.html", b"new\nline.html", b"caf\xe9.html"):
        with open(os.path.join(root, name), "wb") as fh:
            fh.write(b"<p>x</p>")
    pages = by_path(discover(tmp_path))
    assert set(pages) == {"with space.html", "new\nline.html", "caf\\xe9.html"}
    for name in pages:
        name.encode("utf-8")  # a lone surrogate would fail every UTF-8 writer
    # the page is still opened by its real name
    assert os.path.exists(pages["caf\\xe9.html"].path)
