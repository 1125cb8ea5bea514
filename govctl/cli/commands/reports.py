"""``govctl readiness [DEPLOYMENT]`` and ``govctl cost [DEPLOYMENT]``."""

from __future__ import annotations

import json

import click

from govctl import api
from govctl.cli.context import CliContext
from govctl.errors import EXIT_CLEAN, EXIT_FINDINGS
from govctl.escape import inline, safe_json
from govctl.markdown_escape import md_cell, md_code, md_table, md_text
from govctl.readiness_render import readiness_markdown, readiness_text
from govctl.reports import CostReport


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
    cards = api.readiness(options, deployment)
    if fmt == "json":
        click.echo(
            safe_json(json.dumps([c.as_json() for c in cards], indent=2, ensure_ascii=False))
        )
    elif fmt == "markdown":
        click.echo(readiness_markdown(cards), nl=False)
    else:
        click.echo(readiness_text(cards), nl=False)
    return EXIT_CLEAN if all(c.ready for c in cards) else EXIT_FINDINGS


def _money(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    """Aligned plain-text columns; numbers right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    numeric = {3, 4, 5, 6}
    lines = []
    for row in [header, *rows]:
        cells = [
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


def _cost_rows(report: CostReport) -> list[list[str]]:
    rows = [
        [
            line.ref or "-",
            line.role,
            line.currency,
            *[_money(line.monthly.get(v)) for v in ("x1", "x10", "x50", "x100")],
            line.reason or "",
        ]
        for line in report.lines
    ]
    return [[inline(cell) for cell in row] for row in rows]


@click.command("cost")
@click.argument("deployment", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.pass_obj
def cost_command(ctx: CliContext, deployment: str | None, fmt: str) -> int:
    """Projected monthly cost at x1, x10, x50, x100 volume for primary and fallback models.

    cost = 30 × expectedRequestsPerDay × (avgInputTokens × inputPer1M + avgOutputTokens ×
    outputPer1M) / 1e6. Exit 1 when a primary model's x1 projection exceeds the ceiling.
    """
    reports = api.cost(ctx.root(), deployment)
    if fmt == "json":
        click.echo(json.dumps([r.as_json() for r in reports], indent=2))
        return EXIT_FINDINGS if any(r.over_ceiling for r in reports) else EXIT_CLEAN
    header = ["model", "role", "currency", "x1", "x10", "x50", "x100", "note"]
    for report in reports:
        ceiling = _money(report.ceiling) if report.ceiling is not None else "none"
        flag = "  OVER CEILING" if report.over_ceiling else ""
        if fmt == "markdown":
            click.echo(
                f"**{md_code(report.deployment)}** ({md_text(report.environment)}) — "
                f"monthly ceiling {ceiling} USD{flag}\n"
            )
            rows = [[md_cell(c) for c in row] for row in _cost_rows(report)]
            click.echo("\n".join(md_table(header, rows)))
            click.echo("")
        else:
            click.echo(
                inline(
                    f"{report.deployment} ({report.environment}): monthly ceiling {ceiling} "
                    f"USD{flag}"
                )
            )
            click.echo(_table(header, _cost_rows(report)))
    return EXIT_FINDINGS if any(r.over_ceiling for r in reports) else EXIT_CLEAN
