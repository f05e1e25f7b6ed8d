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

SIGNATURE_MAX_CHARS = 80
SIGNATURE_MAX_NAME_WORDS = 4  # what a signature holds besides its date: a name, "reply"
THREAD_MIN_SIGNATURES = 3
POST_MAX_BLOCKS = 4  # blocks a post may take between two signatures
_LETTERS = re.compile(r"[^\W\d_]+")


def is_signature(b: Block) -> bool:
    """A comment's header or footer: a short line of a full date (a time perhaps) and one
    to four words (the commenter's name, "reply"), no sentence."""
    text = b.text
    if not text or len(text) > SIGNATURE_MAX_CHARS or b.sentence_end:
        return False
    dates = find_dates(text)
    if not dates:
        return False
    rest = text
    for d in reversed(dates):
        rest = rest[:d.start] + " " + rest[d.end:]
    return 1 <= len(_LETTERS.findall(rest)) <= SIGNATURE_MAX_NAME_WORDS


def _threads(content: list[Block], sigs: list[int]) -> list[tuple[int, int]]:
    """(first, last) content index of each run of THREAD_MIN_SIGNATURES signatures or more
    (``sigs``: the signatures' indices), at most POST_MAX_BLOCKS blocks apart, with its
    last post."""
    runs: list[list[int]] = []
    for i in sigs:
        if runs and i - runs[-1][-1] <= POST_MAX_BLOCKS + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    out = []
    for run in runs:
        if len(run) >= THREAD_MIN_SIGNATURES:
            gap = min(POST_MAX_BLOCKS, max(b - a for a, b in zip(run, run[1:], strict=False)) - 1)
            out.append((run[0], min(len(content) - 1, run[-1] + gap)))
    return out


@rule("comment_thread", stage="html")
def comment_thread(blocks: list[Block], ctx: PageContext) -> None:
    """A run of three signed, dated headers or more with short posts between them is the
    readers' comments: chrome, unless both extractors kept a block inside it."""
    content = [b for b in blocks if b.text]
    sigs = [i for i, b in enumerate(content) if is_signature(b)]
    signed = set(sigs)
    for first, last in _threads(content, sigs):
        if any(b.votes == 2 for b in content[first:last + 1]):
            continue
        for i in range(first, last + 1):
            if content[i].undecided:
                content[i].mark("chrome", "comment_thread", "comment signature"
                                if i in signed else "a reader's comment")
