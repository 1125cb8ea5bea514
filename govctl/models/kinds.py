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
from govctl.models.names import KINDS, RUNTIME_KINDS, SUBJECT_KINDS, VERSIONED_KINDS

ApiVersion = Literal["govctl/v1"]
RiskTier = Literal["minimal", "limited", "high"]
Action = Literal["block", "redact", "escalate", "retry", "log"]


# --- Model -----------------------------------------------------------------------------------
class ModelMetadata(Metadata):
    version: Annotated[str, Field(pattern=MODEL_VERSION_PATTERN)]
    """The provider's snapshot string of this model version, e.g. 2025-04-14."""


class Hosting(Strict):
    regions: Annotated[list[NonEmpty], Field(min_length=1)]
    """Cloud regions where the provider processes requests."""
    jurisdictions: Annotated[list[NonEmpty], Field(min_length=1)]
    """Legal jurisdictions of those regions (e.g. EU, US, KZ)."""


class DataHandling(Strict):
    trainsOnInputs: bool
    """Whether the provider may train on the prompts and outputs sent to it."""
    retentionDays: NonNegativeInt | None = None
    """How many days the provider keeps inputs and outputs."""


class Pricing(Strict):
    currency: NonEmpty = "USD"
    """Currency of the prices."""
    inputPer1M: NonNegative
    """Price of one million input tokens."""
    outputPer1M: NonNegative
    """Price of one million output tokens."""


class ModelLimits(Strict):
    contextWindow: PositiveInt
    """Largest number of tokens the model accepts in one request."""
    maxOutputTokens: PositiveInt
    """Largest number of tokens the model returns in one response."""


class ObservedLatency(Strict):
    p95Ms: NonNegative
    """Observed 95th-percentile latency in milliseconds."""


class ModelSpec(Strict):
    provider: NonEmpty
    """Who serves the model (e.g. openai, azure-openai, anthropic)."""
    providerModelId: NonEmpty
    """The model id the provider's API expects."""
    status: Literal["approved", "preview", "deprecated", "blocked"]
    """approved for use; preview; deprecated (dev only); blocked (never)."""
    sunset: Date | None = None
    """Date the provider retires this version (YYYY-MM-DD)."""
    hosting: Hosting
    """Where the model runs."""
    dataHandling: DataHandling
    """What the provider does with the data sent."""
    pricing: Pricing
    """Token prices, for cost projections."""
    limits: ModelLimits
    """Token limits of the model."""
    latency: ObservedLatency | None = None
    """Observed latency, for latency budgets."""
    tier: Literal["small", "medium", "large"] | None = None
    """Size class of the model."""


class ModelArtifact(Strict):
    apiVersion: ApiVersion
    """Always govctl/v1."""
    kind: Literal["Model"]
    """The kind of artifact."""
    metadata: ModelMetadata
    """Name, version, owner and labels."""
    spec: ModelSpec
    """The artifact's content."""


# --- Prompt ----------------------------------------------------------------------------------
class PromptMetadata(Metadata):
    version: Annotated[str, Field(pattern=SEMVER_PATTERN)]
    """Semantic version of this prompt release; a released version never changes."""


class Message(Strict):
    role: Literal["system", "user", "assistant"]
    """Who speaks: system, user or assistant."""
    content: str
    """Text of the message; {{name}} inserts a declared variable."""


class Variable(Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    """Name used as {{name}} in the messages."""
    source: Literal["user", "retrieval", "system"]
    """Where the value comes from: user input, retrieval or the system."""
    description: str | None = None
    """What the variable holds."""


class PromptParameters(Strict):
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    """Sampling temperature (0 to 2)."""
    maxTokens: PositiveInt | None = None
    """Largest response, in tokens."""
    topP: Annotated[float, Field(ge=0, le=1)] | None = None
    """Nucleus sampling probability mass (0 to 1)."""
    frequencyPenalty: float | None = None
    """Penalty for repeated tokens."""
    presencePenalty: float | None = None
    """Penalty for tokens already present."""
    seed: int | None = None
    """Seed for reproducible sampling."""
    stop: list[str] | None = None
    """Sequences that end the response."""


class PromptSpec(Strict):
    # The one-of rule is stated in the JSON Schema too, so jsonschema and pydantic agree.
    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["messages"]}, {"required": ["templateFile"]}]}
    )

    messages: Annotated[list[Message], Field(min_length=1)] | None = None
    """The messages sent to the model (or templateFile)."""
    templateFile: NonEmpty | None = Field(
        default=None, description="path relative to this file; its text is the single user message"
    )
    variables: list[Variable] = Field(default_factory=list)
    """Every variable the messages use, with its source."""
    parameters: PromptParameters | None = None
    """Sampling parameters."""
    model: Reference | None = None
    """The model this prompt is written for (name@version)."""
    riskTier: RiskTier
    """Risk tier: minimal, limited or high."""
    evalSuite: Name | None = None
    """Name of the EvalSuite that gates this prompt."""
    responseFormat: dict[str, Any] | None = None
    """The structured output format requested (e.g. a JSON Schema)."""
    changelog: str | None = None
    """What changed in this version."""

    @model_validator(mode="after")
    def _one_source(self) -> PromptSpec:
        if (self.messages is None) == (self.templateFile is None):
            raise ValueError("exactly one of messages or templateFile is required")
        return self


class PromptArtifact(Strict):
    apiVersion: ApiVersion
    """Always govctl/v1."""
    kind: Literal["Prompt"]
    """The kind of artifact."""
    metadata: PromptMetadata
    """Name, version, owner and labels."""
    spec: PromptSpec
    """The artifact's content."""


# --- ResidencyRule ---------------------------------------------------------------------------
class ResidencyRuleSpec(Strict):
    dataClasses: Annotated[list[NonEmpty], Field(min_length=1)]
    """Data classes the rule governs (e.g. pii, financial)."""
    userJurisdictions: Annotated[list[NonEmpty], Field(min_length=1)]
    """Jurisdictions of the users whose data the rule governs."""
    allowedJurisdictions: Annotated[list[NonEmpty], Field(min_length=1)]
    """Jurisdictions where that data may be processed."""
    allowedRegions: Annotated[list[NonEmpty], Field(min_length=1)]
    """Cloud regions where that data may be processed."""
    legalBasis: str | None = None
    """The law or contract the rule comes from."""
    waivable: bool = False
    """Whether a Waiver may accept a finding of this rule."""


class ResidencyRuleArtifact(Strict):
    apiVersion: ApiVersion
    """Always govctl/v1."""
    kind: Literal["ResidencyRule"]
    """The kind of artifact."""
    metadata: Metadata
    """Name, version, owner and labels."""
    spec: ResidencyRuleSpec
    """The artifact's content."""


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
    """What happens when the check fires: block, redact, escalate, retry or log."""
    threshold: Score | None = None
    """Score (0 to 1) at or above which the check fires."""
    allowedTopics: list[NonEmpty] | None = None
    """Topics allowed (topic_filter)."""
    blockedTopics: list[NonEmpty] | None = None
    """Topics blocked (topic_filter)."""
    entities: list[NonEmpty] | None = None
    """Entity types detected or redacted (pii checks)."""
    description: str | None = None
    """What the check is for."""


class InputCheck(_Check):
    type: InputCheckType
    """Kind of input check."""


class OutputCheck(_Check):
    type: OutputCheckType
    """Kind of output check."""


class GuardrailPolicySpec(Strict):
    input: list[InputCheck] = Field(default_factory=list)
    """Checks on what users send."""
    output: list[OutputCheck] = Field(default_factory=list)
    """Checks on what the model returns."""
    onError: Literal["block", "allow"] = "block"
    """When the guardrail service fails: block the request, or allow it (fail open)."""
    timeoutMs: PositiveInt | None = None
    """Time limit of the guardrail checks, in milliseconds."""


class GuardrailPolicyArtifact(Strict):
    apiVersion: ApiVersion
    """Always govctl/v1."""
    kind: Literal["GuardrailPolicy"]
    """The kind of artifact."""
    metadata: Metadata
    """Name, version, owner and labels."""
    spec: GuardrailPolicySpec
    """The artifact's content."""


# --- EvalSuite / EvalRun ---------------------------------------------------------------------
class Metric(Strict):
    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    """Metric name, as in EvalRun results."""
    threshold: float
    """The value the metric must reach."""
    direction: Literal["higher", "lower"] = "higher"
    """higher: at least the threshold; lower: at most."""


class EvalSuiteSpec(Strict):
    dataset: NonEmpty = Field(description="JSONL file relative to this file; one case per line")
    tags: list[NonEmpty] = Field(default_factory=list)
    """Case tags the dataset is expected to cover (e.g. adversarial, edge_case)."""
    metrics: Annotated[list[Metric], Field(min_length=1)]
    """The metrics a run must pass."""


class EvalSuiteArtifact(Strict):
    apiVersion: ApiVersion
    """Always govctl/v1."""
    kind: Literal["EvalSuite"]
    """The kind of artifact."""
    metadata: Metadata
    """Name, version, owner and labels."""
    spec: EvalSuiteSpec
    """The artifact's content."""


class EvalRunSpec(Strict):
    suite: Name
    """Name of the EvalSuite that was run."""
    prompt: Reference
    """The prompt version evaluated (name@version)."""
    promptDigest: Digest
    """sha256 digest of that prompt as govctl computes it."""
    model: Reference
    """The model version evaluated (name@version)."""
    datasetDigest: Digest
    """sha256 of the dataset file that was used."""
    completedAt: Timestamp
    """When the run finished (RFC 3339)."""
    results: dict[str, float]
    """Metric name to measured value."""
    runner: str | None = None
    """What ran the evaluation."""
    url: str | None = None
    """Where the run's full report is."""


class EvalRunArtifact(Strict):
    apiVersion: ApiVersion
    """Always govctl/v1."""
    kind: Literal["EvalRun"]
    """The kind of artifact."""
    metadata: Metadata
    """Name, version, owner and labels."""
    spec: EvalRunSpec
    """The artifact's content."""


# --- Deployment ------------------------------------------------------------------------------
class Rollout(Strict):
    strategy: Literal["all-at-once", "canary", "blue-green", "shadow"]
    """How a new version reaches users."""
    percent: Annotated[float, Field(ge=0, le=100)] | None = None
    """Share of traffic for a canary (0 to 100)."""
    rollbackTo: Reference | None = None
    """The prompt version to return to (name@version)."""


class Budget(Strict):
    maxInputTokens: PositiveInt | None = None
    """Largest request, in tokens."""
    maxOutputTokens: PositiveInt | None = None
    """Largest response, in tokens."""
    expectedRequestsPerDay: NonNegative | None = None
    """Expected traffic, for cost projections."""
    avgInputTokens: NonNegative | None = None
    """Average request size, in tokens."""
    avgOutputTokens: NonNegative | None = None
    """Average response size, in tokens."""
    monthlyCeilingUSD: NonNegative | None = None
    """Monthly spend the deployment must stay under, in USD."""


class LatencyBudget(Strict):
    p95Ms: NonNegative | None = None
    """95th-percentile latency budget, in milliseconds."""
    streaming: bool | None = None
    """Whether responses are streamed."""


class Reliability(Strict):
    retries: NonNegativeInt | None = None
    """Retries of a failed model call."""
    backoff: Literal["none", "fixed", "linear", "exponential"] | None = None
    """Wait between retries."""
    timeoutMs: PositiveInt | None = None
    """Time limit of a model call, in milliseconds."""


class HumanOversight(Strict):
    mode: Literal["none", "sampled", "required"]
    """none; sampled review; or required review of every response."""
    escalation: NonEmpty | None = None
    """Where cases go for a human decision (queue, team)."""
    feedback: bool | None = None
    """Whether users can flag responses."""
    sampleRate: Score | None = None
    """Share of responses reviewed (0 to 1)."""


class Alerts(Strict):
    p95LatencyMs: NonNegative | None = None
    """Alert when 95th-percentile latency exceeds this, in milliseconds."""
    errorRate: Score | None = None
    """Alert when the error rate exceeds this (0 to 1)."""
    costPerRequestUSD: NonNegative | None = None
    """Alert when a request costs more than this, in USD."""


class Monitoring(Strict):
    alerts: Alerts | None = None
    """Alert thresholds."""
    dashboard: str | None = None
    """Where the dashboard is."""


class Retrieval(Strict):
    store: NonEmpty
    """The retrieval store (index, database)."""
    region: NonEmpty
    """Cloud region of the store."""
    jurisdiction: NonEmpty | None = None
    """Legal jurisdiction of that region."""
    refreshCadence: Duration | None = None
    """How often the store is refreshed (ISO 8601 duration, e.g. P7D)."""


class Logging(Strict):
    enabled: bool
    """Whether requests and responses are logged."""
    region: NonEmpty | None = None
    """Cloud region of the log sink."""
    jurisdiction: NonEmpty | None = None
    """Legal jurisdiction of that region."""
    retentionDays: NonNegativeInt | None = None
    """How many days logs are kept."""
    redactPII: bool | None = None
    """Whether personal data is redacted before logging."""


class Auth(Strict):
    required: bool
    """Whether callers must authenticate."""
    rbac: bool | None = None
    """Whether access is role-based."""


class RateLimit(Strict):
    requestsPerMinute: PositiveInt
    """Requests allowed per caller per minute."""


class DeploymentSpec(Strict):
    environment: NonEmpty
    """Environment, one of those in govctl.yaml (e.g. dev, staging, prod)."""
    useCase: str | None = None
    """What the deployment is for."""
    riskTier: RiskTier
    """Risk tier: minimal, limited or high."""
    userFacing: bool
    """Whether end users talk to it directly."""
    servedRegions: list[NonEmpty] = Field(default_factory=list)
    """Regions where it serves users."""
    userJurisdictions: list[NonEmpty]
    """Jurisdictions of its users."""
    dataClasses: list[NonEmpty]
    """Data classes it processes (e.g. pii)."""
    prompt: Reference
    """The prompt version it serves (name@version)."""
    model: Reference | None = None
    """The primary model (name@version); default: the prompt's model."""
    fallbacks: list[Reference] = Field(default_factory=list)
    """Models used when the primary fails, in order."""
    guardrails: Name | None = None
    """Name of its GuardrailPolicy."""
    evalSuite: Name | None = None
    """Name of the EvalSuite that gates it; default: the prompt's."""
    rollout: Rollout | None = None
    """How new versions roll out."""
    budget: Budget | None = None
    """Token and cost limits."""
    latency: LatencyBudget | None = None
    """Latency budget."""
    reliability: Reliability | None = None
    """Retries, backoff and timeouts."""
    humanOversight: HumanOversight | None = None
    """Human review of responses."""
    monitoring: Monitoring | None = None
    """Alerts and dashboard."""
    retrieval: Retrieval | None = None
    """The retrieval store it reads."""
    logging: Logging | None = None
    """How requests are logged."""
    auth: Auth | None = None
    """Authentication of callers."""
    rateLimit: RateLimit | None = None
    """Rate limit per caller."""


class DeploymentArtifact(Strict):
    apiVersion: ApiVersion
    """Always govctl/v1."""
    kind: Literal["Deployment"]
    """The kind of artifact."""
    metadata: Metadata
    """Name, version, owner and labels."""
    spec: DeploymentSpec
    """The artifact's content."""


# --- Waiver ----------------------------------------------------------------------------------
class WaiverSpec(Strict):
    rule: NonEmpty = Field(description="rule id, e.g. GOV-EVL-002")
    target: NonEmpty = Field(description="artifact identity, e.g. Deployment/support-eu-prod")
    justification: NonEmpty
    """Why the finding is accepted for now."""
    approvedBy: NonEmpty
    """Who accepted it."""
    expires: Date
    """Last day the waiver applies (YYYY-MM-DD)."""
    ticket: str | None = None
    """The change or risk ticket that records the approval (e.g. GOV-1)."""


class WaiverArtifact(Strict):
    apiVersion: ApiVersion
    """Always govctl/v1."""
    kind: Literal["Waiver"]
    """The kind of artifact."""
    metadata: Metadata
    """Name, version, owner and labels."""
    spec: WaiverSpec
    """The artifact's content."""


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

# Re-exported: the names live in govctl.models.names (tests/unit/test_core_pure.py keeps
# ARTIFACT_MODELS in the same order as KINDS).
__all__ = ["ARTIFACT_MODELS", "KINDS", "RUNTIME_KINDS", "SUBJECT_KINDS", "VERSIONED_KINDS"]
