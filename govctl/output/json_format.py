"""The ``json`` format (SPEC §7): stable, versioned, byte-identical for the same inputs."""

from __future__ import annotations

import json
from typing import TypedDict

from govctl.check import CheckResult
from govctl.findings import FindingJSON

SCHEMA_VERSION = 1


class EngineJSON(TypedDict):
    name: str
    version: str


class SummaryJSON(TypedDict):
    artifacts: int
    errors: int
    warnings: int
    infos: int
    waived: int


class CheckJSON(TypedDict):
    version: int
    govctl: str
    now: str
    registryDigest: str
    policyDigest: str
    engine: EngineJSON
    summary: SummaryJSON
    findings: list[FindingJSON]


def to_json(result: CheckResult) -> CheckJSON:
    s = result.summary
    return {
        "version": SCHEMA_VERSION,
        "govctl": result.govctl_version,
        "now": result.now,
        "registryDigest": result.registry_digest,
        "policyDigest": result.policy_digest,
        "engine": {"name": result.engine, "version": result.engine_version},
        "summary": {
            "artifacts": s.artifacts,
            "errors": s.errors,
            "warnings": s.warnings,
            "infos": s.infos,
            "waived": s.waived,
        },
        "findings": [f.as_json() for f in result.findings],
    }


def render(result: CheckResult) -> str:
    return json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n"
