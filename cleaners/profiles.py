"""Site profiles: what a person knows about one site, as data the cleaner is handed.

A profile (``profiles/<site>.toml``) names, for one site, CSS selectors of blocks to drop,
CSS selectors of the story's root (what lies outside it is dropped), regular expressions
of lines to drop, where the date and the author stand, and the site's language. It is
validated here, whole, before any page is cleaned: an unknown key, a pattern or selector
that does not compile, or a value of the wrong type is an error naming the file and the
key, never a profile silently half-applied. Reading the folder is the caller's business
(``flows.profiles``): ``cleaners`` stays pure and only receives a ``SiteProfile``.

Its rules run in the engine under names ``profile:<site>:<key>`` (``rule_name``), so
``winnow explain`` and the rule tallies say which key of which profile removed a line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from typing import Any

from lxml.cssselect import CSSSelector
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class ProfileError(ValueError):
    """A profile that cannot be used; the message names its file and key."""


def _check_selector(value: str) -> str:
    try:
        CSSSelector(value)
    except Exception as exc:  # cssselect raises SelectorSyntaxError / ExpressionError
        raise ValueError(f"invalid CSS selector {value!r}: {exc}") from exc
    return value


def _check_pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {value!r}: {exc}") from exc
    return value


def _item(index: int, value: str, check: Callable[[str], str]) -> str:
    """``check(value)``, its error naming the list item (``item 1``)."""
    try:
        return check(value)
    except ValueError as exc:
        raise ValueError(f"item {index}: {exc}") from exc


class FieldPlace(BaseModel):
    """Where a field of the record stands on the site's pages: the first element the
    selector matches, read from ``attribute`` when given (``datetime``, ``content``),
    else its text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    selector: str
    attribute: str | None = None

    _selector = field_validator("selector")(_check_selector)


class SiteProfile(BaseModel):
    """One site's profile, as validated from its TOML file. ``site`` is the host as
    ``schemas.site.url_site`` gives it; the loader fills it from the file's name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site: str = Field(min_length=1)
    drop_selectors: tuple[str, ...] = ()
    story_selectors: tuple[str, ...] = ()
    drop_lines: tuple[str, ...] = ()
    date: FieldPlace | None = None
    author: FieldPlace | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$")

    @field_validator("drop_selectors", "story_selectors")
    @classmethod
    def _selectors(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_item(i, v, _check_selector) for i, v in enumerate(values))

    @field_validator("drop_lines")
    @classmethod
    def _patterns(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_item(i, v, _check_pattern) for i, v in enumerate(values))

    def rule_name(self, key: str) -> str:
        """The name a line removed by ``key`` carries: ``profile:<site>:<key>``."""
        return f"profile:{self.site}:{key}"

    def line_patterns(self) -> tuple[re.Pattern[str], ...]:
        """The compiled ``drop_lines`` (``re`` caches them)."""
        return tuple(re.compile(p) for p in self.drop_lines)


def _where(err: dict[str, Any]) -> str:
    loc = [str(x) for x in err.get("loc", ())]
    # a list item's index is not a key: "drop_lines[1]"
    out = ""
    for part in loc:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "(top level)"


def profile_from_toml(text: str, *, site: str, source: str) -> SiteProfile:
    """The validated profile of ``site`` from its TOML ``text``; ``ProfileError`` naming
    ``source`` (the file) and the key when the text is not a valid profile."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: not valid TOML: {exc}") from exc
    stated = data.pop("site", site)
    if stated != site:
        raise ProfileError(f"{source}: key 'site': {stated!r} is not the site the file"
                           f" is named for ({site!r})")
    try:
        return SiteProfile(site=site, **data)
    except ValidationError as exc:
        problems = "; ".join(f"key '{_where(e)}': {e['msg']}" for e in exc.errors())
        raise ProfileError(f"{source}: {problems}") from exc
