"""Language of the story text (ISO 639-1), by py3langid on the body alone.

Detecting on the body rather than the whole page matters: an English story on a
Russian site (seed 004) is surrounded by Russian menus.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cleaners.words.features import cyrillic_share

DEFAULT_LANGUAGE = "ru"
# py3langid is linear in the text; 1,500 characters decide a story's language as well
# as 5,000 and cost a third as much.
SAMPLE_CHARS = 1500
# three letters among the first 200 characters, whatever stands between them
_THREE_LETTERS = re.compile(r"[^\W\d_](?:[\W\d_]*[^\W\d_]){2}")
# Cyrillic letters outside the Russian alphabet: Ukrainian і ї є ґ, Belarusian ў, Serbian
# and Macedonian ј љ њ ћ ђ џ ѓ ќ ѕ, Kazakh, Tatar, Kyrgyz... ә ө ү ң қ ғ һ
_NOT_RUSSIAN_CYRILLIC = re.compile("[\u0400\u0402-\u040f\u0450\u0452-\u04ff]")
# letters that, among the Cyrillic languages without the ones above, only Russian uses
# (Bulgarian, the one left, has neither)
_RUSSIAN_ONLY = re.compile("[ыэЫЭ]")
RUSSIAN_FAST_SHARE = 0.9  # Cyrillic share of the letters for the fast path
_ASCII_WORD = re.compile(r"[A-Za-z]+")
# any letter outside ASCII and outside Latin-1 / Latin Extended-A and -B (other scripts)
_OTHER_SCRIPT = re.compile(r"[^\W\d_\x00-\x7f\u00c0-\u024f]")
_LATIN_ACCENTED = re.compile(r"[^\W\d_\x00-\x7f]")
# English function words no other language written in plain Latin letters uses as its
# own words (Dutch "of", "is", "was" and Scandinavian "for" are left out)
ENGLISH_MARKERS = frozenset({"the", "and", "that", "with", "from", "this", "which", "were",
                             "have", "has", "said", "are", "been", "would", "their"})
ENGLISH_FAST_SHARE = 0.08  # of the words: markers in English prose are 12-20 %
ENGLISH_THE_SHARE = 0.03  # ..."the" alone about 6 %
ENGLISH_MIN_WORDS = 30
ENGLISH_ACCENTED = 0.01  # accented letters of the letters: names ("Sánchez", "Nestlé")


@lru_cache(maxsize=1)
def _classify():
    import py3langid

    return py3langid.classify


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """Return the ISO 639-1 code of ``text``; ``default`` when there is too little text."""
    sample = text[:SAMPLE_CHARS]
    if _THREE_LETTERS.search(sample, 0, 200) is None:
        return default
    if _plainly_russian(sample):
        return "ru"
    if _plainly_english(sample):
        return "en"
    code, _score = _classify()(sample)
    return code if len(code) == 2 else default


def _plainly_russian(sample: str) -> bool:
    """Text whose letters are Cyrillic, all from the Russian alphabet, with ы or э among
    them, is Russian: no other language written that way uses those letters without
    letters of its own. Most of the archive is such text, and this check costs a tenth of
    the classifier's time; anything less plain goes to the classifier."""
    return (_RUSSIAN_ONLY.search(sample) is not None
            and _NOT_RUSSIAN_CYRILLIC.search(sample) is None
            and cyrillic_share(sample) >= RUSSIAN_FAST_SHARE)


def _plainly_english(sample: str) -> bool:
    """Text in Latin letters, accented ones only in a name or two, where "the" and the
    other English function words are as frequent as English prose makes them, is
    English: French, German, Dutch, Indonesian... have their own function words and
    no "the". The English part of the archive skips the classifier this way; anything
    less plain goes to it."""
    if _OTHER_SCRIPT.search(sample):
        return False
    tokens = [w.lower() for w in _ASCII_WORD.findall(sample)]
    if len(tokens) < ENGLISH_MIN_WORDS:
        return False
    if len(_LATIN_ACCENTED.findall(sample)) > ENGLISH_ACCENTED * sum(map(len, tokens)):
        return False
    markers = sum(map(ENGLISH_MARKERS.__contains__, tokens))
    return (markers >= ENGLISH_FAST_SHARE * len(tokens)
            and tokens.count("the") >= ENGLISH_THE_SHARE * len(tokens))
