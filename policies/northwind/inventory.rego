# METADATA
# title: Northwind Bank AI-system inventory
# description: >-
#   Northwind Bank keeps an inventory of every AI system it runs (model risk policy MRP-7,
#   following NIST AI RMF GOVERN 1.6 and EU AI Act Art. 26 deployer duties) and charges model
#   spend to cost centres. Both are keyed by deployment labels.
# custom:
#   kinds: [Deployment]
package northwind.inventory

import rego.v1

import data.govctl.lib

# Parameter NWB-INV-001 requiredLabels (policies/parameters.yaml; govctl.yaml may override it).
required_labels := lib.param("NWB-INV-001", "requiredLabels")

label_set(name) if {
	key := name
	v := input.subject.metadata.labels[key]
	is_string(v)
	v != ""
}

# METADATA
# title: Deployments carry the inventory and chargeback labels
# description: >-
#   Every Deployment sets the metadata.labels named by the requiredLabels parameter (default:
#   app and cost-centre), so the AI-system inventory and the monthly chargeback can find it.
# custom:
#   id: NWB-INV-001
#   severity: error
#   component: registry
#   stage: baseline
#   waivable: true
#   kinds: [Deployment]
#   controls:
#     - NIST-AI-RMF:GOVERN-1.6
#     - EU-AI-ACT:Art.26
#     - ISO-42001:A.4.2
#   remediation: >-
#     Add the missing labels under metadata.labels (app: the application's inventory key,
#     cost-centre: the Finance cost centre, e.g. CC-4120).
deny contains finding if {
	lib.is_deployment
	some name in required_labels
	not label_set(name)
	finding := {
		"rule": "NWB-INV-001",
		"path": "metadata.labels",
		"msg": concat("", [
			lib.deployment_label, " has no ", name, " label — set metadata.labels.", name,
			" (required labels: ", lib.list(required_labels), ")",
		]),
	}
}
