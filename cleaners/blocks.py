"""The unit every rule judges: a block of page text with the features rules read.

Both front ends produce blocks: the text front end makes one per logical line of
a saved text page, the HTML front end one per block element of the extracted
tree. One engine then labels them, so a rule written once serves both inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cleaners.words.features import (
    ends_sentence,
    fold,
    function_words,
    plain_words,
    stopword_density,
    text_size,
    unspaced_words,
    words,
)
from cleaners.words.keys import first_key_word, norm_key

Label = Literal[
    "undecided",
    "body",  # part of the story
    "title",  # the story's headline
    "alt_title",  # the headline again, in another language or script
    "meta",  # dropped from the text, but lifted into metadata (date, tags, source, image)
    "chrome",  # site furniture: dropped
    "blank",  # an empty line, kept only as a separator
]
@dataclass(slots=True)
class Markup:
    """What the HTML front end read off a block's markup, and what the extractors voted on
    it. Text pages have none: rules that need it ask ``Block.markup`` first."""

    container: str = ""  # the chrome container it sits in ("<nav>", "class=comments"), if any
    images: list[tuple[str, str]] = field(default_factory=list)  # (src, alt) beside it
    match_key: str = ""  # its words joined: what the headline and the votes are matched on
    votes: int = 0  # how many of the two extractors kept it
    voter: str | None = None  # the extractor that kept it alone, when only one did
    prominent: bool = False  # set off as a headline (heading, title class, bold or large)
    template: str = ""  # why the site's template holds it (learned site chrome), if it does
    datetime: str = ""  # the machine date of a <time datetime> (or itemprop date) in it
    # (key, note) when the site's profile drops it (``cleaners.html.profile_cut``)
    profile: tuple[str, str] | None = None
    # the elements it stood in, innermost first, as the page was parsed (lxml elements;
    # ``object`` keeps lxml out of the text path; the extractors later rewrite the tree):
    # where it stands in the page (``html_rules.story_root``). Empty in a chrome container.
    ancestors: tuple[object, ...] = ()


@dataclass(slots=True)
class Lifted:
    """What a rule lifted out of a block into the article's metadata; the assembler reads
    it from the blocks the rules dropped (label "meta")."""

    tags: list[str] = field(default_factory=list)
    tags_follow: bool = False  # a bare tags label: the tags stand on the next line
    author: str | None = None
    source: str | None = None
    caption: str | None = None
    credit: str | None = None
    image_url: str | None = None


DROPPED: frozenset[str] = frozenset({"meta", "chrome"})


@dataclass(slots=True)
class Block:
    """One line (text front end) or block element (HTML front end)."""

    index: int
    text: str  # normalised: whitespace folded, bullets and link numbers gone
    raw: str  # the line(s) as they stood in the page, for `winnow explain`
    bullet: bool = False  # began with a list bullet
    indent: int = 0  # leading spaces before normalisation
    blank_before: bool = False  # a blank line (or a new container) stands before it
    tag: str | None = None  # HTML: p, h1, li, td... ; None for text dumps
    link_density: float = 0.0  # HTML: share of the text inside <a>
    hints: str = ""  # HTML: class / id / role words of the element and its ancestors
    label: Label = "undecided"
    rule: str | None = None  # the named rule that set the label
    note: str = ""  # what the rule saw, for explain
    markup: Markup | None = None  # HTML: the markup's evidence (``Markup``); None for text
    lifted: Lifted | None = None  # the metadata a rule lifted out of it, if any
    # the site statistics' hash of the text (``sitestats.line_hash``), once asked
    site_hash: int | None = field(default=None, repr=False)
    site_hashed: bool = field(default=False, repr=False)
    # features, filled by ``compute_features`` once per block
    # norm_key(text), the form phrase lists are matched in: "" before the features are
    # computed, None after until first asked (few rules ask, and mostly of short lines)
    key_cache: str | None = field(default="", repr=False)
    first_word: str = ""  # the first word of ``key``, which phrase rules ask first
    # the words of the lowercased text (``features.words``); None until computed. Kept:
    # the title rule reads the story's words from them rather than finding them again
    tokens: list[str] | None = field(default=None, repr=False)
    # words: ``features.words`` tokens, or in Chinese, Japanese and Korean text its CJK
    # characters at two a word (``features.unspaced_words``), whichever is more; every
    # rule's length in words reads this, so it means as much text in either
    n_words: int = 0
    # how much text it holds (``features.text_size``: a CJK character counts as three
    # letters); -1 until first asked
    chars: int = field(default=-1, repr=False)
    # jusText stoplist share: prose density. 0 in Chinese and Japanese text, which has
    # no stoplist (its tokens are whole clauses): ``_page_has_stopwords`` then judges the
    # page's prose without it
    stop_density: float = 0.0
    # prepositions, conjunctions...: none in menus. 0 in unspaced text, whose tokens are
    # clauses: rules that ask for a function word do not fire there (see their docs)
    function_words: int = 0
    sentence_end: bool = False

    def mark(self, label: Label, rule: str, note: str = "") -> None:
        """Label the block and remember which rule did it (and why)."""
        self.label = label
        self.rule = rule
        self.note = note

    def lift(self) -> Lifted:
        """The block's lifted metadata, made on first use: a rule writes what it found."""
        if self.lifted is None:
            self.lifted = Lifted()
        return self.lifted

    @property
    def container(self) -> str:
        """The chrome container the markup puts the block in ("" if none, or a text page)."""
        return self.markup.container if self.markup is not None else ""

    @property
    def votes(self) -> int:
        """How many extractors kept the block (0 on a text page)."""
        return self.markup.votes if self.markup is not None else 0

    @property
    def key(self) -> str:
        """norm_key(text): the form phrase lists are matched in."""
        if self.key_cache is None:
            self.key_cache = norm_key(self.text)
        return self.key_cache

    def word_tokens(self) -> list[str]:
        """The words of the lowercased text: the features' ``tokens``, or found now for a
        block whose features were never computed (an HTML block no rule voted on)."""
        return self.tokens if self.tokens is not None else words(fold(self.text))

    @property
    def size(self) -> int:
        """The text's length in Latin letters' worth (``features.text_size``): what the
        length rules read, so that they ask as much of Chinese or Japanese text, whose
        characters are words or halves of words, as of a spaced language."""
        if self.chars < 0:
            self.chars = text_size(self.text)
        return self.chars

    @property
    def undecided(self) -> bool:
        return self.label == "undecided"

    def compute_features(self, plain: bool = False) -> None:
        """Fill the cheap features every rule reads, once. ``plain``: the page holds only
        ASCII, Cyrillic letters and common signs (``features.not_plain``), so its words
        can be found by a cheaper pattern."""
        lowered = fold(self.text)
        tokens = plain_words(lowered) if plain else words(lowered)
        self.key_cache = None
        self.tokens = tokens
        self.first_word = first_key_word(lowered)
        self.n_words = len(tokens)
        if not plain:  # an unspaced script's words are counted by characters
            self.n_words = max(self.n_words, unspaced_words(self.text))
        self.stop_density = stopword_density(tokens)
        self.function_words = len(function_words().intersection(tokens))
        self.sentence_end = ends_sentence(self.text)


def content_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks that hold text: what block and boundary rules walk (blank lines are not)."""
    return [b for b in blocks if b.text]
