"""Every finding rule the Rego parser sees contributes, however it is laid out, on both engines;
a finding rule govctl cannot read findings from stops the run (exit 3, ``file:line``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govctl.api import CheckOptions, check
from govctl.errors import PolicyError
from tests.conftest import NOW, run_cli
from tests.opa.helpers import small_repo

pytestmark = pytest.mark.opa

HEADER = """\
# METADATA
# custom:
#   kinds: [Model]
package govctl.rules.layout

import rego.v1

"""

# Each head is indented differently; each must fire on a deprecated model.
LAID_OUT = HEADER + (
    '  deny contains {"rule": "GOV-TST-001", "msg": "spaces"} if {\n'
    '\tinput.subject.spec.status == "deprecated"\n}\n'
    '\twarn contains {"rule": "GOV-TST-002", "msg": "tab"} if input.subject.spec.status == '
    '"deprecated"\n'
    'info_split\n  contains\n    {"rule": "GOV-TST-003", "msg": "split"}\n'
    '  if { input.subject.spec.status == "deprecated" }\n'
    ' \t violation contains {"rule": "GOV-TST-004", "msg": "mixed"} if true\n'
)

UNREADABLE = {
    "boolean": "deny if { input.subject }",
    "string value": '  deny := "always"',
    "reference head": "deny.x contains 1 if true",
    "function": "warn(x) := x if true",
    "default": "\tdefault violation := []",
    "object": "deny_obj[k] := 1 if k := input.subject.kind",
}


def _engine_url(engine: str, request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("opa_url") if engine == "opa" else None


@pytest.mark.parametrize("engine", ["embedded", "opa"])
def test_indented_tabbed_and_split_heads_fire(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    root = small_repo(tmp_path / "repo", policy=LAID_OUT, models=1)
    result = check(
        CheckOptions(
            root=root,
            engine=engine,
            opa_url=_engine_url(engine, request),
            now=NOW,
            use_cache=False,
            audit=False,
        )
    )
    fired = {(f.rule, f.severity, f.message) for f in result.findings}
    assert fired == {
        ("GOV-TST-001", "error", "spaces"),
        ("GOV-TST-002", "warning", "tab"),
        ("GOV-TST-003", "info", "split"),
        ("GOV-TST-004", "error", "mixed"),
    }
    assert result.exit_code == 1


@pytest.mark.parametrize("engine", ["embedded", "opa"])
@pytest.mark.parametrize("shape", sorted(UNREADABLE))
def test_unreadable_finding_rule_is_a_policy_error_at_its_line(
    engine: str, shape: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    line = HEADER.count("\n") + 1
    root = small_repo(tmp_path / "repo", policy=HEADER + UNREADABLE[shape] + "\n", models=1)
    with pytest.raises(PolicyError) as caught:
        check(
            CheckOptions(
                root=root,
                engine=engine,
                opa_url=_engine_url(engine, request),
                now=NOW,
                use_cache=False,
                audit=False,
            )
        )
    assert (caught.value.file, caught.value.line) == ("policies/test.rego", line)
    assert "contains msg if" in caught.value.message


def test_cli_exit_3_names_file_line_and_lint_reports_gl100(tmp_path: Path) -> None:
    root = small_repo(tmp_path / "repo", policy=HEADER + "  deny if { input.subject }\n")
    done = run_cli("-C", str(root), "check", "--now", NOW, "--no-audit")
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "policies/test.rego:8:3: finding rule `deny`" in lines[0]
    lint = run_cli("-C", str(root), "policy", "lint")
    assert lint.returncode == 1, lint.stderr
    assert "policies/test.rego:8:3: GL100 finding rule `deny` is a single-value" in lint.stdout
