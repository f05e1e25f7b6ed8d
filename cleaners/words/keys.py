"""The key a line is matched against phrase lists in: lowercase, "ё" as "е", punctuation
folded to single spaces. Blocks keep it (``Block.key``); the phrase lists are normalised
the same way (``cleaners.rules.phrases``)."""

from __future__ import annotations

import re

from cleaners.words.features import fold

# what a phrase key keeps of a line: word characters, "+" and "#" ("c++", "#тег")
_KEY_CHARS = r"\w+#"
_PUNCT = re.compile(f"[^{_KEY_CHARS}]+")
_KEY_WORD = re.compile(f"[{_KEY_CHARS}]+")


def first_key_word(lowered: str) -> str:
    """The first word of ``norm_key`` of a lowercased text, without building the key."""
    m = _KEY_WORD.search(lowered)
    return m.group().replace("ё", "е") if m else ""


def norm_key(text: str) -> str:
    """Lowercase, ё→е, punctuation folded to single spaces: the form phrases are matched in."""
    return _PUNCT.sub(" ", fold(text).replace("ё", "е")).strip()
