"""The impact report as the Markdown a compliance officer reads on the pull request.

Layout: a one-line verdict (risk, approvals needed), the reasons, approvals, changed artifacts
(field, before → after), affected deployments (path, cost), the findings delta and a Mermaid graph
of changed artifacts → affected deployments. Values are shown as written, not as JSON; long text
is cut (the JSON report has everything). Beyond ``ROWS_SHOWN`` rows a table continues in a
collapsed ``<details>`` block; beyond ``ROWS_MAX`` rows it stops and says how many it left out,
which keeps the comment well under GitHub's 65,536-character limit. Affected deployments are
listed by exposure: prod, then staging, user-facing first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from govctl.escape import one_line
from govctl.findings import Finding
from govctl.impact.affected import AffectedDeployment
from govctl.impact.changes import ArtifactChange
from govctl.impact.predicates import show
from govctl.impact.report import ImpactReport

ROWS_SHOWN = 10
ROWS_MAX = 150
VALUE_CHARS = 80
GRAPH_EDGES_MAX = 60
ICONS = {"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "🟢"}
LABELS = {
    "added": "added",
    "removed": "removed",
    "renamed": "moved to another file",
    "modified.spec": "spec changed",
    "modified.metadata": "metadata changed",
    "guardrail.weakened": "**guardrail weakened**",
    "residency.widened": "**residency widened**",
    "eval.threshold_lowered": "**eval threshold lowered**",
    "prompt.released_version_mutated": "**released prompt edited**",
    "model.status_changed": "model status changed",
    "deployment.prompt_changed": "prompt changed",
    "deployment.model_changed": "model changed",
    "deployment.fallbacks_changed": "fallbacks changed",
    "deployment.environment_changed": "environment changed",
    "deployment.guardrails_changed": "guardrails changed",
    "eval.dataset_changed": "eval dataset changed",
}


# --- escaping ----------------------------------------------------------------------------------


def cell(text: str) -> str:
    """Plain text safe in a GitHub table cell: no pipes, no HTML, no line breaks."""
    text = one_line(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|")


def code(text: str) -> str:
    """Inline code in a table cell; the fence grows when the text holds backticks."""
    text = one_line(text).replace("|", "\\|")
    if not text:
        return ""
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def value(raw: Any) -> str:
    if raw is None:
        return "—"
    text = one_line(show(raw))
    if len(text) > VALUE_CHARS:
        text = text[: VALUE_CHARS - 1] + "…"
    return code(text)


def mermaid_label(text: str) -> str:
    """A quoted Mermaid node label: ``/``, ``@`` and ``.`` are safe inside quotes; quotes and
    angle brackets are written as Mermaid entity codes."""
    return (
        one_line(text)
        .replace("#", "#35;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
    )


# --- tables ------------------------------------------------------------------------------------


def table(header: Sequence[str], rows: Sequence[Sequence[str]], what: str) -> list[str]:
    def block(part: Sequence[Sequence[str]]) -> list[str]:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return lines + ["| " + " | ".join(row) + " |" for row in part]

    out = block(rows[:ROWS_SHOWN])
    rest = list(rows[ROWS_SHOWN:ROWS_MAX])
    if rest:
        out += [
            "",
            f"<details><summary>{len(rest)} more {what}</summary>",
            "",
            *block(rest),
            "",
            "</details>",
        ]
    if len(rows) > ROWS_MAX:
        out += ["", f"_{len(rows) - ROWS_MAX} more {what} not shown: see the JSON report._"]
    return out


def _change_label(change: ArtifactChange) -> str:
    quiet = ("modified.spec", "modified.metadata")
    shown = [LABELS.get(p, p) for p in change.predicates if p not in quiet]
    if change.type == "modified" and not shown:
        shown = ["modified" if change.fields else "modified (list order or empty values only)"]
    if change.type == "renamed" and change.from_path:
        moved = f"moved from {code(change.from_path)}"
        shown = [moved if p == LABELS["renamed"] else p for p in shown]
    return ", ".join(shown)


def list_delta(before: Any, after: Any) -> str:
    """``(added: us-*; removed: eu-*)`` for two lists of scalars, so nobody diffs by eye."""
    if not (isinstance(before, list) and isinstance(after, list)):
        return ""
    old, new = [show(v) for v in before], [show(v) for v in after]
    parts = []
    gained = [v for v in new if v not in old]
    lost = [v for v in old if v not in new]
    if gained:
        parts.append("added: " + ", ".join(gained))
    if lost:
        parts.append("removed: " + ", ".join(lost))
    return f"<br>({cell('; '.join(parts))})" if parts else ""


def change_rows(changes: Sequence[ArtifactChange]) -> list[list[str]]:
    rows = []
    for change in changes:
        name, label = code(change.identity), _change_label(change)
        if not change.fields:
            rows.append([name, label, "—", "", ""])
            continue
        for index, field in enumerate(change.fields):
            first = index == 0
            rows.append(
                [
                    name if first else "",
                    label if first else "",
                    code(field.path),
                    value(field.before),
                    value(field.after) + list_delta(field.before, field.after),
                ]
            )
    return rows


def _money(amount: float | None, currency: str) -> str:
    if amount is None:
        return "—"
    prefix = "$" if currency == "USD" else f"{currency} "
    return f"{prefix}{amount:,.2f}"


def by_exposure(report: ImpactReport) -> list[AffectedDeployment]:
    """Prod first, then staging, then the rest; user-facing before internal; then by name."""
    order = {"prod": 0, "staging": 1}
    return sorted(
        report.affected,
        key=lambda a: (order.get(a.info.environment or "", 2), not a.info.user_facing, a.identity),
    )


def affected_rows(report: ImpactReport) -> list[list[str]]:
    costs = {c.identity: c for c in report.cost}
    rows = []
    for item in by_exposure(report):
        cost = costs.get(item.identity)
        money = "—"
        if cost is not None:
            money = f"{_money(cost.before, cost.currency)} → {_money(cost.after, cost.currency)}"
        facing = "yes" if item.info.user_facing else "no"
        path = " → ".join(code(step) for step in item.via)
        rows.append([code(item.identity), cell(item.info.environment or "—"), facing, path, money])
    return rows


def finding_rows(findings: Sequence[Finding]) -> list[list[str]]:
    rows = []
    for f in findings:
        where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "")
        severity = f.severity + (" (waived)" if f.waived else "")
        rows.append(
            [
                cell(severity),
                code(f.rule),
                code(f.ref or ""),
                code(f.path) if f.path else "",
                code(where) if where else "",
                cell(f.message),
            ]
        )
    return rows


# --- graph -------------------------------------------------------------------------------------


def _path_edges(report: ImpactReport) -> dict[tuple[str, str], None]:
    return {
        edge: None for item in by_exposure(report) for path in item.paths for edge in pairwise(path)
    }


def graph(report: ImpactReport) -> list[str]:
    edges = _path_edges(report)
    total = len(edges)
    if not edges:
        return []
    if total > GRAPH_EDGES_MAX:  # too many for a readable picture: changed → deployment only
        edges = {}
        for item in by_exposure(report):
            for changed in item.changed:
                if changed != item.identity:
                    edges[(changed, item.identity)] = None
        edges = dict(list(edges.items())[:GRAPH_EDGES_MAX])
    nodes = list(dict.fromkeys(n for edge in edges for n in edge))
    ids = {node: f"n{i}" for i, node in enumerate(nodes)}
    changed_ids = {c.identity for c in report.changes}
    environments = {a.identity: a.info.environment for a in report.affected}
    lines = ["```mermaid", "flowchart LR"]
    for node in nodes:
        label = node if node not in environments else f"{node} ({environments[node] or '?'})"
        style = ":::deployment" if node in environments else ""
        style = ":::changed" if node in changed_ids else style
        lines.append(f'  {ids[node]}["{mermaid_label(label)}"]{style}')
    lines += [f"  {ids[a]} --> {ids[b]}" for a, b in edges]
    lines += [
        "  classDef changed fill:#fde2e1,stroke:#b42318,color:#000",
        "  classDef deployment fill:#e0ecff,stroke:#1d4ed8,color:#000",
        "```",
    ]
    if total > GRAPH_EDGES_MAX:
        lines.append(f"_Reduced to changed artifact → deployment edges ({total} edges in full)._")
    return lines


# --- the document ------------------------------------------------------------------------------


def verdict(report: ImpactReport) -> str:
    level = report.risk.level
    roles = ", ".join(f"**{a.role}**" for a in report.approvals) or "none"
    return f"### {ICONS[level]} Risk: {level.upper()} · approvals needed: {roles}"


def summary(report: ImpactReport) -> str:
    base = f"`{report.base.ref}` ({(report.base.sha or '')[:7]})"
    if report.head_is_worktree:
        head = f"work tree at {(report.head.sha or 'no commit')[:7]}"
        head += " with uncommitted changes" if report.uncommitted else ""
    else:
        head = f"`{report.head.ref}` ({(report.head.sha or '')[:7]})"
    delta = report.findings
    return (
        f"{base} → {head}: {len(report.changes)} artifact(s) changed, "
        f"{len(report.affected)} deployment(s) affected; findings "
        f"+{len(delta.introduced)} introduced, −{len(delta.resolved)} resolved, "
        f"{delta.unchanged} unchanged."
    )


def _reasons(report: ImpactReport) -> list[str]:
    items = [f"- {cell(r)}" for r in report.risk.reasons]
    if len(items) <= ROWS_SHOWN:
        return items
    rest = items[ROWS_SHOWN:ROWS_MAX]
    return [
        *items[:ROWS_SHOWN],
        "",
        f"<details><summary>{len(rest)} more reasons</summary>",
        "",
        *rest,
        "",
        "</details>",
    ]


def render(report: ImpactReport) -> str:
    out = [verdict(report), "", summary(report), "", "**Why**", "", *_reasons(report)]
    if report.approvals:
        rows = [
            [f"**{cell(a.role)}**", "<br>".join(cell(r) for r in a.reasons)]
            for a in report.approvals
        ]
        out += ["", "#### Required approvals", "", *table(["Role", "Because"], rows, "approvals")]
    if report.changes:
        header = ["Artifact", "Change", "Field", "Before", "After"]
        out += [
            "",
            f"#### Changed artifacts ({len(report.changes)})",
            "",
            *table(header, change_rows(report.changes), "changed fields"),
        ]
    if report.config_fields:
        rows = [[code(f.path), value(f.before), value(f.after)] for f in report.config_fields]
        header = ["Setting", "Before", "After"]
        out += ["", "#### govctl.yaml", "", *table(header, rows, "settings")]
    if report.affected:
        header = ["Deployment", "Environment", "User-facing", "Reached through", "Monthly cost"]
        out += [
            "",
            f"#### Affected deployments ({len(report.affected)})",
            "",
            *table(header, affected_rows(report), "deployments"),
        ]
    out += ["", "#### Findings", ""]
    delta = report.findings
    header = ["Severity", "Rule", "Artifact", "Field", "Location", "Message"]
    if delta.introduced:
        out += [
            f"**Introduced ({len(delta.introduced)})**",
            "",
            *table(header, finding_rows(delta.introduced), "introduced findings"),
            "",
        ]
    if delta.resolved:
        out += [
            f"**Resolved ({len(delta.resolved)})**",
            "",
            *table(header, finding_rows(delta.resolved), "resolved findings"),
            "",
        ]
    out.append(f"{delta.unchanged} finding(s) unchanged.")
    picture = graph(report)
    if picture:
        title = "Changed artifacts → affected deployments"
        if len(report.affected) > ROWS_SHOWN:
            out += ["", f"<details><summary>{title}</summary>", "", *picture, "", "</details>"]
        else:
            out += ["", f"#### {title}", "", *picture]
    out += [
        "",
        f"<sub>govctl impact · now {report.now} · engine {report.engine} "
        f"{report.engine_version}</sub>",
        "",
    ]
    return "\n".join(out)
