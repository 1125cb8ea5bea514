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
# (parameter GOV-RES-004 unregulatedClasses, default [public]).
unregulated_classes := {c | some c in lib.param("GOV-RES-004", "unregulatedClasses")}

region_allowed(rule, region) if {
	some pattern in rule.spec.allowedRegions
	glob.match(pattern, null, region)
}

jurisdiction_allowed(rule, jurisdiction) if jurisdiction in rule.spec.allowedJurisdictions

# violated_by(hosting): the identities of the governing rules a hosting breaks.
violated_by(hosting) := {id |
	some id in input.derived.residencyRules
	rule := input.related[id]
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

# allows(ids): "rule eu-personal-data allows regions westeurope, eu-* and jurisdictions EU" for
# each governing rule identity in ids.
allows(ids) := concat("; ", sort([text | some id in ids; text := allows_text[id]]))

# allows_text: governing rule identity → its allows() sentence, built once per evaluation (a
# deployment whose models break a rule quotes it in several findings).
allows_text[id] := allows_one(rule) if {
	some id in input.derived.residencyRules
	rule := input.related[id]
}

allows_one(rule) := concat("", [
	"rule ", rule.metadata.name, " allows regions ", concat(", ", rule.spec.allowedRegions),
	" and jurisdictions ", concat(", ", rule.spec.allowedJurisdictions),
])

# hosted(hosting): "eastus, westus (US)".
hosted(hosting) := concat("", [
	concat(", ", hosting.regions), " (", concat(", ", hosting.jurisdictions), ")",
])

model_finding(rule_id, entry, hosting, violated, what) := {
	"rule": rule_id,
	"path": entry.path,
	"msg": concat("", [
		lib.role_label(entry), " is hosted in ", hosted(hosting), "; ",
		allows(violated), " — choose a ", what, " hosted there",
	]),
}

# governing_ids: the identities of the governing rules that resolve.
governing_ids contains id if {
	some id in input.derived.residencyRules
	_ = input.related[id]
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
	entry := lib.primary_entry
	id := entry.identity
	hosting := input.related[id].spec.hosting
	violated := violated_by(hosting)
	count(violated) > 0
	finding := model_finding("GOV-RES-001", entry, hosting, violated, "primary model")
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
	lib.is_deployment
	some entry in input.derived.models
	entry.role != "primary"
	hosting := input.related[entry.identity].spec.hosting
	violated := violated_by(hosting)
	count(violated) > 0
	finding := model_finding("GOV-RES-002", entry, hosting, violated, "fallback")
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
	sink_region_breaks
	some sink in sinks
	region := sink.value.region
	region_breaks(region)
	bad := {id |
		some id in input.derived.residencyRules
		rule := input.related[id]
		not region_allowed(rule, region)
	}
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
	sink_jurisdiction_breaks
	some sink in sinks
	jurisdiction := lib.string(sink.value, "jurisdiction")
	jurisdiction_breaks(jurisdiction)
	bad := {id |
		some id in input.derived.residencyRules
		rule := input.related[id]
		not jurisdiction_allowed(rule, jurisdiction)
	}
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
	input.subject.spec.logging.enabled == true
	not log_region_set
	lib.has_governing_rule
	finding := {
		"rule": "GOV-RES-003",
		"path": "spec.logging.region",
		"msg": concat("", [
			"logging is enabled but the log sink declares no region, so nothing shows the logged data",
			" stays where allowed (", allows(governing_ids), ") — set spec.logging.region",
			" to an allowed region",
		]),
	}
}

log_region_set if input.subject.spec.logging.region != null

# region_breaks(region), jurisdiction_breaks(jurisdiction): some governing rule does not allow it.
region_breaks(region) if {
	some id in input.derived.residencyRules
	rule := input.related[id]
	not region_allowed(rule, region)
}

jurisdiction_breaks(jurisdiction) if {
	some id in input.derived.residencyRules
	rule := input.related[id]
	not jurisdiction_allowed(rule, jurisdiction)
}

# sink_region_breaks, sink_jurisdiction_breaks: the retrieval store's or the log sink's region
# (jurisdiction) breaks a governing rule. Guards of the GOV-RES-003 bodies, so that `sinks` (a
# set of objects, slow to build on regopy) is only built when a sink is out of place.
sink_region_breaks if region_breaks(lib.string(input.subject.spec.retrieval, "region"))

sink_region_breaks if region_breaks(lib.string(input.subject.spec.logging, "region"))

sink_jurisdiction_breaks if {
	jurisdiction := lib.string(input.subject.spec.retrieval, "jurisdiction")
	jurisdiction_breaks(jurisdiction)
}

sink_jurisdiction_breaks if {
	jurisdiction := lib.string(input.subject.spec.logging, "jurisdiction")
	jurisdiction_breaks(jurisdiction)
}

# sinks: where else governed data is stored: the retrieval store and the enabled log sink.
sinks contains {"name": name, "path": "spec.retrieval", "value": retrieval} if {
	lib.has_governing_rule
	retrieval := lib.spec.retrieval
	lib.string(retrieval, "region")
	name := concat("", ["retrieval store ", lib.string(retrieval, "store")])
}

sinks contains {"name": "the log sink", "path": "spec.logging", "value": logging} if {
	lib.has_governing_rule
	logging := lib.spec.logging
	logging.enabled == true
	lib.string(logging, "region")
}

# covered_pairs: each [data class, user jurisdiction] that a governing rule lists both of, built
# once per evaluation instead of scanning the rules for every pair.
covered_pairs contains [class, jurisdiction] if {
	some id in input.derived.residencyRules
	rule := input.related[id]
	some class in rule.spec.dataClasses
	some jurisdiction in rule.spec.userJurisdictions
}

covered(class, jurisdiction) if [class, jurisdiction] in covered_pairs

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
			" or correct spec.dataClasses (classes that need none: ", lib.list(unregulated_classes), ")",
		]),
	}
}

plural(xs) := "it" if count(xs) == 1

plural(xs) := "them" if count(xs) != 1
