"""``govctl schema export DIR``: JSON Schemas for editors (yaml-language-server ``$schema``)."""

from __future__ import annotations

from pathlib import Path

import click

from govctl.errors import EXIT_CLEAN, InfraError
from govctl.schema import export_schemas


@click.group("schema")
def schema_group() -> None:
    """JSON Schemas of every artifact kind and of govctl.yaml."""


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path) -> int:
    """Write one schema per kind plus govctl.schema.json (dispatching on kind) into DIRECTORY."""
    try:
        written = export_schemas(directory)
    except OSError as exc:
        raise InfraError(f"cannot write schemas to {directory}: {exc.strerror}") from None
    for path in written:
        click.echo(str(path))
    click.echo(
        f"# add `# yaml-language-server: $schema={directory / 'govctl.schema.json'}` "
        "to YAML files for completion",
        err=True,
    )
    return EXIT_CLEAN


schema_group.add_command(export_command)
