"""``winnow profile suggest``: a draft profile for one site from its saved pages.

Finds the site's pages under the raw folder (the site as a run decides it: the
sidecar's word, its URL's host, else the page's folder), decodes them, and hands
their texts to ``cleaners.profile_draft``, which counts them as site learning does.
"""

from __future__ import annotations

from pathlib import Path

from cleaners import decoded, draft_profile
from flows.batch import page_sidecar, read_page
from flows.discover import discover
from flows.sidecar import page_site
from flows.warc import expand_warcs

MAX_PAGES = 500  # enough to see a site's template; a draft need not read the archive


def site_pages(raw: str | Path, site: str, limit: int = MAX_PAGES) -> list[tuple[str, str]]:
    """(decoded text, format) of up to ``limit`` pages of ``site`` under ``raw``, files
    and the records of WARC files alike (the site as a run decides it: a WARC record's
    URL, a sidecar, the folder); a page that cannot be read or decoded is skipped."""
    out: list[tuple[str, str]] = []
    pages, _ = expand_warcs(discover(raw).pages)
    for page in pages:
        sidecar = page_sidecar(page)
        fields = sidecar.sidecar if sidecar is not None else None
        if page_site(fields, page.folder_site) != site:
            continue
        try:
            data = read_page(page).data
            if data is not None:
                out.append(decoded(data, filename=page.source_path,
                                   encoding=fields.encoding if fields else None))
        except Exception:  # noqa: BLE001 - an unreadable page teaches nothing; skip it
            continue
        if len(out) >= limit:
            break
    return out


def suggest(raw: str | Path, site: str) -> str:
    """The draft profile's TOML text; ``ValueError`` when the site has no pages there."""
    pages = site_pages(raw, site)
    if not pages:
        raise ValueError(f"no pages of site {site!r} under {raw}")
    return draft_profile(site, pages)
