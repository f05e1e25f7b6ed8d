"""Short undeclared texts: too few letters for charset-normalizer's statistics, their
charset is chosen by the shape of the words each reading gives (cleaners/decode/short_text.py)."""

from __future__ import annotations

import pytest

from cleaners.decode import decode_page
from cleaners.decode.short_text import MAX_BROKEN, SHORT_TEXT_BYTES, broken_share, read_short_text

# (text, the charset it was saved in): each was misread before short_text.py, as cp1125
# box drawing, Shift_JIS half-width katakana, big5 or cp1250 ("trčs")
SHORT_TEXTS = [
    ("Привет мир", "cp1251"),
    ("Мама мыла раму.", "koi8-r"),
    ("Добрый вечер, друзья!", "koi8-r"),
    ("ПРИВЕТ МИР", "koi8-r"),
    ("Привет, мир! Съешь ещё.", "cp866"),
    ("Je suis très content.", "cp1252"),
    ("Zażółć gęślą jaźń, powiedział.", "cp1250"),
    ("Ďakujem veľmi pekne.", "cp1250"),
    ("Καλημέρα κόσμε, τι κάνεις;", "cp1253"),
    ("今日は良い天気ですね。", "shift_jis"),
    ("今日は良い天気ですね。", "euc_jp"),
    ("今天天气很好，我们去公园吧。", "gb18030"),
    ("今天天氣很好", "big5"),
    ("안녕하세요 세계", "euc_kr"),
]


@pytest.mark.parametrize(("text", "charset"), SHORT_TEXTS)
def test_a_short_text_comes_out_as_written(text: str, charset: str) -> None:
    decoded = decode_page(text.encode(charset), filename="a.txt")
    assert decoded.text == text


def test_a_tie_goes_to_the_charset_the_web_uses_more() -> None:
    """cp1252 and cp1250 give the same French letters but "è": cp1250 reads "trčs", as
    well shaped a word; the web's far more common cp1252 wins."""
    assert read_short_text("très".encode("cp1252")) == ("très", "cp1252")


@pytest.mark.parametrize(("reading", "why"), [
    ("╧ЁштхҐ ьшЁ", "box drawing"),
    ("ﾍﾁ ﾍﾙﾌﾁ", "half-width katakana"),
    ("tr鋊", "two scripts in one word"),
    ("ртйчеф нйт", "not Cyrillic prose: too few vowels"),
    ("пРИВЕТ", "a capital after a small letter"),
    ("Ďđčâĺň ěčđ", "Latin letters nearly all accented"),
    ("Па®Ґ•в", "signs glued between letters"),
])
def test_a_misreading_breaks_the_shape_of_its_words(reading: str, why: str) -> None:
    assert broken_share(reading) > MAX_BROKEN, why


@pytest.mark.parametrize("prose", ["Привет, мир!", "l’été dernier — 5 € «cher»",
                                   "Zażółć gęślą jaźń", "Größe und Übermaß"])
def test_prose_breaks_nothing(prose: str) -> None:
    assert broken_share(prose) == 0.0


def test_a_long_text_is_left_to_charset_normalizer() -> None:
    data = ("Привет мир " * SHORT_TEXT_BYTES).encode("cp1251")
    assert read_short_text(data) is None
    assert read_short_text(b"plain ASCII only") is None
