"""The impact report as the Markdown a compliance officer reads on the pull request.

Layout: a one-line verdict (risk, approvals needed), the reasons, approvals, changed artifacts
(field, before → after), the word-level differences of changed long texts (prompt messages,
descriptions …: ``render_worddiff``), affected deployments (path, cost), the findings delta and a
Mermaid graph of changed artifacts → affected deployments (``render_graph``). Values are shown as
written, not as JSON; short values as before → after, long text as a word diff (the JSON report
has everything). Beyond ``ROWS_SHOWN`` rows a table continues in a collapsed ``<details>`` block;
beyond ``ROWS_MAX`` rows it stops and says how many it left out, which keeps the comment well
under GitHub's 65,536-character limit. Affected deployments are listed by exposure: prod, then
staging, user-facing first.

Every piece of data goes through ``govctl.markdown_escape``: references (``eu-*``,
``support-reply@2.3.0``) are code spans, so GitHub renders no emphasis and no ``mailto:`` link
from them. A finding's location links to the file at the head commit when the caller passes
``SourceLinks``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from govctl.findings import Finding
from govctl.impact.affected import AffectedDeployment
from govctl.impact.changes import ArtifactChange
from govctl.impact.predicates import show
from govctl.impact.render_graph import graph, mermaid_label
from govctl.impact.render_worddiff import as_markdown, counts, is_long, word_diff
from govctl.impact.report import ImpactReport
from govctl.markdown_escape import md_cell, md_code, md_text
from govctl.source_links import SourceLinks

ROWS_SHOWN = 10
ROWS_MAX = 150
VALUE_CHARS = 80
DIFF_OPEN_CHARS = 600  # a word diff longer than this is collapsed in <details>
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
    """Data as a GFM table cell: one line, references in code spans, punctuation escaped."""
    return md_cell(" ".join(text.split()))


def code(text: str) -> str:
    """Inline code in a table cell; the fence grows when the text holds backticks."""
    return md_code(text, table=True)


def value(raw: Any) -> str:
    if raw is None:
        return "—"
    text = " ".join(show(raw).split())
    if len(text) > VALUE_CHARS:
        text = text[: VALUE_CHARS - 1] + "…"
    return code(text)


__all__ = ["cell", "code", "mermaid_label", "render", "table", "value"]


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
    gained = [code(v) for v in new if v not in old]
    lost = [code(v) for v in old if v not in new]
    if gained:
        parts.append("added: " + ", ".join(gained))
    if lost:
        parts.append("removed: " + ", ".join(lost))
    return f"<br>({'; '.join(parts)})" if parts else ""


def change_rows(changes: Sequence[ArtifactChange]) -> list[list[str]]:
    rows = []
    for change in changes:
        name, label = code(change.identity), _change_label(change)
        if not change.fields:
            rows.append([name, label, "—", "", ""])
            continue
        for index, field in enumerate(change.fields):
            first = index == 0
            if is_long(field.before, field.after):
                removed, added = counts(word_diff(field.before, field.after))
                after = f"text changed (−{removed} +{added} words): see Text changes"
            else:
                after = value(field.after) + list_delta(field.before, field.after)
            rows.append(
                [
                    name if first else "",
                    label if first else "",
                    code(field.path),
                    value(field.before),
                    after,
                ]
            )
    return rows


def text_changes(changes: Sequence[ArtifactChange]) -> list[str]:
    """A word diff per changed long text; collapsed when long, or when there are many."""
    found = [
        (change.identity, field)
        for change in changes
        for field in change.fields
        if is_long(field.before, field.after)
    ]
    out: list[str] = []
    for identity, field in found[:ROWS_MAX]:
        runs = word_diff(field.before, field.after)
        removed, added = counts(runs)
        body = as_markdown(runs) or "(only white space changed)"
        if len(body) > DIFF_OPEN_CHARS or len(found) > ROWS_SHOWN:
            summary = (
                f"<code>{html.escape(identity)}</code> <code>{html.escape(field.path)}</code> "
                f"(−{removed} +{added} words)"
            )
            out += ["<details>", f"<summary>{summary}</summary>", "", body, "", "</details>", ""]
        else:
            title = f"{md_code(identity)} {md_code(field.path)} (−{removed} +{added} words)"
            out += [title, "", f"> {body}", ""]
    if len(found) > ROWS_MAX:
        out += [f"{len(found) - ROWS_MAX} more text changes not shown: see the JSON report.", ""]
    return out[:-1]


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


def _where(finding: Finding, links: SourceLinks | None) -> str:
    """Artifact and field, then ``file:line`` (linked at the head commit when possible)."""
    what = " ".join(code(x) for x in (finding.ref, finding.path) if x)
    if not finding.file:
        return what
    spot = code(f"{finding.file}:{finding.line}" if finding.line else finding.file)
    if links is not None:
        spot = f"[{spot}]({links.url(finding.file, finding.line)})"
    return f"{what}<br>{spot}" if what else spot


def finding_rows(findings: Sequence[Finding], links: SourceLinks | None = None) -> list[list[str]]:
    """Three columns (rule and severity, where, message), so the message keeps the width."""
    return [
        [
            f"{code(f.rule)} {f.severity}" + (" (waived)" if f.waived else ""),
            _where(f, links),
            cell(f.message),
        ]
        for f in findings
    ]


# --- the document ------------------------------------------------------------------------------


def verdict(report: ImpactReport) -> str:
    level = report.risk.level
    roles = ", ".join(f"**{md_text(a.role)}**" for a in report.approvals) or "none"
    return f"### {ICONS[level]} Risk: {level.upper()} · approvals needed: {roles}"


def summary(report: ImpactReport) -> str:
    base = f"{md_code(report.base.ref)} ({(report.base.sha or '')[:7]})"
    if report.head_is_worktree:
        head = f"work tree at {(report.head.sha or 'no commit')[:7]}"
        head += " with uncommitted changes" if report.uncommitted else ""
    else:
        head = f"{md_code(report.head.ref)} ({(report.head.sha or '')[:7]})"
    delta = report.findings
    return (
        f"{base} → {head}: {len(report.changes)} artifact(s) changed, "
        f"{len(report.affected)} deployment(s) affected; findings "
        f"+{len(delta.introduced)} introduced, −{len(delta.resolved)} resolved, "
        f"{delta.unchanged} unchanged."
    )


def _reasons(report: ImpactReport) -> list[str]:
    items = [f"- {md_text(r)}" for r in report.risk.reasons]
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


def render(report: ImpactReport, links: SourceLinks | None = None) -> str:
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
        diffs = text_changes(report.changes)
        if diffs:
            out += ["", "#### Text changes", "", *diffs]
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
    header = ["Rule", "Where", "Message"]
    if delta.introduced:
        out += [
            f"**Introduced ({len(delta.introduced)})**",
            "",
            *table(header, finding_rows(delta.introduced, links), "introduced findings"),
            "",
        ]
    if delta.resolved:
        out += [
            f"**Resolved ({len(delta.resolved)})**",
            "",
            *table(header, finding_rows(delta.resolved, links), "resolved findings"),
            "",
        ]
    out.append(f"{delta.unchanged} finding(s) unchanged.")
    picture = graph(report, by_exposure(report))
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
