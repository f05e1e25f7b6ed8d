"""Chrome phrases as data (``rules/data/chrome_phrases.toml``), compiled once into matchers.

Rules ask "is this line a login link / a share button / a rights notice?"
through here, so adding a language means adding phrases, not code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from cleaners.native import PACKAGE_DIR
from cleaners.words.features import CJK, fold
from cleaners.words.keys import norm_key

# the sources' folder, not __file__'s: a compiled module's file is in build/native
DATA = PACKAGE_DIR / "rules" / "data" / "chrome_phrases.toml"

_WORD = re.compile(r"\w+")
# how much longer than ``max_words`` a line may be and still be matched on a phrase in a
# script without spaces: such a phrase ("版權所有", "不代表本網") is a run of four or more
# characters that story text does not use, where a spaced phrase may be one common word
# ("copyright"), and its notices run long (a paragraph of disclaimers)
UNSPACED_REACH = 2


@dataclass(frozen=True, slots=True)
class PhraseSet:
    """One category's phrases in every language, with how a line must match them."""

    name: str
    match: str  # whole | prefix | contains | sequence | label
    max_words: int
    pattern: re.Pattern[str]
    keys: frozenset[str] = frozenset()  # the phrases themselves, normalised
    firsts: frozenset[str] = frozenset()  # the first word of each phrase
    anchors: tuple[str, ...] = ()  # the longest word of each phrase (none inside another)
    # a prefix or contains category's phrases in a script without spaces (Chinese,
    # Japanese), normalised: found anywhere in a line (``matches``), as the line cannot be
    # split into words to find where one starts, and a site's name runs into the phrase
    # with no space ("新華網版權與免責聲明")
    unspaced: tuple[str, ...] = ()

    @property
    def word_limit(self) -> int:
        """The longest line (in words) that can match: a whole phrase and its counter, or
        ``max_words``."""
        if self.match == "whole":
            return max((len(_WORD.findall(k)) for k in self.keys), default=0) + 1
        return self.max_words * (UNSPACED_REACH if self.unspaced else 1)

    def could_match(self, first: str, text: str) -> bool:
        """Whether a line ``text`` whose normalised first word is ``first`` can be of this
        category at all, asked before the line's whole key is built (most lines never
        need it): a whole-line or opening phrase begins with its own first word (or runs
        on past it across a "+" or "#"); a line that contains a phrase contains the
        phrase's longest word (``anchors``)."""
        if self.unspaced and not text.isascii() and CJK.search(text) is not None:
            return True
        if self.match in ("whole", "prefix"):
            return first in self.firsts or "+" in first or "#" in first
        if self.match == "contains":
            lowered = fold(text).replace("ё", "е")
            return any(map(lowered.__contains__, self.anchors))
        return True

    def matches(self, key: str, n_words: int) -> bool:
        """Whether the normalised line ``key`` (of ``n_words`` words) is of this category.

        Set lookups answer most lines before any regex runs: a whole-line phrase is a
        key (with a counter after it, perhaps), and a line that starts with a phrase
        starts with the phrase's first word (a word that runs on past it only across
        a "+" or "#", where the regex is asked).
        """
        if self.match == "whole":
            if key in self.keys:
                return True
            head, _, tail = key.rpartition(" ")
            return head in self.keys and tail.isdecimal()
        if self.match == "sequence":
            return n_words <= self.max_words and self.pattern.fullmatch(key) is not None
        if self.unspaced and n_words <= self.max_words * UNSPACED_REACH and \
                any(map(key.__contains__, self.unspaced)):
            return True
        if n_words > self.max_words:
            return False
        if self.match == "prefix":
            first = key.split(" ", 1)[0]
            if first not in self.firsts and "+" not in first and "#" not in first:
                return False
            return self.pattern.match(key) is not None
        return self.pattern.search(key) is not None


def _alternation(phrases: list[str]) -> str:
    keys = sorted({norm_key(p) for p in phrases if norm_key(p)}, key=len, reverse=True)
    return "|".join(re.escape(k) for k in keys)


def _anchors(keys: frozenset[str]) -> tuple[str, ...]:
    """One word each phrase cannot be found without, its longest; an anchor that holds
    another is dropped (finding the shorter one is needed anyway)."""
    longest = {max(k.split(" "), key=len) for k in keys}
    return tuple(sorted(a for a in longest if not any(b != a and b in a for b in longest)))


@lru_cache(maxsize=1)
def phrase_sets() -> dict[str, PhraseSet]:
    """Every category of ``chrome_phrases.toml``, compiled."""
    raw = tomllib.loads(DATA.read_text(encoding="utf-8"))
    sets: dict[str, PhraseSet] = {}
    for name, spec in raw.items():
        match = spec.get("match", "label")
        every = [p for key, vals in spec.items() if isinstance(vals, list) for p in vals]
        # a line that opens on or holds a phrase: unspaced ones are found anywhere in it
        found = match in ("prefix", "contains")
        unspaced = tuple(sorted({norm_key(p) for p in every if found and CJK.search(p)}))
        phrases = [p for p in every if not (found and CJK.search(p))]
        alt = _alternation(phrases)
        if match == "whole":
            # a counter may follow a button: "Комментарии 12", "Share 0"
            pattern = re.compile(rf"(?:{alt})(?: \d+)?")
        elif match == "sequence":
            # one phrase after another, with a space between or none (unspaced scripts)
            pattern = re.compile(rf"(?:(?:{alt}) ?)+")
        elif match == "label":
            # "Источник - X", "Фото: X", "來源：X" (a fullwidth colon): the phrase, then the
            # value (matched on raw text)
            pattern = re.compile(rf"^(?:{alt})\s*(?::|：|-|–|—)\s*(?P<value>.+)$",
                                 re.IGNORECASE)
        else:
            pattern = re.compile(rf"(?:{alt})(?:\b|$)")
        keys = frozenset(norm_key(p) for p in phrases if norm_key(p))
        firsts = frozenset(k.split(" ", 1)[0] for k in keys)
        sets[name] = PhraseSet(name, match, int(spec.get("max_words", 999)), pattern, keys,
                               firsts, _anchors(keys), unspaced)
    return sets


def phrase_set(name: str) -> PhraseSet:
    return phrase_sets()[name]


def label_value(name: str, text: str) -> str | None:
    """For label categories ("Источник - X", "Теги: a, b"): the value after the label."""
    m = phrase_set(name).pattern.match(text.replace("ё", "е").replace("Ё", "Е").strip())
    if not m:
        return None
    # take the value from the original text (the pattern matched a same-length copy)
    start = m.start("value")
    return text.strip()[start:].strip() or None
