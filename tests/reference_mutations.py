"""One deliberate, realistic break of the reference repository per rule of docs/spec.md §4.

Data for ``tests/test_reference_repository.py`` (breaking the reference repository triggers the
expected rule at the expected file:line). Each case names the rule, the file, line and field path
where the finding must appear — counted by hand from the reference files, never taken from a
govctl run — and the edits that cause it.

Where an edit removes the field a finding names, govctl locates the finding at the nearest
existing parent key (docs/policies.md, "Writing a policy"); the expected line is that parent's.

Edits are plain text: ``Replace`` requires its old text to occur exactly once in the file, so a
later change to the reference repository fails the case loudly instead of silently testing
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Replace:
    """Replace ``old`` (which must occur exactly once) with ``new`` in ``file``."""

    file: str
    old: str
    new: str


@dataclass(frozen=True)
class AddFile:
    """Create ``file`` (which must not exist) with ``text``."""

    file: str
    text: str


@dataclass(frozen=True)
class CopyFile:
    """Copy ``source`` to a new file ``file``, then apply ``replacements`` (old, new) to the copy."""

    source: str
    file: str
    replacements: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class KeepFirstLines:
    """Keep only the first ``count`` lines of ``file`` (which must have more)."""

    file: str
    count: int


Edit = Replace | AddFile | CopyFile | KeepFirstLines


@dataclass(frozen=True)
class Mutation:
    """Break the reference repository with ``edits``; expect ``rule`` at ``file``:``line``."""

    rule: str
    file: str
    line: int
    path: str
    edits: tuple[Edit, ...]
    story: str
    # Other rules the edit necessarily triggers (reported, unwaived): listed, never ignored.
    also: frozenset[str] = field(default_factory=frozenset)
    # Check against a base commit holding the unbroken repository (rules reading input.change).
    against_base: bool = False


# A new eval suite for GOV-EVL-004: happy-path cases only, no adversarial or edge_case tags.
SMOKE_SUITE = """\
apiVersion: govctl/v1
kind: EvalSuite
metadata:
  name: support-reply-smoke
  owner: team-support
  description: Ten-minute smoke set for support-reply, run on every pull request.
spec:
  dataset: datasets/support-reply-smoke.jsonl
  tags: [smoke, cards, payments]
  metrics:
    - {name: factual_accuracy, threshold: 0.90}
"""

SMOKE_DATASET = """\
{"id": "smoke-001", "tags": ["cards"], "input": {"question": "How do I freeze my card?"}, "expected": {"behaviour": "answer"}}
{"id": "smoke-002", "tags": ["payments"], "input": {"question": "When does a SEPA transfer arrive?"}, "expected": {"behaviour": "answer"}}
{"id": "smoke-003", "tags": ["accounts"], "input": {"question": "Where do I find my IBAN?"}, "expected": {"behaviour": "answer"}}
"""

# Shaped like an OpenAI project key so the detector fires; not a real credential (assembled
# here so that secret scanners do not flag this file).
FAKE_API_KEY = "sk-" + "proj-EXAMPLEnotARealKey0123456789abcdef"

# A table, one case per rule, laid out by hand: the formatter leaves it alone.
# fmt: off
MUTATIONS: tuple[Mutation, ...] = (
    # --- registry ------------------------------------------------------------------------------
    Mutation(
        "GOV-REG-001", "registry/deployments/support-assistant-eu-prod.yaml", 47,
        "spec.humanOversight.feedbak",
        (Replace("registry/deployments/support-assistant-eu-prod.yaml",
                 "    feedback: true\n", "    feedbak: true\n"),),
        "a misspelt field name (unknown field) in the EU support deployment",
    ),
    Mutation(
        "GOV-REG-002", "registry/deployments/kz-assistant-prod.yaml", 26, "spec.fallbacks[0]",
        (Replace("registry/deployments/kz-assistant-prod.yaml",
                 "fallbacks: [qwen2-5-32b-instruct@2024-09-19]",
                 "fallbacks: [qwen2-5-32b-instruct@2024-09-20]"),),
        "a fallback that names a model snapshot the registry does not hold",
    ),
    Mutation(
        "GOV-REG-003", "prompts/support-reply/2.5.0.yaml", 4, "metadata.name",
        (CopyFile("prompts/support-reply/2.4.0.yaml", "prompts/support-reply/2.5.0.yaml",
                  (("  changelog: >-\n", "  changelog: >-\n    Draft of 2.5.0.\n"),)),),
        "a new prompt file copied from 2.4.0 without bumping metadata.version",
    ),
    Mutation(
        "GOV-REG-004", "registry/deployments/knowledge-search-prod.yaml", 5, "metadata.owner",
        (Replace("registry/deployments/knowledge-search-prod.yaml",
                 "  owner: workplace-ai\n", "  owner: workplace-ai-team\n"),),
        "an owner that is not a team in govctl.yaml",
    ),
    Mutation(
        "GOV-REG-005", "prompts/support-reply/2.2.1.yaml", 5, "metadata.version",
        (Replace("prompts/support-reply/2.2.1.yaml",
                 "politely, in at most 180 words.", "politely, in at most 150 words."),),
        "the released rollback version 2.2.1 edited in place instead of released as a new version",
        against_base=True,
    ),
    # --- prompts (versions no deployment serves, so no eval evidence goes stale) ---------------
    Mutation(
        "GOV-PRM-001", "prompts/support-reply/2.1.0.yaml", 34, "spec.variables",
        (Replace("prompts/support-reply/2.1.0.yaml",
                 "        {{policy_excerpt}}\n", "        {{policy_excerpts}}\n"),),
        "a misspelt template variable: {{policy_excerpts}} undeclared, policy_excerpt unused",
    ),
    Mutation(
        # Line 38 of the edited file: the edit inserts a line above the declaration.
        "GOV-PRM-002", "prompts/support-reply/2.1.0.yaml", 38, "spec.variables[2]",
        (Replace("prompts/support-reply/2.1.0.yaml",
                 "        Customer segment: {{customer_segment}}\n",
                 "        Customer segment: {{customer_segment}}\n"
                 "        Customer's last message: {{question}}\n"),),
        "the user's question interpolated into the system message",
    ),
    Mutation(
        "GOV-PRM-003", "prompts/support-reply/2.1.0.yaml", 13, "spec.messages[0].content",
        (Replace("prompts/support-reply/2.1.0.yaml",
                 "        Bank information:\n",
                 f"        Tariff service key: {FAKE_API_KEY}\n        Bank information:\n"),),
        "an API key pasted into the system message",
    ),
    Mutation(
        "GOV-PRM-004", "prompts/contract-summary/1.0.0.yaml", 13, "spec.parameters.temperature",
        (Replace("prompts/contract-summary/1.0.0.yaml",
                 "parameters: {temperature: 0.1, maxTokens: 2500}",
                 "parameters: {temperature: 0.7, maxTokens: 2500}"),),
        "a high-risk prompt sampling at temperature 0.7",
    ),
    # --- models --------------------------------------------------------------------------------
    Mutation(
        "GOV-MDL-001", "registry/deployments/synthetic-data-lab-dev.yaml", 22, "spec.model",
        (Replace("registry/deployments/synthetic-data-lab-dev.yaml",
                 "  model: claude-sonnet-4-5@20250929\n",
                 "  model: gemini-2-0-flash-exp@2024-12-11\n"),),
        "the sandbox switched to the blocked free-tier model",
    ),
    Mutation(
        "GOV-MDL-002", "registry/deployments/knowledge-search-prod.yaml", 23, "spec.fallbacks[0]",
        (Replace("registry/models/gemini-2-5-flash-2025-06-17.yaml",
                 "  sunset: 2027-06-17\n", "  sunset: 2026-11-15\n"),),
        "the provider retired the fallback's snapshot last week",
    ),
    Mutation(
        "GOV-MDL-003", "registry/deployments/knowledge-search-staging.yaml", 22, "spec.model",
        (CopyFile("registry/models/gpt-4-1-mini-2025-04-14.yaml",
                  "registry/models/gpt-4-1-mini-latest.yaml",
                  (("  version: 2025-04-14\n", "  version: latest\n"),)),
         Replace("registry/deployments/knowledge-search-staging.yaml",
                 "  model: gpt-4-1-mini@2025-04-14\n", "  model: gpt-4-1-mini@latest\n")),
        "staging served from a floating 'latest' alias",
    ),
    Mutation(
        "GOV-MDL-004", "registry/deployments/kz-assistant-prod.yaml", 26, "spec.fallbacks[0]",
        (Replace("registry/models/qwen2-5-32b-instruct-2024-09-19.yaml",
                 "    trainsOnInputs: false\n", "    trainsOnInputs: true\n"),),
        "the in-country fallback's serving terms now allow training on inputs",
    ),
    # --- residency -----------------------------------------------------------------------------
    Mutation(
        "GOV-RES-001", "registry/deployments/kz-assistant-staging.yaml", 21, "spec.model",
        (Replace("registry/deployments/kz-assistant-staging.yaml",
                 "  model: kazllm-70b-instruct@1.0-awq-int4\n",
                 "  model: gpt-4-1-mini@2025-04-14\n"),),
        "Kazakh personal data sent to a model in Sweden Central",
    ),
    Mutation(
        "GOV-RES-002", "registry/deployments/support-assistant-eu-prod.yaml", 29, "spec.fallbacks[0]",
        (Replace("registry/deployments/support-assistant-eu-prod.yaml",
                 "    - gpt-4-1-mini@2025-04-14                     #",
                 "    - claude-sonnet-4-5@20250929                  #"),),
        "EU customer data failing over to a US-hosted model",
    ),
    Mutation(
        "GOV-RES-003", "registry/deployments/kz-assistant-prod.yaml", 48, "spec.logging.region",
        (Replace("registry/deployments/kz-assistant-prod.yaml",
                 "region: kz-almaty-1, jurisdiction: KZ, retentionDays: 1825",
                 "region: westeurope, jurisdiction: EU, retentionDays: 1825"),),
        "Kazakh conversation logs shipped to the group's EU log platform",
    ),
    Mutation(
        "GOV-RES-004", "registry/deployments/knowledge-search-prod.yaml", 20, "spec.dataClasses",
        (Replace("registry/deployments/knowledge-search-prod.yaml",
                 "  dataClasses: [confidential]\n", "  dataClasses: [confidential, hr-records]\n"),),
        "a data class no residency rule governs",
    ),
    # --- guardrails ----------------------------------------------------------------------------
    Mutation(
        "GOV-GRD-001", "registry/deployments/kz-assistant-prod.yaml", 27, "spec.guardrails",
        (Replace("registry/guardrails/kz-customer-facing.yaml",
                 "      threshold: 0.75\n      action: block\n",
                 "      threshold: 0.75\n      action: escalate\n"),),
        "prompt injection escalated to a human instead of blocked",
    ),
    Mutation(
        "GOV-GRD-002", "registry/deployments/kz-assistant-prod.yaml", 27, "spec.guardrails",
        (Replace("registry/guardrails/kz-customer-facing.yaml",
                 "    - type: pii_redaction\n      action: redact\n", ""),),
        "the output pii_redaction check removed from a policy used with pii",
    ),
    Mutation(
        "GOV-GRD-003", "registry/deployments/knowledge-search-prod.yaml", 24, "spec.guardrails",
        (Replace("registry/guardrails/internal-standard.yaml",
                 "    - type: format_validation\n      action: retry\n", ""),),
        "the output format_validation check removed from a policy used in prod",
    ),
    Mutation(
        "GOV-GRD-004", "registry/deployments/support-assistant-eu-prod.yaml", 31, "spec.guardrails",
        (Replace("registry/guardrails/customer-facing-strict.yaml",
                 "  onError: block\n", "  onError: allow\n"),),
        "the customer-facing guardrails set to fail open",
    ),
    Mutation(
        "GOV-GRD-005", "registry/deployments/support-assistant-eu-prod.yaml", 31, "spec.guardrails",
        (Replace("registry/guardrails/customer-facing-strict.yaml",
                 "      threshold: 0.80\n      action: block\n      description: Azure",
                 "      threshold: 0.90\n      action: block\n      description: Azure"),),
        "the prompt_injection threshold raised from 0.80 to 0.90 (weakened) against the base",
        against_base=True,
    ),
    Mutation(
        "GOV-GRD-006", "registry/deployments/knowledge-search-prod.yaml", 24, "spec.guardrails",
        (Replace("registry/guardrails/internal-standard.yaml",
                 "    - type: topic_filter\n      action: block\n      blockedTopics:\n"
                 "        - individual-customer-lookup\n        - colleague-performance-or-pay\n"
                 "        - trading-recommendations\n        - legal-advice-for-personal-matters\n",
                 ""),),
        "the topic_filter removed from the policy of the user-facing knowledge search",
    ),
    # --- evaluation ----------------------------------------------------------------------------
    Mutation(
        "GOV-EVL-001", "registry/deployments/credit-memo-eu-staging.yaml", 27, "spec.evalSuite",
        (KeepFirstLines("registry/evals/datasets/credit-memo-golden.jsonl", 199),),
        "the credit-memo golden set cut to 199 cases",
    ),
    Mutation(
        "GOV-EVL-002", "registry/deployments/support-assistant-eu-prod.yaml", 32, "spec.evalSuite",
        (Replace("prompts/support-reply/2.3.0.yaml",
                 "in plain words, in at most 150 words.", "in plain words, in at most 120 words."),),
        "the served prompt edited without re-running its eval suite (digest no longer matches)",
    ),
    Mutation(
        "GOV-EVL-003", "registry/deployments/support-assistant-eu-prod.yaml", 32, "spec.evalSuite",
        (Replace("registry/evals/runs/support-reply-2-3-0-gpt-4-1-20261118.yaml",
                 "  completedAt: 2026-11-18T06:42:10Z\n", "  completedAt: 2026-10-18T06:42:10Z\n"),),
        "the only passing EvalRun completed 34 days before today",
    ),
    Mutation(
        "GOV-EVL-004", "registry/evals/support-reply-smoke.yaml", 8, "spec.dataset",
        (AddFile("registry/evals/support-reply-smoke.yaml", SMOKE_SUITE),
         AddFile("registry/evals/datasets/support-reply-smoke.jsonl", SMOKE_DATASET)),
        "a new smoke suite with happy-path cases only",
    ),
    # --- cost, latency, reliability ------------------------------------------------------------
    Mutation(
        "GOV-CST-001", "registry/deployments/knowledge-search-prod.yaml", 27,
        "spec.budget.maxOutputTokens",  # removed: located at its parent, spec.budget
        (Replace("registry/deployments/knowledge-search-prod.yaml", "    maxOutputTokens: 1200\n", ""),),
        "the per-request output token cap removed",
    ),
    Mutation(
        "GOV-CST-002", "registry/deployments/support-assistant-eu-prod.yaml", 40,
        "spec.budget.monthlyCeilingUSD",
        (Replace("registry/deployments/support-assistant-eu-prod.yaml",
                 "    expectedRequestsPerDay: 12000\n", "    expectedRequestsPerDay: 25000\n"),),
        "traffic forecast doubled: 5,742 USD/month projected against a 4,500 USD ceiling",
    ),
    Mutation(
        "GOV-CST-003", "registry/deployments/kz-assistant-prod.yaml", 31, "spec.budget.maxInputTokens",
        (Replace("registry/deployments/kz-assistant-prod.yaml",
                 "    maxInputTokens: 6000\n", "    maxInputTokens: 48000\n"),),
        "48,000 + 700 tokens per request exceed the 32,768-token windows of both KZ models",
    ),
    Mutation(
        "GOV-LAT-001", "registry/deployments/knowledge-search-prod.yaml", 34, "spec.latency.streaming",
        (Replace("registry/deployments/knowledge-search-prod.yaml",
                 "latency: {p95Ms: 2500, streaming: true}", "latency: {p95Ms: 2500, streaming: false}"),),
        "streaming switched off for a user-facing prod assistant",
    ),
    Mutation(
        "GOV-REL-001", "registry/deployments/contract-summariser-eu-prod.yaml", 15,
        "spec.fallbacks",  # removed: located at its parent, spec
        (Replace("registry/deployments/contract-summariser-eu-prod.yaml",
                 "  fallbacks: [gpt-4-1@2025-04-14]\n", ""),),
        "the only fallback of a high-risk prod deployment removed",
    ),
    Mutation(
        "GOV-REL-002", "registry/deployments/kz-assistant-prod.yaml", 38, "spec.reliability.backoff",
        (Replace("registry/deployments/kz-assistant-prod.yaml",
                 "reliability: {retries: 2, backoff: exponential,",
                 "reliability: {retries: 2, backoff: fixed,"),),
        "retries without exponential backoff",
    ),
    Mutation(
        "GOV-REL-003", "registry/deployments/support-assistant-eu-prod.yaml", 33,
        "spec.rollout.rollbackTo",  # removed: located at its parent, spec.rollout
        (Replace("registry/deployments/support-assistant-eu-prod.yaml",
                 "rollout: {strategy: canary, percent: 10, rollbackTo: support-reply@2.2.1}",
                 "rollout: {strategy: canary, percent: 10}"),),
        "a canary without a rollback version",
    ),
    # --- human oversight, monitoring, security, data -------------------------------------------
    Mutation(
        "GOV-HUM-001", "registry/deployments/credit-memo-eu-staging.yaml", 39, "spec.humanOversight.mode",
        (Replace("registry/deployments/credit-memo-eu-staging.yaml",
                 "    mode: required\n", "    mode: none\n"),),
        "human review of high-risk credit memos switched off",
    ),
    Mutation(
        "GOV-HUM-002", "registry/deployments/kz-assistant-staging.yaml", 39,
        "spec.humanOversight.feedback",
        (Replace("registry/deployments/kz-assistant-staging.yaml",
                 "    feedback: true\n", "    feedback: false\n"),),
        "feedback capture switched off for a user-facing assistant",
    ),
    Mutation(
        "GOV-OBS-001", "registry/deployments/knowledge-search-prod.yaml", 42,
        "spec.monitoring.alerts.costPerRequestUSD",  # removed: located at spec.monitoring.alerts
        (Replace("registry/deployments/knowledge-search-prod.yaml",
                 "alerts: {p95LatencyMs: 3000, errorRate: 0.02, costPerRequestUSD: 0.01}",
                 "alerts: {p95LatencyMs: 3000, errorRate: 0.02}"),),
        "the cost-per-request alert dropped from a prod deployment",
    ),
    Mutation(
        "GOV-SEC-001", "registry/deployments/support-assistant-eu-staging.yaml", 47, "spec.auth.required",
        (Replace("registry/deployments/support-assistant-eu-staging.yaml",
                 "auth: {required: true, rbac: true}", "auth: {required: false, rbac: true}"),),
        "authentication switched off on staging for the UAT testers",
    ),
    Mutation(
        "GOV-SEC-002", "registry/deployments/support-assistant-eu-staging.yaml", 46,
        "spec.logging.retentionDays",
        (Replace("registry/deployments/support-assistant-eu-staging.yaml",
                 "retentionDays: 180,", "retentionDays: 90,"),),
        "logs of a high-risk deployment kept 90 days",
    ),
    Mutation(
        "GOV-SEC-003", "registry/deployments/kz-assistant-prod.yaml", 16,
        "spec.rateLimit",  # removed: located at its parent, spec
        (Replace("registry/deployments/kz-assistant-prod.yaml",
                 "  rateLimit: {requestsPerMinute: 400}\n", ""),),
        "the rate limit removed from a user-facing prod assistant",
    ),
    Mutation(
        "GOV-DAT-001", "registry/deployments/knowledge-search-prod.yaml", 44,
        "spec.retrieval.refreshCadence",
        (Replace("registry/deployments/knowledge-search-prod.yaml",
                 "refreshCadence: P1D}", "refreshCadence: P14D}"),),
        "the prod index refreshed fortnightly (the waiver covers staging only)",
    ),
    # --- waivers (an invalid waiver waives nothing: GOV-DAT-001 on staging comes back) ----------
    Mutation(
        "GOV-WVR-001", "registry/waivers/wvr-2026-014-knowledge-search-staging-refresh.yaml", 17,
        "spec.expires",
        (Replace("registry/waivers/wvr-2026-014-knowledge-search-staging-refresh.yaml",
                 "  expires: 2027-01-31\n", "  expires: 2026-11-01\n"),),
        "the waiver expired three weeks ago",
        also=frozenset({"GOV-DAT-001"}),
    ),
    Mutation(
        "GOV-WVR-002", "registry/waivers/wvr-2026-014-knowledge-search-staging-refresh.yaml", 10,
        "spec.target",
        (Replace("registry/waivers/wvr-2026-014-knowledge-search-staging-refresh.yaml",
                 "  target: Deployment/knowledge-search-staging\n",
                 "  target: Deployment/knowledge-search-stg\n"),),
        "the waiver names a deployment that does not exist",
        also=frozenset({"GOV-DAT-001"}),
    ),
    Mutation(
        "GOV-WVR-003", "registry/waivers/wvr-2026-014-knowledge-search-staging-refresh.yaml", 17,
        "spec.expires",
        (Replace("registry/waivers/wvr-2026-014-knowledge-search-staging-refresh.yaml",
                 "  expires: 2027-01-31\n", "  expires: 2027-03-31\n"),),
        "the waiver extended to 129 days, beyond waivers.maxDays (90)",
        also=frozenset({"GOV-DAT-001"}),
    ),
)
# fmt: on
