"""Settings that would make a check pass without evaluating anything are refused: no rule to
evaluate, a disabled id no rule has, a disabled integrity rule, METADATA kinds that select no
artifact."""

from __future__ import annotations

from pathlib import Path

import pytest

from govctl.api import CheckOptions, check
from govctl.errors import ConfigError, PolicyError
from tests.conftest import CONFIG, NOW, run_cli

POLICY = """\
# METADATA
# custom:
#   kinds: [Model]
package tests.models

import rego.v1

# METADATA
# custom:
#   id: TST-MDL-001
deny contains "deprecated" if input.subject.spec.status == "deprecated"
"""

MODEL = """\
apiVersion: govctl/v1
kind: Model
metadata: {name: m, version: 2024-08-06, owner: team-a}
spec:
  provider: openai
  providerModelId: m-2024-08-06
  status: deprecated
  hosting: {regions: [eastus], jurisdictions: [US]}
  dataHandling: {trainsOnInputs: false}
  pricing: {inputPer1M: 2.5, outputPer1M: 10}
  limits: {contextWindow: 128000, maxOutputTokens: 16384}
"""


def _check(root: Path) -> None:
    check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))


def _config(disabled: str) -> str:
    return CONFIG.replace("failOn: error,", f"failOn: error, disabled: [{disabled}],")


def test_no_rule_to_evaluate_is_exit_2_saying_what_to_fix(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "policies").mkdir(parents=True)
    (root / "registry").mkdir()
    (root / "govctl.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "registry/m.yaml").write_text(MODEL, encoding="utf-8")
    done = run_cli("-C", str(root), "check", "--now", NOW, "--no-audit")
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert "no policy rule would be evaluated" in done.stderr
    assert "policy.builtin is false" in done.stderr and "policy.builtin: true" in done.stderr


def test_disabling_every_rule_is_no_rule_to_evaluate(make_repo) -> None:
    root = make_repo(
        {"policies/models.rego": POLICY, "registry/m.yaml": MODEL}, _config("TST-MDL-001")
    )
    with pytest.raises(ConfigError, match="no policy rule would be evaluated"):
        _check(root)


def test_disabled_id_no_rule_has_is_a_config_error_with_did_you_mean(make_repo) -> None:
    root = make_repo(
        {"policies/models.rego": POLICY, "registry/m.yaml": MODEL}, _config("TST-MDL-01")
    )
    with pytest.raises(ConfigError) as caught:
        _check(root)
    assert caught.value.file == "govctl.yaml" and caught.value.line == 6
    assert "no rule has the id 'TST-MDL-01' (did you mean TST-MDL-001?)" in str(caught.value)


@pytest.mark.parametrize("rule", ["GOV-REG-001", "GOV-REG-002", "GOV-REG-003", "GOV-REG-004"])
def test_integrity_rules_cannot_be_disabled(make_repo, rule: str) -> None:
    root = make_repo({"policies/models.rego": POLICY, "registry/m.yaml": MODEL}, _config(rule))
    with pytest.raises(ConfigError) as caught:
        _check(root)
    assert f"{rule} (" in str(caught.value) and "cannot be disabled" in str(caught.value)


def test_broken_yaml_still_fails_with_other_rules_disabled(make_repo) -> None:
    root = make_repo(
        {
            "policies/models.rego": POLICY,
            "registry/m.yaml": MODEL.replace("status: deprecated", "status: active"),
            "registry/broken.yaml": "kind: Model\nmetadata: [\n",
        },
        _config("GOV-WVR-001"),  # a non-integrity native rule may be switched off
    )
    result = check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))
    assert {f.rule for f in result.findings} == {"GOV-REG-001"}
    assert result.exit_code == 1


def test_lower_case_kind_is_a_policy_error_with_did_you_mean(make_repo) -> None:
    policy = POLICY.replace("kinds: [Model]", "kinds: [model]")
    root = make_repo({"policies/models.rego": policy, "registry/m.yaml": MODEL})
    with pytest.raises(PolicyError) as caught:
        _check(root)
    assert (caught.value.file, caught.value.line) == ("policies/models.rego", 3)
    assert "unknown kind 'model' (did you mean Model?)" in str(caught.value)
    lint = run_cli("-C", str(root), "policy", "lint")
    assert lint.returncode == 1
    assert "policies/models.rego:3:1: GL100 custom.kinds: unknown kind 'model'" in lint.stdout
