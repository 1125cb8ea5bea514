"""Customising the built-in catalog, on both engines (embedded and a real OPA server): parameters,
packages that replace built-in ones, a vendored identical catalog and duplicate rule ids."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from govctl.api import CheckOptions, check
from govctl.errors import PolicyError
from govctl.policy.catalog import builtin_catalog_dir
from tests.conftest import NOW

pytestmark = pytest.mark.opa

BASE = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "base"
ENGINES = ("embedded", "opa")
DEPLOYMENT = "Deployment/support-assistant-eu-prod"

CONFIG = """\
apiVersion: govctl/v1
kind: Config
teams: [team-support, ml-platform, compliance, security]
environments: [dev, staging, prod]
roots: [registry, prompts]
policy:
  paths: [{paths}]
{extra}
cache: {{enabled: false}}
"""


def repo(tmp_path: Path, extra: str = "", paths: str = "") -> Path:
    """The clean rule-fixture repository with ``extra`` lines in its policy section."""
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    (root / "govctl.yaml").write_text(CONFIG.format(paths=paths, extra=extra), encoding="utf-8")
    return root


def findings(root: Path, engine: str, url: str | None) -> set[tuple[str, str, str]]:
    result = check(
        CheckOptions(root=root, engine=engine, opa_url=url, now=NOW, use_cache=False, audit=False)
    )
    return {(f.rule, f.ref or "", f.message) for f in result.findings}


def rules_refs(found: set[tuple[str, str, str]]) -> set[tuple[str, str]]:
    return {(rule, ref) for rule, ref, _ in found}


@pytest.fixture(params=ENGINES)
def engine(request: Any) -> tuple[str, str | None]:
    if request.param == "opa":
        return "opa", request.getfixturevalue("opa_url")
    return "embedded", None


def test_the_base_repository_is_clean(tmp_path: Path, engine: tuple[str, str | None]) -> None:
    assert findings(repo(tmp_path), *engine) == set()


@pytest.mark.parametrize(
    ("setting", "fires"),
    [
        ("GOV-EVL-001: {minCases: 241}", True),  # the dataset holds 240 cases
        ("GOV-EVL-001: {minCases: 240}", False),
        ("GOV-EVL-001: {minCases: {value: 100, riskTiers: {high: 300}}}", True),
        (
            "GOV-EVL-001: {minCases: {value: 300, riskTiers: {limited: 500}, "
            "environments: {prod: 100}}}",
            False,
        ),
        ("GOV-EVL-001: {minCases: {value: 100, environments: {prod: 241}}}", True),
        (
            "GOV-EVL-001: {minCases: {value: 500, environments: {prod: 100}, "
            "riskTiers: {high: 200}}}",
            False,
        ),  # the risk tier wins over the environment
    ],
)
def test_min_cases_parameter_alters_exactly_its_finding(
    tmp_path: Path, engine: tuple[str, str | None], setting: str, fires: bool
) -> None:
    found = findings(repo(tmp_path, f"  parameters:\n    {setting}"), *engine)
    if not fires:
        assert found == set()
        return
    assert rules_refs(found) == {("GOV-EVL-001", DEPLOYMENT)}
    (message,) = [m for _, _, m in found]
    assert "has 240 cases" in message and "(minCases)" in message


def test_temperature_parameter_flags_only_the_high_risk_prompts(
    tmp_path: Path, engine: tuple[str, str | None]
) -> None:
    found = findings(
        repo(tmp_path, "  parameters:\n    GOV-PRM-004: {maxTemperature: 0.1}"), *engine
    )
    assert rules_refs(found) == {
        ("GOV-PRM-004", "Prompt/support-reply@1.3.0"),
        ("GOV-PRM-004", "Prompt/support-reply@1.4.0"),
    }
    assert all("set 0.1 or lower" in m for _, _, m in found)


def test_list_parameter(tmp_path: Path, engine: tuple[str, str | None]) -> None:
    extra = "  parameters:\n    GOV-OBS-001: {requiredAlerts: [errorRate, tokensPerMinute]}"
    found = findings(repo(tmp_path, extra), *engine)
    assert {(r, ref) for r, ref, _ in found} == {("GOV-OBS-001", DEPLOYMENT)}
    (message,) = [m for _, _, m in found]
    assert "tokensPerMinute" in message


def _edited_evaluation(min_cases: int) -> str:
    catalog = builtin_catalog_dir()
    assert catalog is not None
    source = (catalog / "evaluation" / "evaluation.rego").read_text(encoding="utf-8")
    edited = source.replace(
        'min_cases := lib.param("GOV-EVL-001", "minCases")', f"min_cases := {min_cases}"
    )
    assert edited != source
    return edited


def test_a_repository_package_replaces_the_built_in_one(
    tmp_path: Path, engine: tuple[str, str | None]
) -> None:
    root = repo(tmp_path, paths="policies")
    (root / "policies").mkdir()
    (root / "policies" / "evaluation.rego").write_text(_edited_evaluation(300), encoding="utf-8")
    found = findings(root, *engine)
    assert rules_refs(found) == {("GOV-EVL-001", DEPLOYMENT)}
    result = check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))
    assert "govctl.rules.evaluation" in result.policy_overrides


def test_a_vendored_identical_catalog_gives_identical_results(
    tmp_path: Path, engine: tuple[str, str | None]
) -> None:
    catalog = builtin_catalog_dir()
    assert catalog is not None
    root = repo(tmp_path, "  parameters:\n    GOV-PRM-004: {maxTemperature: 0.1}", "policies")
    shutil.copytree(catalog, root / "policies")
    vendored = findings(root, *engine)
    shutil.rmtree(root / "policies")
    (root / "policies").mkdir()
    assert vendored == findings(root, *engine)
    assert len(vendored) == 2


def test_two_modules_with_the_same_rule_id_are_an_error(tmp_path: Path) -> None:
    root = repo(tmp_path, paths="policies")
    source = _edited_evaluation(300).replace(
        "package govctl.rules.evaluation", "package northwind.evaluation"
    )
    (root / "policies").mkdir()
    (root / "policies" / "evaluation.rego").write_text(source, encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))
    text = str(raised.value)
    assert "GOV-EVL-001" in text
    assert (
        "policies/evaluation.rego" in text and "govctl:catalog/evaluation/evaluation.rego" in text
    )


def test_one_package_in_two_repository_files_is_an_error(tmp_path: Path) -> None:
    root = repo(tmp_path, paths="policies")
    policy = "package northwind.x\n\nimport rego.v1\n\nlimit := 1\n"
    (root / "policies").mkdir()
    (root / "policies" / "a.rego").write_text(policy, encoding="utf-8")
    (root / "policies" / "b.rego").write_text(policy, encoding="utf-8")
    with pytest.raises(PolicyError, match=r"policies/a\.rego and policies/b\.rego"):
        check(CheckOptions(root=root, now=NOW, use_cache=False, audit=False))


def test_opa_errors_name_the_authors_files_never_internal_ids(opa_url: str) -> None:
    from urllib.parse import urlsplit

    from opa_client import OpaClient

    from govctl.policy.opa_policies import Layout, OpaPolicies

    module = "# METADATA\n# title: {title}\npackage northwind.dup\n\nimport rego.v1\n\nx := 1\n"
    sources = {
        "policies/a.rego": module.format(title="A"),
        "policies/b.rego": module.format(title="B"),
    }
    parts = urlsplit(opa_url)
    client = OpaClient(host=parts.hostname, port=parts.port, retries=0, timeout=10)
    layout = Layout.of(sources)
    with pytest.raises(PolicyError) as raised:
        OpaPolicies(client, opa_url, 10, layout).ensure(0)
    text = str(raised.value)
    assert "annotation redeclared" in text
    assert "policies/a.rego:1" in text and "policies/b.rego" in text
    assert layout.key not in text and "govctl/" not in text


def _engine_config(root: Path, engine: tuple[str, str | None], extra: str) -> None:
    name, url = engine
    text = CONFIG.format(paths="policies", extra=extra)
    text = text.replace("policy:\n", f"policy:\n  engine: {name}\n")
    if url:
        text += f"opa: {{url: {url!r}}}\n"
    (root / "govctl.yaml").write_text(text, encoding="utf-8")


def test_eject_then_edit(tmp_path: Path, engine: tuple[str, str | None]) -> None:
    from tests.conftest import run_cli

    root = repo(tmp_path, paths="policies")
    (root / "policies").mkdir()
    _engine_config(root, engine, "")
    done = run_cli("-C", str(root), "policy", "eject", "GOV-EVL-001")
    assert done.returncode == 0, done.stderr
    copy = root / "policies" / "evaluation" / "evaluation.rego"
    assert findings(root, *engine) == set()  # the unedited copy decides as the built-in
    copy.write_text(
        copy.read_text().replace('lib.param("GOV-EVL-001", "minCases")', "241"), encoding="utf-8"
    )
    assert rules_refs(findings(root, *engine)) == {("GOV-EVL-001", DEPLOYMENT)}


def test_baseline_lifecycle(tmp_path: Path, engine: tuple[str, str | None]) -> None:
    from tests.conftest import run_cli

    root = repo(tmp_path, paths="policies")
    (root / "policies").mkdir()
    _engine_config(root, engine, "  parameters:\n    GOV-EVL-001: {minCases: 241}")
    assert rules_refs(findings(root, *engine)) == {("GOV-EVL-001", DEPLOYMENT)}

    def run_check(now: str = NOW) -> int:
        return run_cli("-C", str(root), "check", "--no-audit", "--now", now).returncode

    assert run_check() == 1
    done = run_cli(
        "-C", str(root), "baseline", "create", "--approved-by", "cro", "--justification", "x",
        "--expires", "2026-12-10", "--now", NOW,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert run_check() == 0
    # A new violation of another rule still fails.
    prompt = root / "prompts" / "support-reply" / "1.4.0.yaml"
    prompt.write_text(prompt.read_text().replace("temperature: 0.2", "temperature: 0.9"))
    _engine_config(
        root, engine, "  parameters:\n    GOV-EVL-001: {minCases: 241}\n  severity:\n"
        "    GOV-PRM-004: error"
    )  # fmt: skip
    assert run_check() == 1
    prompt.write_text(prompt.read_text().replace("temperature: 0.9", "temperature: 0.2"))
    assert run_check() == 0
    # Expired: the baseline waives nothing any more.
    assert run_check("2026-12-11T00:00:00+00:00") == 1


def test_blocking_actions_parameter(tmp_path: Path, engine: tuple[str, str | None]) -> None:
    extra = "  parameters:\n    GOV-GRD-001: {blockingActions: {value: [block], riskTiers: {high: [escalate]}}}"
    found = findings(repo(tmp_path, extra), *engine)
    assert rules_refs(found) == {("GOV-GRD-001", DEPLOYMENT)}  # the high-risk deployment only


@pytest.mark.parametrize(
    ("setting", "fires"),
    [
        ("{ceilingVolume: x10}", True),  # 2,025 USD at x1, 20,250 at x10; the ceiling is 5,000
        ("{ceilingVolume: {value: x1, environments: {dev: x100}}}", False),  # a prod deployment
    ],
)
def test_ceiling_volume_parameter(
    tmp_path: Path, engine: tuple[str, str | None], setting: str, fires: bool
) -> None:
    found = findings(repo(tmp_path, f"  parameters:\n    GOV-CST-002: {setting}"), *engine)
    if not fires:
        assert found == set()
        return
    ((rule, ref, message),) = found
    assert (rule, ref) == ("GOV-CST-002", DEPLOYMENT)
    assert message.startswith("projected monthly cost at x10 volume is 20250 USD")


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        # The fallback's version is 2024-07-18, the primary's 2024-08-06.
        ("{floatingAliases: [latest, 2024-07-18]}", "version 2024-07-18 is a floating alias"),
        ("{floatingMarkers: [latest, '-08-']}", "version 2024-08-06 is a floating alias"),
        ("{floatingAliases: [latest, v1], floatingMarkers: [nightly]}", None),
    ],
)
def test_floating_alias_parameters(
    tmp_path: Path, engine: tuple[str, str | None], setting: str, expected: str | None
) -> None:
    found = findings(repo(tmp_path, f"  parameters:\n    GOV-MDL-003: {setting}"), *engine)
    if expected is None:
        assert found == set()
        return
    ((rule, ref, message),) = found
    assert (rule, ref) == ("GOV-MDL-003", DEPLOYMENT)
    assert expected in message


@pytest.mark.parametrize(
    ("setting", "missing"),
    [
        (
            "GOV-GRD-002: {inputChecks: [pii_detection, language]}",
            ("GOV-GRD-002", "input language"),
        ),
        (
            "GOV-GRD-002: {outputChecks: {value: [pii_redaction], riskTiers: {high: [pii_redaction, "
            "toxicity]}}}",
            ("GOV-GRD-002", "output toxicity"),
        ),
        (
            "GOV-GRD-002: {outputChecks: {value: [pii_redaction], riskTiers: {limited: [toxicity]}}}",
            None,
        ),  # the deployment is high-risk
        (
            "GOV-GRD-003: {prodOutputChecks: [format_validation, schema]}",
            ("GOV-GRD-003", "output schema (prod)"),
        ),
        (
            "GOV-GRD-003: {userFacingOutputChecks: {value: [safety], environments: {prod: "
            "[toxicity]}}}",
            ("GOV-GRD-003", "output toxicity (user-facing)"),
        ),
        (
            "GOV-GRD-003: {userFacingOutputChecks: {value: [safety], environments: {dev: [x]}}}",
            None,
        ),
        (
            "GOV-GRD-006: {inputChecks: [topic_filter, language]}",
            ("GOV-GRD-006", "lacks an input language"),
        ),
        ("GOV-GRD-006: {inputChecks: []}", None),
    ],
)
def test_guardrail_check_type_parameters(
    tmp_path: Path,
    engine: tuple[str, str | None],
    setting: str,
    missing: tuple[str, str] | None,
) -> None:
    found = findings(repo(tmp_path, f"  parameters:\n    {setting}"), *engine)
    if missing is None:
        assert found == set()
        return
    ((rule, ref, message),) = found
    assert (rule, ref) == (missing[0], DEPLOYMENT)
    assert missing[1] in message


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("{minRetries: 4}", "retries failed model calls 3 times, fewer than 4 (minRetries)"),
        ("{minRetries: 3}", None),  # the deployment retries 3 times
        ("{minRetries: {value: 5, riskTiers: {high: 3}}}", None),
        ("{minRetries: {value: 1, riskTiers: {high: 6}}}", "fewer than 6 (minRetries)"),
        ("{backoffStrategies: [jittered]}", "set spec.reliability.backoff: jittered"),
        ("{backoffStrategies: [jittered, exponential]}", None),
    ],
)
def test_retry_parameters(
    tmp_path: Path, engine: tuple[str, str | None], setting: str, expected: str | None
) -> None:
    found = findings(repo(tmp_path, f"  parameters:\n    GOV-REL-002: {setting}"), *engine)
    if expected is None:
        assert found == set()
        return
    ((rule, ref, message),) = found
    assert (rule, ref) == ("GOV-REL-002", DEPLOYMENT)
    assert expected in message


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("", "over the budget of 1700 ms — "),  # the model's observed p95 is 1800 ms
        ("GOV-LAT-001: {tolerancePercent: 5}", "over the budget of 1700 ms (tolerance 5%)"),
        ("GOV-LAT-001: {tolerancePercent: 6}", None),  # 1700 ms + 6% = 1802 ms
        ("GOV-LAT-001: {tolerancePercent: {value: 0, riskTiers: {high: 10}}}", None),
        ("GOV-LAT-001: {tolerancePercent: {value: 0, environments: {dev: 10}}}", "over the budget"),
    ],
)
def test_latency_tolerance_parameter(
    tmp_path: Path, engine: tuple[str, str | None], setting: str, expected: str | None
) -> None:
    root = repo(tmp_path, f"  parameters:\n    {setting}" if setting else "")
    deployment = root / "registry" / "deployments" / "support-assistant-eu-prod.yaml"
    text = deployment.read_text(encoding="utf-8")
    deployment.write_text(text.replace("p95Ms: 2500", "p95Ms: 1700"), encoding="utf-8")
    found = findings(root, *engine)
    if expected is None:
        assert found == set()
        return
    ((rule, ref, message),) = found
    assert (rule, ref) == ("GOV-LAT-001", DEPLOYMENT)
    assert expected in message
