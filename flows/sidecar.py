"""Read a page's sidecar (``<page name>.meta.json``) and decide the page's site.

The sidecar is what the fetcher knew about a page: its URL, when it was
fetched, the site, sometimes the encoding. A broken sidecar rejects its page
(``bad_sidecar``) rather than being ignored: a page cleaned without its URL
would get a content-based id and no site, and nobody would notice.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from cleaners import Rejected

_STRING_FIELDS = ("url", "site", "encoding", "fetched_at")


@dataclass(frozen=True, slots=True)
class Sidecar:
    """The fields Winnow uses from a sidecar; other keys are allowed and ignored."""

    url: str | None = None
    site: str | None = None
    encoding: str | None = None
    fetched_at: str | None = None


def parse_sidecar(data: bytes, name: str = "sidecar") -> Sidecar:
    """Parse sidecar bytes; raise ``Rejected("bad_sidecar")`` saying what is wrong."""
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Rejected("bad_sidecar", f"{name} is not valid UTF-8 JSON: {exc}") from None
    except RecursionError:
        raise Rejected("bad_sidecar", f"{name} nests JSON too deeply to be metadata") from None
    if not isinstance(obj, dict):
        raise Rejected("bad_sidecar", f"{name} must hold a JSON object, not {type(obj).__name__}")
    values: dict[str, str | None] = {}
    for key in _STRING_FIELDS:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise Rejected("bad_sidecar", f"{name}: {key!r} must be a string or null,"
                           f" not {type(value).__name__}")
        if isinstance(value, str) and not _is_unicode(value):
            raise Rejected("bad_sidecar", f"{name}: {key!r} holds an unpaired surrogate"
                           " escape (\\udXXX), which is not text")
        values[key] = (value.strip() or None) if isinstance(value, str) else None
    if values["encoding"]:
        try:
            info = codecs.lookup(values["encoding"])
        except LookupError:
            raise Rejected(
                "bad_sidecar", f"{name}: unknown encoding {values['encoding']!r}"
            ) from None
        if not getattr(info, "_is_text_encoding", True):  # "zlib", "base64", "rot13"...
            raise Rejected(
                "bad_sidecar", f"{name}: {values['encoding']!r} is not a text encoding"
            )
    if values["url"]:
        try:
            host = urlsplit(values["url"]).netloc
        except ValueError as exc:  # "http://[::1" and other malformed netlocs
            raise Rejected("bad_sidecar", f"{name}: url {values['url']!r}: {exc}") from None
        if not host:
            raise Rejected("bad_sidecar", f"{name}: url {values['url']!r} has no host")
    return Sidecar(**values)


def _is_unicode(value: str) -> bool:
    """False for a string JSON gave us with a lone surrogate ("\\ud800"): it cannot be
    written as UTF-8, so a record carrying it would fail its whole batch's write."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def url_host(url: str | None) -> str | None:
    """The host of a URL, lower-cased and without a leading ``www.``."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    host = host.removeprefix("www.")
    return host or None


def page_site(sidecar: Sidecar | None, folder_site: str | None) -> str | None:
    """The site a page belongs to: the sidecar's word first, then the URL, then the folder."""
    if sidecar is not None:
        if sidecar.site:
            return sidecar.site
        host = url_host(sidecar.url)
        if host:
            return host
    return folder_site
