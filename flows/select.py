"""Pick the pages of a date range for a backfill (``--since`` / ``--until``).

A page's date is the best one at hand, in this order: the sidecar's
``fetched_at`` (when the fetcher got it), else a date written in its path
(``2024/03/15``, ``2024-03-15``, ``20240315``: archives are often foldered by
day), else the file's modification time. Dates are compared as UTC calendar
days and both ends are inclusive. A page whose sidecar cannot be read is kept
in any range: cleaning it turns the broken sidecar into a ``bad_sidecar``
reject that someone will see, where leaving it out would hide it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

from flows.discover import PageRef

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


def sidecar_fetched_at(sidecar: str | None) -> date | None | bool:
    """The sidecar's ``fetched_at`` day; None if it gives none; False if it is unreadable."""
    if sidecar is None:
        return None
    try:
        with open(sidecar, "rb") as fh:
            data = json.loads(fh.read(1024 * 1024).decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    value = data.get("fetched_at") if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        return _utc_day(datetime.fromisoformat(text))
    except ValueError:
        return None


def page_date(page: PageRef) -> date | None:
    """The page's date by the rule above; None when nothing gives one (the sidecar is
    broken, or the file cannot even be stat'ed)."""
    fetched = sidecar_fetched_at(page.sidecar)
    if fetched is False:
        return None
    if fetched is not None:
        return fetched  # type: ignore[return-value]
    in_path = date_in_path(page.source_path)
    if in_path is not None:
        return in_path
    try:
        return datetime.fromtimestamp(os.stat(page.path).st_mtime, UTC).date()
    except OSError:
        return None


def select_by_date(
    pages: Iterable[PageRef], since: date | None, until: date | None
) -> list[PageRef]:
    """The pages dated within [since, until]; pages with no date are kept (see above)."""
    chosen = []
    for page in pages:
        day = page_date(page)
        if day is None or ((since is None or day >= since) and (until is None or day <= until)):
            chosen.append(page)
    return chosen
