package govctl.rules.security_test

import rego.v1

import data.govctl.rules.security
import data.govctl.test.fixtures as fx

denies(inp) := r if {
	s := inp.subject
	r := security.deny with input.subject as s
}

warns(inp) := r if {
	s := inp.subject
	r := security.warn with input.subject as s
}

test_clean_deployment_has_no_security_findings if {
	count(denies(fx.deployment_input)) == 0
	count(warns(fx.deployment_input)) == 0
}

# GOV-SEC-001 ------------------------------------------------------------------------------

test_sec_001_passes_for_dev_without_auth if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "dev"},
		{"op": "remove", "path": "/subject/spec/auth"},
	])
	not "GOV-SEC-001" in fx.rules(denies(inp))
}

test_sec_001_fails_for_optional_auth if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/auth/required", "value": false}])
	denies(inp) == {{
		"rule": "GOV-SEC-001",
		"path": "spec.auth.required",
		"msg": "prod deployment support-assistant-eu-prod does not require authentication — set spec.auth.required: true",
	}}
}

test_sec_001_fails_for_staging_without_auth if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/environment", "value": "staging"},
		{"op": "remove", "path": "/subject/spec/auth"},
	])
	fx.at(denies(inp), "GOV-SEC-001") == {"spec.auth.required"}
}

# GOV-SEC-002 ------------------------------------------------------------------------------

test_sec_002_passes_at_180_days if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/logging/retentionDays", "value": 180}])
	count(denies(inp)) == 0
}

test_sec_002_passes_for_limited_risk_without_logging if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/riskTier", "value": "limited"},
		{"op": "add", "path": "/subject/spec/logging", "value": {"enabled": false}},
	])
	count(denies(inp)) == 0
}

test_sec_002_fails_for_short_retention if {
	inp := fx.patch(fx.deployment_input, [{"op": "add", "path": "/subject/spec/logging/retentionDays", "value": 90}])
	denies(inp) == {{
		"rule": "GOV-SEC-002",
		"path": "spec.logging.retentionDays",
		"msg": "high-risk prod deployment support-assistant-eu-prod keeps logs for 90 days — set spec.logging.retentionDays to at least 180",
	}}
}

test_sec_002_fails_without_logging if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/logging"}])
	fx.at(denies(inp), "GOV-SEC-002") == {"spec.logging.enabled"}
}

test_sec_002_fails_for_unredacted_pii_logs if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/riskTier", "value": "limited"},
		{"op": "remove", "path": "/subject/spec/logging/redactPII"},
	])
	denies(inp) == {{
		"rule": "GOV-SEC-002",
		"path": "spec.logging.redactPII",
		"msg": "prod deployment support-assistant-eu-prod processes pii and logs without redaction — set spec.logging.redactPII: true",
	}}
}

# GOV-SEC-003 ------------------------------------------------------------------------------

test_sec_003_passes_for_internal_deployment if {
	inp := fx.patch(fx.deployment_input, [
		{"op": "add", "path": "/subject/spec/userFacing", "value": false},
		{"op": "remove", "path": "/subject/spec/rateLimit"},
	])
	count(warns(inp)) == 0
}

test_sec_003_warns_without_rate_limit if {
	inp := fx.patch(fx.deployment_input, [{"op": "remove", "path": "/subject/spec/rateLimit"}])
	warns(inp) == {{
		"rule": "GOV-SEC-003",
		"path": "spec.rateLimit",
		"msg": "user-facing prod deployment support-assistant-eu-prod has no rate limit — set spec.rateLimit.requestsPerMinute to protect cost and capacity from abuse",
	}}
}
