package govctl.rules.monitoring_test

import rego.v1

import data.govctl.rules.monitoring
import data.govctl.test.fixtures as fx

denies(inp) := r if {
	s := inp.subject
	r := monitoring.deny with input.subject as s
}

test_obs_001_passes_for_clean_deployment if {
	count(denies(fx.deployment_input)) == 0
}

test_obs_001_passes_for_staging_without_alerts if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "staging"},
		{"op": "remove", "path": "/subject/spec/monitoring"},
	])
	count(denies(inp)) == 0
}

test_obs_001_fails_for_missing_error_rate_alert if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/monitoring/alerts/errorRate"}])
	denies(inp) == {{
		"rule": "GOV-OBS-001",
		"path": "spec.monitoring.alerts.errorRate",
		"msg": "prod deployment support-assistant-eu-prod has no error rate alert — set spec.monitoring.alerts.errorRate",
	}}
}

test_obs_001_fails_without_monitoring if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/monitoring"}])
	fx.at(denies(inp), "GOV-OBS-001") == {
		"spec.monitoring.alerts.p95LatencyMs",
		"spec.monitoring.alerts.errorRate",
		"spec.monitoring.alerts.costPerRequestUSD",
	}
}
