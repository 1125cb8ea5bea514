# METADATA
# title: Human oversight
# description: >-
#   High-risk deployments keep a human in the loop with an escalation contact; user-facing ones
#   capture user feedback.
# custom:
#   kinds: [Deployment]
package govctl.rules.oversight

import rego.v1

import data.govctl.lib

human_oversight := lib.get(lib.spec, "humanOversight", {}) if lib.is_deployment

# Guards read the fields directly (cheap on regopy); `human_oversight` above serves messages.
has_escalation if input.subject.spec.humanOversight.escalation != null

captures_feedback if input.subject.spec.humanOversight.feedback == true

# METADATA
# scope: rule
# title: High-risk deployments have human oversight and escalation
# description: >-
#   A high-risk deployment must have humanOversight mode sampled or required (not none) and an
#   escalation contact.
# custom:
#   id: GOV-HUM-001
#   severity: error
#   component: human oversight
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - EU-AI-ACT:Art.14
#     - EU-AI-ACT:Art.26
#     - NIST-AI-RMF:MAP-3.5
#     - ISO-42001:A.9.2
#   remediation: >-
#     Set spec.humanOversight.mode to sampled or required and name an escalation contact.
deny contains finding if {
	lib.is_high_risk
	not mode_accepted
	finding := {
		"rule": "GOV-HUM-001",
		"path": "spec.humanOversight.mode",
		"msg": concat("", [
			"high-risk ", lib.deployment_label, " has human oversight ",
			lib.get(human_oversight, "mode", "(not declared)"),
			" — set spec.humanOversight.mode to one of ", lib.list(accepted_modes), " (oversightModes)",
		]),
	}
}

deny contains finding if {
	lib.is_high_risk
	not has_escalation
	finding := {
		"rule": "GOV-HUM-001",
		"path": "spec.humanOversight.escalation",
		"msg": concat("", [
			"high-risk ", lib.deployment_label, " names no escalation contact",
			" — set spec.humanOversight.escalation to the team that takes over",
		]),
	}
}

# Parameter GOV-HUM-001 oversightModes (govctl/catalog/parameters.yaml).
accepted_modes := lib.param("GOV-HUM-001", "oversightModes")

mode_accepted if input.subject.spec.humanOversight.mode in accepted_modes

# METADATA
# title: User-facing deployments capture feedback
# description: A user-facing deployment should capture user feedback (humanOversight.feedback).
# custom:
#   id: GOV-HUM-002
#   severity: warning
#   component: human oversight
#   stage: full
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - NIST-AI-RMF:MEASURE-3.3
#     - ISO-42001:A.8.3
#     - EU-AI-ACT:Art.72
#   remediation: Set spec.humanOversight.feedback to true and route the feedback to the owner.
warn contains finding if {
	lib.is_user_facing
	not captures_feedback
	finding := {
		"rule": "GOV-HUM-002",
		"path": "spec.humanOversight.feedback",
		"msg": concat("", [
			"user-facing ", lib.deployment_label, " does not capture user feedback",
			" — set spec.humanOversight.feedback: true",
		]),
	}
}
