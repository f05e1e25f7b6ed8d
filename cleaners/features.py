"""Cheap per-block features the rules read: words, stopword density, sentence ends.

Stoplists come from jusText (Russian and English, as the issue suggests); a
language is added by naming its jusText stoplist in ``STOPLISTS``.
"""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"[.!?…;:][\"»”’'\)\]]*$")
STOPLISTS = {"ru": "Russian", "en": "English"}


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The union of the stoplists: a line in either language is judged by its own words."""
    import justext

    words: set[str] = set()
    for name in STOPLISTS.values():
        words |= {w.lower() for w in justext.get_stoplist(name)}
    return frozenset(words)


def words(text: str) -> list[str]:
    return WORD.findall(text)


def stopword_density(tokens: list[str]) -> float:
    """Share of tokens that are stopwords: high in running prose, low in menus and lists."""
    if not tokens:
        return 0.0
    stops = stopwords()
    return sum(1 for t in tokens if t.lower() in stops) / len(tokens)


def ends_sentence(text: str) -> bool:
    return SENTENCE_END.search(text) is not None


def sentence_count(text: str) -> int:
    return len(re.findall(r"[.!?…](?:\s|$)", text))


def cyrillic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "\u0400" <= c <= "\u04ff") / len(letters)
