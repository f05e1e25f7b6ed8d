"""Winnow as a benchmark extractor: one page in, the record's text (and title) out.

The bench, and the shared scorer's ``-e module:function`` option, both want
``f(page: str, url: str | None) -> str``. This module is the one place that
maps that to ``cleaners.clean_page``, so every figure Winnow reports goes
through the same public call a user makes, whole (decode, front end, rules,
language detection, record validation), not a shortcut into its internals.

    python ../shared/tools/extract_bench.py run --data ../shared/dev/scrapinghub-dev \
        -e trafilatura_nocomments -e winnow=bench.adapter:extract_html
"""

from __future__ import annotations

from typing import Literal

import cleaners
from schemas.models import ArticleRecord

InputFormat = Literal["html", "text"]


def clean(page: str, url: str | None, input_format: InputFormat) -> ArticleRecord | None:
    """The record for one page, or None when Winnow rejects it.

    A reject is a legitimate answer ("no story here"), so it scores as an empty
    prediction; any other exception is a Winnow bug and is left to propagate,
    so the bench can count it instead of hiding it.
    """
    try:
        return cleaners.clean_page(page.encode("utf-8"), url=url, input_format=input_format)
    except cleaners.Rejected:
        return None


def winnow_text(page: str, url: str | None, input_format: InputFormat) -> str:
    """The article body Winnow would publish for this page ("" when rejected)."""
    record = clean(page, url, input_format)
    return record.text if record is not None else ""


def extract_html(page: str, url: str | None) -> str:
    """Scorer-compatible extractor for HTML sets."""
    return winnow_text(page, url, "html")


def extract_text(page: str, url: str | None) -> str:
    """Scorer-compatible extractor for ``-text`` sets (pages saved as plain text)."""
    return winnow_text(page, url, "text")
