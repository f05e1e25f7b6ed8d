"""The record models hold the contract: what they accept, what they refuse, and the
committed JSON Schemas that consumers read stay equal to them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError

from schemas.export import MODELS, schema_json, schema_path
from schemas.models import SCHEMA_VERSION, ArticleRecord, RejectReason, RejectRecord

SHA = "ab" * 32


def article(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": "c" + SHA[:31],
        "source_path": "ria.ru/a.html",
        "raw_sha256": SHA,
        "url": "https://ria.ru/a.html",
        "site": "ria.ru",
        "title": "Заголовок",
        "text": "Первый абзац.\n\nВторой абзац.",
        "language": "ru",
        "published": "2019-12-01T10:15:00+03:00",
        "input_format": "html",
        "extractor": "winnow",
        "processed_at": "2025-01-01T00:00:00Z",
        "pipeline_version": "0.1.0",
    }
    record.update(changes)
    return record


def reject(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "source_path": "a.html",
        "raw_sha256": SHA,
        "reason": "empty",
        "detail": "the file holds no text",
        "processed_at": "2025-01-01T00:00:00Z",
        "pipeline_version": "0.1.0",
    }
    record.update(changes)
    return record


def test_a_valid_article_is_accepted_with_defaults():
    record = ArticleRecord.model_validate(article())
    assert record.schema_version == SCHEMA_VERSION
    assert record.alternate_titles == [] and record.images == []
    assert record.text.split("\n\n") == ["Первый абзац.", "Второй абзац."]


@pytest.mark.parametrize("published", [None, "2019-12-01", "2019-12-01T10:15:00"])
def test_published_may_be_null_a_date_or_a_date_time(published):
    assert ArticleRecord.model_validate(article(published=published)).published == published


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": "   \n  "}, "text"),
        ({"text": ""}, "text"),
        ({"text": "one\n\n\ntwo"}, "text"),  # three newlines: not one blank line
        ({"text": "one\n \ntwo"}, "text"),  # a blank line holding spaces
        ({"text": " leading space"}, "text"),
        ({"raw_sha256": "ab" * 31}, "raw_sha256"),  # too short
        ({"raw_sha256": "AB" * 32}, "raw_sha256"),  # upper case
        ({"published": "1 December 2019"}, "published"),
        ({"published": "2019-13-01"}, "published"),
        ({"language": "rus"}, "language"),
        ({"title": "   "}, "title"),
        ({"processed_at": "2025-01-01T00:00:00"}, "processed_at"),  # no time zone
        ({"input_format": "pdf"}, "input_format"),
        ({"id": ""}, "id"),
        ({"schema_version": "2.0"}, "schema_version"),
        ({"body": "an unknown field"}, "body"),  # extra="forbid"
    ],
)
def test_an_invalid_article_is_refused_naming_the_field(changes, field):
    with pytest.raises(ValidationError) as info:
        ArticleRecord.model_validate(article(**changes))
    assert field in {str(err["loc"][0]) for err in info.value.errors()}


def test_a_reject_needs_a_known_reason_and_a_detail():
    assert RejectRecord.model_validate(reject()).reason == "empty"
    assert RejectRecord.model_validate(reject(raw_sha256=None)).raw_sha256 is None
    for changes in ({"reason": "boring"}, {"detail": ""}, {"raw_sha256": "xyz"}, {"url": "u"}):
        with pytest.raises(ValidationError):
            RejectRecord.model_validate(reject(**changes))


def test_every_reject_reason_is_accepted():
    for reason in get_args(RejectReason):
        assert RejectRecord.model_validate(reject(reason=reason)).reason == reason


@pytest.mark.parametrize("name", sorted(MODELS))
def test_committed_schema_files_equal_the_models(name):
    committed = schema_path(name).read_text(encoding="utf-8")
    assert committed == schema_json(name), (
        f"schemas/{name}.schema.json is stale: run `winnow schema --write`"
    )


def test_exported_schema_forbids_unknown_fields():
    for name in set(MODELS) - {"sidecar"}:
        assert json.loads(schema_json(name))["additionalProperties"] is False
    # a sidecar is input: the contract lets it carry keys Winnow does not read
    assert json.loads(schema_json("sidecar"))["additionalProperties"] is True


# The contract as consumers read it, written by hand: a model change that is exported
# with `winnow schema --write` but not meant (no version bump, a field lost) fails here,
# where comparing the files with a fresh export of the models cannot (#23).
ARTICLE_FIELDS = {
    "schema_version", "id", "source_path", "raw_sha256", "url", "site", "fetched_at",
    "title", "alternate_titles", "text", "language", "published", "authors", "tags",
    "source", "images", "input_format", "extractor", "processed_at", "pipeline_version",
    "duplicate_of", "related",
}
ARTICLE_REQUIRED = {"id", "source_path", "raw_sha256", "text", "language", "input_format",
                    "extractor", "processed_at", "pipeline_version"}
REJECT_FIELDS = {"schema_version", "source_path", "raw_sha256", "reason", "detail",
                 "processed_at", "pipeline_version"}
REJECT_REQUIRED = {"source_path", "reason", "detail", "processed_at", "pipeline_version"}
LINK_FIELDS = {"schema_version", "id", "related"}
VERSIONS = ["1.0", "1.1", "1.2"]  # every version a consumer may meet; the last is written


@pytest.mark.parametrize(("name", "fields", "required"), [
    ("article", ARTICLE_FIELDS, ARTICLE_REQUIRED),
    ("reject", REJECT_FIELDS, REJECT_REQUIRED),
    ("link", LINK_FIELDS, {"id", "related"}),
])
def test_the_committed_schema_files_hold_the_contract(name, fields, required):
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    assert set(schema["properties"]) == fields
    assert set(schema.get("required", [])) == required
    version = schema["properties"]["schema_version"]
    assert version["enum"] == VERSIONS and version["default"] == VERSIONS[-1]


def test_the_committed_reject_reasons_are_the_readmes():
    schema = json.loads(schema_path("reject").read_text(encoding="utf-8"))
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([a-z_]+)` \|", readme, flags=re.MULTILINE))
    assert set(schema["properties"]["reason"]["enum"]) <= table
