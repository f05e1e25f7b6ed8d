"""Short undeclared texts: too few letters for charset-normalizer's statistics, their
charset is chosen by the shape of the words each reading gives (cleaners/decode/short_text.py)."""

from __future__ import annotations

import pytest

from cleaners.decode import decode_page
from cleaners.decode.short_text import (
    MAX_BROKEN,
    SHORT_TEXT_BYTES,
    _broken_word,
    _few_vowels,
    _glued_signs,
    _script,
    broken_share,
    rare_in,
    read_short_text,
)

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


# ------------------------------------------------------------ the parts, one by one


@pytest.mark.parametrize(("code", "script"), [
    (0x24F, "latin"), (0x250, "other"),  # Latin Extended-B ends, IPA begins
    (0x1E00, "latin"), (0x1EFF, "latin"),  # Latin Extended Additional (Vietnamese)
    (0x370, "greek"), (0x3FF, "greek"), (0x1F00, "greek"), (0x1FFE, "greek"),
    (0x2000, "other"),  # General Punctuation after Greek Extended
    (0x400, "cyrillic"), (0x52F, "cyrillic"), (0x530, "other"),  # Armenian after it
    (0x590, "hebrew"), (0x5FF, "hebrew"), (0x600, "arabic"), (0x6FF, "arabic"),
    (0x700, "other"),  # Syriac
    (0xDFF, "other"), (0xE00, "thai"), (0xE7F, "thai"), (0xE80, "other"),  # Lao after it
    (0x303F, "other"), (0x3040, "cjk"), (0x9FFF, "cjk"), (0xA000, "other"),  # Yi after
    (0xABFF, "other"), (0xAC00, "cjk"), (0xD7AF, "cjk"), (0xD7B0, "other"),  # Hangul
    (0xF8FF, "other"), (0xF900, "cjk"), (0xFAFF, "cjk"), (0xFB00, "other"),
])
def test_scripts_follow_the_unicode_blocks(code: int, script: str) -> None:
    assert _script(chr(code)) == script


@pytest.mark.parametrize(("word", "broken"), [
    ("٣٤", False),  # digits only: no letter to judge
    ("բարեւ", True),  # a script no candidate charset gives
    ("ve¾mi", True),  # a sign inside a word
    ("Straße2", False),  # an ASCII digit is no sign
    ("яЯ", True),  # a capital right after a small letter
    ("éè", False),  # two letters say nothing of accents
    ("ďđč", True),  # three letters, all accented
    ("forêt", False),
])
def test_the_shape_of_one_word(word: str, broken: bool) -> None:
    assert _broken_word(word) is broken


def test_few_vowels_condemn_every_cyrillic_letter_from_six_letters_on() -> None:
    assert _few_vowels("ртйчфн") == 6  # six letters, no vowel
    assert _few_vowels("ртйчф") == 0  # five: too few to judge
    assert _few_vowels("ртйчефнк") == 8  # one vowel in eight: 12 %
    assert _few_vowels("ртеечфнк") == 0  # two in eight: 25 %, Russian's lowest
    assert _few_vowels("Привет мир") == 0


def test_glued_signs_are_counted_one_by_one() -> None:
    assert _glued_signs("Па®Ґ•в") == 2
    assert _glued_signs("l’été, l·l, ® x") == 0  # joiners, and signs with space around


def test_rare_characters_are_judged_by_the_charsets_first_level() -> None:
    assert rare_in("住", "gb18030") is False  # lead byte 0xD7, the first level's last
    assert rare_in("鋊", "big5") is True  # lead byte 0xE8, past the first level
    assert rare_in("a", "gb18030") is False  # ASCII is never rare
    assert rare_in("，", "gb18030") is False  # punctuation is no character to judge
    assert rare_in("é", "big5") is True  # not in the charset at all
    assert rare_in("鋊", "cp1252") is False  # a single-byte charset has no levels


@pytest.mark.parametrize(("text", "charset", "share"), [
    ("plain", "", 0.0),  # nothing to judge
    ("╧", "", 1.0),
    ("╧ ё", "", 0.5),  # one sign of two non-ASCII characters
    ("tr鋊 é", "", 0.5),  # a broken word's non-ASCII letters, not its ASCII ones
    ("tr鋊 中", "big5", 0.5),  # a rare letter in a broken word counts once
    ("пРтйчфн", "", 1.0),  # counted twice (case, vowels), the share stops at 1
])
def test_the_broken_share(text: str, charset: str, share: float) -> None:
    assert broken_share(text, charset) == share


def test_a_reading_at_the_limit_is_kept_and_bytes_no_reading_fits_are_left() -> None:
    # one glued sign in ten non-ASCII characters: exactly MAX_BROKEN
    assert read_short_text("Приве§тмир".encode("cp1251")) == ("Приве§тмир", "cp1251")
    assert read_short_text(bytes(range(0x80, 0x100))) is None


def test_short_means_fewer_non_ascii_bytes_than_the_limit() -> None:
    assert read_short_text(("я" * (SHORT_TEXT_BYTES - 1)).encode("cp1251")) is not None
    assert read_short_text(("я" * SHORT_TEXT_BYTES).encode("cp1251")) is None
