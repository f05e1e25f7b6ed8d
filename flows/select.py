"""Pick the pages of a date range for a backfill (``--since`` / ``--until``).

A page's date is the best one at hand, in this order: the sidecar's
``fetched_at`` (when the fetcher got it), else a date written in its path
(``2024/03/15``, ``2024-03-15``, ``20240315``: archives are often foldered by
day), else the file's modification time. Dates are compared as UTC calendar
days and both ends are inclusive. A page whose sidecar cannot be read is kept
in any range: cleaning it turns the broken sidecar into a ``bad_sidecar``
reject that someone will see, where leaving it out would hide it.

The sidecar is the one the run read for the page (``flows.sidecar.read_sidecar_file``),
handed in by whoever holds it, and the mtime is the one discovery saw: choosing pages
reads nothing of its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime

from flows.discover import PageRef
from flows.sidecar import SidecarFile, read_sidecar_file

#: the sidecar a page was read with, None for a page without one
SidecarOf = Callable[[PageRef], SidecarFile | None]

# year 19xx/20xx, month, day, separated by -, _, / or . (the same one twice), or
# nothing at all; not inside a longer run of digits (an id is not a date).
_PATH_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)([-_/.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)"
)


def parse_day(text: str) -> date:
    """A ``--since``/``--until`` value: ``YYYY-MM-DD`` (or a full ISO timestamp)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return _utc_day(datetime.fromisoformat(text))
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _utc_day(moment: datetime) -> date:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def date_in_path(path: str) -> date | None:
    """The last valid date written in a path (the deepest folder or the file name)."""
    found = None
    for match in _PATH_DATE.finditer(path):
        try:
            found = date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:  # 2024-02-31
            continue
    return found


def read_own_sidecar(page: PageRef) -> SidecarFile | None:
    """The page's sidecar read on the spot: for callers that hold none (a run hands in
    the ones it read)."""
    return read_sidecar_file(page.sidecar) if page.sidecar else None


def fetched_day(sidecar: SidecarFile | None) -> date | None | bool:
    """The sidecar's ``fetched_at`` day; None if it gives none; False if it is bad."""
    if sidecar is None:
        return None
    if sidecar.sidecar is None:
        return False
    value = sidecar.sidecar.fetched_at
    if not value:
        return None
    text = value.replace("Z", "+00:00").replace("z", "+00:00")
    try:
        return _utc_day(datetime.fromisoformat(text))
    except ValueError:
        return None


def page_date(page: PageRef, sidecar_of: SidecarOf = read_own_sidecar) -> date | None:
    """The page's date by the rule above; None when nothing gives one (the sidecar is
    broken, or the file cannot even be stat'ed)."""
    fetched = fetched_day(sidecar_of(page))
    if fetched is False:
        return None
    if fetched is not None:
        return fetched  # type: ignore[return-value]
    in_path = date_in_path(page.source_path)
    if in_path is not None:
        return in_path
    if page.stat is not None:
        return datetime.fromtimestamp(page.stat.mtime_ns / 1e9, UTC).date()
    try:
        return datetime.fromtimestamp(os.stat(page.path).st_mtime, UTC).date()
    except OSError:
        return None


def select_by_date(
    pages: Iterable[PageRef], since: date | None, until: date | None,
    sidecar_of: SidecarOf = read_own_sidecar,
) -> list[PageRef]:
    """The pages dated within [since, until]; pages with no date are kept (see above)."""
    chosen = []
    for page in pages:
        day = page_date(page, sidecar_of)
        if day is None or ((since is None or day >= since) and (until is None or day <= until)):
            chosen.append(page)
    return chosen
