"""``govctl registry list | show REF | graph``."""

from __future__ import annotations

import click

from govctl import api_registry
from govctl.cli.context import CliContext
from govctl.output import registry_render


@click.group("registry")
def registry_group() -> None:
    """Inspect the artifacts govctl discovered."""


@click.command("list")
@click.option("--kind", type=click.Choice(api_registry.KINDS), help="Only artifacts of this kind.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def list_command(ctx: CliContext, kind: str | None, fmt: str) -> int:
    """Every artifact with its owner, file and digest."""
    result = api_registry.listing(ctx.root(), ctx.config(), kind)
    click.echo(registry_render.listing(result.digest, result.artifacts, fmt), nl=False)
    return result.exit_code


@click.command("show")
@click.argument("ref")
@click.pass_obj
def show_command(ctx: CliContext, ref: str) -> int:
    """One artifact as JSON (as hashed), with its digest, location, references and dependents."""
    result = api_registry.show(ctx.root(), ctx.config(), ref)
    click.echo(
        registry_render.show(result.artifact, result.depends_on, result.dependents), nl=False
    )
    return result.exit_code


@click.command("graph")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "json"]), default="mermaid")
@click.pass_obj
def graph_command(ctx: CliContext, fmt: str) -> int:
    """The dependency graph (explicit references and computed edges)."""
    result = api_registry.graph(ctx.root(), ctx.config())
    click.echo(registry_render.graph(result.nodes, result.edges, fmt), nl=False)
    return result.exit_code


for _command in (list_command, show_command, graph_command):
    registry_group.add_command(_command)
