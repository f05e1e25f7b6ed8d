"""Decoding: charsets (declared, lying, undeclared), BOMs, UTF-16 without BOM, rejects."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from cleaners.decode import decode_page, looks_like_text
from cleaners.errors import Rejected

FIX = Path(__file__).parent / "fixtures" / "html"
HEADLINE = "В Краснодаре ребенок умер от последствий бешенства"
LAST_WORDS = "Всего к настоящему времени в мире известно"


def _decode(name: str, **kw):
    return decode_page((FIX / name).read_bytes(), filename=name, **kw)


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("medportal_utf8.html", "utf-8"),
        ("medportal_cp1251.html", "cp1251"),
        ("medportal_koi8r.html", "koi8-r"),
        ("medportal_utf16le_bom.html", "utf-16-le"),
        ("medportal_utf16be_bom.html", "utf-16-be"),
        ("medportal_utf16le.html", "utf-16-le"),
        ("medportal_utf16be.html", "utf-16-be"),
    ],
)
def test_real_page_in_each_encoding(name, encoding):
    d = _decode(name)
    assert d.encoding == encoding
    assert d.input_format == "html"
    assert HEADLINE in d.text and LAST_WORDS in d.text
    assert not d.text.startswith("\ufeff")


@pytest.mark.parametrize(
    ("name", "actual"),
    [
        ("medportal_koi8r_says_cp1251.html", "koi8-r"),  # both decode; only one reads as text
        ("medportal_cp1251_says_utf8.html", "cp1251"),  # the claim fails strict decoding
        ("medportal_utf8_says_cp1251.html", "utf-8"),  # valid UTF-8 beats a legacy claim
    ],
)
def test_lying_meta_charset_is_not_trusted(name, actual):
    d = _decode(name)
    assert d.encoding == actual
    assert HEADLINE in d.text


def test_caller_hint_wins_when_it_holds_up():
    data = (FIX / "medportal_koi8r.html").read_bytes()
    assert decode_page(data, filename="x.html", encoding="koi8-r").encoding == "koi8-r"
    # a wrong hint (cp1251 for KOI8-R bytes) is checked and dropped, not obeyed
    d = decode_page(data, filename="x.html", encoding="windows-1251")
    assert d.encoding == "koi8-r" and HEADLINE in d.text


def test_undeclared_cyrillic_is_detected():
    text = (FIX / "medportal_utf8.html").read_text(encoding="utf-8")
    text = text.replace("charset=utf-8", "")
    for codec in ("cp1251", "koi8-r"):
        d = decode_page(text.encode(codec, "xmlcharrefreplace"), filename="a.html")
        assert HEADLINE in d.text, codec


def test_mojibake_is_recognised():
    good = "Шестилетний мальчик из проживающей в Сухуми цыганской семьи поступил в больницу"
    assert looks_like_text(good)
    assert not looks_like_text(good.encode("koi8-r").decode("cp1251"))
    assert not looks_like_text(good.encode("cp1251").decode("latin-1"))
    assert not looks_like_text(good.encode("utf-8").decode("cp1251"))


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        bytes(range(256)) * 4,  # no magic, but control bytes throughout
    ],
)
def test_binary_named_html_is_rejected(data):
    with pytest.raises(Rejected) as exc:
        decode_page(data, filename="page.html")
    assert exc.value.reason == "binary"


@pytest.mark.parametrize("data", [b"", b"   \n\t  ", b"\x00\x00\x00", b"\xff\xfe \x00\n\x00"])
def test_empty_is_rejected(data):
    with pytest.raises(Rejected) as exc:
        decode_page(data, filename="page.html")
    assert exc.value.reason == "empty"


def test_gzip_is_decompressed_within_a_limit():
    page = (FIX / "medportal_utf8.html").read_bytes()
    assert HEADLINE in decode_page(gzip.compress(page), filename="p.html.gz").text
    with pytest.raises(Rejected) as exc:
        decode_page(gzip.compress(page * 50), filename="p.html.gz",
                    max_decompressed_bytes=len(page) * 10)
    assert exc.value.reason == "too_large"


# ids by name: a gzip's bytes hold its time, and xdist's workers must collect one set of ids
@pytest.mark.parametrize("data", [b"<html>not gzip</html>",
                                  gzip.compress(b"<p>x</p>" * 99, mtime=0)[:30]],
                         ids=["not_gzip", "cut"])
def test_bad_gzip_is_rejected(data):
    with pytest.raises(Rejected) as exc:
        decode_page(data, filename="p.html.gz")
    assert exc.value.reason == "bad_gzip"


def test_format_is_sniffed_for_unknown_names():
    html = (FIX / "medportal_utf8.html").read_bytes()
    assert decode_page(html, filename="page.dat").input_format == "html"
    assert decode_page(html).input_format == "html"
    text = "Заголовок\n\nПервый абзац статьи. Второй абзац.\n".encode()
    assert decode_page(text, filename="page").input_format == "text"
    # a whole HTML document saved under a .txt name is still HTML (its markers say so)
    assert decode_page(html, filename="page.txt").input_format == "html"


def test_a_text_dump_named_html_goes_to_the_text_front_end():
    """#22: a page saved as text under a .html name came out as one junk HTML block."""
    dump = ("Главная | Новости | Спорт\n\nЗаголовок статьи о погоде\n\n"
            "Синоптики обещают тёплую погоду до конца недели. Ночью возможен дождь.\n"
            "Об этом сообщили в гидрометцентре во вторник.\n").encode()
    assert decode_page(dump, filename="page.html").input_format == "text"
    fragment = b"<p>One short story paragraph.</p><p>Another.</p><div>x</div><br>"
    assert decode_page(fragment, filename="page.html").input_format == "html"


def test_feed_is_unsupported():
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    with pytest.raises(Rejected) as exc:
        decode_page(feed, filename="feed")
    assert exc.value.reason == "unsupported_type"


STORY = ("Шестилетний мальчик из проживающей в Сухуми цыганской семьи поступил в больницу"
         " с признаками бешенства. Врачи сделали всё возможное, но спасти ребёнка не удалось.")


def test_a_dump_saved_as_mojibake_is_repaired_by_ftfy():
    garbled = STORY.encode("utf-8").decode("cp1251")  # "РЁРµСЃС‚..." saved as UTF-8
    d = decode_page(garbled.encode("utf-8"), filename="dump.txt")
    assert d.text == STORY
    assert d.encoding == "utf-8+ftfy"


@pytest.mark.parametrize(
    ("garble", "tell"),
    [
        (lambda s: s.encode("koi8-r").decode("cp1251"), "KOI8-R and cp1251 mixed up"),
        (lambda s: s.encode("cp1251").decode("latin-1"), "accented letters"),
    ],
)
def test_mojibake_ftfy_cannot_repair_is_undecodable(garble, tell):
    with pytest.raises(Rejected) as exc:
        decode_page(garble(STORY).encode("utf-8"), filename="dump.txt")
    assert exc.value.reason == "undecodable"
    assert tell in exc.value.detail and "fetch it again" in exc.value.detail


def test_a_text_in_capitals_garbled_into_lowercase_is_mojibake():
    """#23: every KOI8-R/cp1251 sample had capitalised words, so the case-flip check
    always fired; a text in capitals read the wrong way comes out all lowercase, and
    passed as text. Its few vowels give it away, as they do for the capitals."""
    telegram = STORY.upper()
    for garbled in (telegram.encode("koi8-r").decode("cp1251"),
                    STORY.lower().encode("koi8-r").decode("cp1251")):
        with pytest.raises(Rejected) as exc:
            decode_page(garbled.encode("utf-8"), filename="dump.txt")
        assert "one case with too few vowels" in exc.value.detail
    assert decode_page(STORY.lower().encode("utf-8"), filename="dump.txt").text == STORY.lower()
    assert decode_page(telegram.encode("utf-8"), filename="dump.txt").text == telegram


def test_short_lowercase_text_poor_in_vowels_is_text():
    """Lowercase is the rule in prose: few vowels alone do not make it mojibake (one
    short paragraph repeated has a third of its letters vowels); the swap's rare
    letters must be there too."""
    page = ("<p>Текст абзаца здесь.</p>" * 300).encode()
    assert "Текст абзаца здесь." in decode_page(page, filename="a.html").text


def test_a_text_with_a_third_of_its_words_capitalised_garbled_either_way_is_mojibake():
    """Names and places capitalise a third of the words of this text; read the wrong
    way, each of them has its case flipped inside ("нЙОЙУФТ") while the rest change case
    whole, so neither one case nor few vowels tell: the flipped words do (over a fifth
    of them, where a real text has almost none)."""
    names = ("Жители Москвы, Казани и Самары ждут весну. Синоптики Гидрометцентра обещают"
             " тепло уже в марте, сообщил Роман Вильфанд. ") * 3
    for garbled in (names.encode("koi8-r").decode("cp1251"),
                    names.encode("cp1251").decode("koi8-r")):
        with pytest.raises(Rejected) as exc:
            decode_page(garbled.encode("utf-8"), filename="dump.txt")
        assert "case flipped" in exc.value.detail


def test_text_in_capitals_and_other_scripts_is_not_mojibake():
    caps = "СРОЧНО. ПРАВИТЕЛЬСТВО ОБЪЯВИЛО О НОВЫХ МЕРАХ ПОДДЕРЖКИ ЖИТЕЛЕЙ РЕГИОНА СЕГОДНЯ."
    assert decode_page(caps.encode("utf-8"), filename="a.txt").text == caps
    korean = "엘제이 류화영 진흙탕 싸움, 공적인 사안으로 봐야하는 이유 드라마 예능 영화 뉴스"
    assert decode_page(korean.encode("utf-8"), filename="a.txt").text == korean


@pytest.mark.parametrize("garble", [
    lambda t: t,
    lambda t: t.encode("koi8-r").decode("cp1251"),
    lambda t: t.encode("utf-8").decode("cp1251"),
    lambda t: t.swapcase(),
])
def test_plain_text_and_text_with_another_script_get_the_same_verdict(garble) -> None:
    # plain text (ASCII and Cyrillic letters only) has its words found by a cheaper
    # pattern; one Greek word sends the same text down the general path
    from cleaners.decode import mojibake_kind

    text = garble("Министерство финансов России сообщило во вторник, что бюджет страны "
                  "исполнен с профицитом, несмотря на падение цен на нефть и газ. ") * 3
    assert mojibake_kind(text) == mojibake_kind(text + " λόγος")


@pytest.mark.parametrize("bad", ["\ufffd", "\x97", "\x80"])
def test_replacement_characters_and_c1_controls_are_mojibake_in_any_text(bad) -> None:
    # plain text skips counting them, so plain text must never hold one
    from cleaners.decode import mojibake_kind
    from cleaners.words.features import not_plain

    text = ("Министерство финансов России сообщило во вторник, что бюджет исполнен" + bad) * 6
    assert not_plain(bad)
    assert mojibake_kind(text) == "replacement characters or C1 controls"
    assert mojibake_kind(text.replace(bad, " ", 3)) == "replacement characters or C1 controls"
    assert mojibake_kind(text.replace(bad, " ", 4)) is None  # two are a glitch, not a page


def test_a_latin_brand_with_a_capital_inside_leaves_a_russian_page_on_the_fast_path() -> None:
    from cleaners.decode.decoder import _reads_as_text, mojibake_kind

    text = ("Спутники компании AxelGlobe станут частью группировки, а новый iPhone появится "
            "в продаже весной, сообщили в пресс-службе. ") * 3
    assert _reads_as_text(text) and mojibake_kind(text) is None
    # a Cyrillic word with its case flipped leaves the fast path and is judged word by
    # word: two such words are a typo, a whole text of them a KOI8-R mix-up
    two = text.replace("Спутники компании", "сПУТНИКИ кОМПАНИИ", 1)
    assert not _reads_as_text(two) and mojibake_kind(two) is None
    garbled = text.encode("koi8-r").decode("cp1251")
    assert not _reads_as_text(garbled) and mojibake_kind(garbled) is not None


def test_the_vowel_share_counts_in_any_case_and_past_signs_cp1251_lacks() -> None:
    from cleaners.decode.decoder import _vowel_share
    from cleaners.words.features import CYRILLIC_VOWELS as _VOWELS

    text = "Ёлка и ЮЛА, яблоко ☆ Її → Єва; Ѣ ӂ x"
    cyrillic = [c for c in text if "\u0400" <= c <= "\u04ff"]
    assert len(cyrillic) == 21 and sum(c in _VOWELS for c in cyrillic) == 12
    assert _vowel_share(text) == pytest.approx(12 / 21)
    assert _vowel_share("no Cyrillic here") == 0.0


def test_the_utf8_pair_search_finds_what_the_pattern_finds() -> None:
    from cleaners.decode.decoder import _UTF8_PAIR, _has_utf8_pair

    seconds = [chr(c) for c in range(0x20, 0x2200)]
    for first in "РСрсPC":
        for second in seconds:
            for text in (first + second, f"Строка {first}{second} далее", f"… С{first}{second}"):
                assert _has_utf8_pair(text) == (_UTF8_PAIR.search(text) is not None), text
    assert not _has_utf8_pair("ПРИВЕТ С") and not _has_utf8_pair("")
    assert _has_utf8_pair("РџСЂРёРІРµС‚")  # "Привет", UTF-8 read as cp1251


_ZH = ("北京市消防局确认，今天下午位于立交桥畔的购物中心外墙保温材料发生火灾，"
       "不到二十分钟火已扑灭，过火面积仅二十平方米，现场无人员伤亡。记者在现场看到，"
       "傍晚晚高峰到来之际，仍有两辆消防车尚未撤离，但周边交通已经恢复正常。") * 3


def _misread(text: str, charset: str, western: str, layers: int) -> bytes:
    """What a page in ``charset`` becomes when a tool reads it as ``western`` and saves it
    as UTF-8, then ``layers - 1`` more tools read that UTF-8 as Latin-1 and save it again."""
    garbled = text.encode(charset).decode(western)
    for _ in range(layers - 1):
        garbled = garbled.encode("utf-8").decode("latin-1")
    return garbled.encode("utf-8")


@pytest.mark.parametrize(("charset", "western", "layers"), [
    ("gb2312", "iso8859-15", 2), ("gbk", "cp1252", 1), ("gbk", "latin-1", 3)])
def test_a_declared_cjk_page_saved_through_a_western_code_page_is_given_back(
        charset, western, layers) -> None:
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>火灾</title></head><body><p>{_ZH}</p></body></html>")
    data = _misread(page, charset, western, layers)
    assert _ZH not in data.decode("utf-8")
    decoded = decode_page(data, filename="p.html")
    assert _ZH in decoded.text
    assert decoded.encoding.endswith("->gb18030")


def test_an_undeclared_big5_dump_read_as_cp1252_is_given_back() -> None:
    text = ("臺北市政府今天宣布，明年起將擴大公共運輸補助，"
            "鼓勵市民搭乘捷運與公車通勤，減少空氣污染。") * 4
    data = text.encode("big5").decode("cp1252", errors="strict").encode("utf-8")
    decoded = decode_page(data, filename="p.txt")
    assert decoded.text == text
    assert decoded.encoding.endswith("cp1252->big5")


def test_a_page_whose_characters_were_lost_stays_undecodable() -> None:
    """Replacement characters read as GBK ("锟斤拷") and a garbled page whose C1 bytes were
    dropped have nothing left to give back: they stay rejected, never half-repaired."""
    lost = ("锟斤拷" * 40 + "\ufffd" * 40).encode("utf-8")
    with pytest.raises(Rejected, match="undecodable"):
        decode_page(lost, filename="p.txt")
    garbled = _misread(_ZH, "gbk", "latin-1", 1).decode("utf-8")
    dropped = "".join(c for i, c in enumerate(garbled) if i % 7)  # a renderer's losses
    with pytest.raises(Rejected, match="undecodable"):
        decode_page(dropped.encode("utf-8"), filename="p.txt")


def test_a_text_dump_quoting_a_tag_in_its_prose_stays_text():
    """A dump saved as .txt whose prose names a tag (an article about markup) is not an HTML
    document: the one ``<title>`` deep inside it must not send it to the HTML front end."""
    dump = ("Skip to content\n\n  • Home\n  • Blog\n\nHow review feeds are built\n\n"
            + "A review feed lists each review with its author and its date. " * 40
            + "\n\n  ☆ <title> and <content>: the review's title and its text.\n\n"
            + "The feed is checked before it is sent. " * 20 + "\n").encode()
    assert decode_page(dump, filename="page.txt").input_format == "text"
    # the same prose as a document (markup from its first character) is HTML
    doc = b"<!DOCTYPE html><html><head><title>Feeds</title></head><body>" + dump + b"</body>"
    assert decode_page(doc, filename="page.txt").input_format == "html"
