"""The ``text`` format: for people at a terminal.

Findings are grouped by file in the order the result gives them (file, line, rule); each shows
``line:column``, severity, rule id, message and the rule's remediation, and a waived finding says
so and names its waiver. A closing line gives the counts, the engine and the verdict per
``--fail-on``. ANSI colour only when the caller asks (``color=True``: the CLI does so when it
writes to a terminal); the default is plain text, and the same result always renders the same.

The helpers under "Shared" are used by the other human-facing renderers too (github, junit,
markdown), so every format neutralises hostile text and words its verdict the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from govctl.check import CheckResult
from govctl.escape import inline
from govctl.escape import one_line as one_line  # re-exported for the other renderers
from govctl.escape import printable as printable  # re-exported for the other renderers
from govctl.findings import SEVERITY_RANK, Finding
from govctl.rules import RuleMeta

NO_FILE = "(no file)"

# --- Shared ------------------------------------------------------------------------------------


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def passed(result: CheckResult) -> bool:
    return result.exit_code == 0


def failing(finding: Finding, fail_on: str) -> bool:
    """Whether this finding alone makes the run fail under ``fail_on`` (error|warning|never)."""
    if finding.waived or fail_on == "never":
        return False
    bar = SEVERITY_RANK["warning" if fail_on == "warning" else "error"]
    return SEVERITY_RANK.get(finding.severity, 0) >= bar


def counts_phrase(result: CheckResult) -> str:
    s = result.summary
    return (
        f"{plural(s.errors, 'error')}, {plural(s.warnings, 'warning')}, "
        f"{plural(s.infos, 'info')}, {s.waived} waived"
    )


def engine_phrase(result: CheckResult) -> str:
    version = f" ({result.engine_version})" if result.engine_version else ""
    replaced = "".join(
        f"; built-in {package} overridden by {file}"
        for package, file in sorted(result.policy_overrides.items())
    )
    return f"engine {result.engine}{version}{replaced}"


def verdict_phrase(result: CheckResult) -> str:
    return f"{'PASS' if passed(result) else 'FAIL'} (fail-on {result.fail_on})"


def summary_line(result: CheckResult) -> str:
    """``2 artifacts checked: 3 errors, … · engine embedded (…) · FAIL (fail-on error)``"""
    artifacts = plural(result.summary.artifacts, "artifact")
    return (
        f"{artifacts} checked: {counts_phrase(result)} · {engine_phrase(result)} · "
        f"{verdict_phrase(result)}"
    )


def location(finding: Finding) -> str:
    """``file:line:column`` as far as known; the identity and field path when there is no file."""
    if finding.file is None:
        return " ".join(x for x in (finding.ref, finding.path) if x) or "(repository)"
    parts = [finding.file, *(str(n) for n in (finding.line, finding.column) if n is not None)]
    return ":".join(parts) if finding.line is not None else finding.file


def remediation(result: CheckResult, rule: str) -> str:
    meta: RuleMeta | None = result.rules.get(rule)
    return meta.remediation.strip() if meta else ""


def rule_title(result: CheckResult, rule: str) -> str:
    meta = result.rules.get(rule)
    return meta.title.strip() if meta and meta.title.strip() else rule


# --- Rendering ---------------------------------------------------------------------------------

_STYLES = {
    "error": "31",
    "warning": "33",
    "info": "36",
    "waived": "2",
    "file": "1;4",
    "rule": "2",
    "pass": "1;32",
    "fail": "1;31",
}


@dataclass(frozen=True)
class _Paint:
    enabled: bool

    def __call__(self, text: str, style: str) -> str:
        if not self.enabled or not text:
            return text
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"


def _position(finding: Finding) -> str:
    if finding.line is None:
        return "-"
    return f"{finding.line}:{finding.column}" if finding.column is not None else str(finding.line)


def _details(result: CheckResult, finding: Finding) -> Iterator[str]:
    """The lines under a finding's message: where (when unlocated), waiver, remediation."""
    if finding.file is None or finding.line is None:
        where = " ".join(x for x in (finding.ref, finding.path) if x)
        if where:
            yield f"at {where}"
    if finding.waived:
        yield f"waived by {finding.waiver} ({finding.severity})"
    fix = remediation(result, finding.rule)
    if fix:
        yield f"fix: {fix}"


def _finding_lines(
    result: CheckResult, finding: Finding, widths: tuple[int, int], paint: _Paint
) -> list[str]:
    pos_w, rule_w = widths
    style = "waived" if finding.waived else finding.severity
    label = "waived" if finding.waived else finding.severity
    head = (
        f"  {_position(finding).ljust(pos_w)}  {paint(label.ljust(7), style)}  "
        f"{paint(inline(finding.rule).ljust(rule_w), 'rule')}  "
    )
    indent = " " * (2 + pos_w + 2 + 7 + 2 + rule_w + 2)
    message, *rest = printable(finding.message).split("\n")
    lines = [head + message, *(indent + line for line in rest)]
    for detail in _details(result, finding):
        lines.extend(indent + line for line in printable(detail).split("\n"))
    return [line.rstrip() for line in lines]


def _group(result: CheckResult, file: str, findings: Sequence[Finding], paint: _Paint) -> list[str]:
    widths = (
        max(len(_position(f)) for f in findings),
        max(len(inline(f.rule)) for f in findings),
    )
    lines = [paint(inline(file), "file")]
    for finding in findings:
        lines.extend(_finding_lines(result, finding, widths, paint))
    return lines


def _summary(result: CheckResult, paint: _Paint) -> str:
    line = summary_line(result)
    verdict = verdict_phrase(result)
    return line[: -len(verdict)] + paint(verdict, "pass" if passed(result) else "fail")


def render(result: CheckResult, color: bool = False) -> str:
    paint = _Paint(color)
    blocks: list[list[str]] = []
    for file, group in groupby(result.findings, key=lambda f: f.file or NO_FILE):
        blocks.append(_group(result, file, list(group), paint))
    if not blocks:
        blocks.append(["No findings."])
    blocks.append([_summary(result, paint)])
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
