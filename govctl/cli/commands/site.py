"""``govctl site build`` and ``govctl site serve``: the static governance portal (docs/site.md)."""

from __future__ import annotations

from pathlib import Path

import click

from govctl import api_site
from govctl.api_site import DEFAULT_OUTPUT, SiteOptions
from govctl.cli.context import CliContext
from govctl.output import messages

OUT_OPTION = click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Site folder (default: <root>/{DEFAULT_OUTPUT}).",
)


@click.group("site")
def site_group() -> None:
    """A static governance portal for compliance officers and auditors."""


@site_group.command("build")
@OUT_OPTION
@click.option("--base", metavar="REF", help="Add the impact report of the change since REF.")
@click.option("--now", metavar="TIME", help="Evaluate as of TIME (RFC 3339 or YYYY-MM-DD).")
@click.option("--engine", type=click.Choice(["embedded", "opa"]), help="Default: govctl.yaml.")
@click.option("--opa-url", metavar="URL", help="OPA server for --engine opa.")
@click.option("--no-cache", is_flag=True, help="Ignore and do not update .govctl-cache.")
@click.option(
    "--workers", type=click.IntRange(min=0), default=0, help="Worker processes (0: one per CPU)."
)
@click.option("--stats", is_flag=True, help="Print stage timings to stderr.")
@click.pass_obj
def build_command(
    ctx: CliContext,
    out: Path | None,
    base: str | None,
    now: str | None,
    engine: str | None,
    opa_url: str | None,
    no_cache: bool,
    workers: int,
    stats: bool,
) -> int:
    """Write the site: overview, deployments, artifacts, controls, rules, audit (and impact).

    Exit 0 when written; 4 when it is written but the audit trail fails verification.
    """
    root = ctx.root()
    result = api_site.build(
        SiteOptions(
            root=root,
            out=out if out is not None else root / DEFAULT_OUTPUT,
            base=base,
            now=now,
            engine=engine,
            opa_url=opa_url,
            use_cache=not no_cache,
            workers=workers,
            config_path=ctx.config_option,
        )
    )
    click.echo(messages.site_built(result))
    if stats:
        click.echo(messages.timings("govctl site", result.timings), err=True)
    return result.exit_code


@site_group.command("serve")
@OUT_OPTION
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.pass_obj
def serve_command(ctx: CliContext, out: Path | None, port: int) -> int:
    """Serve a built site on 127.0.0.1 (local viewing only; any static host serves it too)."""
    folder = out if out is not None else ctx.root() / DEFAULT_OUTPUT
    result = api_site.serve(
        folder, port, lambda url: click.echo(messages.site_serving(folder, url))
    )
    return result.exit_code
