"""The parts of flows/warc.py on their own, without a run: a chunked body, each
Content-Encoding and its limits, the HTTP charset, what scan_warc says of each record
(offset, id, URL, date, charset, kind), and read_warc_page's rejects. Fast enough to be
the selection mutmut runs for the module (bench/mutation.md); expected values by hand."""

from __future__ import annotations

import gzip
import os
import zlib
from collections import Counter

import brotli
import pytest
from helpers.warc import record, response, write_warc

from cleaners import Rejected
from flows.discover import FileStat, PageRef, WarcSpot
from flows.warc import _inflate, _next_start, _unchunk, read_warc_page, scan_warc

# ------------------------------------------------------------------- bodies


def test_a_chunked_body_is_joined() -> None:
    assert _unchunk(b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n") == b"hello world"
    assert _unchunk(b"A\r\n0123456789\r\n0\r\n\r\n") == b"0123456789"  # sizes are hex
    assert _unchunk(b"5\r\nhello\r\n6\r\n wor") == b"hello wor"  # cut: what is there
    assert _unchunk(b"5\r\nhello\r\n6\r\n world\r\n") == b"hello world"  # no last chunk
    assert _unchunk(b"\r\nhello") == b""  # an empty size line is the last chunk


def test_a_body_that_is_not_chunked_after_all_is_kept() -> None:
    body = b"<html>\r\n<p>hi</p></html>"
    assert _unchunk(body) == body


_PAGE = b"<p>" + b"story " * 100 + b"</p>"  # 607 bytes


def _raw(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-15)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(("coding", "pack"), [
    ("gzip", gzip.compress), ("x-gzip", gzip.compress), ("deflate", zlib.compress),
    ("deflate", _raw), ("br", brotli.compress)])
def test_each_coding_is_undone_up_to_exactly_the_limit(coding, pack) -> None:
    assert _inflate(pack(_PAGE), coding, 0) == _PAGE  # 0: no limit
    assert _inflate(pack(_PAGE), coding, len(_PAGE)) == _PAGE


@pytest.mark.parametrize(("coding", "pack"), [
    ("gzip", gzip.compress), ("deflate", zlib.compress), ("deflate", _raw)])
def test_one_byte_past_the_limit_is_too_large(coding, pack) -> None:
    with pytest.raises(Rejected) as exc:
        _inflate(pack(_PAGE), coding, len(_PAGE) - 1)
    assert exc.value.reason == "too_large"
    assert exc.value.detail == \
        "the body decompresses past the 606-byte limit (--max-raw-bytes)"


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_a_corrupt_body_names_its_coding(coding) -> None:
    with pytest.raises(Rejected) as exc:
        _inflate(b"\x1f\x8b\x08\x00" + bytes(range(255, -1, -1)), coding, 0)
    assert (exc.value.reason, exc.value.detail) == \
        ("bad_gzip", f"the {coding}-encoded body is corrupt")


def test_a_corrupt_brotli_body_says_brotli() -> None:
    with pytest.raises(Rejected) as exc:
        _inflate(bytes(range(255, -1, -1)), "br", 0)
    assert exc.value.reason == "bad_gzip"
    assert exc.value.detail.startswith("the brotli-encoded body is corrupt: ")


# -------------------------------------------------------------------- scanning


def _page(path) -> PageRef:
    return PageRef(str(path), path.name, None, None, FileStat.of(os.stat(path)), None, None)


def _scan(path) -> tuple[list[PageRef], Counter[str]]:
    kinds: Counter[str] = Counter()
    return list(scan_warc(_page(path), kinds)), kinds


def test_each_page_record_is_found_with_what_its_headers_say(tmp_path) -> None:
    recs = [
        record("warcinfo", b"software: hand\r\n", content_type="application/warc-fields"),
        response("https://a.example/1", 200, 'text/html; charset="windows-1251"', b"<p>a</p>",
                 date="2024-03-15T10:00:00Z"),
        response("https://a.example/2", 200, "text/plain; charset=no-such", b"b"),
        response("https://a.example/3", 200, "text/html; charset=base64", b"<p>c</p>"),
        response("https://a.example/4", 200, "application/xhtml+xml", b"<p>d</p>"),
        response("https://a.example/5", 301, "text/html", b""),
        response("https://a.example/6", 200, "image/png", b"\x89PNG"),
    ]
    warc = tmp_path / "a.warc"
    write_warc(warc, recs, gz="none")
    pages, kinds = _scan(warc)
    assert kinds == Counter({"warcinfo": 1, "response_not_200": 1, "response_not_html": 1})
    assert [p.source_path for p in pages] == [f"a.warc#{r.record_id}" for r in recs[1:5]]
    first = pages[0].warc
    assert first is not None
    assert (first.url, first.fetched_at, first.encoding, first.problem, first.whole) == \
        ("https://a.example/1", "2024-03-15T10:00:00+00:00", "windows-1251", None, False)
    assert first.offset == len(recs[0].data)  # where its record starts in the file
    # a charset Python does not know, or knows as no text encoding, is left to sniffing
    assert [p.warc.encoding for p in pages[1:]] == [None, None, None]  # type: ignore[union-attr]


def test_offsets_in_a_warc_gz_are_member_starts_and_none_in_a_whole_gzip(tmp_path) -> None:
    recs = [response(f"https://a.example/{i}", 200, "text/html", b"<p>%d</p>" % i)
            for i in range(3)]
    warc = tmp_path / "m.warc.gz"
    write_warc(warc, recs, gz="member")
    members = [len(gzip.compress(r.data)) for r in recs]
    pages, _ = _scan(warc)
    assert [p.warc.offset for p in pages] == [0, members[0], members[0] + members[1]]  # type: ignore[union-attr]
    assert not any(p.warc.whole for p in pages)  # type: ignore[union-attr]
    whole = tmp_path / "w.warc.gz"
    write_warc(whole, recs, gz="whole")
    pages, _ = _scan(whole)
    # the first record starts where the one member does; the others lie inside it
    assert [p.warc.whole for p in pages] == [False, True, True]  # type: ignore[union-attr]
    assert [p.warc.offset for p in pages][0] == 0  # type: ignore[union-attr]


def test_the_next_record_start_is_found_across_chunks(tmp_path) -> None:
    path = tmp_path / "x.warc"
    path.write_bytes(b"junk" * 10 + b"WARC/1.0\r\n" + b"more")
    assert _next_start(str(path), 0) == 40
    assert _next_start(str(path), 41) is None
    gz = tmp_path / "x.warc.gz"
    gz.write_bytes(b"\x00" * 7 + b"\x1f\x8b\x08" + b"\x00" * 5)
    assert _next_start(str(gz), 1) == 7


# -------------------------------------------------------------------- reading back


def _spot_of(path) -> WarcSpot:
    pages, _ = _scan(path)
    assert pages[0].warc is not None
    return pages[0].warc


def test_a_record_is_read_back_decoded(tmp_path) -> None:
    body = b"<p>" + b"word " * 50 + b"</p>"
    warc = tmp_path / "r.warc.gz"
    write_warc(warc, [response("https://a.example/", 200, "text/html", gzip.compress(body),
                               "Content-Encoding: GZIP ")])
    read = read_warc_page(str(warc), _spot_of(warc), 10_000)
    assert (read.data, read.problem) == (body, None)
    assert read.stat == FileStat.of(os.stat(warc))


def test_a_record_over_the_limit_is_too_large_with_its_size(tmp_path) -> None:
    body = b"x" * 500
    warc = tmp_path / "big.warc"
    write_warc(warc, [response("https://a.example/", 200, "text/html", body)], gz="none")
    read = read_warc_page(str(warc), _spot_of(warc), 499)
    assert read.problem is not None and read.problem.reason == "too_large"
    assert read.problem.detail == ("the record's body is 500 bytes, over the 499-byte limit"
                                   " (--max-raw-bytes)")
    assert read_warc_page(str(warc), _spot_of(warc), 500).data == body


def test_a_spot_found_broken_is_an_unreadable_reject(tmp_path) -> None:
    warc = tmp_path / "b.warc"
    write_warc(warc, [response("https://a.example/", 200, "text/html", b"<p>x</p>")],
               gz="none")
    spot = WarcSpot(0, "<urn:x>", problem="a corrupt stretch of the WARC file at offset 0")
    read = read_warc_page(str(warc), spot, 0)
    assert read.data == b"" and read.problem is not None
    assert (read.problem.reason, read.problem.detail) == \
        ("unreadable", "a corrupt stretch of the WARC file at offset 0")


def test_a_warc_file_gone_or_changed_is_vanished(tmp_path) -> None:
    warc = tmp_path / "v.warc"
    write_warc(warc, [response("https://a.example/", 200, "text/html", b"<p>x</p>")],
               gz="none")
    spot = _spot_of(warc)
    other = WarcSpot(spot.offset, "<urn:uuid:not-there>")
    with pytest.raises(Rejected) as exc:
        read_warc_page(str(warc), other, 0)
    assert exc.value.reason == "vanished"
    assert exc.value.detail == ("no record <urn:uuid:not-there> where the WARC file had it:"
                                " the file changed after it was found")
    warc.unlink()
    with pytest.raises(Rejected) as exc:
        read_warc_page(str(warc), spot, 0)
    assert (exc.value.reason, exc.value.detail) == \
        ("vanished", "the WARC file disappeared after it was found")


def test_a_record_over_the_limit_keeps_only_one_byte_past_it(tmp_path) -> None:
    warc = tmp_path / "huge.warc"
    write_warc(warc, [response("https://a.example/", 200, "text/html", b"y" * 1000)],
               gz="none")
    read = read_warc_page(str(warc), _spot_of(warc), 499)
    assert read.problem is not None and read.problem.reason == "too_large"
    assert read.data == b"y" * 500  # read up to the limit and one byte, never the rest


def test_a_truncated_record_says_how_much_of_it_is_there(tmp_path) -> None:
    warc = tmp_path / "cut.warc"
    rec = response("https://a.example/", 200, "text/html", b"z" * 400)
    write_warc(warc, [rec], gz="none", cut_last=104)  # 4 of CRLF CRLF and 100 body bytes
    read = read_warc_page(str(warc), WarcSpot(0, rec.record_id), 0)
    assert read.problem is not None
    assert (read.problem.reason, read.problem.detail) == (
        "unreadable", "a truncated WARC record: its body has 300 of the 400 bytes it announces")
    assert read.data == b"z" * 300
    assert read.stat == FileStat.of(os.stat(warc))


def test_a_record_is_read_at_its_offset_past_a_corrupt_one(tmp_path) -> None:
    recs = [response(f"https://a.example/{i}", 200, "text/html", b"<p>%d</p>" % i)
            for i in range(2)]
    warc = tmp_path / "c.warc.gz"
    write_warc(warc, recs)
    spot = _scan(warc)[0][1].warc
    first = len(gzip.compress(recs[0].data))
    warc.write_bytes(b"\x00" * first + warc.read_bytes()[first:])  # the first member wiped
    assert read_warc_page(str(warc), spot, 0).data == b"<p>1</p>"  # type: ignore[arg-type]


def test_records_of_a_warc_gzipped_whole_are_read_in_any_order(tmp_path) -> None:
    recs = [response(f"https://a.example/{i}", 200, "text/html",
                     b"%x\r\n" % len(b"<p>%d</p>" % i) + b"<p>%d</p>" % i + b"\r\n0\r\n\r\n",
                     "Transfer-Encoding: Chunked") for i in range(3)]
    warc = tmp_path / "w.warc.gz"
    write_warc(warc, recs, gz="whole")
    spots = [p.warc for p in _scan(warc)[0]]
    for i in (2, 0, 1, 2):
        assert read_warc_page(str(warc), spots[i], 0).data == b"<p>%d</p>" % i  # type: ignore[arg-type]
    gone = WarcSpot(0, "<urn:uuid:gone>", whole=True)
    with pytest.raises(Rejected) as exc:
        read_warc_page(str(warc), gone, 0)
    assert (exc.value.reason, exc.value.detail) == ("vanished", "no record <urn:uuid:gone> in"
                                                    " the WARC file: the file changed after"
                                                    " it was found")


def test_a_corrupt_stretch_is_one_reject_and_the_records_after_it_are_found(tmp_path) -> None:
    recs = [response(f"https://a.example/{i}", 200, "text/html", b"<p>%d</p>" % i)
            for i in range(3)]
    members = [gzip.compress(r.data) for r in recs]
    warc = tmp_path / "s.warc.gz"
    warc.write_bytes(members[0] + b"not a gzip member at all" + members[1] + members[2])
    pages, _ = _scan(warc)
    names = [p.source_path for p in pages]
    assert names[0::2] == [f"s.warc.gz#{recs[0].record_id}", f"s.warc.gz#{recs[1].record_id}"]
    assert names[3] == f"s.warc.gz#{recs[2].record_id}" and len(names) == 4
    reject = pages[1]  # named after where reading last stood before the stretch
    assert reject.warc is not None and names[1] == f"s.warc.gz#@{reject.warc.offset}"
    assert reject.path == str(warc) and reject.stat == FileStat.of(os.stat(warc))
    assert reject.warc.problem is not None and reject.warc.problem.startswith(
        f"a corrupt stretch of the WARC file after the record at offset {reject.warc.offset}: ")
    assert pages[2].warc.offset == len(members[0]) + 24  # type: ignore[union-attr]
