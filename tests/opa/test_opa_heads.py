"""On the OPA engine, OPA's AST of each uploaded module confirms govctl's reading of its finding
rules; a difference stops the run naming the module (tested with ASTs from a real OPA)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from govctl.errors import PolicyError
from govctl.policy.opa_heads import confirm_finding_heads, opa_finding_heads
from tests.unit.test_rego_syntax import HOSTILE

pytestmark = pytest.mark.opa


def _ast(opa_url: str, policy_id: str, source: str) -> Any:
    put = requests.put(f"{opa_url}/v1/policies/{policy_id}", data=source.encode(), timeout=30)
    assert put.status_code == 200, put.text
    got = requests.get(f"{opa_url}/v1/policies/{policy_id}", timeout=30)
    requests.delete(f"{opa_url}/v1/policies/{policy_id}", timeout=30)
    return got.json()["result"]["ast"]


@pytest.mark.parametrize(
    "name", ["indented", "split", "same_line", "else_chain", "strings", "comprehensions"]
)
def test_opa_asts_of_hostile_layouts_confirm_govctls_reading(opa_url: str, name: str) -> None:
    source = HOSTILE[f"{name}.rego"].replace("package hostile.", "package heads_test.")
    ast = _ast(opa_url, f"heads-test/{name}", source)
    assert opa_finding_heads(ast)  # every one of them has finding rules
    confirm_finding_heads({f"policies/{name}.rego": source}, {f"policies/{name}.rego": ast})


def test_a_difference_is_a_policy_error_naming_the_module(opa_url: str) -> None:
    source = "package heads_test.diff\n\nimport rego.v1\n\n"
    ast = _ast(opa_url, "heads-test/diff", source + "deny contains 1 if true\nwarn if true\n")
    assert opa_finding_heads(ast) == {("deny", True), ("warn", False)}
    govctl_sees = source + "deny contains 1 if true\n"
    with pytest.raises(PolicyError) as caught:
        confirm_finding_heads({"policies/p.rego": govctl_sees}, {"policies/p.rego": ast})
    assert caught.value.file == "policies/p.rego"
    assert "OPA: deny (set), warn (other); govctl: deny (set)" in str(caught.value)
