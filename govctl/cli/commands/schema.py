"""``govctl schema export DIR``: JSON Schemas for editors (yaml-language-server ``$schema``)."""

from __future__ import annotations

from pathlib import Path

import click

from govctl import api_schema
from govctl.output import messages


@click.group("schema")
def schema_group() -> None:
    """JSON Schemas of every artifact kind and of govctl.yaml."""


@click.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path) -> int:
    """Write one schema per kind plus govctl.schema.json (dispatching on kind) into DIRECTORY."""
    result = api_schema.export(directory)
    click.echo(messages.schemas_written(result.written), nl=False)
    click.echo(messages.schema_hint(result.dispatch_schema, Path.cwd()), err=True)
    return result.exit_code


schema_group.add_command(export_command)
