"""The impact report as plain text for a terminal.

Short changed values read ``before -> after``; changed long texts (prompt messages, descriptions)
read as a word diff in git's plain style, ``… at most [-150-]{+200+} words …`` (``⏎`` marks a
line break), so the edit itself is visible.
"""

from __future__ import annotations

import textwrap

from govctl.escape import inline_lines
from govctl.findings import Finding
from govctl.impact.diff import FieldChange
from govctl.impact.predicates import show
from govctl.impact.render_markdown import by_exposure, summary
from govctl.impact.render_worddiff import as_text, counts, is_long, word_diff
from govctl.impact.report import ImpactReport

VALUE_CHARS = 100


def _value(raw: object) -> str:
    text = " ".join(show(raw).split()) if raw is not None else "(absent)"
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _field(f: FieldChange, indent: str) -> list[str]:
    if not is_long(f.before, f.after):
        return [f"{indent}{f.path}: {_value(f.before)} -> {_value(f.after)}"]
    runs = word_diff(f.before, f.after)
    removed, added = counts(runs)
    return [
        f"{indent}{f.path}: text changed (-{removed} +{added} words):",
        f"{indent}  {as_text(runs)}",
    ]


def _finding(f: Finding) -> str:
    where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "-")
    waived = " (waived)" if f.waived else ""
    return f"  {f.severity}{waived} {f.rule} {f.ref or ''} {f.path} at {where}: {f.message}"


def _wrapped(lines: list[str], width: int | None) -> list[str]:
    """Each line wrapped at ``width`` on spaces, continuation lines indented under it."""
    if width is None:
        return lines
    out = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip(" ")))
        if len(line) <= width or width - len(indent) < 30:
            out.append(line)
            continue
        out += textwrap.wrap(
            line.strip(),
            width,
            initial_indent=indent,
            subsequent_indent=indent + "    ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    return out


def render(report: ImpactReport, width: int | None = None) -> str:
    """The report as text; with ``width``, long lines wrap at that many columns."""
    roles = ", ".join(a.role for a in report.approvals) or "none"
    out = [
        f"Risk: {report.risk.level.upper()}; approvals needed: {roles}",
        summary(report).replace("`", ""),
        "",
        "Why:",
    ]
    out += [f"  - {r}" for r in report.risk.reasons]
    if report.approvals:
        out += ["", "Required approvals:"]
        for approval in report.approvals:
            out += [f"  {approval.role}:"] + [f"    - {r}" for r in approval.reasons]
    if report.changes:
        out += ["", "Changed artifacts:"]
        for change in report.changes:
            out.append(f"  {change.type} {change.identity} ({change.path})")
            for name, reasons in change.reasons.items():
                if name not in ("added", "removed", "modified.spec", "modified.metadata"):
                    out += [f"      {name}: {r}" for r in reasons]
            out += [line for f in change.fields for line in _field(f, "      ")]
    if report.config_fields:
        out += ["", "govctl.yaml:"]
        out += [line for f in report.config_fields for line in _field(f, "  ")]
    if report.affected:
        costs = {c.identity: c for c in report.cost}
        out += ["", "Affected deployments:"]
        for item in by_exposure(report):
            cost = costs.get(item.identity)
            money = ""
            if cost is not None and (cost.before is not None or cost.after is not None):
                money = f"; monthly {show(cost.before)} -> {show(cost.after)} {cost.currency}"
            out.append(
                f"  {item.identity} [{item.info.environment or '-'}] via "
                f"{' -> '.join(item.via)}{money}"
            )
    delta = report.findings
    out += [
        "",
        f"Findings: {len(delta.introduced)} introduced, {len(delta.resolved)} resolved, "
        f"{delta.unchanged} unchanged",
    ]
    if delta.introduced:
        out += ["Introduced:"] + [_finding(f) for f in delta.introduced]
    if delta.resolved:
        out += ["Resolved:"] + [_finding(f) for f in delta.resolved]
    return inline_lines(_wrapped(out, width)) + "\n"
