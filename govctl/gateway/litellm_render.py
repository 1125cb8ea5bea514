"""Render the LiteLLM proxy ``config.yaml`` for the governed routes.

One model group per deployment, named after it, routed to the primary model; one group per
fallback (``<deployment>--fallback-<n>``) chained in order through ``router_settings.fallbacks``;
per-request and per-minute limits, timeouts, retries and the monthly budget in each group's
``litellm_params``; the deployment's guardrail checks as LiteLLM guardrails attached to its groups;
``model_info.govctl`` traces each group back to the registry (deployment, model, registry and
policy digests, commit). Credentials are ``os.environ/…`` references only. The output is a pure
function of its inputs (YAML 1.1, so PyYAML — which LiteLLM uses — reads every scalar as written).
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML

from govctl.gateway.governed import GovernedRoute, GovernedState, ModelTarget
from govctl.gateway.litellm_map import (
    ENV_PREFIX,
    GUARDRAILS,
    PROVIDERS,
    GuardrailMap,
    env_name,
    guardrail_name,
)

MASTER_KEY_ENV = "LITELLM_MASTER_KEY"
BUDGET_DURATION = "30d"  # the registry's ceiling is monthly


@dataclass(frozen=True)
class RenderMeta:
    registry_digest: str
    policy_digest: str
    commit: str | None
    govctl_version: str


@dataclass(frozen=True)
class Unmapped:
    """A guardrail check of a rendered route that LiteLLM has no equivalent for."""

    deployment: str
    stage: str
    type: str


@dataclass(frozen=True)
class Rendered:
    text: str
    routes: tuple[str, ...]  # deployment identities rendered
    unmapped: tuple[Unmapped, ...]
    skipped: tuple[tuple[str, str], ...]  # (deployment identity, reason) not rendered


def fallback_group(route: GovernedRoute, position: int) -> str:
    """The model group of the ``position``-th (1-based) fallback of a route."""
    return f"{route.name}--fallback-{position}"


def chosen_region(route: GovernedRoute, model: ModelTarget) -> str | None:
    """The first hosting region every governing residency rule allows (else the first one)."""
    allowed = [r for r in model.regions if route.region_allowed(r)] or list(model.regions)
    return allowed[0] if allowed else None


def expected_model(model: ModelTarget) -> str | None:
    """The ``litellm_params.model`` route of a registry model, or None for unknown providers."""
    mapping = PROVIDERS.get(model.provider)
    return f"{mapping.prefix}/{model.provider_model_id}" if mapping else None


def _env(template: str, region: str | None) -> str:
    return ENV_PREFIX + env_name(template, region)


def _limits(route: GovernedRoute) -> dict[str, Any]:
    limits = route.limits
    params: dict[str, Any] = {}
    if limits.requests_per_minute is not None:
        params["rpm"] = limits.requests_per_minute
    if limits.timeout_seconds is not None:
        params["timeout"] = limits.timeout_seconds
    if limits.retries is not None:
        params["max_retries"] = limits.retries
    if limits.max_output_tokens is not None:
        params["max_tokens"] = limits.max_output_tokens
    if limits.monthly_budget_usd is not None:
        params["max_budget"] = limits.monthly_budget_usd
        params["budget_duration"] = BUDGET_DURATION
    return params


def _group(
    route: GovernedRoute, name: str, model: ModelTarget, guardrails: list[str], meta: RenderMeta
) -> dict[str, Any]:
    mapping = PROVIDERS[model.provider]
    region = chosen_region(route, model)
    params: dict[str, Any] = {"model": expected_model(model)}
    if region is not None:
        params[mapping.region_key] = region
    for key, template in mapping.credentials:
        params[key] = _env(template, region)
    params.update(_limits(route))
    if guardrails:
        params["guardrails"] = list(guardrails)
    info: dict[str, Any] = {"id": name}
    if route.limits.max_input_tokens is not None:
        info["max_input_tokens"] = route.limits.max_input_tokens
    info["govctl"] = {
        "deployment": route.deployment,
        "environment": route.environment,
        "model": model.identity,
        "registryDigest": meta.registry_digest,
        "policyDigest": meta.policy_digest,
        "commit": meta.commit,
    }
    return {"model_name": name, "litellm_params": params, "model_info": info}


def _guardrail_entry(name: str, mapping: GuardrailMap) -> dict[str, Any]:
    params: dict[str, Any] = {"guardrail": mapping.integration, "mode": mapping.mode}
    for key, env in mapping.credentials:
        params[key] = ENV_PREFIX + env
    for key, value in mapping.settings:
        params[key] = copy.deepcopy(value)
    params["default_on"] = False  # attached per model group, never to unrelated traffic
    return {"guardrail_name": name, "litellm_params": params}


def route_guardrails(route: GovernedRoute) -> tuple[list[tuple[str, GuardrailMap]], list[Unmapped]]:
    """The LiteLLM guardrails of a route (name, mapping) and the checks without an equivalent."""
    policy = (route.guardrail_policy or "").split("/", 1)[-1]
    mapped: dict[str, GuardrailMap] = {}
    unmapped: list[Unmapped] = []
    for check in route.guardrails:
        mapping = GUARDRAILS.get((check.stage, check.type))
        if mapping is None:
            unmapped.append(Unmapped(route.deployment, check.stage, check.type))
        else:
            mapped.setdefault(guardrail_name(policy, check.stage, check.type), mapping)
    return sorted(mapped.items()), unmapped


def unsupported_provider(route: GovernedRoute) -> str | None:
    for model in route.models:
        if model.provider not in PROVIDERS:
            return (
                f"{model.identity} has provider {model.provider!r}, which has no LiteLLM mapping "
                f"(known: {', '.join(sorted(PROVIDERS))})"
            )
    return None


def build_config(state: GovernedState, meta: RenderMeta) -> tuple[dict[str, Any], Rendered]:
    model_list: list[dict[str, Any]] = []
    fallbacks: list[dict[str, list[str]]] = []
    definitions: dict[str, GuardrailMap] = {}
    unmapped: list[Unmapped] = []
    skipped = [(e.deployment, e.reason) for e in state.excluded]
    rendered: list[str] = []
    for route in state.routes:
        problem = unsupported_provider(route)
        if problem is not None:
            skipped.append((route.deployment, problem))
            continue
        guardrails, missing = route_guardrails(route)
        unmapped.extend(missing)
        definitions.update(guardrails)
        names = [name for name, _ in guardrails]
        model_list.append(_group(route, route.name, route.primary, names, meta))
        chain = []
        for position, model in enumerate(route.fallbacks, start=1):
            group = fallback_group(route, position)
            chain.append(group)
            model_list.append(_group(route, group, model, names, meta))
        if chain:
            fallbacks.append({route.name: chain})
        rendered.append(route.deployment)
    config: dict[str, Any] = {"model_list": model_list}
    config["router_settings"] = {"fallbacks": fallbacks}
    config["guardrails"] = [_guardrail_entry(n, m) for n, m in sorted(definitions.items())]
    config["general_settings"] = {"master_key": ENV_PREFIX + MASTER_KEY_ENV}
    result = Rendered("", tuple(rendered), tuple(unmapped), tuple(sorted(skipped)))
    return config, result


def _header(meta: RenderMeta, result: Rendered) -> list[str]:
    lines = [
        "# LiteLLM proxy configuration rendered by govctl from the governance registry.",
        "# Do not edit: change the registry and render again (`govctl gateway render`).",
        f"# registry {meta.registry_digest}",
        f"# policy   {meta.policy_digest}",
        f"# commit   {meta.commit or 'unknown'} · govctl {meta.govctl_version}",
    ]
    if result.unmapped:
        lines.append(
            "# Guardrail checks with no LiteLLM equivalent (enforce them in the application):"
        )
        lines.extend(f"#   {u.deployment}: {u.stage} {u.type}" for u in result.unmapped)
    if result.skipped:
        lines.append("# Deployments not routed:")
        lines.extend(f"#   {d}: {why}" for d, why in result.skipped)
    return lines


def dump_yaml(config: dict[str, Any]) -> str:
    """YAML 1.1 with every ambiguous scalar quoted, in insertion order."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.version = (1, 1)
    out = io.StringIO()
    yaml.dump(config, out)
    return out.getvalue()


def render_litellm(state: GovernedState, meta: RenderMeta) -> Rendered:
    config, result = build_config(state, meta)
    body = dump_yaml(config)
    directive, _, rest = body.partition("---\n")
    text = directive + "---\n" + "\n".join(_header(meta, result)) + "\n" + rest
    return Rendered(text, result.routes, result.unmapped, result.skipped)
