# METADATA
# title: Data residency
# description: >-
#   A Deployment is governed by every ResidencyRule whose dataClasses and userJurisdictions
#   intersect its own (input.derived.residencyRules). Everything that touches the governed data —
#   the primary model, each fallback, the retrieval store and the log sink — must be hosted in an
#   allowed region (glob patterns) and jurisdiction of every governing rule. Residency findings
#   are not waivable unless the governing rule says `waivable: true` (decided by govctl).
# custom:
#   kinds: [Deployment]
package govctl.rules.residency

import rego.v1

import data.govctl.lib

# Data classes that carry nothing to protect and need no residency rule.
unregulated_classes := {"public"}

region_allowed(rule, region) if {
	some pattern in rule.spec.allowedRegions
	glob.match(pattern, null, region)
}

jurisdiction_allowed(rule, jurisdiction) if jurisdiction in rule.spec.allowedJurisdictions

# violated_by(hosting): the governing rules a {regions, jurisdictions} hosting breaks.
violated_by(hosting) := {rule |
	some rule in lib.residency_rules
	hosting_breaks(rule, hosting)
}

hosting_breaks(rule, hosting) if {
	some region in hosting.regions
	not region_allowed(rule, region)
}

hosting_breaks(rule, hosting) if {
	some jurisdiction in hosting.jurisdictions
	not jurisdiction_allowed(rule, jurisdiction)
}

# allows(rules): "rule eu-personal-data allows regions westeurope, eu-* and jurisdictions EU".
allows(rules) := concat("; ", sort([allows_one(rule) | some rule in rules]))

allows_one(rule) := concat("", [
	"rule ", rule.metadata.name, " allows regions ", concat(", ", rule.spec.allowedRegions),
	" and jurisdictions ", concat(", ", rule.spec.allowedJurisdictions),
])

# hosted(hosting): "eastus, westus (US)".
hosted(hosting) := concat("", [
	concat(", ", hosting.regions), " (", concat(", ", hosting.jurisdictions), ")",
])

model_finding(rule_id, entry, what) := {
	"rule": rule_id,
	"path": entry.path,
	"msg": concat("", [
		lib.role_label(entry), " is hosted in ", hosted(entry.model.spec.hosting), "; ",
		allows(violated_by(entry.model.spec.hosting)), " — choose a ", what, " hosted there",
	]),
}

# METADATA
# title: Primary model hosted where the data may go
# description: >-
#   The primary model must be hosted only in regions and jurisdictions that every governing
#   residency rule allows.
# custom:
#   id: GOV-RES-001
#   severity: error
#   component: security
#   stage: baseline
#   waivable: false
#   kinds: [Deployment]
#   controls:
#     - GDPR:Art.44
#     - NIST-AI-RMF:GOVERN-1.1
#     - NIST-AI-RMF:MEASURE-2.10
#     - ISO-42001:A.10.3
#   remediation: >-
#     Choose a primary model deployment hosted in an allowed region and jurisdiction, or change
#     where the data may go through the residency rule (compliance approval).
deny contains finding if {
	some entry in lib.primary
	count(violated_by(entry.model.spec.hosting)) > 0
	finding := model_finding("GOV-RES-001", entry, "primary model")
}

# METADATA
# title: Fallback models hosted where the data may go
# description: >-
#   Every fallback model must be hosted only in regions and jurisdictions that every governing
#   residency rule allows: a failover must not move governed data abroad.
# custom:
#   id: GOV-RES-002
#   severity: error
#   component: security
#   stage: baseline
#   waivable: false
#   kinds: [Deployment]
#   controls:
#     - GDPR:Art.44
#     - NIST-AI-RMF:GOVERN-1.1
#     - NIST-AI-RMF:MEASURE-2.10
#     - ISO-42001:A.10.3
#   remediation: Choose a fallback hosted in an allowed region and jurisdiction.
deny contains finding if {
	some entry in lib.models
	entry.role != "primary"
	count(violated_by(entry.model.spec.hosting)) > 0
	finding := model_finding("GOV-RES-002", entry, "fallback")
}

# METADATA
# title: Retrieval store and log sink hosted where the data may go
# description: >-
#   The retrieval store and, when logging is enabled, the log sink must be in a region (and, when
#   declared, a jurisdiction) that every governing residency rule allows. An enabled log sink
#   must declare its region.
# custom:
#   id: GOV-RES-003
#   severity: error
#   component: security
#   stage: baseline
#   waivable: false
#   kinds: [Deployment]
#   controls:
#     - GDPR:Art.44
#     - NIST-AI-RMF:GOVERN-1.1
#     - NIST-AI-RMF:MEASURE-2.10
#     - ISO-42001:A.7.2
#   remediation: >-
#     Move the retrieval store or log sink to an allowed region, and declare logging.region.
deny contains finding if {
	some sink in sinks
	region := sink.value.region
	bad := {rule | some rule in lib.residency_rules; not region_allowed(rule, region)}
	count(bad) > 0
	finding := {
		"rule": "GOV-RES-003",
		"path": concat("", [sink.path, ".region"]),
		"msg": concat("", [
			sink.name, " is in region ", region, "; ", allows(bad),
			" — move it to an allowed region",
		]),
	}
}

deny contains finding if {
	some sink in sinks
	jurisdiction := lib.string(sink.value, "jurisdiction")
	bad := {rule | some rule in lib.residency_rules; not jurisdiction_allowed(rule, jurisdiction)}
	count(bad) > 0
	finding := {
		"rule": "GOV-RES-003",
		"path": concat("", [sink.path, ".jurisdiction"]),
		"msg": concat("", [
			sink.name, " is in jurisdiction ", jurisdiction, "; ", allows(bad),
			" — move it to an allowed jurisdiction",
		]),
	}
}

deny contains finding if {
	count(lib.residency_rules) > 0
	logging := lib.spec.logging
	logging.enabled == true
	not lib.has(logging, "region")
	finding := {
		"rule": "GOV-RES-003",
		"path": "spec.logging.region",
		"msg": concat("", [
			"logging is enabled but the log sink declares no region, so nothing shows the logged data",
			" stays where allowed (", allows(lib.residency_rules), ") — set spec.logging.region",
			" to an allowed region",
		]),
	}
}

# sinks: where else governed data is stored: the retrieval store and the enabled log sink.
sinks contains {"name": name, "path": "spec.retrieval", "value": retrieval} if {
	count(lib.residency_rules) > 0
	retrieval := lib.spec.retrieval
	lib.string(retrieval, "region")
	name := concat("", ["retrieval store ", lib.string(retrieval, "store")])
}

sinks contains {"name": "the log sink", "path": "spec.logging", "value": logging} if {
	count(lib.residency_rules) > 0
	logging := lib.spec.logging
	logging.enabled == true
	lib.string(logging, "region")
}

covered(class, jurisdiction) if {
	some rule in lib.residency_rules
	class in rule.spec.dataClasses
	jurisdiction in rule.spec.userJurisdictions
}

uncovered contains concat("", [class, " (", jurisdiction, ")"]) if {
	lib.is_deployment
	some class in lib.spec.dataClasses
	not class in unregulated_classes
	some jurisdiction in lib.spec.userJurisdictions
	not covered(class, jurisdiction)
}

# METADATA
# title: Every processed data class is covered by a residency rule
# description: >-
#   Each data class a deployment processes (except public) should be governed, for each of its
#   user jurisdictions, by a residency rule — otherwise nothing says where that data may go.
# custom:
#   id: GOV-RES-004
#   severity: warning
#   component: security
#   stage: full
#   waivable: false
#   kinds: [Deployment]
#   controls:
#     - GDPR:Art.44
#     - NIST-AI-RMF:MAP-4.1
#     - ISO-42001:A.7.2
#   remediation: >-
#     Add (or extend) a ResidencyRule covering these data classes for these user jurisdictions,
#     or correct spec.dataClasses.
warn contains finding if {
	count(uncovered) > 0
	finding := {
		"rule": "GOV-RES-004",
		"path": "spec.dataClasses",
		"msg": concat("", [
			"deployment processes ", lib.list(uncovered), " but no residency rule governs ",
			plural(uncovered), " — add a ResidencyRule for ", plural(uncovered),
			" or correct spec.dataClasses",
		]),
	}
}

plural(xs) := "it" if count(xs) == 1

plural(xs) := "them" if count(xs) != 1
