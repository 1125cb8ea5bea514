"""Waivers (SPEC §2): which are active, which are findings themselves, and applying them.

A waiver applies to findings of exactly its rule on exactly its target identity. Only a valid
waiver applies: expired, unknown-rule, unknown-target, non-waivable and over-long waivers are
findings (GOV-WVR-001..003) and waive nothing — govctl fails closed.
Residency findings (GOV-RES-*) are waivable only when every ResidencyRule governing the target
says ``waivable: true``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from govctl.findings import Finding, RawFinding
from govctl.graph import DependencyGraph
from govctl.hints import did_you_mean
from govctl.policy.bundle import RuleMeta
from govctl.registry import Artifact, Registry


@dataclass(frozen=True)
class WaiverReview:
    findings: tuple[RawFinding, ...]
    active: Mapping[tuple[str, str], str]  # (rule, target) → waiver identity


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _not_waivable(
    rule: RuleMeta, target: Artifact, registry: Registry, graph: DependencyGraph
) -> str | None:
    """Why findings of ``rule`` on ``target`` cannot be waived (None when they can)."""
    if rule.id.startswith("GOV-RES-") and target.kind == "Deployment":
        strict = [
            r
            for r in graph.governing_rules(target)
            if registry.artifacts[r].spec.get("waivable") is not True
        ]
        if strict:
            return f"residency rule {strict[0].split('/', 1)[1]} is not waivable"
        return None
    return None if rule.waivable else f"{rule.id} is not waivable"


def _problem(rule: str, message: str, waiver: Artifact, path: str) -> RawFinding:
    return RawFinding(rule, "error", message, waiver.identity, path)


def review_waivers(
    registry: Registry,
    graph: DependencyGraph,
    rules: Mapping[str, RuleMeta],
    today: dt.date,
    max_days: int,
) -> WaiverReview:
    problems: list[RawFinding] = []
    active: dict[tuple[str, str], str] = {}
    for waiver in registry.of_kind("Waiver"):
        if not waiver.valid:
            continue
        spec = waiver.spec
        rule_id, target_id = str(spec.get("rule")), str(spec.get("target"))
        expires = _date(spec.get("expires"))
        before = len(problems)
        if expires is not None and expires < today:
            problems.append(
                _problem(
                    "GOV-WVR-001",
                    f"waiver expired on {expires.isoformat()}; "
                    "fix the finding or renew the waiver with a new approval",
                    waiver,
                    "spec.expires",
                )
            )
        if expires is not None and (expires - today).days > max_days:
            latest = (today + dt.timedelta(days=max_days)).isoformat()
            problems.append(
                _problem(
                    "GOV-WVR-003",
                    f"waiver expires {expires.isoformat()}, more "
                    f"than waivers.maxDays ({max_days}) from today; set it to "
                    f"{latest} or earlier",
                    waiver,
                    "spec.expires",
                )
            )
        rule = rules.get(rule_id)
        target = registry.get(target_id)
        if rule is None:
            problems.append(
                _problem(
                    "GOV-WVR-002",
                    f"waiver names unknown rule {rule_id!r}{did_you_mean(rule_id, rules)}",
                    waiver,
                    "spec.rule",
                )
            )
        if target is None:
            problems.append(
                _problem(
                    "GOV-WVR-002",
                    f"waiver targets {target_id!r}, which is not "
                    "an artifact identity in the registry (Kind/name[@version])",
                    waiver,
                    "spec.target",
                )
            )
        if rule is not None and target is not None:
            reason = _not_waivable(rule, target, registry, graph)
            if reason:
                problems.append(
                    _problem(
                        "GOV-WVR-002",
                        f"{reason}: fix the finding instead of waiving it",
                        waiver,
                        "spec.rule",
                    )
                )
        if len(problems) == before:
            active.setdefault((rule_id, target_id), waiver.identity)
    return WaiverReview(tuple(problems), active)


def apply_waivers(findings: list[Finding], active: Mapping[tuple[str, str], str]) -> list[Finding]:
    out = []
    for finding in findings:
        waiver = active.get((finding.rule, finding.ref or ""))
        out.append(
            finding.waive(waiver) if waiver and not finding.rule.startswith("GOV-WVR-") else finding
        )
    return out
