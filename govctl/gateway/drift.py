"""Drift: what a deployed gateway does that the registry does not approve (GOV-RTM-00x).

Each rule is a named check over (governed route, deployed configuration), reporting in the
``check`` finding shape with the place in the configuration. The comparison is by what the
gateway routes to (``litellm_params.model``), never by the labels govctl writes into
``model_info.govctl`` — labels can be copied, routes cannot lie.

| rule | checks |
|---|---|
| GOV-RTM-001 | a route calls a primary model other than the approved one |
| GOV-RTM-002 | a fallback is missing, extra, or out of the approved order |
| GOV-RTM-003 | a model is pinned to a region a governing residency rule does not allow (or none) |
| GOV-RTM-004 | a limit is missing or above the approved budget (tokens, rpm, timeout, spend) |
| GOV-RTM-005 | an approved guardrail is not attached, not defined, or of another kind |
| GOV-RTM-006 | a route serves no approved deployment of this environment (or one has no route) |
| GOV-RTM-007 | a credential is written literally, or references an unset environment variable |
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from govctl.findings import Finding, fingerprint, sort_key
from govctl.gateway.deployed import DeployedGateway, DeployedGroup, Where
from govctl.gateway.governed import GovernedRoute, GovernedState, ModelTarget
from govctl.gateway.litellm_map import GuardrailMap
from govctl.gateway.litellm_render import expected_model, route_guardrails
from govctl.rules import RuleMeta


def _rule(rule_id: str, title: str, severity: str, controls: tuple[str, ...], fix: str) -> RuleMeta:
    return RuleMeta(
        id=rule_id,
        title=title,
        description=title,
        severity=severity,
        component="runtime",
        stage="baseline",
        waivable=False,
        controls=controls,
        remediation=fix,
        kinds=(),
        source="govctl (native, gateway)",
        package=None,
    )


RENDER = "Render the approved configuration with `govctl gateway render` and deploy it."
GATEWAY_RULES: Mapping[str, RuleMeta] = {
    r.id: r
    for r in (
        _rule(
            "GOV-RTM-001",
            "Gateway route calls a model the registry does not approve",
            "error",
            ("EU-AI-ACT:Art.15", "ISO-42001:A.6.2.6", "NIST-AI-RMF:MANAGE-2.4"),
            RENDER,
        ),
        _rule(
            "GOV-RTM-002",
            "Gateway fallback chain differs from the approved fallbacks",
            "error",
            ("EU-AI-ACT:Art.15", "ISO-42001:A.6.2.6", "NIST-AI-RMF:MANAGE-2.4"),
            RENDER,
        ),
        _rule(
            "GOV-RTM-003",
            "Gateway model pinned outside the regions residency allows",
            "error",
            ("EU-AI-ACT:Art.10", "OWASP-LLM-2025:LLM02", "ISO-42001:A.7.2"),
            "Pin every model group to a region each governing residency rule allows.",
        ),
        _rule(
            "GOV-RTM-004",
            "Gateway limit missing or above the approved budget",
            "error",
            ("OWASP-LLM-2025:LLM10", "ISO-42001:A.4.5", "NIST-AI-RMF:MANAGE-2.1"),
            RENDER,
        ),
        _rule(
            "GOV-RTM-005",
            "Approved guardrail missing from the gateway route",
            "error",
            ("EU-AI-ACT:Art.15", "OWASP-LLM-2025:LLM01", "NIST-AI-RMF:MANAGE-2.4"),
            RENDER,
        ),
        _rule(
            "GOV-RTM-006",
            "Gateway route without an approved deployment",
            "error",
            ("EU-AI-ACT:Art.12", "ISO-42001:A.6.2.6", "NIST-AI-RMF:GOVERN-1.4"),
            "Remove the route, or add and approve the deployment in the registry.",
        ),
        _rule(
            "GOV-RTM-007",
            "Gateway credential written literally or not set",
            "error",
            ("OWASP-LLM-2025:LLM02", "ISO-42001:A.6.2.6", "NIST-AI-RMF:MANAGE-2.4"),
            "Reference secrets as os.environ/NAME and set NAME where the gateway runs.",
        ),
    )
}


@dataclass(frozen=True)
class Drift:
    """One finding before it is turned into the check shape."""

    rule: str
    message: str
    ref: str | None
    where: Where
    severity: str | None = None  # default: the rule's


def _fmt(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else str(value)


def _model_drift(
    route: GovernedRoute, group: DeployedGroup, approved: ModelTarget, role: str
) -> Iterator[Drift]:
    expected = expected_model(approved)
    if group.model != expected:
        rule = "GOV-RTM-001" if role == "primary" else "GOV-RTM-002"
        yield Drift(
            rule,
            f"model group {group.name} ({role} of {route.deployment}) calls "
            f"{group.model or 'nothing'}; the registry approves {expected} "
            f"({approved.identity})",
            route.deployment,
            group.at("model"),
        )
    yield from _region_drift(route, group, approved)
    yield from _limit_drift(route, group)


def _region_drift(
    route: GovernedRoute, group: DeployedGroup, model: ModelTarget
) -> Iterator[Drift]:
    if not route.allowed_regions and not model.regions:
        return
    region = group.region
    if region is None:
        yield Drift(
            "GOV-RTM-003",
            f"model group {group.name} pins no region; "
            f"{model.identity} must run in one of {', '.join(model.regions) or 'its regions'}",
            route.deployment,
            group.at("region"),
            "warning",
        )
        return
    if model.regions and region not in model.regions:
        yield Drift(
            "GOV-RTM-003",
            f"model group {group.name} runs {model.identity} in {region}, "
            f"where the registry does not host it ({', '.join(model.regions)})",
            route.deployment,
            group.at("region"),
        )
    elif not route.region_allowed(region):
        rules = ", ".join(r for r, _ in route.allowed_regions)
        yield Drift(
            "GOV-RTM-003",
            f"model group {group.name} runs in {region}, outside the regions {rules} allows",
            route.deployment,
            group.at("region"),
        )


def _limit_drift(route: GovernedRoute, group: DeployedGroup) -> Iterator[Drift]:
    approved = route.limits
    checks: list[tuple[str, str, float | None, float | None]] = [
        ("rpm", "requests per minute", group.rpm, approved.requests_per_minute),
        ("max_tokens", "output tokens per request", group.max_tokens, approved.max_output_tokens),
        (
            "max_input_tokens",
            "input tokens per request",
            group.max_input_tokens,
            approved.max_input_tokens,
        ),
        ("timeout", "timeout (s)", group.timeout_seconds, approved.timeout_seconds),
        ("max_budget", "monthly budget (USD)", group.max_budget, approved.monthly_budget_usd),
    ]
    for field, label, deployed, limit in checks:
        if limit is None:
            continue
        if deployed is None or deployed > limit:
            state = "no limit" if deployed is None else _fmt(deployed)
            yield Drift(
                "GOV-RTM-004",
                f"model group {group.name}: {label} {state}; approved "
                f"{_fmt(limit)} for {route.deployment}",
                route.deployment,
                group.at(field),
            )
    if (
        approved.monthly_budget_usd is not None
        and group.max_budget is not None
        and group.budget_duration not in ("30d", "1mo")
    ):
        yield Drift(
            "GOV-RTM-004",
            f"model group {group.name}: budget resets every "
            f"{group.budget_duration or 'never'}, not monthly (30d)",
            route.deployment,
            group.at("max_budget"),
        )


def _chain_drift(route: GovernedRoute, config: DeployedGateway) -> Iterator[Drift]:
    chain = config.fallbacks.get(route.name, ())
    where = config.fallback_where.get(route.name) or Where("router_settings.fallbacks")
    groups = [config.group(name) for name in chain]
    deployed_models = [g.model if g else None for g in groups]
    approved_models = [expected_model(m) for m in route.fallbacks]
    for position, model in enumerate(route.fallbacks, start=1):
        if expected_model(model) not in deployed_models:
            yield Drift(
                "GOV-RTM-002",
                f"{route.name}: approved fallback {position} "
                f"{model.identity} is missing from the chain",
                route.deployment,
                where,
            )
    for name, group in zip(chain, groups, strict=True):
        if group is None:
            yield Drift(
                "GOV-RTM-002",
                f"{route.name}: fallback {name} is not a model group of this configuration",
                route.deployment,
                where,
            )
        elif group.model not in approved_models:
            yield Drift(
                "GOV-RTM-002",
                f"{route.name}: fallback {name} calls {group.model}, which "
                f"is not an approved fallback of {route.deployment}",
                route.deployment,
                group.at("model"),
            )
    present = [m for m in deployed_models if m in approved_models]
    if present != [m for m in approved_models if m in present]:
        yield Drift(
            "GOV-RTM-002",
            f"{route.name}: fallbacks are out of the approved order "
            f"({', '.join(str(m) for m in approved_models)})",
            route.deployment,
            where,
        )
    for group, model in zip(groups, route.fallbacks, strict=False):
        if group is not None and group.model == expected_model(model):
            yield from _region_drift(route, group, model)
            yield from _limit_drift(route, group)
            yield from _guardrail_drift(route, group, config)


def _guardrail_problem(
    name: str, mapping: GuardrailMap, group: DeployedGroup, config: DeployedGateway
) -> str | None:
    """Why guardrail ``name`` does not protect ``group`` as approved, or None when it does.

    Matched by govctl's name: a guardrail of the same integration under another name may check
    something else (prompt shields cover both injection and jailbreak), so it does not count.
    """
    definition = config.guardrails.get(name)
    if definition is None:
        return "not defined"
    if name not in group.guardrails:
        return "not attached"
    if (definition.integration, definition.mode) != (mapping.integration, mapping.mode):
        return f"defined as {definition.integration} {definition.mode}"
    return None


def _guardrail_drift(
    route: GovernedRoute, group: DeployedGroup, config: DeployedGateway
) -> Iterator[Drift]:
    mapped, _ = route_guardrails(route)
    for name, mapping in mapped:
        problem = _guardrail_problem(name, mapping, group, config)
        if problem is not None:
            yield Drift(
                "GOV-RTM-005",
                f"model group {group.name}: guardrail {name} "
                f"({mapping.integration} {mapping.mode}) is {problem}",
                route.deployment,
                group.at("guardrails"),
            )


def _fallback_targets(config: DeployedGateway) -> set[str]:
    return {name for chain in config.fallbacks.values() for name in chain}


def route_findings(
    state: GovernedState, config: DeployedGateway, environment: str | None
) -> Iterator[Drift]:
    targets = _fallback_targets(config)
    excluded = {e.deployment.split("/", 1)[1]: e for e in state.excluded}
    for group in config.groups:
        route = state.route(group.name)
        if route is not None:
            yield from _model_drift(route, group, route.primary, "primary")
            yield from _guardrail_drift(route, group, config)
            continue
        if group.name in targets:
            continue
        if group.name in excluded:
            why = (
                f"{excluded[group.name].deployment} is not approved: {excluded[group.name].reason}"
            )
        elif group.name in state.known_deployments:
            why = f"Deployment/{group.name} is not a deployment of environment {environment}"
        else:
            why = "no deployment of the registry has this name"
        yield Drift(
            "GOV-RTM-006",
            f"model group {group.name} routes traffic, but {why}",
            None,
            group.at("entry"),
        )
    for route in state.routes:
        if config.group(route.name) is None:
            yield Drift(
                "GOV-RTM-006",
                f"approved {route.deployment} has no route in this gateway",
                route.deployment,
                Where("model_list"),
                "info",
            )
        else:
            yield from _chain_drift(route, config)


def credential_findings(
    config: DeployedGateway, environ: Mapping[str, str] | None
) -> Iterator[Drift]:
    """Literal secrets always; unset variables (once per name) when ``environ`` is given."""
    reported: set[str] = set()
    for credential in config.credentials:
        if credential.literal:
            yield Drift(
                "GOV-RTM-007",
                f"{credential.field} is written into the configuration; "
                "reference it as os.environ/NAME",
                None,
                credential.where,
            )
        elif environ is not None and credential.env is not None:
            if credential.env in environ or credential.env in reported:
                continue
            reported.add(credential.env)
            yield Drift(
                "GOV-RTM-007",
                f"{credential.field} references environment variable {credential.env}, "
                "which is not set",
                None,
                credential.where,
                "warning",
            )


def to_findings(
    drifts: Iterable[Drift], source: str | None, rules: Mapping[str, RuleMeta] | None = None
) -> tuple[Finding, ...]:
    """Drifts in the check shape; ``rules`` adds the metadata of Rego runtime rules."""
    known = {**GATEWAY_RULES, **(rules or {})}
    out: dict[tuple[Any, ...], Finding] = {}
    for drift in drifts:
        meta = known.get(drift.rule)
        finding = Finding(
            rule=drift.rule,
            severity=drift.severity or (meta.severity if meta else "error"),
            message=drift.message,
            ref=drift.ref,
            path=drift.where.path,
            file=source,
            line=drift.where.line,
            column=drift.where.column,
            waived=False,
            waiver=None,
            fingerprint=fingerprint(drift.rule, drift.ref, drift.where.path, source),
            controls=meta.controls if meta else (),
        )
        out.setdefault((finding.rule, finding.ref, finding.path, finding.message), finding)
    return tuple(sorted(out.values(), key=sort_key))


def drift_findings(
    state: GovernedState,
    config: DeployedGateway,
    environ: Mapping[str, str] | None,
    environment: str | None,
    source: str | None,
    extra: Iterable[Drift] = (),
    rules: Mapping[str, RuleMeta] | None = None,
) -> tuple[Finding, ...]:
    """Every GOV-RTM finding, plus ``extra`` ones (the repository's Rego runtime rules, whose
    metadata is in ``rules``); ``environ`` (the gateway host's environment) enables the check
    that referenced variables are set."""
    drifts = [
        *route_findings(state, config, environment),
        *credential_findings(config, environ),
        *extra,
    ]
    return to_findings(drifts, source, rules)
