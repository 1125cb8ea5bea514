# METADATA
# title: Latency budgets
# description: >-
#   User-facing prod deployments declare a p95 latency budget and stream responses, and the
#   primary model's observed p95 fits the budget.
# custom:
#   kinds: [Deployment]
package govctl.rules.latency

import rego.v1

import data.govctl.lib

# p95_budget: the deployment's latency.p95Ms when it is a number.
p95_budget := v if {
	lib.is_deployment
	v := input.subject.spec.latency.p95Ms
	is_number(v)
}

has_p95_budget if input.subject.spec.latency.p95Ms != null

streams if input.subject.spec.latency.streaming == true

# Parameter GOV-LAT-001 tolerancePercent: how far (in percent of the budget) the model's observed
# p95 may exceed the budget before the rule warns.
tolerance_percent := lib.param("GOV-LAT-001", "tolerancePercent")

# over_budget(observed, budget): observed exceeds budget by more than the tolerance. Compared in
# hundredths of a millisecond so that float noise in budget * (1 + tolerance) never decides.
over_budget(observed, budget) if {
	allowed := budget + ((budget * tolerance_percent) / 100)
	lib.cents(observed) > lib.cents(allowed)
}

# tolerance_note: quotes the tolerance in the message when one is set.
tolerance_note := "" if tolerance_percent == 0

tolerance_note := concat("", [" (tolerance ", lib.num(tolerance_percent), "%)"]) if {
	tolerance_percent != 0
}

# METADATA
# scope: rule
# title: User-facing prod has a latency budget the model meets
# description: >-
#   A user-facing prod deployment should declare latency.p95Ms and stream responses
#   (latency.streaming: true); any deployment's primary model should have an observed p95
#   (Model spec.latency.p95Ms) within the declared budget, plus tolerancePercent (parameter,
#   default 0).
# custom:
#   id: GOV-LAT-001
#   severity: warning
#   component: latency
#   stage: full
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - ISO-42001:A.6.2.2
#     - NIST-AI-RMF:MEASURE-2.3
#     - EU-AI-ACT:Art.15
#   remediation: >-
#     Declare spec.latency.p95Ms and streaming: true; if the model is slower than the budget,
#     choose a faster model or revisit the budget.
warn contains finding if {
	lib.is_user_facing
	lib.is_prod
	not has_p95_budget
	finding := {
		"rule": "GOV-LAT-001",
		"path": "spec.latency.p95Ms",
		"msg": concat("", [
			"user-facing ", lib.deployment_label, " declares no p95 latency budget",
			" — set spec.latency.p95Ms",
		]),
	}
}

warn contains finding if {
	lib.is_user_facing
	lib.is_prod
	not streams
	finding := {
		"rule": "GOV-LAT-001",
		"path": "spec.latency.streaming",
		"msg": concat("", [
			"user-facing ", lib.deployment_label, " does not stream responses",
			" — set spec.latency.streaming: true so users see the answer as it is generated",
		]),
	}
}

warn contains finding if {
	entry := lib.primary_entry
	observed := input.related[entry.identity].spec.latency.p95Ms
	is_number(observed)
	over_budget(observed, p95_budget)
	finding := {
		"rule": "GOV-LAT-001",
		"path": "spec.latency.p95Ms",
		"msg": concat("", [
			lib.role_label(entry), " has an observed p95 of ", lib.num(observed),
			" ms, over the budget of ", lib.num(p95_budget), " ms", tolerance_note,
			" — choose a faster model or revisit the budget",
		]),
	}
}
