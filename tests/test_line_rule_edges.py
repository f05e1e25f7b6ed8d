"""The line rules at their edges: each length limit at the limit and one past it, the note
``winnow explain`` prints for each way a rule matches, and the values it lifts exactly.

tests/test_line_rules.py shows each rule a chrome line and a story line far from either
edge; the mutants of ``make mutate`` (``>`` for ``>=``, a limit moved by one, ``or`` for
``and``, a note's words changed) passed all of those. Each case here is written from the
rule's own statement of its limit (its docstring, its ``max_words``, the constant it
names), not from what the rule printed.
"""

from __future__ import annotations

import pytest

from cleaners.rules import REGISTRY, PageContext
from cleaners.rules import line_rules as lr
from cleaners.rules.phrases import phrase_set
from cleaners.text.frontend import text_to_blocks


def block_of(line: str):
    blocks = text_to_blocks(line)
    assert len(blocks) == 1, blocks
    return blocks[0]


def judge(rule_name: str, line: str) -> str | None:
    return REGISTRY[rule_name].fn(block_of(line), PageContext(input_format="text"))


def lifted(rule_name: str, line: str):
    """The metadata the rule lifted from ``line`` (asserting it matched)."""
    block = block_of(line)
    assert REGISTRY[rule_name].fn(block, PageContext(input_format="text")), line
    return block.lifted


def words(n: int, word: str = "Word") -> str:
    return " ".join([word] * n)


# what `winnow explain` says a rule saw: one case per way each rule matches
NOTES = [
    ("widget_residue", "[          ] [Искать]", "only form widgets / link numbers"),
    ("counter", "1295", "bare number"),
    ("counter", "Просмотров: 856", "labelled count"),
    ("timestamp_only", "29.12.2021 09:46", "date/time alone"),
    ("tags_line", "Теги:", "tags label"),
    ("tags_line", "Tags: space, science", "2 tags"),
    ("rights_notice", "Все права защищены", "rights phrase"),
    ("rights_notice", "© Example Media Group", "copyright sign"),
    ("author_box", "About Jane Doe", "author box header"),
    ("doubled_caption", "Избыточный весИзбыточный вес",
     "the same text twice: an image's alt text and caption"),
    ("comment_prompt", "59 Comments on “The December Comfort Watches”", "comments header"),
    ("comment_prompt", "Leave a comment", "comment prompt phrase"),
    ("list_header", "Latest news", "list header phrase"),
    ("login_link", "Sign in", "login phrase"),
    ("ticker", "Москва +3°C", "weather"),
    ("ticker", "usd: 0.7865 eur: 1.0449", "currency rates"),
    ("pager", "← предыдущая новость следующая новость →", "pager arrows"),
    ("menu_line", "Политика Экономика Общество Спорт", "capitalised words, no stopwords"),
    ("breadcrumb_menu", "Главная > Новости > Политика", "3 items separated"),
    ("source_line", "Source: Reuters", "source 'Reuters'"),
    ("author_line", "By Jane Doe", "author 'Jane Doe'"),
    ("image_credit", "Photo: Reuters", "credit 'Reuters'"),
    ("related_link", "See also: Floods hit the town", "link to 'Floods hit the town'"),
]


@pytest.mark.parametrize(("rule_name", "line", "note"), NOTES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(NOTES)])
def test_explain_says_why(rule_name: str, line: str, note: str) -> None:
    assert judge(rule_name, line) == note


def test_a_related_links_note_quotes_forty_characters_of_the_headline() -> None:
    headline = "Abcdefghij " * 5  # 55 characters, 5 words
    assert judge("related_link", "See also: " + headline.strip()) == \
        f"link to {headline[:40]!r}"


# (rule, a line that matches at the rule's limit, the same kind of line one past it)
LIMITS = [
    # a counter is four words and 40 characters at most
    ("counter", "1 2 3 4", "1 2 3 4 5"),
    ("counter", "comments: " + "1" * 30, "comments: " + "1" * 31),
    # an image credit is 12 words at most
    ("image_credit", "Photo: " + words(11, "Jane"), "Photo: " + words(12, "Jane")),
    # a credited source: eight words in the line, six in the source
    ("source_line", "Source: " + words(6, "Reuters"), "Source: " + words(7, "Reuters")),
    ("source_line", "Source: Reuters/AP TASS/RIA DPA/AFP Xinhua",  # 8 words: a slash parts two
     "Source: Reuters/AP TASS/RIA DPA/AFP Xinhua/Kyodo"),
    # tags: 30 words in the line, five in a tag
    ("tags_line", "Tags: " + ", ".join(["one two three"] * 9) + ", end two",
     "Tags: " + ", ".join(["one two three"] * 9) + ", end two three"),
    ("tags_line", "Tags: one two three four five", "Tags: one two three four five six"),
    # an author line: six words, four in the name
    ("author_line", "Author: Jane Mary Ann Doe", "Author: Jane Mary Ann Lee Doe"),
    ("author_line", "Author: Jane Mary-Ann Lee Doe", "Author: Jane Mary-Ann Lee-Smith Doe"),
    # a related link: 20 words in the line, 15 in the headline
    ("related_link", "See also: " + words(15, "Floods"), "See also: " + words(16, "Floods")),
    ("related_link", "See also: " + words(9, "Floods/Rain"),  # 20 words: a slash parts two
     "See also: " + words(9, "Floods/Rain") + " Storm"),
    # a ticker: 16 words, weather within six
    # ("1.11" is two words, "+3°C" two)
    ("ticker", "usd 1.11 eur 2.22 " + words(10, "x"), "usd 1.11 eur 2.22 " + words(11, "x")),
    ("ticker", "Москва +3°C " + words(3, "Ясно"), "Москва +3°C " + words(4, "Ясно")),
    # a copyright sign makes a rights notice within 25 words
    ("rights_notice", "© " + words(25, "Example"), "© " + words(26, "Example")),
    # a caption credited in brackets: 90 words
    ("caption_credit", words(86, "Crowds") + " (AP Photo/Jane Doe)",
     words(87, "Crowds") + " (AP Photo/Jane Doe)"),
    # a credit after the caption's sentence, without brackets: 30 words
    ("caption_credit", words(27, "Crowds") + ". Photo: Jane Doe",
     words(28, "Crowds") + ". Photo: Jane Doe"),
    # a bare "©" credit: eight words
    ("image_credit", "© " + words(8, "Reuters"), "© " + words(9, "Reuters")),
    # menu items run together: four at least (counted at the lower edge)
    ("menu_line", "Политика Экономика Общество Спорт", "Политика Экономика Общество"),
]


@pytest.mark.parametrize(("rule_name", "at_limit", "past_limit"), LIMITS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(LIMITS)])
def test_each_limit_takes_the_line_at_it_and_leaves_the_one_past_it(
        rule_name: str, at_limit: str, past_limit: str) -> None:
    assert judge(rule_name, at_limit), f"{rule_name} missed {at_limit!r}"
    assert judge(rule_name, past_limit) is None, f"{rule_name} took {past_limit!r}"


# the ticker needs four digits and two currencies (counted at the lower edge)
LIMITS_BELOW = [
    ("ticker", "usd 1.1 eur 2.2", "usd 1.1 eur 2"),
    # a menu of dash-parted items: five at least, with every kind of dash
    ("breadcrumb_menu", "Политика - Экономика - Общество - Спорт - Культура",
     "Политика - Экономика - Общество - Спорт"),
    ("breadcrumb_menu", "Политика – Экономика – Общество – Спорт – Культура",
     "Политика – Экономика – Общество – Спорт"),
    ("breadcrumb_menu", "Политика — Экономика — Общество — Спорт — Культура",
     "Политика — Экономика — Общество — Спорт"),
    # a separated item is five words at most
    ("breadcrumb_menu", "Главная > Новости нашей страны и мира > Политика",
     "Главная > Новости нашей большой страны и мира > Политика"),
    # three in four menu words capitalised
    ("menu_line", "Политика Экономика Общество спорт", "Политика Экономика общество спорт"),
    # Chinese menu items are counted by the spaces between them: four at least
    ("menu_line", "首頁 新聞 體育 娛樂", "首頁 新聞 體育"),
    # a doubled caption's halves are ten characters each at least
    ("doubled_caption", "AbcdefghijAbcdefghij", "AbcdefghiAbcdefghi"),
    # half a line's characters inside tags make it markup
    ("markup_residue", '<a href="x">abcdefghijkl', '<a href="x">abcdefghijklm'),
]


@pytest.mark.parametrize(("rule_name", "at_limit", "past_limit"), LIMITS_BELOW,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(LIMITS_BELOW)])
def test_each_lower_limit(rule_name: str, at_limit: str, past_limit: str) -> None:
    assert judge(rule_name, at_limit), f"{rule_name} missed {at_limit!r}"
    assert judge(rule_name, past_limit) is None, f"{rule_name} took {past_limit!r}"


def test_a_menu_of_years_counts_figures_as_items() -> None:
    """An archive's year links open on a figure, which counts as a capital."""
    assert judge("menu_line", "Архив 2022 2023 2024") == "capitalised words, no stopwords"


@pytest.mark.parametrize(("rule_name", "line"), [
    # a sentence with two currencies and four figures is a story's, not a ticker
    ("ticker", "Доллар подорожал до 92,50 рубля, евро до 100,10."),
    # leaked formatting around an equation holds no tag with attributes
    ("markup_residue", "<b>x = 1</b>"),
    # two separators in a row part no item: code, not a menu
    ("breadcrumb_menu", "Проверка условия: a || b || c"),
    # a bracket that names no one is no credit
    ("caption_credit", "Crowds gather in the square (Photo: 2019)"),
    # a name with a figure in it is no author
    ("author_line", "Автор: Иван Петров 2019"),
    # the label with a word after it is no bare tags label
    ("tags_line", "Topics X:"),
])
def test_story_lines_at_an_edge_stay(rule_name: str, line: str) -> None:
    assert judge(rule_name, line) is None


def test_a_table_row_of_rates_is_the_storys_data() -> None:
    from cleaners.blocks import Block

    row = Block(0, "USD 75.31 EUR 81.20", "USD 75.31 EUR 81.20", tag="tr")
    row.compute_features()
    ctx = PageContext(input_format="html")
    assert REGISTRY["ticker"].fn(row, ctx) is None
    line = Block(0, "USD 75.31 EUR 81.20", "USD 75.31 EUR 81.20", tag="p")
    line.compute_features()
    assert REGISTRY["ticker"].fn(line, ctx) == "currency rates"


@pytest.mark.parametrize(("line", "credit", "caption"), [
    ("Rescuers search the rubble [File: Reuters]", "File: Reuters", "Rescuers search the rubble"),
    ("Protesters in the square (Image: GETTY).", "Image: GETTY", "Protesters in the square"),
    ("Rescuers search the rubble [File: Reuters].", "File: Reuters",
     "Rescuers search the rubble"),
    ("Crowds gather in the square (Photo: Jane 2019)", "Photo: Jane 2019",
     "Crowds gather in the square"),
    ("Crowds gather in the square (Photo:AP)", "Photo:AP", "Crowds gather in the square"),
])
def test_caption_credit_in_every_kind_of_bracket(line: str, credit: str, caption: str) -> None:
    found = lifted("caption_credit", line)
    assert (found.credit, found.caption) == (credit, caption)


@pytest.mark.parametrize(("rule_name", "line", "field", "value"), [
    # the credit, the source and the author lose the sign, spaces and full stops around them
    ("image_credit", "Photo: Xinhua.", "credit", "Xinhua"),
    ("image_credit", "© Xinhua", "credit", "Xinhua"),
    ("source_line", "Source: Xinhua.", "source", "Xinhua"),
    ("author_line", "Author: Xavier Doe.", "author", "Xavier Doe"),
    # tags lose their "#" and full stops; an empty item is none, a one-letter tag is one
    ("tags_line", "Tags: #space, science.", "tags", ["space", "science"]),
    ("tags_line", "Tags: space, #, science", "tags", ["space", "science"]),
    ("tags_line", "Tags: X, space", "tags", ["X", "space"]),
])
def test_what_a_rule_lifts_is_cleaned(rule_name: str, line: str, field: str, value) -> None:
    assert getattr(lifted(rule_name, line), field) == value


@pytest.fixture
def registry_copy():
    """The registry as it was, back after the test (a factory test registers a probe)."""
    saved = dict(REGISTRY)
    yield
    REGISTRY.clear()
    REGISTRY.update(saved)


@pytest.mark.parametrize(("category", "whole_or_prefix"), [
    ("login", True), ("subscribe", True), ("cookie", False)])
def test_a_phrase_rule_is_built_from_its_category(registry_copy, category: str,
                                                  whole_or_prefix: bool) -> None:
    """The factory that builds the phrase rules runs at import, before `make mutate`
    switches a mutant in: built again here, its rule is what the category says."""
    phrases = phrase_set(category)
    lr._phrase_line_rule("probe_rule", category, "Probe doc.")
    probe = REGISTRY["probe_rule"]
    assert probe.stage == "line" and probe.label == "chrome"
    assert probe.max_words == phrases.word_limit
    assert probe.first_words == (phrases.firsts if whole_or_prefix else None)
    assert probe.doc == f"Probe doc. (phrases: rules/data/chrome_phrases.toml [{category}])"
    lr._phrase_line_rule("probe_meta", category, "Probe doc.", label="meta")
    assert REGISTRY["probe_meta"].label == "meta"


@pytest.mark.parametrize(("category", "line", "note"), [
    ("login", "Sign in", "login phrase"),
    ("list_header", "Latest news", "list header phrase"),
    ("cookie", "Мы используем файлы cookie для улучшения работы сайта", "cookie phrase"),
])
def test_a_phrase_rules_check_names_its_category(category: str, line: str, note: str) -> None:
    check = lr._phrase_rule(category, "Doc.")
    ctx = PageContext(input_format="text")
    assert check(block_of(line), ctx) == note
    assert check(block_of("The council met on Tuesday to vote on the budget."), ctx) is None
    assert check.__doc__ == f"Doc. (phrases: rules/data/chrome_phrases.toml [{category}])"
