"""The sidecar ``winnow fetch`` writes beside each page: ``<page name>.meta.json``.

The cleaner reads ``url``, ``site``, ``encoding`` and ``fetched_at`` from any sidecar
(``flows/sidecar.py``) and ignores other keys; this model is what a fetched page's
sidecar holds in full, so consumers of ``raw/`` can rely on it. Its JSON Schema is
committed beside the record schemas (``sidecar.schema.json``).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator


class FetchedSidecar(BaseModel):
    """What Winnow knew of a page when it fetched it."""

    model_config = ConfigDict(extra="allow")  # a hand-written sidecar may say more

    url: str = Field(description="The URL as requested (normalised; no credentials).")
    final_url: str = Field(description="The URL the page came from, after redirects.")
    site: str | None = Field(default=None, description="The site folder under raw/.")
    fetched_at: str = Field(description="When the page was fetched: ISO 8601, UTC, with"
                                        " its offset (2025-01-01T12:00:00+00:00).")
    status: int = Field(ge=100, le=599, description="The HTTP status of the final response.")
    content_type: str | None = Field(default=None, description="Its media type"
                                                               " (text/html, text/plain).")
    encoding: str | None = Field(default=None, description="The Content-Type header's"
                                 " charset, as sent (null when the header gave none).")
    etag: str | None = None
    last_modified: str | None = Field(default=None, description="The Last-Modified header.")
    title: str | None = Field(default=None, description="The feed's or sitemap's title"
                                                        " for the page, when it gave one.")
    published: str | None = Field(default=None, description="The feed's or sitemap's"
                                  " publication date for the page (ISO 8601), when known.")
    source: str | None = Field(default=None, description="The source that found the URL.")

    @field_validator("fetched_at")
    @classmethod
    def _utc_with_offset(cls, value: str) -> str:
        stamp = datetime.fromisoformat(value)
        if stamp.utcoffset() is None:
            raise ValueError("fetched_at must carry its UTC offset")
        return value
