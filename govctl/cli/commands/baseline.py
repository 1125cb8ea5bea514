"""``govctl baseline create | prune`` and ``govctl waiver new``: accepting existing findings."""

from __future__ import annotations

from pathlib import Path

import click

from govctl import api_baseline
from govctl.api_baseline import BaselineRequest, Repository, WaiverRequest
from govctl.cli.context import CliContext
from govctl.output import messages


def _repository(ctx: CliContext, now: str | None) -> Repository:
    return Repository(ctx.root(), ctx.config(), ctx.config_option, now)


@click.group("baseline")
def baseline_group() -> None:
    """Record today's findings so that only new ones fail (adopting govctl)."""


@click.command("create")
@click.option("--approved-by", required=True, help="Who accepted these findings.")
@click.option("--justification", required=True, help="Why they are accepted for now.")
@click.option("--expires", metavar="YYYY-MM-DD", help="Default: today + waivers.maxDays.")
@click.option("--ticket", help="Tracking reference for the remediation work.")
@click.option("--name", default="adoption", show_default=True, help="metadata.name.")
@click.option("--replace", is_flag=True, help="Replace an existing baseline file.")
@click.option("--now", metavar="TIME", help="Evaluate at this time (default: the clock).")
@click.pass_obj
def create_command(
    ctx: CliContext,
    approved_by: str,
    justification: str,
    expires: str | None,
    ticket: str | None,
    name: str,
    replace: bool,
    now: str | None,
) -> int:
    """Write policy.baseline (default govctl-baseline.yaml) with every open finding of a
    waivable rule; non-waivable findings stay open and must be fixed."""
    request = BaselineRequest(approved_by, justification, expires, ticket, name, replace)
    result = api_baseline.create_baseline(_repository(ctx, now), request)
    text = messages.baseline_created(result.file, result.baselined, result.left_open)
    click.echo(text, nl=False)
    return result.exit_code


@click.command("prune")
@click.option("--now", metavar="TIME", help="Evaluate at this time (default: the clock).")
@click.pass_obj
def prune_command(ctx: CliContext, now: str | None) -> int:
    """Remove the entries whose findings no longer occur."""
    result = api_baseline.prune_baseline(_repository(ctx, now))
    text = messages.baseline_pruned(result.file, result.removed, result.remaining)
    click.echo(text, nl=False)
    return result.exit_code


@click.group("waiver")
def waiver_group() -> None:
    """Scaffold waivers."""


@click.command("new")
@click.argument("fingerprint", required=False)
@click.option("--rule", help="Rule id (with --ref).")
@click.option("--ref", help="Artifact identity, e.g. Deployment/app-prod (with --rule).")
@click.option("--approved-by", default="TODO-approver", show_default=True)
@click.option("--justification", default="TODO: why this finding is accepted", show_default=True)
@click.option("--ticket", help="Tracking reference.")
@click.option("--expires", metavar="YYYY-MM-DD", help="Default: today + waivers.maxDays.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--now", metavar="TIME", help="Evaluate at this time (default: the clock).")
@click.pass_obj
def new_command(
    ctx: CliContext,
    fingerprint: str | None,
    rule: str | None,
    ref: str | None,
    approved_by: str,
    justification: str,
    ticket: str | None,
    expires: str | None,
    output: Path | None,
    now: str | None,
) -> int:
    """Write a Waiver for one current finding, its expiry at the waivers.maxDays limit."""
    request = WaiverRequest(
        fingerprint, rule, ref, approved_by, justification, ticket, expires, output
    )
    result = api_baseline.new_waiver(_repository(ctx, now), request)
    click.echo(messages.wrote(result.path), nl=False)
    return result.exit_code


baseline_group.add_command(create_command)
baseline_group.add_command(prune_command)
waiver_group.add_command(new_command)
