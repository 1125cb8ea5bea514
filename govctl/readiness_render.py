"""Readiness scorecards (``govctl readiness``) as text and Markdown.

Both start with one compact table of every selected deployment — one row per deployment, one
column per production component, each cell the baseline and the full stage — and then give the
detail per deployment (the findings behind failing or waived cells).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from govctl.escape import safe_json
from govctl.markdown_escape import md_cell, md_code, md_table
from govctl.output.text import one_line
from govctl.reports import COMPONENTS, STAGES, Scorecard

MARK = {"pass": "pass", "fail": "FAIL", "waived": "waived", "not evaluated": "-"}
# One character per stage in the compact table: baseline then full.
SHORT = {"pass": "+", "fail": "X", "waived": "w", "not evaluated": "."}
ABBREVIATION = {
    "evaluation": "eval",
    "guardrails": "guard",
    "monitoring": "monit",
    "cost": "cost",
    "latency": "laten",
    "scaling": "scale",
    "model strategy": "model",
    "security": "secur",
    "reliability": "relia",
    "human oversight": "human",
    "data": "data",
}
LEGEND = "each cell: baseline, full — + pass, X fail, w waived, . not evaluated"


def _statuses(card: Scorecard) -> dict[tuple[str, str], str]:
    return {(c.component, c.stage): c.status for c in card.cells}


def _overview_text(cards: Sequence[Scorecard]) -> list[str]:
    name_w = max(len("deployment"), *(len(c.deployment) for c in cards))
    env_w = max(len("env"), *(len(c.environment) for c in cards))
    head = [ABBREVIATION[c] for c in COMPONENTS]
    lines = [
        f"{'deployment'.ljust(name_w)}  {'env'.ljust(env_w)}  ready  "
        + "  ".join(h.ljust(5) for h in head).rstrip()
    ]
    for card in cards:
        status = _statuses(card)
        cells = ["".join(SHORT[status[(comp, s)]] for s in STAGES).ljust(5) for comp in COMPONENTS]
        name, env = one_line(card.deployment), one_line(card.environment)
        ready = "yes" if card.ready else "no"
        lines.append(
            f"{name.ljust(name_w)}  {env.ljust(env_w)}  {ready.ljust(5)}  "
            + "  ".join(cells).rstrip()
        )
    return [*lines, f"({LEGEND})"]


def _detail_text(card: Scorecard) -> list[str]:
    verdict = "READY to go live" if card.ready else "NOT READY (a baseline cell fails)"
    out = [f"{one_line(card.deployment)} ({one_line(card.environment)}): {verdict}"]
    out.append(f"  {'component':17} {'baseline':9} full")
    status = _statuses(card)
    for component in COMPONENTS:
        row = [MARK[status[(component, s)]] for s in STAGES]
        out.append(f"  {component:17} {row[0]:9} {row[1]}")
    for cell in card.cells:
        for finding in cell.findings:
            out.append(f"    {cell.component}/{cell.stage}: {one_line(finding)}")
    return out


def readiness_text(cards: Sequence[Scorecard]) -> str:
    out: list[str] = []
    if len(cards) > 1:
        out += [*_overview_text(cards), ""]
    for card in cards:
        out += [*_detail_text(card), ""]
    ready = sum(c.ready for c in cards)
    out.append(f"{ready} of {len(cards)} deployments ready to go live")
    return "\n".join(out) + "\n"


def readiness_markdown(cards: Sequence[Scorecard]) -> str:
    header = ["Deployment", "Env", "Ready", *COMPONENTS]
    rows = []
    for card in cards:
        status = _statuses(card)
        marks = [
            " / ".join(
                MARK[status[(comp, s)]] if status[(comp, s)] != "not evaluated" else "—"
                for s in STAGES
            )
            for comp in COMPONENTS
        ]
        ready = "yes" if card.ready else "**no**"
        rows.append(
            [md_code(card.deployment, table=True), md_cell(card.environment), ready, *marks]
        )
    out = [*md_table(header, rows), "", "Each cell: baseline / full stage."]
    details = []
    for card in cards:
        items = [
            f"- {md_cell(cell.component)} ({cell.stage}): {md_cell(finding)}"
            for cell in card.cells
            for finding in cell.findings
        ]
        if items:
            details += ["", f"**{md_code(card.deployment)}**", "", *items]
    return "\n".join(out + details) + "\n"


def readiness(cards: Sequence[Scorecard], fmt: str) -> str:
    """``govctl readiness`` in ``fmt`` (text, json or markdown)."""
    if fmt == "json":
        data = [c.as_json() for c in cards]
        return safe_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    if fmt == "markdown":
        return readiness_markdown(cards)
    return readiness_text(cards)
