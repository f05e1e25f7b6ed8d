"""Issue 20: the ``[[fetch.sources]]`` of the settings file, checked with clear messages."""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path

import pytest

from fetching.sources import Source, SourceError, load_sources


def sources(text: str, base: Path | None = None) -> list[Source]:
    return load_sources(tomllib.loads(text).get("fetch", {}), base)


def error(text: str, base: Path | None = None) -> str:
    with pytest.raises(SourceError) as caught:
        sources(text, base)
    return str(caught.value)


def test_every_kind_and_option(tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "extra.txt").write_text("https://example.org/a\n")
    got = sources("""
        [[fetch.sources]]
        feed = "https://feeds.example.co.uk/news/rss.xml"
        name = "example"
        max_pages = 50
        since = 2024-05-01
        allow_hosts = ["Example.co.uk", "cdn.example.net"]

        [[fetch.sources]]
        sitemap = " https://example.com/sitemap_index.xml "

        [[fetch.sources]]
        site = "https://www.example.org/"

        [[fetch.sources]]
        urls = "lists/extra.txt"
        """, base=tmp_path)
    assert got == [
        Source("feed", "https://feeds.example.co.uk/news/rss.xml", name="example", max_pages=50,
               since=datetime.date(2024, 5, 1), allow_hosts=("example.co.uk", "cdn.example.net")),
        Source("sitemap", "https://example.com/sitemap_index.xml"),
        Source("site", "https://www.example.org/"),
        Source("urls", str(tmp_path / "lists" / "extra.txt")),
    ]


def test_no_sources_is_an_empty_list() -> None:
    assert sources("") == []
    assert sources("[fetch]\ndelay = 1.0\n") == []


def test_since_as_a_string_or_a_date_time() -> None:
    got = sources("""
        [[fetch.sources]]
        feed = "https://example.com/a.xml"
        since = "2024-05-01"
        [[fetch.sources]]
        feed = "https://example.com/b.xml"
        since = 2024-05-01T23:30:00-02:00
        """)
    # a date-time with an offset is its UTC day: 23:30 at -02:00 is 01:30 the next day
    assert [s.since for s in got] == [datetime.date(2024, 5, 1), datetime.date(2024, 5, 2)]


def test_a_relative_urls_file_is_read_from_the_settings_folder(tmp_path: Path,
                                                               monkeypatch) -> None:
    (tmp_path / "urls.txt").write_text("https://example.org/a\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    [got] = sources('[[fetch.sources]]\nurls = "urls.txt"\n', base=tmp_path)
    assert got.location == str(tmp_path / "urls.txt")
    # without a base, from the current folder, where there is no such file
    assert "does not exist" in error('[[fetch.sources]]\nurls = "urls.txt"\n')


def test_a_missing_urls_file_names_the_path(tmp_path: Path) -> None:
    message = error('[[fetch.sources]]\nurls = "nope.txt"\nname = "mine"\n', base=tmp_path)
    assert message == (f"[[fetch.sources]] #1 (name = 'mine'): urls file "
                       f"{str(tmp_path / 'nope.txt')!r} does not exist")


def test_no_kind() -> None:
    message = error('[[fetch.sources]]\nname = "bbc"\nmax_pages = 3\n')
    assert message == ("[[fetch.sources]] #1 (name = 'bbc'): needs exactly one of "
                       "feed, sitemap, site, urls (found none)")


def test_two_kinds() -> None:
    message = error("""
        [[fetch.sources]]
        feed = "https://example.com/rss"
        [[fetch.sources]]
        feed = "https://example.com/rss"
        sitemap = "https://example.com/sitemap.xml"
        """)
    assert message == ("[[fetch.sources]] #2: needs exactly one of feed, sitemap, site, urls "
                       "(found feed and sitemap)")


def test_an_unknown_key_names_the_entry_and_the_key() -> None:
    message = error("""
        [[fetch.sources]]
        feed = "https://example.com/rss"
        [[fetch.sources]]
        name = "second"
        feed = "https://example.com/rss2"
        max_page = 10
        """)
    assert message.startswith("[[fetch.sources]] #2 (name = 'second'): unknown key 'max_page';")
    assert "max_pages" in message  # the keys it could have meant


@pytest.mark.parametrize(("line", "expected"), [
    ('feed = "ftp://example.com/rss"', "feed must be an http:// or https:// URL"),
    ('site = "example.com"', "site must be an http:// or https:// URL"),
    ('sitemap = "https:///sitemap.xml"', "sitemap must be an http:// or https:// URL"),
    ("feed = 3", "feed must be a non-empty string, not 3"),
    ('feed = "  "', "feed must be a non-empty string"),
])
def test_a_bad_location(line: str, expected: str) -> None:
    assert error(f"[[fetch.sources]]\n{line}\n").startswith(f"[[fetch.sources]] #1: {expected}")


@pytest.mark.parametrize(("line", "expected"), [
    ("max_pages = 0", "max_pages must be a positive whole number, not 0"),
    ("max_pages = -5", "max_pages must be a positive whole number, not -5"),
    ('max_pages = "10"', "max_pages must be a positive whole number, not '10'"),
    ("max_pages = true", "max_pages must be a positive whole number, not True"),
    ("max_pages = 2.5", "max_pages must be a positive whole number, not 2.5"),
    ('since = "last week"', "since must be a date"),
    ("since = 20240501", "since must be a date"),
    ('allow_hosts = "example.com"', "allow_hosts must be a list of host names"),
    ('allow_hosts = ["https://example.com"]', "allow_hosts takes host names"),
    ('allow_hosts = ["example.com/news"]', "allow_hosts takes host names"),
    ('allow_hosts = ["example.com:8080"]', "allow_hosts takes host names"),
    ("allow_hosts = [3]", "allow_hosts takes host names"),
    ('name = "../etc"', "name must be one folder name"),
    ('name = "a/b"', "name must be one folder name"),
    ('name = ".hidden"', "name must be one folder name"),
    ('name = ""', "name must be one folder name"),
])
def test_a_bad_option(line: str, expected: str) -> None:
    message = error(f'[[fetch.sources]]\nfeed = "https://example.com/rss"\n{line}\n')
    assert expected in message
    assert message.startswith("[[fetch.sources]] #1")


def test_sources_must_be_an_array_of_tables() -> None:
    assert "array of tables" in error('[fetch]\nsources = "https://example.com/rss"\n')
    assert error("[fetch]\nsources = [1]\n") == "[[fetch.sources]] #1: must be a table, not 1"
