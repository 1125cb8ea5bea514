package govctl.rules.latency_test

import rego.v1

import data.govctl.rules.latency
import data.govctl.test.fixtures as fx

warns(inp) := r if {
	s := inp.subject
	rel := inp.related
	d := inp.derived
	r := latency.warn with input.subject as s with input.related as rel with input.derived as d
}

test_lat_001_passes_for_clean_deployment if {
	count(warns(fx.deployment_input)) == 0
}

test_lat_001_passes_for_internal_deployment_without_budget if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/userFacing", "value": false},
		{"op": "remove", "path": "/subject/spec/latency"},
	])
	count(warns(inp)) == 0
}

test_lat_001_warns_without_budget_and_streaming if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/latency"}])
	warns(inp) == {
		{
			"rule": "GOV-LAT-001",
			"path": "spec.latency.p95Ms",
			"msg": "user-facing prod deployment support-assistant-eu-prod declares no p95 latency budget — set spec.latency.p95Ms",
		},
		{
			"rule": "GOV-LAT-001",
			"path": "spec.latency.streaming",
			"msg": "user-facing prod deployment support-assistant-eu-prod does not stream responses — set spec.latency.streaming: true so users see the answer as it is generated",
		},
	}
}

test_lat_001_warns_when_model_is_slower_than_budget if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/latency/p95Ms", "value": 1500.5}])
	warns(inp) == {{
		"rule": "GOV-LAT-001",
		"path": "spec.latency.p95Ms",
		"msg": "primary model gpt-4o@2024-08-06 has an observed p95 of 1800 ms, over the budget of 1500.5 ms — choose a faster model or revisit the budget",
	}}
}

# Parameter tolerancePercent: the observed p95 (1800 ms) may exceed the budget by that much.
test_lat_001_tolerance_percent_parameter if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/latency/p95Ms", "value": 1500}])
	count(warns(inp)) == 0 with data.govctl.parameters as fx.parameters({"GOV-LAT-001": {"tolerancePercent": {"value": 20}}})
	warns(inp) == {{
		"rule": "GOV-LAT-001",
		"path": "spec.latency.p95Ms",
		"msg": "primary model gpt-4o@2024-08-06 has an observed p95 of 1800 ms, over the budget of 1500 ms (tolerance 19.5%) — choose a faster model or revisit the budget",
	}} with data.govctl.parameters as fx.parameters({"GOV-LAT-001": {"tolerancePercent": {"value": 19.5}}})
}
