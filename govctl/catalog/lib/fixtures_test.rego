# Test fixtures shared by the catalog's unit tests: a clean prod Deployment, a Prompt and an
# EvalSuite as govctl hands them to policies (input.subject/related/derived/now/change), mirroring
# tests/fixtures/rules/base. Tests derive failing cases with json.patch.
#
# regopy note: `with input as {...}` crashes regopy as soon as the evaluated rule calls a builtin,
# and `with input.x as <rule>` silently yields undefined. Tests therefore bind each input key to
# a local variable and override input.subject, input.related, ... one by one (see denies() in
# each *_test.rego). object.union is not recursive on regopy: patch nested fields instead.
package govctl.test.fixtures

import rego.v1

now := "2026-11-22T00:00:00+00:00"

digest(c) := concat("", ["sha256:", c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c])

primary_model := {
	"identity": "Model/gpt-4o@2024-08-06",
	"kind": "Model",
	"path": "registry/models/gpt-4o-2024-08-06.yaml",
	"digest": digest("1111"),
	"metadata": {"name": "gpt-4o", "version": "2024-08-06", "owner": "ml-platform"},
	"spec": {
		"provider": "azure-openai",
		"providerModelId": "gpt-4o-2024-08-06",
		"status": "approved",
		"sunset": "2027-06-30",
		"hosting": {"regions": ["westeurope"], "jurisdictions": ["EU"]},
		"dataHandling": {"trainsOnInputs": false, "retentionDays": 0},
		"pricing": {"currency": "USD", "inputPer1M": 2.5, "outputPer1M": 10},
		"limits": {"contextWindow": 128000, "maxOutputTokens": 16384},
		"latency": {"p95Ms": 1800},
		"tier": "large",
	},
}

fallback_model := {
	"identity": "Model/gpt-4o-mini@2024-07-18",
	"kind": "Model",
	"path": "registry/models/gpt-4o-mini-2024-07-18.yaml",
	"digest": digest("2222"),
	"metadata": {"name": "gpt-4o-mini", "version": "2024-07-18", "owner": "ml-platform"},
	"spec": {
		"provider": "azure-openai",
		"providerModelId": "gpt-4o-mini-2024-07-18",
		"status": "approved",
		"sunset": "2027-03-31",
		"hosting": {"regions": ["swedencentral"], "jurisdictions": ["EU"]},
		"dataHandling": {"trainsOnInputs": false, "retentionDays": 0},
		"pricing": {"currency": "USD", "inputPer1M": 0.15, "outputPer1M": 0.6},
		"limits": {"contextWindow": 128000, "maxOutputTokens": 16384},
		"latency": {"p95Ms": 900},
		"tier": "small",
	},
}

prompt := {
	"identity": "Prompt/support-reply@1.4.0",
	"kind": "Prompt",
	"path": "prompts/support-reply/1.4.0.yaml",
	"digest": digest("3333"),
	"metadata": {"name": "support-reply", "version": "1.4.0", "owner": "team-support"},
	"spec": {
		"messages": [
			{"role": "system", "content": "You answer card and account questions. Policy context: {{policy_excerpt}}"},
			{"role": "user", "content": "{{question}}"},
		],
		"variables": [
			{"name": "question", "source": "user"},
			{"name": "policy_excerpt", "source": "retrieval"},
		],
		"parameters": {"temperature": 0.2, "maxTokens": 800},
		"model": "gpt-4o@2024-08-06",
		"riskTier": "high",
		"evalSuite": "support-reply-golden",
		"changelog": "Tightened refusal wording",
	},
}

previous_prompt := {
	"identity": "Prompt/support-reply@1.3.0",
	"kind": "Prompt",
	"path": "prompts/support-reply/1.3.0.yaml",
	"digest": digest("4444"),
	"metadata": {"name": "support-reply", "version": "1.3.0", "owner": "team-support"},
	"spec": object.union(prompt.spec, {"changelog": "Initial EU release"}),
}

guardrail := {
	"identity": "GuardrailPolicy/customer-facing-strict",
	"kind": "GuardrailPolicy",
	"path": "registry/guardrails/customer-facing-strict.yaml",
	"digest": digest("5555"),
	"metadata": {"name": "customer-facing-strict", "owner": "security"},
	"spec": {
		"input": [
			{"type": "prompt_injection", "threshold": 0.8, "action": "block"},
			{"type": "pii_detection", "action": "redact"},
			{"type": "topic_filter", "allowedTopics": ["billing", "accounts"], "action": "block"},
		],
		"output": [
			{"type": "pii_redaction", "action": "redact"},
			{"type": "grounding", "threshold": 0.7, "action": "escalate"},
			{"type": "safety", "threshold": 0.5, "action": "block"},
			{"type": "format_validation", "action": "retry"},
		],
		"onError": "block",
		"timeoutMs": 300,
	},
}

dataset := {
	"path": "registry/evals/datasets/support-golden.jsonl",
	"exists": true,
	"cases": 240,
	"tagCounts": {"edge_case": 48, "adversarial": 48, "regression": 40},
	"digest": digest("6666"),
	"invalidLines": [],
}

suite := {
	"identity": "EvalSuite/support-reply-golden",
	"kind": "EvalSuite",
	"path": "registry/evals/support-reply-golden.yaml",
	"digest": digest("7777"),
	"metadata": {"name": "support-reply-golden", "owner": "team-support"},
	"spec": {
		"dataset": "datasets/support-golden.jsonl",
		"tags": ["edge_case", "adversarial", "regression"],
		"metrics": [
			{"name": "factual_accuracy", "threshold": 0.9},
			{"name": "p95_latency_ms", "threshold": 2000, "direction": "lower"},
		],
	},
}

run := {
	"identity": "EvalRun/support-reply-golden-2026-11-20",
	"kind": "EvalRun",
	"path": "registry/evals/runs/support-reply-golden-2026-11-20.yaml",
	"digest": digest("8888"),
	"metadata": {"name": "support-reply-golden-2026-11-20", "owner": "team-support"},
	"spec": {
		"suite": "support-reply-golden",
		"prompt": "support-reply@1.4.0",
		"promptDigest": prompt.digest,
		"model": "gpt-4o@2024-08-06",
		"datasetDigest": dataset.digest,
		"completedAt": "2026-11-20T10:00:00+00:00",
		"results": {"factual_accuracy": 0.93, "p95_latency_ms": 1650},
	},
}

residency_rule := {
	"identity": "ResidencyRule/eu-personal-data",
	"kind": "ResidencyRule",
	"path": "registry/residency/eu-personal-data.yaml",
	"digest": digest("9999"),
	"metadata": {"name": "eu-personal-data", "owner": "compliance"},
	"spec": {
		"dataClasses": ["pii", "financial"],
		"userJurisdictions": ["EU"],
		"allowedJurisdictions": ["EU"],
		"allowedRegions": ["westeurope", "swedencentral", "eu-*"],
		"legalBasis": "GDPR Chapter V",
		"waivable": false,
	},
}

deployment := {
	"identity": "Deployment/support-assistant-eu-prod",
	"kind": "Deployment",
	"path": "registry/deployments/support-assistant-eu-prod.yaml",
	"digest": digest("aaaa"),
	"metadata": {"name": "support-assistant-eu-prod", "owner": "team-support"},
	"spec": {
		"environment": "prod",
		"useCase": "customer-support",
		"riskTier": "high",
		"userFacing": true,
		"servedRegions": ["westeurope"],
		"userJurisdictions": ["EU"],
		"dataClasses": ["pii", "financial"],
		"prompt": "support-reply@1.4.0",
		"model": "gpt-4o@2024-08-06",
		"fallbacks": ["gpt-4o-mini@2024-07-18"],
		"guardrails": "customer-facing-strict",
		"evalSuite": "support-reply-golden",
		"rollout": {"strategy": "canary", "percent": 10, "rollbackTo": "support-reply@1.3.0"},
		"budget": {
			"maxInputTokens": 6000,
			"maxOutputTokens": 800,
			"expectedRequestsPerDay": 10000,
			"avgInputTokens": 1500,
			"avgOutputTokens": 300,
			"monthlyCeilingUSD": 5000,
		},
		"latency": {"p95Ms": 2500, "streaming": true},
		"reliability": {"retries": 3, "backoff": "exponential", "timeoutMs": 10000},
		"humanOversight": {"mode": "sampled", "escalation": "support-leads", "feedback": true},
		"monitoring": {"alerts": {"p95LatencyMs": 3000, "errorRate": 0.02, "costPerRequestUSD": 0.05}},
		"retrieval": {"store": "pgvector-eu", "region": "westeurope", "refreshCadence": "P1D"},
		"logging": {"enabled": true, "region": "westeurope", "retentionDays": 365, "redactPII": true},
		"auth": {"required": true, "rbac": true},
		"rateLimit": {"requestsPerMinute": 600},
	},
}

deployment_input := {
	"subject": deployment,
	"related": {
		prompt.identity: prompt,
		previous_prompt.identity: previous_prompt,
		primary_model.identity: primary_model,
		fallback_model.identity: fallback_model,
		guardrail.identity: guardrail,
		suite.identity: suite,
		run.identity: run,
		residency_rule.identity: residency_rule,
	},
	"derived": {
		"prompt": prompt.identity,
		"models": [
			{
				"ref": "gpt-4o@2024-08-06", "identity": primary_model.identity, "role": "primary",
				"path": "spec.model", "sunsetNs": 1814313600000000000,
			},
			{
				"ref": "gpt-4o-mini@2024-07-18", "identity": fallback_model.identity, "role": "fallback",
				"path": "spec.fallbacks[0]", "sunsetNs": 1806451200000000000,
			},
		],
		"guardrails": guardrail.identity,
		"evalSuite": suite.identity,
		"evalRuns": [run.identity],
		"evalEvidence": [{
			"identity": run.identity, "passed": true, "promptMatches": true,
			"promptDigestMatches": true, "modelMatches": true, "datasetDigestMatches": true,
			"completedAtNs": 1795168800000000000,
		}],
		"dataset": dataset,
		"residencyRules": [residency_rule.identity],
		"cost": {"currency": "USD", "monthlyUSD": {"x1": 2025, "x10": 20250, "x50": 101250, "x100": 202500}, "reason": null},
		"fallbackCost": [{"ref": "gpt-4o-mini@2024-07-18", "monthlyUSD": {"x1": 121.5, "x10": 1215, "x50": 6075, "x100": 12150}}],
		"waivers": [],
	},
	"config": {},
	"now": now,
	"change": null,
}

prompt_input := {
	"subject": prompt,
	"related": {primary_model.identity: primary_model, suite.identity: suite},
	"derived": {
		"variablesUsed": {"system": ["policy_excerpt"], "user": ["question"]},
		"variablesDeclared": {"question": "user", "policy_excerpt": "retrieval"},
		"secrets": [],
	},
	"config": {},
	"now": now,
	"change": null,
}

suite_input := {
	"subject": suite,
	"related": {},
	"derived": {"dataset": dataset},
	"config": {},
	"now": now,
	"change": null,
}

# patch(doc, ops): doc with JSON Patch operations applied.
# regopy: json.patch works only when each operation's "path" is a string literal written in the
# test (a computed path silently yields undefined), so tests spell the pointers out.
patch(doc, ops) := json.patch(doc, ops)

# rules(findings): the rule ids of a set of findings.
rules(findings) := {f.rule | some f in findings}

# at(findings, id): the paths of the findings of one rule.
at(findings, id) := {f.path | some f in findings; f.rule == id}

# only(findings, id): the findings of one rule.
only(findings, id) := {f | some f in findings; f.rule == id}

# parameters(overrides): the catalog's parameters with some replaced, for
# `with data.govctl.parameters as fx.parameters({"GOV-REL-002": {"minRetries": {"value": 3}}})`
# (a `with` on the whole document: regopy cannot replace a path below it with a quoted key).
parameters(overrides) := object.union(data.govctl.parameters, overrides)
