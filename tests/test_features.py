"""Per-block features every rule reads."""

from __future__ import annotations

import pytest

from cleaners.blocks import Block
from cleaners.features import ends_sentence


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
