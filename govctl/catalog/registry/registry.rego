# METADATA
# title: Registry integrity
# description: >-
#   Rules about the registry as versioned history. The other registry rules (schema, dangling
#   references, duplicate identities, unknown owners) need the whole registry and are computed
#   natively in Python; this package holds the ones that need the change against the base.
# custom:
#   kinds: [Prompt]
package govctl.rules.registry

import rego.v1

import data.govctl.lib

# METADATA
# title: Released prompt versions are immutable
# description: >-
#   A Prompt version that already exists on the base commit must not change its spec: EvalRuns,
#   approvals and audit records refer to name@version and its digest. Publish the change as a new
#   version instead.
# custom:
#   id: GOV-REG-005
#   severity: error
#   component: registry
#   stage: baseline
#   waivable: false
#   kinds: [Prompt]
#   controls:
#     - EU-AI-ACT:Art.17
#     - ISO-42001:A.6.2.7
#     - NIST-AI-RMF:GOVERN-1.6
#   remediation: >-
#     Restore the released file as it was on the base and publish the change as a new version
#     (a new file with a bumped metadata.version).
deny contains finding if {
	input.subject.kind == "Prompt"
	record := input.change[input.subject.identity]
	spec_mutated(record)
	finding := {
		"rule": "GOV-REG-005",
		"path": "metadata.version",
		"msg": concat("", [
			"released prompt ", input.subject.metadata.name, "@", input.subject.metadata.version,
			" changed ", changed_fields(record), " since the base; released versions are immutable",
			" — restore it and publish the change as a new version (bump metadata.version in a new file)",
		]),
	}
}

spec_mutated(record) if "prompt.released_version_mutated" in record.predicates

spec_mutated(record) if "modified.spec" in record.predicates

spec_paths(record) := {f.path | some f in record.fields; startswith(f.path, "spec")}

changed_fields(record) := lib.list(spec_paths(record)) if count(spec_paths(record)) > 0

changed_fields(record) := "its spec" if count(spec_paths(record)) == 0
