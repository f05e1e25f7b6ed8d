"""``clean_page``: the whole cleaning of one page in one call, with no orchestration.

raw bytes -> decode -> front end (HTML tree or text lines) -> blocks -> the engine
runs the format's plan of named rules -> the assembler -> ``ArticleRecord``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from pydantic import ValidationError

from cleaners.article.assemble import build_article
from cleaners.article.language import detect_language
from cleaners.article.model import Article
from cleaners.blocks import Block
from cleaners.decode import Decoded, decode_page
from cleaners.engine import label_blocks
from cleaners.errors import Rejected
from cleaners.html.frontend import html_lines, html_to_blocks
from cleaners.limits import (
    DEFAULT_LIMITS,
    Deadline,
    Limits,
    check_deadline,
    check_text_size,
    page_budget,
)
from cleaners.profiles import SiteProfile
from cleaners.rules.base import PageContext
from cleaners.sitestats import SiteChrome, page_hashes
from cleaners.tally import RuleTally
from cleaners.text.frontend import text_to_blocks
from cleaners.version import PIPELINE_VERSION
from cleaners.words.features import CJK_LETTERS, unspaced_words
from schemas.models import ArticleRecord
from schemas.site import url_site


@dataclass(slots=True)
class PageAnalysis:
    """Everything ``clean_page`` decided about one page; ``winnow explain`` prints it."""

    decoded: Decoded
    blocks: list[Block]
    article: Article


def page_id(url: str | None, raw_sha256: str) -> str:
    """A stable id: from the URL where known (so a re-fetch keeps its id), else the content."""
    if url:
        return "u" + hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:31]
    return "c" + raw_sha256[:31]


def record_url(given: str | None, stated: str) -> str | None:
    """The record's URL: the address the page gives itself (canonical, og:url) where it
    is a real page of the same site as ``given`` (the fetched URL, if known), else
    ``given``. The page's own address drops tracking parameters and mobile or AMP
    variants, so one story keeps one id; a site-root canonical (a template's mistake) or
    another site's (a syndicated copy) does not stand for this page."""
    if not stated:
        return given
    own = urljoin(given or "", stated.strip())
    parts = urlsplit(own)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path in ("", "/"):
        return given
    if given and url_site(given) != url_site(own):
        return given
    return own


def _as_bytes(content: bytes | str) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _check_raw_size(data: bytes, limits: Limits) -> None:
    """Refuse a page over ``max_raw_bytes`` before decoding it: cleaning and learning alike."""
    if limits.max_raw_bytes and len(data) > limits.max_raw_bytes:
        raise Rejected("too_large", f"{len(data)} bytes, over the {limits.max_raw_bytes}-byte"
                       " limit (max_raw_bytes)")


def _check_text_page(text: str, limits: Limits) -> None:
    """Refuse a text page over ``max_text_lines`` or the visible-character cap before the
    text front end walks it."""
    lines = text.count("\n") + 1
    if limits.max_text_lines and lines > limits.max_text_lines:
        raise Rejected("too_large", f"the text holds {lines} lines, over the"
                       f" {limits.max_text_lines}-line limit (max_text_lines)")
    check_text_size(len(text), limits)


# shape: public entry point (winnow explain, clean_page); keyword-only options, like clean_page
def analyse_page(
    content: bytes | str,
    *,
    source_path: str | None = None,
    url: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
    limits: Limits | None = None,
    deadline: Deadline | None = None,
    site_chrome: SiteChrome | None = None,
    on_lines: Callable[[frozenset[int]], None] | None = None,
    profile: SiteProfile | None = None,
) -> PageAnalysis:
    """Decode the page and run the front end and rules; raise ``Rejected`` if it has no story.

    ``limits`` caps what the page may cost (``DEFAULT_LIMITS`` when None); ``deadline``
    is its time budget, started here from ``limits.page_timeout`` when not given.
    ``site_chrome``: the lines learned as chrome on the page's site (read by the
    ``site_*`` rules); without it the page is cleaned on its own. ``on_lines`` is handed
    the page's line hashes once the front end has run (even for a page then rejected as
    having no story), so a caller can learn the site from the pages it cleans.
    ``profile``: the site's validated profile (``cleaners.profiles``), if it has one.
    """
    limits = limits or DEFAULT_LIMITS
    if deadline is None:
        deadline = Deadline(limits.page_timeout)
    data = _as_bytes(content)
    _check_raw_size(data, limits)
    with page_budget(limits, deadline):
        return _analyse(data, source_path, url, encoding, input_format, limits,
                        _SiteData(site_chrome, on_lines, profile))


@dataclass(frozen=True, slots=True)
class _SiteData:
    """What the caller knows of the page's site: its learned chrome, a listener for the
    page's line hashes, its profile (see ``analyse_page``)."""

    site_chrome: SiteChrome | None = None
    on_lines: Callable[[frozenset[int]], None] | None = None
    profile: SiteProfile | None = None


def _analyse(data: bytes, source_path: str | None, url: str | None, encoding: str | None,
             input_format: str | None, limits: Limits,
             site: _SiteData = _SiteData()) -> PageAnalysis:
    site_chrome, on_lines, profile = site.site_chrome, site.on_lines, site.profile
    decoded = decode_page(data, filename=source_path, encoding=encoding,
                          max_decompressed_bytes=limits.max_decompressed_bytes or None)
    check_deadline("decoding")
    fmt = input_format or decoded.input_format
    if fmt != "html":
        _check_text_page(decoded.text, limits)
    blocks, article = analyse_decoded(decoded.text, fmt, url=url, site_chrome=site_chrome,
                                      profile=profile)
    analysis = PageAnalysis(decoded=Decoded(decoded.text, fmt, decoded.encoding),
                            blocks=blocks, article=article)
    if on_lines is not None:
        on_lines(page_hashes(b.text for b in blocks if b.text))
    why_not = _not_a_story(article.paragraphs)
    if why_not:
        rejected = Rejected("no_article", why_not)
        rejected.analysis = analysis  # so `winnow explain` can still show every line's fate
        raise rejected
    return analysis


EXTRACTORS = {"html": "winnow-html", "text": "winnow-text"}  # the record's ``extractor``


def analyse_decoded(text: str, input_format: str, *, url: str | None = None,
                    site_chrome: SiteChrome | None = None,
                    profile: SiteProfile | None = None) -> tuple[list[Block], Article]:
    """The stages after decoding, in order: the front end of the page's format makes its
    blocks, the engine labels them by the format's plan, the assembler builds the article.
    ``site_chrome``: the lines learned as chrome on the page's site, if any; ``profile``:
    the site's profile, if it has one (its date and author places win over the markup's)."""
    markup = None
    if input_format == "html":
        blocks, markup = html_to_blocks(text, url=url, site_chrome=site_chrome,
                                        profile=profile)
    else:
        blocks = text_to_blocks(text)
    check_deadline("the front end")
    ctx = PageContext(input_format=input_format, url=url, markup=markup,
                      site_chrome=site_chrome, profile=profile)
    label_blocks(blocks, ctx)
    article = build_article(blocks, ctx, EXTRACTORS.get(input_format, "winnow"))
    if markup is not None and markup.profile_date:
        article.published = markup.profile_date
    if markup is not None and markup.profile_authors:
        article.authors = markup.profile_authors
    return blocks, article


_SENTENCE = re.compile(r"\w+(?:\W+\w+){2,}\s*[.!?…»\"”)]*[.!?…]")
# a sentence of an unspaced script: six characters or more before a full-width stop
_UNSPACED_SENTENCE = re.compile(f"[{CJK_LETTERS}][^。！？\n]{{5,}}[。！？]")
MIN_STORY_WORDS = 15


def _not_a_story(paragraphs: list[str]) -> str | None:
    """Why what the rules kept is not a story, or None when it is one.

    A story holds at least one sentence (three words or more ending in . ! ? or …; in
    Chinese or Japanese six characters or more ending in 。！？), or enough words to be
    prose without one (words of an unspaced script counted at two characters each). A
    headline and a single sentence is a story (a news flash); a lone heading ("Экономика"),
    which is what is left of a tag page once its link lists are dropped, is not, and
    publishing it as an article would be noise.
    """
    text = " ".join(p.strip() for p in paragraphs if p.strip())
    if not text:
        return ("no story text found on the page: every line was dropped as chrome"
                " (an index, tag or empty page?); `winnow explain` shows why each one went")
    # enough words is all that is asked: splitting stops there, not at the story's end
    words = max(len(text.split(None, MIN_STORY_WORDS)), unspaced_words(text))
    if words >= MIN_STORY_WORDS or _SENTENCE.search(text) or _UNSPACED_SENTENCE.search(text):
        return None
    return (f"only {words} word(s) of text are left ({text[:80]!r}) and not one sentence:"
            " a heading, not a story (an index or tag page?); `winnow explain` shows the rest")


def page_line_hashes(
    content: bytes | str,
    *,
    source_path: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
    limits: Limits | None = None,
) -> frozenset[int]:
    """The distinct line hashes of a page, as ``analyse_page`` would see its lines, with no
    rule run: a backfill's learning pass over the archive. Within the same ``limits`` as
    cleaning; raises ``Rejected`` for a page that cannot be decoded or is over them (it
    has no lines to learn from)."""
    limits = limits or DEFAULT_LIMITS
    data = _as_bytes(content)
    _check_raw_size(data, limits)
    with page_budget(limits, Deadline(limits.page_timeout)):
        decoded = decode_page(data, filename=source_path, encoding=encoding,
                              max_decompressed_bytes=limits.max_decompressed_bytes or None)
        fmt = input_format or decoded.input_format
        if fmt != "html":
            _check_text_page(decoded.text, limits)
        return page_hashes(page_lines(decoded.text, fmt))


def page_lines(text: str, input_format: str) -> list[str]:
    """The texts of a decoded page's blocks as its front end makes them, with no rule run
    (and, for HTML, no extractor): what site learning counts (``cleaners.sitestats``)."""
    if input_format == "html":
        return html_lines(text)
    return [b.text for b in text_to_blocks(text) if b.text]


# shape: public entry point; keyword-only options a caller names as needed (as trafilatura.extract)
def clean_page(
    content: bytes | str,
    *,
    source_path: str | None = None,
    url: str | None = None,
    site: str | None = None,
    encoding: str | None = None,
    input_format: str | None = None,
    limits: Limits | None = None,
    deadline: Deadline | None = None,
    site_chrome: SiteChrome | None = None,
    on_lines: Callable[[frozenset[int]], None] | None = None,
    raw_sha256: str | None = None,
    tally: RuleTally | None = None,
    fetched_at: str | None = None,
    profile: SiteProfile | None = None,
) -> ArticleRecord:
    """Clean one raw page into a validated ``ArticleRecord``.

    Raises ``Rejected(reason, detail)`` for a page that cannot become an article,
    including one over ``limits`` (``too_large``) or past its time budget
    (``timeout``); anything else escaping is a bug in Winnow. ``site_chrome`` and
    ``on_lines``: see ``analyse_page``; without them the page is cleaned exactly as on
    its own. ``raw_sha256``: the page's hash when the caller already took it (it is not
    taken again). ``tally``: when given, the blocks and lines each rule removed from this
    page are added to it, for a page then rejected as having no story too.
    ``fetched_at``: when the page was fetched (ISO 8601), carried into the record.
    ``profile``: the site's validated profile (``cleaners.profiles``): its rules run in
    the engine, its date and author places and its language fill the record. Without
    one the page is cleaned by the generic rules alone.
    """
    data = _as_bytes(content)
    if raw_sha256 is None:
        raw_sha256 = hashlib.sha256(data).hexdigest()
    try:
        analysis = analyse_page(
            data, source_path=source_path, url=url, encoding=encoding,
            input_format=input_format, limits=limits, deadline=deadline,
            site_chrome=site_chrome, on_lines=on_lines, profile=profile,
        )
    except Rejected as exc:
        if tally is not None and isinstance(exc.analysis, PageAnalysis):
            tally.add_page(exc.analysis.blocks)
        raise
    if tally is not None:
        tally.add_page(analysis.blocks)
    url = record_url(url, analysis.article.own_url)
    return _record(analysis, source_path=source_path, url=url,
                   site=site or url_site(url), raw_sha256=raw_sha256,
                   fetched_at=fetched_at, language=profile.language if profile else None)


def _record(analysis: PageAnalysis, *, source_path: str | None, url: str | None,
            site: str | None, raw_sha256: str, fetched_at: str | None,
            language: str | None = None) -> ArticleRecord:
    """The validated record of an analysed page; ``Rejected("invalid_record")`` if the
    schema refuses it. ``language``: the site's stated language (its profile's), which
    stands in for the detected one."""
    art = analysis.article
    text = "\n\n".join(p.strip() for p in art.paragraphs if p.strip())
    try:
        return ArticleRecord(
            id=page_id(url, raw_sha256),
            source_path=source_path or f"<memory:{raw_sha256[:12]}>",
            raw_sha256=raw_sha256,
            url=url,
            site=site,
            fetched_at=fetched_at,
            title=art.title,
            alternate_titles=art.alternate_titles,
            text=text,
            language=language or detect_language(text),
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
