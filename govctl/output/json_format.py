"""The ``json`` format (docs/spec.md §7): stable, versioned, byte-identical for the same inputs."""

from __future__ import annotations

import json
from typing import TypedDict

from govctl.check import CheckResult, SummaryJSON
from govctl.findings import FindingJSON

SCHEMA_VERSION = 1


class EngineJSON(TypedDict):
    name: str
    version: str


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
    return {
        "version": SCHEMA_VERSION,
        "govctl": result.govctl_version,
        "now": result.now,
        "registryDigest": result.registry_digest,
        "policyDigest": result.policy_digest,
        "engine": {"name": result.engine, "version": result.engine_version},
        "summary": result.summary.as_json(),
        "findings": [f.as_json() for f in result.findings],
    }


def render(result: CheckResult) -> str:
    return json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n"
