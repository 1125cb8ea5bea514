"""Per-deployment reports built on a check result: readiness scorecards and cost projections.

Readiness (``govctl readiness``): for each deployment, every production component × stage
(baseline must hold to go live; full is the mature stack) is a cell whose status comes from the
rules of that component and stage that apply to deployments:
- ``fail``: an unwaived finding (error or warning) of one of those rules on the deployment;
- ``waived``: findings exist and every one is waived;
- ``pass``: the rules ran and found nothing;
- ``not evaluated``: no rule covers the cell, or the deployment itself is invalid (schema).
A deployment is ready to go live only when every baseline cell that a rule covers passes (waived
counts as passing — only valid waivers waive anything); an invalid deployment is never ready.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govctl.check import CheckResult
from govctl.derived import VOLUMES, monthly_cost
from govctl.errors import UsageError
from govctl.registry import Artifact, Registry
from govctl.rules import RuleMeta

COMPONENTS = (
    "evaluation",
    "guardrails",
    "monitoring",
    "cost",
    "latency",
    "scaling",
    "model strategy",
    "security",
    "reliability",
    "human oversight",
    "data",
)
STAGES = ("baseline", "full")


def _component(name: str) -> str:
    return name.strip().lower().replace("_", " ").replace("-", " ")


@dataclass(frozen=True)
class Cell:
    component: str
    stage: str
    status: str  # pass | fail | waived | not evaluated
    rules: tuple[str, ...]
    findings: tuple[str, ...]  # "RULE: message" of the findings behind a fail/waived cell


@dataclass(frozen=True)
class Scorecard:
    deployment: str
    environment: str
    cells: tuple[Cell, ...]

    @property
    def ready(self) -> bool:
        # Cells no catalog rule covers cannot fail; an unevaluated covered cell is not ready.
        return all(
            c.status in ("pass", "waived") for c in self.cells if c.stage == "baseline" and c.rules
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "deployment": self.deployment,
            "environment": self.environment,
            "ready": self.ready,
            "cells": [
                {
                    "component": c.component,
                    "stage": c.stage,
                    "status": c.status,
                    "rules": list(c.rules),
                    "findings": list(c.findings),
                }
                for c in self.cells
            ],
        }


def deployment_rules(rules: Mapping[str, RuleMeta]) -> dict[tuple[str, str], list[str]]:
    cells: dict[tuple[str, str], list[str]] = {}
    for rule in rules.values():
        if rule.kinds and "Deployment" not in rule.kinds:
            continue
        key = (_component(rule.component), rule.stage)
        if key[0] in COMPONENTS and key[1] in STAGES:
            cells.setdefault(key, []).append(rule.id)
    return cells


def scorecard(deployment: Artifact, result: CheckResult) -> Scorecard:
    by_cell = deployment_rules(result.rules)
    mine = [f for f in result.findings if f.ref == deployment.identity]
    cells = []
    for component in COMPONENTS:
        for stage in STAGES:
            rule_ids = tuple(sorted(by_cell.get((component, stage), [])))
            hits = [f for f in mine if f.rule in rule_ids]
            if not rule_ids or not deployment.valid:
                status = "not evaluated"
            elif any(not f.waived for f in hits):
                status = "fail"
            elif hits:
                status = "waived"
            else:
                status = "pass"
            shown = tuple(
                f"{f.rule}: {f.message}" + (" (waived)" if f.waived else "") for f in hits
            )
            cells.append(Cell(component, stage, status, rule_ids, shown))
    env = deployment.spec.get("environment")
    return Scorecard(deployment.identity, str(env), tuple(cells))


def select_deployments(registry: Registry, name: str | None) -> list[Artifact]:
    deployments = list(registry.of_kind("Deployment"))
    if name is None:
        return sorted(deployments, key=lambda a: a.identity)
    wanted = name if name.startswith("Deployment/") else f"Deployment/{name}"
    found = [d for d in deployments if d.identity == wanted]
    if not found:
        known = ", ".join(sorted(d.name for d in deployments)) or "none"
        raise UsageError(f"no deployment {name!r} (deployments: {known})")
    return found


@dataclass(frozen=True)
class CostLine:
    ref: str | None
    role: str  # primary | fallback
    currency: str
    monthly: Mapping[str, float | None]
    reason: str | None


@dataclass(frozen=True)
class CostReport:
    deployment: str
    environment: str
    ceiling: float | None
    lines: tuple[CostLine, ...]

    @property
    def over_ceiling(self) -> bool:
        primary = next((line for line in self.lines if line.role == "primary"), None)
        x1 = primary.monthly.get("x1") if primary else None
        return self.ceiling is not None and x1 is not None and x1 > self.ceiling

    def as_json(self) -> dict[str, Any]:
        return {
            "deployment": self.deployment,
            "environment": self.environment,
            "monthlyCeilingUSD": self.ceiling,
            "overCeiling": self.over_ceiling,
            "models": [
                {
                    "ref": line.ref,
                    "role": line.role,
                    "currency": line.currency,
                    "monthly": dict(line.monthly),
                    "reason": line.reason,
                }
                for line in self.lines
            ],
        }


def cost_report(deployment: Artifact, registry: Registry) -> CostReport:
    spec = deployment.spec
    prompt = registry.resolve("Prompt", spec.get("prompt"))
    primary_ref = (
        spec.get("model")
        if spec.get("model") is not None
        else (prompt.spec.get("model") if prompt else None)
    )
    listed = spec.get("fallbacks")
    fallbacks: list[Any] = listed if isinstance(listed, list) else []
    lines = []
    for ref, role in [(primary_ref, "primary"), *[(f, "fallback") for f in fallbacks]]:
        model = registry.resolve("Model", ref) if ref is not None else None
        projected = monthly_cost(deployment, model)
        lines.append(
            CostLine(
                ref=ref if isinstance(ref, str) else None,
                role=role,
                currency=projected["currency"],
                monthly={name: projected["monthlyUSD"][name] for name, _ in VOLUMES},
                reason=projected["reason"] if ref is not None else "no model bound",
            )
        )
    declared = spec.get("budget")
    budget: dict[str, Any] = declared if isinstance(declared, dict) else {}
    ceiling = budget.get("monthlyCeilingUSD")
    ceiling_value = (
        float(ceiling)
        if isinstance(ceiling, (int, float)) and not isinstance(ceiling, bool)
        else None
    )
    return CostReport(
        deployment.identity, str(spec.get("environment")), ceiling_value, tuple(lines)
    )


def cost_reports(registry: Registry, deployments: Sequence[Artifact]) -> list[CostReport]:
    return [cost_report(d, registry) for d in deployments]
