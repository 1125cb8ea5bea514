package northwind.inventory_test

import rego.v1

import data.northwind.inventory

# Evaluate the rule for one deployment subject. Input keys are bound one by one (regopy cannot
# evaluate `with input as {...}` over rules that call builtins; see govctl's catalog tests).
denies(subject) := r if {
	s := subject
	r := inventory.deny with input.subject as s
}

deployment(labels) := {
	"identity": "Deployment/nora-eu-prod",
	"kind": "Deployment",
	"metadata": {"name": "nora-eu-prod", "owner": "team-support", "labels": labels},
	"spec": {"environment": "prod", "riskTier": "high"},
}

test_nwb_001_passes_with_both_labels if {
	count(denies(deployment({"app": "nora", "cost-centre": "CC-4120"}))) == 0
}

test_nwb_001_fails_without_cost_centre if {
	denies(deployment({"app": "nora"})) == {{
		"rule": "NWB-INV-001",
		"path": "metadata.labels",
		"msg": "prod deployment nora-eu-prod has no cost-centre label — set metadata.labels.cost-centre (required labels: app, cost-centre)",
	}}
}

test_nwb_001_fails_for_an_empty_label if {
	count(denies(deployment({"app": "", "cost-centre": "CC-4120"}))) == 1
}

test_nwb_001_fails_without_labels if {
	subject := json.remove(deployment({}), ["metadata/labels"])
	count(denies(subject)) == 2
}
