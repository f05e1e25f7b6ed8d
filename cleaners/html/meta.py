"""Metadata from the page's markup: JSON-LD, OpenGraph, <meta>, headings.

Everything here reads the raw tree (before any chrome is removed). The title is
chosen by agreement between candidates (an <h1>, og:title, the JSON-LD headline,
and the <title> with the site name cut off), never the <title> as it stands.
The date is the story's own: JSON-LD / article meta first, then a <time> or a
date line at the head of the story, never a date from a sidebar.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from copy import deepcopy
from datetime import datetime

from lxml.html import HtmlElement

from cleaners.markup import PageMeta
from cleaners.words import byline_leads
from cleaners.words.dates import find_dates
from cleaners.words.normalise import fold_spaces

_SPACES = re.compile(r"\s+")
# separators between a headline and the site's name in <title>
_TITLE_SEP = re.compile(r"\s+[|:/«»—–\-]{1,2}\s+|\s+::\s+|\s*\|\s*|\s+//\s+")
_ARTICLE_TYPES = frozenset({
    "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "scholarlyarticle",
    "techarticle", "report", "liveblogposting", "socialmediaposting", "webpage",
})


def clean_text(text: str | None) -> str:
    return _SPACES.sub(" ", fold_spaces(text or "")).strip()


def title_key(text: str) -> str:
    return "".join(re.findall(r"\w+", text.lower()))


# ------------------------------------------------------------------ JSON-LD


def _ld_objects(tree: HtmlElement) -> tuple[list[dict], dict[str, dict]]:
    """The JSON-LD objects of the page in document order (``@graph`` members and list
    items in place), and the objects that carry an ``@id`` by it: an article's author is
    often only a reference (``{"@id": "#/schema/person/1"}``) to a Person of the graph."""
    out: list[dict] = []
    ids: dict[str, dict] = {}
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"))
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                out.append(item)
                if isinstance(item.get("@id"), str) and len(item) > 1:
                    ids.setdefault(item["@id"], item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return out, ids


def _ld_type(obj: dict) -> set[str]:
    t = obj.get("@type")
    types = t if isinstance(t, list) else [t]
    return {str(x).lower() for x in types if x}


# what kind of piece it is, before the name: "Analysis by Stephen Collinson" (#22)
# "Analysis by Jane Doe" as an author value; "Photos by" too, as the value names the person
_GENRE_BY = re.compile(rf"^(?:{byline_leads.PATTERN}|photos?)\s+by\s+", re.IGNORECASE)


def _names(value: object, ids: dict[str, dict] | None = None) -> list[str]:
    """Person / organisation names from a JSON-LD author-like value; a bare ``@id``
    reference is looked up among the page's objects (``ids``)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = _GENRE_BY.sub("", value.strip())
        return [v.strip() for v in re.split(r"\s*[,;]\s*|\s+и\s+|\s+and\s+", value) if v.strip()]
    if isinstance(value, list):
        return [n for v in value for n in _names(v, ids)]
    if isinstance(value, dict):
        if "name" not in value and ids and isinstance(value.get("@id"), str):
            value = ids.get(value["@id"], value)
        name = value.get("name")
        if isinstance(name, list | dict):
            return _names(name, ids)
        return [n for n in [clean_text(str(name))] if n] if name else []
    return []


# ------------------------------------------------------------------ dates


_ISO = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?"
    r"(Z|\s?(?:UTC|GMT)\b|[+-]\d{2}:?\d{2})?)?"
)


def iso_date(value: str | None) -> str | None:
    """An ISO 8601 date or date-time from a machine date, keeping only what it states."""
    if not value:
        return None
    m = _ISO.match(value.strip())
    if not m:
        return None
    day, time, tz = m.groups()
    try:
        datetime.fromisoformat(day)
    except ValueError:
        return None
    if not time:
        return day
    if len(time) == 5:
        time += ":00"
    out = f"{day}T{time}"
    if tz:
        if tz.strip() in ("Z", "UTC", "GMT"):
            tz = "+00:00"
        elif ":" not in tz:
            tz = tz[:3] + ":" + tz[3:]
        out += tz
    try:
        datetime.fromisoformat(out)
    except ValueError:
        return day
    return out


# ------------------------------------------------------------------ harvesting


def _meta_content(tree: HtmlElement) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    head = tree.find("head")
    scope = head if head is not None else tree
    for m in scope.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").lower().strip()
        content = m.get("content")
        if key and content and content.strip():
            found.setdefault(key, []).append(clean_text(content))
    return found


TITLE_CLASS = re.compile(r"(?:^|[^a-z])(?:title|headline|zag\w*|heading|header)(?:[^a-z]|$)")


def _first(metas: dict[str, list[str]], *keys: str) -> str:
    """The first value of the first of ``keys`` the page's <meta> tags give, else ""."""
    for k in keys:
        if metas.get(k):
            return metas[k][0]
    return ""


def _own_url(tree: HtmlElement) -> str:
    """The page's <link rel="canonical"> address, as written (``page.record_url`` vets it)."""
    head = tree.find("head")
    for link in (head if head is not None else tree).iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return str(link.get("href")).strip()
    return ""


def harvest(tree: HtmlElement) -> PageMeta:
    """Read the metadata the markup gives, before anything is removed from the tree.

    In order: the <title>, the OpenGraph names, the JSON-LD objects (an article's values
    over a bare WebPage's), then the <meta> tags for what JSON-LD left unset. Headings are
    added by the front end from the DOM blocks (``add_heading``), which walk the body
    anyway."""
    pm = PageMeta()
    t = tree.find(".//title")
    if t is not None:
        pm.html_title = clean_text(t.text_content())
    metas = _meta_content(tree)
    pm.og_title = _first(metas, "og:title", "twitter:title")
    pm.site_name = _first(metas, "og:site_name", "application-name")
    pm.own_url = _own_url(tree) or _first(metas, "og:url")
    objects, ids = _ld_objects(tree)
    articles = [o for o in objects if _ld_type(o) & _ARTICLE_TYPES]
    # an article's values over a bare WebPage's, the first article's over later ones (a
    # related story's, a review's)
    articles.sort(key=lambda o: _ld_type(o) == {"webpage"})
    for obj in articles:
        _read_ld(pm, obj, ids)
    _read_meta_fallbacks(pm, metas)
    if not pm.published:
        pm.date_reader = _htmldate_reader(tree)
    return pm


def _htmldate_reader(tree: HtmlElement) -> Callable[[], str | None]:
    """htmldate's reading of the page's markup (its many <meta> names, <time> and <abbr>
    elements; no search of the text), for a page whose JSON-LD and article <meta> give no
    date that Winnow reads itself: a copy of the page is taken now (the front end changes
    the tree), and read only if the assembler finds no printed date either. Links, asides,
    navigation and footers are left out of the copy (when it is read: most pages are
    dated before): htmldate would also take the dates of other stories printed in a list
    of links to them ("Similar stories: 2013-01-01 ..."), never this story's."""
    doc = deepcopy(tree)

    def read() -> str | None:
        import warnings

        from htmldate import find_date

        for el in list(doc.iter("a", "aside", "nav", "footer")):
            if el.getparent() is not None:
                el.drop_tree()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found = find_date(doc, extensive_search=False, original_date=True)
        except Exception:  # noqa: BLE001 - a crash in the date reader is no date
            return None
        return iso_date(found) if found else None

    return read


def _read_ld(pm: PageMeta, obj: dict, ids: dict[str, dict]) -> None:
    """Headline and date from one JSON-LD object of an article type, each where no earlier
    object gave it, and an article's authors, tags, publisher, image."""
    types = _ld_type(obj)
    if obj.get("headline") and not pm.ld_headline:
        pm.ld_headline = clean_text(str(obj["headline"]))
    date = iso_date(str(obj.get("datePublished") or "")) or (
        iso_date(str(obj.get("dateCreated") or "")))
    if date:
        _add_date(pm, date)
    if modified := iso_date(str(obj.get("dateModified") or "")):
        _add_modified(pm, modified)
    if types != {"webpage"}:
        _read_ld_article(pm, obj, ids)


def _ld_people(value: object, ids: dict[str, dict]) -> tuple[list[str], list[str]]:
    """(names, the names of those not typed as an Organization) of a JSON-LD author."""
    items = value if isinstance(value, list) else [value]
    orgs: list[str] = []
    for item in items:
        if isinstance(item, dict):
            ref = ids.get(item.get("@id")) if "name" not in item and \
                isinstance(item.get("@id"), str) else None
            if _ld_type(ref or item) & {"organization", "newsmediaorganization", "corporation"}:
                orgs += _names(item, ids)
    names = _names(value, ids)
    return names, [n for n in names if n not in orgs]


def _read_ld_article(pm: PageMeta, obj: dict, ids: dict[str, dict]) -> None:
    """Authors, tags, publisher (as the site name) and image of a JSON-LD article."""
    if not pm.authors:
        pm.authors, pm.people = _ld_people(obj.get("author"), ids)
    kw = obj.get("keywords")
    if isinstance(kw, str):
        pm.tags = pm.tags or [k.strip() for k in kw.split(",") if k.strip()]
    elif isinstance(kw, list):
        pm.tags = pm.tags or [clean_text(str(k)) for k in kw if str(k).strip()]
    pub = _names(obj.get("publisher"), ids)
    if pub and not pm.site_name:
        pm.site_name = pub[0]
    img = obj.get("image")
    if isinstance(img, dict) and img.get("url"):
        pm.images.append({"url": str(img["url"]), "caption": img.get("caption"),
                          "credit": None})
    elif isinstance(img, str):
        pm.images.append({"url": img, "caption": None, "credit": None})


_META_DATES = ("article:published_time", "og:article:published_time", "datepublished",
               "pubdate", "publishdate", "date", "dc.date.issued", "dc.date", "sailthru.date",
               "parsely-pub-date")


def _written_date(value: str) -> str | None:
    """A date a <meta> gives in words ("November 25, 2025"), as an ISO day."""
    if not value or len(value) > 40:
        return None
    found = find_dates(value)
    return found[0].iso[:10] if found else None


_META_MODIFIED = ("article:modified_time", "og:updated_time", "datemodified",
                  "dc.date.modified", "dcterms.modified")


def _add_modified(pm: PageMeta, date: str) -> None:
    """Keep a modified date the markup states, once per day."""
    if all(d[:10] != date[:10] for d in pm.modified):
        pm.modified.append(date)


def _add_date(pm: PageMeta, date: str) -> None:
    """The first markup date is ``published``; a later source's other day is kept in
    ``other_dates`` (the printed date may confirm it: ``assemble``)."""
    if not pm.published:
        pm.published = date
    elif date[:10] != pm.published[:10] and all(d[:10] != date[:10] for d in pm.other_dates):
        pm.other_dates.append(date)


def _read_meta_fallbacks(pm: PageMeta, metas: dict[str, list[str]]) -> None:
    """Date, authors, tags and image from the <meta> tags, for each JSON-LD left unset."""
    for key in _META_DATES:
        value = _first(metas, key)
        date = iso_date(value) or _written_date(value)
        if date:
            _add_date(pm, date)
            if key != "datepublished":  # schema.org microdata: JSON-LD's vocabulary again
                pm.meta_published = date
            break
    for key in _META_MODIFIED:
        if date := iso_date(_first(metas, key)):
            _add_modified(pm, date)
    if not pm.authors:
        author = _first(metas, "author", "article:author", "byl", "dc.creator",
                        "sailthru.author")
        if author and not author.startswith("http") and len(author.split()) <= 6:
            pm.authors = _names(author)
    if not pm.tags:
        tags = metas.get("article:tag") or []
        if not tags and (kw := _first(metas, "news_keywords")):
            tags = [k.strip() for k in kw.split(",") if k.strip()]
        pm.tags = tags
    if not pm.images and (img := _first(metas, "og:image")):
        pm.images.append({"url": img, "caption": None, "credit": None})


# ------------------------------------------------------------------ title


def add_heading(pm: PageMeta, text: str, tag: str, attrs: str) -> None:
    """Record a headline candidate: an h1-h4, or an element classed as a title."""
    if len(pm.headings) > 200 or not text or len(text) > 300:
        return
    if tag in ("h1", "h2", "h3", "h4"):
        pm.headings.append(text)
        if tag == "h1":
            pm.h1.append(text)
    elif attrs and TITLE_CLASS.search(attrs):
        pm.headings.append(text)


def title_segments(title: str) -> list[str]:
    """<title> cut at the separators sites put between headline, section and site name."""
    parts = [p.strip() for p in _TITLE_SEP.split(title) if p and p.strip()]
    return parts


def _printed(segment: str, texts: list[str]) -> str | None:
    """``segment`` as the page prints it (its case, its punctuation), if a block shows it."""
    words = re.findall(r"\w+", segment)
    if len(words) < 3:
        return None
    pattern = re.compile(r"\W+".join(re.escape(w) for w in words), re.IGNORECASE)
    for text in texts:
        m = pattern.search(text)
        if m:
            start, end = m.start(), m.end()
            # keep closing quotes / marks that belong to the headline
            while end < len(text) and text[end] in "»\"”’!?.)":
                end += 1
            while start > 0 and text[start - 1] in "«\"“„(":
                start -= 1
            return text[start:end]
    return None


def choose_title(pm: PageMeta, texts: list[str] | None = None) -> tuple[str | None, str]:
    """(the story's headline, why) by agreement between the markup's candidates.

    ``texts`` are the page's visible blocks: a <title> part the page also prints is the
    headline (as printed), the site name is not."""
    declared = [c for c in (pm.ld_headline, pm.og_title) if c]
    segments = title_segments(pm.html_title) if pm.html_title else []
    seg_keys = {title_key(s) for s in segments}
    title_k = title_key(pm.html_title)
    site_k = title_key(pm.site_name) if pm.site_name else ""
    best: tuple[float, str, str] | None = None
    for i, h in enumerate(pm.headings):
        k = title_key(h)
        if len(k) < 6 or (site_k and k == site_k):
            continue
        score = 0.0
        why = []
        if any(title_key(d) == k for d in declared):
            score += 3
            why.append("= og/json-ld")
        if k == title_k or k in seg_keys:
            score += 2
            why.append("= <title> part")
        elif title_k and len(k) >= 15 and (title_k.startswith(k) or title_k.endswith(k)):
            score += 1.5
            why.append("<title> starts with it")
        elif any(len(k) >= 15 and (title_key(d).startswith(k)) for d in declared):
            score += 1
            why.append("og/json-ld starts with it")
        if not score:
            continue
        if h in pm.h1:
            score += 0.5
        score -= i * 0.001  # earlier wins ties
        if best is None or score > best[0]:
            best = (score, h, "heading " + ", ".join(why))
    if best is not None:
        return best[1], best[2]
    for d in declared:
        if d and (not site_k or title_key(d) != site_k):
            return _strip_site(d, pm), "og:title / json-ld headline"
    if segments and texts:
        site_k = title_key(pm.site_name) if pm.site_name else ""
        for seg in segments:
            if title_key(seg) != site_k and (printed := _printed(seg, texts)):
                return printed, "<title> part printed on the page"
    if segments:
        return _strip_site(pm.html_title, pm), "<title> minus site name"
    if pm.h1:
        return pm.h1[0], "first <h1>"
    return None, "none"


def _strip_site(title: str, pm: PageMeta) -> str:
    segments = title_segments(title)
    if len(segments) <= 1:
        return title
    site_k = title_key(pm.site_name) if pm.site_name else ""
    keep = [s for s in segments if title_key(s) != site_k]
    # the headline is the longest part; site and section names are short
    return max(keep or segments, key=len)
