"""The plan: which rules run on a page of each input format, and in which order.

Read top to bottom, a format's plan is what happens to its blocks (datatrove lists its
pipeline steps so, Scrapy its middlewares). A step is a rule's name, which runs over the
whole page, or a ``LinePass``: one walk over the blocks in which each block is judged by
the listed line rules in turn and the first that matches decides it (jusText's
per-paragraph classifier). Where a rule runs is said here and nowhere else, so a rule's
formats (``formats_of``) are true by construction; a test checks every registered rule
is in a plan and every name in a plan is a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class LinePass:
    """Line rules judging blocks one at a time, first match wins.

    ``scope``: "undecided" judges every block no rule has labelled yet (a text page, where
    the line rules run first); "body" judges the blocks labelled story, up to
    ``max_words`` words (an HTML page, where the extractors decided first and the line
    rules catch the widget lines they let through). ``links_only`` rules judge only blocks
    whose link density is at least ``min_links``: in HTML a menu is links, and a plain
    line of unspaced script (Japanese, Chinese) is not a row of capitalised menu words.
    """

    rules: tuple[str, ...]
    scope: Literal["undecided", "body"] = "undecided"
    max_words: int | None = None
    links_only: frozenset[str] = frozenset()
    min_links: float = 0.0


Step = str | LinePass

# Every line rule, in the order they judge a block: metadata a line states (a date, a
# credit, a source, tags, an author) is asked before the chrome a line resembles.
LINE_RULES: tuple[str, ...] = (
    "widget_residue", "form_field", "markup_residue", "counter", "timestamp_only", "image_credit",
    "caption_credit", "source_line", "tags_line", "author_line", "login_link", "search_box",
    "share_button", "toolbar_line", "list_header", "rights_notice", "subscribe_box", "more_header",
    "author_box", "caption_label", "doubled_caption", "browser_notice", "related_link",
    "comment_prompt", "cookie_notice", "ticker", "pager", "breadcrumb_menu", "menu_line",
)
MENU_WORD_RULES = frozenset({"menu_line", "breadcrumb_menu"})  # menus read from words alone

PLAN: dict[str, tuple[Step, ...]] = {
    "text": (
        # what the site's profile says its lines are (only with a profile)
        "profile_lines",
        LinePass(LINE_RULES, scope="undecided"),
        # runs and lists of lines: teasers, headline lists, tags, menus, captions
        "glued_teasers", "truncated_teasers", "headline_list", "hashtag_block",
        "tags_follow", "related_list", "menu_run", "image_caption", "teaser_list",
        # the readers' posts under their signed headers
        "comment_thread",
        # where the story starts and ends, its dateline and its headline
        "body_region", "closing_paragraph", "dateline_date", "lead_under_headline", "title",
        # what the archive taught about the site (only with its learned chrome)
        "site_recurring",
    ),
    "html": (
        # the site's template, cut from the tree before the extractors voted
        "site_template",
        # what the site's profile says: its dropped blocks, then its dropped lines
        "site_profile", "profile_lines",
        # what the markup says: the headline, empty blocks, captions, chrome containers
        "headline", "no_words", "figure_caption", "chrome_container", "link_block",
        # the readers' comments, which an extractor that missed the story keeps
        "comment_thread",
        # what the two extractors say
        "extractor_vote", "single_vote", "story_box", "enclosed_line",
        # the story's edges: its printed headline, lead, teasers after it, date line, byline
        "printed_headline", "lead_paragraph", "linked_teasers", "linked_subhead",
        "contents_list", "linked_item",
        "duplicate_text", "story_copy",
        "date_line", "byline", "address_line", "edge_fragments", "story_labels",
        # the shared line rules on the short story blocks the extractors let through
        LinePass(LINE_RULES, scope="body", max_words=25, links_only=MENU_WORD_RULES,
                 min_links=0.3),
        "styled_headline",
        "site_recurring_html",
    ),
}


def rule_names(fmt: str) -> list[str]:
    """Every rule the plan of ``fmt`` runs, in order (a line pass's rules in its place)."""
    out: list[str] = []
    for step in PLAN[fmt]:
        out.extend(step.rules if isinstance(step, LinePass) else (step,))
    return out


def formats_of(name: str) -> tuple[str, ...]:
    """The input formats whose plan runs the rule ``name``."""
    return tuple(fmt for fmt in PLAN if name in rule_names(fmt))


def describe_plan(fmt: str) -> list[tuple[str, str, str]]:
    """(step, rule, what it does) for each rule of the format's plan, in order: what
    ``winnow explain --plan`` prints. A line pass's rules share its step label."""
    from cleaners.rules.base import REGISTRY

    rows = []
    for i, step in enumerate(PLAN[fmt], 1):
        if isinstance(step, LinePass):
            label = f"{i}. line pass over the {step.scope} blocks" + (
                f" of up to {step.max_words} words" if step.max_words else "") + (
                f" ({', '.join(sorted(step.links_only))} only where links are"
                f" {step.min_links:.0%} of the text)" if step.links_only else "") + \
                ", the first rule that matches decides:"
            names: tuple[str, ...] = step.rules
        else:
            label, names = f"{i}.", (step,)
        for name in names:
            doc = REGISTRY[name].doc.split("\n\n")[0]
            rows.append((label, name, " ".join(doc.split())))
    return rows
