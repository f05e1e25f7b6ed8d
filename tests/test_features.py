"""Per-block features every rule reads."""

from __future__ import annotations

import re

import pytest

from cleaners.blocks import Block
from cleaners.words.features import (
    CYRILLIC_LETTERS,
    PLAIN_NON_LETTERS,
    cyrillic_share,
    ends_sentence,
    fold,
    not_plain,
    plain_words,
    stopword_density,
    words,
)


@pytest.mark.parametrize(("text", "ends"), [
    ("Он ушёл.", True),
    ("Кто это?»", True),
    ("Say “yes.”", True),
    ("(see above.)", True),
    ("Итоги года:", True),
    ("Читайте также", False),
    ("Цена (в рублях)", False),
    ("«Да»", False),
    ("", False),
    ("»)", False),
    ("Он ушёл.\n", True),  # one final newline, as a regex's "$" allows
])
def test_a_sentence_ends_on_a_stop_and_closing_marks(text: str, ends: bool) -> None:
    assert ends_sentence(text) is ends


def test_the_phrase_key_is_made_when_first_asked_and_only_after_the_features() -> None:
    block = Block(index=0, text="Ещё — «Комментарии» (12)", raw="")
    assert block.key == ""  # no features yet: phrase rules see nothing to match
    block.compute_features()
    assert block.key == "еще комментарии 12"


def _chars(ranges: str) -> list[str]:
    """The characters of a regex class body like "a-cx" (no escapes in it)."""
    out, i = [], 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            out += [chr(c) for c in range(ord(ranges[i]), ord(ranges[i + 2]) + 1)]
            i += 3
        else:
            out.append(ranges[i])
            i += 1
    return out


def test_the_byte_count_fast_path_rests_on_what_the_regexes_call_letters() -> None:
    letter = re.compile(r"[^\W\d_]")
    assert not [c for c in _chars(PLAIN_NON_LETTERS) if letter.match(c)]
    # nor word characters of any kind (digits, numerals): plain_words finds what \w+ does
    assert not [c for c in _chars(PLAIN_NON_LETTERS) if re.match(r"\w", c)]
    assert all(letter.match(c) for c in _chars(CYRILLIC_LETTERS))
    # the Cyrillic block's signs and combining marks are no letters: left out of it
    assert not letter.match("\u0482") and not letter.match("\u0483")


def _share_by_regex(text: str) -> float:
    letters = re.findall(r"[^\W\d_]", text)
    return sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters) if letters else 0.0


@pytest.mark.parametrize("text", [
    "Привет, мир! 123", "Hello, world! 123", "ab вг", "123 !?", "",
    "«Газпром» — №1 в рейтинге: +5% за 2011 год… ☆ ■ → €",
    "Café Nestlé и «Ёлка»", "x² ½ ª µ", "Ѐѣ҂҃ Ӂ", "中文 и русский", "Ελληνικά and English",
    "\U0001d400\U0001d401 и ж", "бег\u200bун",
])
def test_cyrillic_share_counts_as_the_regexes_do(text: str) -> None:
    assert cyrillic_share(text) == pytest.approx(_share_by_regex(text))


def test_plain_words_are_the_words_of_plain_text() -> None:
    text = "«Газпром» — №1: рост на 5,2% (2011), ёж_2 и e-mail… ☆ → €10"
    assert not not_plain(text)
    assert plain_words(text) == words(text)
    assert not_plain("Café") and not_plain("x²") and not_plain("Ⅻ век")


def test_site_words_are_the_words_opening_on_a_site_stem_and_no_others() -> None:
    from cleaners.words.features import SITE_STEMS, site_words, words

    text = ("Пользователи сайта направили комментарии; правила модерации (модератор) и "
            "Terms of Use. "
            "The parasite's website user-agreement: subscribers, newsletter_2024, "
            "предусмотренные правилами, исправили, undersite, Registration")
    reference = re.compile(r"\b(?:" + "|".join(SITE_STEMS) + r")\w*")
    found = site_words(words(text.lower()))
    assert found == reference.findall(text.lower())
    assert found == ["пользователи", "сайта", "комментарии", "правила", "модератор", "terms",
                     "website", "user", "subscribers", "newsletter_2024", "правилами",
                     "registration"]


@pytest.mark.parametrize(("prose", "menu"), [
    ("Η κυβέρνηση σχεδιάζει νέα μέτρα για το 2012 και οι εργαζόμενοι αντιδρούν στην "
     "πρόταση με απεργία.", "Πολιτική Κόσμος Οικονομία Κοινωνία Αθλητισμός Θέατρα"),
    ("Rząd przygotowuje nowe przepisy, które mają wejść w życie jeszcze w tym roku, ale "
     "opozycja jest przeciwna.", "Wiadomości Sport Biznes Kultura Pogoda Motoryzacja"),
    ("Die Regierung hat am Montag neue Regeln vorgestellt, die noch in diesem Jahr in "
     "Kraft treten sollen.", "Startseite Politik Wirtschaft Sport Kultur Wetter"),
])
def test_prose_in_more_languages_than_russian_and_english_reads_as_prose(prose: str,
                                                                         menu: str) -> None:
    """Stopword density tells prose from a menu in each stoplisted language: without its
    stoplist every Greek or Polish sentence scored 0 and no rule took it for prose."""
    def density(text: str) -> float:
        return stopword_density([fold(w) for w in words(text)])

    assert density(prose) >= 0.3 and density(menu) < density(prose) / 2


def test_text_size_counts_a_cjk_character_as_three_letters() -> None:
    from cleaners.words.features import text_size

    assert text_size("Shares rose.") == len("Shares rose.")
    assert text_size("Акции выросли.") == len("Акции выросли.")
    assert text_size("股市上漲。") == 4 * 3 + 1  # four Han characters and a fullwidth stop
    assert text_size("iPhone銷量") == 6 + 2 * 3
    block = Block(index=0, text="美國經濟適度增長。", raw="")
    assert block.size == 8 * 3 + 1
