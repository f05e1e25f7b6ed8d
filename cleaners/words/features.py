"""Cheap per-block features the rules read: words, stopword density, sentence ends.

Stoplists come from jusText; a language is added by naming its jusText stoplist in
``STOPLISTS``. Without its language's stoplist every sentence scores a stopword density
of 0 and no rule takes it for prose: Greek and Polish pages were rejected or cut for
that (issue 19). The union holds the major European languages; a content word of one
language that is a stopword of another (Greek "πολιτική") raises a menu's density a
little, which the rules' thresholds (0.15 and up, against 0.3-0.6 for prose) absorb.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

WORD = re.compile(r"\w+")
# runs of what is not a letter / not Cyrillic: deleting them and taking the length counts
# letters in C, where findall of single letters builds a string per letter
NON_LETTERS = re.compile(r"[\W\d_]+")
# a sentence ends on one of these, perhaps followed by closing quotes and brackets
SENTENCE_STOPS = ".!?…;:。！？"
SENTENCE_CLOSERS = "\"»”’')]」』"
_SENTENCE_STOP = re.compile(r"[.!?…](?:\s|$)|[。！？]")
STOPLISTS = {"ru": "Russian", "en": "English", "el": "Greek", "pl": "Polish", "de": "German",
             "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
             "uk": "Ukrainian", "cs": "Czech", "nl": "Dutch"}
# Chinese and Japanese write no spaces between words (and Korean none inside a phrase):
# there a "word" is counted as about two characters, a Chinese word's usual length, so
# every length rule in words (a story's minimum, a line rule's maximum) means the same
# amount of text in them as in a spaced language.
CJK_LETTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3"  # kana, Han, Hangul
CJK = re.compile(f"[{CJK_LETTERS}]")
CJK_CHARS_PER_WORD = 2


# ...and a character of them holds as much text as three Latin letters: a two-character
# word stands for a word of five letters and its space
CJK_CHAR_SIZE = 3


def unspaced_words(text: str) -> int:
    """Words in ``text``'s Chinese, Japanese and Korean characters, at two characters a
    word (0 for text without them)."""
    return len(CJK.findall(text)) // CJK_CHARS_PER_WORD


def text_size(text: str) -> int:
    """How much text ``text`` holds, in Latin letters' worth: its length, with each
    Chinese, Japanese or Korean character counted as ``CJK_CHAR_SIZE``. A length rule in
    characters (a paragraph's minimum, a prose run's weight) then asks as much of a
    Chinese paragraph as of an English one: 30 Chinese characters make a sentence, 30
    Latin letters a few words."""
    if text.isascii():
        return len(text)
    return len(text) + (CJK_CHAR_SIZE - 1) * len(CJK.findall(text))


# ``str.lower`` as CPython runs it, in either build: called through this name, compiled code
# calls the interpreter's own method (a bare ``s.lower()`` mypyc compiles to its per-letter
# lowering, which writes no final sigma: ``fold``). For the compiled modules that must give
# exactly what ``.lower()`` gave before they were compiled (class and id words, the HTML
# front end's word keys); ``tests/test_fold.py`` checks the sigma in the build in use.
lower: Callable[[str], str] = str.lower


def fold(text: str) -> str:
    """``text`` lowercased for comparing words, the same compiled and pure.

    CPython's ``str.lower`` writes a capital sigma at the end of a word as final sigma
    ("ΣΤΙΣ" -> "στις"); mypyc's compiled ``str.lower`` (Python < 3.13) maps each letter
    alone ("στισ"), so the two builds split words differently on Greek capitals and
    chose different titles. Both sigmas fold to "σ", as ``str.casefold`` does, so a
    headline in capitals matches its story's words either way. Every word comparison of
    the compiled modules lowers through here (``tests/test_fold.py`` checks that).
    """
    return text.lower().replace("ς", "σ")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The union of the stoplists: a line in either language is judged by its own words."""
    import justext

    words: set[str] = set()
    for name in STOPLISTS.values():
        words |= {fold(w) for w in justext.get_stoplist(name)}
    return frozenset(words)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """A short list of function words per language (``words/data/function_words.txt``).

    jusText's stoplists are long (its Russian one holds 5,000 words, content
    words among them): right for prose density, too broad to tell a menu line
    from a sentence. Menus carry no prepositions or conjunctions; sentences do.
    """
    # the sources' folder, not __file__'s: a compiled module's file is in build/native
    from cleaners.native import PACKAGE_DIR

    path = PACKAGE_DIR / "words" / "data" / "function_words.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(w) for line in lines if not line.startswith("#") for w in line.split())


def words(text: str) -> list[str]:
    return WORD.findall(text)


def plain_words(text: str) -> list[str]:
    """``words`` of a plain text (``not_plain`` is False): its word characters are ASCII
    letters, digits, "_" and Cyrillic letters, which an explicit class finds faster."""
    return _PLAIN_WORD.findall(text)


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


# What Russian and English text is made of besides letters: ASCII, and signs that are
# no letters (Latin-1 punctuation, general punctuation, currency, arrows, bullets, "№").
# Text of only these and Cyrillic letters has its letters counted from its UTF-8 bytes.
# C1 controls (U+0080-U+009F) and the replacement character are not plain: they are
# what mojibake leaves, so plain text holds none (``decode.mojibake_kind`` relies on it)
PLAIN_NON_LETTERS = ("\u00a0-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7"
                     "\u2000-\u206f\u20a0-\u20cf\u2116\u2122\u2190-\u21ff\u2500-\u26ff")
CYRILLIC_LETTERS = "\u0400-\u0481\u048a-\u04ff"  # the block, less its signs and marks
# the vowels of the Russian and Ukrainian alphabets: ~40 % of Russian letters, far fewer in
# the rare letters KOI8-R and cp1251 mixed up make of them
CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄ")
PLAIN_LETTERS = f"A-Za-z{CYRILLIC_LETTERS}"  # every letter plain text may hold
_NOT_CYRILLIC = re.compile(f"[^{CYRILLIC_LETTERS}]+")
_PLAIN_WORD = re.compile(f"[0-9_{PLAIN_LETTERS}]+")
_NOT_PLAIN = re.compile(f"[^\\x00-\\x7f{CYRILLIC_LETTERS}{PLAIN_NON_LETTERS}]")
_ALL_BUT_ASCII_LETTERS = bytes(b for b in range(256) if not chr(b).isascii()
                               or not chr(b).isalpha())
# every byte but D0-D3, the lead bytes of U+0400-U+04FF in UTF-8: deleting them leaves one
# byte per Cyrillic character (one translate pass; bytes.count is no faster per byte, and
# four of them took four passes)
_ALL_BUT_CYRILLIC_LEADS = bytes(b for b in range(256) if not 0xD0 <= b <= 0xD3)


def not_plain(text: str) -> bool:
    """Whether ``text`` holds a letter other than ASCII and Cyrillic ones, or a sign plain
    text does not (``PLAIN_NON_LETTERS``): plain text can be read by cheaper means.

    An ASCII string says so without a scan (CPython keeps the flag), and an English page
    is one: the pattern's long class, tried on every character, is skipped."""
    return not text.isascii() and _NOT_PLAIN.search(text) is not None


def cyrillic_in_utf8(data: bytes) -> int:
    """The characters of the Cyrillic block (U+0400-U+04FF) in UTF-8 ``data``: each has
    one lead byte D0-D3, which no other character uses."""
    return len(data.translate(None, _ALL_BUT_CYRILLIC_LEADS))


def cyrillic_share(text: str) -> float:
    """Share of the letters of ``text`` that are Cyrillic.

    Plain text (see ``PLAIN_NON_LETTERS``) is counted in C on its UTF-8 bytes: a
    Cyrillic letter is one lead byte D0-D3, an ASCII letter one byte, and nothing else
    is a letter; a regex pass over every character is seven times slower. Other text
    is counted by the regexes."""
    if not not_plain(text):
        data = text.encode("utf-8")
        cyrillic = cyrillic_in_utf8(data)
        letters = cyrillic + len(data.translate(None, _ALL_BUT_ASCII_LETTERS))
    else:
        letters = len(NON_LETTERS.sub("", text))
        cyrillic = len(_NOT_CYRILLIC.sub("", text))
    return cyrillic / letters if letters else 0.0


# Stems of words that prose about the site itself uses: comment rules, terms of
# use, advertising notices. News rarely needs two of them in one paragraph.
SITE_STEMS = ("сайт", "комментар", "пользовател", "регистрац", "зарегистр", "администрац",
              "модерат", "правил", "реклам", "авторизац", "website", "site", "comment", "user",
              "account", "registr", "advertis", "moderat", "terms", "privacy", "cookie",
              "newsletter", "subscri", "copyright")
# their first four letters: a word that opens otherwise is no site word, which a set
# says faster than the stems one by one (every stem has four letters at least)
_SITE_HEADS = frozenset(stem[:4] for stem in SITE_STEMS)


def site_words(tokens: Iterable[str]) -> list[str]:
    """The site-talk words among lowercased word ``tokens`` (``words`` of the lowercased
    text, as ``Block.tokens`` holds them): the words that open on a ``SITE_STEMS``."""
    return [t for t in tokens if t[:4] in _SITE_HEADS and t.startswith(SITE_STEMS)]
