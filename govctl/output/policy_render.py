"""What ``govctl policy test | list | show | eject | lint`` print, from ``govctl.api_policy``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govctl.escape import inline, one_line, safe_json
from govctl.markdown_escape import md_cell, md_code, md_table
from govctl.policy.parameters import EffectiveParameter
from govctl.rules import RuleMeta

if TYPE_CHECKING:
    from collections.abc import Sequence

    from govctl.policy.lint import LintIssue
    from govctl.policy.rule_listing import RuleListing, RuleView
    from govctl.policy.testing import PolicyTestReport

LIST_HEADER = ["id", "severity", "component", "stage", "waivable", "title", "controls"]


def unit_tests_text(report: PolicyTestReport, verbose: bool) -> str:
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


def unit_tests_json(report: PolicyTestReport) -> str:
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
    return json.dumps(data, indent=2) + "\n"


def row(rule: RuleMeta, severity: str | None = None) -> list[str]:
    """A plain-text row; ids, titles and controls come from the METADATA of a repository's
    own policies, so every cell is made one printable line."""
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


def md_row(rule: RuleMeta, severity: str | None = None) -> list[str]:
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


def listing(result: RuleListing, fmt: str) -> str:
    if fmt == "json":
        data = [
            {
                **r.as_json(),
                "severity": result.level(r),
                "disabled": r.id in result.disabled,
                "overriddenBy": result.overridden_by.get(r.id),
                "parameters": {
                    n: _parameter_json(p) for n, p in sorted(result.parameters[r.id].items())
                },
            }
            for r in result.rules
        ]
        return safe_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    if fmt == "markdown":
        rows = [md_row(rule, result.severity.get(rule.id)) for rule in result.rules]
        return "\n".join(md_table(LIST_HEADER, rows)) + "\n"
    lines = []
    for rule in result.rules:
        flag = " (disabled)" if rule.id in result.disabled else ""
        rule_id, _, component, stage, _, title, controls = row(rule)
        level = result.level(rule)
        if level != rule.severity:
            flag += f" (severity {rule.severity} → {level} in govctl.yaml)"
        lines.append(f"{rule_id:12} {level:7} {component:16} {stage:8} {title}{flag}")
        if rule.controls:
            lines.append(f"{'':12} controls: {controls}")
        for name, param in sorted(result.parameters[rule.id].items()):
            lines.append(f"{'':12} parameter {name} = {one_line(param.describe())}")
        replaced = result.overridden_by.get(rule.id)
        if replaced:
            lines.append(f"{'':12} overridden by {inline(replaced)}")
    lines.append(f"{len(result.rules)} rules")
    return "\n".join(lines) + "\n"


def show(view: RuleView) -> str:
    rule, level = view.rule, view.level
    lines = [
        f"{rule.id}: {rule.title}",
        f"severity:    {level}"
        + (f" (declared {rule.severity})" if level != rule.severity else ""),
        f"waivable:    {'yes' if rule.waivable else 'no'}",
        f"component:   {rule.component} · stage {rule.stage}",
        f"controls:    {', '.join(rule.controls) or '-'}",
        f"source:      {rule.source}",
    ]
    if view.overridden_by:
        lines.append(f"overrides:   the built-in package {rule.package} ({view.overridden_by})")
    if rule.description:
        lines += ["", rule.description]
    if rule.remediation:
        lines += ["", f"remediation: {rule.remediation}"]
    if view.parameters:
        lines += ["", "parameters (govctl.yaml policy.parameters):"]
        for name, param in sorted(view.parameters.items()):
            scopes = ", ".join(param.spec.scopes) or "global only"
            lines.append(f"  {name} = {param.describe()}")
            lines.append(f"      {param.spec.type}; varies by {scopes}: {param.spec.description}")
    if view.module is not None:
        lines += ["", f"--- {view.module.path}", view.module.source.rstrip("\n")]
    return "\n".join(lines) + "\n"


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def eject_files(written: Sequence[Path], root: Path) -> str:
    """stdout: each file written (repository-relative when inside it)."""
    return "".join(f"wrote {_shown(file, root)}\n" for file in written)


def eject_summary(package: str, rules: Sequence[str]) -> str:
    return (
        f"package {package} ({', '.join(rules)}) now comes from the repository; "
        "edit it, then run `govctl policy test`\n"
    )


def eject_note(target: Path, root: Path) -> str:
    """stderr: the copy is not loaded until its folder is under policy.paths."""
    return (
        f"note: {_shown(target, root)} is not under policy.paths in govctl.yaml; add it "
        "there so the copy replaces the built-in package"
    )


def lint_text(issues: Sequence[LintIssue]) -> str:
    lines = [
        inline(f"{issue.file}:{issue.line}:{issue.column}: {issue.code} {issue.message}")
        for issue in issues
    ]
    count = len(issues)
    lines.append(f"{count} issue{'s' if count != 1 else ''}")
    return "\n".join(lines) + "\n"


def lint_json(issues: Sequence[LintIssue]) -> str:
    data = [
        {"file": i.file, "line": i.line, "column": i.column, "code": i.code, "message": i.message}
        for i in issues
    ]
    return json.dumps(data, indent=2) + "\n"
