"""Small WARC files built by hand in the tests: records as bytes, each record its own gzip
member (as the standard says a .warc.gz is made), or the whole file gzipped once."""

from __future__ import annotations

import gzip
import html
import uuid
from dataclasses import dataclass
from pathlib import Path

from helpers.archive import seed_texts


@dataclass(frozen=True)
class Rec:
    """One record: its type, id and bytes."""

    kind: str
    record_id: str
    data: bytes


def record(kind: str, block: bytes, *, uri: str | None = None,
           date: str = "2024-03-15T10:00:00Z", content_type: str = "application/http;"
           " msgtype=response", extra: tuple[str, ...] = ()) -> Rec:
    rid = f"<urn:uuid:{uuid.uuid4()}>"
    head = ["WARC/1.0", f"WARC-Type: {kind}", f"WARC-Record-ID: {rid}", f"WARC-Date: {date}"]
    if uri:
        head.append(f"WARC-Target-URI: {uri}")
    head += [f"Content-Type: {content_type}", *extra, f"Content-Length: {len(block)}"]
    data = "\r\n".join(head).encode() + b"\r\n\r\n" + block + b"\r\n\r\n"
    return Rec(kind, rid, data)


def http(status: int, content_type: str, body: bytes, *headers: str) -> bytes:
    head = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}", *headers,
            f"Content-Length: {len(body)}"]
    return "\r\n".join(head).encode() + b"\r\n\r\n" + body


def response(uri: str, status: int, content_type: str, body: bytes, *headers: str,
             date: str = "2024-03-15T10:00:00Z") -> Rec:
    return record("response", http(status, content_type, body, *headers), uri=uri, date=date)


def article_text(i: int) -> str:
    """A seed page with a sentence of its own: every page (and record id) distinct."""
    seeds = seed_texts()
    seed = seeds[i % len(seeds)]
    seed = seed[: seed.rfind("\n", 0, 1500)] + "\n"
    head, sep, tail = seed.partition("\n\n")
    return (head + sep + f"Дополнение номер {i}: корреспондент уточнил детали события в"
            f" отдельном сообщении {i * 7919 % 100003}.\n\n" + tail)


def article_html(i: int) -> str:
    text = article_text(i)
    title, _, rest = text.partition("\n\n")
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in rest.split("\n\n") if p.strip())
    return (f"<html><head><title>{html.escape(title)}</title></head><body><article>"
            f"<h1>{html.escape(title)}</h1>{paras}</article></body></html>")


def write_warc(path: Path, records: list[Rec], *, gz: str = "member",
               cut_last: int = 0) -> None:
    """``gz``: "member" (one gzip member per record), "whole" (the file gzipped once) or
    "none". ``cut_last``: bytes cut off the end of the file (a truncated last record)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz == "member":
        data = b"".join(gzip.compress(r.data) for r in records)
    elif gz == "whole":
        data = gzip.compress(b"".join(r.data for r in records))
    else:
        data = b"".join(r.data for r in records)
    path.write_bytes(data[: len(data) - cut_last] if cut_last else data)


def article_warc(path: Path, pages: int, *, start: int = 0, gz: str = "member",
                 day: str = "2024-03-15") -> list[str]:
    """A WARC of ``pages`` article pages (HTML, and every fifth text/plain), each after its
    request record; return their source paths (``<name>#<record id>``)."""
    records, names = [], []
    for i in range(start, start + pages):
        uri = f"https://news{i % 3}.example/story/{i}"
        records.append(record("request", f"GET /story/{i} HTTP/1.1\r\n\r\n".encode(), uri=uri,
                              content_type="application/http; msgtype=request"))
        if i % 5:
            rec = response(uri, 200, "text/html; charset=utf-8", article_html(i).encode(),
                           date=f"{day}T08:00:00Z")
        else:  # (seed 0 wrapped in HTML reads as chrome: it goes as text)
            rec = response(uri, 200, "text/plain; charset=utf-8",
                           article_text(i).encode(), date=f"{day}T08:00:00Z")
        records.append(rec)
        names.append(f"{path.name}#{rec.record_id}")
    write_warc(path, records, gz=gz)
    return names
