"""The repository configuration, ``govctl.yaml`` (kind: Config, docs/spec.md §2)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from govctl.models.common import NonEmpty, PositiveInt, Strict

FailOn = Literal["error", "warning", "never"]


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


class OpaSettings(Strict):
    url: NonEmpty = "http://127.0.0.1:8181"
    timeoutSeconds: Annotated[float, Field(gt=0)] = 10


class WaiverSettings(Strict):
    maxDays: PositiveInt = 90


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
