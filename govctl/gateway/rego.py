"""An organisation's own runtime rules, in Rego, over the same comparison the native rules make.

A package whose METADATA names ``GatewayRoute`` in ``custom.kinds`` is evaluated once per model
group of the deployed gateway, by the same engine as ``check`` (embedded Wasm, its regopy
fallback, or an OPA server), with this input (docs/gateway.md, "Your own runtime rules")::

    input.subject   {"identity": "GatewayRoute/<group>", "kind": "GatewayRoute", "name", "index",
                     "role": "primary" | "fallback" | null}
    input.deployed  the group as the gateway runs it: model, region, rpm, max_tokens,
                    max_input_tokens, timeout, max_retries, max_budget, budget_duration,
                    guardrails [names], fallbacks [groups], fallbackModels [routes]
    input.approved  null (the group serves no approved deployment), or the route the registry
                    approves: deployment, environment, primary and fallbacks ({identity,
                    provider, providerModelId, route, regions}), limits, guardrails
                    [{stage, type, action, threshold, litellm}], allowedRegions {rule: [globs]}
    input.gateway   {"target", "source", "digest", "guardrails": {name: {integration, mode}}}
    input.now       as for check

Findings use the policy contract of ``check``; ``path`` is relative to the group
(``litellm_params.timeout``) and is reported at that place in the configuration.
"""

from __future__ import annotations

import json
from typing import Any

from govctl.gateway.deployed import DeployedGateway, DeployedGroup, Where
from govctl.gateway.drift import Drift
from govctl.gateway.governed import GovernedRoute, GovernedState, ModelTarget
from govctl.gateway.litellm_map import GUARDRAILS, guardrail_name
from govctl.gateway.litellm_render import expected_model
from govctl.models.names import RUNTIME_KINDS
from govctl.policy.bundle import PolicyBundle
from govctl.policy.engine import EngineSettings, EvalRequest, check_answers, normalise
from govctl.policy.engines import create_engine, prepare_engine

KIND = RUNTIME_KINDS[0]


def _model(model: ModelTarget) -> dict[str, Any]:
    return {
        "identity": model.identity,
        "provider": model.provider,
        "providerModelId": model.provider_model_id,
        "route": expected_model(model),
        "regions": list(model.regions),
    }


def approved_json(route: GovernedRoute) -> dict[str, Any]:
    policy = (route.guardrail_policy or "").split("/", 1)[-1]
    limits = route.limits
    return {
        "deployment": route.deployment,
        "environment": route.environment,
        "primary": _model(route.primary),
        "fallbacks": [_model(m) for m in route.fallbacks],
        "limits": {
            "maxInputTokens": limits.max_input_tokens,
            "maxOutputTokens": limits.max_output_tokens,
            "requestsPerMinute": limits.requests_per_minute,
            "timeoutSeconds": limits.timeout_seconds,
            "retries": limits.retries,
            "monthlyBudgetUSD": limits.monthly_budget_usd,
        },
        "guardrails": [
            {
                "stage": c.stage,
                "type": c.type,
                "action": c.action,
                "threshold": c.threshold,
                "litellm": guardrail_name(policy, c.stage, c.type)
                if GUARDRAILS.get((c.stage, c.type))
                else None,
            }
            for c in route.guardrails
        ],
        "allowedRegions": {rule: list(globs) for rule, globs in route.allowed_regions},
    }


def deployed_json(group: DeployedGroup, config: DeployedGateway) -> dict[str, Any]:
    chain = list(config.fallbacks.get(group.name, ()))
    return {
        "model_name": group.name,
        "model": group.model,
        "region": group.region,
        "rpm": group.rpm,
        "max_tokens": group.max_tokens,
        "max_input_tokens": group.max_input_tokens,
        "timeout": group.timeout_seconds,
        "max_retries": group.retries,
        "max_budget": group.max_budget,
        "budget_duration": group.budget_duration,
        "guardrails": list(group.guardrails),
        "fallbacks": chain,
        "fallbackModels": [g.model if (g := config.group(n)) else None for n in chain],
    }


def governing_route(
    group: DeployedGroup, config: DeployedGateway, state: GovernedState
) -> tuple[GovernedRoute | None, str | None]:
    """The approved route a group serves and its role in it (primary, or a fallback of it)."""
    route = state.route(group.name)
    if route is not None:
        return route, "primary"
    for primary, chain in sorted(config.fallbacks.items()):
        owner = state.route(primary)
        if owner is not None and group.name in chain:
            return owner, "fallback"
    return None, None


def route_input(
    group: DeployedGroup, config: DeployedGateway, state: GovernedState, now: str
) -> dict[str, Any]:
    route, role = governing_route(group, config, state)
    return {
        "subject": {
            "identity": f"{KIND}/{group.name}",
            "kind": KIND,
            "name": group.name,
            "index": group.index,
            "role": role,
        },
        "deployed": deployed_json(group, config),
        "approved": approved_json(route) if route is not None else None,
        "gateway": {
            "target": "litellm",
            "source": config.source,
            "digest": config.digest,
            "guardrails": {
                name: {"integration": g.integration, "mode": g.mode}
                for name, g in sorted(config.guardrails.items())
            },
        },
        "now": now,
    }


def _where(group: DeployedGroup, path: str) -> Where:
    """A path relative to the group, at the line of that field when govctl knows it."""
    last = path.rsplit(".", 1)[-1]
    known = group.where.get(last) or group.where.get("entry")
    full = f"model_list[{group.index}]" + (f".{path}" if path else "")
    return Where(full, known.line if known else None, known.column if known else None)


def rego_drift(
    bundle: PolicyBundle,
    engine_name: str,
    settings: EngineSettings,
    state: GovernedState,
    config: DeployedGateway,
    now: str,
) -> list[Drift]:
    """Findings of the repository's GatewayRoute packages, one evaluation per model group."""
    if not bundle.evaluates(KIND) or not config.groups:
        return []
    groups = {f"{KIND}/{g.name}": g for g in config.groups}
    requests = [
        EvalRequest(identity, KIND, json.dumps(route_input(g, config, state, now)))
        for identity, g in groups.items()
    ]
    engine = create_engine(engine_name, settings)
    try:
        prepare_engine(engine, bundle)
        raw = engine.evaluate(bundle, requests)
        source = f"OPA at {settings.opa_url}" if engine_name == "opa" else "the engine"
        check_answers(bundle, groups, raw, engine_name, source)
    finally:
        engine.close()
    drifts = []
    for identity, found in sorted(raw.items()):
        group = groups[identity]
        route, _ = governing_route(group, config, state)
        for finding in (normalise(bundle, identity, f) for f in found):
            ref = route.deployment if route is not None else None
            where = _where(group, finding.path)
            drifts.append(Drift(finding.rule, finding.message, ref, where, finding.severity))
    return drifts
