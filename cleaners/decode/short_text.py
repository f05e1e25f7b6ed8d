"""The charset of a short undeclared text, chosen by how its words read.

charset-normalizer judges a charset by the statistics of the text it gives, and a short
text has too few letters for statistics: "Привет мир" in cp1251 reads to it as well in
cp1125 ("╧ЁштхҐ ьшЁ"), a short KOI8-R sentence as Shift_JIS half-width katakana, "très"
in cp1252 as big5 ("tr鋊"). Every one of those wrong readings breaks the shape of a word,
which needs no statistics to see: a word of one script, no symbol inside a word, no
capital right after a small letter, not mostly accented Latin letters, no half-width
katakana (a legacy form modern text does not use). The charset whose reading has the
fewest such breaks wins; a tie goes to the charset the web uses more.
"""

from __future__ import annotations

import re

from cleaners.words.features import CYRILLIC_VOWELS

#: non-ASCII bytes below which the reading of words decides, not charset-normalizer
SHORT_TEXT_BYTES = 400
#: single- and multi-byte charsets tried, the most used on the web first (W3Techs'
#: character-encoding survey), except that KOI8-R comes with cp1251: Winnow reads
#: Russian first. A tie between readings goes to the earlier one.
CANDIDATES = (
    "cp1252", "cp1251", "koi8-r", "cp1250", "iso8859-2", "shift_jis", "euc_kr", "euc_jp",
    "gb18030", "big5", "cp1253", "cp1254", "cp1256", "cp874", "cp1255", "cp1257",
    "iso8859-15", "iso8859-5", "cp866", "mac-cyrillic", "koi8-u",
)
#: the share of a reading's non-ASCII characters that may break a word's shape
MAX_BROKEN = 0.1

# punctuation and signs that real text puts between words in the charsets above
_SIGNS = frozenset("«»‹›„“”‚‘’–—…•·°№€£¥§©®™±×÷\u00a0¡¿")
_CJK_PUNCTUATION = re.compile("[\u3000-\u303f\uff01-\uff20\uff3b-\uff40\uff5b-\uff60]")
_WORD = re.compile(r"\w+")
_HALF_WIDTH_KANA = re.compile("[\uff61-\uff9f]")
# each legacy multi-byte charset's first level, by lead byte: GB2312 level 1, Big5's
# frequent characters, JIS X 0208 kana and level 1 (Shift_JIS and EUC-JP), KS X 1001
# hangul. Each standard puts its frequent characters there: a Cyrillic or Latin text read
# as one of them comes out in rare ones, and so does a CJK text read in the wrong one.
FIRST_LEVEL = {"gb18030": (0xB0, 0xD7), "big5": (0xA4, 0xC6), "shift_jis": (0x82, 0x98),
               "euc_jp": (0xA4, 0xCF), "euc_kr": (0xB0, 0xC8)}
FEW_VOWELS = 0.25  # of a text's Cyrillic letters: Russian ~40 %, KOI8-R read as cp1251 ~10 %
MIN_CYRILLIC = 6  # letters below which the vowel share says nothing
_JOINERS = frozenset("’‘·\u00ad\u2010\u2011")  # apostrophes, Catalan l·l, hyphens
MOSTLY_ACCENTED = 2 / 3  # Polish "gęślą" 3/5; Cyrillic read as cp1250 "Ďđčâĺň" 6/6


def _script(ch: str) -> str:
    """A letter's script, coarsely: what may share a word with what."""
    code = ord(ch)
    if code < 0x250 or 0x1E00 <= code < 0x1F00:
        return "latin"
    if 0x370 <= code < 0x400 or 0x1F00 <= code < 0x2000:
        return "greek"
    if 0x400 <= code < 0x530:
        return "cyrillic"
    if 0x590 <= code < 0x600:
        return "hebrew"
    if 0x600 <= code < 0x700:
        return "arabic"
    if 0xE00 <= code < 0xE80:
        return "thai"
    if 0x3040 <= code < 0xA000 or 0xAC00 <= code < 0xD7B0 or 0xF900 <= code < 0xFB00:
        return "cjk"  # kana, Han and Hangul: Japanese mixes the first two in one word
    return "other"


def _broken_word(word: str) -> bool:
    """Whether a word's shape says its bytes were read in the wrong charset: letters of
    two scripts, a non-ASCII digit or sign among letters ("ve¾mi"), a capital right after
    a small letter, Latin letters mostly accented."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return False
    scripts = {_script(c) for c in letters}
    if len(scripts) > 1 or "other" in scripts:
        return True
    if any(not c.isascii() and not c.isalpha() for c in word):
        return True
    if any(a.islower() and b.isupper() for a, b in zip(word, word[1:], strict=False)):
        return True
    if scripts == {"latin"} and len(letters) > 2:
        return sum(1 for c in letters if not c.isascii()) > MOSTLY_ACCENTED * len(letters)
    return False


def _few_vowels(text: str) -> int:
    """The Cyrillic letters of a reading whose vowels are too few for any Cyrillic
    language (KOI8-R read as cp1251 swaps the common letters for rare ones), else 0."""
    cyrillic = [c for c in text if c.isalpha() and _script(c) == "cyrillic"]
    if len(cyrillic) < MIN_CYRILLIC:
        return 0
    vowels = sum(1 for c in cyrillic if c in CYRILLIC_VOWELS)
    return len(cyrillic) if vowels < FEW_VOWELS * len(cyrillic) else 0


def _glued_signs(text: str) -> int:
    """Non-letters glued between two letters ("Па®Ґ•в", "ve¾mi"): real text puts only
    apostrophes and hyphens there."""
    return sum(1 for a, ch, b in zip(text, text[1:], text[2:], strict=False)
               if not ch.isascii() and not ch.isalpha() and ch not in _JOINERS
               and a.isalpha() and b.isalpha())


def rare_in(ch: str, charset: str) -> bool:
    """Whether a character lies outside ``charset``'s first level (where it has one)."""
    level = FIRST_LEVEL.get(charset)
    if level is None or ch.isascii() or not ch.isalpha():
        return False
    try:
        lead = ch.encode(charset)[0]
    except UnicodeEncodeError:
        return True  # not in the charset at all: rarer than rare
    return not level[0] <= lead <= level[1]


def _broken_sign(ch: str) -> bool:
    """A non-ASCII character between words that no text puts there (box drawing, math
    symbols, half-width katakana)."""
    if ch.isascii() or ch.isspace() or ch in _SIGNS or _CJK_PUNCTUATION.match(ch):
        return False
    return not ch.isalnum() or bool(_HALF_WIDTH_KANA.match(ch))


def broken_share(text: str, charset: str = "") -> float:
    """The share of ``text``'s non-ASCII characters that break the shape of a word, sit
    between words where no text puts them, or are rare in ``charset``'s own repertoire."""
    non_ascii = sum(1 for c in text if not c.isascii())
    if not non_ascii:
        return 0.0
    broken = sum(1 for c in text if _broken_sign(c) or rare_in(c, charset))
    broken += _few_vowels(text) + _glued_signs(text)
    for word in _WORD.findall(text):
        if not word.isascii() and not _HALF_WIDTH_KANA.search(word) and _broken_word(word):
            broken += sum(1 for c in word if not c.isascii() and c.isalpha()
                          and not rare_in(c, charset))
    return min(1.0, broken / non_ascii)


_ASCII_BYTES = bytes(range(0x80))
# the runs of non-space characters that hold a non-ASCII one: all a reading is judged on
_NON_ASCII_TOKEN = re.compile(r"\S*[^\x00-\x7f]\S*")


def read_short_text(data: bytes) -> tuple[str, str] | None:
    """(text, charset) of the candidate whose reading breaks the fewest words, or None
    when the text is not short or no reading holds up (charset-normalizer then decides)."""
    if not 0 < len(data.translate(None, _ASCII_BYTES)) < SHORT_TEXT_BYTES:
        return None
    best: tuple[float, str, str] | None = None
    for charset in CANDIDATES:
        try:
            text = data.decode(charset)
        except UnicodeDecodeError:
            continue
        share = broken_share(" ".join(_NON_ASCII_TOKEN.findall(text)), charset)
        if best is None or share < best[0]:
            best = (share, text, charset)
    if best is None or best[0] > MAX_BROKEN:
        return None
    return best[1], best[2]
