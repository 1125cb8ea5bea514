"""The ``junit``format (placeholder: being written)."""

from __future__ import annotations

from govctl.check import CheckResult


def render(result: CheckResult) -> str:
    lines = [
        f"{x.file}:{x.line}:{x.column}: {x.severity} {x.rule} {x.message}" for x in result.findings
    ]
    s = result.summary
    lines.append(f"{s.artifacts} artifacts: {s.errors} errors, {s.warnings} warnings, {s.waived} waived")
    return "\n".join(lines) + "\n"
