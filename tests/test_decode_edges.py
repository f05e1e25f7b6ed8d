"""Decoding at its edges: gzip members and limits, binary kinds, what each reject says,
the caller's hint and the page's declaration where detection alone goes wrong, the format
sniff at its thresholds, and the mojibake tells at theirs.

Written against the mutants of ``cleaners/decode/decoder.py`` that survived the older
tests (bench/mutation.md): each test pins a behaviour with values worked out by hand.
"""

from __future__ import annotations

import codecs
import gzip
import tracemalloc
import zlib

import pytest

from cleaners.decode import decode_page, mojibake_kind
from cleaners.decode.decoder import _drop_code, _visible
from cleaners.errors import Rejected


def _reject(data: bytes, **kw) -> Rejected:
    with pytest.raises(Rejected) as exc:
        decode_page(data, **kw)
    return exc.value


# ------------------------------------------------------------------------- gzip


def test_gzip_exactly_at_the_limit_passes_and_one_byte_over_is_too_large() -> None:
    page = b"<p>" + b"a" * 994 + b"</p>"  # 1001 bytes
    assert decode_page(gzip.compress(page), filename="p.html.gz",
                       max_decompressed_bytes=1001).text == page.decode()
    exc = _reject(gzip.compress(page), filename="p.html.gz", max_decompressed_bytes=1000)
    assert exc.reason == "too_large"
    size = len(gzip.compress(page))
    assert exc.detail == (f"{size} bytes of gzip that decompress past the 1000-byte limit"
                          " (max_decompressed_bytes): a gzip bomb, or far more than a page")


def test_a_gzip_bomb_is_stopped_without_inflating_it() -> None:
    """The limit bounds what is decompressed, not only what is kept: 64 MB of zeros
    (64 KB of gzip) refused at a 1 MB limit never takes 64 MB of memory."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\x00" * (1 << 20)
    bomb = b"".join(packer.compress(chunk) for _ in range(64)) + packer.flush()
    tracemalloc.start()
    try:
        exc = _reject(bomb, filename="p.html.gz", max_decompressed_bytes=1 << 20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exc.reason == "too_large"
    assert peak < 16 << 20


def test_no_limit_still_decompresses() -> None:
    page = b"<p>" + b"b" * 5000 + b"</p>"
    assert decode_page(gzip.compress(page), filename="p.html.gz",
                       max_decompressed_bytes=None).text == page.decode()


def test_every_gzip_member_is_kept_with_nul_padding_between_them() -> None:
    first, second = b"<p>first part of the page</p>", b"<p>second part of it</p>"
    joined = gzip.compress(first) + gzip.compress(second)
    assert decode_page(joined, filename="p.html.gz").text == (first + second).decode()
    padded = gzip.compress(first) + b"\x00" * 16 + gzip.compress(second)
    assert decode_page(padded, filename="p.html.gz").text == (first + second).decode()


def test_garbage_after_the_last_member_is_dropped_not_fatal() -> None:
    page = b"<p>the whole story is here</p>"
    data = gzip.compress(page) + b"trailing junk from the server"
    assert decode_page(data, filename="p.html.gz").text == page.decode()


def test_a_corrupt_gzip_body_says_so() -> None:
    corrupt = gzip.compress(b"x" * 100, mtime=0)[:10] + b"\xff" * 40
    exc = _reject(corrupt, filename="p.html.gz")
    assert exc.reason == "bad_gzip"
    assert exc.detail.startswith("not valid gzip data: ")
    cut = gzip.compress(b"<p>x</p>" * 99, mtime=0)[:30]
    assert _reject(cut, filename="p.html.gz").detail == "gzip stream is truncated"
    assert _reject(b"<html>not gzip</html>", filename="p.html.gz").detail == \
        "named .gz but does not start with the gzip magic bytes"


# -------------------------------------------------------------- empty and binary


def test_each_empty_reject_says_what_the_file_held() -> None:
    assert _reject(b"", filename="a.html").detail == \
        "the file has no bytes (0 bytes): the fetcher saved nothing"
    assert _reject(b" \t\n", filename="a.html").detail == \
        "the file holds 3 bytes of whitespace only, no text"
    assert _reject(b" \x00 ", filename="a.html").detail == \
        "the file holds 3 bytes of NUL bytes only, no text"
    assert _reject(b"\xff\xfe \x00\n\x00", filename="a.html").detail == \
        "the file decodes to whitespace only"


def test_two_letters_are_a_page() -> None:
    assert decode_page(b"XX", filename="a.txt").text == "XX"


@pytest.mark.parametrize(("head", "kind"), [
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "RIFF media"),
    (b"RIFF\x10\x00\x00\x00WAVEfmt ", "RIFF media"),
    (b"RIFF\x10\x00\x00\x00AVI LIST", "RIFF media"),
    (b"\x00\x00\x00\x18ftypmp42", "MP4/MOV media"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
])
def test_binary_kinds_are_named(head, kind) -> None:
    # text after the magic: only the magic makes it binary
    exc = _reject(head + b" some text that follows" * 4, filename="a.html")
    assert exc.reason == "binary"
    assert exc.detail == f"the file is a {kind}, not a page"


def test_a_text_with_a_riff_word_in_the_riff_place_is_text() -> None:
    text = b"Weather WAVE of heat hits the coast again this week"
    assert text[8:12] == b"WAVE"
    assert decode_page(text, filename="a.txt").text == text.decode()


def test_control_bytes_reject_at_over_five_percent_even_after_a_utf8_bom() -> None:
    five = b"a" * 95 + b"\x01" * 5  # exactly 5 %: kept
    assert decode_page(five, filename="a.txt").text == five.decode()
    six = b"a" * 94 + b"\x01" * 6
    exc = _reject(six, filename="a.txt")
    assert exc.detail == "the file is mostly control bytes: binary data, not a page"
    # a UTF-8 BOM is no UTF-16 page, whose NULs would excuse the control bytes
    assert _reject(codecs.BOM_UTF8 + six, filename="a.txt").reason == "binary"


def test_nul_characters_inside_text_are_dropped() -> None:
    data = b"ab\x00cd" + b" and more words" * 4  # one NUL in 64 bytes: no binary
    assert decode_page(data, filename="a.txt").text == "abcd" + " and more words" * 4


# --------------------------------------------------------- hint and declaration


def test_a_hint_decides_a_short_text_that_detection_misreads() -> None:
    """Turkish "nasılsın" in cp1254 reads as well, letter for letter, as cp1252's
    "nasýlsýn": no shape tells them apart (short_text.py), so the sidecar's charset,
    named by any WHATWG label, decides."""
    text = "Merhaba dünya, nasılsın?"
    data = text.encode("cp1254")
    assert decode_page(data, filename="a.txt").text != text  # why a hint matters
    d = decode_page(data, filename="a.txt", encoding="windows-1254")
    assert (d.text, d.encoding) == (text, "cp1254")
    d = decode_page("Привет мир".encode("cp1251"), filename="a.txt", encoding="windows-1251")
    assert (d.text, d.encoding) == ("Привет мир", "cp1251")


def test_a_utf8_hint_drops_the_bom() -> None:
    d = decode_page(codecs.BOM_UTF8 + "Привет мир".encode(), filename="a.txt",
                    encoding="utf-8")
    assert (d.text, d.encoding) == ("Привет мир", "utf-8")


def test_a_utf16_hint_is_checked_against_the_bytes() -> None:
    """Python's "utf-16" without a BOM reads little-endian: a big-endian page with a bare
    "utf-16" hint is given its byte order by the NUL pattern, not garbled."""
    text = "Hello world and more"
    d = decode_page(text.encode("utf-16-be"), filename="a.txt", encoding="utf-16")
    assert (d.text, d.encoding) == (text, "utf-16-be")
    d = decode_page(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), filename="a.txt",
                    encoding="UTF-16LE")
    assert (d.text, d.encoding) == (text, "utf-16-le")


def test_a_false_utf8_bom_falls_through_to_the_other_steps() -> None:
    d = decode_page(codecs.BOM_UTF8 + "Привет всем друзьям".encode("cp1251"), filename="a.txt")
    assert "Привет всем друзьям" in d.text and d.encoding == "cp1251"


def test_the_page_declaration_decides_what_detection_misreads() -> None:
    body = "Merhaba dünya, nasılsın?".encode("cp1254")
    head = b'<html><head><meta charset="windows-1254"></head><body>'
    assert "nasılsın" not in decode_page(body, filename="a.txt").text  # detection alone
    d = decode_page(head + body, filename="a.html")
    assert "Merhaba dünya, nasılsın?" in d.text and d.encoding == "cp1254"


def test_an_ascii_page_keeps_its_declared_charset() -> None:
    page = b'<html><head><meta charset="windows-1251"></head><body><p>Hi</p></body></html>'
    assert decode_page(page, filename="a.html").encoding == "cp1251"


def test_a_page_claiming_utf16_in_ascii_bytes_is_read_as_utf8() -> None:
    page = b'<html><head><meta charset="utf-16"></head><body><p>Hello world</p></body></html>'
    d = decode_page(page, filename="a.html")
    assert d.text == page.decode() and d.encoding == "utf-8"


def test_undefined_cp1252_bytes_pass_through_as_c1() -> None:
    d = decode_page(b"caf\xe9 \x81 and more text here", filename="a.txt",
                    encoding="windows-1252")
    assert (d.text, d.encoding) == ("caf\u00e9 \x81 and more text here", "cp1252")


def test_utf16_without_bom_from_eight_characters() -> None:
    d = decode_page("Hi there".encode("utf-16-le"), filename="a.txt")
    assert (d.text, d.encoding) == ("Hi there", "utf-16-le")


# ------------------------------------------------------------------------ format


def test_a_text_file_quoting_tags_stays_text_and_so_does_it_gzipped() -> None:
    """Named .txt, four block tags but no document marker: the name is believed (as
    .txt.gz too); unnamed, the same text sniffs as HTML."""
    dump = b"How to write a list: <ul> <li>one</li> <li>two</li> </ul> and so on."
    assert decode_page(dump, filename="notes.txt").input_format == "text"
    assert decode_page(gzip.compress(dump), filename="notes.txt.gz").input_format == "text"
    assert decode_page(dump).input_format == "html"


def test_four_block_tags_make_html_and_three_do_not() -> None:
    assert decode_page(b"<p>One</p> <p>Two</p>", filename="x").input_format == "html"
    assert decode_page(b"<p>One</p> and two<br>", filename="x").input_format == "text"


def test_a_feed_is_rejected_with_its_reason() -> None:
    exc = _reject(b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>')
    assert (exc.reason, exc.detail) == ("unsupported_type",
                                        "an RSS/Atom feed or SVG image, not a page")


# -------------------------------------------------------------- visible text


def test_code_blocks_are_dropped_in_any_case_and_each_one_alone() -> None:
    assert _drop_code("a<script>x</script>b") == "a b"
    assert _drop_code("<script>x</script>after") == " after"
    assert _drop_code("a<SCRIPT>x</ScRiPt >b<style>p{}</style>c") == "a b c"
    assert _drop_code("a<script>never closed") == "a"
    assert _drop_code("a<script>x</script") == "a "
    assert _drop_code("no code here") == "no code here"


def test_visible_text_loses_tags_and_entities() -> None:
    assert _visible("a &amp; b").split() == ["a", "b"]
    assert _visible("a <i>b</i>").split() == ["a", "b"]
    assert _visible("plain words").split() == ["plain", "words"]


# ---------------------------------------------------------------- mojibake tells

_GREEK = " λόγος"  # one word of another script: the text is judged word by word


def test_five_flipped_words_are_enough_and_a_fifth_of_them_is_not() -> None:
    flipped = "дОм кОт сОк лЕс мИр"  # a capital after a lowercase letter in each
    assert mojibake_kind(flipped + _GREEK) == \
        "Cyrillic words with their case flipped (KOI8-R and cp1251 mixed up)"
    assert mojibake_kind("дОм кОт сОк лЕс" + _GREEK) is None  # four words: too few to judge
    plain = "дома окно вода река небо поле мост гора"
    assert mojibake_kind("дОм кОт " + plain + _GREEK) is None  # 2 of 10: a fifth
    assert mojibake_kind("дОм " + "окно вода река небо поле" + _GREEK) is None  # 1 of 6


def test_capitals_before_lowercase_are_no_flip() -> None:
    # "МВДшник": an abbreviation with a suffix has no lowercase letter before a capital
    text = "МВДшник ЦБшный СМИшка ВУЗовский ГИБДДшник" + _GREEK
    assert mojibake_kind(text) is None


def test_title_case_text_is_no_one_case_mojibake() -> None:
    headline = "Москва Сегодня Объявила Новые Меры Поддержки Жителей" + _GREEK
    assert mojibake_kind(headline) is None


@pytest.mark.parametrize(("text", "kind"), [
    ("Ïðèâåò äðóçüÿ ìîè äîðîãèå ëþäè", "Latin words made of accented letters"
     " (Cyrillic read as Latin-1)"),
    ("café résumé naïve déjà Ïðèâåò", None),  # one word of five mostly accented
    ("piñón piñón piñón piñón piñón", None),  # two accented letters of five
    ("ñoño ñoño ñoño ñoño ñoño", None),  # exactly half: not mostly
    ("Ïðèâåò äðóçüÿ ìîè café résumé naïve déjà piñón señor años", None),  # 3 of 10
])
def test_latin_words_mostly_accented(text, kind) -> None:
    assert mojibake_kind(text) == kind


def test_a_few_replacement_characters_scale_with_the_length() -> None:
    # 1,500 characters allow three (1500 // 500), four are too many
    base = "λόγος " * 250
    assert mojibake_kind(base[:-3] + "\ufffd" * 3) is None
    assert mojibake_kind(base[:-4] + "\ufffd" * 4) == "replacement characters or C1 controls"


def test_the_mojibake_reject_quotes_the_start_of_the_visible_text() -> None:
    garbled = "Ïðèâåò äðóçüÿ ìîè äîðîãèå ëþäè " * 5  # "Привет друзья..." read as Latin-1
    exc = _reject(f"<p>\n{garbled}</p>".encode(), filename="dump.txt")
    sample = "Ïðèâåò äðóçüÿ ìîè äîðîãèå ëþäè Ïðèâåò äðóçüÿ ìîè äîðîãèå ëþä"
    assert len(sample) == 60
    assert exc.detail == (
        "decoded as utf-8, the text is still mojibake (Latin words made of accented letters"
        f" (Cyrillic read as Latin-1): {sample!r}) and ftfy cannot repair it; if the page was"
        " saved already garbled, fetch it again, else give its charset as \"encoding\" in its"
        " sidecar")


# ------------------------------------------------------------------- the helpers


def test_charset_labels_are_folded_the_whatwg_way() -> None:
    from cleaners.decode.decoder import _norm_label

    assert _norm_label('"KOI8-R"') == "koi8-r"  # quoted, as some headers give it
    assert _norm_label("X-MAC-CYRILLIC") == "mac-cyrillic"
    assert _norm_label("iso-8859-1") == "cp1252"  # WHATWG: Latin-1 labels mean cp1252
    assert _norm_label("no-such-charset") is None


def test_the_vowel_share_of_one_letter() -> None:
    from cleaners.decode.decoder import _vowel_share

    assert _vowel_share("а") == 1.0 and _vowel_share("б") == 0.0


def test_a_third_of_vowels_reads_as_text() -> None:
    from cleaners.decode.decoder import _reads_as_text

    assert _reads_as_text("а" * 33 + "б" * 67)  # 0.33, the bar itself
    assert not _reads_as_text("а" * 32 + "б" * 68)


def test_a_utf8_pair_in_plain_text_is_no_fast_pass() -> None:
    from cleaners.decode.decoder import _reads_as_text

    assert not _reads_as_text("Картина Рёриха висит в музее")  # "Рё": UTF-8 read as cp1251


def test_the_utf8_pair_is_found_at_any_of_several_letters() -> None:
    from cleaners.decode.decoder import _has_utf8_pair

    assert _has_utf8_pair("РЂ Рим")  # the first Р of two
    assert _has_utf8_pair("Рим РЂ Рим")  # the middle one of three
    assert not _has_utf8_pair("XЂ Рим")  # only Р and С open a pair


def test_the_word_at_a_position() -> None:
    from cleaners.decode.decoder import _word_at

    assert _word_at("абВ", 2) == "абВ"
    assert _word_at("абв гдЕж", 6) == "гдЕж"
    assert _word_at("x, абвГд", 7) == "абвГд"


def test_the_frequent_share_counts_non_ascii_letters_by_lead_byte() -> None:
    from cleaners.decode.decoder import _frequent_share

    # 啊 (B0A1) and 座 (D7F9) open and close GB2312 level 1; 丂 (8140) is outside it
    assert _frequent_share("<p>啊座丂</p> abc，", "gb18030") == pytest.approx(2 / 3)
    assert _frequent_share("only ascii", "gb18030") == 0.0
