package govctl.rules.residency_test

import rego.v1

import data.govctl.rules.residency
import data.govctl.test.fixtures as fx

denies(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	n := inp.now
	r := residency.deny with input.subject as s with input.related as rel with input.derived as d with input.now as n
}

warns(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	n := inp.now
	r := residency.warn with input.subject as s with input.related as rel with input.derived as d with input.now as n
}

test_clean_deployment_has_no_residency_findings if {
	count(denies(fx.deployment_input)) == 0
	count(warns(fx.deployment_input)) == 0
}

# GOV-RES-001 ------------------------------------------------------------------------------

test_res_001_passes_for_glob_matched_region if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/spec/hosting", "value": {"regions": ["eu-central-1"], "jurisdictions": ["EU"]}}])
	not "GOV-RES-001" in fx.rules(denies(inp))
}

test_res_001_fails_for_primary_outside_allowed_region if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/spec/hosting", "value": {"regions": ["eastus"], "jurisdictions": ["US"]}}])
	found := fx.only(denies(inp), "GOV-RES-001")
	found == {{
		"rule": "GOV-RES-001",
		"path": "spec.model",
		"msg": "primary model gpt-4o@2024-08-06 is hosted in eastus (US); rule eu-personal-data allows regions westeurope, swedencentral, eu-* and jurisdictions EU — choose a primary model hosted there",
	}}
}

test_res_001_fails_for_disallowed_jurisdiction_alone if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/spec/hosting", "value": {"regions": ["westeurope"], "jurisdictions": ["EU", "US"]}}])
	fx.at(denies(inp), "GOV-RES-001") == {"spec.model"}
}

test_res_001_ignores_deployments_no_rule_governs if {
	inp0 := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/spec/hosting", "value": {"regions": ["eastus"], "jurisdictions": ["US"]}}])
	inp := fx.patch(inp0, [{"op": "add", "path": "/derived/residencyRules", "value": []}])
	not "GOV-RES-001" in fx.rules(denies(inp))
}

# GOV-RES-002 ------------------------------------------------------------------------------

test_res_002_passes_for_fallback_in_allowed_region if {
	not "GOV-RES-002" in fx.rules(denies(fx.deployment_input))
}

test_res_002_fails_for_fallback_outside_allowed_region if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/Model~1gpt-4o-mini@2024-07-18/spec/hosting", "value": {"regions": ["eastus"], "jurisdictions": ["US"]}}])
	found := fx.only(denies(inp), "GOV-RES-002")
	found == {{
		"rule": "GOV-RES-002",
		"path": "spec.fallbacks[0]",
		"msg": "fallback gpt-4o-mini@2024-07-18 is hosted in eastus (US); rule eu-personal-data allows regions westeurope, swedencentral, eu-* and jurisdictions EU — choose a fallback hosted there",
	}}
	not "GOV-RES-001" in fx.rules(denies(inp))
}

# GOV-RES-003 ------------------------------------------------------------------------------

test_res_003_passes_for_sinks_in_allowed_regions if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/logging/region", "value": "eu-west-1"}])
	not "GOV-RES-003" in fx.rules(denies(inp))
}

test_res_003_fails_for_retrieval_store_outside if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/retrieval/region", "value": "us-east-1"}])
	found := fx.only(denies(inp), "GOV-RES-003")
	found == {{
		"rule": "GOV-RES-003",
		"path": "spec.retrieval.region",
		"msg": "retrieval store pgvector-eu is in region us-east-1; rule eu-personal-data allows regions westeurope, swedencentral, eu-* and jurisdictions EU — move it to an allowed region",
	}}
}

test_res_003_fails_for_log_sink_jurisdiction if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/logging/jurisdiction", "value": "US"}])
	fx.at(denies(inp), "GOV-RES-003") == {"spec.logging.jurisdiction"}
}

test_res_003_fails_for_log_sink_without_region if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/logging/region"}])
	fx.at(denies(inp), "GOV-RES-003") == {"spec.logging.region"}
}

test_res_003_ignores_disabled_logging if {
	inp0 := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/logging/region"}])
	inp := fx.patch(inp0, [{"op": "add", "path": "/subject/spec/logging/enabled", "value": false}])
	not "GOV-RES-003" in fx.rules(denies(inp))
}

# GOV-RES-004 ------------------------------------------------------------------------------

test_res_004_passes_when_every_class_is_covered if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/dataClasses", "value": ["pii", "public"]}])
	not "GOV-RES-004" in fx.rules(warns(inp))
}

test_res_004_fails_for_uncovered_class_and_jurisdiction if {
	inp0 := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/dataClasses", "value": ["pii", "phi"]}])
	inp := fx.patch(inp0, [{"op": "add", "path": "/subject/spec/userJurisdictions", "value": ["EU", "KZ"]}])
	found := fx.only(warns(inp), "GOV-RES-004")
	found == {{
		"rule": "GOV-RES-004",
		"path": "spec.dataClasses",
		"msg": "deployment processes phi (EU), phi (KZ), pii (KZ) but no residency rule governs them — add a ResidencyRule for them or correct spec.dataClasses (classes that need none: public)",
	}}
}

# A pair is covered only by a rule listing both the class and the jurisdiction: here one rule
# lists financial for EU, another pii for US, so pii (EU) and financial (US) stay uncovered.
us_pii_rule := fx.patch(fx.residency_rule, [
	{"op": "add", "path": "/identity", "value": "ResidencyRule/us-personal-data"},
	{"op": "add", "path": "/metadata/name", "value": "us-personal-data"},
	{"op": "add", "path": "/spec/dataClasses", "value": ["pii"]},
	{"op": "add", "path": "/spec/userJurisdictions", "value": ["US"]},
	{"op": "add", "path": "/spec/allowedJurisdictions", "value": ["US", "EU"]},
])

test_res_004_needs_one_rule_listing_both_class_and_jurisdiction if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/userJurisdictions", "value": ["EU", "US"]},
		{"op": "add", "path": "/related/ResidencyRule~1eu-personal-data/spec/dataClasses", "value": ["financial"]},
		{"op": "add", "path": "/related/ResidencyRule~1us-personal-data", "value": us_pii_rule},
		{"op": "add", "path": "/derived/residencyRules/-", "value": "ResidencyRule/us-personal-data"},
	])
	fx.only(warns(inp), "GOV-RES-004") == {{
		"rule": "GOV-RES-004",
		"path": "spec.dataClasses",
		"msg": "deployment processes financial (US), pii (EU) but no residency rule governs them — add a ResidencyRule for them or correct spec.dataClasses (classes that need none: public)",
	}}
}

test_res_003_passes_for_null_jurisdictions if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/retrieval/jurisdiction", "value": null},
		{"op": "add", "path": "/subject/spec/logging/jurisdiction", "value": null},
	])
	not "GOV-RES-003" in fx.rules(denies(inp))
}
