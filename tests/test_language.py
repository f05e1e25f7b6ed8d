"""Language detection: the classifier, and the Russian fast path that skips it."""

from __future__ import annotations

import pytest

from cleaners.article import language
from cleaners.article.language import _plainly_russian, detect_language
from cleaners.words.features import cyrillic_share

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


# Latin-script languages the English fast path must leave to the classifier: no accents
# in the Dutch and Indonesian samples, so only their words tell them apart
DUTCH = ("De minister zei dinsdag dat het kabinet de plannen voor de nieuwe wet na de zomer "
         "naar de Tweede Kamer stuurt. Volgens haar is er genoeg steun in het parlement, maar "
         "de oppositie wil eerst een onderzoek naar de kosten van het voorstel en de gevolgen "
         "voor de gemeenten.")
INDONESIAN = ("Menteri mengatakan pada hari Selasa bahwa pemerintah akan mengirim rencana "
              "undang-undang baru itu ke parlemen setelah musim panas. Menurut dia, ada cukup "
              "dukungan di parlemen, tetapi oposisi ingin penelitian tentang biaya dan dampak "
              "rencana itu bagi pemerintah daerah terlebih dahulu.")
FRENCH = ("Le ministre a déclaré mardi que le gouvernement enverrait le projet de loi au "
          "Parlement après l'été. Selon elle, il y a assez de soutien à l'Assemblée, mais "
          "l'opposition veut d'abord une étude sur le coût du projet et ses effets pour les "
          "communes.")
ENGLISH_LONG = (ENGLISH + " The opposition said that the costs of the plan had not been "
                "studied, and that councils would have to pay for it from their own budgets, "
                "which were already stretched.")


def test_plain_english_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(language, "_classify", lambda: pytest.fail("the classifier was asked"))
    assert detect_language(ENGLISH_LONG) == "en"
    # a name or two with accents is still plain English
    assert detect_language(ENGLISH_LONG.replace("The opposition", "José Sánchez")) == "en"


@pytest.mark.parametrize("text", [DUTCH, INDONESIAN, FRENCH, RUSSIAN + " " + ENGLISH_LONG,
                                  ENGLISH_LONG + " " + UKRAINIAN])
def test_other_languages_and_mixed_text_go_to_the_classifier(text: str) -> None:
    assert not language._plainly_english(text)


def test_too_few_words_go_to_the_classifier() -> None:
    # a headline's worth of English is not enough to be sure without the classifier
    assert not language._plainly_english("The minister said that the plan was ready")
