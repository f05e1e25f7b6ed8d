"""WARC in (#21): a WARC file, or WARC files in the raw folder, read as pages.

Every record is accounted for: a page (a record or a reject), or counted by kind in the
run summary. The WARC files are built by hand here (tests/helpers/warc.py)."""

from __future__ import annotations

import gzip
import json
import logging
import random
import zlib
from datetime import date

import brotli
import pytest
from helpers.accounting import check_consistent, check_exactly_once, current_records
from helpers.archive import make_archive
from helpers.inline import inline_run
from helpers.warc import (
    article_html,
    article_text,
    article_warc,
    record,
    response,
    write_warc,
)

import flows.discover
from cleaners import Limits

log = logging.getLogger("test")


run = inline_run


@pytest.fixture
def settled_at_once(monkeypatch):
    monkeypatch.setattr(flows.discover, "SETTLE_NS", 0)


def chunked(data: bytes, size: int = 100) -> bytes:
    out = b"".join(b"%x\r\n" % len(data[i:i + size]) + data[i:i + size] + b"\r\n"
                   for i in range(0, len(data), size))
    return out + b"0\r\n\r\n"


def mixed_records():
    """One of each kind a crawl writes, and the pages among them; the last is a page."""
    html_cp1251 = article_html(1).replace("utf-8", "windows-1251").encode("cp1251")
    pages = {
        "html": response("https://a.example/1", 200, "text/html; charset=windows-1251",
                         html_cp1251),
        "text": response("https://a.example/2", 200, "text/plain; charset=utf-8",
                         article_text(2).encode()),
        "gzip": response("https://b.example/3", 200, "text/html",
                         chunked(gzip.compress(article_html(3).encode())),
                         "Content-Encoding: gzip", "Transfer-Encoding: chunked"),
        "last": response("https://b.example/4", 200, "text/html", article_html(4).encode()),
    }
    records = [
        record("warcinfo", b"software: hand\r\n", content_type="application/warc-fields"),
        record("request", b"GET /1 HTTP/1.1\r\nHost: a.example\r\n\r\n",
               uri="https://a.example/1", content_type="application/http; msgtype=request"),
        pages["html"],
        pages["text"],
        response("https://a.example/p.jpg", 200, "image/jpeg", b"\xff\xd8\xff\xe0" + b"0" * 50),
        response("https://a.example/gone", 404, "text/html", b"<html>not found</html>"),
        record("revisit", http_head := b"HTTP/1.1 304 Not Modified\r\n\r\n",
               uri="https://a.example/1", extra=(
                   "WARC-Profile: http://netpreserve.org/warc/1.0/revisit/identical-payload"
                   "-digest",)),
        record("metadata", b"outlinks: https://a.example/2\r\n", uri="https://a.example/1",
               content_type="application/warc-fields"),
        pages["gzip"],
        pages["last"],
    ]
    assert http_head
    return records, pages


COUNTED = {"warcinfo": 1, "request": 1, "response_not_html": 1, "response_not_200": 1,
           "revisit": 1, "metadata": 1}


@pytest.mark.parametrize("gz,cut,name", [("member", 60, "crawl.warc.gz"),
                                         ("none", 60, "crawl.warc"),
                                         ("whole", 0, "crawl.warc.gz")])
def test_every_record_of_a_warc_is_accounted_for(tmp_path, settled_at_once, gz, cut, name):
    records, pages = mixed_records()
    warc = tmp_path / name
    write_warc(warc, records, gz=gz, cut_last=cut)
    out = tmp_path / "clean"
    summary = run(warc, out)  # --raw is the WARC file itself
    assert summary.status == "completed"
    assert summary.warc_records == COUNTED
    assert summary.pages_seen == 4
    current = current_records(out)
    paths = {k: f"{name}#{r.record_id}" for k, r in pages.items()}
    for key in ("html", "text", "gzip"):
        article = current[paths[key]]
        assert "text" in article, article
        assert article["fetched_at"].startswith("2024-03-15T10:00:00")
    assert current[paths["html"]]["url"] == "https://a.example/1"
    assert "Дополнение номер 1" in current[paths["html"]]["text"]  # cp1251 per its header
    assert "Дополнение номер 3" in current[paths["gzip"]]["text"]  # un-chunked, gunzipped
    if cut:
        assert current[paths["last"]]["reason"] == "unreadable"
        assert "truncated" in current[paths["last"]]["detail"] or \
            "corrupt" in current[paths["last"]]["detail"]
        assert summary.rejects_by_reason == {"unreadable": 1} and summary.records == 3
    else:
        assert summary.records == 4
    again = run(warc, out)  # a rerun cleans nothing new, rejects included
    assert again.processed == 0 and again.skipped == 4 and again.warc_records == COUNTED
    markdown = summary.to_markdown()
    assert "WARC records that are no page" in markdown and "`revisit` | 1" in markdown
    assert "revisit 1" in summary.to_text()


def test_warc_files_in_a_raw_folder_beside_pages(tmp_path):
    raw = tmp_path / "raw"
    files = make_archive(raw, 3, short=True)
    warc_pages = [f"site0/{p}" for p in article_warc(raw / "site0" / "a.warc.gz", 4)]
    warc_pages += article_warc(raw / "b.warc", 2, start=10, gz="none")
    out = tmp_path / "clean"
    summary = run(raw, out, batch_size=2)
    assert summary.pages_seen == 9 and summary.records == 9
    assert summary.warc_records == {"request": 6}
    check_exactly_once(out, files + warc_pages)
    current = current_records(out)
    first = current[warc_pages[0]]
    assert first["url"] == "https://news0.example/story/0" and first["site"] == "news0.example"


def test_since_until_filter_warc_pages_on_warc_date(tmp_path):
    raw = tmp_path / "raw"
    march = article_warc(raw / "march.warc.gz", 2, day="2024-03-15")
    april = article_warc(raw / "april.warc.gz", 2, start=5, day="2024-04-20")
    out = tmp_path / "clean"
    summary = run(raw, out, since=date(2024, 4, 1), until=date(2024, 4, 30))
    assert summary.records == 2 and summary.out_of_range == 2
    assert set(current_records(out)) == set(april)
    summary = run(raw, out, until=date(2024, 3, 15))
    assert summary.records == 2
    check_exactly_once(out, march + april)


def test_a_warc_the_state_knows_is_skipped_record_by_record(tmp_path, settled_at_once):
    """Records already cleaned are known by <file>#<record id>: after a new record is
    added to the file (its stat moves), only the new one is cleaned."""
    warc = tmp_path / "raw" / "grow.warc"
    records = [response(f"https://c.example/{i}", 200, "text/plain", article_text(i).encode())
               for i in range(3)]
    write_warc(warc, records, gz="none")
    out = tmp_path / "clean"
    assert run(warc.parent, out).records == 3
    records.append(response("https://c.example/9", 200, "text/plain",
                            article_text(9).encode()))
    write_warc(warc, records, gz="none")
    after = run(warc.parent, out)
    assert after.records == 1 and after.skipped == 3
    check_exactly_once(out, [f"grow.warc#{r.record_id}" for r in records])


def test_winnow_run_with_a_warc_file_as_raw(prefect_server, tmp_path, capsys):
    from flows.cli import main

    warc = tmp_path / "crawl.warc.gz"
    names = article_warc(warc, 3)
    out = tmp_path / "clean"
    assert main(["run", "--raw", str(warc), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "3 records" in text and "WARC records that are no page: request 3" in text
    check_exactly_once(out, names)
    [summary] = [json.loads(p.read_text()) for p in (out / "_state" / "runs").glob("*.json")]
    assert summary["warc_records"] == {"request": 3}


def test_winnow_backfill_since_until_on_warc_date(prefect_server, tmp_path, capsys):
    from flows.cli import main

    raw = tmp_path / "raw"
    article_warc(raw / "march.warc.gz", 2, day="2024-03-15")
    april = article_warc(raw / "april.warc", 3, start=5, day="2024-04-20", gz="none")
    out = tmp_path / "clean"
    assert main(["backfill", "--raw", str(raw), "--out", str(out), "--since", "2024-04-01",
                 "--until", "2024-04-30"]) == 0
    assert "3 records" in capsys.readouterr().out
    assert set(current_records(out)) == set(april)


def test_kill_minus_9_with_a_warc_as_input(tmp_path):
    """The kill test of tests/test_crash.py with WARC files as the archive: every record
    ends exactly once, whatever moment the runs were killed at."""
    from test_crash import KILL_REACH, ForkServer, kill_while_writing, left_to_do, writing_time

    raw = tmp_path / "raw"
    pages = []
    for n in range(3):
        pages += article_warc(raw / f"crawl-{n}.warc.gz", 30, start=30 * n)
    out = tmp_path / "clean"
    rng = random.Random(21)
    server = ForkServer(tmp_path / "fork-server.log")
    try:
        span = writing_time(server.start(raw, tmp_path / "probe"), tmp_path / "probe")
        outcomes = []
        complete = False
        for _ in range(8):
            # once the output is complete, reprocess runs (a new version built beside the
            # live one, resumed when killed): there is always work to be killed in
            args = ("--reprocess",) if complete else ()
            share = left_to_do(out, len(pages), complete)  # a resumed run writes for less
            proc = server.start(raw, out, *args)
            outcome, wrote = kill_while_writing(proc, out,
                                                rng.uniform(0.0, KILL_REACH * span * share))
            outcomes.append(outcome)
            if outcome == "finished":
                # runs write faster now than the probe did (the machine's load comes and
                # goes): draw the next kills from what this one took, as test_crash does
                span = min(span, wrote / share)
            check_consistent(out)
            if outcome != "killed":
                complete = True
                check_exactly_once(out, pages)
        for args in (("--reprocess",), ()):
            done = server.start(raw, out, *args)
            assert done.wait() == 0, done.communicate()[0]
            check_exactly_once(out, pages)
    finally:
        server.close()
    assert outcomes.count("killed") >= 4, outcomes


@pytest.mark.parametrize("bad", [b"\x1f\x8b\x08" + b"\x00" * 40, b"not a gzip member at all",
                                 "cut"])
def test_a_corrupt_member_mid_file_is_a_reject_and_the_rest_is_read(tmp_path, bad):
    records = [response(f"https://d.example/{i}", 200, "text/plain", article_text(i).encode())
               for i in range(5)]
    members = [gzip.compress(r.data) for r in records]
    if bad == "cut":
        bad = members[2][: len(members[2]) // 2]
    warc = tmp_path / "raw" / "mid.warc.gz"
    warc.parent.mkdir()
    warc.write_bytes(b"".join(members[:2]) + bad + b"".join(members[3:]))
    out = tmp_path / "clean"
    summary = run(warc.parent, out)
    current = current_records(out)
    assert summary.records == 4 and summary.rejects_by_reason == {"unreadable": 1}
    assert {f"mid.warc.gz#{r.record_id}" for i, r in enumerate(records) if i != 2} <= set(
        current)
    [reject] = [r for r in current.values() if "reason" in r]
    # named after the last record read before it, and said so: the stretch is past it
    assert reject["source_path"] == f"mid.warc.gz#@{len(members[0])}"
    assert f"corrupt stretch of the WARC file after the record at offset {len(members[0])}" \
        in reject["detail"]


def test_site_learning_reads_warc_pages_too(tmp_path, caplog):
    """A backfill's learning pass (--learn-sites) learns WARC pages' lines under the site
    of their WARC-Target-URI, then cleans them."""
    from flows.sitestats_store import SiteStatsStore

    raw = tmp_path / "raw"
    names = article_warc(raw / "crawl.warc.gz", 6)
    out = tmp_path / "clean"
    with caplog.at_level(logging.INFO, logger="test"):
        summary = run(raw, out, learn_sites=True)
    assert summary.records == 6
    assert "learned the lines of 6 pages over 3 sites" in caplog.text
    with SiteStatsStore(out) as sites:
        assert set(sites.sites()) == {"news0.example", "news1.example", "news2.example"}
    check_exactly_once(out, names)


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-15)
    return packer.compress(data) + packer.flush()


ENCODINGS = {  # Content-Encoding header -> how the body was packed
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "GZip": gzip.compress,  # header values are read without regard to case
    "deflate": zlib.compress,  # deflate as RFC 9110 means it: zlib-wrapped
    "Deflate": _raw_deflate,  # and as some servers send it: raw
    "br": brotli.compress,
}


@pytest.mark.parametrize("coding", list(ENCODINGS))
def test_each_content_encoding_of_a_response_is_undone(tmp_path, coding):
    body = ENCODINGS[coding](article_html(7).encode())
    write_warc(tmp_path / "raw" / "enc.warc", [response(
        "https://e.example/7", 200, "text/html", body, f"Content-Encoding: {coding}")])
    summary = run(tmp_path / "raw", tmp_path / "clean")
    [page] = current_records(tmp_path / "clean").values()
    assert summary.records == 1, page
    assert "Дополнение номер 7" in page["text"]


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_body_that_is_not_what_its_encoding_says_is_a_bad_gzip_reject(tmp_path, coding):
    garbage = b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4 if coding == "gzip" else \
        bytes(range(255, -1, -1)) * 4
    write_warc(tmp_path / "raw" / "bad.warc", [response(
        "https://e.example/8", 200, "text/html", garbage, f"Content-Encoding: {coding}")])
    summary = run(tmp_path / "raw", tmp_path / "clean")
    [reject] = current_records(tmp_path / "clean").values()
    assert summary.rejects_by_reason == {"bad_gzip": 1}, reject
    assert coding in reject["detail"] or "brotli" in reject["detail"]


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_body_that_expands_past_the_limit_is_too_large(tmp_path, coding):
    bomb = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}[coding](
        b"<p>" + b"a" * 200_000 + b"</p>")
    write_warc(tmp_path / "raw" / "bomb.warc", [response(
        "https://e.example/9", 200, "text/html", bomb, f"Content-Encoding: {coding}")])
    summary = run(tmp_path / "raw", tmp_path / "clean", limits=Limits(max_raw_bytes=100_000))
    [reject] = current_records(tmp_path / "clean").values()
    assert summary.rejects_by_reason == {"too_large": 1}, reject
    assert "100000-byte" in reject["detail"]
