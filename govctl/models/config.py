"""The repository configuration, ``govctl.yaml`` (kind: Config, docs/spec.md §2)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from govctl.models.common import NonEmpty, PositiveInt, Strict

FailOn = Literal["error", "warning", "never"]
Severity = Literal["error", "warning", "info"]
RiskTier = Literal["minimal", "limited", "high"]  # as on Prompt and Deployment
# A parameter value as written in govctl.yaml; its type is checked against the rule's
# declaration once the policies are loaded (govctl.policy.parameters).
ParameterValue = int | float | str | list[str]


class ParameterSetting(Strict):
    """A parameter set globally (``value``), per environment and/or per risk tier."""

    value: ParameterValue | None = None
    environments: dict[NonEmpty, ParameterValue] = Field(default_factory=dict)
    riskTiers: dict[RiskTier, ParameterValue] = Field(default_factory=dict)


class ConfigMetadata(Strict):
    name: str | None = None
    owner: str | None = None
    description: str | None = None


class PolicySettings(Strict):
    engine: Literal["embedded", "opa"] = "embedded"
    paths: list[NonEmpty] = Field(default_factory=lambda: ["policies"])
    failOn: FailOn = "error"
    disabled: list[NonEmpty] = Field(default_factory=list)
    builtin: bool = Field(
        default=True, description="evaluate the catalog shipped with govctl besides `paths`"
    )
    parameters: dict[NonEmpty, dict[NonEmpty, ParameterValue | ParameterSetting]] = Field(
        default_factory=dict,
        description="rule id → parameter → a value, or {value, environments, riskTiers}; "
        "see `govctl policy list` for every parameter and its default",
    )
    severity: dict[NonEmpty, Severity] = Field(
        default_factory=dict,
        description="rule id → severity; a non-waivable rule cannot go below its own severity",
    )
    baseline: NonEmpty = Field(
        default="govctl-baseline.yaml",
        description="the Baseline file (`govctl baseline create`); used when it exists",
    )


class OpaSettings(Strict):
    url: NonEmpty = "http://127.0.0.1:8181"
    timeoutSeconds: Annotated[float, Field(gt=0)] = 10


class WaiverSettings(Strict):
    maxDays: PositiveInt = 90
    approvers: list[NonEmpty] | None = Field(
        default=None,
        description="people or roles who may approve waivers (spec.approvedBy), e.g. "
        "head-of-compliance; when set, any other approver is a GOV-WVR-004 finding",
    )


class ApprovalCondition(Strict):
    kind: NonEmpty | None = None
    change: NonEmpty | None = Field(
        default=None, description="a change predicate, e.g. weakened, widened, added, modified"
    )
    environment: NonEmpty | None = None
    risk: Literal["low", "medium", "high", "critical"] | None = None
    rule: NonEmpty | None = None


class ApprovalRule(Strict):
    when: ApprovalCondition
    require: Annotated[list[NonEmpty], Field(min_length=1)]


class AuditSettings(Strict):
    path: NonEmpty = "audits/govctl.duckdb"
    checkpoints: NonEmpty = "audits/checkpoints"
    exports: NonEmpty = "audits/exports"
    signingKey: NonEmpty | None = Field(
        default=None, description="Ed25519 private key file (PEM); never commit it"
    )
    publicKey: NonEmpty | None = Field(default=None, description="Ed25519 public key file (PEM)")
    lockTimeoutSeconds: Annotated[float, Field(ge=0)] = 30
    origin: NonEmpty | None = Field(
        default=None,
        description="the audit log's origin, written into every checkpoint; default: a random "
        "id chosen when the store is created. Set it to pin the store: a database with another "
        "origin then fails verification as replaced",
    )
    role: Literal["local", "recorder"] = Field(
        default="local",
        description="local: runs record into the personal trail under `local` (never committed, "
        "never touching `checkpoints`); recorder: runs extend the authoritative trail at `path` "
        "and write its committed checkpoints (the release workflow; $GOVCTL_AUDIT_ROLE overrides)",
    )
    local: NonEmpty = Field(
        default=".govctl-audit",
        description="folder of the personal trail of local runs (it ignores itself in git)",
    )
    branch: NonEmpty | None = Field(
        default=None,
        description="branch whose history anchors the checkpoints; default: the current branch "
        "and main",
    )
    rotations: NonEmpty = Field(
        default="audits/key-rotations",
        description="folder of key rotation statements (committed), see `audit rotate-key`",
    )


class CodeownersSettings(Strict):
    org: NonEmpty | None = Field(
        default=None, description="GitHub organisation: team T becomes @org/T"
    )
    teams: dict[NonEmpty, NonEmpty] = Field(
        default_factory=dict, description='explicit handles, e.g. {"compliance": "@acme/grc"}'
    )
    path: NonEmpty = ".github/CODEOWNERS"


class CacheSettings(Strict):
    path: NonEmpty = ".govctl-cache"
    enabled: bool = True


class Config(Strict):
    apiVersion: Literal["govctl/v1"]
    kind: Literal["Config"]
    metadata: ConfigMetadata | None = None
    teams: list[NonEmpty] = Field(default_factory=list)
    environments: list[NonEmpty] = Field(default_factory=lambda: ["dev", "staging", "prod"])
    roots: list[NonEmpty] = Field(default_factory=lambda: ["registry", "prompts"], min_length=1)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    opa: OpaSettings = Field(default_factory=OpaSettings)
    waivers: WaiverSettings = Field(default_factory=WaiverSettings)
    approvals: list[ApprovalRule] = Field(default_factory=list)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    codeowners: CodeownersSettings = Field(default_factory=CodeownersSettings)
