"""Line rules: each judges one line on its own and names what it saw.

They run in the order written here, first match wins (the engine makes one pass).
Every rule guards itself with a length check so that story text that merely
contains a chrome word ("...предложил подписаться на...") is never matched:
chrome lines are short, or are the phrase and nothing else.

Each rule is a plain function registered by a call after it (``line_rule(...)(fn)``), not
by a decorator: mutmut 3 leaves decorated functions unmutated, and ``make mutate`` must
reach the rules' bodies (tests/test_mutate_tool.py keeps it so).
"""

from __future__ import annotations

import re

from cleaners.blocks import Block, Label
from cleaners.rules.base import PageContext, line_rule
from cleaners.rules.phrases import PhraseSet, label_value, phrase_set
from cleaners.words.dates import is_timestamp_line
from cleaners.words.features import CJK, fold

# a "Label: value" line needs a separator (a fullwidth colon in Chinese and Japanese);
# most lines have none, and skip the regexes
_LABEL_SEP = re.compile(r"[:：\-–—]")


def widget_residue(block: Block, ctx: PageContext) -> str | None:
    """A line that held only text-browser residue (an input box, a button, an image alt)."""
    return "only form widgets / link numbers" if not block.text else None


line_rule("widget_residue", max_words=0)(widget_residue)


# "Name*", "Email *", "Your Name: *", "Комментарий*": a label a form marks as required
_REQUIRED_FIELD = re.compile(r"^[^\W\d_][^*.!?]{0,30}?:?\s?\*$")
FIELD_MAX_WORDS = 3


def form_field(block: Block, ctx: PageContext) -> str | None:
    """A form's field label marked required ("Name*", "Email *"): a newsletter's or a
    contact form's, which a text dump prints a line to each field. Its own rule, not a
    share button's ("Email"): a form set inside a story is crossed to the story's next
    section, as the buttons under its end are not."""
    text = block.text.strip()
    if _REQUIRED_FIELD.match(text) is None or any(
            len(w) > 1 and w.isupper() for w in text.rstrip("*: ").split()):
        return None  # "Avoid SELECT *": code's keywords are written in capitals
    return "a required field's label"


line_rule("form_field", max_words=FIELD_MAX_WORDS)(form_field)


# a tag with attributes ("<div style=...>", "<a href=...>"): what markup printed as text
# holds, and leaked inline formatting ("<b>", "<br />") does not
_ATTRIBUTED_TAG = re.compile(r"<[a-zA-Z][a-zA-Z0-9]*\s[^<>]*=[^<>]*>")
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
MARKUP_SHARE = 0.5  # of the line's characters inside tags


def markup_residue(block: Block, ctx: PageContext) -> str | None:
    """A line that is mostly HTML markup: an embed code printed in its text box ("<div
    style=...><a href=...>"), a tracking pixel's "<img ...>". A story quotes a tag now and
    then, inside a sentence; it never is one line of tags with attributes."""
    text = block.text
    if "<" not in text or "=" not in text or _ATTRIBUTED_TAG.search(text) is None:
        return None
    tags = _TAG.findall(text)
    share = sum(map(len, tags)) / len(text)
    if share >= MARKUP_SHARE:
        return f"{len(tags)} tags, {share:.0%} of the line"
    return None


line_rule("markup_residue")(markup_residue)


_COUNTER = re.compile(
    r"^(?:[-+−]?\d[\d\s]{0,8}(?:[.,]\d+)?%?|[★☆✩✪\s]{2,}|\d+(?:[.,]\d+)?\s*(?:/|из|of)\s*\d+"
    r"|[+-]\d+\s+[+-]\d+"
    r"|(?:image|photo|slide|picture|фото|изображение|слайд)\s+\d+\s*(?:/|of|из)\s*/?\s*\d+)$",
    re.IGNORECASE,
)
_COUNTER_LABEL = re.compile(
    r"^(?:(?:просмотр(?:ов|а|ы)?|прочтени(?:й|я|е)|показов|прочитали|комментари(?:ев|я|й|и)|рейтинг|голос(?:ов|а)?"
    r"|оценка|views?|comments?|likes?|shares?|votes?|rating|reads?)\s*:?\s*[\d\s.,]+"
    r"|[\d\s.,]+\s*(?:просмотр(?:ов|а)?|прочтени(?:й|я|е)|комментари(?:ев|я|й)|views?|comments?|likes?|shares?"
    r"|votes?|reads?))$",
    re.IGNORECASE,
)


def counter(block: Block, ctx: PageContext) -> str | None:
    """A bare counter (1295, 0, -1), a views/comments count, or a rating widget."""
    if block.n_words > 4 or len(block.text) > 40:
        return None
    if _COUNTER.match(block.text):
        return "bare number"
    if _COUNTER_LABEL.match(block.text):
        return "labelled count"
    return None


line_rule("counter", max_words=4)(counter)


def timestamp_only(block: Block, ctx: PageContext) -> str | None:
    """A line that is only a date or time: a candidate for `published`, never body."""
    return "date/time alone" if is_timestamp_line(block.text) else None


line_rule("timestamp_only", label="meta", max_words=30)(timestamp_only)  # 60 characters at most


# "Getty Images / Jane Doe", "AP Photo/Jane Doe", "Jane Doe/Reuters": a photo agency and a
# photographer joined by a slash, the credit line of a picture agency's image
_AGENCIES = (r"(?:Getty Images|Getty|AP Photo|AP|Reuters|AFP|EPA|Shutterstock|Alamy"
             r"|iStock(?:photo)?)")
_AGENCY_CREDIT = re.compile(
    rf"^(?:{_AGENCIES}\s*/\s*[^/.!?]{{2,60}}|[^/.!?]{{2,60}}?\s*/\s*{_AGENCIES}(?:\s*/\s*\w+)?)$")


def _credit_value(block: Block) -> str | None:
    value = label_value("image_credit", block.text)
    if value is None and "/" in block.text and _AGENCY_CREDIT.match(block.text.strip()):
        return block.text.strip()
    if value is None and block.text.startswith("©") and block.n_words <= 8 and \
            not phrase_set("rights").pattern.search(block.key):
        value = block.text  # "© Reuters"; "© 2011 X. Все права защищены" is a rights notice
    if value is None:
        return None
    value = value.lstrip("©").strip(" .")
    return value or None


def image_credit(block: Block, ctx: PageContext) -> str | None:
    """An image credit ("Источник изображения: © AP Photo", "Фото: ТАСС", "Getty Images /
    Jane Doe"): image metadata."""
    if block.n_words > 12:
        return None
    if not _LABEL_SEP.search(block.text) and "©" not in block.text and "/" not in block.text:
        return None
    value = _credit_value(block)
    if value is None:
        return None
    block.lift().credit = value
    return f"credit {value!r}"


line_rule("image_credit", label="meta", max_words=12)(image_credit)


# "... shake hands in Hanoi. (AP Photo/Hau Dinh)", "... (Image: GETTY )", "[File: Reuters]":
# a caption that ends on its image's credit, in brackets
_CAPTION_CREDIT = re.compile(
    r"[(\[]\s*(?P<credit>(?:AP Photo|Photo|Picture|Image|Credit|File|Getty|AFP|Reuters|Фото|"
    r"Источник)"
    r"\b(?:\s*(?:by|credit)\b)?\s*[:/]?\s*[^()\[\]]{2,80})[)\]]\s*\.?$",
    re.IGNORECASE,
)
# "...in Madrid, Spain, Tuesday, Nov. 19, 2019. (Manu Fernandez/AP)": a photographer and
# an agency in brackets after the caption's last sentence
_CAPTION_BYLINE = re.compile(
    r"(?<=[.!?\"”])\s*\((?P<credit>[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}\s*/\s*"
    r"[A-Z][\w&'’.-]*(?: [A-Z][\w&'’.-]*){0,3})\)\s*\.?$"
)
# "Здание суда. Фото с сайта betotrade.ee", "...населения. Фото PRM.RU", "Guests pick
# pastries. | Photo by Jane Doe": the credit after the caption's sentence, without brackets
_CAPTION_CREDIT_AFTER = re.compile(
    r"(?:^|[.!?»\"]\s+|\s+\|\s+)(?P<credit>(?:Фото|Photo|Image|Credit|Иллюстрация|Кадр)\s*"
    r"(?:(?::|с сайта|с ресурса|пользователя|из архива|by|courtesy of|телеканала)\s*\S.{0,80}"
    r"|[A-ZА-ЯЁ][A-ZА-ЯЁ.\-]{2,40}))$"
)
_CREDIT_WORDS = ("Фото", "Photo", "Image", "Credit", "Иллюстрация", "Кадр")
# a caption says what the picture shows: "In this Sunday, Nov. 10, 2019, photo, ...",
# "На фото: судья Виктория Федотова"
_CAPTION_OPENING = re.compile(
    r"^(?:FILE\s*[-–—]\s*)?In this (?:[\w.,'’-]+ ){0,8}?(?:file |handout |undated )?"
    r"(?:photo|photograph|image|picture|frame grab)\b"
    r"|^(?:На фото|На снимке|Pictured|Above|Top)\s*:\s*\S", re.IGNORECASE)
# the first words (``Block.first_word``) a caption opening starts with: other lines are
# not asked the pattern
_CAPTION_FIRST_WORDS = frozenset({"file", "in", "на", "pictured", "above", "top"})
CAPTION_MAX_WORDS = 90
CAPTION_AFTER_MAX_WORDS = 30


def caption_credit(block: Block, ctx: PageContext) -> str | None:
    """An image caption that ends on the image's credit in brackets: image metadata."""
    if block.n_words > CAPTION_MAX_WORDS:
        return None
    m = (_CAPTION_CREDIT.search(block.text) or _CAPTION_BYLINE.search(block.text)) \
        if block.text.endswith((")", "]", ").", "].")) else None
    if m is None and block.n_words <= CAPTION_AFTER_MAX_WORDS and \
            any(map(block.text.__contains__, _CREDIT_WORDS)):
        m = _CAPTION_CREDIT_AFTER.search(block.text)
    if m is None and block.first_word in _CAPTION_FIRST_WORDS and \
            _CAPTION_OPENING.match(block.text):
        block.lift().caption = block.text
        return "an agency's picture caption"
    if m is None or not any(ch.isalpha() for ch in m.group("credit").split(None, 1)[-1]):
        return None
    credit = m.group("credit").strip()
    lifted = block.lift()
    lifted.credit = credit
    lifted.caption = block.text[: m.start()].strip() or None
    return f"caption credited {credit!r}"


line_rule("caption_credit", label="meta", max_words=CAPTION_MAX_WORDS)(caption_credit)


def source_line(block: Block, ctx: PageContext) -> str | None:
    """"Источник - vesnikkavkaza.ru", "Source: Reuters": the credited source, lifted to metadata."""
    if block.n_words > 8:
        return None
    if not _LABEL_SEP.search(block.text):
        return None
    value = label_value("source_line", block.text)
    if value is None or len(value.split()) > 6:
        return None
    block.lift().source = value.strip(" .")
    return f"source {value!r}"


line_rule("source_line", label="meta", max_words=8)(source_line)


_TAG_SPLIT = re.compile(r"\s*[,;|]\s*|\s+#")


def tags_line(block: Block, ctx: PageContext) -> str | None:
    """"Теги: наука, СПИД" / "Tags: space": tags, lifted to metadata."""
    if block.n_words > 30 or not _LABEL_SEP.search(block.text):
        return None
    value = label_value("tags_line", block.text)
    if value is None:
        # the label alone ("Темы:"), the tags on the next line
        if phrase_set("tags_line").pattern.match(block.text.rstrip(" :") + ": x") and \
                block.text.rstrip().endswith(":"):
            block.lift().tags_follow = True
            return "tags label"
        return None
    tags = [t.strip(" #.") for t in _TAG_SPLIT.split(value) if t.strip(" #.")]
    if not tags or any(len(t.split()) > 5 for t in tags):
        return None
    block.lift().tags = tags
    return f"{len(tags)} tags"


line_rule("tags_line", label="meta", max_words=30)(tags_line)


def author_line(block: Block, ctx: PageContext) -> str | None:
    """"Автор: Иван Петров", "By Jane Doe": the author, lifted to metadata."""
    if block.n_words > 6:
        return None
    value = label_value("author_line", block.text) if _LABEL_SEP.search(block.text) else None
    if value is None:
        m = re.match(r"^[Bb][Yy]:?\s+([A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})$", block.text)
        value = m.group(1) if m else None
    if value is None or len(value.split()) > 4 or any(ch.isdigit() for ch in value):
        return None
    block.lift().author = value.strip(" .")
    return f"author {value!r}"


line_rule("author_line", label="meta", max_words=6)(author_line)


_QUOTED = tuple("«\"“„'‘—–")


def _phrase_match(phrases: PhraseSet, block: Block) -> bool:
    """Whether the block's line is of the category ``phrases``: its first word is asked
    before its whole normalised key is built, which most lines never need."""
    return phrases.could_match(block.first_word, block.text) and \
        phrases.matches(block.key, block.n_words)


def _phrase_check(phrases: PhraseSet, category: str, block: Block) -> str | None:
    """The note of a phrase rule of ``category`` for ``block``, or None. A module-level
    function, not the closure's own body, so that mutation testing (``make mutate``)
    reaches it: the rules are built once at import, before a mutant is switched in."""
    if block.text.startswith(_QUOTED):
        return None  # quoted speech is story, whatever words it uses
    if _phrase_match(phrases, block):
        return f"{category.replace('_', ' ')} phrase"
    return None


def _phrase_rule(category: str, doc: str):
    phrases = phrase_set(category)

    def check(block: Block, ctx: PageContext) -> str | None:
        return _phrase_check(phrases, category, block)

    check.__doc__ = doc + f" (phrases: rules/data/chrome_phrases.toml [{category}])"
    return check


def _phrase_line_rule(name: str, category: str, doc: str, label: Label = "chrome") -> None:
    """Register the line rule ``name`` that matches the phrases of ``category``."""
    phrases = phrase_set(category)
    # a whole-line or opening phrase begins the line with its own first word
    firsts = phrases.firsts if phrases.match in ("whole", "prefix") else None
    line_rule(name, label=label, max_words=phrases.word_limit, first_words=firsts)(
        _phrase_rule(category, doc))


_phrase_line_rule("login_link", "login", "Login, register and account links.")
_phrase_line_rule("search_box", "search", "Search boxes and their buttons.")
_phrase_line_rule("share_button", "share",
                  "Share, print, like and 'read more' buttons and other one-word widgets.")
_phrase_line_rule("toolbar_line", "toolbar",
                  "A row of a page's tools (print, close, share, font size) and nothing else.")
_phrase_line_rule("list_header", "list_header",
                  "Headers of 'read also', 'related', 'latest news' and section lists.")


def rights_notice(block: Block, ctx: PageContext) -> str | None:
    """"Права на данный материал принадлежат...", "© 2024 X. All rights reserved"."""
    if _phrase_match(phrase_set("rights"), block):
        return "rights phrase"
    if "©" in block.text and block.n_words <= 25:
        return "copyright sign"
    return None


line_rule("rights_notice", max_words=max(phrase_set("rights").word_limit, 25))(rights_notice)


_phrase_line_rule("subscribe_box", "subscribe", "Subscribe and newsletter boxes.")
_phrase_line_rule("more_header", "more_header",
                  "Headers of what follows a story ('More from UK', 'Об авторе').")
_AUTHOR_BOX = re.compile(
    r"^(?:(?:About|Über|Sobre|À propos de|Об авторе:?)\s+[A-ZÀ-ÝА-ЯЁ][\w'’.-]+"
    r"(?:\s+[A-ZÀ-ÝА-ЯЁ][\w'’.-]+){0,2}|About the author|Об авторе|Über den Autor)$"
)


def author_box(block: Block, ctx: PageContext) -> str | None:
    """"About Jane Doe", "Über Moritz Bachmann", "Об авторе": the author's box after the
    story begins here."""
    return "author box header" if _AUTHOR_BOX.match(block.text) else None


line_rule("author_box")(author_box)


_phrase_line_rule("caption_label", "caption_label",
                  "Captions and embeds that say what they are ('Image caption ...').",
                  label="meta")
DOUBLED_MIN_CHARS = 10  # each half: "Избыточный весИзбыточный вес" is a caption, "ха-ха" none


def doubled_caption(block: Block, ctx: PageContext) -> str | None:
    """A line that is one text printed twice ("Президент РФ Владимир ПутинПрезидент РФ
    Владимир Путин", "卡片机接在望远镜目镜后面。卡片机接在望远镜目镜后面。"): a picture's alt
    text, then its caption, run together by the text browser. Story text never repeats
    itself whole; the caption is lifted as image metadata. Asked only of lines of an even
    length give or take one, by comparing the halves (in any script)."""
    text = block.text
    half = len(text) // 2
    if half < DOUBLED_MIN_CHARS:
        return None
    opening = text[:1]
    for cut in (half, half + 1):
        at = text[cut:cut + 1]
        if at != opening and not at.isspace() and not opening.isspace():
            continue  # the halves open on different characters: no copy made to see it
        first, second = text[:cut].strip(), text[cut:].strip()
        if first == second:
            block.lift().caption = first
            return "the same text twice: an image's alt text and caption"
    return None


line_rule("doubled_caption", label="meta")(doubled_caption)


_phrase_line_rule("browser_notice", "browser_notice",
                  "What a page says to a browser without video or JavaScript.")


RELATED_MAX_WORDS = 20


def related_link(block: Block, ctx: PageContext) -> str | None:
    """"Читайте также: <headline>", "See also - <headline>": a link to another story."""
    if block.n_words > RELATED_MAX_WORDS or not _LABEL_SEP.search(block.text) or \
            block.text.startswith(_QUOTED):
        return None
    value = label_value("related_link", block.text)
    if value is None or len(value.split()) > RELATED_MAX_WORDS // 2 + 5:
        return None
    return f"link to {value[:40]!r}"


line_rule("related_link", max_words=RELATED_MAX_WORDS)(related_link)


_comment_phrase = _phrase_rule(
    "comment_prompt", "Comment prompts and forms ('Хотите оставить комментарий?...').")
# the header over a blog's comments: "59 Comments on “Title”", "One thought on “Title”",
# "12 responses to “Title”" (a count, the word, and the story's headline in quotes)
_COMMENTS_HEADER = re.compile(
    r"(?:\d+|one|no)\s+(?:comments?|thoughts?|responses?|replies|reply)\s+(?:on|to)\s+[\"“«„]",
    re.IGNORECASE)
_COUNT_WORDS = frozenset({"one", "no"})


def comment_prompt(block: Block, ctx: PageContext) -> str | None:
    """Comment prompts and forms ('Хотите оставить комментарий?...'), and the header over
    a blog's comments ("59 Comments on “Title”"). (phrases: rules/data/chrome_phrases.toml
    [comment_prompt])"""
    first = block.first_word
    if (first.isdigit() or first in _COUNT_WORDS) and _COMMENTS_HEADER.match(block.text):
        return "comments header"
    return _comment_phrase(block, ctx)


line_rule("comment_prompt", max_words=phrase_set("comment_prompt").word_limit)(comment_prompt)


_phrase_line_rule("cookie_notice", "cookie", "Cookie notices.")

_DIGIT = re.compile(r"\d")
_CURRENCY = re.compile(r"\b(?:usd|eur|rub|gbp|cny|uah|kzt|byn|azn)\b|[$€£₽]|доллар|евро|курс",
                       re.IGNORECASE)
_WEATHER = re.compile(r"[+\-−]?\d{1,2}\s*°\s*[CcСсFf]?")


def ticker(block: Block, ctx: PageContext) -> str | None:
    """Currency and weather tickers: "usd: 0.7865 eur: 1.0449", "Москва +3°C". Not a row
    of a data table (an HTML <tr> the story holds): figures are what its rows are for."""
    if block.n_words > 16 or block.sentence_end or block.tag == "tr" or \
            not _DIGIT.search(block.text):
        return None
    if block.n_words <= 6 and _WEATHER.search(block.text):
        return "weather"
    # the cheap count first: a ticker's rates hold four digits at least, and two currencies
    # (one currency twice is a price range: "Mid-range remodels: $50,000 – $150,000")
    if len(_DIGIT.findall(block.text)) >= 4 and \
            len({fold(c) for c in _CURRENCY.findall(block.text)}) >= 2:
        return "currency rates"
    return None


line_rule("ticker", max_words=16)(ticker)


PAGER_MAX_WORDS = 8


def pager(block: Block, ctx: PageContext) -> str | None:
    """"← предыдущая новость   следующая новость →": the way to the site's other stories,
    where this one has ended."""
    if block.text.startswith("←") and block.text.endswith("→"):
        return "pager arrows"
    return None


line_rule("pager", max_words=PAGER_MAX_WORDS)(pager)


_SEPARATED = re.compile(r"\s(?:\||/|>|»|→|::)\s|\s?\|\s?")
_SEPARATOR_CHARS = "|/>»→:"  # every separator holds one of them
# a spaced dash also parts menu items ("Политика - Экономика - Права человека - ..."), but
# sentences use it too ("Москва - столица России"), so only many short capitalised items
_DASH_SEPARATED = re.compile(r" [-–—] ")
DASH_MENU_ITEMS = 5
DASH_ITEM_WORDS = 3


def _dash_menu(text: str) -> int:
    """How many items a menu of short capitalised items parted by spaced dashes holds, or 0."""
    if text.count(" - ") + text.count(" – ") + text.count(" — ") < DASH_MENU_ITEMS - 1:
        return 0  # counted first: most lines hold no dash at all
    parts = _DASH_SEPARATED.split(text)
    if len(parts) < DASH_MENU_ITEMS:
        return 0
    if all(0 < len(p.split()) <= DASH_ITEM_WORDS and p.strip()[:1].isupper() for p in parts):
        return len(parts)
    return 0


def breadcrumb_menu(block: Block, ctx: PageContext) -> str | None:
    """A menu or breadcrumb on one line: "Главная > Новости > Политика", "A | B | C", and
    five or more short capitalised items parted by dashes ("Политика - Экономика - ...")."""
    if block.sentence_end:  # asked first: most of a page's lines are sentences
        return None
    # split only a line that holds a separator: most lines hold none
    if any(map(block.text.__contains__, _SEPARATOR_CHARS)):
        parts = _SEPARATED.split(block.text)
        if len(parts) >= 3 and all(0 < len(p.split()) <= 5 for p in parts):
            return f"{len(parts)} items separated"
    dashed = _dash_menu(block.text)
    if dashed:
        return f"{dashed} items parted by dashes"
    return None


line_rule("breadcrumb_menu")(breadcrumb_menu)


MENU_MIN_ITEMS = 4
# punctuation that sentences and headlines carry and run-together menu items do not,
# with the fullwidth forms Chinese and Japanese text writes
_MENU_FREE_OF = frozenset(",;:«»\"“”()，、；：（）「」『』《》")


def _capitalised(item: str) -> bool:
    """Whether a menu item opens as one: on a capital, a figure, or a letter of a script
    without case (Chinese, Japanese), which has no lower case to tell a word in a sentence
    from an item. A lower-case letter of any cased script (Latin, Cyrillic, Greek) opens
    no item."""
    first = item[0]
    return first.isupper() or first.isdigit() or (first.isalpha() and not first.islower())


def menu_line(block: Block, ctx: PageContext) -> str | None:
    """A line of menu items run together: capitalised words with no stopword or punctuation.

    Text browsers print a horizontal menu as one line ("Политика Экономика
    Общество Спорт"). Story sentences and headlines carry stopwords.

    The items are what spaces part: in a script without spaces (Chinese, Japanese) a
    line's "words" (``Block.n_words``, by characters) are no items, and a line of it with
    fewer than ``MENU_MIN_ITEMS`` spaced parts is a headline or a sentence broken by the
    page, never a menu ("女嬰腳腫住院三天後死亡"); "首頁 新聞 體育 娛樂" is one.
    """
    if block.n_words < MENU_MIN_ITEMS or block.function_words > 0 or block.sentence_end:
        return None
    if not _MENU_FREE_OF.isdisjoint(block.text):
        return None
    tokens = block.text.split()
    if len(tokens) < MENU_MIN_ITEMS and CJK.search(block.text):
        return None
    capitals = sum(map(_capitalised, tokens))
    if capitals / len(tokens) >= 0.75:
        return "capitalised words, no stopwords"
    return None


line_rule("menu_line")(menu_line)
