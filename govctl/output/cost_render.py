"""What ``govctl cost`` prints (text, JSON, Markdown)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from govctl.escape import inline
from govctl.markdown_escape import md_cell, md_code, md_table, md_text
from govctl.reports import CostReport

if TYPE_CHECKING:
    from collections.abc import Sequence

COST_HEADER = ["model", "role", "currency", "x1", "x10", "x50", "x100", "note"]


def _money(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    """Aligned plain-text columns; numbers right-aligned."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    numeric = {3, 4, 5, 6}
    lines = []
    for row in [header, *rows]:
        cells = [
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


def _cost_rows(report: CostReport) -> list[list[str]]:
    rows = [
        [
            line.ref or "-",
            line.role,
            line.currency,
            *[_money(line.monthly.get(v)) for v in ("x1", "x10", "x50", "x100")],
            line.reason or "",
        ]
        for line in report.lines
    ]
    return [[inline(cell) for cell in row] for row in rows]


def cost(reports: Sequence[CostReport], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([r.as_json() for r in reports], indent=2) + "\n"
    out = []
    for report in reports:
        ceiling = _money(report.ceiling) if report.ceiling is not None else "none"
        flag = "  OVER CEILING" if report.over_ceiling else ""
        if fmt == "markdown":
            out.append(
                f"**{md_code(report.deployment)}** ({md_text(report.environment)}) — "
                f"monthly ceiling {ceiling} USD{flag}\n"
            )
            rows = [[md_cell(c) for c in row] for row in _cost_rows(report)]
            out.append("\n".join(md_table(COST_HEADER, rows)))
            out.append("")
        else:
            out.append(
                inline(
                    f"{report.deployment} ({report.environment}): monthly ceiling {ceiling} "
                    f"USD{flag}"
                )
            )
            out.append(_table(COST_HEADER, _cost_rows(report)))
    return "".join(line + "\n" for line in out)
