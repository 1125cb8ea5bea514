"""The ``text`` format: for people at a terminal.

Findings are grouped by file in the order the result gives them (file, line, rule); each shows
``line:column``, severity, rule id, message and the rule's remediation, and a waived finding says
so and names its waiver. After the findings, a table counts them per rule (most first), and a
closing line gives the counts, the engine and the verdict per ``--fail-on``. ``compact=True``
gives one line per finding (``file:line:column: severity RULE message``) and the closing line.
ANSI colour only when the caller asks (``color=True``: the CLI decides, from the terminal,
``--color``, ``NO_COLOR`` and ``FORCE_COLOR``); with ``width`` long messages and the closing line
wrap at that many columns on word boundaries (never inside a word such as ``FAIL``). The defaults
are plain and unwrapped, and the same result always renders the same.

The helpers under "Shared" are used by the other human-facing renderers too (github, junit,
markdown), so every format neutralises hostile text and words its verdict the same way.
"""

from __future__ import annotations

import textwrap
from collections import Counter
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
    """``2 artifacts checked: 3 errors, … · engine embedded (…) · FAIL (fail-on error)``, or
    ``3 of 40 artifacts checked: …`` when the run was narrowed to some paths."""
    artifacts = plural(result.summary.artifacts, "artifact")
    if result.scope_size is not None:  # `check PATH…`: only those artifacts were reported on
        artifacts = f"{result.scope_size} of {artifacts}"
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


def wrap(text: str, width: int | None, indent: int = 0) -> list[str]:
    """``text`` (one line) wrapped to ``width`` columns on spaces; ``indent`` columns are
    already taken on every line. Unwrapped when ``width`` is None or leaves under 20 columns."""
    room = (width or 0) - indent
    if width is None or room < 20 or len(text) <= room:
        return [text]
    return textwrap.wrap(text, room, break_long_words=False, break_on_hyphens=False) or [text]


def _finding_lines(
    result: CheckResult,
    finding: Finding,
    widths: tuple[int, int],
    paint: _Paint,
    width: int | None = None,
) -> list[str]:
    pos_w, rule_w = widths
    style = "waived" if finding.waived else finding.severity
    label = "waived" if finding.waived else finding.severity
    head = (
        f"  {_position(finding).ljust(pos_w)}  {paint(label.ljust(7), style)}  "
        f"{paint(inline(finding.rule).ljust(rule_w), 'rule')}  "
    )
    columns = 2 + pos_w + 2 + 7 + 2 + rule_w + 2
    indent = " " * columns
    body = [
        part
        for line in printable(finding.message).split("\n")
        for part in wrap(line, width, columns)
    ]
    for detail in _details(result, finding):
        body += [
            part for line in printable(detail).split("\n") for part in wrap(line, width, columns)
        ]
    first, *rest = body
    lines = [head + first, *(indent + line for line in rest)]
    return [line.rstrip() for line in lines]


def _group(
    result: CheckResult,
    file: str,
    findings: Sequence[Finding],
    paint: _Paint,
    width: int | None,
) -> list[str]:
    widths = (
        max(len(_position(f)) for f in findings),
        max(len(inline(f.rule)) for f in findings),
    )
    lines = [paint(inline(file), "file")]
    for finding in findings:
        lines.extend(_finding_lines(result, finding, widths, paint, width))
    return lines


def summary_lines(result: CheckResult, color: bool = False, width: int | None = None) -> list[str]:
    """The closing line, wrapped between its ``·``-separated parts when wider than ``width``."""
    paint = _Paint(color)
    parts = summary_line(result).split(" · ")
    lines = [parts[0]]
    for part in parts[1:]:
        if width is not None and len(lines[-1]) + 3 + len(part) > width:
            lines.append("  " + part)
        else:
            lines[-1] += " · " + part
    verdict = verdict_phrase(result)
    lines[-1] = lines[-1][: -len(verdict)] + paint(verdict, "pass" if passed(result) else "fail")
    return lines


def rule_counts(result: CheckResult) -> list[str]:
    """A table of findings per rule, most first: rule, severity, count (waived), title."""
    live = Counter((f.rule, f.severity) for f in result.findings if not f.waived)
    waived = Counter(f.rule for f in result.findings if f.waived)
    keys = list(live) + [(r, "waived") for r in waived if all(k[0] != r for k in live)]
    if not keys:
        return []
    keys.sort(key=lambda k: (-live.get(k, 0), -SEVERITY_RANK.get(k[1], -1), k[0]))
    rule_w = max(4, *(len(k[0]) for k in keys))
    lines = [f"{'rule'.ljust(rule_w)}  severity  count  waived  title"]
    for rule, severity in keys:
        count = live.get((rule, severity), 0)
        title = one_line(rule_title(result, rule))
        title = "" if title == rule else title
        lines.append(
            f"{rule.ljust(rule_w)}  {severity.ljust(8)}  {count:>5}  {waived.get(rule, 0):>6}  "
            f"{title}".rstrip()
        )
    return lines


def compact_line(finding: Finding) -> str:
    """``file:line:column: severity RULE message`` (first line of the message only)."""
    where = printable(location(finding))
    label = f"waived ({finding.waiver})" if finding.waived else finding.severity
    message = one_line(printable(finding.message).split("\n")[0])
    return f"{where}: {label} {finding.rule} {message}"


def render(
    result: CheckResult, color: bool = False, width: int | None = None, compact: bool = False
) -> str:
    paint = _Paint(color)
    if compact:
        lines = [compact_line(f) for f in result.findings]
        return "\n".join([*lines, *summary_lines(result, color, width)]) + "\n"
    blocks: list[list[str]] = []
    for file, group in groupby(result.findings, key=lambda f: f.file or NO_FILE):
        blocks.append(_group(result, file, list(group), paint, width))
    if not blocks:
        blocks.append(["No findings."])
    counts = rule_counts(result)
    if counts:
        blocks.append(counts)
    blocks.append(summary_lines(result, color, width))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
