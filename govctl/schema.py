"""JSON Schemas generated from the pydantic models (``govctl schema export``).

The generated files are also shipped as package data (``govctl/schemas/``) and are what the loader
validates with, so editors (yaml-language-server ``$schema``) and govctl agree. A test keeps the
shipped files identical to what the models generate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from govctl.fileio import write_output
from govctl.models.baseline import Baseline
from govctl.models.config import Config
from govctl.models.kinds import ARTIFACT_MODELS

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE = "https://govctl.dev/schemas/v1/"
PACKAGED_DIR = Path(__file__).parent / "schemas"


def schema_filename(kind: str) -> str:
    return f"{kind}.schema.json"


def kind_schema(kind: str) -> dict[str, Any]:
    own: dict[str, type[BaseModel]] = {"Config": Config, "Baseline": Baseline}
    model = own.get(kind) or ARTIFACT_MODELS[kind]
    schema = model.model_json_schema()
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_BASE + schema_filename(kind), **schema}


def combined_schema() -> dict[str, Any]:
    """One schema for any govctl YAML file: dispatches on ``kind`` to the per-kind schemas."""
    kinds = [*ARTIFACT_MODELS, "Config", "Baseline"]
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_BASE + "govctl.schema.json",
        "title": "govctl artifact",
        "type": "object",
        "required": ["apiVersion", "kind"],
        "properties": {"apiVersion": {"const": "govctl/v1"}, "kind": {"enum": kinds}},
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"$ref": schema_filename(kind)},
            }
            for kind in kinds
        ],
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    out = {
        schema_filename(kind): kind_schema(kind)
        for kind in [*ARTIFACT_MODELS, "Config", "Baseline"]
    }
    out["govctl.schema.json"] = combined_schema()
    return out


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas().items():
        target = directory / name
        write_output(target, render(schema))
        written.append(target)
    return written


def load_packaged(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PACKAGED_DIR / schema_filename(kind)).read_text("utf-8"))
    return data
