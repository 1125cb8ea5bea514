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
    """The value everywhere no environment or risk tier setting applies."""
    environments: dict[NonEmpty, ParameterValue] = Field(default_factory=dict)
    """Environment → value for deployments of that environment (e.g. prod: 0.9)."""
    riskTiers: dict[RiskTier, ParameterValue] = Field(default_factory=dict)
    """Risk tier (minimal, limited, high) → value for artifacts of that tier."""


class ConfigMetadata(Strict):
    name: str | None = None
    """Name of this governance repository (shown in reports and the site)."""
    owner: str | None = None
    """Team that owns the repository; the default owner of a baseline."""
    description: str | None = None
    """What the repository governs, in a sentence."""


class PolicySettings(Strict):
    engine: Literal["embedded", "opa"] = "embedded"
    """Policy engine: embedded (in-process, no server) or opa (the OPA server at opa.url)."""
    paths: list[NonEmpty] = Field(default_factory=lambda: ["policies"])
    """Folders (relative to the repository root) of the repository's own Rego policies."""
    failOn: FailOn = "error"
    """Lowest severity of an unwaived finding that fails `govctl check`; never: report only."""
    disabled: list[NonEmpty] = Field(default_factory=list)
    """Rule ids that are not evaluated."""
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
    """Address of the OPA server used by the opa engine."""
    timeoutSeconds: Annotated[float, Field(gt=0)] = 10
    """Seconds to wait for one answer of the OPA server before the run fails."""


class WaiverSettings(Strict):
    maxDays: PositiveInt = 90
    """Longest a waiver may last: its expiry at most this many days after today."""
    approvers: list[NonEmpty] | None = Field(
        default=None,
        description="people or roles who may approve waivers (spec.approvedBy), e.g. "
        "head-of-compliance; when set, any other approver is a GOV-WVR-004 finding",
    )


class ApprovalCondition(Strict):
    kind: NonEmpty | None = None
    """Matches changes to artifacts of this kind (e.g. ResidencyRule)."""
    change: NonEmpty | None = Field(
        default=None, description="a change predicate, e.g. weakened, widened, added, modified"
    )
    environment: NonEmpty | None = None
    """Matches changes that reach a deployment of this environment (e.g. prod)."""
    risk: Literal["low", "medium", "high", "critical"] | None = None
    """Matches when the change's risk is at least this level."""
    rule: NonEmpty | None = None
    """Matches when the change introduces an unwaived finding of this rule id."""


class ApprovalRule(Strict):
    when: ApprovalCondition
    """Conditions that must all hold for the approval to be required."""
    require: Annotated[list[NonEmpty], Field(min_length=1)]
    """Roles (teams) whose approval the change then needs."""


class AuditSettings(Strict):
    path: NonEmpty = "audits/govctl.duckdb"
    """The authoritative audit store (DuckDB file), relative to the repository root."""
    checkpoints: NonEmpty = "audits/checkpoints"
    """Folder of the committed checkpoint files that anchor the audit chain in git."""
    exports: NonEmpty = "audits/exports"
    """Default parent folder of `govctl audit export` output."""
    signingKey: NonEmpty | None = Field(
        default=None, description="Ed25519 private key file (PEM); never commit it"
    )
    publicKey: NonEmpty | None = Field(default=None, description="Ed25519 public key file (PEM)")
    lockTimeoutSeconds: Annotated[float, Field(ge=0)] = 30
    """Seconds to wait for another process holding the audit store before failing."""
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
    """The CODEOWNERS file `govctl codeowners` writes or checks."""


class CacheSettings(Strict):
    path: NonEmpty = ".govctl-cache"
    """Folder of the parse and result cache, relative to the repository root."""
    enabled: bool = True
    """Whether check and impact use the cache (`--no-cache` turns it off for one run)."""


class Config(Strict):
    apiVersion: Literal["govctl/v1"]
    """Version of the govctl file format: govctl/v1."""
    kind: Literal["Config"]
    """Config: this file is the repository configuration."""
    metadata: ConfigMetadata | None = None
    """Name, owner and description of the repository."""
    teams: list[NonEmpty] = Field(default_factory=list)
    """The teams that may own artifacts; any other metadata.owner is a GOV-REG-004 finding."""
    environments: list[NonEmpty] = Field(default_factory=lambda: ["dev", "staging", "prod"])
    """The environments a Deployment may name."""
    roots: list[NonEmpty] = Field(default_factory=lambda: ["registry", "prompts"], min_length=1)
    """Folders searched for artifacts (every YAML file with apiVersion govctl/v1)."""
    policy: PolicySettings = Field(default_factory=PolicySettings)
    """Which policies run, on which engine, and what fails the check."""
    opa: OpaSettings = Field(default_factory=OpaSettings)
    """The OPA server of the opa engine."""
    waivers: WaiverSettings = Field(default_factory=WaiverSettings)
    """Limits on waivers: longest duration and who may approve them."""
    approvals: list[ApprovalRule] = Field(default_factory=list)
    """Which changes need whose approval (`govctl impact` lists them; CODEOWNERS enforces them)."""
    audit: AuditSettings = Field(default_factory=AuditSettings)
    """Where the tamper-evident audit trail, its checkpoints and keys live."""
    cache: CacheSettings = Field(default_factory=CacheSettings)
    """The parse and result cache of check and impact."""
    codeowners: CodeownersSettings = Field(default_factory=CodeownersSettings)
    """How `govctl codeowners` names teams on GitHub, and where it writes."""
