"""Reading Rego source files: package name, finding rules, tests and ``# METADATA`` annotations.

govctl reads OPA's annotations itself (regopy has no ``rego.metadata``), so rule metadata works on
every engine. An annotation is a ``# METADATA`` comment line followed by a YAML block written in
``#`` comments, directly above a ``package`` (scope package) or a rule head (scope rule); an
explicit ``scope:`` is honoured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from govctl.errors import PolicyError
from govctl.loader.yamlparse import parse_yaml
from govctl.policy.rego_syntax import ModuleSyntax, RuleHead, parse_syntax

FINDING_NAME = re.compile(r"^(deny|warn|info|violation)(_[A-Za-z0-9_]+)?$")
TEST_NAME = re.compile(r"^test_[A-Za-z0-9_]+$")
SEVERITY_OF_SET = {"deny": "error", "violation": "error", "warn": "warning", "info": "info"}


@dataclass(frozen=True)
class Annotation:
    scope: str  # package | rule | document | subpackages
    rule: str | None  # rule name for scope rule
    line: int
    title: str | None
    description: str | None
    custom: dict[str, Any]
    custom_lines: dict[str, int] = field(default_factory=dict)  # key of custom → source line


@dataclass(frozen=True)
class ShapeProblem:
    """A finding rule govctl cannot read findings from (a policy error at ``line``)."""

    line: int
    column: int
    message: str


@dataclass(frozen=True)
class RegoModule:
    path: str  # display path (repository-relative when inside the repository)
    source: str
    package: str
    finding_rules: tuple[str, ...]  # deny, warn_x, violation ...
    tests: tuple[str, ...]
    annotations: tuple[Annotation, ...] = field(default_factory=tuple)
    problems: tuple[ShapeProblem, ...] = field(default_factory=tuple)

    @property
    def is_test(self) -> bool:
        if self.path.endswith("_test.rego"):
            return True
        return bool(self.tests) and not self.finding_rules and not self.problems


def severity_of(rule_name: str) -> str:
    return SEVERITY_OF_SET[rule_name.split("_", 1)[0]]


def is_finding_name(name: str) -> bool:
    return FINDING_NAME.match(name) is not None


def _custom_lines(block: list[str], start_line: int) -> dict[str, int]:
    """Where each key of ``custom:`` sits, for errors that name a line (``kinds`` ...)."""
    lines: dict[str, int] = {}
    inside = False
    for offset, text in enumerate(block, start=1):
        if text.startswith("custom:"):
            inside = True
        elif inside and text[:1] not in (" ", "\t", "") and not text.startswith("#"):
            inside = False
        elif inside and not text.lstrip().startswith("-") and ":" in text:
            key = text.strip().split(":", 1)[0]
            lines.setdefault(key, start_line + offset)
    return lines


def _annotation(
    block: list[str], start_line: int, target: RuleHead | None, path: str
) -> Annotation:
    text = "\n".join(block)
    parsed = parse_yaml(text)
    if parsed.problem or not parsed.documents or not isinstance(parsed.documents[0].value, dict):
        detail = parsed.problem.message if parsed.problem else "not a YAML mapping"
        line = start_line + (parsed.problem.line if parsed.problem else 1)
        raise PolicyError(f"invalid METADATA block: {detail}", file=path, line=line)
    data = parsed.documents[0].value
    default_scope = "rule" if target is not None else "package"
    scope = str(data.get("scope") or default_scope)
    declared = data.get("custom")
    custom: dict[str, Any] = declared if isinstance(declared, dict) else {}
    return Annotation(
        scope=scope,
        rule=target.name if target is not None and scope == "rule" else None,
        line=start_line,
        title=data.get("title") if isinstance(data.get("title"), str) else None,
        description=data.get("description") if isinstance(data.get("description"), str) else None,
        custom=custom,
        custom_lines=_custom_lines(block, start_line),
    )


def _strip_comment(line: str) -> str:
    body = line.lstrip()[1:]
    return body[1:] if body.startswith(" ") else body


def _annotations(path: str, source: str, syntax: ModuleSyntax) -> list[Annotation]:
    """Every ``# METADATA`` block, bound to the statement that follows it."""
    # Split on "\n" only: line numbers must match the scanner's (splitlines also splits on
    # form feeds and Unicode separators, which Rego treats as spaces).
    lines = [line.rstrip("\r") for line in source.split("\n")]
    heads = sorted(syntax.rules, key=lambda r: r.line)
    found: list[Annotation] = []
    for number in syntax.metadata_lines:
        block: list[str] = []
        i = number  # index of the line after `# METADATA`
        while (
            i < len(lines) and lines[i].lstrip().startswith("#") and i + 1 not in syntax.raw_lines
        ):
            block.append(_strip_comment(lines[i]))
            i += 1
        after = i + 1  # the first line after the block
        target = next((h for h in heads if h.line >= after), None)
        if syntax.package_line >= after and (target is None or target.line > syntax.package_line):
            target = None  # the block annotates the package
        found.append(_annotation(block, number, target, path))
    return found


_SHAPE_WORDS = {
    "boolean": "a single-value (boolean) rule",
    "value": "a single-value rule",
    "function": "a function",
    "unknown": "a rule govctl cannot read",
}


def shape_problem(head: RuleHead, in_test_file: bool) -> ShapeProblem | None:
    """Why a finding rule cannot give findings, or ``None`` when it can."""
    if not is_finding_name(head.name):
        return None
    fix = f"write it as a multi-value rule: `{head.name} contains msg if {{ ... }}`"
    if in_test_file:
        message = (
            f"finding rule `{head.ref}` in a test file is never evaluated; move it to a policy"
        )
    elif head.default:
        message = f"finding rule `default {head.ref}` is a default value, not a set; {fix}"
    elif head.ref != head.name:
        message = f"finding rule `{head.ref}` has a reference head (an object of sets); {fix}"
    elif head.shape != "set":
        message = f"finding rule `{head.ref}` is {_SHAPE_WORDS[head.shape]}; {fix}"
    else:
        return None
    return ShapeProblem(head.line, head.column, message)


def parse_module(path: str, source: str) -> RegoModule:
    syntax = parse_syntax(source)
    if syntax.package is None:
        line = syntax.package_line or 1
        what = "unsupported `package` path" if syntax.package_line else "no `package` declaration"
        raise PolicyError(what, file=path, line=line)
    in_test_file = path.endswith("_test.rego")
    finding: list[str] = []
    tests: list[str] = []
    problems: list[ShapeProblem] = []
    for head in syntax.rules:
        problem = shape_problem(head, in_test_file)
        if problem is not None:
            problems.append(problem)
        elif is_finding_name(head.name) and head.name not in finding:
            finding.append(head.name)
        elif TEST_NAME.match(head.name) and head.name not in tests:
            tests.append(head.name)
    annotations = _annotations(path, source, syntax)
    return RegoModule(
        path,
        source,
        syntax.package,
        tuple(finding),
        tuple(tests),
        tuple(annotations),
        tuple(problems),
    )
