"""Limits: one place for what a page may cost, the caps that bound C-level work, and the
cooperative per-page time budget (a fake clock makes a page "slow" without sleeping)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cleaners import Rejected, clean_page
from cleaners.engine import plan
from cleaners.limits import DEFAULT_LIMITS, Deadline, Limits
from cleaners.rules import REGISTRY
from cleaners.rules.plan import rule_names

RAW = Path(__file__).resolve().parent.parent / "raw"
FIX = Path(__file__).parent / "fixtures" / "html"


class FakeClock:
    """Time stands still until a "slow" rule moves it on."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def slow_rule(monkeypatch):
    """Make one rule of each kind of page "take" 100 s on the fake clock it returns."""
    clock = FakeClock()

    def patch(name: str) -> None:
        real = REGISTRY[name]

        def slow(*args):
            clock.now += 100.0
            return real.fn(*args)

        monkeypatch.setitem(REGISTRY, name, dataclasses.replace(real, fn=slow))

    plan.cache_clear()  # the engine caches its plan of rules per format
    yield clock, patch
    plan.cache_clear()


def _first_rule(stage: str, fmt: str) -> str:
    return next(name for name in rule_names(fmt)
                if REGISTRY[name].stage == stage and not REGISTRY[name].per_line)


@pytest.mark.parametrize(
    ("page", "name", "stage", "fmt"),
    [
        (RAW / "000_a125d57da672de5c.txt", "page.txt", "block", "text"),
        (FIX / "medportal_utf8.html", "page.html", "html", "html"),
    ],
)
def test_a_page_past_its_time_budget_is_a_timeout_reject(slow_rule, page, name, stage, fmt):
    clock, patch = slow_rule
    rule = _first_rule(stage, fmt)
    patch(rule)
    with pytest.raises(Rejected) as exc:
        clean_page(page.read_bytes(), source_path=name, deadline=Deadline(30, clock=clock))
    assert exc.value.reason == "timeout"
    assert "30 s per-page budget" in exc.value.detail and "--page-timeout" in exc.value.detail


def test_the_same_slow_page_is_cleaned_without_a_budget(slow_rule):
    clock, patch = slow_rule
    patch(_first_rule("block", "text"))
    page = (RAW / "000_a125d57da672de5c.txt").read_bytes()
    record = clean_page(page, source_path="page.txt", deadline=Deadline(None, clock=clock))
    assert record.text and clock.now > 1000.0  # the rule did run, slowly, and no one minded


def test_clean_page_enforces_the_raw_size_limit_too():
    with pytest.raises(Rejected) as exc:
        clean_page(b"<p>x</p>" * 100, source_path="a.html", limits=Limits(max_raw_bytes=100))
    assert exc.value.reason == "too_large" and "max_raw_bytes" in exc.value.detail


def test_limits_come_from_a_settings_file(tmp_path):
    path = tmp_path / "winnow.toml"
    path.write_text("[limits]\nmax-raw-bytes = 1000\npage_timeout = 2.5\n")
    limits = Limits.from_toml(path)
    assert limits.max_raw_bytes == 1000 and limits.page_timeout == 2.5
    assert limits.max_decompressed_bytes == DEFAULT_LIMITS.max_decompressed_bytes


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ({"max_raw_byte": 5}, "unknown limit 'max_raw_byte'"),
        ({"max_raw_bytes": "big"}, "must be a number"),
        ({"max_raw_bytes": -1}, "must not be negative"),
    ],
)
def test_a_bad_settings_table_is_an_error_that_names_the_key(table, fragment):
    with pytest.raises(ValueError, match=fragment):
        Limits.from_mapping(table)


def test_overrides_keep_what_was_not_given_and_0_turns_the_budget_off():
    limits = Limits(max_raw_bytes=10).with_overrides(max_raw_bytes=None, page_timeout=0)
    assert limits.max_raw_bytes == 10 and limits.page_timeout is None


def test_run_options_override_the_settings_file_which_overrides_the_defaults(tmp_path):
    from flows.cli import _limits, parse_args

    settings = tmp_path / "winnow.toml"
    settings.write_text("[limits]\nmax_raw_bytes = 1000\nmax_html_depth = 64\n")
    args = parse_args(
        ["run", "--settings", str(settings), "--max-raw-bytes", "2M", "--page-timeout", "0"])
    limits = _limits(args)
    assert limits.max_raw_bytes == 2 * 1024 * 1024  # the option beats the file
    assert limits.max_html_depth == 64  # the file beats the default
    assert limits.page_timeout is None  # 0 turns the budget off
    assert limits.max_decompressed_bytes == DEFAULT_LIMITS.max_decompressed_bytes


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--max-raw-bytes", "lots"], "not a size in bytes"),
        (["--page-timeout", "-1"], "cannot be negative"),
        (["--settings", "{bad}"], "[limits] max_raw_byte: unknown key"),
    ],
)
def test_a_bad_limit_is_a_one_line_usage_error(tmp_path, capsys, argv, fragment):
    from flows.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text("[limits]\nmax_raw_byte = 5\n")
    argv = [str(bad) if a == "{bad}" else a for a in argv]
    try:
        code = main(["run", "--raw", str(tmp_path), "--out", str(tmp_path / "o"), *argv])
    except SystemExit as exc:  # argparse's usage error, as in a real process
        code = exc.code
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and fragment in err, err
    assert not (tmp_path / "o").exists()


def test_control_characters_in_html_do_not_break_the_tree_edits():
    """Found by make fuzz: libxml2 keeps \\x01 in a text node, and lxml refused the
    drop_tree() that moved it (ValueError: not XML compatible), a crash, not a reject."""
    story = "".join(f"<p>Предложение номер {i} о событиях в городе, рассказанных подробно.</p>"
                    for i in range(5))
    page = (f'<html><body><div class="menu"><a href="/">Главная</a></div>\x01\x0b хвост'
            f"<h1>Заголовок</h1>{story}</body></html>")
    record = clean_page(page.encode(), source_path="a.html")
    assert "Предложение номер 4" in record.text


def test_visible_text_of_unclosed_markup():
    from cleaners.decode.decoder import _visible

    assert _visible("a<script>x</script>b<style>y</STYLE >c<p>d</p>").split() == list("abcd")
    assert _visible("a<script>never closed").split() == ["a"]
    assert _visible("<" * 1000 + "x") == "<" * 1000 + "x"  # no tag: nothing removed


def test_a_lone_heading_is_no_article_and_a_headline_with_one_sentence_is_a_record():
    """What is left of a section page is a heading; a news flash is one sentence. The
    first would be a record of two words, the second is news and must not be lost."""
    section = "<html><body><h1>Экономика</h1><p>Курс рубля</p></body></html>"
    with pytest.raises(Rejected) as exc:
        clean_page(section.encode(), source_path="section.html")
    assert exc.value.reason == "no_article" and "not one sentence" in exc.value.detail
    flash = "Путин прибыл в Минск\n\nПрезидент России прибыл в Минск с визитом.\n"
    record = clean_page(flash.encode(), source_path="flash.txt")
    assert record.text == "Президент России прибыл в Минск с визитом."


def test_enough_words_make_prose_without_a_sentence_and_fewer_are_counted_exactly():
    from cleaners.page import MIN_STORY_WORDS, _not_a_story

    words = [f"слово{i}" for i in range(40)]
    assert _not_a_story([" ".join(words[:MIN_STORY_WORDS])]) is None
    assert _not_a_story([" ".join(words[:20]), " ".join(words[20:])]) is None
    short = _not_a_story([" ".join(words[:8]), " ".join(words[8:MIN_STORY_WORDS - 1])])
    assert short is not None and f"only {MIN_STORY_WORDS - 1} word(s)" in short


def test_unspaced_scripts_count_words_by_characters_and_end_sentences_full_width():
    from cleaners.page import MIN_STORY_WORDS, _not_a_story

    # one Chinese sentence, no spaces: a news flash, as a one-sentence Russian story is
    assert _not_a_story(["北京今天下了今年的第一场雪。"]) is None
    # prose long enough to be a story without a full stop (two characters a word)
    prose = "内蒙古自治区人力资源和社会保障厅" "牵头组织会同自治区发改委财政厅公安厅"
    assert _not_a_story([prose]) is None
    # a lone heading is still not a story, in any script
    heading = _not_a_story(["经济新闻"])
    assert heading is not None and "only 2 word(s)" in heading
    assert _not_a_story(["ニュース一覧"]) is not None
    assert len("经济新闻") < MIN_STORY_WORDS * 2


def test_a_chinese_news_page_is_cleaned_not_rejected():
    story = ("新报讯 12月8日，自治区人力资源和社会保障厅会同九个部门召开视频会议，"
             "研究部署做好元旦、春节前保障农牧民工工资支付工作。"
             "会议要求各地制定保障工资支付的工作方案。")
    page = (f"<html><head><title>保障农牧民工工资支付 - 新闻</title></head><body>"
            f"<nav><a href='/'>首页</a> <a href='/n'>新闻</a></nav><h1>保障农牧民工工资支付</h1>"
            f"<p>{story}</p></body></html>")
    record = clean_page(page.encode(), source_path="zh.html")
    assert "会议要求各地制定保障工资支付的工作方案。" in record.text
    assert "首页" not in record.text


def test_element_and_depth_caps_reject_before_any_python_walks_the_tree():
    deep = "<html><body>" + "<div>" * 100 + "<p>Текст абзаца здесь.</p>" + "</div>" * 100
    with pytest.raises(Rejected) as exc:
        clean_page(deep.encode(), source_path="a.html", limits=Limits(max_html_depth=50))
    assert exc.value.reason == "too_large" and "max_html_depth" in exc.value.detail
    wide = "<html><body>" + "<p>Текст абзаца здесь.</p>" * 300 + "</body></html>"
    with pytest.raises(Rejected) as exc:
        clean_page(wide.encode(), source_path="a.html", limits=Limits(max_html_elements=200))
    assert exc.value.reason == "too_large" and "max_html_elements" in exc.value.detail
