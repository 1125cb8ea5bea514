"""Entry point: ``govctl`` (console script) and ``python -m govctl``.

Every command returns an int exit code; ``main`` runs click in non-standalone mode so that the
returned code, click's usage errors and govctl's own errors all go through ``run_guarded``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

import click

import govctl
from govctl.cli.context import CliContext, Environment
from govctl.cli.error_handler import run_guarded
from govctl.errors import EXIT_CLEAN
from govctl.gcpause import tune_for_one_run
from govctl.hints import nearest

# The explicit registry of commands: name → (module, attribute). Modules are imported only when
# their command runs, so `govctl check` pays for nothing else at start-up — and never imports the
# audit commands, which load DuckDB: a process that has loaded DuckDB must not fork regopy
# workers (they grow without bound; see govctl/api.py).
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("govctl.cli.commands.check", "check_command"),
    "impact": ("govctl.cli.commands.impact", "impact_command"),
    "readiness": ("govctl.cli.commands.reports", "readiness_command"),
    "cost": ("govctl.cli.commands.reports", "cost_command"),
    "policy": ("govctl.cli.commands.policy", "policy_group"),
    "registry": ("govctl.cli.commands.registry", "registry_group"),
    "schema": ("govctl.cli.commands.schema", "schema_group"),
    "site": ("govctl.cli.commands.site", "site_group"),
    "audit": ("govctl.cli.commands.audit", "audit_group"),
    "opa": ("govctl.cli.commands.opa", "opa_group"),
    "codeowners": ("govctl.cli.commands.codeowners", "codeowners_command"),
    "gateway": ("govctl.cli.commands.gateway", "gateway_group"),
    "init": ("govctl.cli.commands.init", "init_command"),
    "baseline": ("govctl.cli.commands.baseline", "baseline_group"),
    "waiver": ("govctl.cli.commands.baseline", "waiver_group"),
    "completion": ("govctl.cli.commands.completion", "completion_command"),
}


class _Root(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module, attribute = COMMANDS[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            close = nearest(name, COMMANDS)
            ctx.fail(f"No such command {name!r}." + (f" Did you mean {close!r}?" if close else ""))
        return super().resolve_command(ctx, args)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # Not click.version_option(__version__): that reads the installed version at import time,
    # on every start, although only --version prints it.
    if value and not ctx.resilient_parsing:
        click.echo(f"govctl, version {govctl.__version__}")
        ctx.exit()


@click.group(
    cls=_Root,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.option(
    "-C",
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Repository root (default: the nearest folder upwards holding govctl.yaml).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Configuration file (default: <root>/govctl.yaml).",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None, config_path: Path | None) -> None:
    """Governance and compliance control plane for generative-AI systems."""
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment.from_process()
    ctx.obj = CliContext(root_option=root, config_option=config_path, env=env)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    env = Environment.from_process()  # the one read of the environment
    tune_for_one_run()  # every command loads at most one registry, then the process exits

    def invoke() -> int:
        result = cli.main(args=args, prog_name="govctl", standalone_mode=False, obj=env)
        return result if isinstance(result, int) else EXIT_CLEAN

    return run_guarded(invoke, debug=env.debug)


def entry() -> None:
    sys.exit(main())
