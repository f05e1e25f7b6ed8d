"""readability-lxml's summary through ``cleaners.html.reader``: the same summary as the
library's own ``Document`` gives on the same tree, on pages built to reach each step the
module does at less cost (block tags found by name, class words searched lowercased,
link lengths measured once), and the few cases where it must fall back to the library's
way (a comment or a script in a <div>, a class word in a non-ASCII letter)."""

from __future__ import annotations

import copy
import logging

import pytest
from readability import Document

from cleaners.html import reader
from cleaners.html.tree import parse_html

PARA = ("The council voted on Tuesday to extend the tram line, after a debate that ran past"
        " midnight, with the mayor, the transport board and three residents' groups.")


class _Stock(Document):
    """The library's Document on a ready tree (no re-cleaning), as Winnow used it."""

    def _parse(self, input):  # noqa: A002
        self.encoding = "utf-8"
        return input


def _page(body: str) -> str:
    return f"<html><head><title>t</title></head><body>{body}</body></html>"


def _both(html: str) -> tuple[str, str]:
    tree = parse_html(html)
    assert tree is not None
    stock = _Stock(copy.deepcopy(tree)).summary(html_partial=True)
    ours = reader.document_class()(copy.deepcopy(tree)).summary(html_partial=True)
    return stock, ours


PAGES = {
    "inline divs become paragraphs": _page(
        f'<div class="content"><div>{PARA} <b>bold</b> <a href="/x">a link</a></div>'
        f"<div>{PARA}<span>tail</span> loose tail text</div></div>"),
    "divs holding blocks stay divs": _page(
        f'<div id="main"><div><p>{PARA}</p><p>{PARA}</p></div>'
        f"<div><span>lead</span><table><tr><td>{PARA}</td></tr></table></div>"
        f"<div><em>x</em><img src='a.png'><pre>code</pre>{PARA}</div></div>"),
    "a tag that starts like a block tag (picture, param)": _page(
        f'<article><div><picture><source srcset="a.webp"></picture>{PARA}</div>'
        f"<div><span><progress></progress></span>{PARA}</div><p>{PARA}</p></article>"),
    "escaped block tags in text and attributes": _page(
        f'<div class="post"><div><span title="&lt;div&gt;">&lt;p&gt; {PARA}</span></div>'
        f"<div>&lt;table&gt; {PARA} &lt;img</div></div>"),
    "unlikely candidates, in upper case and not": _page(
        f'<div class="SIDEBAR"><p>{PARA}</p></div><div class="Comment-List"><p>{PARA}</p>'
        f'</div><div class="article-body"><p>{PARA}</p><p>{PARA}</p></div>'
        f'<div id="footer-main"><p>{PARA}</p></div><div class="menu"><pre><p>{PARA}</p>'
        f"</pre></div>"),
    "class words in non-ASCII letters (ſidebar, Kelvin sign)": _page(
        f'<div class="\u017fidebar"><p>{PARA}</p></div><div class="mar\u212aet">'
        f'<p>{PARA}</p></div><div class="статья content"><p>{PARA}</p><p>{PARA}</p></div>'),
    "positive and negative weights": _page(
        f'<div class="entry-content"><p>{PARA}</p><p>{PARA}</p></div>'
        f'<div class="related promo"><p>{PARA}</p><ul><li><a href="/1">{PARA}</a></li></ul>'
        f"</div><div class='tags'><a href='/t'>one</a> <a href='/u'>two</a></div>"),
    "link-heavy candidates": _page(
        f'<div><p>{PARA} <a href="/a">{PARA}</a></p><div><p><a href="/b">{PARA}</a></p>'
        f"<p>{PARA}</p></div></div><table><tr><td>{PARA}</td><td><a href='/c'>x</a></td>"
        f"</tr></table>"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_summary_is_the_librarys(name: str) -> None:
    stock, ours = _both(PAGES[name])
    assert ours == stock
    assert "tram line" in ours


def test_subtree_with_a_comment_or_script_is_serialised_as_before() -> None:
    """A comment's text can hold "<div" (the library's search finds it there); the
    document parser drops comments, so the div is built by hand."""
    from lxml import etree

    tree = parse_html(_page(f'<div class="content"><div id="a">{PARA}</div>'
                            f"<div id='b'><span>{PARA}</span></div></div>"))
    assert tree is not None
    tree.get_element_by_id("a").append(etree.Comment(" <div> old layout "))
    script = etree.SubElement(tree.get_element_by_id("b"), "script")
    script.text = "document.write('<p>x</p>')"
    stock = _Stock(copy.deepcopy(tree)).summary(html_partial=True)
    ours = reader.document_class()(copy.deepcopy(tree)).summary(html_partial=True)
    assert ours == stock


def test_tag_search_says_when_it_cannot_tell() -> None:
    from lxml import etree

    tree = parse_html(_page("<div><span>a</span><b><i>b</i></b></div>"))
    assert tree is not None
    div = tree.find(".//div")
    assert reader._tag_search(div, self_too=False) is False
    assert reader._tag_search(div, self_too=True) is True  # the div itself
    div.append(etree.Comment("x"))
    assert reader._tag_search(div, self_too=False) is None


def test_class_words_found_as_readability_finds_them() -> None:
    import re

    blind = re.compile(r"sidebar|comment|market", re.I)
    words = reader._Words(blind)
    for s in ("SideBar", "x-comments", "\u017fidebar", "mar\u212aet", "nothing", "КОММЕНТ"):
        assert words.search(s) == (blind.search(s) is not None), s


def test_debug_helpers_run_only_for_debug_logging(caplog: pytest.LogCaptureFixture) -> None:
    import readability.readability as rr

    reader.document_class()
    tree = parse_html(_page(f"<div id='x'><p>{PARA}</p></div>"))
    assert tree is not None
    div = tree.find(".//div")
    assert rr.describe(div) == ""
    with caplog.at_level(logging.DEBUG, logger="readability.readability"):
        assert rr.describe(div) == "body>#x"


@pytest.mark.parametrize(("text", "expected"), [
    ("  a \t\t b \n\n  c  ", "a b\nc"),  # spaces around a line break go; runs become one
    ("x" + " " * 300 + "y", "x y"),  # a run past 255 is cut first, then folded
    ("one\ttwo", "one two"),  # a lone tab is a space
    ("plain", "plain"),
])
def test_clean_folds_spaces_as_readability_does(text: str, expected: str) -> None:
    """``reader._clean`` stands in for readability's ``clean`` (patterns compiled once):
    every length readability scores by comes through it."""
    assert reader._clean(text) == expected
    reader.document_class()
    import readability.readability as rr

    assert rr.clean is reader._clean
