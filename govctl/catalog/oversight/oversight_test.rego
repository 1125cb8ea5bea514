package govctl.rules.oversight_test

import rego.v1

import data.govctl.rules.oversight
import data.govctl.test.fixtures as fx

denies(inp) := r if {
	s := inp.subject
	r := oversight.deny with input.subject as s
}

warns(inp) := r if {
	s := inp.subject
	r := oversight.warn with input.subject as s
}

test_clean_deployment_has_no_oversight_findings if {
	count(denies(fx.deployment_input)) == 0
	count(warns(fx.deployment_input)) == 0
}

# GOV-HUM-001 ------------------------------------------------------------------------------

test_hum_001_passes_for_limited_risk_without_oversight if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/riskTier", "value": "limited"},
		{"op": "add", "path": "/subject/spec/humanOversight", "value": {"mode": "none", "feedback": true}},
	])
	count(denies(inp)) == 0
}

test_hum_001_fails_for_mode_none if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/humanOversight/mode", "value": "none"}])
	denies(inp) == {{
		"rule": "GOV-HUM-001",
		"path": "spec.humanOversight.mode",
		"msg": "high-risk prod deployment support-assistant-eu-prod has human oversight none — set spec.humanOversight.mode to one of required, sampled (oversightModes)",
	}}
}

test_hum_001_fails_without_oversight_block if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/humanOversight"}])
	fx.at(denies(inp), "GOV-HUM-001") == {"spec.humanOversight.mode", "spec.humanOversight.escalation"}
}

test_hum_001_fails_without_escalation if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/humanOversight/escalation"}])
	denies(inp) == {{
		"rule": "GOV-HUM-001",
		"path": "spec.humanOversight.escalation",
		"msg": "high-risk prod deployment support-assistant-eu-prod names no escalation contact — set spec.humanOversight.escalation to the team that takes over",
	}}
}

# GOV-HUM-002 ------------------------------------------------------------------------------

test_hum_002_passes_for_internal_deployment if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/userFacing", "value": false},
		{"op": "remove", "path": "/subject/spec/humanOversight/feedback"},
	])
	count(warns(inp)) == 0
}

test_hum_002_warns_without_feedback if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/humanOversight/feedback", "value": false}])
	warns(inp) == {{
		"rule": "GOV-HUM-002",
		"path": "spec.humanOversight.feedback",
		"msg": "user-facing prod deployment support-assistant-eu-prod does not capture user feedback — set spec.humanOversight.feedback: true",
	}}
}
