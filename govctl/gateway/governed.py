"""What the registry allows a gateway to do: one governed route per approved deployment.

A route is the runtime view of a Deployment: which provider model it may call (its primary),
which fallbacks in which order, the per-request and per-minute limits, the monthly budget, the
timeouts and retries, the guardrail checks and the regions its governing residency rules allow.
Everything here is computed from a loaded registry (and a check result for approval), so render
and drift compare against exactly what ``govctl check`` evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from govctl.graph import governs
from govctl.registry import Artifact, Registry

INPUT, OUTPUT = "input", "output"


@dataclass(frozen=True)
class ModelTarget:
    """A model a route may call, as the registry describes it."""

    identity: str  # Model/name@version
    provider: str  # the registry's free-text provider (azure-openai, bedrock, ...)
    provider_model_id: str
    regions: tuple[str, ...]  # where the provider hosts it (spec.hosting.regions)
    jurisdictions: tuple[str, ...]


@dataclass(frozen=True)
class GuardrailCheck:
    """One check of the deployment's GuardrailPolicy (``spec.input[i]`` / ``spec.output[i]``)."""

    stage: str  # input | output
    type: str
    action: str
    threshold: float | None
    index: int


@dataclass(frozen=True)
class Limits:
    max_input_tokens: int | None
    max_output_tokens: int | None
    requests_per_minute: int | None
    timeout_seconds: float | None
    retries: int | None
    monthly_budget_usd: float | None


@dataclass(frozen=True)
class GovernedRoute:
    """The runtime contract of one deployment."""

    deployment: str  # Deployment/name
    name: str  # the gateway's model group name: the deployment's name
    environment: str
    primary: ModelTarget
    fallbacks: tuple[ModelTarget, ...]
    limits: Limits
    guardrail_policy: str | None  # GuardrailPolicy identity
    guardrails: tuple[GuardrailCheck, ...]
    allowed_regions: tuple[tuple[str, tuple[str, ...]], ...]  # (rule identity, region globs)
    allowed_jurisdictions: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def models(self) -> tuple[ModelTarget, ...]:
        return (self.primary, *self.fallbacks)

    def region_allowed(self, region: str) -> bool:
        """Whether ``region`` satisfies every governing residency rule (glob patterns)."""
        return all(any(fnmatchcase(region, g) for g in globs) for _, globs in self.allowed_regions)


@dataclass(frozen=True)
class Exclusion:
    """A deployment the gateway must not route, and why."""

    deployment: str
    environment: str
    reason: str


@dataclass(frozen=True)
class GovernedState:
    routes: tuple[GovernedRoute, ...]
    excluded: tuple[Exclusion, ...]
    known_deployments: frozenset[str]  # every deployment name in the registry, any environment

    def route(self, name: str) -> GovernedRoute | None:
        return next((r for r in self.routes if r.name == name), None)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None


def model_target(model: Artifact) -> ModelTarget:
    hosting = _mapping(model.spec.get("hosting"))
    return ModelTarget(
        identity=model.identity,
        provider=str(model.spec.get("provider", "")),
        provider_model_id=str(model.spec.get("providerModelId", "")),
        regions=_strings(hosting.get("regions")),
        jurisdictions=_strings(hosting.get("jurisdictions")),
    )


def primary_reference(registry: Registry, deployment: Artifact) -> Any:
    """The deployment's ``spec.model``, else its prompt's (how ``check`` resolves it)."""
    reference = deployment.spec.get("model")
    if reference is None:
        prompt = registry.resolve("Prompt", deployment.spec.get("prompt"))
        reference = prompt.spec.get("model") if prompt is not None else None
    return reference


def guardrail_checks(policy: Artifact | None) -> tuple[GuardrailCheck, ...]:
    if policy is None:
        return ()
    checks = []
    for stage in (INPUT, OUTPUT):
        entries = policy.spec.get(stage)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get("type"), str):
                checks.append(
                    GuardrailCheck(
                        stage=stage,
                        type=entry["type"],
                        action=str(entry.get("action", "")),
                        threshold=_number(entry.get("threshold")),
                        index=index,
                    )
                )
    return tuple(checks)


def limits(deployment: Artifact) -> Limits:
    spec = deployment.spec
    budget, rate, reliability = (
        _mapping(spec.get(key)) for key in ("budget", "rateLimit", "reliability")
    )
    timeout_ms = _number(reliability.get("timeoutMs"))
    return Limits(
        max_input_tokens=_int(budget.get("maxInputTokens")),
        max_output_tokens=_int(budget.get("maxOutputTokens")),
        requests_per_minute=_int(rate.get("requestsPerMinute")),
        timeout_seconds=timeout_ms / 1000 if timeout_ms is not None else None,
        retries=_int(reliability.get("retries")),
        monthly_budget_usd=_number(budget.get("monthlyCeilingUSD")),
    )


def _residency(
    registry: Registry, deployment: Artifact
) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    rules = sorted(
        (r for r in registry.of_kind("ResidencyRule") if governs(r, deployment)),
        key=lambda r: r.identity,
    )
    regions = tuple((r.identity, _strings(r.spec.get("allowedRegions"))) for r in rules)
    jurisdictions = tuple((r.identity, _strings(r.spec.get("allowedJurisdictions"))) for r in rules)
    return regions, jurisdictions


def governed_route(registry: Registry, deployment: Artifact) -> GovernedRoute | str:
    """The route of one deployment, or the reason it cannot have one."""
    primary = registry.resolve("Model", primary_reference(registry, deployment))
    if primary is None:
        return "its primary model does not resolve"
    fallbacks = []
    for reference in deployment.spec.get("fallbacks") or []:
        model = registry.resolve("Model", reference)
        if model is None:
            return f"fallback {reference!r} does not resolve"
        fallbacks.append(model_target(model))
    policy = registry.resolve("GuardrailPolicy", deployment.spec.get("guardrails"))
    regions, jurisdictions = _residency(registry, deployment)
    return GovernedRoute(
        deployment=deployment.identity,
        name=deployment.name,
        environment=str(deployment.spec.get("environment", "")),
        primary=model_target(primary),
        fallbacks=tuple(fallbacks),
        limits=limits(deployment),
        guardrail_policy=policy.identity if policy is not None else None,
        guardrails=guardrail_checks(policy),
        allowed_regions=regions,
        allowed_jurisdictions=jurisdictions,
    )


def governed_state(
    registry: Registry,
    blocked: Iterable[str] = (),
    environment: str | None = None,
) -> GovernedState:
    """Routes for every valid deployment (of ``environment`` when given).

    ``blocked`` maps deployment identities that ``check`` failed (unwaived errors) to exclusion:
    the gateway only routes what the registry approves.
    """
    failing = set(blocked)
    routes: list[GovernedRoute] = []
    excluded: list[Exclusion] = []
    deployments: Sequence[Artifact] = sorted(
        registry.of_kind("Deployment"), key=lambda a: a.identity
    )
    for deployment in deployments:
        env = str(deployment.spec.get("environment", ""))
        if environment is not None and env != environment:
            continue
        if not deployment.valid:
            excluded.append(Exclusion(deployment.identity, env, "it fails schema validation"))
            continue
        if deployment.identity in failing:
            excluded.append(Exclusion(deployment.identity, env, "govctl check reports errors"))
            continue
        route = governed_route(registry, deployment)
        if isinstance(route, str):
            excluded.append(Exclusion(deployment.identity, env, route))
        else:
            routes.append(route)
    return GovernedState(
        routes=tuple(routes),
        excluded=tuple(excluded),
        known_deployments=frozenset(d.name for d in deployments),
    )
