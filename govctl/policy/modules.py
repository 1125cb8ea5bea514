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

PACKAGE = re.compile(r"^package\s+([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*$")
FINDING_HEAD = re.compile(
    r"^(deny|warn|info|violation)(_[A-Za-z0-9_]+)?(?=\s*(?:contains\b|\[|if\b|:=|=|\{))"
)
TEST_HEAD = re.compile(r"^(test_[A-Za-z0-9_]+)\b")
RULE_HEAD = re.compile(r"^(?:default\s+)?([A-Za-z_][A-Za-z0-9_]*)\b")
SEVERITY_OF_SET = {"deny": "error", "violation": "error", "warn": "warning", "info": "info"}


@dataclass(frozen=True)
class Annotation:
    scope: str  # package | rule | document | subpackages
    rule: str | None  # rule name for scope rule
    line: int
    title: str | None
    description: str | None
    custom: dict[str, Any]


@dataclass(frozen=True)
class RegoModule:
    path: str  # display path (repository-relative when inside the repository)
    source: str
    package: str
    finding_rules: tuple[str, ...]  # deny, warn_x, violation ...
    tests: tuple[str, ...]
    annotations: tuple[Annotation, ...] = field(default_factory=tuple)

    @property
    def is_test(self) -> bool:
        return self.path.endswith("_test.rego") or (bool(self.tests) and not self.finding_rules)


def severity_of(rule_name: str) -> str:
    return SEVERITY_OF_SET[rule_name.split("_", 1)[0]]


def _annotation(block: list[str], start_line: int, next_line: str, path: str) -> Annotation:
    text = "\n".join(block)
    parsed = parse_yaml(text)
    if parsed.problem or not parsed.documents or not isinstance(parsed.documents[0].value, dict):
        detail = parsed.problem.message if parsed.problem else "not a YAML mapping"
        line = start_line + (parsed.problem.line if parsed.problem else 1)
        raise PolicyError(f"invalid METADATA block: {detail}", file=path, line=line)
    data = parsed.documents[0].value
    head = RULE_HEAD.match(next_line)
    default_scope = "package" if next_line.startswith("package ") else "rule"
    scope = str(data.get("scope") or default_scope)
    declared = data.get("custom")
    custom: dict[str, Any] = declared if isinstance(declared, dict) else {}
    return Annotation(
        scope=scope,
        rule=head.group(1) if head and scope == "rule" else None,
        line=start_line,
        title=data.get("title") if isinstance(data.get("title"), str) else None,
        description=data.get("description") if isinstance(data.get("description"), str) else None,
        custom=custom,
    )


def _strip_comment(line: str) -> str:
    body = line.lstrip()[1:]
    return body[1:] if body.startswith(" ") else body


def parse_module(path: str, source: str) -> RegoModule:
    lines = source.splitlines()
    package: str | None = None
    finding: list[str] = []
    tests: list[str] = []
    annotations: list[Annotation] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped == "# METADATA":
            start = i + 1
            block = []
            i += 1
            while i < len(lines) and lines[i].lstrip().startswith("#"):
                block.append(_strip_comment(lines[i]))
                i += 1
            following = lines[i] if i < len(lines) else ""
            annotations.append(_annotation(block, start, following, path))
            continue
        match = PACKAGE.match(stripped)
        if match and package is None:
            package = match.group(1)
        elif (head := FINDING_HEAD.match(line)) and head.group(0) not in finding:
            finding.append(head.group(0))
        elif (test := TEST_HEAD.match(line)) and test.group(1) not in tests:
            tests.append(test.group(1))
        i += 1
    if package is None:
        raise PolicyError("no `package` declaration", file=path, line=1)
    return RegoModule(path, source, package, tuple(finding), tuple(tests), tuple(annotations))
