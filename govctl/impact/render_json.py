"""The impact report as JSON (docs/spec.md §5), findings in the ``check`` JSON shape.

The keys docs/spec.md §5 names come first and keep their meaning; the rest are documented extensions
(docs/impact.md). Output is byte-identical for the same commits, policies and ``--now``: no
timings, no absolute paths.
"""

from __future__ import annotations

import json
from typing import Any, TypedDict

from govctl import __version__
from govctl.findings import FindingJSON
from govctl.impact.changes import FieldJSON
from govctl.impact.report import ImpactReport

SCHEMA_VERSION = 1


class RiskJSON(TypedDict):
    level: str
    reasons: list[str]


class ChangeJSON(TypedDict):
    ref: str
    type: str
    fields: list[FieldJSON]
    predicates: list[str]
    path: str
    fromPath: str | None
    reasons: dict[str, list[str]]


class AffectedJSON(TypedDict):
    ref: str
    environment: str | None
    via: list[str]
    userFacing: bool
    changed: list[str]


class FindingsDeltaJSON(TypedDict):
    introduced: list[FindingJSON]
    resolved: list[FindingJSON]
    unchanged: int


class ApprovalJSON(TypedDict):
    role: str
    because: str
    rules: list[str]


class CostJSON(TypedDict):
    ref: str
    beforeUSD: float | None
    afterUSD: float | None
    deltaUSD: float | None
    currency: str
    note: str | None


class ImpactJSON(TypedDict):
    version: int
    base: str | None
    head: str | None
    risk: RiskJSON
    changes: list[ChangeJSON]
    affected: list[AffectedJSON]
    findings: FindingsDeltaJSON
    approvals: list[ApprovalJSON]
    cost: list[CostJSON]
    refs: dict[str, Any]
    config: dict[str, Any]
    now: str
    govctl: str
    engine: dict[str, str]
    policyDigest: str
    registryDigests: dict[str, str]


def to_json(report: ImpactReport) -> ImpactJSON:
    return {
        "version": SCHEMA_VERSION,
        "base": report.base.sha,
        "head": report.head.sha,
        "risk": {"level": report.risk.level, "reasons": list(report.risk.reasons)},
        "changes": [
            {
                "ref": c.identity,
                "type": c.type,
                "fields": c.record()["fields"],
                "predicates": list(c.predicates),
                "path": c.path,
                "fromPath": c.from_path,
                "reasons": c.record()["reasons"],
            }
            for c in report.changes
        ],
        "affected": [
            {
                "ref": a.identity,
                "environment": a.info.environment,
                "via": list(a.via),
                "userFacing": a.info.user_facing,
                "changed": list(a.changed),
            }
            for a in report.affected
        ],
        "findings": {
            "introduced": [f.as_json() for f in report.findings.introduced],
            "resolved": [f.as_json() for f in report.findings.resolved],
            "unchanged": report.findings.unchanged,
        },
        "approvals": [
            {"role": a.role, "because": a.because, "rules": list(a.rules)} for a in report.approvals
        ],
        "cost": [
            {
                "ref": c.identity,
                "beforeUSD": c.before,
                "afterUSD": c.after,
                "deltaUSD": c.delta,
                "currency": c.currency,
                "note": c.note,
            }
            for c in report.cost
        ],
        "refs": {
            "base": report.base.ref,
            "head": report.head.ref,
            "headIsWorkTree": report.head_is_worktree,
            "uncommitted": report.uncommitted,
        },
        "config": {
            "fields": [
                {"path": f.path, "before": f.before, "after": f.after} for f in report.config_fields
            ]
        },
        "now": report.now,
        "govctl": __version__,
        "engine": {"name": report.engine, "version": report.engine_version},
        "policyDigest": report.policy_digest,
        "registryDigests": {
            "base": report.base.registry_digest,
            "head": report.head.registry_digest,
        },
    }


def render(report: ImpactReport) -> str:
    return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"
