"""``govctl codeowners [--check]``: write (or check) ``.github/CODEOWNERS`` from the registry."""

from __future__ import annotations

from pathlib import Path

import click

from govctl import api
from govctl.cli.context import CliContext
from govctl.cli.output import emit
from govctl.errors import EXIT_CLEAN
from govctl.output import messages


def _settings(ctx: CliContext, org: str | None) -> api.CodeownersSettings:
    # ``codeowners: {org, teams, path}`` of govctl.yaml; the GitHub organisation comes from
    # --org, then govctl.yaml, then (in GitHub Actions) the repository's owner.
    configured = ctx.config().codeowners
    org = org or configured.org or ctx.env.variables.get("GITHUB_REPOSITORY_OWNER")
    return api.CodeownersSettings(
        org=org or None, handles=dict(configured.teams), path=configured.path
    )


@click.command("codeowners")
@click.option(
    "--check",
    is_flag=True,
    help="Do not write: exit 1 when the file differs from what the registry gives.",
)
@click.option(
    "--org",
    metavar="ORG",
    help="GitHub organisation: team T → @ORG/T (default: $GITHUB_REPOSITORY_OWNER).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"File to write or check (default: {api.DEFAULT_PATH}).",
)
@click.pass_obj
def codeowners_command(ctx: CliContext, check: bool, org: str | None, output: Path | None) -> int:
    """Write .github/CODEOWNERS from artifact owners and govctl.yaml approvals."""
    root = ctx.root()
    settings = _settings(ctx, org)
    target = output.resolve() if output else root / settings.path
    shown = str(output) if output else settings.path
    status = api.codeowners(root, ctx.config(), settings, target)
    if status.state == "up to date":
        click.echo(messages.codeowners_up_to_date(shown))
        return EXIT_CLEAN
    if check:
        if status.current is None:
            click.echo(messages.codeowners_missing(shown), err=True)
        else:
            text = messages.codeowners_stale(status.current, status.wanted, shown)
            click.echo(text, err=True, nl=False)
        return status.exit_code
    emit(status.wanted, target)  # replaced atomically: never a half-written CODEOWNERS
    click.echo(messages.wrote(shown), nl=False)
    return EXIT_CLEAN
