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
from cleaners.words import byline_leads
from cleaners.words.dates import find_dates, month_number
from cleaners.words.features import function_words

# blocks before the headline and after the story's first block a byline may stand in
BEFORE_TITLE = 4
AFTER_START = 4
MAX_AFTER_TITLE = 15  # ...and at most this many after the headline
MAX_NAME_WORDS = 5
MAX_NAME_CHARS = 60
LATER_BY_WORDS = 20  # a line this short may give its byline after a date
UNDER_HEADLINE_WORDS = (2, 3)  # a name alone under the headline: this many words...
UNDER_HEADLINE_LINES = 3  # ...in one of the first lines under it

_BY = re.compile(
    rf"^(?i:(?:{byline_leads.PATTERN})\s+)?(?i:by)(?:\s*:?\s+|(?=[A-Z]))(?P<rest>\S.*)$")
# "Posted on December 18, 2025 Posted by John Scalzi", "Mar 24, 2025 By Amy Wilhelm": a
# byline after the date on the same line
_BY_LATER = re.compile(
    r"(?:(?:\d{4}|[|•·—–])\s*(?i:(?:posted |written )?by)|(?i:posted by|written by))"
    r"(?:\s*:?\s+|(?=[A-Z]))(?P<rest>[A-Z].*)$")
_LABELLED = re.compile(
    r"^(?:authors?|contributors?|автор[ыа]?|текст|корреспондент)\s*[:\-–—]\s*(?P<rest>\S.*)$",
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
# a weekday in a "name" is a date line's ("Sherif Saed Wednesday")
_WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                       "sunday"})
# a role, a site's account or a placeholder standing where the person's name would be: a
# "name" made only of these words is none ("Admin", "Staff Writer")
NOT_PEOPLE = frozenset({"admin", "administrator", "webmaster", "staff", "editor", "editors",
                        "guest", "anonymous", "unknown", "user", "author", "redaktion", "writer",
                        "writers", "reporter", "correspondent", "contributor", "desk",
                        "редакция", "администратор", "админ", "корреспондент"})
_GLUED = re.compile(r"[a-z]{4}[A-Z][a-z]")
_NAME_WORD = re.compile(r"^[(\"“]?[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁΑ-Ω][\w.'’\-)]*$|^[A-Z]\.$")


def not_a_name(name: str) -> bool:
    """Whether ``name`` is only role words ("Admin", "Staff Writer"): no one's name."""
    return all(w.casefold().strip(".,") in NOT_PEOPLE for w in name.split())


def person_like(name: str) -> bool:
    """Whether ``name`` looks like a person's name (or a byline's team name): 1-5 words,
    capitalised, no digits, no address, not a placeholder role."""
    if len(name) < 3 or len(name) > MAX_NAME_CHARS or any(c.isdigit() for c in name):
        return False
    if "@" in name or "://" in name or name.casefold().startswith("www."):
        return False
    words = name.split()
    if not 1 <= len(words) <= MAX_NAME_WORDS or not_a_name(name):
        return False
    if any(_GLUED.search(w) for w in words) or (len(words) == 1 and month_number(name)) or \
            any(w.casefold().strip(",.") in _WEEKDAYS for w in words):
        return False  # "ChecklistsJust": two links' words run together; "Jun", "Wednesday"
    lower = [w for w in words if not _NAME_WORD.match(w) and w.casefold() not in _PARTICLES]
    # one word in lower case at most, and not the first: "The Currency editors"
    return _NAME_WORD.match(words[0]) is not None and len(lower) <= (len(words) > 2) and \
        all(w.isalpha() for w in lower)


# a role after the names: "Jane Doe, Head of Marketing and Community Development"
_ROLE_LINK = re.compile(r"\s(?:of|at|for|in)\s")


def _without_role(name: str) -> str:
    """``name`` without a role after it in lower case and the word qualifying it ("James
    Gallagher Health reporter", "Jane Doe Staff writer"), where two words are left."""
    words = name.split()
    if len(words) >= 4 and words[-1].islower() and not_a_name(words[-1]):
        return " ".join(words[:-2])
    return name


def byline_names(rest: str) -> list[str]:
    """The names at the start of what follows "By": up to a date, a separator or a role
    ("By A. J. Neal View In Digital Edition": the longest name the line starts with)."""
    m = _NAME_END.search(rest)
    head = rest[:m.start()] if m else rest
    words = head.split()
    while words and month_number(words[-1]):  # "Sam Singleton Nov 25, 2025"
        words.pop()
    head = " ".join(words)
    names = []
    for part in _NAME_SPLIT.split(head.strip(" ,.:;")):
        part = part.strip(" ,.:;")
        if not part:
            continue
        part = _without_role(part)
        if not person_like(part) or (names and _ROLE_LINK.search(part)):
            if not names:  # the first name runs into what follows it
                words = part.split()
                part = next((" ".join(words[:n]) for n in (3, 2)
                             if person_like(" ".join(words[:n]))), "")
                names += [part] if part else []
            break  # "Jane Doe, Contributing Writer": the role ends the names
        names.append(part)
    return names


def _line_names(b: Block) -> list[str]:
    """The names a line that says "By" or "Author:" gives, or []."""
    text = b.text.strip()
    if len(text) > 200 or _LABEL.match(text):
        return []
    m = _BY.match(text) or _LABELLED.match(text)
    if m is None and len(text.split()) <= LATER_BY_WORDS:
        m = _BY_LATER.search(text)
    return byline_names(m.group("rest")) if m else []


def _hinted_names(b: Block) -> list[str]:
    """The names at the start of a short line the markup classes as the author's."""
    text = b.text.strip()
    if len(text) > 200 or _LABEL.match(text) or not _hinted(b):
        return []
    dates = find_dates(text[:40])
    if dates and dates[0].start < 12:
        return []  # "November 14, 2025 • 5 min read": the date of the byline bar
    return byline_names(re.sub(r"^(?:by|von|par|por|автор)\s*:?\s*(?=[A-ZА-ЯЁ])", "", text,
                               flags=re.IGNORECASE))


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
    after = seq[a + 1:min(f + 1 + AFTER_START, a + 1 + MAX_AFTER_TITLE)]
    before = seq[max(0, a - BEFORE_TITLE):a][::-1]
    return after + before


def printed_byline(blocks: list[Block]) -> list[str]:
    """The authors the byline beside the headline names, or []: a line that says "By" (in a
    chrome container too, when short), else a label over a name, else a line the markup
    classes as the author's."""
    window = _window(blocks)
    following: dict[int, Block] = {}
    preceding: dict[int, Block] = {}
    prev = None
    for b in blocks:
        if b.text:
            if prev is not None:
                following[prev.index] = b
                preceding[b.index] = prev
            prev = b
    for b in window:
        if b.markup is not None and b.markup.container and \
                len(b.text.split()) > LATER_BY_WORDS:
            continue
        near = (preceding.get(b.index), following.get(b.index))
        if any(n is not None and _BY.match(n.text) for n in near):
            continue  # "By Role", "By Industry": a menu's run of "By" lines
        if names := _line_names(b):
            return names
    window = [b for b in window if not (b.markup is not None and b.markup.container)]
    for b in window:
        nxt = following.get(b.index)
        if _LABEL.match(b.text.strip()) and nxt is not None and person_like(nxt.text.strip()):
            return [nxt.text.strip()]
    for b in window:
        if names := _hinted_names(b):
            return names
    return []


def plain_name(text: str) -> bool:
    """A name standing alone with nothing to say it is one: person-like, two or three
    words, not in capitals, no function word (but a leading "The": "The Upwork Team")."""
    words = text.split()
    lo, hi = UNDER_HEADLINE_WORDS
    plain = words[1:] if words and words[0] == "The" else words
    common = function_words()
    return lo <= len(words) <= hi and person_like(text) and not _LABEL.match(text) and \
        not text.isupper() and not any(w.casefold() in common for w in plain)


def name_under_headline(blocks: list[Block]) -> str | None:
    """A plain name (``plain_name``) in the first lines between the headline and the story:
    weaker than a byline that says "By", taken only where nothing else names the author."""
    title = next((b.index for b in blocks if b.label == "title"), None)
    first = next((b.index for b in blocks if b.label == "body"), None)
    if title is None or first is None or first < title:
        return None
    for b in [b for b in blocks[title + 1:first] if b.text][:UNDER_HEADLINE_LINES]:
        if plain_name(b.text.strip()) and b.tag not in ("h1", "h2", "h3", "h4", "h5", "h6") \
                and not (b.markup is not None and b.markup.container):
            return b.text.strip()
    return None


AFTER_STORY = 15  # text blocks after the story's last block an author box may stand in
BOX_NEAR = 3  # ...and how near the author's name its bio (or its label) stands
_BOX_LABEL = re.compile(
    r"^(?:about the (?:author|writer)|(?:article |post )?written by|posted by|author|"
    r"об авторе|автор[ыа]?)\s*:?$", re.IGNORECASE)
# a bio's first words after the name: "Lauren Vetter is a...", "Bence has..."
_BIO_VERB = re.compile(
    r"^(?:'s\s|’s\s|\s*,?\s+(?:is|was|has|had|writes|wrote|works|worked|lives|joined|leads|"
    r"covers|holds|serves|loves|spent|began|started|brings|specializes|specialises|founded|"
    r"helps|enjoys|graduated|teaches|taught|studied|studies)\b)")


def author_box(blocks: list[Block]) -> list[str]:
    """The author an author box after the story names, or []: a line that says "By" ("Text
    by Jane Doe", "This post was written by Jane Doe, Head of..."), a label ("About the
    author", "Written by") next to a name, or a name over its bio ("Jane Doe" then "Jane is
    a..."). Weaker than a byline by the headline; never in the comments."""
    last = max((b.index for b in blocks if b.label == "body"), default=None)
    if last is None:
        return []
    after: list[Block] = []
    for b in blocks[last + 1:]:
        if b.hints and "comment" in b.hints.casefold():
            break
        if len(after) == AFTER_STORY:
            break
        if b.text:
            after.append(b)
    for i, b in enumerate(after):
        text = b.text.strip()
        if len(text.split()) > LATER_BY_WORDS:
            continue
        if (m := _BY.match(text) or _BY_LATER.search(text)) and (names := byline_names(
                m.group("rest"))):
            return names
        if _BOX_LABEL.match(text):
            nxt = after[i + 1].text.strip() if i + 1 < len(after) else ""
            if person_like(nxt) and not _NAME_SPLIT.search(nxt):
                return [nxt]  # "About the author" over "Jane (Guha) Doe"
            if len(nxt.split()) <= MAX_NAME_WORDS * 2 and (names := byline_names(nxt)):
                return names  # "Written by:" over "Jane Doe, MD"
            if i and plain_name(prev := after[i - 1].text.strip()):
                return [prev]  # "Jane Doe" over "Author"
        if plain_name(text) and _bio_follows(text, after[i + 1:i + 1 + BOX_NEAR]):
            return [text]
    return []


def _bio_follows(name: str, nxt: list[Block]) -> bool:
    """Whether one of ``nxt`` starts as a bio of ``name``: its whole or first name, then a
    word in lower case ("Jane Doe is...", "Jane has written...")."""
    first = name.split()[0]
    for b in nxt:
        text = b.text.strip()
        for head in (name, first):
            if text.startswith(head) and _BIO_VERB.match(text[len(head):]):
                return True
    return False
