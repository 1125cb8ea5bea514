"""``govctl impact``: what a change does, for the pull request (docs/spec.md §5, docs/impact.md).

Under GitHub Actions (``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY``) the Markdown links each
finding's file to the head commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from govctl import api
from govctl.cli import terminal
from govctl.cli.context import CliContext
from govctl.cli.output import emit
from govctl.impact.render import FORMATS, render
from govctl.output import messages


@click.command("impact")
@click.option(
    "--base", required=True, metavar="REF", help="Git ref the change is compared against."
)
@click.option(
    "--head",
    metavar="REF",
    help="Git ref of the change (default: the work tree, uncommitted edits included).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="markdown", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE."
)
@click.option("--now", metavar="TIME", help="Evaluate as of TIME (RFC 3339 or YYYY-MM-DD).")
@click.option("--engine", type=click.Choice(["embedded", "opa"]), help="Default: govctl.yaml.")
@click.option("--opa-url", metavar="URL", help="OPA server for --engine opa.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "never"]),
    default="never",
    show_default=True,
    help="Exit 1 when the change introduces unwaived findings at or above this severity.",
)
@click.option("--no-cache", is_flag=True, help="Ignore and do not update .govctl-cache.")
@click.option("--no-audit", is_flag=True, help="Do not append an event to the audit trail.")
@click.option(
    "--workers", type=click.IntRange(min=0), default=0, help="Worker processes (0: one per CPU)."
)
@click.option("--stats", is_flag=True, help="Print stage timings to stderr.")
@click.pass_obj
def impact_command(
    ctx: CliContext,
    base: str,
    head: str | None,
    fmt: str,
    output: Path | None,
    now: str | None,
    engine: str | None,
    opa_url: str | None,
    fail_on: str,
    no_cache: bool,
    no_audit: bool,
    workers: int,
    stats: bool,
) -> int:
    """Report what a change does: changed artifacts, affected deployments, findings delta, risk,
    required approvals and cost (exit 0 when the report is produced)."""
    options = api.ImpactOptions(
        root=ctx.root(),
        base=base,
        head=head,
        now=now,
        engine=engine,
        opa_url=opa_url,
        use_cache=not no_cache,
        workers=workers,
        config_path=ctx.config_option,
        audit=not no_audit,
        actor=ctx.env.actor(),
        fail_on=fail_on,
    )
    report = api.impact(options)
    links = api.links_at(ctx.env.variables, report.head.sha) if fmt == "markdown" else None
    width = terminal.width(sys.stdout, ctx.env.variables) if output is None else None
    emit(render(report, fmt, links, width), output)
    if output is not None:
        roles = [a.role for a in report.approvals]
        click.echo(messages.impact_written(report.risk.level, roles, fmt, output), err=True)
    if stats:
        text = messages.impact_stats(report.timings, report.findings.evaluated)
        click.echo(text, err=True)
    return report.exit_code
