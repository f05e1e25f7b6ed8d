"""The byline the page prints beside the story's headline, and whether a name is a person's.

Read off the blocks around the headline and the story's first lines (both formats), after
the rules have labelled them; it labels nothing, so the story's text does not depend on it.
A byline is one of:

- a line that says so: "By Jane Doe", "Written by Jane Doe | May 1, 2024", "by: Jane Doe,
  Dec 17, 2025", "Автор: Иван Петров" (the name ends where a date, a separator or a role
  begins);
- a label alone ("Written by", "Author", "Автор:") over a line that is a name;
- (HTML) a short line whose element the markup classes as the author's or the byline
  ("author", "byline", "writer" in its class/id), when it is a name.

A name is a person's only when it looks like one: one to five words, capitalised (name
particles such as "van", "de" aside), no digits, no address, and not a role that stands
in for a person ("Admin", "Staff"). Whether it is the site itself is the assembler's
question (``assemble._markup_people``).
"""

from __future__ import annotations

import re

from cleaners.blocks import Block

# blocks before the headline and after the story's first block a byline may stand in
BEFORE_TITLE = 4
AFTER_START = 4
MAX_NAME_WORDS = 5
MAX_NAME_CHARS = 60

_BY = re.compile(
    r"^(?:(?:written|posted|reported|published|article|story|words|text|reporting|"
    r"photos? and words)\s+)?by\s*:?\s+(?P<rest>\S.*)$", re.IGNORECASE)
_LABELLED = re.compile(
    r"^(?:authors?|автор[ыа]?|текст|корреспондент)\s*[:\-–—]\s*(?P<rest>\S.*)$",
    re.IGNORECASE)
_LABEL = re.compile(
    r"^(?:authors?|written by|posted by|words by|by|автор[ыа]?|текст)\s*:?$", re.IGNORECASE)
# where a name in a byline ends: a separator, a date or time, "Updated", a role after a comma
_NAME_END = re.compile(
    r"\s*(?:[|•·—–/]|\s-\s|\d|\bon\s+(?=[A-Z\d])|\b(?:updated|published|posted|last|"
    r"reviewed|fact[- ]checked|edited|read|min)\b|\(|\bобновлено\b)", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\bи\b)\s*")
_HINT = re.compile(r"(?:^|[^a-z])(?:author|authors|byline|byl|writer|posted-?by)(?:[^a-z]|$)")
_PARTICLES = frozenset({"van", "der", "den", "de", "da", "di", "del", "dos", "du", "la", "le",
                        "von", "bin", "al", "el", "y", "ten", "ter", "st."})
# a role, a site's account or a placeholder standing where the person's name would be
NOT_PEOPLE = frozenset({"admin", "administrator", "webmaster", "staff", "editor", "editors",
                        "guest", "anonymous", "unknown", "user", "author", "redaktion",
                        "редакция", "администратор", "админ"})
_NAME_WORD = re.compile(r"^[(\"“]?[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁΑ-Ω][\w.'’\-)]*$|^[A-Z]\.$")


def person_like(name: str) -> bool:
    """Whether ``name`` looks like a person's name (or a byline's team name): 1-5 words,
    capitalised, no digits, no address, not a placeholder role."""
    if not name or len(name) > MAX_NAME_CHARS or any(c.isdigit() for c in name):
        return False
    if "@" in name or "://" in name or name.casefold().startswith("www."):
        return False
    words = name.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS or name.casefold() in NOT_PEOPLE:
        return False
    return all(_NAME_WORD.match(w) or w.casefold() in _PARTICLES for w in words) and \
        _NAME_WORD.match(words[0]) is not None


def byline_names(rest: str) -> list[str]:
    """The names at the start of what follows "By": up to a date, a separator or a role."""
    m = _NAME_END.search(rest)
    head = rest[:m.start()] if m else rest
    names = []
    for part in _NAME_SPLIT.split(head.strip(" ,.:;")):
        part = part.strip(" ,.:;")
        if not part:
            continue
        if not person_like(part):
            break  # "Jane Doe, Contributing Writer": the role ends the names
        names.append(part)
    return names


def _line_names(b: Block, hinted: bool) -> list[str]:
    """The names a byline line gives, or []."""
    text = b.text.strip()
    if len(text) > 200 or _LABEL.match(text):
        return []
    m = _BY.match(text) or _LABELLED.match(text)
    if m:
        return byline_names(m.group("rest"))
    if hinted:
        bare = re.sub(r"^(?:by|von|par|por|автор)\s*:?\s*(?=[A-ZА-ЯЁ])", "", text,
                      flags=re.IGNORECASE)
        if person_like(bare):
            return [bare]
    return []


def _hinted(b: Block) -> bool:
    return bool(b.hints) and _HINT.search(b.hints) is not None and "comment" not in b.hints


def _window(blocks: list[Block]) -> list[Block]:
    """The blocks a byline may stand in: after the headline (or the story's start) to a few
    blocks into the story, then the few above the headline, nearest first."""
    title = next((b.index for b in blocks if b.label == "title"), None)
    first = next((b.index for b in blocks if b.label == "body"), None)
    if first is None and title is None:
        return []
    anchor = title if title is not None and (first is None or title < first) else first
    first = first if first is not None else anchor
    seq = [b for b in blocks if b.text]
    pos = {b.index: i for i, b in enumerate(seq)}
    a, f = pos.get(anchor), pos.get(first)
    if a is None or f is None:
        return []
    after = seq[a + 1:f + 1 + AFTER_START]
    before = seq[max(0, a - BEFORE_TITLE):a][::-1]
    return after + before


def printed_byline(blocks: list[Block]) -> list[str]:
    """The authors the byline beside the headline names, or []."""
    window = _window(blocks)
    following = {}
    prev = None
    for b in blocks:
        if b.text:
            if prev is not None:
                following[prev.index] = b
            prev = b
    for b in window:
        if b.markup is not None and b.markup.container:
            continue
        names = _line_names(b, _hinted(b))
        if names:
            return names
        nxt = following.get(b.index)
        if _LABEL.match(b.text.strip()) and nxt is not None and person_like(nxt.text.strip()):
            return [nxt.text.strip()]
    return []
