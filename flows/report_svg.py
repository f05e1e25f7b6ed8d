"""The report's charts as inline SVG, drawn here: the report must open offline, from a
file, with no script and nothing fetched. Every label is escaped (a site's name, a
rule's name, anything a page said)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from html import escape

BAR_HEIGHT = 18
LABEL_WIDTH = 220
DAILY_SPAN = 400  # days: a longer span is drawn per month (a day's bar would be < 1 px)
STRAY_GAP = 90  # days between a stray date at either end and the rest (chart_window)


def _label(text: str, width: int = 34) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def hbars(rows: Sequence[tuple[str, int]], *, width: int = 720, title: str = "",
          color: str = "#3b6ea5") -> str:
    """Horizontal bars, one a row, each with its label and value (``rows`` in order)."""
    if not rows:
        return ""
    top = max(n for _, n in rows) or 1
    room = width - LABEL_WIDTH - 70
    height = len(rows) * (BAR_HEIGHT + 4) + 4
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}"'
             f' viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for i, (name, n) in enumerate(rows):
        y = 4 + i * (BAR_HEIGHT + 4)
        bar = max(1, round(room * n / top)) if n else 0
        parts.append(
            f'<g><title>{escape(name)}: {n}</title>'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">'
            f"{escape(_label(name))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}"'
            f' fill="{color}"/>'
            f'<text x="{LABEL_WIDTH + bar + 5}" y="{y + 13}">{n:,}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _months(days: Counter[date]) -> list[tuple[date, int]]:
    """Records per month, every month of the span (empty ones too), first days as keys."""
    counts: Counter[date] = Counter()
    for day, n in days.items():
        counts[day.replace(day=1)] += n
    first, last = min(counts), max(counts)
    out, month = [], first
    while month <= last:
        out.append((month, counts[month]))
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def _bins(days: Counter[date]) -> tuple[list[tuple[date, int]], str]:
    """The chart's bars: per day over the span (empty days too), or per month over a
    span longer than ``DAILY_SPAN`` days; and the unit."""
    first, last = min(days), max(days)
    if (last - first).days < DAILY_SPAN:
        return [(first + timedelta(days=i), days[first + timedelta(days=i)])
                for i in range((last - first).days + 1)], "day"
    return _months(days), "month"


def chart_window(days: Counter[date], share: float = 0.01) -> tuple[date, date]:
    """The first and last day the chart spans: every day, unless the span is longer than
    ``DAILY_SPAN`` days and stray dates (a 1970 default, a mistyped year) stand apart
    from the rest, squeezing the archive into a few bars. A stray is a day at either end
    over ``STRAY_GAP`` days from the next one inwards; at most ``share`` of the records
    are left out that way, and the report counts them."""
    ordered = sorted(days.items())
    lo, hi = 0, len(ordered) - 1
    if (ordered[hi][0] - ordered[lo][0]).days < DAILY_SPAN:
        return ordered[lo][0], ordered[hi][0]
    budget = share * sum(days.values())
    while lo < hi and ordered[lo][1] <= budget and \
            (ordered[lo + 1][0] - ordered[lo][0]).days > STRAY_GAP:
        budget -= ordered[lo][1]
        lo += 1
    while hi > lo and ordered[hi][1] <= budget and \
            (ordered[hi][0] - ordered[hi - 1][0]).days > STRAY_GAP:
        budget -= ordered[hi][1]
        hi -= 1
    return ordered[lo][0], ordered[hi][0]


def _year_ticks(bins: list[tuple[date, int]], left: int, step: float, plot_h: float
                ) -> list[str]:
    """A tick and the year under each January of a monthly chart (every few years where
    there are many), so a reader can place the bars in time."""
    years = [(i, when.year) for i, (when, _) in enumerate(bins) if when.month == 1]
    every = max(1, -(-len(years) // 10))
    out = []
    for i, year in years[::every]:
        x = left + i * step
        out.append(f'<line x1="{x:.2f}" y1="{plot_h + 8}" x2="{x:.2f}" y2="{plot_h + 13}"'
                   f' stroke="#888"/><text x="{x:.2f}" y="{plot_h + 24}"'
                   f' text-anchor="middle" fill="#666">{year}</text>')
    return out


def day_chart(days: Counter[date], *, width: int = 900, height: int = 170) -> tuple[str, str]:
    """Records per published day as a bar chart, and its unit ("day", or "month" for a
    span too long to draw per day); ("", "") without a dated record."""
    if not days:
        return "", ""
    bins, unit = _bins(days)
    top = max(n for _, n in bins) or 1
    plot_h, left = height - 34, 40
    step = (width - left - 10) / len(bins)
    bar_w = min(max(step * 0.85, 0.8), 24)  # a few bars stay bars, not slabs
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}"'
             f' viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>records per published {unit}</title>",
             f'<text x="{left - 6}" y="16" text-anchor="end">{top:,}</text>',
             f'<line x1="{left}" y1="{plot_h + 8}" x2="{width - 10}" y2="{plot_h + 8}"'
             ' stroke="#888"/>']
    for i, (when, n) in enumerate(bins):
        if not n:
            continue
        h = max(1.0, plot_h * n / top)
        label = when.isoformat() if unit == "day" else when.strftime("%Y-%m")
        parts.append(f'<rect x="{left + i * step:.2f}" y="{plot_h + 8 - h:.2f}"'
                     f' width="{bar_w:.2f}" height="{h:.2f}" fill="#4a8f5c">'
                     f"<title>{label}: {n} record{'s' if n != 1 else ''}</title></rect>")
    if unit == "month":  # a span over a year: its years are marked
        parts += _year_ticks(bins, left, step, plot_h)
    else:
        first, last = bins[0][0].isoformat(), bins[-1][0].isoformat()
        parts.append(f'<text x="{left}" y="{height - 6}">{first}</text><text'
                     f' x="{width - 10}" y="{height - 6}" text-anchor="end">{last}</text>')
    parts.append("</svg>")
    return "".join(parts), unit
