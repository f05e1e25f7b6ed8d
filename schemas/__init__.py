"""The records Winnow writes, and their exported JSON Schemas."""

from schemas.models import (
    SCHEMA_VERSION,
    ArticleRecord,
    ImageInfo,
    InputFormat,
    LinkRecord,
    RejectReason,
    RejectRecord,
    Related,
)
from schemas.sidecar import FetchedSidecar

__all__ = [
    "FetchedSidecar",
    "SCHEMA_VERSION",
    "ArticleRecord",
    "ImageInfo",
    "InputFormat",
    "LinkRecord",
    "RejectReason",
    "Related",
    "RejectRecord",
]
