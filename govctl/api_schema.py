"""Library API of ``govctl schema export``: the JSON Schemas of every kind and of govctl.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govctl.errors import EXIT_CLEAN, InfraError
from govctl.schema import export_schemas

__all__ = ["DISPATCH_SCHEMA", "SchemaExport", "export"]

DISPATCH_SCHEMA = "govctl.schema.json"  # the schema that dispatches on kind


@dataclass(frozen=True)
class SchemaExport:
    directory: Path
    written: tuple[Path, ...]
    exit_code: int = EXIT_CLEAN

    @property
    def dispatch_schema(self) -> Path:
        return self.directory / DISPATCH_SCHEMA


def export(directory: Path) -> SchemaExport:
    """Write one schema per kind plus ``govctl.schema.json`` into ``directory``."""
    try:
        written = export_schemas(directory)
    except OSError as exc:
        raise InfraError(f"cannot write schemas to {directory}: {exc.strerror}") from None
    return SchemaExport(directory, tuple(written))
