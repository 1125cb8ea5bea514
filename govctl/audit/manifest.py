"""The export manifest (``manifest.json``), validated field by field before anything trusts it.

A manifest that is not JSON, misses a field or holds a value of the wrong type is an integrity
failure (exit 4) with one line naming the field, never an internal error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from govctl.errors import AuditIntegrityError, UsageError

EXPORT_MANIFEST = "manifest.json"
EXPORT_FORMAT_ID = "govctl.audit.export.v1"
Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Seq = Annotated[int, Field(ge=1)]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow", frozen=True)


class ManifestRange(_Model):
    firstSeq: Seq
    lastSeq: Seq
    prevHash: Hex64
    headHash: Hex64


class ManifestFile(_Model):
    name: Annotated[str, Field(min_length=1)]
    sha256: Hex64
    bytes: Annotated[int, Field(ge=0)]
    rows: Annotated[int, Field(ge=0)]


class Manifest(_Model):
    format: Literal["govctl.audit.export.v1"]
    origin: Annotated[str, Field(min_length=1)]
    exportFormat: Literal["parquet", "csv", "jsonl"]
    range: ManifestRange | None
    files: list[ManifestFile]
    checkpoint: dict[str, Any] | None = None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "(document)"
    return f"{where}: {error['msg']}"


def load_manifest(directory: Path) -> Manifest:
    path = directory / EXPORT_MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path} not found: not a govctl audit export") from None
    except (OSError, ValueError) as exc:
        raise AuditIntegrityError(
            f"export verification failed (malformed-manifest): {path} is not JSON: {exc}",
            kind="malformed-manifest",
        ) from None
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise AuditIntegrityError(
            f"export verification failed (malformed-manifest): {path}: {_first_error(exc)}",
            kind="malformed-manifest",
        ) from None
