"""Customising the catalog through the real CLI: parameter and severity configuration errors,
severity overrides, `policy list | show | eject`, baselines and `waiver new`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import NOW, run_cli

BASE = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "base"
DEPLOYMENT = "Deployment/support-assistant-eu-prod"

CONFIG = """\
apiVersion: govctl/v1
kind: Config
metadata: {{name: test, owner: compliance}}
teams: [team-support, ml-platform, compliance, security]
environments: [dev, staging, prod]
roots: [registry, prompts]
policy:
  paths: [policies]
{extra}
cache: {{enabled: false}}
"""


def repo(tmp_path: Path, extra: str = "") -> Path:
    root = tmp_path / "repo"
    if not root.exists():
        shutil.copytree(BASE, root)
        (root / "policies").mkdir()
    (root / "govctl.yaml").write_text(CONFIG.format(extra=extra), encoding="utf-8")
    return root


def govctl(root: Path, *args: str) -> tuple[int, str, str]:
    done = run_cli("-C", str(root), *args)
    return done.returncode, done.stdout, done.stderr


def check(root: Path, now: str = NOW) -> tuple[int, dict[str, object]]:
    code, out, err = govctl(root, "check", "--no-audit", "--format", "json", "--now", now)
    assert code in (0, 1), err
    return code, json.loads(out)


def open_rules(report: dict[str, object]) -> set[tuple[str, str]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return {(f["rule"], f["ref"]) for f in findings if not f["waived"]}


@pytest.mark.parametrize(
    ("extra", "line", "words"),
    [
        ("  parameters:\n    GOV-EVL-01: {minCases: 5}", 10, "did you mean GOV-EVL-001?"),
        ("  parameters:\n    GOV-EVL-001: {minCase: 5}", 10, "did you mean minCases?"),
        ("  parameters:\n    GOV-EVL-001:\n      minCases: many", 11, "expected an integer"),
        ("  parameters:\n    GOV-EVL-001: {minCases: 0}", 10, "must be at least 1"),
        (
            "  parameters:\n    GOV-PRM-004:\n      maxTemperature:\n"
            "        environments: {prod: 0.1}",
            12,
            "cannot vary by environment",
        ),
        (
            "  parameters:\n    GOV-EVL-001:\n      minCases:\n        environments: {prd: 5}",
            12,
            "did you mean prod?",
        ),
        ("  parameters:\n    GOV-DAT-001: {maxRefreshCadence: 7 days}", 10, "ISO 8601"),
        ("  parameters:\n    GOV-CST-002: {ceilingVolume: x2}", 10, "must be one of x1, x10"),
        ("  parameters:\n    GOV-REL-002: {backoffStrategies: []}", 10, "at least 1 value"),
        ("  parameters:\n    GOV-GRD-001: {blockingActions: []}", 10, "at least 1 value"),
        ("  parameters:\n    GOV-REL-002: {minRetries: 0}", 10, "must be at least 1"),
        ("  parameters:\n    GOV-LAT-001: {tolerancePercent: -5}", 10, "must be at least 0"),
        (
            "  parameters:\n    GOV-MDL-003: {floatingAlias: [v1]}",
            10,
            "did you mean floatingAliases?",
        ),
        (
            "  parameters:\n    GOV-GRD-002:\n      inputChecks:\n"
            "        riskTiers: {high: pii_detection}",
            12,
            "expected a list of strings",
        ),
        ("  severity:\n    GOV-PRM-04: error", 10, "did you mean GOV-PRM-004?"),
        ("  severity:\n    GOV-MDL-001: warning", 10, "cannot go below error"),
    ],
)
def test_bad_customisation_is_a_config_error_naming_the_line(
    tmp_path: Path, extra: str, line: int, words: str
) -> None:
    code, _, err = govctl(repo(tmp_path, extra), "check", "--no-audit", "--now", NOW)
    assert code == 2, err
    assert f"govctl.yaml:{line}" in err and words in err
    assert "Traceback" not in err


def test_severity_override_raises_a_warning_to_a_failing_error(tmp_path: Path) -> None:
    lowered = "  parameters:\n    GOV-PRM-004: {maxTemperature: 0.1}"
    code, report = check(repo(tmp_path, lowered))
    assert code == 0 and {f["severity"] for f in report["findings"]} == {"warning"}  # type: ignore[attr-defined]
    code, report = check(repo(tmp_path, lowered + "\n  severity:\n    GOV-PRM-004: error"))
    assert code == 1
    assert {f["severity"] for f in report["findings"]} == {"error"}  # type: ignore[attr-defined]
    code, out, _ = govctl(repo(tmp_path, "  severity:\n    GOV-RES-004: error"), "policy", "list")
    assert "GOV-RES-004  error" in out and "severity warning → error" in out


def test_policy_list_and_show_give_parameters_and_effective_values(tmp_path: Path) -> None:
    root = repo(tmp_path, "  parameters:\n    GOV-EVL-001:\n      minCases: {value: 250, "
                "environments: {dev: 50}}")  # fmt: skip
    code, out, err = govctl(root, "policy", "list", "--format", "json")
    assert code == 0, err
    rules = {r["id"]: r for r in json.loads(out)}
    assert rules["GOV-EVL-001"]["parameters"]["minCases"]["value"] == 250
    assert rules["GOV-EVL-001"]["parameters"]["minCases"]["default"] == 200
    assert rules["GOV-EVL-001"]["parameters"]["minCases"]["environments"] == {"dev": 50}
    assert rules["GOV-MDL-002"]["parameters"]["sunsetWarningDays"]["value"] == 60
    code, out, _ = govctl(root, "policy", "show", "GOV-EVL-001")
    assert code == 0
    assert "minCases = 250 (default 200); dev: 50" in out
    assert "package govctl.rules.evaluation" in out  # the Rego source follows
    code, _, err = govctl(root, "policy", "show", "GOV-EVL-01")
    assert code == 2 and "did you mean GOV-EVL-001?" in err


def test_policy_list_and_show_give_the_guardrail_reliability_latency_and_model_parameters(
    tmp_path: Path,
) -> None:
    root = repo(tmp_path, "  parameters:\n    GOV-REL-002: {minRetries: {value: 2, riskTiers: "
                "{high: 4}}}\n    GOV-GRD-006: {inputChecks: [topic_filter, language]}")  # fmt: skip
    code, out, err = govctl(root, "policy", "list", "--format", "json")
    assert code == 0, err
    params = {r["id"]: r.get("parameters", {}) for r in json.loads(out)}
    assert params["GOV-REL-002"]["minRetries"]["value"] == 2
    assert params["GOV-REL-002"]["minRetries"]["riskTiers"] == {"high": 4}
    assert params["GOV-REL-002"]["backoffStrategies"]["value"] == ["exponential"]
    assert params["GOV-GRD-006"]["inputChecks"]["value"] == ["topic_filter", "language"]
    assert params["GOV-GRD-006"]["inputChecks"]["default"] == ["topic_filter"]
    assert params["GOV-GRD-002"]["inputChecks"]["value"] == ["pii_detection"]
    assert params["GOV-GRD-003"]["userFacingOutputChecks"]["value"] == ["safety"]
    assert params["GOV-MDL-003"]["floatingMarkers"]["value"] == ["latest"]
    assert len(params["GOV-MDL-003"]["floatingAliases"]["value"]) == 11
    assert params["GOV-LAT-001"]["tolerancePercent"]["value"] == 0
    code, out, _ = govctl(root, "policy", "show", "GOV-REL-002")
    assert code == 0
    assert "minRetries = 2 (default 1); riskTier high: 4" in out
    assert "backoffStrategies = [exponential]" in out


def test_eject_then_edit_replaces_the_built_in_package(tmp_path: Path) -> None:
    root = repo(tmp_path)
    code, out, err = govctl(root, "policy", "eject", "GOV-EVL-001")
    assert code == 0, err
    ejected = root / "policies" / "evaluation" / "evaluation.rego"
    assert ejected.is_file() and (root / "policies/evaluation/evaluation_test.rego").is_file()
    assert "wrote policies/evaluation/evaluation.rego" in out
    code, out, err = govctl(root, "policy", "test")
    assert code == 0, out + err
    code, out, _ = govctl(root, "policy", "list")
    assert "overridden by policies/evaluation/evaluation.rego" in out
    code, report = check(root)
    assert code == 0 and not open_rules(report)  # the unedited copy behaves as the built-in
    # Ejecting again never overwrites the copy.
    code, _, err = govctl(root, "policy", "eject", "govctl.rules.evaluation")
    assert code == 2 and "refusing to overwrite" in err
    source = ejected.read_text(encoding="utf-8")
    ejected.write_text(
        source.replace('lib.param("GOV-EVL-001", "minCases")', "241"), encoding="utf-8"
    )
    code, report = check(root)
    assert code == 1 and open_rules(report) == {("GOV-EVL-001", DEPLOYMENT)}
    assert report["policyOverrides"] == [
        {"package": "govctl.rules.evaluation", "file": "policies/evaluation/evaluation.rego"}
    ]
    _, text, _ = govctl(root, "check", "--no-audit", "--now", NOW)
    assert (
        "built-in govctl.rules.evaluation overridden by policies/evaluation/evaluation.rego" in text
    )


FAILING = "  parameters:\n    GOV-EVL-001: {minCases: 241}\n    GOV-PRM-004: {maxTemperature: 0.1}"


def test_a_baseline_makes_a_failing_repository_pass_and_new_findings_still_fail(
    tmp_path: Path,
) -> None:
    root = repo(tmp_path, FAILING)
    code, report = check(root)
    assert code == 1 and len(open_rules(report)) == 3
    args = ("baseline", "create", "--approved-by", "cro", "--justification", "adoption", "--now")
    code, out, err = govctl(root, *args, NOW)
    assert code == 0, err
    assert "3 findings baselined" in out
    code, report = check(root)
    assert code == 0 and open_rules(report) == set()
    assert {f["waiver"] for f in report["findings"]} == {"Baseline/adoption"}  # type: ignore[attr-defined]
    # A new violation (another field of the same prompt) still fails.
    prompt = root / "prompts" / "support-reply" / "1.4.0.yaml"
    prompt.write_text(prompt.read_text().replace("riskTier: high", "riskTier: high\n  bogus: 1"))
    code, report = check(root)
    assert code == 1 and ("GOV-REG-001", "Prompt/support-reply@1.4.0") in open_rules(report)
    prompt.write_text(prompt.read_text().replace("\n  bogus: 1", ""))
    # Creating again refuses to replace the reviewed file.
    code, _, err = govctl(root, *args, NOW)
    assert code == 2 and "exists" in err
    # Resolved findings leave the baseline.
    repo(tmp_path, "  parameters:\n    GOV-EVL-001: {minCases: 241}\n")
    code, out, err = govctl(root, "baseline", "prune", "--now", NOW)
    assert code == 0 and "removed 2 resolved findings, 1 remain" in out, err
    assert "GOV-PRM-004" not in (root / "govctl-baseline.yaml").read_text()


def test_an_expired_baseline_waives_nothing_and_fails(tmp_path: Path) -> None:
    root = repo(tmp_path, FAILING)
    args = ("baseline", "create", "--approved-by", "cro", "--justification", "adoption")
    assert govctl(root, *args, "--expires", "2026-12-01", "--now", NOW)[0] == 0
    code, report = check(root, "2026-12-02T00:00:00+00:00")
    assert code == 1
    assert ("GOV-WVR-001", None) in open_rules(report)
    assert ("GOV-EVL-001", DEPLOYMENT) in open_rules(report)


def test_a_baseline_cannot_cover_a_non_waivable_rule(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "govctl-baseline.yaml").write_text(
        "apiVersion: govctl/v1\nkind: Baseline\nmetadata: {name: hand-made}\nspec:\n"
        "  approvedBy: x\n  justification: y\n  expires: 2026-12-31\n  findings:\n"
        "    - {fingerprint: abc, rule: GOV-MDL-001, ref: Deployment/x}\n",
        encoding="utf-8",
    )
    code, report = check(root)
    assert code == 1 and open_rules(report) == {("GOV-WVR-002", None)}
    finding = report["findings"][0]  # type: ignore[index]
    assert finding["file"] == "govctl-baseline.yaml" and finding["line"] == 9


def test_waiver_new_scaffolds_a_waiver_that_waives_the_finding(tmp_path: Path) -> None:
    root = repo(tmp_path, FAILING)
    code, _, err = govctl(
        root, "waiver", "new", "--rule", "GOV-EVL-001", "--ref", DEPLOYMENT,
        "--approved-by", "cro", "--justification", "more cases by January", "--now", NOW,
    )  # fmt: skip
    assert code == 0, err
    written = root / "registry/waivers/gov-evl-001-support-assistant-eu-prod.yaml"
    assert "expires: 2027-02-20" in written.read_text()  # today + waivers.maxDays (90)
    _, report = check(root)
    assert ("GOV-EVL-001", DEPLOYMENT) not in open_rules(report)
    code, _, err = govctl(root, "waiver", "new", "0" * 32, "--now", NOW)
    assert code == 2 and "no current finding" in err


def test_a_rule_reading_an_undeclared_parameter_fails_closed(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "policies" / "x.rego").write_text(
        "package northwind.x\n\nimport rego.v1\n\nimport data.govctl.lib\n\n"
        'limit := lib.param("GOV-EVL-001", "maxCases")\n',
        encoding="utf-8",
    )
    code, _, err = govctl(root, "check", "--no-audit", "--now", NOW)
    assert code == 3 and "policies/x.rego:7" in err and "GOV-EVL-001.maxCases" in err


METADATA_PARAMETER_RULE = """\
# METADATA
# title: Few fallbacks
# custom:
#   id: ORG-REL-001
#   severity: warning
#   kinds: [Deployment]
#   parameters:
#     maxFallbacks:
#       default: 3
#       type: integer
#       minimum: 0
#       scopes: [environment]
#       description: most fallback models a deployment may chain
package org.fallbacks

import rego.v1

import data.govctl.lib

warn contains finding if {
	input.subject.kind == "Deployment"
	limit := lib.param("ORG-REL-001", "maxFallbacks")
	count(input.subject.spec.fallbacks) > limit
	finding := {"rule": "ORG-REL-001", "path": "spec.fallbacks", "msg": "too many fallbacks"}
}
"""


def test_a_rule_declares_parameters_in_its_metadata(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "policies" / "fallbacks.rego").write_text(METADATA_PARAMETER_RULE, encoding="utf-8")
    _, report = check(root)
    assert ("ORG-REL-001", DEPLOYMENT) not in open_rules(report)  # one fallback, limit 3
    root = repo(tmp_path, "  parameters:\n    ORG-REL-001: {maxFallbacks: {value: 3, "
                "environments: {prod: 0}}}")  # fmt: skip
    _, report = check(root)
    assert ("ORG-REL-001", DEPLOYMENT) in open_rules(report)
    code, out, _ = govctl(root, "policy", "list")
    assert code == 0
    assert "parameter maxFallbacks = 3; prod: 0" in out


def test_an_invalid_baseline_file_is_a_config_error_naming_its_line(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "govctl-baseline.yaml").write_text(
        "apiVersion: govctl/v1\nkind: Baseline\nmetadata: {name: x}\nspec:\n"
        "  approvedBy: x\n  justification: y\n  expires: soon\n",
        encoding="utf-8",
    )
    code, _, err = govctl(root, "check", "--no-audit", "--now", NOW)
    assert code == 2 and "govctl-baseline.yaml:7" in err and "expires" in err
    assert "Traceback" not in err


def test_a_parameter_change_is_never_answered_from_the_cache(tmp_path: Path) -> None:
    cached = CONFIG.replace("cache: {{enabled: false}}\n", "")
    root = repo(tmp_path)
    (root / "govctl.yaml").write_text(cached.format(extra=""), encoding="utf-8")
    first_code, first = check(root)
    assert first_code == 0 and (root / ".govctl-cache").exists()
    extra = "  parameters:\n    GOV-EVL-001: {minCases: 241}"
    (root / "govctl.yaml").write_text(cached.format(extra=extra), encoding="utf-8")
    code, report = check(root)
    assert code == 1 and open_rules(report) == {("GOV-EVL-001", DEPLOYMENT)}
    assert report["policyDigest"] != first["policyDigest"]
