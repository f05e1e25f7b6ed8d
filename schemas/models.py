"""Pydantic models: the contract between Winnow and the consumers of its JSONL.

Change a field deliberately: bump ``SCHEMA_VERSION``, re-export the JSON Schema
(``winnow schema --write``) and say so in the README's changelog. A test keeps
the committed ``*.schema.json`` files equal to these models.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = "1.2"
# Every version a record may carry: 1.1 and 1.2 only added optional fields, so 1.0 records
# stay valid.
SchemaVersion = Literal["1.0", "1.1", "1.2"]

InputFormat = Literal["html", "text"]

# The fixed vocabulary of reject reasons. The README documents each one and
# what an operator can do about it; keep the two in step.
RejectReason = Literal[
    "empty",  # no bytes, or only whitespace / NUL bytes
    "binary",  # an image, PDF, archive... saved under a page name
    "undecodable",  # no text encoding gives readable text
    "too_large",  # raw or decompressed size over the configured limit
    "bad_gzip",  # a .gz that is not gzip, or is truncated
    "unsupported_type",  # not HTML and not text after sniffing
    "bad_sidecar",  # the .meta.json beside the page is broken
    "unreadable",  # the file could not be read (permissions, I/O error)
    "vanished",  # the file disappeared or changed between discovery and reading
    "timeout",  # cleaning the page took longer than the per-page budget
    "no_article",  # a valid page, but no story on it (index, tag page...)
    "invalid_record",  # the extracted record failed validation
    "error",  # an unexpected error in Winnow itself: please report it
]

_SHA256 = r"^[0-9a-f]{64}$"
# a line of spaces between paragraphs (two newlines or more in a row are found with "in")
_BLANKISH_LINE = re.compile(r"\n[ \t]+\n")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class ImageInfo(_Strict):
    """An image that belongs to the story, lifted out of the body text."""

    caption: str | None = None
    credit: str | None = None
    url: str | None = None


Relation = Literal["translation_of", "translated_as"]


class Related(_Strict):
    """Another record this one is linked to (since schema 1.1)."""

    id: str = Field(min_length=1, description="The other record's id.")
    relation: Relation = Field(
        description="translation_of: this record translates the other (its alternate title is "
        "the other's title); translated_as: the other record translates this one."
    )
    language: str | None = Field(
        default=None, pattern=r"^[a-z]{2}$", description="The other record's language."
    )


class ArticleRecord(_Strict):
    """One cleaned article, as written to ``clean/articles/<run>/part-<n>.jsonl``."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    id: str = Field(
        min_length=1,
        description="Stable id: a hash of the URL where known, else of the raw content.",
    )
    source_path: str = Field(description="POSIX path of the raw file, relative to the raw root.")
    raw_sha256: str = Field(pattern=_SHA256)
    url: str | None = Field(default=None, description="The page's URL: the canonical or"
                            " og:url it gives itself on its own site, else its sidecar's"
                            " final_url (after redirects), else the sidecar's url.")
    site: str | None = None
    fetched_at: datetime | None = Field(
        default=None,
        description="Since 1.2: when the page was fetched (its sidecar's fetched_at), with "
        "its offset (UTC where the sidecar gave none); null when unknown.",
    )
    title: str | None = Field(
        default=None, description="The story's headline; null when the page has none."
    )
    alternate_titles: list[str] = Field(default_factory=list)
    text: str = Field(
        min_length=1, description="The story: paragraphs separated by one blank line."
    )
    language: str = Field(pattern=r"^[a-z]{2}$", description="ISO 639-1 code.")
    published: str | None = Field(
        default=None,
        description="ISO 8601 date or date-time; a time zone only where the page gives one.",
    )
    authors: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    source: str | None = Field(default=None, description="The credited agency or publisher.")
    images: list[ImageInfo] = Field(default_factory=list)
    input_format: InputFormat
    extractor: str = Field(description="Which extraction path produced the text.")
    processed_at: datetime
    pipeline_version: str
    duplicate_of: str | None = Field(
        default=None,
        description="Since 1.1: the id of the first record seen with the same or nearly the "
        "same text (a repost, an update); null for an original.",
    )
    related: list[Related] = Field(
        default_factory=list,
        description="Since 1.1: records linked to this one (translations), as known when it "
        "was written; links found later are in links.jsonl.",
    )

    @field_validator("text")
    @classmethod
    def _paragraphs(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank")
        if value != value.strip():
            raise ValueError("text has leading or trailing whitespace")
        if "\n\n\n" in value or _BLANKISH_LINE.search(value):
            raise ValueError("paragraphs must be separated by exactly one blank line")
        return value

    @field_validator("title", "source")
    @classmethod
    def _no_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must be null rather than blank")
        return value

    @field_validator("published")
    @classmethod
    def _iso8601(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            if len(value) == 10:
                date.fromisoformat(value)
            else:
                datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"published is not ISO 8601: {value!r}") from exc
        return value

    @field_validator("processed_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("processed_at must carry a time zone (UTC)")
        return value


class LinkRecord(_Strict):
    """One line of ``<out>/links.jsonl``: a link from one record to another, both directions
    listed, rebuilt at the end of every run (a record written before its translation was
    seen cannot carry the link itself)."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    id: str = Field(min_length=1, description="The record the link belongs to.")
    related: Related


class RejectRecord(_Strict):
    """A raw page that did not become an article, and why."""

    schema_version: SchemaVersion = SCHEMA_VERSION
    source_path: str
    raw_sha256: str | None = Field(
        default=None, pattern=_SHA256, description="Null when the file could not be read."
    )
    reason: RejectReason
    detail: str = Field(min_length=1, description="What went wrong, for a person to act on.")
    processed_at: datetime
    pipeline_version: str
