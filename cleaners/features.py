"""Cheap per-block features the rules read: words, stopword density, sentence ends.

Stoplists come from jusText (Russian and English, as the issue suggests); a
language is added by naming its jusText stoplist in ``STOPLISTS``.
"""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"\w+")
# runs of what is not a letter / not Cyrillic: deleting them and taking the length counts
# letters in C, where findall of single letters builds a string per letter
NON_LETTERS = re.compile(r"[\W\d_]+")
_NOT_CYRILLIC = re.compile("[^\u0400-\u04ff]+")
# a sentence ends on one of these, perhaps followed by closing quotes and brackets
SENTENCE_STOPS = ".!?…;:。！？"
SENTENCE_CLOSERS = "\"»”’')]」』"
_SENTENCE_STOP = re.compile(r"[.!?…](?:\s|$)|[。！？]")
STOPLISTS = {"ru": "Russian", "en": "English"}


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The union of the stoplists: a line in either language is judged by its own words."""
    import justext

    words: set[str] = set()
    for name in STOPLISTS.values():
        words |= {w.lower() for w in justext.get_stoplist(name)}
    return frozenset(words)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """A short list of function words per language (``data/function_words.txt``).

    jusText's stoplists are long (its Russian one holds 5,000 words, content
    words among them): right for prose density, too broad to tell a menu line
    from a sentence. Menus carry no prepositions or conjunctions; sentences do.
    """
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "function_words.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def words(text: str) -> list[str]:
    return WORD.findall(text)


def stopword_density(tokens: list[str]) -> float:
    """Share of (lowercased) tokens that are stopwords: high in prose, low in menus and lists."""
    if not tokens:
        return 0.0
    stops = stopwords()
    return sum(map(stops.__contains__, tokens)) / len(tokens)


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends a sentence: a stop, then only closing quotes or brackets.

    String methods, not a regex: a ``...$`` search tries every position of the line,
    and every line of a page is asked."""
    if text.endswith("\n"):  # as a regex's "$" would, allow one final newline
        text = text[:-1]
    text = text.rstrip(SENTENCE_CLOSERS)
    return bool(text) and text[-1] in SENTENCE_STOPS


def sentence_count(text: str) -> int:
    return len(_SENTENCE_STOP.findall(text))


def cyrillic_share(text: str) -> float:
    letters = len(NON_LETTERS.sub("", text))
    if not letters:
        return 0.0
    return len(_NOT_CYRILLIC.sub("", text)) / letters


# Stems of words that prose about the site itself uses: comment rules, terms of
# use, advertising notices. News rarely needs two of them in one paragraph.
SITE_WORDS = re.compile(
    r"\b(?:сайт|комментар|пользовател|регистрац|зарегистр|администрац|модерат|правил|реклам"
    r"|авторизац|website|site|comment|user|account|registr|advertis|moderat|terms|privacy"
    r"|cookie|newsletter|subscri|copyright)\w*",
    re.IGNORECASE,
)


def site_words(text: str) -> list[str]:
    """The site-talk words in ``text``, lowercased."""
    return [w.lower() for w in SITE_WORDS.findall(text)]
