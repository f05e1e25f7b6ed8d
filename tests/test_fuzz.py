"""Fuzzing ``clean_page``: over random bytes and over real pages mutated at random, nothing
escapes but ``Rejected`` (with a known reason and a detail) or a valid record.

``make test`` runs a bounded number of examples (profile ``fuzz-quick``); ``make fuzz``
sets ``WINNOW_FUZZ=fuzz`` for 10,000 per test. A failure prints the shrunk input.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cleaners import REJECT_REASONS, Rejected, clean_page
from schemas.models import ArticleRecord

FIX = Path(__file__).parent / "fixtures"
RAW = Path(__file__).resolve().parent.parent / "raw"

_COMMON = dict(deadline=None, derandomize=False, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz-quick", max_examples=100, **_COMMON)
settings.register_profile("fuzz", max_examples=10_000, **_COMMON)
PROFILE = settings.get_profile(os.environ.get("WINNOW_FUZZ", "fuzz-quick"))

# real pages to mutate: HTML in several encodings, and text dumps
SEEDS = sorted(
    [p for p in (FIX / "html").glob("*.html")]
    + [p for p in RAW.glob("*.txt")]
)
SEED_BYTES = [p.read_bytes() for p in SEEDS]
NAMES = [None, "page.html", "page.txt", "page.html.gz", "page", "feed.xml"]

# fragments that have broken parsers and decoders before
HOSTILE = [
    b"<", b">", b"</", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<?xml version='1.0'?>",
    b"<!DOCTYPE html [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;&a;'>]>", b"&b;", b"&#0;",
    b"&#x110000;", b"&#xD800;", b"&nbsp", b"<script>", b"</script>", b"<style>", b"<pre>",
    b"<table><tr><td>", b"<div>" * 50, b"</div>" * 50, b"<br>" * 20, b"\x00", b"\x00" * 64,
    b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\x1f\x8b", b"%PDF-", b"\x89PNG\r\n\x1a\n",
    b"\r", b"\r\n" * 10, b"\n\n\n", b"\t", b"\x0c", b"\x85", "\u2028".encode(),
    "\u202e".encode(), b"\xed\xa0\x80", b"\xc0\x80", b"\x80\x81\x82", b"\xd0", b"\xd1\x8f",
    b'<meta charset="koi8-r">', b'<meta charset="utf-16">', b'<meta charset="x">',
    b"<h1>", b"</h1>", b"<title>", b"</title>", "Ответ\t".encode(), b"\xe2\x80\x94 ",
    "«Цитата».".encode(), b"<img src=data:,x alt='", b"<a href='javascript:x'>",
    b"<p>" + "Предложение из нескольких слов. ".encode() * 5 + b"</p>",
]


@st.composite
def mutated_page(draw: st.DrawFn) -> bytes:
    """A real page with a few random edits: flips, cuts, hostile inserts, repeats."""
    data = bytearray(draw(st.sampled_from(SEED_BYTES)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "cut", "insert", "random", "repeat", "truncate"]))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 2000))]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(HOSTILE)) * draw(st.integers(1, 3))
        elif op == "random":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 300))] * draw(st.integers(2, 5))
        else:
            del data[at:]
    out = bytes(data)
    if draw(st.integers(0, 9)) == 0:
        out = gzip.compress(out)
    return out


def _clean(data: bytes, name: str | None) -> None:
    try:
        record = clean_page(data, source_path=name)
    except Rejected as exc:
        assert exc.reason in REJECT_REASONS
        assert exc.reason not in ("error", "invalid_record"), exc.detail  # cleaner bugs
        assert exc.detail.strip()
        event(f"reject {exc.reason}")  # the spread shows in --hypothesis-show-statistics
        return
    event("record")
    assert isinstance(record, ArticleRecord)
    assert record.text.strip()


@PROFILE
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_random_bytes_end_as_a_record_or_a_reject(data, name):
    _clean(data, name)


@PROFILE
@given(data=mutated_page(), name=st.sampled_from(NAMES))
def test_mutated_real_pages_end_as_a_record_or_a_reject(data, name):
    _clean(data, name)
