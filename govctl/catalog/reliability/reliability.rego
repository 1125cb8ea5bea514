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

# fallbacks: spec.fallbacks when present and not null (undefined otherwise: no fallback).
fallbacks := v if {
	v := input.subject.spec.fallbacks
	v != null
}

has_fallback if count(fallbacks) > 0

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
	not has_fallback
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
	primary := lib.primary_identity
	some entry in input.derived.models
	entry.identity == primary
	entry.role != "primary"
	finding := {
		"rule": "GOV-REL-001",
		"path": entry.path,
		"msg": concat("", [
			"fallback ", entry.ref, " is the primary model itself, so it does not help when the",
			" primary fails — choose a different model",
		]),
	}
}

settings := lib.get(lib.spec, "reliability", {}) if lib.is_deployment

# Parameters of GOV-REL-002: the fewest retries and the backoff strategies that count.
min_retries := lib.param("GOV-REL-002", "minRetries")

backoff_strategies := lib.param("GOV-REL-002", "backoffStrategies")

# Guards read the fields directly (cheap on regopy); `settings` above serves messages.
backoff_allowed if input.subject.spec.reliability.backoff in backoff_strategies

has_timeout if input.subject.spec.reliability.timeoutMs != null

# METADATA
# scope: rule
# title: Prod deployments retry with backoff and time out
# description: >-
#   A prod deployment should retry failed model calls (reliability.retries at least minRetries,
#   default 1) with exponential backoff (backoffStrategies), and bound each call with
#   reliability.timeoutMs.
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
		"msg": concat("", [lib.deployment_label, retries_problem]),
	}
}

# retries_problem: what is wrong with the retries, quoting minRetries when the deployment retries
# fewer times than it.
retries_problem := concat("", [
	" retries failed model calls ", lib.num(retries_value), " times, fewer than ",
	lib.num(min_retries), " (minRetries) — raise spec.reliability.retries",
]) if {
	retries_value > 0
}

retries_problem := concat("", [
	" does not retry failed model calls — set spec.reliability.retries (", retries_hint, ")",
]) if {
	not retries_positive
}

retries_hint := "e.g. 3" if min_retries < 3

retries_hint := concat("", ["at least ", lib.num(min_retries)]) if min_retries >= 3

retries_value := lib.number(input.subject.spec.reliability, "retries")

retries_positive if retries_value > 0

warn contains finding if {
	lib.is_prod
	not backoff_allowed
	finding := {
		"rule": "GOV-REL-002",
		"path": "spec.reliability.backoff",
		"msg": concat("", [
			lib.deployment_label, " uses backoff ", lib.get(settings, "backoff", "(none set)"),
			" — set spec.reliability.backoff: ", backoff_choice,
			" so retries do not pile onto a struggling provider",
		]),
	}
}

# backoff_choice: "exponential", or "one of a, b" when backoffStrategies lists several.
backoff_choice := backoff_strategies[0] if count(backoff_strategies) == 1

backoff_choice := concat("", ["one of ", lib.list(backoff_strategies)]) if {
	count(backoff_strategies) > 1
}

warn contains finding if {
	lib.is_prod
	not has_timeout
	finding := {
		"rule": "GOV-REL-002",
		"path": "spec.reliability.timeoutMs",
		"msg": concat("", [
			lib.deployment_label, " sets no timeout for model calls",
			" — set spec.reliability.timeoutMs",
		]),
	}
}

retries_set if retries_value >= min_retries

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
	lib.is_deployment
	input.subject.spec.rollout.strategy == "canary"
	finding := {
		"rule": "GOV-REL-003",
		"path": "spec.rollout.rollbackTo",
		"msg": concat("", [
			"canary rollout of ", lib.spec.prompt, " ", rollback_problem,
			" — set spec.rollout.rollbackTo to the released prompt version serving today",
		]),
	}
}

rollback_problem := "has no rollbackTo" if not has_rollback

rollback_problem := concat("", [
	"rolls back to ", rollback_target, ", which is not a released prompt version",
]) if {
	is_string(rollback_target)
	not rollback_released
}

rollback_problem := concat("", [
	"rolls back to ", rollback_target, ", the version being rolled out",
]) if {
	rollback_released
	rollback_target == lib.spec.prompt
}

has_rollback if input.subject.spec.rollout.rollbackTo != null

# rollback_target: spec.rollout.rollbackTo when it is a string.
rollback_target := v if {
	v := input.subject.spec.rollout.rollbackTo
	is_string(v)
}

rollback_released if released(rollback_target)

# released(ref): ref names a Prompt in the registry. The identity is bound before the lookup:
# regopy scans every key of input.related when a function indexes it with an expression of its
# argument (~0.6 ms on a deployment input).
released(ref) if {
	id := concat("", ["Prompt/", ref])
	input.related[id].kind == "Prompt"
}
