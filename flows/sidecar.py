"""Read a page's sidecar (``<page name>.meta.json``) and decide the page's site.

The sidecar is what the fetcher knew about a page: its URL, when it was
fetched, the site, sometimes the encoding. A broken sidecar rejects its page
(``bad_sidecar``) rather than being ignored: a page cleaned without its URL
would get a content-based id and no site, and nobody would notice.

A run reads each sidecar once (``read_sidecar_file``, in the flow's process): the
parsed fields, the hash and the stat travel with the page's job, and date selection,
site, URL, encoding and the state's key all take them from there.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from cleaners import Rejected
from flows.discover import FileStat, sidecar_name
from schemas.site import url_site

_STRING_FIELDS = ("url", "site", "encoding", "fetched_at", "final_url")
MAX_SIDECAR_BYTES = 1024 * 1024  # a larger "sidecar" is not metadata: bad_sidecar


@dataclass(frozen=True, slots=True)
class Sidecar:
    """The fields Winnow uses from a sidecar; other keys are allowed and ignored."""

    url: str | None = None
    site: str | None = None
    encoding: str | None = None
    fetched_at: str | None = None
    final_url: str | None = None  # where ``winnow fetch`` got the page, after redirects

    @property
    def page_url(self) -> str | None:
        """The URL a record carries: where the page was fetched from, after redirects."""
        return self.final_url or self.url


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
    if values["fetched_at"]:
        values["fetched_at"] = _fetch_time(values["fetched_at"], name)
    for key in ("url", "final_url"):
        if values[key]:
            _check_host(values[key], key, name)
    return Sidecar(**values)


def _check_host(url: str, key: str, name: str) -> None:
    try:
        host = urlsplit(url).netloc
    except ValueError as exc:  # "http://[::1" and other malformed netlocs
        raise Rejected("bad_sidecar", f"{name}: {key} {url!r}: {exc}") from None
    if not host:
        raise Rejected("bad_sidecar", f"{name}: {key} {url!r} has no host")


@dataclass(frozen=True, slots=True)
class SidecarFile:
    """A page's sidecar as read once: its fields, or why it is bad; the hash of its bytes;
    and its stat when that can stand for the bytes next time (see ``FileStat.settled``).
    Small and picklable: it travels to the worker with the page's job."""

    sidecar: Sidecar | None  # None when the sidecar is bad (``problem`` says why)
    sha256: str | None  # None when it could not be read: the page is then not remembered
    problem: str | None = None  # the ``bad_sidecar`` detail
    stat: FileStat | None = None  # settled stat of the bytes hashed, else None

    def fields(self) -> Sidecar:
        """The fields, or ``Rejected("bad_sidecar")`` saying what is wrong."""
        if self.sidecar is None:
            raise Rejected("bad_sidecar", self.problem or "the sidecar is unusable")
        return self.sidecar


def _fetch_time(value: str, name: str) -> str:
    """``fetched_at`` as an ISO 8601 date-time with its offset: one without an offset is
    UTC (what fetchers write); one that is no date at all rejects the page, which would
    otherwise be dated and selected by its path or mtime with nobody told."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise Rejected("bad_sidecar", f"{name}: fetched_at {value!r} is not an ISO 8601"
                       " date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def read_sidecar_file(path: str) -> SidecarFile:
    """Read, hash and parse a sidecar, once; never raises. Over ``MAX_SIDECAR_BYTES``
    only that much and a byte are read and hashed: the sidecar is bad either way, and a
    change that matters (it shrinks) changes what was hashed."""
    name = os.path.basename(path)
    started = time.time_ns()
    try:
        with open(path, "rb") as fh:
            st = FileStat.of(os.fstat(fh.fileno()))
            data = fh.read(MAX_SIDECAR_BYTES + 1)
    except OSError as exc:
        return SidecarFile(None, None, f"cannot read the sidecar: {exc.strerror or exc}")
    sha = hashlib.sha256(data).hexdigest()
    settled = st if st.settled(started) else None
    if len(data) > MAX_SIDECAR_BYTES:
        return SidecarFile(None, sha, "the sidecar is over 1 MiB: not metadata", settled)
    try:
        return SidecarFile(parse_sidecar(data, name), sha, None, settled)
    except Rejected as exc:
        return SidecarFile(None, sha, exc.detail, settled)


def sidecar_of(page: str | os.PathLike[str]) -> Sidecar | None:
    """The parsed sidecar beside one page, None when it has none: for the commands that
    look at a single page (``winnow explain``), read as a run reads it (``bad_sidecar``
    for a sidecar it would reject)."""
    sidecar = os.path.join(os.path.dirname(page), sidecar_name(os.path.basename(page)))
    if not os.path.isfile(sidecar):
        return None
    return read_sidecar_file(sidecar).fields()


def _is_unicode(value: str) -> bool:
    """False for a string JSON gave us with a lone surrogate ("\\ud800"): it cannot be
    written as UTF-8, so a record carrying it would fail its whole batch's write."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def page_site(sidecar: Sidecar | None, folder_site: str | None) -> str | None:
    """The site a page belongs to: the sidecar's word first, then the URL, then the folder."""
    if sidecar is not None:
        if sidecar.site:
            return sidecar.site
        host = url_site(sidecar.url)
        if host:
            return host
    return folder_site
