"""flows/warc.py at its edges: heads written with bare LF line endings (FastWARC's lenient
mode), records without a date or a content type, corrupt stretches at the start of a file
and two in one file, the 1 MiB chunks the next record start is searched in, a chunked body
with a one-byte chunk or a trailer, and the rejects' exact words and bytes. Written against
the survivors of ``make mutate`` (tests/test_warc_parts.py covers the ordinary cases);
expected values worked out by hand from the WARC and HTTP standards and the docstrings."""

from __future__ import annotations

import gzip
import os
import tracemalloc
from collections import Counter

import pytest
from helpers.warc import record, response, write_warc

import flows.warc as warc_mod
from cleaners import Rejected
from flows.discover import FileStat, PageRef, WarcSpot
from flows.warc import _inflate, _next_start, _unchunk, read_warc_page, scan_warc, warc_sidecar


def _page(path, site: str | None = None) -> PageRef:
    return PageRef(str(path), path.name, None, site, FileStat.of(os.stat(path)), None, None)


def _scan(path, site: str | None = None) -> tuple[list[PageRef], Counter[str]]:
    kinds: Counter[str] = Counter()
    return list(scan_warc(_page(path, site), kinds)), kinds


def _lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n")


def lf_response(uri: str, content_type: str, body: bytes):
    """A response whose HTTP head ends its lines with LF alone, as some crawlers write."""
    head = _lf(f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
               f"Content-Length: {len(body)}\r\n\r\n".encode())
    return record("response", head + body, uri=uri)


# ----------------------------------------------------------- lenient reading of heads

@pytest.mark.parametrize("gz", ["none", "member", "whole"])
def test_http_heads_with_bare_lf_are_read(tmp_path, gz: str) -> None:
    recs = [lf_response("https://a.example/1", "text/html; charset=windows-1251", b"<p>a</p>"),
            lf_response("https://a.example/2", "image/png", b"\x89PNG"),
            lf_response("https://a.example/3", "text/html", b"<p>c</p>")]
    path = tmp_path / ("lf.warc" + ("" if gz == "none" else ".gz"))
    write_warc(path, recs, gz=gz)
    pages, kinds = _scan(path)
    assert kinds == Counter({"response_not_html": 1})  # the image's type was read
    assert [p.warc.encoding for p in pages] == ["windows-1251", None]  # type: ignore[union-attr]
    assert [read_warc_page(str(path), p.warc, 0).data for p in pages] == \
        [b"<p>a</p>", b"<p>c</p>"]  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["lf.warc", "lf.warc.gz"])  # the .gz gzipped as a whole
def test_a_warc_head_with_bare_lf_is_read(tmp_path, name: str) -> None:
    rec = response("https://a.example/1", 200, "text/html", b"<p>a</p>")
    head, sep, block = rec.data.partition(b"\r\n\r\n")
    other = response("https://a.example/0", 200, "text/html", b"<p>0</p>")
    data = other.data + _lf(head) + b"\n\n" + block
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    pages, _ = _scan(path)
    assert [p.source_path for p in pages] == [f"{name}#{other.record_id}",
                                             f"{name}#{rec.record_id}"]
    pages = pages[1:]
    assert read_warc_page(str(path), pages[0].warc, 0).data == b"<p>a</p>"  # type: ignore[arg-type]


def test_a_response_without_a_content_type_is_a_page_and_one_without_a_date_has_none(
        tmp_path) -> None:
    block = b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n<p>a</p>"
    data = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
            b"WARC-Target-URI: https://a.example/1\r\n"
            b"Content-Type: application/http; msgtype=response\r\n"
            b"Content-Length: %d\r\n\r\n" % len(block)
            + block + b"\r\n\r\n")
    path = tmp_path / "bare.warc"
    path.write_bytes(data)
    pages, kinds = _scan(path, "a.example")
    assert kinds == Counter()  # no type: the cleaner sniffs it
    [page] = pages
    assert page.warc == WarcSpot(0, "<urn:uuid:1>", url="https://a.example/1")
    assert (page.folder_site, page.stat) == ("a.example", FileStat.of(os.stat(path)))


@pytest.mark.parametrize(("charset", "kept"), [
    ("'utf-8'", "utf-8"), ("koi8-r", "koi8-r"), ("base64", None)])
def test_the_http_charset_is_kept_as_written_when_python_knows_it(tmp_path, charset, kept):
    path = tmp_path / "c.warc"
    write_warc(path, [response("https://a.example/", 200, f"text/html; charset={charset}",
                               b"<p>a</p>")], gz="none")
    [page] = _scan(path)[0]
    assert page.warc.encoding == kept  # type: ignore[union-attr]
    assert warc_sidecar(page.warc).sidecar.encoding == kept  # type: ignore[arg-type]


def test_the_sidecar_of_a_record_says_what_the_warc_said() -> None:
    spot = WarcSpot(0, "<urn:x>", url="https://a.example/", fetched_at="2024-03-15T10:00:00",
                    encoding="koi8-r")
    side = warc_sidecar(spot)
    assert (side.sidecar.url, side.sidecar.encoding, side.sidecar.fetched_at) == \
        ("https://a.example/", "koi8-r", "2024-03-15T10:00:00")


def test_a_response_without_an_http_head_is_an_unreadable_reject(tmp_path) -> None:
    # a WARC head that does not say its block is application/http: no HTTP head is read
    data = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:2>\r\n"
            b"Content-Length: 24\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<p>x\r\n\r\n")
    path = tmp_path / "nohead.warc"
    path.write_bytes(data)
    [page] = _scan(path)[0]
    problem = "a truncated or corrupt WARC response record: no HTTP response head"
    assert page.warc.problem == problem  # type: ignore[union-attr]
    read = read_warc_page(str(path), page.warc, 0)  # type: ignore[arg-type]
    assert (read.data, read.problem.reason, read.problem.detail) == (  # type: ignore[union-attr]
        b"", "unreadable", problem)


# ------------------------------------------------------------------ corrupt stretches

def test_a_corrupt_stretch_at_the_start_is_reported_at_offset_zero(tmp_path) -> None:
    recs = [response(f"https://a.example/{i}", 200, "text/html", b"<p>%d</p>" % i)
            for i in range(2)]
    members = [gzip.compress(r.data) for r in recs]
    path = tmp_path / "s.warc.gz"
    path.write_bytes(b"not a gzip member at all" + members[0] + members[1])
    pages, _ = _scan(path, "a.example")
    assert [p.source_path for p in pages] == [
        "s.warc.gz#@0", f"s.warc.gz#{recs[0].record_id}", f"s.warc.gz#{recs[1].record_id}"]
    reject = pages[0]
    assert reject.warc is not None and reject.warc.record_id == "@0"
    assert reject.warc.problem is not None and reject.warc.problem.startswith(
        "a corrupt stretch of the WARC file at offset 0: ")
    assert reject.folder_site == "a.example"
    assert [p.warc.offset for p in pages[1:]] == [24, 24 + len(members[0])]  # type: ignore[union-attr]


def test_two_corrupt_stretches_are_two_rejects(tmp_path) -> None:
    recs = [response(f"https://a.example/{i}", 200, "text/html", b"<p>%d</p>" % i)
            for i in range(3)]
    m = [gzip.compress(r.data) for r in recs]
    path = tmp_path / "s.warc.gz"
    path.write_bytes(m[0] + b"junk one" + m[1] + b"junk two" + m[2])
    names = [p.source_path for p in _scan(path)[0]]
    ids = [f"s.warc.gz#{r.record_id}" for r in recs]
    assert names == [ids[0], "s.warc.gz#@0", ids[1], f"s.warc.gz#@{len(m[0]) + 8}", ids[2]]


def test_a_whole_gzipped_warc_is_not_read_past_a_corrupt_stretch(tmp_path) -> None:
    """In a file gzipped as a whole no offset leads to a record (scan_warc's docstring: it
    "cannot be read past it"): a gzip member after the junk is not read, as a page found
    there could not be found again by its reader, which reads the file from its start."""
    recs = [response(f"https://a.example/{i}", 200, "text/html", b"<p>%d</p>" % i)
            for i in range(3)]
    path = tmp_path / "w.warc.gz"
    path.write_bytes(gzip.compress(recs[0].data + recs[1].data) + b"junk" * 100
                     + gzip.compress(recs[2].data))
    pages, _ = _scan(path)
    assert len(pages) == 3, [p.source_path for p in pages]
    assert [p.source_path for p in pages[:2]] == [f"w.warc.gz#{r.record_id}" for r in recs[:2]]
    reject = pages[2].warc
    assert reject is not None and reject.problem is not None
    assert reject.problem.startswith("a corrupt stretch of the WARC file after the record at")
    assert read_warc_page(str(path), pages[1].warc, 0).data == b"<p>1</p>"  # type: ignore[arg-type]
    warc_mod._cursor.reset()


# ------------------------------------------------------- the next record start, by chunks

MIB = 1 << 20


@pytest.mark.parametrize(("name", "magic"), [("x.warc", b"WARC/1."),
                                             ("x.warc.gz", b"\x1f\x8b\x08")])
def test_the_next_start_across_the_1_mib_chunks(tmp_path, name: str, magic: bytes) -> None:
    path = tmp_path / name
    filler = b"-" * (3 * MIB)
    # a magic that begins one byte into the tail the search keeps of a chunk
    at = MIB + 100 - len(magic) + 1
    path.write_bytes(filler[:at] + magic + filler[at:])
    assert _next_start(str(path), 100) == at
    # a magic in the third chunk read, and one right where the search starts
    far = 100 + 2 * MIB + 5000
    path.write_bytes(filler[:far] + magic + filler[far:])
    assert _next_start(str(path), 100) == far
    assert _next_start(str(path), far) == far
    assert _next_start(str(path), far + 1) is None


# --------------------------------------------------------------------- chunked bodies

def test_chunked_bodies_at_their_edges() -> None:
    assert _unchunk(b"1\r\na\r\n2\r\nbc\r\n0\r\n\r\n") == b"abc"  # a one-byte chunk
    assert _unchunk(b"3\r\nabc\r\n0\r\nExpires: never\r\n\r\n") == b"abc"  # a trailer
    assert _unchunk(b"5\r\nhello\r\n3") == b"hello"  # cut in the next size line


# ---------------------------------------------------------------------- reading back

def test_a_body_exactly_at_the_limit_is_no_reject(tmp_path) -> None:
    path = tmp_path / "e.warc"
    write_warc(path, [response("https://a.example/", 200, "text/html", b"x" * 500)], gz="none")
    [page] = _scan(path)[0]
    read = read_warc_page(str(path), page.warc, 500)  # type: ignore[arg-type]
    assert (read.data, read.problem) == (b"x" * 500, None)
    over = read_warc_page(str(path), page.warc, 499)  # type: ignore[arg-type]
    assert over.problem is not None and over.stat == FileStat.of(os.stat(path))


@pytest.mark.parametrize("coding", ["gzip", "x-gzip"])
def test_a_small_record_that_expands_past_the_limit_is_too_large(tmp_path, coding) -> None:
    body = b"<p>" + b"a" * 5000 + b"</p>"
    path = tmp_path / "z.warc"
    write_warc(path, [response("https://a.example/", 200, "text/html", gzip.compress(body),
                               f"Content-Encoding: {coding}")], gz="none")
    [page] = _scan(path)[0]
    assert read_warc_page(str(path), page.warc, 0).data == body  # type: ignore[arg-type]
    read = read_warc_page(str(path), page.warc, 1000)  # type: ignore[arg-type]
    assert read.problem is not None and read.problem.reason == "too_large"
    assert read.data == gzip.compress(body)  # the record's bytes, as they stand


def test_a_gzip_bomb_is_never_expanded_past_the_limit() -> None:
    bomb = gzip.compress(b"\0" * (64 * MIB))  # ~64 KiB that expand to 64 MiB
    tracemalloc.start()
    try:
        with pytest.raises(Rejected) as exc:
            _inflate(bomb, "gzip", 1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exc.value.reason == "too_large"
    assert peak < 8 * MIB  # the limit and one byte, not the 64 MiB


def test_a_corrupt_member_read_back_is_an_unreadable_reject_with_no_bytes(tmp_path) -> None:
    rec = response("https://a.example/", 200, "text/html", bytes(range(256)) * 12)
    member = gzip.compress(rec.data)
    path = tmp_path / "c.warc.gz"
    path.write_bytes(member[:200] + bytes(b ^ 0x55 for b in member[200:600]) + member[600:])
    read = read_warc_page(str(path), WarcSpot(0, rec.record_id), 0)
    assert read.data == b"" and read.stat == FileStat.of(os.stat(path))
    assert read.problem is not None and read.problem.reason == "unreadable"
    assert read.problem.detail.startswith("the WARC record is corrupt: ")


def test_a_warc_file_that_cannot_be_opened_is_unreadable(tmp_path, monkeypatch) -> None:
    path = tmp_path / "locked.warc"
    write_warc(path, [response("https://a.example/", 200, "text/html", b"<p>a</p>")],
               gz="none")

    def refuse(name, mode="rb"):
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(warc_mod, "FileStream", refuse)  # as root, no file is unreadable
    with pytest.raises(Rejected) as exc:
        read_warc_page(str(path), WarcSpot(0, "<urn:x>"), 0)
    assert exc.value.reason == "unreadable"
    assert exc.value.detail == f"cannot read the WARC file: [Errno 13] Permission denied: " \
        f"'{path}'"


def test_a_whole_gzipped_warc_read_in_file_order_is_opened_once(tmp_path, monkeypatch) -> None:
    recs = [response(f"https://a.example/{i}", 200, "text/html", b"<p>%d</p>" % i)
            for i in range(4)]
    path = tmp_path / "w.warc.gz"
    write_warc(path, recs, gz="whole")
    spots = [p.warc for p in _scan(path)[0]]
    warc_mod._cursor.reset()
    opened = []
    real_open = warc_mod._open
    monkeypatch.setattr(warc_mod, "_open",
                        lambda p, offset=0: opened.append(offset) or real_open(p, offset))
    got = [read_warc_page(str(path), s, 0).data for s in spots]  # type: ignore[arg-type]
    assert got == [b"<p>%d</p>" % i for i in range(4)]
    # each read opens the file to stat it and closes it; the records come from one cursor
    assert len(opened) == len(spots) + 1
    warc_mod._cursor.reset()
