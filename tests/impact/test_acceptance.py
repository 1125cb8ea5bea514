"""The impact acceptance cases, end to end on real commits with the project's policy library."""

from __future__ import annotations

from pathlib import Path

import pytest

from govctl.check import CheckOptions, run_check
from govctl.impact.changes import change_provider

from .conftest import NOW, PROJECT, GitRepo
from .helpers import affected, change, impact, roles


def _has_rule(rule: str) -> bool:
    return any(rule in p.read_text(encoding="utf-8") for p in (PROJECT / "govctl" / "catalog").rglob("*.rego"))


needs_reg_005 = pytest.mark.skipif(
    not _has_rule("GOV-REG-005"),
    reason="policy GOV-REG-005 (released prompt versions are immutable) is not in policies/ yet",
)
needs_grd_005 = pytest.mark.skipif(
    not _has_rule("GOV-GRD-005"),
    reason="policy GOV-GRD-005 (change weakens a prod guardrail) is not in policies/ yet",
)


def test_widened_residency_rule_is_critical_and_requires_compliance(repo: GitRepo) -> None:
    repo.edit("registry/residency/eu-pii.yaml", "allowedJurisdictions: [EU]", "allowedJurisdictions: [EU, US]")
    repo.commit("allow US processing")
    report = impact(repo)
    assert report.risk.level == "critical"
    assert report.risk.reasons[0] == (
        "critical: residency rule widened: ResidencyRule/eu-pii: allowedJurisdictions gained US"
    )
    assert "compliance" in roles(report)
    assert next(a for a in report.approvals if a.role == "compliance").reasons[0] == (
        "govctl.yaml approval rule 1 {kind: ResidencyRule}: ResidencyRule/eu-pii modified"
    )


def test_prod_user_facing_guardrail_threshold_raised_is_critical(repo: GitRepo) -> None:
    repo.edit("registry/guardrails/strict.yaml", "threshold: 0.8", "threshold: 0.95")
    repo.commit("fewer false positives")
    report = impact(repo)
    assert report.risk.level == "critical"
    assert report.risk.reasons == (
        "critical: guardrail weakened on prod user-facing Deployment/support-prod: "
        "GuardrailPolicy/strict: input prompt_injection threshold raised from 0.8 to 0.95",
    )
    assert roles(report) == ["security", "compliance", "ml-platform"]
    security = next(a for a in report.approvals if a.role == "security")
    assert security.reasons == (
        "govctl.yaml approval rule 2 {kind: GuardrailPolicy, change: weakened}: "
        "GuardrailPolicy/strict guardrail.weakened",
    )


def test_guardrail_weakened_only_outside_prod_user_facing_is_not_critical(repo: GitRepo) -> None:
    repo.edit("registry/guardrails/basic.yaml", "threshold: 0.9", "threshold: 0.99")
    repo.commit()
    report = impact(repo)
    assert affected(report) == {"Deployment/internal-prod", "Deployment/lab-dev"}
    assert report.risk.level == "high"  # prod, but not user-facing
    assert roles(report) == ["security", "compliance", "ml-platform"]


def test_prod_user_facing_deployment_switching_to_a_weaker_policy_is_critical(repo: GitRepo) -> None:
    repo.edit("registry/deployments/support-prod.yaml", "guardrails: strict", "guardrails: basic")
    repo.commit()
    report = impact(repo)
    assert report.risk.level == "critical"
    assert report.risk.reasons[0].startswith(
        "critical: Deployment/support-prod (prod, user-facing) switched guardrails from strict to "
        "the weaker basic: input prompt_injection threshold raised from 0.8 to 0.9; input "
        "prompt_injection action moved from block to weaker log; input pii_detection check removed"
    )


@needs_grd_005
def test_guardrail_weakening_introduces_gov_grd_005(policy_repo: GitRepo) -> None:
    policy_repo.edit("registry/guardrails/strict.yaml", "threshold: 0.8", "threshold: 0.95")
    policy_repo.commit()
    report = impact(policy_repo)
    introduced = [(f.rule, f.ref) for f in report.findings.introduced]
    assert ("GOV-GRD-005", "Deployment/support-prod") in introduced
    assert ("GOV-GRD-005", "Deployment/support-staging") not in introduced  # not prod


@needs_reg_005
def test_editing_a_released_prompt_fails_gov_reg_005_with_the_changed_field(
    policy_repo: GitRepo,
) -> None:
    policy_repo.edit("prompts/reply/1.0.0.yaml", "temperature: 0.2", "temperature: 0.7")
    policy_repo.commit("tweak released prompt")
    report = impact(policy_repo)
    found = [f for f in report.findings.introduced if f.rule == "GOV-REG-005"]
    assert [(f.ref, f.severity, f.file) for f in found] == [
        ("Prompt/reply@1.0.0", "error", "prompts/reply/1.0.0.yaml")
    ]
    assert "spec.parameters.temperature" in found[0].message
    assert report.risk.level == "critical"  # GOV-REG-005 is not waivable

    # the same through the check pipeline, as `govctl check --base main` runs it
    result = run_check(
        CheckOptions(root=policy_repo.root, now=NOW, audit=False, use_cache=False, workers=1),
        change_provider(policy_repo.root, "main"),
    )
    reg = [f for f in result.findings if f.rule == "GOV-REG-005"]
    assert [(f.ref, f.path, f.file) for f in reg] == [
        ("Prompt/reply@1.0.0", "metadata.version", "prompts/reply/1.0.0.yaml")
    ]
    assert "spec.parameters.temperature" in reg[0].message
    assert result.exit_code == 1


@needs_reg_005
def test_new_prompt_version_does_not_fail_gov_reg_005(policy_repo: GitRepo, tmp_path: Path) -> None:
    text = (policy_repo.root / "prompts/reply/1.0.0.yaml").read_text(encoding="utf-8")
    policy_repo.write({
        "prompts/reply/1.2.0.yaml": text.replace("version: 1.0.0", "version: 1.2.0").replace(
            "temperature: 0.2", "temperature: 0.1"
        )
    })
    policy_repo.commit("new version")
    report = impact(policy_repo)
    assert change(report, "Prompt/reply@1.2.0").type == "added"
    assert not [f for f in report.findings.introduced if f.rule == "GOV-REG-005"]


def test_input_change_records_have_the_documented_shape(repo: GitRepo) -> None:
    repo.edit("registry/guardrails/strict.yaml", "threshold: 0.8", "threshold: 0.9")
    repo.move("registry/models/m-a.yaml", "registry/models/azure/m-a.yaml")
    repo.commit()
    from govctl.api import load_registry

    records = change_provider(repo.root, "main")(load_registry(repo.root))
    assert records == {
        "GuardrailPolicy/strict": {
            "type": "modified",
            "fromPath": None,
            "fields": [{"path": "spec.input[0].threshold", "before": 0.8, "after": 0.9}],
            "predicates": ["modified.spec", "guardrail.weakened"],
            "reasons": {
                "modified.spec": ["1 spec field(s) changed: spec.input[0].threshold"],
                "guardrail.weakened": ["input prompt_injection threshold raised from 0.8 to 0.9"],
            },
        },
        "Model/m-a@2024-01-01": {
            "type": "renamed",
            "fromPath": "registry/models/m-a.yaml",
            "fields": [],
            "predicates": ["renamed"],
            "reasons": {"renamed": ["moved from registry/models/m-a.yaml to registry/models/azure/m-a.yaml"]},
        },
    }


@needs_reg_005
def test_check_base_cli_fails_on_an_edited_released_prompt(policy_repo: GitRepo) -> None:
    import json
    import subprocess
    import sys

    policy_repo.edit("prompts/reply/1.0.0.yaml", "temperature: 0.2", "temperature: 0.7")
    policy_repo.commit()
    done = subprocess.run(
        [sys.executable, "-m", "govctl", "-C", str(policy_repo.root), "check", "--base", "main",
         "--now", NOW, "--no-audit", "--no-cache", "--workers", "1", "--format", "json"],
        capture_output=True, text=True,
    )
    assert done.returncode == 1, done.stderr
    found = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "GOV-REG-005"]
    assert [(f["ref"], f["file"]) for f in found] == [("Prompt/reply@1.0.0", "prompts/reply/1.0.0.yaml")]
    assert "spec.parameters.temperature" in found[0]["message"]
    bad = subprocess.run(
        [sys.executable, "-m", "govctl", "-C", str(policy_repo.root), "check", "--base", "nope",
         "--no-audit", "--no-cache"],
        capture_output=True, text=True,
    )
    assert bad.returncode == 2
    assert "base ref 'nope' is not in this clone" in bad.stderr
