"""Each drift class, one mutation of the rendered reference config: the exact findings, no others.

The config goes through the real path a deployed file takes (YAML text → govctl's parser with
positions), so paths and lines are the ones a user sees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govctl.findings import Finding
from tests.gateway.conftest import group

SUPPORT = "Deployment/support-assistant-eu-prod"
PRIMARY = "support-assistant-eu-prod"
FB1, FB2 = f"{PRIMARY}--fallback-1", f"{PRIMARY}--fallback-2"
PI = "customer-facing-strict--input-prompt_injection"

Drift = Callable[..., tuple[Finding, ...]]


def keys(findings: tuple[Finding, ...]) -> set[tuple[str, str | None, str]]:
    return {(f.rule, f.ref, f.path) for f in findings}


def index(config: dict[str, Any], name: str) -> int:
    return next(i for i, g in enumerate(config["model_list"]) if g["model_name"] == name)


def chain_index(config: dict[str, Any], name: str) -> int:
    chains = config["router_settings"]["fallbacks"]
    return next(i for i, c in enumerate(chains) if name in c)


def test_the_rendered_config_has_no_drift(drift: Drift) -> None:
    assert drift(lambda c: None) == ()


def test_a_route_to_another_primary_model_is_rtm_001(
    drift: Drift, reference_config: dict[str, Any]
) -> None:
    def mutate(c: dict[str, Any]) -> None:
        group(c, PRIMARY)["litellm_params"]["model"] = "azure/gpt-4o-2024-11-20"

    found = drift(mutate)
    i = index(reference_config, PRIMARY)
    assert keys(found) == {("GOV-RTM-001", SUPPORT, f"model_list[{i}].litellm_params.model")}
    assert found[0].line is not None and found[0].file == "gateway.yaml"
    assert "azure/gpt-4o-2024-11-20" in found[0].message


def test_a_missing_fallback_is_rtm_002(drift: Drift, reference_config: dict[str, Any]) -> None:
    def mutate(c: dict[str, Any]) -> None:
        c["router_settings"]["fallbacks"][chain_index(c, PRIMARY)][PRIMARY] = [FB1]
        c["model_list"] = [g for g in c["model_list"] if g["model_name"] != FB2]

    found = drift(mutate)
    k = chain_index(reference_config, PRIMARY)
    path = f"router_settings.fallbacks[{k}].{PRIMARY}"
    assert keys(found) == {("GOV-RTM-002", SUPPORT, path)}
    assert "claude-haiku" in found[0].message and "missing" in found[0].message


def test_an_orphaned_fallback_group_is_also_a_route_without_deployment(drift: Drift) -> None:
    def mutate(c: dict[str, Any]) -> None:
        c["router_settings"]["fallbacks"][chain_index(c, PRIMARY)][PRIMARY] = [FB1]

    assert {r for r, _, _ in keys(drift(mutate))} == {"GOV-RTM-002", "GOV-RTM-006"}


def test_an_extra_fallback_is_rtm_002(drift: Drift, reference_config: dict[str, Any]) -> None:
    def mutate(c: dict[str, Any]) -> None:
        c["model_list"].append(
            {"model_name": "rogue", "litellm_params": {"model": "openai/gpt-4o"}}
        )
        c["router_settings"]["fallbacks"][chain_index(c, PRIMARY)][PRIMARY].append("rogue")

    found = drift(mutate)
    n = len(reference_config["model_list"])
    assert keys(found) == {("GOV-RTM-002", SUPPORT, f"model_list[{n}].litellm_params.model")}
    assert "openai/gpt-4o" in found[0].message


def test_fallbacks_out_of_order_are_rtm_002(drift: Drift, reference_config: dict[str, Any]) -> None:
    def mutate(c: dict[str, Any]) -> None:
        c["router_settings"]["fallbacks"][chain_index(c, PRIMARY)][PRIMARY] = [FB2, FB1]

    found = drift(mutate)
    k = chain_index(reference_config, PRIMARY)
    assert keys(found) == {("GOV-RTM-002", SUPPORT, f"router_settings.fallbacks[{k}].{PRIMARY}")}
    assert "order" in found[0].message


def test_a_region_the_model_is_not_hosted_in_is_rtm_003(
    drift: Drift, reference_config: dict[str, Any]
) -> None:
    def mutate(c: dict[str, Any]) -> None:
        group(c, FB1)["litellm_params"]["region_name"] = "eastus"

    i = index(reference_config, FB1)
    found = drift(mutate)
    assert keys(found) == {("GOV-RTM-003", SUPPORT, f"model_list[{i}].litellm_params.region_name")}
    assert found[0].severity == "error"


def test_no_region_is_an_rtm_003_warning(drift: Drift, reference_config: dict[str, Any]) -> None:
    def mutate(c: dict[str, Any]) -> None:
        del group(c, PRIMARY)["litellm_params"]["region_name"]

    found = drift(mutate)
    assert [(f.rule, f.severity) for f in found] == [("GOV-RTM-003", "warning")]


def test_limits_above_the_budget_or_missing_are_rtm_004(
    drift: Drift, reference_config: dict[str, Any]
) -> None:
    def mutate(c: dict[str, Any]) -> None:
        group(c, PRIMARY)["litellm_params"]["rpm"] = 5000
        del group(c, FB2)["litellm_params"]["max_tokens"]
        group(c, FB1)["litellm_params"]["max_budget"] = 4500.01

    i, j, k = (index(reference_config, n) for n in (PRIMARY, FB2, FB1))
    assert keys(drift(mutate)) == {
        ("GOV-RTM-004", SUPPORT, f"model_list[{i}].litellm_params.rpm"),
        ("GOV-RTM-004", SUPPORT, f"model_list[{j}].litellm_params.max_tokens"),
        ("GOV-RTM-004", SUPPORT, f"model_list[{k}].litellm_params.max_budget"),
    }


def test_limits_below_the_budget_are_not_drift(drift: Drift) -> None:
    def mutate(c: dict[str, Any]) -> None:
        group(c, PRIMARY)["litellm_params"]["rpm"] = 10
        group(c, PRIMARY)["litellm_params"]["max_tokens"] = 100

    assert drift(mutate) == ()


def test_a_detached_guardrail_is_rtm_005_on_that_group_only(
    drift: Drift, reference_config: dict[str, Any]
) -> None:
    def mutate(c: dict[str, Any]) -> None:
        params = group(c, PRIMARY)["litellm_params"]
        params["guardrails"] = [g for g in params["guardrails"] if g != PI]

    i = index(reference_config, PRIMARY)
    found = drift(mutate)
    assert keys(found) == {("GOV-RTM-005", SUPPORT, f"model_list[{i}].litellm_params.guardrails")}
    assert "not attached" in found[0].message


def test_an_undefined_guardrail_is_rtm_005_wherever_it_is_required(
    drift: Drift, reference_config: dict[str, Any]
) -> None:
    def mutate(c: dict[str, Any]) -> None:
        c["guardrails"] = [g for g in c["guardrails"] if g["guardrail_name"] != PI]

    users = {
        (g["model_info"]["govctl"]["deployment"], i)
        for i, g in enumerate(reference_config["model_list"])
        if PI in g["litellm_params"].get("guardrails", [])
    }
    assert len(users) >= 3
    assert keys(drift(mutate)) == {
        ("GOV-RTM-005", ref, f"model_list[{i}].litellm_params.guardrails") for ref, i in users
    }


def test_a_guardrail_of_another_kind_is_rtm_005(drift: Drift) -> None:
    def mutate(c: dict[str, Any]) -> None:
        entry = next(g for g in c["guardrails"] if g["guardrail_name"] == PI)
        entry["litellm_params"]["mode"] = "post_call"

    found = drift(mutate)
    assert found and {f.rule for f in found} == {"GOV-RTM-005"}
    assert all("defined as azure/prompt_shield post_call" in f.message for f in found)


def test_a_route_for_an_unknown_deployment_is_rtm_006(
    drift: Drift, reference_config: dict[str, Any]
) -> None:
    def mutate(c: dict[str, Any]) -> None:
        c["model_list"].append(
            {"model_name": "shadow-assistant", "litellm_params": {"model": "openai/gpt-4o"}}
        )

    n = len(reference_config["model_list"])
    found = drift(mutate)
    assert keys(found) == {("GOV-RTM-006", None, f"model_list[{n}].model_name")}
    assert "no deployment" in found[0].message


def test_a_route_of_another_environment_is_rtm_006(drift: Drift) -> None:
    found = drift(lambda c: None, environment="prod")
    rogue = {f.path for f in found if f.rule == "GOV-RTM-006"}
    assert found and {f.rule for f in found} == {"GOV-RTM-006"}
    assert all("is not a deployment of environment prod" in f.message for f in found)
    assert len(rogue) == len({f.message.split()[2] for f in found})


def test_an_approved_deployment_without_route_is_an_info(drift: Drift) -> None:
    def mutate(c: dict[str, Any]) -> None:
        c["model_list"] = [
            g for g in c["model_list"] if not g["model_name"].startswith("kz-assistant-prod")
        ]
        c["router_settings"]["fallbacks"] = [
            f for f in c["router_settings"]["fallbacks"] if "kz-assistant-prod" not in f
        ]

    found = drift(mutate)
    assert [(f.rule, f.severity, f.ref) for f in found] == [
        ("GOV-RTM-006", "info", "Deployment/kz-assistant-prod")
    ]


def test_a_literal_secret_is_rtm_007(drift: Drift, reference_config: dict[str, Any]) -> None:
    def mutate(c: dict[str, Any]) -> None:
        group(c, PRIMARY)["litellm_params"]["api_key"] = "sk-live-0123456789"

    i = index(reference_config, PRIMARY)
    found = drift(mutate)
    assert keys(found) == {("GOV-RTM-007", None, f"model_list[{i}].litellm_params.api_key")}
    assert "sk-live" not in found[0].message  # the secret is never echoed


def test_unset_environment_variables_are_warned_once_each(
    drift: Drift, reference_config: dict[str, Any]
) -> None:
    found = drift(lambda c: None, environ={"LITELLM_MASTER_KEY": "x"})
    names = {f.message.split("variable ")[1].split(",")[0] for f in found}
    assert {f.rule for f in found} == {"GOV-RTM-007"} and {f.severity for f in found} == {"warning"}
    assert len(names) == len(found) and "LITELLM_MASTER_KEY" not in names
    assert "AZURE_API_KEY_WESTEUROPE" in names
