"""`govctl policy test` exits 1 when a Rego unit test fails (a finding, not a usage error)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from govctl.errors import EXIT_CLEAN, EXIT_FINDINGS
from tests.conftest import run_cli

POLICY = """\
    # METADATA
    # title: Deployments name an owner
    # custom:
    #   id: ORG-001
    #   severity: error
    package org.owner

    import rego.v1

    deny contains {"rule": "ORG-001", "msg": "no owner", "path": "metadata"} if {
        not input.subject.metadata.owner
    }
    """
TEST = """\
    package org.owner_test

    import rego.v1

    import data.org.owner

    test_no_owner_is_denied if {
        count(owner.deny) == EXPECTED with input as {"subject": {"metadata": {}}}
    }
    """


def _run(make_repo: Callable[..., Path], expected: int) -> tuple[int, str]:
    root = make_repo({"policies/owner.rego": POLICY,
                      "policies/owner_test.rego": TEST.replace("EXPECTED", str(expected))})
    result = run_cli("policy", "test", cwd=root)
    return result.returncode, result.stdout + result.stderr


def test_passing_tests_exit_0(make_repo: Callable[..., Path]) -> None:
    code, out = _run(make_repo, 1)
    assert code == EXIT_CLEAN, out


def test_a_failing_test_exits_1_not_the_usage_code(make_repo: Callable[..., Path]) -> None:
    code, out = _run(make_repo, 2)
    assert code == EXIT_FINDINGS, out
    assert "test_no_owner_is_denied" in out
