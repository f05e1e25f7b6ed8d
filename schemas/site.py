"""What a record's ``site`` is when nothing names it: its URL's host, lower-cased,
without a leading ``www.``. The fetcher files pages under it, the flow reads it from a
sidecar's URL and the cleaner from the page's own address: one rule, so one page is
filed, learned and written under one site."""

from __future__ import annotations

from urllib.parse import urlsplit


def url_site(url: str | None) -> str | None:
    """The site a URL belongs to; None for no URL or one without a host."""
    if not url:
        return None
    return (urlsplit(url).hostname or "").lower().removeprefix("www.") or None
