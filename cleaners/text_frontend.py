"""Placeholder text front end: every non-blank line is a paragraph (replaced by the rule engine)."""

from __future__ import annotations

from collections import Counter

from cleaners.blocks import Block


def analyse_text(text: str):
    from cleaners.page import Article

    blocks = [Block(index=i, text=" ".join(line.split()), raw=line)
              for i, line in enumerate(text.splitlines())]
    for b in blocks:
        b.mark("body" if b.text else "blank", "placeholder")
    article = Article(paragraphs=[b.text for b in blocks if b.label == "body"],
                      extractor="winnow-text")
    return blocks, article, Counter()
