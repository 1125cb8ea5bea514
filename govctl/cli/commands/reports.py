"""``govctl readiness [DEPLOYMENT]`` and ``govctl cost [DEPLOYMENT]``."""

from __future__ import annotations

import click

from govctl import api
from govctl.cli.context import CliContext
from govctl.output import cost_render
from govctl.readiness_render import readiness


@click.command("readiness")
@click.argument("deployment", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.option("--now", metavar="TIME", help="Evaluate as of TIME.")
@click.option("--engine", type=click.Choice(["embedded", "opa"]))
@click.pass_obj
def readiness_command(
    ctx: CliContext, deployment: str | None, fmt: str, now: str | None, engine: str | None
) -> int:
    """Per-deployment scorecard: production components × baseline/full stage.

    Exit 0 when every selected deployment is ready to go live (all baseline cells pass), 1 if not.
    """
    options = api.CheckOptions(
        root=ctx.root(), now=now, engine=engine, audit=False, config_path=ctx.config_option
    )
    result = api.readiness(options, deployment)
    click.echo(readiness(result.cards, fmt), nl=False)
    return result.exit_code


@click.command("cost")
@click.argument("deployment", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.pass_obj
def cost_command(ctx: CliContext, deployment: str | None, fmt: str) -> int:
    """Projected monthly cost at x1, x10, x50, x100 volume for primary and fallback models.

    cost = 30 × expectedRequestsPerDay × (avgInputTokens × inputPer1M + avgOutputTokens ×
    outputPer1M) / 1e6. Exit 1 when a primary model's x1 projection exceeds the ceiling.
    """
    result = api.cost(ctx.root(), deployment)
    click.echo(cost_render.cost(result.reports, fmt), nl=False)
    return result.exit_code
