"""``winnow report``: the HTML report of an output folder shows the run summaries' counts
(totals, runs, reject reasons, rules, sites), the records' languages and days, and per
site sample pages whose removed lines carry the rule that removed them; everything a page
said is escaped. (The report in a real browser: tests/test_report_browser.py.)"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers.archive import add_sidecar
from helpers.inline import inline_run
from lxml import html as lxml_html

from cleaners import DROPPED, Rejected, analyse_page
from flows.cli import main
from flows.report import ReportError, report_path, write_report
from flows.report_samples import MAX_REMOVED, raw_file
from flows.report_svg import chart_window, day_chart

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def read_parts(out: Path, kind: str) -> list[dict]:
    return [json.loads(line) for part in sorted(out.glob(f"{kind}/*/*.jsonl"))
            for line in part.read_text(encoding="utf-8").splitlines()]


def cells(doc, table_id: str) -> list[list[str]]:
    return [[td.text_content().strip() for td in tr.findall("td")]
            for tr in doc.get_element_by_id(table_id).iter("tr") if tr.findall("td")]


def number(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.fixture
def one_run(sample_raw: Path, tmp_path: Path):
    """The five seeds, an empty page (a reject) and a seed copy in a site folder whose
    sidecar names a hostile site, with a hostile line added: one run, its report."""
    (sample_raw / "empty.html").write_bytes(b"")
    seed = sorted(sample_raw.glob("*.txt"))[2].read_text(encoding="utf-8")
    head, sep, tail = seed.partition("\n\n")
    page = sample_raw / "evil" / "page.txt"
    page.parent.mkdir()
    page.write_text(f"{head}{sep}Войти {HOSTILE}\n\n{tail}", encoding="utf-8")
    add_sidecar(page, site=f"{HOSTILE}.example")
    out = tmp_path / "clean"
    summary = inline_run(sample_raw, out)
    path = write_report(out)
    return summary, out, lxml_html.fromstring(path.read_text(encoding="utf-8"))


def test_the_report_shows_the_run_summary(one_run):
    summary, out, doc = one_run
    assert summary.rejects_by_reason == {"empty": 1} and summary.records == 6
    shown = {k: number(doc.get_element_by_id(f"total-{k}").text_content())
             for k in ("pages-seen", "processed", "records", "duplicates", "rejects")}
    assert shown == {"pages-seen": summary.pages_seen, "processed": summary.processed,
                     "records": summary.records, "duplicates": summary.duplicates,
                     "rejects": summary.rejects}
    assert {r: number(n) for r, n in cells(doc, "reject-reasons")} == {"empty": 1}
    assert {r: {"blocks": number(b), "lines": number(n)} for r, b, n in cells(doc, "rules")
            } == summary.removed_by_rule
    sites = {row[0]: [number(x) for x in row[2:5]] for row in cells(doc, "sites")}
    assert sites == {s: [n["records"], n["duplicates"], n["rejects"]]
                     for s, n in summary.pages_by_site.items()}
    for tr in doc.get_element_by_id("sites").iter("tr"):  # every rule's lines, every site
        if not tr.findall("td"):
            continue
        site, listed = tr[0].text_content(), tr[1].find(".//details/code").text_content()
        expected = summary.removed_by_site[site]
        assert {r: number(n) for r, n in (x.rsplit(" ", 1) for x in listed.split(", "))
                } == {r: n["lines"] for r, n in expected.items()}
    languages = Counter(r["language"] for r in read_parts(out, "articles"))
    assert {lang: number(n) for lang, n in cells(doc, "languages")} == languages


def test_what_a_page_says_is_escaped_never_markup(one_run):
    _, out, doc = one_run
    assert not doc.xpath("//script | //img | //*[@onerror]")  # nothing the page said runs
    text = doc.text_content()
    assert f"{HOSTILE}.example" in text  # the hostile site, shown as text
    assert HOSTILE in text  # and the hostile line, in the site's sample
    source = report_path(out).read_text(encoding="utf-8")
    assert "script-src" not in source and "default-src 'none'" in source  # CSP: no script


def expected_lines(path: Path, url: str | None = None) -> list[tuple[str, str]]:
    """(rule, line) of every non-blank raw line of a removed block, from the blocks
    ``analyse_page`` labels (not from the report's code)."""
    try:
        blocks = analyse_page(path.read_bytes(), source_path=path.name, url=url).blocks
    except Rejected as exc:
        blocks = exc.analysis.blocks
    return [(b.rule or "-", line) for b in blocks if b.label in DROPPED or b.label ==
            "undecided" for line in (b.raw or b.text).splitlines() if line.strip()]


def test_a_sites_samples_show_each_removed_line_with_its_rule(one_run, sample_raw):
    _, _, doc = one_run
    [section] = [s for s in doc.find_class("site") if s.find("h3").text == "(no site)"]
    samples = section.find_class("sample")
    assert len(samples) == 3  # the first three records of the site, in path order
    labelled = 0
    for sample in samples:
        name = sample.find("h4").find("code").text
        shown = []
        for li in sample.iter("li"):
            if not li.find_class("rule"):  # no removed line, or more than are shown
                more = len(expected_lines(sample_raw / name)) - MAX_REMOVED
                assert li.text_content() == (f"… {more} more lines removed" if more > 0
                                             else "nothing")
                continue
            rule = li.find_class("rule")[0].text
            shown.append((rule, li.text_content()[len(rule):]))
        expected = [(rule, line[:399] + "…" if len(line) > 400 else line)
                    for rule, line in expected_lines(sample_raw / name)][:MAX_REMOVED]
        assert shown == expected  # every removed line, with its rule
        labelled += len(shown)
    assert labelled >= 10


def test_a_report_of_one_run_or_all(sample_raw, tmp_path, capsys):
    out = tmp_path / "clean"
    with pytest.raises(ReportError, match="no runs"):
        write_report(out)
    first = inline_run(sample_raw, out)
    (sample_raw / "empty.html").write_bytes(b"")
    second = inline_run(sample_raw, out)
    assert (second.processed, second.rejects) == (1, 1)

    def totals(scope: str) -> dict[str, int]:
        doc = lxml_html.fromstring(write_report(out, scope, samples_per_site=0).read_text())
        return {k: number(doc.get_element_by_id(f"total-{k}").text_content())
                for k in ("processed", "records", "rejects")}

    assert totals("last") == {"processed": 1, "records": 0, "rejects": 1}
    assert totals(first.run_id) == {"processed": 5, "records": 5, "rejects": 0}
    assert totals("all") == {"processed": 6, "records": 5, "rejects": 1}
    with pytest.raises(ReportError, match="no run 'nope'"):
        write_report(out, "nope")
    assert main(["report", "--out", str(out), "--samples", "0"]) == 0
    assert capsys.readouterr().out.strip() == str(report_path(out))
    assert main(["report", "--out", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_sample_whose_page_changed_or_went_says_so(sample_raw, tmp_path):
    out = tmp_path / "clean"
    inline_run(sample_raw, out)
    names = sorted(p.name for p in sample_raw.glob("*.txt"))
    (sample_raw / names[0]).write_text("Другой текст.\n", encoding="utf-8")
    (sample_raw / names[1]).unlink()
    doc = lxml_html.fromstring(write_report(out).read_text(encoding="utf-8"))
    notes = {s.find("h4").find("code").text: " ".join(p.text_content() for p in
                                                    s.find_class("note"))
             for s in doc.find_class("sample")}
    assert "changed since it was cleaned" in notes[names[0]]
    assert "cannot be read now" in notes[names[1]]
    assert notes[names[2]] == ""


def test_a_record_path_never_leads_out_of_the_raw_folder(tmp_path):
    assert raw_file(str(tmp_path), "../outside.html") is None
    assert raw_file(str(tmp_path), "/etc/passwd") is None
    assert raw_file(str(tmp_path), "crawl.warc.gz#<urn:uuid:1>") is None
    assert raw_file(str(tmp_path), "site/a b.html") == tmp_path / "site" / "a b.html"


def test_the_date_chart_has_a_bar_per_day_or_per_month():
    days = Counter({date(2025, 1, 1): 2, date(2025, 1, 3): 1, date(2025, 1, 10): 4})
    svg, unit = day_chart(days)
    bars = lxml_html.fromstring(svg).findall(".//rect")
    assert unit == "day" and len(bars) == 3
    assert [b.find("title").text for b in bars] == [
        "2025-01-01: 2 records", "2025-01-03: 1 record", "2025-01-10: 4 records"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[2] == 2 * heights[0] == 4 * heights[1]  # proportional to the counts
    long = Counter({date(2011, 11, 21): 3, date(2011, 11, 30): 1, date(2025, 6, 2): 1})
    svg, unit = day_chart(long)
    titles = [t.text for t in lxml_html.fromstring(svg).findall(".//rect/title")]
    assert unit == "month" and titles == ["2011-11: 4 records", "2025-06: 1 record"]
    assert day_chart(Counter()) == ("", "")


def test_run_report_writes_it_after_the_run(prefect_server, sample_raw, tmp_path, capsys):
    out = tmp_path / "clean"
    assert main(["run", "--raw", str(sample_raw), "--out", str(out), "--report"]) == 0
    printed = capsys.readouterr().out
    assert f"report: {report_path(out)}" in printed
    [saved] = (out / "_state" / "runs").glob("*.json")
    assert json.loads(saved.read_text())["report"] == str(report_path(out))
    doc = lxml_html.fromstring(report_path(out).read_text(encoding="utf-8"))
    assert number(doc.get_element_by_id("total-records").text_content()) == 5


def test_a_served_deployment_with_report_passes_it_to_its_flow(tmp_path):
    from flows.fetch import fetch_pages
    from flows.pipeline import clean_pages
    from flows.schedule import build_deployment

    clean = build_deployment("0 * * * *", raw="raw", out=str(tmp_path), report=True)
    assert clean.parameters["report"] is True
    assert clean_pages.validate_parameters(clean.parameters)["report"] is True
    fetch = build_deployment("0 * * * *", raw="raw", out=str(tmp_path), report=True,
                             fetch={"fetch_settings": {}, "settings_dir": str(tmp_path)})
    assert fetch_pages.validate_parameters(fetch.parameters)["report"] is True
    plain = build_deployment("0 * * * *", raw="raw", out=str(tmp_path))
    assert "report" not in plain.parameters


def test_stray_dates_do_not_squeeze_the_chart():
    days = Counter({date(2011, 11, 1) + timedelta(days=i): 1 for i in range(300)})
    days[date(1970, 1, 1)] = 1  # a default date
    days[date(2099, 1, 1)] = 1  # a mistyped year
    assert chart_window(days) == (date(2011, 11, 1), date(2012, 8, 26))
    recent = Counter({date(2025, 1, 1): 5, date(2025, 6, 1): 1})
    assert chart_window(recent) == (date(2025, 1, 1), date(2025, 6, 1))  # all drawn


def test_a_broken_part_file_is_a_clear_error(sample_raw, tmp_path, capsys):
    out = tmp_path / "clean"
    inline_run(sample_raw, out)
    [part] = out.glob("articles/*/part-*.jsonl")
    part.write_text(part.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    assert main(["report", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{part}:6: not a record" in err and "winnow validate" in err
    assert not report_path(out).exists()  # no half report
