"""The records Winnow writes, and their exported JSON Schemas."""

from schemas.models import (
    SCHEMA_VERSION,
    ArticleRecord,
    ImageInfo,
    InputFormat,
    RejectReason,
    RejectRecord,
)

__all__ = [
    "SCHEMA_VERSION",
    "ArticleRecord",
    "ImageInfo",
    "InputFormat",
    "RejectReason",
    "RejectRecord",
]
