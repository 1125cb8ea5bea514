"""The ``json`` format (docs/spec.md §7): stable, versioned, byte-identical for the same inputs."""

from __future__ import annotations

import json
from typing import NotRequired, TypedDict

from govctl.check import CheckResult, SummaryJSON
from govctl.findings import FindingJSON

SCHEMA_VERSION = 1


class EngineJSON(TypedDict):
    name: str
    version: str


class OverrideJSON(TypedDict):
    package: str  # a built-in package
    file: str  # the repository file that replaces it


class CheckJSON(TypedDict):
    version: int
    govctl: str
    now: str
    registryDigest: str
    policyDigest: str
    engine: EngineJSON
    policyOverrides: NotRequired[list[OverrideJSON]]  # present when a built-in is replaced
    summary: SummaryJSON
    findings: list[FindingJSON]


def to_json(result: CheckResult) -> CheckJSON:
    out: CheckJSON = {
        "version": SCHEMA_VERSION,
        "govctl": result.govctl_version,
        "now": result.now,
        "registryDigest": result.registry_digest,
        "policyDigest": result.policy_digest,
        "engine": {"name": result.engine, "version": result.engine_version},
        "summary": result.summary.as_json(),
        "findings": [f.as_json() for f in result.findings],
    }
    if result.policy_overrides:
        out["policyOverrides"] = [
            {"package": package, "file": file}
            for package, file in sorted(result.policy_overrides.items())
        ]
    return out


def render(result: CheckResult) -> str:
    return json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n"
