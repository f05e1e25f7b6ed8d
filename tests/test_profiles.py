"""Site profiles as data (issue 22, build 3): each key on a small hand-written page,
validation errors naming file and key, parity without a profile, and the drafted profile
of a small hand-made site."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from cleaners import (
    ProfileError,
    Rejected,
    RuleTally,
    SiteProfile,
    analyse_page,
    clean_page,
    draft_profile,
    profile_from_toml,
)
from flows.cli import main
from flows.explain import explain_lines
from flows.profiles import load_profiles, profiles_folder

SITE = "gazette.example"
URL = f"https://{SITE}/news/river-rises"
PROSE = [
    "The river in Exampletown rose by two metres overnight, and the council closed the"
    " lower bridge to traffic while engineers checked its piers.",
    "Residents of the riverside streets were asked to move their cars to higher ground"
    " before the evening, when the water is expected to peak.",
    "The mayor said the town had prepared for worse and that the new flood walls had done"
    " what they were built to do.",
]
PAGE = f"""<html><head><title>River rises in Exampletown</title></head><body>
<article class="story"><div class="gz-body">
<h1>River rises in Exampletown</h1>
<p class="by"><span class="writer">Ada Lovelace</span></p>
<p class="when" data-day="2024-03-05T07:30:00Z">Tuesday morning</p>
<p>{PROSE[0]}</p>
<div class="gz-x1"><p>Our reporters walked the whole length of the riverbank with a camera,
and you can see every one of their photographs in the gallery tonight.</p></div>
<p>{PROSE[1]}</p>
<p>Support local journalism: subscribe today and read every story we publish.</p>
<p>{PROSE[2]}</p>
</div>
<div class="gz-r7"><p>Elsewhere in the region, the county fair opened on Saturday with more
stalls than ever before, and the organisers said they expected a record crowd.</p></div>
</article>
</body></html>"""
PROFILE = """
drop_selectors = ["div.gz-x1"]
story_selectors = ["div.gz-body"]
drop_lines = ["^Support local journalism"]
date = { selector = "p.when", attribute = "data-day" }
author = { selector = "span.writer" }
language = "de"
"""


def _profile(text: str = PROFILE) -> SiteProfile:
    return profile_from_toml(text, site=SITE, source=f"profiles/{SITE}.toml")


def _rules(profile: SiteProfile | None) -> dict[str, str]:
    """{the first 40 characters of a line: the rule that decided it} as ``winnow explain``
    shows them."""
    blocks = analyse_page(PAGE, url=URL, profile=profile).blocks
    return {x.text.strip()[:40]: x.rule for x in explain_lines(blocks) if x.text.strip()}



def test_drop_selectors_remove_the_block_and_explain_names_the_profile_key():
    profile = SiteProfile(site=SITE, drop_selectors=("div.gz-x1",))
    before = clean_page(PAGE, url=URL)
    assert "photographs in the gallery" in before.text  # the generic rules keep it
    rules = _rules(profile)
    assert rules["Our reporters walked the whole length of"] == f"profile:{SITE}:drop_selectors"
    tally = RuleTally()
    record = clean_page(PAGE, url=URL, profile=profile, tally=tally)
    assert "photographs in the gallery" not in record.text
    assert all(p in record.text for p in PROSE)
    assert tally.as_dict()[f"profile:{SITE}:drop_selectors"]["lines"] == 1


def test_story_selectors_keep_the_story_root_and_drop_what_is_outside_it():
    assert "county fair" in clean_page(PAGE, url=URL).text  # the generic rules keep it
    profile = SiteProfile(site=SITE, story_selectors=("main", "div.gz-body"))
    record = clean_page(PAGE, url=URL, profile=profile)
    assert "county fair" not in record.text
    assert all(p in record.text for p in PROSE)
    assert _rules(profile)["Elsewhere in the region, the county fair"] == \
        f"profile:{SITE}:story_selectors"


def test_a_story_selector_that_matches_nothing_leaves_the_page_to_the_generic_rules():
    profile = SiteProfile(site=SITE, story_selectors=("div.no-such-thing",))
    assert clean_page(PAGE, url=URL, profile=profile).text == clean_page(PAGE, url=URL).text


def test_drop_lines_patterns_remove_matching_lines():
    assert "Support local journalism" in clean_page(PAGE, url=URL).text
    profile = SiteProfile(site=SITE, drop_lines=(r"^Support local journalism",))
    record = clean_page(PAGE, url=URL, profile=profile)
    assert "Support local journalism" not in record.text
    assert _rules(profile)["Support local journalism: subscribe toda"] == \
        f"profile:{SITE}:drop_lines"


def test_drop_lines_work_on_text_pages_too():
    text = "\n\n".join(["River rises in Exampletown", PROSE[0],
                        "Support local journalism: subscribe today", PROSE[1], PROSE[2]])
    profile = SiteProfile(site=SITE, drop_lines=(r"^Support local",))
    assert "Support local" in clean_page(text.encode(), source_path="a.txt").text
    blocks = analyse_page(text.encode(), source_path="a.txt", profile=profile).blocks
    assert [b.rule for b in blocks if b.text.startswith("Support")] == \
        [f"profile:{SITE}:drop_lines"]


def test_date_and_author_places_fill_the_record():
    plain = clean_page(PAGE, url=URL)
    # the generic readers find the day at most, and take no author from a bare span
    assert plain.published in (None, "2024-03-05")
    assert "Tuesday morning" in plain.text
    profile = SiteProfile(site=SITE, date={"selector": "p.when", "attribute": "data-day"},
                          author={"selector": "span.writer"})
    record = clean_page(PAGE, url=URL, profile=profile)
    assert record.published == "2024-03-05T07:30:00+00:00"
    assert record.authors == ["Ada Lovelace"]
    assert "Tuesday morning" not in record.text  # the date's block is lifted, not story
    rules = _rules(profile)
    assert rules["Tuesday morning"] == f"profile:{SITE}:date"


def test_a_date_read_from_text_is_read_as_a_written_date():
    page = PAGE.replace('data-day="2024-03-05T07:30:00Z">Tuesday morning',
                        '>5 March 2024')
    profile = SiteProfile(site=SITE, date={"selector": "p.when"})
    assert clean_page(page, url=URL, profile=profile).published == "2024-03-05"


def test_the_profile_language_is_the_record_language():
    assert clean_page(PAGE, url=URL).language == "en"
    assert clean_page(PAGE, url=URL, profile=_profile()).language == "de"


def test_the_whole_example_profile_applies_every_key_at_once():
    record = clean_page(PAGE, url=URL, profile=_profile())
    assert record.text == "\n\n".join(PROSE)
    assert (record.published, record.authors, record.language) == \
        ("2024-03-05T07:30:00+00:00", ["Ada Lovelace"], "de")


@pytest.mark.parametrize(("toml", "key", "why"), [
    ('drop_selector = ["div"]', "drop_selector", "Extra inputs"),
    ('drop_lines = ["ok", "("]', "drop_lines", "item 1: invalid regular expression"),
    ('drop_selectors = ["div[class="]', "drop_selectors", "item 0: invalid CSS selector"),
    ('story_selectors = ["p:nth-child(x)"]', "story_selectors", "invalid CSS selector"),
    ('drop_lines = "^x"', "drop_lines", "valid tuple"),
    ("language = 5", "language", "valid string"),
    ('language = "english"', "language", "pattern"),
    ('date = { selector = "time", attr = "datetime" }', "date.attr", "Extra inputs"),
    ('author = { selector = "<<" }', "author.selector", "invalid CSS selector"),
    ('site = "other.example"', "site", "not the site the file is named for"),
])
def test_each_validation_error_names_the_file_and_the_key(tmp_path, toml, key, why):
    (tmp_path / f"{SITE}.toml").write_text(toml)
    with pytest.raises(ProfileError) as err:
        load_profiles(tmp_path)
    message = str(err.value)
    assert message.startswith(str(tmp_path / f"{SITE}.toml") + ":")
    assert f"key '{key}'" in message and why in message


def test_bad_toml_and_a_missing_folder_are_errors(tmp_path):
    (tmp_path / "a.example.toml").write_text("drop_lines = [")
    with pytest.raises(ProfileError, match=r"a\.example\.toml: not valid TOML"):
        load_profiles(tmp_path)
    with pytest.raises(ProfileError, match="no such profiles folder"):
        load_profiles(tmp_path / "nope")


def test_a_good_folder_loads_every_profile_by_its_file_name(tmp_path):
    (tmp_path / f"{SITE}.toml").write_text(PROFILE)
    (tmp_path / "b.example.toml").write_text("")
    loaded = load_profiles(tmp_path)
    assert sorted(loaded) == ["b.example", SITE]
    assert loaded[SITE].drop_selectors == ("div.gz-x1",)
    assert loaded["b.example"] == SiteProfile(site="b.example")


def test_the_default_folder_is_profiles_where_it_exists(tmp_path):
    assert profiles_folder(None, tmp_path) is None
    (tmp_path / "profiles").mkdir()
    assert profiles_folder(None, tmp_path) == str(tmp_path / "profiles")
    assert profiles_folder("elsewhere", tmp_path) == "elsewhere"


def test_a_run_with_a_bad_profile_stops_before_cleaning(tmp_path, capsys):
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / f"{SITE}.toml").write_text('drop_lines = ["("]')
    (tmp_path / "raw").mkdir()
    code = main(["run", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "clean"),
                 "--profiles", str(tmp_path / "profiles")])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{SITE}.toml: key 'drop_lines'" in err
    assert not (tmp_path / "clean").exists()


def test_the_shipped_example_profiles_validate_and_name_no_dev_set_site():
    shipped = load_profiles(Path(__file__).resolve().parents[1] / "profiles")
    assert shipped
    assert all(site.endswith((".example", ".test")) for site in shipped)


def _pages() -> list[Path]:
    root = Path(__file__).resolve().parents[1]
    return sorted(p for d in ("raw", "tests/fixtures/html", "tests/fixtures/text")
                  for p in (root / d).rglob("*")
                  if p.is_file() and not p.name.endswith(".meta.json"))


def _outcome(data: bytes, name: str, profile: SiteProfile | None) -> object:
    try:
        record = clean_page(data, source_path=name, profile=profile)
    except Rejected as exc:
        return ("rejected", exc.reason, exc.detail)
    return record.model_dump(exclude={"processed_at"})


def test_an_empty_profile_changes_nothing_on_the_sample_pages_and_fixtures():
    pages = _pages()
    assert len(pages) >= 15
    for path in pages:
        data = path.read_bytes()
        assert _outcome(data, path.name, None) == \
            _outcome(data, path.name, SiteProfile(site="x.example")), path


SUGGEST_SITE = "tiny.example"
HEADLINES = ["Council votes to open the new park", "Bakery wins a national bread prize",
             "Choir to sing at the town hall"]


def _tiny_site(raw: Path) -> None:
    folder = raw / SUGGEST_SITE
    folder.mkdir(parents=True)
    for i, (title, text) in enumerate(zip(HEADLINES, PROSE, strict=True)):
        (folder / f"p{i}.html").write_text(
            f"""<html><body><div class="topbar"><p>Tiny Example News</p>
<p>Home | Sport | Weather</p></div><main><h1>{title}</h1><p>{text}</p>
<p>Follow Tiny Example on the wireless every morning at 7</p></main></body></html>""")


def test_profile_suggest_drafts_a_valid_profile_holding_the_recurring_line(tmp_path):
    _tiny_site(tmp_path / "raw")
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["profile", "suggest", SUGGEST_SITE, "--raw", str(tmp_path / "raw")])
    assert code == 0
    draft = out.getvalue()
    profile = profile_from_toml(draft, site=SUGGEST_SITE, source="stdout")
    assert "div.topbar" in profile.drop_selectors
    assert any(re.search(p, "Follow Tiny Example on the wireless every morning at 9")
               for p in profile.drop_lines)
    assert not any(re.search(p, PROSE[0]) for p in profile.drop_lines)
    assert "# printed on 3 of 3 pages" in draft  # where the suggestion came from
    page = (tmp_path / "raw" / SUGGEST_SITE / "p0.html").read_bytes()
    rules = {b.text: b.rule for b in analyse_page(page, profile=profile).blocks}
    assert rules["Follow Tiny Example on the wireless every morning at 7"] == \
        f"profile:{SUGGEST_SITE}:drop_lines"


def test_profile_suggest_on_a_site_with_no_pages_is_an_error(tmp_path, capsys):
    (tmp_path / "raw").mkdir()
    assert main(["profile", "suggest", "none.example", "--raw", str(tmp_path / "raw")]) == 2
    assert "no pages of site 'none.example'" in capsys.readouterr().err


def test_a_draft_of_two_pages_suggests_nothing_but_still_validates():
    pages = [(f"<html><body><p>Shared line here</p><p>{p}</p></body></html>", "html")
             for p in PROSE[:2]]
    draft = draft_profile("two.example", pages)
    assert profile_from_toml(draft, site="two.example", source="x").drop_lines == ()


def test_the_readme_example_profile_validates():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```toml\n(.*?)```", readme, flags=re.DOTALL)
              if b.startswith("# profiles/")]
    assert blocks
    for block in blocks:
        site = block.split("\n", 1)[0].removeprefix("# profiles/").removesuffix(".toml")
        profile = profile_from_toml(block, site=site, source="README")
        assert profile.drop_selectors and profile.story_selectors and profile.date


def test_a_run_hands_each_page_its_site_profile_and_tallies_its_rules(tmp_path):
    from helpers.inline import inline_run

    raw = tmp_path / "raw"
    (raw / SITE).mkdir(parents=True)
    (raw / SITE / "river.html").write_text(PAGE)
    (raw / "other.example").mkdir()
    (raw / "other.example" / "river.html").write_text(PAGE)  # same page, no profile
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / f"{SITE}.toml").write_text(PROFILE)
    summary = inline_run(raw, tmp_path / "clean", profiles=str(tmp_path / "profiles"))
    assert summary.records == 2
    removed = summary.removed_by_site
    assert removed[SITE][f"profile:{SITE}:drop_lines"]["lines"] == 1
    assert not any(r.startswith("profile:") for r in removed["other.example"])
    records = {}
    for part in (tmp_path / "clean" / "articles").rglob("*.jsonl"):
        for line in part.read_text().splitlines():
            rec = json.loads(line)
            records[rec["site"]] = rec
    assert records[SITE]["language"] == "de" and records["other.example"]["language"] == "en"
    assert "Support local journalism" not in records[SITE]["text"]
    assert "Support local journalism" in records["other.example"]["text"]


def test_explain_with_profiles_names_the_profile_key_that_removed_each_line(tmp_path):
    (tmp_path / SITE).mkdir()
    page = tmp_path / SITE / "river.html"
    page.write_text(PAGE)
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / f"{SITE}.toml").write_text(PROFILE)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["explain", str(page), "--profiles", str(tmp_path / "profiles")]) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"site '{SITE}': profile ")
    photo = next(x for x in lines if "Our reporters walked" in x)
    assert photo.startswith("- chrome") and f"profile:{SITE}:drop_selectors" in photo
    assert f"profile:{SITE}:story_selectors" in next(x for x in lines if "county fair" in x)
    assert f"profile:{SITE}:drop_lines 1" in lines[-1]  # the removed-by-rule tally
    (tmp_path / "empty").mkdir()
    plain = io.StringIO()
    with redirect_stdout(plain):
        assert main(["explain", str(page), "--profiles", str(tmp_path / "empty")]) == 0
    assert "profile:" not in plain.getvalue() and "Our reporters walked" in plain.getvalue()


def test_profile_suggest_reads_the_pages_inside_warc_files(tmp_path):
    """A site crawled into a WARC is drafted from its records (site from each record's
    URL), as from saved files; the WARC file itself is never read as one page, and
    another site's records in the same file are left out."""
    from tests.helpers.warc import response, write_warc

    _tiny_site(tmp_path / "files")
    pages = sorted((tmp_path / "files" / SUGGEST_SITE).iterdir())
    records = [response(f"https://{SUGGEST_SITE}/news/{p.stem}", 200, "text/html",
                        p.read_bytes()) for p in pages]
    records.append(response("https://other.example/x", 200, "text/html",
                            b"<html><body><p>Home | Sport | Weather</p></body></html>"))
    write_warc(tmp_path / "raw" / "crawl.warc.gz", records)
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["profile", "suggest", SUGGEST_SITE, "--raw", str(tmp_path / "raw")])
    assert code == 0
    draft = out.getvalue()
    assert "# printed on 3 of 3 pages" in draft
    profile = profile_from_toml(draft, site=SUGGEST_SITE, source="stdout")
    assert "div.topbar" in profile.drop_selectors
