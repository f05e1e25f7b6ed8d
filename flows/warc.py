"""WARC files as pages: find the pages among a WARC file's records, and read one back.

A WARC file under the raw root (``.warc`` or ``.warc.gz``), or given itself as ``--raw``,
is not a page: its records are. ``scan_warc`` streams through it once (FastWARC, record
headers and HTTP heads only: bodies are skipped, never held) and turns each ``response``
record with HTTP status 200 and an HTML or text content type (or none: the cleaner sniffs)
into a ``PageRef`` named ``<file>#<WARC-Record-ID>``, with the offset its record starts
at. Every other record is counted by kind (``warcinfo``, ``request``, ``metadata``,
``revisit``, ``resource``..., ``response_not_200``, ``response_not_html``), so nothing in
the file goes unaccounted for.

``read_warc_page`` is what a worker does with such a page: it opens the WARC file, seeks
to the record's offset and reads that record's HTTP body, decoded per its
``Transfer-Encoding`` and ``Content-Encoding``. In a ``.warc.gz`` made as the standard
says, one gzip member per record, the offset is the member's start and the record is the
first one there. A WARC gzipped as a whole has one member: every record's offset is 0 and
the worker reads forward from the start to its record (correct, but each page costs the
records before it: such a file is best recompressed per record).

A record cut short (a truncated file, a corrupt gzip member) is a page that becomes an
``unreadable`` reject saying so; the records after it are still read (``scan_warc``
starts again at the next gzip member, or ``WARC/1.`` line, after a corrupt stretch).
"""

from __future__ import annotations

import codecs
import os
import sys
import threading
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from fastwarc.stream_io import FastWARCError, FileStream, GZipStream, IOStream
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from cleaners import Rejected
from flows.discover import FileStat, PageRef, WarcSpot, is_warc_name
from flows.sidecar import Sidecar, SidecarFile

PAGE_TYPES = ("text/", "application/xhtml+xml", "application/xml")
_CHUNK = 1 << 16


def is_warc(page: PageRef) -> bool:
    """A page file that is a WARC file (its records are the pages), not a record of one."""
    return page.warc is None and is_warc_name(page.path)


def _open(path: str, offset: int = 0) -> IOStream:
    stream: IOStream = FileStream(path, "rb")
    if offset:
        stream.seek(offset)
    return GZipStream(stream) if path.lower().endswith(".gz") else stream


def _kind(record: WarcRecord) -> str | None:
    """None for a record that is a page; else the kind it is counted as."""
    if record.record_type != WarcRecordType.response:
        return record.record_type.name
    http = record.http_headers
    if http is None:
        return None  # no HTTP head: cut short or corrupt, the page's reader says so
    if http.status_code != 200:
        return "response_not_200"
    ctype = (record.http_content_type or "").lower()
    if ctype and not ctype.startswith(PAGE_TYPES):
        return "response_not_html"
    return None


def _charset(record: WarcRecord) -> str | None:
    """The HTTP charset, where Python knows it as a text encoding (else sniffing decides)."""
    name = (record.http_charset or "").strip().strip("\"'")
    if not name:
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # one string per charset, not per record: the plan holds every record's
    return sys.intern(name) if getattr(info, "_is_text_encoding", True) else None


def _spot(record: WarcRecord, offset: int | None) -> WarcSpot:
    date = record.record_date
    problem = None
    if record.http_headers is None:
        problem = "a truncated or corrupt WARC response record: no HTTP response head"
    return WarcSpot(
        offset=record.stream_pos if offset is None else offset,
        whole=offset is None,
        record_id=record.record_id or f"@{record.stream_pos}",
        url=record.headers.get("WARC-Target-URI") or None,
        fetched_at=date.isoformat() if date is not None else None,
        encoding=_charset(record),
        problem=problem,
    )


class _Members:
    """Whether a record's offset in a .warc.gz is a gzip member's start, where a reader
    can seek to. In a file gzipped as a whole, FastWARC's positions are somewhere inside
    the one member: from the first such record on, there is no offset (None)."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDONLY) if path.lower().endswith(".gz") else None
        self.whole = False

    def offset(self, pos: int) -> int | None:
        if self.fd is None:
            return pos
        if not self.whole and os.pread(self.fd, 3, pos) != b"\x1f\x8b\x08":
            self.whole = True
        return None if self.whole else pos

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)


def _next_start(path: str, after: int) -> int | None:
    """Where the next record may start after ``after``: the next gzip member's magic in
    a .warc.gz, the next ``WARC/1.`` line in a .warc (None: nowhere). Read in chunks."""
    magic = b"\x1f\x8b\x08" if path.lower().endswith(".gz") else b"WARC/1."
    with open(path, "rb") as fh:
        fh.seek(after)
        tail = b""
        while chunk := fh.read(1 << 20):
            found = (tail + chunk).find(magic)
            if found >= 0:
                return after - len(tail) + found
            after += len(chunk)
            tail = chunk[-len(magic) + 1 :]
    return None


def _scan_from(page: PageRef, start: int, kinds: Counter[str], members: _Members
               ) -> Iterator[PageRef | int]:
    """The pages from offset ``start`` on, and at the end the position of the last
    record read, when reading stopped at a corrupt stretch (it raises on)."""
    stream = _open(page.path, start)
    try:
        for record in ArchiveIterator(stream, parse_http=True, strict_mode=False):
            yield record.stream_pos
            kind = _kind(record)
            if kind is not None:
                kinds[kind] += 1
                continue
            spot = _spot(record, members.offset(record.stream_pos))
            yield PageRef(page.path, f"{page.source_path}#{spot.record_id}", None,
                          page.folder_site, page.stat, None, spot)
    finally:
        stream.close()


def scan_warc(page: PageRef, kinds: Counter[str]) -> Iterator[PageRef]:
    """The pages among the records of the WARC file ``page``, in file order; every other
    record counted in ``kinds``. Where a corrupt stretch stops the reading, one more page
    named after the offset it was found at (``#@<offset>``) becomes its reject, and the
    reading goes on at the next record start after it (the next gzip member in a .warc.gz
    made per record; a file gzipped as a whole cannot be read past it)."""
    members = _Members(page.path)
    start: int | None = 0
    reported = False  # a corrupt stretch is reported once, however many tries it takes
    try:
        while start is not None:
            last = start
            found = False
            try:
                for item in _scan_from(page, start, kinds, members):
                    if isinstance(item, int):
                        last, found = item, True
                    else:
                        yield item
                return
            except (OSError, FastWARCError) as exc:
                if found or not reported:
                    where = f"after the record at offset {last}" if found else \
                        f"at offset {last}"  # the stretch starts past the last record read
                    spot = WarcSpot(last, f"@{last}", problem="a corrupt stretch of the WARC"
                                    f" file {where}: {exc}")
                    yield PageRef(page.path, f"{page.source_path}#@{last}", None,
                                  page.folder_site, page.stat, None, spot)
                reported = True
                start = None if members.whole else _next_start(page.path, last + 1)
    finally:
        members.close()


def expand_warcs(pages: list[PageRef]) -> tuple[list[PageRef], Counter[str]]:
    """``pages`` with each WARC file replaced by its pages, in file order (where discovery
    found the file: a whole-file-gzipped WARC is then read forward, ``_find_whole``), and
    the records that are no page counted by kind."""
    kinds: Counter[str] = Counter()
    if not any(is_warc(p) for p in pages):
        return pages, kinds
    out: list[PageRef] = []
    for page in pages:
        if is_warc(page):
            out.extend(scan_warc(page, kinds))
        else:
            out.append(page)
    return out, kinds


def warc_sidecar(spot: WarcSpot) -> SidecarFile:
    """What the WARC says of a page, as a sidecar would say it (no file: no hash)."""
    return SidecarFile(Sidecar(url=spot.url, encoding=spot.encoding,
                               fetched_at=spot.fetched_at), None)


# ----------------------------------------------------------------------- reading back


def _unchunk(data: bytes) -> bytes:
    """An HTTP/1.1 chunked body's content (what is left of a broken one, as it stands)."""
    out = bytearray()
    pos = 0
    while pos < len(data):
        end = data.find(b"\r\n", pos)
        if end < 0:
            break
        try:
            size = int(data[pos:end].split(b";")[0].strip() or b"0", 16)
        except ValueError:
            return data  # not chunked after all: what the server sent
        if size == 0:
            break
        out += data[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2
    return bytes(out)


def _inflate(data: bytes, coding: str, max_bytes: int) -> bytes:
    """A Content-Encoding undone; ``bad_gzip`` when the body is not what it says."""
    if coding == "br":
        import brotli  # FastWARC's own dependency

        try:
            return brotli.decompress(data)
        except brotli.error as exc:
            raise Rejected("bad_gzip", f"the brotli-encoded body is corrupt: {exc}") from None
    cap = max_bytes + 1 if max_bytes else 0
    # deflate is zlib-wrapped as the standard says, or raw as some servers send it
    tries = (47,) if coding in ("gzip", "x-gzip") else (15, -15)
    for wbits in tries:
        try:
            out = zlib.decompressobj(wbits).decompress(data, cap)
            break
        except zlib.error:
            continue
    else:
        raise Rejected("bad_gzip", f"the {coding}-encoded body is corrupt")
    if max_bytes and len(out) > max_bytes:
        raise Rejected("too_large", f"the body decompresses past the {max_bytes}-byte"
                       " limit (--max-raw-bytes)")
    return out


def _decoded(record: WarcRecord, body: bytes, max_bytes: int) -> bytes:
    http = record.http_headers
    transfer = (http.get("Transfer-Encoding") or "").lower() if http is not None else ""
    if "chunked" in transfer:
        body = _unchunk(body)
    coding = (http.get("Content-Encoding") or "").strip().lower() if http is not None else ""
    if coding in ("gzip", "x-gzip", "deflate", "br"):
        body = _inflate(body, coding, max_bytes)
    return body


def _find(stream: IOStream, record_id: str) -> WarcRecord:
    """The record ``record_id``: the first one at a member's start; in a file gzipped
    as a whole, found by reading on (HTTP heads parsed only for the one record)."""
    for record in ArchiveIterator(stream, parse_http=False, strict_mode=False,
                                  record_types=WarcRecordType.response):
        if record.record_id == record_id:
            record.parse_http(strict_mode=False)
            return record
    raise Rejected("vanished", f"no record {record_id} where the WARC file had it:"
                   " the file changed after it was found")


@dataclass(frozen=True, slots=True)
class WarcBody:
    """A page's record read back: the page's bytes, or the problem that rejects it with
    the bytes that were there (hashed all the same, so the reject is remembered: a record
    of an unchanged WARC file is the same bytes next time)."""

    data: bytes  # the HTTP body decoded; with a problem, what could be read of it
    stat: FileStat  # the WARC file's, as opened
    problem: Rejected | None = None


class _Cursor(threading.local):
    """Where this thread's last read of a whole-file-gzipped WARC stopped."""

    key: tuple[str, str] | None = None  # (path, stat signature)
    stream: IOStream | None = None
    records: Iterator[WarcRecord] | None = None

    def reset(self, key: tuple[str, str] | None = None) -> None:
        if self.stream is not None:
            self.stream.close()
        self.key, self.stream, self.records = key, None, None
        if key is not None:
            self.stream = _open(key[0])
            self.records = iter(ArchiveIterator(self.stream, parse_http=False,
                                                strict_mode=False,
                                                record_types=WarcRecordType.response))


_cursor = _Cursor()


def _find_whole(path: str, stat: FileStat, record_id: str) -> WarcRecord:
    """The record ``record_id`` of a WARC gzipped as a whole, where no offset leads: read
    on from where this thread's last read of the file stopped (a batch's pages come in
    file order, so a file is read about once per batch), else from the start."""
    key = (path, stat.signature)
    for again in (False, True):
        if again or _cursor.key != key:
            _cursor.reset(key)
        assert _cursor.records is not None
        for record in _cursor.records:
            if record.record_id == record_id:
                record.parse_http(strict_mode=False)
                return record
    _cursor.reset()
    raise Rejected("vanished", f"no record {record_id} in the WARC file: the file changed"
                   " after it was found")


def read_warc_page(path: str, spot: WarcSpot, max_bytes: int) -> WarcBody:
    """The page's record read back by seeking to its offset. ``Rejected`` only when the
    WARC file is gone or cannot be opened, or no longer holds the record (transient)."""
    try:
        stat = FileStat.of(os.stat(path))
        stream = _open(path, spot.offset)
    except FileNotFoundError:
        raise Rejected("vanished", "the WARC file disappeared after it was found") from None
    except (OSError, FastWARCError) as exc:
        raise Rejected("unreadable", f"cannot read the WARC file: {exc}") from None
    if spot.problem or spot.whole:
        stream.close()
        stream = None
    if spot.problem:
        return WarcBody(b"", stat, Rejected("unreadable", spot.problem))
    try:
        record = (_find_whole(path, stat, spot.record_id) if stream is None
                  else _find(stream, spot.record_id))
        expected = record.content_length
        reader = record.reader
        body = reader.read(max_bytes + 1) if max_bytes and expected > max_bytes else reader.read()
    except FastWARCError as exc:
        return WarcBody(b"", stat, Rejected("unreadable", f"the WARC record is corrupt: {exc}"))
    finally:
        if stream is not None:
            stream.close()
    if max_bytes and len(body) > max_bytes:
        return WarcBody(body, stat, Rejected(
            "too_large", f"the record's body is {expected} bytes, over the {max_bytes}-byte"
            " limit (--max-raw-bytes)"))
    if len(body) < expected:
        return WarcBody(body, stat, Rejected(
            "unreadable", f"a truncated WARC record: its body has {len(body)} of the"
            f" {expected} bytes it announces"))
    try:
        return WarcBody(_decoded(record, body, max_bytes), stat)
    except Rejected as exc:
        return WarcBody(body, stat, exc)
