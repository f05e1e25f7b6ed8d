"""The Arrow schema of a record model, derived from its Pydantic fields.

Made from the model rather than written beside it, so that a field added to
``ArticleRecord`` reaches the Parquet export without a second edit (and a type this
module cannot map is an error, not a column silently dropped). The mapping:

- ``str`` and ``Literal`` of strings: ``string``; ``int``: ``int64``; ``float``:
  ``float64``; ``bool``: ``bool``; ``date``: ``date32``;
- ``datetime``: ``timestamp[us, tz=UTC]``: the instant (Arrow keeps one zone per
  column, so a record's own offset is not kept; the JSONL has it);
- ``list[X]``: ``list<X>``; a nested model (``ImageInfo``, ``Related``): ``struct``;
- ``X | None``: a nullable ``X``; every other field is not nullable.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime
from typing import Any, Literal

import pyarrow as pa
from pydantic import BaseModel

_SCALARS: dict[Any, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
    date: pa.date32(),
    datetime: pa.timestamp("us", tz="UTC"),
}


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """(the type inside ``X | None``, whether None is allowed)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"no Arrow type for the union {annotation!r}")
        return args[0], len(args) < len(typing.get_args(annotation))
    return annotation, False


def arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type of one (non-optional) annotation."""
    origin = typing.get_origin(annotation)
    if origin is Literal:
        kinds = {type(v) for v in typing.get_args(annotation)}
        if len(kinds) != 1:
            raise TypeError(f"no Arrow type for the mixed literal {annotation!r}")
        return _SCALARS[kinds.pop()]
    if origin is list:
        (item,) = typing.get_args(annotation)
        inner, nullable = _unwrap_optional(item)
        return pa.list_(pa.field("item", arrow_type(inner), nullable=nullable))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(list(arrow_schema(annotation)))
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    raise TypeError(f"no Arrow type for {annotation!r}")


def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    """The model's fields, in order, as an Arrow schema (the field descriptions as
    metadata, so a Parquet reader sees what each column means)."""
    columns = []
    for name, info in model.model_fields.items():
        annotation, nullable = _unwrap_optional(info.annotation)
        meta = {"description": info.description} if info.description else None
        columns.append(pa.field(name, arrow_type(annotation), nullable=nullable,
                                metadata=meta))
    return pa.schema(columns, metadata={"model": model.__name__})
