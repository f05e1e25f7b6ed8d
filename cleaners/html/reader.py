"""readability-lxml's ``Document`` on a tree Winnow already parsed, with its slow steps
done the same way at less cost: the same story, paragraph for paragraph.

readability-lxml is the second voter on a page where trafilatura and the density voter
disagree (``votes.MODE``); on article pages that is a page in four, and its summary was
a seventh of ``clean_page``'s time there. Where that time went, and what changes here:

- ``_parse`` re-ran lxml's Cleaner and rewrote every link, which the summary never reads:
  the tree is taken as it is (it was before this module, in ``votes``).
- ``transform_misused_divs_into_paragraphs`` serialised every <div>'s children to search
  the markup for a block tag (``divToPElementsRe``). The same question is asked of the
  children's tag names: serialised HTML holds a ``<`` only where an element starts (text
  and attribute values are escaped), so the search finds ``<div`` exactly where a child
  or a descendant's tag starts so. A subtree holding a comment, a processing
  instruction, a <script> or <style> (whose text is written unescaped) is still
  serialised and searched as before.
- ``score_paragraphs`` measured the text of the same links once for each candidate
  around them (``get_link_density``); here each element's length is measured once while
  the scoring runs (nothing changes the tree then), and read again from there.
- ``remove_unlikely_candidates`` read the class and id of every element; the elements
  with neither are skipped in lxml (``//*[@class or @id]``, in document order as before).
- Debug messages were formatted whether or not debug logging is on, each describing an
  element (``describe``, which also keeps every element it saw in a module-level dict):
  they are formatted only when readability's logger would print them.
- ``clean`` (the text of every paragraph and link it measures, some hundreds a page)
  looked its three patterns up in ``re``'s cache on each call: they are compiled once.
"""

from __future__ import annotations

import logging
import re

from lxml.etree import XPath, tostring, tounicode

_BLOCK_TAG = ("blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul")
# elements whose serialised form holds a "<" that is not an element's start
_RAW = ("script", "style")
_CLASS_OR_ID = XPath(".//*[@class or @id]")
_IN_CODE = XPath("ancestor-or-self::pre | ancestor-or-self::code")
_HOLDS_ARTICLE = XPath("descendant-or-self::main | descendant-or-self::article | "
                       "descendant-or-self::math")
_cls = None


def _tag_search(el, *, self_too: bool) -> bool | None:
    """Whether a tag of ``el``'s subtree (``el``'s own with ``self_too``) starts as
    ``divToPElementsRe`` asks; None when the subtree holds a node whose serialised
    form the tags do not tell (then the caller serialises, as readability does)."""
    for node in el.iter() if self_too else el.iterdescendants():
        tag = node.tag
        if not isinstance(tag, str) or tag in _RAW:
            return None
        if tag.lower().startswith(_BLOCK_TAG):
            return True
    return False


def document_class():  # type: ignore[no-untyped-def]
    """readability's Document, subclassed as the module docstring says (made once)."""
    global _cls
    if _cls is None:
        _cls = _make_class()
    return _cls


def _make_class():  # type: ignore[no-untyped-def]
    import readability.readability as rr

    _quiet_debug(rr)
    rr.clean = _clean  # module-level: text_length and the scoring call it by that name

    class TreeDocument(rr.Document):
        _lengths: dict | None = None

        def _parse(self, input):  # noqa: A002 - readability's signature
            self.encoding = "utf-8"
            return input

        def score_paragraphs(self):  # type: ignore[no-untyped-def]
            self._lengths = {}
            try:
                return super().score_paragraphs()
            finally:
                self._lengths = None

        def get_link_density(self, elem):  # type: ignore[no-untyped-def]
            lengths = self._lengths
            if lengths is None:
                return super().get_link_density(elem)
            link_length = 0
            for i in elem.findall(".//a"):
                link_length += _length(lengths, i, rr.text_length)
            total_length = _length(lengths, elem, rr.text_length)
            return float(link_length) / max(total_length, 1)

        def class_weight(self, e):  # type: ignore[no-untyped-def]
            if self.positive_keywords or self.negative_keywords:
                return super().class_weight(e)
            negative = _Words(rr.REGEXES["negativeRe"])
            positive = _Words(rr.REGEXES["positiveRe"])
            weight = 0
            for feature in [e.get("class", None), e.get("id", None)]:
                if feature:
                    if negative.search(feature):
                        weight -= 25
                    if positive.search(feature):
                        weight += 25
            return weight

        def remove_unlikely_candidates(self):  # type: ignore[no-untyped-def]
            _remove_unlikely(self.html, rr.REGEXES)

        def transform_misused_divs_into_paragraphs(self):  # type: ignore[no-untyped-def]
            _transform_divs(self, rr.REGEXES["divToPElementsRe"])

    return TreeDocument


def _length(lengths: dict, el, measure) -> int:  # type: ignore[no-untyped-def]
    n = lengths.get(el)
    if n is None:
        n = lengths[el] = measure(el)
    return n


def _quiet_debug(rr) -> None:  # type: ignore[no-untyped-def]
    """readability's debug helpers (``describe``, ``text_content``), run only when its
    logger prints debug messages: they only ever go into one."""
    if getattr(rr, "_winnow_quiet", False):
        return
    describe, text_content, log = rr.describe, rr.text_content, rr.log

    def quiet_describe(node, depth=1):  # type: ignore[no-untyped-def]
        return describe(node, depth) if log.isEnabledFor(logging.DEBUG) else ""

    def quiet_text(elem, length=40):  # type: ignore[no-untyped-def]
        return text_content(elem, length) if log.isEnabledFor(logging.DEBUG) else ""

    rr.describe, rr.text_content, rr._winnow_quiet = quiet_describe, quiet_text, True


_LONG_SPACE = re.compile(r"\s{255,}")
_LINE_SPACE = re.compile(r"\s*\n\s*")
_TAB_SPACE = re.compile(r"\t|[ \t]{2,}")


def _clean(text: str) -> str:
    """readability's ``clean``, step for step, with its patterns compiled once."""
    text = _LONG_SPACE.sub(" " * 255, text)
    text = _LINE_SPACE.sub("\n", text)
    text = _TAB_SPACE.sub(" ", text)
    return text.strip()


class _Words:
    """One of readability's case-blind patterns of class words, searched at less cost: an
    ASCII string (nearly every class and id) lowercased and searched case-sensitively,
    which finds the same ASCII words (re.IGNORECASE over many alternatives is slow);
    any other string as readability searches it (case-blind matching also pairs some
    non-ASCII letters with ASCII ones: "ſ" with "s", the Kelvin sign with "k")."""

    __slots__ = ("blind", "lower")
    lower: re.Pattern | None
    _made: dict[str, _Words] = {}

    def __new__(cls, blind: re.Pattern) -> _Words:
        made = cls._made.get(blind.pattern)
        if made is None or made.blind is not blind:
            made = cls._made[blind.pattern] = super().__new__(cls)
            plain = blind.flags & re.IGNORECASE and "\\" not in blind.pattern
            made.blind = blind
            made.lower = re.compile(blind.pattern.lower()) if plain else None
        return made

    def search(self, s: str) -> bool:
        if self.lower is not None and s.isascii():
            return self.lower.search(s.lower()) is not None
        return self.blind.search(s) is not None


def _remove_unlikely(html, regexes) -> None:  # type: ignore[no-untyped-def]
    """readability's ``remove_unlikely_candidates`` over the elements that have a class
    or an id (the others have nothing for it to read)."""
    unlikely = _Words(regexes["unlikelyCandidatesRe"])
    maybe = _Words(regexes["okMaybeItsACandidateRe"])
    for elem in _CLASS_OR_ID(html):
        s = "{} {}".format(elem.get("class", ""), elem.get("id", ""))
        if len(s) < 2:
            continue
        if (
            unlikely.search(s)
            and (not maybe.search(s))
            and elem.tag not in ["html", "body"]
            and not _IN_CODE(elem)
            and not _HOLDS_ARTICLE(elem)
        ):
            elem.drop_tree()


_INLINE = frozenset({"a", "b", "cite", "code", "em", "font", "i", "small", "span", "strong",
                     "sub", "sup", "u"})


def _holds_block(elem, pattern: re.Pattern) -> bool:  # type: ignore[no-untyped-def]
    """``divToPElementsRe`` over the serialised children of a <div>, asked of tags."""
    found = _tag_search(elem, self_too=False)
    if found is None:
        return bool(pattern.search(str(b"".join(tostring(s, encoding="utf-8") for s in elem))))
    return found


def _is_block(child, pattern: re.Pattern) -> bool:  # type: ignore[no-untyped-def]
    """``divToPElementsRe`` over one serialised child, asked of tags."""
    found = _tag_search(child, self_too=True)
    if found is None:
        return bool(pattern.search(tounicode(child, method="html")))
    return found


def _transform_divs(doc, pattern: re.Pattern) -> None:  # type: ignore[no-untyped-def]
    """readability's ``transform_misused_divs_into_paragraphs``, block tags found by
    name (``_holds_block``, ``_is_block``)."""
    from lxml.html import fragment_fromstring

    for elem in doc.tags(doc.html, "div"):
        if not _holds_block(elem, pattern):
            elem.tag = "p"
    for elem in doc.tags(doc.html, "div"):
        children = list(elem)
        paragraph = None
        if elem.text and elem.text.strip():
            p = fragment_fromstring("<p/>")
            p.text = elem.text
            elem.text = None
            elem.insert(0, p)
            paragraph = p
        for child in children:
            if child.tag == "br":
                paragraph = None
                continue
            if child.tag not in _INLINE or _is_block(child, pattern):
                paragraph = None
                continue
            if paragraph is None:
                paragraph = fragment_fromstring("<p/>")
                child.addprevious(paragraph)
            paragraph.append(child)
        _tails_to_paragraphs(elem, fragment_fromstring)


def _tails_to_paragraphs(elem, fragment_fromstring) -> None:  # type: ignore[no-untyped-def]
    for pos, child in reversed(list(enumerate(elem))):
        if child.tail and child.tail.strip():
            p = fragment_fromstring("<p/>")
            p.text = child.tail
            child.tail = None
            elem.insert(pos + 1, p)
        if child.tag == "br":
            child.drop_tree()
