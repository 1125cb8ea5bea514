"""``govctl policy test | list | show | eject | lint``."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from govctl.cli.context import CliContext
from govctl.errors import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from govctl.escape import inline, one_line, safe_json
from govctl.markdown_escape import md_cell, md_code, md_table
from govctl.native_rules import NATIVE_RULES
from govctl.policy.bundle import policy_problems
from govctl.policy.catalog import load_catalog, load_policies, rule_catalog
from govctl.policy.parameters import EffectiveParameter
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
            detail = f": {outcome.message}" if outcome.message else ""
            lines.append(
                inline(f"{outcome.status.upper():5} {case.module}:{case.line}: {case.ref}{detail}")
            )
    counts = report.counts()
    total = len(report.outcomes)
    rules = len(report.covered) + len(report.uncovered)
    pct = 100 * len(report.covered) / rules if rules else 100.0
    engine = f" on {report.engine}" if report.engine else ""
    lines.append(
        f"{total} tests{engine}: {counts['pass']} passed, {counts['fail']} failed, "
        f"{counts['error']} errors"
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
    loaded = load_catalog(ctx.root(), ctx.config())
    bundle = loaded.bundle
    catalog = rule_catalog(bundle)
    report = run_tests(
        bundle,
        sorted(catalog),
        sorted(NATIVE_RULES),
        pattern,
        ctx.root(),
        data=loaded.default_data(),
    )
    if fmt == "json":
        data = {
            "tests": [
                {
                    "test": o.case.ref,
                    "file": o.case.module,
                    "line": o.case.line,
                    "status": o.status,
                    **({"message": o.message} if o.message else {}),
                }
                for o in report.outcomes
            ],
            "engine": report.engine,
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


def _row(rule: RuleMeta, severity: str | None = None) -> list[str]:
    # Ids, titles and controls come from the METADATA of a repository's own policies.
    cells = [
        rule.id,
        severity or rule.severity,
        rule.component,
        rule.stage,
        "yes" if rule.waivable else "no",
        rule.title,
        ", ".join(rule.controls),
    ]
    return [one_line(cell) for cell in cells]


def _md_row(rule: RuleMeta, severity: str | None = None) -> list[str]:
    """A Markdown table row: ids and controls in code spans, the title escaped."""
    return [
        md_code(rule.id, table=True),
        md_cell(severity or rule.severity),
        md_cell(rule.component),
        md_cell(rule.stage),
        "yes" if rule.waivable else "no",
        md_cell(rule.title),
        ", ".join(md_code(c, table=True) for c in rule.controls),
    ]


def _parameter_json(p: EffectiveParameter) -> dict[str, Any]:
    return {
        "value": p.value,
        "default": p.spec.default,
        "environments": dict(p.environments),
        "riskTiers": dict(p.risk_tiers),
        "type": p.spec.type,
        "scopes": list(p.spec.scopes),
        "description": p.spec.description,
    }


def _overridden_by(rule: RuleMeta, overrides: Mapping[str, str]) -> str | None:
    return overrides.get(rule.package) if rule.package else None


@click.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.pass_obj
def list_command(ctx: CliContext, fmt: str) -> int:
    """The rule catalog with severities, stages, control mappings and parameters."""
    config = ctx.config()
    loaded = load_catalog(ctx.root(), config)
    catalog = rule_catalog(loaded.bundle)
    rules = [catalog[k] for k in sorted(catalog)]
    disabled = set(config.policy.disabled)
    severity = config.policy.severity
    overrides = loaded.bundle.overrides
    if fmt == "json":
        data = [
            {
                **r.as_json(),
                "severity": severity.get(r.id, r.severity),
                "disabled": r.id in disabled,
                "overriddenBy": _overridden_by(r, overrides),
                "parameters": {
                    n: _parameter_json(p)
                    for n, p in sorted(loaded.parameters.get(r.id, {}).items())
                },
            }
            for r in rules
        ]
        click.echo(safe_json(json.dumps(data, indent=2, ensure_ascii=False)))
        return EXIT_CLEAN
    header = ["id", "severity", "component", "stage", "waivable", "title", "controls"]
    if fmt == "markdown":
        rows = [_md_row(rule, severity.get(rule.id)) for rule in rules]
        click.echo("\n".join(md_table(header, rows)))
        return EXIT_CLEAN
    for rule in rules:
        flag = " (disabled)" if rule.id in disabled else ""
        rule_id, _, component, stage, _, title, controls = _row(rule)
        level = severity.get(rule.id, rule.severity)
        if level != rule.severity:
            flag += f" (severity {rule.severity} → {level} in govctl.yaml)"
        click.echo(f"{rule_id:12} {level:7} {component:16} {stage:8} {title}{flag}")
        if rule.controls:
            click.echo(f"{'':12} controls: {controls}")
        for name, param in sorted(loaded.parameters.get(rule.id, {}).items()):
            click.echo(f"{'':12} parameter {name} = {one_line(param.describe())}")
        replaced = _overridden_by(rule, overrides)
        if replaced:
            click.echo(f"{'':12} overridden by {inline(replaced)}")
    click.echo(f"{len(rules)} rules")
    return EXIT_CLEAN


@click.command("show")
@click.argument("rule_id")
@click.pass_obj
def show_command(ctx: CliContext, rule_id: str) -> int:
    """A rule's metadata, controls, parameters and Rego source."""
    config = ctx.config()
    loaded = load_catalog(ctx.root(), config)
    catalog = rule_catalog(loaded.bundle)
    rule = catalog.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, sorted(catalog), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UsageError(f"unknown rule {rule_id}{hint}; see `govctl policy list`")
    level = config.policy.severity.get(rule.id, rule.severity)
    lines = [
        f"{rule.id}: {rule.title}",
        f"severity:    {level}"
        + (f" (declared {rule.severity})" if level != rule.severity else ""),
        f"waivable:    {'yes' if rule.waivable else 'no'}",
        f"component:   {rule.component} · stage {rule.stage}",
        f"controls:    {', '.join(rule.controls) or '-'}",
        f"source:      {rule.source}",
    ]
    replaced = _overridden_by(rule, loaded.bundle.overrides)
    if replaced:
        lines.append(f"overrides:   the built-in package {rule.package} ({replaced})")
    if rule.description:
        lines += ["", rule.description]
    if rule.remediation:
        lines += ["", f"remediation: {rule.remediation}"]
    params = loaded.parameters.get(rule.id, {})
    if params:
        lines += ["", "parameters (govctl.yaml policy.parameters):"]
        for name, param in sorted(params.items()):
            scopes = ", ".join(param.spec.scopes) or "global only"
            lines.append(f"  {name} = {param.describe()}")
            lines.append(f"      {param.spec.type}; varies by {scopes}: {param.spec.description}")
    module = next(
        (m for m in loaded.bundle.modules if rule.package and m.package == rule.package), None
    )
    if module is not None:
        lines += ["", f"--- {module.path}", module.source.rstrip("\n")]
    click.echo("\n".join(lines))
    return 0


@click.command("eject")
@click.argument("name", metavar="RULE|PACKAGE")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.pass_obj
def eject_command(ctx: CliContext, name: str, directory: Path | None) -> int:
    """Copy a built-in package (with its tests and fixtures) into DIRECTORY (default: the first
    of policy.paths, usually policies/), where it replaces the built-in package."""
    from govctl.policy.eject import eject, plan_eject

    root = ctx.root()
    config = ctx.config()
    bundle = load_policies(root, config)
    default = config.policy.paths[0] if config.policy.paths else "policies"
    target = directory if directory is not None else root / default
    target = target if target.is_absolute() else Path.cwd() / target
    plan = plan_eject(bundle, name, target.resolve(), root)
    written = eject(plan)
    for file in written:
        click.echo(f"wrote {_shown(file, root)}")
    loaded_from = [(root / p).resolve() for p in config.policy.paths]
    if not any(target.resolve().is_relative_to(p) for p in loaded_from):
        click.echo(
            f"note: {_shown(target, root)} is not under policy.paths in govctl.yaml; add it there "
            "so the copy replaces the built-in package",
            err=True,
        )
    click.echo(
        f"package {plan.package} ({', '.join(plan.rules)}) now comes from the repository; "
        "edit it, then run `govctl policy test`"
    )
    return 0


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


@click.command("lint")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def lint_command(ctx: CliContext, fmt: str) -> int:
    """Flag policies govctl refuses to evaluate (GL100) and constructs the embedded engine
    evaluates differently from OPA; exit 1 if any."""
    from govctl.policy.lint import lint_modules, problem_issues

    bundle = load_policies(ctx.root(), ctx.config(), lenient=True)
    modules = [*bundle.modules, *bundle.tests]
    issues = sorted({*lint_modules(modules), *problem_issues(policy_problems(modules))})
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
            click.echo(
                inline(f"{issue.file}:{issue.line}:{issue.column}: {issue.code} {issue.message}")
            )
        click.echo(f"{len(issues)} issue{'s' if len(issues) != 1 else ''}")
    return EXIT_FINDINGS if issues else EXIT_CLEAN


for _command in (test_command, list_command, show_command, eject_command, lint_command):
    policy_group.add_command(_command)
