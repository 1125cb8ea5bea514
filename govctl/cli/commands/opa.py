"""``govctl opa serve``: run a local OPA for ``govctl check --engine opa`` (docs/spec.md §8)."""

from __future__ import annotations

from pathlib import Path

import click

from govctl import api_opa
from govctl.cli.context import CliContext, resolved
from govctl.output import messages


@click.group("opa")
def opa_group() -> None:
    """Work with a local OPA server (the `opa` engine)."""


def _repo_root(ctx: CliContext) -> Path | None:
    if ctx.root_option is not None:
        return resolved(ctx.root_option, "-C")
    return api_opa.find_repository(Path.cwd())


@opa_group.command("serve")
@click.option(
    "--opa-bin",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GOVCTL_OPA_BIN",
    help="OPA binary (default: `opa` on PATH, then .cache/opa/bin/opa of the repository).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 (0: a free one).",
)
@click.pass_obj
def serve_command(ctx: CliContext, opa_bin: Path | None, port: int) -> int:
    """Start OPA on a loopback port, print its URL, and stop it on Ctrl-C or SIGTERM."""
    binary = api_opa.find_binary(
        opa_bin, [_repo_root(ctx), Path.cwd()], ctx.env.variables.get("PATH", "")
    )

    def ready(url: str) -> None:
        click.echo(url)
        click.echo(messages.opa_serving(binary, url), err=True)

    result = api_opa.serve(binary, port, ready)
    click.echo(messages.opa_stopped(), err=True)
    return result.exit_code
