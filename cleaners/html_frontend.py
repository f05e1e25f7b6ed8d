"""Placeholder HTML front end: trafilatura alone (replaced by the HTML issue's work)."""

from __future__ import annotations

from collections import Counter

import trafilatura

from cleaners.blocks import Block


def analyse_html(html: str, *, url: str | None = None):
    from cleaners.page_model import Article

    out = trafilatura.extract(html, url=url, include_comments=False) or ""
    blocks = [Block(index=i, text=line.strip(), raw=line, label="body", rule="trafilatura")
              for i, line in enumerate(out.splitlines()) if line.strip()]
    article = Article(paragraphs=[b.text for b in blocks], extractor="trafilatura")
    return blocks, article, Counter()
