"""govctl's reading of Rego rule heads equals OPA's parser (``opa parse``) on the whole catalog and
on hostile layouts; every finding rule govctl cannot read is a problem naming its line."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from govctl.policy.catalog import builtin_catalog_dir
from govctl.policy.modules import parse_module
from govctl.policy.rego_syntax import parse_syntax
from govctl.policy.rego_v1 import v0_rule_bodies
from tests.opa.conftest import require_opa

HOSTILE: dict[str, str] = {
    "indented.rego": (
        "package hostile.indented\n\nimport rego.v1\n\n"
        '  deny contains msg if {\n\tmsg := "spaces"\n}\n'
        '\twarn contains "tab" if true\n'
        '   \t info_x contains "mixed" if { input.a == 1 }\n'
    ),
    "split.rego": (
        "package hostile.split\n\nimport rego.v1\n\n"
        "deny\ncontains\n   msg\n   if { msg := 2 }\n"
        "warn contains x if\n  x := input.a\n"
        "info contains 1 if {\n  true\n} { false }\n"
    ),
    "same_line.rego": (
        "package hostile.same_line\n\nimport rego.v1\n\n"
        'allow if { input.x } deny contains "a" if { true } warn contains "b"\n'
        'x := {"k": 1} violation contains "c" if x.k == 1\n'
    ),
    "else_chain.rego": (
        "package hostile.else_chain\n\nimport rego.v1\n\n"
        "level := 1 if {\n  input.a\n} else := 2 if {\n  input.b\n}\nelse := 3\n"
        'deny contains sprintf("level %d", [level]) if level > 2\n'
    ),
    "strings.rego": (
        "package hostile.strings\n\nimport rego.v1\n\n"
        'note := "deny contains \\"x\\" if true"\n'
        "doc := `\ndeny contains msg if {\n  msg := 1\n}\n# METADATA\n`\n"
        "# deny contains 1 if true\n"
        'deny_raw contains `multi\nline` if { note != "}" }\n'
        'inner if { x := `\n# METADATA\n# title: {[(\n`; x != "" }\n'
    ),
    "unreadable.rego": (
        "package hostile.unreadable\n\nimport rego.v1\n\n"
        "deny if { input.a }\n"
        '  warn := "text"\n'
        "deny.x contains 1 if true\n"
        "info(x) := x if true\n"
        "default violation := []\n"
        "deny_obj[k] := 1 if k := input.a\n"
        "violation_flag if input.b\n"
    ),
    "comprehensions.rego": (
        "package hostile.comprehensions\n\nimport rego.v1\n\n"
        "names := {n | some x in input.xs; n := x.name}\n"
        'deny contains m if {\n  some n in names\n  m := {"msg": n, "deny": [y | y := 1]}\n}\n'
        "f(x) := y if { y := x + 1 } warn contains f(1) if every z in [1] { z == 1 }\n"
    ),
}


def _opa_rules(opa: Path, file: Path) -> set[tuple[str, str, str, int]]:
    """(name, ref, shape, line) of every rule as ``opa parse`` sees it."""
    done = subprocess.run(
        [str(opa), "parse", "--format", "json", "--json-include", "locations", str(file)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    tree: dict[str, Any] = json.loads(done.stdout)
    out = set()
    for rule in tree.get("rules", []):
        head = rule["head"]
        parts = [p["value"] for p in head["ref"]]
        if not base64.b64decode(head["location"]["text"]).decode().startswith(parts[0]):
            continue  # `p if {...} {...}`: OPA makes a rule of each further body, headed there
        ref = parts[0] + "".join(f".{p}" if isinstance(p, str) else "[_]" for p in parts[1:])
        if "args" in head:
            shape = "function"
        elif "key" in head and "value" not in head:
            shape = "set"
        else:
            shape = "single"
        if rule.get("default"):
            shape = "default"
        out.add((parts[0], ref if len(parts) == 1 else "ref", shape, head["location"]["row"]))
    return out


def _govctl_rules(source: str) -> set[tuple[str, str, str, int]]:
    out = set()
    for head in parse_syntax(source).rules:
        shape = "single" if head.shape in ("value", "boolean") else head.shape
        if head.default:
            shape = "default"
        out.add((head.name, head.ref if head.ref == head.name else "ref", shape, head.line))
    return out


def _catalog_files() -> list[Path]:
    folder = builtin_catalog_dir()
    assert folder is not None
    return sorted(folder.rglob("*.rego"))


@pytest.mark.opa
def test_rule_heads_equal_opa_parse_on_the_catalog_and_hostile_layouts(tmp_path: Path) -> None:
    opa = require_opa()
    files = _catalog_files()
    for name, source in HOSTILE.items():
        (tmp_path / name).write_text(source, encoding="utf-8")
        files.append(tmp_path / name)
    assert len(files) > 20
    for file in files:
        source = file.read_text(encoding="utf-8")
        assert _govctl_rules(source) == _opa_rules(opa, file), file.name


def test_indented_split_and_same_line_heads_are_finding_rules() -> None:
    assert parse_module("i.rego", HOSTILE["indented.rego"]).finding_rules == (
        "deny",
        "warn",
        "info_x",
    )
    assert parse_module("s.rego", HOSTILE["split.rego"]).finding_rules == ("deny", "warn", "info")
    same_line = parse_module("l.rego", HOSTILE["same_line.rego"])
    assert same_line.finding_rules == ("deny", "warn", "violation")
    assert parse_module("e.rego", HOSTILE["else_chain.rego"]).finding_rules == ("deny",)
    # Rule-like text inside strings, raw strings and comments is not a rule.
    strings = parse_module("t.rego", HOSTILE["strings.rego"])
    assert strings.finding_rules == ("deny_raw",) and not strings.annotations
    assert parse_module("c.rego", HOSTILE["comprehensions.rego"]).finding_rules == (
        "deny",
        "warn",
    )


def test_every_unreadable_finding_rule_is_a_problem_at_its_line() -> None:
    module = parse_module("p/u.rego", HOSTILE["unreadable.rego"])
    assert module.finding_rules == ()
    assert [(p.line, p.column) for p in module.problems] == [
        (5, 1),
        (6, 3),
        (7, 1),
        (8, 1),
        (9, 9),
        (10, 1),
        (11, 1),
    ]
    messages = [p.message for p in module.problems]
    assert "single-value (boolean)" in messages[0] and "`deny contains msg if" in messages[0]
    assert "single-value rule" in messages[1]
    assert "reference head" in messages[2]
    assert "function" in messages[3]
    assert "default" in messages[4]
    assert "reference head" in messages[5]
    assert "boolean" in messages[6]
    assert not module.is_test


def test_a_finding_rule_in_a_test_file_is_a_problem() -> None:
    source = "package t_test\n\nimport rego.v1\n\ndeny contains 1 if true\ntest_x if true\n"
    module = parse_module("p/t_test.rego", source)
    assert [p.line for p in module.problems] == [5]
    assert "never evaluated" in module.problems[0].message


def test_metadata_binds_to_the_next_statement_even_when_indented() -> None:
    source = (
        "# METADATA\n# custom:\n#   kinds: [Model]\npackage m\n\nimport rego.v1\n\n"
        "  # METADATA\n  # custom:\n  #   id: GOV-X-001\n  deny contains 1 if true\n"
    )
    module = parse_module("m.rego", source)
    assert [(a.scope, a.rule) for a in module.annotations] == [("package", None), ("rule", "deny")]
    assert module.annotations[0].custom_lines["kinds"] == 3
    assert module.annotations[1].custom == {"id": "GOV-X-001"}


def test_v0_bodies_are_found_however_the_rule_is_laid_out() -> None:
    source = (
        "package x\n  allow {\n true\n}\n\tdeny[msg] { msg := 1 }\n"
        "ok if { true } { false }\n"
        'p := {"a": 1} q contains {"a": 1} if true\n'
    )
    assert [(t.line, t.column) for t in v0_rule_bodies(source)] == [(2, 9), (5, 12)]


def test_crlf_line_ends_and_form_feeds_keep_metadata_and_lines() -> None:
    source = (
        "# METADATA\r\n# custom:\r\n#   kinds: [Model]\r\npackage m\r\n\r\nimport rego.v1\r\n"
        "\x0c\r\n# METADATA\r\n# custom:\r\n#   id: GOV-X-001\r\ndeny contains 1 if true\r\n"
    )
    module = parse_module("m.rego", source)
    assert [(a.scope, a.rule, a.line) for a in module.annotations] == [
        ("package", None, 1),
        ("rule", "deny", 8),
    ]
    assert module.annotations[1].custom == {"id": "GOV-X-001"}
    assert module.annotations[0].custom_lines["kinds"] == 3
