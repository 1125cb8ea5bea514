"""The ``markdown`` format: a pull-request comment (GitHub-flavoured Markdown).

A hidden marker (so a CI job can find and update its own comment), a verdict and counts line, a
table of live findings in the result's order (three columns, so the message keeps most of the
width: rule with its severity, location, message), the remediation of each rule that appears, and
the waived findings in a collapsed ``<details>``. A location links to the file at the commit when
the caller passes ``SourceLinks`` (GitHub Actions), and is plain text otherwise.

Bounded for GitHub's 65,536-character comment limit: the first ``max_rows`` findings are shown,
the next ``max_collapsed`` go into a collapsed section, the rest are counted, not listed; each
message is cut at ``MESSAGE_LIMIT`` characters and the tables stop at ``max_chars``.

Every piece of data goes through ``govctl.markdown_escape`` (references in code spans,
other Markdown punctuation escaped, control and bidi characters shown as escapes), so nothing
from the registry renders as emphasis, a link or HTML. The same result always renders the same
text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from govctl.check import CheckResult
from govctl.findings import Finding
from govctl.markdown_escape import md_cell, md_code
from govctl.output.text import (
    counts_phrase,
    engine_phrase,
    location,
    one_line,
    passed,
    plural,
    remediation,
    rule_title,
)
from govctl.source_links import SourceLinks

MARKER = "<!-- govctl:check -->"
MAX_ROWS = 50
MAX_COLLAPSED = 200
MAX_CHARS = 50_000
MESSAGE_LIMIT = 300
HEADER = ("Rule", "Location", "Message")


def cell(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Free text as the content of one table cell."""
    return md_cell(text, limit)


def code(text: str) -> str:
    """``text`` as an inline code span that survives a table cell."""
    return md_code(text, table=True)


def linked_location(finding: Finding, links: SourceLinks | None) -> str:
    """``file:line:column`` in a code span, linked to the file at the commit when possible."""
    shown = code(location(finding))
    if links is None or finding.file is None:
        return shown
    return f"[{shown}]({links.url(finding.file, finding.line)})"


def _row(finding: Finding, waiver: bool, links: SourceLinks | None) -> str:
    cells = [
        f"{code(finding.rule)} {finding.severity}",
        linked_location(finding, links),
        cell(finding.message),
    ]
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
    findings: Sequence[Finding],
    budget: _Budget,
    links: SourceLinks | None,
    waiver: bool = False,
) -> tuple[list[str], int]:
    """Table lines for as many findings as the budget allows, and how many made it."""
    header = (*HEADER, "Waiver") if waiver else HEADER
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    shown = 0
    for finding in findings:
        row = _row(finding, waiver, links)
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


def _live(
    findings: Sequence[Finding],
    rows: int,
    collapsed: int,
    budget: _Budget,
    links: SourceLinks | None,
) -> list[str]:
    if not findings:
        return ["No findings."]
    visible, shown = _table(findings[:rows], budget, links)
    out = visible
    rest = findings[shown:]
    if rest and shown == min(rows, len(findings)):
        more, extra = _table(rest[:collapsed], budget, links)
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


def _waived(
    findings: Sequence[Finding], budget: _Budget, limit: int, links: SourceLinks | None
) -> list[str]:
    if not findings:
        return []
    table, shown = _table(findings[:limit], budget, links, waiver=True)
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
    links: SourceLinks | None = None,
) -> str:
    live = [f for f in result.findings if not f.waived]
    waived = [f for f in result.findings if f.waived]
    budget = _Budget(max_chars)
    sections = [
        _headline(result),
        _live(live, max_rows, max_collapsed, budget, links),
        _fixes(result, live),
        _waived(waived, budget, max_rows + max_collapsed, links),
    ]
    return "\n\n".join("\n".join(s) for s in sections if s) + "\n"
