"""fetching/store.py on its own: where a fetched page goes, the sidecar's bytes, the order
and the fsyncs of a save, and what recovery removes after a kill. Expected values from the
module's docstring (the layout, "sidecar first, then page, one folder fsync") and by hand."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

import fetching.atomic as atomic
from fetching.store import (
    page_path,
    remove_leftovers,
    save_page,
    sidecar_bytes,
    sidecar_path,
    site_folder,
    suffix_for,
)
from schemas.sidecar import FetchedSidecar


@pytest.mark.parametrize(("content_type", "suffix"), [
    ("text/plain", ".txt"), ("text/html", ".html"), (None, ".html"),
    ("application/xhtml+xml", ".html")])
def test_a_page_is_html_unless_it_came_as_plain_text(content_type, suffix) -> None:
    assert suffix_for(content_type) == suffix


@pytest.mark.parametrize(("site", "folder"), [
    ("a.example", "a.example"),
    ("Xbox.com", "Xbox.com"),  # letters stay as they are
    ("../etc", "etc"),  # no way up out of raw/
    (" a b ", "a_b"),  # unsafe characters become one "_", none at the ends
    ("...", "_"),  # nothing left: a folder all the same
    ("a" * 150, "a" * 100),  # a hundred characters at most
])
def test_a_site_becomes_one_safe_folder_name(site: str, folder: str) -> None:
    assert site_folder(site) == folder


def test_a_new_page_goes_under_its_site_and_day(tmp_path) -> None:
    page = page_path(tmp_path, "a.example", "2025-01-02", "https://a.example/x", "text/plain")
    assert page.parent == tmp_path / "a.example" / "2025-01-02"
    assert page.suffix == ".txt" and len(page.stem) == 16
    assert page == page_path(tmp_path, "a.example", "2025-01-02", "https://a.example/x",
                             "text/plain")  # the same URL, the same name


def _sidecar(**more) -> FetchedSidecar:
    return FetchedSidecar(url="https://a.example/x", final_url="https://a.example/x",
                          fetched_at="2025-01-02T03:04:05+00:00", status=200, **more)


def test_the_sidecar_is_indented_utf8_json_without_empty_fields() -> None:
    data = sidecar_bytes(_sidecar(title="Привет, мир", site="a.example"))
    text = data.decode("utf-8")
    assert "Привет, мир" in text  # written as it is, not as \\u escapes
    assert text.endswith("}\n") and '\n  "url": "https://a.example/x",\n' in text
    assert json.loads(text) == {"url": "https://a.example/x",
                                "final_url": "https://a.example/x", "site": "a.example",
                                "fetched_at": "2025-01-02T03:04:05+00:00", "status": 200,
                                "title": "Привет, мир"}


def test_a_save_syncs_each_file_and_the_folder_once(tmp_path, monkeypatch) -> None:
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    page = tmp_path / "a.example" / "2025-01-02" / "p.html"
    save_page(page, b"<p>x</p>", _sidecar())
    assert synced == ["file", "file", "folder"]
    assert page.read_bytes() == b"<p>x</p>"
    assert json.loads(sidecar_path(page).read_text(encoding="utf-8"))["status"] == 200


def _leftovers(folder: Path) -> tuple[Path, Path, Path]:
    folder.mkdir(parents=True)
    page = folder / "p.html"
    tmp = folder / ".p.html.abc123.tmp"
    tmp.write_bytes(b"half")
    side = sidecar_path(page)
    side.write_text("{}", encoding="utf-8")
    return page, tmp, side


def test_recovery_removes_temporary_files_and_a_sidecar_without_its_page(tmp_path) -> None:
    page, tmp, side = _leftovers(tmp_path / "d")
    assert sorted(remove_leftovers(page)) == sorted([tmp, side])
    assert not tmp.exists() and not side.exists()


def test_recovery_keeps_a_sidecar_whose_page_is_there(tmp_path) -> None:
    page, tmp, side = _leftovers(tmp_path / "d")
    page.write_bytes(b"<p>x</p>")
    assert remove_leftovers(page) == [tmp]
    assert side.exists() and page.exists()


def test_a_leftover_removed_by_someone_else_first_is_no_error(tmp_path, monkeypatch) -> None:
    page, tmp, side = _leftovers(tmp_path / "d")

    def gone(self, missing_ok=False):
        raise FileNotFoundError(2, "No such file or directory", str(self))

    monkeypatch.setattr(Path, "unlink", gone)
    assert remove_leftovers(page) == []  # nothing it removed itself
