# METADATA
# title: Cost and token budgets
# description: >-
#   Token limits, a monthly cost ceiling and a projection that stays under it. The projection is
#   computed by govctl for the primary model (input.derived.cost): 30 x expectedRequestsPerDay x
#   (avgInputTokens x inputPer1M + avgOutputTokens x outputPer1M) / 1e6.
# custom:
#   kinds: [Deployment]
package govctl.rules.cost

import rego.v1

import data.govctl.lib

# budget: the deployment's spec.budget, or {} without one (read by messages).
budget := lib.get(lib.spec, "budget", {}) if lib.is_deployment

# budget_set(field): spec.budget[field] is present and not null.
budget_set(field) if {
	# Index input with a local, never with the argument: regopy scans every key otherwise.
	key := field # regal ignore:pointless-reassignment
	v := input.subject.spec.budget[key]
	v != null
}

# The budget figures the rules compare, when they are numbers (memoised: each is read once).
max_input_tokens := v if {
	lib.is_deployment
	v := input.subject.spec.budget.maxInputTokens
	is_number(v)
}

max_output_tokens := v if {
	lib.is_deployment
	v := input.subject.spec.budget.maxOutputTokens
	is_number(v)
}

ceiling_usd := v if {
	lib.is_deployment
	v := input.subject.spec.budget.monthlyCeilingUSD
	is_number(v)
}

has_ceiling if input.subject.spec.budget.monthlyCeilingUSD != null

# METADATA
# title: Prod deployments cap tokens per request
# description: A prod deployment must set budget.maxInputTokens and budget.maxOutputTokens.
# custom:
#   id: GOV-CST-001
#   severity: error
#   component: cost
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - OWASP-LLM-2025:LLM10
#     - ISO-42001:A.4.5
#     - NIST-AI-RMF:MANAGE-2.1
#   remediation: Set spec.budget.maxInputTokens and spec.budget.maxOutputTokens.
deny contains finding if {
	lib.is_prod
	some field in ["maxInputTokens", "maxOutputTokens"]
	not budget_set(field)
	finding := {
		"rule": "GOV-CST-001",
		"path": concat("", ["spec.budget.", field]),
		"msg": concat("", [
			lib.deployment_label, " sets no budget.", field,
			" — cap tokens per request so one request cannot run up unbounded cost",
		]),
	}
}

# METADATA
# title: Projected monthly cost stays under the ceiling
# description: >-
#   A deployment must declare budget.monthlyCeilingUSD, and the projected monthly cost of its
#   primary model at today's volume (x1; parameter ceilingVolume) must not exceed it.
# custom:
#   id: GOV-CST-002
#   severity: error
#   component: cost
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - OWASP-LLM-2025:LLM10
#     - ISO-42001:A.4.5
#     - NIST-AI-RMF:MANAGE-2.1
#   remediation: >-
#     Declare spec.budget.monthlyCeilingUSD; if the projection exceeds it, lower the token
#     budget or volume, choose a cheaper model, or raise the ceiling with approval.
deny contains finding if {
	lib.is_deployment
	not has_ceiling
	finding := {
		"rule": "GOV-CST-002",
		"path": "spec.budget.monthlyCeilingUSD",
		"msg": concat("", [
			lib.deployment_label, " declares no budget.monthlyCeilingUSD", projection_note,
			" — declare the monthly ceiling the owner has approved",
		]),
	}
}

deny contains finding if {
	lib.cents(projected_x1) > lib.cents(ceiling_usd)
	finding := {
		"rule": "GOV-CST-002",
		"path": "spec.budget.monthlyCeilingUSD",
		"msg": concat("", [
			"projected monthly cost at ", ceiling_volume, " volume is ", lib.money(projected_x1),
			" USD for ", primary_ref, ", above the ceiling of ", lib.num(ceiling_usd), " USD",
			" — lower the token budget or volume,",
			" choose a cheaper model, or raise the ceiling with approval",
		]),
	}
}

deny contains finding if {
	lib.is_deployment
	not projected_x1
	is_number(ceiling_usd)
	lib.primary_entry
	finding := {
		"rule": "GOV-CST-002",
		"path": "spec.budget.monthlyCeilingUSD",
		"msg": concat("", [
			"the monthly cost of ", primary_ref, " cannot be projected against the ceiling (",
			unprojected_reason, ") — declare budget.expectedRequestsPerDay, avgInputTokens and",
			" avgOutputTokens, and price the model in USD",
		]),
	}
}

projection := object.get(input.derived, "cost", null) if lib.is_deployment

# Parameter GOV-CST-002 ceilingVolume (govctl/catalog/parameters.yaml): the projected volume
# (x1, x10, x50 or x100 of today's) whose monthly cost must fit the ceiling; projected_x1 is the
# projection at that volume (named for the default).
ceiling_volume := lib.param("GOV-CST-002", "ceilingVolume")

projected_x1 := x1 if {
	projection.currency == "USD"

	# Index with a local, not a rule reference: the cheap form on regopy.
	volume := ceiling_volume # regal ignore:pointless-reassignment
	x1 := projection.monthlyUSD[volume]
	is_number(x1)
}

unprojected_reason := lib.get(projection, "reason", currency_reason) if is_object(projection)

unprojected_reason := "no projection was computed" if not is_object(projection)

currency_reason := concat("", ["the model is priced in ", currency]) if {
	currency := projection.currency
	is_string(currency)
	currency != "USD"
}

currency_reason := "no projection was computed" if not priced_in_other_currency

priced_in_other_currency if {
	is_string(projection.currency)
	projection.currency != "USD"
}

projection_note := concat("", [
	" (projected at ", ceiling_volume, ": ", lib.money(projected_x1), " USD)",
]) if {
	projected_x1
}

projection_note := "" if not projected_x1

primary_ref := lib.primary_entry.ref

# METADATA
# title: Token limits fit every model
# description: >-
#   budget.maxInputTokens + budget.maxOutputTokens must fit the context window, and
#   budget.maxOutputTokens the maximum output, of the primary model and of every fallback.
# custom:
#   id: GOV-CST-003
#   severity: error
#   component: cost
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - OWASP-LLM-2025:LLM10
#     - ISO-42001:A.6.2.2
#     - ISO-42001:A.4.5
#   remediation: Lower the token limits, or choose models with a larger context window / output.
deny contains finding if {
	tokens := max_input_tokens + max_output_tokens
	short("contextWindow", tokens)
	too_small := short_of("contextWindow", tokens)
	finding := {
		"rule": "GOV-CST-003",
		"path": "spec.budget.maxInputTokens",
		"msg": concat("", [
			"maxInputTokens + maxOutputTokens = ", lib.num(tokens), " exceeds the context window of ",
			lib.list(too_small), " — lower the token limits or choose models with a larger window",
		]),
	}
}

deny contains finding if {
	short("maxOutputTokens", max_output_tokens)
	too_small := short_of("maxOutputTokens", max_output_tokens)
	finding := {
		"rule": "GOV-CST-003",
		"path": "spec.budget.maxOutputTokens",
		"msg": concat("", [
			"maxOutputTokens ", lib.num(max_output_tokens), " exceeds the maximum output of ",
			lib.list(too_small), " — lower it or choose models that can produce that much",
		]),
	}
}

# short(key, need): some resolved model's limits[key] is below need (the cheap test; short_of
# builds the list for the message only when it holds). Both read every model's limits alike.
short(key, need) if {
	some entry in input.derived.models
	limit := object.get(input.related[entry.identity].spec.limits, key, null)
	is_number(limit)
	limit < need
}

# short_of(key, need): "gpt-4o-mini@2024-07-18 (16384)" for each model whose limits[key] < need.
# regopy: inside a comprehension, indexing with a function argument (limits[key]) leaves the
# argument unbound and iterates every key; object.get binds it.
short_of(key, need) := {concat("", [entry.ref, " (", lib.num(limit), ")"]) |
	some entry in input.derived.models
	limit := object.get(input.related[entry.identity].spec.limits, key, null)
	is_number(limit)
	limit < need
}
