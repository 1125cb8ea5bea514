"""``govctl gateway render|diff``: the runtime gateway governed by the registry."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from govctl import api_gateway as service
from govctl.cli.context import CliContext
from govctl.cli.output import emit
from govctl.gateway import report
from govctl.output import messages

_TARGET = click.option(
    "--target", type=click.Choice(service.TARGETS), default="litellm", show_default=True
)
_ENV = click.option("--environment", metavar="ENV", help="Only deployments of this environment.")
_NOW = click.option("--now", metavar="TIME", help="Evaluate as of TIME (RFC 3339 or YYYY-MM-DD).")
_NO_AUDIT = click.option("--no-audit", is_flag=True, help="Do not append a gateway audit event.")


def _options(
    ctx: CliContext, target: str, environment: str | None, now: str | None, no_audit: bool
) -> service.GatewayOptions:
    return service.GatewayOptions(
        root=ctx.root(),
        target=target,
        environment=environment,
        now=now,
        config_path=ctx.config_option,
        audit=not no_audit,
        actor=ctx.env.actor(),
    )


@click.group("gateway")
def gateway_group() -> None:
    """Render the gateway configuration from the registry, and detect drift from it."""


@gateway_group.command("render")
@_TARGET
@_ENV
@_NOW
@_NO_AUDIT
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE."
)
@click.pass_obj
def render_command(
    ctx: CliContext,
    target: str,
    environment: str | None,
    now: str | None,
    no_audit: bool,
    output: Path | None,
) -> int:
    """Write the gateway config for the approved deployments (secrets as env references)."""
    result = service.render(_options(ctx, target, environment, now, no_audit))
    emit(result.text, output)
    if output is not None:
        click.echo(report.render_summary(result) + messages.wrote(output), err=True, nl=False)
    return result.exit_code


@gateway_group.command("diff")
@_TARGET
@_ENV
@_NOW
@_NO_AUDIT
@click.argument("config", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", metavar="URL", help="Read a running proxy's effective config instead.")
@click.option(
    "--api-key-env",
    metavar="NAME",
    default="LITELLM_MASTER_KEY",
    show_default=True,
    help="Environment variable holding the proxy's admin key (with --url).",
)
@click.option("--engine", type=click.Choice(["embedded", "opa"]), help="Default: govctl.yaml.")
@click.option("--opa-url", metavar="URL", help="OPA server for --engine opa.")
@click.option(
    "--check-env",
    is_flag=True,
    help="Also report os.environ/ references this environment does not set (run on the host).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--fail-on", type=click.Choice(["error", "warning", "never"]), help="Default: govctl.yaml."
)
@click.pass_obj
def diff_command(
    ctx: CliContext,
    target: str,
    environment: str | None,
    now: str | None,
    no_audit: bool,
    config: Path | None,
    url: str | None,
    api_key_env: str,
    engine: str | None,
    opa_url: str | None,
    check_env: bool,
    fmt: str,
    fail_on: str | None,
) -> int:
    """Compare a deployed gateway config (file or --url) with what the registry approves."""
    root = ctx.root()
    deployed = service.read_deployed(root, config, url, ctx.env.variables.get(api_key_env))
    options = dataclasses.replace(
        _options(ctx, target, environment, now, no_audit), engine=engine, opa_url=opa_url
    )
    result = service.diff(
        options, deployed, dict(ctx.env.variables) if check_env else None, fail_on
    )
    emit(report.diff_json(result) if fmt == "json" else report.diff_text(result), None)
    return result.exit_code
