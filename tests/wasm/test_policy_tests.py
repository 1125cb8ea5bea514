"""``govctl policy test`` on OPA's Wasm: OPA-style tests (``with input as``, ``with data.x as``)
pass as on ``opa test``; an evaluation error names the test and file; without opa the tests run
on regopy and the report says so."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.opa.helpers import small_repo

pytestmark = pytest.mark.opa

TESTS = """\
package test_policy

import rego.v1

import data.govctl.rules.test

test_deny_fires_with_input if {
\tcount(test.deny) == 1 with input as {"subject": {"identity": "Model/x", "spec": {"status": "deprecated"}}}
}

test_no_deny_for_approved if {
\tcount(test.deny) == 0 with input as {"subject": {"identity": "Model/x", "spec": {"status": "approved"}}}
}

limits := {"max": 3}

test_with_data if {
\tdata.test_policy.limits.max == 5 with data.test_policy.limits as {"max": 5}
}

test_fails if {
\tcount(test.deny) == 7 with input as {"subject": {"spec": {"status": "deprecated"}}}
}

test_conflict if {
\tclash == 1
}

clash := 1 if true

clash := 2 if true
"""


def _policy_test(root: Path, env: dict[str, str] | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "govctl", "-C", str(root), "policy", "test", "--format", "json"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)


def test_opa_style_tests_run_on_wasm(tmp_path: Path, with_opa: Path) -> None:
    root = small_repo(tmp_path / "repo", extra={"policies/test_test.rego": TESTS})
    report = _policy_test(root)
    assert "Wasm" in report["engine"]
    status = {t["test"].rsplit(".", 1)[1]: t for t in report["tests"]}
    assert status["test_deny_fires_with_input"]["status"] == "pass"
    assert status["test_no_deny_for_approved"]["status"] == "pass"
    assert status["test_with_data"]["status"] == "pass"
    assert status["test_fails"]["status"] == "fail"
    conflict = status["test_conflict"]
    assert conflict["status"] == "error" and conflict["file"] == "policies/test_test.rego"
    assert "conflict" in conflict["message"]


def test_without_opa_tests_run_on_regopy_and_say_so(
    tmp_path: Path, no_opa: dict[str, str]
) -> None:
    root = small_repo(tmp_path / "repo", extra={"policies/test_test.rego": TESTS})
    report = _policy_test(root, no_opa)
    assert report["engine"].startswith("regopy (fallback: no opa binary")
    # regopy dies on `with input as` over rules that depend on other rules: each test that
    # crashes it is an error naming the test and its file, never a dead run.
    crashed = [t for t in report["tests"] if t["status"] == "error"]
    assert crashed and all(t["file"] == "policies/test_test.rego" for t in crashed)
    assert all("crashed" in t["message"] for t in crashed)
