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

sensitive_classes := {"pii", "phi", "financial", "confidential"}

floating_aliases := {
	"latest", "default", "preview", "stable", "current", "newest", "auto",
	"experimental", "beta", "canary", "nightly",
}

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
	some entry in lib.models
	entry.model.spec.status == "blocked"
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
	some entry in lib.models
	entry.model.spec.status == "deprecated"
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
# dates are never parsed in Rego.
sunset_ns(entry) := entry.sunsetNs if is_number(entry.sunsetNs)

# METADATA
# title: Models are not past (or close to) their sunset date
# description: >-
#   A model past the provider's retirement date (spec.sunset) is an error; within 60 days of
#   it, a warning.
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
	some entry in lib.models
	sunset := sunset_ns(entry)
	lib.now_ns >= sunset
	date := lib.string(entry.model.spec, "sunset")
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
	some entry in lib.models
	sunset := sunset_ns(entry)
	lib.now_ns < sunset
	sunset - lib.now_ns <= 60 * lib.day_ns
	days := ceil((sunset - lib.now_ns) / lib.day_ns)
	date := lib.string(entry.model.spec, "sunset")
	finding := {
		"rule": "GOV-MDL-002",
		"path": entry.path,
		"msg": concat("", [
			lib.role_label(entry), " reaches its sunset date ", date, " in ",
			lib.int_str(days), " days — plan the migration to a supported snapshot now",
		]),
	}
}

# floating(version): the model version is an alias that can move, not a provider snapshot.
floating(version) if lower(version) in floating_aliases

floating(version) if contains(lower(version), "latest")

floating(version) if not regex.match(`[0-9]`, version)

# METADATA
# title: Staging and prod pin model versions
# description: >-
#   A staging or prod deployment must use pinned model snapshots, not floating aliases such as
#   latest, default or preview, so that evaluations stay valid for what is served.
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
	some entry in lib.models
	version := entry.model.metadata.version
	floating(version)
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
	classes := lib.data_classes & sensitive_classes
	count(classes) > 0
	some entry in lib.models
	entry.model.spec.dataHandling.trainsOnInputs == true
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
