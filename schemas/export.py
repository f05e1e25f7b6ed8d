"""Export the models' JSON Schemas, which are committed beside them."""

from __future__ import annotations

import json
from pathlib import Path

from schemas.models import ArticleRecord, LinkRecord, RejectRecord
from schemas.sidecar import FetchedSidecar

SCHEMA_DIR = Path(__file__).resolve().parent
MODELS = {"article": ArticleRecord, "reject": RejectRecord, "link": LinkRecord,
          "sidecar": FetchedSidecar}


def schema_json(name: str) -> str:
    """The JSON Schema of one model, as committed (sorted keys, trailing newline)."""
    return json.dumps(MODELS[name].model_json_schema(), indent=2, ensure_ascii=False,
                      sort_keys=True) + "\n"


def schema_path(name: str) -> Path:
    return SCHEMA_DIR / f"{name}.schema.json"


def write_schemas() -> list[Path]:
    """Rewrite the committed schema files from the models."""
    paths = []
    for name in MODELS:
        path = schema_path(name)
        path.write_text(schema_json(name), encoding="utf-8")
        paths.append(path)
    return paths
