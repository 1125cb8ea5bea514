"""JSON Schemas generated from the pydantic models (``govctl schema export``).

The generated files are also shipped as package data (``govctl/schemas/``) and are what the loader
validates with, so editors (yaml-language-server ``$schema``) and govctl agree. A test keeps the
shipped files identical to what the models generate.

Everything resolves offline: a per-kind schema refers only inside itself (``#/$defs/...``) and
its ``$id`` is its own file name (relative: it resolves against wherever the file is read from,
never against a web address nobody serves). ``govctl.schema.json`` is bundled: it embeds every
per-kind schema as a resource of its own under ``$defs`` (JSON Schema 2020-12 compound document)
and dispatches on ``kind`` with ``$ref`` to those, so the one file works alone, in an editor or in
``check-jsonschema``, without network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from govctl.fileio import write_output
from govctl.models.names import KINDS

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
COMBINED = "govctl.schema.json"
PACKAGED_DIR = Path(__file__).parent / "schemas"


def schema_filename(kind: str) -> str:
    return f"{kind}.schema.json"


def kind_schema(kind: str) -> dict[str, Any]:
    # Imported here: generating is rare (``schema export``, the tests), while every check reads
    # the shipped files through this module and should not pay for importing the models.
    from pydantic import BaseModel

    from govctl.models.baseline import Baseline
    from govctl.models.config import Config
    from govctl.models.kinds import ARTIFACT_MODELS

    own: dict[str, type[BaseModel]] = {"Config": Config, "Baseline": Baseline}
    model = own.get(kind) or ARTIFACT_MODELS[kind]
    schema = model.model_json_schema()
    return {"$schema": SCHEMA_DIALECT, "$id": schema_filename(kind), **schema}


def combined_schema() -> dict[str, Any]:
    """One schema for any govctl YAML file: the per-kind schemas embedded, chosen by ``kind``."""
    kinds = [*KINDS, "Config", "Baseline"]
    embedded = {}
    for kind in kinds:
        resource = kind_schema(kind)
        resource.pop("$schema")  # the dialect is the bundle's
        embedded[kind] = resource
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": COMBINED,
        "title": "govctl file (artifact or govctl.yaml)",
        "description": "Any YAML file govctl reads: apiVersion govctl/v1 and one of the kinds.",
        "$defs": embedded,
        "type": "object",
        "required": ["apiVersion", "kind"],
        "properties": {
            "apiVersion": {
                "const": "govctl/v1",
                "title": "Api version",
                "description": "Version of the govctl file format: govctl/v1.",
            },
            "kind": {
                "enum": kinds,
                "title": "Kind",
                "description": "What the file holds: an artifact kind, Config (govctl.yaml) or "
                "Baseline; it picks the schema the rest of the file is checked against.",
            },
        },
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"$ref": schema_filename(kind)},
            }
            for kind in kinds
        ],
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    out = {schema_filename(kind): kind_schema(kind) for kind in [*KINDS, "Config", "Baseline"]}
    out[COMBINED] = combined_schema()
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
