"""The words that lead a byline before "by" ("Analysis by …", "Words and photos by …").

One list for the byline lines of the story (cleaners/article/bylines.py) and the author
values of the page's metadata (cleaners/html/meta.py), so that a genre word found on a new
site reaches both readers at once."""

from __future__ import annotations

LEADS: tuple[str, ...] = (
    "written", "posted", "reported", "report", "reporting", "published", "article", "story",
    "words", "text", "analysis", "opinion", "commentary", "review", "interview", "column",
    r"photos? and words", r"words and photos?",
)
#: the leads as one regex alternation, longest first so "reporting" wins over "report"
PATTERN = "|".join(sorted(LEADS, key=len, reverse=True))
