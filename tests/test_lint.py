"""`govctl policy lint`: each code flags its construct, and leaves the safe form alone.

That each flagged construct really evaluates differently on regopy and OPA is shown, engine
against engine, in tests/opa/test_divergences.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from govctl.config import load_config
from govctl.policy.catalog import builtin_catalog_dir, load_policies
from govctl.policy.lint import LintIssue, lint_modules, tokenize, unknown_builtins
from govctl.policy.rego_v1 import v0_rule_bodies
from tests.conftest import REPO_ROOT

HEAD = "package govctl.rules.t\n\nimport rego.v1\n\nimport data.govctl.lib\n\n"


@dataclass(frozen=True)
class Module:
    path: str
    source: str


def lint(body: str, extra: tuple[Module, ...] = ()) -> list[LintIssue]:
    return lint_modules([Module("policies/t.rego", HEAD + body), *extra])


def codes(body: str) -> list[str]:
    return [issue.code for issue in lint(body)]


CASES = [
    # (code, flagged, safe)
    ("GL101",
     'helper if input.x == 1\nt if { helper with input as {"x": 1} }\n',
     'helper if input.x == 1\nt if { helper with input.x as 1 }\n'),
    ("GL102",
     "v := 1\nhelper if input.x == 1\nt if { helper with input.x as v }\n",
     "helper if input.x == 1\nt if {\n\tv := 1\n\thelper with input.x as v\n}\n"),
    ("GL103",
     'x := semver.compare("1.0.0-rc.1", input.v)\n',
     'x := semver.is_valid(input.v)\n'),
    ("GL104",
     'x := sprintf("%q", [input.v])\n',
     'x := sprintf("%s", [input.v])\n'),
    ("GL105",
     'x := sprintf("cost %v", [input.cost])\n',
     'x := sprintf("cost %s", ["n/a"])\n'),
    ("GL106",
     'x := sprintf("%s!", [concat("", ["a", "b"])])\n',
     'x := concat("", [concat("", ["a", "b"]), "!"])\n'),
    ("GL107",
     'x := time.parse_rfc3339_ns(concat("", [input.day, "T00:00:00Z"]))\n',
     'x := time.parse_rfc3339_ns(concat("", [input.day, "T00:00:00+00:00"]))\n'),
    ("GL108",
     "x := count(input.subject.spec.messages[0].content)\n",
     "x := count(input.subject.spec.messages)\n"),
    ("GL109",
     'x := net.cidr_contains("10.0.0.0/8", input.ip)\n',
     'x := startswith(input.ip, "10.")\n'),
    ("GL110",
     "x := [k | some k, v in input.o; v > 0]\n",
     "x := {k: v | some k, v in input.o; v > 0}\n"),
    ("GL111",
     'x := concat(", ", {r | some r in input.regions})\n',
     'x := concat(", ", sort({r | some r in input.regions}))\n'),
    ("GL112",
     "x := time.now_ns()\n",
     "x := time.parse_rfc3339_ns(input.now)\n"),
]


@pytest.mark.parametrize(("code", "flagged", "safe"), CASES, ids=[c[0] for c in CASES])
def test_code_flags_its_construct_and_not_the_safe_form(code: str, flagged: str,
                                                        safe: str) -> None:
    assert code in codes(flagged)
    assert code not in codes(safe)


def test_issue_location_points_at_the_construct() -> None:
    issues = lint('x := 1\ny := semver.compare("1.0.0", "2.0.0")\n')
    assert issues == [
        LintIssue("policies/t.rego", 8, 6, "GL103", issues[0].message)
    ]


def test_comments_and_strings_are_not_code() -> None:
    assert codes('# semver.compare("1", "2") and time.now_ns()\nx := "semver.compare(1, 2)"\n') == []


def test_suppression_comments() -> None:
    body = 'x := semver.compare("1.0.0", input.v) # govctl-lint: ignore GL103\n'
    assert codes(body) == []
    above = "# govctl-lint: ignore\ny := time.now_ns()\n"
    assert codes(above) == []
    other = 'x := semver.compare("1.0.0", input.v) # govctl-lint: ignore GL104\n'
    assert codes(other) == ["GL103"]


def test_user_functions_are_not_builtins() -> None:
    helper = Module("policies/h.rego", "package govctl.lib\n\nimport rego.v1\n\ncidr_ok(x) if x\n")
    issues = lint_modules([helper, Module("policies/t.rego",
                                          HEAD + "y if lib.cidr_ok(input.a)\nz if own(1)\n"
                                          "own(v) if v > 0\n")])
    assert issues == []


def test_regopy_is_asked_about_builtins() -> None:
    assert unknown_builtins(["count", "print", "json.match_schema", "glob.match"]) == {
        "print", "json.match_schema"
    }


def test_tokenizer_positions() -> None:
    tokens = tokenize('package p\nx := "a#b" # c\n  y := `raw\nraw`\n')
    assert [(t.text, t.line, t.column) for t in tokens if t.kind != "op"] == [
        ("package", 1, 1), ("p", 1, 9), ("x", 2, 1), ('"a#b"', 2, 6), ("y", 3, 3),
        ("`raw\nraw`", 3, 8),
    ]


def test_the_catalog_is_portable_across_engines() -> None:
    if not (REPO_ROOT / "govctl.yaml").exists():
        pytest.skip("the reference repository is not there yet")
    bundle = load_policies(REPO_ROOT, load_config(REPO_ROOT / "govctl.yaml"))
    issues = lint_modules([*bundle.modules, *bundle.tests])
    assert issues == [], "\n".join(f"{i.file}:{i.line}: {i.code} {i.message}" for i in issues)


def test_paths_are_reported_as_given(tmp_path: Path) -> None:
    issues = lint_modules([Module("govctl:catalog/x.rego", HEAD + "x := time.now_ns()\n")])
    assert {i.file for i in issues} == {"govctl:catalog/x.rego"}


@pytest.mark.parametrize(
    ("source", "bodies"),
    [
        ('package x\n\ndeny[msg] {\n  msg := "x"\n}\n', [(3, 11)]),
        ("package x\nallow { true }\n", [(2, 7)]),
        ("package x\ndeny contains msg {\n msg := 1\n}\n", [(2, 19)]),
        ('package x\nimport rego.v1\ndeny contains msg if {\n msg := {"a": 1}\n}\n', []),
        ('package x\nx := {\n "a": 1,\n}\ny = {1,2}\nf(a) := {"b": a} if { a > 1 }\n', []),
        ("package x\np if {\n true\n} else := false\n", []),
        ('package x\nq := {x | some x in [1]}\ns contains {"a": 1} if { true }\n', []),
        ('package x\n# deny[msg] {\ns := "{ deny[x] {"\n', []),
    ],
)
def test_v0_rule_bodies_are_found(source: str, bodies: list[tuple[int, int]]) -> None:
    assert [(t.line, t.column) for t in v0_rule_bodies(source)] == bodies


def test_the_shipped_catalog_is_rego_v1() -> None:
    # load_bundle trusts the shipped catalog and skips the v0 scan for it: this is why it may.
    catalog = builtin_catalog_dir()
    assert catalog is not None
    files = sorted(catalog.rglob("*.rego"))
    assert len(files) > 20
    assert [f.name for f in files if v0_rule_bodies(f.read_text())] == []
