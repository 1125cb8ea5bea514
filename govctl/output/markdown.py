"""The ``markdown`` format: a pull-request comment (GitHub-flavoured Markdown).

A hidden marker (so a CI job can find and update its own comment), a verdict and counts line, a
table of live findings (location, rule, severity, message; no links) in the result's order, the
remediation of each rule that appears, and the waived findings in a collapsed ``<details>``.

Bounded for GitHub's 65,536-character comment limit: the first ``max_rows`` findings are shown,
the next ``max_collapsed`` go into a collapsed section, the rest are counted, not listed; each
message is cut at ``MESSAGE_LIMIT`` characters and the tables stop at ``max_chars``.

Cells are escaped: ``|`` and Markdown/HTML punctuation get a backslash (GFM tables honour ``\\|``
even inside code spans), line breaks become ``<br>``, control and bidi characters are shown as
escapes. The same result always renders the same text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from govctl.check import CheckResult
from govctl.findings import Finding
from govctl.output.text import (
    counts_phrase,
    engine_phrase,
    location,
    one_line,
    passed,
    plural,
    printable,
    remediation,
    rule_title,
)

MARKER = "<!-- govctl:check -->"
MAX_ROWS = 50
MAX_COLLAPSED = 200
MAX_CHARS = 50_000
MESSAGE_LIMIT = 300
HEADER = ("Location", "Rule", "Severity", "Message")
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def cell(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Free text as the content of one table cell."""
    text = printable(text).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _SPECIAL.sub(r"\\\1", text).replace("\n", "<br>")


def code(text: str) -> str:
    """``text`` as an inline code span that survives a table cell."""
    text = one_line(text).replace("|", "\\|")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _row(finding: Finding, waiver: bool) -> str:
    cells = [code(location(finding)), code(finding.rule), finding.severity, cell(finding.message)]
    if waiver:
        cells.append(code(finding.waiver or ""))
    return "| " + " | ".join(cells) + " |"


@dataclass
class _Budget:
    chars: int

    def take(self, line: str) -> bool:
        if len(line) + 1 > self.chars:
            return False
        self.chars -= len(line) + 1
        return True


def _table(
    findings: Sequence[Finding], budget: _Budget, waiver: bool = False
) -> tuple[list[str], int]:
    """Table lines for as many findings as the budget allows, and how many made it."""
    header = (*HEADER, "Waiver") if waiver else HEADER
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    shown = 0
    for finding in findings:
        row = _row(finding, waiver)
        if not budget.take(row):
            break
        lines.append(row)
        shown += 1
    return (lines if shown else []), shown


def _details(summary: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>"]


def _headline(result: CheckResult) -> list[str]:
    verdict = "✅ **govctl check passed**" if passed(result) else "❌ **govctl check failed**"
    facts = (
        f"{counts_phrase(result)} in {plural(result.summary.artifacts, 'artifact')} · "
        f"{cell(engine_phrase(result))} · fail-on `{result.fail_on}`"
    )
    return [MARKER, f"### {verdict}", "", facts]


def _live(findings: Sequence[Finding], rows: int, collapsed: int, budget: _Budget) -> list[str]:
    if not findings:
        return ["No findings."]
    visible, shown = _table(findings[:rows], budget)
    out = visible
    rest = findings[shown:]
    if rest and shown == min(rows, len(findings)):
        more, extra = _table(rest[:collapsed], budget)
        if extra:
            out += ["", *_details(f"{plural(extra, 'more finding')}", more)]
        rest = rest[extra:]
    if rest:
        out += [
            "",
            f"… and {plural(len(rest), 'more finding')} not listed here: run "
            "`govctl check` (or `--format json`/`sarif`) for all of them.",
        ]
    return out


def _clip(text: str, limit: int) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fixes(result: CheckResult, findings: Sequence[Finding]) -> list[str]:
    # Titles and remediations are written by policy authors and may use Markdown (`code`): kept
    # as Markdown, on one line each.
    rules = list(dict.fromkeys(f.rule for f in findings))
    items = [
        f"- {code(rule)} {_clip(rule_title(result, rule), 200)}: "
        f"{_clip(remediation(result, rule), 1000)}"
        for rule in rules
        if remediation(result, rule)
    ]
    return _details(f"How to fix ({plural(len(items), 'rule')})", items) if items else []


def _waived(findings: Sequence[Finding], budget: _Budget, limit: int) -> list[str]:
    if not findings:
        return []
    table, shown = _table(findings[:limit], budget, waiver=True)
    body = table
    if shown < len(findings):
        left = plural(len(findings) - shown, "more waived finding")
        body += ["", f"… and {left} not listed here."]
    return _details(f"Waived findings ({len(findings)})", body)


def render(
    result: CheckResult,
    max_rows: int = MAX_ROWS,
    max_collapsed: int = MAX_COLLAPSED,
    max_chars: int = MAX_CHARS,
) -> str:
    live = [f for f in result.findings if not f.waived]
    waived = [f for f in result.findings if f.waived]
    budget = _Budget(max_chars)
    sections = [
        _headline(result),
        _live(live, max_rows, max_collapsed, budget),
        _fixes(result, live),
        _waived(waived, budget, max_rows + max_collapsed),
    ]
    return "\n\n".join("\n".join(s) for s in sections if s) + "\n"
