package govctl.rules.model_test

import rego.v1

import data.govctl.rules.model
import data.govctl.test.fixtures as fx

denies(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	n := inp.now
	r := model.deny with input.subject as s with input.related as rel with input.derived as d with input.now as n
}

warns(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	n := inp.now
	r := model.warn with input.subject as s with input.related as rel with input.derived as d with input.now as n
}

test_clean_deployment_has_no_model_findings if {
	count(denies(fx.deployment_input)) == 0
	count(warns(fx.deployment_input)) == 0
}

# GOV-MDL-001 ------------------------------------------------------------------------------

test_mdl_001_passes_for_deprecated_model_in_dev if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "dev"},
		{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/spec/status", "value": "deprecated"},
	])
	not "GOV-MDL-001" in fx.rules(denies(inp))
}

test_mdl_001_fails_for_deprecated_model_in_prod if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/spec/status", "value": "deprecated"}])
	fx.only(denies(inp), "GOV-MDL-001") == {{
		"rule": "GOV-MDL-001",
		"path": "spec.model",
		"msg": "primary model gpt-4o@2024-08-06 is deprecated and this is a prod deployment — deprecated models are allowed only in dev; replace it with an approved model",
	}}
}

test_mdl_001_fails_for_blocked_fallback_even_in_dev if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "dev"},
		{"op": "add", "path": "/related/Model~1gpt-4o-mini@2024-07-18/spec/status", "value": "blocked"},
	])
	fx.only(denies(inp), "GOV-MDL-001") == {{
		"rule": "GOV-MDL-001",
		"path": "spec.fallbacks[0]",
		"msg": "fallback gpt-4o-mini@2024-07-18 has status blocked and may not be used — replace it with an approved model",
	}}
}

# GOV-MDL-002 ------------------------------------------------------------------------------

test_mdl_002_passes_61_days_before_sunset if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/spec/sunset", "value": "2027-01-22"},
		{"op": "add", "path": "/derived/models/0/sunsetNs", "value": 1800576000000000000},
	])
	not "GOV-MDL-002" in fx.rules(denies(inp) | warns(inp))
}

test_mdl_002_passes_without_sunset if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "remove", "path": "/related/Model~1gpt-4o@2024-08-06/spec/sunset"},
		{"op": "add", "path": "/derived/models/0/sunsetNs", "value": null},
	])
	not "GOV-MDL-002" in fx.rules(denies(inp) | warns(inp))
}

test_mdl_002_warns_within_60_days if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/spec/sunset", "value": "2027-01-21"},
		{"op": "add", "path": "/derived/models/0/sunsetNs", "value": 1800489600000000000},
	])
	not "GOV-MDL-002" in fx.rules(denies(inp))
	warns(inp) == {{
		"rule": "GOV-MDL-002",
		"path": "spec.model",
		"msg": "primary model gpt-4o@2024-08-06 reaches its sunset date 2027-01-21 in 60 days (warning window 60 days) — plan the migration to a supported snapshot now",
	}}
}

test_mdl_002_fails_on_the_sunset_date if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/related/Model~1gpt-4o-mini@2024-07-18/spec/sunset", "value": "2026-11-22"},
		{"op": "add", "path": "/derived/models/1/sunsetNs", "value": 1795305600000000000},
	])
	count(warns(inp)) == 0
	fx.only(denies(inp), "GOV-MDL-002") == {{
		"rule": "GOV-MDL-002",
		"path": "spec.fallbacks[0]",
		"msg": "fallback gpt-4o-mini@2024-07-18 reached its sunset date 2026-11-22 — the provider has retired it; migrate to a supported snapshot",
	}}
}

# GOV-MDL-003 ------------------------------------------------------------------------------

test_mdl_003_passes_for_floating_alias_in_dev if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "dev"},
		{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/metadata/version", "value": "latest"},
	])
	not "GOV-MDL-003" in fx.rules(denies(inp))
}

test_mdl_003_passes_for_numbered_snapshots if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/metadata/version", "value": "001"}])
	not "GOV-MDL-003" in fx.rules(denies(inp))
}

# pinned() alone decides GOV-MDL-003: no default floating alias has a digit, so `not pinned` also
# covers the alias list, in any case. The parameters are read for a subject, hence the input.
test_mdl_003_every_floating_alias_is_unpinned if {
	subject := fx.deployment
	count(model.floating_aliases) == 11 with input.subject as subject
	count([a | some a in model.floating_aliases; model.pinned(a)]) == 0 with input.subject as subject
	not model.pinned("LATEST") with input.subject as subject
	not model.pinned("Preview") with input.subject as subject
	not model.pinned("2024-latest") with input.subject as subject
	model.pinned("2024-08-06") with input.subject as subject
	model.pinned("v2") with input.subject as subject
}

# Parameters floatingAliases and floatingMarkers: a repository's own aliases and markers count.
test_mdl_003_floating_parameters if {
	subject := fx.deployment
	aliases := {"value": ["latest", "v2"]}
	not model.pinned("V2") with input.subject as subject
		with data.govctl.parameters as fx.parameters({"GOV-MDL-003": {"floatingAliases": aliases}})
	model.pinned("v3") with input.subject as subject
		with data.govctl.parameters as fx.parameters({"GOV-MDL-003": {"floatingAliases": aliases}})
	markers := {"value": ["preview"]}
	not model.pinned("2024-08-01-Preview") with input.subject as subject
		with data.govctl.parameters as fx.parameters({"GOV-MDL-003": {"floatingMarkers": markers}})
	model.pinned("2024-latest") with input.subject as subject
		with data.govctl.parameters as fx.parameters({"GOV-MDL-003": {"floatingMarkers": markers}})
}

test_mdl_003_fails_for_a_marker_in_prod if {
	inp := fx.patch(fx.deployment_input, [{
		"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/metadata/version",
		"value": "2024-08-01-preview",
	}])
	not "GOV-MDL-003" in fx.rules(denies(inp))
	fx.at(denies(inp), "GOV-MDL-003") == {"spec.model"} with data.govctl.parameters as fx.parameters({"GOV-MDL-003": {"floatingMarkers": {"value": ["latest", "preview"]}}})
}

test_mdl_003_fails_for_latest_in_prod if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/metadata/version", "value": "latest"}])
	fx.only(denies(inp), "GOV-MDL-003") == {{
		"rule": "GOV-MDL-003",
		"path": "spec.model",
		"msg": "primary model gpt-4o@2024-08-06 is not pinned: version latest is a floating alias — reference a dated provider snapshot in prod",
	}}
}

test_mdl_003_fails_for_aliases_in_staging if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "staging"},
		{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/metadata/version", "value": "preview"},
		{"op": "add", "path": "/related/Model~1gpt-4o-mini@2024-07-18/metadata/version", "value": "2-latest"},
	])
	fx.at(denies(inp), "GOV-MDL-003") == {"spec.model", "spec.fallbacks[0]"}
}

# GOV-MDL-004 ------------------------------------------------------------------------------

test_mdl_004_passes_for_internal_data if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/dataClasses", "value": ["internal", "public"]},
		{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/spec/dataHandling/trainsOnInputs", "value": true},
	])
	not "GOV-MDL-004" in fx.rules(denies(inp))
}

test_mdl_004_fails_for_training_on_pii if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/related/Model~1gpt-4o-mini@2024-07-18/spec/dataHandling/trainsOnInputs", "value": true}])
	fx.only(denies(inp), "GOV-MDL-004") == {{
		"rule": "GOV-MDL-004",
		"path": "spec.fallbacks[0]",
		"msg": "fallback gpt-4o-mini@2024-07-18 trains on its inputs (dataHandling.trainsOnInputs: true) but this deployment processes financial, pii — use a model or provider contract with training on inputs disabled",
	}}
}

test_mdl_002_passes_for_null_sunset if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/related/Model~1gpt-4o@2024-08-06/spec/sunset", "value": null},
		{"op": "add", "path": "/derived/models/0/sunsetNs", "value": null},
	])
	not "GOV-MDL-002" in fx.rules(denies(inp) | warns(inp))
}
