"""Where a fetched page goes in ``raw/``, and writing it with its sidecar.

``raw/<site>/<YYYY-MM-DD>/<name>.html`` (``.txt`` for text/plain), the sidecar beside it
as ``<name>.html.meta.json``. The name is a short hash of the page's normalised final
URL, so the same page fetched again gets the same name (a changed page replaces its file
where it was first saved: ``state`` remembers the path). The day is the UTC day of the
first fetch.

**Order.** The sidecar is written first, then the page, each atomically (temporary
name, fsync, rename), then one fsync of the folder. A reader (a cleaning run started
mid-fetch) therefore never sees a page without its sidecar, nor half of either; a kill
between the two leaves a sidecar alone, which ``state`` recovery removes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from pathlib import Path

from fetching.atomic import atomic_write_bytes, fsync_dir
from schemas.sidecar import FetchedSidecar

SIDECAR_SUFFIX = ".meta.json"  # as flows.discover reads it
NAME_CHARS = 16  # hex digits of sha256: 64 bits, no collision in any one site's archive
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def page_name(final_url: str) -> str:
    return hashlib.sha256(final_url.encode("utf-8")).hexdigest()[:NAME_CHARS]


def suffix_for(content_type: str | None) -> str:
    return ".txt" if content_type == "text/plain" else ".html"


def site_folder(site: str) -> str:
    """``site`` as one safe folder name: nothing in a URL or a feed becomes a path."""
    folder = _UNSAFE.sub("_", site).strip("._") or "_"
    return folder[:100]


def page_path(raw_root: Path, site: str, day: str, final_url: str,
              content_type: str | None) -> Path:
    """Where a new page is saved (``day`` is ``YYYY-MM-DD``)."""
    name = page_name(final_url) + suffix_for(content_type)
    return raw_root / site_folder(site) / day / name


def sidecar_path(page: Path) -> Path:
    return page.with_name(page.name + SIDECAR_SUFFIX)


def sidecar_bytes(sidecar: FetchedSidecar) -> bytes:
    data = sidecar.model_dump(mode="json", exclude_none=True)
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def save_page(page: Path, body: bytes, sidecar: FetchedSidecar) -> None:
    """Sidecar first, then page, both atomic; one folder fsync makes both renames durable."""
    atomic_write_bytes(sidecar_path(page), sidecar_bytes(sidecar), sync_dir=False)
    atomic_write_bytes(page, body, sync_dir=False)
    fsync_dir(page.parent)


def remove_leftovers(page: Path) -> list[Path]:
    """After a kill: the writers' temporary files for ``page`` and its sidecar, and a
    sidecar whose page never arrived. Returns what was removed."""
    removed = []
    folder = page.parent
    if folder.is_dir():
        for tmp in folder.glob(f".{page.name}*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
                removed.append(tmp)
    side = sidecar_path(page)
    if side.exists() and not page.exists():
        with contextlib.suppress(FileNotFoundError):
            side.unlink()
            removed.append(side)
    return removed
