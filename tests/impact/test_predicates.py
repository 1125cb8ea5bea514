"""One real commit per predicate: the exact predicates, fields and affected deployments, and what
must not fire (see the repository layout in conftest.py)."""

from __future__ import annotations

from .conftest import ALL_DEPLOYMENTS, GitRepo, deployment, prompt
from .helpers import affected, change, fields, impact, via

GUARD = "registry/guardrails/strict.yaml"
EU = "registry/residency/eu-pii.yaml"
SUITE = "registry/evals/golden.yaml"
SUPPORT = {"Deployment/support-prod", "Deployment/support-staging"}
PUBLIC = {"Deployment/internal-prod", "Deployment/lab-dev"}


def test_no_change(repo: GitRepo) -> None:
    report = impact(repo)
    assert report.changes == () and report.affected == () and report.approvals == ()
    assert report.risk.level == "low"
    assert report.base.sha == report.head.sha == repo.base


def test_modified_metadata_only(repo: GitRepo) -> None:
    repo.edit(GUARD, "description: customer-facing", "description: customer facing in the EU")
    repo.commit()
    report = impact(repo)
    item = change(report, "GuardrailPolicy/strict")
    assert item.type == "modified"
    assert item.predicates == ("modified.metadata",)
    assert fields(item) == [("metadata.description", "customer-facing", "customer facing in the EU")]
    assert affected(report) == SUPPORT
    assert via(report, "Deployment/support-prod") == ("GuardrailPolicy/strict", "Deployment/support-prod")


def test_guardrail_threshold_raised_is_weakened(repo: GitRepo) -> None:
    repo.edit(GUARD, "threshold: 0.8", "threshold: 0.9")
    repo.commit()
    report = impact(repo)
    item = change(report, "GuardrailPolicy/strict")
    assert item.predicates == ("modified.spec", "guardrail.weakened")
    assert fields(item) == [("spec.input[0].threshold", 0.8, 0.9)]
    assert item.reasons["guardrail.weakened"] == (
        "input prompt_injection threshold raised from 0.8 to 0.9",
    )
    assert affected(report) == SUPPORT
    assert not affected(report) & PUBLIC


def test_guardrail_tightened_is_not_weakened(repo: GitRepo) -> None:
    repo.edit(GUARD, "threshold: 0.8", "threshold: 0.7")
    repo.edit(GUARD, "{type: format_validation, action: retry}", "{type: format_validation, action: block}")
    repo.edit(GUARD, "  onError: block", "  onError: block\n  timeoutMs: 300")
    repo.commit()
    item = change(impact(repo), "GuardrailPolicy/strict")
    assert item.predicates == ("modified.spec",)


def test_guardrail_check_removed_action_weakened_and_fail_open(repo: GitRepo) -> None:
    repo.edit(GUARD, "    - {type: safety, threshold: 0.5, action: block}\n", "")
    repo.edit(GUARD, "{type: pii_detection, action: redact}", "{type: pii_detection, action: log}")
    repo.edit(GUARD, "onError: block", "onError: allow")
    repo.commit()
    item = change(impact(repo), "GuardrailPolicy/strict")
    assert "guardrail.weakened" in item.predicates
    assert item.reasons["guardrail.weakened"] == (
        "input pii_detection action moved from redact to weaker log",
        "output safety check removed (action block)",
        "onError set to allow, failing open (was block)",
    )


def test_guardrail_checks_reordered_is_no_field_change(repo: GitRepo) -> None:
    repo.edit(
        GUARD,
        "    - {type: prompt_injection, threshold: 0.8, action: block}\n"
        "    - {type: pii_detection, action: redact}\n",
        "    - {type: pii_detection, action: redact}\n"
        "    - {type: prompt_injection, threshold: 0.8, action: block}\n",
    )
    repo.commit()
    item = change(impact(repo), "GuardrailPolicy/strict")
    assert item.fields == () and item.predicates == ()


def test_residency_region_added_is_widened(repo: GitRepo) -> None:
    repo.edit(EU, 'allowedRegions: [westeurope, "eu-*"]', 'allowedRegions: [westeurope, "eu-*", us-east-1]')
    repo.commit()
    report = impact(repo)
    item = change(report, "ResidencyRule/eu-pii")
    assert item.predicates == ("modified.spec", "residency.widened")
    assert item.reasons["residency.widened"] == ("allowedRegions gained us-east-1",)
    assert fields(item) == [
        ("spec.allowedRegions", ["westeurope", "eu-*"], ["westeurope", "eu-*", "us-east-1"])
    ]
    assert affected(report) == SUPPORT


def test_residency_data_class_removed_is_widened_and_reaches_through_the_base(repo: GitRepo) -> None:
    repo.edit(EU, "dataClasses: [pii, financial]", "dataClasses: [financial]")
    repo.commit()
    report = impact(repo)
    item = change(report, "ResidencyRule/eu-pii")
    assert "residency.widened" in item.predicates
    assert item.reasons["residency.widened"] == (
        "dataClasses no longer include pii (that data is no longer governed by this rule)",
    )
    # the rule no longer governs the support deployments at the head: found through the base
    assert affected(report) == SUPPORT


def test_residency_narrowed_is_not_widened(repo: GitRepo) -> None:
    repo.edit(EU, 'allowedRegions: [westeurope, "eu-*"]', "allowedRegions: [westeurope]")
    repo.edit(EU, "allowedJurisdictions: [EU]", "allowedJurisdictions: [EU]\n  waivable: false")
    repo.commit()
    item = change(impact(repo), "ResidencyRule/eu-pii")
    assert item.predicates == ("modified.spec",)


def test_eval_threshold_lowered_direction_aware(repo: GitRepo) -> None:
    repo.edit(SUITE, "threshold: 0.9}", "threshold: 0.85}")
    repo.edit(SUITE, "threshold: 2000, direction: lower", "threshold: 2500, direction: lower")
    repo.commit()
    report = impact(repo)
    item = change(report, "EvalSuite/golden")
    assert item.predicates == ("modified.spec", "eval.threshold_lowered")
    assert item.reasons["eval.threshold_lowered"] == (
        "factual_accuracy threshold lowered from 0.9 to 0.85",
        "p95_latency_ms threshold raised from 2000 to 2500 (lower is better)",
    )
    # support-prod names the suite; support-staging gets it from prompt reply@1.1.0
    assert affected(report) == SUPPORT


def test_eval_threshold_tightened_is_not_lowered(repo: GitRepo) -> None:
    repo.edit(SUITE, "threshold: 0.9}", "threshold: 0.95}")
    repo.edit(SUITE, "threshold: 2000, direction: lower", "threshold: 1500, direction: lower")
    repo.commit()
    assert change(impact(repo), "EvalSuite/golden").predicates == ("modified.spec",)


def test_eval_dataset_content_changed(repo: GitRepo) -> None:
    path = repo.root / "registry/evals/datasets/golden.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + '{"input": "new"}\n', encoding="utf-8")
    repo.commit()
    report = impact(repo)
    item = change(report, "EvalSuite/golden")
    assert item.predicates == ("eval.dataset_changed",)
    assert item.reasons["eval.dataset_changed"] == (
        "dataset registry/evals/datasets/golden.jsonl content changed (10 cases → 11 cases)",
    )
    assert affected(report) == SUPPORT


def test_released_prompt_version_mutated(repo: GitRepo) -> None:
    repo.edit("prompts/reply/1.0.0.yaml", "temperature: 0.2", "temperature: 0.5")
    repo.commit()
    report = impact(repo)
    item = change(report, "Prompt/reply@1.0.0")
    assert item.predicates == ("modified.spec", "prompt.released_version_mutated")
    assert fields(item) == [("spec.parameters.temperature", 0.2, 0.5)]
    assert item.reasons["prompt.released_version_mutated"] == (
        "released version reply@1.0.0 changed spec.parameters.temperature; "
        "publish a new version instead",
    )
    assert affected(report) == {"Deployment/support-prod"}


def test_new_prompt_version_and_metadata_edit_are_not_mutations(repo: GitRepo) -> None:
    repo.write({"prompts/reply/1.2.0.yaml": prompt("reply", "1.2.0", "m-b@2024-01-01", "golden")})
    repo.edit("prompts/reply/1.0.0.yaml", "description: reply prompt", "description: the reply prompt")
    repo.commit()
    report = impact(repo)
    assert change(report, "Prompt/reply@1.2.0").predicates == ("added",)
    assert change(report, "Prompt/reply@1.0.0").predicates == ("modified.metadata",)
    assert affected(report) == {"Deployment/support-prod"}


def test_model_status_changed(repo: GitRepo) -> None:
    repo.edit("registry/models/m-b.yaml", "status: approved", "status: deprecated")
    repo.commit()
    report = impact(repo)
    item = change(report, "Model/m-b@2024-01-01")
    assert item.predicates == ("modified.spec", "model.status_changed")
    assert item.reasons["model.status_changed"] == ("status changed from approved to deprecated",)
    assert affected(report) == {"Deployment/support-staging", "Deployment/internal-prod"}
    assert via(report, "Deployment/internal-prod") == (
        "Model/m-b@2024-01-01", "Prompt/internal@1.0.0", "Deployment/internal-prod"
    )


def test_model_price_change_is_not_a_status_change(repo: GitRepo) -> None:
    repo.edit("registry/models/m-a.yaml", "inputPer1M: 2.5", "inputPer1M: 5.0")
    repo.commit()
    report = impact(repo)
    assert change(report, "Model/m-a@2024-01-01").predicates == ("modified.spec",)
    assert affected(report) == {"Deployment/support-prod", "Deployment/lab-dev"}
    costs = {c.identity: (c.before, c.after) for c in report.cost}
    # 30 × 1000 × (1000 × 2.5 + 200 × 10) / 1e6 = 135 → with 5.0: 30 × (5000 + 2000) / 1000 = 210
    assert costs == {"Deployment/support-prod": (135.0, 210.0), "Deployment/lab-dev": (135.0, 210.0)}


def test_deployment_prompt_changed(repo: GitRepo) -> None:
    repo.edit("registry/deployments/support-staging.yaml", "prompt: reply@1.1.0", "prompt: reply@1.0.0")
    repo.commit()
    report = impact(repo)
    item = change(report, "Deployment/support-staging")
    assert item.predicates == ("modified.spec", "deployment.prompt_changed")
    assert item.reasons["deployment.prompt_changed"] == ("prompt changed from reply@1.1.0 to reply@1.0.0",)
    assert affected(report) == {"Deployment/support-staging"}
    assert via(report, "Deployment/support-staging") == ("Deployment/support-staging",)


def test_deployment_model_changed(repo: GitRepo) -> None:
    repo.edit("registry/deployments/lab-dev.yaml", "guardrails: basic", "guardrails: basic\n  model: m-b@2024-01-01")
    repo.commit()
    report = impact(repo)
    item = change(report, "Deployment/lab-dev")
    assert item.predicates == ("modified.spec", "deployment.model_changed")
    assert item.reasons["deployment.model_changed"] == (
        "model changed from the prompt's model to m-b@2024-01-01",
    )
    assert affected(report) == {"Deployment/lab-dev"}


def test_deployment_fallbacks_changed(repo: GitRepo) -> None:
    repo.edit(
        "registry/deployments/support-prod.yaml",
        "fallbacks: [m-fallback@2024-01-01]",
        "fallbacks: [m-fallback@2024-01-01, m-b@2024-01-01]",
    )
    repo.commit()
    report = impact(repo)
    item = change(report, "Deployment/support-prod")
    assert item.predicates == ("modified.spec", "deployment.fallbacks_changed")
    assert affected(report) == {"Deployment/support-prod"}
    assert report.risk.level == "medium"


def test_deployment_environment_changed(repo: GitRepo) -> None:
    repo.edit("registry/deployments/support-staging.yaml", "environment: staging", "environment: prod")
    repo.commit()
    report = impact(repo)
    item = change(report, "Deployment/support-staging")
    assert item.predicates == ("modified.spec", "deployment.environment_changed")
    assert report.risk.level == "high"
    assert "high: Deployment/support-staging promoted to prod: environment changed from staging to prod" in (
        report.risk.reasons
    )
    assert affected(report) == {"Deployment/support-staging"}


def test_rename_is_not_remove_and_add(repo: GitRepo) -> None:
    repo.move(GUARD, "registry/guardrails/customer/strict.yaml")
    repo.commit()
    report = impact(repo)
    assert [(c.identity, c.type) for c in report.changes] == [("GuardrailPolicy/strict", "renamed")]
    item = report.changes[0]
    assert item.from_path == GUARD and item.path == "registry/guardrails/customer/strict.yaml"
    assert item.predicates == ("renamed",) and item.fields == ()
    assert affected(report) == SUPPORT


def test_rename_with_an_edit_keeps_its_fields(repo: GitRepo) -> None:
    repo.move(GUARD, "registry/guardrails/strict-v2.yaml")
    repo.edit("registry/guardrails/strict-v2.yaml", "threshold: 0.5", "threshold: 0.6")
    repo.commit()
    item = change(impact(repo), "GuardrailPolicy/strict")
    assert item.type == "renamed"
    assert item.predicates == ("renamed", "modified.spec", "guardrail.weakened")
    assert fields(item) == [("spec.output[1].threshold", 0.5, 0.6)]


def test_delete_guardrail_policy(repo: GitRepo) -> None:
    repo.remove("registry/guardrails/basic.yaml")
    repo.commit()
    report = impact(repo)
    item = change(report, "GuardrailPolicy/basic")
    assert item.type == "removed" and item.path == "registry/guardrails/basic.yaml"
    assert item.predicates == ("removed", "guardrail.weakened")
    # the deployments no longer reach it at the head (dangling): found through the base closure
    assert affected(report) == PUBLIC
    dangling = [(f.rule, f.ref, f.path) for f in report.findings.introduced]
    assert ("GOV-REG-002", "Deployment/internal-prod", "spec.guardrails") in dangling
    assert report.risk.level == "critical"  # GOV-REG-002 is not waivable


def test_delete_and_add_deployments(repo: GitRepo) -> None:
    repo.remove("registry/deployments/lab-dev.yaml")
    repo.write({
        "registry/deployments/new-dev.yaml": deployment(
            "new-dev", "dev", False, "public", "US", "lab@1.0.0", "basic"
        )
    })
    repo.commit()
    report = impact(repo)
    assert change(report, "Deployment/lab-dev").predicates == ("removed",)
    assert change(report, "Deployment/new-dev").predicates == ("added",)
    assert affected(report) == {"Deployment/new-dev"}
    costs = {c.identity: (c.before, c.after) for c in report.cost}
    assert costs == {"Deployment/lab-dev": (135.0, None), "Deployment/new-dev": (None, 135.0)}
    assert report.risk.level == "medium"
    assert "medium: new deployment Deployment/new-dev (dev)" in report.risk.reasons


def test_untouched_deployments_are_never_affected(repo: GitRepo) -> None:
    repo.edit("prompts/lab/1.0.0.yaml", "temperature: 0.2", "temperature: 0.3")
    repo.commit()
    report = impact(repo)
    assert affected(report) == {"Deployment/lab-dev"}
    assert ALL_DEPLOYMENTS - affected(report) == ALL_DEPLOYMENTS - {"Deployment/lab-dev"}
    assert report.risk.level == "low"


def test_pure_rename_is_low_risk(repo: GitRepo) -> None:
    repo.move("registry/models/m-a.yaml", "registry/models/azure/m-a.yaml")
    repo.commit()
    report = impact(repo)
    assert report.risk.level == "low"
    assert report.risk.reasons == (
        "low: Model/m-a@2024-01-01 moved from registry/models/m-a.yaml to "
        "registry/models/azure/m-a.yaml",
    )


def test_prod_prompt_spec_change_is_high(repo: GitRepo) -> None:
    repo.edit("prompts/reply/1.0.0.yaml", "maxTokens: 800", "maxTokens: 900")
    repo.commit()
    report = impact(repo)
    assert report.risk.level == "high"
    assert report.risk.reasons == (
        "high: prompt Prompt/reply@1.0.0 modified, used by prod Deployment/support-prod",
    )
