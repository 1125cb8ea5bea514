"""``govctl schema export DIR``: JSON Schemas for editors (yaml-language-server ``$schema``)."""

from __future__ import annotations

import os
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
    # yaml-language-server resolves a relative $schema from the YAML file's own folder, so the
    # path differs per folder depth: show it for a file two folders down.
    schema = (directory / "govctl.schema.json").resolve()
    example = Path("registry") / "deployments" / "app.yaml"
    relative = Path(os.path.relpath(schema, Path.cwd().resolve() / example.parent)).as_posix()
    click.echo(
        "# for completion, add `# yaml-language-server: $schema=PATH` to YAML files, PATH being "
        f"relative to the file's folder; in {example.as_posix()}: $schema={relative}",
        err=True,
    )
    return EXIT_CLEAN


schema_group.add_command(export_command)
