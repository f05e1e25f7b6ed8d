"""The report as one HTML file: inline CSS, inline SVG, no script, nothing fetched.

Pages are hostile input: every value that came from a page, a file name, a sidecar or a
record (titles, lines, sites, paths, rule notes) goes through ``html.escape``, and the
page's Content-Security-Policy forbids scripts and any load, so a line that slipped
through unescaped could still run nothing and call nowhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from html import escape

from flows.report_data import ALL_RUNS, ReportData
from flows.report_svg import chart_window, day_chart, hbars
from flows.summary import RunSummary

TOP_RULES = 25  # rules charted (the table lists every one)
TOP_SITES = 30  # sites in the open table; the rest fold into <details>
SITE_RULES = 12  # rules listed in a site's section

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
 color:#1d232a;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:18px 26px 60px}
h1{font-size:24px;margin:6px 0 2px}h2{font-size:19px;margin:30px 0 8px;
 border-bottom:1px solid #d5d9de;padding-bottom:4px}h3{font-size:16px;margin:18px 0 6px}
.meta{color:#5b6470}.note{color:#8a5a00}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.card{background:#fff;border:1px solid #d5d9de;border-radius:6px;padding:8px 14px;
 min-width:110px}.card .num{font-size:22px;font-weight:600}.card .lbl{color:#5b6470}
table{border-collapse:collapse;background:#fff;margin:6px 0 10px}
th,td{border:1px solid #dde1e6;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
svg.chart{background:#fff;border:1px solid #dde1e6;font-size:12px;display:block;
 margin:6px 0;max-width:100%;height:auto}
code,.rule{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.site{background:#fff;border:1px solid #d5d9de;border-radius:6px;padding:4px 16px 12px;
 margin:14px 0}
.sample{border-top:1px dashed #ccd2d8;margin-top:10px;padding-top:6px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.kept p{margin:0 0 6px}.removed ol{list-style:none;margin:0;padding:0}
.removed li{margin:0 0 3px;color:#7a2d2d}
.removed li.meta{color:#25508a}.removed li.more{color:#5b6470}.removed li.undecided{color:#7a6a10}
.rule{display:inline-block;background:#f3e3e3;color:#6b1f1f;border-radius:3px;
 padding:0 4px;margin-right:6px}
li.meta .rule{background:#e1eaf6;color:#1f3f6b}
.ok{color:#2c6e3f}.bad{color:#a12b2b}
details summary{cursor:pointer;color:#3b6ea5}
details.rules{max-width:420px}details.rules summary{color:inherit}
"""


def esc(value: object) -> str:
    """Any value as HTML text (quotes too: it may land in an attribute)."""
    return escape(str(value), quote=True)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, numeric: int = 1,
          table_id: str | None = None) -> str:
    """A table; the last ``numeric`` columns right-aligned (counts). Cells are escaped
    unless they are ``Markup``."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    first_num = len(headers) - numeric
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            text = cell.html if isinstance(cell, Markup) else esc(
                f"{cell:,}" if isinstance(cell, int) else cell)
            cells.append(f'<td class="n">{text}</td>' if i >= first_num else f"<td>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    ident = f' id="{esc(table_id)}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class Markup:
    """HTML already built from escaped parts: a table takes it as it is."""

    __slots__ = ("html",)

    def __init__(self, html: str) -> None:
        self.html = html


def card(ident: str, value: int, label: str) -> str:
    return (f'<div class="card"><div class="num" id="{esc(ident)}" data-value="{value}">'
            f"{value:,}</div><div class=\"lbl\">{esc(label)}</div></div>")


def totals_section(data: ReportData) -> str:
    """The headline counts: what the runs shown cleaned, wrote and rejected."""
    t = data.totals
    cards = []
    if data.scope != ALL_RUNS:
        run = data.runs[0]
        cards += [card("total-pages-seen", run.pages_seen, "pages seen"),
                  card("total-skipped", run.skipped, "skipped (unchanged)")]
    else:
        cards += [card("total-runs", len(data.runs), "runs"),
                  card("total-pages-seen", data.runs[-1].pages_seen,
                       "pages seen (by the last run)")]
    cards += [card("total-processed", t["processed"], "pages cleaned"),
              card("total-records", t["records"], "records"),
              card("total-duplicates", t["duplicates"], "duplicates (among records)"),
              card("total-rejects", t["rejects"], "rejects")]
    out = f'<div class="cards" id="totals">{"".join(cards)}</div>'
    if data.current is not None:
        out += (f'<p class="meta" id="current">The manifest\'s current records, one per page'
                f' (its last): <b id="current-articles">{int(data.current.get("articles", 0)):,}'
                f'</b> articles and <b id="current-rejects">'
                f'{int(data.current.get("rejects", 0)):,}</b> rejects.</p>')
    return out


def _run_row(run: RunSummary) -> list[object]:
    status = Markup(f'<span class="{"ok" if run.status == "completed" else "bad"}">'
                    f"{esc(run.status)}</span>")
    return [Markup(f"<code>{esc(run.run_id)}</code>"), status, run.scope() or "new and changed",
            run.pages_seen, run.skipped, run.processed, run.records, run.duplicates,
            run.rejects, f"{run.seconds:.1f}"]


def runs_section(data: ReportData) -> str:
    rows = [_run_row(run) for run in reversed(data.runs)]  # newest first
    if len(data.runs) > 1:
        t = data.totals
        rows.append([Markup("<b>all runs</b>"), "", "", "", "", t["processed"], t["records"],
                     t["duplicates"], t["rejects"], ""])
    headers = ["run", "status", "scope", "pages seen", "skipped", "cleaned", "records",
               "duplicates", "rejects", "seconds"]
    return "<h2>Runs</h2>" + table(headers, rows, numeric=7, table_id="runs")


def rejects_section(data: ReportData) -> str:
    if not data.rejects_by_reason:
        return '<h2>Reject reasons</h2><p class="meta">No page was rejected.</p>'
    rows = list(data.rejects_by_reason.items())
    return ("<h2>Reject reasons</h2>"
            + hbars(rows, title="rejects by reason", color="#b5533c")
            + table(["reason", "pages"], rows, table_id="reject-reasons"))


def rules_section(data: ReportData) -> str:
    """Lines each rule removed, over the runs shown: the chart of the top, every rule in
    the table (a datatrove-style per-step account)."""
    counts = data.removed_by_rule
    if not counts:
        return '<h2>Lines removed by rule</h2><p class="meta">No rule removed a line.</p>'
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1]["lines"], kv[0]))
    chart = hbars([(r, n["lines"]) for r, n in ranked[:TOP_RULES]],
                  title="lines removed by rule", color="#8a4f9e")
    rows = [[Markup(f"<code>{esc(r)}</code>"), n["blocks"], n["lines"]] for r, n in ranked]
    total = sum(n["lines"] for _, n in ranked)
    return (f"<h2>Lines removed by rule</h2><p class=\"meta\">{total:,} raw lines in"
            f" {len(ranked)} rules; per site below.</p>{chart}"
            "<details><summary>every rule</summary>"
            + table(["rule", "blocks", "lines"], rows, numeric=2, table_id="rules")
            + "</details>")


def languages_section(data: ReportData) -> str:
    langs = data.languages.most_common()
    if not langs:
        return ""
    return ("<h2>Languages</h2>" + hbars(langs, title="records by language", color="#3b8a8a")
            + "<details><summary>as a table</summary>"
            + table(["language", "records"], langs, table_id="languages") + "</details>")


def dates_section(data: ReportData) -> str:
    """Records per published day; stray dates far from the rest are counted, not drawn."""
    days = data.days
    dated = sum(days.values())
    shown = days
    left_out = ""
    if days:
        first, last = chart_window(days)
        shown = Counter({d: n for d, n in days.items() if first <= d <= last})
        if sum(shown.values()) < dated:
            left_out = (f" {dated - sum(shown.values()):,} records dated before {first} or"
                        f" after {last} are counted but not drawn.")
    chart, unit = day_chart(shown)
    head = (f"<h2>Date coverage</h2><p class=\"meta\">Records per published {unit or 'day'}"
            f" (the day the page states): {dated:,} dated, {data.undated:,} without a"
            f" date.{left_out}")
    if unit == "month":
        head += " The days span more than a year, so each bar is a month."
    return head + "</p>" + chart
