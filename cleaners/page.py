"""``clean_page``: the whole cleaning of one page in one call, with no orchestration.

raw bytes -> decode -> front end (HTML tree or text lines) -> blocks -> named
rules -> article boundaries + metadata -> ``ArticleRecord``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import ValidationError

from cleaners.blocks import Block
from cleaners.decode import Decoded, decode_page
from cleaners.errors import Rejected
from cleaners.language import detect_language
from cleaners.page_model import Article
from cleaners.sitestats import SiteChrome, page_hashes
from cleaners.version import PIPELINE_VERSION
from schemas.models import ArticleRecord


@dataclass(slots=True)
class PageAnalysis:
    """Everything ``clean_page`` decided about one page; ``winnow explain`` prints it."""

    decoded: Decoded
    blocks: list[Block]
    article: Article
    rule_counts: Counter[str] = field(default_factory=Counter)


def page_id(url: str | None, raw_sha256: str) -> str:
    """A stable id: from the URL where known (so a re-fetch keeps its id), else the content."""
    if url:
        return "u" + hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:31]
    return "c" + raw_sha256[:31]


def _as_bytes(content: bytes | str) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def analyse_page(
    content: bytes | str,
    *,
    source_path: str | None = None,
    url: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
    site_chrome: SiteChrome | None = None,
    on_lines: Callable[[frozenset[int]], None] | None = None,
) -> PageAnalysis:
    """Decode the page and run the front end and rules; raise ``Rejected`` if it has no story.

    ``site_chrome``: the lines learned as chrome on the page's site (read by the
    ``site_*`` rules); without it the page is cleaned on its own. ``on_lines`` is handed
    the page's line hashes once the front end has run (even for a page then rejected as
    having no story), so a caller can learn the site from the pages it cleans.
    """
    data = _as_bytes(content)
    decoded = decode_page(data, filename=source_path, encoding=encoding)
    fmt = input_format or decoded.input_format
    if fmt == "html":
        from cleaners.html_frontend import analyse_html

        blocks, article, counts = analyse_html(decoded.text, url=url, site_chrome=site_chrome)
    else:
        from cleaners.text_frontend import analyse_text

        blocks, article, counts = analyse_text(decoded.text, site_chrome=site_chrome)
    decoded = Decoded(decoded.text, fmt, decoded.encoding)
    analysis = PageAnalysis(decoded=decoded, blocks=blocks, article=article, rule_counts=counts)
    if on_lines is not None:
        on_lines(page_hashes(b.text for b in blocks if b.text))
    if not article.paragraphs:
        rejected = Rejected("no_article",
                            "no story text found on the page (index, tag or empty page?)")
        rejected.analysis = analysis  # so `winnow explain` can still show every line's fate
        raise rejected
    return analysis


def page_line_hashes(
    content: bytes | str,
    *,
    source_path: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
) -> frozenset[int]:
    """The distinct line hashes of a page, as ``analyse_page`` would see its lines, with no
    rule run: a backfill's learning pass over the archive. Raises ``Rejected`` for a page
    that cannot be decoded (it has no lines to learn from)."""
    decoded = decode_page(_as_bytes(content), filename=source_path, encoding=encoding)
    if (input_format or decoded.input_format) == "html":
        from cleaners.html_frontend import html_lines

        return page_hashes(html_lines(decoded.text))
    from cleaners.text_frontend import text_to_blocks

    return page_hashes(b.text for b in text_to_blocks(decoded.text) if b.text)


def clean_page(
    content: bytes | str,
    *,
    source_path: str | None = None,
    url: str | None = None,
    site: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
    site_chrome: SiteChrome | None = None,
    on_lines: Callable[[frozenset[int]], None] | None = None,
) -> ArticleRecord:
    """Clean one raw page into a validated ``ArticleRecord``.

    Raises ``Rejected(reason, detail)`` for a page that cannot become an article;
    anything else escaping is a bug in Winnow. ``site_chrome`` and ``on_lines``: see
    ``analyse_page``; without them the page is cleaned exactly as on its own.
    """
    data = _as_bytes(content)
    raw_sha256 = hashlib.sha256(data).hexdigest()
    analysis = analyse_page(
        data, source_path=source_path, url=url, encoding=encoding, input_format=input_format,
        site_chrome=site_chrome, on_lines=on_lines,
    )
    art = analysis.article
    text = "\n\n".join(p.strip() for p in art.paragraphs if p.strip())
    try:
        return ArticleRecord(
            id=page_id(url, raw_sha256),
            source_path=source_path or f"<memory:{raw_sha256[:12]}>",
            raw_sha256=raw_sha256,
            url=url,
            site=site,
            title=art.title,
            alternate_titles=art.alternate_titles,
            text=text,
            language=detect_language(text),
            published=art.published,
            authors=art.authors,
            tags=art.tags,
            source=art.source,
            images=art.images,
            input_format=analysis.decoded.input_format,
            extractor=art.extractor,
            processed_at=datetime.now(UTC),
            pipeline_version=PIPELINE_VERSION,
        )
    except ValidationError as exc:
        raise Rejected("invalid_record", f"record failed validation: {exc}") from exc
