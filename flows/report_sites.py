"""The report's per-site part: a table of every site's pages and removed lines, then for
the sites with most pages a section with the rules that removed most of their lines and a
few sample pages, the kept story beside the removed lines, each line with its rule."""

from __future__ import annotations

from flows.report_data import ReportData
from flows.report_html import SITE_RULES, TOP_SITES, Markup, esc, table
from flows.report_samples import Sample


def _lines_removed(counts: dict[str, dict[str, int]]) -> int:
    return sum(n.get("lines", 0) for n in counts.values())


def _top_rule(counts: dict[str, dict[str, int]]) -> str:
    if not counts:
        return ""
    return min(counts.items(), key=lambda kv: (-kv[1].get("lines", 0), kv[0]))[0]


def _rules_cell(removed: dict[str, dict[str, int]]) -> Markup | str:
    """The rule that removed most of a site's lines; unfolded, every rule's lines."""
    top = _top_rule(removed)
    if not top:
        return ""
    ranked = sorted(removed.items(), key=lambda kv: (-kv[1].get("lines", 0), kv[0]))
    every = ", ".join(f"{esc(rule)} {n.get('lines', 0):,}" for rule, n in ranked)
    return Markup(f'<details class="rules"><summary><code>{esc(top)}</code></summary>'
                  f"<code>{every}</code></details>")


def _site_row(data: ReportData, site: str, anchors: dict[str, str]) -> list[object]:
    n = data.pages_by_site.get(site, {})
    removed = data.removed_by_site.get(site, {})
    name = (Markup(f'<a href="#{anchors[site]}">{esc(site)}</a>') if site in anchors
            else site)
    return [name, _rules_cell(removed),
            n.get("records", 0), n.get("duplicates", 0), n.get("rejects", 0),
            _lines_removed(removed)]


def sites_table(data: ReportData, anchors: dict[str, str]) -> str:
    """Every site: records, duplicates, rejects and the lines its rules removed."""
    sites = data.sites()
    if not sites:
        return ""
    headers = ["site", "most lines removed by (unfold: every rule)", "records",
               "duplicates", "rejects", "lines removed"]
    rows = [_site_row(data, s, anchors) for s in sites]
    out = (f"<h2>Sites</h2><p class=\"meta\">{len(sites):,} sites, those with most pages"
           " first.</p>" + table(headers, rows[:TOP_SITES], numeric=4, table_id="sites"))
    if len(rows) > TOP_SITES:
        out += (f"<details><summary>{len(rows) - TOP_SITES:,} more sites</summary>"
                + table(headers, rows[TOP_SITES:], numeric=4) + "</details>")
    return out


def _removed_item(line) -> str:  # line: report_samples.RemovedLine
    note = f' title="{esc(line.note)}"' if line.note else ""
    return (f'<li class="{esc(line.label)}"{note}><span class="rule">{esc(line.rule)}</span>'
            f"{esc(line.text)}</li>")


def sample_html(sample: Sample) -> str:
    """One page: the kept lines beside the removed ones, each labelled with its rule."""
    head = f"<code>{esc(sample.source_path)}</code>"
    if sample.title:
        head += f" — {esc(sample.title)}"
    out = [f'<div class="sample"><h4>{head}</h4>']
    if sample.changed:
        out.append('<p class="note">The raw page changed since it was cleaned: shown as it'
                   " is now.</p>")
    if sample.problem:
        out.append(f'<p class="note">{esc(sample.problem)}</p>')
    if sample.kept or sample.removed:
        kept = "".join(f"<p>{esc(t)}</p>" for t in sample.kept)
        if sample.more_kept:
            kept += f'<p class="meta">… {sample.more_kept:,} more lines kept</p>'
        removed = "".join(_removed_item(x) for x in sample.removed)
        if sample.more_removed:
            removed += f'<li class="more">… {sample.more_removed:,} more lines removed</li>'
        out.append('<div class="cols"><div class="kept"><h5>kept</h5>'
                   f'{kept or "<p class=meta>nothing</p>"}</div>'
                   f'<div class="removed"><h5>removed, with the rule that removed each line'
                   f'</h5><ol>{removed or "<li class=more>nothing</li>"}</ol></div></div>')
    out.append("</div>")
    return "".join(out)


def site_section(data: ReportData, site: str, anchor: str, samples: list[Sample]) -> str:
    n = data.pages_by_site.get(site, {})
    removed = data.removed_by_site.get(site, {})
    ranked = sorted(removed.items(), key=lambda kv: (-kv[1]["lines"], kv[0]))[:SITE_RULES]
    rules = table(["rule", "blocks", "lines"],
                  [[Markup(f"<code>{esc(r)}</code>"), c["blocks"], c["lines"]]
                   for r, c in ranked], numeric=2) if ranked else ""
    return (f'<section class="site" id="{anchor}"><h3>{esc(site)}</h3>'
            f'<p class="meta">{n.get("records", 0):,} records, {n.get("duplicates", 0):,}'
            f' duplicates, {n.get("rejects", 0):,} rejects; {_lines_removed(removed):,}'
            f" lines removed.</p>{rules}{''.join(sample_html(s) for s in samples)}</section>")


def sites_html(data: ReportData, samples: dict[str, list[Sample]]) -> str:
    """The table of sites, then a section for each site sampled."""
    anchors = {site: f"site-{i}" for i, site in enumerate(samples)}
    sections = "".join(site_section(data, s, anchors[s], samples[s]) for s in samples)
    intro = ""
    if samples:
        intro = ("<h2>Site samples</h2><p class=\"meta\">For the sites with most pages, a"
                 " few pages cleaned again as <code>winnow explain --out</code> does.</p>")
    return sites_table(data, anchors) + intro + sections
