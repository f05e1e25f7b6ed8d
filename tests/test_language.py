"""Language detection: the classifier, and the Russian fast path that skips it."""

from __future__ import annotations

import pytest

from cleaners import language
from cleaners.features import cyrillic_share
from cleaners.language import _plainly_russian, detect_language

RUSSIAN = ("Президент подписал закон, который вступит в силу с первого января. Этот документ "
           "обсуждали в Государственной думе больше года, и депутаты вносили поправки.")
UKRAINIAN = ("Президент підписав закон, який набуде чинності з першого січня. Цей документ "
             "обговорювали у Верховній Раді більше року, і депутати вносили поправки.")
BELARUSIAN = ("Прэзідэнт падпісаў закон, які ўступіць у сілу з першага студзеня. Гэты дакумент "
              "абмяркоўвалі ў парламенце больш за год, і дэпутаты ўносілі папраўкі.")
BULGARIAN = ("Президентът подписа закона, който ще влезе в сила от първи януари. Този документ "
             "беше обсъждан в парламента повече от година и депутатите внасяха поправки.")
ENGLISH = ("The president signed the law, which comes into force on the first of January. "
           "Parliament debated the bill for more than a year and members amended it.")


def test_cyrillic_share_counts_letters_only() -> None:
    assert cyrillic_share("Привет, мир! 123") == 1.0
    assert cyrillic_share("Hello, world! 123") == 0.0
    assert cyrillic_share("ab вг") == 0.5
    assert cyrillic_share("123 !?") == 0.0


@pytest.mark.parametrize(("text", "code"), [
    (RUSSIAN, "ru"), (UKRAINIAN, "uk"), (BELARUSIAN, "be"), (BULGARIAN, "bg"), (ENGLISH, "en"),
])
def test_detects_the_language(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_only_plain_russian_takes_the_fast_path() -> None:
    assert _plainly_russian(RUSSIAN)
    # each of these has letters of its own, or lacks ы/э (Bulgarian), or is not Cyrillic
    for text in (UKRAINIAN, BELARUSIAN, BULGARIAN, ENGLISH):
        assert not _plainly_russian(text)
    # Russian with an English passage long enough to matter goes to the classifier
    assert not _plainly_russian(RUSSIAN + " " + ENGLISH)


def test_the_fast_path_answers_without_the_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("the classifier was asked")

    monkeypatch.setattr(language, "_classify", refuse)
    assert detect_language(RUSSIAN) == "ru"
    with pytest.raises(AssertionError):
        detect_language(UKRAINIAN)


def test_too_little_text_gives_the_default() -> None:
    assert detect_language("12:30 — 5", default="ru") == "ru"
    assert detect_language("", default="en") == "en"
