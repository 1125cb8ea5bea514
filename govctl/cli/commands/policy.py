"""``govctl policy test | list | show | eject | lint``."""

from __future__ import annotations

from pathlib import Path

import click

from govctl import api_policy
from govctl.cli.context import CliContext
from govctl.output import policy_render


@click.group("policy")
def policy_group() -> None:
    """Test, list and lint the policy library."""


@click.command("test")
@click.option("-r", "--run", "pattern", metavar="REGEX", help="Only tests whose data path matches.")
@click.option("-v", "--verbose", is_flag=True, help="List passing tests too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def test_command(ctx: CliContext, pattern: str | None, verbose: bool, fmt: str) -> int:
    """Run Rego unit tests (test_* rules) on the embedded engine; exit 1 on any failure."""
    result = api_policy.unit_tests(ctx.root(), ctx.config(), pattern)
    text = (
        policy_render.unit_tests_json(result.report)
        if fmt == "json"
        else policy_render.unit_tests_text(result.report, verbose)
    )
    click.echo(text, nl=False)
    return result.exit_code


@click.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.pass_obj
def list_command(ctx: CliContext, fmt: str) -> int:
    """The rule catalog with severities, stages, control mappings and parameters."""
    result = api_policy.listing(ctx.root(), ctx.config())
    click.echo(policy_render.listing(result, fmt), nl=False)
    return result.exit_code


@click.command("show")
@click.argument("rule_id")
@click.pass_obj
def show_command(ctx: CliContext, rule_id: str) -> int:
    """A rule's metadata, controls, parameters and Rego source."""
    result = api_policy.show(ctx.root(), ctx.config(), rule_id)
    click.echo(policy_render.show(result), nl=False)
    return result.exit_code


@click.command("eject")
@click.argument("name", metavar="RULE|PACKAGE")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.pass_obj
def eject_command(ctx: CliContext, name: str, directory: Path | None) -> int:
    """Copy a built-in package (with its tests and fixtures) into DIRECTORY (default: the first
    of policy.paths, usually policies/), where it replaces the built-in package."""
    root = ctx.root()
    if directory is not None and not directory.is_absolute():
        directory = Path.cwd() / directory
    result = api_policy.eject(root, ctx.config(), name, directory)
    click.echo(policy_render.eject_files(result.written, root), nl=False)
    if not result.under_policy_paths:
        click.echo(policy_render.eject_note(result.target, root), err=True)
    click.echo(policy_render.eject_summary(result.package, result.rules), nl=False)
    return result.exit_code


@click.command("lint")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def lint_command(ctx: CliContext, fmt: str) -> int:
    """Flag policies govctl refuses to evaluate (GL100) and constructs the embedded engine
    evaluates differently from OPA; exit 1 if any."""
    result = api_policy.lint(ctx.root(), ctx.config())
    click.echo(
        policy_render.lint_json(result.issues)
        if fmt == "json"
        else policy_render.lint_text(result.issues),
        nl=False,
    )
    return result.exit_code


for _command in (test_command, list_command, show_command, eject_command, lint_command):
    policy_group.add_command(_command)
