# METADATA
# title: Retrieval data freshness
# description: Retrieval-augmented deployments refresh their index at least weekly.
# custom:
#   kinds: [Deployment]
package govctl.rules.data

import rego.v1

import data.govctl.lib

# Parameter (govctl/catalog/parameters.yaml; overridable in govctl.yaml policy.parameters).
max_cadence := lib.param("GOV-DAT-001", "maxRefreshCadence")

max_cadence_seconds := duration_seconds(max_cadence)

unit_seconds := {
	"Y": 365 * 86400, "W": 7 * 86400, "D": 86400,
	"H": 3600, "S": 1,
}

# duration_seconds(d): an ISO 8601 duration (P1D, PT6H, P1W, P1M, P1DT12H) in seconds; months
# count as 30 days and years as 365. Durations are validated against a strict pattern on load,
# so this parses plain ASCII.
duration_seconds(d) := date_seconds + time_seconds if {
	date_seconds := sum([n | some part in date_parts(d); n := part_seconds(part, false)])
	time_seconds := sum([n | some part in time_parts(d); n := part_seconds(part, true)])
}

date_parts(d) := regex.find_all_string_submatch_n(
	`([0-9]+)([YMWD])`,
	split(trim_prefix(d, "P"), "T")[0],
	-1,
)

time_parts(d) := regex.find_all_string_submatch_n(`([0-9]+)([HMS])`, split(d, "T")[1], -1) if {
	contains(d, "T")
}

time_parts(d) := [] if not contains(d, "T")

part_seconds(part, true) := to_number(part[1]) * 60 if part[2] == "M"

part_seconds(part, false) := (to_number(part[1]) * 30) * 86400 if part[2] == "M"

part_seconds(part, _) := to_number(part[1]) * unit_seconds[part[2]] if part[2] != "M"

# METADATA
# scope: rule
# title: Retrieval indexes are refreshed at least weekly
# description: >-
#   A deployment with retrieval should declare retrieval.refreshCadence (ISO 8601 duration) of
#   at most maxRefreshCadence (parameter, default P7D), so answers are grounded in current
#   documents.
# custom:
#   id: GOV-DAT-001
#   severity: warning
#   component: data
#   stage: full
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - EU-AI-ACT:Art.10
#     - ISO-42001:A.7.4
#     - OWASP-LLM-2025:LLM09
#   remediation: Set spec.retrieval.refreshCadence to P7D or shorter (e.g. P1D).
warn contains finding if {
	retrieval := lib.spec.retrieval
	is_object(retrieval)
	not lib.has(retrieval, "refreshCadence")
	store := lib.string(retrieval, "store")
	finding := {
		"rule": "GOV-DAT-001",
		"path": "spec.retrieval.refreshCadence",
		"msg": concat("", [
			"retrieval store ", store, " declares no refreshCadence",
			" — set spec.retrieval.refreshCadence to ", max_cadence, " or shorter",
		]),
	}
}

warn contains finding if {
	retrieval := lib.spec.retrieval
	cadence := lib.string(retrieval, "refreshCadence")
	duration_seconds(cadence) > max_cadence_seconds
	finding := {
		"rule": "GOV-DAT-001",
		"path": "spec.retrieval.refreshCadence",
		"msg": concat("", [
			"retrieval store ", lib.string(retrieval, "store"), " refreshes every ", cadence,
			", longer than ", max_cadence, " (maxRefreshCadence) — refresh more often so answers use",
			" current documents",
		]),
	}
}
