# METADATA
# title: Reliability
# description: >-
#   Fallback models for high-risk prod traffic, retries with exponential backoff and timeouts,
#   and a rollback target for canary rollouts.
# custom:
#   kinds: [Deployment]
package govctl.rules.reliability

import rego.v1

import data.govctl.lib

fallbacks := lib.get(lib.spec, "fallbacks", []) if lib.is_deployment

# METADATA
# title: High-risk prod deployments have a distinct fallback model
# description: >-
#   A high-risk prod deployment must name at least one fallback model, and no fallback may be the
#   primary model itself.
# custom:
#   id: GOV-REL-001
#   severity: error
#   component: reliability
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - EU-AI-ACT:Art.15
#     - NIST-AI-RMF:MANAGE-2.3
#     - ISO-42001:A.6.2.6
#   remediation: >-
#     Add a fallback model (spec.fallbacks) different from the primary, hosted where the data may
#     go.
deny contains finding if {
	lib.is_high_risk
	lib.is_prod
	count(fallbacks) == 0
	finding := {
		"rule": "GOV-REL-001",
		"path": "spec.fallbacks",
		"msg": concat("", [
			"high-risk ", lib.deployment_label, " has no fallback model",
			" — add one (different from the primary) to spec.fallbacks",
		]),
	}
}

deny contains finding if {
	lib.is_high_risk
	lib.is_prod
	some primary in lib.primary
	some entry in lib.models
	entry.role != "primary"
	entry.identity == primary.identity
	finding := {
		"rule": "GOV-REL-001",
		"path": entry.path,
		"msg": concat("", [
			"fallback ", entry.ref, " is the primary model itself, so it does not help when the",
			" primary fails — choose a different model",
		]),
	}
}

reliability := lib.get(lib.spec, "reliability", {}) if lib.is_deployment

# METADATA
# title: Prod deployments retry with backoff and time out
# description: >-
#   A prod deployment should retry failed model calls (reliability.retries > 0) with exponential
#   backoff, and bound each call with reliability.timeoutMs.
# custom:
#   id: GOV-REL-002
#   severity: warning
#   component: reliability
#   stage: full
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - EU-AI-ACT:Art.15
#     - NIST-AI-RMF:MEASURE-2.7
#     - ISO-42001:A.6.2.6
#   remediation: Set spec.reliability retries (> 0), backoff exponential and timeoutMs.
warn contains finding if {
	lib.is_prod
	not retries_set
	finding := {
		"rule": "GOV-REL-002",
		"path": "spec.reliability.retries",
		"msg": concat("", [lib.deployment_label, " does not retry failed model calls — set spec.reliability.retries (e.g. 3)"]),
	}
}

warn contains finding if {
	lib.is_prod
	not reliability.backoff == "exponential"
	finding := {
		"rule": "GOV-REL-002",
		"path": "spec.reliability.backoff",
		"msg": concat("", [
			lib.deployment_label, " uses backoff ", lib.get(reliability, "backoff", "(none set)"),
			" — set spec.reliability.backoff: exponential so retries do not pile onto a struggling provider",
		]),
	}
}

warn contains finding if {
	lib.is_prod
	not lib.has(reliability, "timeoutMs")
	finding := {
		"rule": "GOV-REL-002",
		"path": "spec.reliability.timeoutMs",
		"msg": concat("", [lib.deployment_label, " sets no timeout for model calls — set spec.reliability.timeoutMs"]),
	}
}

retries_set if {
	retries := lib.number(reliability, "retries")
	retries > 0
}

rollout := lib.get(lib.spec, "rollout", {}) if lib.is_deployment

# METADATA
# title: Canary rollouts can roll back to a released prompt
# description: >-
#   A canary rollout must name rollout.rollbackTo, and it must resolve to a released Prompt
#   version other than the one being rolled out.
# custom:
#   id: GOV-REL-003
#   severity: error
#   component: reliability
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - NIST-AI-RMF:MANAGE-2.4
#     - ISO-42001:A.6.2.5
#     - EU-AI-ACT:Art.17
#   remediation: Set spec.rollout.rollbackTo to the released prompt version serving today.
deny contains finding if {
	rollout.strategy == "canary"
	problem := rollback_problem
	finding := {
		"rule": "GOV-REL-003",
		"path": "spec.rollout.rollbackTo",
		"msg": concat("", [
			"canary rollout of ", lib.spec.prompt, " ", problem,
			" — set spec.rollout.rollbackTo to the released prompt version serving today",
		]),
	}
}

rollback_problem := "has no rollbackTo" if not lib.has(rollout, "rollbackTo")

rollback_problem := concat("", ["rolls back to ", target, ", which is not a released prompt version"]) if {
	target := lib.string(rollout, "rollbackTo")
	not released(target)
}

rollback_problem := concat("", ["rolls back to ", target, ", the version being rolled out"]) if {
	target := lib.string(rollout, "rollbackTo")
	released(target)
	target == lib.spec.prompt
}

released(ref) if input.related[concat("", ["Prompt/", ref])].kind == "Prompt"
