# METADATA
# title: Model strategy
# description: >-
#   Rules on the models a Deployment resolves to (primary first, then fallbacks): status,
#   provider retirement, version pinning and training on customer data. Findings point at the
#   deployment field that names the model (spec.model, spec.fallbacks[i]).
# custom:
#   kinds: [Deployment]
package govctl.rules.model

import rego.v1

import data.govctl.lib

# Parameters (govctl/catalog/parameters.yaml; overridable in govctl.yaml policy.parameters).
sensitive_classes := {c | some c in lib.param("GOV-MDL-004", "sensitiveClasses")}

sunset_warning_days := lib.param("GOV-MDL-002", "sunsetWarningDays")

# any_model_flagged: some resolved model is blocked, deprecated or trains on its inputs: the shared
# guard of GOV-MDL-001 and GOV-MDL-004, so that a deployment whose models are all fine is looked at
# in one pass over its models instead of three.
any_model_flagged if {
	some entry in input.derived.models
	id := entry.identity
	flagged(input.related[id].spec)
}

flagged(spec) if spec.status in {"blocked", "deprecated"}

flagged(spec) if spec.dataHandling.trainsOnInputs == true

# Parameters of GOV-MDL-003: version names that float (compared whole, in lower case) and words
# that make any version containing them float (e.g. "2024-latest").
floating_aliases contains lower(alias) if {
	some alias in lib.param("GOV-MDL-003", "floatingAliases")
}

floating_markers := [lower(m) | some m in lib.param("GOV-MDL-003", "floatingMarkers")]

# METADATA
# title: No blocked or deprecated models
# description: >-
#   A deployment must not use a model whose status is blocked, and may use a deprecated model
#   only in dev.
# custom:
#   id: GOV-MDL-001
#   severity: error
#   component: model strategy
#   stage: baseline
#   waivable: false
#   kinds: [Deployment]
#   controls:
#     - OWASP-LLM-2025:LLM03
#     - NIST-AI-RMF:MANAGE-3.2
#     - ISO-42001:A.10.3
#   remediation: >-
#     Replace the model with an approved snapshot (blocked models are never allowed; deprecated
#     ones only in dev).
deny contains finding if {
	lib.is_deployment
	any_model_flagged
	some entry in input.derived.models
	input.related[entry.identity].spec.status == "blocked"
	finding := {
		"rule": "GOV-MDL-001",
		"path": entry.path,
		"msg": concat("", [
			lib.role_label(entry), " has status blocked and may not be used",
			" — replace it with an approved model",
		]),
	}
}

deny contains finding if {
	lib.environment != "dev"
	any_model_flagged
	some entry in input.derived.models
	input.related[entry.identity].spec.status == "deprecated"
	finding := {
		"rule": "GOV-MDL-001",
		"path": entry.path,
		"msg": concat("", [
			lib.role_label(entry), " is deprecated and this is a ", lib.environment,
			" deployment — deprecated models are allowed only in dev; replace it with an approved model",
		]),
	}
}

# The sunset date as epoch nanoseconds, computed by govctl (input.derived.models[].sunsetNs):
# dates are never parsed in Rego. Bound through a function so that arithmetic never sees null.
sunset_ns(entry) := ns if {
	ns := entry.sunsetNs
	is_number(ns)
}

# sunset_near: some model's sunset is at most 60 days away (or past): the shared guard of both
# GOV-MDL-002 bodies, so that models are iterated once when no sunset is near. Compared without
# arithmetic on the value (a null must never reach `-`), after is_number.
sunset_near if {
	some entry in input.derived.models
	sunset := entry.sunsetNs
	is_number(sunset)
	sunset <= sunset_horizon_ns
}

sunset_horizon_ns := lib.now_ns + (sunset_warning_days * lib.day_ns)

# sunset_date(entry): the model's spec.sunset text (undefined when the model does not resolve).
sunset_date(entry) := date if {
	id := entry.identity
	date := lib.string(input.related[id].spec, "sunset")
}

# METADATA
# title: Models are not past (or close to) their sunset date
# description: >-
#   A model past the provider's retirement date (spec.sunset) is an error; within
#   sunsetWarningDays of it (parameter, default 60), a warning.
# custom:
#   id: GOV-MDL-002
#   severity: error
#   component: model strategy
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - OWASP-LLM-2025:LLM03
#     - NIST-AI-RMF:MANAGE-3.1
#     - ISO-42001:A.10.3
#   remediation: >-
#     Migrate to a supported model snapshot before the provider retires this one (re-run the
#     eval suite against it).
deny contains finding if {
	lib.is_deployment
	sunset_near
	some entry in input.derived.models
	sunset := sunset_ns(entry)
	lib.now_ns >= sunset
	date := sunset_date(entry)
	finding := {
		"rule": "GOV-MDL-002",
		"path": entry.path,
		"msg": concat("", [
			lib.role_label(entry), " reached its sunset date ", date,
			" — the provider has retired it; migrate to a supported snapshot",
		]),
	}
}

# GOV-MDL-002, warning part (the METADATA above describes the rule).
warn contains finding if {
	lib.is_deployment
	sunset_near
	some entry in input.derived.models
	sunset := sunset_ns(entry)
	lib.now_ns < sunset
	sunset - lib.now_ns <= sunset_warning_days * lib.day_ns
	days := ceil((sunset - lib.now_ns) / lib.day_ns)
	date := sunset_date(entry)
	finding := {
		"rule": "GOV-MDL-002",
		"path": entry.path,
		"msg": concat("", [
			lib.role_label(entry), " reaches its sunset date ", date, " in ",
			lib.int_str(days), " days (warning window ", lib.int_str(sunset_warning_days),
			" days) — plan the migration to a supported snapshot now",
		]),
	}
}

# pinned(version): the model version is a provider snapshot, not an alias that can move: it has
# a digit, is not one of floating_aliases and contains none of floating_markers (all compared in
# lower case). The default aliases have no digit, so the regex alone covers them; the list
# matters for aliases a repository adds (e.g. "v1").
pinned(version) if {
	regex.match(`[0-9]`, version)
	not floating_name(lower(version))
}

floating_name(name) if name in floating_aliases

floating_name(name) if {
	some marker in floating_markers
	contains(name, marker)
}

# METADATA
# title: Staging and prod pin model versions
# description: >-
#   A staging or prod deployment must use pinned model snapshots, not floating aliases such as
#   latest, default or preview, so that evaluations stay valid for what is served. A version is
#   floating when it has no digit, is one of floatingAliases or contains one of floatingMarkers
#   (parameters).
# custom:
#   id: GOV-MDL-003
#   severity: error
#   component: model strategy
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - OWASP-LLM-2025:LLM03
#     - EU-AI-ACT:Art.15
#     - ISO-42001:A.6.2.5
#     - NIST-AI-RMF:MANAGE-3.2
#   remediation: Reference a dated provider snapshot (name@2024-08-06), not a floating alias.
deny contains finding if {
	lib.is_staging_or_prod
	some entry in input.derived.models
	version := input.related[entry.identity].metadata.version
	not pinned(version)
	finding := {
		"rule": "GOV-MDL-003",
		"path": entry.path,
		"msg": concat("", [
			lib.role_label(entry), " is not pinned: version ", version, " is a floating alias",
			" — reference a dated provider snapshot in ", lib.environment,
		]),
	}
}

# METADATA
# title: No training on sensitive inputs
# description: >-
#   A model whose provider trains on inputs (dataHandling.trainsOnInputs) must not process pii,
#   phi, financial or confidential data.
# custom:
#   id: GOV-MDL-004
#   severity: error
#   component: security
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - OWASP-LLM-2025:LLM02
#     - EU-AI-ACT:Art.10
#     - NIST-AI-RMF:MEASURE-2.10
#     - ISO-42001:A.10.3
#   remediation: >-
#     Use a model (or provider contract) with training on inputs disabled for sensitive data.
deny contains finding if {
	lib.is_deployment
	any_model_flagged
	classes := lib.data_classes & sensitive_classes
	count(classes) > 0
	some entry in input.derived.models
	input.related[entry.identity].spec.dataHandling.trainsOnInputs == true
	finding := {
		"rule": "GOV-MDL-004",
		"path": entry.path,
		"msg": concat("", [
			lib.role_label(entry), " trains on its inputs (dataHandling.trainsOnInputs: true) but this",
			" deployment processes ", lib.list(classes),
			" — use a model or provider contract with training on inputs disabled",
		]),
	}
}
