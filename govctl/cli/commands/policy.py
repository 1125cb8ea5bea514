"""``govctl policy test | list | lint``."""

from __future__ import annotations

import json

import click

from govctl.cli.context import CliContext
from govctl.errors import EXIT_CLEAN, EXIT_FINDINGS
from govctl.native_rules import NATIVE_RULES
from govctl.policy.catalog import load_policies, rule_catalog
from govctl.policy.testing import PolicyTestReport, run_tests
from govctl.rules import RuleMeta


@click.group("policy")
def policy_group() -> None:
    """Test, list and lint the policy library."""


def _report_text(report: PolicyTestReport, verbose: bool) -> str:
    lines = []
    for outcome in report.outcomes:
        if verbose or outcome.status != "pass":
            case = outcome.case
            lines.append(f"{outcome.status.upper():5} {case.module}:{case.line}: {case.ref}")
    counts = report.counts()
    total = len(report.outcomes)
    rules = len(report.covered) + len(report.uncovered)
    pct = 100 * len(report.covered) / rules if rules else 100.0
    lines.append(
        f"{total} tests: {counts['pass']} passed, {counts['fail']} failed, {counts['error']} errors"
    )
    lines.append(
        f"rule coverage: {len(report.covered)}/{rules} Rego rules ({pct:.0f}%)"
        f"; {len(report.native)} native rules are tested in Python"
    )
    if report.uncovered:
        lines.append("rules without a passing test: " + ", ".join(report.uncovered))
    return "\n".join(lines) + "\n"


@click.command("test")
@click.option("-r", "--run", "pattern", metavar="REGEX", help="Only tests whose data path matches.")
@click.option("-v", "--verbose", is_flag=True, help="List passing tests too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def test_command(ctx: CliContext, pattern: str | None, verbose: bool, fmt: str) -> int:
    """Run Rego unit tests (test_* rules) on the embedded engine; exit 1 on any failure."""
    bundle = load_policies(ctx.root(), ctx.config())
    catalog = rule_catalog(bundle)
    report = run_tests(bundle, sorted(catalog), sorted(NATIVE_RULES), pattern)
    if fmt == "json":
        data = {
            "tests": [
                {"test": o.case.ref, "file": o.case.module, "line": o.case.line, "status": o.status}
                for o in report.outcomes
            ],
            "summary": dict(report.counts()),
            "coverage": {
                "covered": list(report.covered),
                "uncovered": list(report.uncovered),
                "native": list(report.native),
            },
        }
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(_report_text(report, verbose), nl=False)
    # A failing test is a finding (exit 1), and so is a run that tested nothing: never a pass
    # that was not evaluated.
    return EXIT_FINDINGS if report.failed or not report.outcomes else EXIT_CLEAN


def _row(rule: RuleMeta) -> list[str]:
    return [
        rule.id,
        rule.severity,
        rule.component,
        rule.stage,
        "yes" if rule.waivable else "no",
        rule.title,
        ", ".join(rule.controls),
    ]


@click.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.pass_obj
def list_command(ctx: CliContext, fmt: str) -> int:
    """The rule catalog with severities, stages and control mappings."""
    config = ctx.config()
    catalog = rule_catalog(load_policies(ctx.root(), config))
    rules = [catalog[k] for k in sorted(catalog)]
    disabled = set(config.policy.disabled)
    if fmt == "json":
        data = [{**r.as_json(), "disabled": r.id in disabled} for r in rules]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_CLEAN
    header = ["id", "severity", "component", "stage", "waivable", "title", "controls"]
    if fmt == "markdown":
        click.echo("| " + " | ".join(header) + " |")
        click.echo("|" + "---|" * len(header))
        for rule in rules:
            cells = [c.replace("|", "\\|") for c in _row(rule)]
            click.echo("| " + " | ".join(cells) + " |")
        return EXIT_CLEAN
    for rule in rules:
        flag = " (disabled)" if rule.id in disabled else ""
        click.echo(
            f"{rule.id:12} {rule.severity:7} {rule.component:16} {rule.stage:8} {rule.title}{flag}"
        )
        if rule.controls:
            click.echo(f"{'':12} controls: {', '.join(rule.controls)}")
    click.echo(f"{len(rules)} rules")
    return EXIT_CLEAN


@click.command("lint")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def lint_command(ctx: CliContext, fmt: str) -> int:
    """Flag constructs the embedded engine evaluates differently from OPA; exit 1 if any."""
    from govctl.policy.lint import lint_modules

    bundle = load_policies(ctx.root(), ctx.config())
    issues = lint_modules([*bundle.modules, *bundle.tests])
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "file": i.file,
                        "line": i.line,
                        "column": i.column,
                        "code": i.code,
                        "message": i.message,
                    }
                    for i in issues
                ],
                indent=2,
            )
        )
    else:
        for issue in issues:
            click.echo(f"{issue.file}:{issue.line}:{issue.column}: {issue.code} {issue.message}")
        click.echo(f"{len(issues)} issue{'s' if len(issues) != 1 else ''}")
    return EXIT_FINDINGS if issues else EXIT_CLEAN


for _command in (test_command, list_command, lint_command):
    policy_group.add_command(_command)
