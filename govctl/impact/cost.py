"""Projected monthly cost (×1 volume, primary model) before and after, per affected deployment.

Uses ``govctl.derived.monthly_cost`` on each side, with the primary model resolved as ``check``
does (the deployment's ``spec.model``, else its prompt's ``spec.model``). Deployments removed by
the change are listed too, with ``after`` null, so a reviewer sees savings as well as growth.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from govctl.derived import monthly_cost
from govctl.registry import Artifact, Registry


@dataclass(frozen=True)
class CostDelta:
    identity: str
    before: float | None
    after: float | None
    currency: str
    note: str | None  # why a side could not be projected

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 2)


def primary_model(registry: Registry, deployment: Artifact) -> Artifact | None:
    reference = deployment.spec.get("model")
    if reference is None:
        prompt = registry.resolve("Prompt", deployment.spec.get("prompt"))
        reference = prompt.spec.get("model") if prompt is not None else None
    return registry.resolve("Model", reference)


def _projection(registry: Registry, identity: str) -> tuple[float | None, str | None, str | None]:
    """(monthly x1, currency, reason it is unknown) for ``identity`` on one side."""
    deployment = registry.get(identity)
    if deployment is None:
        return None, None, None
    cost = monthly_cost(deployment, primary_model(registry, deployment))
    value = cost["monthlyUSD"]["x1"]
    return (float(value) if value is not None else None), cost["currency"], cost["reason"]


def cost_deltas(identities: Iterable[str], base: Registry, head: Registry) -> tuple[CostDelta, ...]:
    out = []
    for identity in sorted(set(identities)):
        before, base_currency, base_reason = _projection(base, identity)
        after, head_currency, head_reason = _projection(head, identity)
        sides = (("before", base_reason), ("after", head_reason))
        notes = [f"{side}: {why}" for side, why in sides if why]
        out.append(
            CostDelta(
                identity,
                before,
                after,
                head_currency or base_currency or "USD",
                "; ".join(notes) or None,
            )
        )
    return tuple(out)
