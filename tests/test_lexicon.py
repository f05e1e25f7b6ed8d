"""The phrase lists: what the cheap pre-checks refuse, the full match would refuse too."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaners.blocks import Block
from cleaners.rules.phrases import phrase_sets
from cleaners.words.keys import first_key_word, norm_key

FIXTURES = Path(__file__).parent / "fixtures"


def _block(text: str) -> Block:
    block = Block(index=0, text=text, raw=text)
    block.compute_features()
    return block


@pytest.mark.parametrize("name", sorted(phrase_sets()))
def test_every_phrase_passes_its_own_pre_check(name: str) -> None:
    phrases = phrase_sets()[name]
    for key in phrases.keys:
        # as printed on a page: capitalised, with punctuation and a counter after it
        for line in (key, key.capitalize() + ":", f"«{key.upper()}» 12", key.replace("е", "ё")):
            block = _block(line)
            if phrases.matches(block.key, block.n_words):
                assert phrases.could_match(block.first_word, block.text), (name, line)


def test_the_pre_check_never_refuses_a_line_that_matches() -> None:
    lines = [line.strip() for page in sorted(FIXTURES.rglob("*.txt"))
             for line in page.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) > 100
    for phrases in phrase_sets().values():
        for line in lines:
            block = _block(line)
            if phrases.matches(block.key, block.n_words):
                assert phrases.could_match(block.first_word, block.text), (phrases.name, line)


def test_the_pre_check_refuses_lines_without_the_phrases_words() -> None:
    cookie, login = phrase_sets()["cookie"], phrase_sets()["login"]
    story = _block("Президент подписал закон о бюджете на следующий год.")
    assert not cookie.could_match(story.first_word, story.text)
    assert not login.could_match(story.first_word, story.text)
    notice = _block("Мы используем файлы cookie, чтобы сайт работал лучше.")
    assert cookie.could_match(notice.first_word, notice.text)


@pytest.mark.parametrize("text", ["Ещё — «Комментарии» (12)", "  #Теги: A+B ", "", "!!!",
                                  "Ёлка-2024"])
def test_the_first_key_word_is_the_keys_first_word(text: str) -> None:
    assert first_key_word(text.lower()) == norm_key(text).split(" ", 1)[0]
