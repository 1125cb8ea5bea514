"""Pydantic models for every artifact kind of docs/spec.md §2.

These are the single source of truth for artifact shape: ``govctl schema export`` writes the JSON
Schemas generated from them and the loader validates every document against those same schemas.
Field names are the YAML field names (camelCase) on purpose: the model *is* the file format.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from govctl.models.common import (
    MODEL_VERSION_PATTERN,
    SEMVER_PATTERN,
    Date,
    Digest,
    Duration,
    Metadata,
    Name,
    NonEmpty,
    NonNegative,
    NonNegativeInt,
    PositiveInt,
    Reference,
    Score,
    Strict,
    Timestamp,
)

ApiVersion = Literal["govctl/v1"]
RiskTier = Literal["minimal", "limited", "high"]
Action = Literal["block", "redact", "escalate", "retry", "log"]


# --- Model -----------------------------------------------------------------------------------
class ModelMetadata(Metadata):
    version: Annotated[str, Field(pattern=MODEL_VERSION_PATTERN)]


class Hosting(Strict):
    regions: Annotated[list[NonEmpty], Field(min_length=1)]
    jurisdictions: Annotated[list[NonEmpty], Field(min_length=1)]


class DataHandling(Strict):
    trainsOnInputs: bool
    retentionDays: NonNegativeInt | None = None


class Pricing(Strict):
    currency: NonEmpty = "USD"
    inputPer1M: NonNegative
    outputPer1M: NonNegative


class ModelLimits(Strict):
    contextWindow: PositiveInt
    maxOutputTokens: PositiveInt


class ObservedLatency(Strict):
    p95Ms: NonNegative


class ModelSpec(Strict):
    provider: NonEmpty
    providerModelId: NonEmpty
    status: Literal["approved", "preview", "deprecated", "blocked"]
    sunset: Date | None = None
    hosting: Hosting
    dataHandling: DataHandling
    pricing: Pricing
    limits: ModelLimits
    latency: ObservedLatency | None = None
    tier: Literal["small", "medium", "large"] | None = None


class ModelArtifact(Strict):
    apiVersion: ApiVersion
    kind: Literal["Model"]
    metadata: ModelMetadata
    spec: ModelSpec


# --- Prompt ----------------------------------------------------------------------------------
class PromptMetadata(Metadata):
    version: Annotated[str, Field(pattern=SEMVER_PATTERN)]


class Message(Strict):
    role: Literal["system", "user", "assistant"]
    content: str


class Variable(Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    source: Literal["user", "retrieval", "system"]
    description: str | None = None


class PromptParameters(Strict):
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    maxTokens: PositiveInt | None = None
    topP: Annotated[float, Field(ge=0, le=1)] | None = None
    frequencyPenalty: float | None = None
    presencePenalty: float | None = None
    seed: int | None = None
    stop: list[str] | None = None


class PromptSpec(Strict):
    # The one-of rule is stated in the JSON Schema too, so jsonschema and pydantic agree.
    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["messages"]}, {"required": ["templateFile"]}]}
    )

    messages: Annotated[list[Message], Field(min_length=1)] | None = None
    templateFile: NonEmpty | None = Field(
        default=None, description="path relative to this file; its text is the single user message"
    )
    variables: list[Variable] = Field(default_factory=list)
    parameters: PromptParameters | None = None
    model: Reference | None = None
    riskTier: RiskTier
    evalSuite: Name | None = None
    responseFormat: dict[str, Any] | None = None
    changelog: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> PromptSpec:
        if (self.messages is None) == (self.templateFile is None):
            raise ValueError("exactly one of messages or templateFile is required")
        return self


class PromptArtifact(Strict):
    apiVersion: ApiVersion
    kind: Literal["Prompt"]
    metadata: PromptMetadata
    spec: PromptSpec


# --- ResidencyRule ---------------------------------------------------------------------------
class ResidencyRuleSpec(Strict):
    dataClasses: Annotated[list[NonEmpty], Field(min_length=1)]
    userJurisdictions: Annotated[list[NonEmpty], Field(min_length=1)]
    allowedJurisdictions: Annotated[list[NonEmpty], Field(min_length=1)]
    allowedRegions: Annotated[list[NonEmpty], Field(min_length=1)]
    legalBasis: str | None = None
    waivable: bool = False


class ResidencyRuleArtifact(Strict):
    apiVersion: ApiVersion
    kind: Literal["ResidencyRule"]
    metadata: Metadata
    spec: ResidencyRuleSpec


# --- GuardrailPolicy -------------------------------------------------------------------------
InputCheckType = Literal[
    "prompt_injection",
    "jailbreak",
    "pii_detection",
    "topic_filter",
    "secrets_detection",
    "toxicity",
]
OutputCheckType = Literal[
    "pii_redaction", "grounding", "safety", "format_validation", "business_rules", "toxicity"
]


class _Check(Strict):
    action: Action
    threshold: Score | None = None
    allowedTopics: list[NonEmpty] | None = None
    blockedTopics: list[NonEmpty] | None = None
    entities: list[NonEmpty] | None = None
    description: str | None = None


class InputCheck(_Check):
    type: InputCheckType


class OutputCheck(_Check):
    type: OutputCheckType


class GuardrailPolicySpec(Strict):
    input: list[InputCheck] = Field(default_factory=list)
    output: list[OutputCheck] = Field(default_factory=list)
    onError: Literal["block", "allow"] = "block"
    timeoutMs: PositiveInt | None = None


class GuardrailPolicyArtifact(Strict):
    apiVersion: ApiVersion
    kind: Literal["GuardrailPolicy"]
    metadata: Metadata
    spec: GuardrailPolicySpec


# --- EvalSuite / EvalRun ---------------------------------------------------------------------
class Metric(Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    threshold: float
    direction: Literal["higher", "lower"] = "higher"


class EvalSuiteSpec(Strict):
    dataset: NonEmpty = Field(description="JSONL file relative to this file; one case per line")
    tags: list[NonEmpty] = Field(default_factory=list)
    metrics: Annotated[list[Metric], Field(min_length=1)]


class EvalSuiteArtifact(Strict):
    apiVersion: ApiVersion
    kind: Literal["EvalSuite"]
    metadata: Metadata
    spec: EvalSuiteSpec


class EvalRunSpec(Strict):
    suite: Name
    prompt: Reference
    promptDigest: Digest
    model: Reference
    datasetDigest: Digest
    completedAt: Timestamp
    results: dict[str, float]
    runner: str | None = None
    url: str | None = None


class EvalRunArtifact(Strict):
    apiVersion: ApiVersion
    kind: Literal["EvalRun"]
    metadata: Metadata
    spec: EvalRunSpec


# --- Deployment ------------------------------------------------------------------------------
class Rollout(Strict):
    strategy: Literal["all-at-once", "canary", "blue-green", "shadow"]
    percent: Annotated[float, Field(ge=0, le=100)] | None = None
    rollbackTo: Reference | None = None


class Budget(Strict):
    maxInputTokens: PositiveInt | None = None
    maxOutputTokens: PositiveInt | None = None
    expectedRequestsPerDay: NonNegative | None = None
    avgInputTokens: NonNegative | None = None
    avgOutputTokens: NonNegative | None = None
    monthlyCeilingUSD: NonNegative | None = None


class LatencyBudget(Strict):
    p95Ms: NonNegative | None = None
    streaming: bool | None = None


class Reliability(Strict):
    retries: NonNegativeInt | None = None
    backoff: Literal["none", "fixed", "linear", "exponential"] | None = None
    timeoutMs: PositiveInt | None = None


class HumanOversight(Strict):
    mode: Literal["none", "sampled", "required"]
    escalation: NonEmpty | None = None
    feedback: bool | None = None
    sampleRate: Score | None = None


class Alerts(Strict):
    p95LatencyMs: NonNegative | None = None
    errorRate: Score | None = None
    costPerRequestUSD: NonNegative | None = None


class Monitoring(Strict):
    alerts: Alerts | None = None
    dashboard: str | None = None


class Retrieval(Strict):
    store: NonEmpty
    region: NonEmpty
    jurisdiction: NonEmpty | None = None
    refreshCadence: Duration | None = None


class Logging(Strict):
    enabled: bool
    region: NonEmpty | None = None
    jurisdiction: NonEmpty | None = None
    retentionDays: NonNegativeInt | None = None
    redactPII: bool | None = None


class Auth(Strict):
    required: bool
    rbac: bool | None = None


class RateLimit(Strict):
    requestsPerMinute: PositiveInt


class DeploymentSpec(Strict):
    environment: NonEmpty
    useCase: str | None = None
    riskTier: RiskTier
    userFacing: bool
    servedRegions: list[NonEmpty] = Field(default_factory=list)
    userJurisdictions: list[NonEmpty]
    dataClasses: list[NonEmpty]
    prompt: Reference
    model: Reference | None = None
    fallbacks: list[Reference] = Field(default_factory=list)
    guardrails: Name | None = None
    evalSuite: Name | None = None
    rollout: Rollout | None = None
    budget: Budget | None = None
    latency: LatencyBudget | None = None
    reliability: Reliability | None = None
    humanOversight: HumanOversight | None = None
    monitoring: Monitoring | None = None
    retrieval: Retrieval | None = None
    logging: Logging | None = None
    auth: Auth | None = None
    rateLimit: RateLimit | None = None


class DeploymentArtifact(Strict):
    apiVersion: ApiVersion
    kind: Literal["Deployment"]
    metadata: Metadata
    spec: DeploymentSpec


# --- Waiver ----------------------------------------------------------------------------------
class WaiverSpec(Strict):
    rule: NonEmpty = Field(description="rule id, e.g. GOV-EVL-002")
    target: NonEmpty = Field(description="artifact identity, e.g. Deployment/support-eu-prod")
    justification: NonEmpty
    approvedBy: NonEmpty
    expires: Date
    ticket: str | None = None


class WaiverArtifact(Strict):
    apiVersion: ApiVersion
    kind: Literal["Waiver"]
    metadata: Metadata
    spec: WaiverSpec


ARTIFACT_MODELS: dict[str, type[Strict]] = {
    "Model": ModelArtifact,
    "Prompt": PromptArtifact,
    "ResidencyRule": ResidencyRuleArtifact,
    "GuardrailPolicy": GuardrailPolicyArtifact,
    "EvalSuite": EvalSuiteArtifact,
    "EvalRun": EvalRunArtifact,
    "Deployment": DeploymentArtifact,
    "Waiver": WaiverArtifact,
}
KINDS: tuple[str, ...] = tuple(ARTIFACT_MODELS)
VERSIONED_KINDS = frozenset({"Prompt", "Model"})
