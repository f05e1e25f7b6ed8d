"""Find dates and times in a line and turn them into ISO 8601, inventing nothing.

A date without a year gives no date (the dateline "МОСКВА, 1 дек" names no
year); a date without a time gives a date; no time zone is added unless the
text states one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from cleaners.words.features import fold

MONTHS = {
    # Russian, genitive and nominative stems; English full and short names
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6, "июл": 7, "авг": 8,
    "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
# the three-letter stems of other languages' month names (a date reads them; a name is not
# taken for a month by them: ``month_number`` knows MONTHS only): Polish, German, French,
# Spanish, Portuguese, Italian, Greek
OTHER_MONTHS = {
    "sty": 1, "lut": 2, "kwi": 4, "maj": 5, "cze": 6, "lip": 7, "sie": 8, "wrz": 9, "paź": 10,
    "lis": 11, "gru": 12,
    "jän": 1, "mär": 3, "mai": 5, "okt": 10, "dez": 12,
    "fév": 2, "fev": 2, "avr": 4, "aoû": 8, "aou": 8, "déc": 12,
    "ene": 1, "abr": 4, "ago": 8, "set": 9, "dic": 12,
    "gen": 1, "mag": 5, "giu": 6, "lug": 7, "ott": 10,
    "ιαν": 1, "φεβ": 2, "μαρ": 3, "απρ": 4, "μαΐ": 5, "μάι": 5, "μαι": 5, "αυγ": 8,
    "σεπ": 9, "οκτ": 10, "νοε": 11, "δεκ": 12,
}
# where three letters name two months: French "juin"/"juillet", Greek June and July
MONTHS_BY_FOUR = {"juin": 6, "juil": 7, "ιουν": 6, "ιουλ": 7, "ιούν": 6, "ιούλ": 7}
_MONTH_WORD = r"(?P<mon>[^\W\d_]{3,12})\.?"
# "16th Jan, 2012", "1er janvier 2012", "16. Januar 2012", "16 de enero de 2012"
_DAY_FIRST = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|er)?[\s.\-]+(?:de\s+)?"
_TIME = r"(?P<hh>[01]?\d|2[0-3])[:.](?P<mi>[0-5]\d)(?::(?P<ss>[0-5]\d))?"

_PATTERNS = [
    # 2021-12-29, 2021-12-29T09:46
    re.compile(r"(?P<y>(?:19|20)\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?:[T ]" + _TIME + r")?"),
    # 29.12.2021 09:46, 29/12/2021, 10.04.201310:20 (a glued time); 12/25/2021 (month
    # first: ``_day_month``)
    re.compile(r"(?P<d>[0-3]?\d)(?P<sep>[./])(?P<m>[0-3]?\d)[./](?P<y>(?:19|20)\d\d)"
               r"(?:,?\s*" + _TIME + r")?"),
    # 23.Feb.2026, 27 ноября 2011, 27 ноября, 2011, 1 дек 2016 г., 12 stycznia 2020 r. 14:30
    re.compile(_DAY_FIRST + _MONTH_WORD + r"[\s.,\-]+(?:de\s+)?(?P<y>(?:19|20)\d\d)"
               r"(?:\s*(?:г\.|года|r\.)?,?\s*(?:в\s*)?" + _TIME + r")?"),
    # April 28, 2016 / Apr 28 2016
    re.compile(_MONTH_WORD + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)"
               r"(?:,?\s*(?:at\s*)?" + _TIME + r")?"),
    # Chinese and Japanese: 2011年12月15日 20:59, 2012年01月17日08:03
    re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>[01]?\d)\s*月\s*(?P<d>[0-3]?\d)\s*日"
               r"(?:\s*" + _TIME + r")?"),
]
# a time standing before the date: "15:13 09 декабря 2011", "1:27, 27 ноября, 2011"
_TIME_FIRST = re.compile(r"(?:^|\s)" + _TIME + r",?\s+$")


@dataclass(frozen=True, slots=True)
class FoundDate:
    iso: str  # "2021-12-29" or "2021-12-29T09:46:00"
    start: int
    end: int


def _month(word: str) -> int | None:
    w = fold(word)
    return MONTHS.get(w[:3]) or MONTHS_BY_FOUR.get(w[:4]) or OTHER_MONTHS.get(w[:3])


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december", "sept",
                "января", "февраля", "марта", "апреля", "июня", "июля", "августа",
                "сентября", "октября", "ноября", "декабря")


def month_number(word: str) -> int | None:
    """The month a whole word names ("Jun", "June", "Sept.", "июня"), or None ("Mary")."""
    w = fold(word).rstrip(".")
    return _month(w) if w in MONTHS or w in _MONTH_NAMES else None


# a weekday name standing right before a date ("Thu, 01/12/2012")
_WEEKDAY_BEFORE = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*$", re.IGNORECASE)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _day_month(text: str, start: int, first: int, second: int, year: int,
               sep: str) -> date | None:
    """A numeric date's day: day first (29.12.2021, 29/12/2021) unless it cannot be
    (12/25/2021: no 25th month), or, written with slashes, a weekday printed before it
    names the month-first reading's weekday and not the day-first one's ("Thu, 01/12/2012"
    is Thursday 12 January, not Sunday 1 December)."""
    def make(d: int, m: int) -> date | None:
        try:
            return date(year, m, d)
        except ValueError:
            return None

    day_first, month_first = make(first, second), make(second, first)
    if sep != "/" or month_first is None or day_first == month_first:
        return day_first
    if day_first is None:
        return month_first
    named = _WEEKDAY_BEFORE.search(text[max(0, start - 12):start])
    if named and _WEEKDAYS.index(fold(named[1])) == month_first.weekday() != \
            day_first.weekday():
        return month_first
    return day_first


# every pattern above needs a year of four digits: a line without one is answered by one
# fast search instead of five
_YEAR_LIKE = re.compile(r"[12][09]\d\d")


def find_dates(text: str) -> list[FoundDate]:
    """Every full date (with a year) in ``text``, with its time where one stands beside it."""
    if _YEAR_LIKE.search(text) is None:
        return []
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            parts = m.groupdict()
            if parts.get("sep"):
                day = _day_month(text, m.start(), int(parts["d"]), int(parts["m"]),
                                 int(parts["y"]), parts["sep"])
                if day is None:
                    continue
            else:
                month = _month(parts.get("mon") or "") if not parts.get("m") else int(parts["m"])
                try:
                    day = date(int(parts["y"]), month or 0, int(parts["d"]))
                except ValueError:
                    continue
            hh, mi, ss = parts.get("hh"), parts.get("mi"), parts.get("ss")
            start = m.start()
            if hh is None:
                before = _TIME_FIRST.search(text[: m.start()])
                if before:
                    hh, mi, ss = before.group("hh"), before.group("mi"), before.group("ss")
                    start = before.start()
            iso = day.isoformat()
            if hh is not None:
                iso += f"T{int(hh):02d}:{int(mi or 0):02d}:{int(ss or 0):02d}"
            found.append(FoundDate(iso, start, m.end()))
            taken.append((start, m.end()))
    found.sort(key=lambda f: f.start)
    return found



@lru_cache(maxsize=4096)
def has_date(text: str) -> bool:
    """Whether ``text`` holds a full date (``find_dates``), remembered per text: the story
    boundary's rules ask it of the same lines once for each candidate run and widening."""
    return bool(find_dates(text))


# a month's name in a stamp: a Russian stem with any ending ("ноября", "мая"), a Latin one
# only as a whole month word, so that a name that opens with one is no month ("Novablast
# 5", "6 Maryland": a product and a state in a table, not a day)
_MONTH_NAME = (
    r"(?:(?:янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек)[а-яё]{0,7}"
    r"|(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch|s)?|apr(?:il)?|ma[yi]|june?|juin|july?"
    r"|juil(?:let)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober|obre)?|nov(?:ember|embre)?"
    r"|dec(?:ember|embre)?)(?![a-z]))\.?"
)
# A line that is only a date or time (with separators, weekday or "МСК"), or a
# short date without a year ("28.07 14:54"): what headline lists interleave.
_STAMP_ONLY = re.compile(
    r"^[\s|•·,\-–—/()\[\]]*"
    r"(?:(?:\d{1,4}[.:/\-]\d{1,2}(?:[.:/\-]\d{2,4})?|\d{1,2}\s+" + _MONTH_NAME +
    r"|" + _MONTH_NAME + r"\s+\d{1,2}(?:st|nd|rd|th)?|(?:19|20)\d\d"
    r"|\d{1,2}[.\-]" + _MONTH_NAME + r"[.\-]\d{4}"
    r"|г\.?|года|в|at|am|pm|мск|msk|utc|gmt|сегодня|вчера|today|yesterday|updated|обновлено"
    r"|опубликовано|published|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|пн|вт|ср|чт|пт|сб|вс)[\s|•·,\-–—/()\[\]]*)+$",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")


def is_timestamp_line(text: str) -> bool:
    """True for a line that is only a date and/or time (no story words)."""
    return bool(text) and len(text) <= 60 and _DIGIT.search(text) is not None and (
        _STAMP_ONLY.match(text) is not None
    )


# a day written as folders of a URL's path ("/2025/12/18/", "/2025-12-18-slug"): blogs and
# news sites file a story under the day it was published
_URL_DAY = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?=[/\-_.]|$)")


def url_day(url: str | None) -> str | None:
    """The day a URL's path names ("https://x.org/2025/12/18/story" -> "2025-12-18")."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    m = _URL_DAY.search(path.split("//", 1)[-1])
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def same_moment(a: str, b: str) -> bool:
    """Whether two ISO date-times with offsets name the same instant (the same time written
    in two zones); False when either lacks a time or an offset."""
    try:
        x, y = datetime.fromisoformat(a), datetime.fromisoformat(b)
    except ValueError:
        return False
    if x.tzinfo is None or y.tzinfo is None or len(a) <= 10 or len(b) <= 10:
        return False
    return x == y
