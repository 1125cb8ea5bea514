"""Waivers (docs/spec.md §2): which are active, which are findings themselves, and applying them.

A waiver applies to findings of exactly its rule on exactly its target identity. Only a valid
waiver applies: expired, unknown-rule, unknown-target, non-waivable and over-long waivers are
findings (GOV-WVR-001..003) and waive nothing — govctl fails closed. So is a waiver that is not
independently approved (GOV-WVR-004): approved by its own or the target's owning team, or by
someone not listed in ``waivers.approvers``.
Residency findings (GOV-RES-*) are waivable only when every ResidencyRule governing the target
says ``waivable: true``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from govctl.findings import Finding, RawFinding
from govctl.graph import DependencyGraph
from govctl.hints import did_you_mean
from govctl.registry import Artifact, Registry
from govctl.rules import RuleMeta


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


def _same_party(a: object, b: object) -> bool:
    """Names of people, teams and roles compare without case or surrounding blanks."""
    return (
        isinstance(a, str) and isinstance(b, str) and a.strip().casefold() == b.strip().casefold()
    )


def approval_problem(
    waiver: Artifact, target: Artifact | None, approvers: Sequence[str] | None
) -> str | None:
    """Why ``spec.approvedBy`` is not an independent approval (None when it is).

    Approver differs from author (SOC 2 CC8.1): neither the team that owns the waiver nor the
    team that owns the waived artifact may approve it. With ``waivers.approvers`` in govctl.yaml,
    the approver must also be one of those people or roles.
    """
    approved_by = waiver.spec.get("approvedBy")
    if _same_party(approved_by, waiver.metadata.get("owner")):
        return (
            f"waiver is approved by {approved_by!r}, the team that owns the waiver: "
            "an exception needs an approver other than its author"
        )
    if target is not None and _same_party(approved_by, target.metadata.get("owner")):
        return (
            f"waiver is approved by {approved_by!r}, the team that owns {target.identity}: "
            "the owner of the waived artifact cannot approve its own exception"
        )
    if approvers is not None and not any(_same_party(approved_by, a) for a in approvers):
        listed = ", ".join(approvers) if approvers else "(none)"
        return (
            f"waiver is approved by {approved_by!r}, who is not among waivers.approvers in "
            f"govctl.yaml ({listed})"
        )
    return None


@dataclass(frozen=True)
class WaiverContext:
    """What the waiver checks read: the registry, the rule catalog and the day of the run."""

    registry: Registry
    graph: DependencyGraph
    rules: Mapping[str, RuleMeta]
    today: dt.date
    max_days: int
    approvers: Sequence[str] | None = None


def expired(waiver: Artifact, ctx: WaiverContext) -> RawFinding | None:
    """GOV-WVR-001: the waiver's last day is before today."""
    expires = _date(waiver.spec.get("expires"))
    if expires is None or expires >= ctx.today:
        return None
    return _problem(
        "GOV-WVR-001",
        f"waiver expired on {expires.isoformat()}; "
        "fix the finding or renew the waiver with a new approval",
        waiver,
        "spec.expires",
    )


def too_long(waiver: Artifact, ctx: WaiverContext) -> RawFinding | None:
    """GOV-WVR-003: the waiver runs more than ``waivers.maxDays`` from today."""
    expires = _date(waiver.spec.get("expires"))
    if expires is None or (expires - ctx.today).days <= ctx.max_days:
        return None
    latest = (ctx.today + dt.timedelta(days=ctx.max_days)).isoformat()
    return _problem(
        "GOV-WVR-003",
        f"waiver expires {expires.isoformat()}, more than waivers.maxDays ({ctx.max_days}) "
        f"from today; set it to {latest} or earlier",
        waiver,
        "spec.expires",
    )


def unknown_rule(waiver: Artifact, ctx: WaiverContext) -> RawFinding | None:
    """GOV-WVR-002: the waiver names a rule the catalog does not have."""
    rule_id = str(waiver.spec.get("rule"))
    if rule_id in ctx.rules:
        return None
    return _problem(
        "GOV-WVR-002",
        f"waiver names unknown rule {rule_id!r}{did_you_mean(rule_id, ctx.rules)}",
        waiver,
        "spec.rule",
    )


def unknown_target(waiver: Artifact, ctx: WaiverContext) -> RawFinding | None:
    """GOV-WVR-002: the waiver's target is not an artifact of the registry."""
    target_id = str(waiver.spec.get("target"))
    if ctx.registry.get(target_id) is not None:
        return None
    return _problem(
        "GOV-WVR-002",
        f"waiver targets {target_id!r}, which is not "
        "an artifact identity in the registry (Kind/name[@version])",
        waiver,
        "spec.target",
    )


def not_waivable(waiver: Artifact, ctx: WaiverContext) -> RawFinding | None:
    """GOV-WVR-002: findings of that rule on that target cannot be waived."""
    rule = ctx.rules.get(str(waiver.spec.get("rule")))
    target = ctx.registry.get(str(waiver.spec.get("target")))
    if rule is None or target is None:
        return None  # reported by unknown_rule / unknown_target
    reason = _not_waivable(rule, target, ctx.registry, ctx.graph)
    if reason is None:
        return None
    return _problem(
        "GOV-WVR-002", f"{reason}: fix the finding instead of waiving it", waiver, "spec.rule"
    )


def not_independent(waiver: Artifact, ctx: WaiverContext) -> RawFinding | None:
    """GOV-WVR-004: the approver is the waiver's or the target's owner, or not a listed one."""
    target = ctx.registry.get(str(waiver.spec.get("target")))
    problem = approval_problem(waiver, target, ctx.approvers)
    return None if problem is None else _problem("GOV-WVR-004", problem, waiver, "spec.approvedBy")


# Every check a waiver must pass to apply, in the order its findings are reported.
WAIVER_CHECKS: tuple[Callable[[Artifact, WaiverContext], RawFinding | None], ...] = (
    expired,
    too_long,
    unknown_rule,
    unknown_target,
    not_waivable,
    not_independent,
)


def review_waivers(
    registry: Registry,
    graph: DependencyGraph,
    rules: Mapping[str, RuleMeta],
    today: dt.date,
    max_days: int,
    approvers: Sequence[str] | None = None,
) -> WaiverReview:
    """The findings about waivers themselves, and the waivers that pass every check."""
    ctx = WaiverContext(registry, graph, rules, today, max_days, approvers)
    problems: list[RawFinding] = []
    active: dict[tuple[str, str], str] = {}
    for waiver in registry.of_kind("Waiver"):
        if not waiver.valid:
            continue
        found = [f for check in WAIVER_CHECKS if (f := check(waiver, ctx)) is not None]
        problems += found
        if not found:
            key = (str(waiver.spec.get("rule")), str(waiver.spec.get("target")))
            active.setdefault(key, waiver.identity)
    return WaiverReview(tuple(problems), active)


def apply_waivers(findings: list[Finding], active: Mapping[tuple[str, str], str]) -> list[Finding]:
    out = []
    for finding in findings:
        waiver = active.get((finding.rule, finding.ref or ""))
        out.append(
            finding.waive(waiver) if waiver and not finding.rule.startswith("GOV-WVR-") else finding
        )
    return out
