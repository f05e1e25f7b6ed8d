"""Reader comments under the story: a thread of short posts, each under (or over) a signed
and dated header ("~Ina [2012-01-10 14:26]", "John Smith, 3 March 2012 at 14:05").

Comments read like prose, and an extractor that misses the story keeps them: the page's
own shape gives them away, not their words. The signatures need no phrase list in any
language: a name and a full date, and nothing else, on a short line. A thread is never
taken where both extractors agreed on a block inside it (a story quoting dated posts,
a timeline of dated lines, keeps its agreed text between them).
"""

from __future__ import annotations

import re

from cleaners.blocks import Block
from cleaners.rules.base import PageContext, rule
from cleaners.words.dates import find_dates
from cleaners.words.features import fold, function_words

SIGNATURE_MAX_CHARS = 80
SIGNATURE_MAX_NAME_WORDS = 4  # what a signature holds besides its date: a name, "reply"
THREAD_MIN_SIGNATURES = 3
POST_MAX_BLOCKS = 4  # blocks a post may take between two signatures
_LETTERS = re.compile(r"[^\W\d_]+")


# "Jane says:", "by jdoe ( 1311177 ) writes:", "2. Florence says:": a post's header that
# names its writer and a verb of saying and ends at its colon (or a date follows it): the
# post stands under it. Not "said": news reports quote so ("He said: ..."), on one line.
_SAYS = re.compile(
    r"(?:\d{1,4}\.\s+)?(?:by\s+)?(?P<name>[^\s:.!?][^:.!?]{0,59}?)\s+"
    r"(?:says|writes|wrote|pisze|napisał|napisała|пишет|написал|написала|"
    r"γράφει|schreibt|écrit|escribe|scrive)\s*:(?P<rest>.*)", re.IGNORECASE)
_ID_IN_BRACKETS = re.compile(r"\(\s*\d+\s*\)")  # a user number: "( 1311177 )"


def _says_header(b: Block) -> bool:
    """A line that opens with a name of one to four words (no pronoun: "He says:" opens
    a quote) and a verb of saying, and ends at its colon or with a date: the header of a
    reader's post in a text dump ("Florence says:")."""
    # most lines hold no colon: they are answered before the pattern's backtracking runs
    m = _SAYS.match(b.text) if ":" in b.text else None
    if m is None:
        return False
    rest = m.group("rest").strip()
    if rest and not find_dates(rest):
        return False
    name = _ID_IN_BRACKETS.sub(" ", m.group("name")).split()
    return 1 <= len(name) <= SIGNATURE_MAX_NAME_WORDS and \
        not any(fold(w) in function_words() for w in name)


def is_signature(b: Block) -> bool:
    """A comment's header or footer: a short line of a full date (a time perhaps) and one
    to four words (the commenter's name, "reply"), no sentence; or a name and a verb of
    saying before a colon ("Florence says:", ``_says_header``)."""
    text = b.text
    if text and _says_header(b):
        return True
    if not text or len(text) > SIGNATURE_MAX_CHARS or b.sentence_end:
        return False
    dates = find_dates(text)
    if not dates:
        return False
    rest = text
    for d in reversed(dates):
        rest = rest[:d.start] + " " + rest[d.end:]
    return 1 <= len(_LETTERS.findall(rest)) <= SIGNATURE_MAX_NAME_WORDS


def _threads(content: list[Block], sigs: list[int], most: int = POST_MAX_BLOCKS
             ) -> list[tuple[int, int]]:
    """(first, last) content index of each run of THREAD_MIN_SIGNATURES signatures or more
    (``sigs``: the signatures' indices), at most ``most`` blocks apart, with its last
    post."""
    runs: list[list[int]] = []
    for i in sigs:
        if runs and i - runs[-1][-1] <= most + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    out = []
    for run in runs:
        if len(run) >= THREAD_MIN_SIGNATURES:
            gap = min(most, max(b - a for a, b in zip(run, run[1:], strict=False)) - 1)
            out.append((run[0], min(len(content) - 1, run[-1] + gap)))
    return out


@rule("comment_thread", stage="block")
def comment_thread(blocks: list[Block], ctx: PageContext) -> None:
    """A run of three signed headers or more (a name and a date, or a name that "says:")
    with short posts between them is the readers' comments: chrome, unless both
    extractors kept a block inside it. A text dump prints a post's paragraphs, its
    subject and its reply buttons a line each: posts may hold twice as many blocks."""
    content = [b for b in blocks if b.text]
    # a text dump has no votes to keep a timeline or a programme's schedule of dated lines
    # from being taken for a thread: there only a header that names who "says:" signs
    text = ctx.input_format == "text"
    sigs = [i for i, b in enumerate(content)
            if (_says_header(b) if text else is_signature(b))]
    signed = set(sigs)
    most = POST_MAX_BLOCKS * (2 if text else 1)
    for first, last in _threads(content, sigs, most):
        if any(b.votes == 2 for b in content[first:last + 1]):
            continue
        for i in range(first, last + 1):
            if content[i].undecided:
                content[i].mark("chrome", "comment_thread", "comment signature"
                                if i in signed else "a reader's comment")
