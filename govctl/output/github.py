"""The ``github`` format: GitHub Actions workflow commands that annotate the pull request diff.

One command per finding, in the result's order: ``::error``, ``::warning`` or ``::notice`` (for
error, warning, info) with ``file``, ``line``, ``col`` (as far as known) and ``title`` (rule id and
title); the message carries the rule's remediation on a second line. A waived finding becomes a
``::notice`` whose title names its waiver: still visible on the diff, never shown as a failure.
A final plain line (not a command) gives the counts, the engine and the verdict.

Escaping follows the Actions toolkit (``@actions/core`` command.ts), which the runner reverses:
in the message ``%`` → ``%25``, CR → ``%0D``, LF → ``%0A``; in property values additionally
``:`` → ``%3A`` and ``,`` → ``%2C``. So a message can never end a command early or start a new
one, whatever it quotes. Other control characters are shown as escapes (``printable``).
"""

from __future__ import annotations

from govctl.check import CheckResult
from govctl.findings import Finding
from govctl.output.text import printable, remediation, rule_title, summary_line

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _properties(result: CheckResult, finding: Finding) -> list[tuple[str, str]]:
    props: list[tuple[str, str]] = []
    if finding.file is not None:
        props.append(("file", finding.file))
        if finding.line is not None:
            props.append(("line", str(finding.line)))
            if finding.column is not None:
                props.append(("col", str(finding.column)))
    title = f"{finding.rule} {rule_title(result, finding.rule)}".strip()
    if title == f"{finding.rule} {finding.rule}":
        title = finding.rule
    if finding.waived:
        title += f" (waived by {finding.waiver})"
    props.append(("title", printable(title)))
    return props


def _message(result: CheckResult, finding: Finding) -> str:
    text = finding.message
    if finding.file is None or finding.line is None:
        where = " ".join(x for x in (finding.ref, finding.path) if x)
        text = f"{text} (at {where})" if where else text
    fix = remediation(result, finding.rule)
    if fix:
        text += f"\nFix: {fix}"
    return printable(text)


def command(result: CheckResult, finding: Finding) -> str:
    name = "notice" if finding.waived else COMMANDS.get(finding.severity, "warning")
    props = ",".join(f"{k}={escape_property(v)}" for k, v in _properties(result, finding))
    return f"::{name} {props}::{escape_data(_message(result, finding))}"


def render(result: CheckResult) -> str:
    lines = [command(result, finding) for finding in result.findings]
    lines.append(f"govctl: {summary_line(result)}")
    return "\n".join(lines) + "\n"
