"""``govctl registry list | show REF | graph``."""

from __future__ import annotations

import json

import click

from govctl import api
from govctl.cli.context import CliContext
from govctl.errors import EXIT_CLEAN, UsageError
from govctl.escape import inline, safe_json
from govctl.graph import DependencyGraph
from govctl.hints import did_you_mean
from govctl.models.kinds import KINDS
from govctl.registry import Artifact, Registry


@click.group("registry")
def registry_group() -> None:
    """Inspect the artifacts govctl discovered."""


@click.command("list")
@click.option("--kind", type=click.Choice(KINDS), help="Only artifacts of this kind.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def list_command(ctx: CliContext, kind: str | None, fmt: str) -> int:
    """Every artifact with its owner, file and digest."""
    registry = api.load_registry(ctx.root(), ctx.config())
    artifacts = sorted(
        (a for a in registry if kind is None or a.kind == kind), key=lambda a: a.identity
    )
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "registryDigest": registry.digest,
                    "artifacts": [
                        {
                            "identity": a.identity,
                            "kind": a.kind,
                            "owner": a.metadata.get("owner"),
                            "file": a.path,
                            "line": a.line,
                            "digest": a.digest,
                            "valid": a.valid,
                        }
                        for a in artifacts
                    ],
                },
                indent=2,
            )
        )
        return EXIT_CLEAN
    for a in artifacts:
        owner = inline(a.metadata.get("owner", ""))
        click.echo(f"{inline(a.identity):60} {owner:16} {inline(a.path)}")
    click.echo(f"{len(artifacts)} artifacts; registry digest {registry.digest}")
    return EXIT_CLEAN


def _find(registry: Registry, ref: str) -> Artifact:
    if "/" in ref:
        found = registry.get(ref)
    else:
        found = next((a for a in registry if ref in (a.name, f"{a.name}@{a.version}")), None)
    if found is None:
        names = [a.identity for a in registry] if "/" in ref else [a.name for a in registry]
        raise UsageError(
            f"no artifact {ref!r}{did_you_mean(ref, names)} "
            "(identities look like Deployment/name or Prompt/name@1.0.0)"
        )
    return found


@click.command("show")
@click.argument("ref")
@click.pass_obj
def show_command(ctx: CliContext, ref: str) -> int:
    """One artifact as JSON (as hashed), with its digest, location, references and dependents."""
    registry = api.load_registry(ctx.root(), ctx.config())
    artifact = _find(registry, ref)
    graph = DependencyGraph(registry)
    dependents = [
        a.identity
        for a in registry
        if a.identity != artifact.identity and artifact.identity in graph.closure(a.identity)
    ]
    shown = {
        "identity": artifact.identity,
        "file": artifact.path,
        "line": artifact.line,
        "digest": artifact.digest,
        "valid": artifact.valid,
        "document": artifact.doc,
        "dependsOn": sorted(graph.closure(artifact.identity)),
        "dependents": sorted(dependents),
    }
    click.echo(safe_json(json.dumps(shown, indent=2, ensure_ascii=False)))
    return EXIT_CLEAN


@click.command("graph")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "json"]), default="mermaid")
@click.pass_obj
def graph_command(ctx: CliContext, fmt: str) -> int:
    """The dependency graph (explicit references and computed edges)."""
    registry = api.load_registry(ctx.root(), ctx.config())
    graph = DependencyGraph(registry)
    edges = sorted({(a.identity, t) for a in registry for t in graph.forward(a.identity)})
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "nodes": sorted(a.identity for a in registry),
                    "edges": [{"from": f, "to": t} for f, t in edges],
                },
                indent=2,
            )
        )
    elif fmt == "dot":
        click.echo("digraph govctl {\n  rankdir=LR;")
        for f, t in edges:
            click.echo(inline(f'  "{f}" -> "{t}";'))
        click.echo("}")
    else:
        ids = {i: f"n{n}" for n, i in enumerate(sorted(a.identity for a in registry))}
        click.echo("graph LR")
        for identity, node in ids.items():
            click.echo(inline(f'  {node}["{identity}"]'))
        for f, t in edges:
            click.echo(f"  {ids[f]} --> {ids[t]}")
    return EXIT_CLEAN


for _command in (list_command, show_command, graph_command):
    registry_group.add_command(_command)
