"""``govctl policy test | list | lint``."""

from __future__ import annotations

import json

import click

from govctl.cli.context import CliContext
from govctl.native_rules import NATIVE_RULES
from govctl.output.markdown_escape import md_cell, md_code, md_table
from govctl.policy.bundle import RuleMeta
from govctl.policy.catalog import load_policies, rule_catalog
from govctl.policy.testing import PolicyTestReport, run_tests


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
    """Run Rego unit tests (test_* rules) on the embedded engine; exit 2 on any failure."""
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
    return 2 if report.failed or not report.outcomes else 0


def _row(rule: RuleMeta) -> list[str]:
    """A Markdown table row: ids and controls in code spans, the title escaped."""
    return [
        md_code(rule.id, table=True),
        md_cell(rule.severity),
        md_cell(rule.component),
        md_cell(rule.stage),
        "yes" if rule.waivable else "no",
        md_cell(rule.title),
        ", ".join(md_code(c, table=True) for c in rule.controls),
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
        return 0
    header = ["id", "severity", "component", "stage", "waivable", "title", "controls"]
    if fmt == "markdown":
        click.echo("\n".join(md_table(header, [_row(rule) for rule in rules])))
        return 0
    for rule in rules:
        flag = " (disabled)" if rule.id in disabled else ""
        click.echo(
            f"{rule.id:12} {rule.severity:7} {rule.component:16} {rule.stage:8} {rule.title}{flag}"
        )
        if rule.controls:
            click.echo(f"{'':12} controls: {', '.join(rule.controls)}")
    click.echo(f"{len(rules)} rules")
    return 0


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
    return 1 if issues else 0


for _command in (test_command, list_command, lint_command):
    policy_group.add_command(_command)
